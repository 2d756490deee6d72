/*
 * test-schedule.c: the scheduling policy without any network: N and N%,
 * waves and their pause, the failure budget cancelling hosts not started.
 */
#include <sys/time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "muster.h"
#include "unit-run.h"

static void
test_count(void **state)
{
	size_t	n;

	(void)state;
	assert_int_equal(schedule_count("7", 100, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(schedule_count("0", 100, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(schedule_count("10%", 45, &n), 0);
	assert_int_equal(n, 5);		/* 4.5 rounds up */
	assert_int_equal(schedule_count("1%", 3, &n), 0);
	assert_int_equal(n, 1);		/* at least one host */
	assert_int_equal(schedule_count("100%", 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(schedule_count("0%", 3, &n), -1);
	assert_int_equal(schedule_count("101%", 3, &n), -1);
	assert_int_equal(schedule_count("-1", 3, &n), -1);
	assert_int_equal(schedule_count("", 3, &n), -1);
	assert_int_equal(schedule_count("5x", 3, &n), -1);
	assert_int_equal(schedule_count("1000001", 3, &n), -1);
}

/* Waves of two, a pause of 500 ms between them. */
static void
test_waves(void **state)
{
	struct run	*r = unit_run(5, 0);
	struct timeval	 now, later;

	(void)state;
	r->sched.batch = 2;
	r->sched.batch_sleep_ms = 500;
	gettimeofday(&now, NULL);
	assert_true(schedule_may_start(r, &now));
	r->next = 1;
	r->active = 1;
	assert_true(schedule_may_start(r, &now));
	r->next = 2;
	r->active = 2;
	assert_false(schedule_may_start(r, &now));	/* wave out */
	r->active = 1;
	assert_false(schedule_may_start(r, &now));	/* not all done */
	r->active = 0;
	assert_false(schedule_may_start(r, &now));	/* the pause */
	later = now;
	later.tv_usec += 400000;
	if (later.tv_usec >= 1000000) {
		later.tv_sec++;
		later.tv_usec -= 1000000;
	}
	assert_false(schedule_may_start(r, &later));
	later.tv_sec++;
	assert_true(schedule_may_start(r, &later));	/* next wave */
	assert_int_equal(r->sched.wave_end, 4);
	r->next = 4;
	r->active = 0;
	later.tv_sec += 10;
	assert_false(schedule_may_start(r, &later));	/* a new pause */
	later.tv_sec += 10;
	assert_true(schedule_may_start(r, &later));
	run_free(r);
}

/* Past the budget the hosts not started end cancelled, with why. */
static void
test_budget(void **state)
{
	struct run	*r = unit_run(6, 0);
	size_t		 i;

	(void)state;
	r->sched.max_fail = 1;
	r->next = 3;
	r->active = 3;
	result_set_error(&r->hosts[0]->result, RESULT_OK, "OK");
	schedule_host_done(r, r->hosts[0]);
	result_set_error(&r->hosts[1]->result, RESULT_UNREACHABLE, "refused");
	schedule_host_done(r, r->hosts[1]);
	assert_false(r->sched.over_budget);
	assert_int_equal(r->next, 3);
	result_set_error(&r->hosts[2]->result, RESULT_TIMEOUT, "slow");
	schedule_host_done(r, r->hosts[2]);
	assert_true(r->sched.over_budget);
	assert_int_equal(r->next, 6);
	assert_int_equal(r->finished, 3);
	for (i = 3; i < 6; i++) {
		assert_int_equal(r->hosts[i]->result.status, RESULT_CANCELLED);
		assert_string_equal(r->hosts[i]->result.statusmsg,
		    "not started: 2 hosts failed, more than --max-fail"
		    " allows (1)");
		assert_int_equal(r->hosts[i]->state, HOST_FAILED);
		assert_false(timerisset(&r->hosts[i]->started));
	}
	assert_false(schedule_may_start(r, &r->start));
	run_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_waves),
		cmocka_unit_test(test_budget),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

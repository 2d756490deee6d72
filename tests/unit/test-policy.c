/*
 * test-policy.c: unit tests of actionpolicy files (lib/policy.c): the
 * field separators, names and filters of a rule, "policy default", first
 * match wins, and every malformed line named by its number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "xmalloc.h"

static struct factset	tp_web, tp_db;

static int
tp_setup(void **state)
{
	(void)state;
	factset_init(&tp_web);
	factset_set(&tp_web, "role", "web");
	factset_set(&tp_web, "env", "prod");
	factset_set(&tp_web, "os.release.major", "12");
	factset_add_class(&tp_web, "base");
	factset_add_class(&tp_web, "role::web");
	factset_sort(&tp_web);
	tp_web.complete = 1;
	factset_init(&tp_db);
	factset_set(&tp_db, "role", "db");
	factset_set(&tp_db, "env", "staging");
	factset_add_class(&tp_db, "base");
	factset_add_class(&tp_db, "role::db");
	factset_sort(&tp_db);
	tp_db.complete = 1;
	return (0);
}

static int
tp_teardown(void **state)
{
	(void)state;
	factset_release(&tp_web);
	factset_release(&tp_db);
	return (0);
}

static struct policy_file *
tp_parse(const char *text)
{
	struct policy_file	*p;
	char			*cause = NULL;
	int			 line;

	p = policy_parse(text, strlen(text), &cause, &line);
	if (p == NULL)
		fail_msg("%s", cause);
	return (p);
}

/* The decision as "allow 3", "deny 1", "deny 0" (default, no line). */
static void
tp_check(const struct policy_file *p, const char *caller, const char *action,
    const struct factset *fs, int allow, int line)
{
	struct policy_decision	d;

	policy_decide(p, caller, action, fs, &d);
	if (d.allow != allow || d.line != line)
		fail_msg("%s %s: %s line %d, want %s line %d", caller, action,
		    d.allow ? "allow" : "deny", d.line, allow ? "allow" :
		    "deny", line);
}

/* The example, with the separators it uses. */
static void
test_example(void **state)
{
	struct policy_file	*p;

	(void)state;
	p = tp_parse("policy default deny\n"
	    "allow  ops            install update status           role=web"
	    "      *\n"
	    "allow  *              status                          *"
	    "             *\n");
	assert_int_equal(p->nrules, 2);
	assert_int_equal(p->rules[0].nactions, 3);
	tp_check(p, "ops", "install", &tp_web, 1, 2);
	tp_check(p, "ops", "update", &tp_web, 1, 2);
	tp_check(p, "ops", "install", &tp_db, 0, 1);
	tp_check(p, "ops", "remove", &tp_web, 0, 1);
	tp_check(p, "dev", "install", &tp_web, 0, 1);
	tp_check(p, "dev", "status", &tp_db, 1, 3);
	policy_free(p);
}

/* Tabs (MCollective's own), single words, comments, CRLF, classes. */
static void
test_forms(void **state)
{
	struct policy_file	*p;

	(void)state;
	p = tp_parse("# a comment\n\n   # indented comment\r\n"
	    "deny\tfleet\trun\tenv=prod\trole::web\r\n"
	    "allow fleet run * *\n"
	    "allow\tops dev\t*\trole=db or env=staging\n"
	    "allow  web  *  *\n"
	    "policy\tdefault\tallow\n");
	assert_int_equal(p->nrules, 4);
	assert_int_equal(p->default_line, 8);
	tp_check(p, "fleet", "run", &tp_web, 0, 4);
	tp_check(p, "fleet", "run", &tp_db, 1, 5);
	tp_check(p, "ops", "anything", &tp_db, 1, 6);
	tp_check(p, "dev", "x", &tp_web, 1, 8);		/* default */
	tp_check(p, "web", "run", &tp_db, 1, 7);	/* no classes field */
	policy_free(p);

	/* Facts and classes are filters: regexes, comparisons, not. */
	p = tp_parse("allow  *  *  os.release.major>=12 and not env=staging"
	    "  /^role::/\n");
	tp_check(p, "a", "b", &tp_web, 1, 1);
	tp_check(p, "a", "b", &tp_db, 0, 0);		/* no default line */
	policy_free(p);

	/* Empty: everything denied. */
	p = tp_parse("");
	tp_check(p, "a", "b", &tp_web, 0, 0);
	policy_free(p);
}

/* Each malformed line is an error naming its line. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		int		 line;
		const char	*want;
	} bad[] = {
		{ "allow fleet\n", 1, "found 1 field" },
		{ "\nallow ops fleet ping * *\n", 2, "more than 4 fields" },
		{ "allow  a  b  c  d  e\n", 1, "more than 4 fields" },
		{ "permit  *  *  *\n", 1, "expected allow, deny" },
		{ "policy default maybe\n", 1, "policy default allow" },
		{ "policy deny\n", 1, "policy default allow" },
		{ "policy default deny\npolicy default allow\n", 2,
		    "a second 'policy default' (the first is on line 1)" },
		{ "allow  o\"k  *  *\n", 1, "callers: 'o\"k' is not a name" },
		{ "allow  * ops  *  *\n", 1, "callers: '*' stands alone" },
		{ "allow  ops  Run  *\n", 1, "actions: 'Run' is not a name" },
		{ "allow  ops  run  (role=web\n", 1, "facts: " },
		{ "allow  ops  run  *  (x\n", 1, "classes: " },
		{ "allow  ops  run  *\x01  *\n", 1, "a control character" },
		{ "allow\n", 1, "found 0 fields" },
	};
	struct policy_file	*p;
	char			*cause;
	size_t			 i;
	int			 line;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		p = policy_parse(bad[i].text, strlen(bad[i].text), &cause,
		    &line);
		if (p != NULL)
			fail_msg("%s: parsed", bad[i].text);
		if (line != bad[i].line || strstr(cause, bad[i].want) == NULL)
			fail_msg("%s: line %d '%s', want line %d '%s'",
			    bad[i].text, line, cause, bad[i].line,
			    bad[i].want);
		free(cause);
	}
	/* A NUL byte, and a file past the bound. */
	cause = NULL;
	assert_null(policy_parse("allow\0", 6, &cause, &line));
	assert_non_null(strstr(cause, "NUL"));
	free(cause);
	cause = NULL;
	assert_null(policy_parse("", POLICY_FILE_MAX + 1, &cause, &line));
	assert_non_null(strstr(cause, "larger than"));
	free(cause);
}

static void
test_caller_names(void **state)
{
	char	name[POLICY_NAME_MAX + 2];

	(void)state;
	assert_true(policy_caller_ok("ops"));
	assert_true(policy_caller_ok("alice@admin.example-1_x"));
	assert_false(policy_caller_ok(""));
	assert_false(policy_caller_ok("a b"));
	assert_false(policy_caller_ok("a\"b"));
	assert_false(policy_caller_ok("uid=0"));
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_false(policy_caller_ok(name));		/* 65 bytes */
	name[64] = '\0';
	assert_true(policy_caller_ok(name));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_caller_names),
	};

	return (cmocka_run_group_tests(tests, tp_setup, tp_teardown));
}

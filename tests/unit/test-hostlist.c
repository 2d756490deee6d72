/*
 * test-hostlist.c: unit tests for host ranges: expansion with padding and
 * several bracket groups, the exact error messages, natural sorting, and
 * folding back to ranges (fold then expand gives the same set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "muster.h"

/* Expand spec and join the names with spaces; NULL on error. */
static char *
thl_expand(const char *spec, char **cause)
{
	struct hostlist	 hl = HOSTLIST_INIT;
	char		*out = NULL, *tmp;
	size_t		 i;

	*cause = NULL;
	if (hostlist_expand(&hl, spec, cause) != 0) {
		hostlist_release(&hl);
		return (NULL);
	}
	out = xstrdup("");
	for (i = 0; i < hl.n; i++) {
		xasprintf(&tmp, "%s%s%s", out, i == 0 ? "" : " ", hl.hosts[i]);
		free(out);
		out = tmp;
	}
	hostlist_release(&hl);
	return (out);
}

static void
thl_check(const char *spec, const char *want)
{
	char	*got, *cause;

	got = thl_expand(spec, &cause);
	if (got == NULL)
		fail_msg("%s: %s", spec, cause);
	assert_string_equal(got, want);
	free(got);
}

static void
thl_check_error(const char *spec, const char *want)
{
	char	*got, *cause;

	got = thl_expand(spec, &cause);
	if (got != NULL)
		fail_msg("%s: expected an error, got '%s'", spec, got);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void
thl_check_fold(const char *names, const char *want)
{
	struct hostlist	 hl = HOSTLIST_INIT;
	char		*cause = NULL, *got;

	assert_int_equal(hostlist_expand(&hl, names, &cause), 0);
	got = hostlist_fold(hl.hosts, hl.n);
	assert_string_equal(got, want);
	free(got);
	hostlist_release(&hl);
}

static void
test_expand_plain(void **state)
{
	(void)state;
	thl_check("web1", "web1");
	thl_check("web1,db1", "web1 db1");
	thl_check("a.example.com,b_c:d-e", "a.example.com b_c:d-e");
	thl_check("", "");
	thl_check("  \n ", "");
	/* Whitespace and newlines separate names, as in a -w @file. */
	thl_check("a\nb  c,\n d\r\ne\t", "a b c d e");
	thl_check("a , b", "a b");
}

static void
test_expand_ranges(void **state)
{
	char	*got, *cause;

	(void)state;
	thl_check("web[01-03],db1", "web01 web02 web03 db1");
	thl_check("web[01-20,33]",
	    "web01 web02 web03 web04 web05 web06 web07 web08 web09 web10 "
	    "web11 web12 web13 web14 web15 web16 web17 web18 web19 web20 "
	    "web33");
	thl_check("n[8-11]", "n8 n9 n10 n11");
	thl_check("n[1,3,5-6]x", "n1x n3x n5x n6x");
	thl_check("n[7]", "n7");
	thl_check("n[0-1]", "n0 n1");
	thl_check("n[00-02]", "n00 n01 n02");
	thl_check("n[01-5]", "n01 n02 n03 n04 n05");
	thl_check("n[1,02,003]", "n1 n02 n003");
	thl_check("[1-3]", "1 2 3");
	thl_check("n[98-101].example.com",
	    "n98.example.com n99.example.com n100.example.com "
	    "n101.example.com");

	got = thl_expand("node[001-1000]", &cause);
	assert_non_null(got);
	assert_true(strncmp(got, "node001 node002 ", 16) == 0);
	assert_non_null(strstr(got, " node099 node100 "));
	assert_non_null(strstr(got, " node999 node1000"));
	assert_string_equal(got + strlen(got) - 9, " node1000");
	free(got);

	got = thl_expand("h[1-20]", &cause);
	assert_non_null(got);
	assert_true(strncmp(got, "h1 h2 ", 6) == 0);
	assert_non_null(strstr(got, " h9 h10 "));
	free(got);
}

static void
test_expand_groups(void **state)
{
	(void)state;
	thl_check("r[1-2]n[01-03]",
	    "r1n01 r1n02 r1n03 r2n01 r2n02 r2n03");
	thl_check("n[1-2]-[3-4]", "n1-3 n1-4 n2-3 n2-4");
	/* Commas inside brackets do not split names. */
	thl_check("a[1,2]b[3,4],c", "a1b3 a1b4 a2b3 a2b4 c");
}

static void
test_expand_groups_product(void **state)
{
	(void)state;
	thl_check("r[1,3]n[1-2]x[9-10]",
	    "r1n1x9 r1n1x10 r1n2x9 r1n2x10 r3n1x9 r3n1x10 r3n2x9 r3n2x10");
	thl_check("a[1-2],b[1-2]c", "a1 a2 b1c b2c");
}

static void
test_expand_errors(void **state)
{
	struct hostlist	 hl = HOSTLIST_INIT;
	char		*cause = NULL;

	(void)state;
	thl_check_error("web[3-1]", "bad range 'web[3-1]': 3 is above 1");
	thl_check_error("db1,web[10-09]x",
	    "bad range 'web[10-09]x': 10 is above 09");
	thl_check_error("web[1-3", "unbalanced brackets in 'web[1-3'");
	thl_check_error("web1]", "unbalanced brackets in 'web1]'");
	thl_check_error("web[[1]]", "unbalanced brackets in 'web[[1]]'");
	thl_check_error("web[1-3\nweb4",
	    "unbalanced brackets in 'web[1-3'");
	thl_check_error("a,,b", "empty name in 'a,,b'");
	thl_check_error("a,", "empty name in 'a,'");
	thl_check_error(",a", "empty name in ',a'");
	thl_check_error(",", "empty name in ','");
	thl_check_error("a, ,b", "empty name in 'a, ,b'");
	thl_check_error("web[]", "empty range in 'web[]'");
	thl_check_error("web[1-200000]",
	    "range 'web[1-200000]' expands to more than 100000 names");
	thl_check_error("a[1-1000]b[1-1000]",
	    "range 'a[1-1000]b[1-1000]' expands to more than 100000 names");
	thl_check_error("web[1-50000,50001-100001]",
	    "range 'web[1-50000,50001-100001]' expands to more than 100000 "
	    "names");
	thl_check_error("we$b", "bad character '$' in 'we$b'");
	thl_check_error("we/b", "bad character '/' in 'we/b'");
	thl_check_error("web\001", "bad character 0x01 in 'web\001'");
	thl_check_error("web[1, 3]", "bad character ' ' in 'web[1, 3]'");
	thl_check_error("web[a-b]", "bad character 'a' in 'web[a-b]'");
	thl_check_error("web[1-]", "bad range 'web[1-]': missing number");
	thl_check_error("web[-3]", "bad range 'web[-3]': missing number");
	thl_check_error("web[1,]", "bad range 'web[1,]': missing number");
	thl_check_error("web[1-2-3]",
	    "bad range 'web[1-2-3]': expected ',' or ']'");
	thl_check_error("web[01-003]",
	    "bad range 'web[01-003]': mismatched zero padding");
	thl_check_error("web[1234567890123456789]",
	    "bad range 'web[1234567890123456789]': number too large");
	thl_check_error("-oProxyCommand=x",
	    "bad name '-oProxyCommand=x': names may not begin with '-'");

	/* A long spec is quoted shortened. */
	thl_check_error("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaa,,b",
	    "empty name in 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaa...'");

	/* A failed expansion leaves the list as it was. */
	hostlist_add(&hl, "keep");
	assert_int_equal(hostlist_expand(&hl, "a[1-3],b,c[2-1]", &cause), -1);
	assert_string_equal(cause, "bad range 'c[2-1]': 2 is above 1");
	free(cause);
	assert_int_equal(hl.n, 1);
	assert_string_equal(hl.hosts[0], "keep");
	hostlist_release(&hl);
}

/* A spec of a few bytes may not name millions of hosts. */
static void
test_expand_total_cap(void **state)
{
	struct hostlist	 hl = HOSTLIST_INIT;
	struct strbuf	 sb = STRBUF_INIT;
	char		*cause = NULL;
	int		 i;

	(void)state;
	/* 100 names of 100,000 hosts: 10 M, refused before allocating. */
	for (i = 0; i < 100; i++)
		strbuf_addf(&sb, "%sn%d-[1-100000]", i == 0 ? "" : ",", i);
	assert_int_equal(hostlist_expand(&hl, sb.buf, &cause), -1);
	assert_non_null(strstr(cause, "too many host names: 'n0-[1-100000],"));
	assert_non_null(strstr(cause, "takes the selection past 1000000"));
	free(cause);
	assert_int_equal(hl.n, 0);
	assert_null(hl.hosts);
	strbuf_release(&sb);

	/* Exactly the cap is fine; one more name, in a later call, is not. */
	for (i = 0; i < 10; i++)
		strbuf_addf(&sb, "%sn%d-[1-100000]", i == 0 ? "" : " ", i);
	assert_int_equal(hostlist_expand(&hl, sb.buf, &cause), 0);
	assert_int_equal(hl.n, HOSTLIST_MAX_NAMES);
	assert_int_equal(hostlist_expand(&hl, "one.more", &cause), -1);
	assert_string_equal(cause, "too many host names: 'one.more' takes "
	    "the selection past 1000000");
	free(cause);
	assert_int_equal(hl.n, HOSTLIST_MAX_NAMES);
	hostlist_release(&hl);
	strbuf_release(&sb);

	/* A caller's own room. */
	assert_int_equal(hostlist_expand_room(&hl, "a[1-5]", 5, &cause), 0);
	assert_int_equal(hostlist_expand_room(&hl, "b,c[1-5]", 5, &cause), -1);
	free(cause);
	assert_int_equal(hl.n, 5);
	assert_int_equal(hostlist_expand_room(&hl, "b", 0, &cause), -1);
	free(cause);
	hostlist_release(&hl);
}

static void
test_sort(void **state)
{
	struct hostlist	 hl = HOSTLIST_INIT;
	char		*cause = NULL, *got;
	const char	*want[] = { "a1b2", "a1b10", "node", "node1", "node01",
	    "node2", "node10", "node10a", "node10b2", "node10b10", "web",
	    "web.1" };
	size_t		 i;

	(void)state;
	assert_int_equal(hostlist_expand(&hl, "node10b10 web.1 node10 node2 "
	    "node01 node1 web node10a a1b10 node10b2 node a1b2", &cause), 0);
	hostlist_sort(&hl);
	assert_int_equal(hl.n, sizeof want / sizeof want[0]);
	for (i = 0; i < hl.n; i++)
		assert_string_equal(hl.hosts[i], want[i]);
	got = hostlist_fold(hl.hosts, 0);
	assert_string_equal(got, "");
	free(got);
	hostlist_release(&hl);

	assert_true(hostlist_natcmp("node2", "node10") < 0);
	assert_true(hostlist_natcmp("node10", "node2") > 0);
	assert_true(hostlist_natcmp("node1", "node01") < 0);
	assert_true(hostlist_natcmp("node007", "node7") > 0);
	assert_true(hostlist_natcmp("a", "a1") < 0);
	assert_true(hostlist_natcmp("r2n1", "r10n0") < 0);
	assert_true(hostlist_natcmp("x99999999999999999999", "x100") > 0);
	assert_int_equal(hostlist_natcmp("web01", "web01"), 0);
}

static void
test_uniq_remove_has(void **state)
{
	struct hostlist	 hl = HOSTLIST_INIT, drop = HOSTLIST_INIT;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(hostlist_expand(&hl, "c,a,b,a,c,d,a", &cause), 0);
	hostlist_uniq(&hl);
	assert_int_equal(hl.n, 4);
	assert_string_equal(hl.hosts[0], "c");
	assert_string_equal(hl.hosts[1], "a");
	assert_string_equal(hl.hosts[2], "b");
	assert_string_equal(hl.hosts[3], "d");
	assert_true(hostlist_has(&hl, "b"));
	assert_false(hostlist_has(&hl, "e"));

	hostlist_remove(&hl, &drop);
	assert_int_equal(hl.n, 4);
	assert_int_equal(hostlist_expand(&drop, "a,d,zz", &cause), 0);
	hostlist_remove(&hl, &drop);
	assert_int_equal(hl.n, 2);
	assert_string_equal(hl.hosts[0], "c");
	assert_string_equal(hl.hosts[1], "b");
	hostlist_release(&hl);
	hostlist_release(&drop);

	/* Many names, to exercise the hash table. */
	assert_int_equal(hostlist_expand(&hl, "n[1-20000],n[1-20000]",
	    &cause), 0);
	hostlist_uniq(&hl);
	assert_int_equal(hl.n, 20000);
	assert_int_equal(hostlist_expand(&drop, "n[2-20000]", &cause), 0);
	hostlist_remove(&hl, &drop);
	assert_int_equal(hl.n, 1);
	assert_string_equal(hl.hosts[0], "n1");
	hostlist_release(&hl);
	hostlist_release(&drop);
}

static void
test_fold(void **state)
{
	(void)state;
	thl_check_fold("web017", "web017");
	thl_check_fold("web003,web004,web005,web017", "web[003-005,017]");
	thl_check_fold("web017 web004 web003 web005", "web[003-005,017]");
	thl_check_fold("node0001,node0002,node0003,node0007",
	    "node[0001-0003,0007]");
	thl_check_fold("n1,n2,n3,n5,n9,n10,n11", "n[1-3,5,9-11]");
	thl_check_fold("n1,n1,n2", "n[1-2]");
	/* Names without numbers stay as they are, in natural order. */
	thl_check_fold("web2,db,web1,alpha", "alpha,db,web[1-2]");
	thl_check_fold("db", "db");
	/* Only the last number folds. */
	thl_check_fold("r1n01,r1n02,r2n01,r2n02", "r1n[01-02],r2n[01-02]");
	thl_check_fold("web1.example.com,web2.example.com,web3.example.org",
	    "web[1-2].example.com,web3.example.org");
	/* Mixed widths: leading zeros keep their width. */
	thl_check_fold("node1,node01,node2,node02,node10",
	    "node[1-2],node[01-02,10]");
	thl_check_fold("n9,n10,n08", "n[08,10],n9");
	thl_check_fold("node[001-1000]", "node[001-1000]");
	thl_check_fold("node[1-1000]", "node[1-1000]");
	thl_check_fold("n[0-3]", "n[0-3]");
	thl_check_fold("n[00-03]", "n[00-03]");
	thl_check_fold("a[1-3],b[1-2],a10", "a[1-3,10],b[1-2]");
	thl_check_fold("x1y,x2y,x1z", "x[1-2]y,x1z");
}

/*
 * Within a width: the whole fold when it fits; else the first hosts that
 * fit, and how many more, which add up to all of them.
 */
static void
test_fold_max(void **state)
{
	struct hostlist	 hl = HOSTLIST_INIT, shown = HOSTLIST_INIT;
	char		*s, *and, *cause = NULL, name[16];
	size_t		 more;
	int		 i;

	(void)state;
	for (i = 199; i >= 1; i -= 2) {
		snprintf(name, sizeof name, "n%d", i);
		hostlist_add(&hl, name);
	}
	s = hostlist_fold_max(hl.hosts, 3, 40);
	assert_string_equal(s, "n[195,197,199]");
	free(s);
	s = hostlist_fold_max(hl.hosts, hl.n, 40);
	assert_non_null(and = strstr(s, " and "));
	assert_true((size_t)(and - s) <= 40);
	assert_int_equal(sscanf(and, " and %zu more", &more), 1);
	*and = '\0';
	assert_int_equal(hostlist_expand(&shown, s, &cause), 0);
	assert_string_equal(shown.hosts[0], "n1");	/* natural order */
	assert_int_equal(shown.n + more, 100);
	free(s);
	hostlist_release(&shown);
	hostlist_release(&hl);
}

/* Fold random sets and expand them again: the same set must come back. */
static void
test_fold_roundtrip(void **state)
{
	const char	*prefixes[] = { "web", "db-", "n", "r1n", "a.b", "" };
	const char	*suffixes[] = { "", ".example.com", "x" };
	struct hostlist	 hl = HOSTLIST_INIT, back = HOSTLIST_INIT;
	char		*folded, *cause = NULL, *name;
	unsigned int	 seed = 12345;
	int		 round, i, count, width, value;
	size_t		 j;

	(void)state;
	for (round = 0; round < 200; round++) {
		count = 1 + rand_r(&seed) % 60;
		for (i = 0; i < count; i++) {
			width = rand_r(&seed) % 4;
			value = rand_r(&seed) % (round % 2 ? 30 : 1200);
			if (rand_r(&seed) % 10 == 0) {
				xasprintf(&name, "%s", prefixes[rand_r(&seed) %
				    4]);
			} else {
				xasprintf(&name, "%s%0*d%s",
				    prefixes[rand_r(&seed) % 6], width, value,
				    suffixes[rand_r(&seed) % 3]);
			}
			if (*name != '\0')
				hostlist_add(&hl, name);
			free(name);
		}
		folded = hostlist_fold(hl.hosts, hl.n);
		if (hostlist_expand(&back, folded, &cause) != 0)
			fail_msg("%s: %s", folded, cause);
		hostlist_sort(&hl);
		hostlist_uniq(&hl);
		hostlist_sort(&back);
		if (back.n != hl.n)
			fail_msg("%s: %zu names, want %zu", folded, back.n,
			    hl.n);
		for (j = 0; j < hl.n; j++)
			assert_string_equal(back.hosts[j], hl.hosts[j]);
		free(folded);
		hostlist_release(&hl);
		hostlist_release(&back);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand_plain),
		cmocka_unit_test(test_expand_ranges),
		cmocka_unit_test(test_expand_groups),
		cmocka_unit_test(test_expand_groups_product),
		cmocka_unit_test(test_expand_errors),
		cmocka_unit_test(test_expand_total_cap),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_uniq_remove_has),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_roundtrip),
		cmocka_unit_test(test_fold_max),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

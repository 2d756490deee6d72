/*
 * test-inventory.c: unit tests for the inventory file: facts, ranges,
 * group headers, merging of hosts named on several lines, comments,
 * quoting, and errors with FILE:LINE.
 */
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "muster.h"

static char	tinv_dir[] = "/tmp/test-inventory.XXXXXX";
static char	tinv_path[sizeof tinv_dir + 16];

static void
tinv_write(const char *contents)
{
	FILE	*f;

	if ((f = fopen(tinv_path, "w")) == NULL)
		fail_msg("%s: %s", tinv_path, strerror(errno));
	fputs(contents, f);
	fclose(f);
}

static struct inventory *
tinv_load(const char *contents)
{
	struct inventory	*inv;
	char			*cause = NULL;

	tinv_write(contents);
	if ((inv = inventory_load(tinv_path, &cause)) == NULL)
		fail_msg("load: %s", cause);
	return (inv);
}

static void
tinv_load_error(const char *contents, const char *want)
{
	struct inventory	*inv;
	char			*cause = NULL, *full;

	tinv_write(contents);
	if ((inv = inventory_load(tinv_path, &cause)) != NULL)
		fail_msg("expected an error: %s", want);
	xasprintf(&full, "%s:%s", tinv_path, want);
	assert_string_equal(cause, full);
	free(full);
	free(cause);
}

/* All values of key on a host, joined with commas; "" for none. */
static char *
tinv_facts(const struct inventory *inv, const char *host, const char *key)
{
	const struct inventory_host	*h;
	char				*out, *tmp;
	size_t				 i;

	if ((h = inventory_find(inv, host)) == NULL)
		fail_msg("%s: not found", host);
	out = xstrdup("");
	for (i = 0; i < h->nfacts; i++) {
		if (strcmp(h->facts[i].key, key) != 0)
			continue;
		xasprintf(&tmp, "%s%s%s", out, *out == '\0' ? "" : ",",
		    h->facts[i].value);
		free(out);
		out = tmp;
	}
	return (out);
}

static void
tinv_check(const struct inventory *inv, const char *host, const char *key,
    const char *want)
{
	char	*got;

	got = tinv_facts(inv, host, key);
	assert_string_equal(got, want);
	free(got);
}

static int
tinv_setup(void **state)
{
	(void)state;
	if (mkdtemp(tinv_dir) == NULL)
		return (-1);
	snprintf(tinv_path, sizeof tinv_path, "%s/inventory", tinv_dir);
	setenv("HOME", tinv_dir, 1);
	return (0);
}

static int
tinv_teardown(void **state)
{
	(void)state;
	unlink(tinv_path);
	return (rmdir(tinv_dir));
}

static void
test_basic(void **state)
{
	struct inventory	*inv;

	(void)state;
	inv = tinv_load(
	    "# the fleet\n"
	    "\n"
	    "web[01-03] role=web dc=par\n"
	    "   db1 role=db   # primary\n"
	    "db2\trole=db\r\n"
	    "lb1\n"
	    "odd url=http://x/?a=b#frag empty=\n"
	    "q \"note=two words\" other=\"a # b\" esc=\"say \\\"hi\\\"\"\n");
	assert_int_equal(inv->nhosts, 8);
	assert_string_equal(inv->hosts[0].name, "web01");
	assert_string_equal(inv->hosts[2].name, "web03");
	assert_string_equal(inv->hosts[3].name, "db1");
	assert_string_equal(inv->hosts[5].name, "lb1");
	assert_int_equal(inv->hosts[5].nfacts, 0);
	tinv_check(inv, "web02", "role", "web");
	tinv_check(inv, "web02", "dc", "par");
	tinv_check(inv, "db1", "role", "db");
	tinv_check(inv, "db2", "role", "db");
	tinv_check(inv, "odd", "url", "http://x/?a=b#frag");
	tinv_check(inv, "odd", "empty", "");
	tinv_check(inv, "q", "note", "two words");
	tinv_check(inv, "q", "other", "a # b");
	tinv_check(inv, "q", "esc", "say \"hi\"");
	assert_null(inventory_find(inv, "web04"));
	assert_null(inventory_find(inv, "#"));
	inventory_free(inv);
	inventory_free(NULL);
	assert_null(inventory_find(NULL, "x"));

	inv = tinv_load("");
	assert_int_equal(inv->nhosts, 0);
	assert_null(inventory_find(inv, "x"));
	inventory_free(inv);
}

static void
test_groups(void **state)
{
	struct inventory	*inv;

	(void)state;
	inv = tinv_load(
	    "bastion\n"
	    "[web]\n"
	    "web[1-2] role=frontend\n"
	    "  [db-servers.par]   # trailing comment\n"
	    "db1\n"
	    "web1 group=extra\n"
	    "[web]\n"
	    "web1\n"
	    "[1-3]\n"
	    "x\n");
	tinv_check(inv, "bastion", "group", "");
	tinv_check(inv, "web1", "group", "web,db-servers.par,extra");
	tinv_check(inv, "web2", "group", "web");
	tinv_check(inv, "db1", "group", "db-servers.par");
	tinv_check(inv, "web1", "role", "frontend");
	tinv_check(inv, "x", "group", "1-3");
	assert_int_equal(inv->nhosts, 5);
	inventory_free(inv);
}

static void
test_merge(void **state)
{
	struct inventory	*inv;

	(void)state;
	inv = tinv_load(
	    "web[1-3] role=web env=prod\n"
	    "web2 env=staging rack=r2\n"
	    "web[3,1] role=cache role=api\n"
	    "web1,db1 os=debian\n");
	assert_int_equal(inv->nhosts, 4);
	assert_string_equal(inv->hosts[3].name, "db1");
	tinv_check(inv, "web1", "role", "api");
	tinv_check(inv, "web1", "env", "prod");
	tinv_check(inv, "web1", "os", "debian");
	tinv_check(inv, "web2", "env", "staging");
	tinv_check(inv, "web2", "rack", "r2");
	tinv_check(inv, "web2", "role", "web");
	tinv_check(inv, "web3", "role", "api");
	tinv_check(inv, "db1", "os", "debian");
	/* Replacing keeps the position of the first value. */
	assert_string_equal(inv->hosts[0].facts[0].key, "role");
	assert_string_equal(inv->hosts[0].facts[1].key, "env");
	inventory_free(inv);
}

static void
test_large(void **state)
{
	struct inventory	*inv;
	const struct inventory_host *h;

	(void)state;
	inv = tinv_load(
	    "[compute]\n"
	    "node[00001-20000] role=compute\n"
	    "node[10001-20000] rack=b\n");
	assert_int_equal(inv->nhosts, 20000);
	h = inventory_find(inv, "node15000");
	assert_non_null(h);
	assert_int_equal(h->nfacts, 3);
	h = inventory_find(inv, "node00001");
	assert_non_null(h);
	assert_int_equal(h->nfacts, 2);
	assert_ptr_equal(h, &inv->hosts[0]);
	assert_null(inventory_find(inv, "node1"));
	inventory_free(inv);
}

static void
test_errors(void **state)
{
	char	*cause = NULL, *want, *path;
	FILE	*f;

	(void)state;
	tinv_load_error("web1 role=web\nweb[3-1] x=y\n",
	    "2: bad range 'web[3-1]': 3 is above 1");
	tinv_load_error("web1 role\n",
	    "1: bad fact 'role' (expected key=value)");
	tinv_load_error("web1 =web\n",
	    "1: bad fact name in '=web' (names hold letters, digits, '_', "
	    "'-' and '.')");
	tinv_load_error("web1 ro!le=web\n",
	    "1: bad fact name in 'ro!le=web' (names hold letters, digits, "
	    "'_', '-' and '.')");
	tinv_load_error("role=web web1\n",
	    "1: expected a host spec before 'role=web'");
	tinv_load_error("\n\n[web servers]\n",
	    "3: bad group header '[web servers]' (group names hold letters, "
	    "digits, '_', '-' and '.')");
	tinv_load_error("[]\n",
	    "1: bad group header '[]' (group names hold letters, digits, "
	    "'_', '-' and '.')");
	tinv_load_error("[web:vars]\n",
	    "1: bad group header '[web:vars]' (group names hold letters, "
	    "digits, '_', '-' and '.')");
	tinv_load_error("[web\n", "1: unbalanced brackets in '[web'");
	tinv_load_error("web1 note=\"open\n", "1: unterminated quote");
	tinv_load_error("web$1\n", "1: bad character '$' in 'web$1'");
	tinv_load_error("a,,b\n", "1: empty name in 'a,,b'");
	tinv_load_error("\"\" x=y\n", "1: no host in ''");
	/* A NUL byte would cut the line short: an error, not a guess. */
	f = fopen(tinv_path, "w");
	assert_non_null(f);
	fwrite("web1 a=b\nweb2 role=x\0y\n", 1, 22, f);
	fclose(f);
	assert_null(inventory_load(tinv_path, &cause));
	xasprintf(&want, "%s:2: a NUL byte (not a text file?)", tinv_path);
	assert_string_equal(cause, want);
	free(cause);
	free(want);
	/* Names count over the lines, repeated or not: 11 x 100,000. */
	tinv_load_error("n[1-100000]\nn[1-100000]\nn[1-100000]\n"
	    "n[1-100000]\nn[1-100000]\nn[1-100000]\nn[1-100000]\n"
	    "n[1-100000]\nn[1-100000]\nn[1-100000]\nn[1-100000] x=y\n",
	    "11: too many host names: 'n[1-100000]' takes the selection past "
	    "1000000");

	xasprintf(&path, "%s/missing", tinv_dir);
	assert_null(inventory_load(path, &cause));
	xasprintf(&want, "inventory %s: No such file or directory", path);
	assert_string_equal(cause, want);
	free(path);
	free(cause);
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_errors),
	};

	return (cmocka_run_group_tests(tests, tinv_setup, tinv_teardown));
}

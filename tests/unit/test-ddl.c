/*
 * test-ddl.c: unit tests for the DDL reader and the input checks: a file
 * that loads, malformed files each named with what is wrong, every type's
 * coercion, defaults, optional, maxlength, list, PCRE2 validation with
 * \A, \z and \d, the named validators, an undeclared input, an unknown
 * validator, and the registry's search order.
 */
#include <sys/stat.h>

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

static char	tdir[] = "/tmp/test-ddl.XXXXXX";

static const char tddl_text[] =
    "{\"metadata\": {\"name\": \"t\", \"timeout\": 7,"
    "  \"description\": \"a test agent\"},"
    " \"actions\": ["
    "  {\"action\": \"a\", \"display\": \"ok\", \"input\": {"
    "   \"s\": {\"type\": \"string\", \"optional\": true, \"maxlength\": 5},"
    "   \"re\": {\"type\": \"string\", \"optional\": true,"
    "     \"validation\": \"\\\\A\\\\d+\\\\z\"},"
    "   \"dollar\": {\"type\": \"string\", \"optional\": true,"
    "     \"validation\": \"^[a-z]+$\"},"
    "   \"i\": {\"type\": \"integer\", \"optional\": true},"
    "   \"f\": {\"type\": \"float\", \"optional\": true},"
    "   \"n\": {\"type\": \"number\", \"optional\": true},"
    "   \"b\": {\"type\": \"boolean\", \"optional\": true},"
    "   \"l\": {\"type\": \"list\", \"optional\": true,"
    "     \"list\": [\"x\", \"y\"]},"
    "   \"h\": {\"type\": \"hash\", \"optional\": true},"
    "   \"arr\": {\"type\": \"array\", \"optional\": true},"
    "   \"ss\": {\"type\": \"string\", \"optional\": true,"
    "     \"validation\": \"shellsafe\"},"
    "   \"v4\": {\"type\": \"string\", \"optional\": true,"
    "     \"validation\": \"ipv4address\"},"
    "   \"v6\": {\"type\": \"string\", \"optional\": true,"
    "     \"validation\": \"ipv6address\"},"
    "   \"ip\": {\"type\": \"string\", \"optional\": true,"
    "     \"validation\": \"ipaddress\"},"
    "   \"u\": {\"type\": \"string\", \"optional\": true, \"maxlength\": 3,"
    "     \"validation\": \"frobnicate\"}},"
    "   \"output\": {\"o\": {\"description\": \"out\","
    "     \"display_as\": \"Out\"}},"
    "   \"aggregate\": [{\"function\": \"summary\", \"args\": [\"o\","
    "     {\"format\": \"%s\"}]}]},"
    "  {\"action\": \"req\", \"input\": {"
    "   \"r\": {\"type\": \"string\", \"optional\": false},"
    "   \"d\": {\"type\": \"integer\", \"optional\": false, \"default\": 3},"
    "   \"dl\": {\"type\": \"list\", \"list\": [\"p\", \"q\"],"
    "     \"optional\": true, \"default\": \"q\"}}}"
    " ]}";

/* Write text to DIR/name; the path, to free. */
static char *
tddl_write(const char *name, const char *text)
{
	FILE	*f;
	char	*path;

	xasprintf(&path, "%s/%s", tdir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return (path);
}

static struct ddl *
tddl_load(const char *text)
{
	struct ddl	*d;
	char		*path, *cause = NULL;

	path = tddl_write("t.json", text);
	d = ddl_load(path, "t", &cause);
	if (d == NULL)
		fail_msg("unexpected error: %s", cause);
	free(path);
	return (d);
}

/* Loading text fails with a message naming the file and holding want. */
static void
tddl_bad(const char *text, const char *want)
{
	char	*path, *cause = NULL;

	path = tddl_write("t.json", text);
	assert_null(ddl_load(path, "t", &cause));
	assert_non_null(cause);
	if (strncmp(cause, path, strlen(path)) != 0 ||
	    strstr(cause, want) == NULL)
		fail_msg("got '%s', want '%s' after the path", cause, want);
	free(cause);
	free(path);
}

/* The arguments of action pack to what want holds. */
static void
targs_ok(const struct ddl *d, const char *action, int argc, char **argv,
    struct wire_writer *want)
{
	struct wire_writer	 w;
	const char		*got, *exp;
	size_t			 glen, elen;
	char			*cause = NULL;

	wire_writer_init(&w);
	if (ddl_args(d, ddl_action(d, action), argc, argv, &w, &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	got = wire_writer_data(&w, &glen);
	exp = wire_writer_data(want, &elen);
	assert_int_equal(glen, elen);
	assert_memory_equal(got, exp, elen);
	wire_writer_release(&w);
	wire_writer_release(want);
	wire_writer_init(want);
}

/* One argument to action "a" is refused with a message holding want. */
static void
targ_bad(const struct ddl *d, const char *action, const char *arg,
    const char *want)
{
	struct wire_writer	 w;
	char			*cause = NULL, *argv[1];

	argv[0] = (char *)arg;
	wire_writer_init(&w);
	assert_int_equal(ddl_args(d, ddl_action(d, action), 1, argv, &w,
	    &cause), -1);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: got '%s', want '%s'", arg, cause, want);
	free(cause);
	wire_writer_release(&w);
}

/* One argument to "a" packs as a one-entry map. */
static void
targ_one(const struct ddl *d, const char *arg, struct wire_writer *want)
{
	char	*argv[1];

	argv[0] = (char *)arg;
	targs_ok(d, "a", 1, argv, want);
}

static void
test_load(void **state)
{
	struct ddl		*d = tddl_load(tddl_text);
	const struct ddl_action	*a;

	(void)state;
	assert_string_equal(d->name, "t");
	assert_int_equal(d->timeout, 7);
	assert_string_equal(d->description, "a test agent");
	assert_int_equal(d->nactions, 2);
	assert_non_null(a = ddl_action(d, "a"));
	assert_null(ddl_action(d, "nosuch"));
	assert_int_equal(a->display, DISPLAY_OK);
	assert_int_equal(ddl_action(d, "req")->display, DISPLAY_FAILED);
	assert_int_equal(a->ninputs, 15);
	assert_string_equal(a->inputs[0].name, "s");
	assert_int_equal(a->inputs[0].maxlength, 5);
	assert_int_equal(a->inputs[1].check, DDL_CHECK_REGEX);
	assert_int_equal(a->inputs[10].check, DDL_CHECK_SHELLSAFE);
	assert_int_equal(a->inputs[14].check, DDL_CHECK_UNKNOWN);
	assert_int_equal(a->noutputs, 1);
	assert_string_equal(a->outputs[0].display_as, "Out");
	assert_int_equal(a->outputs[0].type, DDL_ANY);
	assert_int_equal(a->naggregates, 1);
	assert_string_equal(a->aggregates[0].function, "summary");
	assert_string_equal(a->aggregates[0].output, "o");
	assert_string_equal(a->aggregates[0].format, "%s");
	ddl_free(d);
}

static void
test_malformed(void **state)
{
	char	*path, *cause = NULL;

	(void)state;
	tddl_bad("{\"metadata\": {", ":1:");
	tddl_bad("{\"metadata\": {\"name\": \"t\",\n \"timeout\": 1},\n"
	    " \"actions\": [,]}", ":3:");
	tddl_bad("[]", "not a JSON object");
	tddl_bad("{\"actions\": []}", "'metadata' is missing");
	tddl_bad("{\"metadata\": {\"timeout\": 1}, \"actions\": []}",
	    "metadata: 'name' is missing");
	tddl_bad("{\"metadata\": {\"name\": \"u\", \"timeout\": 1},"
	    " \"actions\": []}", "it describes 'u', not 't'");
	tddl_bad("{\"metadata\": {\"name\": \"t\"}, \"actions\": []}",
	    "'timeout' must be seconds");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1}}",
	    "'actions' is missing");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"input\": {}}]}", "actions[0]: 'action' is"
	    " missing");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"display\": \"sometimes\"}]}",
	    "action 'a': 'display' must be ok, failed or always");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"input\": {\"x\": {}}}]}",
	    "action 'a' input 'x': 'type' is missing");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"input\": {\"x\":"
	    " {\"type\": \"text\"}}}]}", "input 'x': unknown type 'text'");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"input\": {\"x\":"
	    " {\"type\": \"integer\", \"default\": \"3\"}}}]}",
	    "input 'x': 'default' is not of type integer");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"input\": {\"x\":"
	    " {\"type\": \"string\", \"maxlength\": -1}}}]}",
	    "input 'x': 'maxlength' must be an integer");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"input\": {\"x\":"
	    " {\"type\": \"list\"}}}]}", "input 'x': type list needs 'list'");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"input\": {\"x\":"
	    " {\"type\": \"string\", \"validation\": \"^(a\"}}}]}",
	    "input 'x': validation '^(a' is not a regular expression");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\"}, {\"action\": \"a\"}]}",
	    "action 'a' is declared twice");
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"output\": []}]}",
	    "action 'a': 'output' must be an object");

	/* Bounded: a file over 1 MiB is refused before it is parsed. */
	path = tddl_write("big.json", "");
	assert_int_equal(truncate(path, 1024 * 1024 + 1), 0);
	assert_null(ddl_load(path, NULL, &cause));
	assert_non_null(strstr(cause, "larger than 1024 KiB"));
	free(cause);
	cause = NULL;
	assert_null(ddl_load(tdir, NULL, &cause));
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	unlink(path);
	free(path);
}

static void
test_types(void **state)
{
	struct ddl		*d = tddl_load(tddl_text);
	struct wire_writer	 w;

	(void)state;
	wire_writer_init(&w);
	wire_put_map(&w, 1); wire_put_kstr(&w, "s", "abc");
	targ_one(d, "s=abc", &w);
	wire_put_map(&w, 1); wire_put_kstr(&w, "s", "");
	targ_one(d, "s=", &w);
	wire_put_map(&w, 1); wire_put_kint(&w, "i", -42);
	targ_one(d, "i=-42", &w);
	wire_put_map(&w, 1); wire_put_kdouble(&w, "f", 2.5);
	targ_one(d, "f=2.5", &w);
	wire_put_map(&w, 1); wire_put_kdouble(&w, "f", 3);
	targ_one(d, "f=3", &w);
	wire_put_map(&w, 1); wire_put_kint(&w, "n", 3);
	targ_one(d, "n=3", &w);
	wire_put_map(&w, 1); wire_put_kdouble(&w, "n", 0.25);
	targ_one(d, "n=0.25", &w);
	wire_put_map(&w, 1); wire_put_kbool(&w, "b", 1);
	targ_one(d, "b=yes", &w);
	wire_put_map(&w, 1); wire_put_kbool(&w, "b", 0);
	targ_one(d, "b=false", &w);
	wire_put_map(&w, 1); wire_put_kstr(&w, "l", "y");
	targ_one(d, "l=y", &w);
	wire_put_map(&w, 1); wire_put_str(&w, "h"); wire_put_map(&w, 1);
	wire_put_kint(&w, "k", 1);
	targ_one(d, "h={\"k\": 1}", &w);
	wire_put_map(&w, 1); wire_put_str(&w, "arr"); wire_put_array(&w, 2);
	wire_put_str(&w, "a"); wire_put_bool(&w, 1);
	targ_one(d, "arr=[\"a\", true]", &w);
	wire_writer_release(&w);

	targ_bad(d, "a", "i=soon", "input 'i' must be an integer, not 'soon'");
	targ_bad(d, "a", "i= 1", "must be an integer");
	targ_bad(d, "a", "i=99999999999999999999", "must be an integer");
	targ_bad(d, "a", "f=1.5x", "input 'f' must be a number");
	targ_bad(d, "a", "f=inf", "input 'f' must be a number");
	targ_bad(d, "a", "n=ten", "input 'n' must be a number");
	targ_bad(d, "a", "b=maybe", "input 'b' must be true or false");
	targ_bad(d, "a", "h=[1]", "input 'h' must be a JSON object");
	targ_bad(d, "a", "arr={}", "input 'arr' must be a JSON array");
	targ_bad(d, "a", "arr=[", "input 'arr' must be a JSON array");
	ddl_free(d);
}

static void
test_rules(void **state)
{
	struct ddl		*d = tddl_load(tddl_text);
	struct wire_writer	 w;
	char			*argv[2];

	(void)state;
	wire_writer_init(&w);
	/* maxlength counts characters, not bytes. */
	wire_put_map(&w, 1); wire_put_kstr(&w, "s", "\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9");
	targ_one(d, "s=\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", &w);
	targ_bad(d, "a", "s=abcdef", "input 's' is longer than 5 characters"
	    " (maxlength)");
	targ_bad(d, "a", "l=z", "input 'l' must be one of x, y");

	/* \A, \d and \z as Choria's DDLs write them. */
	wire_put_map(&w, 1); wire_put_kstr(&w, "re", "0123");
	targ_one(d, "re=0123", &w);
	targ_bad(d, "a", "re=12a", "input 're' does not match its validation"
	    " '\\A\\d+\\z'");
	targ_bad(d, "a", "re=12\n", "does not match");
	targ_bad(d, "a", "re=", "does not match");
	/* $ is the very end, as in RE2: no newline slips before it. */
	wire_put_map(&w, 1); wire_put_kstr(&w, "dollar", "abc");
	targ_one(d, "dollar=abc", &w);
	targ_bad(d, "a", "dollar=abc\n", "input 'dollar' does not match");

	wire_put_map(&w, 1); wire_put_kstr(&w, "ss", "--force-yes ok");
	targ_one(d, "ss=--force-yes ok", &w);
	targ_bad(d, "a", "ss=a;b", "input 'ss' is not shellsafe: it holds ';'");
	targ_bad(d, "a", "ss=$(id)", "not shellsafe");
	targ_bad(d, "a", "ss=`id`", "not shellsafe");
	targ_bad(d, "a", "ss=a|b", "not shellsafe");
	targ_bad(d, "a", "ss=a>b", "not shellsafe");

	wire_put_map(&w, 1); wire_put_kstr(&w, "v4", "127.0.10.1");
	targ_one(d, "v4=127.0.10.1", &w);
	targ_bad(d, "a", "v4=::1", "input 'v4' is not an IPv4 address");
	targ_bad(d, "a", "v4=1.2.3.256", "not an IPv4 address");
	wire_put_map(&w, 1); wire_put_kstr(&w, "v6", "fe80::1");
	targ_one(d, "v6=fe80::1", &w);
	targ_bad(d, "a", "v6=127.0.0.1", "input 'v6' is not an IPv6 address");
	wire_put_map(&w, 1); wire_put_kstr(&w, "ip", "::1");
	targ_one(d, "ip=::1", &w);
	wire_put_map(&w, 1); wire_put_kstr(&w, "ip", "10.1.2.3");
	targ_one(d, "ip=10.1.2.3", &w);
	targ_bad(d, "a", "ip=host", "input 'ip' is not an IP address");

	/* An unknown validator: checked by type and length only. */
	wire_put_map(&w, 1); wire_put_kstr(&w, "u", "a;b");
	targ_one(d, "u=a;b", &w);
	targ_bad(d, "a", "u=abcd", "input 'u' is longer than 3 characters");

	targ_bad(d, "a", "bogus=1", "t.a has no input 'bogus'");
	targ_bad(d, "a", "novalue", "argument 'novalue' is not KEY=VALUE");
	targ_bad(d, "a", "=x", "is not KEY=VALUE");
	argv[0] = (char *)"s=a";
	argv[1] = (char *)"s=b";
	wire_put_map(&w, 0);
	assert_int_equal(ddl_args(d, ddl_action(d, "a"), 2, argv, &w,
	    &argv[0]), -1);
	assert_string_equal(argv[0], "input 's' given twice");
	free(argv[0]);
	wire_writer_release(&w);
	ddl_free(d);
}

static void
test_defaults(void **state)
{
	struct ddl		*d = tddl_load(tddl_text);
	struct wire_writer	 w;
	char			*argv[2];

	(void)state;
	wire_writer_init(&w);
	/* Not given: the defaults; no input at all for "a". */
	wire_put_map(&w, 0);
	targs_ok(d, "a", 0, NULL, &w);
	targ_bad(d, "req", "d=1", "t.req needs input 'r'");
	argv[0] = (char *)"r=x";
	wire_put_map(&w, 3); wire_put_kstr(&w, "r", "x");
	wire_put_kint(&w, "d", 3); wire_put_kstr(&w, "dl", "q");
	targs_ok(d, "req", 1, argv, &w);
	argv[1] = (char *)"d=9";
	wire_put_map(&w, 3); wire_put_kstr(&w, "r", "x");
	wire_put_kint(&w, "d", 9); wire_put_kstr(&w, "dl", "q");
	targs_ok(d, "req", 2, argv, &w);
	wire_writer_release(&w);
	ddl_free(d);
	/* A list input's default must be one of its list. */
	tddl_bad("{\"metadata\": {\"name\": \"t\", \"timeout\": 1},"
	    " \"actions\": [{\"action\": \"a\", \"input\": {\"x\":"
	    " {\"type\": \"list\", \"list\": [\"a\"], \"default\": \"b\"}}}]}",
	    "input 'x': 'default' is not in 'list'");
}

static void
test_registry(void **state)
{
	struct ddl_registry	 *reg;
	const struct ddl	 *d;
	char			**names, *p, *cause = NULL, sub[64];
	size_t			  n, i;

	(void)state;
	snprintf(sub, sizeof sub, "%s/first", tdir);
	assert_int_equal(mkdir(sub, 0700), 0);
	free(tddl_write("t.json", "{\"metadata\": {\"name\": \"t\","
	    " \"timeout\": 5}, \"actions\": []}"));
	free(tddl_write("first/t.json", "{\"metadata\": {\"name\": \"t\","
	    " \"timeout\": 9}, \"actions\": []}"));
	free(tddl_write("first/broken.json", "{"));
	free(tddl_write("first/Bad-Name.json", "{}"));
	free(tddl_write("README", "not a DDL"));

	reg = ddl_registry_new();
	ddl_registry_add(reg, "/nonexistent/ddl");
	ddl_registry_add(reg, sub);
	ddl_registry_add(reg, tdir);
	/* The first directory with the file wins, whole. */
	assert_int_equal(ddl_registry_find(reg, "t", &d, &cause), 0);
	assert_int_equal(d->timeout, 9);
	assert_int_equal(ddl_registry_find(reg, "nosuch", &d, &cause), 1);
	assert_int_equal(ddl_registry_find(reg, "../t", &d, &cause), 1);
	assert_int_equal(ddl_registry_find(reg, "broken", &d, &cause), -1);
	assert_non_null(strstr(cause, "first/broken.json:1:"));
	free(cause);
	names = ddl_registry_names(reg, &n);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "broken");
	assert_string_equal(names[1], "t");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	ddl_registry_free(reg);

	xasprintf(&p, "%s/first/broken.json", tdir);
	unlink(p);
	free(p);
	xasprintf(&p, "%s/first/Bad-Name.json", tdir);
	unlink(p);
	free(p);
	xasprintf(&p, "%s/first/t.json", tdir);
	unlink(p);
	free(p);
	rmdir(sub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_registry),
	};
	char	*p;
	int	 r;

	if (mkdtemp(tdir) == NULL)
		return (1);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	xasprintf(&p, "%s/t.json", tdir);
	unlink(p);
	free(p);
	xasprintf(&p, "%s/README", tdir);
	unlink(p);
	free(p);
	rmdir(tdir);
	return (r);
}

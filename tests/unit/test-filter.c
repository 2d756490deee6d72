/*
 * test-filter.c: the filter language without any host: every operator,
 * numbers, versions, booleans and strings compared as such, regexes,
 * precedence and parentheses, dotted keys, missing and unknown facts,
 * the error columns, the option forms, and the tree's round trips
 * through msgpack and through its text form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facts.h"
#include "filter.h"
#include "wire.h"

/* A complete host: web, prod, Debian 12, with classes and agents. */
static void
host(struct factset *fs)
{
	factset_init(fs);
	fs->complete = 1;
	factset_set(fs, "identity", "web01");
	factset_set(fs, "role", "web");
	factset_set(fs, "env", "prod");
	factset_set(fs, "dc", "a");
	factset_set(fs, "os.family", "Debian");
	factset_set(fs, "os.release.major", "12");
	factset_set(fs, "os.release.full", "12.5");
	factset_set(fs, "memory.total_mb", "2048");
	factset_set(fs, "load", "0.75");
	factset_set(fs, "flag", "false");
	factset_set(fs, "zsh.version", "5.9-4");
	factset_set(fs, "note", "hello world");
	factset_add_class(fs, "apache");
	factset_add_class(fs, "mysql::server");
	factset_add_class(fs, "role::web");
	factset_add_agent(fs, "package");
	factset_add_agent(fs, "rpcutil");
	factset_sort(fs);
}

/* Parse expr with -S and evaluate it on fs. */
static int
eval_s(const struct factset *fs, const char *expr)
{
	struct filter	*f;
	char		*cause = NULL;
	int		 r;

	f = filter_parse(expr, &cause);
	if (f == NULL)
		fail_msg("'%s': %s", expr, cause);
	r = filter_eval(f, fs);
	filter_free(f);
	return (r);
}

/* The error of parsing expr with -S. */
static char *
error_s(const char *expr)
{
	struct filter	*f;
	char		*cause = NULL;

	f = filter_parse(expr, &cause);
	if (f != NULL)
		fail_msg("'%s' parsed", expr);
	return (cause);
}

static void
test_operators(void **state)
{
	struct factset	fs;

	(void)state;
	host(&fs);
	assert_int_equal(eval_s(&fs, "role=web"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "role==web"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "role=db"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "role!=db"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "role!=web"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "os.release.major>=12"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "os.release.major>12"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "os.release.major<13"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "os.release.major<=11"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "os.release.major <= 12"), FILTER_YES);
	/* Numbers as numbers: 9 < 12 although "9" > "12" as strings. */
	assert_int_equal(eval_s(&fs, "os.release.major>9"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "memory.total_mb>=1024"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "memory.total_mb=2048.0"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "load<1"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "load>0.5"), FILTER_YES);
	/* Strings as strings. */
	assert_int_equal(eval_s(&fs, "env<staging"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "env>staging"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "note=\"hello world\""), FILTER_YES);
	assert_int_equal(eval_s(&fs, "note='hello world'"), FILTER_YES);
	factset_release(&fs);
}

static void
test_versions(void **state)
{
	struct factset	fs;

	(void)state;
	host(&fs);
	/* dpkg order: 5.9-4 > 5.10? no: 5.9 < 5.10. */
	assert_int_equal(eval_s(&fs, "zsh.version<5.10-1"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "zsh.version>5.8-1"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "zsh.version>=5.9-4"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "zsh.version>5.9-4"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "zsh.version>5.9~rc1-1"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "zsh.version<1:1.0"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "os.release.full>12.4"), FILTER_YES);
	/* Both are numbers: numbers win over versions (12.5 > 12.1). */
	assert_int_equal(eval_s(&fs, "os.release.full<12.10"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "os.release.full<12.5.1"), FILTER_YES);
	assert_true(vercmp("1.0~rc1", "1.0") < 0);
	assert_true(vercmp("1.0", "1.0-0") == 0);
	assert_true(vercmp("2:1", "1:9") > 0);
	assert_true(vercmp("1.0a", "1.0+") < 0);
	assert_true(vercmp("1.01", "1.1") == 0);
	assert_true(vercmp("1.2.3", "1.2") > 0);
	assert_true(vercmp_looks_like("5.9-4"));
	assert_false(vercmp_looks_like("12"));
	assert_false(vercmp_looks_like("web"));
	assert_false(vercmp_looks_like("5 9"));
	factset_release(&fs);
}

static void
test_booleans(void **state)
{
	struct factset	fs;

	(void)state;
	host(&fs);
	assert_int_equal(eval_s(&fs, "flag=false"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "flag!=false"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "flag=no"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "flag=0"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "flag!=true"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "flag=true"), FILTER_NO);
	factset_release(&fs);
}

static void
test_regex(void **state)
{
	struct factset	fs;

	(void)state;
	host(&fs);
	assert_int_equal(eval_s(&fs, "identity=~^web"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "identity=/^web0[1-3]$/"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "identity=~/^db/"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "os.family=/(?i)debian/"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "note=/o w/"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "note=/a\\/b/"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "/^mysql::/"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "/^nginx/"), FILTER_NO);
	/* \d is PCRE's, as Choria's and MCollective's regexes write it. */
	assert_int_equal(eval_s(&fs, "identity=/\\d\\d$/"), FILTER_YES);
	factset_release(&fs);
}

static void
test_logic(void **state)
{
	struct factset	fs;

	(void)state;
	host(&fs);
	assert_int_equal(eval_s(&fs, "apache"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "mysql::server"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "nginx"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "role=web and env=prod"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "role=web env=prod apache"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "role=web && env=staging"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "role=db or env=prod"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "role=db || env=staging"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "role=web&&env=prod"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "role=db||env=prod"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "not role=db"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "!role=web"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "NOT nginx AND apache"), FILTER_YES);
	/* and binds tighter than or. */
	assert_int_equal(eval_s(&fs, "role=db and env=prod or dc=a"),
	    FILTER_YES);
	assert_int_equal(eval_s(&fs, "role=db and (env=prod or dc=a)"),
	    FILTER_NO);
	assert_int_equal(eval_s(&fs, "dc=a or role=db and env=staging"),
	    FILTER_YES);
	assert_int_equal(eval_s(&fs,
	    "(role=web or role=db) and not env=staging and dc=a"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "not (apache and nginx)"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "((((apache))))"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "agent(package)"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "agent(puppet)"), FILTER_NO);
	/* "notify" is a class, not "not ify". */
	assert_int_equal(eval_s(&fs, "notify"), FILTER_NO);
	factset_release(&fs);
}

/* Missing facts: no match on a complete host, unknown on a partial one. */
static void
test_missing(void **state)
{
	struct factset	fs, part;

	(void)state;
	host(&fs);
	assert_int_equal(eval_s(&fs, "nosuch=1"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "nosuch!=1"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "nosuch=~x"), FILTER_NO);
	assert_int_equal(eval_s(&fs, "not nosuch=1"), FILTER_YES);
	assert_int_equal(eval_s(&fs, "os.release=12"), FILTER_NO);

	factset_init(&part);
	factset_set(&part, "group", "web");
	factset_set(&part, "identity", "web01");
	factset_sort(&part);
	assert_int_equal(eval_s(&part, "group=web"), FILTER_YES);
	assert_int_equal(eval_s(&part, "group=db"), FILTER_NO);
	assert_int_equal(eval_s(&part, "role=web"), FILTER_UNKNOWN);
	assert_int_equal(eval_s(&part, "apache"), FILTER_UNKNOWN);
	assert_int_equal(eval_s(&part, "not role=web"), FILTER_UNKNOWN);
	assert_int_equal(eval_s(&part, "group=db and role=web"), FILTER_NO);
	assert_int_equal(eval_s(&part, "group=web and role=web"),
	    FILTER_UNKNOWN);
	assert_int_equal(eval_s(&part, "group=web or role=web"), FILTER_YES);
	assert_int_equal(eval_s(&part, "group=db or role=web"),
	    FILTER_UNKNOWN);
	factset_release(&part);
	factset_release(&fs);
}

static void
test_errors(void **state)
{
	char	*e;

	(void)state;
	e = error_s("(role=web or role=db");
	assert_string_equal(e, "expected ')' to close the '(' of column 1"
	    " at column 21");
	free(e);
	e = error_s("role=web)");
	assert_string_equal(e, "unexpected ')' at column 9");
	free(e);
	e = error_s("role>=");
	assert_string_equal(e, "expected a value after '>=' at column 5");
	free(e);
	e = error_s("role=web and");
	assert_string_equal(e, "expected a filter at column 13");
	free(e);
	e = error_s("");
	assert_string_equal(e, "expected a filter at column 1");
	free(e);
	e = error_s("x=/abc");
	assert_string_equal(e, "unterminated regular expression at column 3");
	free(e);
	e = error_s("x=\"abc");
	assert_string_equal(e, "unterminated double quote at column 3");
	free(e);
	e = error_s("x=/a(/");
	assert_non_null(strstr(e, "bad regular expression /a(/"));
	assert_non_null(strstr(e, "at column 3"));
	free(e);
	e = error_s("agent(Pack)");
	assert_string_equal(e, "expected an agent name and ')' at column 7");
	free(e);
	e = error_s("a\001b");
	assert_string_equal(e, "a control character at column 2");
	free(e);
	e = error_s("((((((((((((((((((((((((((((((((((x))))))))))))))))))))))"
	    "))))))))))))");
	assert_non_null(strstr(e, "nested deeper than 24"));
	free(e);
}

/* The option forms: -F -C -I -A -W. */
static void
test_options(void **state)
{
	struct factset	 fs;
	struct filter	*f;
	char		*cause = NULL;

	(void)state;
	host(&fs);
	f = filter_parse_fact("note=hello world", &cause);
	assert_non_null(f);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	f = filter_parse_fact("os.release.major >= 12", &cause);
	assert_non_null(f);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	f = filter_parse_fact("identity=/^web/", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	assert_null(filter_parse_fact("/etc/ssh/ssh_config", &cause));
	assert_non_null(strstr(cause, "is not KEY OP VALUE"));
	free(cause);
	assert_null(filter_parse_fact("=x", &cause));
	assert_non_null(strstr(cause, "no fact name"));
	free(cause);
	assert_null(filter_parse_fact("x=", &cause));
	assert_non_null(strstr(cause, "no value"));
	free(cause);

	f = filter_parse_class("mysql::server", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	f = filter_parse_class("/^role::/", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	assert_null(filter_parse_class("a b", &cause));
	free(cause);

	f = filter_parse_identity("web01", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	f = filter_parse_identity("/^web0[1-3]/", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	f = filter_parse_identity("web02", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_NO);
	filter_free(f);

	f = filter_parse_agent("package", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	assert_null(filter_parse_agent("Bad-Name", &cause));
	free(cause);

	f = filter_parse_words("env=prod customer!=acme mysql::server",
	    &cause);
	assert_non_null(f);
	assert_int_equal(filter_eval(f, &fs), FILTER_NO);	/* no customer */
	filter_free(f);
	f = filter_parse_words("  env=prod   apache ", &cause);
	assert_int_equal(filter_eval(f, &fs), FILTER_YES);
	filter_free(f);
	assert_null(filter_parse_words("   ", &cause));
	free(cause);
	factset_release(&fs);
}

/* Tree -> msgpack -> tree, and tree -> text -> tree, evaluate the same. */
static void
round_trip(const char *expr)
{
	struct wire_writer	 w;
	struct wire_msg		 msg;
	struct filter		*f, *g, *h;
	struct factset		 fs;
	const char		*why, *data;
	char			*cause = NULL, *text, *text2;
	size_t			 len, used;

	host(&fs);
	f = filter_parse(expr, &cause);
	assert_non_null(f);
	wire_writer_init(&w);
	filter_put(&w, f);
	data = wire_writer_data(&w, &len);
	memset(&msg, 0, sizeof msg);
	assert_int_equal(wire_decode(data, len, &msg, &used, &why), 1);
	g = filter_from_wire(msg.root, &cause);
	assert_non_null(g);
	assert_int_equal(filter_eval(f, &fs), filter_eval(g, &fs));
	text = filter_format(f);
	h = filter_parse(text, &cause);
	if (h == NULL)
		fail_msg("'%s' -> '%s': %s", expr, text, cause);
	text2 = filter_format(h);
	assert_string_equal(text, text2);
	assert_int_equal(filter_eval(f, &fs), filter_eval(h, &fs));
	free(text);
	free(text2);
	filter_free(f);
	filter_free(g);
	filter_free(h);
	wire_msg_release(&msg);
	wire_writer_release(&w);
	factset_release(&fs);
}

static void
test_round_trips(void **state)
{
	(void)state;
	round_trip("role=web");
	round_trip("(role=web or role=db) and not env=staging and dc=a");
	round_trip("note=\"hello world\" and x=\"a\\\"b\"");
	round_trip("identity=/^web\\/x/ or /^mysql::/ or agent(package)");
	round_trip("not (a or b) and (c or d)");
	round_trip("os.release.major>=12 zsh.version<5.10-1");
	round_trip("x=~y");
	round_trip("x=\"a&&b\" or y=\"c||d\"");
}

/* Trees a request may carry that are not filters. */
static void
test_bad_wire(void **state)
{
	struct wire_writer	 w;
	struct wire_msg		 msg;
	struct filter		*f;
	const char		*why, *data;
	char			*cause = NULL;
	size_t			 len, used, i;

	(void)state;
	for (i = 0; i < 5; i++) {
		wire_writer_init(&w);
		switch (i) {
		case 0:
			wire_put_str(&w, "role=web");
			break;
		case 1:
			wire_put_array(&w, 2);
			wire_put_str(&w, "bogus");
			wire_put_str(&w, "x");
			break;
		case 2:
			wire_put_array(&w, 4);
			wire_put_str(&w, "fact");
			wire_put_str(&w, "x");
			wire_put_str(&w, "<>");
			wire_put_str(&w, "1");
			break;
		case 3:
			wire_put_array(&w, 4);
			wire_put_str(&w, "fact");
			wire_put_str(&w, "x");
			wire_put_str(&w, "=~");
			wire_put_str(&w, "a(");
			break;
		case 4:
			wire_put_array(&w, 3);
			wire_put_str(&w, "and");
			wire_put_array(&w, 2);
			wire_put_str(&w, "agent");
			wire_put_str(&w, "x");
			wire_put_nil(&w);
			break;
		}
		data = wire_writer_data(&w, &len);
		memset(&msg, 0, sizeof msg);
		assert_int_equal(wire_decode(data, len, &msg, &used, &why), 1);
		f = filter_from_wire(msg.root, &cause);
		assert_null(f);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
		wire_msg_release(&msg);
		wire_writer_release(&w);
	}
}

/* Facts typed from text and from msgpack; the last value set wins. */
static void
test_facts(void **state)
{
	struct factset		 fs, back;
	struct wire_writer	 w;
	struct wire_msg		 msg;
	const struct fact	*f;
	const char		*why, *data;
	size_t			 len, used;

	(void)state;
	factset_init(&fs);
	factset_set(&fs, "a", "12");
	factset_set(&fs, "b", "1.5");
	factset_set(&fs, "c", "true");
	factset_set(&fs, "d", "1e5");
	factset_set(&fs, "a", "13");
	factset_add_class(&fs, "x");
	factset_add_class(&fs, "x");
	factset_sort(&fs);
	assert_int_equal(fs.nfacts, 4);
	assert_int_equal(fs.nclasses, 1);
	f = factset_get(&fs, "a");
	assert_int_equal(f->type, FACT_INTEGER);
	assert_int_equal(f->integer, 13);
	assert_int_equal(factset_get(&fs, "b")->type, FACT_FLOAT);
	assert_int_equal(factset_get(&fs, "c")->type, FACT_BOOLEAN);
	assert_int_equal(factset_get(&fs, "d")->type, FACT_STRING);
	assert_null(factset_get(&fs, "e"));

	wire_writer_init(&w);
	wire_put_map(&w, 2);
	wire_put_str(&w, "facts");
	factset_put_facts(&w, &fs);
	wire_put_str(&w, "nested");
	wire_put_map(&w, 1);
	wire_put_str(&w, "os");
	wire_put_map(&w, 1);
	wire_put_str(&w, "major");
	wire_put_int(&w, 12);
	data = wire_writer_data(&w, &len);
	memset(&msg, 0, sizeof msg);
	assert_int_equal(wire_decode(data, len, &msg, &used, &why), 1);
	factset_init(&back);
	assert_int_equal(factset_from_wire(&back, msg.root, NULL, NULL, &why),
	    0);
	f = factset_get(&back, "facts.a");
	assert_non_null(f);
	assert_int_equal(f->type, FACT_INTEGER);
	f = factset_get(&back, "nested.os.major");
	assert_non_null(f);
	assert_string_equal(f->text, "12");
	factset_release(&back);
	wire_msg_release(&msg);
	wire_writer_release(&w);
	factset_release(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_bad_wire),
		cmocka_unit_test(test_facts),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

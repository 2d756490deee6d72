/*
 * test-strbuf.c: unit tests for the small shared pieces the parsers are
 * built on: strbuf (growing strings), words (the inventory's and
 * ssh_config's quoting) and nameset (the hash set of host names). Edge
 * cases: empty input, quotes, trailing spaces, very long strings.
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

/* Long enough to need many doublings of a strbuf. */
#define TSB_LONG	(1024 * 1024 + 7)

/*
 * Split s by rules and compare with want, a NULL-terminated list of words;
 * want NULL means an unterminated quote.
 */
static void
tsb_words(const char *s, enum words_rules rules, const char *const *want)
{
	char	**argv;
	size_t	  argc, i, n = 0;
	int	  r;

	r = words_split(s, rules, &argv, &argc);
	if (want == NULL) {
		if (r != -1)
			fail_msg("[%s]: split, want an unterminated quote", s);
		assert_null(argv);
		assert_int_equal(argc, 0);
		return;
	}
	if (r != 0)
		fail_msg("[%s]: unterminated quote, want a split", s);
	while (want[n] != NULL)
		n++;
	if (argc != n)
		fail_msg("[%s]: %zu words, want %zu", s, argc, n);
	if (n == 0)
		assert_null(argv);
	for (i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
	words_free(argv, argc);
}

#define TSB_INV(s, ...) do {						\
	const char *const tsb_want[] = { __VA_ARGS__, NULL };		\
	tsb_words(s, WORDS_INVENTORY, tsb_want);			\
} while (0)
#define TSB_SSH(s, ...) do {						\
	const char *const tsb_want[] = { __VA_ARGS__, NULL };		\
	tsb_words(s, WORDS_OPENSSH, tsb_want);				\
} while (0)
#define TSB_BOTH(s, ...) do {						\
	TSB_INV(s, __VA_ARGS__);					\
	TSB_SSH(s, __VA_ARGS__);					\
} while (0)

static void
test_strbuf_empty(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		*s;

	(void)state;
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
	assert_null(sb.buf);

	/* Nothing added: detach still gives a string to free. */
	s = strbuf_detach(&sb);
	assert_string_equal(s, "");
	free(s);

	/* Adding nothing makes an empty string. */
	strbuf_add(&sb, "", 0);
	strbuf_addstr(&sb, "");
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	s = strbuf_detach(&sb);
	assert_string_equal(s, "");
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	free(s);
}

static void
test_strbuf_add(void **state)
{
	struct strbuf	 sb;
	char		*s;

	(void)state;
	strbuf_init(&sb);
	strbuf_add(&sb, "abcdef", 3);
	strbuf_addch(&sb, '-');
	strbuf_addstr(&sb, "xyz");
	assert_string_equal(sb.buf, "abc-xyz");
	assert_int_equal(sb.len, 7);

	/* Bytes may hold '\0'; the string is still terminated after them. */
	strbuf_add(&sb, "1\0002", 3);
	assert_int_equal(sb.len, 10);
	assert_memory_equal(sb.buf, "abc-xyz1\0002", 11);

	strbuf_release(&sb);
	assert_null(sb.buf);
	strbuf_addstr(&sb, "again ");
	strbuf_addstr(&sb, "and again");
	s = strbuf_detach(&sb);
	assert_string_equal(s, "again and again");
	free(s);
}

static void
test_strbuf_addf(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		*big, *want;

	(void)state;
	strbuf_addf(&sb, "%0*llu", 3, 7ULL);
	strbuf_addf(&sb, "-%0*llu", 0, 12ULL);
	strbuf_addf(&sb, "%s", "");
	strbuf_addf(&sb, ":%d%%", 22);
	assert_string_equal(sb.buf, "007-12:22%");
	assert_int_equal(sb.len, strlen(sb.buf));
	strbuf_release(&sb);

	/* Longer than the room there is: grown, then formatted again. */
	big = xmalloc(TSB_LONG + 1);
	memset(big, 'q', TSB_LONG);
	big[TSB_LONG] = '\0';
	strbuf_addch(&sb, '<');
	strbuf_addf(&sb, "%s>%d", big, 1);
	xasprintf(&want, "<%s>1", big);
	assert_int_equal(sb.len, TSB_LONG + 3);
	assert_string_equal(sb.buf, want);
	assert_true(sb.alloc > sb.len);
	free(want);
	free(big);
	strbuf_release(&sb);
}

static void
test_strbuf_long(void **state)
{
	struct strbuf	 sb = STRBUF_INIT;
	char		*s, *chunk;
	size_t		 i;

	(void)state;
	for (i = 0; i < TSB_LONG; i++)
		strbuf_addch(&sb, 'a' + (int)(i % 26));
	assert_int_equal(sb.len, TSB_LONG);
	assert_true(sb.alloc > sb.len);
	assert_int_equal(sb.buf[sb.len], '\0');
	for (i = 0; i < TSB_LONG; i++) {
		if (sb.buf[i] != 'a' + (int)(i % 26))
			fail_msg("byte %zu is '%c'", i, sb.buf[i]);
	}

	/* One add much larger than the buffer. */
	chunk = xmalloc(4 * TSB_LONG);
	memset(chunk, 'z', 4 * TSB_LONG);
	strbuf_add(&sb, chunk, 4 * TSB_LONG);
	free(chunk);
	assert_int_equal(sb.len, 5 * TSB_LONG);
	s = strbuf_detach(&sb);
	assert_int_equal(strlen(s), 5 * TSB_LONG);
	assert_int_equal(s[TSB_LONG - 1], 'a' + (TSB_LONG - 1) % 26);
	assert_int_equal(s[TSB_LONG], 'z');
	assert_int_equal(s[5 * TSB_LONG - 1], 'z');
	free(s);
}

static void
test_words_empty(void **state)
{
	(void)state;
	tsb_words("", WORDS_INVENTORY, (const char *const []){ NULL });
	tsb_words("", WORDS_OPENSSH, (const char *const []){ NULL });
	tsb_words("  \t ", WORDS_INVENTORY, (const char *const []){ NULL });
	tsb_words("  \t ", WORDS_OPENSSH, (const char *const []){ NULL });
	tsb_words("\r\n", WORDS_INVENTORY, (const char *const []){ NULL });
	tsb_words("# all comment", WORDS_INVENTORY,
	    (const char *const []){ NULL });
	tsb_words("  # all comment", WORDS_OPENSSH,
	    (const char *const []){ NULL });
	/* An empty pair of quotes is an empty word. */
	TSB_BOTH("\"\"", "");
	TSB_SSH("''", "");
	TSB_BOTH("a \"\" b", "a", "", "b");
}

static void
test_words_spaces(void **state)
{
	(void)state;
	TSB_BOTH("a", "a");
	TSB_BOTH("  a b\t\tc  ", "a", "b", "c");
	TSB_BOTH("trailing   \t", "trailing");
	TSB_BOTH("x #comment \"unterminated", "x");
	TSB_BOTH("x#y", "x#y");
	TSB_BOTH("\"#quoted\" # comment", "#quoted");
	/* The inventory takes a whole line; ssh_config's is stripped. */
	TSB_INV("web1 role=db\r\n", "web1", "role=db");
	TSB_INV("a\rb\nc", "a", "b", "c");
	TSB_SSH("a\rb\nc", "a\rb\nc");
	TSB_BOTH("a\fb", "a\fb");
}

static void
test_words_quotes(void **state)
{
	(void)state;
	/* Both. */
	TSB_BOTH("\"two words\" x", "two words", "x");
	TSB_BOTH("note=\"two words\"", "note=two words");
	TSB_BOTH("a\"b c\"d e", "ab cd", "e");
	TSB_BOTH("\"x\\\"y\" z", "x\"y", "z");
	TSB_BOTH("\"back\\\\slash\"", "back\\slash");
	TSB_BOTH("\"it's\"", "it's");
	TSB_BOTH("path=C:\\temp", "path=C:\\temp");
	TSB_BOTH("end\\", "end\\");
	TSB_BOTH("\"\\n\"", "\\n");
	tsb_words("\"open", WORDS_INVENTORY, NULL);
	tsb_words("\"open", WORDS_OPENSSH, NULL);
	tsb_words("a b \"c d", WORDS_INVENTORY, NULL);
	tsb_words("a b \"c d", WORDS_OPENSSH, NULL);
	tsb_words("\"x\\\"", WORDS_INVENTORY, NULL);
	tsb_words("\"x\\\"", WORDS_OPENSSH, NULL);

	/* The inventory: single quotes and bare backslashes are ordinary. */
	TSB_INV("note=it's ok", "note=it's", "ok");
	TSB_INV("'a b'", "'a", "b'");
	TSB_INV("a\\ b", "a\\", "b");
	tsb_words("\\\"a b\\\"", WORDS_INVENTORY, NULL);

	/* ssh_config, as OpenSSH's argv_split. */
	tsb_words("note=it's ok", WORDS_OPENSSH, NULL);
	TSB_SSH("'a b' c", "a b", "c");
	TSB_SSH("'say \"hi\"'", "say \"hi\"");
	TSB_SSH("'it\\'s'", "it's");
	TSB_SSH("a\\ b", "a b");
	TSB_SSH("\"a\\ b\"", "a\\ b");
	TSB_SSH("\\\"a b\\\"", "\"a", "b\"");
	/* Not an escape: the backslash stays, as in OpenSSH. */
	TSB_SSH("\\#x", "\\#x");
}

static void
test_words_long(void **state)
{
	struct strbuf	  sb = STRBUF_INIT;
	char		**argv, *word;
	size_t		  argc, i;

	(void)state;
	word = xmalloc(TSB_LONG + 1);
	memset(word, 'w', TSB_LONG);
	word[TSB_LONG] = '\0';

	/* One long word, then the same quoted with spaces inside. */
	strbuf_addf(&sb, "  %s  ", word);
	assert_int_equal(words_split(sb.buf, WORDS_INVENTORY, &argv, &argc),
	    0);
	assert_int_equal(argc, 1);
	assert_string_equal(argv[0], word);
	words_free(argv, argc);
	strbuf_release(&sb);

	word[1] = ' ';
	word[TSB_LONG - 2] = '\t';
	strbuf_addf(&sb, "\"%s\" tail ", word);
	assert_int_equal(words_split(sb.buf, WORDS_OPENSSH, &argv, &argc), 0);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[0], word);
	assert_string_equal(argv[1], "tail");
	words_free(argv, argc);
	strbuf_release(&sb);
	free(word);

	/* Very many words. */
	for (i = 0; i < 100000; i++)
		strbuf_addf(&sb, "k%zu=v ", i);
	assert_int_equal(words_split(sb.buf, WORDS_INVENTORY, &argv, &argc),
	    0);
	assert_int_equal(argc, 100000);
	assert_string_equal(argv[0], "k0=v");
	assert_string_equal(argv[99999], "k99999=v");
	words_free(argv, argc);
	strbuf_release(&sb);

	words_free(NULL, 0);
}

static void
test_nameset(void **state)
{
	struct nameset	  set = NAMESET_INIT;
	char		**names;
	size_t		  i, n = 50000, value;

	(void)state;
	assert_int_equal(nameset_find(&set, "x", &value), 0);
	assert_int_equal(nameset_add(&set, "", 7), 1);
	assert_int_equal(nameset_find(&set, "", &value), 1);
	assert_int_equal(value, 7);
	nameset_release(&set);
	assert_int_equal(nameset_find(&set, "", NULL), 0);

	names = xcalloc(n, sizeof *names);
	for (i = 0; i < n; i++) {
		xasprintf(&names[i], "node%zu", i);
		assert_int_equal(nameset_add(&set, names[i], i), 1);
	}
	assert_int_equal(set.n, n);
	/* Again: not added, the first value kept; found by equal strings. */
	for (i = 0; i < n; i++)
		assert_int_equal(nameset_add(&set, names[i], i + n), 0);
	assert_int_equal(set.n, n);
	assert_int_equal(nameset_find(&set, "node123", &value), 1);
	assert_int_equal(value, 123);
	assert_int_equal(nameset_find(&set, "node49999", &value), 1);
	assert_int_equal(value, 49999);
	assert_int_equal(nameset_find(&set, "node50000", &value), 0);
	assert_int_equal(nameset_find(&set, "node", NULL), 0);
	assert_true(set.mask + 1 >= 2 * set.n);
	nameset_release(&set);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A bounded reader never allocates past its bound while doubling. */
static void
test_strbuf_grow_max(void **state)
{
	struct strbuf	sb = STRBUF_INIT;
	char		chunk[1000];
	size_t		max = 10001, i;

	(void)state;
	memset(chunk, 'x', sizeof chunk);
	for (i = 0; i < 10; i++) {
		strbuf_grow_max(&sb, sizeof chunk, max);
		strbuf_add(&sb, chunk, sizeof chunk);
		assert_true(sb.alloc <= max);
	}
	assert_int_equal(sb.len, 10000);
	assert_int_equal(sb.alloc, max);
	/* Past the bound it still grows: the caller checks the bound. */
	strbuf_grow_max(&sb, 1, max);
	assert_true(sb.alloc > max);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_empty),
		cmocka_unit_test(test_strbuf_add),
		cmocka_unit_test(test_strbuf_addf),
		cmocka_unit_test(test_strbuf_long),
		cmocka_unit_test(test_strbuf_grow_max),
		cmocka_unit_test(test_words_empty),
		cmocka_unit_test(test_words_spaces),
		cmocka_unit_test(test_words_quotes),
		cmocka_unit_test(test_words_long),
		cmocka_unit_test(test_nameset),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

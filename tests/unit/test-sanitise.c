/*
 * test-sanitise.c: unit tests for sanitise(), the filter between untrusted
 * text and the terminal: C0, DEL, raw and UTF-8 encoded C1 controls and
 * malformed UTF-8 become '?', well-formed UTF-8 stays, the result is never
 * longer than the input and works in place; and ui_write() uses it.
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
#include "sanitise.h"

/* Sanitise a string (may hold '\0' at len) with flags; new string. */
static char *
tsan(const char *s, size_t len, int flags)
{
	char	*out;
	size_t	 n;

	out = xmalloc(len + 1);
	n = sanitise(out, s, len, flags);
	assert_true(n <= len);
	out[n] = '\0';
	return (out);
}

static void
tsan_check(const char *in, const char *want, int flags)
{
	char	*got = tsan(in, strlen(in), flags);

	assert_string_equal(got, want);
	free(got);
}

#define ALL	(SANITISE_NEWLINE | SANITISE_TAB)

static void
test_ascii_and_c0(void **state)
{
	(void)state;
	tsan_check("hello, world", "hello, world", 0);
	tsan_check("a\033[2Jb", "a?[2Jb", ALL);		/* ESC */
	tsan_check("bell\007", "bell?", ALL);		/* BEL */
	tsan_check("\033]0;title\007", "?]0;title?", ALL);
	tsan_check("cr\rover", "cr?over", ALL);
	tsan_check("bs\bx", "bs?x", ALL);
	tsan_check("del\177", "del?", ALL);
	tsan_check("a\nb\tc", "a\nb\tc", ALL);
	tsan_check("a\nb\tc", "a?b\tc", SANITISE_TAB);
	tsan_check("a\nb\tc", "a\nb?c", SANITISE_NEWLINE);
	tsan_check("a\nb\tc", "a?b?c", 0);
}

static void
test_nul(void **state)
{
	char	*got;

	(void)state;
	got = tsan("a\0b", 3, ALL);
	assert_memory_equal(got, "a?b", 4);
	free(got);
}

static void
test_raw_c1(void **state)
{
	(void)state;
	tsan_check("\233" "31mred", "?31mred", ALL);	/* CSI */
	tsan_check("\235" "0;t\234", "?0;t?", ALL);	/* OSC ... ST */
	tsan_check("\200\237", "??", ALL);
	tsan_check("\220q", "?q", ALL);			/* DCS */
}

static void
test_utf8_c1(void **state)
{
	(void)state;
	tsan_check("\302\233" "31mred", "?31mred", ALL);	/* U+009B */
	tsan_check("\302\235" "0;t", "?0;t", ALL);		/* U+009D */
	tsan_check("\302\200\302\237", "??", ALL);		/* U+0080, U+009F */
	/* U+00A0 and above are printable. */
	tsan_check("\302\240\302\251", "\302\240\302\251", ALL);
}

static void
test_utf8_kept(void **state)
{
	(void)state;
	tsan_check("caf\303\251", "caf\303\251", ALL);		/* é */
	tsan_check("\342\202\254 5", "\342\202\254 5", ALL);	/* € */
	tsan_check("\344\275\240\345\245\275", "\344\275\240\345\245\275",
	    ALL);
	tsan_check("\360\237\230\200", "\360\237\230\200", ALL);	/* emoji */
	/* Continuation bytes 0x80..0x9f inside a character are no C1. */
	tsan_check("\342\200\233", "\342\200\233", ALL);	/* U+201B */
	tsan_check("\364\217\277\277", "\364\217\277\277", ALL); /* U+10FFFF */
}

static void
test_utf8_malformed(void **state)
{
	(void)state;
	tsan_check("\300\233", "??", ALL);		/* overlong ESC-ish */
	tsan_check("\301\201", "??", ALL);		/* overlong 'A' */
	tsan_check("\340\202\233", "???", ALL);		/* overlong U+009B */
	tsan_check("\355\240\200", "???", ALL);		/* surrogate */
	tsan_check("\364\220\200\200", "????", ALL);	/* above U+10FFFF */
	tsan_check("\370\210\200\200\200", "?????", ALL);
	tsan_check("\377\376", "??", ALL);
	tsan_check("caf\351", "caf?", ALL);		/* Latin-1 */
	tsan_check("\342\202", "??", ALL);		/* truncated */
	tsan_check("\342\202x", "??x", ALL);
	tsan_check("\303\033[1m", "??[1m", ALL);	/* lead, then ESC */
}

static void
test_in_place(void **state)
{
	char	buf[] = "a\302\233b\033c\342\202\254";
	size_t	n;

	(void)state;
	n = sanitise(buf, buf, strlen(buf), ALL);
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "a?b?c\342\202\254", 8);
}

static void
test_ui_write(void **state)
{
	char	*text = NULL;
	size_t	 size = 0;
	FILE	*f;

	(void)state;
	f = open_memstream(&text, &size);
	assert_non_null(f);
	ui_write(f, UI_RED, "ok\n\033]0;x\007\302\233\233\303\251\t.", 16);
	fclose(f);
	/* Colours are off: ui_init() was not called. */
	assert_string_equal(text, "ok\n?]0;x???\303\251\t.");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_c0),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_raw_c1),
		cmocka_unit_test(test_utf8_c1),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_utf8_malformed),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_ui_write),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

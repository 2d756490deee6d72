/*
 * test-textfile.c: unit tests for the bounded line reader behind -w @FILE,
 * -w - and the inventory: lines without their newline, a last line
 * without one, and the errors (NUL byte, long line, too many bytes, a
 * read error) with FILE:LINE.
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

/* Read len bytes of text as lines joined by '|'; NULL and *cause on error. */
static char *
ttf_read(const char *text, size_t len, size_t max_line, size_t max_total,
    char **cause)
{
	struct textfile	 tf;
	struct strbuf	 sb = STRBUF_INIT;
	FILE		*fp;
	int		 r;

	*cause = NULL;
	fp = fmemopen((void *)text, len, "r");
	assert_non_null(fp);
	textfile_init(&tf, fp, "F", max_line, max_total);
	while ((r = textfile_getline(&tf, cause)) == 1) {
		assert_int_equal(strlen(tf.line.buf), tf.line.len);
		strbuf_addstr(&sb, tf.line.buf);
		strbuf_addch(&sb, '|');
	}
	textfile_release(&tf);
	fclose(fp);
	if (r != 0) {
		strbuf_release(&sb);
		return (NULL);
	}
	return (strbuf_detach(&sb));
}

static void
ttf_check(const char *text, size_t len, const char *want)
{
	char	*got, *cause;

	got = ttf_read(text, len, 16, 64, &cause);
	if (got == NULL)
		fail_msg("unexpected error: %s", cause);
	assert_string_equal(got, want);
	free(got);
}

static void
ttf_check_error(const char *text, size_t len, size_t max_line,
    size_t max_total, const char *want)
{
	char	*got, *cause;

	got = ttf_read(text, len, max_line, max_total, &cause);
	if (got != NULL)
		fail_msg("expected an error, got '%s'", got);
	assert_string_equal(cause, want);
	free(cause);
}

static void
test_lines(void **state)
{
	(void)state;
	ttf_check("", 0, "");
	ttf_check("a\nbb\n", 5, "a|bb|");
	ttf_check("a\nbb", 4, "a|bb|");
	ttf_check("\n\n", 2, "||");
	ttf_check("a\r\nb\n", 5, "a\r|b|");
	/* The longest line allowed: max_line bytes. */
	ttf_check("1234567890123456\n", 17, "1234567890123456|");
	/* 64 bytes in all is fine. */
	ttf_check("aaaaaaa\naaaaaaa\naaaaaaa\naaaaaaa\naaaaaaa\naaaaaaa\n"
	    "aaaaaaa\naaaaaaa\n", 64, "aaaaaaa|aaaaaaa|aaaaaaa|aaaaaaa|"
	    "aaaaaaa|aaaaaaa|aaaaaaa|aaaaaaa|");
}

static void
test_errors(void **state)
{
	char	*big;

	(void)state;
	ttf_check_error("\0\0\0", 3, 16, 64,
	    "F:1: a NUL byte (not a text file?)");
	ttf_check_error("a\nb\0c\n", 6, 16, 64,
	    "F:2: a NUL byte (not a text file?)");
	ttf_check_error("a\n12345678901234567\n", 20, 16, 64,
	    "F:2: a line longer than 16 bytes");
	ttf_check_error("a\na\na\na\na\n", 10, 16, 9, "F: more than 9 bytes "
	    "(is it the right file?)");

	/* Sizes read as people write them; chunked copies stay exact. */
	big = xmalloc(3 * 1024 * 1024);
	memset(big, 'x', 3 * 1024 * 1024);
	ttf_check_error(big, 3 * 1024 * 1024, 1024 * 1024, 2 * 1024 * 1024,
	    "F:1: a line longer than 1 MiB");
	big[1500] = '\n';
	ttf_check_error(big, 3 * 1024 * 1024, 4096, 2 * 1024 * 1024,
	    "F:2: a line longer than 4 KiB");
	ttf_check_error(big, 3 * 1024 * 1024, 4 * 1024 * 1024,
	    2 * 1024 * 1024, "F: more than 2 MiB (is it the right file?)");
	free(big);
}

static void
test_long_line_kept(void **state)
{
	struct textfile	 tf;
	char		*text, *cause = NULL;
	FILE		*fp;
	size_t		 i;

	(void)state;
	text = xmalloc(5001);
	for (i = 0; i < 5000; i++)
		text[i] = (char)('a' + i % 26);
	text[5000] = '\n';
	fp = fmemopen(text, 5001, "r");
	textfile_init(&tf, fp, "F", 8192, 8192);
	assert_int_equal(textfile_getline(&tf, &cause), 1);
	assert_int_equal(tf.line.len, 5000);
	assert_memory_equal(tf.line.buf, text, 5000);
	assert_int_equal(tf.lineno, 1);
	assert_int_equal(textfile_getline(&tf, &cause), 0);
	textfile_release(&tf);
	fclose(fp);
	free(text);
}

static void
test_read_error(void **state)
{
	struct textfile	 tf;
	char		*cause = NULL;
	FILE		*fp;

	(void)state;
	/* Linux opens a directory for reading; reading it fails. */
	if ((fp = fopen("/", "r")) == NULL)
		skip();
	textfile_init(&tf, fp, "/", 16, 64);
	assert_int_equal(textfile_getline(&tf, &cause), -1);
	assert_string_equal(cause, "/: Is a directory");
	free(cause);
	textfile_release(&tf);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_line_kept),
		cmocka_unit_test(test_read_error),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

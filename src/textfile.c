/*
 * textfile.c: a text file that a user names, read line by line within
 * bounds: -w @FILE, -w - (stdin) and the inventory. getline(3) grows its
 * buffer until a newline comes, so -w @/dev/zero or an endless stream read
 * without end; here a line longer than its bound, more bytes in all than
 * the file's bound, a NUL byte (which would silently cut the line short)
 * and a read error are each an error naming the file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "muster.h"

#define TEXTFILE_MIB	(1024 * 1024)

/* Start reading fp; name is used in messages. */
void
textfile_init(struct textfile *tf, FILE *fp, const char *name,
    size_t max_line, size_t max_total)
{
	memset(tf, 0, sizeof *tf);
	tf->fp = fp;
	tf->name = name;
	tf->max_line = max_line;
	tf->max_total = max_total;
	strbuf_init(&tf->line);
}

/* Free the line buffer (the caller closes the file). */
void
textfile_release(struct textfile *tf)
{
	strbuf_release(&tf->line);
}

/* A size for a message: "16 MiB", "64 KiB" or "100 bytes". */
static void
textfile_size(size_t n, char *buf, size_t size)
{
	if (n >= TEXTFILE_MIB && n % TEXTFILE_MIB == 0)
		snprintf(buf, size, "%zu MiB", n / TEXTFILE_MIB);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, size, "%zu KiB", n / 1024);
	else
		snprintf(buf, size, "%zu bytes", n);
}

/* Read the next line into tf->line (no newline): 1, 0 at the end, -1. */
int
textfile_getline(struct textfile *tf, char **cause)
{
	char	chunk[512], sz[32];
	size_t	n = 0;
	int	c;

	tf->line.len = 0;
	if (tf->line.buf != NULL)
		tf->line.buf[0] = '\0';
	tf->lineno++;
	for (;;) {
		if ((c = getc_unlocked(tf->fp)) == EOF)
			break;
		if (++tf->total > tf->max_total) {
			textfile_size(tf->max_total, sz, sizeof sz);
			xasprintf(cause, "%s: more than %s (is it the right "
			    "file?)", tf->name, sz);
			return (-1);
		}
		if (c == '\n')
			break;
		if (c == '\0') {
			xasprintf(cause, "%s:%zu: a NUL byte (not a text file?)",
			    tf->name, tf->lineno);
			return (-1);
		}
		if (tf->line.len + n == tf->max_line) {
			textfile_size(tf->max_line, sz, sizeof sz);
			xasprintf(cause, "%s:%zu: a line longer than %s",
			    tf->name, tf->lineno, sz);
			return (-1);
		}
		chunk[n++] = (char)c;
		if (n == sizeof chunk) {
			strbuf_add(&tf->line, chunk, n);
			n = 0;
		}
	}
	if (ferror(tf->fp)) {
		xasprintf(cause, "%s: %s", tf->name, strerror(errno));
		return (-1);
	}
	strbuf_add(&tf->line, chunk, n);
	if (c == EOF && tf->line.len == 0)
		return (0);
	return (1);
}

/*
 * log.c: debug and error messages for both programs. Debug lines carry a
 * millisecond timestamp so that state transitions of many hosts can be read
 * as a timeline. Messages quote user and remote text (names, file
 * contents, arguments), so every line goes through sanitise() before it
 * reaches the terminal, and stays one line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"
#include "sanitise.h"
#include "xmalloc.h"

static const char	*log_name = "muster";
static int		 log_verbose;
static FILE		*log_file;

/* Set the program name and verbosity. */
void
log_init(const char *name, int verbose)
{
	log_name = name;
	log_verbose = verbose;
}

/* Current verbosity. */
int
log_get_verbose(void)
{
	return (log_verbose);
}

/* Write debug output to a file (append); NULL goes back to stderr. */
void
log_set_file(const char *path)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	if (path != NULL && (log_file = fopen(path, "a")) != NULL)
		setvbuf(log_file, NULL, _IOLBF, 0);
}

static void __attribute__((format(printf, 3, 0)))
log_vwrite(FILE *f, const char *prefix, const char *fmt, va_list ap,
    const char *suffix)
{
	char	*msg, *line;
	size_t	 len;

	xvasprintf(&msg, fmt, ap);
	len = (size_t)xasprintf(&line, "%s: %s%s%s%s", log_name, prefix, msg,
	    suffix != NULL ? ": " : "", suffix != NULL ? suffix : "");
	free(msg);
	/* One line: a newline in the text would forge a second message. */
	len = sanitise(line, line, len, SANITISE_TAB);
	fwrite(line, 1, len, f);
	fputc('\n', f);
	fflush(f);
	free(line);
}

/* A line for -v. */
void
log_debug(const char *fmt, ...)
{
	struct timeval	tv;
	char		prefix[32];
	va_list		ap;

	if (log_verbose < 1)
		return;
	gettimeofday(&tv, NULL);
	snprintf(prefix, sizeof prefix, "%ld.%03ld ", (long)tv.tv_sec % 1000,
	    (long)tv.tv_usec / 1000);
	va_start(ap, fmt);
	log_vwrite(log_file != NULL ? log_file : stderr, prefix, fmt, ap,
	    NULL);
	va_end(ap);
}

/* A user-facing warning with strerror(errno) appended. */
void
log_warn(const char *fmt, ...)
{
	const char	*e = strerror(errno);
	va_list		 ap;

	va_start(ap, fmt);
	log_vwrite(stderr, "", fmt, ap, e);
	va_end(ap);
}

/* A user-facing one-line message. */
void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(stderr, "", fmt, ap, NULL);
	va_end(ap);
}

/* An environment error with errno: print and exit. */
void
fatal(const char *fmt, ...)
{
	const char	*e = strerror(errno);
	va_list		 ap;

	va_start(ap, fmt);
	log_vwrite(stderr, "fatal: ", fmt, ap, e);
	va_end(ap);
	exit(70);
}

/* A programmer or environment error: print and exit. */
void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(stderr, "fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(70);
}

/*
 * xmalloc.c: allocation wrappers that never return NULL. Shared by the
 * client and the agent.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static void __attribute__((noreturn))
xmalloc_die(const char *what, size_t n)
{
	fprintf(stderr, "out of memory: %s of %zu bytes\n", what, n);
	exit(70);
}

/* Allocate size bytes; size 0 is an error in the caller. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		xmalloc_die("malloc", size);
	return (p);
}

/* Allocate a zeroed array. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		xmalloc_die("calloc", n * size);
	return (p);
}

/* Resize an array, checking the multiplication for overflow. */
void *
xreallocarray(void *ptr, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		xmalloc_die("reallocarray overflow", SIZE_MAX);
	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = realloc(ptr, n * size)) == NULL)
		xmalloc_die("realloc", n * size);
	return (p);
}

/* Copy a string. */
char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		xmalloc_die("strdup", strlen(s));
	return (p);
}

/* Copy at most n bytes of a string, always terminated. */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		xmalloc_die("strndup", n);
	return (p);
}

/* Format into a new string. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	i;

	i = vasprintf(ret, fmt, ap);
	if (i < 0 || *ret == NULL)
		xmalloc_die("vasprintf", 0);
	return (i);
}

/* Format into a new string. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	i;

	va_start(ap, fmt);
	i = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return (i);
}

/*
 * strbuf.c: a growing, always NUL-terminated string, after git's strbuf.
 * The buffer is NULL until something is added; strbuf_detach hands over
 * the string ("" if nothing was added) and leaves the strbuf empty.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "muster.h"

/* Initialise an empty strbuf. */
void
strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

/* Free the string; the strbuf is empty and usable again. */
void
strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

/* Make room for extra more bytes and the NUL. */
void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	strbuf_grow_max(sb, extra, SIZE_MAX);
}

/*
 * As strbuf_grow, doubling, but never allocating more than max bytes in
 * all when that is enough: a bounded reader then holds at most its bound.
 */
void
strbuf_grow_max(struct strbuf *sb, size_t extra, size_t max)
{
	size_t	want;

	if (extra > SIZE_MAX - sb->len - 1)
		fatalx("%s: %zu + %zu bytes is too long", __func__, sb->len,
		    extra);
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return;
	while (want > sb->alloc) {
		if (sb->alloc > SIZE_MAX / 2) {
			sb->alloc = want;
			break;
		}
		sb->alloc = sb->alloc == 0 ? 64 : sb->alloc * 2;
	}
	if (sb->alloc > max && want <= max)
		sb->alloc = max;
	sb->buf = xreallocarray(sb->buf, sb->alloc, 1);
}

/* Append len bytes of data. */
void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len != 0)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

/* Append a string. */
void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

/* Append one character. */
void
strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

/* Append printf-style. */
void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list	ap, ap2;
	int	n;

	/* Try the room there is; if it was too small, grow and again. */
	strbuf_grow(sb, 64);
	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt,
		    ap2);
	}
	va_end(ap2);
	if (n < 0)
		fatalx("%s: bad format \"%s\"", __func__, fmt);
	sb->len += (size_t)n;
}

/* Hand over the string ("" if empty) and leave the strbuf empty. */
char *
strbuf_detach(struct strbuf *sb)
{
	char	*s = sb->buf;

	if (s == NULL)
		s = xstrdup("");
	strbuf_init(sb);
	return (s);
}

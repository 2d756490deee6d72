/*
 * sanitise.c: make untrusted text harmless on a terminal (sanitise.h).
 * Shared by the client (ui_write() for results, log.c for messages) and
 * the agent (log.c).
 */
#include <stddef.h>

#include "sanitise.h"

/*
 * The length of the well-formed UTF-8 sequence at s (at most len bytes),
 * from the table of the Unicode standard (section 3.9, table 3-7); 0 if
 * the bytes there are not one.
 */
static size_t
sanitise_utf8_len(const unsigned char *s, size_t len)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return (0);
	if (len < n || s[1] < lo || s[1] > hi)
		return (0);
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return (0);
	}
	return (n);
}

/* Copy src to dst with controls and malformed bytes replaced by '?'. */
size_t
sanitise(char *dst, const char *src, size_t len, int flags)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i = 0, o = 0, n;
	unsigned char		 c;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 || c == 0x7f) &&
			    !(c == '\n' && (flags & SANITISE_NEWLINE)) &&
			    !(c == '\t' && (flags & SANITISE_TAB)))
				c = '?';
			dst[o++] = (char)c;
			i++;
			continue;
		}
		if ((n = sanitise_utf8_len(s + i, len - i)) == 0) {
			/* A raw C1 control, or any other stray byte. */
			dst[o++] = '?';
			i++;
			continue;
		}
		if (n == 2 && c == 0xc2 && s[i + 1] <= 0x9f) {
			/* U+0080..U+009F: C1 controls, UTF-8 encoded. */
			dst[o++] = '?';
			i += 2;
			continue;
		}
		/* In place, dst never overtakes src: o <= i. */
		while (n-- > 0)
			dst[o++] = (char)s[i++];
	}
	return (o);
}

/*
 * vercmp.c: version order as dpkg has it (deb-version(7)): an optional
 * epoch, the upstream version, an optional revision after the last '-';
 * within each, runs of non-digits compare character by character with
 * '~' before everything (even the end) and letters before other marks,
 * runs of digits compare as numbers. Written from the manual page.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

/* The weight of one character of a non-digit run ('\0' is the end). */
static int
vercmp_order(int c)
{
	if (c == '~')
		return (-1);
	if (c == '\0' || isdigit(c))
		return (0);
	if (isalpha(c))
		return (c);
	return (c + 256);
}

/* Compare two upstream versions or revisions, of lengths la and lb. */
static int
vercmp_part(const char *a, size_t la, const char *b, size_t lb)
{
	const char	*ea = a + la, *eb = b + lb;
	int		 ca, cb, d;

	while (a < ea || b < eb) {
		/* The non-digit runs. */
		while ((a < ea && !isdigit((unsigned char)*a)) ||
		    (b < eb && !isdigit((unsigned char)*b))) {
			ca = a < ea ? vercmp_order((unsigned char)*a) : 0;
			cb = b < eb ? vercmp_order((unsigned char)*b) : 0;
			if (ca != cb)
				return (ca - cb);
			if (a < ea)
				a++;
			if (b < eb)
				b++;
		}
		/* The digit runs, as numbers: leading zeros skipped. */
		while (a < ea && *a == '0')
			a++;
		while (b < eb && *b == '0')
			b++;
		d = 0;
		while (a < ea && isdigit((unsigned char)*a) &&
		    b < eb && isdigit((unsigned char)*b)) {
			if (d == 0)
				d = *a - *b;
			a++;
			b++;
		}
		if (a < ea && isdigit((unsigned char)*a))
			return (1);
		if (b < eb && isdigit((unsigned char)*b))
			return (-1);
		if (d != 0)
			return (d);
	}
	return (0);
}

/* Split "epoch:upstream-revision". */
static void
vercmp_split(const char *v, unsigned long *epoch, const char **up,
    size_t *uplen, const char **rev, size_t *revlen)
{
	const char	*colon, *dash;

	*epoch = 0;
	colon = strchr(v, ':');
	if (colon != NULL && colon > v &&
	    strspn(v, "0123456789") == (size_t)(colon - v)) {
		*epoch = strtoul(v, NULL, 10);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	*up = v;
	if (dash != NULL) {
		*uplen = dash - v;
		*rev = dash + 1;
		*revlen = strlen(dash + 1);
	} else {
		*uplen = strlen(v);
		*rev = "";
		*revlen = 0;
	}
}

/* dpkg's order of two versions: <0, 0 or >0. */
int
vercmp(const char *a, const char *b)
{
	unsigned long	 ea, eb;
	const char	*ua, *ub, *ra, *rb;
	size_t		 lua, lub, lra, lrb;
	int		 c;

	vercmp_split(a, &ea, &ua, &lua, &ra, &lra);
	vercmp_split(b, &eb, &ub, &lub, &rb, &lrb);
	if (ea != eb)
		return (ea < eb ? -1 : 1);
	if ((c = vercmp_part(ua, lua, ub, lub)) != 0)
		return (c < 0 ? -1 : 1);
	c = vercmp_part(ra, lra, rb, lrb);
	return (c < 0 ? -1 : c > 0);
}

/*
 * Does it look like a version: a digit first, only the characters a
 * version may hold, and at least one of the marks that make it more than
 * a number ("5.9-4", "1:2.3", "12.04").
 */
int
vercmp_looks_like(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return (0);
	if (strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~:-") != strlen(s))
		return (0);
	return (strpbrk(s, ".+~:-") != NULL);
}

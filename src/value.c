/*
 * value.c: a decoded reply value as one line of text, for the table, the
 * distributions, expectations and --nagios alike. Strings go through the
 * terminal filter (ui_write), so the text is safe to print and valid
 * UTF-8.
 */
#include <stdlib.h>

#include "muster.h"

/* Print a decoded value on one line. */
void
value_print(FILE *f, const msgpack_object *o)
{
	const char		*s, *k;
	const msgpack_object	*v;
	size_t			 len, i, klen;
	int64_t			 n;
	double			 d;
	int			 b;

	switch (wire_type(o)) {
	case WIRE_NIL:
		fputs("-", f);
		break;
	case WIRE_BOOL:
		wire_bool(o, &b);
		fputs(b ? "true" : "false", f);
		break;
	case WIRE_INT:
		wire_int(o, &n);
		fprintf(f, "%lld", (long long)n);
		break;
	case WIRE_DOUBLE:
		wire_double(o, &d);
		fprintf(f, "%g", d);
		break;
	case WIRE_STR:
		wire_str(o, &s, &len);
		ui_write(f, UI_NONE, s, len);
		break;
	case WIRE_ARRAY:
		for (i = 0; i < wire_len(o); i++) {
			if (i > 0)
				fputs(", ", f);
			value_print(f, wire_array_at(o, i));
		}
		break;
	case WIRE_MAP:
		for (i = 0; i < wire_len(o); i++) {
			if (wire_map_at(o, i, &k, &klen, &v) != 0)
				continue;
			if (i > 0)
				fputs(", ", f);
			ui_write(f, UI_NONE, k, klen);
			fputc('=', f);
			value_print(f, v);
		}
		break;
	default:
		fputs("?", f);
		break;
	}
}

/* A decoded value on one line, as a new string. */
char *
value_string(const msgpack_object *o)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	value_print(f, o);
	if (fclose(f) != 0)
		fatal("open_memstream");
	return (buf);
}

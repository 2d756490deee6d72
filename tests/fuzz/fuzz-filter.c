/*
 * fuzz-filter.c: libFuzzer target for the filter language, which reads
 * what a user types (-S, -F, -W ...) and, on the agent, the tree a
 * request carries. The input is parsed as -S; what parses must print
 * back to text that parses to the same text, move through msgpack and
 * back, and evaluate alike on a fixed host. The same bytes are also read
 * as a msgpack tree. tests/t0050-fuzz.sh runs it briefly in make check;
 * `make fuzz` runs it longer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "filter.h"
#include "wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct factset	fuzz_host;
static int		fuzz_ready;

static void
fuzz_setup(void)
{
	factset_init(&fuzz_host);
	fuzz_host.complete = 1;
	factset_set(&fuzz_host, "identity", "web01");
	factset_set(&fuzz_host, "role", "web");
	factset_set(&fuzz_host, "os.release.major", "12");
	factset_set(&fuzz_host, "version", "5.9-4");
	factset_set(&fuzz_host, "flag", "false");
	factset_add_class(&fuzz_host, "apache");
	factset_add_agent(&fuzz_host, "package");
	factset_sort(&fuzz_host);
	fuzz_ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter		*f, *g, *h;
	struct wire_writer	 w;
	struct wire_msg		 msg;
	const char		*why, *buf;
	char			*s, *cause = NULL, *text, *text2;
	size_t			 len, used;

	if (!fuzz_ready)
		fuzz_setup();
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	if ((f = filter_parse(s, &cause)) == NULL)
		free(cause);
	else {
		text = filter_format(f);
		/*
		 * Printing may lengthen ("!" is " and not "): text past the
		 * bound a user may type is not parsed again.
		 */
		if (strlen(text) <= FILTER_EXPR_MAX) {
			if ((h = filter_parse(text, &cause)) == NULL)
				abort();
			text2 = filter_format(h);
			if (strcmp(text, text2) != 0 ||
			    filter_eval(f, &fuzz_host) !=
			    filter_eval(h, &fuzz_host))
				abort();
			filter_free(h);
			free(text2);
		}
		wire_writer_init(&w);
		filter_put(&w, f);
		buf = wire_writer_data(&w, &len);
		memset(&msg, 0, sizeof msg);
		if (wire_decode(buf, len, &msg, &used, &why) != 1)
			abort();
		if ((g = filter_from_wire(msg.root, &cause)) == NULL)
			abort();
		if (filter_eval(f, &fuzz_host) != filter_eval(g, &fuzz_host))
			abort();
		filter_free(g);
		wire_msg_release(&msg);
		wire_writer_release(&w);
		free(text);
		filter_free(f);
	}
	/* The other option forms on the same bytes. */
	if ((f = filter_parse_words(s, &cause)) == NULL)
		free(cause);
	filter_free(f);
	if ((f = filter_parse_fact(s, &cause)) == NULL)
		free(cause);
	filter_free(f);

	/* The bytes as a request's tree. */
	memset(&msg, 0, sizeof msg);
	if (wire_decode(data, size, &msg, &used, &why) == 1) {
		if ((f = filter_from_wire(msg.root, &cause)) == NULL)
			free(cause);
		else {
			(void)filter_eval(f, &fuzz_host);
			filter_free(f);
		}
	}
	wire_msg_release(&msg);
	free(s);
	return (0);
}

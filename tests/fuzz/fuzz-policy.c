/*
 * fuzz-policy.c: libFuzzer target for actionpolicy files, which the agent
 * reads as root from policy_dir: the input is parsed as a policy, and
 * what parses is decided for a few callers and actions on a fixed host.
 * A parse must either fail with a line number within the input or give
 * rules whose lines are in order. `make fuzz` runs it; t0050 briefly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct factset	fuzz_host;
static int		fuzz_ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const callers[] = { "ops", "fleet", "root", "*" };
	static const char *const actions[] = { "run", "install", "ping" };
	struct policy_file	*p;
	struct policy_decision	 d;
	char			*cause = NULL;
	size_t			 i, j, lines = 1;
	int			 line;

	if (!fuzz_ready) {
		factset_init(&fuzz_host);
		fuzz_host.complete = 1;
		factset_set(&fuzz_host, "role", "web");
		factset_set(&fuzz_host, "os.release.major", "12");
		factset_add_class(&fuzz_host, "role::web");
		factset_sort(&fuzz_host);
		fuzz_ready = 1;
	}
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if ((p = policy_parse((const char *)data, size, &cause, &line)) ==
	    NULL) {
		if (cause == NULL || line < 0 || (size_t)line > lines)
			abort();
		free(cause);
		return (0);
	}
	for (i = 1; i < p->nrules; i++) {
		if (p->rules[i].line <= p->rules[i - 1].line)
			abort();
	}
	for (i = 0; i < sizeof callers / sizeof callers[0]; i++) {
		for (j = 0; j < sizeof actions / sizeof actions[0]; j++) {
			policy_decide(p, callers[i], actions[j], &fuzz_host,
			    &d);
			if (d.line < 0 || (size_t)d.line > lines)
				abort();
		}
	}
	policy_free(p);
	return (0);
}

/*
 * cmd-puppet.c: muster puppet WORD, the puppet agent as MCollective's
 * "mco puppet" spells it:
 *
 *   status             each host's state in one line (applying, idling,
 *                      stopped or disabled, with the lock message and the
 *                      age of the last run), the states summarised
 *   summary            the last run's figures per host (last_run_summary)
 *   count              how many hosts are applying, idling, stopped and
 *                      disabled, without a line per host
 *   enable             remove the disable lock
 *   disable [MESSAGE]  write it, with the message (several words are one)
 *   runonce            start a run in the background: --noop, --tags T and
 *                      --environment E become its inputs, validated by the
 *                      DDL before anything is sent
 *   runall N           a rolling run over the selection, at most N
 *                      applying a catalog at once (src/runall.c)
 */
#include <string.h>

#include "muster.h"

/* The reply's string field, or NULL. */
static const char *
cmd_puppet_str(const struct host *h, const char *name, size_t *len)
{
	const msgpack_object	*v;
	const char		*s;

	if ((v = result_data(&h->result, name)) == NULL ||
	    wire_str(v, &s, len) != 0)
		return (NULL);
	return (s);
}

/* The reply's integer field, or def. */
static int64_t
cmd_puppet_int(const struct host *h, const char *name, int64_t def)
{
	const msgpack_object	*v;
	int64_t			 n;

	if ((v = result_data(&h->result, name)) == NULL || wire_int(v, &n) != 0)
		return (def);
	return (n);
}

/* status: the agent's own message, one line. */
static void
cmd_puppet_status_host(FILE *f, const struct host *h)
{
	const char	*s;
	size_t		 len;

	if ((s = cmd_puppet_str(h, "message", &len)) == NULL) {
		s = cmd_puppet_str(h, "status", &len);
		if (s == NULL) {
			s = "unknown";
			len = strlen(s);
		}
	}
	ui_write(f, UI_NONE, s, len);
	fputc('\n', f);
}

/* An age in a few characters: "40 s", "12 min", "5 h", "3 days". */
static void
cmd_puppet_age(int64_t secs, char *buf, size_t size)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(buf, size, "%lld s", (long long)secs);
	else if (secs < 7200)
		snprintf(buf, size, "%lld min", (long long)(secs / 60));
	else if (secs < 2 * 86400)
		snprintf(buf, size, "%lld h", (long long)(secs / 3600));
	else
		snprintf(buf, size, "%lld days", (long long)(secs / 86400));
}

/*
 * summary: "2 changed, 0 failed of 9 resources in 1.09 s; config
 * 1796144110; 40 s ago".
 */
static void
cmd_puppet_summary_host(FILE *f, const struct host *h)
{
	const msgpack_object	*v;
	const char		*version;
	size_t			 len;
	double			 t = 0;
	char			 age[32];

	if ((v = result_data(&h->result, "total_time")) != NULL)
		wire_double(v, &t);
	cmd_puppet_age(cmd_puppet_int(h, "since_lastrun", 0), age, sizeof age);
	fprintf(f, "%lld changed, %lld failed of %lld resources in %.2f s;"
	    " config ", (long long)cmd_puppet_int(h, "changed_resources", 0),
	    (long long)cmd_puppet_int(h, "failed_resources", 0),
	    (long long)cmd_puppet_int(h, "total_resources", 0), t);
	if ((version = cmd_puppet_str(h, "config_version", &len)) != NULL)
		ui_write(f, UI_NONE, version, len);
	else
		fputs("unknown", f);
	fprintf(f, "; %s ago\n", age);
}

/* The states count prints, in order. */
static const char *const cmd_puppet_states[] = {
	"applying", "idling", "stopped", "disabled", NULL
};

/*
 * count: the hosts in each state, as "mco puppet count" does, with the
 * hosts of the states that are not the most common named.
 */
static void
cmd_puppet_count_results(FILE *f, struct run *r, enum display_mode mode)
{
	struct hostlist	 lists[4] = { HOSTLIST_INIT, HOSTLIST_INIT,
			    HOSTLIST_INIT, HOSTLIST_INIT };
	const char	*s;
	char		*hosts, label[40];
	size_t		 i, k, len, most = 0;

	(void)mode;
	for (i = 0; i < r->nhosts; i++) {
		if (r->hosts[i]->result.status != RESULT_OK ||
		    (s = cmd_puppet_str(r->hosts[i], "status", &len)) == NULL)
			continue;
		for (k = 0; cmd_puppet_states[k] != NULL; k++) {
			if (strlen(cmd_puppet_states[k]) == len &&
			    memcmp(cmd_puppet_states[k], s, len) == 0)
				hostlist_add(&lists[k], r->hosts[i]->name);
		}
	}
	for (k = 1; k < 4; k++) {
		if (lists[k].n > lists[most].n)
			most = k;
	}
	for (k = 0; cmd_puppet_states[k] != NULL; k++) {
		snprintf(label, sizeof label, "Currently %s",
		    cmd_puppet_states[k]);
		fprintf(f, "%20s: %zu", label, lists[k].n);
		if (lists[k].n > 0 && k != most) {
			hosts = hostlist_fold_max(lists[k].hosts, lists[k].n,
			    HOSTLIST_FOLD_LINE);
			ui_fprintf(f, k == 3 ? UI_YELLOW : UI_NONE, "   %s",
			    hosts);
			free(hosts);
		}
		fputc('\n', f);
		hostlist_release(&lists[k]);
	}
	fputc('\n', f);
}

/* A word of the command line as KEY=VALUE, kept in words[*n]. */
static void
cmd_puppet_word(char **words, int *n, const char *key, const char *value)
{
	xasprintf(&words[(*n)++], "%s=%s", key, value);
}

static int
cmd_puppet_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct action_spec	 spec;
	struct strbuf		 msg = STRBUF_INIT;
	const char		*word, *action;
	char			*words[4];
	int			 code = EXIT_USAGE, n = 0, i, loaded = 0;

	if (argc < 1) {
		log_warnx("puppet: expected status, summary, count, enable,"
		    " disable [MESSAGE] or runonce");
		return (EXIT_USAGE);
	}
	word = argv[0];
	if (ctx->run_timeout != 0 && strcmp(word, "runall") != 0) {
		log_warnx("puppet %s: --run-timeout is for runall", word);
		return (EXIT_USAGE);
	}
	if (strcmp(word, "runall") == 0)
		action = "runall";
	else if (strcmp(word, "status") == 0 || strcmp(word, "count") == 0)
		action = "status";
	else if (strcmp(word, "summary") == 0)
		action = "last_run_summary";
	else if (strcmp(word, "enable") == 0 || strcmp(word, "disable") == 0 ||
	    strcmp(word, "runonce") == 0)
		action = word;
	else {
		log_warnx("puppet: unknown word '%s' (status, summary, count,"
		    " enable, disable or runonce)", word);
		return (EXIT_USAGE);
	}
	if (argc > 1 && strcmp(word, "disable") != 0 &&
	    strcmp(word, "runall") != 0) {
		log_warnx("puppet %s: unexpected argument '%s'", word, argv[1]);
		return (EXIT_USAGE);
	}
	if ((ctx->noop || ctx->tags != NULL || ctx->environment != NULL) &&
	    strcmp(word, "runonce") != 0 && strcmp(word, "runall") != 0) {
		log_warnx("puppet %s: --noop, --tags and --environment are for"
		    " runonce and runall", word);
		return (EXIT_USAGE);
	}

	/* The message of disable: its words, as one. */
	for (i = 1; i < argc && strcmp(word, "runall") != 0; i++)
		strbuf_addf(&msg, "%s%s", i == 1 ? "" : " ", argv[i]);
	if (msg.len > 0)
		cmd_puppet_word(words, &n, "message", msg.buf);
	if (ctx->noop)
		cmd_puppet_word(words, &n, "noop", "true");
	if (ctx->tags != NULL)
		cmd_puppet_word(words, &n, "tags", ctx->tags);
	if (ctx->environment != NULL)
		cmd_puppet_word(words, &n, "environment", ctx->environment);

	/* A rolling run: runall N, with runonce's inputs. */
	if (strcmp(word, "runall") == 0) {
		code = runall_command(ctx, argc - 1, argv + 1, n, words);
		goto out;
	}
	loaded = 1;
	if (action_spec_load(&spec, "puppet", "puppet", action, n,
	    words) != 0)
		goto out;
	if (strcmp(word, "status") == 0)
		spec.render_host = cmd_puppet_status_host;
	else if (strcmp(word, "summary") == 0)
		spec.render_host = cmd_puppet_summary_host;
	else if (strcmp(word, "count") == 0)
		spec.render_results = cmd_puppet_count_results;
	code = action_run(ctx, &spec);
out:
	if (loaded)
		action_spec_release(&spec);
	for (i = 0; i < n; i++)
		free(words[i]);
	strbuf_release(&msg);
	return (code);
}

const struct cmd_entry cmd_puppet_entry = {
	.name = "puppet",
	.args = "status|summary|count|enable|disable [MESSAGE]|runonce|"
	    "runall N",
	.summary = "the puppet agent: state, last run, enable, disable,"
	    " runs; rolling runs at most N at once",
	.targets = 1,
	.groups = CMD_HOSTS,
	.options = CMD_OPTIONS(OPT_NOOP, OPT_TAGS, OPT_ENVIRONMENT,
	    OPT_RUN_TIMEOUT),
	.complete = "-",
	.exec = cmd_puppet_exec,
};

/*
 * cmd-doc.c: muster doc AGENT: an agent's DDL for a reader: each action
 * with its display policy, its inputs (type, optional or required,
 * default, limits, validation) and its outputs with their labels. The
 * text comes from files that may be foreign, so it goes through the
 * terminal filter (ui_fputs).
 */
#include <stdarg.h>
#include <stdlib.h>

#include <jansson.h>

#include "muster.h"

static const char *const cmd_doc_display[] = {
	[DISPLAY_FAILED] = "failed",
	[DISPLAY_OK] = "ok",
	[DISPLAY_ALL] = "always",
	[DISPLAY_NONE] = "none",
};

/* A text line indented, if there is one. */
static void
cmd_doc_text(const char *indent, const char *s)
{
	if (s != NULL && *s != '\0')
		ui_fprintf(stdout, UI_NONE, "%s%s\n", indent, s);
}

static void
cmd_doc_input(const struct ddl_input *in)
{
	char	*def;
	size_t	 i;

	ui_fprintf(stdout, UI_NONE,
	    "    %s: %s, %s", in->name, ddl_type_name(in->type),
	    in->optional ? "optional" : "required");
	if (in->deflt != NULL) {
		def = json_dumps(in->deflt, JSON_ENCODE_ANY | JSON_COMPACT);
		ui_fprintf(stdout, UI_NONE,
		    ", default %s", def != NULL ? def : "?");
		free(def);
	}
	if (in->maxlength > 0)
		ui_fprintf(stdout, UI_NONE, ", maxlength %zu", in->maxlength);
	if (in->nlist > 0) {
		ui_fprintf(stdout, UI_NONE, ", one of");
		for (i = 0; i < in->nlist; i++)
			ui_fprintf(stdout, UI_NONE,
			    "%s %s", i == 0 ? "" : ",", in->list[i]);
	}
	if (in->validation != NULL)
		ui_fprintf(stdout, UI_NONE, ", validation %s%s", in->validation,
		    in->check == DDL_CHECK_UNKNOWN ? " (unknown, not checked)" :
		    "");
	ui_fprintf(stdout, UI_NONE, "\n");
	cmd_doc_text("      ", in->description);
}

static void
cmd_doc_action(const struct ddl_action *a)
{
	const struct ddl_output		*o;
	const struct ddl_aggregate	*ag;
	size_t				 i;

	ui_fprintf(stdout, UI_NONE,
	    "\n%s (display %s)\n", a->name, cmd_doc_display[a->display]);
	cmd_doc_text("  ", a->description);
	if (a->ninputs == 0)
		ui_fprintf(stdout, UI_NONE, "  Inputs: none\n");
	else
		ui_fprintf(stdout, UI_NONE, "  Inputs:\n");
	for (i = 0; i < a->ninputs; i++)
		cmd_doc_input(&a->inputs[i]);
	if (a->noutputs > 0)
		ui_fprintf(stdout, UI_NONE, "  Outputs:\n");
	for (i = 0; i < a->noutputs; i++) {
		o = &a->outputs[i];
		ui_fprintf(stdout, UI_NONE,
		    "    %s: %s", o->name, ddl_type_name(o->type));
		if (o->display_as != NULL)
			ui_fprintf(stdout, UI_NONE,
			    ", shown as \"%s\"", o->display_as);
		ui_fprintf(stdout, UI_NONE, "\n");
		cmd_doc_text("      ", o->description);
	}
	for (i = 0; i < a->naggregates; i++) {
		ag = &a->aggregates[i];
		ui_fprintf(stdout, UI_NONE,
		    "  Aggregate: %s(%s)\n", ag->function, ag->output);
	}
}

static int
cmd_doc_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ddl_registry	*reg;
	const struct ddl	*d;
	char			*cause = NULL;
	size_t			 i;
	int			 code = EXIT_USAGE;

	(void)ctx;
	if (argc != 1) {
		log_warnx("doc: expected one AGENT (see muster agents)");
		return (EXIT_USAGE);
	}
	reg = ddl_registry_default();
	switch (ddl_registry_find(reg, argv[0], &d, &cause)) {
	case -1:
		log_warnx("doc: %s", cause);
		free(cause);
		goto out;
	case 1:
		log_warnx("doc: no DDL describes agent '%s' (see muster"
		    " agents)", argv[0]);
		goto out;
	}
	ui_fprintf(stdout, UI_NONE, "%s", d->name);
	if (d->version != NULL)
		ui_fprintf(stdout, UI_NONE, " %s", d->version);
	ui_fprintf(stdout, UI_NONE,
	    " (%s), timeout %d s\n", d->path, d->timeout);
	cmd_doc_text("  ", d->description);
	for (i = 0; i < d->nactions; i++)
		cmd_doc_action(&d->actions[i]);
	code = EXIT_ALL_OK;
out:
	ddl_registry_free(reg);
	return (code);
}

const struct cmd_entry cmd_doc_entry = {
	.name = "doc",
	.args = "AGENT",
	.summary = "describe an agent's actions, inputs and outputs",
	.exec = cmd_doc_exec,
	.complete = "agent",
};

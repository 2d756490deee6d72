/*
 * ddl.c: the descriptions of the agents (DDL), one JSON file per agent in
 * the shape Choria uses, and the check of an action's inputs against them.
 *
 * A file AGENT.json holds "metadata" (name, description, version, timeout)
 * and "actions", each with "input", "output", "display" and "aggregate".
 * The registry looks for AGENT.json in ~/.config/muster/ddl, then in each
 * directory of $MUSTER_DDL_PATH (colon-separated), then in the shipped
 * MUSTER_DDL_DIR, and last, when muster runs from its build tree, the
 * tree's ddl/; the first file found describes the agent whole (files
 * are never merged), so a user's file overrides the shipped one.
 *
 * Inputs are checked before any host is contacted: each KEY=VALUE is
 * coerced to its declared type, defaults fill what is not given, and
 * strings are held to maxlength, list membership and their validation: a
 * regular expression (PCRE2, with $ matching only at the very end, as in
 * the RE2 that Choria's DDLs are written for) or one of the named
 * validators shellsafe, ipv4address, ipv6address and ipaddress.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <pcre2.h>

#include "muster.h"

/* The largest DDL file read. */
#define DDL_FILE_MAX	(1024 * 1024)

static const char *const ddl_type_names[] = {
	"string", "integer", "float", "number", "boolean", "list", "hash",
	"array", "any"
};

static const char *const ddl_check_names[] = {
	"", "", "shellsafe", "ipv4address", "ipv6address", "ipaddress", ""
};

static int	ddl_check_list(const struct ddl_input *, const char *);

/* What a parse is reading, for messages. */
struct ddl_parse {
	const char	*path;
	char		**cause;
};

/* The name of a type. */
const char *
ddl_type_name(enum ddl_type t)
{
	return (ddl_type_names[t]);
}

/* Is s a name an agent or action may have: [a-z0-9_]+? */
int
ddl_valid_name(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9') &&
		    *s != '_')
			return (0);
	}
	return (1);
}

/* Is s an input name: a letter or _, then letters, digits, _? */
static int
ddl_valid_input_name(const char *s)
{
	if (!isalpha((u_char)*s) && *s != '_')
		return (0);
	for (s++; *s != '\0'; s++) {
		if (!isalnum((u_char)*s) && *s != '_')
			return (0);
	}
	return (1);
}

static int
ddl_bad(struct ddl_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fail the parse with "PATH: what". */
static int
ddl_bad(struct ddl_parse *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	xvasprintf(&what, fmt, ap);
	va_end(ap);
	xasprintf(p->cause, "%s: %s", p->path, what);
	free(what);
	return (-1);
}

/* An optional string member (null is absent); where names the object. */
static int
ddl_get_str(struct ddl_parse *p, json_t *o, const char *key,
    const char *where, int required, char **out)
{
	json_t	*v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return (ddl_bad(p, "%s: '%s' is missing", where, key));
		return (0);
	}
	if (!json_is_string(v))
		return (ddl_bad(p, "%s: '%s' must be a string", where, key));
	if (strlen(json_string_value(v)) != json_string_length(v))
		return (ddl_bad(p, "%s: '%s' holds a NUL byte", where, key));
	*out = xstrdup(json_string_value(v));
	return (0);
}

/* A type name; "any" only for outputs. */
static int
ddl_get_type(struct ddl_parse *p, json_t *o, const char *where, int output,
    enum ddl_type *t)
{
	char	*s;
	size_t	 i, n = output ? DDL_ANY + 1 : DDL_ANY;

	if (ddl_get_str(p, o, "type", where, !output, &s) != 0)
		return (-1);
	*t = DDL_ANY;
	if (s == NULL)
		return (0);
	for (i = 0; i < n; i++) {
		if (strcmp(s, ddl_type_names[i]) == 0) {
			*t = i;
			free(s);
			return (0);
		}
	}
	ddl_bad(p, "%s: unknown type '%s'", where, s);
	free(s);
	return (-1);
}

/* Can a JSON value stand for that type? */
static int
ddl_json_fits(enum ddl_type t, json_t *v)
{
	switch (t) {
	case DDL_STRING:
	case DDL_LIST:
		return (json_is_string(v));
	case DDL_INTEGER:
		return (json_is_integer(v));
	case DDL_FLOAT:
	case DDL_NUMBER:
		return (json_is_number(v));
	case DDL_BOOLEAN:
		return (json_is_boolean(v));
	case DDL_HASH:
		return (json_is_object(v));
	case DDL_ARRAY:
		return (json_is_array(v));
	case DDL_ANY:
		break;
	}
	return (1);
}

/*
 * The validation of a string input: a named validator, a bare word naming
 * a validator muster does not know (a warning; type and length still
 * apply), or a regular expression.
 */
static int
ddl_parse_validation(struct ddl_parse *p, struct ddl_input *in,
    const char *where)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	const char	*s = in->validation, *c;
	size_t		 i;
	int		 err;

	for (i = DDL_CHECK_SHELLSAFE; i <= DDL_CHECK_IPADDRESS; i++) {
		if (strcmp(s, ddl_check_names[i]) == 0) {
			in->check = i;
			return (0);
		}
	}
	for (c = s; *c != '\0'; c++) {
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= '0' && *c <= '9') &&
		    *c != '_')
			break;
	}
	if (*c == '\0' && *s >= 'a' && *s <= 'z') {
		in->check = DDL_CHECK_UNKNOWN;
		log_warnx("%s: %s: unknown validator '%s'; the input is checked"
		    " by type and length only", p->path, where, s);
		return (0);
	}
	in->re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED,
	    PCRE2_DOLLAR_ENDONLY, &err, &off, NULL);
	if (in->re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		return (ddl_bad(p, "%s: validation '%s' is not a regular"
		    " expression: %s at offset %zu", where, s, (char *)msg,
		    (size_t)off));
	}
	in->check = DDL_CHECK_REGEX;
	return (0);
}

/* One input of an action. */
static int
ddl_parse_input(struct ddl_parse *p, const char *action, const char *name,
    size_t idx, json_t *o, void *item)
{
	struct ddl_input	*in = item;
	json_t			*v, *e;
	char			*where;
	size_t			 i;
	int			 r = -1;

	(void)idx;
	xasprintf(&where, "action '%s' input '%s'", action, name);
	in->name = xstrdup(name);
	if (!ddl_valid_input_name(name)) {
		ddl_bad(p, "%s: not a valid input name", where);
		goto out;
	}
	if (!json_is_object(o)) {
		ddl_bad(p, "%s: must be an object", where);
		goto out;
	}
	if (ddl_get_type(p, o, where, 0, &in->type) != 0 ||
	    ddl_get_str(p, o, "prompt", where, 0, &in->prompt) != 0 ||
	    ddl_get_str(p, o, "description", where, 0,
	    &in->description) != 0 ||
	    ddl_get_str(p, o, "validation", where, 0, &in->validation) != 0)
		goto out;
	if ((v = json_object_get(o, "optional")) != NULL &&
	    !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			ddl_bad(p, "%s: 'optional' must be true or false",
			    where);
			goto out;
		}
		in->optional = json_is_true(v);
	}
	if ((v = json_object_get(o, "maxlength")) != NULL &&
	    !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			ddl_bad(p, "%s: 'maxlength' must be an integer of 0"
			    " or more", where);
			goto out;
		}
		in->maxlength = json_integer_value(v);
	}
	if ((v = json_object_get(o, "default")) != NULL &&
	    !json_is_null(v)) {
		if (!ddl_json_fits(in->type, v)) {
			ddl_bad(p, "%s: 'default' is not of type %s", where,
			    ddl_type_name(in->type));
			goto out;
		}
		in->deflt = json_incref(v);
	}
	if (in->type == DDL_LIST) {
		v = json_object_get(o, "list");
		if (!json_is_array(v) || json_array_size(v) == 0) {
			ddl_bad(p, "%s: type list needs 'list', an array of"
			    " the values allowed", where);
			goto out;
		}
		in->list = xcalloc(json_array_size(v), sizeof *in->list);
		json_array_foreach(v, i, e) {
			if (!json_is_string(e)) {
				ddl_bad(p, "%s: 'list' must hold strings",
				    where);
				goto out;
			}
			in->list[in->nlist++] = xstrdup(json_string_value(e));
		}
		if (in->deflt != NULL && ddl_check_list(in,
		    json_string_value(in->deflt)) != 0) {
			ddl_bad(p, "%s: 'default' is not in 'list'", where);
			goto out;
		}
	}
	if (in->validation != NULL && ddl_parse_validation(p, in, where) != 0)
		goto out;
	r = 0;
out:
	free(where);
	return (r);
}

/* One output of an action. */
static int
ddl_parse_output(struct ddl_parse *p, const char *action, const char *name,
    size_t idx, json_t *o, void *item)
{
	struct ddl_output	*out = item;
	json_t			*v;
	char			*where;
	int			 r = -1;

	(void)idx;
	xasprintf(&where, "action '%s' output '%s'", action, name);
	out->name = xstrdup(name);
	if (!json_is_object(o)) {
		ddl_bad(p, "%s: must be an object", where);
		goto out;
	}
	if (ddl_get_type(p, o, where, 1, &out->type) != 0 ||
	    ddl_get_str(p, o, "description", where, 0,
	    &out->description) != 0 ||
	    ddl_get_str(p, o, "display_as", where, 0, &out->display_as) != 0)
		goto out;
	if ((v = json_object_get(o, "default")) != NULL && !json_is_null(v))
		out->deflt = json_incref(v);
	r = 0;
out:
	free(where);
	return (r);
}

/* One aggregate: {"function": F, "args": [OUTPUT, {"format": FMT}]}. */
static int
ddl_parse_aggregate(struct ddl_parse *p, const char *action, const char *name,
    size_t idx, json_t *o, void *item)
{
	struct ddl_aggregate	*ag = item;
	json_t			*args, *v;
	char			*where;
	int			 r = -1;

	(void)name;
	xasprintf(&where, "action '%s' aggregate %zu", action, idx + 1);
	if (!json_is_object(o)) {
		ddl_bad(p, "%s: must be an object", where);
		goto out;
	}
	if (ddl_get_str(p, o, "function", where, 1, &ag->function) != 0)
		goto out;
	args = json_object_get(o, "args");
	if (!json_is_array(args) || !json_is_string(json_array_get(args, 0))) {
		ddl_bad(p, "%s: 'args' must be an array naming an output",
		    where);
		goto out;
	}
	ag->output = xstrdup(json_string_value(json_array_get(args, 0)));
	v = json_array_get(args, 1);
	/* boolean_summary names its true and false: {"true": "on", ...}. */
	if (json_is_object(v) && (ddl_get_str(p, v, "format", where, 0,
	    &ag->format) != 0 || ddl_get_str(p, v, "true", where, 0,
	    &ag->true_label) != 0 || ddl_get_str(p, v, "false", where, 0,
	    &ag->false_label) != 0))
		goto out;
	r = 0;
out:
	free(where);
	return (r);
}

/* How one element of an action's input, output or aggregate is read. */
typedef int (*ddl_item_fn)(struct ddl_parse *, const char *, const char *,
    size_t, json_t *, void *);

/*
 * An action's "input" or "output" (an object of named items) or
 * "aggregate" (an array): each element read by fn into the next of
 * *items, size bytes each, counted in *n. Absent or null is none.
 */
static int
ddl_parse_items(struct ddl_parse *p, json_t *o, const char *key, int array,
    const char *where, const char *action, size_t size, void **items,
    size_t *n, ddl_item_fn fn)
{
	json_t		*v = json_object_get(o, key), *e;
	const char	*name;
	size_t		 i;

	if (v == NULL || json_is_null(v))
		return (0);
	if (array ? !json_is_array(v) : !json_is_object(v))
		return (ddl_bad(p, "%s: '%s' must be an %s", where, key,
		    array ? "array" : "object"));
	*items = xcalloc((array ? json_array_size(v) : json_object_size(v)) +
	    1, size);
	if (array) {
		json_array_foreach(v, i, e) {
			if (fn(p, action, NULL, i, e,
			    (char *)*items + (*n)++ * size) != 0)
				return (-1);
		}
		return (0);
	}
	i = 0;
	json_object_foreach(v, name, e) {
		if (fn(p, action, name, i++, e,
		    (char *)*items + (*n)++ * size) != 0)
			return (-1);
	}
	return (0);
}

/* One action. */
static int
ddl_parse_action(struct ddl_parse *p, size_t idx, json_t *o,
    struct ddl_action *a)
{
	char		*where, *display = NULL;
	int		 r = -1;

	xasprintf(&where, "actions[%zu]", idx);
	if (!json_is_object(o)) {
		ddl_bad(p, "%s: must be an object", where);
		goto out;
	}
	if (ddl_get_str(p, o, "action", where, 1, &a->name) != 0)
		goto out;
	free(where);
	xasprintf(&where, "action '%s'", a->name);
	if (!ddl_valid_name(a->name)) {
		ddl_bad(p, "%s: not a valid action name", where);
		goto out;
	}
	if (ddl_get_str(p, o, "description", where, 0, &a->description) != 0 ||
	    ddl_get_str(p, o, "display", where, 0, &display) != 0)
		goto out;
	a->display = DISPLAY_FAILED;
	if (display == NULL || strcmp(display, "failed") == 0)
		a->display = DISPLAY_FAILED;
	else if (strcmp(display, "ok") == 0)
		a->display = DISPLAY_OK;
	else if (strcmp(display, "always") == 0)
		a->display = DISPLAY_ALL;
	else {
		ddl_bad(p, "%s: 'display' must be ok, failed or always, not"
		    " '%s'", where, display);
		goto out;
	}

	if (ddl_parse_items(p, o, "input", 0, where, a->name,
	    sizeof *a->inputs, (void **)&a->inputs, &a->ninputs,
	    ddl_parse_input) != 0 ||
	    ddl_parse_items(p, o, "output", 0, where, a->name,
	    sizeof *a->outputs, (void **)&a->outputs, &a->noutputs,
	    ddl_parse_output) != 0 ||
	    ddl_parse_items(p, o, "aggregate", 1, where, a->name,
	    sizeof *a->aggregates, (void **)&a->aggregates, &a->naggregates,
	    ddl_parse_aggregate) != 0)
		goto out;
	r = 0;
out:
	free(display);
	free(where);
	return (r);
}

/* Read a whole file of at most DDL_FILE_MAX bytes. */
static int
ddl_read(struct ddl_parse *p, char **buf, size_t *len)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd, r = -1;

	*buf = NULL;
	*len = 0;
	if ((fd = open(p->path, O_RDONLY|O_NONBLOCK|O_CLOEXEC)) == -1)
		return (ddl_bad(p, "%s", strerror(errno)));
	if (fstat(fd, &st) != 0) {
		ddl_bad(p, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ddl_bad(p, "not a regular file");
		goto out;
	}
	*buf = xmalloc(DDL_FILE_MAX + 1);
	for (;;) {
		n = read(fd, *buf + *len, DDL_FILE_MAX + 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ddl_bad(p, "%s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		*len += n;
		if (*len > DDL_FILE_MAX) {
			ddl_bad(p, "larger than %d KiB", DDL_FILE_MAX / 1024);
			goto out;
		}
	}
	r = 0;
out:
	if (r != 0) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return (r);
}

/* Load one DDL file; if agent is not NULL, the file must describe it. */
struct ddl *
ddl_load(const char *path, const char *agent, char **cause)
{
	struct ddl_parse p = { path, cause };
	struct ddl	*d;
	json_error_t	 jerr;
	json_t		*root = NULL, *meta, *actions, *v;
	char		*buf;
	size_t		 len, i, j;

	if (ddl_read(&p, &buf, &len) != 0)
		return (NULL);
	d = xcalloc(1, sizeof *d);
	d->path = xstrdup(path);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (root == NULL) {
		xasprintf(cause, "%s:%d:%d: %s", path, jerr.line, jerr.column,
		    jerr.text);
		goto fail;
	}
	if (!json_is_object(root)) {
		ddl_bad(&p, "not a JSON object");
		goto fail;
	}
	meta = json_object_get(root, "metadata");
	if (!json_is_object(meta)) {
		ddl_bad(&p, "'metadata' is missing or not an object");
		goto fail;
	}
	if (ddl_get_str(&p, meta, "name", "metadata", 1, &d->name) != 0 ||
	    ddl_get_str(&p, meta, "description", "metadata", 0,
	    &d->description) != 0 ||
	    ddl_get_str(&p, meta, "version", "metadata", 0, &d->version) != 0)
		goto fail;
	if (!ddl_valid_name(d->name)) {
		ddl_bad(&p, "metadata: '%s' is not a valid agent name",
		    d->name);
		goto fail;
	}
	if (agent != NULL && strcmp(d->name, agent) != 0) {
		ddl_bad(&p, "metadata: it describes '%s', not '%s'", d->name,
		    agent);
		goto fail;
	}
	v = json_object_get(meta, "timeout");
	if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
	    json_integer_value(v) > 86400) {
		ddl_bad(&p, "metadata: 'timeout' must be seconds, 1 to 86400");
		goto fail;
	}
	d->timeout = json_integer_value(v);

	actions = json_object_get(root, "actions");
	if (!json_is_array(actions)) {
		ddl_bad(&p, "'actions' is missing or not an array");
		goto fail;
	}
	d->actions = xcalloc(json_array_size(actions) + 1, sizeof *d->actions);
	json_array_foreach(actions, i, v) {
		if (ddl_parse_action(&p, i, v, &d->actions[d->nactions++]) != 0)
			goto fail;
		for (j = 0; j < i; j++) {
			if (strcmp(d->actions[j].name,
			    d->actions[i].name) == 0) {
				ddl_bad(&p, "action '%s' is declared twice",
				    d->actions[i].name);
				goto fail;
			}
		}
	}
	json_decref(root);
	return (d);
fail:
	json_decref(root);
	ddl_free(d);
	return (NULL);
}

/* Free a DDL. */
void
ddl_free(struct ddl *d)
{
	struct ddl_action	*a;
	struct ddl_input	*in;
	size_t			 i, j, k;

	if (d == NULL)
		return;
	for (i = 0; i < d->nactions; i++) {
		a = &d->actions[i];
		for (j = 0; j < a->ninputs; j++) {
			in = &a->inputs[j];
			free(in->name);
			free(in->prompt);
			free(in->description);
			free(in->validation);
			pcre2_code_free(in->re);
			json_decref(in->deflt);
			for (k = 0; k < in->nlist; k++)
				free(in->list[k]);
			free(in->list);
		}
		for (j = 0; j < a->noutputs; j++) {
			free(a->outputs[j].name);
			free(a->outputs[j].description);
			free(a->outputs[j].display_as);
			json_decref(a->outputs[j].deflt);
		}
		for (j = 0; j < a->naggregates; j++) {
			free(a->aggregates[j].function);
			free(a->aggregates[j].output);
			free(a->aggregates[j].format);
			free(a->aggregates[j].true_label);
			free(a->aggregates[j].false_label);
		}
		free(a->inputs);
		free(a->outputs);
		free(a->aggregates);
		free(a->name);
		free(a->description);
	}
	free(d->actions);
	free(d->name);
	free(d->description);
	free(d->version);
	free(d->path);
	free(d);
}

/* The action of that name, or NULL. */
const struct ddl_action *
ddl_action(const struct ddl *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->nactions; i++) {
		if (strcmp(d->actions[i].name, name) == 0)
			return (&d->actions[i]);
	}
	return (NULL);
}

/* 0 if v is one of a list input's values. */
static int
ddl_check_list(const struct ddl_input *in, const char *v)
{
	size_t	i;

	for (i = 0; i < in->nlist; i++) {
		if (strcmp(in->list[i], v) == 0)
			return (0);
	}
	return (-1);
}

/* Characters in a UTF-8 string (bytes that do not continue one). */
static size_t
ddl_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (((u_char)*s & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

/* Hold a string value to maxlength, list and validation. */
static int
ddl_check_string(const struct ddl_input *in, const char *v, char **cause)
{
	pcre2_match_data	*md;
	struct in_addr		 a4;
	struct in6_addr		 a6;
	PCRE2_UCHAR		 msg[256];
	const char		*bad;
	size_t			 i;
	int			 rc;

	if (in->maxlength > 0 && ddl_chars(v) > in->maxlength) {
		xasprintf(cause, "input '%s' is longer than %zu characters"
		    " (maxlength)", in->name, in->maxlength);
		return (-1);
	}
	if (in->type == DDL_LIST && ddl_check_list(in, v) != 0) {
		xasprintf(cause, "input '%s' must be one of", in->name);
		for (i = 0; i < in->nlist; i++) {
			bad = *cause;
			xasprintf(cause, "%s%s %s", bad, i == 0 ? "" : ",",
			    in->list[i]);
			free((char *)bad);
		}
		return (-1);
	}
	switch (in->check) {
	case DDL_CHECK_NONE:
	case DDL_CHECK_UNKNOWN:
		break;
	case DDL_CHECK_REGEX:
		md = pcre2_match_data_create_from_pattern(in->re, NULL);
		rc = pcre2_match(in->re, (PCRE2_SPTR)v, strlen(v), 0, 0, md,
		    NULL);
		pcre2_match_data_free(md);
		if (rc == PCRE2_ERROR_NOMATCH) {
			xasprintf(cause, "input '%s' does not match its"
			    " validation '%s'", in->name, in->validation);
			return (-1);
		}
		if (rc < 0) {
			pcre2_get_error_message(rc, msg, sizeof msg);
			xasprintf(cause, "input '%s' cannot be checked against"
			    " '%s': %s", in->name, in->validation,
			    (char *)msg);
			return (-1);
		}
		break;
	case DDL_CHECK_SHELLSAFE:
		if ((bad = strpbrk(v, "`$;|&<>")) != NULL) {
			xasprintf(cause, "input '%s' is not shellsafe: it"
			    " holds '%c'", in->name, *bad);
			return (-1);
		}
		break;
	case DDL_CHECK_IPV4ADDRESS:
		if (inet_pton(AF_INET, v, &a4) != 1) {
			xasprintf(cause, "input '%s' is not an IPv4 address"
			    " (ipv4address)", in->name);
			return (-1);
		}
		break;
	case DDL_CHECK_IPV6ADDRESS:
		if (inet_pton(AF_INET6, v, &a6) != 1) {
			xasprintf(cause, "input '%s' is not an IPv6 address"
			    " (ipv6address)", in->name);
			return (-1);
		}
		break;
	case DDL_CHECK_IPADDRESS:
		if (inet_pton(AF_INET, v, &a4) != 1 &&
		    inet_pton(AF_INET6, v, &a6) != 1) {
			xasprintf(cause, "input '%s' is not an IP address"
			    " (ipaddress)", in->name);
			return (-1);
		}
		break;
	}
	return (0);
}

/* Pack a JSON value. */
static void
ddl_put_json(struct wire_writer *w, json_t *v)
{
	const char	*key;
	json_t		*e;
	size_t		 i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		wire_put_map(w, json_object_size(v));
		json_object_foreach(v, key, e) {
			wire_put_str(w, key);
			ddl_put_json(w, e);
		}
		break;
	case JSON_ARRAY:
		wire_put_array(w, json_array_size(v));
		json_array_foreach(v, i, e)
			ddl_put_json(w, e);
		break;
	case JSON_STRING:
		wire_put_strn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		wire_put_int(w, json_integer_value(v));
		break;
	case JSON_REAL:
		wire_put_double(w, json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		wire_put_bool(w, json_is_true(v));
		break;
	case JSON_NULL:
		wire_put_nil(w);
		break;
	}
}

/* A decimal integer, all of v. */
static int
ddl_integer(const char *v, long long *n)
{
	char	*end;

	if (*v == '\0' || isspace((u_char)*v))
		return (-1);
	errno = 0;
	*n = strtoll(v, &end, 10);
	return (*end != '\0' || errno != 0 ? -1 : 0);
}

/* A finite decimal number, all of v. */
static int
ddl_float(const char *v, double *d)
{
	char	*end;

	if (*v == '\0' || isspace((u_char)*v))
		return (-1);
	errno = 0;
	*d = strtod(v, &end);
	return (*end != '\0' || errno != 0 || !isfinite(*d) ? -1 : 0);
}

/* Coerce one value to its input's type, check it and pack it as KEY: V. */
static int
ddl_put_value(struct wire_writer *w, const struct ddl_input *in,
    const char *v, char **cause)
{
	json_error_t	 jerr;
	json_t		*j;
	long long	 n;
	double		 d;

	switch (in->type) {
	case DDL_STRING:
	case DDL_LIST:
		if (ddl_check_string(in, v, cause) != 0)
			return (-1);
		wire_put_kstr(w, in->name, v);
		return (0);
	case DDL_INTEGER:
		if (ddl_integer(v, &n) != 0) {
			xasprintf(cause, "input '%s' must be an integer, not"
			    " '%s'", in->name, v);
			return (-1);
		}
		wire_put_kint(w, in->name, n);
		return (0);
	case DDL_NUMBER:
		if (ddl_integer(v, &n) == 0) {
			wire_put_kint(w, in->name, n);
			return (0);
		}
		/* FALLTHROUGH */
	case DDL_FLOAT:
		if (ddl_float(v, &d) != 0) {
			xasprintf(cause, "input '%s' must be a number, not"
			    " '%s'", in->name, v);
			return (-1);
		}
		wire_put_kdouble(w, in->name, d);
		return (0);
	case DDL_BOOLEAN:
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
		    strcmp(v, "1") == 0)
			wire_put_kbool(w, in->name, 1);
		else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
		    strcmp(v, "0") == 0)
			wire_put_kbool(w, in->name, 0);
		else {
			xasprintf(cause, "input '%s' must be true or false,"
			    " not '%s'", in->name, v);
			return (-1);
		}
		return (0);
	case DDL_HASH:
	case DDL_ARRAY:
		j = json_loads(v, 0, &jerr);
		if (j == NULL || (in->type == DDL_HASH && !json_is_object(j)) ||
		    (in->type == DDL_ARRAY && !json_is_array(j))) {
			xasprintf(cause, "input '%s' must be a JSON %s",
			    in->name, in->type == DDL_HASH ? "object" : "array");
			json_decref(j);
			return (-1);
		}
		wire_put_str(w, in->name);
		ddl_put_json(w, j);
		json_decref(j);
		return (0);
	case DDL_ANY:
		break;
	}
	return (-1);
}

/* Check KEY=VALUE arguments against an action and pack them as a map. */
int
ddl_args(const struct ddl *d, const struct ddl_action *a, int argc,
    char **argv, struct wire_writer *w, char **cause)
{
	const struct ddl_input	*in;
	const char		**given;
	char			*eq;
	size_t			 i, n = 0, klen;
	int			 k, r = -1;

	given = xcalloc(a->ninputs + 1, sizeof *given);
	for (k = 0; k < argc; k++) {
		if ((eq = strchr(argv[k], '=')) == NULL || eq == argv[k]) {
			xasprintf(cause, "argument '%s' is not KEY=VALUE",
			    argv[k]);
			goto out;
		}
		klen = eq - argv[k];
		for (i = 0; i < a->ninputs; i++) {
			if (strlen(a->inputs[i].name) == klen &&
			    strncmp(argv[k], a->inputs[i].name, klen) == 0)
				break;
		}
		if (i == a->ninputs) {
			xasprintf(cause, "%s.%s has no input '%.*s'", d->name,
			    a->name, (int)klen, argv[k]);
			goto out;
		}
		if (given[i] != NULL) {
			xasprintf(cause, "input '%s' given twice",
			    a->inputs[i].name);
			goto out;
		}
		given[i] = eq + 1;
	}
	for (i = 0; i < a->ninputs; i++) {
		in = &a->inputs[i];
		if (given[i] != NULL || in->deflt != NULL)
			n++;
		else if (!in->optional) {
			xasprintf(cause, "%s.%s needs input '%s'", d->name,
			    a->name, in->name);
			goto out;
		}
	}
	wire_put_map(w, n);
	for (i = 0; i < a->ninputs; i++) {
		in = &a->inputs[i];
		if (given[i] != NULL) {
			if (ddl_put_value(w, in, given[i], cause) != 0)
				goto out;
		} else if (in->deflt != NULL) {
			wire_put_str(w, in->name);
			ddl_put_json(w, in->deflt);
		}
	}
	r = 0;
out:
	free(given);
	return (r);
}

/* An empty registry: directories are added with ddl_registry_add(). */
struct ddl_registry *
ddl_registry_new(void)
{
	return (xcalloc(1, sizeof (struct ddl_registry)));
}

/* Search dir after the directories already added. */
void
ddl_registry_add(struct ddl_registry *reg, const char *dir)
{
	reg->dirs = xreallocarray(reg->dirs, reg->ndirs + 1,
	    sizeof *reg->dirs);
	reg->dirs[reg->ndirs++] = xstrdup(dir);
}

/* The registry on muster's search path (see the top of this file). */
struct ddl_registry *
ddl_registry_default(void)
{
	struct ddl_registry	*reg = ddl_registry_new();
	const char		*env = getenv("MUSTER_DDL_PATH");
	char			*dir, *copy, *s, *next, exe[PATH_MAX];
	struct stat		 sb;
	ssize_t			 n;

	dir = config_dir();
	xasprintf(&s, "%s/ddl", dir);
	ddl_registry_add(reg, s);
	free(s);
	free(dir);
	if (env != NULL) {
		copy = xstrdup(env);
		for (s = copy; s != NULL; s = next) {
			if ((next = strchr(s, ':')) != NULL)
				*next++ = '\0';
			if (*s != '\0')
				ddl_registry_add(reg, s);
		}
		free(copy);
	}
	ddl_registry_add(reg, MUSTER_DDL_DIR);
	/* Run from the build tree (build/muster): the tree's own ddl/. */
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		if ((s = strrchr(exe, '/')) != NULL) {
			*s = '\0';
			xasprintf(&s, "%s/../ddl", exe);
			if (stat(s, &sb) == 0 && S_ISDIR(sb.st_mode))
				ddl_registry_add(reg, s);
			free(s);
		}
	}
	return (reg);
}

/* Free a registry and every DDL it loaded. */
void
ddl_registry_free(struct ddl_registry *reg)
{
	size_t	i;

	if (reg == NULL)
		return;
	for (i = 0; i < reg->ndirs; i++)
		free(reg->dirs[i]);
	for (i = 0; i < reg->nddls; i++)
		ddl_free(reg->ddls[i]);
	free(reg->dirs);
	free(reg->ddls);
	free(reg);
}

/*
 * The DDL of an agent: 0 with *out, 1 if no directory has one, -1 with
 * *cause if the first file found cannot be read or is malformed.
 */
int
ddl_registry_find(struct ddl_registry *reg, const char *agent,
    const struct ddl **out, char **cause)
{
	struct ddl	*d;
	char		*path;
	size_t		 i;

	*out = NULL;
	for (i = 0; i < reg->nddls; i++) {
		if (strcmp(reg->ddls[i]->name, agent) == 0) {
			*out = reg->ddls[i];
			return (0);
		}
	}
	if (!ddl_valid_name(agent))
		return (1);
	for (i = 0; i < reg->ndirs; i++) {
		xasprintf(&path, "%s/%s.json", reg->dirs[i], agent);
		if (access(path, F_OK) != 0 && (errno == ENOENT ||
		    errno == ENOTDIR)) {
			free(path);
			continue;
		}
		d = ddl_load(path, agent, cause);
		free(path);
		if (d == NULL)
			return (-1);
		reg->ddls = xreallocarray(reg->ddls, reg->nddls + 1,
		    sizeof *reg->ddls);
		reg->ddls[reg->nddls++] = d;
		*out = d;
		return (0);
	}
	return (1);
}

static int
ddl_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The agents any directory describes, sorted; free each and the array. */
char **
ddl_registry_names(struct ddl_registry *reg, size_t *n)
{
	struct dirent	 *de;
	DIR		 *dp;
	char		**names = NULL, *name;
	size_t		  i, j, len;

	*n = 0;
	for (i = 0; i < reg->ndirs; i++) {
		if ((dp = opendir(reg->dirs[i])) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL) {
			len = strlen(de->d_name);
			if (len <= 5 || strcmp(de->d_name + len - 5,
			    ".json") != 0)
				continue;
			name = xstrdup(de->d_name);
			name[len - 5] = '\0';
			for (j = 0; j < *n; j++) {
				if (strcmp(names[j], name) == 0)
					break;
			}
			if (!ddl_valid_name(name) || j < *n) {
				free(name);
				continue;
			}
			names = xreallocarray(names, *n + 1, sizeof *names);
			names[(*n)++] = name;
		}
		closedir(dp);
	}
	if (*n > 0)
		qsort(names, *n, sizeof *names, ddl_name_cmp);
	return (names);
}

/*
 * agent-audit.c: one line per request served, to syslog (LOG_USER,
 * LOG_INFO) or appended to the audit_log file:
 *
 *   2024-05-01T12:00:00Z id=0af3... caller=ops@bastion reason="deploy"
 *   agent=shell action=run args={command:"uptime"} statuscode=0
 *
 * with " skipped=true" after the statuscode when the request's filter did
 * not match and nothing ran
 * (one line; syslog adds its own time). Values that are not plain words are
 * quoted with C escapes, so a line cannot be forged by a request; each
 * string of args is cut at 256 bytes and args as a whole at 4 KiB.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define AUDIT_STRING_MAX	256
#define AUDIT_ARGS_MAX		4096

struct audit_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

/* Append bytes. */
static void
audit_add(struct audit_buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->size) {
		b->size = (b->len + len + 1) * 2;
		b->s = xreallocarray(b->s, 1, b->size);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* Append formatted text. */
static void __attribute__((format(printf, 2, 3)))
audit_addf(struct audit_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	audit_add(b, s, n);
	free(s);
}

/* Is this a word that needs no quotes? */
static int
audit_plain(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@:/+",
		    s[i]) == NULL)
			return (0);
	}
	return (1);
}

/* A string, quoted and escaped unless plain, cut at max bytes. */
static void
audit_add_str(struct audit_buf *b, const char *s, size_t len, size_t max)
{
	unsigned char	c;
	size_t		i, n = len > max ? max : len;

	if (len <= max && audit_plain(s, len)) {
		audit_add(b, s, len);
		return;
	}
	audit_add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '"' || c == '\\')
			audit_addf(b, "\\%c", c);
		else if (c == '\n')
			audit_add(b, "\\n", 2);
		else if (c == '\t')
			audit_add(b, "\\t", 2);
		else if (c < 0x20 || c == 0x7f)
			audit_addf(b, "\\x%02x", c);
		else
			audit_add(b, (const char *)&s[i], 1);
	}
	if (n < len)
		audit_add(b, "...", 3);
	audit_add(b, "\"", 1);
}

/* One value of args, compact. */
static void
audit_add_object(struct audit_buf *b, const msgpack_object *o)
{
	const char	*s;
	size_t		 len, i;
	int64_t		 n;
	double		 d;

	if (b->len > AUDIT_ARGS_MAX)
		return;
	switch (wire_type(o)) {
	case WIRE_NIL:
		audit_add(b, "nil", 3);
		break;
	case WIRE_BOOL:
		audit_add(b, o->via.boolean ? "true" : "false",
		    o->via.boolean ? 4 : 5);
		break;
	case WIRE_INT:
		if (wire_int(o, &n) == 0)
			audit_addf(b, "%lld", (long long)n);
		else
			audit_addf(b, "%llu", (unsigned long long)o->via.u64);
		break;
	case WIRE_DOUBLE:
		wire_double(o, &d);
		audit_addf(b, "%g", d);
		break;
	case WIRE_STR:
		wire_str(o, &s, &len);
		audit_add_str(b, s, len, AUDIT_STRING_MAX);
		break;
	case WIRE_BIN:
		audit_addf(b, "<%zu bytes>", wire_len(o));
		break;
	case WIRE_ARRAY:
		audit_add(b, "[", 1);
		for (i = 0; i < wire_len(o); i++) {
			if (i != 0)
				audit_add(b, ",", 1);
			audit_add_object(b, wire_array_at(o, i));
		}
		audit_add(b, "]", 1);
		break;
	case WIRE_MAP:
		audit_add(b, "{", 1);
		for (i = 0; i < o->via.map.size; i++) {
			if (i != 0)
				audit_add(b, ",", 1);
			audit_add_object(b, &o->via.map.ptr[i].key);
			audit_add(b, ":", 1);
			audit_add_object(b, &o->via.map.ptr[i].val);
		}
		audit_add(b, "}", 1);
		break;
	default:
		audit_add(b, "<ext>", 5);
		break;
	}
}

/* A key=value field; value NULL is "-". */
static void
audit_add_field(struct audit_buf *b, const char *key, const char *value)
{
	audit_addf(b, "%s%s=", b->len != 0 ? " " : "", key);
	if (value == NULL)
		audit_add(b, "-", 1);
	else
		audit_add_str(b, value, strlen(value), AUDIT_STRING_MAX);
}

/* Write the line to the audit file. */
static void
audit_write_file(const char *path, const char *line)
{
	struct audit_buf	 b = { NULL, 0, 0 };
	struct tm		 tm;
	time_t			 t = time(NULL);
	char			 stamp[32];
	size_t			 off = 0;
	ssize_t			 n;
	int			 fd;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	audit_addf(&b, "%s %s\n", stamp, line);

	fd = open(path, O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC|O_NOFOLLOW, 0640);
	if (fd == -1) {
		log_warn("audit log %s", path);
		goto out;
	}
	while (off < b.len) {
		n = write(fd, b.s + off, b.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warn("audit log %s", path);
			break;
		}
		off += n;
	}
	close(fd);
out:
	free(b.s);
}

/* Log one served request. */
void
audit_log(const struct conf *conf, const struct proto_request *req,
    const char *verified, const char *decision, int statuscode, int skipped)
{
	static int		 opened;
	struct audit_buf	 b = { NULL, 0, 0 };
	const char		*caller;

	caller = verified != NULL ? verified : req->caller;
	audit_add_field(&b, "id", *req->id != '\0' ? req->id : NULL);
	audit_add_field(&b, "caller", caller);
	if (verified != NULL && req->caller != NULL &&
	    strcmp(verified, req->caller) != 0)
		audit_add_field(&b, "claimed", req->caller);
	audit_add_field(&b, "reason", req->reason);
	audit_add_field(&b, "agent", req->agent);
	audit_add_field(&b, "action", req->action);
	audit_add(&b, " args=", 6);
	if (req->args != NULL) {
		audit_add_object(&b, req->args);
		if (b.len > AUDIT_ARGS_MAX)
			audit_add(&b, "...", 3);
	} else
		audit_add(&b, "-", 1);
	if (decision != NULL)
		audit_add_field(&b, "policy", decision);
	audit_addf(&b, " statuscode=%d", statuscode);
	if (skipped)
		audit_addf(&b, " skipped=true");

	if (conf->audit_log != NULL)
		audit_write_file(conf->audit_log, b.s);
	else {
		if (!opened) {
			openlog("muster-agent", LOG_PID, LOG_USER);
			opened = 1;
		}
		syslog(LOG_USER|LOG_INFO, "%s", b.s);
	}
	free(b.s);
}

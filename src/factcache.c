/*
 * factcache.c: the client's fact cache, ~/.cache/muster/facts
 * ($XDG_CACHE_HOME/muster/facts).
 *
 * The file is a stream of msgpack objects, a record a host, each after
 * its length in bytes (a uint 32, so loading steps from record to record
 * without reading what is between):
 *
 *	LENGTH {"host": NAME, "time": SECONDS, "facts": {KEY: VALUE...},
 *	 "classes": [...], "agents": [...]}
 *
 * (A record without its length, as the first caches were written, is
 * read too.) A record's facts are read when a command needs them, and
 * checked then; one that is not sound is dropped with a warning.
 *
 * msgpack, not JSON, so a cache of 10,000 hosts loads in milliseconds.
 * Loading never fails: a missing file is an empty cache, a file too large
 * or with one bad record is ignored whole with one warning. Saving takes
 * an flock on FILE.lock, reads the file again, keeps the newer record of
 * each host, and writes a temporary file in the same directory that is
 * renamed over the old one, so concurrent runs lose nothing but the older
 * of two records and a reader never sees half a file.
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "muster.h"

/* Past this the file is refused, and saving drops the oldest records. */
#define FACTCACHE_MAX	(256 * 1024 * 1024)

/*
 * A record read from the file stays its bytes until a command asks for
 * it (factcache_get builds its fact set then), and is written back as
 * those bytes: loading 10,000 hosts decodes each record once, building
 * no fact set, and saving re-encodes only the records put.
 */
struct factcache_record {
	char		*host;
	time_t		 time;
	const char	*raw;		/* in the cache's mapping, or NULL */
	size_t		 rawlen;
	int		 checked;	/* raw is known to be whole msgpack */
	struct factset	*fs;		/* the facts built, or NULL */
	int		 dirty;		/* put since loading */
};

struct factcache {
	char			*path;
	char			*buf;	/* the file, mapped */
	size_t			 buflen;
	struct factcache_record	*r;
	size_t			 n;
	size_t			 a;
	struct nameset		 names;	/* host -> index in r */
};

/* The cache file's path. */
char *
factcache_path(void)
{
	const char	*xdg = getenv("XDG_CACHE_HOME");
	const char	*home = getenv("HOME");
	char		*path;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&path, "%s/muster/facts", xdg);
	else
		xasprintf(&path, "%s/.cache/muster/facts",
		    home != NULL ? home : "");
	return (path);
}

static struct factcache *
factcache_new(const char *path)
{
	struct factcache	*fc;

	fc = xcalloc(1, sizeof *fc);
	fc->path = xstrdup(path);
	nameset_init(&fc->names);
	return (fc);
}

/* Free a record's built facts. */
static void
factcache_unbuild(struct factcache_record *rec)
{
	if (rec->fs != NULL) {
		factset_release(rec->fs);
		free(rec->fs);
		rec->fs = NULL;
	}
}

/* A record's facts, empty, to build. */
static struct factset *
factcache_build_new(struct factcache_record *rec)
{
	factcache_unbuild(rec);
	rec->fs = xmalloc(sizeof *rec->fs);
	factset_init(rec->fs);
	return (rec->fs);
}

/* Drop every record, keep the path. */
static void
factcache_clear(struct factcache *fc)
{
	size_t	i;

	for (i = 0; i < fc->n; i++) {
		free(fc->r[i].host);
		factcache_unbuild(&fc->r[i]);
	}
	free(fc->r);
	fc->r = NULL;
	fc->n = fc->a = 0;
	nameset_release(&fc->names);
	if (fc->buf != NULL)
		munmap(fc->buf, fc->buflen);
	fc->buf = NULL;
	fc->buflen = 0;
}

void
factcache_free(struct factcache *fc)
{
	if (fc == NULL)
		return;
	factcache_clear(fc);
	free(fc->path);
	free(fc);
}

/* Make room for n records in all (a hint). */
static void
factcache_reserve(struct factcache *fc, size_t n)
{
	if (n > fc->a) {
		fc->a = n;
		fc->r = xreallocarray(fc->r, fc->a, sizeof *fc->r);
	}
	nameset_reserve(&fc->names, n);
}

/* The record of host, a new empty one if there is none. */
static struct factcache_record *
factcache_slot(struct factcache *fc, const char *host, int *isnew)
{
	struct factcache_record	*rec;
	size_t			 i;

	if (nameset_find(&fc->names, host, &i)) {
		*isnew = 0;
		return (&fc->r[i]);
	}
	if (fc->n == fc->a) {
		fc->a = fc->a == 0 ? 64 : fc->a * 2;
		fc->r = xreallocarray(fc->r, fc->a, sizeof *fc->r);
	}
	rec = &fc->r[fc->n];
	rec->host = xstrdup(host);
	rec->time = 0;
	rec->raw = NULL;
	rec->rawlen = 0;
	rec->checked = 0;
	rec->dirty = 0;
	rec->fs = NULL;
	nameset_add(&fc->names, rec->host, fc->n);
	fc->n++;
	*isnew = 1;
	return (rec);
}

/* Index a record's bytes under its host, unless one newer is there. */
static void
factcache_index(struct factcache *fc, const char *host, size_t hostlen,
    int64_t t, const char *raw, size_t rawlen, int checked)
{
	struct factcache_record	*rec;
	char			 name[256];
	int			 isnew;

	memcpy(name, host, hostlen);
	name[hostlen] = '\0';
	rec = factcache_slot(fc, name, &isnew);
	if (!isnew && rec->time > (time_t)t)
		return;
	rec->raw = raw;
	rec->rawlen = rawlen;
	rec->checked = checked;
	rec->time = (time_t)t;
}

/*
 * Index one record from its decoded map (raw: its bytes); -1 with *cause
 * (static) when it is not of the record's shape.
 */
static int
factcache_record(struct factcache *fc, const msgpack_object *o,
    const char *raw, size_t rawlen, const char **cause)
{
	const msgpack_object	*v;
	const char		*s;
	size_t			 len;
	int64_t			 t;

	if (wire_type(o) != WIRE_MAP) {
		*cause = "a record is not a map";
		return (-1);
	}
	if ((v = wire_map_get(o, "host")) == NULL ||
	    wire_str(v, &s, &len) != 0 || len == 0 || len > 255 ||
	    memchr(s, '\0', len) != NULL) {
		*cause = "a record without a host name";
		return (-1);
	}
	if (wire_get_int(o, "time", &t) != 0) {
		*cause = "a record without a time";
		return (-1);
	}
	if (((v = wire_map_get(o, "facts")) != NULL &&
	    wire_type(v) != WIRE_MAP) ||
	    ((v = wire_map_get(o, "classes")) != NULL &&
	    wire_type(v) != WIRE_ARRAY) ||
	    ((v = wire_map_get(o, "agents")) != NULL &&
	    wire_type(v) != WIRE_ARRAY)) {
		*cause = "a record of the wrong shape";
		return (-1);
	}
	factcache_index(fc, s, len, t, raw, rawlen, 1);
	return (0);
}

/*
 * Read a record's bytes into fs (empty, initialised), only what want
 * names (NULL: all); -1 with *cause (static).
 */
static int
factcache_decode(const struct factcache_record *rec,
    const struct factset_want *want, struct factset *fs, const char **cause)
{
	if (factset_from_record(fs, rec->raw, rec->rawlen, want, cause) != 0)
		return (-1);
	fs->complete = 1;
	return (0);
}

/* Build a record's whole fact set from its bytes; -1 with *cause. */
static int
factcache_build(struct factcache_record *rec, const char **cause)
{
	struct factset	*fs;

	if (rec->fs != NULL)
		return (0);
	fs = factcache_build_new(rec);
	if (factcache_decode(rec, NULL, fs, cause) != 0) {
		factcache_unbuild(rec);
		return (-1);
	}
	return (0);
}

/* Big-endian unsigned integer of n bytes. */
static uint64_t
factcache_be(const unsigned char *p, size_t n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = (v << 8) | *p++;
	return (v);
}

/*
 * The fast way to index a record (bytes already checked whole by
 * wire_scan): the header factcache_write() puts first, a map of 5 with
 * "host" and "time" leading. 0 if the record does not start so (then it
 * is decoded whole), 1 with the host (not terminated) and time.
 */
static int
factcache_header(const unsigned char *p, size_t len, const char **host,
    size_t *hostlen, int64_t *t)
{
	const unsigned char	*end = p + len;
	size_t			 n, ilen;

	if (len < 16 || p[0] != 0x85 || memcmp(p + 1, "\xa4host", 5) != 0)
		return (0);
	p += 6;
	if (*p >= 0xa0 && *p <= 0xbf) {
		n = *p & 0x1f;
		p++;
	} else if (*p == 0xd9 && p + 1 < end) {
		n = p[1];
		p += 2;
	} else
		return (0);
	if (n == 0 || p + n + 6 > end || memchr(p, '\0', n) != NULL)
		return (0);
	*host = (const char *)p;
	*hostlen = n;
	p += n;
	if (memcmp(p, "\xa4time", 5) != 0)
		return (0);
	p += 5;
	switch (*p) {
	case 0xcc: case 0xd0: ilen = 1; break;
	case 0xcd: case 0xd1: ilen = 2; break;
	case 0xce: case 0xd2: ilen = 4; break;
	case 0xcf: case 0xd3: ilen = 8; break;
	default:
		if (*p > 0x7f)
			return (0);
		*t = *p;
		return (1);
	}
	if (p + 1 + ilen > end || *p >= 0xd0)	/* negative: not a time */
		return (0);
	*t = (int64_t)factcache_be(p + 1, ilen);
	return (*t >= 0);
}

/*
 * Read path into fc. 0 on success (a missing file is empty); -1 with
 * *cause allocated when the file cannot be used (fc then empty).
 */
static int
factcache_read(struct factcache *fc, const char *path, char **cause)
{
	struct stat	 sb;
	struct wire_msg	 msg;
	const char	*why = NULL, *host, *rec;
	char		*buf = NULL;
	size_t		 off, used, hostlen, left, reclen, prefix;
	int64_t		 t;
	int		 fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "%s", strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "not a regular file");
		close(fd);
		return (-1);
	}
	if (sb.st_size > FACTCACHE_MAX) {
		xasprintf(cause, "larger than %d MiB", FACTCACHE_MAX >> 20);
		close(fd);
		return (-1);
	}
	/*
	 * Mapped, not read: 12 MB of a 10,000-host cache costs no copy and
	 * no fresh pages, and a record is decoded from the mapping only
	 * when a command needs it. Writers replace the file by rename, so
	 * the mapped one never changes under us.
	 */
	if (sb.st_size == 0) {
		close(fd);
		return (0);
	}
	buf = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED) {
		xasprintf(cause, "%s", strerror(errno));
		return (-1);
	}
	/* Room for as many records as a host's facts take some KiB. */
	factcache_reserve(fc, (size_t)sb.st_size / 1024);

	for (off = 0; off < (size_t)sb.st_size; off += used) {
		left = (size_t)sb.st_size - off;
		rec = buf + off;
		reclen = left;
		prefix = 0;
		if ((unsigned char)*rec == 0xce) {
			/* Its length first: found without a scan. */
			if (left < 5 || (reclen = factcache_be((unsigned char *)
			    rec + 1, 4)) > left - 5) {
				why = "truncated";
				rc = -1;
				goto bad;
			}
			rec += 5;
			prefix = 5;
			if (factcache_header((unsigned char *)rec, reclen,
			    &host, &hostlen, &t) == 1) {
				factcache_index(fc, host, hostlen, t, rec,
				    reclen, 0);
				used = prefix + reclen;
				continue;
			}
		} else if (wire_scan(rec, left, &used, &why) == 1 &&
		    factcache_header((unsigned char *)rec, used, &host,
		    &hostlen, &t) == 1) {
			factcache_index(fc, host, hostlen, t, rec, used, 1);
			continue;
		}
		memset(&msg, 0, sizeof msg);
		rc = wire_decode(rec, reclen, &msg, &used, &why);
		if (rc == 0)
			why = "truncated";
		if (rc == 1 && prefix != 0 && used != reclen) {
			why = "a record shorter than its length";
			rc = -1;
		}
		if (rc == 1 && factcache_record(fc, msg.root, rec, used,
		    &why) == 0)
			rc = 2;
		wire_msg_release(&msg);
		used += prefix;
bad:
		if (rc != 2) {
			xasprintf(cause, "%s at byte %zu", why, off);
			factcache_clear(fc);
			munmap(buf, (size_t)sb.st_size);
			return (-1);
		}
	}
	fc->buf = buf;
	fc->buflen = (size_t)sb.st_size;
	return (0);
}

struct factcache *
factcache_load(void)
{
	struct factcache	*fc;
	char			*path, *cause = NULL;

	path = factcache_path();
	fc = factcache_new(path);
	if (factcache_read(fc, path, &cause) != 0) {
		log_warnx("fact cache %s is unreadable (%s); ignored", path,
		    cause);
		free(cause);
	}
	free(path);
	return (fc);
}

/* A host's record with something in it (facts or bytes), or NULL. */
static struct factcache_record *
factcache_find(struct factcache *fc, const char *host)
{
	struct factcache_record	*rec;
	size_t			 i;

	if (fc == NULL || !nameset_find(&fc->names, host, &i))
		return (NULL);
	rec = &fc->r[i];
	if (rec->fs == NULL && rec->raw == NULL)
		return (NULL);
	return (rec);
}

/* A record that cannot be read: said once, and forgotten. */
static void
factcache_drop(struct factcache *fc, struct factcache_record *rec,
    const char *cause)
{
	log_warnx("fact cache %s is unreadable (%s in the record of %s);"
	    " ignored", fc->path, cause, rec->host);
	rec->raw = NULL;
}

/*
 * The cache is const to its users; building a record's facts on first
 * use is its own business. A record that cannot be built is dropped with
 * the load's warning.
 */
const struct factset *
factcache_get(const struct factcache *cfc, const char *host, time_t *t)
{
	struct factcache	*fc = (struct factcache *)cfc;
	struct factcache_record	*rec;
	const char		*cause = NULL;

	if ((rec = factcache_find(fc, host)) == NULL)
		return (NULL);
	if (factcache_build(rec, &cause) != 0) {
		factcache_drop(fc, rec, cause);
		return (NULL);
	}
	if (t != NULL)
		*t = rec->time;
	return (rec->fs);
}

/*
 * A host's record as far as want needs it, built in scratch (reset here)
 * and valid until the next call with it: choosing among thousands of
 * hosts builds a few facts of each, one at a time, and keeps none.
 */
const struct factset *
factcache_view(const struct factcache *cfc, const char *host,
    const struct factset_want *want, struct factset *scratch, time_t *t)
{
	struct factcache	*fc = (struct factcache *)cfc;
	struct factcache_record	*rec;
	const char		*cause = NULL;

	if (t != NULL)
		*t = 0;
	if ((rec = factcache_find(fc, host)) == NULL)
		return (NULL);
	if (rec->fs == NULL) {
		factset_reset(scratch);
		if (factcache_decode(rec, want, scratch, &cause) != 0) {
			factcache_drop(fc, rec, cause);
			factset_reset(scratch);
			return (NULL);
		}
	}
	if (t != NULL)
		*t = rec->time;
	return (rec->fs != NULL ? rec->fs : scratch);
}

void
factcache_put(struct factcache *fc, const char *host,
    const struct factset *fs, time_t t)
{
	struct factcache_record	*rec;
	int			 isnew;

	rec = factcache_slot(fc, host, &isnew);
	factset_merge(factcache_build_new(rec), fs);
	factset_sort(rec->fs);
	rec->fs->complete = 1;
	rec->raw = NULL;
	rec->time = t;
	rec->dirty = 1;
}

/* Newest first, so saving past the bound drops the oldest. */
static int
factcache_time_cmp(const void *a, const void *b)
{
	const struct factcache_record	*ra = *(struct factcache_record *const *)a;
	const struct factcache_record	*rb = *(struct factcache_record *const *)b;

	if (ra->time != rb->time)
		return (ra->time > rb->time ? -1 : 1);
	return (strcmp(ra->host, rb->host));
}

/* Write every record of fc to fd, newest first, within the bound. */
static int
factcache_write(struct factcache *fc, int fd, char **cause)
{
	struct factcache_record	**order;
	struct wire_writer	  w, one;
	const char		 *data;
	unsigned char		  prefix[5];
	size_t			  i, len, total = 0, off, used;
	ssize_t			  n;
	int			  rc = 0;

	order = xreallocarray(NULL, fc->n == 0 ? 1 : fc->n, sizeof *order);
	for (i = 0; i < fc->n; i++)
		order[i] = &fc->r[i];
	qsort(order, fc->n, sizeof *order, factcache_time_cmp);
	wire_writer_init(&w);
	wire_writer_init(&one);
	for (i = 0; i < fc->n; i++) {
		if (order[i]->raw == NULL && order[i]->fs == NULL)
			continue;	/* dropped */
		if (order[i]->raw != NULL) {
			/* As read: its bytes again, once known sound. */
			data = order[i]->raw;
			len = order[i]->rawlen;
			if (!order[i]->checked && (wire_scan(data, len, &used,
			    NULL) != 1 || used != len)) {
				log_warnx("fact cache %s: the record of %s is"
				    " not sound; dropped", fc->path,
				    order[i]->host);
				continue;
			}
		} else {
			wire_writer_reset(&one);
			wire_put_map(&one, 5);
			wire_put_kstr(&one, "host", order[i]->host);
			wire_put_kint(&one, "time", (int64_t)order[i]->time);
			wire_put_str(&one, "facts");
			factset_put_facts(&one, order[i]->fs);
			wire_put_str(&one, "classes");
			factset_put_classes(&one, order[i]->fs);
			wire_put_str(&one, "agents");
			factset_put_agents(&one, order[i]->fs);
			data = wire_writer_data(&one, &len);
		}
		if (total + 5 + len > FACTCACHE_MAX) {
			log_warnx("fact cache %s: %zu oldest records dropped"
			    " to stay within %d MiB", fc->path, fc->n - i,
			    FACTCACHE_MAX >> 20);
			break;
		}
		prefix[0] = 0xce;
		prefix[1] = (unsigned char)(len >> 24);
		prefix[2] = (unsigned char)(len >> 16);
		prefix[3] = (unsigned char)(len >> 8);
		prefix[4] = (unsigned char)len;
		wire_put_raw(&w, prefix, sizeof prefix);
		wire_put_raw(&w, data, len);
		total += sizeof prefix + len;
	}
	data = wire_writer_data(&w, &len);
	for (off = 0; off < len; off += (size_t)n) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			xasprintf(cause, "%s", strerror(errno));
			rc = -1;
			break;
		}
	}
	wire_writer_release(&one);
	wire_writer_release(&w);
	free(order);
	return (rc);
}

/* Create the directories of path (0700), as mkdir -p. */
static int
factcache_mkdirs(const char *path, char **cause)
{
	char	*dir, *p;
	int	 rc = 0;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) != NULL && p != dir) {
		*p = '\0';
		if ((rc = config_mkdirs(dir)) != 0)
			xasprintf(cause, "cannot create %s: %s", dir,
			    strerror(errno));
	}
	free(dir);
	return (rc);
}

int
factcache_save(struct factcache *fc, char **cause)
{
	struct factcache	*disk;
	struct factcache_record	*rec, *mine;
	char			*lock = NULL, *tmp = NULL, *why = NULL;
	size_t			 i, ndirty = 0;
	int			 lockfd = -1, fd = -1, rc = -1, isnew;

	for (i = 0; i < fc->n; i++)
		ndirty += fc->r[i].dirty;
	if (ndirty == 0)
		return (0);
	if (factcache_mkdirs(fc->path, cause) != 0)
		return (-1);
	xasprintf(&lock, "%s.lock", fc->path);
	lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd == -1) {
		xasprintf(cause, "cannot open %s: %s", lock, strerror(errno));
		goto out;
	}
	while (flock(lockfd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			xasprintf(cause, "cannot lock %s: %s", lock,
			    strerror(errno));
			goto out;
		}
	}

	/* What is on disk now, with ours merged in: the newer record wins. */
	disk = factcache_new(fc->path);
	if (factcache_read(disk, fc->path, &why) != 0) {
		log_warnx("fact cache %s is unreadable (%s); replaced",
		    fc->path, why);
		free(why);
	}
	for (i = 0; i < fc->n; i++) {
		mine = &fc->r[i];
		if (!mine->dirty)
			continue;
		rec = factcache_slot(disk, mine->host, &isnew);
		if (!isnew && rec->time > mine->time)
			continue;
		factset_merge(factcache_build_new(rec), mine->fs);
		factset_sort(rec->fs);
		rec->fs->complete = 1;
		rec->raw = NULL;
		rec->time = mine->time;
	}

	xasprintf(&tmp, "%s.XXXXXX", fc->path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		factcache_free(disk);
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || factcache_write(disk, fd, &why) != 0 ||
	    close(fd) != 0) {
		if (why == NULL)
			xasprintf(&why, "%s", strerror(errno));
		xasprintf(cause, "cannot write %s: %s", tmp, why);
		free(why);
		unlink(tmp);
		factcache_free(disk);
		goto out;
	}
	if (rename(tmp, fc->path) != 0) {
		xasprintf(cause, "cannot rename %s to %s: %s", tmp, fc->path,
		    strerror(errno));
		unlink(tmp);
		factcache_free(disk);
		goto out;
	}
	factcache_free(disk);
	for (i = 0; i < fc->n; i++)
		fc->r[i].dirty = 0;
	rc = 0;
out:
	if (lockfd != -1)
		close(lockfd);	/* releases the lock */
	free(lock);
	free(tmp);
	return (rc);
}

/*
 * The facts a host's reply carries: the reply's own "facts" map, or the
 * data of rpcutil inventory. Kept in *fcp, loaded on first use.
 */
void
factcache_note(struct factcache **fcp, const struct host *h,
    const struct action_spec *spec)
{
	const struct result	*res = &h->result;
	const msgpack_object	*o = NULL;
	struct factset		 fs;
	const char		*cause;

	/* A reply's facts hold whatever the action did (skipped too). */
	if (!res->have_reply || res->foreign_sender)
		return;
	if (res->reply.facts != NULL)
		o = res->reply.facts;
	else if (res->status == RESULT_OK && spec != NULL &&
	    strcmp(spec->agent, "rpcutil") == 0 &&
	    strcmp(spec->action, "inventory") == 0)
		o = res->reply.data;
	if (o == NULL || wire_type(o) != WIRE_MAP ||
	    wire_get_map(o, "facts") == NULL)
		return;
	factset_init(&fs);
	if (factset_from_wire(&fs, wire_get_map(o, "facts"),
	    wire_get_array(o, "classes"), wire_get_array(o, "agents"),
	    &cause) != 0) {
		log_debug("%s: facts not cached: %s", h->name, cause);
		factset_release(&fs);
		return;
	}
	if (*fcp == NULL)
		*fcp = factcache_load();
	factcache_put(*fcp, h->name, &fs, time(NULL));
	factset_release(&fs);
}

/* Save what factcache_note() kept, a warning if it cannot; free. */
void
factcache_note_save(struct factcache *fc)
{
	char	*cause = NULL;

	if (fc == NULL)
		return;
	if (factcache_save(fc, &cause) != 0) {
		log_warnx("fact cache not saved: %s", cause);
		free(cause);
	}
	factcache_free(fc);
}

/*
 * The inventory whose static facts fill in the cache's: the one the
 * selection read, else the one it would read (-i, $MUSTER_INVENTORY, the
 * config file's, ~/.config/muster/inventory, /etc/muster/inventory).
 * NULL when there is none or it cannot be read (the selection reports
 * that when it needs it).
 */
struct inventory *
factcache_inventory(struct cmd_ctx *ctx)
{
	struct inventory	*inv;
	const char		*env = getenv("MUSTER_INVENTORY");
	char			*path = NULL, *dir, *cause = NULL;

	if (ctx->sel.inventory_used != NULL)
		path = xstrdup(ctx->sel.inventory_used);
	else if (ctx->sel.inventory != NULL)
		path = xstrdup(ctx->sel.inventory);
	else if (env != NULL && *env != '\0')
		path = xstrdup(env);
	else if (ctx->config.inventory != NULL)
		path = xstrdup(ctx->config.inventory);
	else {
		dir = config_dir();
		xasprintf(&path, "%s/inventory", dir);
		free(dir);
		if (access(path, R_OK) != 0) {
			free(path);
			path = NULL;
			if (access("/etc/muster/inventory", R_OK) == 0)
				path = xstrdup("/etc/muster/inventory");
		}
	}
	if (path == NULL)
		return (NULL);
	if ((inv = inventory_load(path, &cause)) == NULL) {
		log_debug("no static facts: %s", cause);
		free(cause);
	}
	free(path);
	return (inv);
}

/*
 * What is known of a host, into fs (initialised here): the inventory's
 * static facts, then the cached record (what want names) over them (the host's own facts
 * win, static ones fill in). A host in several groups has group set to
 * them joined with ','. Returns 1 with the record's time in *t (0
 * without one) if anything is known, else 0.
 */
int
factcache_host_facts(const struct factcache *fc, const struct inventory *inv,
    const char *host, const struct factset_want *want, struct factset *fs,
    time_t *t)
{
	const struct inventory_host	*ih = NULL;
	const struct factset		*cached;
	struct factset			 scratch;
	struct strbuf			 groups = STRBUF_INIT;
	size_t				 i;
	int				 known = 0;

	factset_init(fs);
	*t = 0;
	if (inv != NULL && (ih = inventory_find(inv, host)) != NULL) {
		known = 1;
		for (i = 0; i < ih->nfacts; i++) {
			if (strcmp(ih->facts[i].key, "group") != 0) {
				factset_set(fs, ih->facts[i].key,
				    ih->facts[i].value);
				continue;
			}
			if (groups.len > 0)
				strbuf_addch(&groups, ',');
			strbuf_addstr(&groups, ih->facts[i].value);
		}
		if (groups.len > 0)
			factset_set(fs, "group", groups.buf);
	}
	strbuf_release(&groups);
	factset_init(&scratch);
	if ((cached = factcache_view(fc, host, want, &scratch, t)) != NULL) {
		known = 1;
		factset_merge(fs, cached);
		fs->complete = 1;
	}
	factset_release(&scratch);
	factset_sort(fs);
	return (known);
}

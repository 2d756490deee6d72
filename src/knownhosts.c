/*
 * knownhosts.c: host key verification against known_hosts files.
 *
 * Each file is read once per run into a libssh2 collection, line by line,
 * so that one line libssh2 cannot parse (a @cert-authority marker, a key
 * type it does not know) is skipped rather than losing the rest of the
 * file, as libssh2_knownhost_readfile() would. The collections belong to
 * a session that never connects; libssh2 uses it only for allocation.
 *
 * Failing closed: the files are read before the fan-out starts
 * (knownhosts_load), while descriptors are plentiful. A file that is
 * missing counts as empty; a file that exists but cannot be read (EACCES,
 * EISDIR, EMFILE...) is remembered as unreadable, read again at each use,
 * and fails every host that depends on it while it stays unreadable: an
 * unreadable file could hold the key that proves a host changed, so it is
 * never taken as empty.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "muster.h"

struct knownhosts_file {
	char			*path;
	LIBSSH2_KNOWNHOSTS	*kh;
	int			 error;	/* errno of the last read, or 0 */
};

struct knownhosts {
	LIBSSH2_SESSION		*session;
	struct knownhosts_file	*files;
	size_t			 nfiles;
};

/* Host key types: libssh2's session type, knownhost bits, method name. */
static const struct {
	int		 type;
	int		 bits;
	const char	*method;
	const char	*name;
} knownhosts_types[] = {
	{ LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519,
	  "ssh-ed25519", "ED25519" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256,
	  "ecdsa-sha2-nistp256", "ECDSA" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384,
	  "ecdsa-sha2-nistp384", "ECDSA" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521,
	  "ecdsa-sha2-nistp521", "ECDSA" },
	{ LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA,
	  "ssh-rsa", "RSA" },
	{ LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS,
	  "ssh-dss", "DSA" },
};
#define KNOWNHOSTS_NTYPES \
	(sizeof knownhosts_types / sizeof knownhosts_types[0])

/* File i of the host's list: UserKnownHostsFile, then GlobalKnownHostsFile. */
static const char *
knownhosts_path(const struct sshconf_host *conf, size_t i)
{
	if (i < conf->nknown_hosts_files)
		return (conf->known_hosts_files[i]);
	i -= conf->nknown_hosts_files;
	if (i < conf->nglobal_known_hosts_files)
		return (conf->global_known_hosts_files[i]);
	return (NULL);
}

/* A new, empty cache of known_hosts files. */
struct knownhosts *
knownhosts_new(void)
{
	struct knownhosts	*k;

	k = xcalloc(1, sizeof *k);
	if ((k->session = libssh2_session_init()) == NULL)
		fatalx("libssh2_session_init failed");
	return (k);
}

/* Free the cache (NULL is fine). */
void
knownhosts_free(struct knownhosts *k)
{
	size_t	i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nfiles; i++) {
		libssh2_knownhost_free(k->files[i].kh);
		free(k->files[i].path);
	}
	free(k->files);
	libssh2_session_free(k->session);
	free(k);
}

/* (Re)read a file into a fresh collection; f->error says how it went. */
static void
knownhosts_read(struct knownhosts *k, struct knownhosts_file *f)
{
	FILE	*fp;
	char	*line = NULL;
	size_t	 size = 0, bad = 0;
	ssize_t	 n;

	if (f->kh != NULL)
		libssh2_knownhost_free(f->kh);
	if ((f->kh = libssh2_knownhost_init(k->session)) == NULL)
		fatalx("libssh2_knownhost_init failed");
	f->error = 0;
	if ((fp = fopen(f->path, "re")) == NULL) {
		if (errno == ENOENT) {
			log_debug("%s: %s: not found", __func__, f->path);
			return;
		}
		f->error = errno;
		log_debug("%s: %s: %s", __func__, f->path, strerror(errno));
		return;
	}
	errno = 0;
	while ((n = getline(&line, &size, fp)) != -1) {
		if (n == 0 || line[0] == '#' || line[0] == '\n')
			continue;
		if (libssh2_knownhost_readline(f->kh, line, n,
		    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
			bad++;
	}
	/* A directory opens, then fails to read (EISDIR). */
	if (ferror(fp)) {
		f->error = errno != 0 ? errno : EIO;
		log_debug("%s: %s: %s", __func__, f->path,
		    strerror(f->error));
		libssh2_knownhost_free(f->kh);
		if ((f->kh = libssh2_knownhost_init(k->session)) == NULL)
			fatalx("libssh2_knownhost_init failed");
	}
	free(line);
	fclose(fp);
	if (bad > 0)
		log_debug("%s: %s: %zu lines skipped", __func__, f->path, bad);
}

/*
 * The entry for one file, read on first use; a file that could not be
 * read is read again rather than taken as empty.
 */
static struct knownhosts_file *
knownhosts_file(struct knownhosts *k, const char *path)
{
	struct knownhosts_file	*f;
	size_t			 i;

	for (i = 0; i < k->nfiles; i++) {
		f = &k->files[i];
		if (strcmp(f->path, path) == 0) {
			if (f->error != 0)
				knownhosts_read(k, f);
			return (f);
		}
	}
	k->files = xreallocarray(k->files, k->nfiles + 1, sizeof *k->files);
	f = &k->files[k->nfiles++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	knownhosts_read(k, f);
	return (f);
}

/* Read every known_hosts file of a host now, before the fan-out. */
void
knownhosts_load(struct knownhosts *k, const struct sshconf_host *conf)
{
	const char	*path;
	size_t		 i;

	for (i = 0; (path = knownhosts_path(conf, i)) != NULL; i++)
		knownhosts_file(k, path);
}

/* Check key against one collection. */
static int
knownhosts_check_one(LIBSSH2_KNOWNHOSTS *kh, const struct sshconf_host *conf,
    const char *key, size_t len, int bits)
{
	struct libssh2_knownhost	*found = NULL;

	return (libssh2_knownhost_checkp(kh, conf->hostname,
	    conf->port == 22 ? -1 : conf->port, key, len,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | bits,
	    &found));
}

/* Host key algorithms, those known for this host first. */
char *
knownhosts_algorithms(struct knownhosts *k, const struct sshconf_host *conf)
{
	struct knownhosts_file	*f;
	int			 known[KNOWNHOSTS_NTYPES] = { 0 };
	size_t			 i, j, nknown = 0, len = 0;
	const char		*path;
	char			*s;

	for (j = 0; (path = knownhosts_path(conf, j)) != NULL; j++) {
		f = knownhosts_file(k, path);
		for (i = 0; i < KNOWNHOSTS_NTYPES; i++) {
			/* A dummy key tells whether a key of the type exists. */
			if (!known[i] && knownhosts_check_one(f->kh, conf,
			    "?", 1, knownhosts_types[i].bits) ==
			    LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
				known[i] = 1;
				nknown++;
			}
		}
	}
	if (nknown == 0)
		return (NULL);
	for (i = 0; i < KNOWNHOSTS_NTYPES; i++)
		len += strlen(knownhosts_types[i].method) + 1;
	s = xcalloc(1, len + 1);
	for (j = 0; j < 2; j++) {
		for (i = 0; i < KNOWNHOSTS_NTYPES; i++) {
			if (known[i] != (j == 0))
				continue;
			if (*s != '\0')
				strcat(s, ",");
			strcat(s, knownhosts_types[i].method);
		}
	}
	return (s);
}

/* The "[host]:port" or "host" form OpenSSH writes. */
static char *
knownhosts_name(const struct sshconf_host *conf)
{
	char	*s;

	if (conf->port == 22)
		return (xstrdup(conf->hostname));
	xasprintf(&s, "[%s]:%d", conf->hostname, conf->port);
	return (s);
}

static int
knownhosts_bits(int type, const char **name)
{
	size_t	i;

	for (i = 0; i < KNOWNHOSTS_NTYPES; i++) {
		if (knownhosts_types[i].type == type) {
			*name = knownhosts_types[i].name;
			return (knownhosts_types[i].bits);
		}
	}
	*name = "unknown";
	return (LIBSSH2_KNOWNHOST_KEY_UNKNOWN);
}

/*
 * Check a host key against every known_hosts file of the host, user's and
 * global. Any key on record for the host that is not this one, of this
 * type or another, is a changed key: accept-new must never add a key for a
 * host that has another. A file that cannot be read fails the check.
 */
enum knownhosts_result
knownhosts_check(struct knownhosts *k, const struct sshconf_host *conf,
    const char *key, size_t len, int type, char **cause)
{
	struct knownhosts_file	*f;
	const char		*tname, *bad = NULL, *other = NULL, *path;
	char			*name;
	size_t			 i;
	int			 bits, rc;

	*cause = NULL;
	bits = knownhosts_bits(type, &tname);
	name = knownhosts_name(conf);
	for (i = 0; (path = knownhosts_path(conf, i)) != NULL; i++) {
		f = knownhosts_file(k, path);
		if (f->error != 0) {
			xasprintf(cause, "cannot read known_hosts file %s: %s;"
			    " the host key of %s cannot be verified, nothing"
			    " was run", path, strerror(f->error), name);
			free(name);
			return (KNOWNHOSTS_UNREADABLE);
		}
	}
	for (i = 0; (path = knownhosts_path(conf, i)) != NULL; i++) {
		f = knownhosts_file(k, path);
		rc = knownhosts_check_one(f->kh, conf, key, len, bits);
		if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH) {
			free(name);
			return (KNOWNHOSTS_MATCH);
		}
		if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH && bad == NULL)
			bad = path;
		/* Key type 0 matches a key of any type. */
		if (other == NULL && knownhosts_check_one(f->kh, conf, "?", 1,
		    0) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
			other = path;
	}
	if (bad != NULL) {
		xasprintf(cause, "host key for %s has changed (%s key differs"
		    " from %s); nothing was run", name, tname, bad);
		free(name);
		return (KNOWNHOSTS_MISMATCH);
	}
	if (other != NULL) {
		xasprintf(cause, "host key for %s has changed (the server's"
		    " key is %s, %s holds a key of another type); nothing"
		    " was run", name, tname, other);
		free(name);
		return (KNOWNHOSTS_MISMATCH);
	}
	if (conf->nknown_hosts_files == 0)
		xasprintf(cause, "no known_hosts file for %s", name);
	else
		xasprintf(cause, "no %s host key known for %s in %s", tname,
		    name, conf->known_hosts_files[0]);
	free(name);
	return (KNOWNHOSTS_NOTFOUND);
}

/*
 * Append one line to a known_hosts file as one write() under O_APPEND,
 * after a newline if the file does not end in one (as OpenSSH does); -1
 * with *cause.
 */
static int
knownhosts_append(const char *path, const char *line, size_t len,
    char **cause)
{
	struct stat	 sb;
	char		*buf, last;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDWR|O_APPEND|O_CREAT|O_CLOEXEC, 0666)) == -1) {
		xasprintf(cause, "%s", strerror(errno));
		return (-1);
	}
	buf = xmalloc(len + 1);
	if (fstat(fd, &sb) == 0 && sb.st_size > 0 &&
	    pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n')
		buf[off++] = '\n';
	memcpy(buf + off, line, len);
	len += off;
	if ((n = write(fd, buf, len)) == -1)
		xasprintf(cause, "%s", strerror(errno));
	else if ((size_t)n != len) {
		xasprintf(cause, "short write (%zd of %zu bytes): the file"
		    " may now end in a partial line", n, len);
	} else
		rc = 0;
	if (close(fd) != 0 && rc == 0) {
		xasprintf(cause, "%s", strerror(errno));
		rc = -1;
	}
	free(buf);
	return (rc);
}

/*
 * Accept a new key: remember it and append it to the first file. A key
 * that cannot be recorded is a warning: the host itself was verified.
 */
int
knownhosts_add(struct knownhosts *k, const struct sshconf_host *conf,
    const char *key, size_t len, int type)
{
	struct knownhosts_file		*f;
	struct libssh2_knownhost	*entry;
	const char			*tname, *path;
	char				*name, *cause = NULL, line[8192];
	size_t				 outlen;
	int				 bits, rc = -1;

	if (conf->nknown_hosts_files == 0)
		return (-1);
	path = conf->known_hosts_files[0];
	bits = knownhosts_bits(type, &tname);
	f = knownhosts_file(k, path);
	name = knownhosts_name(conf);
	if (libssh2_knownhost_addc(f->kh, name, NULL, key, len, NULL, 0,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | bits,
	    &entry) != 0 ||
	    libssh2_knownhost_writeline(f->kh, entry, line, sizeof line,
	    &outlen, LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
		log_warnx("cannot record the %s host key of %s in %s: libssh2"
		    " cannot encode it", tname, name, path);
		goto out;
	}
	if (knownhosts_append(path, line, outlen, &cause) != 0) {
		log_warnx("cannot record the %s host key of %s in %s: %s",
		    tname, name, path, cause);
		goto out;
	}
	log_debug("%s: added %s key for %s to %s", __func__, tname, name,
	    path);
	rc = 0;
out:
	free(cause);
	free(name);
	return (rc);
}

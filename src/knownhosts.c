/*
 * knownhosts.c: host key verification against known_hosts files.
 *
 * Each file is read once per run into a libssh2 collection, line by line,
 * so that one line libssh2 cannot parse (a @cert-authority marker, a key
 * type it does not know) is skipped rather than losing the rest of the
 * file, as libssh2_knownhost_readfile() would. The collections belong to
 * a session that never connects; libssh2 uses it only for allocation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh2.h>

#include "muster.h"

struct knownhosts_file {
	char			*path;
	LIBSSH2_KNOWNHOSTS	*kh;
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

/* The collection for one file, read on first use. */
static LIBSSH2_KNOWNHOSTS *
knownhosts_file(struct knownhosts *k, const char *path)
{
	struct knownhosts_file	*f;
	FILE			*fp;
	char			*line = NULL;
	size_t			 size = 0, i, bad = 0;
	ssize_t			 n;

	for (i = 0; i < k->nfiles; i++) {
		if (strcmp(k->files[i].path, path) == 0)
			return (k->files[i].kh);
	}
	k->files = xreallocarray(k->files, k->nfiles + 1, sizeof *k->files);
	f = &k->files[k->nfiles++];
	f->path = xstrdup(path);
	if ((f->kh = libssh2_knownhost_init(k->session)) == NULL)
		fatalx("libssh2_knownhost_init failed");
	if ((fp = fopen(path, "r")) == NULL) {
		log_debug("%s: %s: %s", __func__, path, strerror(errno));
		return (f->kh);
	}
	while ((n = getline(&line, &size, fp)) != -1) {
		if (n == 0 || line[0] == '#' || line[0] == '\n')
			continue;
		if (libssh2_knownhost_readline(f->kh, line, n,
		    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
			bad++;
	}
	free(line);
	fclose(fp);
	if (bad > 0)
		log_debug("%s: %s: %zu lines skipped", __func__, path, bad);
	return (f->kh);
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
	LIBSSH2_KNOWNHOSTS	*kh;
	int			 known[KNOWNHOSTS_NTYPES] = { 0 };
	size_t			 i, j, nknown = 0, len = 0;
	const char		*path;
	char			*s;

	for (j = 0; (path = knownhosts_path(conf, j)) != NULL; j++) {
		kh = knownhosts_file(k, path);
		for (i = 0; i < KNOWNHOSTS_NTYPES; i++) {
			/* A dummy key tells whether a key of the type exists. */
			if (!known[i] && knownhosts_check_one(kh, conf, "?", 1,
			    knownhosts_types[i].bits) ==
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

/* Check a host key against every known_hosts file of the host. */
enum knownhosts_result
knownhosts_check(struct knownhosts *k, const struct sshconf_host *conf,
    const char *key, size_t len, int type, char **cause)
{
	LIBSSH2_KNOWNHOSTS	*kh;
	const char		*tname, *bad = NULL, *path;
	char			*name;
	size_t			 i;
	int			 bits, rc;

	*cause = NULL;
	bits = knownhosts_bits(type, &tname);
	for (i = 0; (path = knownhosts_path(conf, i)) != NULL; i++) {
		kh = knownhosts_file(k, path);
		rc = knownhosts_check_one(kh, conf, key, len, bits);
		if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
			return (KNOWNHOSTS_MATCH);
		if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH && bad == NULL)
			bad = path;
	}
	name = knownhosts_name(conf);
	if (bad != NULL) {
		xasprintf(cause, "host key for %s has changed (%s key differs"
		    " from %s); nothing was run", name, tname, bad);
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

/* Accept a new key: remember it and append it to the first file. */
int
knownhosts_add(struct knownhosts *k, const struct sshconf_host *conf,
    const char *key, size_t len, int type)
{
	LIBSSH2_KNOWNHOSTS		*kh;
	struct libssh2_knownhost	*entry;
	const char			*tname;
	char				*name, line[8192];
	size_t				 outlen;
	FILE				*fp;
	int				 bits, rc = -1;

	if (conf->nknown_hosts_files == 0)
		return (-1);
	bits = knownhosts_bits(type, &tname);
	kh = knownhosts_file(k, conf->known_hosts_files[0]);
	name = knownhosts_name(conf);
	if (libssh2_knownhost_addc(kh, name, NULL, key, len, NULL, 0,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | bits,
	    &entry) != 0)
		goto out;
	if (libssh2_knownhost_writeline(kh, entry, line, sizeof line, &outlen,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
		goto out;
	if ((fp = fopen(conf->known_hosts_files[0], "a")) == NULL) {
		log_warn("cannot record the host key of %s in %s", name,
		    conf->known_hosts_files[0]);
		goto out;
	}
	fwrite(line, 1, outlen, fp);
	fclose(fp);
	log_debug("%s: added %s key for %s to %s", __func__, tname, name,
	    conf->known_hosts_files[0]);
	rc = 0;
out:
	free(name);
	return (rc);
}

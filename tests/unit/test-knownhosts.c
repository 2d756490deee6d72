/*
 * test-knownhosts.c: unit tests for host key verification: a file that
 * cannot be read fails closed and is read again later, a key of another
 * type on record is a changed key, GlobalKnownHostsFile is searched, and
 * accept-new appends whole lines.
 */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libssh2.h>
#include <openssl/evp.h>

#include "muster.h"

static char	tkh_dir[] = "/tmp/test-knownhosts.XXXXXX";

/* Two ED25519 public keys and an ECDSA one, as in a .pub file. */
#define TKH_ED1	"AAAAC3NzaC1lZDI1NTE5AAAAIG6+addWOZOb91z20/mEYbHV9OeEz5GCns19YpZVLljU"
#define TKH_ED2	"AAAAC3NzaC1lZDI1NTE5AAAAIKGKT6eOBMjfTwTpbWxBzWYdNZ4JjME3+fvZG9MjqbsI"
#define TKH_EC	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHvd7oMWrmjjNu4R" \
		"rl1JQe3Vxmuo4CyWYVCGmElb+t+tdSUVUc70qaceYhsljodouIisDDEaluGYtxYR1VcD" \
		"w7M="

/* The raw blob of a base64 key; its length in *len. */
static char *
tkh_blob(const char *b64, size_t *len)
{
	unsigned char	*out;
	size_t		 n = strlen(b64);
	int		 r;

	out = xmalloc(n);
	r = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	assert_true(r > 0);
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	*len = (size_t)r - (b64[n - 1] == '=') - (b64[n - 2] == '=');
	return ((char *)out);
}

static char *
tkh_path(const char *rel)
{
	char	*s;

	xasprintf(&s, "%s/%s", tkh_dir, rel);
	return (s);
}

static void
tkh_write(const char *path, const char *contents)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fputs(contents, f);
	fclose(f);
}

/* A host at 192.0.2.1 port 2222 with the given files. */
static void
tkh_host(struct sshconf_host *h, const char *user, const char *global)
{
	memset(h, 0, sizeof *h);
	h->hostname = xstrdup("192.0.2.1");
	h->port = 2222;
	h->nknown_hosts_files = 1;
	h->known_hosts_files = xcalloc(1, sizeof *h->known_hosts_files);
	h->known_hosts_files[0] = tkh_path(user);
	if (global != NULL) {
		h->nglobal_known_hosts_files = 1;
		h->global_known_hosts_files = xcalloc(1,
		    sizeof *h->global_known_hosts_files);
		h->global_known_hosts_files[0] = tkh_path(global);
	}
}

static int
tkh_rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static int
tkh_setup(void **state)
{
	(void)state;
	if (mkdtemp(tkh_dir) == NULL)
		return (-1);
	return (0);
}

static int
tkh_teardown(void **state)
{
	(void)state;
	return (nftw(tkh_dir, tkh_rm_cb, 16, FTW_DEPTH | FTW_PHYS));
}

/* An unreadable file fails the check, and is read again when it can be. */
static void
test_unreadable(void **state)
{
	struct knownhosts	*k;
	struct sshconf_host	 h;
	char			*key, *cause, *dir;
	size_t			 len;

	(void)state;
	key = tkh_blob(TKH_ED1, &len);
	dir = tkh_path("kh-unreadable");
	assert_int_equal(mkdir(dir, 0700), 0);
	tkh_host(&h, "kh-unreadable", NULL);
	k = knownhosts_new();
	knownhosts_load(k, &h);
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_UNREADABLE);
	assert_non_null(strstr(cause, dir));
	assert_non_null(strstr(cause, strerror(EISDIR)));
	free(cause);

	/* Once it can be read, it is, with the key it holds. */
	assert_int_equal(rmdir(dir), 0);
	tkh_write(dir, "[192.0.2.1]:2222 ssh-ed25519 " TKH_ED1 "\n");
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_MATCH);
	knownhosts_free(k);
	sshconf_host_release(&h);
	free(dir);
	free(key);
}

/* Changed keys, in the user's or the global file, of either type. */
static void
test_changed(void **state)
{
	struct knownhosts	*k;
	struct sshconf_host	 h;
	char			*key, *cause, *path;
	size_t			 len;

	(void)state;
	key = tkh_blob(TKH_ED1, &len);
	path = tkh_path("kh-empty");
	tkh_write(path, "# nothing\n");
	free(path);
	path = tkh_path("kh-global");
	tkh_write(path, "[192.0.2.1]:2222 ssh-ed25519 " TKH_ED2 "\n");
	tkh_host(&h, "kh-empty", "kh-global");
	k = knownhosts_new();
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_MISMATCH);
	assert_non_null(strstr(cause, path));
	free(cause);
	knownhosts_free(k);

	/* A key of another type on record: changed, not new. */
	tkh_write(path, "[192.0.2.1]:2222 ecdsa-sha2-nistp256 " TKH_EC "\n");
	k = knownhosts_new();
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_MISMATCH);
	assert_non_null(strstr(cause, "another type"));
	free(cause);
	knownhosts_free(k);

	/* Another host's keys do not count. */
	tkh_write(path, "[192.0.2.2]:2222 ecdsa-sha2-nistp256 " TKH_EC "\n"
	    "192.0.2.1 ssh-ed25519 " TKH_ED2 "\n");
	free(h.hostname);
	h.hostname = xstrdup("192.0.2.3");
	k = knownhosts_new();
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_NOTFOUND);
	free(cause);
	knownhosts_free(k);

	sshconf_host_release(&h);
	free(path);
	free(key);
}

/* accept-new writes a whole line, after a newline if one is missing. */
static void
test_add(void **state)
{
	struct knownhosts	*k;
	struct sshconf_host	 h;
	char			*key, *cause, *path, buf[1024];
	size_t			 len, n;
	FILE			*f;

	(void)state;
	key = tkh_blob(TKH_ED1, &len);
	path = tkh_path("kh-add");
	tkh_write(path, "192.0.2.9 ssh-ed25519 " TKH_ED2);
	tkh_host(&h, "kh-add", NULL);
	k = knownhosts_new();
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_NOTFOUND);
	free(cause);
	assert_int_equal(knownhosts_add(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519), 0);
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_MATCH);
	knownhosts_free(k);

	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, "192.0.2.9 ssh-ed25519 " TKH_ED2 "\n"
	    "[192.0.2.1]:2222 ssh-ed25519 " TKH_ED1 "\n");

	/* A new run reads it back. */
	k = knownhosts_new();
	assert_int_equal(knownhosts_check(k, &h, key, len,
	    LIBSSH2_HOSTKEY_TYPE_ED25519, &cause), KNOWNHOSTS_MATCH);
	knownhosts_free(k);
	sshconf_host_release(&h);
	free(path);
	free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_add),
	};

	log_init("test-knownhosts", 0);
	return (cmocka_run_group_tests(tests, tkh_setup, tkh_teardown));
}

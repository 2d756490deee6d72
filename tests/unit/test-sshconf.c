/*
 * test-sshconf.c: unit tests for the ssh_config(5) reader: first value
 * wins, Host patterns with wildcards and negation, Match, Include, quoting
 * and '=', token expansion, defaults, errors with FILE:LINE, and a large
 * file resolved for every host.
 */
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "muster.h"

static char	tsc_dir[] = "/tmp/test-sshconf.XXXXXX";

/* Write contents to a file under the test directory, making directories. */
static char *
tsc_write(const char *rel, const char *contents)
{
	char	*path, *p;
	FILE	*f;

	xasprintf(&path, "%s/%s", tsc_dir, rel);
	for (p = path + strlen(tsc_dir) + 1; (p = strchr(p, '/')) != NULL;
	    p++) {
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fputs(contents, f);
	fclose(f);
	return (path);
}

/* Load a config written from contents; fails the test on error. */
static struct sshconf *
tsc_load(const char *contents)
{
	struct sshconf	*conf;
	char		*path, *cause = NULL;

	path = tsc_write(".ssh/config", contents);
	conf = sshconf_load(path, 1, &cause);
	if (conf == NULL)
		fail_msg("load: %s", cause);
	free(path);
	return (conf);
}

/* Load contents expecting an error; the cause must equal want. */
static void
tsc_load_error(const char *contents, const char *want)
{
	struct sshconf	*conf;
	char		*path, *cause = NULL, *full;

	path = tsc_write(".ssh/config", contents);
	conf = sshconf_load(path, 1, &cause);
	if (conf != NULL)
		fail_msg("expected an error: %s", want);
	xasprintf(&full, "%s:%s", path, want);
	assert_string_equal(cause, full);
	free(full);
	free(cause);
	free(path);
}

static char *
tsc_home(const char *rel)
{
	char	*s;

	xasprintf(&s, "%s/%s", tsc_dir, rel);
	return (s);
}

static const char *
tsc_local_user(void)
{
	struct passwd	*pw;

	if ((pw = getpwuid(getuid())) != NULL)
		return (pw->pw_name);
	return (getenv("USER"));
}

static int
tsc_rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static int
tsc_setup(void **state)
{
	(void)state;
	if (mkdtemp(tsc_dir) == NULL)
		return (-1);
	umask(022);
	setenv("HOME", tsc_dir, 1);
	return (0);
}

static int
tsc_teardown(void **state)
{
	(void)state;
	return (nftw(tsc_dir, tsc_rm_cb, 16, FTW_DEPTH | FTW_PHYS));
}

static void
test_defaults(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	char			*cause = NULL, *path, *want;

	(void)state;
	path = tsc_home("nonexistent");
	conf = sshconf_load(path, 0, &cause);
	assert_non_null(conf);
	sshconf_resolve(conf, "web1", &h);
	assert_string_equal(h.hostname, "web1");
	assert_string_equal(h.user, tsc_local_user());
	assert_int_equal(h.port, 22);
	assert_int_equal(h.nidentity_files, 3);
	want = tsc_home(".ssh/id_ed25519");
	assert_string_equal(h.identity_files[0], want);
	free(want);
	want = tsc_home(".ssh/id_ecdsa");
	assert_string_equal(h.identity_files[1], want);
	free(want);
	want = tsc_home(".ssh/id_rsa");
	assert_string_equal(h.identity_files[2], want);
	free(want);
	assert_false(h.identities_only);
	assert_null(h.identity_agent);
	assert_int_equal(h.nknown_hosts_files, 2);
	want = tsc_home(".ssh/known_hosts");
	assert_string_equal(h.known_hosts_files[0], want);
	free(want);
	want = tsc_home(".ssh/known_hosts2");
	assert_string_equal(h.known_hosts_files[1], want);
	free(want);
	assert_int_equal(h.nglobal_known_hosts_files, 2);
	assert_string_equal(h.global_known_hosts_files[0],
	    "/etc/ssh/ssh_known_hosts");
	assert_string_equal(h.global_known_hosts_files[1],
	    "/etc/ssh/ssh_known_hosts2");
	assert_int_equal(h.strict, SSHCONF_STRICT_YES);
	assert_int_equal(h.connect_timeout, -1);
	assert_null(h.proxy_jump);
	sshconf_host_release(&h);
	sshconf_free(conf);

	/* Missing and required: named as the ssh_config it should be. */
	assert_null(sshconf_load(path, 1, &cause));
	xasprintf(&want, "ssh_config %s: No such file or directory", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);

	sshconf_free(NULL);
}

static void
test_first_wins(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;

	(void)state;
	conf = tsc_load(
	    "# fleet\n"
	    "Host web1\n"
	    "  HostName 10.0.0.1\n"
	    "  Port 2201\n"
	    "\n"
	    "Host web*\n"
	    "  HostName %h.example.com\n"
	    "  Port 2222\n"
	    "  User deploy\n"
	    "  ConnectTimeout 5\n"
	    "Host *\n"
	    "  User root\n"
	    "  Port 22\n"
	    "  StrictHostKeyChecking accept-new\n"
	    "  ConnectTimeout 1m30s\n");

	sshconf_resolve(conf, "web1", &h);
	assert_string_equal(h.hostname, "10.0.0.1");
	assert_int_equal(h.port, 2201);
	assert_string_equal(h.user, "deploy");
	assert_int_equal(h.strict, SSHCONF_STRICT_ACCEPT_NEW);
	assert_int_equal(h.connect_timeout, 5);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "web2", &h);
	assert_string_equal(h.hostname, "web2.example.com");
	assert_int_equal(h.port, 2222);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "db1", &h);
	assert_string_equal(h.hostname, "db1");
	assert_int_equal(h.port, 22);
	assert_string_equal(h.user, "root");
	assert_int_equal(h.connect_timeout, 90);
	sshconf_host_release(&h);

	sshconf_free(conf);
}

static void
test_options_before_host(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;

	(void)state;
	/* Lines before the first Host apply to every host, and win. */
	conf = tsc_load(
	    "User everyone\n"
	    "Host web1\n"
	    "  User webuser\n"
	    "  Port 2200\n");
	sshconf_resolve(conf, "web1", &h);
	assert_string_equal(h.user, "everyone");
	assert_int_equal(h.port, 2200);
	sshconf_host_release(&h);
	sshconf_free(conf);
}

static void
test_host_patterns(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;

	(void)state;
	conf = tsc_load(
	    "Host * !bastion !*.internal\n"
	    "  ProxyJump bastion\n"
	    "Host !web1\n"
	    "  User never\n"
	    "Host web? db[1]\n"
	    "  Port 2000\n"
	    "Host *.example.com\n"
	    "  Port 3000\n"
	    "Host a*b*c\n"
	    "  Port 4000\n"
	    "Host other bastion\n"
	    "  Port 5000\n"
	    "Host Mixed\n"
	    "  Port 6000\n");

	sshconf_resolve(conf, "web1", &h);
	assert_string_equal(h.proxy_jump, "bastion");
	assert_int_equal(h.port, 2000);
	/* A Host line with only negated patterns matches nothing. */
	assert_string_equal(h.user, tsc_local_user());
	sshconf_host_release(&h);

	sshconf_resolve(conf, "bastion", &h);
	assert_null(h.proxy_jump);
	assert_int_equal(h.port, 5000);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "x.internal", &h);
	assert_null(h.proxy_jump);
	assert_int_equal(h.port, 22);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "web12", &h);
	assert_int_equal(h.port, 22);
	sshconf_host_release(&h);

	/* '[' is not special in ssh patterns. */
	sshconf_resolve(conf, "db[1]", &h);
	assert_int_equal(h.port, 2000);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "w.example.com", &h);
	assert_int_equal(h.port, 3000);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "aXXbYYc", &h);
	assert_int_equal(h.port, 4000);
	sshconf_host_release(&h);
	sshconf_resolve(conf, "abc", &h);
	assert_int_equal(h.port, 4000);
	sshconf_host_release(&h);
	sshconf_resolve(conf, "abcd", &h);
	assert_int_equal(h.port, 22);
	sshconf_host_release(&h);

	/* Host patterns are case-sensitive, as in OpenSSH. */
	sshconf_resolve(conf, "Mixed", &h);
	assert_int_equal(h.port, 6000);
	sshconf_host_release(&h);
	sshconf_resolve(conf, "mixed", &h);
	assert_int_equal(h.port, 22);
	sshconf_host_release(&h);

	sshconf_free(conf);
}

static void
test_match(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	char			*config, *marker;

	(void)state;
	marker = tsc_home("exec-ran");
	xasprintf(&config,
	    "Host alias1\n"
	    "  HostName real1.example.com\n"
	    "Match exec \"touch %s\"\n"
	    "  Port 1111\n"
	    "Match !exec \"false\"\n"
	    "  Port 1112\n"
	    "Match localuser *\n"
	    "  Port 1113\n"
	    "Match canonical all\n"
	    "  Port 1114\n"
	    "Match final\n"
	    "  Port 1115\n"
	    "Match host web1 exec true\n"
	    "  Port 1116\n"
	    "Match host *.example.com\n"
	    "  User byhostname\n"
	    "Match originalhost alias1\n"
	    "  Port 2001\n"
	    "Match host alias1\n"
	    "  Port 2002\n"
	    "Match host WEB1,!web2,db*\n"
	    "  Port 2003\n"
	    "Match originalhost=web3 user=bob\n"
	    "  Port 2004\n"
	    "Match user alice\n"
	    "  User bob\n"
	    "Match !host web4\n"
	    "  IdentitiesOnly yes\n"
	    "Match all\n"
	    "  User alice\n"
	    "  Port 2999\n", marker);
	conf = tsc_load(config);
	free(config);

	/* Match host checks the HostName obtained so far. */
	sshconf_resolve(conf, "alias1", &h);
	assert_string_equal(h.hostname, "real1.example.com");
	assert_string_equal(h.user, "byhostname");
	assert_int_equal(h.port, 2001);
	sshconf_host_release(&h);

	/* Host names ignore case in Match host. */
	sshconf_resolve(conf, "web1", &h);
	assert_int_equal(h.port, 2003);
	assert_true(h.identities_only);
	sshconf_host_release(&h);
	sshconf_resolve(conf, "web2", &h);
	assert_int_equal(h.port, 2999);
	sshconf_host_release(&h);
	sshconf_resolve(conf, "db7", &h);
	assert_int_equal(h.port, 2003);
	sshconf_host_release(&h);

	/* "user" is the User obtained so far: "alice" is set last. */
	sshconf_resolve(conf, "web3", &h);
	assert_int_equal(h.port, 2999);
	assert_string_equal(h.user, "alice");
	sshconf_host_release(&h);

	sshconf_resolve(conf, "web4", &h);
	assert_false(h.identities_only);
	sshconf_host_release(&h);

	/* exec is never run. */
	assert_int_equal(access(marker, F_OK), -1);
	sshconf_free(conf);

	conf = tsc_load(
	    "Host web3\n"
	    "  User alice\n"
	    "Match user alice\n"
	    "  Port 7000\n"
	    "Match originalhost=web3 user=alice\n"
	    "  HostName matched\n");
	sshconf_resolve(conf, "web3", &h);
	assert_int_equal(h.port, 7000);
	assert_string_equal(h.hostname, "matched");
	sshconf_host_release(&h);
	sshconf_free(conf);
	free(marker);
}

static void
test_include(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	char			*path, *abs, *config;

	(void)state;
	free(tsc_write(".ssh/conf.d/10-web.conf",
	    "Host web*\n"
	    "  User webuser\n"
	    "Match all\n"
	    "  IdentityFile ~/.ssh/from_include\n"));
	free(tsc_write(".ssh/conf.d/20-db.conf",
	    "User top-of-include\n"
	    "Host db*\n"
	    "  Port 2345\n"));
	free(tsc_write(".ssh/conf.d/README",
	    "Port 9\n"));
	free(tsc_write(".ssh/inactive.conf",
	    "Host *\n"
	    "  ProxyJump never\n"
	    "Port 9\n"));
	abs = tsc_write("elsewhere/abs.conf",
	    "Host abs\n"
	    "  HostName from-abs\n");
	xasprintf(&config,
	    "Host nothing-matches\n"
	    "  Include inactive.conf\n"
	    "Host *\n"
	    "  Include conf.d/*.conf missing.conf ~/.ssh/none-*.conf %s\n"
	    "  Port 1000\n"
	    "Host db9\n"
	    "  Include inactive.conf\n"
	    "Host web*\n"
	    "  User late\n", abs);
	conf = tsc_load(config);
	free(config);

	sshconf_resolve(conf, "web1", &h);
	assert_string_equal(h.user, "webuser");
	assert_int_equal(h.port, 1000);
	assert_null(h.proxy_jump);
	assert_int_equal(h.nidentity_files, 1);
	path = tsc_home(".ssh/from_include");
	assert_string_equal(h.identity_files[0], path);
	free(path);
	sshconf_host_release(&h);

	/*
	 * Lines at the top of an included file follow the includer's state;
	 * a Host line inside it does not stop "Port 1000" afterwards.
	 */
	sshconf_resolve(conf, "db1", &h);
	assert_string_equal(h.user, "top-of-include");
	assert_int_equal(h.port, 2345);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "other", &h);
	assert_int_equal(h.port, 1000);
	assert_string_equal(h.user, "top-of-include");
	sshconf_host_release(&h);

	/* An Include in a block that matches applies. */
	sshconf_resolve(conf, "db9", &h);
	assert_int_equal(h.port, 2345);
	assert_string_equal(h.proxy_jump, "never");
	sshconf_host_release(&h);

	sshconf_resolve(conf, "abs", &h);
	assert_string_equal(h.hostname, "from-abs");
	sshconf_host_release(&h);
	sshconf_free(conf);
	free(abs);

	/* An Include in a block that does not match applies nothing. */
	conf = tsc_load(
	    "Host nomatch\n"
	    "  Include inactive.conf\n"
	    "  Port 1\n");
	sshconf_resolve(conf, "x", &h);
	assert_null(h.proxy_jump);
	assert_int_equal(h.port, 22);
	sshconf_host_release(&h);
	sshconf_free(conf);
}

static void
test_include_errors(void **state)
{
	struct sshconf	*conf;
	char		*path, *loop, *cause = NULL, *want;

	(void)state;
	path = tsc_write(".ssh/bad.conf", "\nPort 0\n");
	/* Errors in included files name the included file. */
	free(tsc_write(".ssh/config", "Include bad.conf\n"));
	want = tsc_home(".ssh/config");
	conf = sshconf_load(want, 1, &cause);
	assert_null(conf);
	free(want);
	xasprintf(&want, "%s:2: bad Port '0' (1 to 65535)", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);

	/* A file including itself stops at the depth limit. */
	loop = tsc_write(".ssh/loop.conf", "Include loop.conf\n");
	conf = sshconf_load(loop, 1, &cause);
	assert_null(conf);
	xasprintf(&want, "%s:1: Include nested too deeply (more than 16)",
	    loop);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(loop);

	/* Included files others may write are refused, as in OpenSSH. */
	path = tsc_write(".ssh/writable.conf", "Port 1\n");
	chmod(path, 0666);
	free(tsc_write(".ssh/config", "Include writable.conf\n"));
	want = tsc_home(".ssh/config");
	conf = sshconf_load(want, 1, &cause);
	assert_null(conf);
	free(want);
	xasprintf(&want, "%s: bad owner or permissions", path);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);
}

/* Includes that fan out (each file including several) stop at a bound. */
static void
test_include_fanout(void **state)
{
	struct sshconf	*conf;
	char		 rel[64], body[256], *path, *cause = NULL, *want;
	int		 level, i;

	(void)state;
	/* 12 levels of 4 files, each including the 4 of the next level. */
	for (level = 0; level < 12; level++) {
		if (level < 11) {
			snprintf(body, sizeof body, "Include fan/l%d-*.conf\n"
			    "Port %d\n", level + 1, 1000 + level);
		} else
			snprintf(body, sizeof body, "Port 1\n");
		for (i = 0; i < 4; i++) {
			snprintf(rel, sizeof rel, ".ssh/fan/l%d-%d.conf",
			    level, i);
			free(tsc_write(rel, body));
		}
	}
	path = tsc_write(".ssh/config", "Host *\n  Include fan/l0-*.conf\n");
	conf = sshconf_load(path, 1, &cause);
	assert_null(conf);
	/* Depth first: the 257th file is read from deep in the tree. */
	want = tsc_home(".ssh/fan/l");
	assert_non_null(cause);
	if (strncmp(cause, want, strlen(want)) != 0 ||
	    strstr(cause, ":1: Include: too many files included (more than "
	    "256 in all)") == NULL)
		fail_msg("unexpected cause: %s", cause);
	free(want);
	free(cause);
	free(path);

	/* Many includes of one small file in all, below the bound, are fine. */
	free(tsc_write(".ssh/small.conf", "User u\n"));
	{
		char	*big = NULL;
		size_t	 len = 0;
		FILE	*f = open_memstream(&big, &len);

		for (i = 0; i < 200; i++)
			fprintf(f, "Host h%d\n  Include small.conf\n", i);
		fclose(f);
		path = tsc_write(".ssh/config", big);
		free(big);
	}
	conf = sshconf_load(path, 1, &cause);
	assert_non_null(conf);
	sshconf_free(conf);
	free(path);
}

/* The system file comes after the user's; a new top file starts anew. */
static void
test_system_file(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	char			*path, *sys, *cause = NULL, *want;

	(void)state;
	sys = tsc_write("etc/ssh_config",
	    "Include sys.d/*.conf\n"
	    "Host *\n"
	    "  SendEnv LANG LC_*\n"
	    "  HashKnownHosts yes\n"
	    "  GSSAPIAuthentication yes\n"
	    "  User sysuser\n"
	    "  Port 2222\n"
	    "  GlobalKnownHostsFile /sys/kh1 /sys/kh2\n");
	free(tsc_write("etc/sys.d/a.conf", "Host web*\n  HostName %h.sys\n"));
	/* The user's file ends inside a block that does not match. */
	path = tsc_write(".ssh/config", "Host web1\n  Port 1\n"
	    "Host nomatch\n  User nobody\n");
	setenv("MUSTER_SYSTEM_SSH_CONFIG", sys, 1);
	conf = sshconf_load(path, 1, &cause);
	assert_non_null(conf);
	assert_int_equal(sshconf_load_system(conf, &cause), 0);

	sshconf_resolve(conf, "web1", &h);
	assert_int_equal(h.port, 1);		/* the user's wins */
	assert_string_equal(h.user, "sysuser");	/* despite "Host nomatch" */
	assert_string_equal(h.hostname, "web1.sys");	/* relative Include */
	assert_int_equal(h.nglobal_known_hosts_files, 2);
	assert_string_equal(h.global_known_hosts_files[0], "/sys/kh1");
	assert_string_equal(h.global_known_hosts_files[1], "/sys/kh2");
	sshconf_host_release(&h);
	sshconf_resolve(conf, "db1", &h);
	assert_int_equal(h.port, 2222);
	assert_string_equal(h.hostname, "db1");
	sshconf_host_release(&h);
	sshconf_free(conf);

	/* "none", a missing file, an unreadable one: no system file. */
	setenv("MUSTER_SYSTEM_SSH_CONFIG", "none", 1);
	conf = sshconf_load(path, 1, &cause);
	assert_int_equal(sshconf_load_system(conf, &cause), 0);
	sshconf_resolve(conf, "db1", &h);
	assert_int_equal(h.port, 22);
	sshconf_host_release(&h);
	sshconf_free(conf);
	want = tsc_home("etc/missing");
	setenv("MUSTER_SYSTEM_SSH_CONFIG", want, 1);
	conf = sshconf_load(path, 1, &cause);
	assert_int_equal(sshconf_load_system(conf, &cause), 0);
	sshconf_free(conf);
	free(want);

	/* A bad line in it names it. */
	free(tsc_write("etc/ssh_config", "Host *\n  Port none\n"));
	setenv("MUSTER_SYSTEM_SSH_CONFIG", sys, 1);
	conf = sshconf_load(path, 1, &cause);
	assert_int_equal(sshconf_load_system(conf, &cause), -1);
	xasprintf(&want, "%s:2: bad Port 'none' (1 to 65535)", sys);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	sshconf_free(conf);
	unsetenv("MUSTER_SYSTEM_SSH_CONFIG");
	free(sys);
	free(path);
}

/* GlobalKnownHostsFile: first value wins, tokens, none. */
static void
test_global_known_hosts(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;

	(void)state;
	conf = tsc_load("Host a\n  GlobalKnownHostsFile none\n"
	    "Host b\n  GlobalKnownHostsFile /g/%h \"/g/two words\"\n"
	    "Host *\n  GlobalKnownHostsFile /g/late\n");
	sshconf_resolve(conf, "a", &h);
	assert_int_equal(h.nglobal_known_hosts_files, 0);
	assert_null(h.global_known_hosts_files);
	assert_int_equal(h.nknown_hosts_files, 2);
	sshconf_host_release(&h);
	sshconf_resolve(conf, "b", &h);
	assert_int_equal(h.nglobal_known_hosts_files, 2);
	assert_string_equal(h.global_known_hosts_files[0], "/g/b");
	assert_string_equal(h.global_known_hosts_files[1], "/g/two words");
	sshconf_host_release(&h);
	sshconf_resolve(conf, "c", &h);
	assert_int_equal(h.nglobal_known_hosts_files, 1);
	assert_string_equal(h.global_known_hosts_files[0], "/g/late");
	sshconf_host_release(&h);
	sshconf_free(conf);
	tsc_load_error("GlobalKnownHostsFile /a none\n",
	    "1: GlobalKnownHostsFile none must be alone");
	tsc_load_error("GlobalKnownHostsFile /a/%z\n",
	    "1: unknown token %z in GlobalKnownHostsFile");
}

static void
test_syntax(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	char			*want;

	(void)state;
	conf = tsc_load(
	    "host=web1\n"
	    "\tHOSTNAME = \"web one.example.com\"\n"
	    "  user=alice # a comment\n"
	    "PORT= 2022\n"
	    "IdentityFile \"~/keys/my key\"\n"
	    "IdentityFile ~/keys/escaped\\ key\n"
	    "IdentityFile '~/keys/single'#notacomment\n"
	    "ForwardAgent yes\n"
	    "SomeFutureKeyword with \"several\" args\n"
	    "ControlPath ~/.ssh/cm-%C\n"
	    "StrictHostKeyChecking=no\r\n"
	    "   \n"
	    "# Port 1\n");
	sshconf_resolve(conf, "web1", &h);
	assert_string_equal(h.hostname, "web one.example.com");
	assert_string_equal(h.user, "alice");
	assert_int_equal(h.port, 2022);
	assert_int_equal(h.strict, SSHCONF_STRICT_NO);
	assert_int_equal(h.nidentity_files, 3);
	want = tsc_home("keys/my key");
	assert_string_equal(h.identity_files[0], want);
	free(want);
	want = tsc_home("keys/escaped key");
	assert_string_equal(h.identity_files[1], want);
	free(want);
	want = tsc_home("keys/single#notacomment");
	assert_string_equal(h.identity_files[2], want);
	free(want);
	sshconf_host_release(&h);
	sshconf_free(conf);
}

static void
test_errors(void **state)
{
	(void)state;
	tsc_load_error("Host a\n  Port 0\n", "2: bad Port '0' (1 to 65535)");
	tsc_load_error("Port 65536\n", "1: bad Port '65536' (1 to 65535)");
	tsc_load_error("Port abc\n", "1: bad Port 'abc' (1 to 65535)");
	tsc_load_error("Port 22x\n", "1: bad Port '22x' (1 to 65535)");
	tsc_load_error("Port\n", "1: missing argument to Port");
	tsc_load_error("Port 22 23\n", "1: too many arguments to Port");
	tsc_load_error("HostName # nothing\n",
	    "1: missing argument to HostName");
	tsc_load_error("Host\n", "1: missing argument to Host");
	tsc_load_error("Host \"\"\n", "1: empty argument to Host");
	tsc_load_error("User \"alice\n", "1: unterminated quote");
	tsc_load_error("Unknown 'x\n", "1: unterminated quote");
	tsc_load_error("StrictHostKeyChecking maybe\n",
	    "1: bad StrictHostKeyChecking 'maybe' (yes, accept-new or no)");
	tsc_load_error("IdentitiesOnly sure\n",
	    "1: bad IdentitiesOnly 'sure' (yes or no)");
	tsc_load_error("ConnectTimeout 0\n",
	    "1: bad ConnectTimeout '0' (seconds, more than 0)");
	tsc_load_error("ConnectTimeout 5x\n",
	    "1: bad ConnectTimeout '5x' (seconds, more than 0)");
	tsc_load_error("Match\n", "1: missing argument to Match");
	tsc_load_error("Match host\n", "1: missing argument to Match host");
	tsc_load_error("Match host=\n", "1: missing argument to Match host");
	tsc_load_error("Match all host x\n",
	    "1: Match 'all' cannot be combined with other criteria");
	tsc_load_error("Match weather sunny\n",
	    "1: unknown Match criterion 'weather'");
	tsc_load_error("IdentityFile ~/.ssh/%C\n",
	    "1: unknown token %C in IdentityFile");
	tsc_load_error("IdentityFile ~/.ssh/id%\n",
	    "1: lone % at end of IdentityFile");
	tsc_load_error("HostName %r.example.com\n",
	    "1: unknown token %r in HostName");
	tsc_load_error("UserKnownHostsFile a none\n",
	    "1: UserKnownHostsFile none must be alone");
	tsc_load_error("# ok\nHost a\n\n  IdentityAgent ${NOPE\n",
	    "4: unterminated ${ in IdentityAgent");
}

static void
test_expansion(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	char			*want;

	(void)state;
	conf = tsc_load(
	    "Host web1\n"
	    "  HostName %h.example.com%%\n"
	    "  User deploy\n"
	    "  Port 2200\n"
	    "  IdentityFile ~/.ssh/%h_%r_%u_%p\n"
	    "  IdentityFile %d/keys/%n\n"
	    "  IdentityFile /abs/%%h\n"
	    "  IdentityFile ~/.ssh/%h_%r_%u_%p\n"
	    "  UserKnownHostsFile ~/.ssh/kh_%n %d/kh2\n"
	    "  IdentityAgent ~/agent.sock\n"
	    "Host web2\n"
	    "  IdentityFile ${TSC_KEYDIR}/key\n"
	    "  IdentityAgent SSH_AUTH_SOCK\n"
	    "  UserKnownHostsFile none\n"
	    "Host web3\n"
	    "  IdentityAgent none\n"
	    "Host *\n"
	    "  UserKnownHostsFile /never/used\n");
	setenv("TSC_KEYDIR", "/keys", 1);

	sshconf_resolve(conf, "web1", &h);
	assert_string_equal(h.hostname, "web1.example.com%");
	assert_int_equal(h.nidentity_files, 3);
	xasprintf(&want, "%s/.ssh/web1.example.com%%_deploy_%s_2200", tsc_dir,
	    tsc_local_user());
	assert_string_equal(h.identity_files[0], want);
	free(want);
	xasprintf(&want, "%s/keys/web1", tsc_dir);
	assert_string_equal(h.identity_files[1], want);
	free(want);
	assert_string_equal(h.identity_files[2], "/abs/%h");
	assert_int_equal(h.nknown_hosts_files, 2);
	want = tsc_home(".ssh/kh_web1");
	assert_string_equal(h.known_hosts_files[0], want);
	free(want);
	want = tsc_home("kh2");
	assert_string_equal(h.known_hosts_files[1], want);
	free(want);
	want = tsc_home("agent.sock");
	assert_string_equal(h.identity_agent, want);
	free(want);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "web2", &h);
	assert_int_equal(h.nidentity_files, 1);
	assert_string_equal(h.identity_files[0], "/keys/key");
	assert_null(h.identity_agent);
	assert_int_equal(h.nknown_hosts_files, 0);
	sshconf_host_release(&h);

	sshconf_resolve(conf, "web3", &h);
	assert_string_equal(h.identity_agent, "none");
	assert_int_equal(h.nknown_hosts_files, 1);
	assert_string_equal(h.known_hosts_files[0], "/never/used");
	sshconf_host_release(&h);
	sshconf_free(conf);
	unsetenv("TSC_KEYDIR");
}

static void
test_identity_files(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	char			*config, *line;
	int			 i;

	(void)state;
	config = xstrdup("Host *\n  IdentitiesOnly no\n");
	for (i = 0; i < 40; i++) {
		xasprintf(&line, "%s  IdentityFile /k/%d\n"
		    "  IdentityFile /k/0\n", config, i);
		free(config);
		config = line;
	}
	xasprintf(&line, "Host x\n  IdentitiesOnly yes\n%s", config);
	free(config);
	conf = tsc_load(line);
	free(line);

	sshconf_resolve(conf, "x", &h);
	assert_true(h.identities_only);
	assert_int_equal(h.nidentity_files, 32);
	assert_string_equal(h.identity_files[0], "/k/0");
	assert_string_equal(h.identity_files[1], "/k/1");
	assert_string_equal(h.identity_files[31], "/k/31");
	sshconf_host_release(&h);
	sshconf_free(conf);
}

static void
test_large(void **state)
{
	struct sshconf		*conf;
	struct sshconf_host	 h;
	struct timespec		 t0, t1;
	char			*config, name[32], want[32];
	size_t			 size = 2000 * 160 + 100, len = 0;
	double			 elapsed;
	int			 i;

	(void)state;
	config = xmalloc(size);
	for (i = 0; i < 2000; i++) {
		len += (size_t)snprintf(config + len, size - len,
		    "Host node%04d node%04d.fleet\n"
		    "  HostName 10.%d.%d.%d\n"
		    "  Port %d\n"
		    "  IdentityFile ~/.ssh/fleet_%%h\n", i, i,
		    i / 65536, (i / 256) % 256, i % 256, 20000 + i);
	}
	snprintf(config + len, size - len,
	    "Host *.fleet !node0001.fleet\n  User fleet\n"
	    "Host *\n  User admin\n  StrictHostKeyChecking no\n");
	conf = tsc_load(config);
	free(config);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof name, "node%04d", i);
		sshconf_resolve(conf, name, &h);
		snprintf(want, sizeof want, "10.%d.%d.%d", i / 65536,
		    (i / 256) % 256, i % 256);
		assert_string_equal(h.hostname, want);
		assert_int_equal(h.port, 20000 + i);
		assert_string_equal(h.user, "admin");
		assert_int_equal(h.strict, SSHCONF_STRICT_NO);
		assert_int_equal(h.nidentity_files, 1);
		sshconf_host_release(&h);
	}
	sshconf_resolve(conf, "node0002.fleet", &h);
	assert_string_equal(h.user, "fleet");
	assert_int_equal(h.port, 20002);
	sshconf_host_release(&h);
	sshconf_resolve(conf, "node0001.fleet", &h);
	assert_string_equal(h.user, "admin");
	sshconf_host_release(&h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("2000 hosts against 2000 blocks: %.3fs\n", elapsed);
	assert_true(elapsed < 10.0);
	sshconf_free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_options_before_host),
		cmocka_unit_test(test_host_patterns),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_errors),
		cmocka_unit_test(test_include_fanout),
		cmocka_unit_test(test_system_file),
		cmocka_unit_test(test_global_known_hosts),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_expansion),
		cmocka_unit_test(test_identity_files),
		cmocka_unit_test(test_large),
	};

	return (cmocka_run_group_tests(tests, tsc_setup, tsc_teardown));
}

/*
 * test-authkeys.c: unit tests for the authorized_keys line of muster keys
 * authorized-line: the public key line parser (every OpenSSH type, the
 * comment, and each way a file is not a public key), the checks of the
 * caller name, the agent path and the from= pattern-list, the line itself,
 * and which file authkeys_read() takes for a key path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "muster.h"

/* A real ed25519 public key. */
#define ED_B64	"AAAAC3NzaC1lZDI1NTE5AAAAIAE6L+z+" \
	"oOkudSAC9F8CdL1OGJ1FNZL9qsN3uKfcDbOT"

/* Append an SSH string (uint32 length, bytes). */
static size_t
put_string(unsigned char *p, const void *s, size_t len)
{
	p[0] = (len >> 24) & 0xff;
	p[1] = (len >> 16) & 0xff;
	p[2] = (len >> 8) & 0xff;
	p[3] = len & 0xff;
	memcpy(p + 4, s, len);
	return (len + 4);
}

/* The base64 of a blob whose first string is type, then one of key bytes. */
static char *
make_b64(const char *type, size_t keylen)
{
	unsigned char	 blob[512], key[128];
	size_t		 n = 0;
	char		*out;

	memset(key, 0x5a, sizeof key);
	n += put_string(blob + n, type, strlen(type));
	if (keylen > 0)
		n += put_string(blob + n, key, keylen);
	out = xmalloc(n / 3 * 4 + 8);
	EVP_EncodeBlock((unsigned char *)out, blob, (int)n);
	return (out);
}

static int
parse(const char *text, struct authkeys_pubkey *pk, char **cause)
{
	*cause = NULL;
	return (authkeys_parse(text, strlen(text), pk, cause));
}

static void
check_ok(const char *text, const char *type, const char *b64,
    const char *comment)
{
	struct authkeys_pubkey	 pk;
	char			*cause;

	if (parse(text, &pk, &cause) != 0)
		fail_msg("'%s': %s", text, cause);
	assert_string_equal(pk.type, type);
	assert_string_equal(pk.base64, b64);
	if (comment == NULL)
		assert_null(pk.comment);
	else
		assert_string_equal(pk.comment, comment);
	authkeys_pubkey_release(&pk);
}

static void
check_error(const char *text, size_t len, const char *want)
{
	struct authkeys_pubkey	 pk;
	char			*cause = NULL;

	if (authkeys_parse(text, len, &pk, &cause) == 0)
		fail_msg("'%s' parsed", text);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("'%s': '%s' lacks '%s'", text, cause, want);
	assert_null(strchr(cause, '\n'));
	assert_null(pk.type);
	assert_null(pk.base64);
	free(cause);
}

static void
test_parse_types(void **state)
{
	static const char *const types[] = {
		"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
		"ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
		"sk-ecdsa-sha2-nistp256@openssh.com", "ssh-rsa", "ssh-dss",
	};
	char	*b64, *text, comment[16];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		b64 = make_b64(types[i], 32);
		snprintf(comment, sizeof comment, "k%zu", i);
		xasprintf(&text, "%s %s %s\n", types[i], b64, comment);
		check_ok(text, types[i], b64, comment);
		free(text);
		free(b64);
	}
	b64 = make_b64("ssh-ed448", 57);
	xasprintf(&text, "ssh-ed448 %s\n", b64);
	check_error(text, strlen(text), "starts with 'ssh-ed448', not an");
	free(text);
	free(b64);
}

static void
test_parse_comment(void **state)
{
	(void)state;
	check_ok("ssh-ed25519 " ED_B64 " me@host\n", "ssh-ed25519", ED_B64,
	    "me@host");
	check_ok("ssh-ed25519 " ED_B64, "ssh-ed25519", ED_B64, NULL);
	check_ok("ssh-ed25519 " ED_B64 "  \r\n\n", "ssh-ed25519", ED_B64, NULL);
	check_ok(" \tssh-ed25519\t" ED_B64 "\ta\tb c \r\n", "ssh-ed25519",
	    ED_B64, "a b c");
	check_ok("ssh-ed25519 " ED_B64 " a\033[2Jb \"q\"", "ssh-ed25519",
	    ED_B64, "a?[2Jb \"q\"");
	check_ok("ssh-ed25519 " ED_B64 " caf\303\251", "ssh-ed25519", ED_B64,
	    "caf\303\251");
	check_ok("ssh-ed25519 " ED_B64 " \377x", "ssh-ed25519", ED_B64, "?x");
}

static void
test_parse_errors(void **state)
{
	char	*b64, *text;

	(void)state;
	check_error("", 0, "is empty");
	check_error(" \n\r\n\t", 5, "is empty");
	check_error("ssh-ed25519 \0AAAA", 17, "NUL byte");
	check_error("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n", 43,
	    "is a private key");
	check_error("ssh-ed25519 " ED_B64 " a\nssh-ed25519 " ED_B64 "\n",
	    strlen("ssh-ed25519 " ED_B64 " a\nssh-ed25519 " ED_B64 "\n"),
	    "more than one line");
	check_error("# ssh-ed25519 " ED_B64, strlen("# ssh-ed25519 " ED_B64),
	    "comment line");
	check_error("restrict,command=\"x y\" ssh-ed25519 " ED_B64 " c", 65,
	    "authorized_keys line with options ('restrict,command=\"x y\"')");
	check_error("from=\"a\" ssh-rsa AAAA", 21,
	    "authorized_keys line with options");
	check_error("garbage\n", 8, "starts with 'garbage', not an OpenSSH");
	check_error("\001\002\003", 3, "not an OpenSSH public key type");
	check_error("ssh-ed25519\n", 12, "no key data");
	check_error("ssh-ed25519   ", 14, "no key data");
	check_error("ssh-ed25519 AAAA*AAA", 20, "not valid base64");
	check_error("ssh-ed25519 AAAAA", 17, "not valid base64");
	check_error("ssh-ed25519 AA=A", 16, "not valid base64");
	check_error("ssh-ed25519 A===", 16, "not valid base64");
	check_error("ssh-ed25519 AAA=", 16, "truncated key data");
	/* A length beyond the data. */
	check_error("ssh-ed25519 AAAAIXNzaC1lZDI1NTE5", 32, "truncated");
	check_error("ssh-rsa " ED_B64, strlen("ssh-rsa " ED_B64),
	    "key data of type 'ssh-ed25519', not 'ssh-rsa'");
	b64 = make_b64("ssh-ed25519", 0);
	xasprintf(&text, "ssh-ed25519 %s", b64);
	check_error(text, strlen(text), "nothing after its type");
	free(text);
	free(b64);
}

static void
caller_ok(const char *s, int ok)
{
	char	*cause = NULL;
	int	 r;

	r = authkeys_check_caller(s, &cause);
	if (ok && r != 0)
		fail_msg("caller '%s' refused: %s", s, cause);
	if (!ok && r == 0)
		fail_msg("caller '%s' accepted", s);
	if (!ok)
		assert_non_null(strstr(cause, "1 to 64 letters"));
	free(cause);
}

static void
test_caller(void **state)
{
	char	long_name[70];

	(void)state;
	caller_ok("ops", 1);
	caller_ok("a.b_c@d-e.9", 1);
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	caller_ok(long_name, 1);
	long_name[64] = 'a';
	long_name[65] = '\0';
	caller_ok(long_name, 0);
	caller_ok("", 0);
	caller_ok("a b", 0);
	caller_ok("a\"b", 0);
	caller_ok("a;b", 0);
	caller_ok("a,b", 0);
	caller_ok("a\\b", 0);
	caller_ok("caf\303\251", 0);
	caller_ok("a\nb", 0);
}

static void
path_ok(const char *s, const char *want)
{
	char	*cause = NULL;
	int	 r;

	r = authkeys_check_agent_path(s, &cause);
	if (want == NULL && r != 0)
		fail_msg("path '%s' refused: %s", s, cause);
	if (want != NULL && r == 0)
		fail_msg("path '%s' accepted", s);
	if (want != NULL && strstr(cause, want) == NULL)
		fail_msg("path '%s': '%s' lacks '%s'", s, cause, want);
	free(cause);
}

static void
test_agent_path(void **state)
{
	(void)state;
	path_ok("/usr/libexec/muster/muster-agent", NULL);
	path_ok("/opt/muster-1.2_3/bin/muster-agent+x@y:z,w=v%~", NULL);
	path_ok("", "is not absolute");
	path_ok("bin/muster-agent", "is not absolute");
	path_ok("/a b", "may hold only letters");
	path_ok("/a\"b", "may hold only letters");
	path_ok("/a\\b", "may hold only letters");
	path_ok("/a\tb", "may hold only letters");
	path_ok("/a$b", "may hold only letters");
	path_ok("/a;b", "may hold only letters");
	path_ok("/a`b`", "may hold only letters");
	path_ok("/a\001", "may hold only letters");
}

static void
from_ok(const char *s, const char *want)
{
	char	*cause = NULL;
	int	 r;

	r = authkeys_check_from(s, &cause);
	if (want == NULL && r != 0)
		fail_msg("from '%s' refused: %s", s, cause);
	if (want != NULL && r == 0)
		fail_msg("from '%s' accepted", s);
	if (want != NULL && strstr(cause, want) == NULL)
		fail_msg("from '%s': '%s' lacks '%s'", s, cause, want);
	free(cause);
}

static void
test_from(void **state)
{
	(void)state;
	from_ok("127.0.0.0/8", NULL);
	from_ok("127.0.0.1", NULL);
	from_ok("*.example.com,!bad.example.com", NULL);
	from_ok("10.0.0.0/8,192.168.1.?,!10.1.2.3", NULL);
	from_ok("::1/128,2001:db8::/32,fe80::*", NULL);
	from_ok("10.0.0.0/33", NULL);	/* a pattern: matches nothing */
	from_ok("0.0.0.0/0", NULL);
	from_ok("10.1.2.4/30", NULL);
	from_ok("", "needs a pattern-list");
	from_ok("a b", "may hold no quote");
	from_ok("a\"b", "may hold no quote");
	from_ok("a\\b", "may hold no quote");
	from_ok("a\tb", "may hold no quote");
	from_ok("a\001", "may hold no quote");
	from_ok("caf\303\251", "may hold no quote");
	from_ok("a,,b", "empty pattern");
	from_ok("a,", "empty pattern");
	from_ok(",a", "empty pattern");
	from_ok("!", "empty pattern");
	from_ok("10.0.0.1/8", "'10.0.0.1/8' has bits set");
	from_ok("a,!10.1.2.5/30", "'10.1.2.5/30' has bits set");
	from_ok("2001:db8::1/32", "bits set");
}

static void
test_line(void **state)
{
	struct authkeys_pubkey	 pk;
	char			*cause, *line;

	(void)state;
	assert_int_equal(parse("ssh-ed25519 " ED_B64 " me@host", &pk,
	    &cause), 0);
	line = authkeys_line("/usr/libexec/muster/muster-agent", "ops", NULL,
	    &pk);
	assert_string_equal(line, "command=\"/usr/libexec/muster/muster-agent"
	    " --caller ops\",restrict ssh-ed25519 " ED_B64 " me@host");
	free(line);
	line = authkeys_line("/a", "ops", "10.0.0.0/8,!10.1.2.3", &pk);
	assert_string_equal(line, "command=\"/a --caller ops\",restrict,"
	    "from=\"10.0.0.0/8,!10.1.2.3\" ssh-ed25519 " ED_B64 " me@host");
	free(line);
	authkeys_pubkey_release(&pk);
	assert_int_equal(parse("ssh-ed25519 " ED_B64, &pk, &cause), 0);
	line = authkeys_line("/a", "web-team", NULL, &pk);
	assert_string_equal(line, "command=\"/a --caller web-team\",restrict"
	    " ssh-ed25519 " ED_B64 " muster-web-team");
	free(line);
	authkeys_pubkey_release(&pk);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
read_check(const char *path, const char *used_want, const char *want)
{
	struct authkeys_pubkey	 pk;
	char			*used, *cause = NULL;
	int			 r;

	r = authkeys_read(path, &pk, &used, &cause);
	if (want == NULL) {
		if (r != 0)
			fail_msg("%s: %s", path, cause);
		assert_string_equal(used, used_want);
		assert_string_equal(pk.base64, ED_B64);
		free(used);
		authkeys_pubkey_release(&pk);
		return;
	}
	assert_int_equal(r, -1);
	assert_null(used);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: '%s' lacks '%s'", path, cause, want);
	free(cause);
}

static void
test_read(void **state)
{
	char	 dir[] = "/tmp/test-authkeys.XXXXXX", p[256], q[256];
	char	 big[AUTHKEYS_FILE_MAX + 2];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/id", dir);
	snprintf(q, sizeof q, "%s/id.pub", dir);
	write_file(p, "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n");
	read_check(p, NULL, "id is a private key and ");
	read_check(p, NULL, "id.pub is not there (ssh-keygen -y -f ");
	read_check(q, NULL, "No such file");
	write_file(q, "ssh-ed25519 " ED_B64 " c\n");
	read_check(p, q, NULL);
	read_check(q, q, NULL);
	write_file(q, "junk\n");
	read_check(p, NULL, "id.pub starts with 'junk'");
	unlink(q);
	/* A public key under another name is read as it is. */
	write_file(p, "ssh-ed25519 " ED_B64 "\n");
	read_check(p, p, NULL);
	memset(big, ' ', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	write_file(p, big);
	read_check(p, NULL, "larger than 8192 bytes");
	read_check(dir, NULL, "not a regular file");
	unlink(p);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_types),
		cmocka_unit_test(test_parse_comment),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_caller),
		cmocka_unit_test(test_agent_path),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_read),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

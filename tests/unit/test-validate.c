/*
 * test-validate.c: unit tests for the name rules of validate.h, which the
 * client and muster-agent both apply: good names pass, and nothing that
 * could be read as an option, a second word or shell syntax does. And the
 * package DDL's validation regexes accept exactly the strings the rules
 * accept, so the client and the agent never disagree.
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

#include "muster.h"
#include "validate.h"

static const char *const good_packages[] = {
	"zsh", "libc6", "g++", "libstdc++6", "python3.11", "0ad", "A",
	"libc6:amd64", "libc6:i386", "x_y", "a~b", "linux-image-6.1.0-13-amd64",
	"fonts-noto-cjk", "libgtk-3-0:arm64", "R", "nodejs-18.x86_64", NULL
};

static const char *const bad_packages[] = {
	"", "-y", "--force-yes", "-", "zsh;rm -rf /", "zsh bash", "zsh\n",
	"zsh\nrm", "\nzsh", "$(reboot)", "`id`", "a|b", "a&b", "a>b", "a<b",
	"'zsh'", "\"zsh\"", ".zsh", "+zsh", "_zsh", "~zsh", "zsh:", ":amd64",
	"zsh:amd64:i386", "zsh:-amd64", "zsh:am.d64", "zsh/../x", "../zsh",
	"zsh*", "zsh?", "zsh\t", "zsh\r", "zsh\xc3\xa9", "zsh\x7f", "zsh=1.0",
	"zsh\\", "zsh,bash", "zsh$", "{a,b}", "a#b", "a%b", "a!b", "a@b",
	"zsh ", " zsh", NULL
};

static const char *const good_versions[] = {
	"2.0-1", "1:2.0-1", "2.0~rc1-1+deb12u1", "1.0_1", "5.9-4", "A1",
	"0", "7.4.3-1.el9", "2:8.2.2434-20.el9_2", NULL
};

static const char *const bad_versions[] = {
	"", "-1", "--1", "1.0;reboot", "1.0 1", ":1.0", ".1", "~1", "+1",
	"1.0\n", "1.0\nrm", "$(x)", "1/0", "1*", "1.0|x", "1.0&", "1.0>x",
	"1,0", "1.0'", "1.0\"", "1.0\t", "1.0=2", "1.0\xc3\xa9", NULL
};

/* A string of n copies of c. */
static char *
tval_fill(char c, size_t n)
{
	char	*s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return (s);
}

static void
test_package_name(void **state)
{
	size_t	 i;
	char	*s, *t;

	(void)state;
	for (i = 0; good_packages[i] != NULL; i++) {
		if (!validate_package_name(good_packages[i]))
			fail_msg("refused good name '%s'", good_packages[i]);
	}
	for (i = 0; bad_packages[i] != NULL; i++) {
		if (validate_package_name(bad_packages[i]))
			fail_msg("accepted bad name '%s'", bad_packages[i]);
	}
	assert_false(validate_package_name(NULL));

	s = tval_fill('a', VALIDATE_NAME_MAX);
	assert_true(validate_package_name(s));
	free(s);
	s = tval_fill('a', VALIDATE_NAME_MAX + 1);
	assert_false(validate_package_name(s));
	free(s);
	/* The bound holds for the architecture part too. */
	s = tval_fill('a', VALIDATE_NAME_MAX + 1);
	xasprintf(&t, "zsh:%s", s);
	assert_false(validate_package_name(t));
	free(t);
	free(s);
}

static void
test_package_version(void **state)
{
	size_t	 i;
	char	*s;

	(void)state;
	for (i = 0; good_versions[i] != NULL; i++) {
		if (!validate_package_version(good_versions[i]))
			fail_msg("refused good version '%s'",
			    good_versions[i]);
	}
	for (i = 0; bad_versions[i] != NULL; i++) {
		if (validate_package_version(bad_versions[i]))
			fail_msg("accepted bad version '%s'", bad_versions[i]);
	}
	assert_false(validate_package_version(NULL));
	s = tval_fill('1', VALIDATE_NAME_MAX + 1);
	assert_false(validate_package_version(s));
	free(s);
}

static void
test_service_name(void **state)
{
	const char *const good[] = {
		"cron", "getty@tty1", "systemd-journald.service",
		"user@1000.service", "a:b", "ssh", "x_y+z", NULL
	};
	const char *const bad[] = {
		"", "-x", "--now", "@x", ".x", "x y", "x;y", "x\n", "x/y",
		"../x", "$(x)", "x|y", "x*", NULL
	};
	size_t	i;

	(void)state;
	for (i = 0; good[i] != NULL; i++) {
		if (!validate_service_name(good[i]))
			fail_msg("refused good service '%s'", good[i]);
	}
	for (i = 0; bad[i] != NULL; i++) {
		if (validate_service_name(bad[i]))
			fail_msg("accepted bad service '%s'", bad[i]);
	}
	assert_false(validate_service_name(NULL));
}

static void
test_nrpe_command(void **state)
{
	const char *const good[] = {
		"check_disk", "check-load", "check.x", "c", "check_disk_2", NULL
	};
	const char *const bad[] = {
		"", "-x", ".x", "check disk", "check;x", "check:x", "check/x",
		"check\n", "check$1", "check@x", NULL
	};
	size_t	i;

	(void)state;
	for (i = 0; good[i] != NULL; i++) {
		if (!validate_nrpe_command(good[i]))
			fail_msg("refused good command '%s'", good[i]);
	}
	for (i = 0; bad[i] != NULL; i++) {
		if (validate_nrpe_command(bad[i]))
			fail_msg("accepted bad command '%s'", bad[i]);
	}
	assert_false(validate_nrpe_command(NULL));
}

/* Choria's shellsafe: what it lets through is why names have own rules. */
static void
test_shellsafe(void **state)
{
	const char *const good[] = {
		"", "zsh", "--force-yes", "zsh bash", "a'b", "a\"b", "a*b", NULL
	};
	const char *const bad[] = {
		"a;b", "a|b", "a&b", "a`b", "a$b", "a<b", "a>b", "a\nb",
		"a\tb", "a\x7f", "a\rb", NULL
	};
	size_t	i;

	(void)state;
	for (i = 0; good[i] != NULL; i++) {
		if (!validate_shellsafe(good[i]))
			fail_msg("refused shellsafe '%s'", good[i]);
	}
	for (i = 0; bad[i] != NULL; i++) {
		if (validate_shellsafe(bad[i]))
			fail_msg("accepted not shellsafe '%s'", bad[i]);
	}
	assert_false(validate_shellsafe(NULL));
}

/* Does the DDL's install action take these arguments? */
static int
tval_ddl_takes(const struct ddl *d, int argc, char **argv)
{
	struct wire_writer	 w;
	char			*cause = NULL;
	int			 r;

	wire_writer_init(&w);
	r = ddl_args(d, ddl_action(d, "install"), argc, argv, &w, &cause);
	wire_writer_release(&w);
	free(cause);
	return (r == 0);
}

/* The package DDL and validate.h agree on every name and version above. */
static void
test_package_ddl(void **state)
{
	const char *const *lists[] = {
		good_packages, bad_packages, good_versions, bad_versions
	};
	struct ddl	*d;
	char		*cause = NULL, *argv[2], *s;
	size_t		 i, j, len;
	int		 rule, ddl;

	(void)state;
	if (access("ddl/package.json", R_OK) != 0)
		skip();
	if ((d = ddl_load("ddl/package.json", "package", &cause)) == NULL)
		fail_msg("%s", cause);
	for (j = 0; j < 4; j++) {
		for (i = 0; lists[j][i] != NULL; i++) {
			xasprintf(&argv[0], "package=%s", lists[j][i]);
			rule = validate_package_name(lists[j][i]);
			ddl = tval_ddl_takes(d, 1, argv);
			if (rule != ddl)
				fail_msg("package '%s': rule %d, DDL %d",
				    lists[j][i], rule, ddl);
			free(argv[0]);

			argv[0] = xstrdup("package=zsh");
			xasprintf(&argv[1], "version=%s", lists[j][i]);
			rule = validate_package_version(lists[j][i]);
			ddl = tval_ddl_takes(d, 2, argv);
			if (rule != ddl)
				fail_msg("version '%s': rule %d, DDL %d",
				    lists[j][i], rule, ddl);
			free(argv[0]);
			free(argv[1]);
		}
	}
	/* And at the length bound. */
	for (len = VALIDATE_NAME_MAX - 1; len <= VALIDATE_NAME_MAX + 1;
	    len++) {
		s = tval_fill('a', len);
		xasprintf(&argv[0], "package=%s", s);
		assert_int_equal(tval_ddl_takes(d, 1, argv),
		    validate_package_name(s));
		free(argv[0]);
		free(s);
	}
	ddl_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_package_name),
		cmocka_unit_test(test_package_version),
		cmocka_unit_test(test_service_name),
		cmocka_unit_test(test_nrpe_command),
		cmocka_unit_test(test_shellsafe),
		cmocka_unit_test(test_package_ddl),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

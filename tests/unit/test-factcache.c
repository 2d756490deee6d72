/*
 * test-factcache.c: unit tests for the fact cache: a round trip keeps
 * every fact with its type, classes and agents and the time; saving
 * merges with what another run wrote (the newer record of a host wins);
 * a corrupt or oversized file is ignored, never fatal; the file and its
 * directory are private.
 */
#include <sys/stat.h>

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

static char	tfc_dir[] = "/tmp/test-factcache.XXXXXX";

static int
tfc_setup(void **state)
{
	char	*cmd;

	(void)state;
	assert_non_null(mkdtemp(tfc_dir));
	xasprintf(&cmd, "%s/cache", tfc_dir);
	setenv("XDG_CACHE_HOME", cmd, 1);
	free(cmd);
	return (0);
}

static int
tfc_teardown(void **state)
{
	char	*cmd;

	(void)state;
	xasprintf(&cmd, "rm -rf '%s'", tfc_dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return (0);
}

/* Start each test without a cache file. */
static void
tfc_reset(void)
{
	char	*path = factcache_path();

	unlink(path);
	free(path);
}

static void
tfc_set(struct factset *fs, const char *role)
{
	factset_init(fs);
	factset_set(fs, "role", role);
	factset_set(fs, "os.release.major", "12");
	factset_set(fs, "load", "0.5");
	factset_set(fs, "virtual", "false");
	factset_add_class(fs, "base");
	factset_add_agent(fs, "rpcutil");
	factset_sort(fs);
}

static void
test_path(void **state)
{
	char	*path, *want;

	(void)state;
	path = factcache_path();
	xasprintf(&want, "%s/cache/muster/facts", tfc_dir);
	assert_string_equal(path, want);
	free(path);
	free(want);
}

static void
test_round_trip(void **state)
{
	struct factcache	*fc;
	const struct factset	*got;
	const struct fact	*f;
	struct factset		 fs;
	struct stat		 sb;
	char			*cause = NULL, *path, *dir;
	time_t			 t;

	(void)state;
	tfc_reset();
	fc = factcache_load();
	assert_null(factcache_get(fc, "node1", NULL));
	tfc_set(&fs, "web");
	factcache_put(fc, "node1", &fs, 1000);
	factset_release(&fs);
	assert_int_equal(factcache_save(fc, &cause), 0);
	factcache_free(fc);

	fc = factcache_load();
	got = factcache_get(fc, "node1", &t);
	assert_non_null(got);
	assert_int_equal(t, 1000);
	assert_int_equal(got->complete, 1);
	assert_non_null(f = factset_get(got, "role"));
	assert_string_equal(f->text, "web");
	assert_non_null(f = factset_get(got, "os.release.major"));
	assert_int_equal(f->type, FACT_INTEGER);
	assert_int_equal(f->integer, 12);
	assert_non_null(f = factset_get(got, "load"));
	assert_int_equal(f->type, FACT_FLOAT);
	assert_non_null(f = factset_get(got, "virtual"));
	assert_int_equal(f->type, FACT_BOOLEAN);
	assert_int_equal(f->boolean, 0);
	assert_true(factset_has_class(got, "base"));
	assert_true(factset_has_agent(got, "rpcutil"));
	assert_null(factcache_get(fc, "node2", NULL));
	factcache_free(fc);

	path = factcache_path();
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(dir);
	free(path);
}

/* Two runs loaded the same cache; each saves; nothing newer is lost. */
static void
test_merge(void **state)
{
	struct factcache	*a, *b, *fc;
	const struct factset	*got;
	struct factset		 fs;
	char			*cause = NULL;
	time_t			 t;

	(void)state;
	tfc_reset();
	a = factcache_load();
	b = factcache_load();
	tfc_set(&fs, "web");
	factcache_put(a, "node1", &fs, 2000);	/* newer than b's */
	factcache_put(a, "node2", &fs, 1000);	/* older than b's */
	factset_release(&fs);
	tfc_set(&fs, "db");
	factcache_put(b, "node1", &fs, 1500);
	factcache_put(b, "node2", &fs, 1500);
	factcache_put(b, "node3", &fs, 1500);
	factset_release(&fs);
	assert_int_equal(factcache_save(a, &cause), 0);
	assert_int_equal(factcache_save(b, &cause), 0);
	factcache_free(a);
	factcache_free(b);

	fc = factcache_load();
	assert_non_null(got = factcache_get(fc, "node1", &t));
	assert_int_equal(t, 2000);
	assert_string_equal(factset_get(got, "role")->text, "web");
	assert_non_null(got = factcache_get(fc, "node2", &t));
	assert_int_equal(t, 1500);
	assert_string_equal(factset_get(got, "role")->text, "db");
	assert_non_null(factcache_get(fc, "node3", NULL));
	factcache_free(fc);
}

static void
tfc_write(const char *bytes, size_t len)
{
	char	*path = factcache_path();
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(path);
}

/* A good record then garbage: the whole file is ignored, not fatal. */
static void
test_corrupt(void **state)
{
	struct factcache	*fc;
	struct factset		 fs;
	char			*cause = NULL, *path;
	FILE			*f;

	(void)state;
	tfc_reset();
	fc = factcache_load();
	tfc_set(&fs, "web");
	factcache_put(fc, "node1", &fs, 1000);
	factset_release(&fs);
	assert_int_equal(factcache_save(fc, &cause), 0);
	factcache_free(fc);
	path = factcache_path();
	assert_non_null(f = fopen(path, "a"));
	fputs("\xc1garbage", f);
	assert_int_equal(fclose(f), 0);
	free(path);
	fc = factcache_load();
	assert_null(factcache_get(fc, "node1", NULL));
	factcache_free(fc);

	/* A record of the wrong shape; a truncated one. */
	tfc_write("\x93\x01\x02\x03", 4);
	fc = factcache_load();
	assert_null(factcache_get(fc, "node1", NULL));
	factcache_free(fc);
	tfc_write("\x85\xa4host\xa5no", 10);
	fc = factcache_load();
	assert_null(factcache_get(fc, "no", NULL));

	/* Saving over a corrupt file replaces it. */
	tfc_set(&fs, "db");
	factcache_put(fc, "node2", &fs, 1000);
	factset_release(&fs);
	assert_int_equal(factcache_save(fc, &cause), 0);
	factcache_free(fc);
	fc = factcache_load();
	assert_non_null(factcache_get(fc, "node2", NULL));
	factcache_free(fc);
}

/*
 * A record whose facts cannot be read (a binary value) is found out when
 * it is first used: that host is unknown, the others are still there.
 */
static void
test_bad_record(void **state)
{
	struct factcache	*fc;
	struct wire_writer	 w;
	const char		*data;
	size_t			 len;
	const char		 hosts[2][8] = { "good", "bad" };
	int			 i;

	(void)state;
	tfc_reset();
	wire_writer_init(&w);
	for (i = 0; i < 2; i++) {
		wire_put_map(&w, 5);
		wire_put_kstr(&w, "host", hosts[i]);
		wire_put_kint(&w, "time", 1000);
		wire_put_str(&w, "facts");
		wire_put_map(&w, 1);
		wire_put_str(&w, "role");
		if (i == 0)
			wire_put_str(&w, "web");
		else
			wire_put_raw(&w, "\xc4\x01\x00", 3);	/* bin */
		wire_put_str(&w, "classes");
		wire_put_array(&w, 0);
		wire_put_str(&w, "agents");
		wire_put_array(&w, 0);
	}
	data = wire_writer_data(&w, &len);
	tfc_write(data, len);
	wire_writer_release(&w);
	fc = factcache_load();
	assert_non_null(factcache_get(fc, "good", NULL));
	assert_null(factcache_get(fc, "bad", NULL));
	assert_null(factcache_get(fc, "bad", NULL));
	factcache_free(fc);
}

/* One record as factcache writes it: its length, then the map. */
static void
tfc_put_record(struct wire_writer *w, const char *host, int bad)
{
	struct wire_writer	one;
	const char		*data;
	unsigned char		 len[5];
	size_t			 n;

	wire_writer_init(&one);
	wire_put_map(&one, 5);
	wire_put_kstr(&one, "host", host);
	wire_put_kint(&one, "time", 1000);
	wire_put_str(&one, "facts");
	wire_put_map(&one, 3);
	wire_put_kstr(&one, "role", "web");
	wire_put_str(&one, "os");		/* nested: os.release.major */
	wire_put_map(&one, 2);
	wire_put_kstr(&one, "family", "debian");
	wire_put_str(&one, "release");
	wire_put_map(&one, 1);
	wire_put_kint(&one, "major", 12);
	wire_put_str(&one, "junk");
	if (bad)
		wire_put_raw(&one, "\xc4\x01\x00", 3);	/* bin: no fact */
	else
		wire_put_str(&one, "fine");
	wire_put_str(&one, "classes");
	wire_put_array(&one, 1);
	wire_put_str(&one, "base");
	wire_put_str(&one, "agents");
	wire_put_array(&one, 1);
	wire_put_str(&one, "rpcutil");
	data = wire_writer_data(&one, &n);
	len[0] = 0xce;
	len[1] = (unsigned char)(n >> 24);
	len[2] = (unsigned char)(n >> 16);
	len[3] = (unsigned char)(n >> 8);
	len[4] = (unsigned char)n;
	wire_put_raw(w, len, sizeof len);
	wire_put_raw(w, data, n);
	wire_writer_release(&one);
}

/*
 * A view builds only what is wanted, nested keys too; a value nobody
 * asks for is not read, so a record bad there still gives its view, and
 * is found out (the host unknown) once it is read whole.
 */
static void
test_view(void **state)
{
	struct factcache	*fc;
	struct wire_writer	 w;
	struct factset_want	 want;
	struct factset		 scratch;
	const struct factset	*v;
	const char		*data;
	size_t			 len;
	time_t			 t;

	(void)state;
	tfc_reset();
	wire_writer_init(&w);
	tfc_put_record(&w, "good", 0);
	tfc_put_record(&w, "bad", 1);
	data = wire_writer_data(&w, &len);
	tfc_write(data, len);
	wire_writer_release(&w);

	factset_want_init(&want);
	factset_want_key(&want, "os.release.major");
	factset_want_key(&want, "role");
	factset_want_key(&want, "role");
	factset_want_done(&want);
	assert_int_equal(want.nkeys, 2);
	factset_init(&scratch);
	fc = factcache_load();
	assert_non_null(v = factcache_view(fc, "good", &want, &scratch, &t));
	assert_int_equal(t, 1000);
	assert_int_equal(v->complete, 1);
	assert_int_equal(factset_get(v, "os.release.major")->integer, 12);
	assert_string_equal(factset_get(v, "role")->text, "web");
	assert_null(factset_get(v, "os.family"));
	assert_null(factset_get(v, "junk"));
	assert_int_equal(v->nclasses, 0);	/* not wanted */
	assert_non_null(v = factcache_view(fc, "bad", &want, &scratch, NULL));
	assert_string_equal(factset_get(v, "role")->text, "web");
	assert_null(factcache_view(fc, "nobody", &want, &scratch, NULL));

	/* Classes when wanted; everything without a want. */
	want.classes = 1;
	assert_non_null(v = factcache_view(fc, "good", &want, &scratch, NULL));
	assert_true(factset_has_class(v, "base"));
	assert_false(factset_has_agent(v, "rpcutil"));
	assert_non_null(v = factcache_view(fc, "good", NULL, &scratch, NULL));
	assert_string_equal(factset_get(v, "os.family")->text, "debian");
	assert_true(factset_has_agent(v, "rpcutil"));

	/* Read whole, the bad record is dropped, and stays dropped. */
	assert_non_null(factcache_get(fc, "good", NULL));
	assert_null(factcache_get(fc, "bad", NULL));
	assert_null(factcache_view(fc, "bad", &want, &scratch, NULL));
	factcache_free(fc);
	factset_release(&scratch);
	factset_want_release(&want);
}

/*
 * A length past the end of the file: the cache is ignored. A record that
 * is not sound inside its length is not written back when the cache is
 * saved; the sound ones are, unread.
 */
static void
test_length(void **state)
{
	struct factcache	*fc;
	struct wire_writer	 w;
	struct factset		 fs;
	const char		*data;
	char			*cause = NULL, *bytes;
	size_t			 len, off;

	(void)state;
	tfc_reset();
	wire_writer_init(&w);
	tfc_put_record(&w, "node1", 0);
	data = wire_writer_data(&w, &len);
	tfc_write(data, len - 1);
	fc = factcache_load();
	assert_null(factcache_get(fc, "node1", NULL));
	factcache_free(fc);
	wire_writer_release(&w);

	/* node2's length counts one byte more than its map: a stray nil. */
	wire_writer_init(&w);
	tfc_put_record(&w, "node1", 0);
	tfc_put_record(&w, "node2", 0);
	data = wire_writer_data(&w, &len);
	bytes = xmalloc(len + 1);
	memcpy(bytes, data, len);
	bytes[len] = '\xc0';
	off = len / 2;		/* both records are the same size */
	assert_int_equal((unsigned char)bytes[off], 0xce);
	bytes[off + 4]++;
	tfc_write(bytes, len + 1);
	free(bytes);
	wire_writer_release(&w);

	fc = factcache_load();
	assert_non_null(factcache_get(fc, "node1", NULL));
	assert_null(factcache_get(fc, "node2", NULL));
	factcache_free(fc);

	/* Saved unread: node2 is left out, node1 kept as it was. */
	fc = factcache_load();
	tfc_set(&fs, "db");
	factcache_put(fc, "node3", &fs, 2000);
	factset_release(&fs);
	assert_int_equal(factcache_save(fc, &cause), 0);
	factcache_free(fc);
	fc = factcache_load();
	assert_non_null(factcache_get(fc, "node1", NULL));
	assert_null(factcache_get(fc, "node2", NULL));
	assert_non_null(factcache_get(fc, "node3", NULL));
	factcache_free(fc);
}

/* A file past the bound is refused without being read. */
static void
test_bound(void **state)
{
	struct factcache	*fc;
	char			*path;
	FILE			*f;

	(void)state;
	tfc_reset();
	path = factcache_path();
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(ftruncate(fileno(f), 257 * 1024 * 1024), 0);
	assert_int_equal(fclose(f), 0);
	fc = factcache_load();
	assert_null(factcache_get(fc, "node1", NULL));
	factcache_free(fc);
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_bad_record),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_bound),
	};

	return (cmocka_run_group_tests(tests, tfc_setup, tfc_teardown));
}

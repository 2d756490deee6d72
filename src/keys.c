/*
 * keys.c: identities for publickey authentication, loaded once per run.
 *
 * Parsing a private key is the most expensive part of a connection with
 * libssh2's file-based calls (OpenSSL 3 sets up its decoders on every
 * PEM_read_bio_PrivateKey). So each key file is read and parsed once, and
 * every host authenticates through libssh2_userauth_publickey() with a
 * sign callback: unencrypted ed25519, ECDSA and RSA keys (OpenSSH or PEM
 * format) sign in-process with libcrypto, ssh-agent keys sign through the
 * agent. Other key files (DSA) are kept in memory and handed to libssh2,
 * which parses them per connection.
 *
 * RSA: libssh2 1.10 names the signature after the first string of the
 * public blob, so an "ssh-rsa" blob means a SHA-1 signature, which OpenSSH
 * 8.8 and later refuse. So an RSA key is offered twice, as a blob whose
 * type string reads "rsa-sha2-512", then "rsa-sha2-256" (e and n as in the
 * ssh-rsa blob; the server maps those names to the RSA key type), each
 * with a raw PKCS#1 v1.5 signature of that hash. libssh2 cannot tell which
 * algorithms the server accepts, so a refused 512 is followed by 256; each
 * refusal counts against the server's MaxAuthTries. The 256 variant is a
 * second struct key owned by the first.
 *
 * An identity file may be only a public key (key.pub, or key missing and
 * key.pub present): it selects the ssh-agent key with that blob, as OpenSSH
 * does for keys held by an agent or on hardware.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "muster.h"

#define KEY_FILE_MAX	(64 * 1024)

/* Why an identity file that is only a public key is not used alone. */
#define KEY_PUBLIC_ONLY	"public key only (its private key must be in ssh-agent)"

enum key_kind {
	KEY_ED25519,		/* parsed; signed with libcrypto */
	KEY_ECDSA,		/* parsed; signed with libcrypto */
	KEY_RSA,		/* parsed; signed with libcrypto */
	KEY_LIBSSH2,		/* file contents handed to libssh2 */
	KEY_AGENT,		/* signed by ssh-agent */
	KEY_UNUSABLE,		/* unreadable or encrypted */
};

struct key {
	char		*name;		/* path, or "agent: comment" */
	enum key_kind	 kind;
	char		*label;		/* name and algorithm, for messages */
	unsigned char	*blob;		/* public key, SSH wire format */
	size_t		 bloblen;
	const char	*alg;		/* RSA: rsa-sha2-512 or rsa-sha2-256 */
	unsigned char	*authblob;	/* RSA: blob with alg as its type */
	size_t		 authbloblen;
	struct key	*sha256;	/* RSA: the rsa-sha2-256 variant */
	EVP_PKEY	*pkey;		/* KEY_ED25519, KEY_ECDSA, KEY_RSA */
	const EVP_MD	*md;		/* KEY_ECDSA, KEY_RSA: the digest */
	char		*data;		/* KEY_LIBSSH2: the file */
	size_t		 datalen;
	const char	*agent_sock;	/* KEY_AGENT */
	const char	*why;		/* KEY_UNUSABLE: the reason */
};

/* The keys for one combination of settings, shared by its hosts. */
struct keylist {
	char		*id;
	struct key	**keys;
	size_t		  nkeys;
};

/* The identities of one ssh-agent socket, asked for once. */
struct keyagent {
	char		 *sock;
	struct key	**keys;
	size_t		  nkeys;
};

struct keyring {
	struct key	**files;	/* every file ever asked for */
	size_t		  nfiles;
	struct keyagent	 *agents;	/* every agent socket asked */
	size_t		  nagents;
	struct keylist	 *lists;
	size_t		  nlists;
};

/* A new empty keyring. */
struct keyring *
keyring_new(void)
{
	struct keyring	*kr;

	kr = xcalloc(1, sizeof *kr);
	return (kr);
}

static void
key_free(struct key *k)
{
	if (k == NULL)
		return;
	key_free(k->sha256);
	free(k->name);
	free(k->label);
	free(k->blob);
	free(k->authblob);
	EVP_PKEY_free(k->pkey);
	if (k->data != NULL)
		explicit_bzero(k->data, k->datalen);
	free(k->data);
	free(k);
}

/* Free the keyring, wiping private key material. */
void
keyring_free(struct keyring *kr)
{
	size_t	i, j;

	if (kr == NULL)
		return;
	for (i = 0; i < kr->nfiles; i++)
		key_free(kr->files[i]);
	free(kr->files);
	for (i = 0; i < kr->nagents; i++) {
		for (j = 0; j < kr->agents[i].nkeys; j++)
			key_free(kr->agents[i].keys[j]);
		free(kr->agents[i].keys);
		free(kr->agents[i].sock);
	}
	free(kr->agents);
	for (i = 0; i < kr->nlists; i++) {
		free(kr->lists[i].id);
		free(kr->lists[i].keys);
	}
	free(kr->lists);
	free(kr);
}

/* Read a whole small file; NULL on error. */
static char *
key_read_file(const char *path, size_t *len)
{
	char	*buf;
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	buf = xmalloc(KEY_FILE_MAX + 1);
	while (off < KEY_FILE_MAX &&
	    (n = read(fd, buf + off, KEY_FILE_MAX - off)) > 0)
		off += n;
	close(fd);
	buf[off] = '\0';
	*len = off;
	return (buf);
}

/* Take a 32-bit big-endian length and that many bytes. */
static int
key_take(const unsigned char **p, const unsigned char *end,
    const unsigned char **s, size_t *n)
{
	uint32_t	len;

	if (end - *p < 4)
		return (-1);
	len = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	    (uint32_t)(*p)[2] << 8 | (*p)[3];
	if ((size_t)(end - *p - 4) < len)
		return (-1);
	*s = *p + 4;
	*n = len;
	*p += 4 + len;
	return (0);
}

/* Is the string at s (n bytes) equal to the C string c? */
static int
key_streq(const unsigned char *s, size_t n, const char *c)
{
	return (n == strlen(c) && memcmp(s, c, n) == 0);
}

/* ECDSA curves: SSH name, OpenSSL group, digest of the signature. */
static const struct {
	const char	*ssh;
	const char	*group;
	const char	*digest;
} key_curves[] = {
	{ "nistp256", "prime256v1", "SHA256" },
	{ "nistp384", "secp384r1", "SHA384" },
	{ "nistp521", "secp521r1", "SHA512" },
};
#define KEY_NCURVES	(sizeof key_curves / sizeof key_curves[0])

/* The curve entry by SSH or OpenSSL name; -1 if unknown. */
static int
key_curve(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < KEY_NCURVES; i++) {
		if ((strlen(key_curves[i].ssh) == len &&
		    memcmp(key_curves[i].ssh, name, len) == 0) ||
		    (strlen(key_curves[i].group) == len &&
		    memcmp(key_curves[i].group, name, len) == 0))
			return ((int)i);
	}
	return (-1);
}

/* An EC private key from its curve, public point and scalar. */
static EVP_PKEY *
key_ecdsa_new(int curve, const unsigned char *q, size_t qlen,
    const unsigned char *d, size_t dlen)
{
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*bn;

	if ((bn = BN_bin2bn(d, dlen, NULL)) == NULL)
		return (NULL);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		goto out;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    key_curves[curve].group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q,
	    qlen) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(bn);
	return (pkey);
}

/* Append an SSH string (32-bit length, bytes) to a blob. */
static void
key_blob_str(struct strbuf *blob, const void *s, size_t n)
{
	unsigned char	len[4] = { n >> 24, n >> 16, n >> 8, n };

	strbuf_add(blob, len, sizeof len);
	strbuf_add(blob, s, n);
}

/* Append an SSH mpint: big-endian, a zero byte first if the top bit is set. */
static size_t
key_put_mpint(unsigned char *out, const BIGNUM *bn)
{
	size_t	n = BN_num_bytes(bn), pad;

	BN_bn2bin(bn, out + 5);
	pad = n > 0 && (out[5] & 0x80) ? 1 : 0;
	if (!pad)
		memmove(out + 4, out + 5, n);
	else
		out[4] = 0;
	n += pad;
	out[0] = n >> 24;
	out[1] = n >> 16;
	out[2] = n >> 8;
	out[3] = n;
	return (4 + n);
}

/* Append an SSH mpint to a blob. */
static void
key_blob_mpint(struct strbuf *blob, const BIGNUM *bn)
{
	unsigned char	*buf;
	size_t		 n;

	buf = xmalloc(5 + (size_t)BN_num_bytes(bn));
	n = key_put_mpint(buf, bn);
	strbuf_add(blob, buf, n);
	free(buf);
}

/*
 * An RSA private key from n, e, d, p, q and iqmp (big-endian, as in an
 * OpenSSH key); the CRT exponents are derived from them.
 */
static EVP_PKEY *
key_rsa_new(const unsigned char *v[6], const size_t vlen[6])
{
	static const char *const names[] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E,
		OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
		OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	BN_CTX		*bnctx = NULL;
	BIGNUM		*bn[6] = { NULL }, *dp = NULL, *dq = NULL, *t = NULL;
	size_t		 i;
	int		 ok = 0;

	for (i = 0; i < 6; i++) {
		if ((bn[i] = BN_bin2bn(v[i], vlen[i], NULL)) == NULL)
			goto out;
	}
	/* d mod (p - 1), d mod (q - 1) */
	if ((bnctx = BN_CTX_new()) == NULL || (dp = BN_new()) == NULL ||
	    (dq = BN_new()) == NULL || (t = BN_new()) == NULL ||
	    BN_sub(t, bn[3], BN_value_one()) != 1 ||
	    BN_mod(dp, bn[2], t, bnctx) != 1 ||
	    BN_sub(t, bn[4], BN_value_one()) != 1 ||
	    BN_mod(dq, bn[2], t, bnctx) != 1)
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		goto out;
	for (i = 0; i < 6; i++) {
		if (OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]) != 1)
			goto out;
	}
	if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1,
	    dp) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2,
	    dq) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	ok = 1;
out:
	if (!ok) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	for (i = 0; i < 6; i++)
		BN_clear_free(bn[i]);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(t);
	BN_CTX_free(bnctx);
	return (pkey);
}

/* Is this public blob an ssh-rsa key? */
static int
key_blob_is_rsa(const unsigned char *blob, size_t len)
{
	const unsigned char	*p = blob, *type;
	size_t			 tlen;

	return (key_take(&p, blob + len, &type, &tlen) == 0 &&
	    key_streq(type, tlen, "ssh-rsa"));
}

/* The blob offered for one RSA signature algorithm (k->blob is ssh-rsa). */
static void
key_rsa_set_alg(struct key *k, const char *alg, const char *digest)
{
	struct strbuf		 blob = STRBUF_INIT;
	const unsigned char	*p = k->blob, *type;
	size_t			 tlen;

	(void)key_take(&p, k->blob + k->bloblen, &type, &tlen);
	key_blob_str(&blob, alg, strlen(alg));
	strbuf_add(&blob, p, k->blob + k->bloblen - p);
	k->alg = alg;
	k->authbloblen = blob.len;
	k->authblob = (unsigned char *)strbuf_detach(&blob);
	k->md = EVP_get_digestbyname(digest);
	free(k->label);
	xasprintf(&k->label, "%s (%s)", k->name, alg);
}

/*
 * Make an RSA key (a parsed file or an agent key with an ssh-rsa blob) sign
 * rsa-sha2-512, with a second key for rsa-sha2-256 to try after it; -1 if
 * its blob is not an ssh-rsa one.
 */
static int
key_rsa_variants(struct key *k)
{
	struct key	*v;

	if (!key_blob_is_rsa(k->blob, k->bloblen))
		return (-1);
	v = xcalloc(1, sizeof *v);
	v->name = xstrdup(k->name);
	v->kind = k->kind;
	v->blob = xmalloc(k->bloblen);
	memcpy(v->blob, k->blob, k->bloblen);
	v->bloblen = k->bloblen;
	if (k->pkey != NULL && EVP_PKEY_up_ref(k->pkey) == 1)
		v->pkey = k->pkey;
	v->agent_sock = k->agent_sock;
	key_rsa_set_alg(k, "rsa-sha2-512", "SHA512");
	key_rsa_set_alg(v, "rsa-sha2-256", "SHA256");
	k->sha256 = v;
	return (0);
}

/*
 * Parse an OpenSSH-format private key ("openssh-key-v1"). Fills the public
 * blob always (it is in the clear) and sets the kind: KEY_ED25519 with the
 * private key parsed, KEY_UNUSABLE when encrypted, KEY_LIBSSH2 for other
 * types. Returns 0 if the format was recognised.
 */
static int
key_parse_openssh(struct key *k, const char *text)
{
	static const char	 begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	static const char	 magic[] = "openssh-key-v1";
	const char		*s, *e;
	unsigned char		*b64, *bin = NULL;
	const unsigned char	*p, *end, *cipher, *kdf, *kdfopt, *pub, *priv;
	const unsigned char	*type, *pk, *sk, *rsa[6];
	size_t			 n = 0, clen, kdflen, optlen, publen, privlen;
	size_t			 tlen, pklen, sklen, rsalen[6], i;
	int			 len, rc = -1, curve;

	if ((s = strstr(text, begin)) == NULL)
		return (-1);
	s += sizeof begin - 1;
	if ((e = strstr(s, "-----END")) == NULL)
		return (-1);
	b64 = xmalloc(e - s + 1);
	for (; s < e; s++) {
		if (*s != '\n' && *s != '\r' && *s != ' ' && *s != '\t')
			b64[n++] = *s;
	}
	bin = xmalloc(n + 1);
	len = EVP_DecodeBlock(bin, b64, n);
	free(b64);
	if (len < (int)sizeof magic)
		goto out;
	/* EVP_DecodeBlock counts '=' padding as zero bytes: harmless. */
	p = bin;
	end = bin + len;
	if (memcmp(p, magic, sizeof magic) != 0)
		goto out;
	p += sizeof magic;
	if (key_take(&p, end, &cipher, &clen) != 0 ||
	    key_take(&p, end, &kdf, &kdflen) != 0 ||
	    key_take(&p, end, &kdfopt, &optlen) != 0 || end - p < 4)
		goto out;
	p += 4;			/* number of keys: one */
	if (key_take(&p, end, &pub, &publen) != 0 ||
	    key_take(&p, end, &priv, &privlen) != 0)
		goto out;
	k->blob = xmalloc(publen);
	memcpy(k->blob, pub, publen);
	k->bloblen = publen;
	rc = 0;
	k->kind = KEY_LIBSSH2;
	if (!key_streq(cipher, clen, "none")) {
		log_debug("%s: %s is encrypted: only usable through ssh-agent",
		    __func__, k->name);
		k->kind = KEY_UNUSABLE;
		k->why = "encrypted (load it into ssh-agent)";
		goto out;
	}
	p = priv;
	end = priv + privlen;
	if (end - p < 8)
		goto out;
	p += 8;			/* check integers */
	if (key_take(&p, end, &type, &tlen) != 0)
		goto out;
	if (tlen > 11 && memcmp(type, "ecdsa-sha2-", 11) == 0) {
		/* string curve, string Q, mpint d */
		if (key_take(&p, end, &pk, &pklen) != 0 ||
		    (curve = key_curve((const char *)pk, pklen)) == -1 ||
		    key_take(&p, end, &pk, &pklen) != 0 ||
		    key_take(&p, end, &sk, &sklen) != 0)
			goto out;
		k->pkey = key_ecdsa_new(curve, pk, pklen, sk, sklen);
		if (k->pkey != NULL) {
			k->kind = KEY_ECDSA;
			k->md = EVP_get_digestbyname(key_curves[curve].digest);
		}
		goto out;
	}
	if (key_streq(type, tlen, "ssh-rsa")) {
		/* mpint n, e, d, iqmp, p, q */
		for (i = 0; i < 6; i++) {
			if (key_take(&p, end, &rsa[i], &rsalen[i]) != 0)
				goto out;
		}
		/* key_rsa_new wants n, e, d, p, q, iqmp */
		sk = rsa[3];
		sklen = rsalen[3];
		rsa[3] = rsa[4];
		rsalen[3] = rsalen[4];
		rsa[4] = rsa[5];
		rsalen[4] = rsalen[5];
		rsa[5] = sk;
		rsalen[5] = sklen;
		if ((k->pkey = key_rsa_new(rsa, rsalen)) != NULL)
			k->kind = KEY_RSA;
		goto out;
	}
	if (!key_streq(type, tlen, "ssh-ed25519"))
		goto out;	/* others (DSA): libssh2 parses them */
	if (key_take(&p, end, &pk, &pklen) != 0 ||
	    key_take(&p, end, &sk, &sklen) != 0 || pklen != 32 || sklen != 64)
		goto out;
	k->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, 32);
	if (k->pkey != NULL)
		k->kind = KEY_ED25519;
out:
	if (bin != NULL) {
		explicit_bzero(bin, n + 1);
		free(bin);
	}
	return (rc);
}

/*
 * Take the public blob from a public key file's text ("type base64
 * comment"); 0 if it is one: the blob's own type must match the first word.
 */
static int
key_parse_pubtext(struct key *k, const char *text)
{
	const unsigned char	*p, *type;
	unsigned char		*bin;
	const char		*b64;
	size_t			 wlen, len, tlen;
	int			 n;

	wlen = strcspn(text, " \t\r\n");
	b64 = text + wlen;
	b64 += strspn(b64, " \t");
	len = strcspn(b64, " \t\r\n");
	if (wlen == 0 || len == 0 || len > KEY_FILE_MAX)
		return (-1);
	bin = xmalloc(len + 1);
	n = EVP_DecodeBlock(bin, (const unsigned char *)b64, len);
	/* Drop the zero bytes that '=' padding produced. */
	while (n > 0 && len > 0 && b64[len - 1] == '=') {
		len--;
		n--;
	}
	p = bin;
	if (n <= 0 || key_take(&p, bin + n, &type, &tlen) != 0 ||
	    tlen != wlen || memcmp(type, text, wlen) != 0) {
		free(bin);
		return (-1);
	}
	free(k->blob);
	k->blob = bin;
	k->bloblen = n;
	return (0);
}

/* Read the public blob from path.pub; 0 if there is one. */
static int
key_read_pub(struct key *k, const char *path)
{
	char	*pubpath, *text;
	size_t	 len;
	int	 rc;

	xasprintf(&pubpath, "%s.pub", path);
	text = key_read_file(pubpath, &len);
	free(pubpath);
	if (text == NULL)
		return (-1);
	rc = key_parse_pubtext(k, text);
	free(text);
	return (rc);
}

/* libcrypto must never prompt for a passphrase: we have no terminal. */
static int
key_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return (-1);
}

/*
 * A PEM or PKCS#8 private key: ECDSA, ed25519 and RSA are parsed here,
 * once. Returns 0 if the key is kept in-process.
 */
static int
key_parse_pem(struct key *k, const char *text, size_t len)
{
	struct strbuf	 blob = STRBUF_INIT;
	BIO		*bio;
	EVP_PKEY	*pkey;
	BIGNUM		*rn = NULL, *re = NULL;
	unsigned char	 q[160];
	char		 group[64], method[64];
	size_t		 qlen;
	int		 curve;

	if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL)
		return (-1);
	pkey = PEM_read_bio_PrivateKey(bio, NULL, key_no_passphrase, NULL);
	BIO_free(bio);
	if (pkey == NULL)
		return (-1);
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519) {
		qlen = 32;
		if (EVP_PKEY_get_raw_public_key(pkey, q, &qlen) != 1)
			goto fail;
		key_blob_str(&blob, "ssh-ed25519", 11);
		key_blob_str(&blob, q, qlen);
		k->kind = KEY_ED25519;
	} else if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
		if (EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
		    NULL) != 1 ||
		    (curve = key_curve(group, strlen(group))) == -1 ||
		    EVP_PKEY_get_octet_string_param(pkey,
		    OSSL_PKEY_PARAM_PUB_KEY, q, sizeof q, &qlen) != 1)
			goto fail;
		snprintf(method, sizeof method, "ecdsa-sha2-%s",
		    key_curves[curve].ssh);
		key_blob_str(&blob, method, strlen(method));
		key_blob_str(&blob, key_curves[curve].ssh,
		    strlen(key_curves[curve].ssh));
		key_blob_str(&blob, q, qlen);
		k->kind = KEY_ECDSA;
		k->md = EVP_get_digestbyname(key_curves[curve].digest);
	} else if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
		if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N,
		    &rn) != 1 ||
		    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E,
		    &re) != 1)
			goto fail;
		key_blob_str(&blob, "ssh-rsa", 7);
		key_blob_mpint(&blob, re);
		key_blob_mpint(&blob, rn);
		k->kind = KEY_RSA;
	} else
		goto fail;
	BN_free(rn);
	BN_free(re);
	k->pkey = pkey;
	k->bloblen = blob.len;
	k->blob = (unsigned char *)strbuf_detach(&blob);
	return (0);
fail:
	BN_free(rn);
	BN_free(re);
	EVP_PKEY_free(pkey);
	strbuf_release(&blob);
	return (-1);
}

/* Load one identity file (once per run). */
static struct key *
keyring_file(struct keyring *kr, const char *path)
{
	struct key	*k;
	char		*text;
	size_t		 i, len;
	int		 error;

	for (i = 0; i < kr->nfiles; i++) {
		if (strcmp(kr->files[i]->name, path) == 0)
			return (kr->files[i]);
	}
	k = xcalloc(1, sizeof *k);
	k->name = xstrdup(path);
	k->kind = KEY_UNUSABLE;
	if ((text = key_read_file(path, &len)) == NULL) {
		error = errno;
		log_debug("%s: %s: %s", __func__, path, strerror(error));
		k->why = error == ENOENT ? "no such file" : "cannot be read";
		if (error == ENOENT && key_read_pub(k, path) == 0)
			k->why = KEY_PUBLIC_ONLY;
	} else {
		if (key_parse_openssh(k, text) != 0) {
			if (key_parse_pubtext(k, text) == 0)
				k->why = KEY_PUBLIC_ONLY;
			else if (strstr(text, "PRIVATE KEY-----") == NULL)
				k->why = "not a private key";
			else if (strstr(text, "ENCRYPTED") != NULL)
				k->why = "encrypted (load it into ssh-agent)";
			else if (key_parse_pem(k, text, len) != 0)
				k->kind = KEY_LIBSSH2;
		}
		if (k->kind == KEY_LIBSSH2) {
			k->data = text;
			k->datalen = len;
		} else {
			explicit_bzero(text, len);
			free(text);
		}
		if (k->blob == NULL)
			key_read_pub(k, path);
	}
	if (k->kind == KEY_RSA && key_rsa_variants(k) != 0) {
		k->kind = KEY_UNUSABLE;
		k->why = "damaged key file";
	}
	kr->files = xreallocarray(kr->files, kr->nfiles + 1,
	    sizeof *kr->files);
	kr->files[kr->nfiles++] = k;
	log_debug("%s: %s: %s", __func__, path,
	    k->kind == KEY_ED25519 ? "ed25519, signed in-process" :
	    k->kind == KEY_ECDSA ? "ecdsa, signed in-process" :
	    k->kind == KEY_RSA ? "rsa, signed in-process" :
	    k->kind == KEY_LIBSSH2 ? "handed to libssh2" :
	    k->blob != NULL ? "public key only" : "not usable");
	return (k);
}

/*
 * The identities of the agent at sock, asked for once per socket (none if
 * it cannot be asked). Valid until the next call.
 */
static struct keyagent *
keyring_load_agent(struct keyring *kr, const char *sock)
{
	struct keyagent		*ka;
	struct sshagent_id	*ids;
	struct key		*k;
	size_t			 n, i;

	for (i = 0; i < kr->nagents; i++) {
		if (strcmp(kr->agents[i].sock, sock) == 0)
			return (&kr->agents[i]);
	}
	kr->agents = xreallocarray(kr->agents, kr->nagents + 1,
	    sizeof *kr->agents);
	ka = &kr->agents[kr->nagents++];
	ka->sock = xstrdup(sock);
	ka->keys = NULL;
	ka->nkeys = 0;
	if (sshagent_list(sock, &ids, &n) != 0) {
		log_debug("%s: no agent at %s", __func__, sock);
		return (ka);
	}
	ka->keys = xcalloc(n == 0 ? 1 : n, sizeof *ka->keys);
	for (i = 0; i < n; i++) {
		k = xcalloc(1, sizeof *k);
		xasprintf(&k->name, "agent: %s", ids[i].comment);
		k->kind = KEY_AGENT;
		k->blob = ids[i].blob;
		k->bloblen = ids[i].bloblen;
		ids[i].blob = NULL;
		k->agent_sock = ka->sock;
		(void)key_rsa_variants(k);	/* if it is RSA */
		ka->keys[ka->nkeys++] = k;
	}
	sshagent_ids_free(ids, n);
	return (ka);
}

/* Is an agent key the public half of one of these files? */
static int
keyring_matches_file(struct key *a, struct key **files, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (files[i]->blob != NULL && files[i]->bloblen == a->bloblen &&
		    memcmp(files[i]->blob, a->blob, a->bloblen) == 0)
			return (1);
	}
	return (0);
}

/* Add a key to a host's list, and its rsa-sha2-256 variant after it. */
static void
keylist_add(struct keylist *kl, struct key *k)
{
	kl->keys[kl->nkeys++] = k;
	if (k->sha256 != NULL)
		kl->keys[kl->nkeys++] = k->sha256;
}

/* The keys to try for a host, in order. */
size_t
keyring_for_host(struct keyring *kr, const struct sshconf_host *conf,
    struct key ***keys)
{
	struct keyagent	 noagent = { NULL, NULL, 0 }, *ka = &noagent;
	struct keylist	*kl;
	struct key	**files;
	const char	*sock = NULL;
	char		*id, *tmp;
	size_t		 i, nfiles = 0;

	if (conf->identity_agent == NULL)
		sock = getenv("SSH_AUTH_SOCK");
	else if (strcmp(conf->identity_agent, "none") != 0 &&
	    strcmp(conf->identity_agent, "SSH_AUTH_SOCK") != 0)
		sock = conf->identity_agent;
	else if (strcmp(conf->identity_agent, "SSH_AUTH_SOCK") == 0)
		sock = getenv("SSH_AUTH_SOCK");
	if (sock != NULL && *sock == '\0')
		sock = NULL;

	xasprintf(&id, "%s|%d", sock != NULL ? sock : "", conf->identities_only);
	for (i = 0; i < conf->nidentity_files; i++) {
		xasprintf(&tmp, "%s|%s", id, conf->identity_files[i]);
		free(id);
		id = tmp;
	}
	for (i = 0; i < kr->nlists; i++) {
		if (strcmp(kr->lists[i].id, id) == 0) {
			free(id);
			*keys = kr->lists[i].keys;
			return (kr->lists[i].nkeys);
		}
	}

	kr->lists = xreallocarray(kr->lists, kr->nlists + 1,
	    sizeof *kr->lists);
	kl = &kr->lists[kr->nlists++];
	kl->id = id;
	kl->nkeys = 0;
	files = xcalloc(conf->nidentity_files + 1, sizeof *files);
	for (i = 0; i < conf->nidentity_files; i++)
		files[nfiles++] = keyring_file(kr, conf->identity_files[i]);
	if (sock != NULL)
		ka = keyring_load_agent(kr, sock);
	/* An RSA key is there twice: rsa-sha2-512, then rsa-sha2-256. */
	kl->keys = xcalloc(2 * (ka->nkeys + nfiles) + 1, sizeof *kl->keys);
	for (i = 0; i < ka->nkeys; i++) {
		if (!conf->identities_only ||
		    keyring_matches_file(ka->keys[i], files, nfiles))
			keylist_add(kl, ka->keys[i]);
	}
	for (i = 0; i < nfiles; i++) {
		if (files[i]->kind == KEY_UNUSABLE)
			continue;
		/* Skip a file whose key the agent already offered. */
		if (files[i]->blob != NULL &&
		    keyring_matches_file(files[i], ka->keys, ka->nkeys))
			continue;
		keylist_add(kl, files[i]);
	}
	free(files);
	*keys = kl->keys;
	return (kl->nkeys);
}

/*
 * An ECDSA signature as SSH wants it inside the signature blob:
 * mpint r, mpint s (libcrypto gives DER).
 */
static int
key_ecdsa_ssh_sig(const unsigned char *der, size_t derlen,
    unsigned char **sig, size_t *siglen)
{
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*es;
	size_t			 n;

	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		return (-1);
	ECDSA_SIG_get0(es, &r, &s);
	*sig = malloc(2 * (5 + (size_t)BN_num_bytes(r) +
	    (size_t)BN_num_bytes(s)));
	if (*sig == NULL) {
		ECDSA_SIG_free(es);
		return (-1);
	}
	n = key_put_mpint(*sig, r);
	n += key_put_mpint(*sig + n, s);
	*siglen = n;
	ECDSA_SIG_free(es);
	return (0);
}

/* libssh2 sign callback for in-process keys (ed25519, ECDSA, RSA). */
static int
key_sign_local(LIBSSH2_SESSION *session, unsigned char **sig,
    size_t *siglen, const unsigned char *data, size_t datalen,
    void **abstract)
{
	struct key	*k = *abstract;
	struct host	*h = libssh2_session_abstract(session) != NULL ?
			    *libssh2_session_abstract(session) : NULL;
	EVP_MD_CTX	*ctx;
	unsigned char	*out = NULL;
	size_t		 n = 0;
	int		 ok;

	*sig = NULL;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	ok = EVP_DigestSignInit(ctx, NULL, k->md, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, NULL, &n, data, datalen) == 1 &&
	    (out = malloc(n)) != NULL &&
	    EVP_DigestSign(ctx, out, &n, data, datalen) == 1;
	EVP_MD_CTX_free(ctx);
	if (ok && k->kind == KEY_ECDSA) {
		ok = key_ecdsa_ssh_sig(out, n, sig, siglen) == 0;
		free(out);
	} else if (ok) {
		/* libssh2 frees the signature with its allocator: free(). */
		*sig = out;
		*siglen = n;
	} else
		free(out);
	if (!ok) {
		log_debug("%s: %s: signing with %s failed", __func__,
		    h != NULL ? h->name : "?", k->name);
		return (-1);
	}
	return (0);
}

/* libssh2 sign callback for agent keys. */
static int
key_sign_agent(LIBSSH2_SESSION *session, unsigned char **sig,
    size_t *siglen, const unsigned char *data, size_t datalen,
    void **abstract)
{
	struct key	*k = *abstract;
	unsigned char	*s;
	size_t		 n;

	(void)session;
	if (sshagent_sign(k->agent_sock, k->blob, k->bloblen, k->alg, data,
	    datalen, &s, &n) != 0)
		return (-1);
	/* libssh2 frees the signature with its allocator: plain free(). */
	*sig = s;
	*siglen = n;
	return (0);
}

/* Try one key on a session. */
int
key_userauth(struct key *k, void *session, const char *user, void **abstract)
{
	LIBSSH2_SESSION		*s = session;
	const unsigned char	*blob = k->blob;
	size_t			 bloblen = k->bloblen;

	/* RSA: the blob names the signature algorithm (see the top). */
	if (k->authblob != NULL) {
		blob = k->authblob;
		bloblen = k->authbloblen;
	}
	*abstract = k;
	switch (k->kind) {
	case KEY_ED25519:
	case KEY_ECDSA:
	case KEY_RSA:
		return (libssh2_userauth_publickey(s, user, blob, bloblen,
		    key_sign_local, abstract));
	case KEY_AGENT:
		return (libssh2_userauth_publickey(s, user, blob, bloblen,
		    key_sign_agent, abstract));
	case KEY_LIBSSH2:
		return (libssh2_userauth_publickey_frommemory(s, user,
		    strlen(user), NULL, 0, k->data, k->datalen, NULL));
	default:
		return (LIBSSH2_ERROR_FILE);
	}
}

/* Why no identity file of the host could be used ("a: encrypted; b: ..."). */
char *
keyring_explain(struct keyring *kr, const struct sshconf_host *conf)
{
	struct key	*k;
	char		*s = xstrdup(""), *t;
	size_t		 i;

	for (i = 0; i < conf->nidentity_files; i++) {
		k = keyring_file(kr, conf->identity_files[i]);
		if (k->kind != KEY_UNUSABLE)
			continue;
		xasprintf(&t, "%s%s%s: %s", s, *s != '\0' ? "; " : "", k->name,
		    k->why != NULL ? k->why : "not usable");
		free(s);
		s = t;
	}
	return (s);
}

/* The key's name for messages (with the algorithm for RSA). */
const char *
key_label(const struct key *k)
{
	return (k->label != NULL ? k->label : k->name);
}

/*
 * authkeys.c: the one line of a host's authorized_keys that lets a key run
 * muster-agent and nothing else (muster keys authorized-line):
 *
 *	command="AGENT --caller NAME",restrict[,from="PATTERNS"] TYPE B64 C
 *
 * sshd runs the command through the account's login shell, whatever the
 * client asks for; restrict turns off the pty, forwarding, X11, agent
 * forwarding and ~/.ssh/rc. Everything that goes between the quotes is
 * checked here, so that nothing can end the quoted string, be taken by
 * sshd's option parser or by the shell: the caller name and the agent path
 * by an allow-list, the from= patterns as sshd reads them (a pattern sshd
 * cannot read makes it refuse the key on every login). The public key is
 * read as OpenSSH writes a .pub file, one "TYPE BASE64 [COMMENT]" line,
 * and its blob must decode and name the same type.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muster.h"
#include "sanitise.h"

/* The key types of OpenSSH public keys (sshkey.c's keytypes[]). */
static const char *const authkeys_types[] = {
	"ssh-ed25519",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"ssh-rsa",
	"ssh-dss",
	NULL
};

/* Shown of a word in a message at most. */
#define AUTHKEYS_SHOW	40

/* Bytes an agent path or a from= list may have at most. */
#define AUTHKEYS_PATH_MAX	1024
#define AUTHKEYS_FROM_MAX	1024

static int
authkeys_known_type(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; authkeys_types[i] != NULL; i++) {
		if (strlen(authkeys_types[i]) == len &&
		    strncmp(authkeys_types[i], s, len) == 0)
			return (1);
	}
	return (0);
}

static int
authkeys_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

/*
 * Decode len bytes of strict base64 (groups of four, '=' padding only at
 * the end) into a new buffer; NULL if it is not that.
 */
static unsigned char *
authkeys_b64_decode(const char *s, size_t len, size_t *outlen)
{
	unsigned char	*out;
	size_t		 i, n = 0, pad = 0;
	uint32_t	 acc = 0;
	int		 v;

	if (len == 0 || len % 4 != 0)
		return (NULL);
	if (s[len - 1] == '=')
		pad++;
	if (s[len - 2] == '=')
		pad++;
	out = xmalloc(len / 4 * 3);
	for (i = 0; i < len; i++) {
		if (i >= len - pad)
			v = 0;
		else if ((v = authkeys_b64_value((unsigned char)s[i])) == -1) {
			free(out);
			return (NULL);
		}
		acc = (acc << 6) | (uint32_t)v;
		if (i % 4 == 3) {
			out[n++] = (acc >> 16) & 0xff;
			out[n++] = (acc >> 8) & 0xff;
			out[n++] = acc & 0xff;
			acc = 0;
		}
	}
	*outlen = n - pad;
	return (out);
}

/*
 * A word of the input (len bytes) for a message, in buf: its first
 * AUTHKEYS_SHOW bytes, a newline (which would end the message) as '?'.
 * log_warnx() filters the other control characters.
 */
static const char *
authkeys_show(char *buf, const char *s, size_t len)
{
	size_t	i;

	if (len > AUTHKEYS_SHOW)
		len = AUTHKEYS_SHOW;
	for (i = 0; i < len; i++)
		buf[i] = s[i] == '\n' || s[i] == '\0' ? '?' : s[i];
	buf[len] = '\0';
	return (buf);
}

/* Check the blob's first string: the key type it was made as. */
static int
authkeys_check_blob(const char *type, const unsigned char *blob,
    size_t len, char **cause)
{
	char		show[AUTHKEYS_SHOW + 1];
	uint32_t	n;

	if (len < 4) {
		xasprintf(cause, "has truncated key data");
		return (-1);
	}
	n = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
	    (uint32_t)blob[2] << 8 | blob[3];
	if (n > len - 4) {
		xasprintf(cause, "has truncated key data");
		return (-1);
	}
	if (n != strlen(type) || memcmp(blob + 4, type, n) != 0) {
		xasprintf(cause, "has key data of type '%s', not '%s'",
		    authkeys_show(show, (const char *)blob + 4, n), type);
		return (-1);
	}
	if (n == len - 4) {
		xasprintf(cause, "has key data with nothing after its type");
		return (-1);
	}
	return (0);
}

/* Parse the text of a public key file; see muster.h. */
int
authkeys_parse(const char *text, size_t len, struct authkeys_pubkey *pk,
    char **cause)
{
	const char	*s, *end, *w, *b64, *c;
	unsigned char	*blob = NULL;
	size_t		 wlen, blen, clen, bloblen, i;
	char		*comment, show[AUTHKEYS_SHOW + 1];

	memset(pk, 0, sizeof *pk);
	if (memchr(text, '\0', len) != NULL) {
		xasprintf(cause, "holds a NUL byte: not a public key");
		return (-1);
	}
	s = text;
	end = text + len;
	while (s < end && strchr(" \t\r\n", *s) != NULL)
		s++;
	if (s == end) {
		xasprintf(cause, "is empty: not a public key");
		return (-1);
	}
	if ((size_t)(end - s) >= 10 && strncmp(s, "-----BEGIN", 10) == 0) {
		xasprintf(cause, "is a private key, not a public key");
		return (-1);
	}
	/* One line; whatever follows it may only be blank. */
	if ((c = memchr(s, '\n', end - s)) != NULL) {
		for (w = c; w < end; w++) {
			if (strchr(" \t\r\n", *w) == NULL) {
				xasprintf(cause, "holds more than one line"
				    " (one public key per file)");
				return (-1);
			}
		}
		end = c;
	}
	while (end > s && strchr(" \t\r", end[-1]) != NULL)
		end--;
	if (*s == '#') {
		xasprintf(cause, "is a comment line, not a public key");
		return (-1);
	}

	/* TYPE */
	wlen = strcspn(s, " \t");
	if (wlen > (size_t)(end - s))
		wlen = end - s;
	if (!authkeys_known_type(s, wlen)) {
		/* An authorized_keys line: options, then a known type. */
		for (w = s + wlen; w < end; w += strcspn(w, " \t")) {
			w += strspn(w, " \t");
			if (w >= end)
				break;
			i = strcspn(w, " \t");
			if (i > (size_t)(end - w))
				i = end - w;
			if (!authkeys_known_type(w, i))
				continue;
			xasprintf(cause, "is an authorized_keys line with"
			    " options ('%s'): give the bare public key",
			    authkeys_show(show, s, w - s - 1));
			return (-1);
		}
		xasprintf(cause, "starts with '%s', not an OpenSSH public key"
		    " type (ssh-ed25519, ecdsa-sha2-*, sk-*, ssh-rsa, ssh-dss)",
		    authkeys_show(show, s, wlen));
		return (-1);
	}

	/* BASE64 */
	b64 = s + wlen;
	b64 += strspn(b64, " \t");
	if (b64 >= end) {
		xasprintf(cause, "has no key data after its type");
		return (-1);
	}
	blen = strcspn(b64, " \t");
	if (blen > (size_t)(end - b64))
		blen = end - b64;
	if ((blob = authkeys_b64_decode(b64, blen, &bloblen)) == NULL) {
		xasprintf(cause, "has key data that is not valid base64");
		return (-1);
	}
	pk->type = xmalloc(wlen + 1);
	memcpy(pk->type, s, wlen);
	pk->type[wlen] = '\0';
	if (authkeys_check_blob(pk->type, blob, bloblen, cause) != 0) {
		free(blob);
		authkeys_pubkey_release(pk);
		return (-1);
	}
	free(blob);
	pk->base64 = xmalloc(blen + 1);
	memcpy(pk->base64, b64, blen);
	pk->base64[blen] = '\0';

	/* [COMMENT], one line of printable text: tabs become spaces. */
	c = b64 + blen;
	c += strspn(c, " \t");
	if (c < end) {
		clen = end - c;
		comment = xmalloc(clen + 1);
		for (i = 0; i < clen; i++)
			comment[i] = c[i] == '\t' || c[i] == '\r' ? ' ' : c[i];
		clen = sanitise(comment, comment, clen, 0);
		comment[clen] = '\0';
		pk->comment = comment;
	}
	return (0);
}

/* Free what a public key holds (not the struct). */
void
authkeys_pubkey_release(struct authkeys_pubkey *pk)
{
	free(pk->type);
	free(pk->base64);
	free(pk->comment);
	memset(pk, 0, sizeof *pk);
}

/* Read the text of a file of at most AUTHKEYS_FILE_MAX bytes. */
static char *
authkeys_slurp(const char *path, size_t *len, int *error, char **cause)
{
	struct stat	 st;
	char		*buf;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	*error = 0;
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK)) == -1) {
		*error = errno;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		close(fd);
		return (NULL);
	}
	buf = xmalloc(AUTHKEYS_FILE_MAX + 1);
	while (n <= AUTHKEYS_FILE_MAX) {
		r = read(fd, buf + n, AUTHKEYS_FILE_MAX + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return (NULL);
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	if (n > AUTHKEYS_FILE_MAX) {
		xasprintf(cause, "%s: larger than %d bytes: not a public key",
		    path, AUTHKEYS_FILE_MAX);
		free(buf);
		return (NULL);
	}
	buf[n] = '\0';
	*len = n;
	return (buf);
}

/* Read a public key from a .pub file or beside a private key; muster.h. */
int
authkeys_read(const char *path, struct authkeys_pubkey *pk, char **used,
    char **cause)
{
	char	*pub = NULL, *text = NULL, *why = NULL;
	size_t	 len = 0, plen = strlen(path);
	int	 error, rc = -1;

	*used = NULL;
	memset(pk, 0, sizeof *pk);
	/* A private key's public half, as ssh-keygen writes it. */
	if (plen < 4 || strcmp(path + plen - 4, ".pub") != 0) {
		xasprintf(&pub, "%s.pub", path);
		if ((text = authkeys_slurp(pub, &len, &error, cause)) != NULL) {
			*used = pub;
			pub = NULL;
		} else if (error != ENOENT)
			goto out;
		else {
			free(*cause);
			*cause = NULL;
		}
	}
	if (text == NULL) {
		if ((text = authkeys_slurp(path, &len, &error, cause)) == NULL)
			goto out;
		*used = xstrdup(path);
	}
	if (authkeys_parse(text, len, pk, &why) == 0)
		rc = 0;
	else if (pub != NULL && len >= 10 && strncmp(text + strspn(text,
	    " \t\r\n"), "-----BEGIN", 10) == 0)
		xasprintf(cause, "%s is a private key and %s is not there"
		    " (ssh-keygen -y -f %s >%s writes it)", path, pub, path,
		    pub);
	else
		xasprintf(cause, "%s %s", *used, why);
out:
	if (rc != 0) {
		free(*used);
		*used = NULL;
	}
	free(why);
	free(text);
	free(pub);
	return (rc);
}

/* Is this caller name safe in the forced command? See muster.h. */
int
authkeys_check_caller(const char *name, char **cause)
{
	const char	*s;
	char		 show[AUTHKEYS_SHOW + 1];

	for (s = name; *s != '\0'; s++) {
		if (strchr("._@-", *s) == NULL &&
		    !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9'))
			break;
	}
	if (*s == '\0' && s != name && s - name <= AUTHKEYS_NAME_MAX)
		return (0);
	xasprintf(cause, "caller name '%s' must be 1 to 64 letters, digits"
	    " and . _ @ -", authkeys_show(show, name, strlen(name)));
	return (-1);
}

/* Is this agent path safe in the forced command? See muster.h. */
int
authkeys_check_agent_path(const char *path, char **cause)
{
	const char	*s;
	char		 show[AUTHKEYS_SHOW + 1];

	authkeys_show(show, path, strlen(path));
	if (*path != '/') {
		xasprintf(cause, "agent path '%s' is not absolute (sshd runs"
		    " the forced command in the account's home)", show);
		return (-1);
	}
	if (strlen(path) > AUTHKEYS_PATH_MAX) {
		xasprintf(cause, "agent path '%s...' is longer than %d bytes",
		    show, AUTHKEYS_PATH_MAX);
		return (-1);
	}
	/* The login shell runs it too: none of its metacharacters. */
	for (s = path; *s != '\0'; s++) {
		if (strchr("/._-+@:,=%~", *s) == NULL &&
		    !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9')) {
			xasprintf(cause, "agent path '%s' may hold only"
			    " letters, digits and / . _ - + @ : , = %% ~ (sshd"
			    " and the login shell read it)", show);
			return (-1);
		}
	}
	return (0);
}

/*
 * An address/masklen pattern, as sshd's addr_pton_cidr() reads one: 1 if
 * it is one, 0 if it is not (a wildcard pattern then), -1 if it is one
 * sshd refuses (host bits set beyond the mask).
 */
static int
authkeys_cidr(const char *p, size_t len)
{
	unsigned char	 addr[16];
	char		 buf[64], *slash, *ep;
	long		 mask;
	size_t		 i, alen;
	int		 af;

	if (len >= sizeof buf || memchr(p, '/', len) == NULL)
		return (0);
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (strspn(buf, "0123456789abcdefABCDEF.:/") != len)
		return (0);
	slash = strchr(buf, '/');
	*slash++ = '\0';
	errno = 0;
	mask = strtol(slash, &ep, 10);
	if (*slash == '\0' || *ep != '\0' || errno != 0)
		return (0);
	af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	alen = af == AF_INET ? 4 : 16;
	if (inet_pton(af, buf, addr) != 1 || mask < 0 ||
	    mask > (long)alen * 8)
		return (0);
	for (i = 0; i < alen; i++) {
		if ((long)(i + 1) * 8 <= mask)
			continue;
		if ((long)i * 8 >= mask) {
			if (addr[i] != 0)
				return (-1);
		} else if (addr[i] & (0xff >> (mask - (long)i * 8)))
			return (-1);
	}
	return (1);
}

/* Is this a from= pattern-list sshd reads? See muster.h. */
int
authkeys_check_from(const char *list, char **cause)
{
	const char	*s, *p;
	char		 show[AUTHKEYS_SHOW + 1];
	size_t		 len;

	if (*list == '\0') {
		xasprintf(cause, "--from needs a pattern-list, not ''");
		return (-1);
	}
	authkeys_show(show, list, strlen(list));
	if (strlen(list) > AUTHKEYS_FROM_MAX) {
		xasprintf(cause, "--from '%s...' is longer than %d bytes",
		    show, AUTHKEYS_FROM_MAX);
		return (-1);
	}
	for (s = list; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || (unsigned char)*s <= ' ' ||
		    (unsigned char)*s >= 0x7f) {
			xasprintf(cause, "--from '%s' may hold no quote,"
			    " backslash, whitespace or control character",
			    show);
			return (-1);
		}
	}
	for (p = list;; p += len + 1) {
		len = strcspn(p, ",");
		s = p;
		if (*s == '!')
			s++;
		if (s == p + len) {
			xasprintf(cause, "--from '%s' has an empty pattern"
			    " (sshd would refuse the key)", show);
			return (-1);
		}
		if (authkeys_cidr(s, len - (s - p)) == -1) {
			xasprintf(cause, "--from: '%s' has bits set beyond its"
			    " mask length (sshd would refuse the key)",
			    authkeys_show(show, s, len - (s - p)));
			return (-1);
		}
		if (p[len] == '\0')
			break;
	}
	return (0);
}

/* The authorized_keys line; see muster.h. */
char *
authkeys_line(const char *agent, const char *caller, const char *from,
    const struct authkeys_pubkey *pk)
{
	char	*line;

	if (pk->comment != NULL && *pk->comment != '\0')
		xasprintf(&line, "command=\"%s --caller %s\",restrict%s%s%s"
		    " %s %s %s", agent, caller, from != NULL ? ",from=\"" : "",
		    from != NULL ? from : "", from != NULL ? "\"" : "",
		    pk->type, pk->base64, pk->comment);
	else
		xasprintf(&line, "command=\"%s --caller %s\",restrict%s%s%s"
		    " %s %s muster-%s", agent, caller,
		    from != NULL ? ",from=\"" : "", from != NULL ? from : "",
		    from != NULL ? "\"" : "", pk->type, pk->base64, caller);
	return (line);
}

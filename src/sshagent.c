/*
 * sshagent.c: a minimal ssh-agent client: list identities and ask for a
 * signature. The agent is local and answers in well under a millisecond,
 * so each exchange is a short blocking round trip on its Unix socket with
 * a two-second bound; it never waits on the network.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muster.h"

#define SSH_AGENTC_REQUEST_IDENTITIES	11
#define SSH_AGENT_IDENTITIES_ANSWER	12
#define SSH_AGENTC_SIGN_REQUEST		13
#define SSH_AGENT_SIGN_RESPONSE		14
#define SSHAGENT_MAX_REPLY		(256 * 1024)
#define SSHAGENT_MAX_IDS		64
#define SSH_AGENT_RSA_SHA2_256		0x02
#define SSH_AGENT_RSA_SHA2_512		0x04

/* Connect to the agent socket; -1 on failure. */
static int
sshagent_connect(const char *path)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { 2, 0 };
	int			fd;

	if (path == NULL || strlen(path) >= sizeof sun.sun_path)
		return (-1);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Read or write exactly n bytes. */
static int
sshagent_io(int fd, void *buf, size_t n, int writing)
{
	char	*p = buf;
	ssize_t	 r;

	while (n > 0) {
		r = writing ? write(fd, p, n) : read(fd, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (-1);
		p += r;
		n -= r;
	}
	return (0);
}

static void
sshagent_put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t
sshagent_get32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Send one message and read the answer; the answer is malloc'd. */
static int
sshagent_exchange(const char *path, const unsigned char *msg, size_t len,
    unsigned char **ans, size_t *anslen)
{
	unsigned char	hdr[4];
	uint32_t	n;
	int		fd;

	*ans = NULL;
	if ((fd = sshagent_connect(path)) == -1)
		return (-1);
	sshagent_put32(hdr, len);
	if (sshagent_io(fd, hdr, 4, 1) != 0 ||
	    sshagent_io(fd, (void *)msg, len, 1) != 0 ||
	    sshagent_io(fd, hdr, 4, 0) != 0)
		goto fail;
	n = sshagent_get32(hdr);
	if (n == 0 || n > SSHAGENT_MAX_REPLY)
		goto fail;
	*ans = xmalloc(n);
	if (sshagent_io(fd, *ans, n, 0) != 0)
		goto fail;
	*anslen = n;
	close(fd);
	return (0);
fail:
	free(*ans);
	*ans = NULL;
	close(fd);
	return (-1);
}

/* Take one SSH string from p; -1 if it does not fit. */
static int
sshagent_string(const unsigned char **p, const unsigned char *end,
    const unsigned char **s, size_t *len)
{
	uint32_t	n;

	if (end - *p < 4)
		return (-1);
	n = sshagent_get32(*p);
	if ((size_t)(end - *p - 4) < n)
		return (-1);
	*s = *p + 4;
	*len = n;
	*p += 4 + n;
	return (0);
}

/* The agent's identities. */
int
sshagent_list(const char *path, struct sshagent_id **ids, size_t *nids)
{
	unsigned char		 req = SSH_AGENTC_REQUEST_IDENTITIES;
	unsigned char		*ans;
	const unsigned char	*p, *end, *blob, *comment;
	size_t			 anslen, bloblen, clen, i;
	uint32_t		 n;

	*ids = NULL;
	*nids = 0;
	if (sshagent_exchange(path, &req, 1, &ans, &anslen) != 0)
		return (-1);
	p = ans;
	end = ans + anslen;
	if (*p++ != SSH_AGENT_IDENTITIES_ANSWER || end - p < 4)
		goto fail;
	n = sshagent_get32(p);
	p += 4;
	if (n > SSHAGENT_MAX_IDS)
		n = SSHAGENT_MAX_IDS;
	*ids = xcalloc(n == 0 ? 1 : n, sizeof **ids);
	for (i = 0; i < n; i++) {
		if (sshagent_string(&p, end, &blob, &bloblen) != 0 ||
		    sshagent_string(&p, end, &comment, &clen) != 0)
			break;
		(*ids)[i].blob = xmalloc(bloblen);
		memcpy((*ids)[i].blob, blob, bloblen);
		(*ids)[i].bloblen = bloblen;
		(*ids)[i].comment = xstrndup((const char *)comment, clen);
	}
	*nids = i;
	free(ans);
	return (0);
fail:
	free(ans);
	return (-1);
}

/*
 * Ask the agent to sign data with the key whose public blob is given; for
 * an RSA key, alg picks the hash (the flags of draft-miller-ssh-agent) and
 * the agent must answer with a signature of that type.
 */
int
sshagent_sign(const char *path, const unsigned char *blob, size_t bloblen,
    const char *alg, const unsigned char *data, size_t datalen,
    unsigned char **sig, size_t *siglen)
{
	unsigned char		*msg, *ans, *q;
	const unsigned char	*p, *end, *outer, *type, *raw;
	size_t			 len, anslen, outerlen, typelen, rawlen;
	uint32_t		 flags = 0;
	int			 rc = -1;

	if (bloblen > SSHAGENT_MAX_REPLY || datalen > SSHAGENT_MAX_REPLY)
		return (-1);
	if (alg != NULL && strcmp(alg, "rsa-sha2-256") == 0)
		flags = SSH_AGENT_RSA_SHA2_256;
	else if (alg != NULL && strcmp(alg, "rsa-sha2-512") == 0)
		flags = SSH_AGENT_RSA_SHA2_512;
	len = 1 + 4 + bloblen + 4 + datalen + 4;
	q = msg = xmalloc(len);
	*q++ = SSH_AGENTC_SIGN_REQUEST;
	sshagent_put32(q, bloblen);
	memcpy(q + 4, blob, bloblen);
	q += 4 + bloblen;
	sshagent_put32(q, datalen);
	memcpy(q + 4, data, datalen);
	q += 4 + datalen;
	sshagent_put32(q, flags);
	if (sshagent_exchange(path, msg, len, &ans, &anslen) != 0) {
		free(msg);
		return (-1);
	}
	free(msg);
	p = ans;
	end = ans + anslen;
	if (*p++ != SSH_AGENT_SIGN_RESPONSE ||
	    sshagent_string(&p, end, &outer, &outerlen) != 0)
		goto out;
	/* The signature blob is string(type) string(signature). */
	p = outer;
	end = outer + outerlen;
	if (sshagent_string(&p, end, &type, &typelen) != 0 ||
	    sshagent_string(&p, end, &raw, &rawlen) != 0)
		goto out;
	/* An agent that ignored the flags signed with SHA-1. */
	if (alg != NULL && (typelen != strlen(alg) ||
	    memcmp(type, alg, typelen) != 0)) {
		log_debug("%s: asked for %s, the agent signed %.*s", __func__,
		    alg, (int)(typelen > 64 ? 64 : typelen), type);
		goto out;
	}
	*sig = xmalloc(rawlen);
	memcpy(*sig, raw, rawlen);
	*siglen = rawlen;
	rc = 0;
out:
	free(ans);
	return (rc);
}

/* Free a list from sshagent_list. */
void
sshagent_ids_free(struct sshagent_id *ids, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(ids[i].blob);
		free(ids[i].comment);
	}
	free(ids);
}

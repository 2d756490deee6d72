/*
 * agent-file.c: reading a small file of the host's (a lock, puppet's
 * summary, a policy) whole and bounded: only a regular file, never more
 * than its bound even if it grows while read, never blocking on a FIFO.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

int
agent_read_file(const char *path, size_t max, char **out, size_t *outlen,
    struct stat *sbp, char **cause)
{
	struct stat	 sb;
	char		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, r = -1;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_NOCTTY)) == -1) {
		if (errno == ENOENT)
			return (1);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		goto out;
	}
	if ((uintmax_t)sb.st_size > max) {
		xasprintf(cause, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	buf = xmalloc(max + 1);
	/* Read one byte past max: a file that grew is still refused. */
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += n;
		if (len > max) {
			xasprintf(cause, "%s: larger than %zu bytes", path,
			    max);
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	if (sbp != NULL)
		*sbp = sb;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return (r);
}

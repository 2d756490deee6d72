/*
 * agent-exec.c: run a program for an action, the one way every agent runs
 * anything (see agent.h).
 *
 * Theory of operation. The child starts a new session, so it and whatever
 * it forks share one process group that can be signalled as a whole; its
 * stdin is /dev/null and its stdout and stderr are pipes. A third pipe,
 * closed on exec, tells the parent whether execve() failed and why. The
 * parent polls the two output pipes and, where the kernel has pidfds, the
 * child itself (else it polls in short slices and tries waitpid). Output
 * beyond max is read and dropped, so a flooding child neither blocks nor
 * grows the agent. At the timeout the group gets SIGTERM, and SIGKILL two
 * seconds later. When the child has exited but something it left behind
 * still holds the pipes open, they are drained for a short grace and then
 * abandoned, so a background daemon cannot hold the reply.
 */
#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define EXEC_KILL_MS	2000	/* SIGTERM to SIGKILL */
#define EXEC_GRACE_MS	1000	/* draining after the child exited */
#define EXEC_SLICE_MS	50	/* without pidfd: how often to waitpid */

struct exec_stream {
	int	  fd;
	char	**buf;
	size_t	 *len;
	int	 *truncated;
	size_t	  size;
};

/* Milliseconds on the monotonic clock. */
static int64_t
exec_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The child's side: set up and exec, or report errno and exit. */
static void __attribute__((noreturn))
exec_child(const char *const argv[], const char *const env[], int outfd,
    int errfd, int statusfd)
{
	sigset_t	set;
	int		fd, sig, e;

	setsid();
	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);

	if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1 ||
	    dup2(outfd, STDOUT_FILENO) == -1 ||
	    dup2(errfd, STDERR_FILENO) == -1)
		goto fail;
	/* Nothing of the agent's but the status pipe survives. */
	if (statusfd > 3)
		close_range(3, statusfd - 1, 0);
	close_range(statusfd + 1, ~0U, 0);

	if (env != NULL)
		execvpe(argv[0], (char *const *)argv, (char *const *)env);
	else
		execvp(argv[0], (char *const *)argv);
fail:
	e = errno;
	if (write(statusfd, &e, sizeof e) == -1) {
		/* Nothing left to tell. */
	}
	_exit(127);
}

/* Read what is there; keep the first max bytes. */
static void
exec_read(struct exec_stream *s, size_t max)
{
	char	buf[65536];
	ssize_t	n;
	size_t	keep, want;

	n = read(s->fd, buf, sizeof buf);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	keep = max - *s->len;
	if (keep > (size_t)n)
		keep = n;
	if (keep < (size_t)n)
		*s->truncated = 1;
	if (keep == 0)
		return;
	if (*s->len + keep + 1 > s->size) {
		want = s->size < 4096 ? 4096 : s->size;
		while (want < *s->len + keep + 1)
			want *= 2;
		if (want > max + 1)
			want = max + 1;
		*s->buf = xreallocarray(*s->buf, 1, want);
		s->size = want;
	}
	memcpy(*s->buf + *s->len, buf, keep);
	*s->len += keep;
	(*s->buf)[*s->len] = '\0';
}

/* A pidfd for the child, or -1 where the kernel has none. */
static int
exec_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return ((int)syscall(SYS_pidfd_open, pid, 0));
#else
	(void)pid;
	return (-1);
#endif
}

/* The earlier of a deadline and a wait so far (-1: none). */
static int
exec_wait(int wait, int64_t deadline, int64_t now)
{
	int64_t	ms;

	if (deadline == -1)
		return (wait);
	ms = deadline > now ? deadline - now : 0;
	if (wait == -1 || ms < wait)
		return ((int)ms);
	return (wait);
}

/* Run a program and collect its output and status. */
int
exec_run(const char *const argv[], const char *const env[], int timeout_s,
    size_t max, struct exec_result *res)
{
	struct exec_stream	 s[2];
	struct pollfd		 pfd[4];
	int			 outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int			 stp[2] = { -1, -1 };
	int			 pidfd = -1, status = 0, reaped = 0, e, wait;
	int			 watch_caller = 1;
	int64_t			 now, term_at, kill_at = -1, grace_at = -1;
	nfds_t			 nfds, i;
	ssize_t			 n;
	pid_t			 pid;

	memset(res, 0, sizeof *res);
	res->out = xstrdup("");
	res->err = xstrdup("");
	if (argv == NULL || argv[0] == NULL) {
		res->error = xstrdup("no program to run");
		return (-1);
	}

	if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0 ||
	    pipe2(stp, O_CLOEXEC) != 0) {
		xasprintf(&res->error, "pipe: %s", strerror(errno));
		goto fail;
	}
	switch (pid = fork()) {
	case -1:
		xasprintf(&res->error, "fork: %s", strerror(errno));
		goto fail;
	case 0:
		exec_child(argv, env, outp[1], errp[1], stp[1]);
	}
	close(outp[1]);
	close(errp[1]);
	close(stp[1]);
	outp[1] = errp[1] = stp[1] = -1;

	/* EOF means the exec happened; an int is its errno. */
	do
		n = read(stp[0], &e, sizeof e);
	while (n == -1 && errno == EINTR);
	close(stp[0]);
	stp[0] = -1;
	if (n == (ssize_t)sizeof e) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		xasprintf(&res->error, "%s: %s", argv[0], strerror(e));
		goto fail;
	}
	log_debug("%s: %s started as %ld", __func__, argv[0], (long)pid);

	fcntl(outp[0], F_SETFL, fcntl(outp[0], F_GETFL) | O_NONBLOCK);
	fcntl(errp[0], F_SETFL, fcntl(errp[0], F_GETFL) | O_NONBLOCK);
	s[0].fd = outp[0];
	s[0].buf = &res->out;
	s[0].len = &res->outlen;
	s[0].truncated = &res->out_truncated;
	s[0].size = 1;
	s[1].fd = errp[0];
	s[1].buf = &res->err;
	s[1].len = &res->errlen;
	s[1].truncated = &res->err_truncated;
	s[1].size = 1;
	outp[0] = errp[0] = -1;
	pidfd = exec_pidfd(pid);

	now = exec_now();
	term_at = timeout_s > 0 ? now + (int64_t)timeout_s * 1000 : -1;
	for (;;) {
		if (reaped && s[0].fd == -1 && s[1].fd == -1)
			break;
		if (reaped && grace_at != -1 && now >= grace_at)
			break;
		if (term_at != -1 && now >= term_at) {
			log_debug("%s: %ld timed out", __func__, (long)pid);
			kill(-pid, SIGTERM);
			res->timed_out = 1;
			term_at = -1;
			kill_at = now + EXEC_KILL_MS;
		}
		if (kill_at != -1 && now >= kill_at) {
			kill(-pid, SIGKILL);
			kill_at = -1;
		}

		nfds = 0;
		for (i = 0; i < 2; i++) {
			if (s[i].fd == -1)
				continue;
			pfd[nfds].fd = s[i].fd;
			pfd[nfds].events = POLLIN;
			nfds++;
		}
		if (!reaped && pidfd != -1) {
			pfd[nfds].fd = pidfd;
			pfd[nfds].events = POLLIN;
			nfds++;
		}
		/*
		 * The caller's end of our stdout: when the client goes away
		 * (cancelled, timed out, connection dropped), sshd closes it
		 * and poll() says POLLERR. Nobody will read the answer, so the
		 * action stops rather than run on unseen.
		 */
		if (watch_caller && !reaped && !res->abandoned) {
			pfd[nfds].fd = STDOUT_FILENO;
			pfd[nfds].events = 0;
			nfds++;
		}
		wait = -1;
		if (!reaped && pidfd == -1)
			wait = EXEC_SLICE_MS;
		wait = exec_wait(wait, term_at, now);
		wait = exec_wait(wait, kill_at, now);
		if (reaped)
			wait = exec_wait(wait, grace_at, now);

		if (poll(pfd, nfds, wait) == -1 && errno != EINTR)
			fatal("poll");
		if (watch_caller && !reaped && !res->abandoned &&
		    pfd[nfds - 1].fd == STDOUT_FILENO) {
			if (pfd[nfds - 1].revents & POLLNVAL)
				watch_caller = 0;
			else if (pfd[nfds - 1].revents & (POLLERR | POLLHUP)) {
				log_debug("%s: caller gone, stopping %ld",
				    __func__, (long)pid);
				kill(-pid, SIGTERM);
				res->abandoned = 1;
				term_at = -1;
				kill_at = now + EXEC_KILL_MS;
			}
		}
		for (i = 0; i < 2; i++) {
			if (s[i].fd != -1)
				exec_read(&s[i], max);
		}
		if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
			reaped = 1;
			grace_at = exec_now() + EXEC_GRACE_MS;
		}
		now = exec_now();
	}
	/* What ran past its timeout, or for no one, goes entirely. */
	if (res->timed_out || res->abandoned)
		kill(-pid, SIGKILL);

	for (i = 0; i < 2; i++) {
		if (s[i].fd != -1)
			close(s[i].fd);
	}
	if (pidfd != -1)
		close(pidfd);
	if (WIFSIGNALED(status)) {
		res->signo = WTERMSIG(status);
		res->status = 128 + res->signo;
	} else
		res->status = WEXITSTATUS(status);
	log_debug("%s: %ld ended with %d", __func__, (long)pid, res->status);
	return (0);

fail:
	for (i = 0; i < 2; i++) {
		if (outp[i] != -1)
			close(outp[i]);
		if (errp[i] != -1)
			close(errp[i]);
		if (stp[i] != -1)
			close(stp[i]);
	}
	return (-1);
}

/* Free what a run collected. */
void
exec_result_release(struct exec_result *res)
{
	free(res->out);
	free(res->err);
	free(res->error);
	memset(res, 0, sizeof *res);
}

/*
 * pid-daemon.c: a small real daemon for the service agent's tests, run by
 * the per-host init scripts of t0720:
 *
 *   pid-daemon [-d] [-t seconds] pidfile
 *
 * It forks twice and starts a session, so it leaves the caller's process
 * group, moves to /, puts /dev/null on its standard streams, writes its
 * pid to pidfile and sleeps until SIGTERM or SIGINT, when it removes the
 * pidfile and exits. The first process exits 0 once the pidfile is
 * written, so an init script's start returns with the daemon in place.
 * With -d the daemon dies right after writing its pidfile, as a daemon
 * that fails once detached does: the start says 0, the pidfile stays.
 * -t (default 600) ends it by itself after that many seconds, so a test
 * that forgets to stop it cannot leave it behind for long.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	pid_daemon_done;

static void
usage(void)
{
	fprintf(stderr, "usage: pid-daemon [-d] [-t seconds] pidfile\n");
	exit(64);
}

static void
pid_daemon_sig(int sig)
{
	(void)sig;
	pid_daemon_done = 1;
}

/* Write our pid to path through a temporary file and a rename. */
static int
pid_daemon_write(const char *path)
{
	char	 tmp[4096];
	FILE	*f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return (-1);
	if ((f = fopen(tmp, "w")) == NULL)
		return (-1);
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return (-1);
	}
	return (0);
}

/* Remove path if it still holds our pid. */
static void
pid_daemon_remove(const char *path)
{
	FILE	*f;
	long	 pid = 0;

	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid == (long)getpid())
		unlink(path);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	const char		*pidfile;
	char			 byte = 'x', rest, *end;
	ssize_t			 n;
	long			 lifetime = 600;
	time_t			 until;
	int			 ch, die = 0, p[2], fd;
	pid_t			 pid;

	while ((ch = getopt(argc, argv, "dt:")) != -1) {
		switch (ch) {
		case 'd':
			die = 1;
			break;
		case 't':
			errno = 0;
			lifetime = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || lifetime < 1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	pidfile = argv[optind];
	if (*pidfile != '/') {
		fprintf(stderr, "pid-daemon: %s: not an absolute path\n",
		    pidfile);
		return (64);
	}

	if (pipe(p) != 0) {
		perror("pid-daemon: pipe");
		return (1);
	}
	switch (pid = fork()) {
	case -1:
		perror("pid-daemon: fork");
		return (1);
	case 0:
		break;
	default:
		/*
		 * A byte: the pidfile is there. Then EOF: the daemon closed
		 * its end, or with -d has exited, so a status that follows
		 * sees it dead. EOF alone: the daemon failed.
		 */
		close(p[1]);
		while (read(p[0], &byte, 1) == -1 && errno == EINTR)
			;
		for (;;) {
			n = read(p[0], &rest, 1);
			if (n == 0 || (n == -1 && errno != EINTR))
				break;
		}
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		return (byte == 'y' ? 0 : 1);
	}

	close(p[0]);
	if (setsid() == -1)
		_exit(1);
	switch (fork()) {
	case -1:
		_exit(1);
	case 0:
		break;
	default:
		_exit(0);
	}
	if (chdir("/") != 0)
		_exit(1);
	if ((fd = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		_exit(1);
	if (fd > STDERR_FILENO)
		close(fd);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pid_daemon_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (pid_daemon_write(pidfile) != 0)
		_exit(1);
	byte = 'y';
	if (write(p[1], &byte, 1) != 1)
		_exit(1);
	/* With -d the exit closes the pipe, once the process is gone. */
	if (die)
		_exit(1);
	close(p[1]);

	until = time(NULL) + lifetime;
	while (!pid_daemon_done && time(NULL) < until)
		sleep(1);
	pid_daemon_remove(pidfile);
	return (0);
}

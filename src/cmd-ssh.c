/*
 * cmd-ssh.c: muster ssh: an interactive ssh to the one host the selection
 * matches, with the ssh_config muster itself uses. When several match, a
 * numbered menu on a terminal, else an error that lists them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muster.h"

/*
 * Ask which host on the terminal: 0 with its index, 1 when the answer is
 * not a number of the menu (or none came), -1 when there is no terminal.
 */
static int
cmd_ssh_menu(const struct hostlist *l, size_t *choice)
{
	FILE		*tty;
	char		 line[64], *end;
	unsigned long	 n;
	size_t		 i;
	int		 rc = 1;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+")) == NULL)
		return (-1);
	for (i = 0; i < l->n; i++)
		fprintf(tty, "%4zu) %s\n", i + 1, l->hosts[i]);
	fprintf(tty, "host number (1-%zu): ", l->n);
	fflush(tty);
	if (fgets(line, sizeof line, tty) != NULL) {
		errno = 0;
		n = strtoul(line, &end, 10);
		if (errno == 0 && end != line && (*end == '\n' ||
		    *end == '\0') && n >= 1 && n <= l->n) {
			*choice = n - 1;
			rc = 0;
		}
	}
	fclose(tty);
	return (rc);
}

static int
cmd_ssh_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct hostlist	 l = HOSTLIST_INIT;
	char		*cause = NULL, *path = NULL, *folded, *own, *dir;
	char		**args = NULL;
	size_t		 choice = 0, n = 0;
	int		 i, must_exist, menu, code = EXIT_USAGE;

	if ((code = selection_hosts(ctx, &l)) != EXIT_ALL_OK)
		goto out;
	if (l.n > 1 && (menu = cmd_ssh_menu(&l, &choice)) != 0) {
		code = EXIT_USAGE;
		if (menu == 1) {
			log_warnx("no host chosen");
			goto out;
		}
		folded = hostlist_fold(l.hosts, l.n);
		log_warnx("%zu hosts match: %s; narrow the selection", l.n,
		    folded);
		free(folded);
		goto out;
	}

	/*
	 * ssh reads ~/.ssh/config by itself; any other file muster reads
	 * (named, or muster's own) is given with -F.
	 */
	args = xcalloc((size_t)argc + 6, sizeof *args);
	args[n++] = (char *)"ssh";
	path = action_ssh_config(ctx, &must_exist);
	dir = config_dir();
	xasprintf(&own, "%s/ssh_config", dir);
	free(dir);
	if (must_exist || strcmp(path, own) == 0) {
		args[n++] = (char *)"-F";
		args[n++] = path;
	}
	free(own);
	args[n++] = (char *)"--";
	args[n++] = l.hosts[choice];
	for (i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	log_debug("%s: ssh to %s", __func__, l.hosts[choice]);
	fflush(stdout);
	execvp("ssh", args);
	log_warn("ssh: cannot run ssh");
	code = 127;
out:
	free(args);
	free(path);
	free(cause);
	hostlist_release(&l);
	return (code);
}

const struct cmd_entry cmd_ssh_entry = {
	.name = "ssh",
	.args = "[-- COMMAND ...]",
	.summary = "ssh to the one host the selection matches (a menu when"
	    " several do)",
	.exec = cmd_ssh_exec,
	.groups = CMD_SELECTION | CMD_EXECUTION,
};

/*
 * ui.c: everything that talks to the terminal: colours taken from
 * terminfo and the progress bar on stderr. Nothing else writes escape
 * sequences.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "muster.h"
#include "sanitise.h"

static int	 ui_colors;		/* colour output on stdout */
static int	 ui_progress_on;	/* stderr is a terminal with "el" */
static int	 ui_progress_drawn;
static char	*ui_seq[UI_BOLD + 1];
static char	*ui_reset;
static char	*ui_el;			/* clear to end of line, stderr */
static int	 ui_output_errno;	/* first write error on stdout */

/* Fetch a terminfo capability as a new string, or NULL. */
static char *
ui_cap(const char *name, int arg, int with_arg)
{
	char	*s;

	s = tigetstr(name);
	if (s == NULL || s == (char *)-1)
		return (NULL);
	if (with_arg)
		s = tiparm(s, arg);
	return (s != NULL ? xstrdup(s) : NULL);
}

/* Decide whether to colour and look the sequences up. */
int
ui_init(const char *mode, char **cause)
{
	const char	*nc, *term = getenv("TERM");
	int		 want, err, progress;

	if (mode == NULL || strcmp(mode, "auto") == 0) {
		nc = getenv("NO_COLOR");
		want = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
	} else if (strcmp(mode, "always") == 0)
		want = 1;
	else if (strcmp(mode, "never") == 0)
		want = 0;
	else {
		xasprintf(cause, "--color must be auto, always or never, not"
		    " '%s'", mode);
		return (-1);
	}
	progress = isatty(STDERR_FILENO) && term != NULL &&
	    strcmp(term, "dumb") != 0;

	/*
	 * Read terminfo once, copy the sequences, and free it again: the
	 * capabilities depend on $TERM only.
	 */
	if ((progress || want) && term != NULL &&
	    setupterm(NULL, progress ? STDERR_FILENO : STDOUT_FILENO,
	    &err) == OK) {
		if (progress && (ui_el = ui_cap("el", 0, 0)) != NULL)
			ui_progress_on = 1;
		if (want && tigetnum("colors") >= 8) {
			ui_seq[UI_RED] = ui_cap("setaf", COLOR_RED, 1);
			ui_seq[UI_YELLOW] = ui_cap("setaf", COLOR_YELLOW, 1);
			ui_seq[UI_GREEN] = ui_cap("setaf", COLOR_GREEN, 1);
			ui_seq[UI_BOLD] = ui_cap("bold", 0, 0);
			ui_reset = ui_cap("sgr0", 0, 0);
		}
		del_curterm(cur_term);
		cur_term = NULL;
	}
	if (want && ui_reset == NULL && strcmp(mode != NULL ? mode : "",
	    "always") == 0) {
		/* Asked for colour with no usable terminfo: plain ANSI. */
		ui_seq[UI_RED] = xstrdup("\033[31m");
		ui_seq[UI_YELLOW] = xstrdup("\033[33m");
		ui_seq[UI_GREEN] = xstrdup("\033[32m");
		ui_seq[UI_BOLD] = xstrdup("\033[1m");
		ui_reset = xstrdup("\033[m");
	}
	ui_colors = ui_reset != NULL;
	return (0);
}

/* Are colours on? */
int
ui_color_enabled(void)
{
	return (ui_colors);
}

/*
 * Write text that may come from a remote host, through sanitise(): only
 * newline, tab and printable UTF-8 reach the terminal, so a hostile host
 * cannot move the operator's cursor, retitle the terminal or hide a line.
 */
void
ui_write(FILE *f, enum ui_color c, const char *s, size_t len)
{
	char	 small[256], *buf;
	int	 on = ui_colors && c != UI_NONE && ui_seq[c] != NULL;

	buf = len <= sizeof small ? small : xmalloc(len);
	len = sanitise(buf, s, len, SANITISE_NEWLINE | SANITISE_TAB);
	if (on)
		fputs(ui_seq[c], f);
	fwrite(buf, 1, len, f);
	if (on)
		fputs(ui_reset, f);
	if (buf != small)
		free(buf);
}

/* Write a string in a colour (control characters made harmless). */
void
ui_fputs(FILE *f, enum ui_color c, const char *s)
{
	ui_write(f, c, s, strlen(s));
}

/* Formatted output in a colour. */
void
ui_fprintf(FILE *f, enum ui_color c, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	ui_fputs(f, c, s);
	free(s);
}

/* Draw " * [ =====>     ] 37 / 480" on stderr. */
void
ui_progress(size_t done, size_t total)
{
	struct winsize	ws;
	char		count[64], *bar;
	int		width = 80, barw, fill, i;

	if (!ui_progress_on || total == 0)
		return;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		width = ws.ws_col;
	snprintf(count, sizeof count, " %zu / %zu", done, total);
	barw = width - 8 - (int)strlen(count);
	if (barw < 10)
		barw = 10;
	if (barw > 60)
		barw = 60;
	fill = (int)((double)done / total * barw);
	bar = xmalloc(barw + 1);
	for (i = 0; i < barw; i++)
		bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
	bar[barw] = '\0';
	fprintf(stderr, "\r * [ %s ]%s", bar, count);
	fflush(stderr);
	free(bar);
	ui_progress_drawn = 1;
}

/* Erase the progress bar before results are printed. */
void
ui_progress_clear(void)
{
	if (!ui_progress_drawn)
		return;
	/* The bar is only drawn where terminfo gave us "el". */
	fputc('\r', stderr);
	fputs(ui_el, stderr);
	fflush(stderr);
	ui_progress_drawn = 0;
}

/*
 * Make output errors visible (call first in main). Descriptors 0, 1 and 2
 * that are closed get /dev/null opened read-only: no socket or file of the
 * run can become stdout, and writing to a closed stdout still fails (with
 * EBADF). SIGXFSZ is ignored, so a write past RLIMIT_FSIZE fails with EFBIG
 * and is reported instead of killing the process. At exit, a write error
 * on stdout is reported and the exit status becomes EXIT_IOERR.
 */
void
ui_output_init(void)
{
	int	fd;

	for (fd = 0; fd <= 2; fd++) {
		/* open() takes the lowest free descriptor: this one. */
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDONLY) == -1)
			break;
	}
	signal(SIGXFSZ, SIG_IGN);
	atexit(ui_output_exit);
}

/*
 * Flush stdout; the errno of its first write error, or 0. Call it with
 * errno as the writes since the last call left it (set errno to 0 before
 * them): a write that failed in an implicit flush leaves only ferror()
 * and errno behind. EIO when the error's errno is unknown.
 */
int
ui_output_error(void)
{
	int	saved = errno;

	errno = 0;
	if (fflush(stdout) == 0)
		errno = saved;
	if (ferror(stdout) && ui_output_errno == 0)
		ui_output_errno = errno != 0 ? errno : EIO;
	return (ui_output_errno);
}

/*
 * At exit (atexit): report a write error on stdout in one line, and exit
 * EXIT_IOERR. A reader that went away (EPIPE: "muster ... | head") is
 * not worth a message, but the status still says the output is partial.
 */
void
ui_output_exit(void)
{
	int	err;

	if ((err = ui_output_error()) == 0)
		return;
	if (err != EPIPE)
		log_warnx("cannot write output: %s", strerror(err));
	_exit(EXIT_IOERR);
}

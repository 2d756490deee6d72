/*
 * ui-live.c: the live view, a full-screen picture of a run drawn with
 * curses on the controlling terminal while the hosts run: a header (the
 * command, the hosts, the time), the count of hosts in each state, the
 * hosts in flight (longest first), the failures as they arrive, and a
 * footer with the keys.
 *
 * Theory of operation. action_run() asks for the view with ui_live_new()
 * when a person watches (stdout and stderr are terminals, the table is the
 * output, no --no-live, no -v); it holds nothing of the terminal yet. The
 * run's tick (fanout.c, every FANOUT_TICK_MS) calls ui_live_tick(): once
 * the run has lasted UI_LIVE_DELAY_MS (at once when the run's policy sets
 * run->live_now) the view takes the terminal with newterm() on /dev/tty,
 * and from then on the tick draws it, once a tick, from the hosts' states;
 * nothing is drawn from an I/O callback. Keys come through a read event on
 * the terminal's descriptor in the run's own loop: they change what the
 * next tick draws, or drain the run (q), or cancel it as SIGINT does (a
 * second q; Ctrl-C is SIGINT itself, the terminal keeps ISIG). While the
 * view is up, stderr goes to a scratch file, so a warning cannot scrawl
 * over the screen; ui_live_stop() gives the terminal back (endwin, the
 * cursor, echo) and then writes out what stderr got, before the run's
 * results are printed. fanout_run() stops the view when the run ends or
 * is interrupted; an exit() on the way (fatal()) stops it from atexit.
 * A terminal that is too small, or becomes so, gets the progress bar.
 */
#include <sys/ioctl.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <event2/event.h>

#include "muster.h"
#include "sanitise.h"

/* The view shows after this long (quick runs never flash a screen). */
#define UI_LIVE_DELAY_MS	2000
/* The smallest terminal it draws on. */
#define UI_LIVE_MIN_COLS	40
#define UI_LIVE_MIN_ROWS	10
/* What stderr got while the view was up, written out at most. */
#define UI_LIVE_STDERR_MAX	(64 * 1024)
/* Wake-ups in a row with no key: the terminal is gone. */
#define UI_LIVE_EMPTY_READS	16

enum ui_live_state {
	UI_LIVE_WAITING,	/* not yet on screen */
	UI_LIVE_SHOWN,
	UI_LIVE_OFF,		/* over, or never to be (progress bar) */
};

struct ui_live {
	struct run		*run;
	enum ui_live_state	 state;
	char			*title;	/* the command line */
	FILE			*tty;	/* the controlling terminal */
	struct event		*key;	/* keys, while shown */
	SCREEN			*screen;
	int			 colors;
	int			 stderr_fd;  /* the real one, shown */
	FILE			*stderr_tmp; /* stderr meanwhile */
	size_t			*failures;   /* host indices, in order */
	size_t			 nfailures;
	unsigned char		*noted;	/* per host: seen ended */
	int			 full;	/* f: all failures */
	size_t			 scroll; /* first failure listed */
	int			 stops;	/* q pressed */
	int			 empty;	/* reads without a key */
};

/* Milliseconds since tv. */
static int64_t
ui_live_ms_since(const struct timeval *tv)
{
	struct timeval	now, d;

	gettimeofday(&now, NULL);
	timersub(&now, tv, &d);
	return ((int64_t)d.tv_sec * 1000 + d.tv_usec / 1000);
}

/* The view that holds the terminal, for the atexit path. */
static struct ui_live	*ui_live_current;

static void	ui_live_key_cb(evutil_socket_t, short, void *);

/*
 * The view for r, or NULL when nobody would watch it: stdout or stderr
 * not a terminal, machine output, --no-live, -v (its lines go to stderr),
 * no usable TERM, or no controlling terminal.
 */
struct ui_live *
ui_live_new(struct run *r, const struct cmd_ctx *ctx)
{
	struct ui_live	*lv;
	struct strbuf	 sb = STRBUF_INIT;
	const char	*term = getenv("TERM");
	FILE		*tty;
	int		 i;

	if (ctx->no_live || ctx->json || ctx->jsonl || ctx->senders ||
	    ctx->nagios || ctx->verbose)
		return (NULL);
	if (!isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO))
		return (NULL);
	if (term == NULL || *term == '\0' || strcmp(term, "dumb") == 0)
		return (NULL);
	if ((tty = fopen("/dev/tty", "r+e")) == NULL)
		return (NULL);

	lv = xcalloc(1, sizeof *lv);
	lv->run = r;
	lv->tty = tty;
	lv->stderr_fd = -1;
	lv->noted = xcalloc(r->nhosts > 0 ? r->nhosts : 1, 1);
	lv->failures = xcalloc(r->nhosts > 0 ? r->nhosts : 1,
	    sizeof *lv->failures);
	strbuf_addstr(&sb, "muster");
	for (i = 1; i < ctx->argc; i++)
		strbuf_addf(&sb, " %s", ctx->argv[i]);
	lv->title = strbuf_detach(&sb);
	lv->key = event_new(r->base, fileno(tty), EV_READ | EV_PERSIST,
	    ui_live_key_cb, lv);
	return (lv);
}

/* Free the view (NULL is fine), giving the terminal back first. */
void
ui_live_free(struct ui_live *lv)
{
	if (lv == NULL)
		return;
	ui_live_stop(lv);
	event_free(lv->key);
	fclose(lv->tty);
	free(lv->title);
	free(lv->noted);
	free(lv->failures);
	free(lv);
}

/* The terminal's size, or -1. */
static int
ui_live_size(struct ui_live *lv, int *rows, int *cols)
{
	struct winsize	ws;

	if (ioctl(fileno(lv->tty), TIOCGWINSZ, &ws) != 0)
		return (-1);
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return (0);
}

/* Is the terminal big enough to draw on? */
static int
ui_live_fits(int rows, int cols)
{
	return (rows >= UI_LIVE_MIN_ROWS && cols >= UI_LIVE_MIN_COLS);
}

/* Send stderr to a scratch file while the screen is ours. */
static void
ui_live_stderr_hold(struct ui_live *lv)
{
	fflush(stderr);
	if ((lv->stderr_tmp = tmpfile()) == NULL)
		return;
	if ((lv->stderr_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) == -1 ||
	    dup2(fileno(lv->stderr_tmp), STDERR_FILENO) == -1) {
		if (lv->stderr_fd != -1)
			close(lv->stderr_fd);
		lv->stderr_fd = -1;
		fclose(lv->stderr_tmp);
		lv->stderr_tmp = NULL;
	}
}

/* Put stderr back and write out what it got, through sanitise(). */
static void
ui_live_stderr_release(struct ui_live *lv)
{
	char	buf[4096];
	size_t	n, total = 0;

	if (lv->stderr_tmp == NULL)
		return;
	fflush(stderr);
	dup2(lv->stderr_fd, STDERR_FILENO);
	close(lv->stderr_fd);
	lv->stderr_fd = -1;
	rewind(lv->stderr_tmp);
	while (total < UI_LIVE_STDERR_MAX &&
	    (n = fread(buf, 1, sizeof buf, lv->stderr_tmp)) > 0) {
		total += n;
		n = sanitise(buf, buf, n, SANITISE_NEWLINE | SANITISE_TAB);
		fwrite(buf, 1, n, stderr);
	}
	if (total >= UI_LIVE_STDERR_MAX && !feof(lv->stderr_tmp))
		fputs("\n(more messages were written during the live view)\n",
		    stderr);
	fflush(stderr);
	fclose(lv->stderr_tmp);
	lv->stderr_tmp = NULL;
}

/* At exit (fatal(), say) the terminal is given back. */
static void
ui_live_atexit(void)
{
	ui_live_stop(ui_live_current);
}

/* Take the terminal; -1 when it cannot be had (the progress bar stays). */
static int
ui_live_start(struct ui_live *lv)
{
	static int	registered;
	int		rows, cols;

	/* A run in the background would be stopped by SIGTTOU. */
	if (tcgetpgrp(fileno(lv->tty)) != getpgrp())
		return (-1);
	if (ui_live_size(lv, &rows, &cols) != 0 || !ui_live_fits(rows, cols))
		return (-1);
	ui_progress_clear();
	if ((lv->screen = newterm(NULL, lv->tty, lv->tty)) == NULL)
		return (-1);
	if (!registered) {
		atexit(ui_live_atexit);
		registered = 1;
	}
	ui_live_current = lv;
	set_term(lv->screen);
	cbreak();
	noecho();
	nonl();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	if (ui_color_enabled() && has_colors() && start_color() == OK) {
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
		lv->colors = 1;
	}
	ui_live_stderr_hold(lv);
	event_add(lv->key, NULL);
	lv->state = UI_LIVE_SHOWN;
	log_debug("%s: %dx%d", __func__, cols, rows);
	return (0);
}

/*
 * Give the terminal back (NULL is fine): the screen cleared, cursor and
 * echo as they were, the main screen back; then what stderr got. The run
 * gets no view again.
 */
void
ui_live_stop(struct ui_live *lv)
{
	if (lv == NULL)
		return;
	if (lv->state != UI_LIVE_SHOWN) {
		lv->state = UI_LIVE_OFF;
		return;
	}
	lv->state = UI_LIVE_OFF;
	event_del(lv->key);
	erase();
	refresh();
	curs_set(1);
	endwin();
	delscreen(lv->screen);
	lv->screen = NULL;
	if (ui_live_current == lv)
		ui_live_current = NULL;
	ui_live_stderr_release(lv);
}

/*
 * Text for the screen: remote (or user) text through sanitise(), with
 * line breaks as spaces, and as plain ASCII, since the curses linked
 * counts bytes as columns: each other character becomes one '?'.
 */
static char *
ui_live_text(const char *s)
{
	char	*buf, *out;
	size_t	 len, i, j;

	len = strlen(s);
	buf = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		buf[i] = (s[i] == '\n' || s[i] == '\t') ? ' ' : s[i];
	len = sanitise(buf, buf, len, 0);
	out = xmalloc(len + 1);
	for (i = j = 0; i < len; i++) {
		if ((unsigned char)buf[i] < 0x80)
			out[j++] = buf[i];
		else if ((unsigned char)buf[i] >= 0xc0)
			out[j++] = '?';
	}
	out[j] = '\0';
	free(buf);
	return (out);
}

/* Write text at (y, x), cut at the right edge. */
static void
ui_live_put(int y, int x, attr_t attr, const char *s)
{
	char	*text;

	if (y < 0 || y >= LINES || x >= COLS)
		return;
	text = ui_live_text(s);
	attron(attr);
	mvaddnstr(y, x, text, COLS - x);
	attroff(attr);
	free(text);
}

/* A duration for a person: 0.4s, 12.3s, 2m05s, 1h02m. */
static void
ui_live_duration(int64_t ms, char *buf, size_t len)
{
	int64_t	s = ms / 1000;

	if (ms < 0)
		ms = s = 0;
	if (s < 100)
		snprintf(buf, len, "%d.%ds", (int)s, (int)(ms % 1000 / 100));
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)(s % 60));
	else
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600),
		    (int)(s % 3600 / 60));
}

/* Note the hosts that finished since the last tick, failures in order. */
static void
ui_live_note(struct ui_live *lv)
{
	struct run	*r = lv->run;
	struct host	*h;
	size_t		 i;

	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if (lv->noted[i] ||
		    (h->state != HOST_DONE && h->state != HOST_FAILED))
			continue;
		lv->noted[i] = 1;
		/* Those q did not start are the operator's, not failures. */
		switch (h->result.status) {
		case RESULT_OK:
		case RESULT_SKIPPED:
		case RESULT_CANCELLED:
			break;
		default:
			lv->failures[lv->nfailures++] = i;
			break;
		}
	}
}

/* A host in flight: what it is doing, since when (unset: no time). */
struct ui_live_flying {
	const struct host	*h;
	const char		*phase;
	struct timeval		 since;
};

/*
 * What a host in flight is doing: the policy's word when it has one
 * (runall's applying, queued), else connecting or running, since it
 * started.
 */
static void
ui_live_phase(const struct run *r, const struct host *h,
    struct ui_live_flying *f)
{
	f->h = h;
	f->since = h->started;
	f->phase = NULL;
	if (r->policy->phase != NULL)
		f->phase = r->policy->phase(h, &f->since);
	if (f->phase == NULL)
		f->phase = h->state == HOST_OPENING ? "connecting" : "running";
}

/* In flight, longest first; those without a time last. */
static int
ui_live_cmp_flying(const void *a, const void *b)
{
	const struct ui_live_flying	*fa = a, *fb = b;
	int				 ta = timerisset(&fa->since);
	int				 tb = timerisset(&fb->since);

	if (ta != tb)
		return (ta ? -1 : 1);
	if (ta && timercmp(&fa->since, &fb->since, <))
		return (-1);
	if (ta && timercmp(&fa->since, &fb->since, >))
		return (1);
	return (fa->h->index < fb->h->index ? -1 :
	    fa->h->index > fb->h->index);
}

/*
 * The heading of the hosts in flight, with a count per phase when the
 * policy names them.
 */
static char *
ui_live_flying_heading(const struct run *r, struct ui_live_flying *f,
    size_t n)
{
	struct strbuf	 sb = STRBUF_INIT;
	const char	*phases[8];
	size_t		 counts[8], nphases = 0, i, j;

	strbuf_addf(&sb, "In flight (%zu)", n);
	if (r->policy->phase == NULL)
		return (strbuf_detach(&sb));
	for (i = 0; i < n; i++) {
		for (j = 0; j < nphases; j++) {
			if (strcmp(phases[j], f[i].phase) == 0)
				break;
		}
		if (j == nphases) {
			if (nphases == sizeof phases / sizeof phases[0])
				continue;
			phases[nphases] = f[i].phase;
			counts[nphases++] = 0;
		}
		counts[j]++;
	}
	for (j = 0; j < nphases; j++)
		strbuf_addf(&sb, "%s %s %zu", j == 0 ? ":" : ",", phases[j],
		    counts[j]);
	return (strbuf_detach(&sb));
}

/* One counter, "label N", at (y, *x); the next goes after it. */
static void
ui_live_counter(int y, int *x, const char *label, size_t n, attr_t attr)
{
	char	buf[64];

	snprintf(buf, sizeof buf, "%s %zu", label, n);
	ui_live_put(y, *x, n > 0 ? attr : A_NORMAL, buf);
	*x += (int)strlen(buf) + 3;
}

/* A failure's line: host, status, message. */
static void
ui_live_failure(struct ui_live *lv, int y, const struct host *h, int namew)
{
	attr_t	red = lv->colors ? COLOR_PAIR(1) : A_BOLD;
	char	*line;

	xasprintf(&line, "%-*s %-11s %s", namew, h->name,
	    result_status_name(h->result.status),
	    h->result.statusmsg != NULL ? h->result.statusmsg : "");
	ui_live_put(y, 2, red, line);
	free(line);
}

/* Draw the whole screen from the run's hosts. */
static void
ui_live_draw(struct ui_live *lv)
{
	struct run		*r = lv->run;
	const struct host	*h;
	struct ui_live_flying	*flying;
	size_t			 counts[RESULT_NSTATUS], pending = 0;
	size_t			 opening = 0, running = 0, nflying = 0;
	size_t			 i, first, shown;
	attr_t			 red, yellow;
	char			 when[32], *line;
	int			 y, x, body, rows_flying, rows_failed;
	int			 namew = 12;
	int64_t			 ms;
	enum result_status	 s;
	static const enum result_status others[] = {
		RESULT_UNREACHABLE, RESULT_TIMEOUT, RESULT_AUTH,
		RESULT_HOSTKEY, RESULT_AGENT, RESULT_SKIPPED, RESULT_CANCELLED
	};

	red = lv->colors ? COLOR_PAIR(1) : A_BOLD;
	yellow = lv->colors ? COLOR_PAIR(2) : A_BOLD;
	memset(counts, 0, sizeof counts);
	flying = xcalloc(r->nhosts > 0 ? r->nhosts : 1, sizeof *flying);
	for (i = 0; i < r->nhosts; i++) {
		h = r->hosts[i];
		if ((int)strlen(h->name) + 1 > namew)
			namew = (int)strlen(h->name) + 1;
		switch (h->state) {
		case HOST_PENDING:
			pending++;
			break;
		case HOST_OPENING:
			opening++;
			ui_live_phase(r, h, &flying[nflying++]);
			break;
		case HOST_READY:
		case HOST_CALLING:
			running++;
			ui_live_phase(r, h, &flying[nflying++]);
			break;
		case HOST_DONE:
		case HOST_FAILED:
			counts[h->result.status]++;
			break;
		default:
			break;
		}
	}
	if (namew > COLS / 3)
		namew = COLS / 3;
	qsort(flying, nflying, sizeof *flying, ui_live_cmp_flying);

	erase();
	/* The header: the command, the hosts, the time. */
	ui_live_duration(fanout_elapsed_ms(r), when, sizeof when);
	xasprintf(&line, "%zu/%zu hosts  %s", r->finished, r->nhosts, when);
	ui_live_put(0, 0, A_BOLD, lv->title);
	if ((int)strlen(line) + 2 < COLS) {
		move(0, COLS - (int)strlen(line) - 2);
		clrtoeol();
		ui_live_put(0, COLS - (int)strlen(line), A_BOLD, line);
	}
	free(line);

	/* The counters. */
	x = 0;
	ui_live_counter(1, &x, "pending", pending, A_NORMAL);
	ui_live_counter(1, &x, "connecting", opening, A_NORMAL);
	ui_live_counter(1, &x, "running", running, A_BOLD);
	ui_live_counter(1, &x, "ok", counts[RESULT_OK], A_NORMAL);
	ui_live_counter(1, &x, "failed", counts[RESULT_FAILED], red);
	y = 2;
	x = 0;
	for (i = 0; i < sizeof others / sizeof others[0]; i++) {
		s = others[i];
		if (counts[s] > 0)
			ui_live_counter(y, &x, result_status_name(s),
			    counts[s], s == RESULT_SKIPPED ||
			    s == RESULT_CANCELLED ? yellow : red);
	}
	if (r->draining != NULL) {
		xasprintf(&line, "no new host starts: %s", r->draining);
		ui_live_put(y, x, yellow, line);
		free(line);
	}

	/* The body: hosts in flight, then failures; or (f) failures only. */
	y = 4;
	body = LINES - 1 - y;
	if (lv->full) {
		xasprintf(&line, "Failures (%zu)%s", lv->nfailures,
		    lv->nfailures > (size_t)(body - 1) ?
		    "  up/down to scroll" : "");
		ui_live_put(y++, 0, A_BOLD, line);
		free(line);
		if (lv->nfailures <= (size_t)(body - 1))
			lv->scroll = 0;
		else if (lv->scroll > lv->nfailures - (body - 1))
			lv->scroll = lv->nfailures - (body - 1);
		for (i = lv->scroll; i < lv->nfailures && y < LINES - 1; i++)
			ui_live_failure(lv, y++, r->hosts[lv->failures[i]],
			    namew);
		goto footer;
	}
	/* Failures get the room the hosts in flight leave, at least half. */
	rows_failed = lv->nfailures == 0 ? 0 :
	    (int)lv->nfailures + 1 < body / 2 ? (int)lv->nfailures + 1 :
	    body / 2;
	rows_flying = body - rows_failed - (rows_failed > 0 ? 1 : 0);
	line = ui_live_flying_heading(r, flying, nflying);
	ui_live_put(y++, 0, A_BOLD, line);
	free(line);
	for (i = 0; i < nflying && (int)i < rows_flying - 1; i++) {
		h = flying[i].h;
		if (i == (size_t)rows_flying - 2 && nflying > i + 1) {
			xasprintf(&line, "... %zu more", nflying - i);
			ui_live_put(y++, 2, A_NORMAL, line);
			free(line);
			break;
		}
		when[0] = '\0';
		if (timerisset(&flying[i].since)) {
			ms = ui_live_ms_since(&flying[i].since);
			ui_live_duration(ms, when, sizeof when);
		}
		xasprintf(&line, "%-*s %7s  %s", namew, h->name, when,
		    flying[i].phase);
		ui_live_put(y++, 2, A_NORMAL, line);
		free(line);
	}
	if (rows_failed > 0) {
		y = LINES - 1 - rows_failed;
		shown = (size_t)rows_failed - 1;
		first = lv->nfailures > shown ? lv->nfailures - shown : 0;
		xasprintf(&line, "Failures (%zu)%s", lv->nfailures,
		    first > 0 ? ", the latest; f lists them all" : "");
		ui_live_put(y++, 0, A_BOLD, line);
		free(line);
		for (i = first; i < lv->nfailures; i++)
			ui_live_failure(lv, y++, r->hosts[lv->failures[i]],
			    namew);
	}

footer:
	if (lv->stops > 0)
		line = xstrdup(" stopping: the running hosts finish   q, ^C:"
		    " cancel them   f: failures");
	else
		line = xstrdup(" q: start no new host   q q, ^C: cancel"
		    "   f: failures");
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	attroff(A_REVERSE);
	ui_live_put(LINES - 1, 0, A_REVERSE, line);
	free(line);
	refresh();
	free(flying);
}

/*
 * The run's tick: show the view when it is time, draw it. Returns 1 when
 * the view is on the screen (no progress bar then).
 */
int
ui_live_tick(struct ui_live *lv)
{
	int	rows, cols;

	if (lv == NULL || lv->state == UI_LIVE_OFF)
		return (0);
	if (lv->state == UI_LIVE_WAITING) {
		if (!lv->run->live_now &&
		    fanout_elapsed_ms(lv->run) < UI_LIVE_DELAY_MS)
			return (0);
		if (ui_live_start(lv) != 0) {
			lv->state = UI_LIVE_OFF;
			return (0);
		}
	}
	if (ui_live_size(lv, &rows, &cols) == 0 &&
	    (rows != LINES || cols != COLS)) {
		if (!ui_live_fits(rows, cols)) {
			ui_live_stop(lv);
			/* The progress bar, at once. */
			lv->run->dirty = 1;
			return (0);
		}
		resizeterm(rows, cols);
	}
	ui_live_note(lv);
	ui_live_draw(lv);
	return (1);
}

/* Keys: q drains the run, a second q cancels it as SIGINT; f, scrolling. */
static void
ui_live_key_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ui_live	*lv = arg;
	int		 ch, keys = 0;

	(void)fd;
	(void)what;
	while (lv->state == UI_LIVE_SHOWN && (ch = getch()) != ERR) {
		keys++;
		switch (ch) {
		case 'q':
		case 'Q':
			if (lv->stops++ == 0)
				fanout_drain(lv->run,
				    "stopped from the live view");
			else
				raise(SIGINT);
			break;
		case 'f':
		case 'F':
			lv->full = !lv->full;
			lv->scroll = 0;
			break;
		case KEY_UP:
		case 'k':
			if (lv->scroll > 0)
				lv->scroll--;
			break;
		case KEY_DOWN:
		case 'j':
			lv->scroll++;
			break;
		case KEY_PPAGE:
			lv->scroll = lv->scroll > (size_t)LINES ?
			    lv->scroll - LINES : 0;
			break;
		case KEY_NPAGE:
			lv->scroll += LINES;
			break;
		}
	}
	/*
	 * Readable and nothing to read, again and again: the terminal is
	 * gone (a hangup under nohup). Stop listening, not spin.
	 */
	if (keys == 0 && ++lv->empty >= UI_LIVE_EMPTY_READS) {
		log_debug("%s: the terminal gives nothing, keys off", __func__);
		event_del(lv->key);
	} else if (keys > 0)
		lv->empty = 0;
	lv->run->dirty = 1;
}

/* The terminal through curses, or headless for screen tests and the benchmark. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curses.h>

#include "migreview/util.h"
#include "tui/keys.h"
#include "tui/term.h"

/* How long the terminal has to say its background colour. */
#define BACKGROUND_TIMEOUT_MS 200

struct term {
	bool headless;
	bool utf8;
	bool mouse;                     /* reporting is on (term_set_mouse) */
	struct key_mouse event;         /* the last MRK_MOUSE's */
	int cols, rows;
	int colors;

	/* curses */
	SCREEN *scr;
	struct cell *shown;             /* what the terminal shows, to redraw only changes */
	int shown_cols, shown_rows;
	attr_t *attrs;                  /* per style */
	short *pairs;
	int n_styles;
	const char *const *names;

	/* headless */
	char *script;
	const char *pos;
	char keys[160];                 /* keys read since the last dump, for its header */
	size_t keys_len;
	const struct screen *last;
	struct timespec opened, key_start;
	bool timing;            /* a key was read: the next read ends its time */
	double first_ms, ready_ms, sum_ms, max_ms;
	bool flushed;
	size_t n_keys;
};

static double
ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static int
open_headless(struct term *t, const char *size, struct mr_error *err)
{
	size_t len;

	if (sscanf(size, "%dx%d", &t->cols, &t->rows) != 2 || t->cols < 1 || t->rows < 1 ||
	    t->cols > 1000 || t->rows > 1000)
		return mr_error_set(err, "MIGREVIEW_HEADLESS must be COLSxROWS, not '%s'", size);
	/* screen tests must not depend on the locale of the machine running them */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	t->headless = true;
	t->utf8 = true;
	t->colors = 0;
	if (mr_read_file("/dev/stdin", MR_FILE_KEYS, &t->script, &len, err) < 0)
		return -1;
	t->pos = t->script;
	return 0;
}

/* The signal that asked the UI to stop (SIGINT, SIGTERM, SIGHUP), or 0. */
static volatile sig_atomic_t stop_signal;
/* Ctrl-Z: the key loop suspends the UI (suspend()). */
static volatile sig_atomic_t suspend_asked;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

static void
on_suspend(int sig)
{
	(void)sig;
	suspend_asked = 1;
}

/* What the terminal is told directly, past curses: modes and the clipboard. */
static void
emit(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Clicks and the wheel (1000), reported as SGR (1006): no column limit, no raw bytes. */
static void
mouse_mode(bool on)
{
	if (on)
		emit("\033[?1000h\033[?1006h", 16);
	else
		emit("\033[?1006l\033[?1000l", 16);
}

/*
 * Ctrl-C, kill and a closing terminal end the UI through its own way out,
 * not ncurses' handlers: a running test is interrupted (its scratch
 * database dropped), decisions not yet saved are saved, and the terminal is
 * restored.  No SA_RESTART, so that a blocked read returns.
 */
static void
catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * Before newterm(), so that curses keeps its own handler out: the UI, not
 * curses, suspends itself, turning the mouse off first, so that the shell
 * does not get mouse reports while it is stopped.
 */
static void
catch_suspend(void)
{
	struct sigaction sa = { .sa_handler = on_suspend };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
}

/* Ctrl-Z: the terminal as it was until fg, then the UI's modes again. */
static void
suspend(struct term *t)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	suspend_asked = 0;
	if (t->mouse)
		mouse_mode(false);
	endwin();
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, NULL);
	raise(SIGTSTP);
	/* here after fg */
	catch_suspend();
	refresh();
	if (t->mouse)
		mouse_mode(true);
}

int
term_stop_signal(void)
{
	return stop_signal;
}

static int
open_curses(struct term *t, struct mr_error *err)
{
	setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return mr_error_set(err, "the review UI needs a terminal; "
				    "`migreview list` and `migreview check` work without one");
	catch_suspend();
	t->scr = newterm(NULL, stdout, stdin);
	if (!t->scr)
		return mr_error_set(err, "cannot use the terminal '%s'",
				    getenv("TERM") ? getenv("TERM") : "(TERM is not set)");
	t->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* mouse reports are read here (curses_escape()), not as the terminfo's kmous */
	keyok(KEY_MOUSE, FALSE);
	curs_set(0);
	if (has_colors() && start_color() == OK) {
		use_default_colors();
		t->colors = COLORS;
	}
	getmaxyx(stdscr, t->rows, t->cols);
	catch_stop_signals();
	return 0;
}

struct term *
term_open(struct mr_error *err)
{
	struct term *t = calloc(1, sizeof(*t));
	const char *size = getenv("MIGREVIEW_HEADLESS");

	if (!t) {
		mr_error_oom(err);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t->opened);
	if ((size && *size ? open_headless(t, size, err) : open_curses(t, err)) < 0) {
		term_close(t);
		return NULL;
	}
	return t;
}

bool
term_headless(const struct term *t)
{
	return t->headless;
}

bool
term_utf8(const struct term *t)
{
	return t->utf8;
}

int
term_colors(const struct term *t)
{
	return t->colors;
}

/* Whether buf holds a whole DA1 reply ("ESC [ ? ... c"). */
static bool
has_da1(const char *buf, size_t len)
{
	for (const char *p = buf; (p = memmem(p, len - (size_t)(p - buf), "\033[?", 3)); p++) {
		const char *q = p + 3;

		while (q < buf + len && (isdigit((unsigned char)*q) || *q == ';'))
			q++;
		if (q < buf + len && *q == 'c')
			return true;
	}
	return false;
}

/*
 * Asks the terminal for its background colour (OSC 11) and then for its
 * attributes (DA1), which every terminal answers: once that answer is in,
 * no OSC 11 reply is coming.  A terminal that answers neither costs the
 * timeout, once; curses has the terminal in cbreak mode without echo, and
 * has read nothing yet.
 */
static enum theme_background
query_background(void)
{
	static const char ask[] = "\033]11;?\033\\\033[c";
	struct timespec start;
	char buf[256];
	size_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (write(STDOUT_FILENO, ask, sizeof(ask) - 1) != (ssize_t)sizeof(ask) - 1)
		return THEME_BG_UNKNOWN;
	while (n < sizeof(buf) && !has_da1(buf, n)) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int left = BACKGROUND_TIMEOUT_MS - (int)ms_since(&start);
		ssize_t got;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		if ((got = read(STDIN_FILENO, buf + n, sizeof(buf) - n)) <= 0)
			break;
		n += (size_t)got;
	}
	return theme_background_osc11(buf, n);
}

enum theme_background
term_background(struct term *t)
{
	enum theme_background bg = t->headless ? THEME_BG_UNKNOWN : query_background();

	return bg != THEME_BG_UNKNOWN ? bg : theme_background_colorfgbg(getenv("COLORFGBG"));
}

static attr_t
curses_attrs(unsigned a)
{
	attr_t out = 0;

	if (a & THEME_A_BOLD)
		out |= A_BOLD;
	if (a & THEME_A_DIM)
		out |= A_DIM;
	if (a & THEME_A_ITALIC)
		out |= A_ITALIC;
	if (a & THEME_A_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & THEME_A_REVERSE)
		out |= A_REVERSE;
	if (a & THEME_A_STANDOUT)
		out |= A_STANDOUT;
	return out;
}

int
term_set_styles(struct term *t, const struct theme_style *styles, const char *const *names,
		int n)
{
	int next_pair = 1;

	t->names = names;
	t->n_styles = n;
	if (t->headless)
		return 0;
	free(t->attrs);
	free(t->pairs);
	t->attrs = calloc((size_t)n + 1, sizeof(*t->attrs));
	t->pairs = calloc((size_t)n + 1, sizeof(*t->pairs));
	if (!t->attrs || !t->pairs)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct theme_style *s = &styles[i];

		t->attrs[i] = curses_attrs(s->attrs);
		if (!t->colors || (s->fg == THEME_COLOR_DEFAULT && s->bg == THEME_COLOR_DEFAULT))
			continue;
		/* styles sharing colours share a pair */
		for (int j = 0; j < i; j++)
			if (t->pairs[j] && styles[j].fg == s->fg && styles[j].bg == s->bg) {
				t->pairs[i] = t->pairs[j];
				break;
			}
		if (!t->pairs[i] && next_pair < COLOR_PAIRS &&
		    init_pair((short)next_pair, s->fg < t->colors ? s->fg : -1,
			      s->bg < t->colors ? s->bg : -1) == OK)
			t->pairs[i] = (short)next_pair++;
	}
	return 0;
}

void
term_size(struct term *t, int *cols, int *rows)
{
	if (!t->headless)
		getmaxyx(stdscr, t->rows, t->cols);
	*cols = t->cols;
	*rows = t->rows;
}

static void
print_stats(struct term *t)
{
	printf("first screen: %.1f ms\nfindings: %.1f ms\nkeys: %zu, mean %.3f ms, max %.3f ms\n",
	       t->first_ms, t->ready_ms, t->n_keys, t->n_keys ? t->sum_ms / (double)t->n_keys : 0.0,
	       t->max_ms);
}

static void
dump(struct term *t)
{
	printf("--- %dx%d after:%s ---\n", t->cols, t->rows, t->keys_len ? t->keys : " (start)");
	if (t->last)
		screen_dump(t->last, stdout);
	fflush(stdout);
	t->keys_len = 0;
	t->keys[0] = '\0';
}

/* Notes the text of a key just read for the next dump's header. */
static void
note_key(struct term *t, const char *from, const char *to)
{
	size_t n = (size_t)(to - from);

	if (t->keys_len + n + 5 >= sizeof(t->keys)) {
		if (t->keys_len + 5 < sizeof(t->keys))
			t->keys_len += (size_t)snprintf(t->keys + t->keys_len,
							sizeof(t->keys) - t->keys_len, " ...");
		return;
	}
	t->keys[t->keys_len++] = ' ';
	memcpy(t->keys + t->keys_len, from, n);
	t->keys_len += n;
	t->keys[t->keys_len] = '\0';
}

/* Each row's runs of cells in one style: "3: 0-11 list.selected, 12 graph". */
static void
dump_styles(struct term *t)
{
	const struct screen *s = t->last;

	printf("--- styles ---\n");
	for (int y = 0; s && y < s->rows; y++) {
		const struct cell *row = &s->cells[(size_t)y * (size_t)s->cols];

		printf("%d:", y);
		for (int x = 0; x < s->cols;) {
			int end = x;
			uint16_t st = row[x].style;

			while (end + 1 < s->cols && row[end + 1].style == st)
				end++;
			printf(x ? ", " : " ");
			if (end > x)
				printf("%d-%d ", x, end);
			else
				printf("%d ", x);
			printf("%s", t->names && st < t->n_styles ? t->names[st] : "?");
			x = end + 1;
		}
		putchar('\n');
	}
	fflush(stdout);
}

/* Skips blanks and comments; returns whether anything is left. */
static bool
skip_blank(struct term *t)
{
	for (;;) {
		while (*t->pos && isspace((unsigned char)*t->pos))
			t->pos++;
		if (*t->pos != '#')
			return *t->pos != '\0';
		while (*t->pos && *t->pos != '\n')
			t->pos++;
	}
}

static int
read_script(struct term *t)
{
	for (;;) {
		const char *from;
		int key;

		if (!skip_blank(t))
			return TERM_EOF;
		if (!strncmp(t->pos, "<dump>", 6)) {
			dump(t);
			t->pos += 6;
			continue;
		}
		if (!strncmp(t->pos, "<styles>", 8)) {
			t->pos += 8;
			dump_styles(t);
			continue;
		}
		if (!strncmp(t->pos, "<stats>", 7)) {
			t->pos += 7;
			print_stats(t);
			continue;
		}
		if (!strncmp(t->pos, "<mouse ", 7)) {
			const char *end = strchr(t->pos, '>');
			bool got;

			if (!end)
				return TERM_SCRIPT_ERROR;
			got = keys_mouse_parse(t->pos + 7, (size_t)(end - t->pos - 7), &t->event);
			note_key(t, t->pos, end + 1);
			t->pos = end + 1;
			if (got && t->mouse)
				return MRK_MOUSE;
			continue;
		}
		if (!strncmp(t->pos, "<resize ", 8)) {
			int cols, rows, n = 0;

			if (sscanf(t->pos + 8, "%dx%d>%n", &cols, &rows, &n) < 2 || !n ||
			    cols < 1 || rows < 1 || cols > 1000 || rows > 1000)
				return TERM_SCRIPT_ERROR;
			note_key(t, t->pos, t->pos + 8 + n);
			t->pos += 8 + n;
			t->cols = cols;
			t->rows = rows;
			return MRK_RESIZE;
		}
		from = t->pos;
		key = keys_parse(&t->pos);
		note_key(t, from, t->pos);
		return key < 0 ? TERM_SCRIPT_ERROR : key;
	}
}

void
term_note_ready(struct term *t)
{
	t->ready_ms = ms_since(&t->opened);
}

/* The longest mouse report kept: "65;10000;10000M" and room to spare. */
#define MOUSE_REPORT_MAX 24

/* Hands a character or a curses key code back, to be read next. */
static void
unread(int r, wint_t wc)
{
	if (r == OK)
		unget_wch((wchar_t)wc);
	else if (r == KEY_CODE_YES)
		ungetch((int)wc);
}

/*
 * After ESC: a control sequence that curses did not turn into a key is
 * read whole and dropped, so that no byte of it is read as a key: a CSI
 * ("[" up to its final byte, @ to ~, as ECMA-48 delimits it) or an OSC or
 * other string ("]", "P", "_", "^" up to BEL or ESC \).  Terminals send
 * them unasked too: a late reply to the background query (OSC 11, DA1)
 * must not turn into "[", "?" and "c", which clears a decision.  An SGR
 * mouse report ("[<0;12;5M") is the one kept, when it is a click or the
 * wheel while the mouse is on.  An ESC within a sequence starts one of its
 * own.  What no sequence starts with is handed back to be read as keys.
 * MRK_MOUSE, MRK_ESC, or TERM_TIMEOUT for a sequence dropped.
 */
static int
curses_escape(struct term *t)
{
	char buf[MOUSE_REPORT_MAX];
	size_t n = 0;
	wint_t wc, first;
	bool string;
	int r;

	timeout(25);
	if ((r = get_wch(&first)) != OK || !strchr("[]P_^", (int)first) || !first) {
		unread(r, first);
		return MRK_ESC;
	}
	string = first != '[';
	while ((r = get_wch(&wc)) == OK) {
		if (wc == MRK_ESC) {
			/* ESC \ ends a string; any other ESC starts a sequence of its own */
			if (string && get_wch(&wc) == OK && wc == '\\')
				return TERM_TIMEOUT;
			unread(OK, wc);
			return TERM_TIMEOUT;
		}
		if (n < sizeof(buf))
			buf[n] = (char)(wc < 0x80 ? wc : 0x7f);
		n++;
		if (string ? wc == 0x07 : wc >= 0x40 && wc <= 0x7e)
			break;
	}
	return !string && n <= sizeof(buf) && n > 0 && buf[0] == '<' &&
	       keys_mouse_parse(buf + 1, n - 1, &t->event) && t->mouse ? MRK_MOUSE : TERM_TIMEOUT;
}

static int
curses_key(struct term *t, bool poll)
{
	static const struct { int curses, key; } map[] = {
		{ KEY_UP, MRK_UP }, { KEY_DOWN, MRK_DOWN }, { KEY_LEFT, MRK_LEFT },
		{ KEY_RIGHT, MRK_RIGHT }, { KEY_PPAGE, MRK_PGUP }, { KEY_NPAGE, MRK_PGDN },
		{ KEY_HOME, MRK_HOME }, { KEY_END, MRK_END }, { KEY_BTAB, MRK_BTAB },
		{ KEY_BACKSPACE, MRK_BACKSPACE }, { KEY_DC, MRK_DELETE },
		{ KEY_RESIZE, MRK_RESIZE }, { KEY_ENTER, MRK_ENTER },
	};

	for (;;) {
		wint_t wc;
		int r;

		timeout(poll ? 100 : -1);
		if (stop_signal)
			return TERM_EOF;
		if (suspend_asked) {
			suspend(t);
			return MRK_RESIZE;      /* all drawn anew, at the size it has now */
		}
		errno = 0;
		r = get_wch(&wc);
		if (r == ERR) {
			if (errno == EINTR || stop_signal)
				continue;
			return poll ? TERM_TIMEOUT : TERM_EOF;
		}
		if (r == OK) {
			if (wc == '\n')
				return MRK_ENTER;
			if (wc == 0x7f || wc == 0x08)
				return MRK_BACKSPACE;
			if (wc == MRK_ESC && (r = curses_escape(t)) == TERM_TIMEOUT)
				continue;
			return wc == MRK_ESC ? r : (int)wc;
		}
		for (size_t i = 0; i < MR_ARRAY_SIZE(map); i++)
			if (map[i].curses == (int)wc)
				return map[i].key;
	}
}

int
term_read_key(struct term *t, bool poll)
{
	int key;

	if (!t->headless)
		return curses_key(t, poll);
	if (t->timing) {
		double ms = ms_since(&t->key_start);

		t->sum_ms += ms;
		t->n_keys++;
		if (ms > t->max_ms)
			t->max_ms = ms;
	}
	key = read_script(t);
	t->timing = key >= 0;
	clock_gettime(CLOCK_MONOTONIC, &t->key_start);
	return key;
}

const char *
term_script_where(const struct term *t)
{
	return t->pos ? t->pos : "";
}

static bool
same_cell(const struct cell *a, const struct cell *b)
{
	return a->ch == b->ch && a->style == b->style && a->width == b->width &&
	       !memcmp(a->marks, b->marks, sizeof(a->marks));
}

static void
put_cell(struct term *t, int y, int x, const struct cell *c)
{
	wchar_t wch[CELL_MARKS + 2] = { (wchar_t)c->ch };
	int style = c->style < t->n_styles ? c->style : 0;
	cchar_t cc;
	int n = 1;

	for (int m = 0; m < CELL_MARKS && c->marks[m]; m++)
		wch[n++] = (wchar_t)c->marks[m];
	wch[n] = L'\0';
	if (setcchar(&cc, wch, t->attrs ? t->attrs[style] : 0,
		     t->pairs ? t->pairs[style] : 0, NULL) != OK) {
		wch[1] = L'\0';
		if (setcchar(&cc, wch, t->attrs ? t->attrs[style] : 0,
			     t->pairs ? t->pairs[style] : 0, NULL) != OK)
			return;
	}
	mvadd_wch(y, x, &cc);
}

void
term_flush(struct term *t, const struct screen *s, bool force)
{
	size_t n = (size_t)s->cols * (size_t)s->rows;

	t->last = s;
	if (!t->flushed) {
		t->flushed = true;
		t->first_ms = ms_since(&t->opened);
	}
	if (t->headless)
		return;
	if (force || s->cols != t->shown_cols || s->rows != t->shown_rows || !t->shown) {
		free(t->shown);
		t->shown = calloc(n, sizeof(*t->shown));
		t->shown_cols = s->cols;
		t->shown_rows = s->rows;
		clearok(curscr, TRUE);
		if (!t->shown)
			return;
	}
	for (int y = 0; y < s->rows; y++)
		for (int x = 0; x < s->cols; x++) {
			size_t i = (size_t)y * (size_t)s->cols + (size_t)x;

			if (!s->cells[i].width) {
				/* drawn with its left half: remember it, so a later change redraws */
				t->shown[i] = s->cells[i];
				continue;
			}
			if (same_cell(&s->cells[i], &t->shown[i]))
				continue;
			put_cell(t, y, x, &s->cells[i]);
			t->shown[i] = s->cells[i];
		}
	refresh();
}

void
term_set_mouse(struct term *t, bool on)
{
	if (t->scr && on != t->mouse)
		mouse_mode(on);
	t->mouse = on;
}

struct key_mouse
term_mouse(const struct term *t)
{
	return t->event;
}

void
term_copy(struct term *t, const char *text)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(text), len = 0;
	char *out;

	if (!t->scr || !(out = malloc(4 * (n / 3 + 1) + 16)))
		return;
	len += (size_t)sprintf(out, "\033]52;c;");
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)(unsigned char)text[i] << 16;

		v |= i + 1 < n ? (unsigned long)(unsigned char)text[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned long)(unsigned char)text[i + 2] : 0;
		out[len++] = b64[v >> 18 & 63];
		out[len++] = b64[v >> 12 & 63];
		out[len++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[len++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[len++] = '\a';
	emit(out, len);
	free(out);
}

void
term_close(struct term *t)
{
	if (!t)
		return;
	if (t->scr) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		if (t->mouse)
			mouse_mode(false);
		endwin();
		delscreen(t->scr);
		/* Ctrl-Z stops the process again once there is no UI to suspend */
		sigemptyset(&dfl.sa_mask);
		sigaction(SIGTSTP, &dfl, NULL);
	}
	free(t->shown);
	free(t->attrs);
	free(t->pairs);
	free(t->script);
	free(t);
}

/*
 * The terminal: curses, or the headless stand-in that screen tests and the
 * benchmark drive.
 *
 * Headless mode (MIGREVIEW_HEADLESS=COLSxROWS) draws into the same grid but
 * never touches a terminal; keys come from a script on standard input and
 * screens are written to standard output on request.  The script is key
 * names as keys.h reads them, whitespace between them ignored, "#" to the end
 * of a line a comment, plus commands:
 *
 *   <dump>          write the screen as text, after a header line
 *   <resize CxR>    the terminal changes size
 *   <styles>        write, row by row, which style each run of cells has
 *   <stats>         write the time to the first screen, to the findings,
 *                   and per-key timings
 *   <mouse B;X;YM>  a mouse report as a terminal sends it after ESC [ <
 *                   (SGR, mode 1006): "0;12;5M" a left click on column 12,
 *                   row 5 (1-based), "64;..." and "65;..." the wheel up and
 *                   down; read by the terminal's own parser, so a malformed
 *                   one is dropped as a terminal's would be
 *
 * The end of the script quits.
 */
#ifndef MIGREVIEW_TUI_TERM_H
#define MIGREVIEW_TUI_TERM_H

#include <stdbool.h>

#include "migreview/error.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/theme.h"

/* What a key read returned besides keys. */
enum {
	TERM_EOF = -1,          /* no more input: quit */
	TERM_DUMP = -2,         /* headless: the script asks for a dump */
	TERM_STATS = -3,        /* headless: the script asks for timings */
	TERM_SCRIPT_ERROR = -4, /* headless: a name the script got wrong */
	TERM_TIMEOUT = -5,      /* no key within the time asked for */
};

struct term;

/*
 * Opens the terminal described by the environment; headless when
 * MIGREVIEW_HEADLESS is set.  styles[0 .. n_styles) are the theme styles
 * the screen's style numbers stand for; term reduces them to the colours
 * the terminal has (and to none with NO_COLOR).  The caller owns styles
 * and keeps them alive.
 */
struct term *term_open(struct mr_error *err);
bool term_headless(const struct term *t);
/* Whether the terminal takes UTF-8; without it the UI draws ASCII. */
bool term_utf8(const struct term *t);
/* How many colours the UI may use: 0 for monochrome. */
int term_colors(const struct term *t);
/*
 * The terminal's background, asked of the terminal itself (OSC 11, waiting
 * a fifth of a second at most), else as $COLORFGBG says; headless, only
 * $COLORFGBG.  Call it before the first key is read.
 */
enum theme_background term_background(struct term *t);
/*
 * Hands the term the styles, already reduced with theme_reduce(), and
 * their names for <styles>; the caller keeps names alive.
 */
int term_set_styles(struct term *t, const struct theme_style *styles,
		    const char *const *names, int n_styles);

/* The current size; after MRK_RESIZE the new one. */
void term_size(struct term *t, int *cols, int *rows);

/*
 * The next key, or one of TERM_* above.  With poll, a terminal returns
 * TERM_TIMEOUT after a tenth of a second without a key (headless never
 * does: its keys are all there).
 */
int term_read_key(struct term *t, bool poll);
/*
 * The signal (SIGINT, SIGTERM, SIGHUP) that made term_read_key() return
 * TERM_EOF, or 0: the UI then ends as after q.
 */
int term_stop_signal(void);

/*
 * Turns mouse reporting on or off (xterm's modes 1000 and 1006).  While on,
 * term_read_key() returns MRK_MOUSE for a left click or a wheel turn; a
 * report that is malformed, or comes while off, is dropped whole, never
 * read as keys.  The terminal is left with reporting off by term_close(),
 * and while the UI is suspended (Ctrl-Z).
 */
void term_set_mouse(struct term *t, bool on);
/* The event the last MRK_MOUSE stands for. */
struct key_mouse term_mouse(const struct term *t);

/*
 * Puts text on the clipboard of the terminal through OSC 52; terminals
 * without it ignore the sequence (headless: nothing is written).
 */
void term_copy(struct term *t, const char *text);

/* Headless: notes when the analysis was ready, for <stats>. */
void term_note_ready(struct term *t);

/* Copies the grid to the terminal (headless: nothing to do). */
void term_flush(struct term *t, const struct screen *s, bool force);

/* Headless: the script's position, for a message about a bad name. */
const char *term_script_where(const struct term *t);

/* Restores the terminal.  Safe to call twice. */
void term_close(struct term *t);

#endif

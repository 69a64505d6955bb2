/*
 * The screen as a grid of cells that the views draw into.  Nothing here
 * knows curses: term.c copies the grid to the terminal, and the headless
 * mode dumps it as text, so screen tests see exactly what a terminal would.
 *
 * Text goes in as bytes of UTF-8 and is measured by display width: a wide
 * character takes two cells, combining characters join the cell before
 * them, a tab moves to the next multiple of eight.  Control characters,
 * bidirectional overrides and bytes that are not UTF-8 never reach a cell
 * as such: they are drawn as visible escapes ("\x1b", "\u202e") in the
 * escape style.
 *
 * A style is a small number the caller chooses (the UI maps it to a theme
 * style); 0 is plain text.
 */
#ifndef MIGREVIEW_TUI_SCREEN_H
#define MIGREVIEW_TUI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CELL_MARKS 2            /* combining characters kept per cell */

struct cell {
	uint32_t ch;            /* the character; 0 for the right half of a wide one */
	uint32_t marks[CELL_MARKS];
	uint16_t style;
	uint8_t width;          /* 1 or 2; 0 for the right half of a wide character */
};

struct screen {
	int cols, rows;
	struct cell *cells;     /* rows * cols */
	bool ascii;             /* the terminal is not UTF-8: draw ASCII only */
	uint16_t escape_style;  /* the style of visible escapes */
};

/* A horizontal run of cells to draw text into: row y, columns x .. x+w. */
struct span {
	int y, x, w;
	int col;                /* the next column, relative to x */
	int skip;               /* display columns still to skip (horizontal scroll) */
	int tab_origin;         /* the column tab stops count from, relative to x */
};

int screen_resize(struct screen *s, int cols, int rows);
void screen_free(struct screen *s);
void screen_clear(struct screen *s, uint16_t style);
void screen_fill(struct screen *s, int y, int x, int w, uint16_t style);

static inline struct span
span_at(int y, int x, int w)
{
	return (struct span){ .y = y, .x = x, .w = w };
}

/*
 * Draws len bytes of text into sp in this style, as far as it fits;
 * returns false once the span is full.  A wide character that does not fit
 * leaves a blank.
 */
bool span_text(struct screen *s, struct span *sp, uint16_t style, const char *t, size_t len);
bool span_str(struct screen *s, struct span *sp, uint16_t style, const char *t);
/* Fills the rest of the span with blanks in this style. */
void span_pad(struct screen *s, struct span *sp, uint16_t style);
/* Sets the style of the span's cells from column a to b (relative to x). */
void span_restyle(struct screen *s, const struct span *sp, int a, int b, uint16_t style);

/* The display width text would take (escapes included; tabs to the next stop from its start). */
int text_width(const char *t, size_t len);

/*
 * Writes the grid as UTF-8 text, one line per row, trailing blanks
 * dropped: what a person would read off the terminal.
 */
void screen_dump(const struct screen *s, FILE *out);

/* A glyph for boxes and graphs, with an ASCII stand-in. */
uint32_t screen_glyph(const struct screen *s, uint32_t unicode, char ascii);

/* Puts one character at (y, x) if it is on the screen. */
void screen_put(struct screen *s, int y, int x, uint32_t ch, uint16_t style);

#endif

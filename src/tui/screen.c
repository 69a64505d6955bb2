/* The cell grid the views draw into, and text measured by display width. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "migreview/util.h"
#include "tui/screen.h"

#define TAB_STOP 8

int
screen_resize(struct screen *s, int cols, int rows)
{
	struct cell *c;

	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	c = calloc((size_t)cols * (size_t)rows, sizeof(*c));
	if (!c)
		return -1;
	free(s->cells);
	s->cells = c;
	s->cols = cols;
	s->rows = rows;
	screen_clear(s, 0);
	return 0;
}

void
screen_free(struct screen *s)
{
	free(s->cells);
	s->cells = NULL;
	s->cols = s->rows = 0;
}

static struct cell *
cell_at(struct screen *s, int y, int x)
{
	if (y < 0 || y >= s->rows || x < 0 || x >= s->cols)
		return NULL;
	return &s->cells[(size_t)y * (size_t)s->cols + (size_t)x];
}

void
screen_put(struct screen *s, int y, int x, uint32_t ch, uint16_t style)
{
	struct cell *c = cell_at(s, y, x);

	if (!c)
		return;
	/* overwriting half of a wide character blanks its other half */
	if (c->width == 0 && x > 0)
		*(c - 1) = (struct cell){ .ch = ' ', .style = (c - 1)->style, .width = 1 };
	if (c->width == 2 && x + 1 < s->cols)
		*(c + 1) = (struct cell){ .ch = ' ', .style = (c + 1)->style, .width = 1 };
	*c = (struct cell){ .ch = ch, .style = style, .width = 1 };
}

static void
put_wide(struct screen *s, int y, int x, uint32_t ch, uint16_t style)
{
	struct cell *c = cell_at(s, y, x);

	if (!c || x + 1 >= s->cols) {
		/* half of it is off the screen: the half on it shows blank */
		screen_put(s, y, x, ' ', style);
		screen_put(s, y, x + 1, ' ', style);
		return;
	}
	screen_put(s, y, x, ch, style);
	screen_put(s, y, x + 1, ' ', style);
	c->width = 2;
	c[1] = (struct cell){ .ch = 0, .style = style, .width = 0 };
}

void
screen_fill(struct screen *s, int y, int x, int w, uint16_t style)
{
	for (int i = 0; i < w; i++)
		screen_put(s, y, x + i, ' ', style);
}

void
screen_clear(struct screen *s, uint16_t style)
{
	for (int y = 0; y < s->rows; y++)
		for (int x = 0; x < s->cols; x++)
			s->cells[(size_t)y * (size_t)s->cols + (size_t)x] =
				(struct cell){ .ch = ' ', .style = style, .width = 1 };
}

uint32_t
screen_glyph(const struct screen *s, uint32_t unicode, char ascii)
{
	return s->ascii ? (uint32_t)(unsigned char)ascii : unicode;
}

/* One displayable unit: a character of some width, or an escape to print. */
struct glyph {
	size_t len;             /* bytes consumed */
	uint32_t cp;
	int width;              /* -1: a tab; 0: combining */
	char esc[16];           /* non-empty: draw this text instead */
};

static void
glyph_next(const char *t, size_t len, bool ascii, struct glyph *g)
{
	unsigned long cp = 0;
	size_t n = mr_utf8_next(t, len, &cp);
	int w;

	g->esc[0] = '\0';
	if (!n) {
		g->len = 1;
		snprintf(g->esc, sizeof(g->esc), "\\x%02x", (unsigned char)t[0]);
		return;
	}
	g->len = n;
	g->cp = (uint32_t)cp;
	if (cp == '\t') {
		g->width = -1;
		return;
	}
	if (mr_is_invisible_control(cp)) {
		snprintf(g->esc, sizeof(g->esc), cp < 0x100 ? "\\x%02lx" : "\\u%04lx", cp);
		return;
	}
	w = cp < 0x80 ? 1 : ascii ? -1 : wcwidth((wchar_t)cp);
	if (w < 0) {
		snprintf(g->esc, sizeof(g->esc), "\\u%04lx", cp);
		return;
	}
	g->width = w;
}

/* Draws one character at logical column sp->col; false when it is past the end. */
static bool
span_char(struct screen *s, struct span *sp, uint32_t ch, int width, uint16_t style)
{
	int vis = sp->col - sp->skip;

	if (vis >= sp->w)
		return false;
	if (vis >= 0) {
		if (width == 2 && vis + 1 < sp->w)
			put_wide(s, sp->y, sp->x + vis, ch, style);
		else
			screen_put(s, sp->y, sp->x + vis, width == 2 ? ' ' : ch, style);
	} else if (width == 2 && vis == -1) {
		/* the left half is scrolled away: show the right half as blank */
		screen_put(s, sp->y, sp->x, ' ', style);
	}
	sp->col += width;
	return sp->col - sp->skip < sp->w;
}

static void
add_mark(struct screen *s, const struct span *sp, uint32_t mark)
{
	int vis = sp->col - sp->skip - 1;
	struct cell *c;

	if (vis < 0 || vis >= sp->w)
		return;
	c = cell_at(s, sp->y, sp->x + vis);
	if (c && c->width == 0 && vis > 0)
		c--;
	if (!c)
		return;
	for (int i = 0; i < CELL_MARKS; i++)
		if (!c->marks[i]) {
			c->marks[i] = mark;
			return;
		}
}

bool
span_text(struct screen *s, struct span *sp, uint16_t style, const char *t, size_t len)
{
	for (size_t i = 0; i < len;) {
		struct glyph g;

		glyph_next(t + i, len - i, s->ascii, &g);
		i += g.len;
		/* a combining mark belongs to the cell before it, even the last one */
		if (!g.esc[0] && g.width == 0) {
			add_mark(s, sp, g.cp);
			continue;
		}
		if (sp->col - sp->skip >= sp->w)
			return false;
		if (g.esc[0]) {
			for (const char *e = g.esc; *e; e++)
				if (!span_char(s, sp, (unsigned char)*e, 1, s->escape_style))
					break;
		} else if (g.width < 0) {
			int stop = sp->tab_origin +
				   ((sp->col - sp->tab_origin) / TAB_STOP + 1) * TAB_STOP;

			while (sp->col < stop && span_char(s, sp, ' ', 1, style))
				;
		} else {
			span_char(s, sp, g.cp, g.width, style);
		}
	}
	return sp->col - sp->skip < sp->w;
}

bool
span_str(struct screen *s, struct span *sp, uint16_t style, const char *t)
{
	return span_text(s, sp, style, t, strlen(t));
}

void
span_pad(struct screen *s, struct span *sp, uint16_t style)
{
	while (span_char(s, sp, ' ', 1, style))
		;
}

void
span_restyle(struct screen *s, const struct span *sp, int a, int b, uint16_t style)
{
	for (int x = a < 0 ? 0 : a; x < b && x < sp->w; x++) {
		struct cell *c = cell_at(s, sp->y, sp->x + x);

		if (c)
			c->style = style;
	}
}

int
text_width(const char *t, size_t len)
{
	struct screen none = { 0 };
	int w = 0;

	for (size_t i = 0; i < len;) {
		struct glyph g;

		glyph_next(t + i, len - i, none.ascii, &g);
		i += g.len;
		w += g.esc[0] ? (int)strlen(g.esc) : g.width < 0 ? TAB_STOP - w % TAB_STOP : g.width;
	}
	return w;
}

static void
put_utf8(uint32_t cp, FILE *out)
{
	char buf[4];

	fwrite(buf, 1, mr_utf8_put(cp, buf), out);
}

void
screen_dump(const struct screen *s, FILE *out)
{
	for (int y = 0; y < s->rows; y++) {
		const struct cell *row = &s->cells[(size_t)y * (size_t)s->cols];
		int end = s->cols;

		while (end > 0 && row[end - 1].width == 1 && row[end - 1].ch == ' ' &&
		       !row[end - 1].marks[0])
			end--;
		for (int x = 0; x < end; x++) {
			if (!row[x].width)
				continue;
			put_utf8(row[x].ch, out);
			for (int m = 0; m < CELL_MARKS && row[x].marks[m]; m++)
				put_utf8(row[x].marks[m], out);
		}
		putc('\n', out);
	}
}

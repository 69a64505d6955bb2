/* A diff of one file: a commit's change, or what changed since sign-off. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/gitview.h"

static uint16_t
line_style(char kind)
{
	switch (kind) {
	case '+': return STYLE_UI(THEME_UI_DIFF_ADD);
	case '-': return STYLE_UI(THEME_UI_DIFF_DEL);
	case 'H': return STYLE_UI(THEME_UI_DIFF_HUNK);
	case 'F': return STYLE_UI(THEME_UI_DIFF_HEADER);
	default: return STYLE_UI(THEME_UI_TEXT);
	}
}

/* Headers drop their kind letter; diff lines keep +, - and space in a column of their own. */
static bool
is_header(const char *l)
{
	return l[0] == 'F' || l[0] == 'H';
}

/*
 * Wrapped, a line's first row holds as much as fits after its +, - or space
 * (a header's, the whole width); the rows it wraps onto hold one column less
 * than the body, after the continuation mark.
 */
static int
first_cols(const char *l, int w)
{
	return is_header(l) ? w : w - 1;
}

static int
line_rows(const char *l, int w)
{
	/* measured from the +, - or space, as its tab stops count */
	int width = is_header(l) ? text_width(l + 1, strlen(l + 1)) : text_width(l, strlen(l)) - 1;
	int first = first_cols(l, w);

	if (!width || width <= first || w < 2)
		return 1;
	return 1 + (width - first + w - 2) / (w - 1);
}

static int width;               /* of the body at the last draw (there is one diff view) */

static int
diff_line_rows(struct view *v, struct app *app, size_t row)
{
	const char *title;
	const struct strvec *lines = gitview_diff(app, &title);

	(void)v;
	return app->wrap && row < lines->n ? line_rows(lines->v[row], width) : 1;
}

/* Draws a diff line from screen row y, on at most max rows; returns the rows it took. */
static int
draw_line(struct view *v, struct app *app, struct rect r, int y, size_t row, int max)
{
	const char *title, *l = gitview_diff(app, &title)->v[row];
	int rows = app->wrap ? line_rows(l, r.w) : 1, first = first_cols(l, r.w);
	uint16_t style = line_style(l[0]);

	for (int part = 0; part < rows && part < max; part++) {
		struct span sp = span_at(y + part, r.x, r.w), t;
		int lead = part || !is_header(l) ? 1 : 0;       /* the +, - or continuation column */

		screen_fill(&app->scr, y + part, r.x, r.w, STYLE_UI(THEME_UI_TEXT));
		if (part)
			screen_put(&app->scr, sp.y, sp.x, screen_glyph(&app->scr, 0x21aa, '+'), style);
		else if (lead)
			span_text(&app->scr, &sp, style, l, 1);
		t = span_at(sp.y, sp.x + lead, part ? r.w - 1 : first);
		t.skip = !app->wrap ? v->hscroll : part ? first + (part - 1) * (r.w - 1) : 0;
		/* tab stops as git's: counted from the +, - or space */
		t.tab_origin = is_header(l) ? 0 : -1;
		span_str(&app->scr, &t, style, l + 1);
		if (part == 0 && row == v->cursor && app->views[VIEW_DIFF].ops == v->ops)
			span_restyle(&app->scr, &sp, 0, 1, STYLE_UI(THEME_UI_CURSOR_LINE));
	}
	return rows;
}

/* The line under body row y (a click), wrapped lines taking their rows. */
static size_t
diff_row_at(struct view *v, struct app *app, int y)
{
	return view_row_at_wrapped(v, app, y, diff_line_rows);
}

static void
diff_draw(struct view *v, struct app *app, struct rect r)
{
	const char *title;
	const struct strvec *lines = gitview_diff(app, &title);
	size_t row = v->top;

	width = r.w;
	view_scroll_wrapped(v, app, r.h, diff_line_rows);
	for (int y = 0; y < r.h; row++) {
		if (row >= lines->n) {
			screen_fill(&app->scr, r.y + y++, r.x, r.w, STYLE_UI(THEME_UI_TEXT));
			continue;
		}
		y += draw_line(v, app, r, r.y + y, row, r.h - y);
	}
}

static bool
diff_key(struct view *v, struct app *app, enum action a)
{
	return view_hscroll(v, app, a, app->wrap);
}

static void
diff_title(struct view *v, struct app *app, char *buf, size_t size)
{
	const char *title;

	(void)v;
	gitview_diff(app, &title);
	snprintf(buf, size, "%s (q: back)", title);
}

static size_t
diff_rows(struct view *v, struct app *app)
{
	const char *title;

	(void)v;
	return gitview_diff(app, &title)->n;
}

static bool
diff_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	const char *title;
	const struct strvec *lines = gitview_diff(app, &title);

	(void)v;
	return app_find(lines->v[row], strlen(lines->v[row]), needle);
}

static const enum action diff_own[] = {
	ACTION_SCROLL_LEFT, ACTION_SCROLL_RIGHT, ACTION_WRAP, ACTION_NONE,
};

const struct view_ops diff_view_ops = {
	.name = "Diff",
	.draw = diff_draw,
	.title = diff_title,
	.key = diff_key,
	.rows = diff_rows,
	.matches = diff_matches,
	.own = diff_own,
	.row_at = diff_row_at,
};

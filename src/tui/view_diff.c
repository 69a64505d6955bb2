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

static void
diff_draw(struct view *v, struct app *app, struct rect r)
{
	const char *title;
	const struct strvec *lines = gitview_diff(app, &title);

	view_scroll(v, r.h);
	for (int i = 0; i < r.h; i++) {
		size_t row = v->top + (size_t)i;
		struct span sp = span_at(r.y + i, r.x, r.w);
		const char *l;

		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_TEXT));
		if (row >= lines->n)
			continue;
		l = lines->v[row];
		/* headers drop their kind letter; diff lines keep +, - and space */
		span_str(&app->scr, &sp, line_style(l[0]), l[0] == 'F' || l[0] == 'H' ? l + 1 : l);
		if (row == v->cursor && app->views[VIEW_DIFF].ops == v->ops)
			span_restyle(&app->scr, &sp, 0, 1, STYLE_UI(THEME_UI_CURSOR_LINE));
	}
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

const struct view_ops diff_view_ops = {
	.name = "Diff",
	.draw = diff_draw,
	.title = diff_title,
	.rows = diff_rows,
	.matches = diff_matches,
};

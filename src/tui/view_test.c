/* The output of the up/down test (t), streamed while it runs. */
#include "config.h"

#include <string.h>

#include "tui/app.h"
#include "tui/testrun.h"

static size_t shown;            /* lines at the last draw (there is one test view) */

static void
test_draw(struct view *v, struct app *app, struct rect r)
{
	char title[256];
	size_t n;
	const char *const *lines = testrun_lines(app, &n, title, sizeof(title));

	/* while the output grows, follow it unless the reviewer moved up from its end */
	if (n && (v->cursor + 1 >= shown || v->cursor >= n))
		v->cursor = n - 1;
	shown = n;
	view_scroll(v, r.h);
	for (int i = 0; i < r.h; i++) {
		size_t row = v->top + (size_t)i;
		struct span sp = span_at(r.y + i, r.x, r.w);
		const char *l = row < n ? lines[row] : "";
		uint16_t style = !strncmp(l, "── migreview:", strlen("── migreview:")) ||
				 !strncmp(l, "migreview:", 10) ?
				 STYLE_UI(THEME_UI_DIFF_HUNK) : STYLE_UI(THEME_UI_TEXT);

		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_TEXT));
		sp.skip = v->hscroll;
		span_str(&app->scr, &sp, style, l);
		if (row == v->cursor && row < n && app->views[VIEW_TEST].ops == v->ops)
			span_restyle(&app->scr, &sp, 0, 1, STYLE_UI(THEME_UI_CURSOR_LINE));
	}
	testrun_unlock(app);
}

static void
test_title(struct view *v, struct app *app, char *buf, size_t size)
{
	size_t n;

	(void)v;
	testrun_lines(app, &n, buf, size);
	testrun_unlock(app);
}

static size_t
test_rows(struct view *v, struct app *app)
{
	char title[8];
	size_t n;

	(void)v;
	testrun_lines(app, &n, title, sizeof(title));
	testrun_unlock(app);
	return n;
}

static bool
test_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	char title[8];
	size_t n;
	const char *const *lines = testrun_lines(app, &n, title, sizeof(title));
	bool hit = row < n && app_find(lines[row], strlen(lines[row]), needle);

	(void)v;
	testrun_unlock(app);
	return hit;
}

static bool
test_key(struct view *v, struct app *app, enum action a)
{
	return view_hscroll(v, app, a, false);
}

static const enum action test_own[] = {
	ACTION_SCROLL_LEFT, ACTION_SCROLL_RIGHT, ACTION_NONE,
};

const struct view_ops test_view_ops = {
	.name = "Test",
	.draw = test_draw,
	.title = test_title,
	.key = test_key,
	.rows = test_rows,
	.matches = test_matches,
	.own = test_own,
};

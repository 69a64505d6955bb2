/* The git history of the selected migration's file: newest commit first. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/gitview.h"

/* Row 0 is the working tree when it has changes not yet committed. */
static size_t
offset(const struct file_history *h)
{
	return h && h->uncommitted ? 1 : 0;
}

static void
draw_commit(struct app *app, struct span *sp, const struct file_commit *c)
{
	char day[16], id[12];

	file_commit_day(c, day);
	snprintf(id, sizeof(id), "%.10s", c->id);
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_HISTORY_COMMIT), id);
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST), "  ");
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_HISTORY_DATE), day);
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST), "  ");
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_HISTORY_AUTHOR), c->author);
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST), "  ");
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST), c->summary);
	if (c->old_path) {
		const char *base = strrchr(c->old_path, '/');

		span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_DIMMED), "  (renamed from ");
		span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_DIMMED), base ? base + 1 : c->old_path);
		span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_DIMMED), ")");
	} else if (c->added) {
		span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_DIMMED), "  (added)");
	}
}

static void
history_draw(struct view *v, struct app *app, struct rect r)
{
	size_t progress;
	const struct file_history *h = gitview_file_history(app, &progress);

	view_scroll(v, r.h);
	for (int i = 0; i < r.h; i++) {
		size_t row = v->top + (size_t)i;
		struct span sp = span_at(r.y + i, r.x, r.w);

		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_LIST));
		sp.col = 1;
		sp.skip = v->hscroll;
		if (!h) {
			if (i == 0) {
				char buf[64];

				snprintf(buf, sizeof(buf), "reading the history... %zu commits", progress);
				span_str(&app->scr, &sp, STYLE_UI(THEME_UI_LIST_DIMMED), buf);
			}
			continue;
		}
		if (row < offset(h))
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_DIFF_ADD),
				 "uncommitted changes in the working tree (d: the diff since sign-off)");
		else if (row - offset(h) < h->n)
			draw_commit(app, &sp, &h->v[row - offset(h)]);
		else if (row == 0)
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_LIST_DIMMED),
				 "no commit has this file yet");
		if (row == v->cursor && row < offset(h) + h->n)
			span_restyle(&app->scr, &sp, 0, r.w, STYLE_UI(THEME_UI_LIST_SELECTED));
	}
}

static void
history_title(struct view *v, struct app *app, char *buf, size_t size)
{
	size_t progress, rev = app_selected(app);
	const struct file_history *h = gitview_file_history(app, &progress);

	(void)v;
	snprintf(buf, size, "History of %s: %zu commit%s (Enter: its diff, q: back)",
		 rev < app->s.rep.g.n ? app->s.rep.g.revs[rev].relpath : "?", h ? h->n : 0,
		 h && h->n == 1 ? "" : "s");
}

static size_t
history_rows(struct view *v, struct app *app)
{
	size_t progress;
	const struct file_history *h = gitview_file_history(app, &progress);

	(void)v;
	return h ? offset(h) + h->n : 0;
}

static bool
history_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	size_t progress;
	const struct file_history *h = gitview_file_history(app, &progress);
	const struct file_commit *c;

	(void)v;
	if (!h || row < offset(h))
		return false;
	c = &h->v[row - offset(h)];
	return app_find(c->id, strlen(c->id), needle) ||
	       app_find(c->author, strlen(c->author), needle) ||
	       app_find(c->summary, strlen(c->summary), needle);
}

static bool
history_key(struct view *v, struct app *app, enum action a)
{
	size_t progress;
	const struct file_history *h = gitview_file_history(app, &progress);

	if (view_hscroll(v, app, a, false))
		return true;
	if (a != ACTION_ENTER || !h)
		return false;
	if (v->cursor < offset(h))
		gitview_signoff_diff(app);
	else
		gitview_commit_diff(app, v->cursor - offset(h));
	return true;
}

/* Enter: the commit's diff. */
static const enum action history_own[] = {
	ACTION_ENTER, ACTION_SCROLL_LEFT, ACTION_SCROLL_RIGHT, ACTION_NONE,
};

const struct view_ops history_view_ops = {
	.name = "History",
	.draw = history_draw,
	.title = history_title,
	.key = history_key,
	.rows = history_rows,
	.matches = history_matches,
	.own = history_own,
};

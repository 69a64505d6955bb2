/* The help screen, generated from the action table and the effective keys. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/app.h"

/* Rows: for each group a heading and its actions, a blank row between groups. */
struct help_row {
	int group;              /* -1: blank */
	enum action action;     /* ACTION_NONE: the heading */
};

static size_t
help_rows_fill(struct help_row *out)
{
	size_t n = 0;

	for (int g = 0; g < ACTION_GROUP_COUNT; g++) {
		if (g > 0) {
			if (out)
				out[n] = (struct help_row){ -1, ACTION_NONE };
			n++;
		}
		if (out)
			out[n] = (struct help_row){ g, ACTION_NONE };
		n++;
		for (int a = 1; a < ACTION_COUNT; a++)
			if ((int)actions[a].group == g) {
				if (out)
					out[n] = (struct help_row){ g, (enum action)a };
				n++;
			}
	}
	return n;
}

/* The help is about the keys of the view it was opened over. */
static int
view_below(const struct app *app)
{
	return app->n_overlay > 1 ? (int)app->overlay[app->n_overlay - 2] : (int)app->focus;
}

static void
help_draw(struct view *v, struct app *app, struct rect r)
{
	struct help_row rows[ACTION_COUNT + 2 * ACTION_GROUP_COUNT];
	size_t n = help_rows_fill(rows);

	view_scroll(v, r.h);
	for (int i = 0; i < r.h; i++) {
		size_t k = v->top + (size_t)i;
		struct span sp = span_at(r.y + i, r.x, r.w);
		char keys[128];

		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_HELP_TEXT));
		if (k >= n || rows[k].group < 0)
			continue;
		if (rows[k].action == ACTION_NONE) {
			sp.col = 1;
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_HELP_GROUP),
				 action_group_names[rows[k].group]);
			continue;
		}
		sp.col = 3;
		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_HELP_KEY),
			 keymap_keys(&app->keys, view_below(app), rows[k].action, keys, sizeof(keys)));
		sp.col = sp.col < 26 ? 26 : sp.col + 1;
		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_HELP_TEXT), actions[rows[k].action].help);
		if (k == v->cursor)
			span_restyle(&app->scr, &sp, 0, r.w, STYLE_UI(THEME_UI_LIST_SELECTED));
	}
}

static void
help_title(struct view *v, struct app *app, char *buf, size_t size)
{
	char keys[64], *end;

	(void)v;
	keymap_keys(&app->keys, VIEW_HELP, ACTION_QUIT, keys, sizeof(keys));
	if ((end = strchr(keys, ' ')))
		*end = '\0';
	snprintf(buf, size, "Help: the keys in effect and what they do%s%s%s", *keys ? " (" : "",
		 keys, *keys ? " closes)" : "");
}

static size_t
help_rows(struct view *v, struct app *app)
{
	(void)v;
	(void)app;
	return help_rows_fill(NULL);
}

static bool
help_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	struct help_row rows[ACTION_COUNT + 2 * ACTION_GROUP_COUNT];
	char keys[128];

	(void)v;
	help_rows_fill(rows);
	if (rows[row].group < 0)
		return false;
	if (rows[row].action == ACTION_NONE)
		return app_find(action_group_names[rows[row].group],
				strlen(action_group_names[rows[row].group]), needle);
	keymap_keys(&app->keys, view_below(app), rows[row].action, keys, sizeof(keys));
	return app_find(actions[rows[row].action].help, strlen(actions[rows[row].action].help),
			needle) || app_find(keys, strlen(keys), needle);
}

const struct view_ops help_view_ops = {
	.name = "Help",
	.draw = help_draw,
	.title = help_title,
	.rows = help_rows,
	.matches = help_matches,
};

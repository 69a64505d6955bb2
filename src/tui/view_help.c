/* The help screen, generated from the action table and the effective keys. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tui/app.h"

/*
 * Rows: for each group that has keys in the view below a heading and its
 * actions, a blank row between groups; over the panes, the list's marks
 * and the source gutter's after the keys.
 */
struct help_row {
	enum { HELP_BLANK, HELP_HEADING, HELP_ACTION, HELP_MARK } kind;
	int group;              /* an action group; for marks, one of the legends below */
	enum action action;
	int mark;
};

/* The legends of marks, after the action groups: the group of their heading is -1 - index. */
static const struct {
	const char *heading;
	const struct list_legend *v;
	int n;
} legends[] = {
	{ "Marks in the migration list", list_legend, LIST_MARK_COUNT },
	{ "Marks in the source gutter (from the recorded test run)", gutter_legend,
	  GUTTER_MARK_COUNT },
};

#define HELP_ROWS_MAX (ACTION_COUNT + 2 * ACTION_GROUP_COUNT + LIST_MARK_COUNT + \
		       GUTTER_MARK_COUNT + 2 * MR_ARRAY_SIZE(legends))

/* The help is about the keys of the view it was opened over. */
static int
view_below(const struct app *app)
{
	return app->n_overlay > 1 ? (int)app->overlay[app->n_overlay - 2] : (int)app->focus;
}

static void
add_row(struct help_row *out, size_t *n, struct help_row row)
{
	if (out)
		out[*n] = row;
	(*n)++;
}

static size_t
help_rows_fill(const struct app *app, struct help_row *out)
{
	int below = view_below(app);
	size_t n = 0;

	for (int g = 0; g < ACTION_GROUP_COUNT; g++) {
		bool heading = false;

		for (int a = 1; a < ACTION_COUNT; a++) {
			if ((int)actions[a].group != g || !view_takes(below, (enum action)a))
				continue;
			if (!heading && n)
				add_row(out, &n, (struct help_row){ .kind = HELP_BLANK });
			if (!heading)
				add_row(out, &n, (struct help_row){ .kind = HELP_HEADING, .group = g });
			heading = true;
			add_row(out, &n, (struct help_row){ .kind = HELP_ACTION, .group = g,
							     .action = (enum action)a });
		}
	}
	if (below != VIEW_LIST && below != VIEW_SOURCE && below != VIEW_CHECKLIST)
		return n;
	for (int k = 0; k < (int)MR_ARRAY_SIZE(legends); k++) {
		add_row(out, &n, (struct help_row){ .kind = HELP_BLANK });
		add_row(out, &n, (struct help_row){ .kind = HELP_HEADING, .group = -1 - k });
		for (int m = 0; m < legends[k].n; m++)
			add_row(out, &n, (struct help_row){ .kind = HELP_MARK, .group = -1 - k,
							     .mark = m });
	}
	return n;
}

static const char *
heading(const struct help_row *row)
{
	return row->group < 0 ? legends[-1 - row->group].heading : action_group_names[row->group];
}

static const struct list_legend *
mark_of(const struct help_row *row)
{
	return &legends[-1 - row->group].v[row->mark];
}

static void
draw_mark_row(struct app *app, struct span *sp, const struct list_legend *l)
{
	sp->col = 3;
	screen_put(&app->scr, sp->y, sp->x + sp->col, screen_glyph(&app->scr, l->glyph, l->ascii),
		   STYLE_UI(l->slot));
	sp->col = 26;
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_HELP_TEXT), l->meaning);
}

static void
help_draw(struct view *v, struct app *app, struct rect r)
{
	struct help_row rows[HELP_ROWS_MAX];
	size_t n = help_rows_fill(app, rows);

	view_scroll(v, r.h);
	for (int i = 0; i < r.h; i++) {
		size_t k = v->top + (size_t)i;
		struct span sp = span_at(r.y + i, r.x, r.w);
		char keys[128];

		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_HELP_TEXT));
		if (k >= n || rows[k].kind == HELP_BLANK)
			continue;
		if (rows[k].kind == HELP_HEADING) {
			sp.col = 1;
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_HELP_GROUP), heading(&rows[k]));
			continue;
		}
		if (rows[k].kind == HELP_MARK) {
			draw_mark_row(app, &sp, mark_of(&rows[k]));
		} else {
			sp.col = 3;
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_HELP_KEY),
				 keymap_keys(&app->keys, view_below(app), rows[k].action, keys,
					     sizeof(keys)));
			sp.col = sp.col < 26 ? 26 : sp.col + 1;
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_HELP_TEXT),
				 actions[rows[k].action].help);
		}
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
	return help_rows_fill(app, NULL);
}

static bool
help_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	struct help_row rows[HELP_ROWS_MAX];
	const char *text;
	char keys[128];

	(void)v;
	help_rows_fill(app, rows);
	switch (rows[row].kind) {
	case HELP_HEADING:
		return app_find(heading(&rows[row]), strlen(heading(&rows[row])), needle);
	case HELP_MARK:
		text = mark_of(&rows[row])->meaning;
		return app_find(text, strlen(text), needle);
	case HELP_ACTION:
		text = actions[rows[row].action].help;
		keymap_keys(&app->keys, view_below(app), rows[row].action, keys, sizeof(keys));
		return app_find(text, strlen(text), needle) || app_find(keys, strlen(keys), needle);
	default:
		return false;
	}
}

const struct view_ops help_view_ops = {
	.name = "Help",
	.draw = help_draw,
	.title = help_title,
	.rows = help_rows,
	.matches = help_matches,
};

/*
 * The migration list: review order, graph lanes, a status mark per migration
 * and, with --since, how its file changed since the ref.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/rules.h"
#include "tui/app.h"
#include "tui/gitview.h"
#include "tui/listsearch.h"

#define REV_COLS 12

const struct list_legend list_legend[LIST_MARK_COUNT] = {
	[LIST_MARK_BLOCKED] = { 0x2717, 'x', THEME_UI_MARK_BLOCKED,
				"blocked: an item is blocked, with a reason" },
	[LIST_MARK_SIGNED] = { 0x2713, '+', THEME_UI_MARK_SIGNED,
			       "signed off: every item decided for this content" },
	[LIST_MARK_STALE] = { '~', '~', THEME_UI_MARK_STALE,
			      "stale: decided, and the file changed since" },
	[LIST_MARK_HISTORY] = { 0x2013, '-', THEME_UI_LIST_HISTORY,
				"history: up to the baseline, outside the gate" },
	[LIST_MARK_NOT_IN_GRAPH] = { '!', '!', THEME_UI_FINDING_ERROR,
				     "not in the graph: no revision id, or a duplicate shadows it" },
	[LIST_MARK_ERROR] = { 0x25C6, '*', THEME_UI_FINDING_ERROR, "open, with error findings" },
	[LIST_MARK_WARNING] = { 0x25B2, '^', THEME_UI_FINDING_WARNING,
				"open, with warning findings" },
	[LIST_MARK_UNTESTED] = { '?', '?', THEME_UI_MARK_OPEN,
				 "open, only its up/down test run still to record" },
	[LIST_MARK_INFO] = { 0x25CB, 'o', THEME_UI_MARK_OPEN, "open, with notes only" },
	[LIST_MARK_CLEAN] = { 0x00B7, '.', THEME_UI_LIST_DIMMED, "open, no findings" },
	[LIST_MARK_ADDED] = { 'A', 'A', THEME_UI_DIFF_ADD, "--since: the file was added" },
	[LIST_MARK_MODIFIED] = { 'M', 'M', THEME_UI_DIFF_HUNK, "--since: the file was modified" },
	[LIST_MARK_RENAMED] = { 'R', 'R', THEME_UI_DIFF_HEADER,
				"--since: the file was renamed and changed" },
	[LIST_LANE_REVISION] = { 0x25CF, '*', THEME_UI_GRAPH,
				 "graph: a migration on its line of descent, base at the top" },
	[LIST_LANE_LINE] = { 0x2502, '|', THEME_UI_GRAPH, "graph: a line of descent passing by" },
	[LIST_LANE_BRANCH] = { 0x2510, '+', THEME_UI_GRAPH,
			       "graph: a branch opens (two migrations share a parent)" },
	[LIST_LANE_MERGE] = { 0x2518, '+', THEME_UI_GRAPH,
			      "graph: a merge closes (a migration with two parents)" },
	[LIST_LANE_MORE] = { 0x2026, '>', THEME_UI_GRAPH, "graph: more lanes than are drawn" },
};

/*
 * What the mark of an open migration says about its findings, decided ones
 * left out: the worst severity (-1 for none), and whether a to-do remains
 * that is no problem in itself (not-tested: no run recorded yet).
 */
static int
open_worst(struct app *app, size_t rev, const struct migration_review *m, bool known,
	   bool *untested)
{
	size_t n, first = report_findings(&app->s.rep, rev, &n);
	int worst = -1;

	*untested = false;
	for (size_t i = first; i < first + n; i++) {
		const struct finding *f = &app->s.rep.all.v[i];

		if (review_item_decided(known ? m : NULL, f->rule->item))
			continue;
		if (f->rule == &rules[RULE_NOT_TESTED])
			*untested = true;
		else if ((int)f->severity > worst)
			worst = (int)f->severity;
	}
	return worst;
}

/*
 * The mark of a migration: blocked, signed off or stale; an open one's says
 * how much its open findings weigh, by shape as well as colour (NO_COLOR):
 * a disc for errors, a triangle for warnings, a ring for notes, a question
 * mark for a migration that only waits for its test run.  History (the
 * baseline's, outside the gate) has a mark of its own: it waits for nothing.
 */
static enum list_mark
mark_of(struct app *app, size_t rev)
{
	struct migration_review m;
	bool known, untested;
	int worst;

	if (report_history(&app->s.rep, rev))
		return LIST_MARK_HISTORY;
	known = app_review_state(app, rev, &m);
	worst = open_worst(app, rev, &m, known, &untested);
	if (known && m.state == MIGRATION_BLOCKED)
		return LIST_MARK_BLOCKED;
	if (known && m.state == MIGRATION_SIGNED)
		return LIST_MARK_SIGNED;
	if (known && m.state == MIGRATION_STALE)
		return LIST_MARK_STALE;
	if (rev < app->s.rep.g.n && !app->s.rep.g.revs[rev].in_graph)
		return LIST_MARK_NOT_IN_GRAPH;
	if (worst >= SEVERITY_WARNING)
		return worst == SEVERITY_ERROR ? LIST_MARK_ERROR : LIST_MARK_WARNING;
	if (untested)
		return LIST_MARK_UNTESTED;
	return worst == SEVERITY_INFO ? LIST_MARK_INFO : LIST_MARK_CLEAN;
}

static void
draw_mark(struct app *app, struct span *sp, size_t rev)
{
	const struct list_legend *m = &list_legend[mark_of(app, rev)];

	screen_put(&app->scr, sp->y, sp->x + sp->col, screen_glyph(&app->scr, m->glyph, m->ascii),
		   STYLE_UI(m->slot));
	sp->col += 2;
}

/* --since: how the migration's file changed since the ref; blank when it did not. */
static void
draw_change(struct app *app, struct span *sp, size_t rev)
{
	static const enum list_mark marks[] = {
		[GITINFO_ADDED] = LIST_MARK_ADDED,
		[GITINFO_MODIFIED] = LIST_MARK_MODIFIED,
		[GITINFO_RENAMED] = LIST_MARK_RENAMED,
	};
	enum gitinfo_change c = gitview_change(app, rev);

	if (!app->scope)
		return;
	if (c != GITINFO_UNCHANGED)
		screen_put(&app->scr, sp->y, sp->x + sp->col, list_legend[marks[c]].glyph,
			   STYLE_UI(list_legend[marks[c]].slot));
	sp->col += 2;
}

static void
draw_graph(struct app *app, struct span *sp, size_t row)
{
	const uint32_t *cells;

	if (!app->lanes.width)
		return;
	if (row < app->n_graph_rows && !filter_narrowed(app)) {
		cells = lanes_row(&app->lanes, row);
		for (int i = 0; i < app->lanes.width && sp->col < sp->w; i++, sp->col++)
			screen_put(&app->scr, sp->y, sp->x + sp->col, cells[i],
				   STYLE_UI(THEME_UI_GRAPH));
	} else {
		sp->col += app->lanes.width;
	}
	sp->col++;
}

static void
draw_row(struct app *app, struct span *sp, size_t row)
{
	size_t rev = app->rows[row];
	const struct revision *r = &app->s.rep.g.revs[rev];
	char id[REV_COLS + 1] = "";
	uint16_t text = STYLE_UI(THEME_UI_LIST);
	int id_start;

	draw_mark(app, sp, rev);
	draw_change(app, sp, rev);
	draw_graph(app, sp, row);
	id_start = sp->col;
	if (r->in_graph && r->id)
		snprintf(id, sizeof(id), "%s", r->id);
	span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_REVISION), r->in_graph ? id : "(not in graph)");
	if (r->in_graph)
		while (sp->col < id_start + REV_COLS && sp->col < sp->w)
			span_str(&app->scr, sp, text, " ");
	span_str(&app->scr, sp, text, " ");
	if (r->in_graph && r->is_head)
		span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_HEAD), "(head) ");
	if (r->in_graph && r->is_merge_point)
		span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_HEAD), "(merge) ");
	if (r->in_graph && r->is_branch_point)
		span_str(&app->scr, sp, STYLE_UI(THEME_UI_LIST_HEAD), "(branch) ");
	/* without a docstring, the file's name says most (its directory is every row's) */
	if (r->in_graph)
		span_str(&app->scr, sp, text, r->message ? r->message :
			 strrchr(r->relpath, '/') ? strrchr(r->relpath, '/') + 1 : r->relpath);
	else
		span_str(&app->scr, sp, text, r->relpath);
}

static void
list_draw(struct view *v, struct app *app, struct rect r)
{
	bool focused = app->focus == VIEW_LIST;

	view_scroll(v, r.h);
	for (int i = 0; i < r.h; i++) {
		size_t row = v->top + (size_t)i;
		struct span sp = span_at(r.y + i, r.x, r.w);

		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_LIST));
		if (row >= app->n_rows)
			continue;
		draw_row(app, &sp, row);
		/* --since: what did not change is there for context, dimmed */
		if (app->scope && !app->scope[app->rows[row]])
			span_restyle(&app->scr, &sp, 0, r.w, STYLE_UI(THEME_UI_LIST_DIMMED));
		/* the baseline's history is there to browse, outside the gate */
		if (report_history(&app->s.rep, app->rows[row]))
			span_restyle(&app->scr, &sp, 0, r.w, STYLE_UI(THEME_UI_LIST_HISTORY));
		if (row == v->cursor)
			span_restyle(&app->scr, &sp, 0, r.w,
				     STYLE_UI(focused ? THEME_UI_LIST_SELECTED
					      : THEME_UI_LIST_SELECTED_UNFOCUSED));
	}
}

static void
list_title(struct view *v, struct app *app, char *buf, size_t size)
{
	/* a filtered list says so where it is counted: the pane is narrow */
	filter_describe(app, v->cursor, buf, size);
	if (!*buf)
		snprintf(buf, size, "Migrations %zu/%zu", app->n_rows ? v->cursor + 1 : 0,
			 app->n_rows);
}

static size_t
list_rows(struct view *v, struct app *app)
{
	(void)v;
	return app->n_rows;
}

static struct list_search *
search_of(struct view *v)
{
	if (!v->priv)
		v->priv = list_search_new();
	return v->priv;
}

/*
 * The search index of the graph shown, built on a thread once the analysis
 * is done: the analysis may read the files again when it ends, and while
 * the index is built the session holds them as read.  wait: the screen
 * tests' and the benchmark's keys find it in.
 */
bool
list_view_poll(struct app *app, bool wait)
{
	struct list_search *ls = search_of(&app->views[VIEW_LIST]);

	if (!ls)
		return false;
	if (!list_search_building(ls) && !app->s.job.running &&
	    list_search_gen(ls) != app->s.graph_gen &&
	    list_search_index(ls, &app->s.rep.g, app->s.graph_gen) == 0)
		app->s.hold++;
	if (!list_search_building(ls) || !list_search_finish(ls, wait))
		return false;
	app->s.hold--;
	return true;
}

static bool
list_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	struct list_search *ls = search_of(v);

	return ls && list_search_matches(ls, &app->s.rep.g, app->s.graph_gen, app->rows[row],
					 needle);
}

static void
list_close(struct view *v)
{
	list_search_free(v->priv);
	v->priv = NULL;
}

static void
list_moved(struct view *v, struct app *app)
{
	app_select_row(app, v->cursor);
}

static bool
list_key(struct view *v, struct app *app, enum action a)
{
	(void)v;
	if (a == ACTION_ENTER) {
		app->focus = VIEW_CHECKLIST;
		return true;
	}
	return false;
}

/* The panes' keys, and Enter: to the checklist. */
static const enum action list_own[] = {
	ACTION_NEXT_PANE, ACTION_PREV_PANE, ACTION_NEXT_UNDECIDED, ACTION_PREV_UNDECIDED,
	ACTION_ENTER, ACTION_MAXIMISE, ACTION_NEXT_MIGRATION, ACTION_PREV_MIGRATION,
	ACTION_ACCEPT, ACTION_WAIVE, ACTION_BLOCK, ACTION_CLEAR, ACTION_UNDO, ACTION_REDO,
	ACTION_ACCEPT_CLEAN, ACTION_FILTER, ACTION_NONE,
};

const struct view_ops list_view_ops = {
	.name = "Migrations",
	.draw = list_draw,
	.title = list_title,
	.key = list_key,
	.rows = list_rows,
	.matches = list_matches,
	.moved = list_moved,
	.close = list_close,
	.own = list_own,
};

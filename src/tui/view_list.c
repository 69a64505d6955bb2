/*
 * The migration list: review order, graph lanes, a status mark per migration
 * and, with --since, how its file changed since the ref.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/rules.h"
#include "tui/app.h"
#include "tui/gitview.h"

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

/*
 * What search looks in, per revision: its id, message, file name and
 * source.  A search that ignores case reads them folded to lower case, in
 * one buffer per graph folded a revision at a time as the search first
 * reaches it, so that a search through 10,000 rows is a memmem() per row
 * and the first one does not wait for every file to be folded.  The source
 * is there so that /drop_table finds the migrations that drop one.
 */
#define LIST_FIELDS 4

struct list_text {
	unsigned gen;           /* the session's graph_gen it was made for */
	char *folded;
	size_t *at;             /* revision i: folded[at[i] .. at[i + 1]) */
	bool *made;             /* revision i is folded */
};

static void
fields(const struct revision *r, const char *f[LIST_FIELDS], size_t len[LIST_FIELDS])
{
	f[0] = r->id ? r->id : "";
	f[1] = r->message ? r->message : "";
	f[2] = r->relpath;
	f[3] = r->text ? r->text : "";
	for (int k = 0; k < 3; k++)
		len[k] = strlen(f[k]);
	len[3] = r->text ? r->text_len : 0;
}

static void
text_free(struct list_text *t)
{
	free(t->folded);
	free(t->at);
	free(t->made);
	memset(t, 0, sizeof(*t));
}

static int
text_build(struct list_text *t, const struct graph *g, unsigned gen)
{
	size_t total = 0;

	text_free(t);
	t->at = malloc((g->n + 1) * sizeof(size_t));
	t->made = calloc(g->n + 1, sizeof(bool));
	for (size_t i = 0; t->at && i < g->n; i++) {
		const char *f[LIST_FIELDS];
		size_t len[LIST_FIELDS];

		t->at[i] = total;
		fields(&g->revs[i], f, len);
		for (int k = 0; k < LIST_FIELDS; k++)
			total += len[k] + 1;
	}
	t->folded = t->at && t->made ? malloc(total + 1) : NULL;
	if (!t->folded) {
		text_free(t);
		return -1;
	}
	t->at[g->n] = total;
	t->gen = gen;
	return 0;
}

/* Revision rev's fields, folded, each ended by a newline: a match cannot span two. */
static const char *
text_folded(struct list_text *t, const struct revision *r, size_t rev)
{
	char *out = t->folded + t->at[rev];

	if (!t->made[rev]) {
		const char *f[LIST_FIELDS];
		size_t len[LIST_FIELDS];
		char *p = out;

		fields(r, f, len);
		for (int k = 0; k < LIST_FIELDS; k++) {
			for (size_t c = 0; c < len[k]; c++)
				*p++ = (char)tolower((unsigned char)f[k][c]);
			*p++ = '\n';
		}
		t->made[rev] = true;
	}
	return out;
}

static bool
list_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	struct list_text *t = v->priv;
	size_t rev = app->rows[row], n = strlen(needle);
	const struct revision *r = &app->s.rep.g.revs[rev];
	const char *f[LIST_FIELDS];
	size_t len[LIST_FIELDS];
	char low[PROMPT_MAX];
	bool fold = true;

	if (!n || n >= sizeof(low))
		return false;
	/* smartcase: a capital letter makes the search exact */
	for (const char *p = needle; *p; p++)
		fold = fold && !isupper((unsigned char)*p);
	if (!fold) {
		fields(r, f, len);
		for (int k = 0; k < LIST_FIELDS; k++)
			if (memmem(f[k], len[k], needle, n))
				return true;
		return false;
	}
	if (!t && !(t = v->priv = calloc(1, sizeof(*t))))
		return false;
	if ((!t->folded || t->gen != app->s.graph_gen) && text_build(t, &app->s.rep.g,
								      app->s.graph_gen) < 0)
		return false;
	for (size_t k = 0; k <= n; k++)
		low[k] = (char)tolower((unsigned char)needle[k]);
	return memmem(text_folded(t, r, rev), t->at[rev + 1] - t->at[rev], low, n);
}

static void
list_close(struct view *v)
{
	if (v->priv)
		text_free(v->priv);
	free(v->priv);
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

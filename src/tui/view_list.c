/* The migration list: review order, graph lanes, a status mark per migration. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/rules.h"
#include "tui/app.h"

#define REV_COLS 12

/*
 * The mark of a migration: blocked, signed off or stale; an open one's says
 * how much its findings weigh.
 */
static void
draw_mark(struct app *app, struct span *sp, size_t rev)
{
	int worst = report_worst(&app->s.rep, rev);
	struct migration_review m;
	bool known = app_review_state(app, rev, &m);
	uint32_t ch;
	uint16_t style;

	if (known && m.state == MIGRATION_BLOCKED) {
		ch = screen_glyph(&app->scr, 0x2717, 'x');
		style = STYLE_UI(THEME_UI_MARK_BLOCKED);
	} else if (known && m.state == MIGRATION_SIGNED) {
		ch = screen_glyph(&app->scr, 0x2713, '+');
		style = STYLE_UI(THEME_UI_MARK_SIGNED);
	} else if (known && m.state == MIGRATION_STALE) {
		ch = '~';
		style = STYLE_UI(THEME_UI_MARK_STALE);
	} else if (rev < app->s.rep.g.n && !app->s.rep.g.revs[rev].in_graph) {
		ch = '!';
		style = STYLE_UI(THEME_UI_FINDING_ERROR);
	} else if (worst >= SEVERITY_WARNING) {
		ch = screen_glyph(&app->scr, 0x25CF, '*');
		style = STYLE_UI(worst == SEVERITY_ERROR ? THEME_UI_FINDING_ERROR : THEME_UI_FINDING_WARNING);
	} else if (worst == SEVERITY_INFO) {
		ch = screen_glyph(&app->scr, 0x25CB, 'o');
		style = STYLE_UI(THEME_UI_MARK_OPEN);
	} else {
		ch = screen_glyph(&app->scr, 0x00B7, '.');
		style = STYLE_UI(THEME_UI_LIST_DIMMED);
	}
	screen_put(&app->scr, sp->y, sp->x + sp->col, ch, style);
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
	span_str(&app->scr, sp, text, r->message && r->in_graph ? r->message : r->relpath);
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

const struct view_ops list_view_ops = {
	.name = "Migrations",
	.draw = list_draw,
	.title = list_title,
	.key = list_key,
	.rows = list_rows,
	.matches = list_matches,
	.moved = list_moved,
	.close = list_close,
};

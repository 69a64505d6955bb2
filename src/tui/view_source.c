/*
 * The source of the selected migration: highlighted by the grammar's
 * highlights.scm, a gutter with line numbers, a mark on every line that
 * has a finding and one on every line that took a lock keeping writes
 * waiting in a test run of this content, the finding of the cursor line on
 * the status line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/util.h"
#include "tui/app.h"
#include "tui/gitview.h"

struct source {
	size_t rev;             /* what is loaded; (size_t)-1 for nothing */
	char *buf;
	size_t len;
	size_t *lines;          /* start offset of each line */
	size_t n_lines;
	struct hl_spans spans;
	signed char *worst;     /* per line: worst finding severity, or -1 */
	signed char *lock;      /* per line: strongest lock marked (enum pg_lock_mode), or -1 */
	int width;              /* of the body at the last draw, for the rows a wrapped line takes */
	char error[MR_ERROR_MAX];       /* why there is nothing to show */
};

static struct source *
src_of(struct view *v)
{
	return v->priv;
}

static void
unload(struct source *s)
{
	free(s->buf);
	free(s->lines);
	free(s->worst);
	free(s->lock);
	s->buf = NULL;
	s->lines = NULL;
	s->worst = NULL;
	s->lock = NULL;
	s->len = s->n_lines = 0;
	s->error[0] = '\0';
}

static int
split_lines(struct source *s)
{
	size_t n = 1;

	for (size_t i = 0; i < s->len; i++)
		n += s->buf[i] == '\n';
	s->lines = malloc((n + 1) * sizeof(size_t));
	s->worst = malloc(n + 1);
	s->lock = malloc(n + 1);
	if (!s->lines || !s->worst || !s->lock)
		return -1;
	s->n_lines = 0;
	s->lines[s->n_lines++] = 0;
	for (size_t i = 0; i < s->len; i++)
		if (s->buf[i] == '\n' && i + 1 < s->len)
			s->lines[s->n_lines++] = i + 1;
	s->lines[s->n_lines] = s->len;
	memset(s->worst, -1, n + 1);
	memset(s->lock, -1, n + 1);
	return 0;
}

static void
mark_findings(struct source *s, struct app *app, size_t rev)
{
	size_t n, first = report_findings(&app->s.rep, rev, &n);

	for (size_t i = first; i < first + n; i++) {
		const struct finding *f = &app->s.rep.all.v[i];
		size_t line = f->line - 1;

		/* a finding on the whole file (line 0) is the checklist's alone */
		if (f->line && line < s->n_lines && (int)f->severity > s->worst[line])
			s->worst[line] = (signed char)f->severity;
	}
}

static void
mark_step(struct source *s, const struct run_step *st)
{
	for (size_t i = 0; i < st->n_locks; i++) {
		const struct run_lock *l = &st->locks[i];
		size_t line = (size_t)l->line - 1;

		if (l->line > 0 && line < s->n_lines && report_lock_named(l) &&
		    (int)l->mode > s->lock[line])
			s->lock[line] = (signed char)l->mode;
	}
}

/*
 * The strongest lock each line took in the evidence of the runs on this
 * content, of those the checklist's summary of them names.
 */
static void
mark_locks(struct source *s, struct app *app, size_t rev)
{
	const struct test_run *t;
	size_t k = 0;

	while ((t = report_evidence_run(&app->s.review, &app->s.rep.g.revs[rev], &k)))
		for (size_t i = 0; i < t->evidence->n; i++)
			if (report_step_telling(&t->evidence->v[i]))
				mark_step(s, &t->evidence->v[i]);
}

static void
load(struct source *s, struct app *app, size_t rev)
{
	const struct revision *r;
	const char *text;
	char *own;
	struct mr_error err;

	unload(s);
	s->rev = rev;
	if (rev >= app->s.rep.g.n)
		return;
	r = &app->s.rep.g.revs[rev];
	/* the content the findings are about and decisions bind to, never the disk's of now */
	if (!(text = revision_text(r, &s->len, &own)) && r->text_later) {
		snprintf(s->error, sizeof(s->error), "%s has changed since it was read: it is "
			 "read again", r->relpath);
		app->s.reread = true;
		return;
	}
	if (!text) {
		size_t n, first = report_findings(&app->s.rep, rev, &n);

		/* the finding that says why: too large, or not readable */
		snprintf(s->error, sizeof(s->error), "%s is not shown%s%s", r->relpath,
			 n ? ": " : "", n ? app->s.rep.all.v[first].message : "");
		return;
	}
	s->buf = malloc(s->len + 1);
	if (s->buf) {
		memcpy(s->buf, text, s->len);
		s->buf[s->len] = '\0';
	}
	free(own);
	if (!s->buf || split_lines(s) < 0) {
		unload(s);
		snprintf(s->error, sizeof(s->error), "out of memory");
		return;
	}
	/* a file the highlighter refuses, or too large to analyse, is shown in plain text */
	if (s->len > REVISION_MAX_ANALYSED ||
	    highlight_source(app->hl, s->buf, s->len, &s->spans, &err) < 0)
		s->spans.n = 0;
	mark_findings(s, app, rev);
	mark_locks(s, app, rev);
}

static void
source_select(struct view *v, struct app *app)
{
	if (!v->priv) {
		v->priv = calloc(1, sizeof(struct source));
		if (!v->priv)
			return;
		src_of(v)->rev = (size_t)-1;
	}
	load(src_of(v), app, app_selected(app));
	v->cursor = v->top = 0;
	v->hscroll = 0;
}

/* The first span that ends after offset. */
static size_t
span_from(const struct hl_spans *sp, size_t offset)
{
	size_t lo = 0, hi = sp->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sp->v[mid].end <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Draws bytes [a, b) of the line, with highlight spans and search matches. */
static void
draw_text(struct app *app, struct source *s, struct span *out, size_t a, size_t b)
{
	size_t k = span_from(&s->spans, a);
	const char *match = NULL;
	size_t mlen = strlen(app->search);

	while (a < b) {
		size_t next = b;
		uint16_t style = STYLE_UI(THEME_UI_TEXT);

		if (mlen && (!match || match + mlen <= s->buf + a))
			match = app_find(s->buf + a, b - a, app->search);
		while (k < s->spans.n && s->spans.v[k].end <= a)
			k++;
		if (k < s->spans.n && s->spans.v[k].start <= a) {
			style = STYLE_SYNTAX(s->spans.v[k].capture);
			next = s->spans.v[k].end < next ? s->spans.v[k].end : next;
		} else if (k < s->spans.n && s->spans.v[k].start < next) {
			next = s->spans.v[k].start;
		}
		if (match && (size_t)(match - s->buf) <= a) {
			style = STYLE_UI(THEME_UI_SEARCH_MATCH);
			next = (size_t)(match - s->buf) + mlen < next ?
			       (size_t)(match - s->buf) + mlen : next;
		} else if (match && (size_t)(match - s->buf) < next) {
			next = (size_t)(match - s->buf);
		}
		if (!span_text(&app->scr, out, style, s->buf + a, next - a))
			return;
		a = next;
	}
}

static int
digits(size_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* The width of the text beside the gutter, in a body of width w. */
static int
text_cols(struct source *s, int w)
{
	return w - digits(s->n_lines) - 2;
}

/* The bytes of a line, without its line break. */
static void
line_bytes(struct source *s, size_t line, size_t *a, size_t *b)
{
	*a = s->lines[line];
	*b = s->lines[line + 1];
	while (*b > *a && (s->buf[*b - 1] == '\n' || s->buf[*b - 1] == '\r'))
		(*b)--;
}

/* The screen rows a line takes: one, or as many as its text needs when lines wrap. */
static int
line_rows(struct view *v, struct app *app, size_t line)
{
	struct source *s = src_of(v);
	size_t a, b;
	int cols = text_cols(s, s->width), w;

	if (!app->wrap || cols < 1)
		return 1;
	line_bytes(s, line, &a, &b);
	w = text_width(s->buf + a, b - a);
	return w > cols ? (w + cols - 1) / cols : 1;
}

const struct list_legend gutter_legend[GUTTER_MARK_COUNT] = {
	[GUTTER_LOCK_READS] = { 0x25cf, '#', THEME_UI_GUTTER_LOCK_EXCLUSIVE,
				"test run: ACCESS EXCLUSIVE here, reads and writes blocked" },
	[GUTTER_LOCK_WRITES] = { 0x25cb, '*', THEME_UI_GUTTER_LOCK_SHARE,
				 "test run: a lock here blocked writes; reads went on" },
};

/*
 * The mark after the line number: what the line's lock keeps waiting, reads
 * and writes (ACCESS EXCLUSIVE) or writes (the SHARE modes, EXCLUSIVE).
 */
static void
draw_lock(struct app *app, struct span *g, int mode)
{
	const struct list_legend *m;

	if (mode < 0) {
		span_str(&app->scr, g, STYLE_UI(THEME_UI_GUTTER), " ");
		return;
	}
	m = &gutter_legend[pglock_conflicts((enum pg_lock_mode)mode, PG_ACCESS_SHARE) ?
			   GUTTER_LOCK_READS : GUTTER_LOCK_WRITES];
	screen_put(&app->scr, g->y, g->x + g->col, screen_glyph(&app->scr, m->glyph, m->ascii),
		   STYLE_UI(m->slot));
	g->col++;
}

/*
 * The gutter of a screen row: the finding mark, the line number and the
 * lock mark on a line's first row, a continuation mark on the rows it
 * wrapped onto.
 */
static void
draw_gutter(struct view *v, struct app *app, struct span *g, size_t line, int part)
{
	struct source *s = src_of(v);
	int num_w = digits(s->n_lines);
	uint16_t num_style = STYLE_UI(line == v->cursor && app->focus == VIEW_SOURCE ?
				      THEME_UI_CURSOR_LINE : THEME_UI_LINE_NUMBER);
	char num[32];
	static const enum theme_ui_slot sev_slot[] = {
		THEME_UI_FINDING_INFO, THEME_UI_FINDING_WARNING, THEME_UI_FINDING_ERROR,
	};

	if (part == 0 && s->worst[line] >= 0)
		span_str(&app->scr, g, STYLE_UI(sev_slot[(int)s->worst[line]]),
			 (const char *[]){ "i", "W", "E" }[(int)s->worst[line]]);
	else
		span_str(&app->scr, g, STYLE_UI(THEME_UI_GUTTER), " ");
	if (part == 0) {
		snprintf(num, sizeof(num), "%*zu", num_w > 20 ? 20 : num_w, line + 1);
		span_str(&app->scr, g, num_style, num);
	} else {
		snprintf(num, sizeof(num), "%*s", num_w > 20 ? 19 : num_w - 1, "");
		span_str(&app->scr, g, num_style, num);
		screen_put(&app->scr, g->y, g->x + g->col, screen_glyph(&app->scr, 0x21aa, '+'),
			   num_style);
		g->col++;
	}
	draw_lock(app, g, part == 0 ? s->lock[line] : -1);
}

/* Draws a line from screen row y, on at most max rows; returns the rows it took. */
static int
draw_line(struct view *v, struct app *app, struct rect r, int y, size_t line, int max)
{
	struct source *s = src_of(v);
	int rows = line_rows(v, app, line), cols = text_cols(s, r.w);
	size_t a, b;

	line_bytes(s, line, &a, &b);
	for (int part = 0; part < rows && part < max; part++) {
		struct span g = span_at(y + part, r.x, r.w), t;

		draw_gutter(v, app, &g, line, part);
		t = span_at(g.y, g.x + g.col, g.w - g.col);
		t.skip = app->wrap ? part * cols : v->hscroll;
		draw_text(app, s, &t, a, b);
	}
	return rows;
}

/* The line under body row y (a click), wrapped lines taking their rows. */
static size_t
source_row_at(struct view *v, struct app *app, int y)
{
	return view_row_at_wrapped(v, app, y, line_rows);
}

static void
source_draw(struct view *v, struct app *app, struct rect r)
{
	struct source *s = src_of(v);

	for (int i = 0; i < r.h; i++)
		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_TEXT));
	if (!s || !s->buf) {
		struct span sp = span_at(r.y, r.x + 1, r.w - 1);

		if (s && s->error[0])
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_STATUS_ERROR), s->error);
		else
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_LIST_DIMMED),
				 app->n_rows ? "nothing to show" : app->n_unfiltered ?
				 "no migration is left by the filter (f, :filter all)" :
				 "no migrations in this project's version locations");
		return;
	}
	s->width = r.w;
	view_scroll_wrapped(v, app, r.h, line_rows);
	for (size_t line = v->top, y = 0; (int)y < r.h && line < s->n_lines; line++)
		y += (size_t)draw_line(v, app, r, r.y + (int)y, line, r.h - (int)y);
}

static void
source_title(struct view *v, struct app *app, char *buf, size_t size)
{
	struct source *s = src_of(v);
	size_t rev = app_selected(app);

	if (!s || rev >= app->s.rep.g.n)
		snprintf(buf, size, "Source");
	else
		/* the file name: the directory is the same for nearly every migration */
		snprintf(buf, size, "%zu/%zu  %s%s%s", s->n_lines ? v->cursor + 1 : 0, s->n_lines,
			 strrchr(app->s.rep.g.revs[rev].relpath, '/') ?
			 strrchr(app->s.rep.g.revs[rev].relpath, '/') + 1 : app->s.rep.g.revs[rev].relpath,
			 gitview_added(app) ? "  " : "", gitview_added(app) ? gitview_added(app) : "");
}

static size_t
source_rows(struct view *v, struct app *app)
{
	(void)app;
	return v->priv ? src_of(v)->n_lines : 0;
}

static bool
source_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	struct source *s = src_of(v);

	(void)app;
	return app_find(s->buf + s->lines[row], s->lines[row + 1] - s->lines[row], needle);
}

/*
 * The status line names a finding of the cursor line: the one Enter showed
 * while the cursor is on its line, else the line's most severe, and how
 * many more the line has (the checklist lists them all).
 */
static void
source_moved(struct view *v, struct app *app)
{
	struct source *s = src_of(v);
	size_t n, first = report_findings(&app->s.rep, s->rev, &n);
	size_t jumped = app->jumped_finding, shown = (size_t)-1, on_line = 0;
	const struct finding *f;
	char more[32] = "";

	if (!(jumped >= first && jumped < first + n &&
	      app->s.rep.all.v[jumped].line == v->cursor + 1))
		app->jumped_finding = jumped = (size_t)-1;
	for (size_t i = first; i < first + n; i++) {
		f = &app->s.rep.all.v[i];
		if (f->line != v->cursor + 1)
			continue;
		on_line++;
		if (jumped == (size_t)-1 ? shown == (size_t)-1 ||
					   f->severity > app->s.rep.all.v[shown].severity : i == jumped)
			shown = i;
	}
	if (shown == (size_t)-1)
		return;
	f = &app->s.rep.all.v[shown];
	if (on_line > 1)
		snprintf(more, sizeof(more), " (+%zu more)", on_line - 1);
	app_message(app, false, "%u:%u %s%s: %s [%s]", f->line, f->col, severity_name(f->severity),
		    more, f->message, f->rule->id);
}

static bool
source_key(struct view *v, struct app *app, enum action a)
{
	return src_of(v) && view_hscroll(v, app, a, app->wrap);
}

static void
source_close(struct view *v)
{
	struct source *s = src_of(v);

	if (!s)
		return;
	unload(s);
	hl_spans_free(&s->spans);
	free(s);
	v->priv = NULL;
}

/* The panes' keys, and the horizontal scroll. */
static const enum action source_own[] = {
	ACTION_NEXT_PANE, ACTION_PREV_PANE, ACTION_NEXT_UNDECIDED, ACTION_PREV_UNDECIDED,
	ACTION_SCROLL_LEFT, ACTION_SCROLL_RIGHT, ACTION_WRAP, ACTION_MAXIMISE,
	ACTION_NEXT_MIGRATION, ACTION_PREV_MIGRATION,
	ACTION_ACCEPT, ACTION_WAIVE, ACTION_BLOCK, ACTION_CLEAR, ACTION_UNDO, ACTION_REDO,
	ACTION_ACCEPT_CLEAN, ACTION_FILTER, ACTION_NONE,
};

const struct view_ops source_view_ops = {
	.name = "Source",
	.select = source_select,
	.draw = source_draw,
	.title = source_title,
	.key = source_key,
	.rows = source_rows,
	.matches = source_matches,
	.moved = source_moved,
	.close = source_close,
	.own = source_own,
	.row_at = source_row_at,
};

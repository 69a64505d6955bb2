/*
 * The checklist of the selected migration: every item, and under each the
 * findings the analyser produced for it, wrapped to the pane's width.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/checklist.h"
#include "migreview/rules.h"
#include "tui/app.h"

struct entry {
	enum check_item item;
	size_t finding;         /* index into the report's findings, or NO_FINDING */
};

#define NO_FINDING ((size_t)-1)

struct checklist_state {
	struct entry *v;
	size_t n, cap;
	size_t per_item[CHECK_ITEM_COUNT];
	bool reveal;            /* the next draw scrolls the cursor item's findings in too */
};

static struct checklist_state *
cl_of(struct view *v)
{
	return v->priv;
}

static enum check_item
item_of(const struct finding *f)
{
	return f->rule->item;
}

static void
checklist_select(struct view *v, struct app *app)
{
	struct checklist_state *c = cl_of(v);
	size_t rev = app_selected(app), n, first;

	if (!c) {
		c = v->priv = calloc(1, sizeof(*c));
		if (!c)
			return;
	}
	c->n = 0;
	memset(c->per_item, 0, sizeof(c->per_item));
	v->cursor = v->top = 0;
	if (rev >= app->s.rep.g.n)
		return;
	first = report_findings(&app->s.rep, rev, &n);
	for (int item = 0; item < CHECK_ITEM_COUNT; item++) {
		if (mr_grow(&c->v, &c->cap, c->n + 1, sizeof(*c->v)) < 0)
			return;
		c->v[c->n++] = (struct entry){ (enum check_item)item, NO_FINDING };
		for (size_t i = first; i < first + n; i++) {
			if (item_of(&app->s.rep.all.v[i]) != (enum check_item)item)
				continue;
			if (mr_grow(&c->v, &c->cap, c->n + 1, sizeof(*c->v)) < 0)
				return;
			c->v[c->n++] = (struct entry){ (enum check_item)item, i };
			c->per_item[item]++;
		}
	}
}

/* The decision on an item of the selected migration, or NULL. */
static const struct decision *
decision_of(struct app *app, enum check_item item)
{
	size_t rev = app_selected(app);

	if (rev >= app->s.rep.g.n || !app->s.rep.g.revs[rev].id)
		return NULL;
	return review_find(&app->s.review, app->s.rep.g.revs[rev].id, checklist[item].id);
}

static enum item_state
state_of(struct app *app, enum check_item item)
{
	struct migration_review m;

	return app_review_state(app, app_selected(app), &m) ? m.items[item] : ITEM_OPEN;
}

/* "accepted by Ann <ann@example.com>, 2026-11-24 17:03": who decided what, when. */
static char *
decision_text(struct app *app, enum check_item item)
{
	const struct decision *d = decision_of(app, item);
	enum item_state st = state_of(app, item);
	char when[17] = "";

	if (st == ITEM_NOT_APPLICABLE)
		return mr_strdup("does not apply to this migration: nothing to decide");
	if (!d || d->status == DECISION_CLEARED)
		return NULL;
	/* "2026-11-24T17:03:12.345Z" shown as "2026-11-24 17:03" */
	snprintf(when, sizeof(when), "%s", d->timestamp);
	if (strlen(when) > 10)
		when[10] = ' ';
	/* an accept the session does not count (tested without a passing run) says so */
	return mr_printf("%s%s by %s, %s UTC%s%s%s",
			 st == ITEM_STALE ? "stale, the file changed since it was " : "",
			 decision_status_name(d->status), d->reviewer, when,
			 d->reason ? ": " : "", d->reason ? d->reason : "",
			 st == ITEM_OPEN && d->status == DECISION_ACCEPTED ?
			 "; does not count without a passing run of this content" : "");
}

/* Adds line (NULL: memory ran out, nothing added) to the lines of *out. */
static void
add_line(char **out, char *line)
{
	char *both;

	if (!*out) {
		*out = line;
		return;
	}
	both = line ? mr_printf("%s\n%s", *out, line) : NULL;
	free(line);
	if (both) {
		free(*out);
		*out = both;
	}
}

/* Under a run, what its evidence summary says, a line each, escaped: the project's code ran. */
static void
add_summary(char **out, const struct test_run *t)
{
	char words[600];

	for (size_t k = 0; report_run_line(t, k, words, sizeof(words)); k++)
		add_line(out, mr_visible(words));
}

/*
 * The tested item's evidence: the runs recorded on this very content, one
 * per database, each with its evidence summary.
 */
static char *
evidence_text(struct app *app)
{
	size_t rev = app_selected(app), n;
	const struct test_run *runs;
	char *out = NULL;

	if (rev >= app->s.rep.g.n || !app->s.rep.g.revs[rev].id)
		return NULL;
	runs = review_runs(&app->s.review, app->s.rep.g.revs[rev].id, &n);
	for (size_t i = 0; i < n; i++) {
		const struct test_run *t = &runs[i];

		if (strcmp(t->blob, app->s.rep.g.revs[rev].blob))
			continue;       /* runs on other content: the not-tested finding says so */
		add_line(&out, mr_printf("up/down/up %s on %s, %.10s %.5s UTC by %s (Alembic %s)",
					 test_outcome_name(t->outcome), t->database, t->timestamp,
					 strlen(t->timestamp) > 11 ? t->timestamp + 11 : "",
					 t->runner, t->alembic));
		add_summary(&out, t);
	}
	return out;
}

/*
 * The text of an entry: an item's title, and on a line of its own the
 * decision on it (and the tested item's runs); or a finding with its place
 * and rule.
 */
static char *
entry_text(struct checklist_state *c, struct app *app, const struct entry *e)
{
	const struct finding *f;

	if (e->finding == NO_FINDING) {
		char *title = c->per_item[e->item] ?
			      mr_printf("%s (%zu)", checklist[e->item].title, c->per_item[e->item]) :
			      mr_strdup(checklist[e->item].title);
		char *decision = decision_text(app, e->item), *both;

		if (e->item == CHECK_TESTED) {
			char *runs = evidence_text(app);

			both = runs && decision ? mr_printf("%s\n%s", decision, runs) : NULL;
			if (both || !decision) {
				free(decision);
				decision = both ? both : runs;
				if (both)
					free(runs);
			} else {
				free(runs);
			}
		}
		if (!decision || !title) {
			free(decision);
			return title;
		}
		both = mr_printf("%s\n%s", title, decision);
		free(title);
		free(decision);
		return both;
	}
	f = &app->s.rep.all.v[e->finding];
	if (f->line)
		return mr_printf("%u:%u %s [%s]", f->line, f->col, f->message, f->rule->id);
	return mr_printf("%s [%s]", f->message, f->rule->id);
}

static const char *
severity_mark(enum severity s)
{
	return (const char *[]){ "i", "W", "E" }[s];
}

/* The box before an item: what was decided on it, for this content. */
static void
draw_box(struct app *app, struct span *sp, enum check_item item)
{
	const struct decision *d = decision_of(app, item);
	enum item_state st = state_of(app, item);
	uint16_t style = STYLE_UI(THEME_UI_DECISION_UNDECIDED);
	uint32_t mark = ' ';

	if (st == ITEM_BLOCKED) {
		style = STYLE_UI(THEME_UI_DECISION_BLOCKED);
		mark = screen_glyph(&app->scr, 0x2717, 'x');
	} else if (st == ITEM_STALE) {
		style = STYLE_UI(THEME_UI_DECISION_STALE);
		mark = '~';
	} else if (st == ITEM_NOT_APPLICABLE) {
		style = STYLE_UI(THEME_UI_DECISION_ACCEPTED);
		mark = '-';
	} else if (st == ITEM_DONE && d->status == DECISION_WAIVED) {
		style = STYLE_UI(THEME_UI_DECISION_WAIVED);
		mark = 'w';
	} else if (st == ITEM_DONE) {
		style = STYLE_UI(THEME_UI_DECISION_ACCEPTED);
		mark = screen_glyph(&app->scr, 0x2713, '+');
	}
	span_str(&app->scr, sp, style, "[");
	screen_put(&app->scr, sp->y, sp->x + sp->col, mark, style);
	sp->col++;
	span_str(&app->scr, sp, style, "] ");
}

static uint16_t
decision_style(struct app *app, enum check_item item)
{
	switch (state_of(app, item)) {
	case ITEM_BLOCKED: return STYLE_UI(THEME_UI_DECISION_BLOCKED);
	case ITEM_STALE: return STYLE_UI(THEME_UI_DECISION_STALE);
	case ITEM_NOT_APPLICABLE: return STYLE_UI(THEME_UI_DECISION_ACCEPTED);
	case ITEM_DONE:
		return STYLE_UI(decision_of(app, item)->status == DECISION_WAIVED ?
				THEME_UI_DECISION_WAIVED : THEME_UI_DECISION_ACCEPTED);
	default: return STYLE_UI(THEME_UI_LIST);
	}
}

static uint16_t
severity_style(enum severity s)
{
	static const enum theme_ui_slot slots[] = {
		THEME_UI_FINDING_INFO, THEME_UI_FINDING_WARNING, THEME_UI_FINDING_ERROR,
	};

	return STYLE_UI(slots[s]);
}

/*
 * Draws an entry from screen row y, wrapping its text at word breaks into
 * at most max rows; returns the rows used.  With max 0 it only counts.
 */
static int
draw_entry(struct app *app, struct checklist_state *c, const struct entry *e,
	   struct rect r, int y, int max, bool selected)
{
	char *text = entry_text(c, app, e);
	int indent = e->finding == NO_FINDING ? 4 : 6;
	int rows = 0, avail = r.w - indent;
	const char *p = text;
	uint16_t style = e->finding != NO_FINDING ? STYLE_UI(THEME_UI_LIST) :
			 c->per_item[e->item] ? STYLE_UI(THEME_UI_CHECKLIST_ITEM) :
			 STYLE_UI(THEME_UI_LIST_DIMMED);

	if (!text || avail < 4) {
		free(text);
		return 1;
	}
	while (*p || rows == 0) {
		/* take as many words as fit */
		const char *end = p, *brk = NULL;

		while (*end && *end != '\n') {
			unsigned long cp;
			size_t n = mr_utf8_next(end, strlen(end), &cp);

			n = n ? n : 1;
			if (text_width(p, (size_t)(end - p) + n) > avail)
				break;
			if (*end == ' ')
				brk = end;
			end += n;
		}
		if (*end && *end != '\n' && brk && brk > p)
			end = brk;
		if (end == p && *end && *end != '\n') {
			/* a character wider than the pane: it goes on a row of its own */
			unsigned long cp;
			size_t n = mr_utf8_next(end, strlen(end), &cp);

			end += n ? n : 1;
		}
		if (max && rows < max) {
			struct span sp = span_at(y + rows, r.x, r.w);

			screen_fill(&app->scr, y + rows, r.x, r.w, STYLE_UI(THEME_UI_LIST));
			if (rows == 0 && e->finding == NO_FINDING) {
				draw_box(app, &sp, e->item);
			} else if (rows == 0) {
				enum severity sev = app->s.rep.all.v[e->finding].severity;

				sp.col = 2;
				span_str(&app->scr, &sp, severity_style(sev), severity_mark(sev));
			}
			sp.col = indent;
			span_text(&app->scr, &sp, style, p, (size_t)(end - p));
			if (selected)
				span_restyle(&app->scr, &sp, 0, r.w,
					     STYLE_UI(app->focus == VIEW_CHECKLIST ? THEME_UI_LIST_SELECTED
						      : THEME_UI_LIST_SELECTED_UNFOCUSED));
		}
		rows++;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '\n') {
			/* the decision line, in the decision's style */
			p++;
			style = decision_style(app, e->item);
		}
	}
	free(text);
	return rows;
}

static void
checklist_draw(struct view *v, struct app *app, struct rect r)
{
	struct checklist_state *c = cl_of(v);
	size_t last = v->cursor;
	int y = r.y;

	for (int i = 0; i < r.h; i++)
		screen_fill(&app->scr, r.y + i, r.x, r.w, STYLE_UI(THEME_UI_LIST));
	if (!c || !c->n) {
		struct span sp = span_at(r.y, r.x + 1, r.w - 1);

		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_LIST_DIMMED), "no migration selected");
		return;
	}
	/* scroll by entries until the cursor's entry fits whole, with its findings if asked */
	if (v->cursor < v->top)
		v->top = v->cursor;
	while (c->reveal && last + 1 < c->n && c->v[last + 1].finding != NO_FINDING)
		last++;
	c->reveal = false;
	for (;;) {
		int used = 0;

		for (size_t k = v->top; k <= last; k++)
			used += draw_entry(app, c, &c->v[k], r, 0, 0, false);
		if (used <= r.h || v->top == v->cursor)
			break;
		v->top++;
	}
	v->height = r.h;
	for (size_t k = v->top; k < c->n && y < r.y + r.h; k++)
		y += draw_entry(app, c, &c->v[k], r, y, r.y + r.h - y, k == v->cursor);
}

/* Entries take as many lines as their text wraps to: counted as the last draw laid them. */
static size_t
checklist_row_at(struct view *v, struct app *app, int y)
{
	struct checklist_state *c = cl_of(v);
	struct rect r = { v->area.y + 1, v->area.x, v->area.w, v->area.h - 1 };

	for (size_t k = v->top; c && k < c->n; k++) {
		y -= draw_entry(app, c, &c->v[k], r, 0, 0, false);
		if (y < 0)
			return k;
	}
	return (size_t)-1;
}

static void
checklist_title(struct view *v, struct app *app, char *buf, size_t size)
{
	size_t rev = app_selected(app), n = 0;

	(void)v;
	report_findings(&app->s.rep, rev, &n);
	if (rev >= app->s.rep.g.n)
		snprintf(buf, size, "Checklist");
	else
		snprintf(buf, size, "Checklist %.12s  %zu finding%s%s",
			 app->s.rep.g.revs[rev].id ? app->s.rep.g.revs[rev].id : "", n,
			 n == 1 ? "" : "s", report_history(&app->s.rep, rev) ?
			 "  history: outside the gate" : "");
}

static size_t
checklist_rows(struct view *v, struct app *app)
{
	(void)app;
	return v->priv ? cl_of(v)->n : 0;
}

static bool
checklist_matches(struct view *v, struct app *app, size_t row, const char *needle)
{
	struct checklist_state *c = cl_of(v);
	char *text = entry_text(c, app, &c->v[row]);
	bool hit = text && app_find(text, strlen(text), needle);

	free(text);
	return hit;
}

/* The next item entry after (dir 1) or before (dir -1) the cursor, wrapping. */
static void
goto_item(struct view *v, struct app *app, int dir)
{
	struct checklist_state *c = cl_of(v);

	for (size_t step = 1; step <= c->n; step++) {
		size_t k = (v->cursor + c->n + (size_t)dir * step) % c->n;

		enum item_state st = state_of(app, c->v[k].item);

		if (c->v[k].finding == NO_FINDING && (st == ITEM_OPEN || st == ITEM_STALE)) {
			/* the item is decided on its findings: they come into view with it */
			c->reveal = true;
			view_goto(v, app, k);
			return;
		}
	}
	app_message(app, false, "no undecided item left in this migration");
}

/*
 * A: accepts every item without findings that is not decided for this
 * content, and that a plain accept may take (not `tested` without a run).
 */
static void
accept_clean(struct app *app, struct checklist_state *c)
{
	const char *why = session_refusal(&app->s, app_selected(app));
	size_t n = 0;
	bool untested = false;

	if (why) {
		app_message(app, true, "%s", why);
		return;
	}
	/* one key, one step to undo */
	session_group(&app->s, true);
	for (int item = 0; item < CHECK_ITEM_COUNT; item++) {
		struct mr_error err;

		if (c->per_item[item] || state_of(app, (enum check_item)item) == ITEM_DONE ||
		    state_of(app, (enum check_item)item) == ITEM_BLOCKED ||
		    state_of(app, (enum check_item)item) == ITEM_NOT_APPLICABLE)
			continue;
		if (session_accept_check(&app->s, app_selected(app), item, NULL, &err)) {
			untested |= item == CHECK_TESTED;
			continue;
		}
		app_decide(app, app_selected(app), item, DECISION_ACCEPTED, NULL);
		if (app->message_error)
			break;
		n++;
	}
	session_group(&app->s, false);
	if (app->message_error)
		return;
	app_message(app, false, "accepted %zu item%s without findings%s", n, n == 1 ? "" : "s",
		    untested ? "; tested waits for a passing run (t)" : "");
}

static bool
checklist_key(struct view *v, struct app *app, enum action a)
{
	struct checklist_state *c = cl_of(v);
	const struct entry *e;

	if (!c || !c->n)
		return false;
	e = &c->v[v->cursor];
	switch (a) {
	case ACTION_ENTER:
		if (e->finding == NO_FINDING && v->cursor + 1 < c->n &&
		    c->v[v->cursor + 1].finding != NO_FINDING)
			e++;
		if (e->finding == NO_FINDING) {
			app_message(app, false, "no findings for this item");
			return true;
		}
		app_show_finding(app, e->finding);
		return true;
	case ACTION_ACCEPT:
		app_decide(app, app_selected(app), e->item, DECISION_ACCEPTED, NULL);
		return true;
	case ACTION_WAIVE:
	case ACTION_BLOCK:
		app_ask_reason(app, app_selected(app), e->item,
			       a == ACTION_WAIVE ? DECISION_WAIVED : DECISION_BLOCKED);
		return true;
	case ACTION_CLEAR:
		app_decide(app, app_selected(app), e->item, DECISION_CLEARED, NULL);
		return true;
	case ACTION_ACCEPT_CLEAN:
		accept_clean(app, c);
		return true;
	case ACTION_NEXT_UNDECIDED:
		goto_item(v, app, 1);
		return true;
	case ACTION_PREV_UNDECIDED:
		goto_item(v, app, -1);
		return true;
	default:
		return false;
	}
}

static void
checklist_close(struct view *v)
{
	struct checklist_state *c = cl_of(v);

	if (c)
		free(c->v);
	free(c);
	v->priv = NULL;
}

/* The panes' keys, and Enter: a finding at its line. */
static const enum action checklist_own[] = {
	ACTION_NEXT_PANE, ACTION_PREV_PANE, ACTION_NEXT_UNDECIDED, ACTION_PREV_UNDECIDED,
	ACTION_ENTER, ACTION_MAXIMISE, ACTION_NEXT_MIGRATION, ACTION_PREV_MIGRATION,
	ACTION_ACCEPT, ACTION_WAIVE, ACTION_BLOCK, ACTION_CLEAR, ACTION_UNDO, ACTION_REDO,
	ACTION_ACCEPT_CLEAN, ACTION_FILTER, ACTION_NONE,
};

const struct view_ops checklist_view_ops = {
	.name = "Checklist",
	.select = checklist_select,
	.draw = checklist_draw,
	.title = checklist_title,
	.key = checklist_key,
	.rows = checklist_rows,
	.matches = checklist_matches,
	.close = checklist_close,
	.row_at = checklist_row_at,
	.own = checklist_own,
};

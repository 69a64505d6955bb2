/* The review UI: layout, the key loop, and what the panes share. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/trust.h"
#include "migreview/util.h"
#include "tui/app.h"
#include "tui/command.h"
#include "tui/decide.h"
#include "tui/gitview.h"
#include "tui/testrun.h"
#include "tui/userconf.h"

static const struct view_ops *const view_table[VIEW_COUNT] = {
#define VIEW_OPS_ENTRY(id, ops) [VIEW_##id] = &ops,
	VIEWS(VIEW_OPS_ENTRY)
#undef VIEW_OPS_ENTRY
};

/* The panes of the main screen, in Tab order. */
static const enum view_id panes[] = { VIEW_LIST, VIEW_SOURCE, VIEW_CHECKLIST };
#define N_PANES MR_ARRAY_SIZE(panes)

/* Below this the UI asks for a bigger terminal instead of drawing garbage. */
#define MIN_COLS 40
#define MIN_ROWS 8
/* From these widths on, panes sit side by side. */
#define SPLIT_COLS 100
#define WIDE_COLS 160
/* A count beyond any list or file: 99999j is the last line, not an overflow. */
#define COUNT_MAX 99999

size_t
app_selected(const struct app *app)
{
	const struct view *list = &app->views[VIEW_LIST];

	return list->cursor < app->n_rows ? app->rows[list->cursor] : (size_t)-1;
}

void
app_message(struct app *app, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->message, sizeof(app->message), fmt, ap);
	va_end(ap);
	app->message_error = error;
}

const char *
app_find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	bool fold = true;

	for (const char *p = needle; *p; p++)
		if (isupper((unsigned char)*p))
			fold = false;
	if (!n || n > len)
		return NULL;
	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;

		while (k < n && (fold ? tolower((unsigned char)hay[i + k]) ==
					 tolower((unsigned char)needle[k])
				      : hay[i + k] == needle[k]))
			k++;
		if (k == n)
			return hay + i;
	}
	return NULL;
}

void
app_push(struct app *app, enum view_id id)
{
	struct view *v = &app->views[id];

	if (app->n_overlay == MR_ARRAY_SIZE(app->overlay))
		app->n_overlay--;
	app->overlay[app->n_overlay++] = id;
	v->cursor = v->top = 0;
	v->hscroll = 0;
}

void
app_select_row(struct app *app, size_t row)
{
	struct view *list = &app->views[VIEW_LIST];

	list->cursor = row < app->n_rows ? row : app->n_rows ? app->n_rows - 1 : 0;
	view_scroll(list, list->height);
	app->jumped_finding = (size_t)-1;
	for (size_t i = 0; i < VIEW_COUNT; i++)
		if (app->views[i].ops->select)
			app->views[i].ops->select(&app->views[i], app);
	gitview_selected(app);
}

void
app_show_line(struct app *app, unsigned line)
{
	struct view *v = &app->views[VIEW_SOURCE];

	app->focus = VIEW_SOURCE;
	v->cursor = line ? line - 1 : 0;
	if (v->cursor >= v->ops->rows(v, app))
		v->cursor = 0;
	/* the line goes to the middle of the pane, with its context around it */
	v->top = v->cursor > (size_t)v->height / 2 ? v->cursor - (size_t)v->height / 2 : 0;
	if (v->ops->moved)
		v->ops->moved(v, app);
}

void
app_show_finding(struct app *app, size_t finding)
{
	app->jumped_finding = finding;
	app_show_line(app, app->s.rep.all.v[finding].line);
}

void
app_draw_title(struct app *app, struct rect r, const char *text, bool focused)
{
	struct span sp = span_at(r.y, r.x, r.w);
	uint16_t style = STYLE_UI(focused ? THEME_UI_PANE_TITLE_FOCUSED : THEME_UI_PANE_TITLE);

	screen_fill(&app->scr, r.y, r.x, r.w, style);
	/* a mark as well as a style: the focus shows without colour too */
	span_str(&app->scr, &sp, style, " ");
	if (focused)
		screen_put(&app->scr, sp.y, sp.x + sp.col, screen_glyph(&app->scr, 0x25B8, '>'),
			   style);
	sp.col += 2;
	span_str(&app->scr, &sp, style, text);
}

/* ---- drawing ---- */

static void
draw_title_line(struct app *app)
{
	struct span sp = span_at(0, 0, app->scr.cols);
	char buf[64];
	uint16_t style = STYLE_UI(THEME_UI_TITLE);

	screen_fill(&app->scr, 0, 0, app->scr.cols, style);
	span_str(&app->scr, &sp, style, " migreview  ");
	span_str(&app->scr, &sp, style, app->location);
	snprintf(buf, sizeof(buf), "  %zu migration%s", app->s.rep.g.n_order,
		 app->s.rep.g.n_order == 1 ? "" : "s");
	span_str(&app->scr, &sp, style, buf);
	if (app->s.review_broken || app->s.save_failed) {
		char *shown = app_shown_path(app->s.review.path);
		size_t n = strlen(app->s.review.path);
		const char *why = app->s.review_problem;

		/* the banner names the file as the title names the ini */
		if (shown && !strncmp(why, app->s.review.path, n))
			why += n;
		span_str(&app->scr, &sp, style, "  ");
		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_STATUS_ERROR),
			 app->s.review.unsaved ? "NOT SAVED: " : "REVIEW FILE: ");
		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_STATUS_ERROR),
			 why != app->s.review_problem ? shown : "");
		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_STATUS_ERROR), why);
		free(shown);
	}
}

static void
draw_status_line(struct app *app)
{
	int y = app->scr.rows - 1;
	struct span sp = span_at(y, 0, app->scr.cols);
	uint16_t style = STYLE_UI(THEME_UI_STATUS);
	struct session_counts c;
	char buf[200];
	int n;

	screen_fill(&app->scr, y, 0, app->scr.cols, style);
	if (app->prompt.active) {
		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_PROMPT), app->prompt.label);
		span_str(&app->scr, &sp, STYLE_UI(THEME_UI_PROMPT), app->prompt.text);
		screen_put(&app->scr, y, sp.col, screen_glyph(&app->scr, 0x2588, '_'),
			   STYLE_UI(THEME_UI_PROMPT));
		sp.col++;
		if (app->message[0]) {
			span_str(&app->scr, &sp, style, "  ");
			span_str(&app->scr, &sp, STYLE_UI(THEME_UI_STATUS_ERROR), app->message);
		}
		return;
	}
	if (!session_analysed(&app->s)) {
		snprintf(buf, sizeof(buf), " analysing %zu migrations...", app->s.rep.g.n_order);
		span_str(&app->scr, &sp, style, buf);
		return;
	}
	decide_counts(app, &c);
	/* accepted findings are no longer counted as problems, but not forgotten either */
	n = snprintf(buf, sizeof(buf), " %zu/%zu%s signed off \xc2\xb7 %zu stale \xc2\xb7 %zu blocked "
		     "\xc2\xb7 %zu open error%s \xc2\xb7 %zu open warning%s", c.signed_off,
		     c.migrations, app->scope ? " in scope" : "", c.stale, c.blocked,
		     c.open_errors, c.open_errors == 1 ? "" : "s", c.open_warnings,
		     c.open_warnings == 1 ? "" : "s");
	if (c.decided && n > 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, " \xc2\xb7 %zu decided", c.decided);
	if (app->scr.ascii)
		for (char *p = strstr(buf, "\xc2\xb7"); p; p = strstr(p, "\xc2\xb7"))
			memcpy(p, "- ", 2);
	/* a message that does not fit beside the progress gets the line to itself */
	if (!app->message[0] || text_width(buf, strlen(buf)) + 2 +
	    text_width(app->message, strlen(app->message)) <= app->scr.cols) {
		span_str(&app->scr, &sp, style, buf);
		span_str(&app->scr, &sp, style, "  ");
	} else {
		span_str(&app->scr, &sp, style, " ");
	}
	if (app->message[0]) {
		span_str(&app->scr, &sp, STYLE_UI(app->message_error ? THEME_UI_STATUS_ERROR
						  : THEME_UI_STATUS), app->message);
	}
}

/* Where each pane goes; false for a pane that is not shown. */
static void
layout(struct app *app, struct rect body, struct rect out[N_PANES], bool shown[N_PANES])
{
	int w = body.w, h = body.h;

	for (size_t i = 0; i < N_PANES; i++)
		shown[i] = true;
	/* maximised, the focused pane is drawn as on a narrow terminal */
	app->single = w < SPLIT_COLS || app->maximised;
	if (app->single) {
		for (size_t i = 0; i < N_PANES; i++) {
			shown[i] = panes[i] == app->focus;
			out[i] = body;
		}
	} else if (w < WIDE_COLS) {
		int lw = w * 36 / 100, sh = h * 55 / 100;

		out[0] = (struct rect){ body.y, 0, lw, h };
		out[1] = (struct rect){ body.y, lw + 1, w - lw - 1, sh };
		out[2] = (struct rect){ body.y + sh, lw + 1, w - lw - 1, h - sh };
	} else {
		int lw = w * 28 / 100, cw = w * 30 / 100;

		out[0] = (struct rect){ body.y, 0, lw, h };
		out[1] = (struct rect){ body.y, lw + 1, w - lw - cw - 2, h };
		out[2] = (struct rect){ body.y, w - cw, cw, h };
	}
}

/* In single-pane layout the title bar names every pane, the focused one marked. */
static void
single_title(struct app *app, char *buf, size_t size)
{
	char own[256];
	struct view *v = &app->views[app->focus];
	size_t used = 0;

	v->ops->title(v, app, own, sizeof(own));
	for (size_t i = 0; i < N_PANES && used < size; i++)
		if (panes[i] != app->focus)
			used += (size_t)snprintf(buf + used, size - used, "%s ",
						 view_table[panes[i]]->name);
		else
			used += (size_t)snprintf(buf + used, size - used, "[%s] ", own);
	if (used < size)
		snprintf(buf + used, size - used, app->maximised ? " Tab: next pane, z: every pane" :
			 " Tab: next pane");
}

static void
draw_pane(struct app *app, enum view_id id, struct rect r, bool single)
{
	struct view *v = &app->views[id];
	char title[512];

	if (r.h < 2 || r.w < 4)
		return;
	v->area = r;
	if (single)
		single_title(app, title, sizeof(title));
	else
		v->ops->title(v, app, title, sizeof(title));
	app_draw_title(app, (struct rect){ r.y, r.x, r.w, 1 }, title, app->focus == id);
	v->ops->draw(v, app, (struct rect){ r.y + 1, r.x, r.w, r.h - 1 });
}

static void
draw_borders(struct app *app, const struct rect out[N_PANES], const bool shown[N_PANES])
{
	for (size_t i = 1; i < N_PANES; i++) {
		int x = out[i].x - 1;

		if (!shown[i] || x < 0)
			continue;
		for (int y = out[i].y; y < out[i].y + out[i].h; y++)
			screen_put(&app->scr, y, x, screen_glyph(&app->scr, 0x2502, '|'),
				   STYLE_UI(THEME_UI_PANE_BORDER));
	}
}

static void
draw(struct app *app)
{
	struct rect body = { 1, 0, app->scr.cols, app->scr.rows - 2 };
	struct rect out[N_PANES];
	bool shown[N_PANES];

	screen_clear(&app->scr, STYLE_UI(THEME_UI_TEXT));
	for (size_t i = 0; i < VIEW_COUNT; i++)
		app->views[i].area = (struct rect){ 0 };
	if (app->scr.cols < MIN_COLS || app->scr.rows < MIN_ROWS) {
		struct span a = span_at(0, 0, app->scr.cols), b = span_at(1, 0, app->scr.cols);
		char buf[80];

		snprintf(buf, sizeof(buf), "%dx%d, needs %dx%d", app->scr.cols, app->scr.rows,
			 MIN_COLS, MIN_ROWS);
		span_str(&app->scr, &a, STYLE_UI(THEME_UI_STATUS_ERROR), "terminal too small:");
		span_str(&app->scr, &b, STYLE_UI(THEME_UI_STATUS_ERROR), buf);
		return;
	}
	draw_title_line(app);
	if (app->n_overlay) {
		draw_pane(app, app->overlay[app->n_overlay - 1], body, false);
	} else {
		layout(app, body, out, shown);
		for (size_t i = 0; i < N_PANES; i++)
			if (shown[i])
				draw_pane(app, panes[i], out[i], app->single);
		if (!app->single)
			draw_borders(app, out, shown);
	}
	draw_status_line(app);
}

/* ---- keys ---- */

static struct view *
focused(struct app *app)
{
	return &app->views[app_focused_id(app)];
}

int
app_focused_id(const struct app *app)
{
	return app->n_overlay ? (int)app->overlay[app->n_overlay - 1] : (int)app->focus;
}

static void
cycle_pane(struct app *app, int dir)
{
	size_t i = 0;

	while (panes[i] != app->focus)
		i++;
	app->focus = panes[(i + N_PANES + (size_t)dir) % N_PANES];
}

static void
search(struct app *app, int dir)
{
	struct view *v = focused(app);
	size_t n = v->ops->rows(v, app);

	if (!app->search[0]) {
		app_message(app, true, "no search yet: / starts one");
		return;
	}
	for (size_t step = 1; step <= n; step++) {
		size_t row = dir > 0 ? (v->cursor + step) % n : (v->cursor + n - step % n) % n;

		if (v->ops->matches(v, app, row, app->search)) {
			bool wrapped = dir > 0 ? row <= v->cursor : row >= v->cursor;

			view_goto(v, app, row);
			if (wrapped)
				app_message(app, false, "search wrapped: %s", app->search);
			return;
		}
	}
	app_message(app, true, "not found: %s", app->search);
}

/* Selects the migration count rows down (dir 1) or up (-1), as far as there is one. */
static void
move_migration(struct app *app, int dir, unsigned count)
{
	size_t row = app->views[VIEW_LIST].cursor;

	/* a view over the panes shows one migration's history, diff or test: not another's */
	if (app->n_overlay && app->overlay[app->n_overlay - 1] != VIEW_HELP)
		app_message(app, false, "q closes this view first: it shows the selected migration");
	else if (dir > 0 && row + 1 < app->n_rows)
		app_select_row(app, app->n_rows - 1 - row > count ? row + count : app->n_rows - 1);
	else if (dir < 0 && row > 0)
		app_select_row(app, row > count ? row - count : 0);
	else
		app_message(app, false, dir > 0 ? "last migration" : "first migration");
}

static void
maximise(struct app *app)
{
	if (app->n_overlay) {
		app_message(app, false, "this view has the whole screen already");
	} else if (app->single && !app->maximised) {
		app_message(app, false, "one pane at a time already: the terminal is narrow");
	} else {
		app->maximised = !app->maximised;
		app_message(app, false, app->maximised ? "maximised: z shows every pane again" :
			    "every pane shown");
	}
}

/* Wrapped lines start at their first column: what was scrolled away shows again. */
static void
toggle_wrap(struct app *app)
{
	app->wrap = !app->wrap;
	app->views[VIEW_SOURCE].hscroll = app->views[VIEW_DIFF].hscroll = 0;
	app_message(app, false, app->wrap ? "long lines wrap" : "long lines are cut: h and l scroll");
}

/*
 * y: the selected migration's revision id to the terminal's clipboard.  An
 * id with a control or non-ASCII character is not copied: what is pasted
 * must be what the list shows.
 */
static void
copy_id(struct app *app)
{
	size_t rev = app_selected(app);
	const char *id = rev < app->s.rep.g.n ? app->s.rep.g.revs[rev].id : NULL;

	if (!id || !app->s.rep.g.revs[rev].in_graph) {
		app_message(app, true, "no revision id to copy");
		return;
	}
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
			app_message(app, true, "not copied: the revision id has characters "
				    "a terminal would not show as they are");
			return;
		}
	term_copy(app->term, id);
	app_message(app, false, "copied %s", id);
}

/*
 * Deciding and filtering act on the panes: the checklist's selected item,
 * the list.  Over a view (help, history, a diff, a test) they would act on
 * what is not on screen, so they wait for it to close.
 */
static bool
panes_action(struct app *app, enum action a)
{
	if (app->n_overlay) {
		app_message(app, true, "q closes this view first: deciding and filtering act on "
			    "the panes");
		return true;
	}
	switch (a) {
	case ACTION_FILTER:
		filter_next(app);
		break;
	case ACTION_ACCEPT:
		/* one keystroke signs for one item: only where that item is in view */
		if (app->focus != VIEW_CHECKLIST) {
			app_message(app, true, "a accepts the item under the checklist's cursor: "
				    "Tab to the checklist and pick the item");
			break;
		}
		/* fall through */
	case ACTION_WAIVE:
	case ACTION_BLOCK:
	case ACTION_CLEAR:
	case ACTION_ACCEPT_CLEAN:
		/* from any pane, on the checklist's selected item */
		app->views[VIEW_CHECKLIST].ops->key(&app->views[VIEW_CHECKLIST], app, a);
		break;
	default:
		decide_undo(app, a == ACTION_REDO);
		break;
	}
	return true;
}

/* Actions that mean the same in every view; false for the others. */
static bool
global_action(struct app *app, enum action a)
{
	switch (a) {
	case ACTION_QUIT:
		if (app->n_overlay)
			app->n_overlay--;
		else
			app->quit = true;
		return true;
	case ACTION_QUIT_ALL:
		app->quit = true;
		return true;
	case ACTION_HELP:
		if (app->n_overlay && app->overlay[app->n_overlay - 1] == VIEW_HELP)
			app->n_overlay--;
		else
			app_push(app, VIEW_HELP);
		return true;
	case ACTION_HISTORY:
		gitview_history(app);
		return true;
	case ACTION_DIFF:
		gitview_signoff_diff(app);
		return true;
	case ACTION_SINCE_DIFF:
		gitview_since_diff(app);
		return true;
	case ACTION_SCOPE:
		gitview_toggle_scope(app);
		return true;
	case ACTION_TEST:
		testrun_start(app);
		return true;
	case ACTION_COPY_ID:
		copy_id(app);
		return true;
	case ACTION_NEXT_PANE:
	case ACTION_PREV_PANE:
		if (!app->n_overlay)
			cycle_pane(app, a == ACTION_NEXT_PANE ? 1 : -1);
		return true;
	case ACTION_MAXIMISE:
		maximise(app);
		return true;
	case ACTION_WRAP:
		toggle_wrap(app);
		return true;
	case ACTION_NEXT_MIGRATION:
	case ACTION_PREV_MIGRATION:
		move_migration(app, a == ACTION_NEXT_MIGRATION ? 1 : -1, 1);
		return true;
	case ACTION_SEARCH:
		app->prompt_for = PROMPT_SEARCH;
		prompt_start(&app->prompt, "/");
		return true;
	case ACTION_COMMAND:
		app->prompt_for = PROMPT_COMMAND;
		prompt_start(&app->prompt, ":");
		return true;
	case ACTION_FILTER:
	case ACTION_ACCEPT:
	case ACTION_WAIVE:
	case ACTION_BLOCK:
	case ACTION_CLEAR:
	case ACTION_ACCEPT_CLEAN:
	case ACTION_UNDO:
	case ACTION_REDO:
		return panes_action(app, a);
	case ACTION_SEARCH_NEXT:
	case ACTION_SEARCH_PREV:
		search(app, a == ACTION_SEARCH_NEXT ? 1 : -1);
		return true;
	case ACTION_NEXT_UNDECIDED:
	case ACTION_PREV_UNDECIDED:
		if (app->n_overlay)
			return false;
		app->focus = VIEW_CHECKLIST;
		return false;   /* the checklist moves its cursor */
	default:
		return false;
	}
}

static void
run_action(struct app *app, enum action a)
{
	struct view *v;

	if (global_action(app, a))
		return;
	v = focused(app);
	if (view_move(v, app, a) || (v->ops->key && v->ops->key(v, app, a)))
		return;
	app_message(app, false, "%s: nothing to do in this pane", actions[a].help);
}

/* Whether a count repeats a: moves do; a decision, a view or a prompt is taken once. */
static bool
repeats(enum action a)
{
	switch (a) {
	case ACTION_PAGE_DOWN:
	case ACTION_PAGE_UP:
	case ACTION_SCROLL_LEFT:
	case ACTION_SCROLL_RIGHT:
	case ACTION_NEXT_PANE:
	case ACTION_PREV_PANE:
	case ACTION_NEXT_UNDECIDED:
	case ACTION_PREV_UNDECIDED:
	case ACTION_SEARCH_NEXT:
	case ACTION_SEARCH_PREV:
	case ACTION_UNDO:
	case ACTION_REDO:
		return true;
	default:
		return false;
	}
}

/* Where a repeat got to, to stop repeating once it goes no further. */
struct place {
	/* all size_t: no padding for memcmp() */
	size_t view, cursor, top, hscroll, migration, undone;
};

static struct place
place(struct app *app)
{
	const struct view *v = focused(app);

	return (struct place){ (size_t)app_focused_id(app), v->cursor, v->top, (size_t)v->hscroll,
			       app_selected(app), app->s.undo.done };
}

/*
 * a, count times (as in vi and tig: 5j, 3J, 2]).  Lines and migrations
 * move in one jump, so that 1000j selects one migration, not a thousand;
 * a count before g or G goes to that line.
 */
static void
run_counted(struct app *app, enum action a, unsigned count)
{
	struct view *v = focused(app);

	switch (a) {
	case ACTION_MOVE_DOWN:
		view_goto(v, app, v->cursor + count);
		return;
	case ACTION_MOVE_UP:
		view_goto(v, app, v->cursor > count ? v->cursor - count : 0);
		return;
	case ACTION_MOVE_FIRST:
	case ACTION_MOVE_LAST:
		view_goto(v, app, count - 1);
		return;
	case ACTION_NEXT_MIGRATION:
	case ACTION_PREV_MIGRATION:
		move_migration(app, a == ACTION_NEXT_MIGRATION ? 1 : -1, count);
		return;
	case ACTION_SEARCH_NEXT:
	case ACTION_SEARCH_PREV:
		/* a search wraps around: past the rows it only goes round again */
		if (count > v->ops->rows(v, app))
			count = (unsigned)v->ops->rows(v, app) + 1;
		break;
	default:
		break;
	}
	for (unsigned i = 0; i < count; i++) {
		struct place before = place(app), after;

		run_action(app, a);
		after = place(app);
		if (!repeats(a) || !memcmp(&before, &after, sizeof(before)))
			return;
	}
}

/* Digits that are bound to nothing make a count for the next key; Esc drops it. */
static bool
count_key(struct app *app, int key)
{
	if (key == MRK_ESC && app->count) {
		app->count = 0;
		app_message(app, false, "count cancelled");
		return true;
	}
	if (key < '0' || key > '9' || (key == '0' && !app->count))
		return false;
	app->count = app->count * 10 + (unsigned)(key - '0');
	if (app->count > COUNT_MAX)
		app->count = COUNT_MAX;
	app_message(app, false, "count %u (Esc cancels)", app->count);
	return true;
}

static void
handle_key(struct app *app, int key)
{
	enum action a;
	unsigned count;
	char name[32];

	if (app->prompt.active && app->prompt_for == PROMPT_CONSENT) {
		/* a question answered by one key, not a line to edit */
		app->prompt.active = false;
		testrun_answer(app, key);
		return;
	}
	if (app->prompt.active) {
		enum prompt_state st = prompt_key(&app->prompt, key);

		bool deciding = app->prompt_for == PROMPT_REASON || app->prompt_for == PROMPT_LIFT;

		if (st == PROMPT_DONE && deciding) {
			decide_reason_done(app);
		} else if (st == PROMPT_DONE && app->prompt_for == PROMPT_COMMAND) {
			command_run(app, app->prompt.text);
		} else if (st == PROMPT_DONE && app->prompt.len) {
			snprintf(app->search, sizeof(app->search), "%s", app->prompt.text);
			search(app, 1);
		} else if (st == PROMPT_CANCELLED && deciding) {
			app_message(app, false, app->prompt_for == PROMPT_LIFT ?
				    "cancelled: the block stays" : "cancelled: nothing decided");
		}
		if (!app->prompt.active)
			app->prompt_for = PROMPT_SEARCH;
		return;
	}
	a = keymap_lookup(&app->keys, app_focused_id(app), key);
	if ((a == ACTION_NONE || key == MRK_ESC) && count_key(app, key))
		return;
	count = app->count;
	app->count = 0;
	if (a == ACTION_NONE) {
		app_message(app, true, "%s is not bound to anything; ? shows the keys",
			    keys_name(key, name, sizeof(name)));
		return;
	}
	if (count)
		run_counted(app, a, count);
	else
		run_action(app, a);
}

void
app_findings_changed(struct app *app)
{
	size_t cursor[VIEW_COUNT], top[VIEW_COUNT];
	size_t selected = app_selected(app);

	app->s.totals.dirty = true;
	/* a filter keeps to its name: a migration signed off leaves "undecided" */
	if (app->filter != LIST_FILTER_ALL) {
		size_t row = filter_rows(app);

		if (row >= app->n_rows || app->rows[row] != selected) {
			app_select_row(app, row);
			return;
		}
		app->views[VIEW_LIST].cursor = row;
	}
	for (size_t i = 0; i < VIEW_COUNT; i++) {
		cursor[i] = app->views[i].cursor;
		top[i] = app->views[i].top;
	}
	app_select_row(app, app->views[VIEW_LIST].cursor);
	for (size_t i = 0; i < VIEW_COUNT; i++) {
		struct view *v = &app->views[i];
		size_t n = v->ops->rows(v, app);

		v->cursor = cursor[i] < n ? cursor[i] : n ? n - 1 : 0;
		v->top = top[i] <= v->cursor ? top[i] : v->cursor;
	}
}

/* ---- start and end ---- */

static int
list_rows(struct app *app)
{
	const struct graph *g = &app->s.rep.g;

	app->rows = malloc((g->n + 1) * sizeof(size_t));
	if (!app->rows)
		return -1;
	for (size_t k = 0; k < g->n_order; k++)
		app->rows[app->n_rows++] = g->order[k];
	app->n_graph_rows = app->n_rows;
	for (size_t i = 0; i < g->n; i++)
		if (!g->revs[i].in_graph)
			app->rows[app->n_rows++] = i;
	app->n_unfiltered = app->n_rows;
	return lanes_build(&app->lanes, g, app->scr.ascii);
}

char *
app_shown_path(const char *path)
{
	char *cwd = getcwd(NULL, 0);
	char *rel = cwd ? mr_path_relative(path, cwd) : NULL;
	char *out = rel && strncmp(rel, "../", 3) ? mr_strdup(rel) : mr_strdup(path);

	free(rel);
	free(cwd);
	return out;
}

static int
resize(struct app *app)
{
	int cols, rows;

	term_size(app->term, &cols, &rows);
	return screen_resize(&app->scr, cols, rows);
}

/*
 * The review starts at the first migration it is about, not at the base:
 * with --since the first in scope, past the baseline's history the first
 * after it.
 */
static size_t
start_row(const struct app *app)
{
	for (size_t row = 0; row < app->n_rows; row++)
		if (app->scope ? app->scope[app->rows[row]] :
		    !report_history(&app->s.rep, app->rows[row]))
			return row;
	return 0;
}

static int
open_app(struct app *app, const struct tui_options *opts, struct mr_error *err)
{
	app->term = term_open(err);
	if (!app->term)
		return -1;
	app->scr.ascii = !term_utf8(app->term);
	if (resize(app) < 0)
		return mr_error_oom(err);
	if (session_open(&app->s, opts->config, opts->section, opts->directory, err) < 0)
		return -1;
	app->hl = highlighter_new(err);
	if (!app->hl)
		return -1;
	if (keymap_default(&app->keys) < 0 ||
	    userconf_read(&app->conf, userconf_bind, &app->keys) < 0)
		return mr_error_oom(err);
	term_set_mouse(app->term, !app->conf.mouse_off);
	if (app_load_theme(app, opts->theme, app->conf.theme, err) < 0)
		return -1;
	if (app_setup_styles(app) < 0 || list_rows(app) < 0 ||
	    !(app->location = app_shown_path(app->s.rep.p.ini_path)))
		return mr_error_oom(err);
	for (size_t i = 0; i < VIEW_COUNT; i++)
		app->views[i].ops = view_table[i];
	app->focus = VIEW_LIST;
	app->jumped_finding = (size_t)-1;
	app->since = opts->since;
	if (gitview_open(app, err) < 0)
		return -1;
	if (testrun_open(app, opts->database_url, opts->trust) < 0)
		return mr_error_oom(err);
	app_select_row(app, start_row(app));
	/* drawn for the first time, the list scrolls only as far as the row needs */
	app->views[VIEW_LIST].top = 0;
	if (app->conf.problems.n)
		app_message(app, true, "%s%s", app->conf.problems.v[0],
			    app->conf.problems.n > 1 ? " (and more lines of it)" : "");
	else if (app->s.rep.p.warnings.n)
		app_message(app, true, "%s", app->s.rep.p.warnings.v[0]);
	else if (app->s.rep.p.notes.n)
		app_message(app, false, "%s", app->s.rep.p.notes.v[0]);
	return 0;
}

static void
close_app(struct app *app)
{
	free(app->selected_id);
	free(app->selected_path);
	for (size_t i = 0; i < VIEW_COUNT; i++)
		if (app->views[i].ops && app->views[i].ops->close)
			app->views[i].ops->close(&app->views[i]);
	gitview_close(app);
	testrun_close(app);
	term_close(app->term);
	app->term = NULL;
	screen_free(&app->scr);
	lanes_free(&app->lanes);
	free(app->rows);
	free(app->location);
	free(app->style_names);
	keymap_free(&app->keys);
	userconf_free(&app->conf);
	theme_free(&app->theme);
	highlighter_free(app->hl);
	session_close(&app->s);
}

/*
 * The session read the migration files again: the list's rows, lanes and
 * scope are rebuilt, and the cursor stays on the migration it was on.
 */
static int
graph_changed(struct app *app, struct mr_error *err)
{
	/* the old graph is gone: poll_session() kept the selected one's names */
	char *id = app->selected_id, *path = app->selected_path;
	size_t row = 0;

	app->selected_id = app->selected_path = NULL;
	free(app->rows);
	app->rows = NULL;
	app->n_rows = app->n_graph_rows = 0;
	lanes_free(&app->lanes);
	if (list_rows(app) < 0 || gitview_graph_changed(app, err) < 0) {
		free(id);
		free(path);
		return mr_error_oom(err);
	}
	if (filter_narrowed(app))
		filter_rows(app);
	for (size_t r = 0; r < app->n_rows; r++) {
		const struct revision *rv = &app->s.rep.g.revs[app->rows[r]];

		if ((id && rv->id && !strcmp(rv->id, id)) || (path && !strcmp(rv->path, path))) {
			row = r;
			break;
		}
	}
	free(id);
	free(path);
	app->views[VIEW_LIST].cursor = row < app->n_rows ? row : 0;
	app_findings_changed(app);
	return 0;
}

/* What changed on disk while the reviewer looked, said on the status line. */
static void
poll_session(struct app *app, bool wait)
{
	struct mr_error err = { "" };
	size_t rev = app_selected(app);
	unsigned ev;

	/* the selected migration's names, to find it again in a graph read anew */
	free(app->selected_id);
	free(app->selected_path);
	app->selected_id = rev < app->s.rep.g.n && app->s.rep.g.revs[rev].id ?
			   mr_strdup(app->s.rep.g.revs[rev].id) : NULL;
	app->selected_path = rev < app->s.rep.g.n ? mr_strdup(app->s.rep.g.revs[rev].path) : NULL;
	/* a screen test waits for the analysis and the save, not for the look at the files */
	ev = session_poll(&app->s, SESSION_POLL_MS,
			  wait && (app->s.job.running || app->s.save.running), &err);
	app->kept_unsaved |= app->s.review.unsaved &&
			     (app->s.review_broken || app->s.save_failed);
	if (!ev)
		return;
	app->s.totals.dirty = true;
	if (ev & (SESSION_FILES_CHANGED | SESSION_GRAPH_READ)) {
		if (graph_changed(app, &err) < 0)
			ev |= SESSION_FAILED;
		if (ev & SESSION_FILES_CHANGED)
			app_message(app, false, "migration files changed on disk: read again, analysing");
	}
	if (ev & SESSION_ANALYSED) {
		term_note_ready(app->term);
		app_findings_changed(app);
	}
	if (ev & SESSION_REVIEW_CHANGED) {
		app_findings_changed(app);
		app_message(app, false, "the review file changed on disk: read again");
	}
	if ((ev & SESSION_SAVED) && app->kept_unsaved && !app->s.review.unsaved) {
		app->kept_unsaved = false;
		app_message(app, false, "the review file can be written again: the decisions "
			    "kept here are saved");
	}
	if (ev & SESSION_REVIEW_BROKEN)
		app_message(app, true, "the review file changed and does not parse: %s%s",
			    app->s.review_problem, app->s.review.unsaved ?
			    " (decisions taken here are kept, not saved)" : "");
	if (ev & (SESSION_FAILED | SESSION_CONFLICT | SESSION_UNSAVED)) {
		app_shorten_review_path(app, err.msg);
		app_message(app, true, "%s", err.msg);
	}
	if (ev & (SESSION_CONFLICT | SESSION_SAVED))
		app_findings_changed(app);
}

void
app_shorten_review_path(const struct app *app, char *text)
{
	const char *path = app->s.review.path;
	char *at = path ? strstr(text, path) : NULL, *shown;
	size_t n;

	if (!at || !(shown = app_shown_path(path)))
		return;
	n = strlen(path);
	if (strlen(shown) <= n) {
		memmove(at + strlen(shown), at + n, strlen(at + n) + 1);
		memcpy(at, shown, strlen(shown));
	}
	free(shown);
}

/* err: why the decisions kept here could not be saved, and which they are. */
static void
unsaved_error(const struct app *app, const struct mr_error *why, struct mr_error *err)
{
	struct strvec lines = { 0 };
	size_t at;

	snprintf(err->msg, sizeof(err->msg), "%s", why->msg);
	app_shorten_review_path(app, err->msg);
	at = strlen(err->msg);
	at += (size_t)snprintf(err->msg + at, sizeof(err->msg) - at, "\nnot saved, so lost now:");
	if (session_unsaved(&app->s, &lines) == 0)
		for (size_t i = 0; i < lines.n && at < sizeof(err->msg); i++)
			at += (size_t)snprintf(err->msg + at, sizeof(err->msg) - at, "\n  %s",
					       lines.v[i]);
	strvec_free(&lines);
}

int
tui_run(const struct tui_options *opts, struct mr_error *err)
{
	struct app app = { .filter_kept = (size_t)-1 };
	int rc = 0;
	bool force = true;

	if (open_app(&app, opts, err) < 0) {
		close_app(&app);
		return -1;
	}
	/* the graph is shown at once, the analysis's marks as they come (screen tests wait) */
	draw(&app);
	term_flush(app.term, &app.scr, force);
	while (!app.quit) {
		int key;

		/* screen tests see the analysed screen: keys wait for the findings */
		poll_session(&app, term_headless(app.term));
		draw(&app);
		term_flush(app.term, &app.scr, force);
		force = false;
		/* round again after a wait: the look at the files that came due meanwhile is not a key's */
		if (gitview_poll(&app, term_headless(app.term)) ||
		    testrun_poll(&app, term_headless(app.term)) ||
		    list_view_poll(&app, term_headless(app.term)))
			continue;
		/* never blocked for long: the files on disk are looked at while idle */
		key = term_read_key(app.term, true);
		if (key == TERM_TIMEOUT)
			continue;
		app.message[0] = '\0';
		if (key == TERM_EOF)
			break;
		if (key == TERM_SCRIPT_ERROR) {
			snprintf(err->msg, sizeof(err->msg), "key script: unknown key or command at '%.20s'",
				 term_script_where(app.term));
			rc = -1;
			break;
		}
		if (key == MRK_RESIZE) {
			if (resize(&app) < 0)
				break;
			force = true;
		} else if (key == MRK_MOUSE) {
			app_mouse(&app, term_mouse(app.term));
		} else if (keymap_lookup(&app.keys, app_focused_id(&app), key) == ACTION_REDRAW && !app.prompt.active) {
			force = true;
		} else {
			handle_key(&app, key);
		}
	}
	/* decisions whose save failed are in memory only: one more try, else each is named */
	if (app.s.review.unsaved || app.s.save.running) {
		struct mr_error serr;

		if (session_flush(&app.s, &serr) < 0 && !rc) {
			unsaved_error(&app, &serr, err);
			rc = -1;
		}
	}
	close_app(&app);
	if (!rc && term_stop_signal())
		rc = 128 + term_stop_signal();
	return rc;
}

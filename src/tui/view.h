/*
 * Views: the panes of the main screen and the screens over it.  Each is a
 * small vtable with its own state, like tig's view_ops; the app loop knows
 * them only through it.  A new view is one file and one line of VIEWS.
 */
#ifndef MIGREVIEW_TUI_VIEW_H
#define MIGREVIEW_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/actions.h"

struct app;
struct view;

struct rect {
	int y, x, w, h;
};

struct view_ops {
	const char *name;               /* the pane title when there is no better one */
	/* the selected migration changed (and at start) */
	void (*select)(struct view *v, struct app *app);
	/* draws the view's body into r */
	void (*draw)(struct view *v, struct app *app, struct rect r);
	/* the title bar text, in buf */
	void (*title)(struct view *v, struct app *app, char *buf, size_t size);
	/* handles an action the app loop did not; false when it means nothing here */
	bool (*key)(struct view *v, struct app *app, enum action a);
	/* how many rows the cursor moves over */
	size_t (*rows)(struct view *v, struct app *app);
	/* whether row holds needle (search) */
	bool (*matches)(struct view *v, struct app *app, size_t row, const char *needle);
	/* called when the cursor moved to another row */
	void (*moved)(struct view *v, struct app *app);
	void (*close)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	size_t cursor, top;     /* row under the cursor, first row shown */
	int height;             /* body rows at the last draw */
	int hscroll;            /* display columns scrolled away on the left (h, l) */
	void *priv;
};

/* The views, said once: V(ID, ops). */
#define VIEWS(V) \
	V(LIST, list_view_ops) \
	V(SOURCE, source_view_ops) \
	V(CHECKLIST, checklist_view_ops) \
	V(HELP, help_view_ops) \
	V(HISTORY, history_view_ops) \
	V(DIFF, diff_view_ops) \
	V(TEST, test_view_ops)

enum view_id {
#define VIEW_ENUM(id, ops) VIEW_##id,
	VIEWS(VIEW_ENUM)
#undef VIEW_ENUM
	VIEW_COUNT
};

#define VIEW_OPS_DECL(id, ops) extern const struct view_ops ops;
VIEWS(VIEW_OPS_DECL)
#undef VIEW_OPS_DECL

/* The moves every view shares (lines, pages, first, last); false for other actions. */
bool view_move(struct view *v, struct app *app, enum action a);
/* Puts the cursor on row, scrolling so that it shows. */
void view_goto(struct view *v, struct app *app, size_t row);
/* Adjusts top so that the cursor is within a body of h rows. */
void view_scroll(struct view *v, int h);
/*
 * As view_scroll, for rows that take rows_of(row) screen rows each (wrapped
 * lines): the cursor's row ends within the body, unless it is taller.
 */
void view_scroll_wrapped(struct view *v, struct app *app, int h,
			 int (*rows_of)(struct view *v, struct app *app, size_t row));
/*
 * h and l for a view whose lines can be wider than the screen (wrapped: when
 * its lines wrap now, there is nothing to scroll); false for other actions.
 */
bool view_hscroll(struct view *v, struct app *app, enum action a, bool wrapped);

#endif

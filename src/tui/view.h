/*
 * Views: the panes of the main screen and the screens over it.  Each is a
 * small vtable with its own state, like tig's view_ops; the app loop knows
 * them only through it.  A new view is one file and one line of VIEWS.
 */
#ifndef MIGREVIEW_TUI_VIEW_H
#define MIGREVIEW_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	/* the row drawn on line y of the body (0: its first), or (size_t)-1; NULL: top + y */
	size_t (*row_at)(struct view *v, struct app *app, int y);
	/*
	 * the actions that mean something in this view and not in every one
	 * (Tab between panes, Enter, h/l), ACTION_NONE last: the help lists an
	 * action some view names here only over the views that name it
	 */
	const enum action *own;
	void (*close)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	size_t cursor, top;     /* row under the cursor, first row shown */
	int height;             /* body rows at the last draw */
	int hscroll;            /* display columns scrolled away on the left (h, l) */
	struct rect area;       /* where it was drawn last, title bar included; w 0: not shown */
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

/*
 * The marks and glyphs of the migration list and what each means, in the
 * order the help shows them (view_list.c): a new mark is one entry here.
 */
enum list_mark {
	LIST_MARK_BLOCKED, LIST_MARK_SIGNED, LIST_MARK_STALE, LIST_MARK_HISTORY, LIST_MARK_NOT_IN_GRAPH,
	LIST_MARK_ERROR, LIST_MARK_WARNING, LIST_MARK_UNTESTED, LIST_MARK_INFO, LIST_MARK_CLEAN,
	LIST_MARK_ADDED, LIST_MARK_MODIFIED, LIST_MARK_RENAMED,
	LIST_LANE_REVISION, LIST_LANE_LINE, LIST_LANE_BRANCH, LIST_LANE_MERGE,
	LIST_LANE_MORE,
	LIST_MARK_COUNT
};

struct list_legend {
	uint32_t glyph;         /* as drawn */
	char ascii;             /* as drawn without UTF-8 */
	int slot;               /* the theme slot (theme.h) it is drawn in */
	const char *meaning;
};

extern const struct list_legend list_legend[LIST_MARK_COUNT];

/*
 * The source gutter's lock marks (view_source.c): the strongest lock a line
 * took in the recorded test run, by what it keeps waiting.
 */
enum gutter_mark { GUTTER_LOCK_READS, GUTTER_LOCK_WRITES, GUTTER_MARK_COUNT };

extern const struct list_legend gutter_legend[GUTTER_MARK_COUNT];

/* The moves every view shares (lines, pages, first, last); false for other actions. */
bool view_move(struct view *v, struct app *app, enum action a);
/* Puts the cursor on row, scrolling so that it shows. */
void view_goto(struct view *v, struct app *app, size_t row);
/* The row under line y of the view's body, or (size_t)-1 for none. */
size_t view_row_at(struct view *v, struct app *app, int y);
/* Whether the help lists action a for view id: its own, or no view's own. */
bool view_takes(int id, enum action a);
/* Adjusts top so that the cursor is within a body of h rows. */
void view_scroll(struct view *v, int h);
/*
 * As view_scroll, for rows that take rows_of(row) screen rows each (wrapped
 * lines): the cursor's row ends within the body, unless it is taller.
 */
void view_scroll_wrapped(struct view *v, struct app *app, int h,
			 int (*rows_of)(struct view *v, struct app *app, size_t row));
/* As view_row_at, for rows that take rows_of(row) screen rows each (wrapped lines). */
size_t view_row_at_wrapped(struct view *v, struct app *app, int y,
			   int (*rows_of)(struct view *v, struct app *app, size_t row));
/*
 * h and l for a view whose lines can be wider than the screen (wrapped: when
 * its lines wrap now, there is nothing to scroll); false for other actions.
 */
bool view_hscroll(struct view *v, struct app *app, enum action a, bool wrapped);

#endif

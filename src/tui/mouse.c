/*
 * The mouse: a click selects the row under it and focuses its pane, the
 * wheel scrolls the view under the pointer.  Where each view was drawn is
 * in its area (app.c's draw()); an overlay covers the panes.
 */
#include "config.h"

#include "tui/app.h"

/* Rows a wheel step scrolls, as in less and tig. */
#define WHEEL_ROWS 3

/* The view drawn under (x, y): the overlay on top, else a pane; NULL for none. */
static struct view *
view_under(struct app *app, int x, int y, enum view_id *id)
{
	for (int i = 0; i < VIEW_COUNT; i++) {
		struct rect r = app->views[i].area;

		if (app->n_overlay && i != (int)app->overlay[app->n_overlay - 1])
			continue;
		if (r.w > 0 && x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) {
			*id = (enum view_id)i;
			return &app->views[i];
		}
	}
	return NULL;
}

/* The content moves under a cursor that keeps its place on the screen. */
static void
wheel(struct view *v, struct app *app, int dir)
{
	size_t n = v->ops->rows(v, app), cursor = v->cursor;

	if (!n)
		return;
	if (dir > 0) {
		v->top = v->top + WHEEL_ROWS < n ? v->top + WHEEL_ROWS : n - 1;
		cursor = cursor + WHEEL_ROWS < n ? cursor + WHEEL_ROWS : n - 1;
	} else {
		v->top = v->top > WHEEL_ROWS ? v->top - WHEEL_ROWS : 0;
		cursor = cursor > WHEEL_ROWS ? cursor - WHEEL_ROWS : 0;
	}
	if (v->top > cursor)
		v->top = cursor;
	view_goto(v, app, cursor);
}

void
app_mouse(struct app *app, struct key_mouse ev)
{
	enum view_id id;
	struct view *v;
	size_t row;

	/* a prompt waits for its line; what is under it must not change meanwhile */
	if (app->prompt.active || !(v = view_under(app, ev.x, ev.y, &id)))
		return;
	/* the wheel scrolls where it points and leaves the focus where it is */
	if (ev.kind != KEY_MOUSE_CLICK) {
		wheel(v, app, ev.kind == KEY_MOUSE_WHEEL_DOWN ? 1 : -1);
		return;
	}
	if (!app->n_overlay)
		app->focus = id;
	/* the title bar only focuses */
	row = view_row_at(v, app, ev.y - v->area.y - 1);
	if (row != (size_t)-1)
		view_goto(v, app, row);
}

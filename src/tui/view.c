/* What every view shares: moving the cursor and keeping it in sight. */
#include "config.h"

#include "tui/app.h"

void
view_scroll(struct view *v, int h)
{
	size_t rows = (size_t)(h > 0 ? h : 1);

	v->height = h;
	if (v->cursor < v->top)
		v->top = v->cursor;
	else if (v->cursor >= v->top + rows)
		v->top = v->cursor - rows + 1;
}

void
view_goto(struct view *v, struct app *app, size_t row)
{
	size_t n = v->ops->rows(v, app);
	size_t old = v->cursor;

	v->cursor = n == 0 ? 0 : row < n ? row : n - 1;
	view_scroll(v, v->height);
	if (v->cursor != old && v->ops->moved)
		v->ops->moved(v, app);
}

bool
view_move(struct view *v, struct app *app, enum action a)
{
	size_t n = v->ops->rows(v, app);
	size_t page = v->height > 1 ? (size_t)v->height - 1 : 1;

	if (n == 0)
		return a == ACTION_MOVE_DOWN || a == ACTION_MOVE_UP || a == ACTION_PAGE_DOWN ||
		       a == ACTION_PAGE_UP || a == ACTION_MOVE_FIRST || a == ACTION_MOVE_LAST;
	switch (a) {
	case ACTION_MOVE_DOWN:
		view_goto(v, app, v->cursor + 1 < n ? v->cursor + 1 : v->cursor);
		return true;
	case ACTION_MOVE_UP:
		view_goto(v, app, v->cursor ? v->cursor - 1 : 0);
		return true;
	case ACTION_PAGE_DOWN:
		/* the page turns with the cursor, as in less and tig */
		v->top = v->top + page < n ? v->top + page : v->top;
		view_goto(v, app, v->cursor + page < n ? v->cursor + page : n - 1);
		return true;
	case ACTION_PAGE_UP:
		v->top = v->top > page ? v->top - page : 0;
		view_goto(v, app, v->cursor > page ? v->cursor - page : 0);
		return true;
	case ACTION_MOVE_FIRST:
		view_goto(v, app, 0);
		return true;
	case ACTION_MOVE_LAST:
		view_goto(v, app, n - 1);
		return true;
	default:
		return false;
	}
}

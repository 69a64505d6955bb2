/* What every view shares: moving the cursor and keeping it in sight. */
#include "config.h"

#include "tui/app.h"

/* The columns h and l scroll by. */
#define HSCROLL_STEP 8

static const struct view_ops *const view_ops_of[VIEW_COUNT] = {
#define VIEW_OPS_ENTRY(id, ops) [VIEW_##id] = &ops,
	VIEWS(VIEW_OPS_ENTRY)
#undef VIEW_OPS_ENTRY
};

size_t
view_row_at(struct view *v, struct app *app, int y)
{
	size_t row;

	if (y < 0)
		return (size_t)-1;
	if (v->ops->row_at)
		return v->ops->row_at(v, app, y);
	row = v->top + (size_t)y;
	return row < v->ops->rows(v, app) ? row : (size_t)-1;
}

/* Whether the own list of view id (-1: of any view) names a. */
static bool
owned(int id, enum action a)
{
	for (int i = 0; i < VIEW_COUNT; i++) {
		if (id >= 0 && i != id)
			continue;
		for (const enum action *p = view_ops_of[i]->own; p && *p; p++)
			if (*p == a)
				return true;
	}
	return false;
}

bool
view_takes(int id, enum action a)
{
	return owned(id, a) || !owned(-1, a);
}

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
view_scroll_wrapped(struct view *v, struct app *app, int h,
		    int (*rows_of)(struct view *v, struct app *app, size_t row))
{
	view_scroll(v, h);
	for (;;) {
		int used = 0;

		for (size_t k = v->top; k <= v->cursor && used <= h; k++)
			used += rows_of(v, app, k);
		if (used <= h || v->top == v->cursor)
			return;
		v->top++;
	}
}

size_t
view_row_at_wrapped(struct view *v, struct app *app, int y,
		    int (*rows_of)(struct view *v, struct app *app, size_t row))
{
	size_t n = v->ops->rows(v, app);

	for (size_t k = v->top; k < n && y >= 0; k++) {
		y -= rows_of(v, app, k);
		if (y < 0)
			return k;
	}
	return (size_t)-1;
}

bool
view_hscroll(struct view *v, struct app *app, enum action a, bool wrapped)
{
	if (a != ACTION_SCROLL_LEFT && a != ACTION_SCROLL_RIGHT)
		return false;
	if (wrapped) {
		app_message(app, false, "long lines wrap: nothing to scroll (W cuts them again)");
		return true;
	}
	if (a == ACTION_SCROLL_RIGHT)
		v->hscroll += HSCROLL_STEP;
	else
		v->hscroll = v->hscroll > HSCROLL_STEP ? v->hscroll - HSCROLL_STEP : 0;
	return true;
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

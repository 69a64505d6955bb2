/* Lanes of the revision graph for the migration list. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui/lanes.h"

#define NO_LANE ((size_t)-1)

/* Which lines meet in a cell: a corner or crossing is the set of them. */
enum { UP = 1, DOWN = 2, LEFT = 4, RIGHT = 8 };

static uint32_t
box(unsigned dirs, bool ascii)
{
	static const uint32_t glyphs[16] = {
		[UP | DOWN] = 0x2502, [LEFT | RIGHT] = 0x2500,
		[UP | LEFT] = 0x2518, [UP | RIGHT] = 0x2514,
		[DOWN | LEFT] = 0x2510, [DOWN | RIGHT] = 0x250C,
		[UP | DOWN | LEFT] = 0x2524, [UP | DOWN | RIGHT] = 0x251C,
		[UP | LEFT | RIGHT] = 0x2534, [DOWN | LEFT | RIGHT] = 0x252C,
		[UP | DOWN | LEFT | RIGHT] = 0x253C,
		[UP] = 0x2502, [DOWN] = 0x2502, [LEFT] = 0x2500, [RIGHT] = 0x2500,
	};

	if (!dirs)
		return ' ';
	if (ascii)
		return dirs == (UP | DOWN) || dirs == UP || dirs == DOWN ? '|' :
		       dirs == (LEFT | RIGHT) ? '-' : '+';
	return glyphs[dirs];
}

/* Children of every revision along down_revision edges, in review order. */
static int
children_of(const struct graph *g, size_t **start, size_t **list)
{
	size_t *cnt = calloc(g->n + 1, sizeof(size_t)), total = 0;

	*start = cnt;
	*list = NULL;
	if (!cnt)
		return -1;
	for (size_t k = 0; k < g->n_order; k++) {
		const struct revision *r = &g->revs[g->order[k]];

		for (size_t p = 0; p < r->n_parents; p++)
			cnt[r->parents[p]]++;
		total += r->n_parents;
	}
	for (size_t i = 0, sum = 0; i <= g->n; i++) {
		size_t c = cnt[i];

		cnt[i] = sum;
		sum += c;
	}
	*list = malloc((total + 1) * sizeof(size_t));
	if (!*list)
		return -1;
	{
		size_t *fill = calloc(g->n + 1, sizeof(size_t));

		if (!fill)
			return -1;
		for (size_t k = 0; k < g->n_order; k++) {
			size_t child = g->order[k];
			const struct revision *r = &g->revs[child];

			for (size_t p = 0; p < r->n_parents; p++) {
				size_t par = r->parents[p];

				(*list)[cnt[par] + fill[par]++] = child;
			}
		}
		free(fill);
	}
	return 0;
}

/* Draws one row: rev sits in lane col; ends[] lanes close here, opens[] start. */
static void
draw_row(uint32_t *row, const size_t *lane, size_t n_lanes, size_t col,
	 const bool *ends, const bool *opens, bool ascii)
{
	unsigned dirs[LANES_COLS] = { 0 };
	size_t lo = col, hi = col;

	for (size_t j = 0; j < n_lanes && j < LANES_MAX; j++) {
		if (j == col)
			continue;
		if (ends[j] || opens[j]) {
			lo = j < lo ? j : lo;
			hi = j > hi ? j : hi;
			dirs[2 * j] |= (ends[j] ? UP : 0) | (opens[j] ? DOWN : 0) |
				       (j > col ? LEFT : RIGHT);
		} else if (lane[j] != NO_LANE) {
			dirs[2 * j] |= UP | DOWN;
		}
	}
	/* lanes past LANES_MAX are not drawn, nor the lines to them */
	for (size_t x = 2 * lo; x < 2 * hi && x < LANES_COLS; x++)
		if (x != 2 * col)
			dirs[x] |= (x > 2 * lo ? LEFT : 0) | RIGHT;
	for (size_t x = 0; x < LANES_COLS; x++)
		row[x] = box(dirs[x], ascii);
	if (col < LANES_MAX)
		row[2 * col] = ascii ? '*' : 0x25CF;
	else
		row[LANES_COLS - 1] = ascii ? '>' : 0x2026;
}

static size_t
free_lane(size_t *lane, size_t *n_lanes, size_t from)
{
	for (size_t j = from; j < *n_lanes; j++)
		if (lane[j] == NO_LANE)
			return j;
	for (size_t j = 0; j < from && j < *n_lanes; j++)
		if (lane[j] == NO_LANE)
			return j;
	return (*n_lanes)++;
}

int
lanes_build(struct lanes *l, const struct graph *g, bool ascii)
{
	size_t *start = NULL, *list = NULL, n_lanes = 0;
	size_t *lane = malloc((g->n + 1) * sizeof(size_t));
	bool *ends = calloc(g->n + 1, sizeof(bool)), *opens = calloc(g->n + 1, sizeof(bool));
	int rc = -1;

	memset(l, 0, sizeof(*l));
	l->cells = calloc(g->n_order * LANES_COLS + 1, sizeof(uint32_t));
	if (!lane || !ends || !opens || !l->cells || children_of(g, &start, &list) < 0)
		goto out;
	l->n = g->n_order;
	for (size_t k = 0; k < g->n_order; k++) {
		size_t rev = g->order[k], col = NO_LANE;
		size_t n_children = start[rev + 1] - start[rev];

		for (size_t j = 0; j < n_lanes; j++) {
			ends[j] = opens[j] = false;
			if (lane[j] != rev)
				continue;
			if (col == NO_LANE)
				col = j;
			else
				ends[j] = true;
			lane[j] = NO_LANE;
		}
		if (col == NO_LANE)
			col = free_lane(lane, &n_lanes, 0);
		ends[col] = opens[col] = false;
		for (size_t c = 0; c < n_children; c++) {
			size_t j = c == 0 ? col : free_lane(lane, &n_lanes, col + 1);

			lane[j] = list[start[rev] + c];
			if (j != col)
				opens[j] = true;
		}
		draw_row(&l->cells[k * LANES_COLS], lane, n_lanes, col, ends, opens, ascii);
		for (int x = LANES_COLS; x > l->width; x--)
			if (l->cells[k * LANES_COLS + (size_t)x - 1] != ' ') {
				l->width = x;
				break;
			}
	}
	rc = 0;
out:
	free(lane);
	free(ends);
	free(opens);
	free(start);
	free(list);
	if (rc < 0)
		lanes_free(l);
	return rc;
}

void
lanes_free(struct lanes *l)
{
	free(l->cells);
	memset(l, 0, sizeof(*l));
}

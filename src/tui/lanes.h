/*
 * The revision graph drawn beside the migration list, base at the top:
 * one lane per line of descent, "●" on the lane of each migration, corners
 * where a branch opens ("┐") or a merge closes ("┘").  Lanes past
 * LANES_MAX are not drawn; the row shows "…" instead.
 *
 * struct lanes owns its rows; lanes_free() releases them.
 */
#ifndef MIGREVIEW_TUI_LANES_H
#define MIGREVIEW_TUI_LANES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migreview/graph.h"

#define LANES_MAX 6
#define LANES_COLS (2 * LANES_MAX)

struct lanes {
	uint32_t *cells;        /* n rows of LANES_COLS characters */
	size_t n;
	int width;              /* columns the widest row needs */
};

/* The glyphs of g->order's rows; ascii draws with "*|-+" instead of boxes. */
int lanes_build(struct lanes *l, const struct graph *g, bool ascii);

static inline const uint32_t *
lanes_row(const struct lanes *l, size_t row)
{
	return &l->cells[row * LANES_COLS];
}

void lanes_free(struct lanes *l);

#endif

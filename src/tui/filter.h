/*
 * The list's filters: which migrations the list shows.  One table says each
 * filter once; f cycles through it and :filter names it.  A filter narrows
 * what --since's s already hides, and is applied again whenever the
 * findings or the decisions change, so that the list stays true to its name.
 */
#ifndef MIGREVIEW_TUI_FILTER_H
#define MIGREVIEW_TUI_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct app;

/*
 * F(ID, name for :filter and the title), in f's order.  Undecided keeps what
 * is neither signed off nor blocked (open or stale); errors what has error
 * findings; in scope what changed since --since's ref.
 */
#define LIST_FILTERS(F) \
	F(ALL,       "all") \
	F(UNDECIDED, "undecided") \
	F(ERRORS,    "errors") \
	F(BLOCKED,   "blocked") \
	F(STALE,     "stale") \
	F(RISK,      "risk") \
	F(SCOPE,     "in scope")

enum list_filter {
#define FILTER_ENUM(id, name) LIST_FILTER_##id,
	LIST_FILTERS(FILTER_ENUM)
#undef FILTER_ENUM
	LIST_FILTER_COUNT
};

/*
 * The filter a name (or the start of one, "err"; "scope" too) means; -1 for
 * none, -2 for a start that fits several ("s").
 */
int filter_parse(const char *name);
/* The names, for a message: "all, undecided, ..." (a static string). */
const char *filter_names(void);
/*
 * Shows only what f keeps, the selection staying on its migration when that
 * still shows, else on the next one that does; the status line says how
 * many, or why f cannot apply (in scope without --since).
 */
void filter_set(struct app *app, enum list_filter f);
/* f: the next filter that can apply, after the current one. */
void filter_next(struct app *app);
/* Whether the list shows fewer rows than the graph has (no lanes then). */
bool filter_narrowed(const struct app *app);
/*
 * Builds the list's rows again under the filter and s; returns the row to
 * select (the selected migration's, else the next shown one's).
 */
size_t filter_rows(struct app *app);
/*
 * "filter: errors — 4 of 30", or with row (0-based) "filter: errors — 2/4 of
 * 30" for the list's title; "" when nothing is filtered.
 */
void filter_describe(const struct app *app, size_t row, char *buf, size_t size);

#endif

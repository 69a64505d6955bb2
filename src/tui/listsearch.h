/*
 * Search in the migration list: which revisions hold a needle in their id,
 * message, file name or source.  Smartcase: a needle with a capital letter
 * is looked for as typed, one without in the text folded to lower case; a
 * match never spans two fields (nor two lines: a needle is one line).
 *
 * Reading 30 MB of source for every key is too slow at 10,000 migrations,
 * so the grams (each byte, pair and three in a row) of every revision are
 * indexed once per graph, on a thread: a needle is then looked for only in
 * the revisions that hold each of its grams, and one with a gram that no
 * revision has is answered at once.  The answers for the last needle are
 * kept, so n and N after it cost a look per row.  Until the index is in,
 * every revision is read: slower, the same answers.
 *
 * The search owns what it allocates; the caller owns the graph and keeps
 * its revisions and their texts as they are while an index is being built.
 */
#ifndef MIGREVIEW_TUI_LISTSEARCH_H
#define MIGREVIEW_TUI_LISTSEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/graph.h"

struct list_search;

/* NULL when out of memory.  Call it after the locale is set: it folds as tolower() does. */
struct list_search *list_search_new(void);
/* Stops an index being built (without waiting for the rest of it) and frees everything. */
void list_search_free(struct list_search *ls);

/*
 * Starts indexing graph g (gen tells one graph from the next) on a thread,
 * dropping the index of the graph before; -1 when it cannot (the search
 * then reads every revision).
 */
int list_search_index(struct list_search *ls, const struct graph *g, unsigned gen);
/* Whether an index is being built: the graph must stay as it is meanwhile. */
bool list_search_building(const struct list_search *ls);
/*
 * Takes in the index being built when it is done (wait: waits for it);
 * true when it was taken in, and the graph is free to change again.
 */
bool list_search_finish(struct list_search *ls, bool wait);
/* The graph generation indexed, being indexed or none yet ((unsigned)-1). */
unsigned list_search_gen(const struct list_search *ls);

/* Whether revision rev of g (generation gen) holds needle; false for "". */
bool list_search_matches(struct list_search *ls, const struct graph *g, unsigned gen, size_t rev,
			 const char *needle);

#endif

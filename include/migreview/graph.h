/*
 * The Alembic revision graph, built exactly as Alembic's RevisionMap
 * builds it: down_revision and depends_on edges (depends_on may name a
 * branch label), heads, bases, branch and merge points, and the order in
 * which `alembic history` lists revisions (Alembic's topological sort,
 * ties broken by discovery order).  Review order is its exact reverse.
 *
 * Every problem Alembic raises or warns about is a finding instead of a
 * failure; the offending edge is left out so that the rest of the graph
 * still orders.
 *
 * struct graph owns its revisions, arrays and findings; graph_free()
 * releases them.
 */
#ifndef MIGREVIEW_GRAPH_H
#define MIGREVIEW_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/finding.h"
#include "migreview/project.h"
#include "migreview/revision.h"

struct graph {
	struct revision *revs;  /* discovery order */
	size_t n, cap;
	size_t *order;          /* review order, base → head (indices into revs) */
	size_t n_order;
	size_t *heads;          /* in Alembic's order */
	size_t n_heads;
	size_t *bases;
	size_t n_bases;
	struct findings findings;
	struct strmap ids;      /* revision id → index of the revision that owns it */
	struct strmap labels;   /* branch label → index */
};

/*
 * Reads every file of the project and builds the graph; flags as for
 * revision_load (REVISION_LOAD_MIGRATION keeps each file's operations).
 */
int graph_load(struct graph *g, const struct project *p, unsigned flags, struct mr_error *err);

/*
 * Parses what graph_load(REVISION_LOAD_QUICK) left for later (see
 * revision_complete_all()), adding its findings to g's: 0; 1 when a header
 * read by the scanner is not the parser's, so the graph must be read again
 * without REVISION_LOAD_QUICK; -1.
 */
int graph_complete(struct graph *g, const struct project *p, struct mr_error *err);

/*
 * Builds the graph from g->revs, already filled (by graph_load, or by hand
 * in tests with path, relpath, id, down, labels and deps set).
 */
int graph_build(struct graph *g, struct mr_error *err);

/* Index of the revision with this id, or (size_t)-1. */
size_t graph_find(const struct graph *g, const char *id);

/* The revision with this id, or the only one it is a prefix of; else (size_t)-1. */
size_t graph_find_prefix(const struct graph *g, const char *name);

/*
 * Marks rev and everything `alembic upgrade rev` applies before it (its
 * ancestors along down_revision and depends_on) in mark, g->n entries the
 * caller owns; returns how many are marked in all.
 */
size_t graph_ancestry(const struct graph *g, size_t rev, bool *mark);

void graph_free(struct graph *g);

#endif

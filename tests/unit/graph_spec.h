/*
 * Graphs for tests, written compactly: revisions separated by ';', each
 * "id[<down1,down2][^dep1,dep2][@label1,label2]", in discovery order.
 * "a; b<a; c<a; d<b,c" is a branch at a merged again by d.
 */
#ifndef TESTS_GRAPH_SPEC_H
#define TESTS_GRAPH_SPEC_H

#include "migreview/graph.h"

/* Fills and builds g from spec; returns graph_build's result. */
int graph_spec_build(struct graph *g, const char *spec, struct mr_error *err);

/* The ids of indices[0..n) joined by spaces, in a static buffer. */
const char *graph_spec_ids(const struct graph *g, const size_t *indices, size_t n);

/* Review order, reversed to history order, as "c b a". */
const char *graph_spec_history(const struct graph *g);

/* How many findings carry this rule id. */
size_t graph_spec_count(const struct graph *g, enum rule_id rule);

#endif

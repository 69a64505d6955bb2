/*
 * The analyser: replays the schema along review order and runs every
 * rule of the catalogue (rules.def) on each migration, with the project's
 * [migreview] settings (settings.h).  Findings carry the rule id, the
 * severity after configuration, and file:line:col.
 */
#ifndef MIGREVIEW_ANALYZE_H
#define MIGREVIEW_ANALYZE_H

#include <stddef.h>

#include "migreview/error.h"
#include "migreview/finding.h"
#include "migreview/graph.h"
#include "migreview/project.h"
#include "migreview/rules.h"
#include "migreview/settings.h"

/* One migration to analyse: its source and where findings should point. */
struct analysis_input {
	const char *src;
	size_t len;
	const char *relpath;
	size_t revision;                /* index given to its findings */
	bool merge_point;
};

/*
 * Analyses inputs in the order given (review order) and adds findings to
 * out.  Used by analyze_graph() and, on in-memory sources, by the tests.
 */
int analyze_sources(const struct analysis_input *inputs, size_t n,
		    const struct analysis_config *cfg, struct findings *out,
		    struct mr_error *err);

/*
 * Analyses the revisions of g in review order; g must have been loaded with
 * REVISION_LOAD_MIGRATION.
 */
int analyze_graph(const struct graph *g, const struct analysis_config *cfg,
		  struct findings *out, struct mr_error *err);


#endif

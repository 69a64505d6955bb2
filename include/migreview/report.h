/*
 * Everything the analysis knows about a project, in one place: the
 * project's settings, its revision graph, and every finding (graph problems
 * and rule findings alike), sorted for reading.  check and the UI both
 * start here.
 *
 * struct report owns all of it; report_free() releases it.
 */
#ifndef MIGREVIEW_REPORT_H
#define MIGREVIEW_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/finding.h"
#include "migreview/graph.h"
#include "migreview/project.h"

struct report {
	struct project p;
	struct graph g;
	struct findings all;            /* sorted by revision, then line and column */
	size_t *by_order;               /* indices into all: review order, then files outside the graph */
	size_t *first;                  /* per revision: its first finding in all */
	size_t *count;                  /* per revision: how many it has */
	const struct project *settings; /* whose settings apply when not p's (borrowed), or NULL */
	bool *history;                  /* per revision: up to [migreview] baseline; NULL: none */
	size_t baseline;                /* the baseline's revision, when history is set */
	size_t n_history;
	bool ends_with_it;              /* check: the process ends with the report; no memory goes back */
};

/*
 * Opens the project (config and section as for project_open()), loads the
 * graph with every migration's operations and runs the analysis.  The
 * project's warnings are in r->p.warnings for the caller to show.
 */
int report_open(struct report *r, const char *config, const char *section,
		struct mr_error *err);

/*
 * The same in steps, for a caller that shows the graph while the analysis
 * runs: report_open_graph() reads the project (as project_open_at() finds
 * it, -d included) and its graph, with every file's blob id, leaving the
 * operations in the parse cache (REVISION_LOAD_LAZY);
 * report_collect() analyses them into out (sorted), under the settings of
 * r->settings, else r->p's: the analysis cache's findings when it has them
 * for this graph and these settings (analysiscache.h), else the analysis of
 * every migration, whose operations and parse findings it first completes
 * (graph_complete()).  It reads r and fills only what graph_complete() does,
 * so it may run on another thread while this one reads the graph's headers;
 * 1 when a file is no longer what was read: the project is to be read again;
 * report_adopt() takes the findings over (leaving *all empty) and indexes
 * them, and frees every revision's operations (rev->migration), which only
 * the analysis reads, giving the memory back to the system unless
 * ends_with_it is set.  Until then the report has no findings.
 */
int report_open_graph(struct report *r, const struct project_where *w, struct mr_error *err);

/*
 * The checklist items (bits 1 << item) that do not apply to revision rev,
 * as its findings say: reversible, when downgrade-not-written says the
 * project writes no downgrades.  0 until the findings are adopted.
 */
unsigned report_not_applicable(const struct report *r, size_t rev);
int report_collect(struct report *r, struct findings *out, struct mr_error *err);
/*
 * The same, for `check --since REF`: the migrations changed since REF are
 * those that have not shipped (with NULL, those changed since the remote's
 * default branch), which the rules about running code ask about.
 */
int report_collect_since(struct report *r, const char *since, struct findings *out,
			 struct mr_error *err);
int report_adopt(struct report *r, struct findings *all, struct mr_error *err);

struct review;

/*
 * The tested item's findings, from the runs recorded in rv (review.h):
 * not-tested for content with no passing run (never run, or run on earlier
 * content), test-failed when a run on this content failed; from a traced
 * run's evidence, evidence-rewrite and evidence-lock-held, from a head's
 * models comparison evidence-models-drift, and a note on
 * each static finding whose predicted lock or rewrite the run confirmed or
 * did not see (report_runs.c).  Replaces the previous ones; call it again
 * when rv changes.
 */
int report_evidence(struct report *r, const struct review *rv, struct mr_error *err);

struct run_lock;
struct run_step;
struct test_run;

/*
 * The next run of rev from *k on (start at 0) that has evidence and ran on
 * rev's current content, *k moved past it; NULL after the last.
 */
const struct test_run *report_evidence_run(const struct review *rv, const struct revision *rev,
					   size_t *k);

/* Whether a step's evidence is the migration's own (upgrade, downgrade; not the re-upgrade). */
bool report_step_telling(const struct run_step *s);

/*
 * A stored lock in words, as check's findings say it: "ACCESS EXCLUSIVE on
 * orders for 12.5 ms — blocks reads and writes".  The relation is as the
 * file has it: escape the words (mr_visible()) to show them.
 */
void report_lock_words(const struct run_lock *l, char *buf, size_t size);

/*
 * Rows over milliseconds as a rate, to three figures (the rate of one run,
 * not a constant of the table): "~1,230,000 rows/s"; "" when there is none.
 */
void report_rate_words(long long rows, double ms, char *buf, size_t size);

/* Whether the summary names a lock (and the UI marks its line): one that keeps writes waiting. */
bool report_lock_named(const struct run_lock *l);

/*
 * Line k (from 0) of the summary of run t's evidence, in buf; false past
 * the last.  Per step that is the migration's own, each lock that keeps
 * writes waiting ("upgrade: ACCESS EXCLUSIVE on orders for 12.5 ms — blocks
 * reads and writes (line 24)"), then each table it rewrote ("upgrade:
 * rewrote orders (line 24)"); indexes go with their tables.  Escape it to
 * show it, as report_lock_words().
 */
bool report_run_line(const struct test_run *t, size_t k, char *buf, size_t size);

/* The findings of revision rev: r->all.v[first .. first + n); none before report_adopt(). */
static inline size_t
report_findings(const struct report *r, size_t rev, size_t *n)
{
	*n = rev < r->g.n && r->count ? r->count[rev] : 0;
	return rev < r->g.n && r->first ? r->first[rev] : 0;
}

/*
 * Reads [migreview] baseline from settings into r->history (see
 * settings_baseline()): history is outside the gate and the counts, and
 * never stale, but still analysed and shown.
 */
int report_baseline(struct report *r, const struct project *settings, struct mr_error *err);

/*
 * With a trusted ref (check --trust-ref): a migration the change adds, or
 * renames and changes, is never history, even when an edited older file
 * makes it an ancestor of the baseline; a baseline that names one is an
 * error.  Edits to history's files stay outside the gate (a reformat).
 */
int report_history_trusted(struct report *r, const char *ref, struct mr_error *err);

/* Whether revision rev is history: at or below the baseline. */
static inline bool
report_history(const struct report *r, size_t rev)
{
	return r->history && rev < r->g.n && r->history[rev];
}

void report_free(struct report *r);

#endif

/*
 * What `check` knows once the analysis has run: the report, the review and
 * where each migration's review stands, and the scope.  cmd_check.c owns it
 * and everything in it; the JSON and SARIF reports (check_json.h) read it.
 */
#ifndef MIGREVIEW_CHECK_GATE_H
#define MIGREVIEW_CHECK_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/gatetrust.h"
#include "migreview/report.h"
#include "migreview/review.h"
#include "migreview/settings.h"

/* The analysis and, per revision, the file's blob and where its review stands. */
struct gate {
	struct report r;
	struct gate_trust trust;
	struct review review;
	struct strvec discounted;       /* decisions that do not count, one line each */
	struct migration_review *states;
	bool *scope;            /* --since: per revision, whether its file changed; else NULL */
	bool with_history;      /* --include-baseline: the history is in the scope too */
	char *uri_prefix;       /* SARIF: the ini's directory from the top of its git work tree */
	struct analysis_config cfg;     /* the settings the analysis ran with: its dialect */
	struct {
		size_t migrations, findings, errors, warnings, info, undecided, signed_off;
	} n;                    /* within the scope */
};

/*
 * Whether revision rev is in the scope of the check: all of them without
 * --since, but the history up to the baseline only with --include-baseline.
 */
static inline bool
gate_scoped(const struct gate *gt, size_t rev)
{
	return (!gt->scope || rev >= gt->r.g.n || gt->scope[rev]) &&
	       (gt->with_history || !report_history(&gt->r, rev));
}

/* Whether a finding's item is accepted or waived for the file as it is. */
static inline bool
gate_decided(const struct gate *gt, const struct finding *f)
{
	return f->revision < gt->r.g.n && gt->r.g.revs[f->revision].in_graph &&
	       gt->states[f->revision].items[f->rule->item] == ITEM_DONE;
}

#endif

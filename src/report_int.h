/*
 * Inside the report: what the recorded runs' evidence adds to the findings
 * (report_runs.c), for report_evidence().
 */
#ifndef MIGREVIEW_REPORT_INT_H
#define MIGREVIEW_REPORT_INT_H

#include "migreview/report.h"
#include "migreview/review.h"
#include "migreview/settings.h"

/*
 * evidence-rewrite, evidence-lock-held and evidence-models-drift for
 * revision i, from the runs recorded on its current content.  -1 when
 * memory runs out.
 */
int report_run_findings(struct report *r, const struct review *rv,
			const struct analysis_config *cfg, size_t i);

/*
 * What those runs say of each static finding that predicts a lock or a
 * rewrite on its line: a note on its message, confirmed or not seen (the
 * finding stays).  -1 when memory runs out.
 */
int report_run_notes(struct report *r, const struct review *rv);

#endif

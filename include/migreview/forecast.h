/*
 * Production sizes in the findings.  Each finding about a table the stats
 * file knows gets a note with its size, rows and write rate; one whose
 * statement reads or rewrites the table under a lock gets a forecast of how
 * long the lock would be held and how many writes would wait, with its
 * inputs; above max_lock_forecast, a lock-forecast error beside it.
 */
#ifndef MIGREVIEW_FORECAST_H
#define MIGREVIEW_FORECAST_H

#include "migreview/finding.h"
#include "migreview/schema.h"
#include "migreview/settings.h"

/* Rows per second when no run measured one: documented in the README. */
#define FORECAST_REWRITE_ROWS_PER_S 100000.0
#define FORECAST_SCAN_ROWS_PER_S 500000.0

struct forecast_rates {
	double rewrite, scan;   /* rows per second `migreview test --rows` measured; 0: none */
	const char *measured;   /* when ("2026-12-07T10:00:00Z"), or NULL */
};

/*
 * Notes fs's findings tagged with a table (findings_tag()) that cfg's stats
 * know, and adds a lock-forecast finding after each forecast over
 * max_lock_forecast.  Nothing without stats.  -1 when memory runs out.
 */
int forecast_findings(struct findings *fs, const struct analysis_config *cfg,
		      const struct forecast_rates *rates);

/*
 * The stats file's own findings, once the analysis has replayed every
 * migration into s: stale (older than stats_max_age), or of another
 * database (fewer than half of s's tables in it).
 */
int forecast_stats_findings(const struct schema *s, const struct analysis_config *cfg,
			    struct findings *out);

#endif

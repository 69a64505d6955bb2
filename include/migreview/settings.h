/*
 * The analyser's settings, from the [migreview] section of alembic.ini:
 * target dialect, large tables, disabled rules and severity overrides.
 *
 * struct analysis_config owns its strings; analysis_config_free() frees them.
 */
#ifndef MIGREVIEW_SETTINGS_H
#define MIGREVIEW_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/finding.h"
#include "migreview/graph.h"
#include "migreview/naming.h"
#include "migreview/project.h"
#include "migreview/rules.h"

/* What [migreview] says about one rule. */
struct rule_setting {
	bool disabled;                  /* named in disable = ... */
	bool overridden;                /* severity.RULE = ... is given */
	enum severity severity;         /* its value */
};

struct appcode;
struct stats;

struct analysis_config {
	unsigned dialect;               /* one DIALECT_* bit */
	/* where it came from, for the reports: "from sqlalchemy.url in alembic.ini",
	   "from [migreview] dialect in alembic.ini", "default", "default: ..." */
	char *dialect_from;
	const struct appcode *app;      /* the application's source (borrowed), or NULL */
	/*
	 * Per revision index: not shipped yet, so today's application code goes
	 * with it (borrowed); NULL counts every revision as not shipped.
	 */
	const bool *unshipped;
	struct strvec large_tables;
	/* production sizes: [migreview] stats, else migrations.stats.json beside the review file */
	struct stats *stats;            /* NULL without */
	char *stats_relpath;            /* that file, relative to the ini's directory */
	long long large_bytes;          /* large_table_size: a table in the stats this big is large */
	long long large_rows;           /* or with this many rows; 0: rows do not count */
	double max_lock_forecast;       /* seconds; 0: no limit */
	double stats_max_age;           /* seconds: older stats are stale */
	bool lock_timeout_everywhere;   /* env.py or sqlalchemy.url sets lock_timeout */
	struct naming naming;           /* the project's naming_convention (naming.h) */
	bool no_downgrades;             /* downgrade = none: the project writes no downgrade() */
	struct rule_setting by_rule[RULE_COUNT];        /* indexed by enum rule_id */
};

/*
 * Reads [migreview] dialect (else the scheme of sqlalchemy.url, else
 * postgresql), large_tables, downgrade = none|written, disable,
 * severity.RULE = error|warning|info, and the production sizes: stats,
 * large_table_size, max_lock_forecast and stats_max_age.
 * Unknown rule ids and dialects are errors naming the key.  Also reads,
 * never runs, the script directory's env.py (and sqlalchemy.url) for a
 * lock_timeout set for every migration.  disable and
 * severity.RULE hold for every rule, graph and header rules included.
 */
int analysis_config_load(const struct project *p, struct analysis_config *cfg,
			 struct mr_error *err);
void analysis_config_free(struct analysis_config *cfg);

/* Whether table counts as large: named in large_tables, or in the stats over large_table_size. */
bool analysis_config_large(const struct analysis_config *cfg, const char *table);

/*
 * The severity a finding of rule r gets under cfg, about table (or NULL):
 * its default, raised for large tables, overridden by severity.RULE.  False
 * when the rule is disabled or not for the target dialect.  Every finding
 * passes here before it is reported: the analyser's as it is made, graph
 * and header problems in report_collect(), test evidence in
 * report_evidence().
 */
bool analysis_config_severity(const struct analysis_config *cfg, const struct rule *r,
			      const char *table, enum severity *sev);

/*
 * [migreview] baseline = REV (an id or a unique prefix of one): REV and its
 * ancestry in g (graph_ancestry()) are history, which a project adopting
 * migreview leaves outside the gate.  *history is a new array, one entry
 * per revision of g, that the caller frees; NULL without the setting.
 * *at is REV's index, *n how many revisions are history.  A REV that names
 * no revision of g is an error naming the setting and its file.
 */
int settings_baseline(const struct project *p, const struct graph *g, bool **history,
		      size_t *at, size_t *n, struct mr_error *err);

#endif

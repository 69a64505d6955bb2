/*
 * Production sizes in the findings (see forecast.h): how large a table is,
 * and for a statement that reads or rewrites it under a lock, for how long.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "migreview/forecast.h"
#include "migreview/pglocks.h"
#include "migreview/stats.h"
#include "migreview/util.h"

/* What a rule's statement does to its table while it holds its lock. */
enum work { WORK_SCAN, WORK_REWRITE };

/*
 * The rules whose statement holds a lock for as long as a pass over the
 * table takes, with the mode PostgreSQL's documentation gives for it.  An
 * index build reads the table and sorts it; SET NOT NULL and a constraint
 * read it; a type change and a volatile default write it anew; an UPDATE
 * without a WHERE writes every row, each locked against writers.
 */
static const struct {
	enum rule_id rule;
	enum pg_lock_mode mode;
	enum work work;
	const char *does;
} costs[] = {
	{ RULE_INDEX_NOT_CONCURRENT, PG_SHARE, WORK_SCAN, "builds an index on" },
	{ RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE, PG_ACCESS_EXCLUSIVE, WORK_SCAN,
	  "builds a unique index on" },
	{ RULE_CONSTRAINT_WITHOUT_NOT_VALID, PG_ACCESS_EXCLUSIVE, WORK_SCAN,
	  "checks every row of" },
	{ RULE_SET_NOT_NULL_SCAN, PG_ACCESS_EXCLUSIVE, WORK_SCAN, "checks every row of" },
	{ RULE_COLUMN_TYPE_CHANGE, PG_ACCESS_EXCLUSIVE, WORK_REWRITE, "rewrites" },
	{ RULE_ENUM_COLUMN_TYPE_CHANGE, PG_ACCESS_EXCLUSIVE, WORK_REWRITE, "rewrites" },
	{ RULE_VOLATILE_SERVER_DEFAULT, PG_ACCESS_EXCLUSIVE, WORK_REWRITE, "rewrites" },
	{ RULE_UPDATE_WITHOUT_BATCHING, PG_ROW_EXCLUSIVE, WORK_REWRITE, "updates every row of" },
};

/* "12 GB", "340 MB", "8,192 bytes": PostgreSQL's units, 1024 apart. */
static const char *
bytes_text(long long n, char *buf, size_t size)
{
	static const char *const units[] = { "bytes", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)n;
	size_t u = 0;
	char fig[32];

	while (v >= 1024 * 10 && u + 1 < MR_ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%s %s", mr_figures(v, fig, sizeof(fig)), units[u]);
	return buf;
}

/* x rounded to a whole number (x >= 0) */
static double
nearest(double x)
{
	return (double)(long long)(x + 0.5);
}

/* "40 s", "0.3 s", "12 min", "2.1 h", "30 d", "under 0.1 s" */
static const char *
seconds_text(double s, char *buf, size_t size)
{
	char fig[32];

	if (s < 0.05)
		snprintf(buf, size, "under 0.1 s");
	else if (s >= 2 * 86400)
		snprintf(buf, size, "%s d", mr_figures(nearest(s / 8640) / 10, fig, sizeof(fig)));
	else if (s >= 2 * 3600)
		snprintf(buf, size, "%s h", mr_figures(nearest(s / 360) / 10, fig, sizeof(fig)));
	else if (s >= 120)
		snprintf(buf, size, "%s min", mr_figures(nearest(s / 60), fig, sizeof(fig)));
	else
		snprintf(buf, size, "%s s", mr_figures(s >= 10 ? nearest(s) : nearest(s * 10) / 10,
						       fig, sizeof(fig)));
	return buf;
}

/* Seconds the counters of st ran over, or 0 when that is unknown. */
static double
counted_for(const struct stats *st)
{
	return st->taken > st->since_t ? difftime(st->taken, st->since_t) : 0;
}

/* The rows to forecast with: reltuples, else the live tuples counted; -1 when neither. */
static double
rows_of(const struct stats_table *t)
{
	return t->rows >= 0 ? (double)t->rows : t->live_tuples > 0 ? (double)t->live_tuples : -1;
}

/* "orders in production: 12 GB, 41,200,000 rows, ~300 writes/s" */
static void
size_note(const struct stats *st, const struct stats_table *t, const char *table, char *buf,
	  size_t size)
{
	char bytes[48], rows[32], rate[32];
	double secs = counted_for(st), writes = (double)(t->inserts + t->updates + t->deletes);
	int n = snprintf(buf, size, "%s in production: %s", table,
			 bytes_text(t->total_bytes, bytes, sizeof(bytes)));

	if (n < 0 || (size_t)n >= size)
		return;
	if (rows_of(t) >= 0)
		n += snprintf(buf + n, size - (size_t)n, ", %s rows",
			      mr_figures(rows_of(t), rows, sizeof(rows)));
	else
		n += snprintf(buf + n, size - (size_t)n, ", rows unknown (never analysed)");
	if (secs > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, writes / secs < 1 ? ", under 1 write/s" :
			 ", ~%s writes/s", mr_figures(writes / secs, rate, sizeof(rate)));
}

/*
 * The forecast for a statement of cost k on table t, which finding message
 * what describes, in buf; its seconds, or -1 when there is none (no rows
 * known).
 */
static double
forecast(const struct stats *st, const struct stats_table *t, size_t k, const char *what,
	 const struct forecast_rates *rates, char *buf, size_t size)
{
	bool rewrite = costs[k].work == WORK_REWRITE;
	double measured = rates ? (rewrite ? rates->rewrite : rates->scan) : 0;
	double rate = measured > 0 ? measured : rewrite ? FORECAST_REWRITE_ROWS_PER_S :
							    FORECAST_SCAN_ROWS_PER_S;
	double rows = rows_of(t), secs, counted = counted_for(st);
	char took[32], nrows[32], nrate[32], waits[96] = "", when[16] = "";
	enum pg_lock_mode m = costs[k].mode;

	/* a foreign key takes SHARE ROW EXCLUSIVE; a CHECK constraint, ACCESS EXCLUSIVE */
	if (costs[k].rule == RULE_CONSTRAINT_WITHOUT_NOT_VALID && !strncmp(what, "foreign key", 11))
		m = PG_SHARE_ROW_EXCLUSIVE;

	if (rows < 0)
		return -1;
	secs = rows / rate;
	/* writes take ROW EXCLUSIVE: a mode that conflicts with it keeps them waiting */
	if (counted > 0 && pglock_conflicts(m, PG_ROW_EXCLUSIVE)) {
		double writes = (double)(t->inserts + t->updates + t->deletes) / counted * secs;
		double reads = (double)(t->seq_scans + t->index_scans) / counted * secs;
		char w[32], r[32];

		if (pglock_conflicts(m, PG_ACCESS_SHARE))
			snprintf(waits, sizeof(waits), "; ~%s writes and ~%s scans would wait",
				 mr_figures(writes, w, sizeof(w)), mr_figures(reads, r, sizeof(r)));
		else
			snprintf(waits, sizeof(waits), "; ~%s writes would wait",
				 mr_figures(writes, w, sizeof(w)));
	}
	if (measured > 0 && rates->measured)
		snprintf(when, sizeof(when), " on %.10s", rates->measured);
	snprintf(buf, size, "%s %s: %s%s under %s (%s)%s; from %s rows at %s rows/s, %s",
		 costs[k].does, t->name, secs < 0.05 ? "" : "~",
		 seconds_text(secs, took, sizeof(took)),
		 pglock_name(m), pglock_blocks(m), waits, mr_figures(rows, nrows, sizeof(nrows)),
		 mr_figures(rate, nrate, sizeof(nrate)),
		 measured > 0 ? (rewrite ? "the rewrite rate `migreview test --rows` measured" :
				 "the scan rate `migreview test --rows` measured") :
		 (rewrite ? "the default rewrite rate (no run measured one)" :
			    "the default scan rate (no run measured one)"));
	if (*when && strlen(buf) + strlen(when) < size)
		strcat(buf, when);
	return secs;
}

/* The cost of finding f's rule, or -1 when its statement holds no lock for a pass. */
static long
cost_of(const struct finding *f)
{
	for (size_t k = 0; k < MR_ARRAY_SIZE(costs); k++)
		if (f->rule == &rules[costs[k].rule])
			return (long)k;
	return -1;
}

/* Notes finding i and, over the limit, adds the lock-forecast finding after it. */
static int
note_finding(struct findings *fs, size_t i, const struct analysis_config *cfg,
	     const struct forecast_rates *rates)
{
	struct finding f = fs->v[i];
	const struct stats_table *t = stats_find(cfg->stats, f.table);
	char note[1024], more[768], limit[32];
	long k = cost_of(&f);
	double secs = -1;
	enum severity sev;

	if (!t)
		return 0;
	size_note(cfg->stats, t, f.table, note, sizeof(note));
	if (k >= 0 && (secs = forecast(cfg->stats, t, (size_t)k, f.plain ? f.plain : f.message,
				       rates, more, sizeof(more))) >= 0 &&
	    strlen(note) + strlen(more) + 12 < sizeof(note)) {
		strcat(note, "; forecast: ");
		strcat(note, more);
	}
	if (findings_note(fs, i, note) < 0)
		return -1;
	if (secs > 0)
		fs->v[i].forecast = (float)secs;
	if (!(cfg->max_lock_forecast > 0 && secs > cfg->max_lock_forecast) ||
	    !analysis_config_severity(cfg, &rules[RULE_LOCK_FORECAST], f.table, &sev))
		return 0;
	if (findings_add(fs, RULE_LOCK_FORECAST, sev, f.path, f.line, f.col, f.revision,
			 "forecast over max_lock_forecast = %s: %s",
			 seconds_text(cfg->max_lock_forecast, limit, sizeof(limit)), more) < 0)
		return -1;
	return findings_tag(fs, fs->n - 1, f.table);
}

int
forecast_findings(struct findings *fs, const struct analysis_config *cfg,
		  const struct forecast_rates *rates)
{
	size_t n = fs->n;

	if (!cfg->stats)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (fs->v[i].table && fs->v[i].rule != &rules[RULE_LOCK_FORECAST] &&
		    note_finding(fs, i, cfg, rates) < 0)
			return -1;
	return 0;
}

int
forecast_stats_findings(const struct schema *s, const struct analysis_config *cfg,
			struct findings *out)
{
	const struct stats *st = cfg->stats;
	const char *path = cfg->stats_relpath ? cfg->stats_relpath : "";
	struct timespec now;
	double age;
	size_t tables = 0, found = 0;
	enum severity sev;
	char took[32];

	if (!st)
		return 0;
	mr_now(&now);
	age = difftime(now.tv_sec, st->taken);
	if (age > cfg->stats_max_age &&
	    analysis_config_severity(cfg, &rules[RULE_STATS_STALE], NULL, &sev) &&
	    findings_add(out, RULE_STATS_STALE, sev, path, 0, 0, FINDING_NO_REVISION,
			 "the production sizes were taken %s, %.0f days ago, more than "
			 "stats_max_age (%s): large tables and forecasts may be out of date",
			 st->taken_at, (double)(long long)(age / 86400),
			 seconds_text(cfg->stats_max_age, took, sizeof(took))) < 0)
		return -1;
	for (size_t i = 0; i < s->n_tables; i++)
		if (s->tables[i].name) {
			tables++;
			found += stats_find(st, s->tables[i].name) != NULL;
		}
	/* a project's newest tables are not in production yet: only a mismatch counts */
	if (tables >= 3 && found * 2 < tables &&
	    analysis_config_severity(cfg, &rules[RULE_STATS_OTHER_DATABASE], NULL, &sev) &&
	    findings_add(out, RULE_STATS_OTHER_DATABASE, sev, path, 0, 0, FINDING_NO_REVISION,
			 "only %zu of the %zu tables the migrations make are in the production "
			 "sizes (database %s): tables missing from them count as new and small",
			 found, tables, st->database) < 0)
		return -1;
	return 0;
}

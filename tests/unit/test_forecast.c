/*
 * Production sizes in the findings: the note on a finding about a table the
 * stats know, the forecast of a lock-taking one from measured or default
 * rates, the max_lock_forecast gate, and the stats file's own findings.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "migreview/forecast.h"
#include "migreview/stats.h"

static struct analysis_config cfg;
static struct findings fs;
static char err[MR_ERROR_MAX];

/* orders: 41,200,000 rows, 12 GB; 30 days of counters; tiny: 10 rows, never-analysed: -1 */
static const char stats_text[] =
	"{\"migreview_stats\": 1, \"taken_at\": \"2026-12-01T00:00:00Z\", "
	"\"server_version\": \"15\", \"server_version_num\": 150000, \"database\": \"shop\", "
	"\"since\": \"2026-11-01T00:00:00Z\", \"tables\": [\n"
	"{\"schema\": \"public\", \"name\": \"orders\", \"kind\": \"r\", \"rows\": 41200000, "
	"\"heap_bytes\": 9000000000, \"index_bytes\": 3884901888, \"total_bytes\": 12884901888, "
	"\"live_tuples\": 41200000, \"dead_tuples\": 0, \"inserts\": 2592000, \"updates\": 0, "
	"\"deletes\": 0, \"seq_scans\": 0, \"index_scans\": 5184000},\n"
	"{\"schema\": \"public\", \"name\": \"fresh\", \"kind\": \"r\", \"rows\": -1, "
	"\"heap_bytes\": 8192, \"index_bytes\": 0, \"total_bytes\": 8192, "
	"\"live_tuples\": 0, \"dead_tuples\": 0, \"inserts\": 0, \"updates\": 0, "
	"\"deletes\": 0, \"seq_scans\": 0, \"index_scans\": 0}],\n\"indexes\": []}\n";

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&fs, 0, sizeof(fs));
	cfg.dialect = DIALECT_POSTGRESQL;
	cfg.large_bytes = 1LL << 30;
	cfg.stats_max_age = 1e12;
	cr_assert_eq(stats_parse(stats_text, strlen(stats_text), "prod.json", &cfg.stats, err,
				 sizeof(err)), 0, "%s", err);
	cfg.stats_relpath = strdup("prod.json");
}

static void
teardown(void)
{
	findings_free(&fs);
	analysis_config_free(&cfg);
}

TestSuite(forecast, .init = setup, .fini = teardown);

/* Adds a finding of rule on table (tagged as the analysis tags it) and returns its index. */
static size_t
add(enum rule_id rule, const char *table, const char *message)
{
	cr_assert_eq(findings_add(&fs, rule, SEVERITY_WARNING, "v/a.py", 7, 5, 0, "%s", message), 0);
	if (table)
		cr_assert_eq(findings_tag(&fs, fs.n - 1, table), 0);
	return fs.n - 1;
}

Test(forecast, a_rewrite_at_the_default_rate_says_its_size_time_lock_and_inputs)
{
	size_t i = add(RULE_COLUMN_TYPE_CHANGE, "orders", "the type changes");

	cr_assert_eq(forecast_findings(&fs, &cfg, NULL), 0);
	cr_expect_eq(fs.n, 1, "no limit, no lock-forecast finding");
	/* 2,592,000 inserts over 30 days: 1 a second; 41.2 M rows at 100,000 rows/s: 412 s */
	cr_expect_str_eq(fs.v[i].message,
			 "the type changes; orders in production: 12 GB, 41,200,000 rows, "
			 "~1 writes/s; forecast: rewrites orders: ~7 min under ACCESS EXCLUSIVE "
			 "(blocks reads and writes); ~412 writes and ~824 scans would wait; from "
			 "41,200,000 rows at 100,000 rows/s, the default rewrite rate (no run "
			 "measured one)");
	cr_expect_str_eq(fs.v[i].plain, "the type changes");
}

Test(forecast, a_measured_rate_is_used_and_said_with_its_date)
{
	struct forecast_rates rates = { 1000000, 4120000, "2026-12-07T10:00:00Z" };

	add(RULE_COLUMN_TYPE_CHANGE, "orders", "a");
	add(RULE_SET_NOT_NULL_SCAN, "orders", "b");
	cr_assert_eq(forecast_findings(&fs, &cfg, &rates), 0);
	cr_expect(strstr(fs.v[0].message, "~41 s under ACCESS EXCLUSIVE"), "%s", fs.v[0].message);
	cr_expect(strstr(fs.v[0].message, "at 1,000,000 rows/s, the rewrite rate `migreview test "
			 "--rows` measured on 2026-12-07"), "%s", fs.v[0].message);
	cr_expect(strstr(fs.v[1].message, "checks every row of orders: ~10 s under ACCESS EXCLUSIVE"),
		  "%s", fs.v[1].message);
	cr_expect(strstr(fs.v[1].message, "the scan rate"), "%s", fs.v[1].message);
}

Test(forecast, each_statement_gets_the_mode_postgresql_takes)
{
	add(RULE_INDEX_NOT_CONCURRENT, "orders", "index x is built");
	add(RULE_CONSTRAINT_WITHOUT_NOT_VALID, "orders", "foreign key constraint fk is checked");
	add(RULE_CONSTRAINT_WITHOUT_NOT_VALID, "orders", "check constraint ck is checked");
	cr_assert_eq(forecast_findings(&fs, &cfg, NULL), 0);
	cr_expect(strstr(fs.v[0].message, "under SHARE (blocks writes"), "%s", fs.v[0].message);
	cr_expect(strstr(fs.v[0].message, "~82 writes would wait"), "%s", fs.v[0].message);
	cr_expect_null(strstr(fs.v[0].message, "scans would wait"), "reads go on under SHARE");
	cr_expect(strstr(fs.v[1].message, "under SHARE ROW EXCLUSIVE"), "%s", fs.v[1].message);
	cr_expect(strstr(fs.v[2].message, "under ACCESS EXCLUSIVE"), "%s", fs.v[2].message);
}

Test(forecast, over_max_lock_forecast_an_error_finding_follows_at_the_same_place)
{
	cfg.max_lock_forecast = 60;
	add(RULE_COLUMN_TYPE_CHANGE, "orders", "a");
	add(RULE_SET_NOT_NULL_SCAN, "orders", "b");
	cr_assert_eq(forecast_findings(&fs, &cfg, NULL), 0);
	/* 412 s is over a minute; 82 s too */
	cr_assert_eq(fs.n, 4);
	cr_expect_eq(fs.v[2].rule, &rules[RULE_LOCK_FORECAST]);
	cr_expect_eq(fs.v[2].severity, SEVERITY_ERROR);
	cr_expect_eq(fs.v[2].line, 7);
	cr_expect_eq(fs.v[2].revision, 0);
	cr_expect(!strncmp(fs.v[2].message, "forecast over max_lock_forecast = 60 s: rewrites "
			   "orders: ~7 min", 60), "%s", fs.v[2].message);
	cfg.max_lock_forecast = 600;
	findings_unnote(&fs);
	fs.n = 2;
	cr_assert_eq(forecast_findings(&fs, &cfg, NULL), 0);
	cr_expect_eq(fs.n, 2, "under the limit");
}

Test(forecast, tables_the_stats_do_not_know_or_cannot_count_get_no_forecast)
{
	add(RULE_COLUMN_TYPE_CHANGE, "customers", "absent");
	add(RULE_COLUMN_TYPE_CHANGE, NULL, "untagged: a table the migrations made");
	add(RULE_COLUMN_TYPE_CHANGE, "fresh", "never analysed");
	add(RULE_DROP_COLUMN, "orders", "no lock held for a pass");
	cfg.max_lock_forecast = 0.001;
	cr_assert_eq(forecast_findings(&fs, &cfg, NULL), 0);
	cr_assert_eq(fs.n, 4);
	cr_expect_str_eq(fs.v[0].message, "absent");
	cr_expect_str_eq(fs.v[1].message, "untagged: a table the migrations made");
	cr_expect_str_eq(fs.v[2].message, "never analysed; fresh in production: 8,190 bytes, "
			 "rows unknown (never analysed), under 1 write/s");
	cr_expect_str_eq(fs.v[3].message, "no lock held for a pass; orders in production: 12 GB, "
			 "41,200,000 rows, ~1 writes/s");
}

Test(forecast, no_stats_no_notes)
{
	stats_free(cfg.stats);
	cfg.stats = NULL;
	add(RULE_COLUMN_TYPE_CHANGE, "orders", "a");
	cr_assert_eq(forecast_findings(&fs, &cfg, NULL), 0);
	cr_expect_str_eq(fs.v[0].message, "a");
}

/* A schema with these tables, as the analysis leaves it. */
static void
schema_of(struct schema *s, const char *const *names, size_t n)
{
	static struct schema_table tables[8];

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++)
		tables[i] = (struct schema_table){ .name = (char *)names[i] };
	s->tables = tables;
	s->n_tables = n;
}

Test(forecast, stale_stats_and_stats_of_another_database_are_said)
{
	static const char *const mine[] = { "orders", "fresh", "a", "b" };
	static const char *const theirs[] = { "x", "y", "z", "orders" };
	struct schema s;

	schema_of(&s, mine, 4);
	cr_assert_eq(forecast_stats_findings(&s, &cfg, &fs), 0);
	cr_expect_eq(fs.n, 0, "half of the tables found, stats new enough");
	cfg.stats_max_age = 86400;
	schema_of(&s, theirs, 4);
	cr_assert_eq(forecast_stats_findings(&s, &cfg, &fs), 0);
	cr_assert_eq(fs.n, 2);
	cr_expect_eq(fs.v[0].rule, &rules[RULE_STATS_STALE]);
	cr_expect_str_eq(fs.v[0].path, "prod.json");
	cr_expect_eq(fs.v[0].revision, FINDING_NO_REVISION);
	cr_expect(strstr(fs.v[0].message, "taken 2026-12-01T00:00:00Z"), "%s", fs.v[0].message);
	cr_expect_eq(fs.v[1].rule, &rules[RULE_STATS_OTHER_DATABASE]);
	cr_expect(strstr(fs.v[1].message, "only 1 of the 4 tables"), "%s", fs.v[1].message);
}

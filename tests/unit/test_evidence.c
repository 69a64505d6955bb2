/*
 * The runner's evidence lines, read as untrusted text: what uptest.py
 * writes is kept, anything else is counted and ignored, never used, and
 * the strongest lock on each table is the one `migreview test` shows; the
 * summary the review file keeps, said in words as the UI shows it.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "migreview/report.h"
#include "migreview/uptest.h"

#define LOCK(rel, kind, mode, held, created) \
	"{\"relation\":\"" rel "\",\"relkind\":\"" kind "\",\"mode\":\"" mode "\"," \
	"\"held_ms\":" held ",\"file\":\"a.py\",\"line\":3,\"created\":" created "}"

Test(evidence, a_statement_and_its_rewrites)
{
	struct uptest_evidence ev = { 0 };

	cr_assert_eq(uptest_evidence_add(&ev, "upgrade",
		"{\"kind\":\"statement\",\"sql\":\"ALTER TABLE t ALTER c TYPE text\",\"file\":\"a.py\","
		"\"line\":15,\"ms\":2.5,\"rows\":-1,\"autocommit\":false,"
		"\"rewrote\":[{\"relation\":\"t\",\"relkind\":\"r\"}],\"more\":0}"), 0);
	cr_assert_eq(ev.ignored, 0);
	cr_assert_eq(ev.n, 1);
	cr_expect_str_eq(ev.v[0].step, "upgrade");
	cr_assert_eq(ev.v[0].n_statements, 1);
	cr_expect_str_eq(ev.v[0].statements[0].sql, "ALTER TABLE t ALTER c TYPE text");
	cr_expect_eq(ev.v[0].statements[0].line, 15);
	cr_expect_eq(ev.v[0].statements[0].rows, -1);
	cr_assert_eq(ev.v[0].n_rewrites, 1);
	cr_expect_str_eq(ev.v[0].rewrites[0].relation, "t");
	cr_expect_str_eq(ev.v[0].rewrites[0].file, "a.py");
	uptest_evidence_free(&ev);
}

Test(evidence, rows_of_a_filled_table_and_the_fill)
{
	struct uptest_evidence ev = { 0 };

	cr_assert_eq(uptest_evidence_add(&ev, "upgrade",
		"{\"kind\":\"fill\",\"rows\":1000,\"ms\":12.5,\"tables\":[\"a\",\"b\"],"
		"\"skipped\":[{\"table\":\"c\",\"why\":\"a CHECK\"}],\"more\":0}"), 0);
	cr_assert_eq(uptest_evidence_add(&ev, "upgrade",
		"{\"kind\":\"statement\",\"sql\":\"ALTER TABLE a\",\"file\":\"a.py\",\"line\":5,"
		"\"ms\":2.0,\"rows\":-1,\"autocommit\":false,\"rewrote\":[{\"relation\":\"a\","
		"\"relkind\":\"r\",\"table_rows\":1000,\"rows_per_s\":500000},"
		"{\"relation\":\"a_pkey\",\"relkind\":\"i\"}],\"more\":0}"), 0);
	cr_assert_eq(uptest_evidence_add(&ev, "upgrade",
		"{\"kind\":\"statement\",\"sql\":\"CREATE INDEX\",\"file\":\"a.py\",\"line\":6,"
		"\"ms\":80,\"rows\":-1,\"autocommit\":false,\"rewrote\":[],\"more\":0,"
		"\"table\":\"b\",\"table_rows\":1000,\"rows_per_s\":12500}"), 0);
	/* a second fill, or one that does not read, is ignored */
	cr_assert_eq(uptest_evidence_add(&ev, "upgrade",
		"{\"kind\":\"fill\",\"rows\":5,\"ms\":1,\"tables\":[],\"skipped\":[],\"more\":0}"), 0);
	cr_assert_eq(uptest_evidence_add(&ev, "downgrade",
		"{\"kind\":\"fill\",\"rows\":5,\"ms\":1,\"tables\":[],\"skipped\":[],\"more\":0}"), 0);
	cr_expect_eq(ev.ignored, 2);
	cr_assert(ev.fill.done);
	cr_expect_eq(ev.fill.rows, 1000);
	cr_expect_eq(ev.fill.tables.n, 2);
	cr_expect_str_eq(ev.fill.tables.v[1], "b");
	cr_assert_eq(ev.fill.n_skipped, 1);
	cr_expect_str_eq(ev.fill.skipped[0].table, "c");
	cr_expect_str_eq(ev.fill.skipped[0].why, "a CHECK");
	cr_assert_eq(ev.v[0].n_rewrites, 2);
	cr_expect_eq(ev.v[0].rewrites[0].table_rows, 1000);
	cr_expect_eq(ev.v[0].rewrites[0].ms, 2.0);
	cr_expect_eq(ev.v[0].rewrites[1].table_rows, -1);
	cr_expect_eq(ev.v[0].statements[0].table_rows, -1);
	cr_expect_null(ev.v[0].statements[0].table);
	cr_expect_str_eq(ev.v[0].statements[1].table, "b");
	cr_expect_eq(ev.v[0].statements[1].table_rows, 1000);
	uptest_evidence_free(&ev);
}

Test(evidence, the_strongest_lock_per_table)
{
	struct uptest_evidence ev = { 0 };
	const struct uptest_lock **v;
	size_t n;

	cr_assert_eq(uptest_evidence_add(&ev, "downgrade",
		"{\"kind\":\"transaction\",\"end\":\"commit\",\"ms\":9,\"locks\":["
		LOCK("orders", "r", "AccessShareLock", "9", "false") ","
		LOCK("orders", "r", "AccessExclusiveLock", "4", "false") ","
		LOCK("customers", "r", "RowShareLock", "9", "false") ","
		LOCK("fresh", "r", "AccessExclusiveLock", "9", "true") "]}"), 0);
	cr_assert_eq(uptest_evidence_add(&ev, "downgrade",
		"{\"kind\":\"transaction\",\"end\":\"autocommit\",\"ms\":7,\"locks\":["
		LOCK("orders", "r", "AccessExclusiveLock", "7", "false") "]}"), 0);
	cr_assert_eq(ev.ignored, 0);
	v = uptest_strongest_locks(&ev.v[0], &n);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(v[0]->relation, "orders");
	cr_expect_eq(v[0]->mode, PG_ACCESS_EXCLUSIVE);
	cr_expect_eq(v[0]->held_ms, 7, "of two, the one held longer");
	cr_expect_str_eq(v[0]->until, "autocommit");
	cr_expect_str_eq(v[1]->relation, "customers");
	cr_expect_eq(v[1]->mode, PG_ROW_SHARE);
	free(v);
	uptest_evidence_free(&ev);
}

Test(evidence, what_does_not_read_is_counted_and_ignored)
{
	static const char *const bad[] = {
		"{not json",
		"[1, 2]",
		"{\"kind\":\"gossip\"}",
		"{\"kind\":\"statement\",\"sql\":7}",
		"{\"kind\":\"statement\",\"sql\":\"x\",\"file\":\"a.py\",\"line\":-4,\"ms\":1,"
		"\"rows\":1,\"autocommit\":false}",
		"{\"kind\":\"statement\",\"sql\":\"x\",\"file\":\"a.py\",\"line\":1,\"ms\":1e999,"
		"\"rows\":1,\"autocommit\":false}",
		"{\"kind\":\"transaction\",\"end\":\"later\",\"locks\":[]}",
		"{\"kind\":\"transaction\",\"end\":\"commit\",\"locks\":["
		LOCK("t", "r", "SIReadLock", "1", "false") "]}",
		"{\"kind\":\"transaction\",\"end\":\"commit\",\"locks\":["
		LOCK("t", "zz", "ShareLock", "1", "false") "]}",
		"{\"kind\":\"note\",\"text\":\"a\",\"kind\":\"note\"}",
		"{\"kind\":\"note\",\"text\":\"nul \\u0000 in it\"}",
		NULL,
	};
	struct uptest_evidence ev = { 0 };
	size_t n = sizeof(bad) / sizeof(*bad);

	for (size_t i = 0; i < n; i++)
		cr_assert_eq(uptest_evidence_add(&ev, "upgrade", bad[i]), 0, "line %zu", i);
	cr_assert_eq(uptest_evidence_add(&ev, "sideways", "{\"kind\":\"note\",\"text\":\"x\"}"), 0);
	cr_expect_eq(ev.ignored, n + 1);
	cr_expect_str_eq(ev.first_ignored, "not a JSON object with a kind");
	for (size_t i = 0; i < ev.n; i++)
		cr_expect_eq(ev.v[i].n_statements + ev.v[i].n_locks, 0);
	cr_expect_eq(ev.notes.n, 0);
	uptest_evidence_free(&ev);
}

Test(evidence, long_text_is_cut_and_lists_are_capped)
{
	struct uptest_evidence ev = { 0 };
	char sql[2 * UPTEST_SQL_MAX], line[4 * UPTEST_SQL_MAX];

	/* a cut inside a two-byte character must not leave half of it */
	memset(sql, 'x', sizeof(sql) - 1);
	sql[sizeof(sql) - 1] = '\0';
	memcpy(sql + UPTEST_SQL_MAX - 1, "\xc3\xa9", 2);
	snprintf(line, sizeof(line), "{\"kind\":\"statement\",\"sql\":\"%s\",\"file\":\"a.py\","
		 "\"line\":1,\"ms\":1,\"rows\":3,\"autocommit\":true}", sql);
	for (size_t i = 0; i < UPTEST_EVIDENCE_MAX + 5; i++)
		cr_assert_eq(uptest_evidence_add(&ev, "re-upgrade", line), 0);
	cr_assert_eq(ev.n, 1);
	cr_expect_eq(ev.v[0].n_statements, UPTEST_EVIDENCE_MAX);
	cr_expect_eq(ev.dropped, 5);
	cr_expect_leq(strlen(ev.v[0].statements[0].sql), UPTEST_SQL_MAX + 2);
	cr_expect_eq(mr_utf8_check(ev.v[0].statements[0].sql, strlen(ev.v[0].statements[0].sql)),
		     strlen(ev.v[0].statements[0].sql));
	cr_expect(ev.v[0].statements[0].autocommit);
	uptest_evidence_free(&ev);
}

#define LOCK_AT(rel, mode, held, line) \
	"{\"relation\":\"" rel "\",\"relkind\":\"r\",\"mode\":\"" mode "\",\"held_ms\":" held "," \
	"\"file\":\"a.py\",\"line\":" line ",\"created\":false}"

#define STATEMENT(file, line, ms, rewrote) \
	"{\"kind\":\"statement\",\"sql\":\"x\",\"file\":\"" file "\",\"line\":" line "," \
	"\"ms\":" ms ",\"rows\":-1,\"autocommit\":false,\"rewrote\":[" rewrote "]}"

Test(evidence, the_summary_the_review_file_keeps)
{
	struct uptest_evidence ev = { 0 };
	struct run_evidence *sum;
	const struct run_step *s;
	static const char *const lines[] = {
		STATEMENT("a.py", "3", "2.04", "{\"relation\":\"orders\",\"relkind\":\"r\"},"
			  "{\"relation\":\"fresh\",\"relkind\":\"r\"}"),
		STATEMENT("a.py", "4", "0.5", ""),
		STATEMENT("helpers.py", "9", "7.25", ""),
		STATEMENT("a.py", "5", "1", ""),
		"{\"kind\":\"transaction\",\"end\":\"commit\",\"ms\":9,\"locks\":["
		LOCK("orders", "r", "AccessExclusiveLock", "9.04", "false") ","
		LOCK("orders_pkey", "i", "AccessExclusiveLock", "9.04", "false") ","
		LOCK_AT("orders", "ShareLock", "0.5", "5") ","
		LOCK("fresh", "r", "AccessExclusiveLock", "9", "true") ","
		/* a table the transaction dropped keeps nobody waiting who could use it */
		"{\"relation\":\"gone\",\"relkind\":\"r\",\"mode\":\"AccessExclusiveLock\","
		"\"held_ms\":9,\"file\":\"a.py\",\"line\":3,\"created\":false,\"dropped\":true}]}",
		/* the next transaction counts its own statements only */
		STATEMENT("a.py", "3", "0.1", ""),
		"{\"kind\":\"transaction\",\"end\":\"commit\",\"ms\":1,\"locks\":["
		LOCK("items", "r", "ShareLock", "0.1", "false") "]}",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		cr_assert_eq(uptest_evidence_add(&ev, "upgrade", lines[i]), 0);
	cr_assert_eq(ev.ignored, 0, "%s", ev.first_ignored);
	cr_assert_eq(uptest_evidence_summary(&ev, "a.py", &sum), 0);
	cr_assert(sum && sum->n == 1);
	s = &sum->v[0];
	cr_assert_eq(s->n_locks, 3, "the created and dropped tables' locks and the index's are "
		     "left out");
	cr_expect_str_eq(s->locks[0].relation, "orders");
	cr_expect_float_eq(s->locks[0].held_ms, 9.0, 1e-9, "to a tenth of a millisecond");
	cr_expect_eq(s->locks[0].line, 3);
	cr_expect_eq(s->locks[0].after, 3, "held across the three statements after line 3");
	cr_expect_str_eq(s->locks[1].relation, "orders", "each line's lock on the table");
	cr_expect_eq(s->locks[1].mode, PG_SHARE);
	cr_expect_eq(s->locks[1].line, 5);
	cr_expect_eq(s->locks[1].after, 0);
	cr_expect_str_eq(s->locks[2].relation, "items");
	cr_expect_eq(s->locks[2].after, 0);
	cr_assert_eq(s->n_rewrites, 1, "a table its transaction created is no rewrite to fear");
	cr_expect_str_eq(s->rewrites[0].relation, "orders");
	cr_assert_eq(s->n_slowest, REVIEW_EVIDENCE_SLOWEST);
	cr_expect_eq(s->slowest[0].line, 0, "a statement of another file has no line here");
	cr_expect_float_eq(s->slowest[0].ms, 7.3, 1e-9);
	cr_expect_eq(s->slowest[1].line, 3);
	cr_expect_eq(s->slowest[2].line, 5);
	run_evidence_free(sum);
	uptest_evidence_free(&ev);
	cr_assert_eq(uptest_evidence_summary(&ev, "a.py", &sum), 0);
	cr_expect_null(sum, "nothing traced: no summary");
}

Test(evidence, the_summary_keeps_what_rows_measured)
{
	struct uptest_evidence ev = { 0 };
	struct run_evidence *sum;
	const struct run_step *s;
	static const char *const lines[] = {
		/* a rewrite of two filled tables (a partitioned one): their rows, the first named */
		STATEMENT("a.py", "5", "40.04", "{\"relation\":\"p1\",\"relkind\":\"r\","
			  "\"table_rows\":1000},{\"relation\":\"p1_pkey\",\"relkind\":\"i\"},"
			  "{\"relation\":\"p2\",\"relkind\":\"r\",\"table_rows\":500}"),
		/* a rewrite of a table not filled: nothing measured */
		STATEMENT("a.py", "6", "3", "{\"relation\":\"empty\",\"relkind\":\"r\"}"),
		/* a slow scan of a filled table, from another file */
		"{\"kind\":\"statement\",\"sql\":\"CREATE INDEX\",\"file\":\"h.py\","
		"\"line\":9,\"ms\":80,\"rows\":-1,\"autocommit\":false,\"rewrote\":[],"
		"\"table\":\"lines\",\"table_rows\":3000}",
		STATEMENT("a.py", "7", "90", ""),
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		cr_assert_eq(uptest_evidence_add(&ev, "upgrade", lines[i]), 0);
	cr_assert_eq(ev.ignored, 0, "%s", ev.first_ignored);
	cr_assert_eq(uptest_evidence_summary(&ev, "a.py", &sum), 0);
	s = &sum->v[0];
	cr_assert_eq(s->n_throughput, 2, "a statement that measured no filled table is left out");
	cr_expect_str_eq(s->throughput[0].relation, "p1");
	cr_expect_eq(s->throughput[0].line, 5);
	cr_expect_eq(s->throughput[0].rows, 1500, "the rows of every filled table it rewrote");
	cr_expect_float_eq(s->throughput[0].ms, 40.0, 1e-9, "to a tenth of a millisecond");
	cr_expect(s->throughput[0].rewrote);
	cr_expect_str_eq(s->throughput[1].relation, "lines");
	cr_expect_eq(s->throughput[1].line, 0);
	cr_expect_eq(s->throughput[1].rows, 3000);
	cr_expect_not(s->throughput[1].rewrote, "a scan");
	run_evidence_free(sum);
	uptest_evidence_free(&ev);
}

Test(evidence, the_summary_in_words)
{
	struct run_step steps[2] = {
		{ .step = "upgrade", .n_locks = 3, .n_rewrites = 2,
		  .locks = { { "orders", PG_ACCESS_EXCLUSIVE, 12.5, 24, 0 },
			     { "items", PG_ACCESS_SHARE, 1, 23, 1 },
			     { "items", PG_SHARE, 3.2, 23, 1 } },
		  .rewrites = { { "orders", 'r', 24 }, { "orders_pkey", 'i', 24 } } },
		{ .step = "re-upgrade", .n_locks = 1,
		  .locks = { { "orders", PG_ACCESS_EXCLUSIVE, 9, 24, 0 } } },
	};
	struct run_evidence e = { steps, 2 };
	struct test_run t = { .evidence = &e };
	char buf[300];

	cr_assert(report_run_line(&t, 0, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "upgrade: ACCESS EXCLUSIVE on orders for 12.5 ms — blocks reads and "
			 "writes (line 24)");
	cr_assert(report_run_line(&t, 1, buf, sizeof(buf)), "a read's lock is left out");
	cr_expect_str_eq(buf, "upgrade: SHARE on items for 3.2 ms — blocks writes, VACUUM and DDL; "
			 "reads go on (line 23)");
	cr_assert(report_run_line(&t, 2, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "upgrade: rewrote orders (line 24)");
	cr_expect_not(report_run_line(&t, 3, buf, sizeof(buf)),
		      "the index goes with its table, the re-upgrade repeats the upgrade");
	t.evidence = NULL;
	cr_expect_not(report_run_line(&t, 0, buf, sizeof(buf)), "no trace, nothing to say");
}

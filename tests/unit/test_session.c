/*
 * The review session without a UI, on copies of the example: findings follow
 * the content on disk, decisions bind to the content analysed, another
 * reviewer's decision is never overwritten unseen, a block is lifted only
 * on purpose, and the review file on disk is the truth.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/analysiscache.h"
#include "migreview/parsecache.h"
#include "migreview/session.h"
#include "migreview/util.h"

static char dir[64];
static char *ini, *cache;

#define CUSTOMERS "migrations/versions/2024_01_08_5931423ea539_create_customers_products_and_carts.py"

static void
sh(const char *cmd)
{
	char *full = mr_printf("cd '%s' && %s", dir, cmd);

	cr_assert(system(full) == 0, "%s", full);
	free(full);
}

static void
setup(void)
{
	strcpy(dir, "/tmp/mr-session-XXXXXX");
	cr_assert(mkdtemp(dir));
	sh("cp -R " EXAMPLES "/shop/. . && rm -f migrations.review && chmod -R u+w .");
	ini = mr_printf("%s/alembic.ini", dir);
	/* a parse cache of the test's own: what it finds there is what it put */
	cache = mr_printf("%s/cache", dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	unsetenv("SOURCE_DATE_EPOCH");
	setenv("MIGREVIEW_SIGNING_KEY", "", 1);
}

static void
teardown(void)
{
	char *cmd = mr_printf("rm -rf '%s'", dir);

	cr_assert(system(cmd) == 0);
	free(cmd);
	free(ini);
	free(cache);
}

TestSuite(session, .init = setup, .fini = teardown);

/* Opens a session as reviewer who, its analysis done. */
static void
open_as(struct session *s, const char *who)
{
	struct mr_error err;

	setenv("MIGREVIEW_REVIEWER", who, 1);
	cr_assert(session_open(s, ini, NULL, NULL, &err) == 0, "%s", err.msg);
	session_poll(s, 0, true, &err);
	cr_assert(session_analysed(s));
}

/* Polls until the analysis of whatever changed is done: the events seen. */
static unsigned
settle(struct session *s)
{
	struct mr_error err;
	unsigned ev = session_poll(s, 0, false, &err);

	do
		ev |= session_poll(s, 0, true, &err);
	while (s->save.running || s->job.running);
	return ev;
}

static size_t
rev_of(const struct session *s, const char *id)
{
	size_t i = graph_find(&s->rep.g, id);

	cr_assert(i != (size_t)-1, "%s", id);
	return i;
}

static size_t
count_rule(const struct session *s, size_t rev, const char *rule)
{
	size_t n, first = report_findings(&s->rep, rev, &n), hits = 0;

	for (size_t i = first; i < first + n; i++)
		hits += !strcmp(s->rep.all.v[i].rule->id, rule);
	return hits;
}

static void
touch_later(void)
{
	/* a second apart, so that a changed file never looks unchanged to a stat */
	usleep(20 * 1000);
}

Test(session, findings_follow_the_file_on_disk)
{
	struct session s;
	size_t rev;

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	cr_assert_eq(count_rule(&s, rev, "drop-table"), 0);
	touch_later();
	sh("sed -i 's/^def upgrade():/def upgrade():\\n    op.drop_table(\"legacy\")/' " CUSTOMERS);
	cr_assert(settle(&s) & SESSION_FILES_CHANGED);
	rev = rev_of(&s, "5931423ea539");
	cr_assert_eq(count_rule(&s, rev, "drop-table"), 1, "the new content's finding is shown");
	cr_assert(strstr(s.rep.g.revs[rev].text, "op.drop_table(\"legacy\")"),
		  "the text shown is the text analysed");
	session_close(&s);
}

Test(session, a_decision_binds_to_the_content_analysed_and_waits_for_it)
{
	struct session s;
	struct mr_error err;
	struct migration_review m;
	size_t rev;
	unsigned ev = 0;

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	cr_assert(session_decide(&s, rev, CHECK_DATA_LOSS, DECISION_ACCEPTED, NULL, false,
				 &err) == 0, "%s", err.msg);
	settle(&s);
	touch_later();
	sh("echo '# changed' >> " CUSTOMERS);
	/* not polled yet: the file on disk is no longer what was analysed */
	cr_assert(session_decide(&s, rev, CHECK_FK_INDEX, DECISION_ACCEPTED, NULL, false,
				 &err) < 0);
	cr_assert(strstr(err.msg, "changed on disk"), "%s", err.msg);
	/* the look at the files runs on a thread of its own: a later poll says what it saw */
	for (int i = 0; !(ev & SESSION_FILES_CHANGED) && i < 1000; i++) {
		ev |= session_poll(&s, 0, false, &err);
		usleep(10 * 1000);
	}
	cr_assert(ev & SESSION_FILES_CHANGED);
	cr_assert(session_decide(&s, rev_of(&s, "5931423ea539"), CHECK_FK_INDEX,
				 DECISION_ACCEPTED, NULL, false, &err) < 0, "no decision mid-analysis");
	cr_assert(strstr(err.msg, "analysed"), "%s", err.msg);
	session_poll(&s, 0, true, &err);
	rev = rev_of(&s, "5931423ea539");
	cr_assert(session_review_state(&s, rev, &m));
	cr_assert_eq(m.items[CHECK_DATA_LOSS], ITEM_STALE, "decided on the old content: stale");
	session_close(&s);
}

Test(session, undo_puts_a_stale_decision_back_stale)
{
	struct session s;
	struct mr_error err;
	struct migration_review m;
	const struct decision *d;
	char old[64];
	size_t rev, at;

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	cr_assert(session_decide(&s, rev, CHECK_DATA_LOSS, DECISION_ACCEPTED, NULL, false,
				 &err) == 0, "%s", err.msg);
	snprintf(old, sizeof(old), "%s", s.rep.g.revs[rev].blob);
	settle(&s);
	touch_later();
	sh("echo '# changed' >> " CUSTOMERS);
	settle(&s);
	rev = rev_of(&s, "5931423ea539");
	/* decided again on the new content, and taken back: stale again, not signed off */
	cr_assert(session_decide(&s, rev, CHECK_DATA_LOSS, DECISION_ACCEPTED, NULL, false,
				 &err) == 0, "%s", err.msg);
	cr_assert(session_undo(&s, false, &at, &err) == 0, "%s", err.msg);
	session_review_state(&s, rev, &m);
	cr_expect_eq(m.items[CHECK_DATA_LOSS], ITEM_STALE, "the content it was taken on");
	d = review_find(&s.review, "5931423ea539", "data-loss");
	cr_assert(d);
	cr_expect_str_eq(d->blob, old);
	/* redone: on the new content again */
	cr_assert(session_undo(&s, true, &at, &err) == 0, "%s", err.msg);
	session_review_state(&s, rev, &m);
	cr_expect_eq(m.items[CHECK_DATA_LOSS], ITEM_DONE);
	settle(&s);
	session_close(&s);
}

Test(session, another_reviewers_block_is_never_overwritten_unseen)
{
	struct session a, b;
	struct mr_error err;
	const struct decision *d;
	size_t rev;

	open_as(&a, "Ann <ann@example.com>");
	open_as(&b, "Bob <bob@example.com>");
	rev = rev_of(&b, "5931423ea539");
	cr_assert(session_decide(&b, rev, CHECK_DATA_LOSS, DECISION_BLOCKED, "drops prod data",
				 false, &err) == 0, "%s", err.msg);
	settle(&b);
	/* Ann has not looked since: her accept must not go over it */
	cr_assert(session_decide(&a, rev, CHECK_DATA_LOSS, DECISION_ACCEPTED, NULL, false,
				 &err) == 0, "%s", err.msg);
	cr_assert(session_poll(&a, 60000, true, &err) & SESSION_CONFLICT);
	cr_assert(strstr(err.msg, "Bob <bob@example.com> decided data-loss blocked"), "%s", err.msg);
	d = review_find(&a.review, "5931423ea539", "data-loss");
	cr_assert(d && d->status == DECISION_BLOCKED, "Ann now sees the block");
	/* now seen, it is lifted only on purpose, with a reason */
	cr_assert_eq(session_decide(&a, rev, CHECK_DATA_LOSS, DECISION_ACCEPTED, NULL, false, &err),
		     SESSION_LIFT_NEEDED);
	cr_assert(strstr(err.msg, "drops prod data"), "%s", err.msg);
	cr_assert(session_decide(&a, rev, CHECK_DATA_LOSS, DECISION_CLEARED, NULL, true, &err) < 0);
	cr_assert(strstr(err.msg, "needs a reason"), "%s", err.msg);
	cr_assert(session_decide(&a, rev, CHECK_DATA_LOSS, DECISION_ACCEPTED, "backed up first",
				 true, &err) == 0, "%s", err.msg);
	cr_assert(session_poll(&a, 60000, true, &err) & SESSION_SAVED);
	settle(&b);
	d = review_find(&b.review, "5931423ea539", "data-loss");
	cr_assert(d && d->status == DECISION_ACCEPTED && !strcmp(d->reason, "backed up first"));
	session_close(&a);
	session_close(&b);
}

Test(session, a_removed_review_file_is_read_again_not_resurrected)
{
	struct session s;
	struct mr_error err;
	size_t rev;
	char *path, *text;
	size_t len, lines = 0;

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	for (int item = 0; item < 4; item++)
		cr_assert(session_decide(&s, rev, item, DECISION_ACCEPTED, NULL, false, &err) == 0,
			  "%s", err.msg);
	settle(&s);
	sh("grep -c '\"item\"' migrations.review | grep -qx 4");
	sh("rm migrations.review");
	cr_assert(settle(&s) & SESSION_REVIEW_CHANGED);
	cr_assert_null(review_find(&s.review, "5931423ea539", checklist[0].id));
	cr_assert(session_decide(&s, rev, CHECK_HARDCODED_DATA, DECISION_ACCEPTED, NULL, false,
				 &err) == 0, "%s", err.msg);
	settle(&s);
	path = mr_printf("%s/migrations.review", dir);
	cr_assert(mr_read_file(path, MR_FILE_REVIEW, &text, &len, &err) == 0);
	for (char *c = text; *c; c++)
		lines += *c == '\n';
	cr_assert_eq(lines, 2, "the header and the one decision taken since:\n%s", text);
	free(text);
	free(path);
	session_close(&s);
}

Test(session, a_broken_review_file_keeps_decisions_pending_and_saves_them_when_fixed)
{
	struct session s;
	struct mr_error err;
	struct strvec unsaved = { 0 };
	size_t rev;

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	sh("printf '{\"migreview-review\":1}\\n<<<<<<< HEAD\\n=======\\n>>>>>>> theirs\\n' "
	   "> migrations.review");
	cr_assert(settle(&s) & SESSION_REVIEW_BROKEN);
	cr_assert(strstr(s.review_problem, "merge conflict marker"), "%s", s.review_problem);
	cr_assert(session_decide(&s, rev, CHECK_ENUM, DECISION_ACCEPTED, NULL, false, &err) < 0);
	cr_assert(strstr(err.msg, "kept, not saved"), "%s", err.msg);
	cr_assert(session_unsaved(&s, &unsaved) == 0);
	cr_assert_eq(unsaved.n, 1);
	cr_assert(strstr(unsaved.v[0], "5931423ea539 enum: accepted"), "%s", unsaved.v[0]);
	strvec_free(&unsaved);
	sh("grep -q '<<<<<<<' migrations.review");
	touch_later();
	sh("printf '{\"migreview-review\":1}\\n' > migrations.review");
	cr_assert(settle(&s) & SESSION_SAVED);
	sh("grep -q '\"item\":\"enum\"' migrations.review");
	cr_assert_not(s.review.unsaved);
	session_close(&s);
}

Test(session, undo_and_redo_never_lift_a_block_placed_since)
{
	struct session a, b;
	struct mr_error err;
	struct migration_review m;
	size_t rev, at;

	open_as(&a, "Ann <ann@example.com>");
	rev = rev_of(&a, "5931423ea539");
	cr_assert(session_decide(&a, rev, CHECK_ENUM, DECISION_ACCEPTED, NULL, false, &err) == 0);
	settle(&a);
	cr_assert(session_undo(&a, false, &at, &err) == 0, "%s", err.msg);
	cr_assert_eq(at, rev);
	session_review_state(&a, rev, &m);
	cr_assert_eq(m.items[CHECK_ENUM], ITEM_OPEN, "undone");
	cr_assert(session_undo(&a, true, &at, &err) == 0, "%s", err.msg);
	session_review_state(&a, rev, &m);
	cr_assert_eq(m.items[CHECK_ENUM], ITEM_DONE, "redone");
	cr_assert_eq(session_undo(&a, true, &at, &err), 1, "nothing more to redo");
	settle(&a);
	/* Bob blocks it; Ann's undo would clear his block: refused */
	open_as(&b, "Bob <bob@example.com>");
	cr_assert(session_decide(&b, rev, CHECK_ENUM, DECISION_BLOCKED, "not on SQLite", false,
				 &err) == 0);
	settle(&b);
	touch_later();
	settle(&a);
	cr_assert(session_undo(&a, false, &at, &err) < 0);
	cr_assert(strstr(err.msg, "Bob <bob@example.com> blocked enum"), "%s", err.msg);
	session_review_state(&a, rev, &m);
	cr_assert_eq(m.items[CHECK_ENUM], ITEM_BLOCKED);
	session_close(&a);
	session_close(&b);
}

Test(session, a_group_of_decisions_is_one_step_to_undo)
{
	struct session a;
	struct mr_error err;
	struct migration_review m;
	size_t rev, at;

	open_as(&a, "Ann <ann@example.com>");
	rev = rev_of(&a, "5931423ea539");
	cr_assert(session_decide(&a, rev, CHECK_GRAPH, DECISION_ACCEPTED, NULL, false, &err) == 0);
	session_group(&a, true);
	cr_assert(session_decide(&a, rev, CHECK_ENUM, DECISION_ACCEPTED, NULL, false, &err) == 0);
	cr_assert(session_decide(&a, rev, CHECK_HARDCODED_DATA, DECISION_ACCEPTED, NULL, false,
				 &err) == 0);
	session_group(&a, false);
	settle(&a);
	cr_assert(session_undo(&a, false, &at, &err) == 0, "%s", err.msg);
	session_review_state(&a, rev, &m);
	cr_expect_eq(m.items[CHECK_ENUM], ITEM_OPEN, "the group undone together");
	cr_expect_eq(m.items[CHECK_HARDCODED_DATA], ITEM_OPEN);
	cr_expect_eq(m.items[CHECK_GRAPH], ITEM_DONE, "not the decision before it");
	cr_assert(session_undo(&a, true, &at, &err) == 0, "%s", err.msg);
	session_review_state(&a, rev, &m);
	cr_expect_eq(m.items[CHECK_ENUM], ITEM_DONE, "and redone together");
	cr_expect_eq(m.items[CHECK_HARDCODED_DATA], ITEM_DONE);
	cr_assert(session_undo(&a, false, &at, &err) == 0);
	cr_assert(session_undo(&a, false, &at, &err) == 0);
	session_review_state(&a, rev, &m);
	cr_expect_eq(m.items[CHECK_GRAPH], ITEM_OPEN, "the lone one on its own");
	settle(&a);
	session_close(&a);
}

/* The first item of a migration with an error finding: its revision in *rev. */
static int
item_with_error(const struct session *s, size_t *rev)
{
	for (size_t i = 0; i < s->rep.all.n; i++)
		if (s->rep.all.v[i].severity == SEVERITY_ERROR &&
		    s->rep.all.v[i].rule->item != CHECK_TESTED) {
			*rev = s->rep.all.v[i].revision;
			return (int)s->rep.all.v[i].rule->item;
		}
	cr_assert_fail("the example has no error finding");
	return -1;
}

Test(session, accepting_an_item_with_error_findings_takes_a_note)
{
	struct session s;
	struct mr_error err;
	const struct decision *d;
	size_t rev;
	int item;

	open_as(&s, "Ann <ann@example.com>");
	item = item_with_error(&s, &rev);
	cr_assert_eq(session_decide(&s, rev, item, DECISION_ACCEPTED, NULL, false, &err),
		     SESSION_NOTE_NEEDED);
	cr_assert(strstr(err.msg, "accepting it takes a note"), "%s", err.msg);
	cr_assert_null(review_find(&s.review, s.rep.g.revs[rev].id, checklist[item].id));
	cr_assert_eq(session_undo(&s, false, &rev, &err), 1, "nothing was taken to undo");
	cr_assert(session_decide(&s, rev, item, DECISION_ACCEPTED, "checked by hand", false,
				 &err) == 0, "%s", err.msg);
	d = review_find(&s.review, s.rep.g.revs[rev].id, checklist[item].id);
	cr_assert(d && d->status == DECISION_ACCEPTED);
	cr_assert_str_eq(d->reason, "checked by hand", "the note is kept with the decision");
	settle(&s);
	session_close(&s);
}

Test(session, a_project_can_let_error_items_be_accepted_without_a_note)
{
	struct session s;
	struct mr_error err;
	size_t rev;
	int item;

	sh("sed -i 's/^\\[migreview\\]$/[migreview]\\naccept_errors_needs_note = false/' "
	   "alembic.ini");
	open_as(&s, "Ann <ann@example.com>");
	cr_assert_eq(s.rep.p.warnings.n, 0, "a known setting: %s",
		     s.rep.p.warnings.n ? s.rep.p.warnings.v[0] : "");
	item = item_with_error(&s, &rev);
	cr_assert(session_decide(&s, rev, item, DECISION_ACCEPTED, NULL, false, &err) == 0,
		  "%s", err.msg);
	settle(&s);
	session_close(&s);
}

Test(session, tested_is_accepted_only_on_a_passing_run_of_the_content)
{
	struct session s;
	struct mr_error err;
	size_t rev;
	struct test_run run = {
		.revision = "5931423ea539", .database = "sqlite", .outcome = TEST_PASSED,
		.runner = "Ann <ann@example.com>", .alembic = "1.8.1", .log = "",
	};

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	cr_assert(session_decide(&s, rev, CHECK_TESTED, DECISION_ACCEPTED, "trust me", false,
				 &err) < 0, "no run: not even with a note");
	cr_assert(strstr(err.msg, "passing up/down run"), "%s", err.msg);
	cr_assert_null(review_find(&s.review, "5931423ea539", "tested"));
	run.blob = "0000000000000000000000000000000000000000";
	cr_assert(review_record_runs(&s.review, &run, 1, &err) == 0, "%s", err.msg);
	cr_assert(session_decide(&s, rev, CHECK_TESTED, DECISION_ACCEPTED, NULL, false, &err) < 0,
		  "a pass of other content");
	run.blob = s.rep.g.revs[rev].blob;
	cr_assert(review_record_runs(&s.review, &run, 1, &err) == 0, "%s", err.msg);
	cr_assert(session_decide(&s, rev, CHECK_TESTED, DECISION_ACCEPTED, NULL, false,
				 &err) == 0, "%s", err.msg);
	settle(&s);
	session_close(&s);
}

Test(session, tested_can_be_waived_without_a_run)
{
	struct session s;
	struct mr_error err;
	size_t rev;

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	cr_assert(session_decide(&s, rev, CHECK_TESTED, DECISION_WAIVED, "no database here",
				 false, &err) == 0, "%s", err.msg);
	settle(&s);
	session_close(&s);
}

/* a refusal while decisions wait unsaved is still no decision: nothing to undo */
Test(session, a_refused_accept_is_no_step_to_undo_while_decisions_wait_unsaved)
{
	struct session s;
	struct mr_error err;
	size_t rev, at;

	open_as(&s, "Ann <ann@example.com>");
	rev = rev_of(&s, "5931423ea539");
	sh("printf '{\"migreview-review\":1}\\n<<<<<<< HEAD\\n' > migrations.review");
	cr_assert(settle(&s) & SESSION_REVIEW_BROKEN);
	cr_assert(session_decide(&s, rev, CHECK_ENUM, DECISION_ACCEPTED, NULL, false, &err) < 0);
	cr_assert(s.review.unsaved, "kept, not saved");
	cr_assert(session_decide(&s, rev, CHECK_TESTED, DECISION_ACCEPTED, NULL, false, &err) < 0);
	cr_assert(strstr(err.msg, "passing up/down run"), "%s", err.msg);
	cr_assert(session_undo(&s, false, &at, &err) <= 0, "%s", err.msg);
	cr_assert_null(review_find(&s.review, "5931423ea539", "tested"));
	cr_assert_eq(session_undo(&s, false, &at, &err), 1, "only the enum accept was a step");
	session_close(&s);
}

/*
 * The first screen reads headers with the scanner; the analysis parses
 * every file, so what the parser alone finds (a syntax error) is there once
 * analysed, with the operations, and the findings are those of a full read.
 */
Test(session, the_quick_first_read_is_completed_by_the_analysis)
{
	struct session s;
	struct mr_error err;
	size_t rev;

	sh("printf 'x = = 1\\n' >> " CUSTOMERS);
	setenv("MIGREVIEW_REVIEWER", "Ann <ann@example.com>", 1);
	cr_assert(session_open(&s, ini, NULL, NULL, &err) == 0, "%s", err.msg);
	/* the analysis runs from here on: what it completes is looked at once it is done */
	session_poll(&s, 0, true, &err);
	cr_assert(session_analysed(&s));
	cr_assert_not(s.quick_failed);
	/* the operations were read for the analysis, and let go once it was done */
	for (size_t i = 0; i < s.rep.g.n; i++)
		cr_assert(!s.rep.g.revs[i].migration && !s.rep.g.revs[i].deferred, "%s",
			  s.rep.g.revs[i].relpath);
	rev = rev_of(&s, "5931423ea539");
	cr_assert_eq(count_rule(&s, rev, "parse-error"), 1, "the syntax error is found");
	session_close(&s);
}

/* The quick read itself, as the session's first screen makes it, and its completion. */
Test(session, a_quick_read_leaves_the_parse_to_graph_complete)
{
	struct project p;
	struct graph g;
	struct mr_error err;
	size_t rev, errors;

	sh("printf 'x = = 1\\n' >> " CUSTOMERS);
	cr_assert(project_open(&p, ini, NULL, &err) == 0, "%s", err.msg);
	cr_assert(graph_load(&g, &p, REVISION_LOAD_QUICK | REVISION_LOAD_MIGRATION |
			     REVISION_LOAD_BLOB | REVISION_LOAD_TEXT, &err) == 0, "%s", err.msg);
	rev = graph_find(&g, "5931423ea539");
	cr_assert_eq(g.revs[rev].deferred, REVISION_DEFERRED_PARSE, "the scanner read the header");
	cr_assert_null(g.revs[rev].migration);
	cr_assert_eq(findings_count(&g.findings, SEVERITY_ERROR), 0, "no parse yet");
	cr_assert_eq(graph_complete(&g, &p, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < g.n; i++)
		cr_assert(g.revs[i].migration && !g.revs[i].deferred, "%s", g.revs[i].relpath);
	errors = 0;
	for (size_t i = 0; i < g.findings.n; i++)
		errors += g.findings.v[i].revision == rev &&
			  g.findings.v[i].rule == &rules[RULE_PARSE_ERROR];
	cr_assert_eq(errors, 1, "the parse's syntax error, once");
	graph_free(&g);
	project_free(&p);
}

/*
 * Around a syntax error the parser may read a header otherwise than the
 * scanner (here its recovery from "x = (" and "]" takes the revision line
 * with it): the graph is read again without the scanner, and what is shown
 * is the parser's.
 */
Test(session, a_header_the_scanner_misread_is_read_again_by_the_parser)
{
	struct session s;
	struct mr_error err;
	size_t rev;
	unsigned ev;

	sh("printf '\"\"\"broken one\"\"\"\\nx = (\\n]\\nrevision = \"bad1\"\\n"
	   "down_revision = None\\n' > migrations/versions/broken.py");
	setenv("MIGREVIEW_REVIEWER", "Ann <ann@example.com>", 1);
	cr_assert(session_open(&s, ini, NULL, NULL, &err) == 0, "%s", err.msg);
	cr_assert_neq(graph_find(&s.rep.g, "bad1"), (size_t)-1, "the scanner's first screen");
	ev = session_poll(&s, 0, true, &err);
	cr_assert(ev & SESSION_GRAPH_READ, "the graph is read again");
	cr_assert(session_analysed(&s));
	cr_assert(s.quick_failed);
	cr_assert_eq(graph_find(&s.rep.g, "bad1"), (size_t)-1, "the parser's header is shown");
	for (rev = 0; rev < s.rep.g.n; rev++)
		if (strstr(s.rep.g.revs[rev].path, "broken.py"))
			break;
	cr_assert_lt(rev, s.rep.g.n);
	cr_assert_eq(count_rule(&s, rev, "parse-error"), 1);
	session_close(&s);
}

/*
 * What the analysis parses after a quick first screen goes into the parse
 * cache: the next first screen takes each header and its findings from it,
 * and the analysis the operations, with no parse at all.
 */
Test(session, the_analysis_fills_the_cache_for_the_next_first_screen)
{
	struct session s;
	struct mr_error err;
	struct parsecache_stats before, after;
	struct analysiscache_stats kept;

	unsetenv("MIGREVIEW_CACHE");
	setenv("MIGREVIEW_REVIEWER", "Ann <ann@example.com>", 1);
	cr_assert(session_open(&s, ini, NULL, NULL, &err) == 0, "%s", err.msg);
	session_poll(&s, 0, true, &err);
	cr_assert(session_analysed(&s));
	parsecache_stats(&before);
	cr_assert_eq(before.hits, 0, "an empty cache");
	cr_assert_eq(before.stored, s.rep.g.n, "the analysis's parse stored every file");
	session_close(&s);
	cr_assert(session_open(&s, ini, NULL, NULL, &err) == 0, "%s", err.msg);
	session_poll(&s, 0, true, &err);
	cr_assert(session_analysed(&s));
	parsecache_stats(&after);
	cr_assert_eq(after.misses + after.rejected, before.misses + before.rejected,
		     "nothing was parsed");
	/* the findings were kept too: no migration's operations are needed */
	analysiscache_stats(&kept);
	cr_assert_eq(kept.hits, 1, "the findings kept");
	cr_assert_eq(after.hits - before.hits, s.rep.g.n, "headers only");
	session_close(&s);
}

/*
 * A settled project opened again: its files come from the snapshot, not
 * read; their texts are read behind the first screen, and are the files'.
 */
Test(session, the_snapshot_leaves_the_texts_to_be_read_behind_the_first_screen)
{
	struct session s;
	struct mr_error err;
	char *want;
	size_t len, rev;

	/* the first read leaves the parse to the analysis, the second keeps what it read */
	sleep(3);
	open_as(&s, "Ann <ann@example.com>");
	session_close(&s);
	open_as(&s, "Ann <ann@example.com>");
	session_close(&s);
	setenv("MIGREVIEW_REVIEWER", "Ann <ann@example.com>", 1);
	cr_assert(session_open(&s, ini, NULL, NULL, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < s.rep.g.n; i++)
		cr_assert(!s.rep.g.revs[i].text && s.rep.g.revs[i].text_later, "%s",
			  s.rep.g.revs[i].relpath);
	session_poll(&s, 0, true, &err);
	cr_assert(session_analysed(&s));
	rev = rev_of(&s, "5931423ea539");
	cr_assert_eq(mr_read_file(s.rep.g.revs[rev].path, MR_FILE_MIGRATION, &want, &len, &err), 0);
	cr_assert(s.rep.g.revs[rev].text && s.rep.g.revs[rev].text_len == len &&
		  !memcmp(s.rep.g.revs[rev].text, want, len), "the text read is the file's");
	free(want);
	session_close(&s);
}

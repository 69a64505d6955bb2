/* The review file: reading, newest-wins merging, saving, staleness, corruption. */
#include "config.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "migreview/review.h"
#include "migreview/util.h"

#define BLOB_A "1111111111111111111111111111111111111111"
#define BLOB_B "2222222222222222222222222222222222222222"
#define ME "Ann <ann@example.com>"

static char dir[64];

static void
setup(void)
{
	strcpy(dir, "/tmp/mr-review-XXXXXX");
	cr_assert(mkdtemp(dir));
	unsetenv("SOURCE_DATE_EPOCH");
}

static void
teardown(void)
{
	char *cmd = mr_printf("rm -rf '%s'", dir);

	cr_assert(system(cmd) == 0);
	free(cmd);
}

TestSuite(review, .init = setup, .fini = teardown);

static char *
path_of(const char *name)
{
	return mr_printf("%s/%s", dir, name);
}

static void
write_text(const char *name, const char *text)
{
	char *p = path_of(name);
	FILE *f = fopen(p, "w");

	cr_assert(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *
read_text(const char *name)
{
	char *p = path_of(name), *buf;
	size_t len;

	cr_assert(mr_read_file(p, MR_FILE_REVIEW, &buf, &len, NULL) == 0);
	free(p);
	return buf;
}

#define LINE(rev, item, status, reason, ts, blob) \
	"{\"revision\":\"" rev "\",\"item\":\"" item "\",\"status\":\"" status "\"," \
	"\"reason\":" reason ",\"reviewer\":\"" ME "\",\"timestamp\":\"" ts "\"," \
	"\"blob\":\"" blob "\"}\n"

static int
load(struct review *rv, const char *name, struct mr_error *err)
{
	char *p = path_of(name);
	int rc = review_load(rv, p, err);

	free(p);
	return rc;
}

Test(review, a_missing_file_is_an_empty_review)
{
	struct review rv;
	struct mr_error err;

	cr_assert(load(&rv, "migrations.review", &err) == 0);
	cr_assert_eq(rv.n, 0);
	review_free(&rv);
}

Test(review, decisions_round_trip_sorted_with_a_header)
{
	struct review rv, again;
	struct mr_error err;
	char *text;

	cr_assert(load(&rv, "r", &err) == 0);
	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(review_decide(&rv, "bbb", "tested", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0,
		  "%s", err.msg);
	cr_assert(review_decide(&rv, "aaa", "fk-index", DECISION_WAIVED, "tiny table", ME, BLOB_B,
				&err) == 0, "%s", err.msg);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_BLOCKED, "needs a plan", ME, BLOB_B,
				&err) == 0, "%s", err.msg);
	text = read_text("r");
	cr_assert_str_eq(text,
		"{\"migreview-review\":1}\n"
		LINE("aaa", "enum", "blocked", "\"needs a plan\"", "2026-11-18T11:06:40.000Z", BLOB_B)
		LINE("aaa", "fk-index", "waived", "\"tiny table\"", "2026-11-18T11:06:40.000Z", BLOB_B)
		LINE("bbb", "tested", "accepted", "null", "2026-11-18T11:06:40.000Z", BLOB_A));
	free(text);
	cr_assert(load(&again, "r", &err) == 0, "%s", err.msg);
	cr_assert_eq(again.n, 3);
	cr_assert_str_eq(review_find(&again, "aaa", "fk-index")->reason, "tiny table");
	cr_assert_eq(review_find(&again, "aaa", "enum")->status, DECISION_BLOCKED);
	cr_assert_null(review_find(&again, "aaa", "tested"));
	review_free(&rv);
	review_free(&again);
}

Test(review, the_newest_decision_per_key_wins_wherever_it_is)
{
	struct review rv;
	struct mr_error err;

	write_text("r", "{\"migreview-review\":1}\n"
		   LINE("aaa", "enum", "accepted", "null", "2026-01-02T00:00:00.000Z", BLOB_A)
		   LINE("aaa", "enum", "blocked", "\"no\"", "2026-01-01T00:00:00.000Z", BLOB_A)
		   LINE("aaa", "tested", "waived", "\"later\"", "2026-01-01T00:00:00.000Z", BLOB_A)
		   LINE("aaa", "tested", "accepted", "null", "2026-01-03T00:00:00.000Z", BLOB_A));
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	cr_assert_eq(rv.n, 2);
	cr_assert_eq(review_find(&rv, "aaa", "enum")->status, DECISION_ACCEPTED);
	cr_assert_eq(review_find(&rv, "aaa", "tested")->status, DECISION_ACCEPTED);
	review_free(&rv);
}

Test(review, what_d_compares_with_is_what_the_stale_decisions_saw)
{
	struct review rv;
	struct mr_error err;

	/* enum decided on A, then tested on B, the content now */
	write_text("r", "{\"migreview-review\":1}\n"
		   LINE("aaa", "enum", "accepted", "null", "2026-01-01T00:00:00.000Z", BLOB_A)
		   LINE("aaa", "tested", "waived", "\"later\"", "2026-01-02T00:00:00.000Z", BLOB_B));
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	cr_expect_str_eq(review_reviewed_blob(&rv, "aaa", BLOB_B), BLOB_A,
			 "not the newest, taken on this content: the stale one's");
	cr_expect_str_eq(review_reviewed_blob(&rv, "aaa", BLOB_A), BLOB_B);
	cr_expect_str_eq(review_reviewed_blob(&rv, "aaa", "0000"), BLOB_B, "else the newest");
	cr_expect_null(review_reviewed_blob(&rv, "bbb", BLOB_A));
	review_free(&rv);
}

Test(review, a_union_merged_file_reads_as_the_merge_of_both_branches)
{
	struct review rv;
	struct mr_error err;

	/* what git's merge=union leaves: both sides' lines, the header once or twice */
	write_text("r", "{\"migreview-review\":1}\n"
		   LINE("aaa", "enum", "accepted", "null", "2026-01-02T00:00:00.000Z", BLOB_A)
		   LINE("bbb", "graph", "accepted", "null", "2026-01-01T00:00:00.000Z", BLOB_A)
		   "{\"migreview-review\":1}\n"
		   LINE("aaa", "enum", "blocked", "\"wait\"", "2026-01-05T00:00:00.000Z", BLOB_A)
		   LINE("ccc", "compat", "waived", "\"ok\"", "2026-01-01T00:00:00.000Z", BLOB_B)
		   "\n");
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	cr_assert_eq(rv.n, 3);
	cr_assert_eq(review_find(&rv, "aaa", "enum")->status, DECISION_BLOCKED);
	cr_assert_str_eq(rv.v[0].revision, "aaa");
	cr_assert_str_eq(rv.v[2].revision, "ccc");
	review_free(&rv);
}

Test(review, saving_merges_what_another_instance_saved)
{
	struct review one, two;
	struct mr_error err;
	char *text;

	cr_assert(load(&one, "r", &err) == 0);
	cr_assert(load(&two, "r", &err) == 0);
	cr_assert(review_decide(&one, "aaa", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	cr_assert(review_decide(&two, "bbb", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	text = read_text("r");
	cr_assert(strstr(text, "\"aaa\""), "%s", text);
	cr_assert(strstr(text, "\"bbb\""), "%s", text);
	free(text);
	/* the second instance now shows the first one's decision too */
	cr_assert_not_null(review_find(&two, "aaa", "enum"));
	review_free(&one);
	review_free(&two);
}

Test(review, a_cleared_decision_stays_cleared_against_older_copies)
{
	struct review one, two, again;
	struct mr_error err;

	cr_assert(load(&one, "r", &err) == 0);
	cr_assert(review_decide(&one, "aaa", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	cr_assert(load(&two, "r", &err) == 0);
	usleep(2000);
	cr_assert(review_decide(&one, "aaa", "enum", DECISION_CLEARED, NULL, ME, BLOB_A, &err) == 0);
	/* the other instance still holds the accept; saving must not bring it back */
	cr_assert(review_decide(&two, "bbb", "tested", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	cr_assert(load(&again, "r", &err) == 0);
	cr_assert_eq(review_item_state(review_find(&again, "aaa", "enum"), BLOB_A), ITEM_OPEN);
	cr_assert_eq(review_find(&again, "aaa", "enum")->status, DECISION_CLEARED);
	review_free(&one);
	review_free(&two);
	review_free(&again);
}

Test(review, waive_and_block_need_a_reason)
{
	struct review rv;
	struct mr_error err;

	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_WAIVED, "", ME, BLOB_A, &err) < 0);
	cr_assert(strstr(err.msg, "needs a reason"), "%s", err.msg);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_BLOCKED, NULL, ME, BLOB_A, &err) < 0);
	cr_assert_eq(rv.n, 0);
	cr_assert(access(rv.path, F_OK) != 0, "nothing was written");
	review_free(&rv);
}

Test(review, staleness_and_sign_off)
{
	struct review rv;
	struct migration_review mr;
	struct mr_error err;

	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(load(&rv, "r", &err) == 0);
	for (int i = 0; i < CHECK_ITEM_COUNT; i++)
		cr_assert(review_decide(&rv, "aaa", checklist[i].id, i % 2 ? DECISION_WAIVED :
					DECISION_ACCEPTED, "fine", ME, BLOB_A, &err) == 0);
	review_migration(&rv, "aaa", BLOB_A, 0, &mr);
	cr_assert_eq(mr.state, MIGRATION_SIGNED);
	cr_assert_eq(mr.done, CHECK_ITEM_COUNT);
	/* the file changed: every decision is stale, none is lost */
	review_migration(&rv, "aaa", BLOB_B, 0, &mr);
	cr_assert_eq(mr.state, MIGRATION_STALE);
	cr_assert_eq(mr.stale, CHECK_ITEM_COUNT);
	cr_assert_eq(rv.n, CHECK_ITEM_COUNT);
	/* a block stays a block whatever the content */
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_BLOCKED, "no", ME, BLOB_A, &err) == 0);
	review_migration(&rv, "aaa", BLOB_B, 0, &mr);
	cr_assert_eq(mr.state, MIGRATION_BLOCKED);
	review_migration(&rv, "aaa", BLOB_A, 0, &mr);
	cr_assert_eq(mr.state, MIGRATION_BLOCKED);
	cr_assert_eq(mr.items[CHECK_ENUM], ITEM_BLOCKED);
	/* one item short of everything is open */
	review_migration(&rv, "bbb", BLOB_A, 0, &mr);
	cr_assert_eq(mr.state, MIGRATION_OPEN);
	cr_assert_eq(mr.open, CHECK_ITEM_COUNT);
	review_free(&rv);
}

Test(review, an_item_that_does_not_apply_needs_no_decision)
{
	struct review rv;
	struct migration_review mr;
	struct mr_error err;
	const unsigned reversible = 1u << CHECK_REVERSIBLE;

	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(load(&rv, "r", &err) == 0);
	/* tested waived: an accept of it needs a run (below) */
	for (int i = 0; i < CHECK_ITEM_COUNT; i++)
		if (i != CHECK_REVERSIBLE)
			cr_assert(review_decide(&rv, "aaa", checklist[i].id, i == CHECK_TESTED ?
						DECISION_WAIVED : DECISION_ACCEPTED, "no db here", ME,
						BLOB_A, &err) == 0);
	review_migration(&rv, "aaa", BLOB_A, 0, &mr);
	cr_assert_eq(mr.state, MIGRATION_OPEN, "the item applies: it needs a decision");
	review_migration(&rv, "aaa", BLOB_A, reversible, &mr);
	cr_assert_eq(mr.state, MIGRATION_SIGNED);
	cr_assert_eq(mr.items[CHECK_REVERSIBLE], ITEM_NOT_APPLICABLE);
	cr_assert_eq(mr.done, CHECK_ITEM_COUNT);
	/* a decision taken on it still counts: a block holds */
	cr_assert(review_decide(&rv, "aaa", "reversible", DECISION_BLOCKED, "no", ME, BLOB_A,
				&err) == 0);
	review_migration(&rv, "aaa", BLOB_A, reversible, &mr);
	cr_assert_eq(mr.state, MIGRATION_BLOCKED);
	review_free(&rv);
}

/* Each corrupt file is refused with its place, and never overwritten. */
static void
refused(const char *text, const char *expect)
{
	struct review rv;
	struct mr_error err;
	char *before;

	write_text("r", text);
	cr_assert(load(&rv, "r", &err) < 0, "accepted: %s", text);
	cr_assert(strstr(err.msg, expect), "'%s' lacks '%s'", err.msg, expect);
	cr_assert_eq(rv.n, 0);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) < 0);
	before = read_text("r");
	cr_assert_str_eq(before, text, "a corrupt file was rewritten");
	free(before);
	review_free(&rv);
}

Test(review, corrupt_files_are_reported_with_line_and_column)
{
	refused("{\"migreview-review\":1}\n{\"revision\": \"a\",\n", "/r:2:");
	refused("{\"migreview-review\":1}\n"
		LINE("aaa", "enum", "accepted", "null", "2026-01-02T00:00:00.000Z", BLOB_A)
		"{\"revision\":\"aaa\",\"item\":\"enum\",\"sta", "/r:3:");
	refused("[1, 2]\n", "/r:1:1: a line must be a JSON object");
	refused("{\"revision\":7,\"item\":\"enum\"}\n", "/r:1: 'revision' must be a non-empty string");
	refused(LINE("aaa", "enum", "maybe", "null", "2026-01-02T00:00:00.000Z", BLOB_A),
		"status 'maybe'");
	refused(LINE("aaa", "enum", "waived", "null", "2026-01-02T00:00:00.000Z", BLOB_A),
		"needs a reason");
	refused(LINE("aaa", "enum", "accepted", "null", "2026-01-02T00:00:00.000Z", "xyz"),
		"not a git blob id");
	refused("{\"migreview-review\":9}\n", "format 9 is newer");
	refused("{\"a\":1,\"a\":2}\n", "/r:1:");
}

Test(review, a_nul_byte_is_refused)
{
	struct review rv;
	struct mr_error err;
	char *p = path_of("r");
	FILE *f = fopen(p, "w");

	fwrite("{\"migreview-review\":1}\n\0\0\n", 1, 26, f);
	fclose(f);
	cr_assert(review_load(&rv, p, &err) < 0);
	cr_assert(strstr(err.msg, ":2: a NUL byte"), "%s", err.msg);
	review_free(&rv);
	free(p);
}

Test(review, a_failed_save_keeps_the_old_file_and_says_why)
{
	struct review rv;
	struct mr_error err;
	char *text, *tmp;

	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	/* the temporary file cannot be created (even by root): a directory is in its place */
	tmp = mr_printf("%s.tmp-%ld", rv.path, (long)getpid());
	cr_assert(mkdir(tmp, 0755) == 0);
	cr_assert(review_decide(&rv, "bbb", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) < 0);
	cr_assert(strstr(err.msg, "unchanged"), "%s", err.msg);
	text = read_text("r");
	cr_assert(strstr(text, "aaa") && !strstr(text, "bbb"));
	free(text);
	/* the decision is kept in memory and written by the next save that can */
	cr_assert(rmdir(tmp) == 0);
	cr_assert(review_save(&rv, &err) == 0, "%s", err.msg);
	text = read_text("r");
	cr_assert(strstr(text, "bbb"));
	free(text);
	free(tmp);
	review_free(&rv);
}

Test(review, blob_ids_are_those_of_git_hash_object)
{
	char blob[REVIEW_BLOB_HEX + 1];

	review_blob_of("hello\n", 6, blob);
	/* printf 'hello\n' | git hash-object --stdin */
	cr_assert_str_eq(blob, "ce013625030ba8dba906f756967f9e9ca394464a");
}

Test(review, the_reviewer_comes_from_the_environment_first)
{
	char *who;

	setenv("MIGREVIEW_REVIEWER", "Rita <rita@example.com>", 1);
	who = review_reviewer(dir);
	cr_assert_str_eq(who, "Rita <rita@example.com>");
	free(who);
	unsetenv("MIGREVIEW_REVIEWER");
}

Test(review, a_change_on_disk_is_noticed_and_merged_in)
{
	struct review one, two;
	struct mr_error err;
	char *p = path_of("r");

	cr_assert(load(&one, "r", &err) == 0);
	cr_assert(load(&two, "r", &err) == 0);
	cr_assert(review_decide(&two, "bbb", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	cr_assert_not(review_changed_on_disk(&two), "its own save is not a change");
	cr_assert(review_changed_on_disk(&one));
	cr_assert(review_refresh(&one, &err) == 0, "%s", err.msg);
	cr_assert_not(review_changed_on_disk(&one));
	cr_assert_not_null(review_find(&one, "bbb", "enum"));
	/* a file broken meanwhile fails the refresh and changes nothing decided here */
	write_text("r", "{\"migreview-review\":1}\n{\"revision\":");
	cr_assert(review_changed_on_disk(&one));
	cr_assert(review_refresh(&one, &err) < 0);
	cr_assert(strstr(err.msg, "/r:2:"), "%s", err.msg);
	cr_assert_not_null(review_find(&one, "bbb", "enum"));
	free(p);
	review_free(&one);
	review_free(&two);
}

/*
 * The saves' exchanges (RENAME_EXCHANGE) as the kernel's, around which a
 * test may act: before(n) runs before the n-th, and returns an errno to
 * fail it with instead (EINVAL: a file system without the exchange);
 * after(n) runs after it.  This definition is the one review.c links to.
 */
static int (*before_exchange)(int n, const char *tmp, const char *path);
static void (*after_exchange)(int n, const char *tmp, const char *path);
static int exchanges;

int
renameat2(int from_dir, const char *from, int to_dir, const char *to, unsigned int flags)
{
	int n = (flags & RENAME_EXCHANGE) ? ++exchanges : 0, fail = 0;
	long rc;

	if (n && before_exchange)
		fail = before_exchange(n, from, to);
	if (fail) {
		errno = fail;
		return -1;
	}
	rc = syscall(SYS_renameat2, from_dir, from, to_dir, to, flags);
	if (n && rc == 0 && after_exchange)
		after_exchange(n, from, to);
	return (int)rc;
}

#define THEIRS_LINE LINE("zzz", "graph", "accepted", "null", "2026-01-01T00:00:00.000Z", BLOB_A)

/* At the first exchange: a tool that takes no lock has just added zzz to the file. */
static int
pull_lands(int n, const char *tmp, const char *path)
{
	char *text, *other = mr_printf("%s.theirs", path);
	size_t len;
	FILE *f = fopen(other, "w");

	(void)tmp;
	cr_assert(f && mr_read_file(path, MR_FILE_REVIEW, &text, &len, NULL) == 0);
	if (n == 1) {
		fputs(text, f);
		fputs(THEIRS_LINE, f);
		cr_assert(fclose(f) == 0 && rename(other, path) == 0);
	} else {
		fclose(f);
		unlink(other);
	}
	free(text);
	free(other);
	return 0;
}

static bool swapped_back;

/* After the second: theirs is in place again, and what came out is ours. */
static void
theirs_back(int n, const char *tmp, const char *path)
{
	char *at_path, *at_tmp;
	size_t len;

	if (n != 2)
		return;
	cr_assert(mr_read_file(path, MR_FILE_REVIEW, &at_path, &len, NULL) == 0);
	cr_assert(mr_read_file(tmp, MR_FILE_REVIEW, &at_tmp, &len, NULL) == 0);
	swapped_back = strstr(at_path, "\"zzz\"") && !strstr(at_path, "\"bbb\"") &&
		       strstr(at_tmp, "\"bbb\"") && !strstr(at_tmp, "\"zzz\"");
	free(at_path);
	free(at_tmp);
}

/*
 * aaa decided, then bbb with the exchanges hooked (before, after): the save
 * ends after `tries` of them (why) with the pull's zzz kept beside both, in
 * the file and in what it shows.
 */
static void
decide_while_a_pull_lands(int (*before)(int, const char *, const char *),
			  void (*after)(int, const char *, const char *), int tries, const char *why)
{
	struct review rv;
	struct mr_error err;
	char *text;

	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	before_exchange = before;
	after_exchange = after;
	cr_assert(review_decide(&rv, "bbb", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0,
		  "%s", err.msg);
	cr_assert_eq(exchanges, tries, "%s", why);
	text = read_text("r");
	cr_assert(strstr(text, "\"aaa\"") && strstr(text, "\"bbb\"") && strstr(text, "\"zzz\""),
		  "what landed is merged, not written over: %s", text);
	free(text);
	cr_assert_not_null(review_find(&rv, "zzz", "graph"));
	review_free(&rv);
}

Test(review, a_replacement_the_exchange_brings_out_is_swapped_back_and_merged)
{
	decide_while_a_pull_lands(pull_lands, theirs_back, 3,
				  "in, back, and in again after the merge");
	cr_assert(swapped_back, "the file the exchange brought out is put back at once");
}

/* A file system without the exchange, where zzz lands just before the first try. */
static int
no_exchange(int n, const char *tmp, const char *path)
{
	pull_lands(n, tmp, path);
	return EINVAL;
}

Test(review, without_the_exchange_a_save_checks_then_renames)
{
	decide_while_a_pull_lands(no_exchange, NULL, 2,
				  "tried, found the file replaced, read it again, tried again");
}

/* --- the tested item's evidence: recorded up/down/up runs --- */

static struct test_run
a_run(const char *rev, const char *database, enum test_outcome outcome, const char *blob)
{
	return (struct test_run){
		.revision = (char *)rev, .database = (char *)database, .outcome = outcome,
		.step = outcome == TEST_FAILED ? "re-upgrade" : NULL,
		.error = outcome == TEST_FAILED ? "DuplicateColumn: colour" : NULL,
		.runner = ME, .blob = (char *)blob, .alembic = "1.8.1",
		.log = "── migreview: upgrade\nINFO  ok\n",
	};
}

Test(review, test_runs_round_trip_after_the_decisions)
{
	struct review rv, again;
	struct mr_error err;
	struct test_run runs[] = {
		a_run("bbb", "sqlite", TEST_PASSED, BLOB_A),
		a_run("aaa", "postgresql", TEST_FAILED, BLOB_B),
	};
	const struct test_run *t;
	char *text;

	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert(review_decide(&rv, "zzz", "tested", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	cr_assert(review_record_runs(&rv, runs, 2, &err) == 0, "%s", err.msg);
	text = read_text("r");
	cr_assert_str_eq(text,
		"{\"migreview-review\":1}\n"
		LINE("zzz", "tested", "accepted", "null", "2026-11-18T11:06:40.000Z", BLOB_A)
		"{\"revision\":\"aaa\",\"test\":\"failed\",\"database\":\"postgresql\","
		"\"step\":\"re-upgrade\",\"error\":\"DuplicateColumn: colour\",\"runner\":\"" ME "\","
		"\"timestamp\":\"2026-11-18T11:06:40.000Z\",\"blob\":\"" BLOB_B "\","
		"\"alembic\":\"1.8.1\",\"log\":\"── migreview: upgrade\\nINFO  ok\\n\"}\n"
		"{\"revision\":\"bbb\",\"test\":\"passed\",\"database\":\"sqlite\","
		"\"step\":null,\"error\":null,\"runner\":\"" ME "\","
		"\"timestamp\":\"2026-11-18T11:06:40.000Z\",\"blob\":\"" BLOB_A "\","
		"\"alembic\":\"1.8.1\",\"log\":\"── migreview: upgrade\\nINFO  ok\\n\"}\n");
	free(text);
	cr_assert(load(&again, "r", &err) == 0, "%s", err.msg);
	cr_assert_eq(again.n, 1);
	cr_assert_eq(again.n_runs, 2);
	t = review_find_run(&again, "aaa", "postgresql");
	cr_assert(t && t->outcome == TEST_FAILED);
	cr_assert_str_eq(t->step, "re-upgrade");
	cr_assert_str_eq(t->error, "DuplicateColumn: colour");
	cr_assert_null(review_find_run(&again, "aaa", "sqlite"));
	review_free(&rv);
	review_free(&again);
}

Test(review, an_accept_of_tested_counts_only_with_a_passing_run_of_the_content)
{
	struct review rv;
	struct migration_review mr;
	struct mr_error err;
	struct test_run earlier = a_run("aaa", "sqlite", TEST_PASSED, BLOB_B);
	struct test_run failed = a_run("aaa", "postgresql", TEST_FAILED, BLOB_A);
	struct test_run passed = a_run("aaa", "postgresql", TEST_PASSED, BLOB_A);

	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(load(&rv, "r", &err) == 0);
	for (int i = 0; i < CHECK_ITEM_COUNT; i++)
		cr_assert(review_decide(&rv, "aaa", checklist[i].id, DECISION_ACCEPTED, NULL, ME,
					BLOB_A, &err) == 0);
	review_migration(&rv, "aaa", BLOB_A, 0, &mr);
	cr_assert_eq(mr.items[CHECK_TESTED], ITEM_OPEN, "never run: the accept does not count");
	cr_assert_eq(mr.state, MIGRATION_OPEN);
	cr_assert_eq(mr.open, 1);
	cr_assert(review_record_runs(&rv, &earlier, 1, &err) == 0, "%s", err.msg);
	review_migration(&rv, "aaa", BLOB_A, 0, &mr);
	cr_assert_eq(mr.items[CHECK_TESTED], ITEM_OPEN, "a pass of other content is no evidence");
	cr_assert(review_record_runs(&rv, &failed, 1, &err) == 0, "%s", err.msg);
	review_migration(&rv, "aaa", BLOB_A, 0, &mr);
	cr_assert_eq(mr.items[CHECK_TESTED], ITEM_OPEN, "a failure of this content");
	cr_assert(review_record_runs(&rv, &passed, 1, &err) == 0, "%s", err.msg);
	review_migration(&rv, "aaa", BLOB_A, 0, &mr);
	cr_assert_eq(mr.items[CHECK_TESTED], ITEM_DONE);
	cr_assert_eq(mr.state, MIGRATION_SIGNED);
	review_free(&rv);
}

Test(review, what_the_runs_say_of_the_current_content)
{
	struct review rv;
	struct mr_error err;
	const struct test_run *t;
	struct test_run pass_sqlite = a_run("aaa", "sqlite", TEST_PASSED, BLOB_A);
	struct test_run fail_pg = a_run("aaa", "postgresql", TEST_FAILED, BLOB_A);
	struct test_run other = a_run("bbb", "sqlite", TEST_PASSED, BLOB_A);

	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert_eq(review_test_state(&rv, "aaa", BLOB_A, &t), TESTED_NEVER);
	cr_assert(review_record_runs(&rv, &other, 1, &err) == 0);
	cr_assert_eq(review_test_state(&rv, "aaa", BLOB_A, &t), TESTED_NEVER,
		     "another revision's run is not this one's");
	cr_assert(review_record_runs(&rv, &pass_sqlite, 1, &err) == 0);
	cr_assert_eq(review_test_state(&rv, "aaa", BLOB_A, &t), TESTED_PASSED);
	cr_assert_eq(review_test_state(&rv, "aaa", BLOB_B, &t), TESTED_STALE,
		     "a pass on other content is stale");
	cr_assert_str_eq(t->database, "sqlite");
	cr_assert(review_record_runs(&rv, &fail_pg, 1, &err) == 0);
	cr_assert_eq(review_test_state(&rv, "aaa", BLOB_A, &t), TESTED_FAILED,
		     "a failure on one database outweighs a pass on another");
	cr_assert_str_eq(t->database, "postgresql");
	fail_pg.outcome = TEST_PASSED;
	fail_pg.step = fail_pg.error = NULL;
	cr_assert(review_record_runs(&rv, &fail_pg, 1, &err) == 0);
	cr_assert_eq(review_test_state(&rv, "aaa", BLOB_A, &t), TESTED_PASSED,
		     "the newest run per database counts");
	review_free(&rv);
}

Test(review, runs_merge_newest_wins_with_another_instance)
{
	struct review mine, theirs, both;
	struct mr_error err;
	struct test_run old = a_run("aaa", "sqlite", TEST_FAILED, BLOB_A);
	struct test_run newer = a_run("aaa", "sqlite", TEST_PASSED, BLOB_A);
	struct test_run pg = a_run("aaa", "postgresql", TEST_PASSED, BLOB_A);

	cr_assert(load(&mine, "r", &err) == 0);
	cr_assert(load(&theirs, "r", &err) == 0);
	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(review_record_runs(&mine, &old, 1, &err) == 0);
	setenv("SOURCE_DATE_EPOCH", "1795000100", 1);
	cr_assert(review_record_runs(&theirs, &newer, 1, &err) == 0);
	cr_assert(review_record_runs(&mine, &pg, 1, &err) == 0, "%s", err.msg);
	cr_assert(load(&both, "r", &err) == 0);
	cr_assert_eq(both.n_runs, 2, "neither instance lost the other's run");
	cr_assert_eq(review_find_run(&both, "aaa", "sqlite")->outcome, TEST_PASSED,
		     "the newer run won");
	review_free(&mine);
	review_free(&theirs);
	review_free(&both);
}

Test(review, corrupt_test_runs_are_reported_with_their_line)
{
	refused("{\"migreview-review\":1}\n"
		"{\"revision\":\"aaa\",\"test\":\"maybe\",\"database\":\"sqlite\",\"runner\":\"x\","
		"\"timestamp\":\"t\",\"blob\":\"" BLOB_A "\",\"alembic\":\"1\",\"log\":\"\"}\n",
		"/r:2: test 'maybe' is not passed or failed");
	refused("{\"revision\":\"aaa\",\"test\":\"passed\",\"database\":\"sqlite\",\"runner\":\"x\","
		"\"timestamp\":\"t\",\"blob\":\"" BLOB_A "\",\"alembic\":\"1\",\"log\":3}\n",
		"/r:1: 'log' must be a string");
	refused("{\"revision\":\"aaa\",\"test\":\"passed\",\"runner\":\"x\","
		"\"timestamp\":\"t\",\"blob\":\"" BLOB_A "\",\"alembic\":\"1\",\"log\":\"\"}\n",
		"/r:1: 'database' must be a non-empty string");
}

Test(review, conflict_markers_and_a_byte_order_mark_are_named)
{
	refused("{\"migreview-review\":1}\n<<<<<<< HEAD\n", "/r:2: git merge conflict markers");
	refused("{\"migreview-review\":1}\n=======\n", "merge=union");
	refused("{\"migreview-review\":1}\n>>>>>>> theirs\n", "/r:2: git merge conflict markers");
	refused("\xef\xbb\xbf{\"migreview-review\":1}\n", "/r:1:1: the file starts with a byte order mark");
}

Test(review, a_signature_is_kept_through_load_merge_and_save)
{
	struct review rv;
	struct mr_error err;
	char *p = path_of("r"), *text;

	write_text("r", "{\"migreview-review\":1}\n"
		   "{\"revision\":\"aaa\",\"item\":\"enum\",\"status\":\"accepted\",\"reason\":null,"
		   "\"reviewer\":\"" ME "\",\"timestamp\":\"2026-01-02T00:00:00.000Z\",\"blob\":\""
		   BLOB_A "\",\"sig\":\"-----BEGIN SSH SIGNATURE-----\\nabc\\n\"}\n");
	cr_assert(review_load(&rv, p, &err) == 0, "%s", err.msg);
	cr_assert_str_eq(review_find(&rv, "aaa", "enum")->sig, "-----BEGIN SSH SIGNATURE-----\nabc\n");
	cr_assert(review_decide(&rv, "bbb", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_B, &err) == 0,
		  "%s", err.msg);
	text = read_text("r");
	cr_assert(strstr(text, "\"sig\":\"-----BEGIN SSH SIGNATURE-----\\nabc\\n\"}"), "%s", text);
	cr_assert_null(review_find(&rv, "bbb", "enum")->sig, "no key, no signature");
	free(text);
	review_free(&rv);
	free(p);
}

Test(review, saving_keeps_the_mode_and_refuses_a_link)
{
	struct review rv;
	struct mr_error err;
	char *p = path_of("r"), *target = path_of("elsewhere");
	struct stat st;

	write_text("r", "{\"migreview-review\":1}\n");
	cr_assert(chmod(p, 0600) == 0);
	cr_assert(review_load(&rv, p, &err) == 0, "%s", err.msg);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	cr_assert(stat(p, &st) == 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	review_free(&rv);
	cr_assert(unlink(p) == 0 && symlink(target, p) == 0);
	cr_assert(review_load(&rv, p, &err) < 0);
	cr_assert(strstr(err.msg, "symbolic link"), "%s", err.msg);
	review_free(&rv);
	cr_assert(access(target, F_OK) != 0, "nothing was written through the link");
	free(target);
	free(p);
}

/* --- a run's evidence: what the database did, kept with the run --- */

#define RUN_HEAD(rev) \
	"{\"revision\":\"" rev "\",\"test\":\"passed\",\"database\":\"postgresql\"," \
	"\"step\":null,\"error\":null,\"runner\":\"x\",\"timestamp\":\"t\"," \
	"\"blob\":\"" BLOB_A "\",\"alembic\":\"1\",\"log\":\"\""

Test(review, evidence_round_trips_with_its_run)
{
	struct review rv, again;
	struct mr_error err;
	struct run_evidence ev = { 0 };
	struct run_step step = {
		.step = "upgrade",
		.locks = { { "orders", PG_ACCESS_EXCLUSIVE, 12.3, 14, 2 },
			   { "customers", PG_SHARE_ROW_EXCLUSIVE, 0.4, 0, 0 } },
		.n_locks = 2,
		.rewrites = { { "orders", 'r', 14 } },
		.n_rewrites = 1,
		.slowest = { { 14, 11.9 } },
		.n_slowest = 1,
	};
	struct test_run run = a_run("aaa", "postgresql", TEST_PASSED, BLOB_A);
	const struct test_run *t;
	char *text;

	ev.v = &step;
	ev.n = 1;
	run.evidence = &ev;
	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert(review_record_runs(&rv, &run, 1, &err) == 0, "%s", err.msg);
	text = read_text("r");
	cr_assert(strstr(text, ",\"evidence\":[{\"step\":\"upgrade\",\"locks\":["
			 "{\"relation\":\"orders\",\"mode\":\"AccessExclusiveLock\",\"held_ms\":12.3,"
			 "\"line\":14,\"after\":2},{\"relation\":\"customers\",\"mode\":"
			 "\"ShareRowExclusiveLock\",\"held_ms\":0.4,\"line\":0,\"after\":0}],"
			 "\"rewrites\":[{\"relation\":\"orders\",\"relkind\":\"r\",\"line\":14}],"
			 "\"slowest\":[{\"line\":14,\"ms\":11.9}]}]}\n"), "%s", text);
	free(text);
	cr_assert(load(&again, "r", &err) == 0, "%s", err.msg);
	t = review_find_run(&again, "aaa", "postgresql");
	cr_assert(t && t->evidence && t->evidence->n == 1);
	cr_assert_str_eq(t->evidence->v[0].step, "upgrade");
	cr_assert_eq(t->evidence->v[0].n_locks, 2);
	cr_assert_str_eq(t->evidence->v[0].locks[0].relation, "orders");
	cr_assert_eq(t->evidence->v[0].locks[0].mode, PG_ACCESS_EXCLUSIVE);
	cr_assert_float_eq(t->evidence->v[0].locks[0].held_ms, 12.3, 1e-9);
	cr_assert_eq(t->evidence->v[0].locks[0].after, 2);
	cr_assert_eq(t->evidence->v[0].rewrites[0].relkind, 'r');
	cr_assert_eq(t->evidence->v[0].slowest[0].line, 14);
	review_free(&rv);
	review_free(&again);
}

Test(review, a_run_without_evidence_reads_and_writes_as_before)
{
	struct review rv;
	struct mr_error err;
	const char *old = "{\"migreview-review\":1}\n" RUN_HEAD("aaa") "}\n";
	char *text;

	write_text("r", old);
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	cr_assert_null(review_find_run(&rv, "aaa", "postgresql")->evidence);
	cr_assert(review_decide(&rv, "aaa", "enum", DECISION_ACCEPTED, NULL, ME, BLOB_A, &err) == 0);
	text = read_text("r");
	cr_assert(strstr(text, RUN_HEAD("aaa") "}\n"), "no evidence member written: %s", text);
	free(text);
	review_free(&rv);
}

Test(review, evidence_of_a_newer_migreview_is_read_as_far_as_known)
{
	struct review rv;
	struct mr_error err;
	const struct run_step *s;
	char *line = mr_strdup(""), *text;

	for (int i = 0; i < REVIEW_EVIDENCE_LIST + 5; i++) {
		char *more = mr_printf("%s%s{\"relation\":\"t%d\",\"mode\":\"ShareLock\","
				       "\"held_ms\":1,\"line\":%d,\"after\":0,\"waited_ms\":3}",
				       line, i ? "," : "", i, i);

		free(line);
		line = more;
	}
	text = mr_printf("%s,\"evidence\":[{\"step\":\"models\",\"drift\":1},"
			 "{\"step\":\"upgrade\",\"locks\":[%s],\"rows\":9}],\"new\":1}\n",
			 RUN_HEAD("aaa"), line);
	write_text("r", text);
	free(text);
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	s = &review_find_run(&rv, "aaa", "postgresql")->evidence->v[0];
	cr_assert_str_eq(s->step, "upgrade", "an unknown step is skipped");
	cr_assert_eq(s->n_locks, REVIEW_EVIDENCE_LIST, "a longer list is cut");
	cr_assert_eq(s->n_rewrites + s->n_slowest, 0);
	free(line);
	review_free(&rv);
}

Test(review, hostile_evidence_is_refused_with_its_line)
{
	char big[REVIEW_EVIDENCE_NAME + 2];
	char *text;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	refused("{\"migreview-review\":1}\n" RUN_HEAD("aaa") ",\"evidence\":{}}\n",
		"/r:2: 'evidence' must be a list of steps");
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"locks\":[{\"relation\":"
		"\"t\",\"mode\":\"NoSuchLock\",\"held_ms\":1,\"line\":1,\"after\":0}]}]}\n",
		"/r:1: the evidence's 'mode' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"slowest\":[{\"line\":1,"
		"\"ms\":1e300}]}]}\n", "/r:1: the evidence's 'ms' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"rewrites\":[{\"relation\":"
		"\"t\",\"relkind\":\"r\",\"line\":-4}]}]}\n",
		"/r:1: the evidence's 'line' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\"},{\"step\":\"upgrade\"}]}\n",
		"/r:1: the evidence's 'step' is malformed or out of range");
	text = mr_printf(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"rewrites\":"
			 "[{\"relation\":\"%s\",\"relkind\":\"r\",\"line\":1}]}]}\n", big);
	refused(text, "/r:1: the evidence's 'relation' is malformed or out of range");
	free(text);
}

/* --- with --rows: the rows per second measured, kept for the forecast --- */

#define MEASURED(rel, line, rows, ms, rewrote) \
	"{\"relation\":\"" rel "\",\"line\":" line ",\"rows\":" rows ",\"ms\":" ms "," \
	"\"rewrote\":" rewrote "}"

Test(review, throughput_round_trips_with_its_run)
{
	struct review rv, again;
	struct mr_error err;
	struct run_evidence ev = { 0 };
	struct run_step step = {
		.step = "upgrade",
		.throughput = { { "orders", 14, 100000, 61.2, true },
				{ "lines", 0, 300000, 188, false } },
		.n_throughput = 2,
	};
	struct test_run run = a_run("aaa", "postgresql", TEST_PASSED, BLOB_A);
	const struct run_step *s;
	char *text;

	ev.v = &step;
	ev.n = 1;
	run.evidence = &ev;
	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert(review_record_runs(&rv, &run, 1, &err) == 0, "%s", err.msg);
	text = read_text("r");
	cr_assert(strstr(text, "\"slowest\":[],\"throughput\":["
			 MEASURED("orders", "14", "100000", "61.2", "true") ","
			 MEASURED("lines", "0", "300000", "188.0", "false") "]}]}\n"), "%s", text);
	free(text);
	cr_assert(load(&again, "r", &err) == 0, "%s", err.msg);
	s = &review_find_run(&again, "aaa", "postgresql")->evidence->v[0];
	cr_assert_eq(s->n_throughput, 2);
	cr_expect_str_eq(s->throughput[0].relation, "orders");
	cr_expect_eq(s->throughput[0].line, 14);
	cr_expect_eq(s->throughput[0].rows, 100000);
	cr_expect_float_eq(s->throughput[0].ms, 61.2, 1e-9);
	cr_expect(s->throughput[0].rewrote);
	cr_expect_str_eq(s->throughput[1].relation, "lines");
	cr_expect_not(s->throughput[1].rewrote);
	review_free(&rv);
	review_free(&again);
}

Test(review, a_longer_throughput_list_is_cut_and_a_bad_one_refused)
{
	struct review rv;
	struct mr_error err;
	char *list = mr_strdup(""), *text;

	for (int i = 0; i < REVIEW_EVIDENCE_LIST + 5; i++) {
		char *more = mr_printf("%s%s" MEASURED("t", "%d", "10", "1", "true"), list,
				       i ? "," : "", i);

		free(list);
		list = more;
	}
	text = mr_printf("%s,\"evidence\":[{\"step\":\"upgrade\",\"throughput\":[%s]}]}\n",
			 RUN_HEAD("aaa"), list);
	write_text("r", text);
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	cr_expect_eq(review_find_run(&rv, "aaa", "postgresql")->evidence->v[0].n_throughput,
		     REVIEW_EVIDENCE_LIST);
	review_free(&rv);
	free(text);
	free(list);
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"throughput\":["
		MEASURED("t", "1", "-5", "1", "true") "]}]}\n",
		"/r:1: the evidence's 'rows' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"throughput\":["
		MEASURED("t", "1", "5", "1", "\"yes\"") "]}]}\n",
		"/r:1: the evidence's 'rewrote' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"throughput\":["
		MEASURED("t", "1", "5", "-1", "false") "]}]}\n",
		"/r:1: the evidence's 'ms' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"evidence\":[{\"step\":\"upgrade\",\"throughput\":{}}]}\n",
		"/r:1: the evidence's 'throughput' is malformed or out of range");
}

#define RUN_AT(rev, database, timestamp) \
	"{\"revision\":\"" rev "\",\"test\":\"passed\",\"database\":\"" database "\"," \
	"\"step\":null,\"error\":null,\"runner\":\"x\",\"timestamp\":\"" timestamp "\"," \
	"\"blob\":\"" BLOB_A "\",\"alembic\":\"1\",\"log\":\"\""

Test(review, the_throughput_of_the_newest_run_that_measured)
{
	struct review rv;
	struct mr_error err;
	struct review_throughput tp;

	write_text("r", "{\"migreview-review\":1}\n"
		   RUN_AT("aaa", "postgresql", "2026-12-01T10:00:00.000Z") "}\n");
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	cr_expect_not(review_throughput(&rv, &tp), "no run measured anything");
	cr_expect_null(tp.from);
	review_free(&rv);

	write_text("r", "{\"migreview-review\":1}\n"
		   /* older: not this one */
		   RUN_AT("aaa", "postgresql", "2026-12-01T10:00:00.000Z") ",\"evidence\":["
		   "{\"step\":\"upgrade\",\"throughput\":[" MEASURED("t", "1", "10", "1", "true")
		   "]}]}\n"
		   /* newest, and of two steps: rewrites 300 rows in 30 ms, a scan 1,000 in 4 */
		   RUN_AT("bbb", "postgresql", "2026-12-03T10:00:00.000Z") ",\"evidence\":["
		   "{\"step\":\"upgrade\",\"throughput\":[" MEASURED("a", "1", "100", "10", "true")
		   "," MEASURED("b", "2", "1000", "4", "false") "]},"
		   "{\"step\":\"downgrade\",\"throughput\":[" MEASURED("a", "9", "200", "20", "true")
		   "," MEASURED("a", "9", "999", "0", "true") "]}]}\n"
		   /* newer but on SQLite, and newer still but nothing measured in time */
		   RUN_AT("bbb", "sqlite", "2026-12-05T10:00:00.000Z") ",\"evidence\":["
		   "{\"step\":\"upgrade\",\"throughput\":[" MEASURED("t", "1", "10", "1", "true")
		   "]}]}\n"
		   RUN_AT("ccc", "postgresql", "2026-12-06T10:00:00.000Z") ",\"evidence\":["
		   "{\"step\":\"upgrade\",\"throughput\":[" MEASURED("t", "1", "10", "0", "true")
		   "]}]}\n");
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	cr_assert(review_throughput(&rv, &tp));
	cr_assert_not_null(tp.from);
	cr_expect_str_eq(tp.from->revision, "bbb");
	cr_expect_str_eq(tp.from->database, "postgresql");
	cr_expect_float_eq(tp.rewrite_rows_per_s, 10000, 1e-6, "300 rows in 30 ms");
	cr_expect_float_eq(tp.scan_rows_per_s, 250000, 1e-6, "1,000 rows in 4 ms");
	review_free(&rv);
}

/* --- with --models: what the comparison found at a head, kept with its run --- */

Test(review, the_models_round_trip_with_the_run)
{
	struct review rv, again;
	struct mr_error err;
	struct run_models drift = { MODELS_DRIFTED, { "model table invoices has no table in "
						    "the database" }, 1, 3 };
	struct run_models none = { .result = MODELS_NOT_COMPARED };
	struct test_run runs[] = {
		a_run("aaa", "postgresql", TEST_PASSED, BLOB_A),
		a_run("bbb", "sqlite", TEST_PASSED, BLOB_A),
	};
	const struct test_run *t;
	char *text;

	runs[0].models = &drift;
	runs[1].models = &none;
	setenv("SOURCE_DATE_EPOCH", "1795000000", 1);
	cr_assert(load(&rv, "r", &err) == 0);
	cr_assert(review_record_runs(&rv, runs, 2, &err) == 0, "%s", err.msg);
	text = read_text("r");
	cr_assert(strstr(text, ",\"models\":{\"result\":\"drifted\",\"differences\":[\"model table "
			 "invoices has no table in the database\"],\"more\":3}}\n"), "%s", text);
	cr_assert(strstr(text, ",\"models\":{\"result\":\"not compared\",\"differences\":[],"
			 "\"more\":0}}\n"), "%s", text);
	free(text);
	cr_assert(load(&again, "r", &err) == 0, "%s", err.msg);
	t = review_find_run(&again, "aaa", "postgresql");
	cr_assert(t && t->models);
	cr_expect_eq(t->models->result, MODELS_DRIFTED);
	cr_assert_eq(t->models->n_differences, 1);
	cr_expect_str_eq(t->models->differences[0], "model table invoices has no table in the "
			 "database");
	cr_expect_eq(t->models->more, 3);
	t = review_find_run(&again, "bbb", "sqlite");
	cr_assert(t && t->models);
	cr_expect_eq(t->models->result, MODELS_NOT_COMPARED);
	review_free(&rv);
	review_free(&again);
}

Test(review, a_longer_list_of_differences_is_cut_and_bad_models_refused)
{
	struct review rv;
	struct mr_error err;
	char big[REVIEW_MODELS_TEXT + 2];
	const struct run_models *m;
	char *text;

	write_text("r", RUN_HEAD("aaa") ",\"models\":{\"result\":\"drifted\",\"differences\":"
		   "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"],\"more\":2,\"new\":1}}\n");
	cr_assert(load(&rv, "r", &err) == 0, "%s", err.msg);
	m = review_find_run(&rv, "aaa", "postgresql")->models;
	cr_assert_eq(m->n_differences, REVIEW_MODELS_LIST);
	cr_expect_str_eq(m->differences[4], "e");
	cr_expect_eq(m->more, 4, "the two cut are counted with the two more");
	review_free(&rv);
	write_text("r", RUN_HEAD("aaa") ",\"models\":{\"result\":\"drifted\",\"differences\":[],"
		   "\"more\":7}}\n");
	cr_assert(load(&rv, "r", &err) == 0, "a drift only counted reads: %s", err.msg);
	review_free(&rv);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	refused(RUN_HEAD("aaa") ",\"models\":[]}\n", "/r:1: 'models' must be an object");
	refused(RUN_HEAD("aaa") ",\"models\":{\"result\":\"maybe\",\"differences\":[],"
		"\"more\":0}}\n", "/r:1: the models' 'result' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"models\":{\"result\":\"match\",\"differences\":[\"a\"],"
		"\"more\":0}}\n", "/r:1: the models' 'differences' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"models\":{\"result\":\"drifted\",\"differences\":[],"
		"\"more\":0}}\n", "/r:1: the models' 'differences' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"models\":{\"result\":\"drifted\",\"differences\":[\"\"],"
		"\"more\":0}}\n", "/r:1: the models' 'differences' is malformed or out of range");
	refused(RUN_HEAD("aaa") ",\"models\":{\"result\":\"match\",\"differences\":[],"
		"\"more\":-1}}\n", "/r:1: the models' 'more' is malformed or out of range");
	text = mr_printf(RUN_HEAD("aaa") ",\"models\":{\"result\":\"drifted\",\"differences\":"
			 "[\"%s\"],\"more\":0}}\n", big);
	refused(text, "/r:1: the models' 'differences' is malformed or out of range");
	free(text);
}

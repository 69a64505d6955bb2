/*
 * The review file: every decision a reviewer took on a checklist item of a
 * migration, bound to the content it was taken on (SPEC §6).
 *
 * JSON Lines: a header line {"migreview-review": 1}, then one decision per
 * line, written sorted by (revision, item):
 *
 *   {"revision": "c784ae16ae5c", "item": "fk-index", "status": "waived",
 *    "reason": "orders is tiny", "reviewer": "Ann <ann@example.com>",
 *    "timestamp": "2026-11-24T17:03:12.345Z", "blob": "<git blob id>"}
 *
 * Readers keep the newest decision per (revision, item) by timestamp, so
 * two branches' files concatenated (git's merge=union) read as their
 * merge.  Clearing a decision writes a "cleared" line, so that neither a
 * merge nor another instance brings the old decision back.
 *
 * The file also keeps the evidence for the `tested` item: the newest
 * up/down/up run per (revision, database), as `migreview test` recorded it:
 *
 *   {"revision": "c784ae16ae5c", "test": "passed", "database": "postgresql",
 *    "step": null, "error": null, "runner": "Ann <ann@example.com>",
 *    "timestamp": "...", "blob": "<git blob id>", "alembic": "1.8.1",
 *    "log": "<the output's last lines>"}
 *
 * "test" is passed or failed; for a failure "step" names the step that
 * failed (upgrade-parents, upgrade, downgrade, re-upgrade) and "error" the
 * error in one line.  Runs are written after the
 * decisions, sorted by (revision, database).
 *
 * A run traced on PostgreSQL also keeps a summary of its evidence, per step
 * (a member older files do not have, and older migreviews ignore):
 *
 *   "evidence": [{"step": "upgrade",
 *     "locks": [{"relation": "orders", "mode": "AccessExclusiveLock",
 *                "held_ms": 12.5, "line": 14, "after": 2}],
 *     "rewrites": [{"relation": "orders", "relkind": "r", "line": 14}],
 *     "slowest": [{"line": 14, "ms": 11.9}],
 *     "throughput": [{"relation": "orders", "line": 14, "rows": 100000,
 *                     "ms": 61.2, "rewrote": true}]}]
 *
 * locks: the strongest lock each line took on each relation that existed
 * before and after (its transaction neither created nor dropped it: no
 * traffic can use such a table, and its lock keeps nobody waiting),
 * strongest first, "after" the statements its transaction ran after the
 * one that took it (the first is the strongest on its relation); rewrites:
 * the relations that existed before and got a new relfilenode; slowest: the
 * slowest statements; throughput (with --rows): each statement that
 * rewrote a filled table or scanned one (struct run_throughput), the
 * table's rows and the statement's milliseconds.  "line" is the
 * migration's line, 0 when the statement came from elsewhere.  Lists
 * longer than REVIEW_EVIDENCE_LIST are cut when read (a newer migreview may
 * keep more), unknown steps and members are ignored; a member of the wrong
 * type or out of range is an error with the file's line, as any other.
 *
 * A run of a head with --models also keeps what the models comparison
 * found, on any database ("not compared" when env.py has no
 * target_metadata or the comparison could not be made; "differences" only
 * with "drifted", at most REVIEW_MODELS_LIST of at most REVIEW_MODELS_TEXT
 * bytes, "more" the rest):
 *
 *   "models": {"result": "drifted",
 *     "differences": ["model table invoices has no table in the database"],
 *     "more": 0}
 *
 * The file on disk is the truth.  What is recorded here and not saved yet
 * is pending; saving takes a lock on the file's directory, reads the file
 * again, puts the pending records in, writes a temporary file in the same
 * directory, flushes it and renames it into place only if the file is still
 * the one read (else it reads again): a crash leaves the old file or the
 * new one, two instances lose nothing of each other's, and a file a pull
 * replaced meanwhile is not overwritten.  A pending decision names the
 * decision it replaces as its reviewer was shown it (seen): when the file
 * has a newer one, someone else decided, and that decision is kept and
 * listed in rv->conflicts instead.  A file that does not parse is never
 * written; the pending records wait.  Reading the file again (refresh)
 * takes what it has, and what it no longer has is gone, but for the
 * pending records.
 *
 * struct review owns its decisions, runs and strings; review_free() releases them.
 */
#ifndef MIGREVIEW_REVIEW_H
#define MIGREVIEW_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/checklist.h"
#include "migreview/error.h"
#include "migreview/pglocks.h"
#include "migreview/project.h"

#define REVIEW_FORMAT 1
#define REVIEW_BLOB_HEX 40

enum decision_status {
	DECISION_CLEARED,       /* no decision (a cleared one, kept for merges) */
	DECISION_ACCEPTED,
	DECISION_WAIVED,
	DECISION_BLOCKED,
};

struct decision {
	char *revision;
	char *item;             /* a checklist item id; unknown ids are kept as they are */
	enum decision_status status;
	char *reason;           /* required for waived and blocked, else NULL */
	char *reviewer;
	char *timestamp;        /* UTC, ISO 8601 with milliseconds */
	char *blob;             /* the git blob id of the file as reviewed */
	char *sig;              /* an SSH signature over the fields above (trust.h), or NULL */
	char *seen;             /* not saved yet: the timestamp of the decision it replaces as
				 * the reviewer was shown it, or NULL when none was shown */
};

enum test_outcome { TEST_PASSED, TEST_FAILED };

#define REVIEW_EVIDENCE_LIST 20         /* locks or rewrites kept per step */
#define REVIEW_EVIDENCE_SLOWEST 3
#define REVIEW_EVIDENCE_NAME 256        /* bytes of a relation's name */

/* What a traced run saw in one step (upgrade, downgrade, re-upgrade). */
struct run_lock {
	char *relation;
	enum pg_lock_mode mode;
	double held_ms;
	long line;
	long after;             /* statements of its transaction after the one that took it */
};

struct run_rewrite {
	char *relation;
	char relkind;           /* pg_class.relkind: 'r' table, 'i' index, ... */
	long line;
};

struct run_slow {
	long line;
	double ms;
};

/*
 * With --rows: a statement that rewrote a filled table (rewrote), or
 * that newly locked one and took SLOW_MS or more (a scan: an index
 * build, a validation), with the rows of the table after it and the
 * statement's duration: what the table's size is divided by to forecast.
 */
struct run_throughput {
	char *relation;
	long line;
	long long rows;
	double ms;
	bool rewrote;
};

struct run_step {
	char *step;
	struct run_lock locks[REVIEW_EVIDENCE_LIST];
	size_t n_locks;
	struct run_rewrite rewrites[REVIEW_EVIDENCE_LIST];
	size_t n_rewrites;
	struct run_slow slowest[REVIEW_EVIDENCE_SLOWEST];
	size_t n_slowest;
	struct run_throughput throughput[REVIEW_EVIDENCE_LIST];
	size_t n_throughput;
};

struct run_evidence {
	struct run_step *v;
	size_t n;
};

/* The steps of a run, in order: what run_step.step names. */
#define RUN_STEPS 3
extern const char *const run_step_names[RUN_STEPS];

/*
 * What `test --models` found at a head (uptest.h's struct uptest_models):
 * the models matched the database, drifted (the first differences in words),
 * or were not compared (env.py gives no target_metadata, or the comparison
 * could not be made).
 */
enum models_result { MODELS_MATCH, MODELS_DRIFTED, MODELS_NOT_COMPARED };

#define REVIEW_MODELS_LIST 5            /* differences kept */
#define REVIEW_MODELS_TEXT 300          /* bytes of a difference */
#define REVIEW_MODELS_MORE 1000000000   /* differences counted at most */

struct run_models {
	enum models_result result;
	char *differences[REVIEW_MODELS_LIST];
	size_t n_differences;
	size_t more;                    /* differences not kept */
};

struct test_run {
	char *revision;
	char *database;         /* the backend it ran on: sqlite, postgresql, ... */
	enum test_outcome outcome;
	char *step;             /* the step that failed, NULL for a pass */
	char *error;            /* its error in one line, or NULL */
	char *runner;           /* who ran it, named as a reviewer is */
	char *timestamp;
	char *blob;             /* the git blob id of the file as tested */
	char *alembic;          /* Alembic's version */
	char *log;              /* the last lines of the run's output */
	struct run_evidence *evidence;  /* what it traced, or NULL */
	struct run_models *models;      /* a head's, with --models; else NULL */
};

struct review {
	char *path;
	struct decision *v;     /* sorted by (revision, item), one per key */
	size_t n, cap;
	struct test_run *runs;  /* sorted by (revision, database), one per key */
	size_t n_runs, cap_runs;
	bool unsaved;           /* something recorded here is not on disk yet (a save failed) */
	struct review *pending; /* what was recorded here and is not saved yet, or NULL */
	struct decision *conflicts;     /* others' decisions a save found and did not overwrite */
	size_t n_conflicts, cap_conflicts;
	char *signing_key;      /* when set, each decision taken here is signed with it */
	struct mr_stamp seen;   /* the file as last read or written, to notice changes */
};

/*
 * Reads the review file at path; a file that does not exist is an empty
 * review.  A file that does not parse fails with "path:line:col: why" and
 * leaves rv empty, with its path set.
 */
int review_load(struct review *rv, const char *path, struct mr_error *err);

/* The decision on (revision, item), or NULL (cleared ones included). */
const struct decision *review_find(const struct review *rv, const char *revision,
				   const char *item);

/*
 * Records a decision in memory (copying it) and saves the file; signed with
 * rv->signing_key when one is set (a decision that cannot be signed is not
 * recorded).  The
 * timestamp is now, or SOURCE_DATE_EPOCH when set (reproducible tests).
 * A waive or block without a reason is refused.  When the save fails the
 * decision is still in memory and the next save writes it.
 */
int review_decide(struct review *rv, const char *revision, const char *item,
		  enum decision_status status, const char *reason, const char *reviewer,
		  const char *blob, struct mr_error *err);

/* The runs recorded for revision (one per database): *n of them from the pointer. */
const struct test_run *review_runs(const struct review *rv, const char *revision, size_t *n);

/* The newest run of revision on database, or NULL. */
const struct test_run *review_find_run(const struct review *rv, const char *revision,
				       const char *database);

/*
 * Records test runs (copying them; their timestamp is now, as for
 * decisions) and saves the file.
 */
int review_record_runs(struct review *rv, const struct test_run *runs, size_t n,
		       struct mr_error *err);

const char *test_outcome_name(enum test_outcome o);

struct review_throughput {
	double rewrite_rows_per_s;      /* 0: none measured */
	double scan_rows_per_s;         /* 0: none measured */
	const struct test_run *from;    /* the run measured, or NULL */
};
/*
 * The throughput the newest PostgreSQL run with measured statements
 * recorded (any revision): rows over seconds summed over its rewriting
 * (scanning) statements.  False when no run has one.
 */
bool review_throughput(const struct review *rv, struct review_throughput *out);

/* A deep copy of e (NULL: none, or memory ran out when e is not NULL). */
struct run_evidence *run_evidence_copy(const struct run_evidence *e);
void run_evidence_free(struct run_evidence *e);
struct run_models *run_models_copy(const struct run_models *m);
void run_models_free(struct run_models *m);
const char *models_result_name(enum models_result r);

/*
 * What the recorded runs say of a revision's current content (blob): a run
 * on it failed (the newest such failure in *which), one passed and none
 * failed, runs exist but on other content (stale; the newest in *which), or
 * none was ever recorded.
 */
enum test_state { TESTED_NEVER, TESTED_STALE, TESTED_PASSED, TESTED_FAILED };

enum test_state review_test_state(const struct review *rv, const char *revision,
				  const char *blob, const struct test_run **which);
/* Whether the newest run of revision on content blob passed: what accepting `tested` needs. */
bool review_tested_passed(const struct review *rv, const char *revision, const char *blob);

/*
 * Merges the review file text (read elsewhere: from a git tree, say; label
 * names it in messages) into rv, newest winning, in memory only.
 */
int review_merge_text(struct review *rv, const char *label, const char *text, size_t len,
		      struct mr_error *err);

/* Puts the pending records into the file on disk (see above). */
int review_save(struct review *rv, struct mr_error *err);

/*
 * review_save() in steps, for a caller that writes on another thread:
 * review_take_pending() hands the pending records over (NULL when none);
 * review_write_pending() touches nothing but the file and its arguments: it
 * puts pending into the file at path (dropping the decisions that would go
 * over newer ones, which it lists in out->conflicts) and fills out with the
 * file's records as written; review_take_written() makes them rv's, with
 * what was decided meanwhile; after a failure, review_give_back_pending()
 * returns the records to rv, to be written later.
 */
struct review *review_take_pending(struct review *rv);
int review_write_pending(const char *path, struct review *pending, struct review *out,
			 struct mr_error *err);
int review_take_written(struct review *rv, struct review *written, struct mr_error *err);
int review_give_back_pending(struct review *rv, struct review *pending, struct mr_error *err);

/*
 * Records a decision in memory and among the pending records, without
 * saving: review_decide() is this and review_save().
 */
int review_record(struct review *rv, const char *revision, const char *item,
		  enum decision_status status, const char *reason, const char *reviewer,
		  const char *blob, struct mr_error *err);

/* Whether the file changed on disk since it was last read or written here. */
bool review_changed_on_disk(const struct review *rv);
/*
 * Merges the file on disk into rv (newest wins), as another instance or a
 * git pull left it; a file that does not parse fails and changes nothing
 * that was decided here.
 */
int review_refresh(struct review *rv, struct mr_error *err);

const char *decision_status_name(enum decision_status s);

/*
 * The values of git configuration keys as the repository at repo_dir sees
 * them (else the user's configuration): values[i] is a new string or NULL.
 */
void review_git_config(const char *repo_dir, const char *const *keys, char **values, size_t n);

/* What the reviewer is called: MIGREVIEW_REVIEWER, else git's user.name <user.email>. */
char *review_reviewer(const char *repo_dir);

/* The git blob id of content (what `git hash-object` prints for it), or "" on failure. */
void review_blob_of(const char *buf, size_t len, char out[REVIEW_BLOB_HEX + 1]);

/*
 * Where the project's review file is: [migreview] review_file (relative to
 * the ini's directory), else migrations.review next to the ini.
 */
int review_path(const struct project *p, char **out, struct mr_error *err);

/*
 * The file a path setting (key, given as setting) names, relative to the
 * ini's directory; *out NULL when setting is.  Refused, naming the setting,
 * when it would leave the project: absolute, "..", ".git", or a directory
 * that is a symbolic link out of it.
 */
int review_path_inside(const struct project *p, const char *key, const char *setting,
		       char **out, struct mr_error *err);

/*
 * Where an item stands for the file's current blob: no decision (or a
 * cleared one), decided on this content, decided on other content (stale),
 * or blocked — a block stays a block whatever the content; or, with no
 * decision, not applicable to this migration (see review_migration).
 */
enum item_state { ITEM_OPEN, ITEM_DONE, ITEM_STALE, ITEM_BLOCKED, ITEM_NOT_APPLICABLE };

enum item_state review_item_state(const struct decision *d, const char *blob);

/*
 * Where a migration stands: blocked if any item is; signed off when every
 * checklist item is accepted or waived for its current blob; else stale
 * when some decision was taken on other content; else open.  An accepted
 * `tested` item counts only with a passing run recorded for the blob
 * (review_test_state()); without one it is open.
 */
enum migration_state { MIGRATION_OPEN, MIGRATION_STALE, MIGRATION_BLOCKED, MIGRATION_SIGNED };

struct migration_review {
	enum migration_state state;
	enum item_state items[CHECK_ITEM_COUNT];
	size_t open, stale, blocked, done;
};

/*
 * Whether item is decided in m (accepted or waived for the content, or not
 * applicable): its findings are then no longer open.  m NULL: nothing is.
 */
static inline bool
review_item_decided(const struct migration_review *m, enum check_item item)
{
	return m && (m->items[item] == ITEM_DONE || m->items[item] == ITEM_NOT_APPLICABLE);
}

/*
 * not_applicable: the items (bits 1 << item) that do not apply to this
 * migration under the project's settings (report_not_applicable()); one
 * without a decision is ITEM_NOT_APPLICABLE and counts as done, since
 * there is nothing to decide.  A decision taken on it still counts as it is.
 */
void review_migration(const struct review *rv, const char *revision, const char *blob,
		      unsigned not_applicable, struct migration_review *out);

/*
 * What the content of blob (as read now) is to be compared with: the blob of
 * the newest decision on the revision taken on other content (what its stale
 * decisions saw, even when a newer one was taken on this content), else of
 * its newest decision; NULL without one.
 */
const char *review_reviewed_blob(const struct review *rv, const char *revision,
				 const char *blob);

/* Forgets rv->conflicts, once shown. */
void review_clear_conflicts(struct review *rv);

void review_free(struct review *rv);

#endif

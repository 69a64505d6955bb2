/*
 * Up/down testing (SPEC §7): the only module that runs migration code.
 *
 * uptest_run() starts the real Alembic in a child process — the Python
 * that runs the project's `alembic` command, with Alembic's own commands and
 * the project's own env.py — on a scratch database: a temporary SQLite file
 * (removed afterwards), or a new database on the PostgreSQL server a URL
 * names (dropped afterwards), or any other empty database a URL names.  For
 * each revision in turn it upgrades to the revision's parents, upgrades to
 * it, downgrades that one step and upgrades again, stopping at the first
 * failure.  The downgrade must give back the database's catalog from
 * before the upgrade, and the second upgrade the first one's: a difference
 * fails the revision at that step, without stopping the run (the steps all
 * succeeded).  env.py is told the URL through sqlalchemy.url, `-x url=` and
 * `-x dbname=`, $MIGREVIEW_DATABASE_URL and $DATABASE_URL; if it connects
 * anywhere else the run stops before any migration runs.  With models set,
 * a run that passed ends by upgrading to the heads and comparing env.py's
 * target_metadata with the database, as `alembic check` does.
 *
 * The runner is src/uptest.py, embedded in the binary.  struct uptest_run
 * owns its strings; uptest_run_free() releases them.
 */
#ifndef MIGREVIEW_UPTEST_H
#define MIGREVIEW_UPTEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/graph.h"
#include "migreview/pglocks.h"
#include "migreview/project.h"
#include "migreview/review.h"
#include "migreview/util.h"

struct uptest_options {
	const char *database_url;       /* NULL: a temporary SQLite file (see uptest_target()) */
	const atomic_bool *cancel;      /* when it turns true the run is interrupted; may be NULL */
	/* the child's output (stdout and stderr) as it comes; may be NULL */
	void (*output)(void *ctx, const char *text, size_t len);
	/* each step as it starts: upgrade-parents, upgrade, downgrade, re-upgrade; may be NULL */
	void (*step)(void *ctx, const char *revision, const char *step);
	void *ctx;
	bool models;                    /* compare the models at the heads after the run */
	long rows;                      /* > 0: fill the tables with so many rows before each upgrade */
};

/*
 * What the runner found of the catalog after a step: the downgrade's is
 * compared with the catalog before the upgrade, the re-upgrade's with the
 * catalog after the upgrade (uptest.py's "catalog" evidence).  A difference
 * is a trace: a run that passed becomes a failure at that step.
 */
struct uptest_catalog {
	bool compared;                  /* the runner said something of this step's catalog */
	size_t objects;                 /* objects in the catalog after the step */
	size_t upgrade_changes;         /* the downgrade's: what there was to undo */
	struct strvec differences;      /* in words (UTF-8), at most UPTEST_CATALOG_SHOWN */
	size_t more;                    /* differences not listed */
	char *error;                    /* why the catalog could not be compared, or NULL */
};

#define UPTEST_CATALOG_SHOWN 20

/*
 * What the runner found of the models (uptest.py's "models" evidence, after
 * the last revision passed): env.py's target_metadata against the database
 * at the heads.  A difference is drift; it fails the command, not the
 * revision's recorded run (the models are not the migration's content), and
 * is recorded with the run of each head the run tested (struct run_models).
 */
struct uptest_models {
	bool compared;                  /* the runner said something of the models */
	struct strvec heads;            /* the revisions the database was at */
	size_t tables;                  /* the model's tables */
	struct strvec differences;      /* in words (UTF-8), at most UPTEST_CATALOG_SHOWN */
	size_t more;                    /* differences not listed */
	char *skipped;                  /* why there was nothing to compare, or NULL */
	char *error;                    /* why the models could not be compared, or NULL */
};

/*
 * Evidence: what the database did in each step of a revision's test, as the
 * runner traced it (see uptest.py).  It comes from a process that runs the
 * project's code, so nothing in it is trusted: every string is UTF-8 (shown
 * through mr_visible()), lists are capped, and a line that does not read is
 * counted in ignored, never used.
 */
struct uptest_statement {
	char *sql;                      /* its text, at most UPTEST_SQL_MAX bytes */
	char *file;                     /* the migration script that issued it (file name) */
	long line;
	double ms;
	long long rows;                 /* -1: the driver knows none */
	bool autocommit;                /* run outside a transaction */
	bool failed;                    /* the database refused it */
	char *table;                    /* with --rows: the filled table a slow one locked, or NULL */
	long long table_rows;           /* its rows after the statement; -1: not counted */
};

struct uptest_lock {
	char *relation;
	char relkind;                   /* pg_class.relkind: 'r' table, 'i' index, ... */
	enum pg_lock_mode mode;
	double held_ms;                 /* from the statement that took it to its transaction's end */
	const char *until;              /* commit, rollback, autocommit, open (static strings) */
	char *file;                     /* the statement that took it */
	long line;
	bool created;                   /* on a relation its transaction made: nobody waits */
	bool dropped;                   /* ... or one gone when it ended: nobody who could use it */
	long after;                     /* statements its transaction ran after the one that took it */
};

struct uptest_rewrite {
	char *relation;                 /* its relfilenode changed */
	char relkind;
	char *file;
	long line;
	double ms;                      /* the statement's duration */
	long long table_rows;           /* with --rows, of a filled table: its rows; else -1 */
	size_t statement;               /* the statement's index in its step */
};

/* What --rows put in the tables before the upgrade (uptest.py's "fill" evidence). */
struct uptest_skipped {
	char *table;                    /* "" when the fill itself stopped */
	char *why;
};

struct uptest_fill {
	bool done;                      /* the runner said it filled */
	long long rows;                 /* per table */
	double ms;
	struct strvec tables;           /* filled */
	struct uptest_skipped *skipped;
	size_t n_skipped, cap_skipped;
	size_t more;                    /* tables filled or skipped the runner left out */
};

struct uptest_step {
	char *step;                     /* upgrade, downgrade, re-upgrade */
	struct uptest_statement *statements;
	size_t n_statements, cap_statements;
	struct uptest_lock *locks;
	size_t n_locks, cap_locks;
	struct uptest_rewrite *rewrites;
	size_t n_rewrites, cap_rewrites;
	size_t tx_first;                /* the first statement of the transaction under way */
};

#define UPTEST_SQL_MAX 300
#define UPTEST_EVIDENCE_MAX 2000        /* statements, locks or rewrites kept per step */

struct uptest_evidence {
	struct uptest_step *v;
	size_t n, cap;
	struct strvec notes;            /* the tracer's own (it stopped) */
	struct uptest_fill fill;        /* with --rows */
	size_t dropped;                 /* beyond UPTEST_EVIDENCE_MAX */
	size_t ignored;                 /* lines that were not evidence as uptest.py writes it */
	char *first_ignored;            /* why the first of them was ignored */
};

struct uptest_result {
	char *revision;
	enum test_outcome outcome;
	char *step;                     /* the step that failed; NULL for a pass */
	char *error;                    /* its error in one line, or NULL */
	char *log;                      /* the last lines of this revision's output (UTF-8) */
	struct uptest_catalog down;     /* after the downgrade, against before the upgrade */
	struct uptest_catalog again;    /* after the re-upgrade, against after the upgrade */
	bool trace;                     /* failed only because the catalog differed */
	struct uptest_evidence evidence;
};

struct uptest_run {
	char *python;                   /* the interpreter that ran Alembic */
	char *alembic;                  /* Alembic's version, "" if it never said */
	char *database;                 /* the backend: sqlite, postgresql, ... */
	struct uptest_result *v;        /* one per revision reached, in order */
	size_t n, cap;
	bool interrupted;               /* cancelled: the revision running then has no result */
	struct uptest_models models;    /* when asked (uptest_options.models) */
};

/*
 * Tests revs (ids) in the order given.  0 when the runner ran: out->v says
 * what passed and failed.  -1 when it could not start or refused (no
 * Python with Alembic, a database that is not empty, env.py connecting
 * elsewhere ...): err says why, and out->v holds what finished before.
 */
int uptest_run(const struct project *p, const char *const *revs, size_t n,
	       const struct uptest_options *o, struct uptest_run *out, struct mr_error *err);

/*
 * Records every result of run in rv as the evidence of the tested item, for
 * the blob each revision has in g, run by runner, with the summary of its
 * trace on PostgreSQL (uptest_evidence_summary()) and, for a head, what the
 * models comparison found; saves the file.
 */
int uptest_record(struct review *rv, const struct uptest_run *run, const struct graph *g,
		  const char *runner, struct mr_error *err);

/*
 * Where to test: given (--database-url), else [migreview] test_database_url,
 * else *url is NULL: a temporary SQLite file.
 */
int uptest_target(const struct project *p, const char *given, char **url, struct mr_error *err);

/* The env.py a run imports, in the script directory (new string; NULL: out of memory). */
char *uptest_env_py(const struct project *p);

/*
 * Where a run goes, as the consent question and messages name it (new
 * string; NULL: out of memory): "a temporary SQLite file" for a NULL url,
 * else "a scratch database on URL" with URL's password hidden.
 */
char *uptest_target_text(const char *url);

/*
 * The interpreter to run Alembic with: MIGREVIEW_PYTHON, else [migreview]
 * python, else the one named on the first line of the `alembic` found on
 * PATH, else python3 on PATH.  An absolute path, or NULL with err set.
 */
char *uptest_python(const struct project *p, struct mr_error *err);

/*
 * Reads one evidence line of the runner ("STEP JSON", after "evidence REV")
 * into ev.  0 when it was used or ignored (counted in ev->ignored), -1 only
 * when memory ran out.
 */
int uptest_evidence_add(struct uptest_evidence *ev, const char *step, const char *json);

/*
 * The strongest lock on each relation that existed before (not created),
 * strongest first: pointers into s->locks, in a new array of *n (NULL when
 * there is none or memory ran out: *n says which).  Of locks of the same
 * mode on a relation, the one held longest.
 */
const struct uptest_lock **uptest_strongest_locks(const struct uptest_step *s, size_t *n);

/*
 * What the review file keeps of ev (review.h): per step the strongest lock
 * each line took on each relation that existed before and after its
 * transaction (neither created nor dropped by it; strongest first),
 * the rewrites of those, the slowest
 * statements, the throughput of those that rewrote or scanned a filled
 * table; a line in another file than script (the migration's file
 * name) is 0.  *out is NULL when ev has no step; -1 when memory ran out.
 */
int uptest_evidence_summary(const struct uptest_evidence *ev, const char *script,
			    struct run_evidence **out);

void uptest_evidence_free(struct uptest_evidence *ev);

void uptest_run_free(struct uptest_run *run);

#endif

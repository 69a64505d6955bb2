/*
 * A review session: what a reviewer sees and signs, kept equal to what is
 * on disk.  The session owns the project's analysis (graph, each file's
 * content and content id as read, findings), the review file's records,
 * the reviewer, and the background analysis; the UI is views over it.
 *
 * Its rules:
 * - Findings belong to the content read with them: each revision's text
 *   and blob are those the analysis saw.  session_poll() notices changed,
 *   new and removed migration files and a changed or removed review file
 *   (a stat poll), reads the project again and analyses it in the
 *   background; until that is done, session_analysed() is false and no
 *   decision can be taken.
 * - A decision binds to the blob analysed, and names the decision it
 *   replaces as shown (review.h): another reviewer's newer decision on disk
 *   is never overwritten.  A block by someone else is lifted only
 *   deliberately, with a reason.
 * - The review file on disk is the truth: a removed or replaced file is
 *   read again, never written back from memory; one that does not parse
 *   keeps the decisions taken here pending, said to be unsaved, and they
 *   are saved when it parses again.
 *
 * struct session owns everything in it; session_close() releases it.
 */
#ifndef MIGREVIEW_SESSION_H
#define MIGREVIEW_SESSION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <threads.h>

#include "migreview/error.h"
#include "migreview/report.h"
#include "migreview/review.h"

/* The analysis, on its own thread while the graph is already shown. */
struct session_job {
	struct report *r;               /* its graph's operations and parse findings are
					   the job's to fill (graph_complete) until it is done */
	struct findings all;
	char **texts;           /* per revision: the text the snapshot left for later, read */
	size_t *text_lens;
	struct mr_error err;
	int rc;
	atomic_bool done;
	thrd_t thread;
	bool running;           /* started and not joined yet */
};

/* A save of the pending decisions, on its own thread: the UI never waits for the disk. */
struct session_save {
	char *path;
	struct review *pending;         /* handed over by review_take_pending() */
	struct review written;          /* the file as written, and the conflicts found */
	struct mr_error err;
	int rc;
	atomic_bool done;
	thrd_t thread;
	bool running;
};

/*
 * The look at the files on disk, on its own thread: finding the project's
 * files again (a realpath each) takes 0.1 s at 10,000 migrations, which the
 * UI must not wait for every half second.  It compares with a copy of the
 * paths and stamps read, so a read of the project meanwhile is no concern.
 */
struct session_watch {
	const char *config, *section, *directory;       /* the session's */
	struct strvec paths;
	struct mr_stamp *stamps;
	bool changed;
	atomic_bool done;
	thrd_t thread;
	bool running;
};

/* One decision as taken, so that undo and redo can take it back and again. */
struct session_step {
	char *revision;         /* by id: a graph read again has other indices */
	int item;
	enum decision_status before, after;
	char *before_reason, *after_reason;
	char *before_blob, *after_blob; /* the content each was taken on: undo keeps a stale one stale */
	unsigned group;         /* steps of one group are undone together (A); 0: alone */
};

/*
 * Where migrations stand, the baseline's history left out as the gate
 * leaves it: those of the graph, and how many are signed off, stale and
 * blocked; their error and warning findings still open, and those decided
 * (their item accepted or waived for the file as read, or not applicable).
 */
struct session_counts {
	size_t migrations, signed_off, stale, blocked;
	size_t open_errors, open_warnings, decided;
};

struct session_undo {
	struct session_step *v;
	size_t n, cap;
	size_t done;            /* steps [0, done) are applied; the rest can be redone */
	unsigned group, groups; /* the group open (0: none), and how many were opened */
};

struct session {
	char *config, *section, *directory;     /* as opened, to read the project again */
	struct report rep;              /* the content read and, once analysed, its findings */
	bool analysed;                  /* rep's findings are those of rep's content */
	unsigned graph_gen;             /* counts the times rep was read: views keyed on it */
	struct session_job job;
	struct session_save save;
	struct session_watch watch;
	struct review review;
	bool review_broken;             /* the file does not parse: nothing is written to it */
	bool save_failed;               /* the last save failed: tried again at the next look */
	char review_problem[MR_ERROR_MAX];
	char *reviewer;
	struct session_undo undo;
	struct {                /* where the migrations stand, counted again after a change */
		struct session_counts c;
		bool dirty;
	} totals;
	long long next_poll_ms;         /* monotonic: when the files are looked at again */
	unsigned hold;                  /* how many things run on the project as read (a
					 * test, the list's search index): changed
					 * migrations wait to be read again */
	bool quick_failed;              /* the header scanner misread a file: read without it */
	bool reread;                    /* ... and the project waits for no hold to be read again */
};

/* What session_poll() found, as bits. */
enum {
	SESSION_ANALYSED = 1 << 0,      /* the findings are in (or the analysis failed: err) */
	SESSION_FILES_CHANGED = 1 << 1, /* migration files changed: read again, analysing */
	SESSION_REVIEW_CHANGED = 1 << 2,/* the review file changed on disk and was read again */
	SESSION_REVIEW_BROKEN = 1 << 3, /* ... and does not parse (review_problem says why) */
	SESSION_SAVED = 1 << 4,         /* pending decisions were saved */
	SESSION_FAILED = 1 << 5,        /* something went wrong: err says what */
	SESSION_CONFLICT = 1 << 6,      /* a save kept another reviewer's newer decision: err */
	SESSION_UNSAVED = 1 << 7,       /* a save failed: the decisions wait (review_problem) */
	SESSION_GRAPH_READ = 1 << 8,    /* the graph was read again, the files unchanged (a header
					   the scanner read was not the parser's): analysing */
};

/*
 * Opens the project (config, section and directory as project_open_at()
 * takes them),
 * reads its graph with every file's text and blob, reads the review file
 * and starts the analysis.  A review file that does not parse is not an
 * error: review_broken says so.
 */
int session_open(struct session *s, const char *config, const char *section,
		 const char *directory, struct mr_error *err);

/*
 * Looks for what changed since the last call: the analysis or a save
 * finishing (at once), and, at most every interval_ms, the files on disk
 * (a look on its own thread, said at a later call when it is done).  wait
 * makes it wait for a running analysis, save and look (screen tests see
 * the analysed screen; unit tests what was saved and what changed).
 */
unsigned session_poll(struct session *s, int interval_ms, bool wait, struct mr_error *err);

/* Whether the findings shown are those of the content shown. */
bool session_analysed(const struct session *s);

/*
 * Where revision rev's review stands for its content as read; false for a
 * file outside the graph.
 */
bool session_review_state(const struct session *s, size_t rev, struct migration_review *out);

/* Why no decision can be taken on rev now (not analysed, changed on disk ...), or NULL. */
const char *session_refusal(const struct session *s, size_t rev);

/*
 * Records a decision on item of rev for the content analysed, shown at
 * once, and saves it on another thread: session_poll() says how that went
 * (SESSION_SAVED, SESSION_CONFLICT when someone else's newer decision was
 * kept instead and is shown from then on, SESSION_UNSAVED).  Refused (-1,
 * err says why) while the analysis is not current or when the file changed
 * on disk since it was read.  When the item is blocked by another reviewer
 * and lift is false, nothing is recorded and SESSION_LIFT_NEEDED is
 * returned, err naming the block: lifting it takes lift and a reason.
 * An accept is refused as session_accept_check() says, SESSION_NOTE_NEEDED
 * included.
 */
#define SESSION_LIFT_NEEDED 1
#define SESSION_NOTE_NEEDED 2
int session_decide(struct session *s, size_t rev, int item, enum decision_status status,
		   const char *reason, bool lift, struct mr_error *err);

/*
 * Whether item of rev can be accepted with note (NULL or "" for none): 0
 * when it can; -1 for `tested` without a passing up/down run recorded for
 * the content analysed (a run, not a word, is its evidence: waive it
 * instead); SESSION_NOTE_NEEDED when the item has error findings and no
 * note, unless [migreview] accept_errors_needs_note = false.  err says why.
 * rev must be one session_refusal() has nothing against.
 */
int session_accept_check(const struct session *s, size_t rev, int item, const char *note,
			 struct mr_error *err);

/*
 * Takes the newest decision taken here back (redo: takes it again), by
 * the rules of session_decide() (lifting a block someone placed since is
 * refused: decide it instead).  *rev is the revision it was on; 1 when
 * there is nothing to undo or redo.
 */
int session_undo(struct session *s, bool redo, size_t *rev, struct mr_error *err);

/*
 * Between session_group(s, true) and session_group(s, false), the decisions
 * taken are one step for undo and redo: what one key did, one key takes back.
 */
void session_group(struct session *s, bool open);

/* The counts of the whole project, kept until a decision or a new analysis. */
const struct session_counts *session_totals(struct session *s);

/* The counts of the revisions in scope (one bool per revision), counted now. */
void session_count(const struct session *s, const bool *scope, struct session_counts *out);

/* Waits for a running save and saves what is still pending: before quitting. */
int session_flush(struct session *s, struct mr_error *err);

/* The decisions taken here and not saved, one line each (new strings in out). */
int session_unsaved(const struct session *s, struct strvec *out);

void session_close(struct session *s);

#endif

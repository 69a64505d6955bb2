/* The review session (session.h): the analysis, the review file and the rules for deciding. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migreview/inifile.h"
#include "migreview/session.h"
#include "migreview/trust.h"
#include "migreview/util.h"

#define SESSION_LOAD (REVISION_LOAD_MIGRATION | REVISION_LOAD_BLOB | REVISION_LOAD_TEXT | \
		      REVISION_LOAD_SNAPSHOT)

/*
 * The texts the snapshot vouched for, read behind the first screen: what a
 * search looks in.  1 when a file is no longer what was read.
 */
static int
read_texts(struct session_job *job)
{
	const struct graph *g = &job->r->g;

	job->texts = calloc(g->n + 1, sizeof(*job->texts));
	job->text_lens = calloc(g->n + 1, sizeof(*job->text_lens));
	if (!job->texts || !job->text_lens)
		return mr_error_oom(&job->err);
	for (size_t i = 0; i < g->n; i++)
		if (g->revs[i].text_later &&
		    !revision_text(&g->revs[i], &job->text_lens[i], &job->texts[i]))
			return 1;
	return 0;
}

static void
free_texts(struct session_job *job)
{
	for (size_t i = 0; job->texts && i < job->r->g.n; i++)
		free(job->texts[i]);
	free(job->texts);
	free(job->text_lens);
	job->texts = NULL;
	job->text_lens = NULL;
}

static int
job_main(void *arg)
{
	struct session_job *job = arg;

	/* the graph was read for the first screen: the parse comes first, when needed */
	job->rc = report_collect(job->r, &job->all, &job->err);
	if (job->rc == 0)
		job->rc = read_texts(job);
	atomic_store(&job->done, true);
	return 0;
}

static int
start_analysis(struct session *s, struct mr_error *err)
{
	struct session_job *job = &s->job;

	s->analysed = false;
	job->r = &s->rep;
	job->rc = 0;
	atomic_init(&job->done, false);
	if (thrd_create(&job->thread, job_main, job) != thrd_success)
		return mr_error_set(err, "cannot start the analysis thread");
	job->running = true;
	return 0;
}

/*
 * Takes the findings over; the tested item's come from the review file's
 * runs.  1 when a header the scanner read is not the parser's: the project
 * is to be read again without the scanner (read_again()).
 */
static int
finish_analysis(struct session *s, struct mr_error *err)
{
	struct session_job *job = &s->job;

	thrd_join(job->thread, NULL);
	job->running = false;
	if (job->rc != 0)
		free_texts(job);
	if (job->rc == 1) {
		findings_free(&job->all);
		s->quick_failed = s->reread = true;
		return 1;
	}
	if (job->rc < 0) {
		findings_free(&job->all);
		return mr_error_set(err, "the analysis failed: %.900s", job->err.msg);
	}
	/* the graph is this thread's again: the texts go where they are read */
	for (size_t i = 0; i < s->rep.g.n; i++)
		if (job->texts[i]) {
			s->rep.g.revs[i].text = job->texts[i];
			s->rep.g.revs[i].text_len = job->text_lens[i];
			s->rep.g.revs[i].text_later = false;
			job->texts[i] = NULL;
		}
	free_texts(job);
	if (report_adopt(&s->rep, &job->all, err) < 0 ||
	    report_evidence(&s->rep, &s->review, err) < 0)
		return -1;
	s->analysed = true;
	return 0;
}

/* A conflict the save found: shown from now on, said once. */
static unsigned
conflict(struct session *s, struct mr_error *err)
{
	const struct decision *d = &s->review.conflicts[0];
	char more[48] = "";

	if (s->review.n_conflicts > 1)
		snprintf(more, sizeof(more), " (and %zu more such)", s->review.n_conflicts - 1);
	mr_error_set(err, "not saved: %s decided %s %s at %s%s%s, which you had not seen; it is "
		     "shown now (decide again to override it)%s", d->reviewer, d->item,
		     decision_status_name(d->status), d->timestamp, d->reason ? ": " : "",
		     d->reason ? d->reason : "", more);
	review_clear_conflicts(&s->review);
	return SESSION_CONFLICT;
}

static int
save_main(void *arg)
{
	struct session_save *sv = arg;

	sv->rc = review_write_pending(sv->path, sv->pending, &sv->written, &sv->err);
	atomic_store(&sv->done, true);
	return 0;
}

/* Starts saving what is pending, unless a save runs or the file does not parse. */
static void
start_save(struct session *s)
{
	struct session_save *sv = &s->save;

	if (sv->running || !s->review.pending || s->review_broken)
		return;
	sv->path = mr_strdup(s->review.path);
	sv->pending = review_take_pending(&s->review);
	atomic_init(&sv->done, false);
	if (!sv->path || thrd_create(&sv->thread, save_main, sv) != thrd_success) {
		review_give_back_pending(&s->review, sv->pending, NULL);
		free(sv->path);
		sv->path = NULL;
		return;
	}
	sv->running = true;
}

/* Takes a finished save in: what the file has now, conflicts, or the records back. */
static unsigned
finish_save(struct session *s, struct mr_error *err)
{
	struct session_save *sv = &s->save;
	unsigned ev = 0;

	thrd_join(sv->thread, NULL);
	sv->running = false;
	if (sv->rc < 0) {
		review_give_back_pending(&s->review, sv->pending, NULL);
		/* a full disk or a lock may pass: the next look tries again */
		s->save_failed = true;
		snprintf(s->review_problem, sizeof(s->review_problem), "%s", sv->err.msg);
		mr_error_set(err, "kept, not saved: %.900s", sv->err.msg);
		ev = SESSION_UNSAVED;
	} else {
		review_free(sv->pending);
		free(sv->pending);
		s->save_failed = false;
		ev = SESSION_SAVED;
		if (review_take_written(&s->review, &sv->written, err) < 0)
			ev |= SESSION_FAILED;
		else if (s->review.n_conflicts)
			ev |= conflict(s, err);
		if (s->analysed && report_evidence(&s->rep, &s->review, err) < 0)
			ev |= SESSION_FAILED;
	}
	sv->pending = NULL;
	free(sv->path);
	sv->path = NULL;
	return ev;
}

static int
read_project(struct session *s, struct report *r, struct mr_error *err)
{
	struct project_where w = { s->config, s->section, s->directory };
	/* the first screen waits for no parse; the analysis parses first (graph_complete) */
	unsigned quick = s->quick_failed ? 0 : REVISION_LOAD_QUICK;

	memset(r, 0, sizeof(*r));
	if (project_open_at(&r->p, &w, err) < 0 ||
	    graph_load(&r->g, &r->p, SESSION_LOAD | quick, err) < 0)
		return -1;
	return report_baseline(r, &r->p, err);
}

int
session_open(struct session *s, const char *config, const char *section, const char *directory,
	     struct mr_error *err)
{
	struct mr_error problem;
	char *path;

	memset(s, 0, sizeof(*s));
	if ((config && !(s->config = mr_strdup(config))) ||
	    (section && !(s->section = mr_strdup(section))) ||
	    (directory && !(s->directory = mr_strdup(directory))))
		return mr_error_oom(err);
	if (read_project(s, &s->rep, err) < 0 || review_path(&s->rep.p, &path, err) < 0)
		return -1;
	if (review_load(&s->review, path, &problem) < 0) {
		if (!s->review.path) {
			free(path);
			return mr_error_oom(err);
		}
		s->review_broken = true;
		snprintf(s->review_problem, sizeof(s->review_problem), "%s", problem.msg);
	}
	free(path);
	s->reviewer = review_reviewer(s->rep.p.root);
	if (!s->reviewer)
		return mr_error_oom(err);
	/* decisions are signed as the reviewer signs commits (trust.h) */
	s->review.signing_key = trust_signing_key(s->rep.p.root);
	s->next_poll_ms = mr_now_ms();
	s->totals.dirty = true;
	return start_analysis(s, err);
}

/* Whether the migration files differ from those read: new, removed or changed. */
static int
watch_main(void *arg)
{
	struct session_watch *wt = arg;
	struct project_where w = { wt->config, wt->section, wt->directory };
	struct project now;
	struct mr_error err;

	/* a half-written alembic.ini: look again later */
	if (project_open_at(&now, &w, &err) == 0) {
		wt->changed = now.files.n != wt->paths.n;
		for (size_t i = 0; !wt->changed && i < now.files.n; i++)
			wt->changed = strcmp(now.files.v[i], wt->paths.v[i]) ||
				      !mr_stamp_equal(mr_stamp_of(now.files.v[i]), wt->stamps[i]);
		project_free(&now);
	}
	atomic_store(&wt->done, true);
	return 0;
}

static void
watch_free(struct session_watch *wt)
{
	strvec_free(&wt->paths);
	free(wt->stamps);
	wt->stamps = NULL;
}

/* Starts a look at the files as they were read; false when it cannot (it is tried later). */
static bool
watch_start(struct session *s)
{
	struct session_watch *wt = &s->watch;
	const struct graph *g = &s->rep.g;

	wt->config = s->config;
	wt->section = s->section;
	wt->directory = s->directory;
	wt->changed = false;
	wt->stamps = malloc((g->n + 1) * sizeof(*wt->stamps));
	for (size_t i = 0; wt->stamps && i < g->n; i++) {
		wt->stamps[i] = g->revs[i].stamp;
		if (strvec_push(&wt->paths, g->revs[i].path) < 0)
			break;
	}
	atomic_init(&wt->done, false);
	if (!wt->stamps || wt->paths.n != g->n ||
	    thrd_create(&wt->thread, watch_main, wt) != thrd_success) {
		watch_free(wt);
		return false;
	}
	wt->running = true;
	return true;
}

/* The look's answer, once it is done (wait: whatever it takes). */
static bool
watch_finish(struct session *s, bool wait, bool *changed)
{
	struct session_watch *wt = &s->watch;

	if (!wt->running || (!wait && !atomic_load(&wt->done)))
		return false;
	thrd_join(wt->thread, NULL);
	wt->running = false;
	*changed = wt->changed;
	watch_free(wt);
	return true;
}

/* Reads the project again and starts analysing it; the old report stays on failure. */
static int
reread(struct session *s, struct mr_error *err)
{
	struct report next;

	if (read_project(s, &next, err) < 0) {
		report_free(&next);
		return -1;
	}
	report_free(&s->rep);
	s->rep = next;
	s->graph_gen++;
	return start_analysis(s, err);
}

/* The project read again without the header scanner, which misread a file. */
static int
read_again(struct session *s, struct mr_error *err)
{
	if (reread(s, err) < 0)
		return -1;      /* tried again at the next look */
	s->reread = false;
	return 0;
}

/* The review file changed on disk: read it again, and save what waited for it. */
static unsigned
review_changed(struct session *s, struct mr_error *err)
{
	unsigned ev = SESSION_REVIEW_CHANGED;
	struct mr_error why;

	if (review_refresh(&s->review, &why) < 0) {
		bool was = s->review_broken;

		s->review_broken = true;
		snprintf(s->review_problem, sizeof(s->review_problem), "%s", why.msg);
		return was ? 0 : SESSION_REVIEW_BROKEN;
	}
	s->review_broken = false;
	/* what waited for a file that parses is saved now */
	start_save(s);
	if (s->analysed && report_evidence(&s->rep, &s->review, err) < 0)
		ev |= SESSION_FAILED;
	return ev;
}

/* What the look at the files found, when it is done: the project read again if they changed. */
static unsigned
look_done(struct session *s, bool wait, struct mr_error *err)
{
	bool changed;

	if (!watch_finish(s, wait, &changed) || !changed)
		return 0;
	/* what runs on the files as read keeps them: the next look sees it again */
	if (s->job.running || s->hold)
		return 0;
	return SESSION_FILES_CHANGED | (reread(s, err) < 0 ? SESSION_FAILED : 0);
}

static unsigned
poll_once(struct session *s, int interval_ms, bool wait, struct mr_error *err)
{
	unsigned ev = 0;
	long long now;

	while (s->job.running && (wait || atomic_load(&s->job.done))) {
		int rc = finish_analysis(s, err);

		/* what runs on the files as read (a test, the search index) keeps them */
		if (rc == 1 && !s->hold) {
			ev |= SESSION_GRAPH_READ | (read_again(s, err) < 0 ? SESSION_FAILED : 0);
			continue;
		}
		if (rc != 1)
			ev |= SESSION_ANALYSED | (rc < 0 ? SESSION_FAILED : 0);
		break;
	}
	if (s->save.running && (wait || atomic_load(&s->save.done))) {
		ev |= finish_save(s, err);
		start_save(s);  /* what was decided meanwhile */
	}
	now = mr_now_ms();
	if (now < s->next_poll_ms)
		return ev | look_done(s, wait, err);
	s->next_poll_ms = now + interval_ms;
	/* our own save changes the file too: it is read when the save is done */
	if (!s->save.running && review_changed_on_disk(&s->review))
		ev |= review_changed(s, err);
	else if (s->save_failed && !s->save.running)
		start_save(s);
	/* a change during an analysis is seen when it is done */
	if (!s->job.running && !s->hold && s->reread)
		ev |= SESSION_GRAPH_READ | (read_again(s, err) < 0 ? SESSION_FAILED : 0);
	else if (!s->job.running && !s->hold && !s->watch.running)
		watch_start(s);
	return ev | look_done(s, wait, err);
}

unsigned
session_poll(struct session *s, int interval_ms, bool wait, struct mr_error *err)
{
	unsigned ev = poll_once(s, interval_ms, wait, err);

	if (ev)
		s->totals.dirty = true;
	return ev;
}

bool
session_analysed(const struct session *s)
{
	return s->analysed;
}

bool
session_review_state(const struct session *s, size_t rev, struct migration_review *out)
{
	const struct revision *r;

	if (rev >= s->rep.g.n || !s->rep.g.revs[rev].in_graph)
		return false;
	r = &s->rep.g.revs[rev];
	review_migration(&s->review, r->id, r->blob, report_not_applicable(&s->rep, rev), out);
	return true;
}

const char *
session_refusal(const struct session *s, size_t rev)
{
	const struct revision *r = rev < s->rep.g.n ? &s->rep.g.revs[rev] : NULL;

	if (!r)
		return "no migration selected";
	if (!r->in_graph || !r->id)
		return "this file is not in the revision graph: there is nothing to sign off";
	if (!r->blob[0])
		return "the file could not be read whole, so a decision could not say what it was "
		       "taken on";
	if (!s->analysed)
		return "the files are being analysed: decide when the findings are current";
	if (!mr_stamp_equal(mr_stamp_of(r->path), r->stamp))
		return "the file changed on disk since it was read: it is read again now, decide "
		       "on what it is";
	return NULL;
}


/* [migreview] accept_errors_needs_note: true unless the project says false. */
static int
errors_need_note(const struct session *s, struct mr_error *err)
{
	char *value = NULL;
	int b = 1;

	if (project_setting(&s->rep.p, "accept_errors_needs_note", &value, err) < 0)
		return -1;
	if (value && (b = inifile_parse_bool(value)) < 0)
		mr_error_set(err, "accept_errors_needs_note = %.200s: not a boolean", value);
	free(value);
	return b;
}

int
session_accept_check(const struct session *s, size_t rev, int item, const char *note,
		     struct mr_error *err)
{
	const struct revision *r = &s->rep.g.revs[rev];
	size_t n, first = report_findings(&s->rep, rev, &n), errors = 0;
	int need;

	/* the item's evidence is a run: the reviewer's word cannot stand in for it */
	if (item == CHECK_TESTED && !review_tested_passed(&s->review, r->id, r->blob))
		return mr_error_set(err, "tested needs a passing up/down run of this content: "
				    "run it (t), or waive the item with a reason (w)");
	for (size_t i = first; i < first + n; i++)
		errors += s->rep.all.v[i].rule->item == (enum check_item)item &&
			  s->rep.all.v[i].severity == SEVERITY_ERROR;
	if (!errors || (note && *note))
		return 0;
	if ((need = errors_need_note(s, err)) <= 0)
		return need;
	mr_error_set(err, "%s has %zu error finding%s: accepting it takes a note", checklist[item].id,
		     errors, errors == 1 ? "" : "s");
	return SESSION_NOTE_NEEDED;
}

/*
 * Decides without touching undo: the rules of session_decide(), on the
 * content of blob (NULL: as read now; undo puts a decision back on the
 * content it was taken on).  *taken says whether it was recorded, saved or
 * not: a refusal is no step to undo.
 */
static int
decide(struct session *s, size_t rev, int item, enum decision_status status,
       const char *reason, const char *blob, bool lift, bool *taken, struct mr_error *err)
{
	const char *why = session_refusal(s, rev);
	const struct revision *r;
	const struct decision *cur;
	int rc;

	*taken = false;
	if (why)
		return mr_error_set(err, "%s", why);
	r = &s->rep.g.revs[rev];
	if (!blob)
		blob = r->blob;
	/*
	 * Before a block is lifted: the reviewer is not asked for a reason in
	 * vain.  An accept on other content signs nothing off: it is stale.
	 */
	if (status == DECISION_ACCEPTED && !strcmp(blob, r->blob) &&
	    (rc = session_accept_check(s, rev, item, reason, err)))
		return rc;
	cur = review_find(&s->review, r->id, checklist[item].id);
	/* another reviewer's block is lifted only on purpose, and says why */
	if (cur && cur->status == DECISION_BLOCKED && status != DECISION_BLOCKED &&
	    strcmp(cur->reviewer, s->reviewer)) {
		if (!lift) {
			mr_error_set(err, "%s blocked %s: %s", cur->reviewer, checklist[item].id,
				     cur->reason ? cur->reason : "");
			return SESSION_LIFT_NEEDED;
		}
		if (!reason || !*reason)
			return mr_error_set(err, "lifting %s's block needs a reason", cur->reviewer);
	}
	if (review_record(&s->review, r->id, checklist[item].id, status, reason, s->reviewer,
			  blob, err) < 0)
		return -1;
	*taken = true;
	s->totals.dirty = true;
	start_save(s);
	if (s->review_broken || s->save_failed)
		return mr_error_set(err, "kept, not saved: %.900s",
				    s->review_problem);
	return 0;
}

static void
step_free(struct session_step *st)
{
	free(st->revision);
	free(st->before_reason);
	free(st->after_reason);
	free(st->before_blob);
	free(st->after_blob);
}

int
session_decide(struct session *s, size_t rev, int item, enum decision_status status,
	       const char *reason, bool lift, struct mr_error *err)
{
	const struct revision *r = rev < s->rep.g.n ? &s->rep.g.revs[rev] : NULL;
	const struct decision *old = r && r->id ? review_find(&s->review, r->id,
							       checklist[item].id) : NULL;
	struct session_step st = {
		.revision = r && r->id ? mr_strdup(r->id) : NULL, .item = item, .after = status,
		.before = old ? old->status : DECISION_CLEARED,
		.before_reason = old && old->reason ? mr_strdup(old->reason) : NULL,
		.after_reason = reason ? mr_strdup(reason) : NULL,
		.before_blob = old ? mr_strdup(old->blob) : NULL,
		.after_blob = r ? mr_strdup(r->blob) : NULL,
		.group = s->undo.group,
	};
	struct session_undo *u = &s->undo;
	bool taken;
	int rc = decide(s, rev, item, status, reason, NULL, lift, &taken, err);

	/* taken, even if kept unsaved: undo can take it back */
	if (!taken || !st.revision || (old && !st.before_blob) || (r && !st.after_blob)) {
		step_free(&st);
		return rc;
	}
	/* a new decision ends what could be redone */
	for (size_t i = u->done; i < u->n; i++)
		step_free(&u->v[i]);
	u->n = u->done;
	if (mr_grow(&u->v, &u->cap, u->n + 1, sizeof(*u->v)) == 0) {
		u->v[u->n++] = st;
		u->done = u->n;
	} else {
		step_free(&st);
	}
	return rc;
}

void
session_group(struct session *s, bool open)
{
	s->undo.group = open ? ++s->undo.groups : 0;
}

/* Undoes (redo: redoes) the one step next in line, as session_undo() says. */
static int
undo_step(struct session *s, bool redo, size_t *rev, struct mr_error *err)
{
	struct session_undo *u = &s->undo;
	struct session_step *st = &u->v[redo ? u->done : u->done - 1];
	bool taken;
	int rc;

	*rev = graph_find(&s->rep.g, st->revision);
	if (*rev == (size_t)-1)
		return mr_error_set(err, "%s is no longer in the project", st->revision);
	/* each on the content it was taken on: a stale decision put back stays stale */
	rc = decide(s, *rev, st->item, redo ? st->after : st->before,
		    redo ? st->after_reason : st->before_reason,
		    redo ? st->after_blob : st->before_blob, false, &taken, err);
	if (rc == SESSION_LIFT_NEEDED || rc == SESSION_NOTE_NEEDED) {
		char why[MR_ERROR_MAX];

		snprintf(why, sizeof(why), "%s", err->msg);
		return mr_error_set(err, rc == SESSION_LIFT_NEEDED ?
				    "%.900s since: decide it instead, which asks for a reason" :
				    "%.900s: accept it instead, which asks for the note", why);
	}
	if (!taken)
		return -1;
	u->done += redo ? 1 : -1;
	return rc;
}

int
session_undo(struct session *s, bool redo, size_t *rev, struct mr_error *err)
{
	struct session_undo *u = &s->undo;
	unsigned group;
	int rc;

	if (redo ? u->done == u->n : u->done == 0)
		return 1;
	group = u->v[redo ? u->done : u->done - 1].group;
	/* the rest of the step's group with it, while each goes through */
	do
		rc = undo_step(s, redo, rev, err);
	while (rc == 0 && group && (redo ? u->done < u->n : u->done > 0) &&
	       u->v[redo ? u->done : u->done - 1].group == group);
	return rc;
}

/* Whether finding f's item is decided (or has nothing to decide) for its file as read. */
static bool
finding_decided(const struct session *s, const struct finding *f, size_t *rev,
		struct migration_review *m, bool *known)
{
	/* findings come grouped by file: one review state per file */
	if (f->revision != *rev) {
		*rev = f->revision;
		*known = session_review_state(s, *rev, m);
	}
	return review_item_decided(*known ? m : NULL, f->rule->item);
}

void
session_count(const struct session *s, const bool *scope, struct session_counts *out)
{
	size_t rev = FINDING_NO_REVISION;
	struct migration_review m;
	bool known = false;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < s->rep.g.n_order; k++) {
		size_t r = s->rep.g.order[k];

		/* history is outside the gate: never stale, never waiting */
		if (report_history(&s->rep, r) || (scope && !scope[r]))
			continue;
		out->migrations++;
		if (!session_review_state(s, r, &m))
			continue;
		out->signed_off += m.state == MIGRATION_SIGNED;
		out->stale += m.state == MIGRATION_STALE;
		out->blocked += m.state == MIGRATION_BLOCKED;
	}
	for (size_t i = 0; i < s->rep.all.n; i++) {
		const struct finding *f = &s->rep.all.v[i];

		/* a file outside the graph has findings too; one of no file is in no scope */
		if (f->severity < SEVERITY_WARNING || report_history(&s->rep, f->revision) ||
		    (scope && (f->revision >= s->rep.g.n || !scope[f->revision])))
			continue;
		if (finding_decided(s, f, &rev, &m, &known))
			out->decided++;
		else if (f->severity == SEVERITY_ERROR)
			out->open_errors++;
		else
			out->open_warnings++;
	}
}

const struct session_counts *
session_totals(struct session *s)
{
	if (s->totals.dirty) {
		session_count(s, NULL, &s->totals.c);
		s->totals.dirty = false;
	}
	return &s->totals.c;
}

int
session_flush(struct session *s, struct mr_error *err)
{
	if (s->save.running)
		finish_save(s, err);
	/* one more try, here: its error is the one to tell */
	return s->review.unsaved ? review_save(&s->review, err) : 0;
}

int
session_unsaved(const struct session *s, struct strvec *out)
{
	const struct review *p = s->review.pending;

	for (size_t i = 0; p && i < p->n; i++)
		if (strvec_push_owned(out, mr_printf("%s %s: %s%s%s", p->v[i].revision,
				      p->v[i].item, decision_status_name(p->v[i].status),
				      p->v[i].reason ? ": " : "",
				      p->v[i].reason ? p->v[i].reason : "")) < 0)
			return -1;
	return 0;
}

void
session_close(struct session *s)
{
	struct mr_error ignored;
	bool changed;

	if (s->job.running) {
		thrd_join(s->job.thread, NULL);
		free_texts(&s->job);
	}
	watch_finish(s, true, &changed);
	if (s->save.running)
		finish_save(s, &ignored);
	findings_free(&s->job.all);
	for (size_t i = 0; i < s->undo.n; i++)
		step_free(&s->undo.v[i]);
	free(s->undo.v);
	review_free(&s->review);
	report_free(&s->rep);
	free(s->reviewer);
	free(s->config);
	free(s->section);
	free(s->directory);
	memset(s, 0, sizeof(*s));
}

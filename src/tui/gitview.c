/* Git in the UI: the history index on a thread, diffs, the --since scope. */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>

#include "migreview/util.h"
#include "tui/app.h"
#include "tui/gitview.h"

struct git_state {
	struct gitinfo *gi;             /* for diffs, on this thread; NULL outside git */
	char problem[MR_ERROR_MAX];     /* why git is not available */

	struct index_job *job;          /* the index being read; NULL when none is */
	struct history_index *ix;       /* NULL until the job is done */

	size_t hist_rev;                /* whose history hist is; (size_t)-1 for none */
	struct file_history hist;       /* from the index, for the history view */
	bool want_view;                 /* H was pressed before the index was in */
	char added[256];

	struct strvec diff;
	char diff_title[512];

	enum gitinfo_change *changes;   /* --since: per revision, how its file changed */
};

/*
 * The history index of every migration, read on its own thread with its
 * own repository.  The thread and the UI each hold the job; the last to let
 * go frees it, so that quitting or a reload never waits for a walk (the
 * first step of one reads every commit before it can be cancelled).
 */
struct index_job {
	atomic_int holders;
	atomic_bool done, cancel;
	atomic_size_t progress;
	char *root;
	struct strvec paths;    /* one per revision of the graph, in its order */
	/*
	 * Opened before the thread starts: libgit2 is set up on the UI's thread,
	 * and stays so while the job holds it.  Set up by the thread instead, it
	 * could be in the middle of that when the UI quits and the process's
	 * exit tears OpenSSL down under it (a crash found by CI under ASan).
	 */
	struct gitinfo *gi;
	struct history_index *ix;
	int rc;
	struct mr_error err;
};

/*
 * A job its thread still reads when the UI quits: the process ends before
 * the thread does, and a pointer held here keeps the leak checkers from
 * calling the job lost.  Never read (volatile: the store stays).
 */
static struct index_job *volatile left_running;

static void
job_release(struct index_job *job)
{
	if (atomic_fetch_sub(&job->holders, 1) != 1)
		return;
	history_index_free(job->ix);
	free(job->root);
	strvec_free(&job->paths);
	free(job);
}

static struct git_state *
gs(const struct app *app)
{
	return app->git;
}

/* The scope is the migrations whose files changed: the marks and the scope in one diff. */
static int
changes_since(struct app *app, struct mr_error *err)
{
	struct git_state *s = gs(app);

	free(s->changes);
	if (gitinfo_changes_since(s->gi, app->since, &app->s.rep.g, &s->changes, err) < 0)
		return -1;
	app->scope = calloc(app->s.rep.g.n + 1, sizeof(bool));
	if (!app->scope)
		return mr_error_oom(err);
	/* the baseline's history is outside the gate, and so outside the review's scope */
	for (size_t i = 0; i < app->s.rep.g.n; i++)
		app->scope[i] = s->changes[i] != GITINFO_UNCHANGED && !report_history(&app->s.rep, i);
	return 0;
}

static int
scope_since(struct app *app, struct mr_error *err)
{
	if (!gs(app)->gi)
		return mr_error_set(err, "--since %s: %s", app->since, gs(app)->problem);
	app->hide_unscoped = false;
	return changes_since(app, err);
}

static int
index_main(void *arg)
{
	struct index_job *job = arg;

	if (job->rc == 0) {
		job->rc = gitinfo_history_index(job->gi, job->paths.v, job->paths.n, &job->ix,
						&job->progress, &job->cancel, &job->err);
		gitinfo_free(job->gi);
	}
	atomic_store(&job->done, true);
	job_release(job);
	return 0;
}

/* Reads the history of every migration of the graph, on a thread: moving never waits on git. */
static void
start_index(struct app *app)
{
	struct git_state *s = gs(app);
	struct index_job *job;
	thrd_t thread;
	bool ok;

	if (!s->gi)
		return;
	if (!(job = calloc(1, sizeof(*job)))) {
		snprintf(s->problem, sizeof(s->problem), "cannot start reading the history");
		return;
	}
	atomic_init(&job->holders, 2);
	atomic_init(&job->done, false);
	atomic_init(&job->cancel, false);
	atomic_init(&job->progress, 0);
	ok = (job->root = mr_strdup(app->s.rep.p.root)) != NULL;
	for (size_t i = 0; ok && i < app->s.rep.g.n; i++)
		ok = strvec_push(&job->paths, app->s.rep.g.revs[i].path) == 0;
	if (ok)
		job->rc = gitinfo_open(&job->gi, job->root, &job->err);
	if (!ok || thrd_create(&thread, index_main, job) != thrd_success) {
		if (job->rc == 0)
			gitinfo_free(job->gi);
		atomic_store(&job->holders, 1);
		job_release(job);
		snprintf(s->problem, sizeof(s->problem), "cannot start reading the history");
		return;
	}
	thrd_detach(thread);
	s->job = job;
}

int
gitview_open(struct app *app, struct mr_error *err)
{
	struct git_state *s = calloc(1, sizeof(*s));
	struct mr_error why;

	if (!s)
		return mr_error_oom(err);
	app->git = s;
	s->hist_rev = (size_t)-1;
	if (gitinfo_open(&s->gi, app->s.rep.p.root, &why) < 0)
		snprintf(s->problem, sizeof(s->problem), "%s", why.msg);
	start_index(app);
	return app->since ? scope_since(app, err) : 0;
}

/* Stops the index under way (without waiting for it), drops the one in and what was taken from it. */
static void
drop_index(struct git_state *s)
{
	if (s->job) {
		atomic_store(&s->job->cancel, true);
		job_release(s->job);
		s->job = NULL;
	}
	history_index_free(s->ix);
	s->ix = NULL;
	file_history_free(&s->hist);
	s->hist_rev = (size_t)-1;
	s->want_view = false;
}

/* The selected migration's history from the index, for the history view. */
static bool
take_history(struct app *app)
{
	struct git_state *s = gs(app);
	size_t rev = app_selected(app);
	struct mr_error err;

	if (rev == s->hist_rev)
		return true;
	file_history_free(&s->hist);
	s->hist_rev = (size_t)-1;
	if (history_index_file(s->ix, rev, &s->hist, &err) < 0) {
		app_message(app, true, "%s", err.msg);
		return false;
	}
	s->hist_rev = rev;
	return true;
}

void
gitview_selected(struct app *app)
{
	struct git_state *s = gs(app);

	if (s && s->hist_rev != app_selected(app)) {
		file_history_free(&s->hist);
		s->hist_rev = (size_t)-1;
		s->want_view = false;
	}
}

bool
gitview_poll(struct app *app, bool wait)
{
	struct git_state *s = gs(app);

	struct index_job *job = s ? s->job : NULL;

	if (!job)
		return false;
	/* headless: the screens a script dumps do not depend on the thread's speed */
	while (wait && !atomic_load(&job->done))
		thrd_sleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
	if (!atomic_load(&job->done))
		return false;
	s->job = NULL;
	if (job->rc < 0) {
		snprintf(s->problem, sizeof(s->problem), "%s", job->err.msg);
		app_message(app, true, "%s", job->err.msg);
		s->want_view = false;
		job_release(job);
		return true;
	}
	s->ix = job->ix;
	job->ix = NULL;
	job_release(job);
	if (app_selected(app) < app->s.rep.g.n) {
		/* H waited for it, or the history view shows a file read again */
		if (s->want_view && take_history(app))
			app_push(app, VIEW_HISTORY);
		else if (app->n_overlay && app->overlay[app->n_overlay - 1] == VIEW_HISTORY)
			take_history(app);
	}
	s->want_view = false;
	return true;
}

const struct file_history *
gitview_file_history(const struct app *app, size_t *progress)
{
	struct git_state *s = gs(app);

	*progress = s && s->job ? atomic_load(&s->job->progress) : 0;
	return s && s->hist_rev == app_selected(app) ? &s->hist : NULL;
}

const char *
gitview_added(const struct app *app)
{
	struct git_state *s = gs(app);
	size_t rev = app_selected(app);
	struct history_summary sum;
	char day[16];

	if (s && s->job)
		return "history: reading...";
	if (!s || !s->ix || rev >= app->s.rep.g.n)
		return NULL;
	history_index_summary(s->ix, rev, &sum);
	if (!sum.added)
		return NULL;
	file_commit_day(sum.added, day);
	snprintf(s->added, sizeof(s->added), "added %s by %s", day, sum.added->author);
	return s->added;
}

const struct strvec *
gitview_diff(const struct app *app, const char **title)
{
	*title = gs(app)->diff_title;
	return &gs(app)->diff;
}

void
gitview_history(struct app *app)
{
	struct git_state *s = gs(app);

	if (!s->gi) {
		app_message(app, true, "no history: %s", s->problem);
		return;
	}
	if (app_selected(app) >= app->s.rep.g.n) {
		app_message(app, true, "no migration selected");
		return;
	}
	if (s->ix) {
		if (take_history(app))
			app_push(app, VIEW_HISTORY);
		return;
	}
	if (!s->job) {
		app_message(app, true, "no history: %s", s->problem);
		return;
	}
	/* the index is being read: the view opens when it is in */
	s->want_view = true;
	app_message(app, false, "reading the history...");
}

static void
show_diff(struct app *app, struct strvec *lines, const char *title)
{
	struct git_state *s = gs(app);

	strvec_free(&s->diff);
	s->diff = *lines;
	snprintf(s->diff_title, sizeof(s->diff_title), "%s", title);
	app_push(app, VIEW_DIFF);
}

/*
 * The content of rev shown and analysed (NULL when it was not read whole),
 * never what the disk has by now: false, and said, when a file the
 * snapshot vouched for has changed since (it is read again).
 */
static bool
shown_text(struct app *app, size_t rev, const char **text, size_t *len, char **own)
{
	const struct revision *r = &app->s.rep.g.revs[rev];

	*len = 0;
	*text = revision_text(r, len, own);
	if (!*text && r->text_later) {
		app_message(app, true, "%s has changed since it was read: it is read again",
			    r->relpath);
		app->s.reread = true;
		return false;
	}
	return true;
}

void
gitview_signoff_diff(struct app *app)
{
	struct git_state *s = gs(app);
	size_t rev = app_selected(app);
	struct strvec lines = { 0 };
	struct mr_error err;
	const char *blob, *text;
	char title[512], *own;
	size_t len;
	int rc;

	if (rev >= app->s.rep.g.n || !app->s.rep.g.revs[rev].id) {
		app_message(app, true, "no migration selected");
		return;
	}
	blob = review_reviewed_blob(&app->s.review, app->s.rep.g.revs[rev].id,
				    app->s.rep.g.revs[rev].blob);
	if (!blob) {
		app_message(app, true, "nothing decided on this migration yet: no signed-off "
			    "version to compare with");
		return;
	}
	if (!strcmp(blob, app->s.rep.g.revs[rev].blob)) {
		app_message(app, false, "unchanged since it was reviewed");
		return;
	}
	if (!s->gi) {
		app_message(app, true, "no diff: %s", s->problem);
		return;
	}
	/* the content shown and analysed, not what the disk has by now */
	if (!shown_text(app, rev, &text, &len, &own))
		return;
	rc = gitinfo_blob_diff(s->gi, blob, app->s.rep.g.revs[rev].path, text, len, &lines, &err);
	free(own);
	if (rc < 0) {
		if (err.msg[0])
			app_message(app, true, "%s", err.msg);
		strvec_free(&lines);
		return;
	}
	snprintf(title, sizeof(title), "Changes since sign-off: %s", app->s.rep.g.revs[rev].relpath);
	show_diff(app, &lines, title);
}

void
gitview_commit_diff(struct app *app, size_t commit)
{
	struct git_state *s = gs(app);
	const struct file_commit *c;
	struct strvec lines = { 0 };
	struct mr_error err;
	char title[512];

	if (commit >= s->hist.n)
		return;
	c = &s->hist.v[commit];
	if (gitinfo_commit_diff(s->gi, c->id, c->path, c->old_path, &lines, &err) < 0) {
		app_message(app, true, "%s", err.msg);
		strvec_free(&lines);
		return;
	}
	snprintf(title, sizeof(title), "Commit %.10s: %s", c->id, c->summary);
	show_diff(app, &lines, title);
}

enum gitinfo_change
gitview_change(const struct app *app, size_t rev)
{
	struct git_state *s = gs(app);

	return s && s->changes && rev < app->s.rep.g.n ? s->changes[rev] : GITINFO_UNCHANGED;
}

void
gitview_since_diff(struct app *app)
{
	struct git_state *s = gs(app);
	size_t rev = app_selected(app);
	const struct revision *r = rev < app->s.rep.g.n ? &app->s.rep.g.revs[rev] : NULL;
	struct strvec lines = { 0 };
	struct mr_error err;
	const char *text;
	char title[512], *own;
	size_t len;
	int rc;

	if (!app->since) {
		app_message(app, true, "no ref to compare with: start migreview with --since GITREF");
		return;
	}
	if (!r) {
		app_message(app, true, "no migration selected");
		return;
	}
	/* the content shown and analysed, not what the disk has by now */
	if (!shown_text(app, rev, &text, &len, &own))
		return;
	rc = gitinfo_since_diff(s->gi, app->since, r->path, text, len, &lines, &err);
	free(own);
	if (rc != 0) {
		if (rc < 0)
			app_message(app, true, "%s", err.msg);
		else
			app_message(app, false, "unchanged since %s", app->since);
		strvec_free(&lines);
		return;
	}
	snprintf(title, sizeof(title), "Changes since %s: %s", app->since, r->relpath);
	show_diff(app, &lines, title);
}

void
gitview_toggle_scope(struct app *app)
{
	if (!app->scope) {
		app_message(app, true, "no scope: start migreview with --since GITREF");
		return;
	}
	app->hide_unscoped = !app->hide_unscoped;
	app_list_rows(app);
	app_message(app, false, app->hide_unscoped ? "showing only migrations changed since %s" :
			    "showing all; unchanged since %s dimmed",
		    app->since);
}

int
gitview_graph_changed(struct app *app, struct mr_error *err)
{
	struct git_state *s = gs(app);

	if (!s)
		return 0;
	drop_index(s);
	start_index(app);
	free(app->scope);
	app->scope = NULL;
	free(s->changes);
	s->changes = NULL;
	return app->since ? scope_since(app, err) : 0;
}

void
gitview_close(struct app *app)
{
	struct git_state *s = gs(app);

	if (!s)
		return;
	if (s->job && !atomic_load(&s->job->done))
		left_running = s->job;
	drop_index(s);
	strvec_free(&s->diff);
	gitinfo_free(s->gi);
	free(s->changes);
	free(s);
	app->git = NULL;
	free(app->scope);
	app->scope = NULL;
}

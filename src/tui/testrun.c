/* The up/down test of the selected migration, on a thread, its output streamed. */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "migreview/uptest.h"
#include "migreview/userconf.h"
#include "migreview/util.h"
#include "tui/app.h"
#include "tui/testrun.h"

#define MAX_LINES 20000         /* the view keeps the newest */

struct testrun_state {
	char *database_url;             /* --database-url, or NULL for the project's choice */
	bool consented;                 /* --trust, the reviewer's config, or a y this session */
	size_t asked;                   /* the revision the consent question is about */
	char question[PROMPT_MAX];

	thrd_t thread;
	bool running;                   /* started and not joined yet */
	atomic_bool done, cancel;
	const struct project *p;        /* read-only while the thread runs */
	char *rev_id;
	size_t rev;
	char *url;
	struct uptest_run run;
	int rc;
	struct mr_error err;

	mtx_t lock;                     /* guards what follows: the thread writes, the view reads */
	struct strvec lines;
	char *partial;                  /* a line still being written */
	size_t partial_len;
	char step[160];
	char outcome[160];              /* how the last test ended, for the title */
};

static struct testrun_state *
ts(const struct app *app)
{
	return app->test;
}

int
testrun_open(struct app *app, const char *database_url, bool trust)
{
	struct testrun_state *s = calloc(1, sizeof(*s));
	char *env_py;

	if (!s || mtx_init(&s->lock, mtx_plain) != thrd_success) {
		free(s);
		return -1;
	}
	app->test = s;
	s->rev = (size_t)-1;
	if (database_url && !(s->database_url = mr_strdup(database_url)))
		return -1;
	if (!(env_py = uptest_env_py(&app->s.rep.p)))
		return -1;
	s->consented = trust || userconf_trusts(&app->conf, app->s.rep.p.ini_path, env_py);
	free(env_py);
	return 0;
}

/* Drops the oldest lines beyond MAX_LINES, under the lock. */
static void
trim(struct strvec *lines)
{
	size_t drop;

	if (lines->n <= MAX_LINES)
		return;
	drop = lines->n - MAX_LINES;
	for (size_t i = 0; i < drop; i++)
		free(lines->v[i]);
	memmove(lines->v, lines->v + drop, (lines->n - drop) * sizeof(*lines->v));
	lines->n -= drop;
}

/* The engine's output callback, on the test's thread. */
static void
on_output(void *ctx, const char *text, size_t len)
{
	struct testrun_state *s = ctx;

	mtx_lock(&s->lock);
	for (size_t i = 0; i < len; i++) {
		char *grown;

		if (text[i] == '\n') {
			char *line = malloc(s->partial_len + 1);

			if (line) {
				memcpy(line, s->partial ? s->partial : "", s->partial_len);
				line[s->partial_len] = '\0';
				if (strvec_push_owned(&s->lines, line) < 0)
					free(line);
			}
			s->partial_len = 0;
			continue;
		}
		grown = realloc(s->partial, s->partial_len + 2);
		if (!grown)
			continue;
		s->partial = grown;
		s->partial[s->partial_len++] = text[i];
	}
	trim(&s->lines);
	mtx_unlock(&s->lock);
}

static void
on_step(void *ctx, const char *revision, const char *step)
{
	struct testrun_state *s = ctx;

	mtx_lock(&s->lock);
	snprintf(s->step, sizeof(s->step), "%s %.12s", step, revision);
	mtx_unlock(&s->lock);
}

static int
test_main(void *arg)
{
	struct testrun_state *s = arg;
	const char *revs[] = { s->rev_id };
	struct uptest_options o = {
		.database_url = s->url, .cancel = &s->cancel,
		.output = on_output, .step = on_step, .ctx = s,
	};

	s->rc = uptest_run(s->p, revs, 1, &o, &s->run, &s->err);
	atomic_store(&s->done, true);
	return 0;
}

static void
join(struct testrun_state *s)
{
	thrd_join(s->thread, NULL);
	s->running = false;
	free(s->rev_id);
	s->rev_id = NULL;
	free(s->url);
	s->url = NULL;
}

/* Starts the test of rev on its thread. */
static void
start(struct app *app, struct testrun_state *s, size_t rev)
{
	struct mr_error err;
	char *where;

	if (uptest_target(&app->s.rep.p, s->database_url, &s->url, &err) < 0) {
		app_message(app, true, "%s", err.msg);
		return;
	}
	mtx_lock(&s->lock);
	strvec_free(&s->lines);
	s->partial_len = 0;
	snprintf(s->step, sizeof(s->step), "starting");
	s->outcome[0] = '\0';
	mtx_unlock(&s->lock);
	uptest_run_free(&s->run);
	s->p = &app->s.rep.p;
	/* the test reads the project as the session has it: not read again under it */
	app->s.hold++;
	s->rev = rev;
	s->rev_id = mr_strdup(app->s.rep.g.revs[rev].id);
	atomic_store(&s->done, false);
	atomic_store(&s->cancel, false);
	if (!s->rev_id || thrd_create(&s->thread, test_main, s) != thrd_success) {
		free(s->rev_id);
		s->rev_id = NULL;
		app->s.hold--;
		app_message(app, true, "cannot start the test");
		return;
	}
	s->running = true;
	app_push(app, VIEW_TEST);
	where = uptest_target_text(s->url);
	app_message(app, false, "testing %.12s: running its migration code on %s", s->rev_id,
		    where ? where : "the test database");
	free(where);
}

/* The session's first run of the project's code waits for a y to this. */
static void
ask(struct app *app, struct testrun_state *s, size_t rev)
{
	struct mr_error err;
	char *url = NULL, *where = NULL, *env_py = NULL, *shown = NULL;

	if (uptest_target(&app->s.rep.p, s->database_url, &url, &err) < 0) {
		app_message(app, true, "%s", err.msg);
		return;
	}
	if (!(where = uptest_target_text(url)) || !(env_py = uptest_env_py(&app->s.rep.p)) ||
	    !(shown = app_shown_path(env_py))) {
		app_message(app, true, "out of memory");
	} else {
		snprintf(s->question, sizeof(s->question),
			 "Run this project's code (y/N)? Alembic runs %s on %s ", shown, where);
		s->asked = rev;
		app->prompt_for = PROMPT_CONSENT;
		prompt_start(&app->prompt, s->question);
	}
	free(url);
	free(where);
	free(env_py);
	free(shown);
}

void
testrun_start(struct app *app)
{
	struct testrun_state *s = ts(app);
	size_t rev = app_selected(app);

	if (s->running) {
		app_push(app, VIEW_TEST);
		app_message(app, false, "a test is running already: this is its output");
	} else if (rev >= app->s.rep.g.n || !app->s.rep.g.revs[rev].in_graph) {
		app_message(app, true, "only a migration in the revision graph can be tested");
	} else if (s->consented) {
		start(app, s, rev);
	} else {
		ask(app, s, rev);
	}
}

void
testrun_answer(struct app *app, int key)
{
	struct testrun_state *s = ts(app);

	if (key != 'y') {
		app_message(app, false, "cancelled: nothing was run");
		return;
	}
	s->consented = true;
	start(app, s, s->asked);
}

/* Records the result as evidence and says how it went. */
static void
take_result(struct app *app, struct testrun_state *s)
{
	const struct uptest_result *res = s->run.n ? &s->run.v[0] : NULL;
	const char *id = app->s.rep.g.revs[s->rev].id;
	struct mr_error err;
	char saved[MR_ERROR_MAX + 32] = "";

	if (res && uptest_record(&app->s.review, &s->run, &app->s.rep.g, app->s.reviewer, &err) < 0)
		snprintf(saved, sizeof(saved), " (not recorded: %s)", err.msg);
	else if (res)
		snprintf(saved, sizeof(saved), " (recorded)");
	if (session_analysed(&app->s) && report_evidence(&app->s.rep, &app->s.review, &err) == 0)
		app_findings_changed(app);
	app->s.totals.dirty = true;
	mtx_lock(&s->lock);
	if (s->rc < 0)
		snprintf(s->outcome, sizeof(s->outcome), "could not run");
	else if (!res)
		snprintf(s->outcome, sizeof(s->outcome), "interrupted");
	else if (res->outcome == TEST_PASSED)
		snprintf(s->outcome, sizeof(s->outcome), "passed on %s", s->run.database);
	else
		snprintf(s->outcome, sizeof(s->outcome), "FAILED at the %s step on %s", res->step,
			 s->run.database);
	if (s->rc < 0) {
		/* why it could not run belongs with its output */
		char *why = mr_printf("migreview: %s", s->err.msg);

		if (why && strvec_push_owned(&s->lines, why) < 0)
			free(why);
	}
	mtx_unlock(&s->lock);
	if (s->rc < 0)
		app_message(app, true, "the test of %.12s could not run: %s", id, s->err.msg);
	else
		app_message(app, res && res->outcome == TEST_FAILED, "test of %.12s: %s%s", id,
			    s->outcome, saved);
}

bool
testrun_poll(struct app *app, bool wait)
{
	struct testrun_state *s = ts(app);

	if (!s || !s->running || (!wait && !atomic_load(&s->done)))
		return false;
	join(s);
	take_result(app, s);
	app->s.hold--;
	return true;
}

bool
testrun_busy(const struct app *app)
{
	return ts(app) && ts(app)->running;
}

const char *const *
testrun_lines(struct app *app, size_t *n, char *title, size_t size)
{
	struct testrun_state *s = ts(app);
	const char *id = s->rev < app->s.rep.g.n ? app->s.rep.g.revs[s->rev].id : NULL;

	mtx_lock(&s->lock);
	if (!id)
		snprintf(title, size, "Test: none run yet (t: test the selected migration)");
	else if (s->running)
		snprintf(title, size, "Test of %.12s: %s... (q: back, the test goes on)", id, s->step);
	else
		snprintf(title, size, "Test of %.12s: %s (q: back)", id, s->outcome);
	*n = s->lines.n;
	return (const char *const *)s->lines.v;
}

void
testrun_unlock(struct app *app)
{
	mtx_unlock(&ts(app)->lock);
}

void
testrun_close(struct app *app)
{
	struct testrun_state *s = ts(app);

	if (!s)
		return;
	if (s->running) {
		atomic_store(&s->cancel, true);
		join(s);
	}
	uptest_run_free(&s->run);
	strvec_free(&s->lines);
	free(s->partial);
	free(s->database_url);
	mtx_destroy(&s->lock);
	free(s);
	app->test = NULL;
}

/*
 * `t` in the UI: the up/down test of the selected migration, run by the
 * engine's uptest on a thread while the UI stays responsive.  Its output
 * streams into the test view; when it ends, the result is recorded in the
 * review file and the checklist's tested item shows it.  One test at a time.
 *
 * The project's code runs only with the reviewer's consent: --trust, a
 * trust line of their configuration (migreview/userconf.h), or a y to the
 * question the first t of the session asks.
 */
#ifndef MIGREVIEW_TUI_TESTRUN_H
#define MIGREVIEW_TUI_TESTRUN_H

#include <stdbool.h>
#include <stddef.h>

struct app;

/* trust: --trust was given; app->conf and the project must be read already. */
int testrun_open(struct app *app, const char *database_url, bool trust);
/* Interrupts a running test (its scratch database is dropped) and waits for it. */
void testrun_close(struct app *app);

void testrun_start(struct app *app);            /* t */
/* The key that answers t's question (the prompt is closed already): y runs. */
void testrun_answer(struct app *app, int key);
/* Takes a finished test in (headless: waits for it); true when the screen changed. */
bool testrun_poll(struct app *app, bool wait);
bool testrun_busy(const struct app *app);

/*
 * For the test view, under the lock that testrun_lines() takes and
 * testrun_unlock() releases: the output lines so far, and a title.
 */
const char *const *testrun_lines(struct app *app, size_t *n, char *title, size_t size);
void testrun_unlock(struct app *app);

#endif

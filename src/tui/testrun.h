/*
 * `t` in the UI: the up/down test of the selected migration, run by the
 * engine's uptest on a thread while the UI stays responsive.  Its output
 * streams into the test view; when it ends, the result is recorded in the
 * review file and the checklist's tested item shows it.  One test at a time.
 */
#ifndef MIGREVIEW_TUI_TESTRUN_H
#define MIGREVIEW_TUI_TESTRUN_H

#include <stdbool.h>
#include <stddef.h>

struct app;

int testrun_open(struct app *app, const char *database_url);
/* Interrupts a running test (its scratch database is dropped) and waits for it. */
void testrun_close(struct app *app);

void testrun_start(struct app *app);            /* t */
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

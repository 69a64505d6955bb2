/*
 * Git in the UI: the history index of every migration, read once on a
 * thread when the UI opens (the history view and the "added by" note come
 * from it, so moving the selection never waits on git), diffs of a commit,
 * since sign-off or since the --since ref for the diff view, and the
 * --since scope of the list with its marks.
 * Outside a repository everything else works and these say why they cannot.
 */
#ifndef MIGREVIEW_TUI_GITVIEW_H
#define MIGREVIEW_TUI_GITVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/gitinfo.h"

struct app;

/* Opens the repository; with --since, a failure (no repository, unknown ref) is fatal. */
int gitview_open(struct app *app, struct mr_error *err);
void gitview_close(struct app *app);
/* The session read the graph again: its indices changed (history, --since scope). */
int gitview_graph_changed(struct app *app, struct mr_error *err);

/* The selection moved: the history taken for the view is another file's. */
void gitview_selected(struct app *app);
/* Takes the finished index in (headless: waits for it); true when the screen changed. */
bool gitview_poll(struct app *app, bool wait);

void gitview_history(struct app *app);          /* H */
void gitview_signoff_diff(struct app *app);     /* d */
void gitview_commit_diff(struct app *app, size_t commit);
void gitview_toggle_scope(struct app *app);     /* s */
void gitview_since_diff(struct app *app);       /* D */

/* With --since: how the revision's file changed since the ref (the list's A, M, R). */
enum gitinfo_change gitview_change(const struct app *app, size_t rev);

/* For the views: the history shown (NULL while it is read) and how far the walk got. */
const struct file_history *gitview_file_history(const struct app *app, size_t *progress);
/*
 * "added 2026-01-01 by Ann <ann@example.com>" for the selected file,
 * "history: reading..." while the index is read, or NULL.
 */
const char *gitview_added(const struct app *app);
/* The diff view's lines ('F', 'H', '+', '-', ' ' first) and title. */
const struct strvec *gitview_diff(const struct app *app, const char **title);

#endif

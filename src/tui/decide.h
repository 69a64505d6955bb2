/* Decisions in the UI: what app.c and the checklist call (see decide.c). */
#ifndef MIGREVIEW_TUI_DECIDE_H
#define MIGREVIEW_TUI_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct session_counts;

/* What the status line counts: over the --since scope when there is one, else the graph. */
void decide_counts(struct app *app, struct session_counts *c);
/* Takes the last decision back, or (redo) takes it again. */
void decide_undo(struct app *app, bool redo);
/* The reason prompt ended with Enter: decides, or keeps asking when it is empty. */
bool decide_reason_done(struct app *app);

#endif

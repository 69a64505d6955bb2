/* Decisions in the UI: what app.c and the checklist call (see decide.c). */
#ifndef MIGREVIEW_TUI_DECIDE_H
#define MIGREVIEW_TUI_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

struct app;

/* Signed off, stale and blocked migrations, counted again after a change. */
void decide_totals(struct app *app, size_t *signed_off, size_t *stale, size_t *blocked);
/* Takes the last decision back, or (redo) takes it again. */
void decide_undo(struct app *app, bool redo);
/* The reason prompt ended with Enter: decides, or keeps asking when it is empty. */
bool decide_reason_done(struct app *app);

#endif

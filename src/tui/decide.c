/*
 * Decisions from the UI: taking them (saved at once through the engine's
 * review store), the reason prompt, undo and redo, and the review state
 * the list, the checklist and the status line show.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/util.h"
#include "tui/app.h"
#include "tui/decide.h"

bool
app_review_state(struct app *app, size_t rev, struct migration_review *out)
{
	return session_review_state(&app->s, rev, out);
}

void
decide_counts(struct app *app, struct session_counts *c)
{
	/* counted again at every draw: a scope is a pull request's few migrations */
	if (app->scope)
		session_count(&app->s, app->scope, c);
	else
		*c = *session_totals(&app->s);
}

/*
 * Takes a decision through the session; false when it was not taken (the
 * message says why).  Lifting another reviewer's block asks for a reason
 * first: then false too, and the prompt takes it from there.
 */
static bool
apply(struct app *app, size_t rev, int item, enum decision_status status, const char *reason)
{
	struct mr_error err;
	int rc = session_decide(&app->s, rev, item, status, reason,
				app->prompt_for == PROMPT_LIFT, &err);

	if (rc == SESSION_LIFT_NEEDED) {
		app->pending.rev = rev;
		app->pending.item = item;
		app->pending.status = status;
		app->prompt_for = PROMPT_LIFT;
		snprintf(app->question, sizeof(app->question), "%.400s. Lift the block, because: ",
			 err.msg);
		prompt_start(&app->prompt, app->question);
		return false;
	}
	if (rc == SESSION_NOTE_NEEDED) {
		app->pending.rev = rev;
		app->pending.item = item;
		app->pending.status = status;
		app->prompt_for = PROMPT_REASON;
		snprintf(app->question, sizeof(app->question), "%.400s. Accept, because: ", err.msg);
		prompt_start(&app->prompt, app->question);
		return false;
	}
	if (rc < 0) {
		app_shorten_review_path(app, err.msg);
		app_message(app, true, "%s", err.msg);
		/* kept here unsaved counts as taken: undo can take it back */
		return app->s.review.unsaved && !strncmp(err.msg, "kept, not saved", 15);
	}
	app_findings_changed(app);
	return true;
}

void
app_decide(struct app *app, size_t rev, int item, enum decision_status status,
	   const char *reason)
{
	app->message[0] = '\0';
	if (!apply(app, rev, item, status, reason))
		return;
	app->prompt_for = PROMPT_SEARCH;
	/* apply() said nothing: it went as asked; a filter may have moved the list on */
	if (!app->message[0])
		app_message(app, false, "%s %s: %s%s%s", app->s.rep.g.revs[rev].id,
			    checklist[item].id, decision_status_name(status), reason ? ": " : "",
			    reason ? reason : "");
}

void
decide_undo(struct app *app, bool redo)
{
	struct mr_error err;
	size_t rev = (size_t)-1, before = app->s.undo.done, steps;
	int rc = session_undo(&app->s, redo, &rev, &err);

	if (rc == 1) {
		app_message(app, false, redo ? "nothing to redo" : "nothing to undo");
		return;
	}
	/* undo brings the item back to its migration, wherever the cursor went */
	if (rev != (size_t)-1 && app_selected(app) != rev)
		for (size_t row = 0; row < app->n_rows; row++)
			if (app->rows[row] == rev) {
				app_select_row(app, row);
				break;
			}
	if (rc < 0) {
		app_shorten_review_path(app, err.msg);
		app_message(app, true, "%s", err.msg);
		return;
	}
	app_findings_changed(app);
	steps = redo ? app->s.undo.done - before : before - app->s.undo.done;
	if (steps > 1) {
		app_message(app, false, "%s %zu decisions taken by one key", redo ? "redone" : "undone",
			    steps);
	} else {
		const struct session_step *st = &app->s.undo.v[redo ? app->s.undo.done - 1 :
								app->s.undo.done];

		app_message(app, false, "%s %s %s: now %s", redo ? "redone" : "undone",
			    st->revision, checklist[st->item].id,
			    decision_status_name(redo ? st->after : st->before));
	}
}

void
app_ask_reason(struct app *app, size_t rev, int item, enum decision_status status)
{
	const char *why = session_refusal(&app->s, rev);

	if (why) {
		app_message(app, true, "%s", why);
		return;
	}
	app->pending.rev = rev;
	app->pending.item = item;
	app->pending.status = status;
	app->prompt_for = PROMPT_REASON;
	prompt_start(&app->prompt, status == DECISION_WAIVED ? "Waive, because: " :
				   "Block, because: ");
}

bool
decide_reason_done(struct app *app)
{
	const char *p = app->prompt.text;

	while (*p == ' ')
		p++;
	if (!*p) {
		/* the prompt stays: a waive or block without a reason is no decision */
		app->prompt.active = true;
		app_message(app, true, "%s is required (Esc cancels)",
			    app->pending.status == DECISION_ACCEPTED ? "a note" : "a reason");
		return false;
	}
	app_decide(app, app->pending.rev, app->pending.item, app->pending.status, p);
	return true;
}


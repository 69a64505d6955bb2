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
	const struct revision *r;
	const char *blob;

	if (rev >= app->rep.g.n || !app->rep.g.revs[rev].in_graph)
		return false;
	r = &app->rep.g.revs[rev];
	blob = rev == app_selected(app) && app->sel_blob[0] ? app->sel_blob : r->blob;
	review_migration(&app->review, r->id, blob, out);
	return true;
}

void
decide_totals(struct app *app, size_t *signed_off, size_t *stale, size_t *blocked)
{
	if (app->totals.dirty) {
		app->totals.signed_off = app->totals.stale = app->totals.blocked = 0;
		for (size_t k = 0; k < app->rep.g.n_order; k++) {
			struct migration_review m;

			if (!app_review_state(app, app->rep.g.order[k], &m))
				continue;
			app->totals.signed_off += m.state == MIGRATION_SIGNED;
			app->totals.stale += m.state == MIGRATION_STALE;
			app->totals.blocked += m.state == MIGRATION_BLOCKED;
		}
		app->totals.dirty = false;
	}
	*signed_off = app->totals.signed_off;
	*stale = app->totals.stale;
	*blocked = app->totals.blocked;
}

/* Why nothing can be decided here, or NULL. */
static const char *
refusal(struct app *app, size_t rev)
{
	if (app->review_readonly)
		return "the review file does not parse, so it is read-only: fix it or move it away";
	if (rev >= app->rep.g.n)
		return "no migration selected";
	if (!app->rep.g.revs[rev].in_graph || !app->rep.g.revs[rev].id)
		return "this file is not in the revision graph: there is nothing to sign off";
	if (!app->sel_blob[0])
		return "the file cannot be read, so a decision could not say what it was taken on";
	return NULL;
}

/* Applies a decision without touching undo; false when it failed (message set). */
static bool
apply(struct app *app, size_t rev, int item, enum decision_status status, const char *reason)
{
	struct mr_error err;
	const char *why = refusal(app, rev);

	if (why) {
		app_message(app, true, "%s", why);
		return false;
	}
	app->totals.dirty = true;
	if (review_decide(&app->review, app->rep.g.revs[rev].id, checklist[item].id, status,
			  reason, app->reviewer, app->sel_blob, &err) < 0) {
		app_message(app, true, "%s", err.msg);
		return false;
	}
	/* the file as decided on is the file as the list now knows it */
	memcpy(app->rep.g.revs[rev].blob, app->sel_blob, sizeof(app->sel_blob));
	return true;
}

static void
step_free(struct undo_step *s)
{
	free(s->before_reason);
	free(s->after_reason);
}

void
app_decide(struct app *app, size_t rev, int item, enum decision_status status,
	   const char *reason)
{
	const struct decision *old = rev < app->rep.g.n && app->rep.g.revs[rev].id ?
		review_find(&app->review, app->rep.g.revs[rev].id, checklist[item].id) : NULL;
	struct undo_step step = {
		.rev = rev, .item = item, .after = status,
		.before = old ? old->status : DECISION_CLEARED,
		.before_reason = old && old->reason ? mr_strdup(old->reason) : NULL,
		.after_reason = reason ? mr_strdup(reason) : NULL,
	};
	struct undo_stack *u = &app->undo;

	if (!apply(app, rev, item, status, reason)) {
		step_free(&step);
		return;
	}
	/* a new decision ends what could be redone */
	for (size_t i = u->done; i < u->n; i++)
		step_free(&u->v[i]);
	u->n = u->done;
	if (mr_grow(&u->v, &u->cap, u->n + 1, sizeof(*u->v)) == 0) {
		u->v[u->n++] = step;
		u->done = u->n;
	} else {
		step_free(&step);
	}
	app_message(app, false, "%s: %s%s%s", checklist[item].id, decision_status_name(status),
		    reason ? ": " : "", reason ? reason : "");
}

void
decide_undo(struct app *app, bool redo)
{
	struct undo_stack *u = &app->undo;
	struct undo_step *s;

	if (redo ? u->done == u->n : u->done == 0) {
		app_message(app, false, redo ? "nothing to redo" : "nothing to undo");
		return;
	}
	s = &u->v[redo ? u->done : u->done - 1];
	/* undo brings the item back to its migration, wherever the cursor went */
	if (app_selected(app) != s->rev)
		for (size_t row = 0; row < app->n_rows; row++)
			if (app->rows[row] == s->rev) {
				app_select_row(app, row);
				break;
			}
	if (!apply(app, s->rev, s->item, redo ? s->after : s->before,
		   redo ? s->after_reason : s->before_reason))
		return;
	u->done += redo ? 1 : -1;
	app_message(app, false, "%s %s: now %s", redo ? "redone" : "undone",
		    checklist[s->item].id, decision_status_name(redo ? s->after : s->before));
}

void
app_ask_reason(struct app *app, size_t rev, int item, enum decision_status status)
{
	const char *why = refusal(app, rev);

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
		app_message(app, true, "a reason is required (Esc cancels)");
		return false;
	}
	app_decide(app, app->pending.rev, app->pending.item, app->pending.status, p);
	return true;
}

void
decide_free(struct app *app)
{
	for (size_t i = 0; i < app->undo.n; i++)
		step_free(&app->undo.v[i]);
	free(app->undo.v);
	memset(&app->undo, 0, sizeof(app->undo));
}

/* The list's filters: which migrations the list shows, and its rows built from them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/util.h"
#include "tui/app.h"
#include "tui/filter.h"

static const char *const filter_name[LIST_FILTER_COUNT] = {
#define FILTER_NAME(id, name) name,
	LIST_FILTERS(FILTER_NAME)
#undef FILTER_NAME
};

int
filter_parse(const char *name)
{
	size_t n = strlen(name);
	int found = -1;

	/* "in scope", "in-scope" and "scope" name one filter */
	if (!strncmp(name, "in ", 3) || !strncmp(name, "in-", 3))
		name += 3, n -= 3;
	for (int f = 0; f < LIST_FILTER_COUNT && n; f++) {
		const char *full = filter_name[f];

		if (!strncmp(full, "in ", 3))
			full += 3;
		if (!strcmp(full, name))
			return f;
		if (!strncmp(full, name, n))
			found = found == -1 ? f : -2;
	}
	return found;
}

const char *
filter_names(void)
{
	static char names[128];

	/* as :filter takes them: "scope", not "in scope" */
	if (!names[0])
		for (int f = 0; f < LIST_FILTER_COUNT; f++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 f ? ", " : "", strncmp(filter_name[f], "in ", 3) ? filter_name[f] :
				 filter_name[f] + 3);
	return names;
}

/* Whether rev has an error finding whose item is not decided for its content. */
static bool
open_error(const struct app *app, size_t rev, const struct migration_review *m, bool known)
{
	size_t n, first = report_findings(&app->s.rep, rev, &n);

	for (size_t i = first; i < first + n; i++) {
		const struct finding *f = &app->s.rep.all.v[i];

		if (f->severity == SEVERITY_ERROR && !review_item_decided(known ? m : NULL,
									   f->rule->item))
			return true;
	}
	return false;
}

/*
 * How risky rev is, for the risk filter: the longest lock its findings
 * forecast (with production sizes), then how many large-table errors it has
 * (a table in large_tables, or over large_table_size).
 */
struct risk {
	float forecast;
	size_t errors;
};

static struct risk
risk_of(const struct app *app, size_t rev)
{
	size_t n, first = report_findings(&app->s.rep, rev, &n);
	struct risk r = { 0, 0 };

	for (size_t i = first; i < first + n; i++) {
		const struct finding *f = &app->s.rep.all.v[i];

		if (f->forecast > r.forecast)
			r.forecast = f->forecast;
		r.errors += f->rule->item == CHECK_LARGE_TABLE && f->severity == SEVERITY_ERROR;
	}
	return r;
}

/*
 * Whether filter f keeps rev.  What needs the reviewer: the baseline's
 * history, outside the gate, never does.
 */
static bool
kept(const struct app *app, enum list_filter f, size_t rev)
{
	struct migration_review m;
	bool known;

	if (f == LIST_FILTER_ALL)
		return true;
	if (f == LIST_FILTER_SCOPE)
		return app->scope && app->scope[rev];
	if (report_history(&app->s.rep, rev))
		return false;
	known = session_review_state(&app->s, rev, &m);
	if (f == LIST_FILTER_ERRORS)
		return open_error(app, rev, &m, known);
	if (f == LIST_FILTER_RISK) {
		struct risk r = risk_of(app, rev);

		return r.forecast > 0 || r.errors > 0;
	}
	if (f == LIST_FILTER_UNDECIDED)
		return known && (m.state == MIGRATION_OPEN || m.state == MIGRATION_STALE);
	return known && m.state == (f == LIST_FILTER_BLOCKED ? MIGRATION_BLOCKED : MIGRATION_STALE);
}

/* Adds rev to the rows when s and the filter show it; *row: where the selection goes. */
static void
add_row(struct app *app, size_t rev, size_t selected, bool *passed, size_t *row)
{
	*passed = *passed || rev == selected;
	if (app->hide_unscoped && app->scope && !app->scope[rev])
		return;
	app->n_unfiltered++;
	if (!kept(app, app->filter, rev))
		return;
	/* the selected migration, else the first shown after it */
	if (*passed && *row == (size_t)-1)
		*row = app->n_rows;
	app->rows[app->n_rows++] = rev;
}

struct ranked {
	size_t rev, at;         /* at: its row in review order */
	struct risk risk;
};

/* Riskier first; equals in review order. */
static int
riskier(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->risk.forecast != y->risk.forecast)
		return x->risk.forecast > y->risk.forecast ? -1 : 1;
	if (x->risk.errors != y->risk.errors)
		return x->risk.errors > y->risk.errors ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* The risk filter's rows, riskiest first; the row selected stays on its migration. */
static size_t
by_risk(struct app *app, size_t row)
{
	struct ranked *v = calloc(app->n_rows + 1, sizeof(*v));
	size_t moved = row;

	/* without memory the rows stay in review order: still the right ones */
	if (!v)
		return row;
	for (size_t k = 0; k < app->n_rows; k++)
		v[k] = (struct ranked){ app->rows[k], k, risk_of(app, app->rows[k]) };
	qsort(v, app->n_rows, sizeof(*v), riskier);
	for (size_t k = 0; k < app->n_rows; k++) {
		app->rows[k] = v[k].rev;
		if (v[k].at == row)
			moved = k;
	}
	free(v);
	return moved;
}

size_t
filter_rows(struct app *app)
{
	const struct graph *g = &app->s.rep.g;
	size_t selected = app_selected(app), row = (size_t)-1;
	bool passed;

	/* a filter that shows nothing keeps the place to come back to */
	if (selected == (size_t)-1)
		selected = app->filter_kept;
	else
		app->filter_kept = selected;
	passed = selected == (size_t)-1;

	app->n_rows = app->n_unfiltered = 0;
	for (size_t k = 0; k < g->n_order; k++)
		add_row(app, g->order[k], selected, &passed, &row);
	app->n_graph_rows = app->n_rows;
	/* files Alembic would not list (no id, a duplicate) still need a reviewer */
	for (size_t i = 0; i < g->n; i++)
		if (!g->revs[i].in_graph)
			add_row(app, i, selected, &passed, &row);
	if (app->filter == LIST_FILTER_RISK)
		row = by_risk(app, row);
	return row != (size_t)-1 ? row : app->n_rows ? app->n_rows - 1 : 0;
}

void
app_list_rows(struct app *app)
{
	size_t row = filter_rows(app);

	/* other rows: from the top, scrolled only as far as the selection needs */
	app->views[VIEW_LIST].top = 0;
	app_select_row(app, row);
}

bool
filter_narrowed(const struct app *app)
{
	/* the lanes belong to the whole graph: a filtered list is drawn without them */
	return app->hide_unscoped || app->filter != LIST_FILTER_ALL;
}

void
filter_describe(const struct app *app, size_t row, char *buf, size_t size)
{
	char at[32] = "";

	if (app->filter == LIST_FILTER_ALL) {
		*buf = '\0';
		return;
	}
	if (row != (size_t)-1)
		snprintf(at, sizeof(at), "%zu/", app->n_rows ? row + 1 : 0);
	snprintf(buf, size, "filter: %s %s %s%zu of %zu", filter_name[app->filter],
		 app->scr.ascii ? "-" : "\xe2\x80\x94", at, app->n_rows, app->n_unfiltered);
}

void
filter_set(struct app *app, enum list_filter f)
{
	char what[128];

	if (f == LIST_FILTER_SCOPE && !app->scope) {
		app_message(app, true, "no scope to filter by: start migreview with --since GITREF");
		return;
	}
	app->filter = f;
	app_list_rows(app);
	filter_describe(app, (size_t)-1, what, sizeof(what));
	if (f == LIST_FILTER_ALL)
		app_message(app, false, "no filter: every migration shows");
	else
		app_message(app, false, "%s%s", what, app->n_rows ? "" : ": none");
}

void
filter_next(struct app *app)
{
	enum list_filter f = (enum list_filter)((app->filter + 1) % LIST_FILTER_COUNT);

	/* in scope means something only with --since */
	if (f == LIST_FILTER_SCOPE && !app->scope)
		f = LIST_FILTER_ALL;
	filter_set(app, f);
}

/* The : prompt's commands. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/util.h"
#include "tui/app.h"
#include "tui/command.h"
#include "tui/filter.h"

static void goto_command(struct app *app, const char *arg);
static void filter_command(struct app *app, const char *arg);
static void quit_command(struct app *app, const char *arg);
static void help_command(struct app *app, const char *arg);

/*
 * Any start of a name runs its command (:q, :g): the names start with
 * different letters.  actions.h's COMMAND line says them for the help.
 */
static const struct command {
	const char *name;
	void (*run)(struct app *app, const char *arg);
} commands[] = {
	{ "goto", goto_command },
	{ "filter", filter_command },
	{ "quit", quit_command },
	{ "help", help_command },
};

/* The revision whose id is id, else the only one whose id starts with it; -1 and said if none. */
static size_t
find_revision(struct app *app, const char *id)
{
	const struct graph *g = &app->s.rep.g;
	size_t n = strlen(id), found = (size_t)-1, matches = 0;

	for (size_t i = 0; i < g->n; i++) {
		const char *rid = g->revs[i].id;

		if (!rid || strncmp(rid, id, n))
			continue;
		if (!rid[n])
			return i;
		found = i;
		matches++;
	}
	if (matches == 1)
		return found;
	if (matches)
		app_message(app, true, "%zu revisions start with %s: type more of it", matches, id);
	else
		app_message(app, true, "no revision %s", id);
	return (size_t)-1;
}

static void
goto_command(struct app *app, const char *arg)
{
	size_t rev, row = (size_t)-1;

	if (!*arg) {
		app_message(app, true, ":goto needs a revision id or the start of one");
		return;
	}
	if ((rev = find_revision(app, arg)) == (size_t)-1)
		return;
	for (size_t r = 0; r < app->n_rows && row == (size_t)-1; r++)
		if (app->rows[r] == rev)
			row = r;
	/* going there is what was asked: what hides it gives way */
	if (row == (size_t)-1) {
		app->filter = LIST_FILTER_ALL;
		app->hide_unscoped = false;
		filter_rows(app);
		for (size_t r = 0; r < app->n_rows && row == (size_t)-1; r++)
			if (app->rows[r] == rev)
				row = r;
		app_message(app, false, "filter cleared to show it");
	}
	app->n_overlay = 0;
	app_select_row(app, row);
}

static void
filter_command(struct app *app, const char *arg)
{
	int f;

	if (!*arg) {
		app_message(app, true, ":filter needs one of: %s", filter_names());
		return;
	}
	f = filter_parse(arg);
	if (f == -2)
		app_message(app, true, "'%s' starts several filters: %s", arg, filter_names());
	else if (f < 0)
		app_message(app, true, "no filter '%s': one of %s", arg, filter_names());
	else
		filter_set(app, (enum list_filter)f);
}

static void
quit_command(struct app *app, const char *arg)
{
	/* :q x is a typo, not a quit */
	if (*arg)
		app_message(app, true, ":quit takes nothing after it");
	else
		app->quit = true;
}

/* The help screen: its : line names the commands. */
static void
help_command(struct app *app, const char *arg)
{
	(void)arg;
	if (!app->n_overlay || app->overlay[app->n_overlay - 1] != VIEW_HELP)
		app_push(app, VIEW_HELP);
}

/* :NUMBER, as in vi: the focused view's line NUMBER. */
static void
line_command(struct app *app, const char *number)
{
	struct view *v = &app->views[app_focused_id(app)];
	unsigned long line = strtoul(number, NULL, 10);

	view_goto(v, app, line ? line - 1 : 0);
}

void
command_run(struct app *app, const char *line)
{
	char name[32];
	size_t n = 0, len;

	while (isspace((unsigned char)*line))
		line++;
	while (line[n] && !isspace((unsigned char)line[n]))
		n++;
	if (!n)
		return;
	snprintf(name, sizeof(name), "%.*s", (int)n, line);
	for (line += n; isspace((unsigned char)*line); line++)
		;
	/* the argument without the spaces after it */
	len = strlen(line);
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	if (strspn(name, "0123456789") == n) {
		line_command(app, name);
		return;
	}
	for (size_t i = 0; i < MR_ARRAY_SIZE(commands); i++)
		if (n <= strlen(commands[i].name) && !strncmp(commands[i].name, name, n)) {
			char arg[PROMPT_MAX];

			snprintf(arg, sizeof(arg), "%.*s", (int)len, line);
			commands[i].run(app, arg);
			return;
		}
	app_message(app, true, "unknown command :%s (:help lists them)", name);
}

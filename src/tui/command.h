/*
 * The : prompt's commands (:goto, :filter, :quit, :help, :NUMBER), said once
 * in a table that runs them and that :help lists.
 */
#ifndef MIGREVIEW_TUI_COMMAND_H
#define MIGREVIEW_TUI_COMMAND_H

struct app;

/* Runs line, as typed after ':'; what came of it is said on the status line. */
void command_run(struct app *app, const char *line);

#endif

/*
 * The review UI: the state every view reads and the loop that drives them.
 * The app owns the report, the theme, the screen and the terminal.
 */
#ifndef MIGREVIEW_TUI_APP_H
#define MIGREVIEW_TUI_APP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <threads.h>

#include "migreview/highlight.h"
#include "migreview/report.h"
#include "tui/keys.h"
#include "tui/lanes.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/view.h"

/* Style numbers on the screen: the UI slots, then the highlight captures. */
#define STYLE_UI(slot) ((uint16_t)(slot))
#define STYLE_SYNTAX(capture) ((uint16_t)(THEME_UI_COUNT + (capture)))

struct tui_options {
	const char *config, *section, *theme;
};

/* The analysis, running on its own thread while the list is already shown. */
struct analysis_job {
	const struct project *p;
	const struct graph *g;
	struct findings all;
	struct mr_error err;
	int rc;
	atomic_bool done;
	thrd_t thread;
	bool running;           /* started and not joined yet */
};

struct app {
	struct report rep;
	struct analysis_job job;
	struct term *term;
	struct screen scr;
	struct theme theme;
	struct highlighter *hl;
	struct keymap keys;
	struct lanes lanes;
	char *location;         /* the ini as the title shows it */
	const char **style_names;       /* per style number: its slot or capture name */

	size_t *rows;           /* list rows: revision indices, review order then outside the graph */
	size_t n_rows;
	size_t n_graph_rows;    /* the first n_graph_rows rows are in the graph */

	struct view views[VIEW_COUNT];
	enum view_id focus;     /* LIST, SOURCE or CHECKLIST */
	bool help;              /* the help screen is over the panes */
	bool single;            /* the last layout showed one pane at a time */

	char message[512];
	bool message_error;
	struct prompt prompt;
	char search[PROMPT_MAX];
	bool quit;
};

/* Runs the UI until the reviewer quits: an exit status. */
int tui_run(const struct tui_options *opts);

/* The revision of the list's cursor row, or (size_t)-1 on an empty project. */
size_t app_selected(const struct app *app);
/* The message on the status line until the next key. */
void app_message(struct app *app, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Focuses the source at line (1-based). */
void app_show_line(struct app *app, unsigned line);
/* Moves the list cursor to row and tells every pane. */
void app_select_row(struct app *app, size_t row);
/* Draws a pane title bar. */
void app_draw_title(struct app *app, struct rect r, const char *text, bool focused);
/* Case-insensitive unless needle has a capital letter (smartcase). */
const char *app_find(const char *hay, size_t len, const char *needle);

#endif

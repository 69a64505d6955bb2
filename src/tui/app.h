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
#include "migreview/review.h"
#include "migreview/session.h"
#include "tui/filter.h"
#include "tui/keys.h"
#include "tui/userconf.h"
#include "tui/lanes.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/view.h"

/* How often the files on disk are looked at while the reviewer reads (session_poll). */
#define SESSION_POLL_MS 500

/* Style numbers on the screen: the UI slots, then the highlight captures. */
#define STYLE_UI(slot) ((uint16_t)(slot))
#define STYLE_SYNTAX(capture) ((uint16_t)(THEME_UI_COUNT + (capture)))

struct tui_options {
	const char *config, *section, *theme, *since;
	const char *database_url;       /* for t: see uptest.h */
	bool trust;                     /* --trust: t runs the project's code without asking */
	const char *directory;          /* -d: the script directory */
};

/* What the status-line prompt is asking for. */
enum prompt_purpose { PROMPT_SEARCH, PROMPT_REASON, PROMPT_LIFT, PROMPT_CONSENT, PROMPT_COMMAND };

struct app {
	struct session s;       /* what is reviewed: the views show it, decisions go through it */
	char *selected_id, *selected_path;      /* the selected migration, across a new graph */
	bool kept_unsaved;      /* decisions waited unsaved: say so when they are saved */
	enum prompt_purpose prompt_for;
	char question[512];     /* what the prompt asks: why lift another's block, why accept */
	struct {                /* the decision waiting for its reason */
		size_t rev;
		int item;
		enum decision_status status;
	} pending;
	struct term *term;
	struct screen scr;
	struct theme theme;
	struct highlighter *hl;
	struct keymap keys;
	struct userconf conf;   /* the reviewer's config file: theme, trust, problems */
	struct lanes lanes;
	char *location;         /* the ini as the title shows it */
	const char **style_names;       /* per style number: its slot or capture name */

	size_t *rows;           /* list rows: revision indices, review order then outside the graph */
	size_t n_rows;
	size_t n_graph_rows;    /* the first n_graph_rows rows are in the graph */
	enum list_filter filter;        /* what the list shows (f, :filter) */
	size_t n_unfiltered;    /* the rows the list would show without the filter */
	size_t filter_kept;     /* the migration selected before a filter that shows none */

	struct view views[VIEW_COUNT];
	enum view_id focus;     /* LIST, SOURCE or CHECKLIST */
	enum view_id overlay[4];        /* views over the panes (help, history, diff), top last */
	size_t n_overlay;
	struct git_state *git;  /* history of the selected file, diffs, --since (gitview.c) */
	struct testrun_state *test;        /* the up/down test run by t (testrun.c) */
	bool *scope;            /* --since: per revision, whether its file changed; else NULL */
	bool hide_unscoped;     /* the list shows only the migrations in scope */
	const char *since;
	bool single;            /* the last layout showed one pane at a time */
	bool maximised;         /* z: the focused pane has the screen to itself */
	bool wrap;              /* W: long lines of the source and diffs wrap */
	size_t jumped_finding;  /* the finding Enter showed, named while its line has the cursor */

	char message[512];
	bool message_error;
	struct prompt prompt;
	char search[PROMPT_MAX];
	unsigned count;         /* the digits typed before a key (5j), 0 when none */
	bool quit;
};

/*
 * Runs the UI until the reviewer quits: an exit status, or -1 with *err
 * filled when it cannot start or ends on an error (the caller shows it).
 */
int tui_run(const struct tui_options *opts, struct mr_error *err);

/* The revision of the list's cursor row, or (size_t)-1 on an empty project. */
size_t app_selected(const struct app *app);
/* The message on the status line until the next key. */
void app_message(struct app *app, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Shows the review file's path in text as the title shows it (shorter, in place). */
void app_shorten_review_path(const struct app *app, char *text);
/* A path as the UI shows it (new string): relative to the working directory when inside it. */
char *app_shown_path(const char *path);
/* Focuses the source at line (1-based). */
void app_show_line(struct app *app, unsigned line);
/* Focuses the source at a finding's line (an index into the report's), naming that finding. */
void app_show_finding(struct app *app, size_t finding);
/* The report's findings changed: every pane reads them again, keeping its place. */
void app_findings_changed(struct app *app);
/* Moves the list cursor to row and tells every pane. */
void app_select_row(struct app *app, size_t row);
/*
 * The theme asked for (--theme), else the project's, else the reviewer's
 * default (user_default), else dark, else the built-in one (look.c).
 */
int app_load_theme(struct app *app, const char *name, const char *user_default,
		   struct mr_error *err);
/* Hands the terminal a style for every style number (look.c). */
int app_setup_styles(struct app *app);
/* Opens a view over the panes; q closes it. */
void app_push(struct app *app, enum view_id id);
/* Rebuilds the list's rows (after --since hides or shows migrations, or a filter: filter.c). */
void app_list_rows(struct app *app);
/*
 * Starts the list's search index of a graph read anew and analysed, on a
 * thread, and takes it in when it is done (true); wait: until it is
 * (view_list.c).
 */
bool list_view_poll(struct app *app, bool wait);
/* Draws a pane title bar. */
void app_draw_title(struct app *app, struct rect r, const char *text, bool focused);
/* Where a revision's review stands for its content as read (session.h). */
bool app_review_state(struct app *app, size_t rev, struct migration_review *out);
/* Records a decision on item of rev, saved at once; a message says how it went. */
void app_decide(struct app *app, size_t rev, int item, enum decision_status status,
		const char *reason);
/* Asks for the reason of a waive or block on the status line. */
void app_ask_reason(struct app *app, size_t rev, int item, enum decision_status status);
/* The view keys go to: the top overlay, else the focused pane. */
int app_focused_id(const struct app *app);
/* A click or a wheel turn (mouse.c). */
void app_mouse(struct app *app, struct key_mouse ev);
/* Case-insensitive unless needle has a capital letter (smartcase). */
const char *app_find(const char *hay, size_t len, const char *needle);

#endif

/*
 * Every action of the UI, said once: ACTION(ID, group, default keys, help).
 * The list generates the action enum, the default key bindings and the help
 * screen.  Keys are space-separated names as keys.h reads them.
 */
#ifndef MIGREVIEW_TUI_ACTIONS_H
#define MIGREVIEW_TUI_ACTIONS_H

#define ACTIONS(A) \
	A(MOVE_DOWN,      MOVE,   "j <Down>",        "Next line") \
	A(MOVE_UP,        MOVE,   "k <Up>",          "Previous line") \
	A(PAGE_DOWN,      MOVE,   "<PgDn> <C-f> <Space>", "Next page") \
	A(PAGE_UP,        MOVE,   "<PgUp> <C-b>",    "Previous page") \
	A(MOVE_FIRST,     MOVE,   "g <Home>",        "First line") \
	A(MOVE_LAST,      MOVE,   "G <End>",         "Last line") \
	A(SCROLL_LEFT,    MOVE,   "h <Left>",        "Scroll left: source, diff, history, test output") \
	A(SCROLL_RIGHT,   MOVE,   "l <Right>",       "Scroll right: source, diff, history, test output") \
	A(NEXT_MIGRATION, MOVE,   "J",               "Next migration, from any pane") \
	A(PREV_MIGRATION, MOVE,   "K",               "Previous migration, from any pane") \
	A(NEXT_PANE,      PANES,  "<Tab>",           "Next pane") \
	A(PREV_PANE,      PANES,  "<S-Tab>",         "Previous pane") \
	A(MAXIMISE,       PANES,  "z",               "Maximise the focused pane, or show every pane again") \
	A(WRAP,           PANES,  "W",               "Wrap long lines of the source and diffs, or cut them again") \
	A(ENTER,          PANES,  "<Enter>",         "Open: a finding at its source line, a migration's checklist") \
	A(NEXT_UNDECIDED, REVIEW, "]",               "Next undecided checklist item") \
	A(PREV_UNDECIDED, REVIEW, "[",               "Previous undecided checklist item") \
	A(ACCEPT,         REVIEW, "a",               "Accept the item") \
	A(WAIVE,          REVIEW, "w",               "Waive the item, with a reason") \
	A(BLOCK,          REVIEW, "b",               "Block the item, with a reason") \
	A(CLEAR,          REVIEW, "c",               "Clear the item's decision") \
	A(UNDO,           REVIEW, "u",               "Undo the last decision") \
	A(REDO,           REVIEW, "<C-r>",           "Redo") \
	A(ACCEPT_CLEAN,   REVIEW, "A",               "Accept every item without findings") \
	A(SEARCH,         SEARCH, "/",               "Search the focused pane") \
	A(SEARCH_NEXT,    SEARCH, "n",               "Next match") \
	A(SEARCH_PREV,    SEARCH, "N",               "Previous match") \
	A(FILTER,         SEARCH, "f",               "Filter the list: undecided, errors, blocked, stale, scope, all") \
	A(HISTORY,        VIEWS,  "H",               "Git history of the migration's file") \
	A(DIFF,           VIEWS,  "d",               "Diff against the signed-off version") \
	A(SINCE_DIFF,     VIEWS,  "D",               "Diff against the --since ref") \
	A(SCOPE,          VIEWS,  "s",               "Show or hide migrations outside --since") \
	A(TEST,           VIEWS,  "t",               "Run the up/down test of the migration (runs its code)") \
	A(COPY_ID,        VIEWS,  "y",               "Copy the migration's revision id (OSC 52)") \
	A(COMMAND,        VIEWS,  ":",               "Command: :goto REV, :NUMBER, :filter NAME, :quit, :help") \
	A(HELP,           VIEWS,  "?",               "This help") \
	A(REDRAW,         VIEWS,  "<C-l>",           "Redraw the screen") \
	A(QUIT,           VIEWS,  "q",               "Close the view; quit from the main view") \
	A(QUIT_ALL,       VIEWS,  "Q",               "Quit")

/* The groups of the help screen, in order: G(ID, heading). */
#define ACTION_GROUPS(G) \
	G(MOVE,   "Moving") \
	G(PANES,  "Panes") \
	G(REVIEW, "Deciding") \
	G(SEARCH, "Searching") \
	G(VIEWS,  "Views")

enum action {
	ACTION_NONE,
#define ACTION_ENUM(id, group, keys, help) ACTION_##id,
	ACTIONS(ACTION_ENUM)
#undef ACTION_ENUM
	ACTION_COUNT
};

enum action_group {
#define GROUP_ENUM(id, heading) ACTION_GROUP_##id,
	ACTION_GROUPS(GROUP_ENUM)
#undef GROUP_ENUM
	ACTION_GROUP_COUNT
};

struct action_info {
	const char *name;       /* "MOVE_DOWN": the name for key bindings */
	enum action_group group;
	const char *keys;
	const char *help;
};

extern const struct action_info actions[ACTION_COUNT];
extern const char *const action_group_names[ACTION_GROUP_COUNT];

#endif

/*
 * Every action of the UI, said once: ACTION(ID, group, default keys, help,
 * ready).  The list generates the action enum, the default key bindings and
 * the help screen.  Keys are space-separated names as keys.h reads them.
 * An action that is not ready says so in the help and on the status line.
 */
#ifndef MIGREVIEW_TUI_ACTIONS_H
#define MIGREVIEW_TUI_ACTIONS_H

#define ACTIONS(A) \
	A(MOVE_DOWN,      MOVE,   "j <Down>",        "Next line", 1) \
	A(MOVE_UP,        MOVE,   "k <Up>",          "Previous line", 1) \
	A(PAGE_DOWN,      MOVE,   "<PgDn> <C-f> <Space>", "Next page", 1) \
	A(PAGE_UP,        MOVE,   "<PgUp> <C-b>",    "Previous page", 1) \
	A(MOVE_FIRST,     MOVE,   "g <Home>",        "First line", 1) \
	A(MOVE_LAST,      MOVE,   "G <End>",         "Last line", 1) \
	A(SCROLL_LEFT,    MOVE,   "h <Left>",        "Scroll the source left", 1) \
	A(SCROLL_RIGHT,   MOVE,   "l <Right>",       "Scroll the source right", 1) \
	A(NEXT_MIGRATION, MOVE,   "J",               "Next migration, from any pane", 1) \
	A(PREV_MIGRATION, MOVE,   "K",               "Previous migration, from any pane", 1) \
	A(NEXT_PANE,      PANES,  "<Tab>",           "Next pane", 1) \
	A(PREV_PANE,      PANES,  "<S-Tab>",         "Previous pane", 1) \
	A(ENTER,          PANES,  "<Enter>",         "Open: a finding at its source line, a migration's checklist", 1) \
	A(NEXT_UNDECIDED, REVIEW, "]",               "Next undecided checklist item", 1) \
	A(PREV_UNDECIDED, REVIEW, "[",               "Previous undecided checklist item", 1) \
	A(ACCEPT,         REVIEW, "a",               "Accept the item", 1) \
	A(WAIVE,          REVIEW, "w",               "Waive the item, with a reason", 1) \
	A(BLOCK,          REVIEW, "b",               "Block the item, with a reason", 1) \
	A(CLEAR,          REVIEW, "c",               "Clear the item's decision", 1) \
	A(UNDO,           REVIEW, "u",               "Undo the last decision", 1) \
	A(REDO,           REVIEW, "<C-r>",           "Redo", 1) \
	A(ACCEPT_CLEAN,   REVIEW, "A",               "Accept every item without findings", 1) \
	A(SEARCH,         SEARCH, "/",               "Search the focused pane", 1) \
	A(SEARCH_NEXT,    SEARCH, "n",               "Next match", 1) \
	A(SEARCH_PREV,    SEARCH, "N",               "Previous match", 1) \
	A(HISTORY,        VIEWS,  "H",               "Git history of the migration's file", 1) \
	A(DIFF,           VIEWS,  "d",               "Diff against the signed-off version", 1) \
	A(SCOPE,          VIEWS,  "s",               "Show or hide migrations outside --since", 1) \
	A(TEST,           VIEWS,  "t",               "Run the up/down test (runs migration code)", 0) \
	A(HELP,           VIEWS,  "?",               "This help", 1) \
	A(REDRAW,         VIEWS,  "<C-l>",           "Redraw the screen", 1) \
	A(QUIT,           VIEWS,  "q",               "Close the view; quit from the main view", 1) \
	A(QUIT_ALL,       VIEWS,  "Q",               "Quit", 1)

/* The groups of the help screen, in order: G(ID, heading). */
#define ACTION_GROUPS(G) \
	G(MOVE,   "Moving") \
	G(PANES,  "Panes") \
	G(REVIEW, "Deciding") \
	G(SEARCH, "Searching") \
	G(VIEWS,  "Views")

enum action {
	ACTION_NONE,
#define ACTION_ENUM(id, group, keys, help, ready) ACTION_##id,
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
	bool ready;
};

extern const struct action_info actions[ACTION_COUNT];
extern const char *const action_group_names[ACTION_GROUP_COUNT];

#endif

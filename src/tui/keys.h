/*
 * Keys and their names, and the table that binds keys to actions.
 *
 * A key is a Unicode code point for a character (control characters
 * included: Ctrl-R is 0x12) or one of the MRK_* codes above Unicode for
 * keys that have no character.  Names are those of the help screen and of
 * key scripts: "j", "<Down>", "<C-r>", "<S-Tab>", "<Space>".
 */
#ifndef MIGREVIEW_TUI_KEYS_H
#define MIGREVIEW_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/actions.h"

/* K(ID, "name"): the keys without a character. */
#define SPECIAL_KEYS(K) \
	K(UP, "Up") K(DOWN, "Down") K(LEFT, "Left") K(RIGHT, "Right") \
	K(PGUP, "PgUp") K(PGDN, "PgDn") K(HOME, "Home") K(END, "End") \
	K(BTAB, "S-Tab") K(BACKSPACE, "Backspace") K(DELETE, "Del") \
	K(RESIZE, "Resize")

enum {
	MRK_TAB = '\t',
	MRK_ENTER = '\r',
	MRK_ESC = 0x1b,
	MRK_FIRST_SPECIAL = 0x110000,
#define KEY_ENUM(id, name) MRK_##id,
	SPECIAL_KEYS(KEY_ENUM)
#undef KEY_ENUM
	MRK_MOUSE,              /* a click or a wheel turn: term_mouse() says which */
};

#define MRK_CTRL(c) ((c) & 0x1f)

/* A mouse event, as MRK_MOUSE reports it: cells are 0-based. */
enum key_mouse_kind { KEY_MOUSE_CLICK, KEY_MOUSE_WHEEL_UP, KEY_MOUSE_WHEEL_DOWN };

struct key_mouse {
	enum key_mouse_kind kind;
	int x, y;
};

/*
 * Reads the n bytes of an SGR mouse report after its ESC [ <, "B;X;YM",
 * into *out: true for a left click (any modifier) and the wheel, at a cell
 * within 10000x10000; false for the rest (releases, drags, other buttons)
 * and for anything malformed, *out then untouched.
 */
bool keys_mouse_parse(const char *s, size_t n, struct key_mouse *out);

/*
 * Reads one key name at *s ("j", "<Down>", "<C-r>", a UTF-8 character),
 * advancing *s; -1 for a name it does not know.
 */
int keys_parse(const char **s);

/* The name of a key, in buf. */
const char *keys_name(int key, char *buf, size_t size);

/*
 * Where a binding holds: a view (VIEW_LIST ... from view.h), the three
 * panes of the main view, or everywhere.  The most specific binding wins:
 * the view's own, then main's (for a pane), then the generic one.
 */
enum {
	KEYMAP_GENERIC = -2,
	KEYMAP_MAIN = -1,
};

struct keymap {
	struct keymap_entry {
		int key;
		int scope;              /* KEYMAP_GENERIC, KEYMAP_MAIN or a view id */
		enum action action;     /* ACTION_NONE: unbound here */
	} *v;
	size_t n, cap;
};

/* The default bindings of the action table (all generic). */
int keymap_default(struct keymap *km);
/* Binds key to action in scope, replacing what that scope had for the key. */
int keymap_bind(struct keymap *km, int scope, int key, enum action action);
/* The action key means in view (a view id). */
enum action keymap_lookup(const struct keymap *km, int view, int key);
/* The keys that mean action a in view, as names separated by spaces, in buf. */
const char *keymap_keys(const struct keymap *km, int view, enum action a, char *buf, size_t size);
void keymap_free(struct keymap *km);

/* "move-down" or "MOVE_DOWN" (or "none"): the action, or -1. */
int keymap_action_parse(const char *name);
/* "generic", "main" or a view's name ("list", "history" ...): the scope, or -3. */
int keymap_scope_parse(const char *name);

#endif

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
};

#define MRK_CTRL(c) ((c) & 0x1f)

/*
 * Reads one key name at *s ("j", "<Down>", "<C-r>", a UTF-8 character),
 * advancing *s; -1 for a name it does not know.
 */
int keys_parse(const char **s);

/* The name of a key, in buf. */
const char *keys_name(int key, char *buf, size_t size);

struct keymap {
	struct keymap_entry {
		int key;
		enum action action;
	} *v;
	size_t n, cap;
};

/* The default bindings of the action table. */
int keymap_default(struct keymap *km);
enum action keymap_lookup(const struct keymap *km, int key);
/* The keys bound to an action, as names separated by spaces, in buf. */
const char *keymap_keys(const struct keymap *km, enum action a, char *buf, size_t size);
void keymap_free(struct keymap *km);

#endif

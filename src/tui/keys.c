/* Key names and the key → action table. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migreview/util.h"
#include "tui/keys.h"
#include "tui/view.h"

const struct action_info actions[ACTION_COUNT] = {
	[ACTION_NONE] = { "none", 0, "", "" },
#define ACTION_INFO(id, group, keys, help) \
	[ACTION_##id] = { #id, ACTION_GROUP_##group, keys, help },
	ACTIONS(ACTION_INFO)
#undef ACTION_INFO
};

const char *const action_group_names[ACTION_GROUP_COUNT] = {
#define GROUP_NAME(id, heading) heading,
	ACTION_GROUPS(GROUP_NAME)
#undef GROUP_NAME
};

static const struct {
	int key;
	const char *name;
} named_keys[] = {
#define KEY_NAME(id, name) { MRK_##id, name },
	SPECIAL_KEYS(KEY_NAME)
#undef KEY_NAME
	{ MRK_TAB, "Tab" },
	{ MRK_ENTER, "Enter" },
	{ MRK_ESC, "Esc" },
	{ ' ', "Space" },
	{ '<', "lt" },
	{ MRK_BACKSPACE, "BS" },
	{ MRK_PGUP, "PageUp" },
	{ MRK_PGDN, "PageDown" },
};

static int
parse_bracketed(const char *name, size_t len)
{
	if (len == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-')
		return name[2] >= '@' && name[2] < 0x7f ? MRK_CTRL(name[2]) : -1;
	for (size_t i = 0; i < MR_ARRAY_SIZE(named_keys); i++)
		if (strlen(named_keys[i].name) == len && !strncasecmp(named_keys[i].name, name, len))
			return named_keys[i].key;
	return -1;
}

int
keys_parse(const char **s)
{
	const char *p = *s;
	unsigned long cp;
	size_t n;

	if (p[0] == '<' && p[1] && p[1] != '>' ) {
		const char *end = strchr(p + 1, '>');

		if (end) {
			*s = end + 1;
			return parse_bracketed(p + 1, (size_t)(end - p - 1));
		}
	}
	n = mr_utf8_next(p, strlen(p), &cp);
	if (!n)
		return -1;
	*s = p + n;
	return (int)cp;
}

static void
put_utf8(char *buf, size_t size, unsigned long cp)
{
	char tmp[5] = { 0 };

	mr_utf8_put(cp, tmp);
	snprintf(buf, size, "%s", tmp);
}

const char *
keys_name(int key, char *buf, size_t size)
{
	for (size_t i = 0; i < MR_ARRAY_SIZE(named_keys); i++)
		if (named_keys[i].key == key) {
			snprintf(buf, size, "<%s>", named_keys[i].name);
			return buf;
		}
	if (key >= 0 && key < 0x20)
		snprintf(buf, size, "<C-%c>", key >= 1 && key <= 26 ? key + 'a' - 1 : key + '@');
	else if (key > 0x20 && key < 0x110000)
		put_utf8(buf, size, (unsigned long)key);
	else
		snprintf(buf, size, "<%#x>", key);
	return buf;
}

/* Numbers are bounded before they can overflow. */
bool
keys_mouse_parse(const char *s, size_t n, struct key_mouse *out)
{
	long v[3] = { 0 };
	int k = 0, digits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9' && v[k] < 100000) {
			v[k] = v[k] * 10 + (s[i] - '0');
			digits++;
		} else if (s[i] == ';' && digits && k < 2) {
			k++;
			digits = 0;
		} else {
			break;
		}
	}
	if (k != 2 || !digits || i + 1 != n || s[i] != 'M' || v[1] < 1 || v[2] < 1 ||
	    v[1] > 10000 || v[2] > 10000)
		return false;
	/* shift, meta and control (4, 8, 16) do not change what a button does */
	switch (v[0] & ~28L) {
	case 0:
		out->kind = KEY_MOUSE_CLICK;
		break;
	case 64:
		out->kind = KEY_MOUSE_WHEEL_UP;
		break;
	case 65:
		out->kind = KEY_MOUSE_WHEEL_DOWN;
		break;
	default:
		return false;
	}
	out->x = (int)v[1] - 1;
	out->y = (int)v[2] - 1;
	return true;
}

int
keymap_default(struct keymap *km)
{
	for (int a = 1; a < ACTION_COUNT; a++) {
		const char *p = actions[a].keys;

		while (*p) {
			int key;

			while (*p == ' ')
				p++;
			if (!*p)
				break;
			key = keys_parse(&p);
			if (key < 0 || keymap_bind(km, KEYMAP_GENERIC, key, (enum action)a) < 0)
				return -1;
		}
	}
	return 0;
}

int
keymap_bind(struct keymap *km, int scope, int key, enum action action)
{
	for (size_t i = 0; i < km->n; i++)
		if (km->v[i].scope == scope && km->v[i].key == key) {
			km->v[i].action = action;
			return 0;
		}
	if (mr_grow(&km->v, &km->cap, km->n + 1, sizeof(*km->v)) < 0)
		return -1;
	km->v[km->n++] = (struct keymap_entry){ key, scope, action };
	return 0;
}

static bool
is_pane(int view)
{
	return view == VIEW_LIST || view == VIEW_SOURCE || view == VIEW_CHECKLIST;
}

/* How specifically scope applies to view: 0 not at all, up to 3 its own. */
static int
rank(int scope, int view)
{
	if (scope == view)
		return 3;
	if (scope == KEYMAP_MAIN)
		return is_pane(view) ? 2 : 0;
	return scope == KEYMAP_GENERIC;
}

enum action
keymap_lookup(const struct keymap *km, int view, int key)
{
	enum action found = ACTION_NONE;
	int best = 0;

	for (size_t i = 0; i < km->n; i++) {
		int r = km->v[i].key == key ? rank(km->v[i].scope, view) : 0;

		if (r > best) {
			best = r;
			found = km->v[i].action;
		}
	}
	return found;
}

const char *
keymap_keys(const struct keymap *km, int view, enum action a, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < km->n && used < size && a != ACTION_NONE; i++) {
		const struct keymap_entry *e = &km->v[i];
		char name[32];
		bool listed = false;

		if (e->action != a || !rank(e->scope, view) || keymap_lookup(km, view, e->key) != a)
			continue;
		for (size_t j = 0; j < i; j++)   /* bound to a twice (main and generic) */
			listed |= km->v[j].key == e->key && km->v[j].action == a &&
				  rank(km->v[j].scope, view);
		if (listed)
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " " : "",
					 keys_name(e->key, name, sizeof(name)));
	}
	return buf;
}

/* Whether a (MOVE_DOWN) and b (move-down) name the same thing. */
static bool
same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : (char)tolower((unsigned char)*a);
		char y = *b == '-' ? '_' : (char)tolower((unsigned char)*b);

		if (x != y)
			return false;
	}
	return !*a && !*b;
}

int
keymap_action_parse(const char *name)
{
	for (int a = 0; a < ACTION_COUNT; a++)
		if (same_name(actions[a].name, name))
			return a;
	return -1;
}

int
keymap_scope_parse(const char *name)
{
	static const char *const views[] = {
#define VIEW_NAME(id, ops) #id,
		VIEWS(VIEW_NAME)
#undef VIEW_NAME
	};

	if (same_name(name, "generic"))
		return KEYMAP_GENERIC;
	if (same_name(name, "main"))
		return KEYMAP_MAIN;
	for (size_t v = 0; v < MR_ARRAY_SIZE(views); v++)
		if (same_name(views[v], name))
			return (int)v;
	return -3;
}

void
keymap_free(struct keymap *km)
{
	free(km->v);
	km->v = NULL;
	km->n = km->cap = 0;
}

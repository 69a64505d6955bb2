/* The reviewer's configuration file: its bind lines. */
#include "config.h"

#include "tui/userconf.h"

int
userconf_bind(void *keymap, struct userconf *uc, unsigned line, char **w, int n)
{
	const char *k = n > 2 ? w[2] : "";
	int scope, key, action;

	if (n != 4)
		return userconf_problem(uc, line, "expected 'bind VIEW KEY ACTION'");
	if ((scope = keymap_scope_parse(w[1])) < KEYMAP_GENERIC)
		return userconf_problem(uc, line, "unknown view '%s'", w[1]);
	key = keys_parse(&k);
	if (key < 0 || *k)
		return userconf_problem(uc, line, "'%s' is not one key", w[2]);
	if ((action = keymap_action_parse(w[3])) < 0)
		return userconf_problem(uc, line, "unknown action '%s'", w[3]);
	return keymap_bind(keymap, scope, key, (enum action)action);
}

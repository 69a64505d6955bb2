/*
 * The reviewer's own configuration, in the style of tig's ~/.tigrc:
 * $MIGREVIEW_CONFIG (empty: none), else $XDG_CONFIG_HOME/migreview/config,
 * else ~/.config/migreview/config.  Lines:
 *
 *   # a comment
 *   set theme = light             a default the project and --theme override
 *   bind VIEW KEY ACTION          VIEW: generic, main, list, source, checklist,
 *                                 help, history, diff, test; ACTION: move-down,
 *                                 accept, ... or none (unbinds the key)
 *
 * A line that does not parse is skipped and described in problems as
 * "PATH:LINE: what is wrong"; the rest still applies.
 */
#ifndef MIGREVIEW_TUI_USERCONF_H
#define MIGREVIEW_TUI_USERCONF_H

#include "migreview/util.h"
#include "tui/keys.h"

struct userconf {
	char *path;             /* the file read, or NULL when there is none */
	char *theme;            /* set theme, or NULL */
	struct strvec problems;
};

/* The path the configuration is read from (new string), or NULL for none. */
char *userconf_path(void);

/*
 * Reads path (NULL: nothing to read) into uc and its bindings into km.
 * -1 only when memory runs out; a missing or unreadable file named by
 * $MIGREVIEW_CONFIG is a problem, a missing default file is not.
 */
int userconf_load(struct userconf *uc, const char *path, bool must_exist, struct keymap *km);
void userconf_free(struct userconf *uc);

#endif

/*
 * The UI's part of the reviewer's configuration (migreview/userconf.h):
 *
 *   bind VIEW KEY ACTION          VIEW: generic, main, list, source, checklist,
 *                                 help, history, diff, test; ACTION: move-down,
 *                                 accept, ... or none (unbinds the key)
 */
#ifndef MIGREVIEW_TUI_USERCONF_H
#define MIGREVIEW_TUI_USERCONF_H

#include "migreview/userconf.h"
#include "tui/keys.h"

/* A userconf_bind_fn: binds into the struct keymap that keymap points to. */
int userconf_bind(void *keymap, struct userconf *uc, unsigned line, char **w, int n);

#endif

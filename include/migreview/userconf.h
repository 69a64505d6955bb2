/*
 * The reviewer's own configuration, in the style of tig's ~/.tigrc:
 * $MIGREVIEW_CONFIG (empty: none), else $XDG_CONFIG_HOME/migreview/config,
 * else ~/.config/migreview/config.  Lines:
 *
 *   # a comment
 *   set theme = light             a default the project and --theme override
 *   set mouse = false             no mouse reporting in the UI (true: the default)
 *   set cache = false             no parse cache (parsecache.h; true: the default)
 *   trust PATH                    consent to run this project's code (test, t)
 *   bind VIEW KEY ACTION          the UI's key bindings (tui/userconf.h)
 *
 * trust: PATH is absolute or starts with ~/ (one word, no blanks); it names
 * a directory, or a file in it (its alembic.ini) standing for the directory.
 * A project is trusted when its ini and its env.py both lie in that
 * directory or below it, symlinks resolved.  Only this file grants trust:
 * nothing a repository holds can.
 *
 * A line that does not parse is skipped and described in problems as
 * "PATH:LINE: what is wrong"; the rest still applies.  The struct owns its
 * strings; userconf_free() releases them.
 */
#ifndef MIGREVIEW_USERCONF_H
#define MIGREVIEW_USERCONF_H

#include <stdbool.h>

#include "migreview/util.h"

struct userconf {
	char *path;             /* the file read, or NULL when there is none */
	char *theme;            /* set theme, or NULL */
	bool mouse_off;         /* set mouse = false */
	bool cache_off;         /* set cache = false */
	struct strvec trusted;  /* trust lines: absolute paths, ~ expanded */
	struct strvec problems;
};

/*
 * What a bind line does is the UI's business: called with the line's
 * words (w[0] is "bind"); 0, a userconf_problem(), or -1 when memory runs
 * out.
 */
typedef int userconf_bind_fn(void *ctx, struct userconf *uc, unsigned line, char **w, int n);

/* The path the configuration is read from (new string), or NULL for none. */
char *userconf_path(void);

/*
 * Reads path (NULL: nothing to read) into uc, handing bind lines to bind
 * (NULL: they are skipped unread).  -1 only when memory runs out; a missing
 * or unreadable file is a problem when must_exist, else nothing.
 */
int userconf_load(struct userconf *uc, const char *path, bool must_exist,
		  userconf_bind_fn *bind, void *ctx);

/* userconf_load() of userconf_path(), which must exist when $MIGREVIEW_CONFIG names it. */
int userconf_read(struct userconf *uc, userconf_bind_fn *bind, void *ctx);

/* Adds "PATH:LINE: message" to uc->problems: 0, or -1 when memory runs out. */
int userconf_problem(struct userconf *uc, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether a trust line covers the project of ini_path whose env.py is env_py. */
bool userconf_trusts(const struct userconf *uc, const char *ini_path, const char *env_py);

/*
 * The directory a trust line would name for that project (new string): the
 * nearest one holding both files, symlinks resolved; NULL when memory runs out.
 */
char *userconf_trust_dir(const char *ini_path, const char *env_py);

void userconf_free(struct userconf *uc);

#endif

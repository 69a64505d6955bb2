/* The reviewer's configuration file: `set`, `trust` and (for the UI) `bind` lines. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/userconf.h"

#define MAX_WORDS 8
#define MAX_LINE 1023         /* bytes, without the newline */

char *
userconf_path(void)
{
	const char *env = getenv("MIGREVIEW_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (env)
		return *env ? strdup(env) : NULL;
	/* the XDG rule: a relative XDG_CONFIG_HOME is ignored */
	if (xdg && *xdg == '/')
		return mr_printf("%s/migreview/config", xdg);
	if (home && *home)
		return mr_printf("%s/.config/migreview/config", home);
	return NULL;
}

int
userconf_problem(struct userconf *uc, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	char *text;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	text = line ? mr_printf("%s:%u: %s", uc->path, line, msg) : mr_printf("%s: %s", uc->path, msg);
	return !text || strvec_push_owned(&uc->problems, text) < 0 ? -1 : 0;
}

/* Splits line into blank-separated words, up to a word that starts a comment. */
static int
split(char *line, char **words)
{
	int n = 0;

	for (char *p = strtok(line, " \t\r\n"); p && n < MAX_WORDS; p = strtok(NULL, " \t\r\n")) {
		/* "bind main # accept" binds '#' */
		if (*p == '#' && !(n == 2 && !strcmp(words[0], "bind")))
			break;
		words[n++] = p;
	}
	return n;
}

/*
 * set mouse = false: the terminal keeps its own selection and scrolling.
 * set cache = false: every run parses every migration (parsecache.h).
 */
static int
set_off(struct userconf *uc, unsigned line, const char *name, const char *value, bool *off_out)
{
	static const char *const off[] = { "false", "no", "off", "0" };
	static const char *const on[] = { "true", "yes", "on", "1" };

	for (size_t i = 0; i < MR_ARRAY_SIZE(off); i++)
		if (!strcmp(value, off[i]) || !strcmp(value, on[i])) {
			*off_out = !strcmp(value, off[i]);
			return 0;
		}
	return userconf_problem(uc, line, "set %s: expected true or false, not '%s'", name, value);
}

static int
do_set(struct userconf *uc, unsigned line, char **w, int n)
{
	const char *value;

	/* set theme = light, or set theme light */
	if (n == 4 && !strcmp(w[2], "="))
		value = w[3];
	else if (n == 3 && strcmp(w[2], "="))
		value = w[2];
	else
		return userconf_problem(uc, line, "expected 'set NAME = VALUE'");
	if (!strcmp(w[1], "mouse"))
		return set_off(uc, line, w[1], value, &uc->mouse_off);
	if (!strcmp(w[1], "cache"))
		return set_off(uc, line, w[1], value, &uc->cache_off);
	if (strcmp(w[1], "theme"))
		return userconf_problem(uc, line, "unknown setting '%s'", w[1]);
	free(uc->theme);
	return (uc->theme = strdup(value)) ? 0 : -1;
}

/* trust PATH: absolute, or ~/... under $HOME; kept lexically normalised. */
static int
do_trust(struct userconf *uc, unsigned line, char **w, int n)
{
	const char *home = getenv("HOME");
	char *full, *norm;

	if (n != 2)
		return userconf_problem(uc, line, "expected 'trust PATH' (one word, no blanks)");
	if ((!strcmp(w[1], "~") || !strncmp(w[1], "~/", 2)) && home && *home == '/')
		full = mr_printf("%s%s", home, w[1] + 1);
	else if (w[1][0] == '/')
		full = mr_strdup(w[1]);
	else
		return userconf_problem(uc, line, "trust needs an absolute path (or ~/...), not '%s'",
					w[1]);
	if (!full)
		return -1;
	norm = mr_path_absolute(full);
	free(full);
	return norm ? strvec_push_owned(&uc->trusted, norm) : -1;
}

static int
do_line(struct userconf *uc, unsigned line, char **w, int n, userconf_bind_fn *bind, void *ctx)
{
	if (!strcmp(w[0], "set"))
		return do_set(uc, line, w, n);
	if (!strcmp(w[0], "trust"))
		return do_trust(uc, line, w, n);
	if (!strcmp(w[0], "bind"))
		return bind ? bind(ctx, uc, line, w, n) : 0;
	return userconf_problem(uc, line, "unknown command '%s'", w[0]);
}

int
userconf_load(struct userconf *uc, const char *path, bool must_exist, userconf_bind_fn *bind,
	      void *ctx)
{
	struct mr_error err;
	char *text, *end;
	size_t len;
	unsigned line = 0;
	int rc = 0;

	memset(uc, 0, sizeof(*uc));
	if (!path)
		return 0;
	if (!(uc->path = strdup(path)))
		return -1;
	if (mr_read_file(path, MR_FILE_USERCONF, &text, &len, &err) < 0) {
		if (errno == ENOENT && !must_exist) {
			free(uc->path);
			uc->path = NULL;
			return 0;
		}
		return errno == ENOMEM ? -1 : strvec_push(&uc->problems, err.msg);
	}
	end = text + len;
	for (char *p = text; rc == 0 && p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *w[MAX_WORDS];
		int n;

		line++;
		if (nl)
			*nl = '\0';
		if ((nl ? nl : end) - p > MAX_LINE)
			rc = userconf_problem(uc, line, "line too long");
		else if ((n = split(p, w)) > 0)
			rc = do_line(uc, line, w, n, bind, ctx);
		p = nl ? nl + 1 : end;
	}
	free(text);
	return rc;
}

int
userconf_read(struct userconf *uc, userconf_bind_fn *bind, void *ctx)
{
	char *path = userconf_path();
	int rc = userconf_load(uc, path, getenv("MIGREVIEW_CONFIG") != NULL, bind, ctx);

	free(path);
	return rc;
}

/* path with symlinks resolved, as far as it exists (env.py may not). */
static char *
resolved(const char *path)
{
	char *real = realpath(path, NULL), *dir, *rdir;

	if (real)
		return real;
	dir = mr_path_dirname(path);
	rdir = dir ? realpath(dir, NULL) : NULL;
	real = rdir ? mr_path_join(rdir, strrchr(path, '/') ? strrchr(path, '/') + 1 : path)
		    : mr_path_absolute(path);
	free(dir);
	free(rdir);
	return real;
}

/* Whether path is dir or lies below it (both absolute and normalised). */
static bool
inside(const char *path, const char *dir)
{
	char *rel = mr_path_relative(path, dir);
	bool in = rel && strcmp(rel, "..") && strncmp(rel, "../", 3);

	free(rel);
	return in;
}

/*
 * The directory a trust line stands for: PATH, or the directory of the file
 * PATH; NULL when PATH does not exist (it trusts nothing, not its parent).
 */
static char *
trusted_dir(const char *entry)
{
	char *real = realpath(entry, NULL), *dir;

	if (!real || mr_is_dir(real))
		return real;
	dir = mr_path_dirname(real);
	free(real);
	return dir;
}

bool
userconf_trusts(const struct userconf *uc, const char *ini_path, const char *env_py)
{
	char *ini = resolved(ini_path), *env = resolved(env_py);
	bool yes = false;

	for (size_t i = 0; ini && env && !yes && i < uc->trusted.n; i++) {
		char *dir = trusted_dir(uc->trusted.v[i]);

		yes = dir && inside(ini, dir) && inside(env, dir);
		free(dir);
	}
	free(ini);
	free(env);
	return yes;
}

char *
userconf_trust_dir(const char *ini_path, const char *env_py)
{
	char *ini = resolved(ini_path), *env = resolved(env_py);
	char *dir = ini ? mr_path_dirname(ini) : NULL;

	while (dir && env && !inside(env, dir)) {
		char *up = mr_path_dirname(dir);

		free(dir);
		dir = up;
	}
	if (!env) {
		free(dir);
		dir = NULL;
	}
	free(ini);
	free(env);
	return dir;
}

void
userconf_free(struct userconf *uc)
{
	free(uc->path);
	free(uc->theme);
	strvec_free(&uc->trusted);
	strvec_free(&uc->problems);
	memset(uc, 0, sizeof(*uc));
}

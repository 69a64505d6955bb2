/* The reviewer's configuration file: `set` and `bind` lines. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/userconf.h"

#define MAX_WORDS 8

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

static int __attribute__((format(printf, 3, 4)))
problem(struct userconf *uc, unsigned line, const char *fmt, ...)
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
		if (*p == '#' && n != 2)        /* "bind main # accept" binds '#' */
			break;
		words[n++] = p;
	}
	return n;
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
		return problem(uc, line, "expected 'set NAME = VALUE'");
	if (strcmp(w[1], "theme"))
		return problem(uc, line, "unknown setting '%s'", w[1]);
	free(uc->theme);
	return (uc->theme = strdup(value)) ? 0 : -1;
}

static int
do_bind(struct userconf *uc, unsigned line, char **w, int n, struct keymap *km)
{
	const char *k = n > 2 ? w[2] : "";
	int scope, key, action;

	if (n != 4)
		return problem(uc, line, "expected 'bind VIEW KEY ACTION'");
	if ((scope = keymap_scope_parse(w[1])) < KEYMAP_GENERIC)
		return problem(uc, line, "unknown view '%s'", w[1]);
	key = keys_parse(&k);
	if (key < 0 || *k)
		return problem(uc, line, "'%s' is not one key", w[2]);
	if ((action = keymap_action_parse(w[3])) < 0)
		return problem(uc, line, "unknown action '%s'", w[3]);
	return keymap_bind(km, scope, key, (enum action)action);
}

int
userconf_load(struct userconf *uc, const char *path, bool must_exist, struct keymap *km)
{
	FILE *f;
	char buf[1024];
	unsigned line = 0;
	int rc = 0;

	memset(uc, 0, sizeof(*uc));
	if (!path)
		return 0;
	if (!(uc->path = strdup(path)))
		return -1;
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT && !must_exist) {
			free(uc->path);
			uc->path = NULL;
			return 0;
		}
		return problem(uc, 0, "%s", strerror(errno));
	}
	while (rc == 0 && fgets(buf, sizeof(buf), f)) {
		char *w[MAX_WORDS];
		int n;

		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			int c;

			while ((c = getc(f)) != EOF && c != '\n')
				;
			rc = problem(uc, line, "line too long");
			continue;
		}
		if ((n = split(buf, w)) == 0)
			continue;
		if (!strcmp(w[0], "set"))
			rc = do_set(uc, line, w, n);
		else if (!strcmp(w[0], "bind"))
			rc = do_bind(uc, line, w, n, km);
		else
			rc = problem(uc, line, "unknown command '%s'", w[0]);
	}
	if (rc == 0 && ferror(f))
		rc = problem(uc, line, "%s", strerror(errno));
	fclose(f);
	return rc;
}

void
userconf_free(struct userconf *uc)
{
	free(uc->path);
	free(uc->theme);
	strvec_free(&uc->problems);
	memset(uc, 0, sizeof(*uc));
}

/*
 * How the UI looks: finding the theme (--theme, [migreview] theme, else light
 * or dark as the terminal's background is) in
 * the user's, the installed and the source tree's themes/, and turning it
 * into the style of every number the screen uses, reduced to the colours
 * the terminal has.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/util.h"
#include "tui/app.h"

static void
theme_dirs(char *buf[4])
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	buf[0] = xdg && *xdg ? mr_printf("%s/migreview/themes", xdg) :
		 home ? mr_printf("%s/.config/migreview/themes", home) : NULL;
	buf[1] = mr_strdup(PKGDATADIR "/themes");
	buf[2] = NULL;
	buf[3] = NULL;
	/* run from a build directory inside the source tree, as the quick start does */
	if (n > 0) {
		char *dir;

		exe[n] = '\0';
		dir = mr_path_dirname(exe);
		if (dir) {
			buf[2] = mr_printf("%s/../themes", dir);
			buf[3] = mr_printf("%s/../../themes", dir);
		}
		free(dir);
	}
}

/* A theme by name (searched) or by path (with a '/'). */
static int
load_theme(struct app *app, const char *want, struct mr_error *err)
{
	char *dirs[4];
	int rc;

	if (strchr(want, '/'))
		return theme_load(&app->theme, want, err);
	theme_dirs(dirs);
	rc = theme_load_named(&app->theme, want, (const char *const *)dirs, 4, err);
	for (int i = 0; i < 4; i++)
		free(dirs[i]);
	return rc;
}

/*
 * A theme that came from a file rather than the command line: one that does
 * not load is named among the configuration's problems, and the next choice
 * is tried.  Negative only when memory runs out.
 */
static int
try_theme(struct app *app, const char *want, const char *setting, bool *loaded,
	  struct mr_error *err)
{
	struct mr_error why;

	*loaded = load_theme(app, want, &why) == 0;
	if (*loaded)
		return 0;
	theme_free(&app->theme);
	if (strvec_push_owned(&app->conf.problems, mr_printf("%s = %s: %s", setting, want,
			      why.msg)) < 0)
		return mr_error_oom(err);
	return 0;
}

/*
 * The theme asked for with --theme, which must load; else the project's
 * theme setting (a path in it is relative to the project), else the
 * reviewer's default: each of these came from a file, and one that does not
 * load falls back to the next with its problem shown; last light or dark,
 * as the terminal's background is, or the built-in monochrome one when that
 * theme is not installed.
 */
int
app_load_theme(struct app *app, const char *name, const char *user_default, struct mr_error *err)
{
	char *setting = NULL, *want, *place, *where;
	const char *fallback;
	bool loaded = false;
	int rc = 0;

	if (name)
		return load_theme(app, name, err);
	if (project_setting(&app->s.rep.p, "theme", &setting, err) < 0)
		return -1;
	if (setting) {
		want = strchr(setting, '/') ? mr_path_join(app->s.rep.p.root, setting) :
		       mr_strdup(setting);
		place = project_setting_place(&app->s.rep.p, "theme");
		where = place ? mr_printf("%s: theme", place) : NULL;
		rc = want && where ? try_theme(app, want, where, &loaded, err) : mr_error_oom(err);
		free(place);
		free(where);
		free(want);
		free(setting);
	}
	if (rc == 0 && !loaded && user_default) {
		where = mr_printf("%s: set theme", app->conf.path);
		rc = where ? try_theme(app, user_default, where, &loaded, err) : mr_error_oom(err);
		free(where);
	}
	if (rc < 0 || loaded)
		return rc;
	/* nobody chose: the theme that suits the terminal's background, dark when unknown */
	fallback = term_background(app->term) == THEME_BG_LIGHT ? "light" : "dark";
	if ((rc = load_theme(app, fallback, err)) < 0) {
		theme_free(&app->theme);
		app_message(app, true, "no %s.theme installed: monochrome", fallback);
		rc = theme_builtin(&app->theme, err);
	}
	return rc;
}

/* Theme styles for every style number, reduced to what the terminal shows. */
int
app_setup_styles(struct app *app)
{
	uint16_t n_caps = highlight_capture_count(app->hl);
	int n = THEME_UI_COUNT + n_caps;
	struct theme_style *styles = calloc((size_t)n, sizeof(*styles));
	int rc;

	app->style_names = calloc((size_t)n, sizeof(*app->style_names));
	if (!styles || !app->style_names) {
		free(styles);
		return -1;
	}
	for (int i = 0; i < THEME_UI_COUNT; i++)
		app->style_names[i] = theme_ui_name((enum theme_ui_slot)i);
	for (uint16_t c = 0; c < n_caps; c++)
		app->style_names[THEME_UI_COUNT + c] = highlight_capture_name(app->hl, c);
	theme_reduce(&app->theme, theme_colors(term_colors(app->term), getenv("NO_COLOR")));
	for (int i = 0; i < THEME_UI_COUNT; i++)
		styles[i] = *theme_ui(&app->theme, (enum theme_ui_slot)i);
	for (uint16_t c = 0; c < n_caps; c++)
		styles[THEME_UI_COUNT + c] = theme_syntax(&app->theme, highlight_capture_name(app->hl, c));
	rc = term_set_styles(app->term, styles, app->style_names, n);
	free(styles);
	app->scr.escape_style = STYLE_UI(THEME_UI_ESCAPE);
	return rc;
}

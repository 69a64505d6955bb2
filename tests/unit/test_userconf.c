/*
 * The reviewer's configuration file as the engine reads it: where it is,
 * its set and trust lines (bind lines are the UI's: tests/unit/test_tui.c),
 * and which projects a trust line covers.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migreview/userconf.h"

static char dir[PATH_MAX];      /* a scratch directory, symlinks resolved */

static void
scratch(void)
{
	char tmpl[] = "/tmp/migreview-userconf.XXXXXX";

	cr_assert_not_null(mkdtemp(tmpl));
	cr_assert_not_null(realpath(tmpl, dir));
}

/* dir/rel, in one of a few static buffers: no frees in the tests. */
static const char *
at(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 4];

	cr_assert_lt(snprintf(buf, PATH_MAX, "%s/%s", dir, rel), PATH_MAX);
	return buf;
}

static void
remove_scratch(void)
{
	char *cmd = mr_printf("rm -rf '%s'", dir);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

/* Creates dir/rel (and the directories it needs) as an empty file. */
static void
touch(const char *rel)
{
	const char *path = at(rel);
	char *cmd = mr_printf("mkdir -p \"$(dirname '%s')\"", path);
	FILE *f;

	cr_assert_eq(system(cmd), 0);
	cr_assert_not_null(f = fopen(path, "w"));
	fclose(f);
	free(cmd);
}

/* Loads text as a configuration file in the scratch directory. */
static void
load(struct userconf *uc, const char *text)
{
	const char *path = at("config");
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(userconf_load(uc, path, true, NULL, NULL), 0);
}

/* Whether "trust dir/trusted" trusts the project of ini and env.py (under dir). */
static bool
trusts(const char *trusted, const char *ini, const char *env_py)
{
	struct userconf uc;
	char *conf = mr_printf("trust %s\n", at(trusted));
	bool yes;

	load(&uc, conf);
	cr_assert_eq(uc.problems.n, 0, "%s", uc.problems.n ? uc.problems.v[0] : "");
	yes = userconf_trusts(&uc, at(ini), at(env_py));
	userconf_free(&uc);
	free(conf);
	return yes;
}

TestSuite(userconf, .init = scratch, .fini = remove_scratch);

Test(userconf, trust_lines_are_absolute_paths_and_bad_ones_say_where)
{
	struct userconf uc;

	setenv("HOME", "/home/r", 1);
	load(&uc, "trust /src/shop/\n"
		  "trust ~/work/./api\n"
		  "trust ~\n"
		  "trust relative/shop\n"
		  "trust ~bob/shop\n"
		  "trust /a b\n"
		  "trust\n"
		  "bind main x accept\n"
		  "trust /src/blog   # a comment\n");
	cr_assert_eq(uc.trusted.n, 4);
	cr_expect_str_eq(uc.trusted.v[0], "/src/shop");
	cr_expect_str_eq(uc.trusted.v[1], "/home/r/work/api");
	cr_expect_str_eq(uc.trusted.v[2], "/home/r");
	cr_expect_str_eq(uc.trusted.v[3], "/src/blog");
	cr_assert_eq(uc.problems.n, 4, "bind lines are not the engine's to judge");
	cr_expect(strstr(uc.problems.v[0], ":4: trust needs an absolute path (or ~/...), not "
			 "'relative/shop'"), "%s", uc.problems.v[0]);
	cr_expect(strstr(uc.problems.v[1], ":5: trust needs an absolute path"), "%s",
		  uc.problems.v[1]);
	cr_expect(strstr(uc.problems.v[2], ":6: expected 'trust PATH' (one word, no blanks)"),
		  "%s", uc.problems.v[2]);
	cr_expect(strstr(uc.problems.v[3], ":7: expected 'trust PATH'"), "%s", uc.problems.v[3]);
	userconf_free(&uc);
}

Test(userconf, set_mouse_takes_a_truth_value_and_the_last_line_wins)
{
	struct userconf uc;

	load(&uc, "# nothing said: on\n");
	cr_expect_not(uc.mouse_off);
	userconf_free(&uc);
	load(&uc, "set mouse = false\n");
	cr_expect(uc.mouse_off);
	userconf_free(&uc);
	load(&uc, "set mouse off\nset mouse = maybe\n");
	cr_expect(uc.mouse_off, "a value it does not know changes nothing");
	cr_assert_eq(uc.problems.n, 1);
	cr_expect(strstr(uc.problems.v[0], ":2: set mouse: expected true or false, not 'maybe'"),
		  "%s", uc.problems.v[0]);
	userconf_free(&uc);
	load(&uc, "set mouse = no\nset mouse = yes\n");
	cr_expect_not(uc.mouse_off);
	userconf_free(&uc);
}

Test(userconf, set_cache_false_turns_the_parse_cache_off)
{
	struct userconf uc;

	load(&uc, "set mouse = false\n");
	cr_expect_not(uc.cache_off);
	userconf_free(&uc);
	load(&uc, "set cache = false\n");
	cr_expect(uc.cache_off);
	cr_expect_not(uc.mouse_off);
	cr_expect_eq(uc.problems.n, 0);
	userconf_free(&uc);
	load(&uc, "set cache off\nset cache = later\n");
	cr_expect(uc.cache_off);
	cr_assert_eq(uc.problems.n, 1);
	cr_expect(strstr(uc.problems.v[0], ":2: set cache: expected true or false, not 'later'"),
		  "%s", uc.problems.v[0]);
	userconf_free(&uc);
}

Test(userconf, a_trusted_directory_covers_a_project_whose_ini_and_env_py_lie_in_it)
{
	touch("shop/alembic.ini");
	touch("shop/migrations/env.py");
	touch("shop2/alembic.ini");
	touch("elsewhere/env.py");
	touch("nested/config/alembic.ini");
	touch("nested/migrations/env.py");
	cr_assert_eq(symlink("shop", at("link")), 0);

	cr_expect(trusts("shop", "shop/alembic.ini", "shop/migrations/env.py"));
	cr_expect(trusts("shop/alembic.ini", "shop/alembic.ini", "shop/migrations/env.py"),
		  "a file stands for its directory");
	cr_expect(trusts(".", "shop/alembic.ini", "shop/migrations/env.py"), "a parent");
	cr_expect(trusts("link", "shop/alembic.ini", "shop/migrations/env.py"),
		  "symlinks are resolved");
	cr_expect(trusts("shop", "link/alembic.ini", "link/migrations/env.py"));
	cr_expect(trusts("nested", "nested/config/alembic.ini", "nested/migrations/env.py"));
	cr_expect(trusts("shop", "shop/alembic.ini", "shop/migrations/missing/env.py"),
		  "an env.py that does not exist (yet) is where it would be");

	cr_expect_not(trusts("shop2", "shop/alembic.ini", "shop/migrations/env.py"),
		      "another project");
	cr_expect_not(trusts("sho", "shop/alembic.ini", "shop/migrations/env.py"),
		      "a prefix of the name is not the directory");
	cr_expect_not(trusts("gone", "shop/alembic.ini", "shop/migrations/env.py"),
		      "a path that does not exist trusts nothing, not its parent");
	cr_expect_not(trusts("shop/migrations", "shop/alembic.ini",
			     "shop/migrations/env.py"), "the ini must lie inside too");
	cr_expect_not(trusts("shop", "shop/alembic.ini", "elsewhere/env.py"),
		      "an env.py outside the trusted directory (a relative script_location with -c)");
	cr_expect_not(trusts("nested/config", "nested/config/alembic.ini",
			     "nested/migrations/env.py"));
}

Test(userconf, the_directory_to_trust_holds_both_files)
{
	char *got;

	touch("nested/config/alembic.ini");
	touch("nested/migrations/env.py");
	got = userconf_trust_dir(at("nested/config/alembic.ini"), at("nested/migrations/env.py"));
	cr_expect_str_eq(got, at("nested"));
	free(got);
	got = userconf_trust_dir(at("nested/config/alembic.ini"), at("nested/config/m/env.py"));
	cr_expect_str_eq(got, at("nested/config"));
	free(got);
}

Test(userconf, a_missing_file_is_nothing_unless_named)
{
	struct userconf uc;

	cr_assert_eq(userconf_load(&uc, "/nonexistent/migreview/config", false, NULL, NULL), 0);
	cr_expect_eq(uc.problems.n, 0);
	cr_expect_null(uc.path);
	userconf_free(&uc);
	cr_assert_eq(userconf_load(&uc, "/nonexistent/migreview/config", true, NULL, NULL), 0);
	cr_assert_eq(uc.problems.n, 1);
	cr_expect(strstr(uc.problems.v[0], "No such file"), "%s", uc.problems.v[0]);
	userconf_free(&uc);
	cr_assert_eq(userconf_load(&uc, NULL, false, NULL, NULL), 0);
	cr_expect_eq(uc.problems.n, 0);
	userconf_free(&uc);
}

Test(userconf, where_the_file_is)
{
	char *p;

	setenv("MIGREVIEW_CONFIG", "/etc/mr.conf", 1);
	cr_expect_str_eq(p = userconf_path(), "/etc/mr.conf");
	free(p);
	setenv("MIGREVIEW_CONFIG", "", 1);
	cr_expect_null(userconf_path(), "empty: no configuration");
	unsetenv("MIGREVIEW_CONFIG");
	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	setenv("HOME", "/home/r", 1);
	cr_expect_str_eq(p = userconf_path(), "/x/conf/migreview/config");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	cr_expect_str_eq(p = userconf_path(), "/home/r/.config/migreview/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	cr_expect_str_eq(p = userconf_path(), "/home/r/.config/migreview/config");
	free(p);
}

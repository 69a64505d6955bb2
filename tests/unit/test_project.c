/* Finding the project: ini, sections, locations, discovery order. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migreview/project.h"

static struct project p;
static struct mr_error err;
static char tmp[] = "/tmp/migreview-project-XXXXXX";
static char *layout;            /* a copy of tests/fixtures/layout */

/*
 * The fixture is copied so that the tests can add what a release tarball
 * cannot carry: a symlink loop and a __pycache__ directory.
 */
static void
setup(void)
{
	char cmd[1024];

	cr_assert(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -R '%s/layout' '%s/' && cd '%s/layout/migrations/versions' "
		 "&& ln -s .. sub/loop && mkdir __pycache__ && cp 2_next.py __pycache__/stale.py "
		 "&& chmod -R u+w '%s'", FIXTURES, tmp, tmp, tmp);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	layout = mr_printf("%s/layout", tmp);
}

static void
teardown(void)
{
	char cmd[256];

	project_free(&p);
	free(layout);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmp);
}

TestSuite(project, .init = setup, .fini = teardown);

static const char *
ini(void)
{
	static char path[512];

	return strcat(strcpy(path, layout), "/alembic.ini");
}

/* The warning that contains text, or NULL. */
static const char *
warning(const char *text)
{
	for (size_t i = 0; i < p.warnings.n; i++)
		if (strstr(p.warnings.v[i], text))
			return p.warnings.v[i];
	return NULL;
}

static void
open_ok(const char *section)
{
	cr_assert_eq(project_open(&p, ini(), section, &err), 0, "%s", err.msg);
}

/* The discovered files relative to the fixture, joined by spaces. */
static const char *
files(void)
{
	static char buf[4096];

	buf[0] = '\0';
	for (size_t i = 0; i < p.files.n; i++) {
		char *rel = project_relpath(&p, p.files.v[i]);

		strcat(buf, i ? " " : "");
		strcat(buf, rel);
		free(rel);
	}
	return buf;
}

Test(project, default_section_skips_init_lock_files_pycache_and_subdirectories)
{
	open_ok(NULL);
	cr_expect_str_eq(p.section, "alembic");
	cr_expect_str_eq(files(), "migrations/versions/1_base.py migrations/versions/2_next.py");
	cr_expect_str_eq(p.root, layout);
}

Test(project, migrations_left_in_subdirectories_are_said)
{
	/* sub/3_sub.py; not __pycache__/stale.py, nor through the symlink sub/loop */
	open_ok(NULL);
	cr_expect(warning("/migrations/versions hold 1 more .py file, not read as "
			  "recursive_version_locations is off (nor by Alembic's own CLI)"));
	project_free(&p);
	open_ok("recursive");
	cr_expect_null(warning("more .py file"));
}

Test(project, recursive_walks_sorted_subdirectories_but_not_symlinks)
{
	open_ok("recursive");
	cr_expect(p.recursive);
	cr_expect_str_eq(files(), "migrations/versions/1_base.py migrations/versions/2_next.py "
			 "migrations/versions/sub/3_sub.py");
}

Test(project, legacy_separators_and_a_missing_location_warns)
{
	open_ok("legacy");
	cr_expect_eq(p.version_locations.n, 3);
	cr_expect_str_eq(files(), "migrations/versions/1_base.py migrations/versions/2_next.py "
			 "extra/0_extra.py");
	cr_expect(warning("/more does not exist (Alembic skips it too)"));
}

Test(project, newline_separator_keeps_spaces_in_paths)
{
	open_ok("newline");
	cr_expect_str_eq(files(), "extra/0_extra.py dir with space/y.py");
}

Test(project, relative_script_location_follows_the_current_directory_with_c)
{
	/* as with `alembic -c`, relative paths resolve against the working directory */
	cr_assert_eq(chdir("/"), 0);
	cr_expect_eq(project_open(&p, ini(), "os", &err), -1);
	cr_expect(strstr(err.msg, "script_location /migrations is not a directory"), "%s", err.msg);
}

Test(project, upward_search_resolves_against_the_ini_directory)
{
	char dir[512];

	cr_assert_eq(chdir(strcat(strcpy(dir, layout), "/migrations/versions/sub")), 0);
	cr_assert_eq(project_open(&p, NULL, "os", &err), 0, "%s", err.msg);
	cr_expect(!strncmp(p.ini_path, layout, strlen(layout)));
	cr_expect_str_eq(p.ini_path + strlen(layout), "/alembic.ini");
	cr_expect_str_eq(files(), "extra/0_extra.py migrations/versions/1_base.py "
			 "migrations/versions/2_next.py");
}

Test(project, no_ini_anywhere)
{
	cr_assert_eq(chdir("/"), 0);
	cr_expect_eq(project_open(&p, NULL, NULL, &err), -1);
	cr_expect(strstr(err.msg, "no alembic.ini (nor a pyproject.toml with [tool.alembic]) in / or any directory above it"), "%s", err.msg);
}

Test(project, missing_ini_and_missing_section)
{
	cr_expect_eq(project_open(&p, "/nonexistent/alembic.ini", NULL, &err), -1);
	cr_expect(strstr(err.msg, "/nonexistent/alembic.ini: no such file"), "%s", err.msg);
	cr_expect_eq(project_open(&p, ini(), "nosuch", &err), -1);
	cr_expect(strstr(err.msg, "no [nosuch] section"), "%s", err.msg);
}

Test(project, interpolation_errors_name_the_key)
{
	cr_expect_eq(project_open(&p, ini(), "broken", &err), -1);
	cr_expect(strstr(err.msg, "[broken] script_location: '%(nope)s' names no option"),
		  "%s", err.msg);
}

Test(project, unknown_separator)
{
	cr_expect_eq(project_open(&p, ini(), "badsep", &err), -1);
	cr_expect(strstr(err.msg, "'pipe' is not a valid path separator"), "%s", err.msg);
}

Test(project, migreview_section_settings_and_typo_warning)
{
	char *v = NULL;

	open_ok(NULL);
	cr_assert_eq(project_setting(&p, "large_tables", &v, &err), 0);
	cr_expect_str_eq(v, "users, orders");
	free(v);
	cr_assert_eq(project_setting(&p, "theme", &v, &err), 0);
	cr_expect_null(v);
	cr_expect_eq(p.warnings.n, 2, "severity.* and the known keys are accepted");
	cr_expect(warning("[migreview] unknown setting 'colour' (ignored)"));
}

Test(project, split_locations)
{
	struct strvec sv = { 0 };

	cr_assert_eq(project_split_locations("a, b  c,d", NULL, &sv, &err), 0);
	cr_expect_eq(sv.n, 4);
	cr_expect_str_eq(sv.v[3], "d");
	strvec_free(&sv);
	cr_assert_eq(project_split_locations("a b;c d;", ";", &sv, &err), 0);
	cr_expect_eq(sv.n, 2);
	cr_expect_str_eq(sv.v[0], "a b");
	strvec_free(&sv);
	cr_assert_eq(project_split_locations("a:b", "os", &sv, &err), 0);
	cr_expect_eq(sv.n, 2);
	strvec_free(&sv);
	cr_assert_eq(project_split_locations("a b", "space", &sv, &err), 0);
	cr_expect_eq(sv.n, 2);
	strvec_free(&sv);
}

/* Opens the project as the command line would, from dir (under the opening fixture). */
static int
open_in(const char *dir, const char *config, const char *section, const char *directory)
{
	char path[512];
	struct project_where w = { config, section, directory };

	snprintf(path, sizeof(path), "%s/opening/%s", FIXTURES, dir);
	cr_assert_eq(chdir(path), 0, "%s", path);
	return project_open_at(&p, &w, &err);
}

/* The discovered files' names, joined by spaces. */
static const char *
names(void)
{
	static char buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < p.files.n; i++)
		strcat(strcat(buf, i ? " " : ""), strrchr(p.files.v[i], '/') + 1);
	return buf;
}

Test(project, flask_migrate_ini_of_comments_is_its_own_script_directory)
{
	cr_assert_eq(open_in("flask/migrations", NULL, NULL, NULL), 0, "%s", err.msg);
	cr_expect_eq(p.script_from, PROJECT_SCRIPT_INI_DIR);
	cr_expect_str_eq(names(), "f1_users.py f2_posts.py");
	cr_assert_eq(p.notes.n, 1);
	cr_expect(strstr(p.notes.v[0], "flask/migrations/alembic.ini sets no script_location: the "
			 "script directory is the ini's own, which holds env.py and versions/"),
		  "%s", p.notes.v[0]);
	cr_expect_eq(p.warnings.n, 0);
}

Test(project, directory_option_is_the_script_directory_and_its_ini_the_configuration)
{
	cr_assert_eq(open_in("flask", NULL, NULL, "migrations"), 0, "%s", err.msg);
	cr_expect_eq(p.script_from, PROJECT_SCRIPT_DIRECTORY);
	cr_expect(strstr(p.ini_path, "/opening/flask/migrations/alembic.ini"), "%s", p.ini_path);
	cr_expect(p.has_ini);
	cr_expect_str_eq(names(), "f1_users.py f2_posts.py");
	cr_expect_eq(p.notes.n, 0, "-d said where: nothing was assumed");
	/* it wins over the ini's own script_location, as flask db -d does */
	project_free(&p);
	cr_assert_eq(open_in("tenants", "alembic.ini", "core", "tenant"), 0, "%s", err.msg);
	cr_expect_str_eq(names(), "t1_orders.py");
}

Test(project, directory_without_an_ini_reads_alembic_defaults)
{
	cr_assert_eq(open_in("tenants", NULL, NULL, "core"), 0, "%s", err.msg);
	cr_expect_not(p.has_ini);
	cr_expect_str_eq(names(), "c1_accounts.py");
	cr_assert_eq(p.notes.n, 1);
	cr_expect(strstr(p.notes.v[0], "tenants/core/alembic.ini: Alembic's settings are its "
			 "defaults"), "%s", p.notes.v[0]);
	project_free(&p);
	cr_expect_eq(open_in("tenants", NULL, NULL, "nowhere"), -1);
	cr_expect_str_eq(err.msg, "-d nowhere: no such directory");
}

Test(project, a_section_without_the_key_names_those_that_have_it)
{
	cr_expect_eq(open_in("tenants", NULL, NULL, NULL), -1);
	cr_expect(strstr(err.msg, "tenants/alembic.ini: [alembic] has no 'script_location' key, "
			 "but [core] and [tenant] have one: use -n SECTION to read one"), "%s", err.msg);
	cr_expect_eq(open_in("tenants", NULL, "nosuch", NULL), -1);
	cr_expect(strstr(err.msg, "no [nosuch] section, but [core] and [tenant] have one"),
		  "%s", err.msg);
	cr_assert_eq(open_in("tenants", NULL, "core", NULL), 0, "%s", err.msg);
	cr_expect_str_eq(names(), "c1_accounts.py");
}

Test(project, a_section_without_the_key_beside_no_env_py_suggests_d)
{
	char dir[512];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/bare", tmp);
	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_eq(chdir(dir), 0);
	cr_assert(f = fopen("alembic.ini", "w"));
	fputs("[alembic]\n# set in code\n\n[other]\nsqlalchemy.url = sqlite://\n", f);
	fclose(f);
	cr_expect_eq(project_open(&p, NULL, NULL, &err), -1);
	cr_expect(strstr(err.msg, "[alembic] has no 'script_location' key (when the project sets "
			 "it in code, -d DIR names the script directory)"), "%s", err.msg);
}

Test(project, a_script_location_relative_to_a_directory_above_says_run_there)
{
	FILE *f;

	/* hypothesis/h runs `alembic -c conf/alembic.ini` from its top */
	cr_assert_eq(chdir(tmp), 0);
	cr_assert_eq(system("mkdir -p h/.git h/conf h/app/migrations/versions"), 0);
	cr_assert_eq(chdir("h/conf"), 0);
	cr_assert(f = fopen("alembic.ini", "w"));
	fputs("[alembic]\nscript_location = app/migrations\n", f);
	fclose(f);
	cr_expect_eq(project_open(&p, NULL, NULL, &err), -1);
	cr_expect(strstr(err.msg, "/h/conf/app/migrations is not a directory (it is one relative "
			 "to "), "%s", err.msg);
	cr_expect(strstr(err.msg, "/h: run migreview there with -c conf/alembic.ini, as `alembic "
			 "-c` would be)"), "%s", err.msg);
	cr_assert_eq(chdir(".."), 0);
	cr_assert_eq(project_open(&p, "conf/alembic.ini", NULL, &err), 0, "%s", err.msg);
}

Test(project, package_resources_are_found_in_the_project_without_importing)
{
	unsetenv("VIRTUAL_ENV");
	/* shopapp.db (a namespace package) in src/ above conf/, and shopapp:extra */
	cr_assert_eq(open_in("packaged/conf", NULL, NULL, NULL), 0, "%s", err.msg);
	cr_expect_eq(p.script_from, PROJECT_SCRIPT_RESOURCE);
	cr_expect(strstr(p.script_location, "/opening/packaged/src/shopapp/db/migrations"),
		  "%s", p.script_location);
	cr_expect_str_eq(names(), "p1_products.py e1_extras.py");
	cr_assert_eq(p.package_roots.n, 1);
	cr_expect(strstr(p.package_roots.v[0], "/opening/packaged/src"), "%s", p.package_roots.v[0]);
	cr_expect_eq(p.warnings.n, 0, "the project's own package is not 'outside' it: %s",
		     p.warnings.n ? p.warnings.v[0] : "");
	project_free(&p);
	/* prepend_sys_path, relative to the directory Alembic runs in */
	cr_assert_eq(open_in("packaged/conf", NULL, "prepend", NULL), 0, "%s", err.msg);
	cr_expect_str_eq(names(), "v1_vendored.py");
	cr_expect(strstr(p.package_roots.v[0], "/opening/packaged/vendor"), "%s", p.package_roots.v[0]);
}

Test(project, package_resources_in_the_virtualenv)
{
	char venv[512];

	snprintf(venv, sizeof(venv), "%s/opening/packaged/venv", FIXTURES);
	unsetenv("VIRTUAL_ENV");
	cr_expect_eq(open_in("packaged/conf", NULL, "site", NULL), -1);
	cr_expect(strstr(err.msg, "[site] script_location = sitepkg:migrations: no package "
			 "directory sitepkg/ (looked in: "), "%s", err.msg);
	cr_expect(strstr(err.msg, "/opening/packaged/conf and the directories above it up to "),
		  "%s", err.msg);
	cr_expect(strstr(err.msg, "the system's dist-packages (no $VIRTUAL_ENV)); migreview finds "
			 "packages without importing them"), "%s", err.msg);
	setenv("VIRTUAL_ENV", venv, 1);
	cr_assert_eq(open_in("packaged/conf", NULL, "site", NULL), 0, "%s", err.msg);
	unsetenv("VIRTUAL_ENV");
	cr_expect_str_eq(names(), "s1_site.py");
	cr_expect_eq(p.package_roots.n, 0, "an installed package is not the project's directory");
}

Test(project, package_resources_not_found_or_malformed)
{
	unsetenv("VIRTUAL_ENV");
	cr_expect_eq(open_in("packaged/conf", NULL, "missing", NULL), -1);
	cr_expect(strstr(err.msg, "no package directory nosuchpkg/ (looked in: prepend_sys_path "),
		  "%s", err.msg);
	cr_expect(strstr(err.msg, "/opening/packaged/vendor; "), "%s", err.msg);
	cr_expect_eq(open_in("packaged/conf", NULL, "notapackage", NULL), -1);
	cr_expect(strstr(err.msg, "[notapackage] script_location = shop-app:migrations: neither a "
			 "path nor a package resource"), "%s", err.msg);
}

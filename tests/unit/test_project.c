/* Finding the project: ini, sections, locations, discovery order. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	cr_expect_eq(p.warnings.n, 1, "severity.* and the known keys are accepted");
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

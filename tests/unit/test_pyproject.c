/*
 * pyproject.toml: [tool.alembic] where alembic.ini says nothing (as Alembic
 * 1.16's get_alembic_option), a project kept in pyproject.toml alone, and
 * [tool.migreview] settings under the ini's [migreview].
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/project.h"
#include "migreview/settings.h"

static struct project p;
static struct mr_error err;
static char tmp[] = "/tmp/migreview-pyproject-XXXXXX";
static char *dir;               /* a copy of tests/fixtures/layout, without its alembic.ini */
static char *cwd;

static void
setup(void)
{
	char cmd[1024];

	cr_assert(mkdtemp(tmp));
	cwd = getcwd(NULL, 0);
	snprintf(cmd, sizeof(cmd), "cp -R '%s/layout' '%s/' && chmod -R u+w '%s' && "
		 "mv '%s/layout/alembic.ini' '%s/layout.ini'", FIXTURES, tmp, tmp, tmp, tmp);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	dir = mr_printf("%s/layout", tmp);
}

static void
teardown(void)
{
	char cmd[256];

	project_free(&p);
	cr_assert_eq(chdir(cwd), 0);
	free(cwd);
	free(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmp);
}

TestSuite(pyproject, .init = setup, .fini = teardown);

static void
put(const char *name, const char *text)
{
	char *path = mr_printf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
	free(path);
}

/* The project's files, relative to dir, joined with spaces. */
static const char *
files(void)
{
	static char buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < p.files.n; i++) {
		char *rel = mr_path_relative(p.files.v[i], dir);

		strcat(strcat(buf, i ? " " : ""), rel);
		free(rel);
	}
	return buf;
}

Test(pyproject, a_project_kept_in_pyproject_alone_is_found_from_below)
{
	char *sub = mr_printf("%s/migrations/versions/sub", dir), *toml = mr_printf("%s/pyproject.toml", dir);

	put("pyproject.toml", "[project]\nname = \"x\"\n\n"
	      "[tool.alembic]\n"
	      "script_location = \"%(here)s/migrations\"\n"
	      "version_locations = [\"%(here)s/migrations/versions\", \"%(here)s/extra\"]\n");
	cr_assert_eq(chdir(sub), 0);
	cr_assert_eq(project_open(&p, NULL, NULL, &err), 0, "%s", err.msg);
	cr_expect_not(p.has_ini);
	cr_expect(p.has_toml);
	cr_expect_str_eq(p.ini_path, toml);
	cr_expect_str_eq(files(), "migrations/versions/1_base.py migrations/versions/2_next.py "
			 "extra/0_extra.py");
	free(sub);
	free(toml);
}

Test(pyproject, a_pyproject_without_tool_alembic_does_not_make_a_project)
{
	put("pyproject.toml", "[tool.ruff]\nline-length = 100\n");
	cr_assert_eq(chdir(dir), 0);
	cr_expect_eq(project_open(&p, NULL, NULL, &err), -1);
	cr_expect(strstr(err.msg, "no alembic.ini (nor a pyproject.toml with [tool.alembic])"),
		  "%s", err.msg);
	cr_expect_eq(project_open(&p, "pyproject.toml", NULL, &err), -1);
	cr_expect(strstr(err.msg, "pyproject.toml: no [tool.alembic] table, and no alembic.ini"),
		  "%s", err.msg);
}

Test(pyproject, the_ini_wins_and_pyproject_fills_in)
{
	/* the ini's script_location wins; version_locations and recursion come from TOML */
	put("alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
	put("pyproject.toml", "[tool.alembic]\nscript_location = \"nowhere\"\n"
	      "version_locations = [\"%(here)s/migrations/versions\"]\n"
	      "recursive_version_locations = true\n");
	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(project_open(&p, NULL, NULL, &err), 0, "%s", err.msg);
	cr_expect(p.has_ini);
	cr_expect(p.has_toml);
	cr_expect(p.recursive);
	cr_expect(strstr(files(), "migrations/versions/sub/"), "%s", files());
	project_free(&p);
	/* an ini that names its locations is not overruled */
	put("alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n"
	      "version_locations = %(here)s/extra\nrecursive_version_locations = false\n");
	cr_assert_eq(project_open(&p, NULL, NULL, &err), 0, "%s", err.msg);
	cr_expect_str_eq(files(), "extra/0_extra.py");
	cr_expect_not(p.recursive);
}

Test(pyproject, with_c_the_other_file_is_looked_for_in_the_current_directory)
{
	char *toml = mr_printf("%s/pyproject.toml", dir);

	put("alembic.ini", "[alembic]\nscript_location = migrations\n");
	put("pyproject.toml", "[tool.alembic]\nversion_locations = [\"extra\"]\n");
	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(project_open(&p, "pyproject.toml", NULL, &err), 0, "%s", err.msg);
	cr_expect(p.has_ini, "alembic.ini beside it, in the current directory");
	cr_expect_str_eq(files(), "extra/0_extra.py");
	project_free(&p);
	cr_assert_eq(chdir(tmp), 0);
	cr_assert_eq(project_open(&p, toml, NULL, &err), -1, "from elsewhere: no alembic.ini here");
	cr_expect(strstr(err.msg, "[tool.alembic] has no 'script_location' key"), "%s", err.msg);
	free(toml);
}

Test(pyproject, wrong_types_and_bad_toml_say_where)
{
	cr_assert_eq(chdir(dir), 0);
	put("pyproject.toml", "[tool.alembic]\nscript_location = \"migrations\"\n"
	      "version_locations = \"migrations/versions\"\n");
	cr_expect_eq(project_open(&p, NULL, NULL, &err), -1);
	cr_expect(strstr(err.msg, "pyproject.toml:3:21: [tool.alembic] version_locations must be "
			 "an array of strings"), "%s", err.msg);
	put("pyproject.toml", "[tool.alembic]\nscript_location = \"migrations\"\n"
	      "recursive_version_locations = \"yes\"\n");
	cr_expect_eq(project_open(&p, NULL, NULL, &err), -1);
	cr_expect(strstr(err.msg, "recursive_version_locations must be true or false"), "%s",
		  err.msg);
	put("pyproject.toml", "[tool.alembic]\nscript_location = \"50%/migrations\"\n");
	cr_expect_eq(project_open(&p, NULL, NULL, &err), -1);
	cr_expect(strstr(err.msg, "'%' must be written '%%'"), "%s", err.msg);
	put("pyproject.toml", "[tool.alembic\nscript_location = \"migrations\"\n");
	cr_expect_eq(project_open(&p, "pyproject.toml", NULL, &err), -1);
	cr_expect(strstr(err.msg, "pyproject.toml:1:1: not valid TOML"), "%s", err.msg);
	/* beside an alembic.ini that says everything, a broken pyproject.toml is a warning */
	put("alembic.ini", "[alembic]\nscript_location = migrations\n");
	cr_assert_eq(project_open(&p, NULL, NULL, &err), 0, "%s", err.msg);
	cr_assert_geq(p.warnings.n, 1);
	cr_expect(strstr(p.warnings.v[0], "pyproject.toml:1:1: not valid TOML here; migreview "
			 "reads alembic.ini without it"), "%s", p.warnings.v[0]);
}

Test(pyproject, tool_migreview_settings_under_the_ini)
{
	struct analysis_config cfg;
	char *v;

	put("alembic.ini", "[alembic]\nscript_location = migrations\n"
	      "[migreview]\ndialect = mysql\nseverity.drop-table = info\n");
	put("pyproject.toml", "[tool.migreview]\n"
	      "dialect = \"sqlite\"\n"
	      "large_tables = [\"orders\", \"events\"]\n"
	      "review_file = \"%(here)s/REVIEW\"\n"
	      "colour = \"red\"\n"
	      "[tool.migreview.severity]\n"
	      "drop-column = \"error\"\n"
	      "drop-table = \"warning\"\n");
	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(project_open(&p, NULL, NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(project_setting(&p, "large_tables", &v, &err), 0);
	cr_expect_str_eq(v, "orders, events");
	free(v);
	cr_assert_eq(project_setting(&p, "review_file", &v, &err), 0);
	cr_expect(v && !strncmp(v, dir, strlen(dir)) && !strcmp(v + strlen(dir), "/REVIEW"), "%s", v);
	free(v);
	cr_expect(p.warnings.n >= 1 && strstr(p.warnings.v[0],
		  "pyproject.toml: [tool.migreview] unknown setting 'colour'"), "%s",
		  p.warnings.n ? p.warnings.v[0] : "no warning");
	cr_assert_eq(analysis_config_load(&p, &cfg, &err), 0, "%s", err.msg);
	cr_expect_eq(cfg.dialect, DIALECT_MYSQL, "the ini's [migreview] wins");
	cr_expect_eq(cfg.large_tables.n, 2);
	for (size_t i = 0; i < RULE_COUNT; i++)
		cr_expect_eq(cfg.by_rule[i].overridden,
			     i == RULE_DROP_TABLE || i == RULE_DROP_COLUMN, "%s", rules[i].id);
	cr_expect_eq(cfg.by_rule[RULE_DROP_TABLE].severity, SEVERITY_INFO, "the ini's");
	cr_expect_eq(cfg.by_rule[RULE_DROP_COLUMN].severity, SEVERITY_ERROR, "pyproject's");
	analysis_config_free(&cfg);
	project_free(&p);
	put("pyproject.toml", "[tool.migreview]\ndisable = [\"drop-tabel\"]\n");
	cr_assert_eq(project_open(&p, NULL, NULL, &err), 0, "%s", err.msg);
	cr_expect_eq(analysis_config_load(&p, &cfg, &err), -1);
	cr_expect(strstr(err.msg, "pyproject.toml: [tool.migreview] disable: no rule 'drop-tabel'"),
		  "%s", err.msg);
	project_free(&p);
	put("pyproject.toml", "[tool.migreview]\nlarge_tables = 3\n");
	cr_assert_eq(project_open(&p, NULL, NULL, &err), 0, "%s", err.msg);
	cr_expect_eq(analysis_config_load(&p, &cfg, &err), -1);
	cr_expect(strstr(err.msg, "[tool.migreview] large_tables must be a string or an array of "
			 "strings"), "%s", err.msg);
}

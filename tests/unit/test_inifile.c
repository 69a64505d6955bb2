/* alembic.ini syntax and ConfigParser interpolation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/inifile.h"

static struct inifile ini;
static struct mr_error err;
static char path[] = "/tmp/migreview-ini-XXXXXX";

static void
load(const char *text)
{
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert_eq(inifile_load(&ini, path, &err), 0, "%s", err.msg);
}

static void
teardown(void)
{
	inifile_free(&ini);
	unlink(path);
}

TestSuite(inifile, .fini = teardown);

static const char *
get(const char *section, const char *key)
{
	static char *last;

	free(last);
	cr_assert_eq(inifile_get(&ini, section, key, &last, &err), 0, "%s", err.msg);
	return last;
}

Test(inifile, keys_are_case_insensitive_and_default_shows_through)
{
	load("[DEFAULT]\nshared = yes\n[alembic]\nScript_Location = here\n");
	cr_expect_str_eq(get("alembic", "script_location"), "here");
	cr_expect_str_eq(get("alembic", "shared"), "yes");
	cr_expect_null(get("alembic", "absent"));
	cr_expect(inifile_has_section(&ini, "alembic"));
	cr_expect_not(inifile_has_section(&ini, "DEFAULT"));
}

Test(inifile, a_section_of_comments_only_is_there_in_file_order)
{
	/* Flask-Migrate's migrations/alembic.ini: [alembic] holds only comments */
	load("# generic\n[alembic]\n# template\n; more\n\n[loggers]\nkeys = root\n[empty]\n");
	cr_expect(inifile_has_section(&ini, "alembic"));
	cr_expect(inifile_has_section(&ini, "empty"));
	cr_assert_eq(ini.n_sections, 3);
	cr_expect_str_eq(ini.sections[0], "alembic");
	cr_expect_str_eq(ini.sections[1], "loggers");
	cr_expect_null(get("alembic", "script_location"));
}

Test(inifile, here_percent_and_nested_interpolation)
{
	char *dir;

	load("[a]\nx = %(here)s/m\ny = %(x)s/v 100%%\n");
	dir = strdup(path);
	*strrchr(dir, '/') = '\0';
	cr_expect_eq(strncmp(get("a", "x"), dir, strlen(dir)), 0);
	cr_expect(strstr(get("a", "y"), "/m/v 100%"));
	free(dir);
}

Test(inifile, bad_interpolation_is_an_error_with_the_key)
{
	char *v;

	load("[a]\nloop = %(loop)s\nbare = 5%\nmissing = %(nope)s\n");
	cr_expect_eq(inifile_get(&ini, "a", "loop", &v, &err), -1);
	cr_expect(strstr(err.msg, "nested more than 10 deep"), "%s", err.msg);
	cr_expect_eq(inifile_get(&ini, "a", "bare", &v, &err), -1);
	cr_expect(strstr(err.msg, "[a] bare: '%' must be followed by"), "%s", err.msg);
	cr_expect_eq(inifile_get(&ini, "a", "missing", &v, &err), -1);
	cr_expect(strstr(err.msg, "'%(nope)s' names no option"), "%s", err.msg);
}

Test(inifile, continuation_lines_long_lines_and_no_inline_comments)
{
	char text[5000];

	snprintf(text, sizeof(text), "[a]\nlocs =\n    one\n    two\nurl = x ; not a comment\n"
		 "long = %04000d\n", 7);
	load(text);
	cr_expect_str_eq(get("a", "locs"), "\none\ntwo");
	cr_expect_str_eq(get("a", "url"), "x ; not a comment");
	cr_expect_eq(strlen(get("a", "long")), 4000);
}

Test(inifile, syntax_error_has_a_line)
{
	int fd = mkstemp(path);

	cr_assert_eq(write(fd, "[a]\nok = 1\nthis line has no equals sign\n", 40), 40);
	close(fd);
	cr_expect_eq(inifile_load(&ini, path, &err), -1);
	cr_expect(strstr(err.msg, ":3: not valid INI syntax"), "%s", err.msg);
}

Test(inifile, booleans)
{
	cr_expect_eq(inifile_parse_bool("True"), 1);
	cr_expect_eq(inifile_parse_bool("on"), 1);
	cr_expect_eq(inifile_parse_bool("0"), 0);
	cr_expect_eq(inifile_parse_bool("maybe"), -1);
}

/* [migreview] settings: dialect, large tables, disabled rules, severities. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migreview/settings.h"

static char dir[] = "/tmp/migreview-settings-XXXXXX";
static struct project p;
static struct analysis_config cfg;
static struct mr_error err;

static void
setup(void)
{
	char path[256];

	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/versions", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
}

static void
teardown(void)
{
	char cmd[128];

	analysis_config_free(&cfg);
	project_free(&p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(settings, .init = setup, .fini = teardown);

/* Writes an alembic.ini with these extra lines and loads its settings. */
static int
load(const char *url, const char *extra)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/alembic.ini", dir);
	f = fopen(path, "w");
	fprintf(f, "[alembic]\nscript_location = %%(here)s\nsqlalchemy.url = %s\n"
		"[migreview]\n%s", url, extra);
	fclose(f);
	project_free(&p);
	cr_assert_eq(project_open(&p, path, NULL, &err), 0, "%s", err.msg);
	analysis_config_free(&cfg);
	return analysis_config_load(&p, &cfg, &err);
}

Test(settings, dialect_from_setting_then_url_then_postgresql)
{
	cr_assert_eq(load("sqlite:///x.db", ""), 0);
	cr_expect_eq(cfg.dialect, DIALECT_SQLITE);
	cr_assert_eq(load("mysql+pymysql://u@h/db", ""), 0);
	cr_expect_eq(cfg.dialect, DIALECT_MYSQL);
	cr_assert_eq(load("driver://user:pass@localhost/dbname", ""), 0);
	cr_expect_eq(cfg.dialect, DIALECT_POSTGRESQL, "the alembic init placeholder");
	cr_assert_eq(load("sqlite://", "dialect = postgresql\n"), 0);
	cr_expect_eq(cfg.dialect, DIALECT_POSTGRESQL);
	cr_expect_eq(load("sqlite://", "dialect = oracle\n"), -1);
	cr_expect(strstr(err.msg, "alembic.ini: [migreview] dialect: 'oracle' is not postgresql"), "%s", err.msg);
}

Test(settings, lists_and_overrides)
{
	cr_assert_eq(load("sqlite://", "large_tables = orders, order_items\n"
			  "disable = drop-table model-import\nseverity.drop-column = Error\n"), 0, "%s",
		     err.msg);
	cr_expect_eq(cfg.large_tables.n, 2);
	cr_expect_str_eq(cfg.large_tables.v[1], "order_items");
	cr_expect_eq(cfg.disabled.n, 2);
	cr_assert_eq(cfg.n_overrides, 1);
	cr_expect_str_eq(cfg.overrides[0].rule, "drop-column");
	cr_expect_eq(cfg.overrides[0].severity, SEVERITY_ERROR);
}

Test(settings, unknown_rules_and_severities_are_errors)
{
	cr_expect_eq(load("sqlite://", "disable = drop-tabel\n"), -1);
	cr_expect(strstr(err.msg, "disable: no rule 'drop-tabel'"), "%s", err.msg);
	cr_expect_eq(load("sqlite://", "severity.nope = error\n"), -1);
	cr_expect(strstr(err.msg, "no rule 'nope'"), "%s", err.msg);
	cr_expect_eq(load("sqlite://", "severity.drop-table = fatal\n"), -1);
	cr_expect(strstr(err.msg, "expected error, warning or info"), "%s", err.msg);
}

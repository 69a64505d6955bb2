/* [migreview] settings: dialect, large tables, disabled rules, severities. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migreview/report.h"
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
	for (size_t i = 0; i < RULE_COUNT; i++) {
		cr_expect_eq(cfg.by_rule[i].disabled,
			     i == RULE_DROP_TABLE || i == RULE_MODEL_IMPORT, "%s", rules[i].id);
		cr_expect_eq(cfg.by_rule[i].overridden, i == RULE_DROP_COLUMN, "%s", rules[i].id);
	}
	cr_expect_eq(cfg.by_rule[RULE_DROP_COLUMN].severity, SEVERITY_ERROR);
}

/* What analysis_config_severity() makes of rule under cfg: -1 when it is off. */
static int
severity_of(enum rule_id rule)
{
	enum severity sev;

	return analysis_config_severity(&cfg, &rules[rule], NULL, &sev) ? (int)sev : -1;
}

Test(settings, graph_and_header_rules_are_set_as_analysis_rules_are)
{
	cr_assert_eq(load("sqlite://", "disable = multiple-heads drop-table\n"
			  "severity.parse-error = info\nseverity.drop-column = info\n"), 0, "%s",
		     err.msg);
	cr_expect_eq(severity_of(RULE_MULTIPLE_HEADS), -1);
	cr_expect_eq(severity_of(RULE_DROP_TABLE), -1);
	cr_expect_eq(severity_of(RULE_PARSE_ERROR), SEVERITY_INFO);
	cr_expect_eq(severity_of(RULE_DROP_COLUMN), SEVERITY_INFO);
	cr_expect_eq(severity_of(RULE_CYCLE), SEVERITY_ERROR, "the catalogue's default");
	cr_expect_eq(severity_of(RULE_NOT_TESTED), SEVERITY_WARNING, "the catalogue's default");
}

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/versions/%s", dir, name);
	cr_assert(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* The findings of a project with two heads and a file that is not Python, as "rule:severity". */
static char *
findings_of(const char *settings)
{
	static char out[512];
	struct report r = { 0 };
	char path[256];

	cr_assert_eq(load("sqlite://", settings), 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/alembic.ini", dir);
	cr_assert_eq(report_open(&r, path, NULL, &err), 0, "%s", err.msg);
	out[0] = '\0';
	for (size_t k = 0; k < r.all.n; k++) {
		const struct finding *f = &r.all.v[r.by_order[k]];
		size_t len = strlen(out);

		snprintf(out + len, sizeof(out) - len, "%s%s:%s", len ? " " : "", f->rule->id,
			 severity_name(f->severity));
	}
	report_free(&r);
	return out;
}

Test(settings, disable_and_severity_hold_for_graph_and_header_findings)
{
	put("a.py", "revision = 'a'\ndown_revision = None\n"
	    "def upgrade():\n    pass\ndef downgrade():\n    pass\n");
	put("b.py", "revision = 'b'\ndown_revision = 'a'\n"
	    "def upgrade():\n    op.drop_column('t', 'c')\ndef downgrade():\n    pass\n");
	put("c.py", "revision = 'c'\ndown_revision = 'a'\n"
	    "def upgrade()\n    pass\ndef downgrade():\n    pass\n");
	cr_expect_str_eq(findings_of("disable = empty-downgrade\n"),
			 "multiple-heads:warning parse-error:error multiple-heads:warning "
			 "drop-column:warning");
	cr_expect_str_eq(findings_of("disable = empty-downgrade multiple-heads\n"
				     "severity.parse-error = info\nseverity.drop-column = info\n"),
			 "parse-error:info drop-column:info");
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

Test(settings, downgrade_none_or_written)
{
	cr_assert_eq(load("sqlite://", ""), 0, "%s", err.msg);
	cr_expect_not(cfg.no_downgrades);
	cr_assert_eq(load("sqlite://", "downgrade = None\n"), 0, "%s", err.msg);
	cr_expect(cfg.no_downgrades);
	cr_assert_eq(load("sqlite://", "downgrade = written\n"), 0, "%s", err.msg);
	cr_expect_not(cfg.no_downgrades);
	cr_expect_eq(load("sqlite://", "downgrade = never\n"), -1);
	cr_expect(strstr(err.msg, "[migreview] downgrade: 'never': expected none"), "%s", err.msg);
}

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

/* What check prints as the dialect's source. */
Test(settings, where_the_dialect_came_from)
{
	cr_assert_eq(load("sqlite:///x.db", ""), 0);
	cr_expect_str_eq(cfg.dialect_from, "from sqlalchemy.url in alembic.ini");
	cr_assert_eq(load("driver://user:pass@localhost/dbname", ""), 0);
	cr_expect_str_eq(cfg.dialect_from, "default: sqlalchemy.url in alembic.ini names none "
			 "of postgresql, mysql and sqlite");
	cr_assert_eq(load("", ""), 0);
	cr_expect_str_eq(cfg.dialect_from, "default");
	cr_assert_eq(load("sqlite://", "dialect = mysql\n"), 0);
	cr_expect_str_eq(cfg.dialect_from, "from [migreview] dialect in alembic.ini");
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

/* Writes env.py into the script directory. */
static void
env_py(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/env.py", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

Test(settings, a_lock_timeout_set_in_env_py_or_the_url_holds_for_every_migration)
{
	static const struct { const char *env, *url; bool set; } cases[] = {
		{ "with connectable.connect() as connection:\n"
		  "    connection.execute(text(\"SET lock_timeout = '4s'\"))\n"
		  "    context.configure(connection=connection)\n", "", true },
		{ "engine = create_engine(url, connect_args={'options': '-c lock_timeout=5000'})\n",
		  "", true },
		{ "timeout = '3s'\nconnection.execute(text(f\"SET lock_timeout TO '{timeout}'\"))\n",
		  "", true },
		{ "", "postgresql://db/app?options=-c%%20lock_timeout%%3D5000", true },
		{ "# connection.execute(text(\"SET lock_timeout = '4s'\"))\n", "", false },
		{ "connection.execute(text(\"SET lock_timeout = 0\"))\n", "", false },
		{ "context.configure(connection=connection)\n", "", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		env_py(cases[i].env);
		cr_assert_eq(load(cases[i].url, ""), 0, "%s", err.msg);
		cr_expect_eq(cfg.lock_timeout_everywhere, cases[i].set, "case %zu", i);
	}
}

Test(settings, naming_convention_from_the_setting_env_py_or_a_module_it_imports)
{
	char path[512];
	FILE *f;

	env_py("from app.db import Base  # noqa\ntarget_metadata = Base.metadata\n");
	snprintf(path, sizeof(path), "%s/app", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/app/db.py", dir);
	f = fopen(path, "w");
	fputs("# naming_convention = {'ck': 'not_this'}\n"
	      "NAMING = {\n    \"ix\": \"ix_%(column_0_label)s\",\n"
	      "    \"ck\": \"ck_%(table_name)s_%(constraint_name)s\",  # checks\n"
	      "    \"fk\": fk_name,\n}\n"
	      "metadata = sa.MetaData(naming_convention=NAMING)\n", f);
	fclose(f);
	cr_assert_eq(load("", ""), 0, "%s", err.msg);
	cr_assert_eq(cfg.naming.keys.n, 2, "%zu from %s", cfg.naming.keys.n, cfg.naming.source ? cfg.naming.source : "nowhere");
	cr_expect_str_eq(cfg.naming.keys.v[1], "ck");
	cr_expect_str_eq(cfg.naming.templates.v[1], "ck_%(table_name)s_%(constraint_name)s");
	cr_expect(strstr(cfg.naming.source, "app/db.py"), "%s", cfg.naming.source);

	env_py("metadata = MetaData(naming_convention={'uq': 'uq_%(table_name)s'})\n");
	cr_assert_eq(load("", ""), 0, "%s", err.msg);
	cr_assert_eq(cfg.naming.keys.n, 1);
	cr_expect_str_eq(cfg.naming.templates.v[0], "uq_%(table_name)s");

	cr_assert_eq(load("", "naming_convention = pk: pk_%%(table_name)s\n"), 0, "%s", err.msg);
	cr_assert_eq(cfg.naming.keys.n, 1);
	cr_expect_str_eq(cfg.naming.templates.v[0], "pk_%(table_name)s", "the setting wins");
	cr_expect_eq(load("", "naming_convention = pk\n"), -1);
	cr_expect(strstr(err.msg, "naming_convention"), "%s", err.msg);
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

/* Writes the default stats file beside the review file, with one table of so many bytes and rows. */
static void
write_stats(const char *name, const char *taken, long long bytes, long long rows)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fprintf(f, "{\"migreview_stats\": 1, \"taken_at\": \"%s\", \"server_version\": \"15\", "
		"\"server_version_num\": 150000, \"database\": \"shop\", "
		"\"since\": \"2026-11-01T00:00:00Z\", \"tables\": [\n"
		"{\"schema\": \"public\", \"name\": \"orders\", \"kind\": \"r\", \"rows\": %lld, "
		"\"heap_bytes\": %lld, \"index_bytes\": 0, \"total_bytes\": %lld, "
		"\"live_tuples\": 0, \"dead_tuples\": 0, \"inserts\": 0, \"updates\": 0, "
		"\"deletes\": 0, \"seq_scans\": 0, \"index_scans\": 0}],\n\"indexes\": []}\n",
		taken, rows, bytes, bytes);
	fclose(f);
}

Test(settings, production_sizes_make_a_table_large_over_large_table_size)
{
	write_stats("migrations.stats.json", "2026-12-01T00:00:00Z", 2LL << 30, 1000);
	/* no setting: 1 GB or more is large */
	cr_assert_eq(load("postgresql://x", ""), 0, "%s", err.msg);
	cr_assert(cfg.stats);
	cr_expect_str_eq(cfg.stats_relpath, "migrations.stats.json");
	cr_expect(analysis_config_large(&cfg, "orders"));
	cr_expect(analysis_config_large(&cfg, "public.orders"));
	cr_expect_not(analysis_config_large(&cfg, "customers"), "absent: new, small");
	cr_assert_eq(load("postgresql://x", "large_table_size = 3GB\n"), 0, "%s", err.msg);
	cr_expect_not(analysis_config_large(&cfg, "orders"));
	cr_assert_eq(load("postgresql://x", "large_table_size = 3 GB, 500 rows\n"), 0, "%s", err.msg);
	cr_expect(analysis_config_large(&cfg, "orders"), "over the rows");
	cr_assert_eq(load("postgresql://x", "large_table_size = 2048MB\n"), 0, "%s", err.msg);
	cr_expect(analysis_config_large(&cfg, "orders"));
	/* large_tables still counts, stats or not */
	cr_assert_eq(load("postgresql://x", "large_table_size = 3GB\nlarge_tables = orders\n"), 0);
	cr_expect(analysis_config_large(&cfg, "orders"));
}

Test(settings, sizes_and_durations_that_do_not_read_are_errors_naming_the_setting)
{
	cr_expect_eq(load("postgresql://x", "large_table_size = big\n"), -1);
	cr_expect(strstr(err.msg, "large_table_size: 'big' is neither a size"), "%s", err.msg);
	cr_expect_eq(load("postgresql://x", "large_table_size = 5 parsecs\n"), -1);
	cr_expect_eq(load("postgresql://x", "large_table_size = -1GB\n"), -1);
	cr_expect_eq(load("postgresql://x", "large_table_size = 9e17 TB\n"), -1, "past 2^63 bytes");
	cr_expect_eq(load("postgresql://x", "max_lock_forecast = soon\n"), -1);
	cr_expect(strstr(err.msg, "max_lock_forecast: 'soon' is not a duration"), "%s", err.msg);
	cr_expect_eq(load("postgresql://x", "stats_max_age = 3 weeks\n"), -1);
	cr_assert_eq(load("postgresql://x", "max_lock_forecast = 500ms\nstats_max_age = 2d\n"), 0);
	cr_expect_float_eq(cfg.max_lock_forecast, 0.5, 1e-9);
	cr_expect_float_eq(cfg.stats_max_age, 2 * 86400.0, 1e-9);
}

Test(settings, the_stats_file_named_must_be_there_readable_and_inside_the_project)
{
	char link[300];

	/* the default file may be missing; one the setting names may not */
	cr_assert_eq(load("postgresql://x", ""), 0, "%s", err.msg);
	cr_expect_null(cfg.stats);
	cr_expect_eq(load("postgresql://x", "stats = prod.json\n"), -1);
	cr_expect(strstr(err.msg, "prod.json"), "%s", err.msg);
	write_stats("prod.json", "2026-12-01T00:00:00Z", 10, 10);
	cr_assert_eq(load("postgresql://x", "stats = prod.json\n"), 0, "%s", err.msg);
	cr_expect_str_eq(cfg.stats_relpath, "prod.json");
	cr_expect_eq(load("postgresql://x", "stats = ../prod.json\n"), -1);
	cr_expect(strstr(err.msg, "stats = ../prod.json: refused"), "%s", err.msg);
	cr_expect_eq(load("postgresql://x", "stats = /etc/passwd\n"), -1);
	/* a link could read a secret into the message: refused, whatever it points to */
	snprintf(link, sizeof(link), "%s/link.json", dir);
	cr_assert_eq(symlink("/etc/passwd", link), 0);
	cr_expect_eq(load("postgresql://x", "stats = link.json\n"), -1);
	cr_expect(strstr(err.msg, "symbolic link"), "%s", err.msg);
	cr_expect_null(strstr(err.msg, "root"), "%s", err.msg);
	/* a file that is not a stats file says where */
	write_stats("prod.json", "yesterday", 10, 10);
	cr_expect_eq(load("postgresql://x", "stats = prod.json\n"), -1);
	cr_expect(strstr(err.msg, "prod.json"), "%s", err.msg);
}

/* [migreview] settings for the analyser (dialect, large tables, rules) and the baseline. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "migreview/gitinfo.h"
#include "migreview/review.h"
#include "migreview/settings.h"
#include "migreview/stats.h"

/* "FILE: [migreview] key: what is wrong", naming the file the value came from. */
static int __attribute__((format(printf, 4, 5)))
bad_setting(const struct project *p, const char *key, struct mr_error *err, const char *fmt, ...)
{
	char *place = project_setting_place(p, key), what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	mr_error_set(err, "%s %s: %s", place ? place : "?", key, what);
	free(place);
	return -1;
}

static int
split_list(const char *value, struct strvec *out)
{
	return project_split_locations(value, NULL, out, NULL);
}

static unsigned
dialect_of_url(const char *url)
{
	static const struct { const char *prefix; unsigned dialect; } schemes[] = {
		{ "postgres", DIALECT_POSTGRESQL }, { "mysql", DIALECT_MYSQL },
		{ "mariadb", DIALECT_MYSQL }, { "sqlite", DIALECT_SQLITE },
	};

	for (size_t i = 0; url && i < MR_ARRAY_SIZE(schemes); i++)
		if (!strncmp(url, schemes[i].prefix, strlen(schemes[i].prefix)))
			return schemes[i].dialect;
	return 0;
}

/* "from [migreview] dialect in alembic.ini": where the setting is, for the reports. */
static char *
setting_source(const struct project *p)
{
	bool ini = inifile_raw(&p->ini, PROJECT_SETTINGS_SECTION, "dialect") || !p->has_toml;
	char *file = project_relpath(p, ini ? p->ini_path : p->toml.path), *out;

	out = mr_printf("from [%s%s] dialect in %s", ini ? "" : "tool.", PROJECT_SETTINGS_SECTION,
			file ? file : "?");
	free(file);
	return out;
}

static int
read_dialect(const struct project *p, struct analysis_config *cfg, struct mr_error *err)
{
	char *value = NULL, *url = NULL, *ini;
	bool url_given;

	if (project_setting(p, "dialect", &value, err) < 0)
		return -1;
	if (value) {
		cfg->dialect = dialect_parse(value);
		if (!cfg->dialect)
			bad_setting(p, "dialect", err, "'%s' is not postgresql, mysql or sqlite", value);
		free(value);
		if (cfg->dialect && !(cfg->dialect_from = setting_source(p)))
			return mr_error_oom(err);
		return cfg->dialect ? 0 : -1;
	}
	/* an unusable URL (an env var placeholder, say) just leaves the default */
	if (inifile_get(&p->ini, p->section, "sqlalchemy.url", &url, NULL) == 0)
		cfg->dialect = dialect_of_url(url);
	url_given = url && *url;
	free(url);
	ini = project_relpath(p, p->ini_path);
	if (cfg->dialect)
		cfg->dialect_from = mr_printf("from sqlalchemy.url in %s", ini ? ini : "?");
	else if (url_given)
		cfg->dialect_from = mr_printf("default: sqlalchemy.url in %s names none of "
					      "postgresql, mysql and sqlite", ini ? ini : "?");
	else
		cfg->dialect_from = mr_strdup("default");
	free(ini);
	if (!cfg->dialect)
		cfg->dialect = DIALECT_POSTGRESQL;
	return cfg->dialect_from ? 0 : mr_error_oom(err);
}

/*
 * downgrade = none: the project's policy is to write no downgrade() (OpenStack
 * projects roll forward only); written, the default, expects one in every
 * migration.
 */
static int
read_downgrade(const struct project *p, struct analysis_config *cfg, struct mr_error *err)
{
	char *value = NULL;
	int rc = 0;

	if (project_setting(p, "downgrade", &value, err) < 0)
		return -1;
	if (value && !strcasecmp(value, "none"))
		cfg->no_downgrades = true;
	else if (value && strcasecmp(value, "written"))
		rc = bad_setting(p, "downgrade", err, "'%s': expected none (the project writes no "
				 "downgrade()) or written (the default)", value);
	free(value);
	return rc;
}

/* One severity.RULE = error|warning|info setting. */
static int
read_override(const struct project *p, const char *key, struct analysis_config *cfg,
	      struct mr_error *err)
{
	static const char *const names[] = { "info", "warning", "error" };
	const struct rule *r = rule_find(key + 9);
	char *value;
	size_t s;

	if (!r)
		return bad_setting(p, key, err, "no rule '%s'", key + 9);
	if (project_setting(p, key, &value, err) < 0)
		return -1;
	for (s = 0; value && s < MR_ARRAY_SIZE(names) && strcasecmp(value, names[s]); s++)
		;
	if (!value || s == MR_ARRAY_SIZE(names)) {
		bad_setting(p, key, err, "'%s': expected error, warning or info", value ? value : "");
		free(value);
		return -1;
	}
	free(value);
	cfg->by_rule[rule_id_of(r)].overridden = true;
	cfg->by_rule[rule_id_of(r)].severity = (enum severity)s;
	return 0;
}

static int
read_rules(const struct project *p, struct analysis_config *cfg, struct mr_error *err)
{
	struct strvec keys = { 0 }, disabled = { 0 };
	char *value = NULL;
	int rc = 0;

	if (project_setting(p, "disable", &value, err) < 0)
		return -1;
	if (value && split_list(value, &disabled) < 0)
		rc = mr_error_oom(err);
	free(value);
	for (size_t i = 0; i < disabled.n && rc == 0; i++) {
		const struct rule *r = rule_find(disabled.v[i]);

		if (r)
			cfg->by_rule[rule_id_of(r)].disabled = true;
		else
			rc = bad_setting(p, "disable", err, "no rule '%s' (`migreview explain` "
					 "lists them)", disabled.v[i]);
	}
	strvec_free(&disabled);
	if (rc == 0 && project_setting_keys(p, &keys) < 0)
		rc = mr_error_oom(err);
	for (size_t i = 0; i < keys.n && rc == 0; i++)
		if (!strncmp(keys.v[i], "severity.", 9))
			rc = read_override(p, keys.v[i], cfg, err);
	strvec_free(&keys);
	return rc;
}

/*
 * Does Python source or a URL set a nonzero lock_timeout ("SET lock_timeout
 * = '5s'", "-c lock_timeout=5000")?  Comments do not count; strings do, as
 * the setting is SQL or a connection option inside one.
 */
static bool
sets_lock_timeout(const char *text)
{
	static const char key[] = "lock_timeout";
	char quote = 0;

	for (const char *p = text; *p; p++) {
		const char *v;

		if (quote) {
			quote = *p == '\\' && p[1] ? (p++, quote) : *p == quote ? 0 : quote;
		} else if (*p == '#') {
			p += strcspn(p, "\n");
			if (!*p)
				break;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		}
		if (strncasecmp(p, key, sizeof(key) - 1) != 0)
			continue;
		v = p + sizeof(key) - 1;
		while (strchr(" \t'\"=:", *v) && *v)
			v++;
		if (!strncasecmp(v, "to", 2) || !strncasecmp(v, "%3d", 3))
			v += *v == '%' ? 3 : 2;
		while (strchr(" \t'\"", *v) && *v)
			v++;
		/* a number that is 0 turns the timeout off */
		if (isdigit((unsigned char)*v) && strtol(v, NULL, 10) == 0 && !isdigit((unsigned char)v[1]) &&
		    v[1] != '.')
			continue;
		if (isdigit((unsigned char)*v) || *v == '%' || *v == '{')
			return true;
	}
	return false;
}

/* env.py runs before every migration: a lock_timeout it sets holds for all of them. */
static void
read_env_lock_timeout(const struct project *p, struct analysis_config *cfg)
{
	char *path = p->script_location ? mr_path_join(p->script_location, "env.py") : NULL;
	char *src = NULL, *url = NULL;
	size_t len;
	struct mr_error ignored = { 0 };

	/* a missing or unreadable env.py is Alembic's problem, not a setting's */
	if (path && mr_read_file(path, MR_FILE_MIGRATION, &src, &len, &ignored) == 0)
		cfg->lock_timeout_everywhere = sets_lock_timeout(src);
	if (inifile_get(&p->ini, p->section, "sqlalchemy.url", &url, NULL) == 0 && url)
		cfg->lock_timeout_everywhere = cfg->lock_timeout_everywhere || sets_lock_timeout(url);
	free(src);
	free(url);
	free(path);
}

/* ---- production sizes: stats, large_table_size, max_lock_forecast, stats_max_age ---- */

/* PostgreSQL's size units (1024 apart), as pg_size_pretty() writes them */
static const struct { const char *unit; long long bytes; } size_units[] = {
	{ "B", 1 }, { "bytes", 1 }, { "kB", 1LL << 10 }, { "MB", 1LL << 20 },
	{ "GB", 1LL << 30 }, { "TB", 1LL << 40 },
};

/* "1GB", "500 MB" or "5000000 rows", and a list of them: a table over either is large. */
static int
read_threshold(const struct project *p, struct analysis_config *cfg, struct mr_error *err)
{
	char *value = NULL, *next, *item;
	int rc = 0;

	/* with stats and without the setting, a table of 1 GB or more is large */
	cfg->large_bytes = 1LL << 30;
	if (project_setting(p, "large_table_size", &value, err) < 0)
		return -1;
	if (!value)
		return 0;
	cfg->large_bytes = 0;
	for (item = value; rc == 0 && item; item = next) {
		char *unit;
		double n;
		bool known = false;

		if ((next = strchr(item, ',')))
			*next++ = '\0';
		n = strtod(item, &unit);
		while (isspace((unsigned char)*unit))
			unit++;
		for (char *e = unit + strlen(unit); e > unit && isspace((unsigned char)e[-1]); )
			*--e = '\0';
		if (unit == item || !(n > 0) || n > 1e18) {
			rc = -1;
		} else if (!strcmp(unit, "rows")) {
			cfg->large_rows = (long long)n;
			known = true;
		} else {
			for (size_t i = 0; !known && i < MR_ARRAY_SIZE(size_units); i++)
				if (!strcasecmp(unit, size_units[i].unit) || (!*unit && i == 0)) {
					n *= (double)size_units[i].bytes;
					known = n <= 1e18;
					cfg->large_bytes = known ? (long long)n : 0;
				}
		}
		if (rc < 0 || !known)
			rc = bad_setting(p, "large_table_size", err, "'%s' is neither a size "
					 "(500MB, 1GB, with PostgreSQL's units) nor a count of rows "
					 "(5000000 rows)", item);
	}
	free(value);
	return rc;
}

/* "5s", "500ms", "2min", "1h", "30d"; a bare number is seconds.  Seconds, or -1. */
static double
parse_duration(const char *v)
{
	static const struct { const char *unit; double s; } units[] = {
		{ "", 1 }, { "ms", 0.001 }, { "s", 1 }, { "min", 60 }, { "h", 3600 }, { "d", 86400 },
	};
	char *unit;
	double n = strtod(v, &unit);

	while (isspace((unsigned char)*unit))
		unit++;
	if (unit == v || !(n >= 0) || n > 1e12)
		return -1;
	for (size_t i = 0; i < MR_ARRAY_SIZE(units); i++)
		if (!strcmp(unit, units[i].unit))
			return n * units[i].s;
	return -1;
}

static int
read_duration(const struct project *p, const char *key, double *out, struct mr_error *err)
{
	char *value = NULL;
	int rc = project_setting(p, key, &value, err);

	if (rc == 0 && value && (*out = parse_duration(value)) < 0)
		rc = bad_setting(p, key, err, "'%s' is not a duration (500ms, 5s, 2min, 1h, 30d)",
				 value);
	free(value);
	return rc;
}

/*
 * The stats file as the gate's trusted ref has it: the sizes decide which
 * tables are large, so a pull request cannot shrink them.  As
 * mr_read_file() does: -1 with errno ENOENT when the ref has none.
 */
static int
stats_at_ref(const struct project *p, const char *path, char **text, size_t *len,
	     struct mr_error *err)
{
	struct gitinfo *gi = NULL;
	int rc = gitinfo_open(&gi, p->root, err);

	if (rc == 0)
		rc = gitinfo_file_at(gi, p->ref, path, mr_file_max(MR_FILE_STATS), text, len, err);
	gitinfo_free(gi);
	if (rc > 0) {
		mr_error_set(err, "%s: not in --trust-ref %s", path, p->ref);
		errno = ENOENT;
		return -1;
	}
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

/*
 * [migreview] stats = FILE, else migrations.stats.json beside the review
 * file: the production sizes `migreview stats` took.  The default file may
 * be missing; a file named by the setting must be there.  Like the review
 * file, it must be inside the project.
 */
static int
read_stats(const struct project *p, struct analysis_config *cfg, struct mr_error *err)
{
	char *setting = NULL, *review = NULL, *dir = NULL, *path = NULL, *text = NULL;
	char why[MR_ERROR_MAX];
	struct mr_error read_err = { 0 };
	struct stat st;
	size_t len;
	int rc;

	cfg->stats_max_age = 30 * 86400.0;
	if (read_threshold(p, cfg, err) < 0 || read_duration(p, "max_lock_forecast",
							      &cfg->max_lock_forecast, err) < 0 ||
	    read_duration(p, "stats_max_age", &cfg->stats_max_age, err) < 0 ||
	    project_setting(p, "stats", &setting, err) < 0)
		return -1;
	/* a review_file refused is the review's error to say: then beside the ini */
	if ((rc = review_path_inside(p, "stats", setting, &path, err)) == 0 && !setting) {
		dir = review_path(p, &review, &read_err) == 0 ? mr_path_dirname(review) :
								 mr_strdup(p->root);
		path = dir ? mr_path_join(dir, "migrations.stats.json") : NULL;
		rc = path ? 0 : mr_error_oom(err);
	}
	/* the default file missing is no error, and leaves none behind in err */
	if (rc == 0 && !p->ref && lstat(path, &st) < 0 && errno == ENOENT && !setting)
		goto out;
	if (rc == 0 && p->ref && stats_at_ref(p, path, &text, &len, &read_err) < 0) {
		if (errno != ENOENT || setting)
			rc = mr_error_set(err, "%s", read_err.msg);
		goto out;
	}
	if (rc == 0 && !(cfg->stats_relpath = project_relpath(p, path)))
		rc = mr_error_oom(err);
	/* from the tree, stats_load() refuses a link: a setting must not read a secret */
	if (rc == 0 && (text ? stats_parse(text, len, cfg->stats_relpath, &cfg->stats, why,
					   sizeof(why)) :
			stats_load(path, &cfg->stats, why, sizeof(why))) < 0)
		rc = mr_error_set(err, "%s", why);
out:
	free(text);
	free(path);
	free(dir);
	free(review);
	free(setting);
	return rc;
}

bool
analysis_config_large(const struct analysis_config *cfg, const char *table)
{
	const struct stats_table *t;

	if (!table)
		return false;
	/* large_tables = orders names orders in every schema; archive.orders only that one */
	if (strvec_contains(&cfg->large_tables, table) ||
	    (strchr(table, '.') && strvec_contains(&cfg->large_tables, strrchr(table, '.') + 1)))
		return true;
	t = cfg->stats ? stats_find(cfg->stats, table) : NULL;
	return t && ((cfg->large_bytes && t->total_bytes >= cfg->large_bytes) ||
		     (cfg->large_rows && t->rows >= cfg->large_rows));
}

int
analysis_config_load(const struct project *p, struct analysis_config *cfg, struct mr_error *err)
{
	char *large = NULL;

	memset(cfg, 0, sizeof(*cfg));
	if (read_dialect(p, cfg, err) < 0 || read_rules(p, cfg, err) < 0 ||
	    read_downgrade(p, cfg, err) < 0 ||
	    project_setting(p, "large_tables", &large, err) < 0)
		goto fail;
	if (large && split_list(large, &cfg->large_tables) < 0) {
		mr_error_oom(err);
		goto fail;
	}
	free(large);
	large = NULL;
	read_env_lock_timeout(p, cfg);
	if (naming_load(p, &cfg->naming, err) < 0 || read_stats(p, cfg, err) < 0)
		goto fail;
	return 0;
fail:
	free(large);
	analysis_config_free(cfg);
	return -1;
}

void
analysis_config_free(struct analysis_config *cfg)
{
	free(cfg->dialect_from);
	strvec_free(&cfg->large_tables);
	stats_free(cfg->stats);
	free(cfg->stats_relpath);
	naming_free(&cfg->naming);
	memset(cfg, 0, sizeof(*cfg));
}

bool
analysis_config_severity(const struct analysis_config *cfg, const struct rule *r,
			 const char *table, enum severity *sev)
{
	const struct rule_setting *set = &cfg->by_rule[rule_id_of(r)];

	if (!(r->dialects & cfg->dialect) || set->disabled)
		return false;
	*sev = r->severity;
	/* a table's size is information, however large the table */
	if (r->item == CHECK_LARGE_TABLE && r != &rules[RULE_TABLE_SIZE] &&
	    analysis_config_large(cfg, table))
		*sev = SEVERITY_ERROR;
	if (set->overridden)
		*sev = set->severity;
	return true;
}

int
settings_baseline(const struct project *p, const struct graph *g, bool **history, size_t *at,
		  size_t *n, struct mr_error *err)
{
	char *value = NULL;
	size_t rev;

	*history = NULL;
	*n = 0;
	if (project_setting(p, "baseline", &value, err) < 0)
		return -1;
	if (!value)
		return 0;
	rev = *value ? graph_find_prefix(g, value) : (size_t)-1;
	if (rev == (size_t)-1) {
		bad_setting(p, "baseline", err, "'%s' is no revision's id, nor the start of only "
			    "one", value);
		free(value);
		return -1;
	}
	free(value);
	if (!(*history = calloc(g->n + 1, sizeof(**history))))
		return mr_error_oom(err);
	*at = rev;
	*n = graph_ancestry(g, rev, *history);
	return 0;
}

/* [migreview] settings for the analyser: dialect, large tables, rules. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migreview/settings.h"

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

static int
read_dialect(const struct project *p, struct analysis_config *cfg, struct mr_error *err)
{
	char *value = NULL, *url = NULL;

	if (project_setting(p, "dialect", &value, err) < 0)
		return -1;
	if (value) {
		cfg->dialect = dialect_parse(value);
		if (!cfg->dialect)
			bad_setting(p, "dialect", err, "'%s' is not postgresql, mysql or sqlite", value);
		free(value);
		return cfg->dialect ? 0 : -1;
	}
	/* an unusable URL (an env var placeholder, say) just leaves the default */
	if (inifile_get(&p->ini, p->section, "sqlalchemy.url", &url, NULL) == 0)
		cfg->dialect = dialect_of_url(url);
	free(url);
	if (!cfg->dialect)
		cfg->dialect = DIALECT_POSTGRESQL;
	return 0;
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
	return 0;
fail:
	free(large);
	analysis_config_free(cfg);
	return -1;
}

void
analysis_config_free(struct analysis_config *cfg)
{
	strvec_free(&cfg->large_tables);
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
	if (r->item == CHECK_LARGE_TABLE && table && strvec_contains(&cfg->large_tables, table))
		*sev = SEVERITY_ERROR;
	if (set->overridden)
		*sev = set->severity;
	return true;
}

/* `migreview check`: the analysis as a release gate (text, JSON, SARIF). */
#include "config.h"

#include <git2.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "migreview/report.h"
#include "migreview/rules.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

/* The id git gives the file's content (`git hash-object`), committed or not. */
static void
blob_id(const char *path, char out[GIT_OID_HEXSZ + 1])
{
	git_oid oid;
	char *buf;
	size_t len;

	strcpy(out, "");
	if (mr_read_file(path, &buf, &len, NULL) < 0)
		return;
	if (git_odb_hash(&oid, buf, len, GIT_OBJECT_BLOB) == 0)
		git_oid_tostr(out, GIT_OID_HEXSZ + 1, &oid);
	free(buf);
}

static const char *
sarif_level(enum severity sev)
{
	static const char *const levels[] = { "note", "warning", "error" };

	return levels[sev];
}

static void
print_text(const struct report *r)
{
	for (size_t k = 0; k < r->all.n; k++) {
		const struct finding *f = &r->all.v[r->by_order[k]];
		char *path = mr_visible(f->path), *msg = mr_visible(f->message);

		if (f->line)
			printf("%s:%u:%u: %s: %s [%s]\n", path ? path : "?", f->line, f->col,
			       severity_name(f->severity), msg ? msg : "?", f->rule);
		else
			printf("%s: %s: %s [%s]\n", path ? path : "?", severity_name(f->severity),
			       msg ? msg : "?", f->rule);
		free(path);
		free(msg);
	}
}

static json_t *
finding_json(const struct finding *f)
{
	return json_pack("{s:s, s:s, s:i, s:i, s:s}", "rule", f->rule,
			 "severity", severity_name(f->severity), "line", (json_int_t)f->line,
			 "column", (json_int_t)f->col, "message", f->message);
}

static json_t *
migration_json(const struct report *r, size_t rev)
{
	const struct revision *rv = &r->g.revs[rev];
	char blob[GIT_OID_HEXSZ + 1];
	json_t *items = json_array();

	blob_id(rv->path, blob);
	for (int item = 0; items && item < CHECK_ITEM_COUNT; item++) {
		json_t *fs = json_array();

		for (size_t i = 0; fs && i < r->all.n; i++) {
			const struct rule *rule = rule_find(r->all.v[i].rule);

			if (r->all.v[i].revision == rev && rule && rule->item == (enum check_item)item)
				json_array_append_new(fs, finding_json(&r->all.v[i]));
		}
		json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:n}", "item",
						       checklist[item].id, "title",
						       checklist[item].title, "findings", fs,
						       "decision"));
	}
	return json_pack("{s:s?, s:s, s:s, s:o}", "revision", rv->id, "path", rv->relpath,
			 "blob", blob, "items", items);
}

/* Findings of files outside the graph: no revision id, or shadowed by a duplicate. */
static json_t *
outside_json(const struct report *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < r->all.n; i++) {
		const struct finding *f = &r->all.v[i];
		json_t *j;

		if (f->revision < r->g.n && r->g.revs[f->revision].in_graph)
			continue;
		j = finding_json(f);
		json_object_set_new(j, "path", json_string(f->path));
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *
report_json(const struct report *r)
{
	json_t *migrations = json_array();

	for (size_t k = 0; migrations && k < r->g.n_order; k++)
		json_array_append_new(migrations, migration_json(r, r->g.order[k]));
	return json_pack("{s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i}}", "migrations", migrations,
			 "outside_graph", outside_json(r),
			 "summary", "migrations", (json_int_t)r->g.n_order,
			 "findings", (json_int_t)r->all.n,
			 "errors", (json_int_t)(findings_count(&r->all, SEVERITY_ERROR)),
			 "warnings", (json_int_t)(findings_count(&r->all, SEVERITY_WARNING) -
						   findings_count(&r->all, SEVERITY_ERROR)),
			 "info", (json_int_t)(r->all.n - findings_count(&r->all, SEVERITY_WARNING)));
}

static json_t *
sarif_rules(void)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < rules_count; i++)
		json_array_append_new(arr, json_pack(
			"{s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}",
			"id", rules[i].id,
			"shortDescription", "text", rules[i].summary,
			"fullDescription", "text", rules[i].why,
			"help", "text", rules[i].fix,
			"defaultConfiguration", "level", sarif_level(rules[i].severity),
			"properties", "checklist-item", checklist[rules[i].item].id));
	return arr;
}

static size_t
rule_index(const char *id)
{
	const struct rule *r = rule_find(id);

	return r ? (size_t)(r - rules) : 0;
}

static json_t *
sarif_result(const struct finding *f)
{
	/* a finding about the whole file points at its start, as code scanning expects */
	json_t *region = json_pack("{s:i, s:i}", "startLine", (json_int_t)(f->line ? f->line : 1),
				   "startColumn", (json_int_t)(f->col ? f->col : 1));
	json_t *phys = json_pack("{s:{s:s, s:s}}", "artifactLocation", "uri", f->path,
				 "uriBaseId", "%SRCROOT%");

	if (phys && region)
		json_object_set_new(phys, "region", region);
	else
		json_decref(region);
	return json_pack("{s:s, s:i, s:s, s:{s:s}, s:[{s:o}]}", "ruleId", f->rule,
			 "ruleIndex", (json_int_t)rule_index(f->rule), "level",
			 sarif_level(f->severity), "message", "text", f->message,
			 "locations", "physicalLocation", phys);
}

static json_t *
report_sarif(const struct report *r)
{
	json_t *results = json_array();

	for (size_t k = 0; results && k < r->all.n; k++)
		json_array_append_new(results, sarif_result(&r->all.v[r->by_order[k]]));
	return json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}",
			 "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs",
			 "tool", "driver", "name", "migreview", "version", PACKAGE_VERSION,
			 "rules", sarif_rules(), "results", results);
}

static int
parse_format(const char *s, enum format *f)
{
	static const char *const names[] = { "text", "json", "sarif" };

	for (size_t i = 0; i < MR_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum format)i;
			return 0;
		}
	fprintf(stderr, "migreview: --format takes text, json or sarif, not '%s'\n", s);
	return -1;
}

static int
run_analysis(const struct cli *cli, struct report *r)
{
	struct mr_error err;
	int rc = report_open(r, cli->config, cli->section, &err);

	for (size_t i = 0; i < r->p.warnings.n; i++)
		fprintf(stderr, "migreview: warning: %s\n", r->p.warnings.v[i]);
	if (rc < 0)
		fprintf(stderr, "migreview: %s\n", err.msg);
	return rc;
}

int
cmd_check(const struct cli *cli)
{
	struct report r = { 0 };
	enum format format = FORMAT_TEXT;
	json_t *doc = NULL;
	int rc = EXIT_USAGE;

	if (cli->format && parse_format(cli->format, &format) < 0)
		return EXIT_USAGE;
	if (cli->since || cli->require_signoff) {
		fprintf(stderr, "migreview: %s is not available yet: it needs %s\n",
			cli->since ? "--since" : "--require-signoff",
			cli->since ? "the git history (issue 6)" : "the review file (issue 5)");
		return EXIT_USAGE;
	}
	if (cli->argc > 0) {
		fprintf(stderr, "migreview: check takes no arguments ('%s')\n", cli->argv[0]);
		return EXIT_USAGE;
	}
	git_libgit2_init();
	if (run_analysis(cli, &r) < 0)
		goto out;
	if (format == FORMAT_TEXT) {
		print_text(&r);
	} else {
		doc = format == FORMAT_JSON ? report_json(&r) : report_sarif(&r);
		if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2)) < 0) {
			fprintf(stderr, "migreview: cannot write the report\n");
			goto out;
		}
		putchar('\n');
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "migreview: cannot write the report\n");
		goto out;
	}
	/* info findings are for reading; warnings and errors hold the gate */
	rc = findings_count(&r.all, SEVERITY_WARNING) ? EXIT_FINDINGS : EXIT_CLEAN;
	if (format == FORMAT_TEXT)
		fprintf(stderr, "migreview: %zu migrations, %zu findings (%zu errors, %zu warnings)\n",
			r.g.n_order, r.all.n, findings_count(&r.all, SEVERITY_ERROR),
			findings_count(&r.all, SEVERITY_WARNING) - findings_count(&r.all, SEVERITY_ERROR));
out:
	json_decref(doc);
	report_free(&r);
	git_libgit2_shutdown();
	return rc;
}

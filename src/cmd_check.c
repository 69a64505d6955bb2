/* `migreview check`: the analysis as a release gate (text, JSON, SARIF). */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "check_tty.h"
#include "cmd.h"
#include "migreview/gatetrust.h"
#include "migreview/gitinfo.h"
#include "migreview/report.h"
#include "migreview/review.h"
#include "migreview/rules.h"
#include "migreview/settings.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

/* The analysis and, per revision, the file's blob and where its review stands. */
struct gate {
	struct report r;
	struct gate_trust trust;
	struct review review;
	struct strvec discounted;       /* decisions that do not count, one line each */
	struct migration_review *states;
	bool *scope;            /* --since: per revision, whether its file changed; else NULL */
	bool with_history;      /* --include-baseline: the history is in the scope too */
	char *uri_prefix;       /* SARIF: the ini's directory from the top of its git work tree */
	struct analysis_config cfg;     /* the settings the analysis ran with: its dialect */
	struct {
		size_t migrations, findings, errors, warnings, info, undecided, signed_off;
	} n;                    /* within the scope */
};

/*
 * Whether revision rev is in the scope of the check: all of them without
 * --since, but the history up to the baseline only with --include-baseline.
 */
static bool
scoped(const struct gate *gt, size_t rev)
{
	return (!gt->scope || rev >= gt->r.g.n || gt->scope[rev]) &&
	       (gt->with_history || !report_history(&gt->r, rev));
}

/* Whether a finding's item is accepted or waived for the file as it is. */
static bool
decided(const struct gate *gt, const struct finding *f)
{
	return f->revision < gt->r.g.n && gt->r.g.revs[f->revision].in_graph &&
	       gt->states[f->revision].items[f->rule->item] == ITEM_DONE;
}

static const char *const item_state_names[] = {
	"open", "done", "stale", "blocked", "not-applicable",
};

static const char *
sarif_level(enum severity sev)
{
	static const char *const levels[] = { "note", "warning", "error" };

	return levels[sev];
}

/* Piped: one line per finding, as editors and CI logs read them. */
static void
print_lines(const struct gate *gt)
{
	const struct report *r = &gt->r;

	for (size_t k = 0; k < r->all.n; k++) {
		const struct finding *f = &r->all.v[r->by_order[k]];
		char *path, *msg;

		if (!scoped(gt, f->revision))
			continue;
		path = mr_visible(f->path);
		msg = mr_visible(f->message);

		const char *note = decided(gt, f) ? " (decided)" : "";

		if (f->line)
			printf("%s:%u:%u: %s: %s [%s]%s\n", path ? path : "?", f->line, f->col,
			       severity_name(f->severity), msg ? msg : "?", f->rule->id, note);
		else
			printf("%s: %s: %s [%s]%s\n", path ? path : "?", severity_name(f->severity),
			       msg ? msg : "?", f->rule->id, note);
		free(path);
		free(msg);
	}
}

/* At a terminal: grouped per migration, with a count per rule (check_tty.h). */
static int
print_grouped(const struct gate *gt, bool colour)
{
	const struct report *r = &gt->r;
	struct check_line *lines = calloc(r->all.n ? r->all.n : 1, sizeof(*lines));
	size_t n = 0;
	int rc;

	if (!lines)
		return -1;
	for (size_t k = 0; k < r->all.n; k++) {
		const struct finding *f = &r->all.v[r->by_order[k]];

		if (scoped(gt, f->revision))
			lines[n++] = (struct check_line){ f, decided(gt, f) };
	}
	rc = check_tty_print(stdout, &r->g, lines, n, colour);
	free(lines);
	return rc;
}

/*
 * --color WHEN: auto (the default) groups the report for a person when
 * stdout is a terminal, coloured unless NO_COLOR is set; always groups and
 * colours wherever it goes; never groups at a terminal, without colour.
 */
static int
parse_color(const char *when, bool *grouped, bool *colour)
{
	const char *no_color = getenv("NO_COLOR");
	bool tty = isatty(STDOUT_FILENO);

	if (!when || !strcmp(when, "auto")) {
		*grouped = tty;
		*colour = tty && !(no_color && *no_color);
	} else if (!strcmp(when, "always")) {
		*grouped = *colour = true;
	} else if (!strcmp(when, "never")) {
		*grouped = tty;
		*colour = false;
	} else {
		cmd_error("migreview: --color must be auto, always or never, not '%s'\n", when);
		return -1;
	}
	return 0;
}

static json_t *
strvec_json(const struct strvec *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *
finding_json(const struct finding *f)
{
	return json_pack("{s:s, s:s, s:i, s:i, s:s}", "rule", f->rule->id,
			 "severity", severity_name(f->severity), "line", (json_int_t)f->line,
			 "column", (json_int_t)f->col, "message", f->message);
}

static json_t *
decision_json(const struct gate *gt, size_t rev, int item)
{
	const struct decision *d = review_find(&gt->review, gt->r.g.revs[rev].id,
						checklist[item].id);

	if (!d || d->status == DECISION_CLEARED)
		return json_null();
	return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s}", "status",
			 decision_status_name(d->status), "reason", d->reason,
			 "reviewer", d->reviewer, "timestamp", d->timestamp, "blob", d->blob,
			 "state", item_state_names[gt->states[rev].items[item]]);
}

static json_t *
migration_json(const struct gate *gt, size_t rev)
{
	const struct report *r = &gt->r;
	const struct revision *rv = &r->g.revs[rev];
	json_t *items = json_array(), *fs[CHECK_ITEM_COUNT];
	static const char *const states[] = { "open", "stale", "blocked", "signed-off" };
	size_t n, first = report_findings(r, rev, &n);

	for (int item = 0; item < CHECK_ITEM_COUNT; item++)
		fs[item] = json_array();
	/* the revision's own findings, each filed under its rule's item */
	for (size_t i = first; i < first + n; i++)
		json_array_append_new(fs[r->all.v[i].rule->item], finding_json(&r->all.v[i]));
	for (int item = 0; item < CHECK_ITEM_COUNT; item++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:o}", "item",
						       checklist[item].id, "title",
						       checklist[item].title, "findings", fs[item],
						       "decision", decision_json(gt, rev, item)));
	return json_pack("{s:s?, s:s, s:s, s:s, s:o}", "revision", rv->id, "path", rv->relpath,
			 "blob", rv->blob, "review", states[gt->states[rev].state],
			 "items", items);
}

/* Findings of files outside the graph: no revision id, or shadowed by a duplicate. */
static json_t *
outside_json(const struct gate *gt)
{
	const struct report *r = &gt->r;
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < r->all.n; i++) {
		const struct finding *f = &r->all.v[i];
		json_t *j;

		if ((f->revision < r->g.n && r->g.revs[f->revision].in_graph) ||
		    !scoped(gt, f->revision))
			continue;
		j = finding_json(f);
		json_object_set_new(j, "path", json_string(f->path));
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *
report_json(const struct gate *gt)
{
	const struct report *r = &gt->r;
	json_t *migrations = json_array();

	for (size_t k = 0; migrations && k < r->g.n_order; k++)
		if (scoped(gt, r->g.order[k]))
			json_array_append_new(migrations, migration_json(gt, r->g.order[k]));
	return json_pack("{s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i, s:i}}", "migrations", migrations,
			 "outside_graph", outside_json(gt),
			 "summary", "migrations", (json_int_t)gt->n.migrations,
			 "signed_off", (json_int_t)gt->n.signed_off,
			 "findings", (json_int_t)gt->n.findings,
			 "errors", (json_int_t)gt->n.errors,
			 "warnings", (json_int_t)gt->n.warnings,
			 "info", (json_int_t)gt->n.info);
}

static json_t *
sarif_rules(void)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < RULE_COUNT; i++)
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

static json_t *
sarif_result(const struct gate *gt, const struct finding *f)
{
	/* a finding about the whole file points at its start, as code scanning expects */
	json_t *region = json_pack("{s:i, s:i}", "startLine", (json_int_t)(f->line ? f->line : 1),
				   "startColumn", (json_int_t)(f->col ? f->col : 1));
	char *uri = mr_printf("%s%s", gt->uri_prefix ? gt->uri_prefix : "", f->path);
	json_t *phys = json_pack("{s:{s:s, s:s}}", "artifactLocation", "uri", uri ? uri : f->path,
				 "uriBaseId", "%SRCROOT%");

	free(uri);

	if (phys && region)
		json_object_set_new(phys, "region", region);
	else
		json_decref(region);
	json_t *res = json_pack("{s:s, s:i, s:s, s:{s:s}, s:[{s:o}]}", "ruleId", f->rule->id,
				"ruleIndex", (json_int_t)rule_id_of(f->rule), "level",
				sarif_level(f->severity), "message", "text", f->message,
				"locations", "physicalLocation", phys);

	/* a decided finding is suppressed, with the reviewer's decision as its reason */
	if (res && decided(gt, f)) {
		const struct decision *d = review_find(&gt->review, gt->r.g.revs[f->revision].id,
							checklist[f->rule->item].id);
		json_t *sup = json_pack("{s:s, s:s}", "kind", "external", "status", "accepted");

		if (sup && d->reason)
			json_object_set_new(sup, "justification", json_string(d->reason));
		json_object_set_new(res, "suppressions", json_pack("[o]", sup));
	}
	return res;
}

/*
 * Code scanning matches results to the repository's files: in a git work
 * tree, paths start from its top (backend/migrations/... for -c
 * backend/alembic.ini), else from the ini's directory.
 */
static void
sarif_uri_prefix(struct gate *gt)
{
	struct gitinfo *gi = NULL;
	struct mr_error err;
	char *rel;

	if (gitinfo_open(&gi, gt->r.p.root, &err) < 0)
		return;
	rel = gitinfo_relative_dir(gi, gt->r.p.root);
	gitinfo_free(gi);
	gt->uri_prefix = rel;
}

static json_t *
report_sarif(struct gate *gt)
{
	const struct report *r = &gt->r;
	json_t *results = json_array();

	sarif_uri_prefix(gt);

	for (size_t k = 0; results && k < r->all.n; k++)
		if (scoped(gt, r->all.v[r->by_order[k]].revision))
			json_array_append_new(results, sarif_result(gt, &r->all.v[r->by_order[k]]));
	return json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o}]}",
			 "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs",
			 "tool", "driver", "name", "migreview", "version", PACKAGE_VERSION,
			 "rules", sarif_rules(), "results", results);
}

/* The target dialect and where it came from: JSON's "dialect", SARIF's run properties. */
static void
add_dialect(const struct gate *gt, enum format format, json_t *doc)
{
	char name[64];
	json_t *runs = json_object_get(doc, "runs");

	dialect_names(gt->cfg.dialect, name, sizeof(name));
	if (format == FORMAT_JSON)
		json_object_set_new(doc, "dialect", json_pack("{s:s, s:s}", "name", name, "source",
							      gt->cfg.dialect_from));
	else if (json_array_size(runs))
		json_object_set_new(json_array_get(runs, 0), "properties", json_pack(
			"{s:s, s:s}", "dialect", name, "dialectSource", gt->cfg.dialect_from));
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
	cmd_error("migreview: --format takes text, json or sarif, not '%s'\n", s);
	return -1;
}

/* The analysis, the review file, and where each migration's review stands. */
static int
run_gate(const struct cli *cli, struct gate *gt)
{
	struct report *r = &gt->r;
	struct mr_error err;
	struct findings all = { 0 };
	char *path = NULL;
	struct project_where where = cmd_where(cli);
	int rc = report_open_graph(r, &where, &err);

	for (size_t i = 0; i < r->p.notes.n; i++)
		cmd_error("migreview: note: %s\n", r->p.notes.v[i]);
	for (size_t i = 0; i < r->p.warnings.n; i++)
		cmd_error("migreview: warning: %s\n", r->p.warnings.v[i]);
	if (rc == 0)
		rc = gate_trust_open(&gt->trust, &r->p, cli->trust_ref, &err);
	/* with a trusted ref, its review_file: where the review is cannot be the change's to say */
	if (rc == 0)
		rc = review_path(cli->trust_ref ? &gt->trust.trusted : &r->p, &path, &err);
	if (rc == 0 && (review_load(&gt->review, path, &err) < 0 ||
			gate_trust_merge_review(&gt->trust, &gt->review, path, &err) < 0)) {
		cmd_error("migreview: the review file cannot be read: %s\n", err.msg);
		free(path);
		return -1;
	}
	free(path);
	/* the tested item's findings too go by the settings in force */
	r->settings = gate_trust_settings(&gt->trust, &gt->review);
	if (rc == 0)
		rc = report_collect_since(r->settings, &r->g, cli->since, &all, &err);
	if (rc == 0)
		rc = analysis_config_load(r->settings ? r->settings : &r->p, &gt->cfg, &err);
	if (rc == 0)
		rc = report_baseline(r, r->settings ? r->settings : &r->p, &err);
	if (rc == 0 && cli->trust_ref)
		rc = report_history_trusted(r, cli->trust_ref, &err);
	if (rc == 0)
		rc = report_adopt(r, &all, &err);
	findings_free(&all);
	if (rc == 0)
		rc = report_evidence(r, &gt->review, &err);
	if (rc < 0) {
		cmd_error("migreview: %s\n", err.msg);
		return -1;
	}
	gt->states = calloc(r->g.n + 1, sizeof(*gt->states));
	if (!gt->states) {
		cmd_error("migreview: out of memory\n");
		return -1;
	}
	/* an unreadable file has no blob: nothing it was reviewed as matches it */
	for (size_t i = 0; i < r->g.n; i++)
		review_migration(&gt->review, r->g.revs[i].in_graph ? r->g.revs[i].id : NULL,
				 r->g.revs[i].blob, report_not_applicable(r, i), &gt->states[i]);
	return 0;
}

/*
 * With signatures required, the decisions in the scope that do not count
 * (unsigned, signed by a key not allowed, or changed since signed) are
 * taken as not there, each named in discounted.
 */
static int
apply_trust(struct gate *gt)
{
	const struct report *r = &gt->r;

	if (!gt->trust.require_signatures)
		return 0;
	for (size_t rev = 0; rev < r->g.n; rev++) {
		struct migration_review *m = &gt->states[rev];

		if (!r->g.revs[rev].in_graph || !scoped(gt, rev))
			continue;
		for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
			const struct decision *d = review_find(&gt->review, r->g.revs[rev].id,
								checklist[i].id);
			struct mr_error why;

			if (!d || m->items[i] == ITEM_OPEN || gate_trust_counts(&gt->trust, d, &why))
				continue;
			if (strvec_push_owned(&gt->discounted, mr_printf(
				    "%s: %s: the decision of %s does not count: %s",
				    r->g.revs[rev].relpath, checklist[i].id, d->reviewer, why.msg)) < 0)
				return -1;
			m->items[i] = ITEM_OPEN;
		}
		m->open = m->done = m->stale = m->blocked = 0;
		for (int i = 0; i < CHECK_ITEM_COUNT; i++)
			switch (m->items[i]) {
			case ITEM_OPEN: m->open++; break;
			case ITEM_DONE: case ITEM_NOT_APPLICABLE: m->done++; break;
			case ITEM_STALE: m->stale++; break;
			case ITEM_BLOCKED: m->blocked++; break;
			}
		m->state = m->blocked ? MIGRATION_BLOCKED : m->done == CHECK_ITEM_COUNT ?
			   MIGRATION_SIGNED : m->stale ? MIGRATION_STALE : MIGRATION_OPEN;
	}
	return 0;
}

/*
 * What keeps the gate's own settings from counting, and the decisions that
 * do not count, one line each ("FILE: ... [gate-settings]"), in out.
 */
static int
trust_lines(const struct gate *gt, bool settings_signed, struct strvec *out)
{
	const char *ini = gt->r.p.ini_path;
	int rc = 0;

	for (size_t i = 0; rc == 0 && !settings_signed && i < gt->trust.changes.n; i++)
		rc = strvec_push_owned(out, mr_printf("%s: %s; not signed off, so the gate runs "
				       "with %s's settings [gate-settings]", ini,
				       gt->trust.changes.v[i], gt->trust.ref));
	if (rc == 0 && !settings_signed && gt->trust.changes.n)
		rc = strvec_push_owned(out, mr_printf("%s: to sign the change off: migreview "
				       "settings --trust-ref %s --accept [gate-settings]", ini,
				       gt->trust.ref));
	for (size_t i = 0; rc == 0 && i < gt->discounted.n; i++)
		rc = strvec_push_owned(out, mr_printf("%s [signature]", gt->discounted.v[i]));
	return rc;
}

/* --require-signoff: what keeps each migration from being signed off. */
static void
print_signoff(const struct gate *gt)
{
	const struct report *r = &gt->r;

	for (size_t k = 0; k < r->g.n_order; k++) {
		size_t rev = r->g.order[k];
		const struct migration_review *m = &gt->states[rev];
		char *path;

		if (m->state == MIGRATION_SIGNED || !scoped(gt, rev))
			continue;
		path = mr_visible(r->g.revs[rev].relpath);
		for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
			const struct decision *d = review_find(&gt->review, r->g.revs[rev].id,
								checklist[i].id);
			char *reason = d && d->reason ? mr_visible(d->reason) : NULL;
			char *who = d ? mr_visible(d->reviewer) : NULL;

			if (m->items[i] == ITEM_BLOCKED)
				printf("%s: blocked: %s: %s (%s) [signoff]\n", path, checklist[i].id,
				       reason ? reason : "", who ? who : "?");
			/* review_migration() did not count it: say why, or it reads as undecided */
			else if (i == CHECK_TESTED && m->items[i] == ITEM_OPEN && d &&
				 d->status == DECISION_ACCEPTED &&
				 !review_tested_passed(&gt->review, r->g.revs[rev].id, r->g.revs[rev].blob))
				printf("%s: %s: the accept of %s does not count without a passing "
				       "up/down run of this content [signoff]\n", path,
				       checklist[i].id, who ? who : "?");
			free(reason);
			free(who);
		}
		if (m->stale) {
			printf("%s: stale: %zu decision%s taken on other content of the file:", path,
			       m->stale, m->stale == 1 ? " was" : "s were");
			for (int i = 0; i < CHECK_ITEM_COUNT; i++)
				if (m->items[i] == ITEM_STALE)
					printf(" %s", checklist[i].id);
			printf(" [signoff]\n");
		}
		if (m->open)
			printf("%s: not signed off: %zu of %d items undecided [signoff]\n", path,
			       m->open, CHECK_ITEM_COUNT);
		free(path);
	}
}

/* --since: the revisions whose files were added or changed since ref. */
static int
limit_scope(struct gate *gt, const char *ref)
{
	struct gitinfo *gi = NULL;
	struct mr_error err;
	int rc = gitinfo_open(&gi, gt->r.p.root, &err);

	if (rc == 0)
		rc = gitinfo_scope_since(gi, ref, &gt->r.g, &gt->scope, &err);
	if (rc < 0)
		cmd_error("migreview: --since %s: %s\n", ref, err.msg);
	gitinfo_free(gi);
	return rc;
}

/*
 * FILE arguments: only the revisions in those files stay in the scope (with
 * --since, those of them that changed).  Files that are not migrations of
 * the project are left out quietly: a pre-commit hook passes every staged
 * Python file.  A file that does not exist is a mistake worth an exit 2.
 */
static int
limit_files(struct gate *gt, int argc, char **argv)
{
	const struct graph *g = &gt->r.g;
	char **named = calloc((size_t)argc, sizeof(*named));
	bool *keep = calloc(g->n + 1, sizeof(*keep));
	int rc = 0;

	if (!named || !keep) {
		cmd_error("migreview: out of memory\n");
		rc = -1;
	}
	for (int a = 0; rc == 0 && a < argc; a++)
		if (!(named[a] = realpath(argv[a], NULL))) {
			cmd_error("migreview: %s: %s\n", argv[a], strerror(errno));
			rc = -1;
		}
	/* the project lists its files by real path already (as Alembic loads them) */
	for (size_t i = 0; rc == 0 && i < g->n; i++)
		for (int a = 0; a < argc && !keep[i]; a++)
			keep[i] = !strcmp(g->revs[i].path, named[a]) && scoped(gt, i);
	for (int a = 0; named && a < argc; a++)
		free(named[a]);
	free(named);
	if (rc < 0) {
		free(keep);
		return -1;
	}
	free(gt->scope);
	gt->scope = keep;
	return 0;
}

static void
free_paths(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The directory of the project above path's directory, in *dir (set once):
 * 0, or -1 when it is another project than the one *dir already names.
 */
static int
same_project(const char *path, char **dir)
{
	char *parent = mr_path_dirname(path), *ini = NULL, *pdir;
	struct mr_error err;
	int rc = 0;

	if (!parent || project_find_ini(parent, &ini, &err) < 0) {
		free(parent);
		return 0;       /* in no project: not a migration, left out later */
	}
	pdir = mr_path_dirname(ini);
	if (pdir && *dir && strcmp(pdir, *dir)) {
		cmd_error("migreview: the files named are in two projects, %s and %s: run "
			"check once for each, with -c\n", *dir, pdir);
		rc = -1;
	} else if (pdir && !*dir) {
		*dir = pdir;
		pdir = NULL;
	}
	free(pdir);
	free(ini);
	free(parent);
	return rc;
}

/*
 * pre-commit runs hooks at the top of the repository, where a project kept
 * in backend/ has no alembic.ini above the current directory.  Then, with
 * FILE arguments and no -c, the project is the one above the files (one
 * project, else an error) and check goes on from its directory, as if
 * started there, with the files' absolute paths in cli.  1: no file is in
 * any project, nothing to check.
 */
static int
project_of_files(struct cli *cli, char ***abs_out)
{
	struct mr_error err;
	char *ini = NULL, *dir = NULL, **abs;
	int rc = 0;

	*abs_out = NULL;
	if (cli->config || cli->directory || cli->argc == 0 ||
	    project_find_ini(".", &ini, &err) == 0) {
		free(ini);
		return 0;
	}
	if (!(abs = calloc((size_t)cli->argc, sizeof(*abs)))) {
		cmd_error("migreview: out of memory\n");
		return -1;
	}
	for (int a = 0; rc == 0 && a < cli->argc; a++) {
		if (!(abs[a] = mr_path_absolute(cli->argv[a]))) {
			cmd_error("migreview: out of memory\n");
			rc = -1;
		} else {
			rc = same_project(abs[a], &dir);
		}
	}
	if (rc == 0 && !dir) {
		cmd_error("migreview: none of the files named is in an Alembic project (no "
			"alembic.ini above it or here): nothing to check\n");
		rc = 1;
	}
	if (rc == 0 && chdir(dir) < 0) {
		cmd_error("migreview: %s: %s\n", dir, strerror(errno));
		rc = -1;
	}
	free(dir);
	if (rc != 0) {
		free_paths(abs, cli->argc);
		return rc;
	}
	cli->argv = abs;
	*abs_out = abs;
	return 0;
}

/* What the summaries say, counted within the scope. */
static void
count(struct gate *gt)
{
	const struct report *r = &gt->r;

	for (size_t k = 0; k < r->g.n_order; k++)
		if (scoped(gt, r->g.order[k])) {
			gt->n.migrations++;
			gt->n.signed_off += gt->states[r->g.order[k]].state == MIGRATION_SIGNED;
		}
	for (size_t i = 0; i < r->all.n; i++) {
		const struct finding *f = &r->all.v[i];

		if (!scoped(gt, f->revision))
			continue;
		gt->n.findings++;
		gt->n.errors += f->severity == SEVERITY_ERROR;
		gt->n.warnings += f->severity == SEVERITY_WARNING;
		gt->n.info += f->severity == SEVERITY_INFO;
		/* info findings are for reading; undecided warnings and errors hold the gate */
		gt->n.undecided += f->severity >= SEVERITY_WARNING && !decided(gt, f);
	}
}

static void
gate_free(struct gate *gt)
{
	free(gt->scope);
	free(gt->uri_prefix);
	analysis_config_free(&gt->cfg);
	free(gt->states);
	strvec_free(&gt->discounted);
	gate_trust_free(&gt->trust);
	review_free(&gt->review);
	report_free(&gt->r);
}

int
cmd_check(const struct cli *given)
{
	struct gate gt = { 0 };
	struct cli local = *given;
	const struct cli *cli = &local;
	enum format format = FORMAT_TEXT;
	json_t *doc = NULL;
	char **abs;
	size_t not_signed;
	bool settings_signed, grouped, colour;
	struct strvec trust = { 0 };
	int rc = EXIT_USAGE, found;

	if ((cli->format && parse_format(cli->format, &format) < 0) ||
	    parse_color(cli->color, &grouped, &colour) < 0)
		return EXIT_USAGE;
	if ((found = project_of_files(&local, &abs)) != 0)
		return found > 0 ? EXIT_CLEAN : EXIT_USAGE;
	gt.with_history = cli->include_baseline;
	if (run_gate(cli, &gt) < 0 || (cli->since && limit_scope(&gt, cli->since) < 0) ||
	    (cli->argc > 0 && limit_files(&gt, cli->argc, cli->argv) < 0))
		goto out;
	if (apply_trust(&gt) < 0) {
		cmd_error("migreview: out of memory\n");
		goto out;
	}
	settings_signed = gate_trust_settings_signed(&gt.trust, &gt.review);
	count(&gt);
	not_signed = cli->require_signoff ? gt.n.migrations - gt.n.signed_off : 0;
	if (trust_lines(&gt, settings_signed, &trust) < 0) {
		cmd_error("migreview: out of memory\n");
		goto out;
	}
	for (size_t i = 0; format != FORMAT_JSON && i < trust.n; i++) {
		char *line = format == FORMAT_TEXT ? mr_visible(trust.v[i]) : NULL;

		/* SARIF's stdout is the report alone */
		if (format == FORMAT_TEXT)
			printf("%s\n", line ? line : "?");
		else
			cmd_error("%s\n", trust.v[i]);
		free(line);
	}
	if (format == FORMAT_TEXT) {
		if (!grouped)
			print_lines(&gt);
		else if (print_grouped(&gt, colour) < 0) {
			cmd_error("migreview: out of memory\n");
			goto out;
		}
		if (cli->require_signoff)
			print_signoff(&gt);
	} else {
		doc = format == FORMAT_JSON ? report_json(&gt) : report_sarif(&gt);
		if (doc)
			add_dialect(&gt, format, doc);
		if (doc && format == FORMAT_JSON && gt.r.history)
			json_object_set_new(doc, "baseline", json_pack(
				"{s:s, s:i, s:b}", "revision", gt.r.g.revs[gt.r.baseline].id,
				"history", (json_int_t)gt.r.n_history, "included", gt.with_history));
		if (doc && format == FORMAT_JSON && gt.trust.ref)
			json_object_set_new(doc, "gate", json_pack(
				"{s:s, s:s, s:b, s:o}", "trust_ref", gt.trust.ref, "settings",
				gt.trust.settings_id, "settings_signed_off", settings_signed,
				"problems", strvec_json(&trust)));
		if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0) {
			cmd_error("migreview: cannot write the report\n");
			goto out;
		}
		putchar('\n');
	}
	if (fflush(stdout) != 0) {
		cmd_error("migreview: cannot write the report\n");
		goto out;
	}
	rc = gt.n.undecided || not_signed || !settings_signed ? EXIT_FINDINGS : EXIT_CLEAN;
	if (format == FORMAT_TEXT) {
		char dialect[64], *from = mr_visible(gt.cfg.dialect_from);  /* it names a file */

		cmd_error("migreview: dialect %s (%s)\n", dialect_names(gt.cfg.dialect, dialect,
			  sizeof(dialect)), from ? from : "?");
		free(from);
		if (gt.r.history)
			cmd_error("migreview: baseline %s: %zu migrations up to it are history, %s\n",
				  gt.r.g.revs[gt.r.baseline].id, gt.r.n_history, gt.with_history ?
				  "checked too (--include-baseline)" :
				  "outside the gate (--include-baseline checks them)");
		cmd_error("migreview: %zu migrations%s%s%s, %zu findings (%zu errors, %zu warnings",
			gt.n.migrations, cli->argc ? " of the files named" : "",
			cli->since ? " changed since " : "", cli->since ? cli->since : "",
			gt.n.findings, gt.n.errors, gt.n.warnings);
		if (gt.n.undecided != gt.n.errors + gt.n.warnings)
			cmd_error("; %zu undecided", gt.n.undecided);
		cmd_error(")");
		if (cli->require_signoff)
			cmd_error("; %zu of %zu signed off", gt.n.signed_off, gt.n.migrations);
		cmd_error("\n");
	}
out:
	json_decref(doc);
	strvec_free(&trust);
	gate_free(&gt);
	free_paths(abs, local.argc);
	return rc;
}

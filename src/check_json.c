/* `check --format json` and `--format sarif`, streamed (check_json.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_gate.h"
#include "check_json.h"
#include "migreview/gitinfo.h"
#include "migreview/jsonout.h"
#include "migreview/rules.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

static const char *const item_state_names[] = {
	"open", "done", "stale", "blocked", "not-applicable",
};

static const char *
sarif_level(enum severity sev)
{
	static const char *const levels[] = { "note", "warning", "error" };

	return levels[sev];
}

/*
 * The JSON and SARIF reports are streamed (jsonout.h): on a large project
 * they run to a hundred megabytes.  They were jansson documents, and stay
 * what jansson wrote for every input.  json_pack() refused a string that is
 * not UTF-8 (a file name can be any bytes) and left out the value that held
 * it: a finding, an item, a migration, a SARIF result.  The checks that
 * decide what to write keep that.
 */
static bool
utf8(const char *s)
{
	return s && jsonout_utf8(s, strlen(s));
}

static void
put_str(struct jsonout *w, const char *key, const char *s)
{
	jsonout_key(w, key);
	jsonout_string(w, s);
}

static void
put_int(struct jsonout *w, const char *key, long long v)
{
	jsonout_key(w, key);
	jsonout_int(w, v);
}

/* Under outside_graph a finding names its file too, when its path is UTF-8. */
static void
finding_out(struct jsonout *w, const struct finding *f, bool with_path)
{
	jsonout_begin_object(w);
	put_str(w, "rule", f->rule->id);
	put_str(w, "severity", severity_name(f->severity));
	put_int(w, "line", f->line);
	put_int(w, "column", f->col);
	put_str(w, "message", f->message);
	if (with_path)
		put_str(w, "path", f->path);
	jsonout_end_object(w);
}

/* Whether the decision's strings are UTF-8: else its whole item is left out. */
static bool
decision_ok(const struct decision *d)
{
	return !d || d->status == DECISION_CLEARED ||
	       ((!d->reason || utf8(d->reason)) && utf8(d->reviewer) && utf8(d->timestamp) &&
		utf8(d->blob));
}

static void
decision_out(struct jsonout *w, const struct gate *gt, size_t rev, int item,
	     const struct decision *d)
{
	if (!d || d->status == DECISION_CLEARED) {
		jsonout_null(w);
		return;
	}
	jsonout_begin_object(w);
	put_str(w, "status", decision_status_name(d->status));
	jsonout_key(w, "reason");
	if (d->reason)
		jsonout_string(w, d->reason);
	else
		jsonout_null(w);
	put_str(w, "reviewer", d->reviewer);
	put_str(w, "timestamp", d->timestamp);
	put_str(w, "blob", d->blob);
	put_str(w, "state", item_state_names[gt->states[rev].items[item]]);
	jsonout_end_object(w);
}

/* A checklist item of the revision, with its own findings filed under it. */
static void
item_out(struct jsonout *w, const struct gate *gt, size_t rev, int item)
{
	const struct report *r = &gt->r;
	const struct decision *d = review_find(&gt->review, r->g.revs[rev].id, checklist[item].id);
	size_t n, first = report_findings(r, rev, &n);

	if (!decision_ok(d))
		return;
	jsonout_begin_object(w);
	put_str(w, "item", checklist[item].id);
	put_str(w, "title", checklist[item].title);
	jsonout_key(w, "findings");
	jsonout_begin_array(w);
	for (size_t i = first; i < first + n; i++)
		if ((int)r->all.v[i].rule->item == item && utf8(r->all.v[i].message))
			finding_out(w, &r->all.v[i], false);
	jsonout_end_array(w);
	jsonout_key(w, "decision");
	decision_out(w, gt, rev, item, d);
	jsonout_end_object(w);
}

/* ---- the recorded runs' evidence (review.h), for the revision's current content ---- */

static bool
has_evidence(const struct gate *gt, size_t rev)
{
	size_t k = 0;

	return report_evidence_run(&gt->review, &gt->r.g.revs[rev], &k) != NULL;
}

static void
lock_out(struct jsonout *w, const struct run_lock *l)
{
	jsonout_begin_object(w);
	put_str(w, "relation", l->relation);
	put_str(w, "mode", pglock_name(l->mode));
	put_str(w, "blocks", pglock_blocks(l->mode));
	jsonout_key(w, "heldMs");
	jsonout_tenths(w, l->held_ms);
	put_int(w, "line", l->line);
	put_int(w, "statementsAfter", l->after);
	jsonout_end_object(w);
}

/* With --rows: each statement's rows and time, whether it rewrote the table or scanned it. */
static void
throughput_out(struct jsonout *w, const struct run_step *s)
{
	jsonout_key(w, "throughput");
	jsonout_begin_array(w);
	for (size_t k = 0; k < s->n_throughput; k++) {
		const struct run_throughput *t = &s->throughput[k];

		if (!utf8(t->relation))
			continue;
		jsonout_begin_object(w);
		put_str(w, "relation", t->relation);
		put_int(w, "line", t->line);
		put_int(w, "rows", t->rows);
		jsonout_key(w, "ms");
		jsonout_tenths(w, t->ms);
		jsonout_key(w, "rewrote");
		jsonout_bool(w, t->rewrote);
		jsonout_end_object(w);
	}
	jsonout_end_array(w);
}

static void
step_out(struct jsonout *w, const struct run_step *s)
{
	char kind[2] = { 0 };

	jsonout_begin_object(w);
	put_str(w, "step", s->step);
	jsonout_key(w, "locks");
	jsonout_begin_array(w);
	for (size_t k = 0; k < s->n_locks; k++)
		if (utf8(s->locks[k].relation))
			lock_out(w, &s->locks[k]);
	jsonout_end_array(w);
	jsonout_key(w, "rewrites");
	jsonout_begin_array(w);
	for (size_t k = 0; k < s->n_rewrites; k++) {
		if (!utf8(s->rewrites[k].relation))
			continue;
		kind[0] = s->rewrites[k].relkind;
		jsonout_begin_object(w);
		put_str(w, "relation", s->rewrites[k].relation);
		put_str(w, "relkind", kind);
		put_int(w, "line", s->rewrites[k].line);
		jsonout_end_object(w);
	}
	jsonout_end_array(w);
	jsonout_key(w, "slowest");
	jsonout_begin_array(w);
	for (size_t k = 0; k < s->n_slowest; k++) {
		jsonout_begin_object(w);
		put_int(w, "line", s->slowest[k].line);
		jsonout_key(w, "ms");
		jsonout_tenths(w, s->slowest[k].ms);
		jsonout_end_object(w);
	}
	jsonout_end_array(w);
	throughput_out(w, s);
	jsonout_end_object(w);
}

/* The evidence of the runs on the revision's current content: one entry per database. */
static void
evidence_out(struct jsonout *w, const struct gate *gt, size_t rev)
{
	const struct test_run *t;
	size_t k = 0;

	jsonout_key(w, "evidence");
	jsonout_begin_array(w);
	while ((t = report_evidence_run(&gt->review, &gt->r.g.revs[rev], &k))) {
		if (!utf8(t->database) || !utf8(t->timestamp))
			continue;
		jsonout_begin_object(w);
		put_str(w, "database", t->database);
		put_str(w, "test", test_outcome_name(t->outcome));
		put_str(w, "timestamp", t->timestamp);
		jsonout_key(w, "steps");
		jsonout_begin_array(w);
		for (size_t s = 0; s < t->evidence->n; s++)
			step_out(w, &t->evidence->v[s]);
		jsonout_end_array(w);
		jsonout_end_object(w);
	}
	jsonout_end_array(w);
}

static void
migration_out(struct jsonout *w, const struct gate *gt, size_t rev)
{
	const struct revision *rv = &gt->r.g.revs[rev];
	static const char *const states[] = { "open", "stale", "blocked", "signed-off" };

	if ((rv->id && !utf8(rv->id)) || !utf8(rv->relpath) || !utf8(rv->blob))
		return;
	jsonout_begin_object(w);
	jsonout_key(w, "revision");
	if (rv->id)
		jsonout_string(w, rv->id);
	else
		jsonout_null(w);
	put_str(w, "path", rv->relpath);
	put_str(w, "blob", rv->blob);
	put_str(w, "review", states[gt->states[rev].state]);
	jsonout_key(w, "items");
	jsonout_begin_array(w);
	for (int item = 0; item < CHECK_ITEM_COUNT; item++)
		item_out(w, gt, rev, item);
	jsonout_end_array(w);
	/* only with evidence: the output of a project that has none stays as it was */
	if (has_evidence(gt, rev))
		evidence_out(w, gt, rev);
	jsonout_end_object(w);
}

/* Findings of files outside the graph: no revision id, or shadowed by a duplicate. */
static void
outside_out(struct jsonout *w, const struct gate *gt)
{
	const struct report *r = &gt->r;

	jsonout_begin_array(w);
	for (size_t i = 0; jsonout_ok(w) && i < r->all.n; i++) {
		const struct finding *f = &r->all.v[i];

		if ((f->revision < r->g.n && r->g.revs[f->revision].in_graph) ||
		    !gate_scoped(gt, f->revision) || !utf8(f->message))
			continue;
		finding_out(w, f, utf8(f->path));
	}
	jsonout_end_array(w);
}

static void
summary_out(struct jsonout *w, const struct gate *gt)
{
	jsonout_begin_object(w);
	put_int(w, "migrations", (long long)gt->n.migrations);
	put_int(w, "signed_off", (long long)gt->n.signed_off);
	put_int(w, "findings", (long long)gt->n.findings);
	put_int(w, "errors", (long long)gt->n.errors);
	put_int(w, "warnings", (long long)gt->n.warnings);
	put_int(w, "info", (long long)gt->n.info);
	jsonout_end_object(w);
}

/* With a baseline, where it is and whether the history before it is checked. */
static void
baseline_out(struct jsonout *w, const struct gate *gt)
{
	const char *id = gt->r.g.revs[gt->r.baseline].id;

	if (!utf8(id))
		return;
	jsonout_key(w, "baseline");
	jsonout_begin_object(w);
	put_str(w, "revision", id);
	put_int(w, "history", (long long)gt->r.n_history);
	jsonout_key(w, "included");
	jsonout_bool(w, gt->with_history);
	jsonout_end_object(w);
}

/* With --trust-ref, the gate's settings and what keeps decisions from counting. */
static void
gate_out(struct jsonout *w, const struct gate *gt, const struct strvec *problems,
	 bool settings_signed)
{
	if (!utf8(gt->trust.ref) || !utf8(gt->trust.settings_id))
		return;
	jsonout_key(w, "gate");
	jsonout_begin_object(w);
	put_str(w, "trust_ref", gt->trust.ref);
	put_str(w, "settings", gt->trust.settings_id);
	jsonout_key(w, "settings_signed_off");
	jsonout_bool(w, settings_signed);
	jsonout_key(w, "problems");
	jsonout_begin_array(w);
	for (size_t i = 0; i < problems->n; i++)
		if (utf8(problems->v[i]))
			jsonout_string(w, problems->v[i]);
	jsonout_end_array(w);
	jsonout_end_object(w);
}

/* The target dialect and where it came from: JSON's "dialect", SARIF's run properties. */
/* SARIF: the run's evidence per migration in scope, as the JSON report has it, if any. */
static void
sarif_evidence(struct jsonout *w, const struct gate *gt)
{
	const struct graph *g = &gt->r.g;
	bool any = false;

	for (size_t k = 0; k < g->n_order; k++) {
		size_t rev = g->order[k];

		if (!gate_scoped(gt, rev) || !has_evidence(gt, rev) || !utf8(g->revs[rev].id) ||
		    !utf8(g->revs[rev].relpath))
			continue;
		if (!any)
			jsonout_key(w, "evidence");
		if (!any)
			jsonout_begin_array(w);
		any = true;
		jsonout_begin_object(w);
		put_str(w, "revision", g->revs[rev].id);
		put_str(w, "path", g->revs[rev].relpath);
		evidence_out(w, gt, rev);
		jsonout_end_object(w);
	}
	if (any)
		jsonout_end_array(w);
}

static void
dialect_out(struct jsonout *w, const struct gate *gt, bool sarif)
{
	char name[64];

	if (!utf8(gt->cfg.dialect_from))
		return;
	dialect_names(gt->cfg.dialect, name, sizeof(name));
	jsonout_key(w, sarif ? "properties" : "dialect");
	jsonout_begin_object(w);
	put_str(w, sarif ? "dialect" : "name", name);
	put_str(w, sarif ? "dialectSource" : "source", gt->cfg.dialect_from);
	if (sarif)
		sarif_evidence(w, gt);
	jsonout_end_object(w);
}

static void
report_json(struct jsonout *w, const struct gate *gt, const struct strvec *trust,
	    bool settings_signed)
{
	const struct report *r = &gt->r;

	jsonout_begin_object(w);
	jsonout_key(w, "migrations");
	jsonout_begin_array(w);
	for (size_t k = 0; jsonout_ok(w) && k < r->g.n_order; k++)
		if (gate_scoped(gt, r->g.order[k]))
			migration_out(w, gt, r->g.order[k]);
	jsonout_end_array(w);
	jsonout_key(w, "outside_graph");
	outside_out(w, gt);
	jsonout_key(w, "summary");
	summary_out(w, gt);
	dialect_out(w, gt, false);
	if (gt->r.history)
		baseline_out(w, gt);
	if (gt->trust.ref)
		gate_out(w, gt, trust, settings_signed);
	jsonout_end_object(w);
}

/* {"text": s}, as SARIF writes its messages */
static void
put_text(struct jsonout *w, const char *key, const char *s)
{
	jsonout_key(w, key);
	jsonout_begin_object(w);
	put_str(w, "text", s);
	jsonout_end_object(w);
}

static void
sarif_rule(struct jsonout *w, const struct rule *rule)
{
	jsonout_begin_object(w);
	put_str(w, "id", rule->id);
	put_text(w, "shortDescription", rule->summary);
	put_text(w, "fullDescription", rule->why);
	put_text(w, "help", rule->fix);
	jsonout_key(w, "defaultConfiguration");
	jsonout_begin_object(w);
	put_str(w, "level", sarif_level(rule->severity));
	jsonout_end_object(w);
	jsonout_key(w, "properties");
	jsonout_begin_object(w);
	put_str(w, "checklist-item", checklist[rule->item].id);
	jsonout_end_object(w);
	jsonout_end_object(w);
}

/* A decided finding is suppressed, with the reviewer's decision as its reason. */
static void
sarif_suppression(struct jsonout *w, const struct gate *gt, const struct finding *f)
{
	const struct decision *d = review_find(&gt->review, gt->r.g.revs[f->revision].id,
						checklist[f->rule->item].id);

	jsonout_key(w, "suppressions");
	jsonout_begin_array(w);
	jsonout_begin_object(w);
	put_str(w, "kind", "external");
	put_str(w, "status", "accepted");
	if (d->reason && utf8(d->reason))
		put_str(w, "justification", d->reason);
	jsonout_end_object(w);
	jsonout_end_array(w);
}

static void
sarif_result(struct jsonout *w, const struct gate *gt, const struct finding *f, const char *uri)
{
	jsonout_begin_object(w);
	put_str(w, "ruleId", f->rule->id);
	put_int(w, "ruleIndex", (long long)rule_id_of(f->rule));
	put_str(w, "level", sarif_level(f->severity));
	put_text(w, "message", f->message);
	jsonout_key(w, "locations");
	jsonout_begin_array(w);
	jsonout_begin_object(w);
	jsonout_key(w, "physicalLocation");
	jsonout_begin_object(w);
	jsonout_key(w, "artifactLocation");
	jsonout_begin_object(w);
	put_str(w, "uri", uri);
	put_str(w, "uriBaseId", "%SRCROOT%");
	jsonout_end_object(w);
	/* a finding about the whole file points at its start, as code scanning expects */
	jsonout_key(w, "region");
	jsonout_begin_object(w);
	put_int(w, "startLine", f->line ? f->line : 1);
	put_int(w, "startColumn", f->col ? f->col : 1);
	jsonout_end_object(w);
	jsonout_end_object(w);
	jsonout_end_object(w);
	jsonout_end_array(w);
	if (gate_decided(gt, f))
		sarif_suppression(w, gt, f);
	jsonout_end_object(w);
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

static void
sarif_results(struct jsonout *w, const struct gate *gt)
{
	const struct report *r = &gt->r;
	const char *path = NULL;
	char *uri = NULL;
	bool uri_ok = false;

	jsonout_key(w, "results");
	jsonout_begin_array(w);
	for (size_t k = 0; jsonout_ok(w) && k < r->all.n; k++) {
		const struct finding *f = &r->all.v[r->by_order[k]];

		if (!gate_scoped(gt, f->revision))
			continue;
		/* a file's findings come together, their path one interned text: its uri once */
		if (f->path != path) {
			free(uri);
			path = f->path;
			uri = mr_printf("%s%s", gt->uri_prefix ? gt->uri_prefix : "", path);
			uri_ok = utf8(uri ? uri : path);
		}
		if (uri_ok && utf8(f->message))
			sarif_result(w, gt, f, uri ? uri : path);
	}
	free(uri);
	jsonout_end_array(w);
}

static void
report_sarif(struct jsonout *w, struct gate *gt)
{
	sarif_uri_prefix(gt);
	jsonout_begin_object(w);
	put_str(w, "$schema", SARIF_SCHEMA);
	put_str(w, "version", "2.1.0");
	jsonout_key(w, "runs");
	jsonout_begin_array(w);
	jsonout_begin_object(w);
	jsonout_key(w, "tool");
	jsonout_begin_object(w);
	jsonout_key(w, "driver");
	jsonout_begin_object(w);
	put_str(w, "name", "migreview");
	put_str(w, "version", PACKAGE_VERSION);
	jsonout_key(w, "rules");
	jsonout_begin_array(w);
	for (size_t i = 0; i < RULE_COUNT; i++)
		sarif_rule(w, &rules[i]);
	jsonout_end_array(w);
	jsonout_end_object(w);
	jsonout_end_object(w);
	sarif_results(w, gt);
	dialect_out(w, gt, true);
	jsonout_end_object(w);
	jsonout_end_array(w);
	jsonout_end_object(w);
}

/* A writer on out: NULL when memory runs out.  Its buffer is too big for the stack. */
static struct jsonout *
writer(FILE *out)
{
	struct jsonout *w = malloc(sizeof(*w));

	if (w)
		jsonout_init(w, out);
	return w;
}

static int
finish(struct jsonout *w)
{
	int rc = jsonout_finish(w);

	free(w);
	return rc;
}

int
check_json_write(FILE *out, const struct gate *gt, const struct strvec *trust,
		 bool settings_signed)
{
	struct jsonout *w = writer(out);

	if (!w)
		return -1;
	report_json(w, gt, trust, settings_signed);
	return finish(w);
}

int
check_sarif_write(FILE *out, struct gate *gt)
{
	struct jsonout *w = writer(out);

	if (!w)
		return -1;
	report_sarif(w, gt);
	return finish(w);
}

/* The analysis of a whole project, shared by check and the UI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "migreview/analysiscache.h"
#include "migreview/analyze.h"
#include "migreview/appcode.h"
#include "migreview/forecast.h"
#include "migreview/gitinfo.h"
#include "migreview/report.h"
#include "migreview/review.h"
#include "migreview/rules.h"
#include "migreview/settings.h"
#include "report_int.h"

/*
 * Findings in review order, then those of files outside the graph: a
 * counting sort by each revision's position, which keeps the line order
 * findings_sort() gave within a revision.
 */
static int
order_findings(struct report *r)
{
	size_t slots = r->g.n_order + 1;        /* the last slot: outside the graph */
	size_t *pos = malloc((r->g.n + 1) * sizeof(size_t));
	size_t *start = calloc(slots + 1, sizeof(size_t));

	free(r->by_order);
	r->by_order = malloc((r->all.n + 1) * sizeof(size_t));
	if (!pos || !start || !r->by_order) {
		free(pos);
		free(start);
		return -1;
	}
	for (size_t i = 0; i < r->g.n; i++)
		pos[i] = r->g.n_order;
	for (size_t k = 0; k < r->g.n_order; k++)
		pos[r->g.order[k]] = k;
	for (size_t i = 0; i < r->all.n; i++) {
		size_t rev = r->all.v[i].revision;

		start[(rev < r->g.n ? pos[rev] : r->g.n_order) + 1]++;
	}
	for (size_t k = 0; k < slots; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < r->all.n; i++) {
		size_t rev = r->all.v[i].revision;

		r->by_order[start[rev < r->g.n ? pos[rev] : r->g.n_order]++] = i;
	}
	free(pos);
	free(start);
	return 0;
}

/* first[] and count[]: findings_sort() left each revision's findings together. */
static int
index_findings(struct report *r)
{
	free(r->first);
	free(r->count);
	r->first = calloc(r->g.n + 1, sizeof(size_t));
	r->count = calloc(r->g.n + 1, sizeof(size_t));
	if (!r->first || !r->count)
		return -1;
	for (size_t i = r->all.n; i-- > 0;) {
		size_t rev = r->all.v[i].revision;

		if (rev < r->g.n) {
			r->first[rev] = i;
			r->count[rev]++;
		}
	}
	return 0;
}

/*
 * Graph and header problems are findings of the graph item, reported with
 * the rest; they were found before the settings were read, so they pass
 * them here, as the analyser's findings do when they are made.
 */
static int
add_graph_findings(const struct graph *g, const struct analysis_config *cfg,
		   struct findings *out)
{
	for (size_t i = 0; i < g->findings.n; i++) {
		const struct finding *f = &g->findings.v[i];
		enum severity sev;

		if (analysis_config_severity(cfg, f->rule, NULL, &sev) &&
		    findings_add(out, rule_id_of(f->rule), sev, f->path, f->line, f->col,
				 f->revision, "%s", f->message) < 0)
			return -1;
	}
	return 0;
}

/*
 * The revisions that have not shipped, whose files git has changed since
 * ref (--since: the last release), else since the remote's default branch
 * (what is merged is deployed, or is about to be with its own code); outside
 * git or without that ref, the heads: nothing is built on them yet.  NULL
 * when memory runs out.
 */
static bool *
unshipped_revisions(const struct project *p, const struct graph *g, const char *ref)
{
	struct gitinfo *gi = NULL;
	struct mr_error ignored;
	bool *scope = NULL;

	/* the migrations are in the repository, wherever the ini is */
	if (gitinfo_open(&gi, p->script_location ? p->script_location : p->root, &ignored) == 0) {
		if (gitinfo_scope_since(gi, ref ? ref : "origin/HEAD", g, &scope, &ignored) < 0)
			scope = NULL;
		gitinfo_free(gi);
	}
	if (scope)
		return scope;
	if ((scope = calloc(g->n + 1, sizeof(bool))))
		for (size_t i = 0; i < g->n; i++)
			scope[i] = g->revs[i].is_head;
	return scope;
}

int
report_collect(struct report *r, struct findings *out, struct mr_error *err)
{
	return report_collect_since(r, NULL, out, err);
}

/* Whether a read left graph_complete() a parse to do (parse_only), or anything at all. */
static bool
deferred(const struct graph *g, bool parse_only)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->revs[i].deferred == REVISION_DEFERRED_PARSE ||
		    (!parse_only && g->revs[i].deferred != REVISION_DEFERRED_NONE))
			return true;
	return false;
}

/*
 * The findings of g under cfg: kept in the cache when nothing they are made
 * of has changed, else the analysis of every migration, whose operations a
 * lazy read left in the parse cache until now.  1: a file changed while read.
 */
static int
collect(const struct project *p, struct graph *g, const struct project *files,
	struct analysis_config *cfg, struct findings *out, struct mr_error *err)
{
	struct analysiscache_key key = { 0 };
	int rc, hit;

	/* a header the scanner read is not the graph's for sure until parsed */
	if (deferred(g, true) && (rc = graph_complete(g, files, err)) != 0)
		return rc;
	rc = out->n ? 0 : analysiscache_key(p, g, cfg, &key);
	hit = rc == 0 ? analysiscache_load(&key, out) : rc;
	if (hit < 0) {
		rc = mr_error_oom(err);
	} else if (hit == 0) {
		rc = deferred(g, false) ? graph_complete(g, files, err) : 0;
		if (rc == 0)
			rc = analyze_graph(g, cfg, out, err);
		if (rc == 0 && add_graph_findings(g, cfg, out) < 0)
			rc = mr_error_oom(err);
		if (rc == 0 && findings_sort(out) < 0)
			rc = mr_error_oom(err);
		if (rc == 0)
			analysiscache_store(&key, out);
	}
	analysiscache_key_free(&key);
	return rc;
}

int
report_collect_since(struct report *r, const char *since, struct findings *out,
		     struct mr_error *err)
{
	const struct project *p = r->settings ? r->settings : &r->p;
	struct analysis_config cfg;
	struct appcode app;
	bool *unshipped;
	int rc;

	if (analysis_config_load(p, &cfg, err) < 0)
		return -1;
	if (appcode_load(&app, p, err) < 0) {
		analysis_config_free(&cfg);
		return -1;
	}
	/* only the rules about running code ask; with no application code, none does */
	unshipped = app.texts.n ? unshipped_revisions(p, &r->g, since) : NULL;
	if (app.texts.n && !unshipped) {
		appcode_free(&app);
		analysis_config_free(&cfg);
		return mr_error_oom(err);
	}
	cfg.app = &app;
	cfg.unshipped = unshipped;
	rc = collect(p, &r->g, &r->p, &cfg, out, err);
	free(unshipped);
	analysis_config_free(&cfg);
	appcode_free(&app);
	return rc;
}

int
report_adopt(struct report *r, struct findings *all, struct mr_error *err)
{
	/* the analysis was the operations' only reader: a project's worth of them goes,
	   back to the system, as a session keeps running on what is left; check exits
	   instead (the trim took 13 ms of it at 10,000 migrations) */
	for (size_t i = 0; i < r->g.n; i++)
		revision_free_migration(&r->g.revs[i]);
#ifdef HAVE_MALLOC_TRIM
	if (!r->ends_with_it)
		malloc_trim(0);
#endif
	findings_free(&r->all);
	r->all = *all;
	*all = (struct findings){ 0 };
	if (order_findings(r) < 0 || index_findings(r) < 0)
		return mr_error_oom(err);
	return 0;
}

unsigned
report_not_applicable(const struct report *r, size_t rev)
{
	unsigned skip = 0;

	if (!r->first || rev >= r->g.n)
		return 0;
	for (size_t i = r->first[rev]; i < r->first[rev] + r->count[rev]; i++)
		if (r->all.v[i].rule == &rules[RULE_DOWNGRADE_NOT_WRITTEN])
			skip |= 1u << CHECK_REVERSIBLE;
	return skip;
}

int
report_open_graph(struct report *r, const struct project_where *w, struct mr_error *err)
{
	if (project_open_at(&r->p, w, err) < 0)
		return -1;
	return graph_load(&r->g, &r->p, REVISION_LOAD_MIGRATION | REVISION_LOAD_BLOB |
			  REVISION_LOAD_LAZY | REVISION_LOAD_SNAPSHOT, err);
}

int
report_open(struct report *r, const char *config, const char *section, struct mr_error *err)
{
	struct project_where w = { config, section, NULL };
	struct findings all = { 0 };

	if (report_open_graph(r, &w, err) < 0)
		return -1;
	if (report_collect(r, &all, err) != 0) {
		findings_free(&all);
		return -1;
	}
	return report_adopt(r, &all, err);
}

/* The last non-empty line of a run's log: usually the error. */
static void
last_line(const char *log, char *out, size_t size)
{
	const char *end = log + strlen(log), *start;

	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	snprintf(out, size, "%.*s", (int)(end - start), start);
}

/* The finding the recorded runs give revision i, if any. */
static int
evidence_of(struct report *r, const struct review *rv, const struct analysis_config *cfg,
	    size_t i)
{
	const struct revision *rev = &r->g.revs[i];
	const struct test_run *t = NULL;
	enum test_state st = review_test_state(rv, rev->id, rev->blob, &t);
	enum rule_id rule = st == TESTED_FAILED ? RULE_TEST_FAILED : RULE_NOT_TESTED;
	enum severity sev;
	char line[240], *id;
	int rc;

	if (st == TESTED_PASSED || !analysis_config_severity(cfg, &rules[rule], NULL, &sev))
		return 0;
	if (st != TESTED_FAILED) {
		/* the id is someone else's text in a command users paste: one shell word */
		if (!(id = mr_shell_quote(rev->id)))
			return -1;
		if (st == TESTED_NEVER)
			rc = findings_add(&r->all, rule, sev, rev->relpath, 0, 0, i,
					  "no up/down/up run is recorded for this content: run "
					  "`migreview test %s`", id);
		else
			rc = findings_add(&r->all, rule, sev, rev->relpath, 0, 0, i,
					  "the recorded run (%s on %s, %.10s) was on earlier content: "
					  "run `migreview test %s` again",
					  test_outcome_name(t->outcome), t->database, t->timestamp, id);
		free(id);
		return rc;
	}
	if (t->error)
		snprintf(line, sizeof(line), "%s", t->error);
	else
		last_line(t->log, line, sizeof(line));
	return findings_add(&r->all, rule, sev, rev->relpath, 0, 0, i,
			    "up/down/up failed at the %s step on %s (%.10s)%s%s", t->step ? t->step : "?",
			    t->database, t->timestamp, *line ? ": " : "", line);
}

/* The throughput the newest run with --rows measured, for the forecasts; NULL: none. */
static const struct forecast_rates *
rates_of(const struct review *rv, struct forecast_rates *rates)
{
	struct review_throughput t;

	if (!review_throughput(rv, &t))
		return NULL;
	*rates = (struct forecast_rates){ t.rewrite_rows_per_s, t.scan_rows_per_s,
					  t.from ? t.from->timestamp : NULL };
	return rates;
}

int
report_evidence(struct report *r, const struct review *rv, struct mr_error *err)
{
	struct forecast_rates rates;
	struct analysis_config cfg;
	size_t kept = 0;
	int rc = 0;

	if (analysis_config_load(r->settings ? r->settings : &r->p, &cfg, err) < 0)
		return -1;
	/* the tested item's findings and the notes on the others are the runs' alone: drop
	   the previous ones (their texts stay with the findings, which make the same ones
	   again) */
	findings_unnote(&r->all);
	for (size_t i = 0; i < r->all.n; i++)
		if (r->all.v[i].rule->item != CHECK_TESTED &&
		    r->all.v[i].rule != &rules[RULE_LOCK_FORECAST])
			r->all.v[kept++] = r->all.v[i];
	r->all.n = kept;
	rc = report_run_notes(r, rv);
	for (size_t i = 0; i < r->g.n && rc == 0; i++)
		if (r->g.revs[i].in_graph && r->g.revs[i].blob[0] &&
		    (rc = evidence_of(r, rv, &cfg, i)) == 0)
			rc = report_run_findings(r, rv, &cfg, i);
	/* the forecasts use the throughput the runs measured, so they follow them */
	if (rc == 0)
		rc = forecast_findings(&r->all, &cfg, rates_of(rv, &rates));
	analysis_config_free(&cfg);
	if (rc < 0 || findings_sort(&r->all) < 0 || order_findings(r) < 0 || index_findings(r) < 0)
		return mr_error_oom(err);
	return 0;
}

int
report_baseline(struct report *r, const struct project *settings, struct mr_error *err)
{
	free(r->history);
	return settings_baseline(settings, &r->g, &r->history, &r->baseline, &r->n_history, err);
}

int
report_history_trusted(struct report *r, const char *ref, struct mr_error *err)
{
	struct gitinfo *gi = NULL;
	enum gitinfo_change *changes = NULL;
	int rc = 0;

	if (!r->history)
		return 0;
	rc = gitinfo_open(&gi, r->p.script_location ? r->p.script_location : r->p.root, err);
	if (rc == 0)
		rc = gitinfo_changes_since(gi, ref, &r->g, &changes, err);
	gitinfo_free(gi);
	if (rc < 0)
		return -1;
	/* the change's own migrations: what they are is the change's to say, not history */
	if (changes[r->baseline] == GITINFO_ADDED || changes[r->baseline] == GITINFO_RENAMED)
		rc = mr_error_set(err, "baseline %s is a migration this change adds since %s: the "
				  "baseline must name one %s already has", r->g.revs[r->baseline].id,
				  ref, ref);
	for (size_t i = 0; rc == 0 && i < r->g.n; i++)
		if (r->history[i] && (changes[i] == GITINFO_ADDED || changes[i] == GITINFO_RENAMED)) {
			r->history[i] = false;
			r->n_history--;
		}
	free(changes);
	return rc;
}

void
report_free(struct report *r)
{
	free(r->history);
	free(r->by_order);
	free(r->first);
	free(r->count);
	findings_free(&r->all);
	graph_free(&r->g);
	project_free(&r->p);
}

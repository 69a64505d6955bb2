/* The analysis of a whole project, shared by check and the UI. */
#include "config.h"

#include <stdlib.h>

#include "migreview/analyze.h"
#include "migreview/appcode.h"
#include "migreview/report.h"
#include "migreview/settings.h"

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

int
report_collect(const struct project *p, const struct graph *g, struct findings *out,
	       struct mr_error *err)
{
	struct analysis_config cfg;
	struct appcode app;
	int rc;

	if (analysis_config_load(p, &cfg, err) < 0)
		return -1;
	if (appcode_load(&app, p, err) < 0) {
		analysis_config_free(&cfg);
		return -1;
	}
	cfg.app = &app;
	rc = analyze_graph(g, &cfg, out, err);
	analysis_config_free(&cfg);
	appcode_free(&app);
	if (rc < 0)
		return -1;
	/* graph problems are findings of the graph item, reported with the rest */
	for (size_t i = 0; i < g->findings.n; i++) {
		const struct finding *f = &g->findings.v[i];

		if (findings_add(out, f->rule, f->severity, f->path, f->line, f->col,
				 f->revision, "%s", f->message) < 0)
			return mr_error_oom(err);
	}
	return findings_sort(out) < 0 ? mr_error_oom(err) : 0;
}

int
report_adopt(struct report *r, struct findings *all, struct mr_error *err)
{
	findings_free(&r->all);
	r->all = *all;
	*all = (struct findings){ 0 };
	if (order_findings(r) < 0 || index_findings(r) < 0)
		return mr_error_oom(err);
	return 0;
}

int
report_open_graph(struct report *r, const char *config, const char *section,
		  struct mr_error *err)
{
	if (project_open(&r->p, config, section, err) < 0)
		return -1;
	return graph_load(&r->g, &r->p, REVISION_LOAD_MIGRATION | REVISION_LOAD_BLOB, err);
}

int
report_open(struct report *r, const char *config, const char *section, struct mr_error *err)
{
	struct findings all = { 0 };

	if (report_open_graph(r, config, section, err) < 0)
		return -1;
	if (report_collect(&r->p, &r->g, &all, err) < 0) {
		findings_free(&all);
		return -1;
	}
	return report_adopt(r, &all, err);
}

int
report_worst(const struct report *r, size_t rev)
{
	size_t n, first = report_findings(r, rev, &n);
	int worst = -1;

	for (size_t i = first; i < first + n; i++)
		if ((int)r->all.v[i].severity > worst)
			worst = (int)r->all.v[i].severity;
	return worst;
}

void
report_free(struct report *r)
{
	free(r->by_order);
	free(r->first);
	free(r->count);
	findings_free(&r->all);
	graph_free(&r->g);
	project_free(&r->p);
}

/*
 * The evidence of recorded test runs beside the static findings: findings
 * of its own (evidence-rewrite, evidence-lock-held) on the line that did
 * it, the models' drift a head's run found (evidence-models-drift), and the
 * run's word on what a static rule predicted for a line.  Only
 * runs on a revision's current content count: an edit makes them stale.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "migreview/finding.h"
#include "report_int.h"

const struct test_run *
report_evidence_run(const struct review *rv, const struct revision *rev, size_t *k)
{
	size_t n;
	const struct test_run *runs = rev->id ? review_runs(rv, rev->id, &n) : NULL;

	for (; runs && *k < n; (*k)++)
		if (runs[*k].evidence && !strcmp(runs[*k].blob, rev->blob))
			return &runs[(*k)++];
	return NULL;
}

bool
report_step_telling(const struct run_step *s)
{
	return !strcmp(s->step, "upgrade") || !strcmp(s->step, "downgrade");
}

void
report_lock_words(const struct run_lock *l, char *buf, size_t size)
{
	snprintf(buf, size, "%s on %s for %.1f ms — %s", pglock_name(l->mode), l->relation,
		 l->held_ms, pglock_blocks(l->mode));
}

void
report_rate_words(long long rows, double ms, char *buf, size_t size)
{
	double rate = ms > 0 ? rows * 1000.0 / ms : 0;
	char count[32];

	*buf = 0;
	if (rate > 0)
		snprintf(buf, size, "~%s rows/s",
			 mr_commas(mr_three_figures(rate), count, sizeof(count)));
}

bool
report_lock_named(const struct run_lock *l)
{
	return pglock_conflicts(l->mode, PG_ROW_EXCLUSIVE);
}

/* Line k of step s's summary in buf (k counted down past the step's lines); false past them. */
static bool
step_line(const struct run_step *s, size_t *k, char *buf, size_t size)
{
	char words[400];

	for (size_t i = 0; i < s->n_locks; i++)
		if (report_lock_named(&s->locks[i]) && !(*k)--) {
			report_lock_words(&s->locks[i], words, sizeof(words));
			snprintf(buf, size, "%s: %s (line %ld)", s->step, words, s->locks[i].line);
			return true;
		}
	for (size_t i = 0; i < s->n_rewrites; i++)
		if (strchr("rpm", s->rewrites[i].relkind) && !(*k)--) {
			snprintf(buf, size, "%s: rewrote %s (line %ld)", s->step,
				 s->rewrites[i].relation, s->rewrites[i].line);
			return true;
		}
	return false;
}

bool
report_run_line(const struct test_run *t, size_t k, char *buf, size_t size)
{
	for (size_t s = 0; t->evidence && s < t->evidence->n; s++)
		if (report_step_telling(&t->evidence->v[s]) &&
		    step_line(&t->evidence->v[s], &k, buf, size))
			return true;
	return false;
}

static const struct run_lock *
lock_on(const struct run_step *s, const char *relation)
{
	for (size_t k = 0; k < s->n_locks; k++)
		if (!strcmp(s->locks[k].relation, relation))
			return &s->locks[k];        /* strongest first */
	return NULL;
}

/*
 * " (100,000 rows in 61.2 ms, ~1,630,000 rows/s)" when --rows measured
 * the rewrite of w, else "".
 */
static void
rows_words(const struct run_step *s, const struct run_rewrite *w, char *buf, size_t size)
{
	char count[32], rate[48];

	*buf = 0;
	for (size_t k = 0; k < s->n_throughput; k++) {
		const struct run_throughput *t = &s->throughput[k];

		if (!t->rewrote || t->line != w->line || strcmp(t->relation, w->relation))
			continue;
		mr_commas(t->rows, count, sizeof(count));
		report_rate_words(t->rows, t->ms, rate, sizeof(rate));
		snprintf(buf, size, " (%s rows in %.1f ms%s%s)", count, t->ms, *rate ? ", " : "",
			 rate);
		return;
	}
}

static int
rewrites_of(struct report *r, const struct analysis_config *cfg, size_t i,
	    const struct test_run *t, const struct run_step *s)
{
	const struct revision *rev = &r->g.revs[i];
	enum severity sev;

	if (!analysis_config_severity(cfg, &rules[RULE_EVIDENCE_REWRITE], NULL, &sev))
		return 0;
	for (size_t k = 0; k < s->n_rewrites; k++) {
		const struct run_rewrite *w = &s->rewrites[k];
		const struct run_lock *l = lock_on(s, w->relation);
		char held[160] = "", rows[128];

		if (!strchr("rpm", w->relkind))
			continue;       /* its indexes are rebuilt with it: the table says it */
		if (l && l->mode == PG_ACCESS_EXCLUSIVE)
			snprintf(held, sizeof(held), " under ACCESS EXCLUSIVE for %.1f ms — %s",
				 l->held_ms, pglock_blocks(l->mode));
		rows_words(s, w, rows, sizeof(rows));
		if (findings_add(&r->all, RULE_EVIDENCE_REWRITE, sev, rev->relpath,
				 (unsigned)w->line, 0, i, "rewrote %s%s%s (%s on %s, %.10s)",
				 w->relation, rows, held, s->step, t->database, t->timestamp) < 0)
			return -1;
	}
	return 0;
}

static int
held_locks_of(struct report *r, const struct analysis_config *cfg, size_t i,
	      const struct test_run *t, const struct run_step *s)
{
	const struct revision *rev = &r->g.revs[i];
	enum severity sev;
	char words[400];

	if (!analysis_config_severity(cfg, &rules[RULE_EVIDENCE_LOCK_HELD], NULL, &sev))
		return 0;
	for (size_t k = 0; k < s->n_locks; k++) {
		const struct run_lock *l = &s->locks[k];

		if (l->mode != PG_ACCESS_EXCLUSIVE || l->after <= 0)
			continue;
		report_lock_words(l, words, sizeof(words));
		if (findings_add(&r->all, RULE_EVIDENCE_LOCK_HELD, sev, rev->relpath,
				 (unsigned)l->line, 0, i, "%s; held across %ld further statement%s of "
				 "its transaction (%s on %s, %.10s)", words, l->after,
				 l->after == 1 ? "" : "s", s->step, t->database, t->timestamp) < 0)
			return -1;
	}
	return 0;
}

static bool
is_head(const struct graph *g, size_t i)
{
	for (size_t h = 0; h < g->n_heads; h++)
		if (g->heads[h] == i)
			return true;
	return false;
}

/* "model table invoices has no table in the database; ... (+2 more)" */
static void
differences_words(const struct run_models *m, char *buf, size_t size)
{
	size_t len = 0;

	*buf = 0;
	for (size_t k = 0; k < m->n_differences && len < size; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? "; " : "",
					m->differences[k]);
	if (m->more && len < size)
		snprintf(buf + len, size - len, "%s(+%zu more)", len ? " " : "", m->more);
}

/*
 * The models drift the runs on revision i's current content found, when it
 * is a head: the models were compared with the database there, and once
 * another migration follows it, what was found at it says nothing of the
 * models and the head now.
 */
static int
models_drift_of(struct report *r, const struct review *rv, const struct analysis_config *cfg,
		size_t i)
{
	const struct revision *rev = &r->g.revs[i];
	const struct test_run *runs;
	enum severity sev;
	char words[REVIEW_MODELS_LIST * (REVIEW_MODELS_TEXT + 2) + 32];
	size_t n;

	if (!rev->id || !is_head(&r->g, i) ||
	    !analysis_config_severity(cfg, &rules[RULE_EVIDENCE_MODELS_DRIFT], NULL, &sev))
		return 0;
	runs = review_runs(rv, rev->id, &n);
	for (size_t k = 0; runs && k < n; k++) {
		const struct test_run *t = &runs[k];

		if (!t->models || t->models->result != MODELS_DRIFTED || strcmp(t->blob, rev->blob))
			continue;
		differences_words(t->models, words, sizeof(words));
		if (findings_add(&r->all, RULE_EVIDENCE_MODELS_DRIFT, sev, rev->relpath, 0, 0, i,
				 "the models drifted from the database at this head (test --models "
				 "on %s, %.10s): %s", t->database, t->timestamp, words) < 0)
			return -1;
	}
	return 0;
}

int
report_run_findings(struct report *r, const struct review *rv,
		    const struct analysis_config *cfg, size_t i)
{
	const struct test_run *t;
	size_t k = 0;

	if (models_drift_of(r, rv, cfg, i) < 0)
		return -1;

	while ((t = report_evidence_run(rv, &r->g.revs[i], &k)))
		for (size_t s = 0; s < t->evidence->n; s++) {
			const struct run_step *st = &t->evidence->v[s];

			if (report_step_telling(st) && (rewrites_of(r, cfg, i, t, st) < 0 ||
					    held_locks_of(r, cfg, i, t, st) < 0))
				return -1;
		}
	return 0;
}

/* ---- the run's word on a static finding ---- */

/* The static rules that predict what a line does to a table, and what. */
static const struct {
	enum rule_id rule;
	bool rewrite;           /* a rewrite; else a lock */
} predictions[] = {
	{ RULE_COLUMN_TYPE_CHANGE, true },
	{ RULE_ENUM_COLUMN_TYPE_CHANGE, true },
	{ RULE_VOLATILE_SERVER_DEFAULT, true },
	{ RULE_INDEX_NOT_CONCURRENT, false },
	{ RULE_DROP_INDEX_NOT_CONCURRENT, false },
	{ RULE_CONSTRAINT_WITHOUT_NOT_VALID, false },
	{ RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE, false },
	{ RULE_SET_NOT_NULL_SCAN, false },
	{ RULE_LOCK_HEAVY_RAW_SQL, false },
};

/* What the run's step saw at line: its strongest lock and its rewrite there (a table's first). */
static void
seen_at(const struct run_step *s, long line, const struct run_lock **lock,
	const struct run_rewrite **rewrite)
{
	for (size_t k = 0; k < s->n_locks; k++)
		if (s->locks[k].line == line && (!*lock || s->locks[k].mode > (*lock)->mode))
			*lock = &s->locks[k];
	for (size_t k = 0; k < s->n_rewrites; k++)
		if (s->rewrites[k].line == line &&
		    (!*rewrite || (!strchr("rpm", (*rewrite)->relkind) &&
				   strchr("rpm", s->rewrites[k].relkind))))
			*rewrite = &s->rewrites[k];
}

/* The note for finding f from run t, in note (empty: the run says nothing of it). */
static void
note_of(const struct finding *f, bool rewrite, const struct test_run *t, char *note,
	size_t size)
{
	const struct run_lock *l = NULL;
	const struct run_rewrite *w = NULL;
	char lock[200] = "";

	for (size_t s = 0; s < t->evidence->n; s++)
		if (report_step_telling(&t->evidence->v[s]))
			seen_at(&t->evidence->v[s], (long)f->line, &l, &w);
	if (l)
		report_lock_words(l, lock, sizeof(lock));
	*note = 0;
	if (rewrite && w)
		snprintf(note, size, "confirmed by the test run on %s (rewrote %s%s%s)", t->database,
			 w->relation, *lock ? "; " : "", lock);
	else if (!rewrite && l)
		snprintf(note, size, "confirmed by the test run on %s (%s)", t->database, lock);
	/* a failed run may have stopped before this line: it contradicts nothing */
	else if (t->outcome == TEST_PASSED && rewrite && l)
		snprintf(note, size, "the test run on %s saw no rewrite of %s at this line (%s)",
			 t->database, l->relation, lock);
	else if (t->outcome == TEST_PASSED && rewrite)
		snprintf(note, size, "the test run on %s saw no rewrite and no lock on a table that "
			 "existed before at this line", t->database);
	else if (t->outcome == TEST_PASSED)
		snprintf(note, size, "the test run on %s saw no lock at this line on a table that "
			 "existed before", t->database);
}

int
report_run_notes(struct report *r, const struct review *rv)
{
	for (size_t i = 0; i < r->all.n; i++) {
		const struct finding *f = &r->all.v[i];
		const struct test_run *t;
		size_t p = 0, k = 0;
		char note[480];

		while (p < MR_ARRAY_SIZE(predictions) && predictions[p].rule != rule_id_of(f->rule))
			p++;
		if (p == MR_ARRAY_SIZE(predictions) || !f->line || f->revision >= r->g.n)
			continue;
		/* the lock trace is PostgreSQL's: another database's run says nothing of it */
		while ((t = report_evidence_run(rv, &r->g.revs[f->revision], &k)))
			if (!strcmp(t->database, "postgresql")) {
				note_of(f, predictions[p].rewrite, t, note, sizeof(note));
				if (*note && findings_note(&r->all, i, note) < 0)
					return -1;
			}
	}
	return 0;
}

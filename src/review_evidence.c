/*
 * A test run's evidence as the review file keeps it (see review.h): a
 * summary per step, bounded, read as strictly as the rest of the file.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/util.h"
#include "review_int.h"

const char *const run_step_names[RUN_STEPS] = { "upgrade", "downgrade", "re-upgrade" };

void
run_evidence_free(struct run_evidence *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		struct run_step *s = &e->v[i];

		for (size_t k = 0; k < s->n_locks; k++)
			free(s->locks[k].relation);
		for (size_t k = 0; k < s->n_rewrites; k++)
			free(s->rewrites[k].relation);
		for (size_t k = 0; k < s->n_throughput; k++)
			free(s->throughput[k].relation);
		free(s->step);
	}
	free(e->v);
	free(e);
}

/* A new, empty summary with room for every step. */
static struct run_evidence *
evidence_new(void)
{
	struct run_evidence *e = calloc(1, sizeof(*e));

	if (e && !(e->v = calloc(RUN_STEPS, sizeof(*e->v)))) {
		free(e);
		return NULL;
	}
	return e;
}

struct run_evidence *
run_evidence_copy(const struct run_evidence *from)
{
	struct run_evidence *e;
	bool ok = true;

	if (!from || !(e = evidence_new()))
		return NULL;
	for (size_t i = 0; i < from->n && i < RUN_STEPS; i++) {
		const struct run_step *f = &from->v[i];
		struct run_step *s = &e->v[e->n++];

		*s = *f;
		s->step = mr_strdup(f->step);
		ok = ok && s->step;
		for (size_t k = 0; k < f->n_locks; k++)
			ok = (s->locks[k].relation = mr_strdup(f->locks[k].relation)) && ok;
		for (size_t k = 0; k < f->n_rewrites; k++)
			ok = (s->rewrites[k].relation = mr_strdup(f->rewrites[k].relation)) && ok;
		for (size_t k = 0; k < f->n_throughput; k++)
			ok = (s->throughput[k].relation = mr_strdup(f->throughput[k].relation)) && ok;
	}
	if (!ok) {
		run_evidence_free(e);
		return NULL;
	}
	return e;
}

/* ---- reading: *why names the first member that is wrong ---- */

static long
line_in(json_t *obj, const char *key, long max, const char **why)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
		*why = *why ? *why : key;
		return 0;
	}
	return (long)json_integer_value(v);
}

static double
ms_in(json_t *obj, const char *key, const char **why)
{
	json_t *v = json_object_get(obj, key);
	double d = json_number_value(v);

	if (!json_is_number(v) || !isfinite(d) || d < 0 || d > 1e12) {
		*why = *why ? *why : key;
		return 0;
	}
	return d;
}

/*
 * A relation's name: a non-empty string of at most REVIEW_EVIDENCE_NAME
 * bytes (UTF-8 without NUL: the file's reader refuses any other).
 */
static char *
name_in(json_t *obj, const char **why)
{
	json_t *v = json_object_get(obj, "relation");
	char *s;

	if (!json_is_string(v) || !json_string_length(v) ||
	    json_string_length(v) > REVIEW_EVIDENCE_NAME) {
		*why = *why ? *why : "relation";
		return NULL;
	}
	if (!(s = mr_strdup(json_string_value(v))))
		*why = *why ? *why : "out of memory";
	return s;
}

/* The members of list to read: at most max (a longer list is cut), or NULL for none. */
static size_t
list_in(json_t *obj, const char *key, size_t max, json_t **list, const char **why)
{
	*list = json_object_get(obj, key);
	if (!*list)
		return 0;
	if (!json_is_array(*list)) {
		*why = *why ? *why : key;
		return 0;
	}
	return json_array_size(*list) < max ? json_array_size(*list) : max;
}

static void
locks_in(struct run_step *s, json_t *obj, const char **why)
{
	json_t *list;
	size_t n = list_in(obj, "locks", REVIEW_EVIDENCE_LIST, &list, why);

	for (size_t i = 0; i < n && !*why; i++) {
		json_t *one = json_array_get(list, i);
		struct run_lock *l = &s->locks[s->n_locks];

		l->mode = pglock_from_pg(json_string_value(json_object_get(one, "mode")));
		if (l->mode == PG_LOCK_MODES)
			*why = "mode";
		l->held_ms = ms_in(one, "held_ms", why);
		l->line = line_in(one, "line", 100000000, why);
		l->after = line_in(one, "after", 1000000000, why);
		l->relation = name_in(one, why);
		if (l->relation)
			s->n_locks++;
	}
}

static void
rewrites_in(struct run_step *s, json_t *obj, const char **why)
{
	json_t *list;
	size_t n = list_in(obj, "rewrites", REVIEW_EVIDENCE_LIST, &list, why);

	for (size_t i = 0; i < n && !*why; i++) {
		json_t *one = json_array_get(list, i);
		struct run_rewrite *r = &s->rewrites[s->n_rewrites];
		char k = pg_relkind(json_string_value(json_object_get(one, "relkind")));

		if (!k)
			*why = *why ? *why : "relkind";
		else
			r->relkind = k;
		r->line = line_in(one, "line", 100000000, why);
		r->relation = name_in(one, why);
		if (r->relation)
			s->n_rewrites++;
	}
}

static void
slowest_in(struct run_step *s, json_t *obj, const char **why)
{
	json_t *list;
	size_t n = list_in(obj, "slowest", REVIEW_EVIDENCE_SLOWEST, &list, why);

	for (size_t i = 0; i < n && !*why; i++) {
		json_t *one = json_array_get(list, i);

		s->slowest[i] = (struct run_slow){ .line = line_in(one, "line", 100000000, why),
						   .ms = ms_in(one, "ms", why) };
		s->n_slowest++;
	}
}

static long long
rows_in(json_t *obj, const char **why)
{
	json_t *v = json_object_get(obj, "rows");

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 1000000000000LL) {
		*why = *why ? *why : "rows";
		return 0;
	}
	return json_integer_value(v);
}

static void
throughput_in(struct run_step *s, json_t *obj, const char **why)
{
	json_t *list;
	size_t n = list_in(obj, "throughput", REVIEW_EVIDENCE_LIST, &list, why);

	for (size_t i = 0; i < n && !*why; i++) {
		json_t *one = json_array_get(list, i);
		json_t *rewrote = json_object_get(one, "rewrote");
		struct run_throughput *t = &s->throughput[s->n_throughput];

		if (!json_is_boolean(rewrote))
			*why = "rewrote";
		t->rewrote = json_is_true(rewrote);
		t->line = line_in(one, "line", 100000000, why);
		t->rows = rows_in(one, why);
		t->ms = ms_in(one, "ms", why);
		t->relation = name_in(one, why);
		if (t->relation)
			s->n_throughput++;
	}
}

/* One step; a step of another name (a newer migreview's) is skipped. */
static void
step_in(struct run_evidence *e, json_t *obj, const char **why)
{
	const char *name = json_string_value(json_object_get(obj, "step"));
	struct run_step *s;
	size_t k = 0;

	if (!json_is_object(obj) || !name) {
		*why = "step";
		return;
	}
	while (k < RUN_STEPS && strcmp(name, run_step_names[k]))
		k++;
	for (size_t i = 0; k < RUN_STEPS && i < e->n; i++)
		if (!strcmp(e->v[i].step, name))
			*why = "step";  /* twice: which one would be the run's? */
	if (k == RUN_STEPS || *why)
		return;
	s = &e->v[e->n++];
	if (!(s->step = mr_strdup(run_step_names[k]))) {
		*why = "out of memory";
		return;
	}
	locks_in(s, obj, why);
	rewrites_in(s, obj, why);
	slowest_in(s, obj, why);
	throughput_in(s, obj, why);
}

int
evidence_read(json_t *v, struct run_evidence **out, const char **why)
{
	struct run_evidence *e;
	size_t i;
	json_t *one;

	*out = NULL;
	*why = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		*why = "evidence";
		return -1;
	}
	if (!(e = evidence_new())) {
		*why = "out of memory";
		return -1;
	}
	json_array_foreach(v, i, one) {
		if (*why)
			break;
		step_in(e, one, why);
	}
	if (*why) {
		run_evidence_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

/* ---- writing ---- */

static json_t *
throughput_json(const struct run_step *s)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < s->n_throughput; k++) {
		const struct run_throughput *t = &s->throughput[k];

		json_array_append_new(a, json_pack("{s:s, s:i, s:I, s:f, s:b}", "relation",
				      t->relation, "line", (json_int_t)t->line, "rows",
				      (json_int_t)t->rows, "ms", t->ms, "rewrote", t->rewrote));
	}
	return a;
}

static json_t *
step_json(const struct run_step *s)
{
	json_t *o = json_pack("{s:s, s:[], s:[], s:[]}", "step", s->step, "locks", "rewrites",
			      "slowest");
	json_t *locks = json_object_get(o, "locks"), *rewrites = json_object_get(o, "rewrites");
	json_t *slowest = json_object_get(o, "slowest");
	char kind[2] = { 0 };

	for (size_t k = 0; o && k < s->n_locks; k++) {
		const struct run_lock *l = &s->locks[k];

		json_array_append_new(locks, json_pack("{s:s, s:s, s:f, s:i, s:i}", "relation",
					     l->relation, "mode", pglock_pg_name(l->mode), "held_ms",
					     l->held_ms, "line", (json_int_t)l->line, "after",
					     (json_int_t)l->after));
	}
	for (size_t k = 0; o && k < s->n_rewrites; k++) {
		kind[0] = s->rewrites[k].relkind;
		json_array_append_new(rewrites, json_pack("{s:s, s:s, s:i}", "relation",
				      s->rewrites[k].relation, "relkind", kind, "line",
				      (json_int_t)s->rewrites[k].line));
	}
	for (size_t k = 0; o && k < s->n_slowest; k++)
		json_array_append_new(slowest, json_pack("{s:i, s:f}", "line",
				      (json_int_t)s->slowest[k].line, "ms", s->slowest[k].ms));
	/* only what --rows measured: a file of a run without it reads as before */
	if (o && s->n_throughput)
		json_object_set_new(o, "throughput", throughput_json(s));
	return o;
}

json_t *
evidence_json(const struct run_evidence *e)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < e->n; i++)
		if (json_array_append_new(a, step_json(&e->v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* ---- the forecast's rate ---- */

/* Whether t measured something: rows in a time of at least a tenth of a millisecond. */
static bool
measured(const struct test_run *t)
{
	if (!t->evidence || strcmp(t->database, "postgresql"))
		return false;
	for (size_t i = 0; i < t->evidence->n; i++)
		for (size_t k = 0; k < t->evidence->v[i].n_throughput; k++)
			if (t->evidence->v[i].throughput[k].ms > 0)
				return true;
	return false;
}

/* Rows per second over t's statements that rewrote (or only scanned); 0 when none. */
static double
rate_of(const struct test_run *t, bool rewrote)
{
	double rows = 0, ms = 0;

	for (size_t i = 0; i < t->evidence->n; i++)
		for (size_t k = 0; k < t->evidence->v[i].n_throughput; k++) {
			const struct run_throughput *m = &t->evidence->v[i].throughput[k];

			/* a time that rounded to 0 measured nothing */
			if (m->rewrote == rewrote && m->ms > 0) {
				rows += (double)m->rows;
				ms += m->ms;
			}
		}
	return ms > 0 ? rows * 1000 / ms : 0;
}

bool
review_throughput(const struct review *rv, struct review_throughput *out)
{
	const struct test_run *newest = NULL;

	*out = (struct review_throughput){ 0 };
	for (size_t i = 0; i < rv->n_runs; i++)
		if (measured(&rv->runs[i]) &&
		    (!newest || strcmp(rv->runs[i].timestamp, newest->timestamp) > 0))
			newest = &rv->runs[i];
	if (!newest)
		return false;
	*out = (struct review_throughput){ rate_of(newest, true), rate_of(newest, false), newest };
	return true;
}

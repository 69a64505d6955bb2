/*
 * The runner's evidence lines (see uptest.py and uptest.h), read as what
 * they are: text printed by a process that runs the project's code.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/uptest.h"

#define NAME_MAX_BYTES 256      /* a relation's or a file's name */
#define NOTES_MAX 20
#define FILL_LIST_MAX 200       /* tables named filled or skipped */

/* Why a line is not evidence: set once, the line is then ignored. */
struct parse {
	const char *why;
};

/* A string member as a new UTF-8 string of at most max bytes, or NULL (p->why set). */
static char *
text(struct parse *p, json_t *obj, const char *key, size_t max)
{
	const char *s = json_string_value(json_object_get(obj, key));
	char *out;

	if (!s) {
		if (!p->why)
			p->why = "a member is missing or not a string";
		return NULL;
	}
	out = mr_utf8_cut(s, max);
	if (!out && !p->why)
		p->why = "out of memory";
	return out;
}

static double
number(struct parse *p, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	double d = json_number_value(v);

	if (!json_is_number(v) || !isfinite(d) || d < 0 || d > 1e12) {
		if (!p->why)
			p->why = "a duration is missing or out of range";
		return 0;
	}
	return d;
}

static long
line_of(struct parse *p, json_t *obj)
{
	json_t *v = json_object_get(obj, "line");

	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000000) {
		if (!p->why)
			p->why = "a line number is missing or out of range";
		return 0;
	}
	return (long)json_integer_value(v);
}

static char
relkind(struct parse *p, json_t *obj)
{
	char k = pg_relkind(json_string_value(json_object_get(obj, "relkind")));

	if (!k) {
		if (!p->why)
			p->why = "a relkind is not one of pg_class's";
		return '?';
	}
	return k;
}

static struct uptest_step *
step_of(struct uptest_evidence *ev, const char *name)
{
	for (size_t i = 0; i < ev->n; i++)
		if (!strcmp(ev->v[i].step, name))
			return &ev->v[i];
	if (mr_grow(&ev->v, &ev->cap, ev->n + 1, sizeof(*ev->v)) < 0)
		return NULL;
	ev->v[ev->n] = (struct uptest_step){ .step = mr_strdup(name) };
	return ev->v[ev->n].step ? &ev->v[ev->n++] : NULL;
}

/* Room for one more of a step's list, or 0 when it is full (counted as dropped). */
static int
room(struct uptest_evidence *ev, void *v, size_t *cap, size_t n, size_t elem)
{
	if (n >= UPTEST_EVIDENCE_MAX) {
		ev->dropped++;
		return 0;
	}
	return mr_grow(v, cap, n + 1, elem) < 0 ? -1 : 1;
}

static void
rewrite_free(struct uptest_rewrite *r)
{
	free(r->relation);
	free(r->file);
}

static void
lock_free(struct uptest_lock *l)
{
	free(l->relation);
	free(l->file);
}

static void
statement_free(struct uptest_statement *s)
{
	free(s->sql);
	free(s->file);
	free(s->table);
}

/* A count of rows the runner gave under key, or -1 when there is none that reads. */
static long long
count_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) && json_integer_value(v) >= 0 &&
	       json_integer_value(v) <= 1000000000000LL ? json_integer_value(v) : -1;
}

/* What the runner left out of a list to keep its line short: counted as dropped. */
static void
add_more(struct uptest_evidence *ev, json_t *obj)
{
	json_t *more = json_object_get(obj, "more");

	if (json_is_integer(more) && json_integer_value(more) > 0 &&
	    json_integer_value(more) < 1000000000)
		ev->dropped += (size_t)json_integer_value(more);
}

/*
 * The rewrites of a statement, once the statement itself has read (the
 * step's last); a bad one sets p->why.
 */
static int
add_rewrites(struct uptest_evidence *ev, struct uptest_step *s, json_t *list,
	     const struct uptest_statement *by, struct parse *p)
{
	size_t i;
	json_t *one;

	json_array_foreach(list, i, one) {
		struct parse q = { 0 };
		struct uptest_rewrite r = { .relation = text(&q, one, "relation", NAME_MAX_BYTES),
					    .relkind = relkind(&q, one), .line = by->line,
					    .file = mr_strdup(by->file), .ms = by->ms,
					    .table_rows = count_of(one, "table_rows"),
					    .statement = s->n_statements - 1 };
		int ok = 0;

		if (!r.file) {
			rewrite_free(&r);
			return -1;
		}
		if (!q.why)
			ok = room(ev, &s->rewrites, &s->cap_rewrites, s->n_rewrites, sizeof(r));
		if (ok > 0)
			s->rewrites[s->n_rewrites++] = r;
		else
			rewrite_free(&r);
		if (ok < 0)
			return -1;
		if (q.why && !p->why)
			p->why = q.why;
	}
	return 0;
}

static int
add_statement(struct uptest_evidence *ev, struct uptest_step *s, json_t *obj, struct parse *p)
{
	json_t *rows = json_object_get(obj, "rows"), *auto_ = json_object_get(obj, "autocommit");
	json_t *rewrote = json_object_get(obj, "rewrote");
	struct uptest_statement st = {
		.sql = text(p, obj, "sql", UPTEST_SQL_MAX),
		.file = text(p, obj, "file", NAME_MAX_BYTES),
		.line = line_of(p, obj),
		.ms = number(p, obj, "ms"),
		.rows = json_is_integer(rows) && json_integer_value(rows) >= -1 ?
			json_integer_value(rows) : -1,
		.autocommit = json_is_true(auto_),
		.failed = json_is_true(json_object_get(obj, "failed")),
		.table_rows = count_of(obj, "table_rows"),
	};
	int ok;

	if (json_object_get(obj, "table") && !(st.table = text(p, obj, "table", NAME_MAX_BYTES)))
		st.table_rows = -1;

	if (!json_is_boolean(auto_) || (rewrote && !json_is_array(rewrote)) || !json_is_integer(rows))
		p->why = p->why ? p->why : "a statement's rows, autocommit or rewrote is malformed";
	if (p->why) {
		statement_free(&st);
		return 0;
	}
	ok = room(ev, &s->statements, &s->cap_statements, s->n_statements, sizeof(st));
	if (ok <= 0) {
		statement_free(&st);
		return ok;
	}
	s->statements[s->n_statements++] = st;
	add_more(ev, obj);
	return rewrote ? add_rewrites(ev, s, rewrote, &st, p) : 0;
}

/*
 * How many statements of the transaction that just ended (s->tx_first on)
 * ran after the first one at l's line: the runner says a transaction's
 * locks after its statements.
 */
static long
statements_after(const struct uptest_step *s, const struct uptest_lock *l)
{
	for (size_t i = s->tx_first; i < s->n_statements; i++)
		if (s->statements[i].line == l->line && !strcmp(s->statements[i].file, l->file))
			return (long)(s->n_statements - i - 1);
	return 0;
}

static const char *const ends[] = { "commit", "rollback", "autocommit", "open" };

static int
add_transaction(struct uptest_evidence *ev, struct uptest_step *s, json_t *obj, struct parse *p)
{
	const char *end = json_string_value(json_object_get(obj, "end")), *until = NULL;
	json_t *locks = json_object_get(obj, "locks"), *one;
	size_t i;

	for (size_t k = 0; end && k < sizeof(ends) / sizeof(*ends); k++)
		if (!strcmp(end, ends[k]))
			until = ends[k];
	if (!until || !json_is_array(locks)) {
		p->why = "a transaction's end or locks is malformed";
		return 0;
	}
	add_more(ev, obj);
	json_array_foreach(locks, i, one) {
		struct parse q = { 0 };
		struct uptest_lock l = {
			.relation = text(&q, one, "relation", NAME_MAX_BYTES),
			.relkind = relkind(&q, one),
			.mode = pglock_from_pg(json_string_value(json_object_get(one, "mode"))),
			.held_ms = number(&q, one, "held_ms"),
			.until = until,
			.file = text(&q, one, "file", NAME_MAX_BYTES),
			.line = line_of(&q, one),
			.created = json_is_true(json_object_get(one, "created")),
			.dropped = json_is_true(json_object_get(one, "dropped")),
		};
		int ok = 0;

		/* a lock mode of no table (SIReadLock) is not for this table */
		if (!q.why && l.mode == PG_LOCK_MODES)
			q.why = "a lock mode is not a table lock mode";
		if (!q.why)
			l.after = statements_after(s, &l);
		if (!q.why)
			ok = room(ev, &s->locks, &s->cap_locks, s->n_locks, sizeof(l));
		if (ok > 0)
			s->locks[s->n_locks++] = l;
		else
			lock_free(&l);
		if (ok < 0)
			return -1;
		if (q.why && !p->why)
			p->why = q.why;
	}
	s->tx_first = s->n_statements;
	return 0;
}

/*
 * {"kind": "fill", "rows": N, "ms": MS, "tables": [NAME...], "skipped":
 * [{"table": NAME, "why": TEXT}], "more": N}: what --rows put in the tables
 * before the upgrade.  Lists are capped as the runner caps them.
 */
static int
add_fill(struct uptest_evidence *ev, json_t *obj, struct parse *p)
{
	struct uptest_fill *f = &ev->fill;
	json_t *tables = json_object_get(obj, "tables"), *skipped = json_object_get(obj, "skipped");
	json_t *one;
	size_t i;

	if (f->done || count_of(obj, "rows") < 0 || !json_is_array(tables) || !json_is_array(skipped)) {
		p->why = "a fill is malformed or said twice";
		return 0;
	}
	f->done = true;
	f->rows = count_of(obj, "rows");
	f->ms = number(p, obj, "ms");
	f->more = count_of(obj, "more") > 0 ? (size_t)count_of(obj, "more") : 0;
	json_array_foreach(tables, i, one) {
		json_t *wrapped = json_pack("{sO}", "table", one);
		char *name = wrapped && i < FILL_LIST_MAX ? text(p, wrapped, "table", NAME_MAX_BYTES) : NULL;

		json_decref(wrapped);
		if (i >= FILL_LIST_MAX)
			f->more++;
		else if (!name || strvec_push_owned(&f->tables, name) < 0)
			return name ? -1 : 0;
	}
	json_array_foreach(skipped, i, one) {
		struct uptest_skipped sk = { .table = text(p, one, "table", NAME_MAX_BYTES),
					     .why = text(p, one, "why", UPTEST_SQL_MAX) };

		if (sk.table && sk.why && i < FILL_LIST_MAX &&
		    mr_grow(&f->skipped, &f->cap_skipped, f->n_skipped + 1, sizeof(sk)) == 0) {
			f->skipped[f->n_skipped++] = sk;
			continue;
		}
		free(sk.table);
		free(sk.why);
		if (i >= FILL_LIST_MAX)
			f->more++;
		else if (!p->why)
			return -1;
	}
	return 0;
}

static int
ignore(struct uptest_evidence *ev, const char *why)
{
	if (!ev->ignored++ && !(ev->first_ignored = mr_strdup(why)))
		return -1;
	return 0;
}

int
uptest_evidence_add(struct uptest_evidence *ev, const char *step, const char *json)
{
	json_t *obj;
	const char *kind;
	struct parse p = { 0 };
	struct uptest_step *s = NULL;
	bool known = false;
	int rc = 0;

	for (size_t k = 0; step && k < RUN_STEPS; k++)
		known |= !strcmp(step, run_step_names[k]);
	if (!known || !json)
		return ignore(ev, "not a step of the run");
	obj = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
	kind = json_string_value(json_object_get(obj, "kind"));
	if (!json_is_object(obj) || !kind) {
		json_decref(obj);
		return ignore(ev, "not a JSON object with a kind");
	}
	if (!strcmp(kind, "note")) {
		char *note = text(&p, obj, "text", UPTEST_SQL_MAX);

		if (note && ev->notes.n < NOTES_MAX)
			rc = strvec_push_owned(&ev->notes, note);
		else
			free(note);
	} else if (!strcmp(kind, "fill") && !strcmp(step, "upgrade")) {
		rc = add_fill(ev, obj, &p);
	} else if (!strcmp(kind, "statement") || !strcmp(kind, "transaction")) {
		s = step_of(ev, step);
		if (!s)
			rc = -1;
		else if (!strcmp(kind, "statement"))
			rc = add_statement(ev, s, obj, &p);
		else
			rc = add_transaction(ev, s, obj, &p);
	} else {
		p.why = "an unknown kind";
	}
	json_decref(obj);
	if (rc == 0 && p.why)
		rc = ignore(ev, p.why);
	return rc;
}

/* Whether a is a stronger lock than b: the mode, then the time held. */
static bool
stronger(const struct uptest_lock *a, const struct uptest_lock *b)
{
	return a->mode != b->mode ? a->mode > b->mode : a->held_ms > b->held_ms;
}

static int
by_strength(const void *a, const void *b)
{
	const struct uptest_lock *x = *(const struct uptest_lock *const *)a;
	const struct uptest_lock *y = *(const struct uptest_lock *const *)b;

	if (x->mode != y->mode)
		return x->mode > y->mode ? -1 : 1;
	return strcmp(x->relation, y->relation);
}

const struct uptest_lock **
uptest_strongest_locks(const struct uptest_step *s, size_t *n)
{
	const struct uptest_lock **out = calloc(s->n_locks + 1, sizeof(*out));

	*n = 0;
	for (size_t i = 0; out && i < s->n_locks; i++) {
		const struct uptest_lock *l = &s->locks[i];
		size_t k = 0;

		if (l->created)
			continue;
		while (k < *n && strcmp(out[k]->relation, l->relation))
			k++;
		if (k == *n)
			out[(*n)++] = l;
		else if (stronger(l, out[k]))
			out[k] = l;
	}
	if (!out) {
		*n = s->n_locks;
		return NULL;
	}
	qsort(out, *n, sizeof(*out), by_strength);
	if (!*n) {
		free(out);
		return NULL;
	}
	return out;
}

/* Milliseconds to a tenth, as the review file keeps them. */
static double
tenth(double ms)
{
	/* at most 1e12 (uptest_evidence_add): fits; no libm for round() */
	return (double)(long long)(ms * 10 + 0.5) / 10;
}

static long
line_in(const char *file, long line, const char *script)
{
	return file && !strcmp(file, script) ? line : 0;
}

/* Whether relation is one a lock of s says its transaction created. */
static bool
created_in(const struct uptest_step *s, const char *relation)
{
	for (size_t i = 0; i < s->n_locks; i++)
		if (s->locks[i].created && !strcmp(s->locks[i].relation, relation))
			return true;
	return false;
}

/* Keeps st among the slowest of out, slowest first. */
static void
keep_slowest(struct run_step *out, const struct uptest_statement *st, const char *script)
{
	size_t at = out->n_slowest;

	while (at > 0 && out->slowest[at - 1].ms < st->ms)
		at--;
	if (at >= REVIEW_EVIDENCE_SLOWEST)
		return;
	if (out->n_slowest < REVIEW_EVIDENCE_SLOWEST)
		out->n_slowest++;
	memmove(&out->slowest[at + 1], &out->slowest[at],
		(out->n_slowest - at - 1) * sizeof(*out->slowest));
	out->slowest[at] = (struct run_slow){ line_in(st->file, st->line, script), tenth(st->ms) };
}

static int
by_mode_then_time(const void *a, const void *b)
{
	const struct uptest_lock *x = *(const struct uptest_lock *const *)a;
	const struct uptest_lock *y = *(const struct uptest_lock *const *)b;

	if (x->mode != y->mode)
		return x->mode > y->mode ? -1 : 1;
	return (x->held_ms < y->held_ms) - (x->held_ms > y->held_ms);
}

/*
 * The strongest lock each line took on each table that existed before and
 * after, strongest first (*n of them; NULL when none or memory ran out): per
 * line, not only per relation, so that what a static finding on a line
 * predicted is compared with what that line took.  A table its transaction
 * created or dropped is left out: no running traffic used it before, or
 * can use it after, so its lock is no risk to keep (a downgrade's DROP TABLE
 * holding ACCESS EXCLUSIVE on the table until commit is what dropping is).
 */
static const struct uptest_lock **
locks_by_line(const struct uptest_step *s, size_t *n)
{
	const struct uptest_lock **out = calloc(s->n_locks + 1, sizeof(*out));

	*n = 0;
	for (size_t i = 0; out && i < s->n_locks; i++) {
		const struct uptest_lock *l = &s->locks[i];
		size_t k = 0;

		/* a table's; an index's goes with its table's (DROP INDEX, DROP TABLE) */
		if (l->created || l->dropped || !strchr("rpmf", l->relkind))
			continue;
		while (k < *n && (out[k]->line != l->line || strcmp(out[k]->relation, l->relation) ||
				  strcmp(out[k]->file, l->file)))
			k++;
		if (k == *n)
			out[(*n)++] = l;
		else if (stronger(l, out[k]))
			out[k] = l;
	}
	if (out)
		qsort(out, *n, sizeof(*out), by_mode_then_time);
	return out;
}

/*
 * The rows of the filled tables statement i of s rewrote, the first named
 * in *relation; -1 when it rewrote none (indexes have no rows counted).
 */
static long long
rewritten_rows(const struct uptest_step *s, size_t i, const char **relation)
{
	long long rows = -1;

	for (size_t k = 0; k < s->n_rewrites; k++) {
		const struct uptest_rewrite *r = &s->rewrites[k];

		if (r->statement != i || r->table_rows < 0)
			continue;
		if (rows < 0)
			*relation = r->relation;
		rows = (rows < 0 ? 0 : rows) + r->table_rows;
	}
	return rows;
}

/*
 * With --rows, each statement that rewrote a filled table, or scanned one
 * slowly (the runner names the table then): its rows and duration, the
 * rate a forecast scales a production table's size by.  -1 when memory ran
 * out.
 */
static int
keep_throughput(const struct uptest_step *s, const char *script, struct run_step *out)
{
	for (size_t i = 0; i < s->n_statements && out->n_throughput < REVIEW_EVIDENCE_LIST; i++) {
		const struct uptest_statement *st = &s->statements[i];
		const char *relation = st->table;
		long long rows = rewritten_rows(s, i, &relation);
		struct run_throughput *t;

		if (rows < 0 && (!st->table || st->table_rows < 0))
			continue;
		t = &out->throughput[out->n_throughput++];
		*t = (struct run_throughput){ mr_strdup(relation), line_in(st->file, st->line, script),
					      rows >= 0 ? rows : st->table_rows, tenth(st->ms),
					      rows >= 0 };
		if (!t->relation)
			return -1;
	}
	return 0;
}

/* Fills out (zeroed) from s; -1 when memory ran out (out is then partly filled). */
static int
summarise_step(const struct uptest_step *s, const char *script, struct run_step *out)
{
	size_t n = 0;
	const struct uptest_lock **locks = locks_by_line(s, &n);
	bool ok = locks && (out->step = mr_strdup(s->step));

	for (size_t i = 0; ok && i < n && out->n_locks < REVIEW_EVIDENCE_LIST; i++) {
		struct run_lock *l = &out->locks[out->n_locks++];

		*l = (struct run_lock){ mr_strdup(locks[i]->relation), locks[i]->mode,
					tenth(locks[i]->held_ms),
					line_in(locks[i]->file, locks[i]->line, script),
					locks[i]->after };
		ok = l->relation != NULL;
	}
	free(locks);
	for (size_t i = 0; ok && i < s->n_rewrites && out->n_rewrites < REVIEW_EVIDENCE_LIST; i++) {
		const struct uptest_rewrite *r = &s->rewrites[i];
		struct run_rewrite *w = &out->rewrites[out->n_rewrites];

		if (created_in(s, r->relation))
			continue;
		*w = (struct run_rewrite){ mr_strdup(r->relation), r->relkind,
					   line_in(r->file, r->line, script) };
		out->n_rewrites++;
		ok = w->relation != NULL;
	}
	for (size_t i = 0; ok && i < s->n_statements; i++)
		keep_slowest(out, &s->statements[i], script);
	return ok && keep_throughput(s, script, out) == 0 ? 0 : -1;
}

int
uptest_evidence_summary(const struct uptest_evidence *ev, const char *script,
			struct run_evidence **out)
{
	struct run_evidence *e;
	int rc = 0;

	*out = NULL;
	if (!ev->n)
		return 0;
	if (!(e = calloc(1, sizeof(*e))) || !(e->v = calloc(RUN_STEPS, sizeof(*e->v)))) {
		free(e);
		return -1;
	}
	for (size_t i = 0; i < ev->n && e->n < RUN_STEPS && rc == 0; i++)
		rc = summarise_step(&ev->v[i], script, &e->v[e->n++]);
	if (rc < 0)
		run_evidence_free(e);
	else
		*out = e;
	return rc;
}

void
uptest_evidence_free(struct uptest_evidence *ev)
{
	for (size_t i = 0; i < ev->n; i++) {
		struct uptest_step *s = &ev->v[i];

		for (size_t k = 0; k < s->n_statements; k++)
			statement_free(&s->statements[k]);
		for (size_t k = 0; k < s->n_locks; k++)
			lock_free(&s->locks[k]);
		for (size_t k = 0; k < s->n_rewrites; k++)
			rewrite_free(&s->rewrites[k]);
		free(s->statements);
		free(s->locks);
		free(s->rewrites);
		free(s->step);
	}
	free(ev->v);
	strvec_free(&ev->notes);
	strvec_free(&ev->fill.tables);
	for (size_t i = 0; i < ev->fill.n_skipped; i++) {
		free(ev->fill.skipped[i].table);
		free(ev->fill.skipped[i].why);
	}
	free(ev->fill.skipped);
	free(ev->first_ignored);
	memset(ev, 0, sizeof(*ev));
}

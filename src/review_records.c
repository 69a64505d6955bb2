/*
 * The review file's records in memory: decisions and test runs, kept sorted
 * by (revision, key) with the newest per key.  review.c reads and writes the
 * file; this is what both merge into.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/util.h"
#include "review_int.h"

static const char *const status_names[] = {
	[DECISION_CLEARED] = "cleared",
	[DECISION_ACCEPTED] = "accepted",
	[DECISION_WAIVED] = "waived",
	[DECISION_BLOCKED] = "blocked",
};

const char *
decision_status_name(enum decision_status s)
{
	return status_names[s];
}

void
decision_free(struct decision *d)
{
	free(d->revision);
	free(d->item);
	free(d->reason);
	free(d->reviewer);
	free(d->timestamp);
	free(d->blob);
	free(d->sig);
	free(d->seen);
	memset(d, 0, sizeof(*d));
}

int
decision_copy(struct decision *to, const struct decision *from)
{
	*to = (struct decision){
		.revision = mr_strdup(from->revision),
		.item = mr_strdup(from->item),
		.status = from->status,
		.reason = from->reason ? mr_strdup(from->reason) : NULL,
		.reviewer = mr_strdup(from->reviewer),
		.timestamp = mr_strdup(from->timestamp),
		.blob = mr_strdup(from->blob),
		.sig = from->sig ? mr_strdup(from->sig) : NULL,
		.seen = from->seen ? mr_strdup(from->seen) : NULL,
	};
	if (!to->revision || !to->item || !to->reviewer || !to->timestamp || !to->blob ||
	    (from->reason && !to->reason) || (from->sig && !to->sig) ||
	    (from->seen && !to->seen)) {
		decision_free(to);
		return -1;
	}
	return 0;
}

void
run_free(struct test_run *t)
{
	free(t->revision);
	free(t->database);
	free(t->step);
	free(t->error);
	free(t->runner);
	free(t->timestamp);
	free(t->blob);
	free(t->alembic);
	free(t->log);
	run_evidence_free(t->evidence);
	run_models_free(t->models);
	memset(t, 0, sizeof(*t));
}

int
run_copy(struct test_run *to, const struct test_run *from)
{
	*to = (struct test_run){
		.revision = mr_strdup(from->revision),
		.database = mr_strdup(from->database),
		.outcome = from->outcome,
		.step = from->step ? mr_strdup(from->step) : NULL,
		.error = from->error ? mr_strdup(from->error) : NULL,
		.runner = mr_strdup(from->runner),
		.timestamp = mr_strdup(from->timestamp),
		.blob = mr_strdup(from->blob),
		.alembic = mr_strdup(from->alembic),
		.log = mr_strdup(from->log ? from->log : ""),
		.evidence = run_evidence_copy(from->evidence),
		.models = run_models_copy(from->models),
	};
	if (!to->revision || !to->database || !to->runner || !to->timestamp || !to->blob ||
	    !to->alembic || !to->log || (from->step && !to->step) ||
	    (from->error && !to->error) || (from->evidence && !to->evidence) ||
	    (from->models && !to->models)) {
		run_free(to);
		return -1;
	}
	return 0;
}

/*
 * Decisions and test runs are both kept in arrays sorted by (revision, key),
 * one record per key, the newest by timestamp winning.  A shelf describes
 * such an array: each record starts with its revision, and key and
 * timestamp are strings at the given offsets.
 */
struct shelf {
	void *v;                /* points to the array pointer (struct decision **, ...) */
	size_t *n, *cap;
	size_t size, key_off, ts_off;
	void (*release)(void *);
};

static void release_decision(void *d) { decision_free(d); }
static void release_run(void *t) { run_free(t); }

static struct shelf
decisions_of(struct review *rv)
{
	return (struct shelf){ &rv->v, &rv->n, &rv->cap, sizeof(struct decision),
			       offsetof(struct decision, item),
			       offsetof(struct decision, timestamp), release_decision };
}

static struct shelf
runs_of(struct review *rv)
{
	return (struct shelf){ &rv->runs, &rv->n_runs, &rv->cap_runs, sizeof(struct test_run),
			       offsetof(struct test_run, database),
			       offsetof(struct test_run, timestamp), release_run };
}

static char *
string_at(const void *rec, size_t off)
{
	char *str;

	memcpy(&str, (const char *)rec + off, sizeof(str));
	return str;
}

static char *
record(const struct shelf *s, size_t i)
{
	char *base;

	memcpy(&base, s->v, sizeof(base));
	return base + i * s->size;
}

/* rec's (revision, key) against revision and key, as strcmp orders them. */
static int
key_cmp(const struct shelf *s, const void *rec, const char *revision, const char *key)
{
	int c = strcmp(string_at(rec, 0), revision);

	return c ? c : strcmp(string_at(rec, s->key_off), key);
}

/* Index of the record on (revision, key), or where it would go (*found false). */
static size_t
locate(const struct shelf *s, const char *revision, const char *key, bool *found)
{
	size_t lo = 0, hi = *s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = key_cmp(s, record(s, mid), revision, key);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/*
 * Puts a record in (taking its strings) unless the one there is newer; on
 * a tie the newcomer wins, as a later line of the file does.
 */
static int
merge_in(const struct shelf *s, void *rec)
{
	bool found;
	size_t i = locate(s, string_at(rec, 0), string_at(rec, s->key_off), &found);
	char *at;

	if (found) {
		at = record(s, i);
		if (strcmp(string_at(at, s->ts_off), string_at(rec, s->ts_off)) > 0) {
			s->release(rec);
			return 0;
		}
		s->release(at);
		memcpy(at, rec, s->size);
		return 0;
	}
	if (mr_grow(s->v, s->cap, *s->n + 1, s->size) < 0)
		return -1;
	at = record(s, i);
	memmove(at + s->size, at, (*s->n - i) * s->size);
	memcpy(at, rec, s->size);
	(*s->n)++;
	return 0;
}

int
records_put_decision(struct review *rv, struct decision *d)
{
	struct shelf s = decisions_of(rv);

	if (merge_in(&s, d) < 0) {
		decision_free(d);
		return -1;
	}
	return 0;
}

int
decision_status_parse(const char *s)
{
	for (size_t i = 0; i < MR_ARRAY_SIZE(status_names); i++)
		if (!strcmp(s, status_names[i]))
			return (int)i;
	return -1;
}

/* Adds a record at the end, unsorted (taking its strings); records_settle() sorts. */
static int
append(const struct shelf *s, void *rec)
{
	if (mr_grow(s->v, s->cap, *s->n + 1, s->size) < 0)
		return -1;
	memcpy(record(s, (*s->n)++), rec, s->size);
	return 0;
}

int
records_append_decision(struct review *rv, struct decision *d)
{
	struct shelf s = decisions_of(rv);

	if (append(&s, d) < 0) {
		decision_free(d);
		return -1;
	}
	return 0;
}

int
records_append_run(struct review *rv, struct test_run *t)
{
	struct shelf s = runs_of(rv);

	if (append(&s, t) < 0) {
		run_free(t);
		return -1;
	}
	return 0;
}

/* Orders positions by key, then timestamp, then position: the last of a key wins. */
static int
position_cmp(const void *a, const void *b, void *arg)
{
	const struct shelf *s = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const char *x = record(s, i), *y = record(s, j);
	int c = key_cmp(s, x, string_at(y, 0), string_at(y, s->key_off));

	if (!c)
		c = strcmp(string_at(x, s->ts_off), string_at(y, s->ts_off));
	return c ? c : (i > j) - (i < j);
}

/*
 * Sorts a shelf and keeps the newest record per key (of equal timestamps,
 * the one added last, as a later line of the file): O(n log n) however the
 * records came, shuffled by a union merge included.
 */
static int
settle(const struct shelf *s)
{
	size_t n = *s->n, kept = 0;
	size_t *order;
	char *sorted;

	if (n == 0)
		return 0;       /* nothing to sort, and maybe no array yet */
	order = malloc(n * sizeof(*order));
	sorted = malloc(n * s->size);
	if (!order || !sorted) {
		free(order);
		free(sorted);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), position_cmp, (void *)s);
	for (size_t k = 0; k < n; k++) {
		char *rec = record(s, order[k]), *next = k + 1 < n ? record(s, order[k + 1]) : NULL;
		bool last = !next || key_cmp(s, rec, string_at(next, 0), string_at(next, s->key_off));

		if (last)
			memcpy(sorted + kept++ * s->size, rec, s->size);
		else
			s->release(rec);
	}
	memcpy(record(s, 0), sorted, kept * s->size);
	*s->n = kept;
	free(order);
	free(sorted);
	return 0;
}

int
records_settle(struct review *rv)
{
	struct shelf d = decisions_of(rv), r = runs_of(rv);

	return settle(&d) < 0 || settle(&r) < 0 ? -1 : 0;
}

/* Copies every record of from into to (newest wins; from's on a tie). */
int
records_merge(struct review *to, const struct review *from)
{
	for (size_t i = 0; i < from->n; i++) {
		struct decision copy;

		if (decision_copy(&copy, &from->v[i]) < 0 || records_append_decision(to, &copy) < 0)
			return -1;
	}
	for (size_t i = 0; i < from->n_runs; i++) {
		struct test_run copy;

		if (run_copy(&copy, &from->runs[i]) < 0 || records_append_run(to, &copy) < 0)
			return -1;
	}
	return records_settle(to);
}

const struct decision *
review_find(const struct review *rv, const char *revision, const char *item)
{
	struct shelf s = decisions_of((struct review *)rv);
	bool found;
	size_t i = locate(&s, revision, item, &found);

	return found ? &rv->v[i] : NULL;
}

const struct test_run *
review_runs(const struct review *rv, const char *revision, size_t *n)
{
	struct shelf s = runs_of((struct review *)rv);
	bool found;
	size_t i = locate(&s, revision, "", &found), end = i;

	while (end < rv->n_runs && !strcmp(rv->runs[end].revision, revision))
		end++;
	*n = end - i;
	/* a review without runs has no array to point into */
	return rv->runs ? rv->runs + i : NULL;
}

const struct test_run *
review_find_run(const struct review *rv, const char *revision, const char *database)
{
	struct shelf s = runs_of((struct review *)rv);
	bool found;
	size_t i = locate(&s, revision, database, &found);

	return found ? &rv->runs[i] : NULL;
}

static const char *const outcome_names[] = { [TEST_PASSED] = "passed", [TEST_FAILED] = "failed" };

const char *
test_outcome_name(enum test_outcome o)
{
	return outcome_names[o];
}

void
records_clear(struct review *rv)
{
	for (size_t i = 0; i < rv->n; i++)
		decision_free(&rv->v[i]);
	rv->n = 0;
	for (size_t i = 0; i < rv->n_runs; i++)
		run_free(&rv->runs[i]);
	rv->n_runs = 0;
}

void
records_free(struct review *rv)
{
	records_clear(rv);
	free(rv->v);
	free(rv->runs);
	rv->v = NULL;
	rv->runs = NULL;
	rv->cap = rv->cap_runs = 0;
}

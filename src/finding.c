/* Findings: rule, severity, place and message. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/finding.h"
#include "migreview/util.h"

/*
 * The texts of a set of findings, one after another in blocks: a project's
 * forty thousand messages in a few hundred allocations, not one each, and
 * side by side in the order they were made (as they are read).
 */
struct text_block {
	struct text_block *prev;
	size_t used, size;
	char text[];
};

#define TEXT_BLOCK_SIZE (64 * 1024 - sizeof(struct text_block))

/* Room for len bytes in fs's newest block, or a new one; NULL when memory runs out. */
static char *
text_room(struct findings *fs, size_t len)
{
	struct text_block *b = fs->texts;

	if (!b || b->size - b->used < len) {
		size_t size = len > TEXT_BLOCK_SIZE ? len : TEXT_BLOCK_SIZE;

		if (!(b = malloc(sizeof(*b) + size)))
			return NULL;
		*b = (struct text_block){ fs->texts, 0, size };
		fs->texts = b;
	}
	b->used += len;
	return b->text + b->used - len;
}

/* The one copy of s that fs keeps, or NULL when memory runs out. */
static const char *
intern(struct findings *fs, const char *s)
{
	const char *kept = strmap_key(&fs->text_at, s);
	size_t len;
	char *copy;

	if (kept)
		return kept;
	len = strlen(s) + 1;
	if (!(copy = text_room(fs, len)))
		return NULL;
	memcpy(copy, s, len);
	/* a copy the map could not take stays in its block, unused, until the findings go */
	return strmap_put(&fs->text_at, copy, 0) < 0 ? NULL : copy;
}

const char *
findings_text(struct findings *fs, const char *s)
{
	return intern(fs, s);
}

int
findings_addv(struct findings *fs, enum rule_id rule, enum severity sev,
	      const char *path, unsigned line, unsigned col, size_t revision,
	      const char *fmt, va_list ap)
{
	struct finding *f;
	char buf[512], *long_msg = NULL;
	const char *msg = buf;
	va_list again;
	int len;

	if (mr_grow(&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v)) < 0)
		return -1;
	va_copy(again, ap);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (len >= (int)sizeof(buf) && vasprintf(&long_msg, fmt, again) < 0)
		len = -1;
	va_end(again);
	if (len < 0)
		return -1;
	if (long_msg)
		msg = long_msg;
	if (!path)
		path = "";
	/* a migration's findings come together: most have the path of the one before */
	if (fs->n && !strcmp(fs->v[fs->n - 1].path, path))
		path = fs->v[fs->n - 1].path;
	else
		path = intern(fs, path);
	f = &fs->v[fs->n];
	*f = (struct finding){ &rules[rule], sev, path, line, col, intern(fs, msg), revision,
			       NULL, NULL, 0 };
	free(long_msg);
	if (!f->path || !f->message)
		return -1;
	fs->n++;
	return 0;
}

int
findings_note(struct findings *fs, size_t i, const char *note)
{
	struct finding *f = &fs->v[i];
	char *both = mr_printf("%s; %s", f->message, note);
	const char *kept = both ? intern(fs, both) : NULL;

	free(both);
	if (!kept)
		return -1;
	if (!f->plain)
		f->plain = f->message;
	f->message = kept;
	return 0;
}

int
findings_tag(struct findings *fs, size_t i, const char *table)
{
	return (fs->v[i].table = intern(fs, table)) ? 0 : -1;
}

void
findings_unnote(struct findings *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].plain) {
			fs->v[i].message = fs->v[i].plain;
			fs->v[i].plain = NULL;
			fs->v[i].forecast = 0;
		}
}

int
findings_add(struct findings *fs, enum rule_id rule, enum severity sev,
	     const char *path, unsigned line, unsigned col, size_t revision,
	     const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = findings_addv(fs, rule, sev, path, line, col, revision, fmt, ap);
	va_end(ap);
	return rc;
}

/* Where x goes against y: by revision, line and column. */
static int
place_cmp(const struct finding *x, const struct finding *y)
{
	if (x->revision != y->revision)
		return x->revision < y->revision ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/* Positions in one array (arg): by place, then insertion order. */
static int
finding_cmp(const void *a, const void *b, void *arg)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = place_cmp((const struct finding *)arg + i, (const struct finding *)arg + j);

	return c ? c : i < j ? -1 : i > j;
}

/* A revision's counting slot: the findings with no revision (revs) go last. */
static size_t
slot_of(size_t revision, size_t revs)
{
	return revision == FINDING_NO_REVISION ? revs : revision;
}

static bool
in_order(const struct finding *v, const size_t *order, size_t n)
{
	for (size_t k = 1; k < n; k++)
		if (place_cmp(&v[order[k - 1]], &v[order[k]]) > 0)
			return false;
	return true;
}

/*
 * order[] = the positions from .. from + n of v as finding_cmp() sorts
 * them: a counting sort by revision, which keeps the order they were made
 * in, then each revision's own by line and column where they are not in
 * order yet (the analysis makes a revision's findings together, nearly in
 * order).  -1 when memory runs out.
 */
static int
sort_positions(const struct finding *v, size_t from, size_t n, size_t *order)
{
	size_t revs = 0, *end;

	for (size_t i = from; i < from + n; i++)
		if (v[i].revision != FINDING_NO_REVISION && v[i].revision >= revs)
			revs = v[i].revision + 1;
	/* revisions index a graph: numbers far sparser than that are sorted the usual way */
	if (revs > 2 * n + 4096) {
		for (size_t i = 0; i < n; i++)
			order[i] = from + i;
		qsort_r(order, n, sizeof(*order), finding_cmp, (void *)v);
		return 0;
	}
	if (!(end = calloc(revs + 2, sizeof(*end))))
		return -1;
	for (size_t i = from; i < from + n; i++)
		end[slot_of(v[i].revision, revs) + 1]++;
	for (size_t r = 0; r <= revs; r++)
		end[r + 1] += end[r];
	/* each slot's positions in order: end[r] moves from its start to its end */
	for (size_t i = from; i < from + n; i++)
		order[end[slot_of(v[i].revision, revs)]++] = i;
	for (size_t r = 0, start = 0; r <= revs; start = end[r++])
		if (!in_order(v, order + start, end[r] - start))
			qsort_r(order + start, end[r] - start, sizeof(*order), finding_cmp, (void *)v);
	free(end);
	return 0;
}

/*
 * v[0 .. head) is in order, and rest[] (n_rest positions from head on)
 * says the order of the findings after it: those are set aside and merged
 * in from the end, each finding of the head moving once, in order.  -1
 * when memory runs out.
 */
static int
merge_rest(struct finding *v, size_t head, const size_t *rest, size_t n_rest)
{
	struct finding *aside = malloc((n_rest + 1) * sizeof(*aside));
	size_t a = head, b = n_rest, k = head + n_rest;

	if (!aside)
		return -1;
	for (size_t i = 0; i < n_rest; i++)
		aside[i] = v[rest[i]];
	/* on a tie, the one set aside was added later: it goes after */
	while (b > 0) {
		if (a > 0 && place_cmp(&aside[b - 1], &v[a - 1]) < 0)
			v[--k] = v[--a];
		else
			v[--k] = aside[--b];
	}
	free(aside);
	return 0;
}

/*
 * Puts fs->v in the order order[] gives (order[k] the finding to come k-th),
 * in place, one cycle of the permutation at a time: a second array of every
 * finding would be the sort's largest allocation.  order[] is spent.
 */
static void
permute(struct finding *v, size_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct finding first = v[i];
		size_t at = i;

		if (order[i] == i)
			continue;
		while (order[at] != i) {
			size_t from = order[at];

			v[at] = v[from];
			order[at] = at;
			at = from;
		}
		v[at] = first;
		order[at] = at;
	}
}

int
findings_take(struct findings *dst, struct findings *src)
{
	if (mr_grow(&dst->v, &dst->cap, dst->n + src->n, sizeof(*dst->v)) < 0)
		return -1;
	/* src's texts go with it: dst keeps its own copy of each */
	for (size_t i = 0; i < src->n; i++) {
		struct finding *f = &dst->v[dst->n];

		*f = src->v[i];
		f->path = intern(dst, f->path);
		f->message = intern(dst, f->message);
		if (!f->path || !f->message || (f->table && !(f->table = intern(dst, f->table))))
			return -1;
		dst->n++;
	}
	findings_free(src);
	return 0;
}

int
findings_sort(struct findings *fs)
{
	size_t head = fs->n ? 1 : 0, from, count, *order;
	int rc = 0;

	while (head < fs->n && place_cmp(&fs->v[head - 1], &fs->v[head]) <= 0)
		head++;
	if (head == fs->n)
		return 0;
	/* sorted once and added to since (report_evidence()): only what was added is sorted */
	from = fs->n - head <= head ? head : 0;
	count = fs->n - from;
	if (!(order = malloc((count + 1) * sizeof(*order))))
		return -1;
	if (sort_positions(fs->v, from, count, order) < 0)
		rc = -1;
	else if (from)
		rc = merge_rest(fs->v, head, order, count);
	else
		permute(fs->v, order, fs->n);
	free(order);
	return rc;
}

size_t
findings_count(const struct findings *fs, enum severity at_least)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++)
		n += fs->v[i].severity >= at_least;
	return n;
}

const char *
severity_name(enum severity sev)
{
	static const char *const names[] = { "info", "warning", "error" };

	return names[sev];
}

void
findings_free(struct findings *fs)
{
	free(fs->v);
	while (fs->texts) {
		struct text_block *prev = fs->texts->prev;

		free(fs->texts);
		fs->texts = prev;
	}
	strmap_free(&fs->text_at, false);
	memset(fs, 0, sizeof(*fs));
}

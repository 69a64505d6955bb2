/* Findings: rule, severity, place and message. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/finding.h"
#include "migreview/util.h"

int
findings_addv(struct findings *fs, enum rule_id rule, enum severity sev,
	      const char *path, unsigned line, unsigned col, size_t revision,
	      const char *fmt, va_list ap)
{
	struct finding *f;

	if (mr_grow(&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v)) < 0)
		return -1;
	f = &fs->v[fs->n];
	memset(f, 0, sizeof(*f));
	f->rule = &rules[rule];
	f->severity = sev;
	f->line = line;
	f->col = col;
	f->revision = revision;
	f->path = mr_strdup(path ? path : "");
	if (vasprintf(&f->message, fmt, ap) < 0) {
		free(f->path);
		return -1;
	}
	if (!f->path) {
		free(f->message);
		return -1;
	}
	fs->n++;
	return 0;
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

/* Positions in one array (arg): by revision, line and column, then insertion order. */
static int
finding_cmp(const void *a, const void *b, void *arg)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct finding *x = (const struct finding *)arg + i;
	const struct finding *y = (const struct finding *)arg + j;

	if (x->revision != y->revision)
		return x->revision < y->revision ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return i < j ? -1 : i > j;
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
findings_sort(struct findings *fs)
{
	size_t *order = malloc((fs->n + 1) * sizeof(*order));

	if (!order)
		return -1;
	for (size_t i = 0; i < fs->n; i++)
		order[i] = i;
	qsort_r(order, fs->n, sizeof(*order), finding_cmp, fs->v);
	permute(fs->v, order, fs->n);
	free(order);
	return 0;
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
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		free(fs->v[i].message);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

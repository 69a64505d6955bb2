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

static int
finding_cmp(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a;
	const struct finding *y = *(const struct finding *const *)b;

	if (x->revision != y->revision)
		return x->revision < y->revision ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x < y ? -1 : x > y;      /* pointers into one array: insertion order */
}

int
findings_sort(struct findings *fs)
{
	const struct finding **order = malloc((fs->n + 1) * sizeof(*order));
	struct finding *sorted = malloc((fs->n + 1) * sizeof(*sorted));

	if (!order || !sorted) {
		free(order);
		free(sorted);
		return -1;
	}
	for (size_t i = 0; i < fs->n; i++)
		order[i] = &fs->v[i];
	qsort(order, fs->n, sizeof(*order), finding_cmp);
	for (size_t i = 0; i < fs->n; i++)
		sorted[i] = *order[i];
	free(order);
	free(fs->v);
	fs->v = sorted;
	fs->cap = fs->n + 1;
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

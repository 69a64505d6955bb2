/* `check` at a terminal: the findings under a heading per migration, then a count per rule. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_tty.h"
#include "migreview/rules.h"
#include "migreview/util.h"

/* SGR colours by severity (info, warning, error), and for the quieter parts. */
static const char *const severity_sgr[] = { "36", "33", "1;31" };
#define SGR_HEADING "1"
#define SGR_QUIET "2"

struct paint {
	FILE *out;
	bool colour;
};

static void
paint(const struct paint *p, const char *sgr, const char *text)
{
	if (p->colour && sgr)
		fprintf(p->out, "\033[%sm%s\033[0m", sgr, text);
	else
		fputs(text, p->out);
}

/* Text from the project, made visible, painted; false when memory ran out. */
static bool
paint_visible(const struct paint *p, const char *sgr, const char *text)
{
	char *copy;
	const char *shown = mr_visible_lazy(text, &copy);

	if (shown)
		paint(p, sgr, shown);
	free(copy);
	return shown != NULL;
}

static const struct revision *
revision_of(const struct graph *g, const struct finding *f)
{
	return f->revision < g->n && g->revs[f->revision].in_graph ? &g->revs[f->revision] : NULL;
}

static bool
same_group(const struct graph *g, const struct finding *a, const struct finding *b)
{
	return revision_of(g, a) ? a->revision == b->revision :
	       !revision_of(g, b) && !strcmp(a->path, b->path);
}

/* "c784ae16ae5c  create orders" and the file under it; a file outside the graph alone. */
static bool
print_heading(const struct paint *p, const struct graph *g, const struct finding *f)
{
	const struct revision *r = revision_of(g, f);
	bool ok = true;

	if (r) {
		ok = paint_visible(p, SGR_HEADING, r->id);
		if (ok && r->message) {
			fputs("  ", p->out);
			ok = paint_visible(p, SGR_HEADING, r->message);
		}
		fputs("\n  ", p->out);
	}
	ok = ok && paint_visible(p, r ? SGR_QUIET : SGR_HEADING, f->path);
	fputc('\n', p->out);
	return ok;
}

/* "  39:9    warning  no index covers ... [foreign-key-without-index]" */
static bool
print_finding(const struct paint *p, const struct check_line *l)
{
	const struct finding *f = l->f;
	const char *sev = severity_name(f->severity);
	char where[32] = "";
	bool ok;

	if (f->line)
		snprintf(where, sizeof(where), "%u:%u", f->line, f->col);
	fprintf(p->out, "  %-8s", where);
	paint(p, severity_sgr[f->severity], sev);
	fprintf(p->out, "%*s", (int)(9 - strlen(sev)), "");
	ok = paint_visible(p, NULL, f->message);
	fputs(" [", p->out);
	paint(p, SGR_QUIET, f->rule->id);
	fputc(']', p->out);
	if (l->decided)
		paint(p, SGR_QUIET, " (decided)");
	fputc('\n', p->out);
	return ok;
}

struct rule_count {
	const struct rule *rule;
	size_t n, decided;
	int worst;
};

static int
by_count(const void *a, const void *b)
{
	const struct rule_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->rule->id, y->rule->id);
}

/* Each rule that found something, the most frequent first, and how to read about it. */
static int
print_summary(const struct paint *p, const struct check_line *lines, size_t n)
{
	struct rule_count *c = calloc(RULE_COUNT, sizeof(*c));
	char count[32];

	if (!c)
		return -1;
	for (size_t i = 0; i < RULE_COUNT; i++)
		c[i] = (struct rule_count){ &rules[i], 0, 0, -1 };
	for (size_t i = 0; i < n; i++) {
		struct rule_count *rc = &c[lines[i].f->rule - rules];

		rc->n++;
		rc->decided += lines[i].decided;
		if ((int)lines[i].f->severity > rc->worst)
			rc->worst = (int)lines[i].f->severity;
	}
	qsort(c, RULE_COUNT, sizeof(*c), by_count);
	fputc('\n', p->out);
	paint(p, SGR_HEADING, "Findings by rule");
	fputs(" (migreview explain RULE tells why and how to fix it):\n", p->out);
	for (size_t i = 0; i < RULE_COUNT && c[i].n; i++) {
		snprintf(count, sizeof(count), "%zu", c[i].n);
		fprintf(p->out, "  %5s  ", count);
		paint(p, severity_sgr[c[i].worst], c[i].rule->id);
		if (c[i].decided)
			fprintf(p->out, "  (%zu decided)", c[i].decided);
		fputc('\n', p->out);
	}
	free(c);
	return 0;
}

int
check_tty_print(FILE *out, const struct graph *g, const struct check_line *lines, size_t n,
		bool colour)
{
	struct paint p = { out, colour };
	bool ok = true;

	for (size_t i = 0; i < n && ok; i++) {
		if (i == 0 || !same_group(g, lines[i - 1].f, lines[i].f)) {
			if (i)
				fputc('\n', out);
			ok = print_heading(&p, g, lines[i].f);
		}
		ok = ok && print_finding(&p, &lines[i]);
	}
	if (!ok)
		return -1;
	return n ? print_summary(&p, lines, n) : 0;
}

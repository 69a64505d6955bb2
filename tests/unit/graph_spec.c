/* Compact graph descriptions for the graph tests. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_spec.h"

static void
split_into(struct strvec *out, const char *list, size_t len)
{
	char *copy = mr_strndup(list, len), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		strvec_push(out, t);
	free(copy);
}

/* The text of one field, from after its mark to the next mark. */
static void
field(const char *tok, char mark, struct strvec *out)
{
	const char *start = strchr(tok, mark);

	if (start) {
		start++;
		split_into(out, start, strcspn(start, "<^@"));
	}
}

int
graph_spec_build(struct graph *g, const char *spec, struct mr_error *err)
{
	char *copy = mr_strdup(spec), *save = NULL;
	size_t count = 1;

	for (const char *p = spec; *p; p++)
		count += *p == ';';
	memset(g, 0, sizeof(*g));
	g->revs = calloc(count, sizeof(*g->revs));
	g->cap = count;
	for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		struct revision *rev = &g->revs[g->n++];

		while (*tok == ' ')
			tok++;
		rev->id = mr_strndup(tok, strcspn(tok, "<^@ "));
		rev->path = mr_printf("/project/versions/%s.py", rev->id);
		rev->relpath = mr_printf("versions/%s.py", rev->id);
		rev->line_id = 10;
		rev->line_down = 11;
		rev->line_labels = 12;
		rev->line_deps = 13;
		field(tok, '<', &rev->down);
		field(tok, '^', &rev->deps);
		field(tok, '@', &rev->labels);
	}
	free(copy);
	return graph_build(g, err);
}

const char *
graph_spec_ids(const struct graph *g, const size_t *indices, size_t n)
{
	static char buf[65536];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < n && len < sizeof(buf) - 64; k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", k ? " " : "",
					g->revs[indices[k]].id);
	return buf;
}

const char *
graph_spec_history(const struct graph *g)
{
	size_t *rev = malloc((g->n_order + 1) * sizeof(size_t));
	const char *s;

	for (size_t k = 0; k < g->n_order; k++)
		rev[k] = g->order[g->n_order - 1 - k];
	s = graph_spec_ids(g, rev, g->n_order);
	free(rev);
	return s;
}

size_t
graph_spec_count(const struct graph *g, enum rule_id rule)
{
	size_t n = 0;

	for (size_t i = 0; i < g->findings.n; i++)
		n += g->findings.v[i].rule == &rules[rule];
	return n;
}

/* The revision graph and Alembic's ordering of it. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/graph.h"

#define NONE ((size_t)-1)
/* Ids a message lists (a cycle's members, the heads) before it says "... (N in all)". */
#define IDS_SHOWN 8

size_t
graph_find(const struct graph *g, const char *id)
{
	size_t i;

	return strmap_get(&g->ids, id, &i) ? i : NONE;
}

static int
push_unique(size_t **arr, size_t *n, size_t v)
{
	size_t cap = *n;        /* arrays grow one by one: they are short */

	for (size_t i = 0; i < *n; i++)
		if ((*arr)[i] == v)
			return 0;
	if (mr_grow(arr, &cap, *n + 1, sizeof(**arr)) < 0)
		return -1;
	(*arr)[(*n)++] = v;
	return 0;
}

/* A finding about revision i, at its rule's default severity: settings apply later. */
static int __attribute__((format(printf, 5, 6)))
finding(struct graph *g, size_t i, enum rule_id rule, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = findings_addv(&g->findings, rule, rules[rule].severity, g->revs[i].relpath, line,
			   line ? 1 : 0, i, fmt, ap);
	va_end(ap);
	return rc;
}

/* Alembic keeps the last file declaring an id, at the first file's position. */
static int
register_ids(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct revision *rev = &g->revs[i];
		size_t prev;

		rev->in_graph = false;
		if (!rev->id)
			continue;
		rev->in_graph = true;
		rev->rank = i;
		if (strmap_get(&g->ids, rev->id, &prev)) {
			struct revision *old = &g->revs[prev];

			rev->rank = old->rank;
			old->in_graph = false;
			if (finding(g, i, RULE_DUPLICATE_REVISION, rev->line_id,
				    "revision '%s' is also declared in %s; Alembic warns and "
				    "uses this file, ignoring the other", rev->id, old->relpath) < 0 ||
			    finding(g, prev, RULE_DUPLICATE_REVISION, old->line_id,
				    "revision '%s' is declared again in %s; Alembic ignores "
				    "this file", old->id, rev->relpath) < 0)
				return -1;
		}
		if (strmap_put(&g->ids, rev->id, i) < 0)
			return -1;
	}
	return 0;
}

static int
register_labels(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct revision *rev = &g->revs[i];

		for (size_t k = 0; rev->in_graph && k < rev->labels.n; k++) {
			const char *label = rev->labels.v[k];
			size_t other;

			if (strmap_get(&g->ids, label, &other) ||
			    strmap_get(&g->labels, label, &other)) {
				if (finding(g, i, RULE_LABEL_COLLISION, rev->line_labels,
					    "branch label '%s' is already used by revision %s; "
					    "Alembic refuses to build the revision map",
					    label, g->revs[other].id) < 0)
					return -1;
				continue;
			}
			if (strmap_put(&g->labels, label, i) < 0)
				return -1;
		}
	}
	return 0;
}

static int
resolve_name(struct graph *g, size_t i, const char *name, bool via_labels,
	     unsigned line, const char *what, size_t *out)
{
	struct revision *rev = &g->revs[i];
	size_t target;

	*out = NONE;
	if (!strcmp(name, rev->id))
		return finding(g, i, RULE_CYCLE, line,
			       "revision '%s' names itself in %s (a self-loop)", name, what);
	if (strmap_get(&g->ids, name, &target) ||
	    (via_labels && strmap_get(&g->labels, name, &target))) {
		if (target == i)
			return finding(g, i, RULE_CYCLE, line,
				       "'%s' in %s is this revision itself (a self-loop)",
				       name, what);
		*out = target;
		return 0;
	}
	if (!via_labels && strmap_get(&g->labels, name, &target))
		return finding(g, i, RULE_MISSING_PARENT, line,
			       "down_revision '%s' is a branch label, not a revision id; "
			       "name the revision (%s) instead", name, g->revs[target].id);
	return finding(g, i, RULE_MISSING_PARENT, line,
		       "%s names revision '%s', which no file declares", what, name);
}

static int
resolve_edges(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct revision *rev = &g->revs[i];
		size_t t;

		if (!rev->in_graph)
			continue;
		for (size_t k = 0; k < rev->down.n; k++) {
			if (resolve_name(g, i, rev->down.v[k], false, rev->line_down,
					 "down_revision", &t) < 0 ||
			    (t != NONE && push_unique(&rev->parents, &rev->n_parents, t) < 0))
				return -1;
		}
		for (size_t k = 0; k < rev->deps.n; k++) {
			if (resolve_name(g, i, rev->deps.v[k], true, rev->line_deps,
					 "depends_on", &t) < 0 ||
			    (t != NONE && push_unique(&rev->dep_parents, &rev->n_dep_parents, t) < 0))
				return -1;
		}
	}
	return 0;
}

/* The k-th outgoing edge (towards the base) of rev, parents first. */
static size_t
edge_at(const struct revision *rev, size_t k)
{
	return k < rev->n_parents ? rev->parents[k] : rev->dep_parents[k - rev->n_parents];
}

static void
remove_edge(struct revision *rev, size_t k)
{
	size_t **arr = k < rev->n_parents ? &rev->parents : &rev->dep_parents;
	size_t *n = k < rev->n_parents ? &rev->n_parents : &rev->n_dep_parents;
	size_t pos = k < rev->n_parents ? k : k - rev->n_parents;

	memmove(*arr + pos, *arr + pos + 1, (*n - pos - 1) * sizeof(**arr));
	(*n)--;
}

/* "a, b, c": the ids of revisions, the first IDS_SHOWN of them and how many in all. */
static char *
id_list(const struct graph *g, const size_t *revs, size_t count)
{
	char *ids = mr_strdup("");

	for (size_t m = 0; ids && m < count && m < IDS_SHOWN; m++) {
		char *more = mr_printf("%s%s%s", ids, m ? ", " : "", g->revs[revs[m]].id);

		free(ids);
		ids = more;
	}
	if (ids && count > IDS_SHOWN) {
		char *more = mr_printf("%s, ... (%zu in all)", ids, count);

		free(ids);
		ids = more;
	}
	return ids;
}

/* Reports one strongly connected component and cuts the edges inside it. */
static int
report_cycle(struct graph *g, const size_t *members, size_t count, const size_t *comp)
{
	char *ids = id_list(g, members, count);

	if (!ids)
		return -1;
	for (size_t m = 0; m < count; m++) {
		struct revision *rev = &g->revs[members[m]];

		if (finding(g, members[m], RULE_CYCLE, rev->line_down,
			    "revision '%s' is part of a cycle of down_revision/depends_on "
			    "references: %s", rev->id, ids) < 0) {
			free(ids);
			return -1;
		}
		/*
		 * Keep the edges that point to an earlier file: they cannot form
		 * a cycle, and the members still order as one line.
		 */
		for (size_t k = rev->n_parents + rev->n_dep_parents; k-- > 0;) {
			size_t w = edge_at(rev, k);

			if (comp[w] == comp[members[m]] && w > members[m])
				remove_edge(rev, k);
		}
	}
	free(ids);
	return 0;
}

static int
index_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Tarjan's strongly connected components, without recursion. */
struct tarjan {
	size_t *index, *low, *comp, *stack, *call, *call_edge, *members;
	bool *on_stack;
	size_t next_index, sp, n_comp;
};

static void
tarjan_push(struct tarjan *t, size_t depth, size_t v)
{
	t->call[depth] = v;
	t->call_edge[depth] = 0;
	t->index[v] = t->low[v] = t->next_index++;
	t->stack[t->sp++] = v;
	t->on_stack[v] = true;
}

/* Pops the component rooted at v; a component of two or more is a cycle. */
static int
tarjan_pop(struct graph *g, struct tarjan *t, size_t v)
{
	size_t count = 0, w;

	do {
		w = t->stack[--t->sp];
		t->on_stack[w] = false;
		t->comp[w] = t->n_comp;
		t->members[count++] = w;
	} while (w != v);
	t->n_comp++;
	if (count < 2)
		return 0;
	qsort(t->members, count, sizeof(size_t), index_cmp);
	return report_cycle(g, t->members, count, t->comp);
}

static int
tarjan_visit(struct graph *g, struct tarjan *t, size_t root)
{
	size_t depth = 0;

	tarjan_push(t, 0, root);
	for (;;) {
		size_t v = t->call[depth];
		struct revision *rev = &g->revs[v];

		if (t->call_edge[depth] < rev->n_parents + rev->n_dep_parents) {
			size_t w = edge_at(rev, t->call_edge[depth]++);

			if (t->index[w] == NONE)
				tarjan_push(t, ++depth, w);
			else if (t->on_stack[w] && t->index[w] < t->low[v])
				t->low[v] = t->index[w];
			continue;
		}
		if (t->low[v] == t->index[v] && tarjan_pop(g, t, v) < 0)
			return -1;
		if (depth == 0)
			return 0;
		depth--;
		if (t->low[v] < t->low[t->call[depth]])
			t->low[t->call[depth]] = t->low[v];
	}
}

static int
find_cycles(struct graph *g)
{
	struct tarjan t = { 0 };
	size_t n = g->n ? g->n : 1;
	size_t **arrays[] = { &t.index, &t.low, &t.comp, &t.stack, &t.call,
			      &t.call_edge, &t.members };
	int rc = -1;

	t.on_stack = calloc(n, sizeof(bool));
	for (size_t a = 0; a < MR_ARRAY_SIZE(arrays); a++)
		*arrays[a] = malloc(n * sizeof(size_t));
	for (size_t a = 0; a < MR_ARRAY_SIZE(arrays); a++)
		if (!*arrays[a])
			goto out;
	if (!t.on_stack)
		goto out;
	for (size_t i = 0; i < g->n; i++)
		t.index[i] = t.comp[i] = NONE;
	rc = 0;
	for (size_t i = 0; i < g->n && rc == 0; i++)
		if (g->revs[i].in_graph && t.index[i] == NONE)
			rc = tarjan_visit(g, &t, i);
out:
	for (size_t a = 0; a < MR_ARRAY_SIZE(arrays); a++)
		free(*arrays[a]);
	free(t.on_stack);
	return rc;
}

static void
count_children(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct revision *rev = &g->revs[i];

		for (size_t k = 0; k < rev->n_parents; k++) {
			g->revs[rev->parents[k]].n_children++;
			g->revs[rev->parents[k]].n_all_children++;
		}
		for (size_t k = 0; k < rev->n_dep_parents; k++) {
			bool also_parent = false;

			for (size_t p = 0; p < rev->n_parents; p++)
				also_parent = also_parent || rev->parents[p] == rev->dep_parents[k];
			if (!also_parent)
				g->revs[rev->dep_parents[k]].n_all_children++;
		}
	}
}

/* A compressed adjacency: the targets of node i are to[start[i] .. start[i + 1]). */
struct adjacency {
	size_t *start, *to;
};

/*
 * The reverse of an edge list (parents, or dependencies: which revisions
 * point at each one).
 */
static int
reverse_edges(const struct graph *g, bool deps, struct adjacency *out)
{
	size_t *fill;

	out->to = NULL;
	if (!(out->start = calloc(g->n + 2, sizeof(size_t))))
		return -1;
	for (size_t i = 0; i < g->n; i++) {
		const struct revision *rev = &g->revs[i];
		size_t n = deps ? rev->n_dep_parents : rev->n_parents;

		for (size_t k = 0; k < n; k++)
			out->start[(deps ? rev->dep_parents : rev->parents)[k] + 2]++;
	}
	for (size_t i = 2; i < g->n + 2; i++)
		out->start[i] += out->start[i - 1];
	if (!(out->to = malloc((out->start[g->n + 1] + 1) * sizeof(size_t))))
		return -1;
	fill = out->start + 1;
	for (size_t i = 0; i < g->n; i++) {
		const struct revision *rev = &g->revs[i];
		size_t n = deps ? rev->n_dep_parents : rev->n_parents;

		for (size_t k = 0; k < n; k++)
			out->to[fill[(deps ? rev->dep_parents : rev->parents)[k]]++] = i;
	}
	return 0;
}

/*
 * Alembic's _normalize_depends_on: a dependency that an ancestor (along
 * down_revision) already depends on is implied, and left out of the edges
 * the ordering follows.  Only the revisions that share a dependency with
 * another can imply one, so only they have a bit: along the order of
 * down_revision each revision carries the set of its ancestors' bits,
 * made of its parents' sets; a set is let go once the last child has read
 * it, so only the revisions still waiting for children hold one.
 */
struct ancestry {
	size_t *bit;            /* per revision: its bit, or NONE */
	uint64_t **set;         /* per revision: its ancestors' bits and its own (NULL: none) */
	size_t *uses;           /* per revision: children that have not read its set yet */
	size_t words;
};

static bool
has_bit(const uint64_t *set, size_t bit)
{
	return set && set[bit / 64] >> (bit % 64) & 1;
}

/* The set of rev's ancestors, taken over from a parent read for the last time if it can. */
static uint64_t *
ancestors_of(struct ancestry *a, const struct revision *rev, int *oom)
{
	uint64_t *out = NULL;

	for (size_t k = 0; k < rev->n_parents; k++) {
		size_t p = rev->parents[k];
		uint64_t *in = a->set[p];

		if (--a->uses[p] == 0)
			a->set[p] = NULL;
		if (!in)
			continue;
		if (!out && a->uses[p] == 0) {
			out = in;
			continue;
		}
		if (!out && !(out = calloc(a->words, sizeof(*out)))) {
			*oom = 1;
			return NULL;
		}
		for (size_t w = 0; w < a->words; w++)
			out[w] |= in[w];
		if (a->uses[p] == 0)
			free(in);
	}
	return out;
}

/*
 * Fills implied[] per dependency (revision i's k-th is at first_dep[i] + k);
 * -1 out of memory.  The cycles are cut by now; a revision in one would
 * keep its dependencies.
 */
static int
find_implied(const struct graph *g, const struct adjacency *children,
	     const struct adjacency *dependents, const size_t *first_dep, bool *implied)
{
	struct ancestry a = { 0 };
	size_t *queue = malloc((g->n + 1) * sizeof(size_t)), head = 0, tail = 0, n_bits = 0;
	size_t *left = malloc((g->n + 1) * sizeof(size_t));
	int rc = -1, oom = 0;

	a.bit = malloc((g->n + 1) * sizeof(size_t));
	a.set = calloc(g->n + 1, sizeof(*a.set));
	a.uses = malloc((g->n + 1) * sizeof(size_t));
	if (!queue || !left || !a.bit || !a.set || !a.uses)
		goto out;
	for (size_t i = 0; i < g->n; i++) {
		const struct revision *rev = &g->revs[i];

		a.bit[i] = NONE;
		for (size_t k = 0; k < rev->n_dep_parents && a.bit[i] == NONE; k++) {
			size_t d = rev->dep_parents[k];

			if (dependents->start[d + 1] - dependents->start[d] > 1)
				a.bit[i] = n_bits++;
		}
		a.uses[i] = children->start[i + 1] - children->start[i];
		if (!(left[i] = rev->n_parents))
			queue[tail++] = i;
	}
	a.words = (n_bits + 63) / 64;
	while (head < tail) {
		size_t v = queue[head++];
		const struct revision *rev = &g->revs[v];
		uint64_t *anc = ancestors_of(&a, rev, &oom);

		if (oom)
			goto out;
		for (size_t k = 0; k < rev->n_dep_parents; k++) {
			size_t d = rev->dep_parents[k];

			for (size_t e = dependents->start[d]; e < dependents->start[d + 1]; e++) {
				size_t other = dependents->to[e];

				if (other != v && a.bit[other] != NONE && has_bit(anc, a.bit[other]))
					implied[first_dep[v] + k] = true;
			}
		}
		if (a.bit[v] != NONE) {
			if (!anc && !(anc = calloc(a.words, sizeof(*anc))))
				goto out;
			anc[a.bit[v] / 64] |= (uint64_t)1 << (a.bit[v] % 64);
		}
		if (a.uses[v])
			a.set[v] = anc;
		else
			free(anc);
		for (size_t e = children->start[v]; e < children->start[v + 1]; e++)
			if (--left[children->to[e]] == 0)
				queue[tail++] = children->to[e];
	}
	rc = 0;
out:
	if (a.set)
		for (size_t i = 0; i < g->n; i++)
			free(a.set[i]);
	free(a.set);
	free(a.bit);
	free(a.uses);
	free(left);
	free(queue);
	return rc;
}

/* Each revision's edges for the ordering: its parents, then the dependencies not implied. */
static int
normalize_dependencies(struct graph *g)
{
	struct adjacency children = { 0 }, dependents = { 0 };
	size_t *first_dep = malloc((g->n + 1) * sizeof(size_t)), n_deps = 0;
	bool *implied = NULL;
	int rc = -1;

	if (!first_dep || reverse_edges(g, false, &children) < 0 ||
	    reverse_edges(g, true, &dependents) < 0)
		goto out;
	for (size_t i = 0; i < g->n; i++) {
		first_dep[i] = n_deps;
		n_deps += g->revs[i].n_dep_parents;
	}
	if (!(implied = calloc(n_deps + 1, sizeof(*implied))) ||
	    find_implied(g, &children, &dependents, first_dep, implied) < 0)
		goto out;
	for (size_t i = 0; i < g->n; i++) {
		struct revision *rev = &g->revs[i];

		for (size_t k = 0; k < rev->n_parents; k++)
			if (push_unique(&rev->norm_down, &rev->n_norm_down, rev->parents[k]) < 0)
				goto out;
		for (size_t k = 0; k < rev->n_dep_parents; k++) {
			if (implied[first_dep[i] + k])
				continue;
			rev->n_norm_deps++;
			if (push_unique(&rev->norm_down, &rev->n_norm_down, rev->dep_parents[k]) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(children.start);
	free(children.to);
	free(dependents.start);
	free(dependents.to);
	free(implied);
	free(first_dep);
	return rc;
}

/* In-graph revisions in Alembic's map order (first position of each id). */
static size_t *
map_order(const struct graph *g, size_t *count)
{
	size_t *slots = malloc((g->n + 1) * sizeof(size_t)), n = 0;

	if (!slots)
		return NULL;
	for (size_t i = 0; i < g->n; i++)
		slots[i] = NONE;
	for (size_t i = 0; i < g->n; i++)
		if (g->revs[i].in_graph)
			slots[g->revs[i].rank] = i;
	for (size_t i = 0; i < g->n; i++)
		if (slots[i] != NONE)
			slots[n++] = slots[i];
	*count = n;
	return slots;
}

static int
mark_heads_and_bases(struct graph *g, const size_t *by_rank, size_t count)
{
	g->heads = malloc((count + 1) * sizeof(size_t));
	g->bases = malloc((count + 1) * sizeof(size_t));
	if (!g->heads || !g->bases)
		return -1;
	for (size_t k = 0; k < count; k++) {
		struct revision *rev = &g->revs[by_rank[k]];

		rev->is_head = rev->n_children == 0;
		rev->is_base = rev->down.n == 0;
		rev->is_branch_point = rev->n_children > 1;
		rev->is_merge_point = rev->down.n > 1;
		if (rev->is_head)
			g->heads[g->n_heads++] = by_rank[k];
		if (rev->is_base)
			g->bases[g->n_bases++] = by_rank[k];
	}
	return 0;
}

#define MANY ((size_t)-2)

/*
 * Which revisions are at or above a branch label of their own: a revision
 * carrying a label from which every line of descent ends in the same head
 * (so Alembic's LABEL@head names that head alone), and every revision
 * above it.  in_label[i] says so; g->order must be built.
 */
static int
mark_own_labels(const struct graph *g, bool *in_label)
{
	size_t *below = malloc((g->n + 1) * sizeof(*below));    /* the head it leads to */

	if (!below)
		return -1;
	for (size_t i = 0; i < g->n; i++)
		below[i] = NONE;
	/* heads first: a revision's children come before it */
	for (size_t k = g->n_order; k-- > 0;) {
		const struct revision *rev = &g->revs[g->order[k]];

		if (rev->is_head)
			below[g->order[k]] = g->order[k];
		for (size_t p = 0; p < rev->n_parents; p++) {
			size_t *up = &below[rev->parents[p]];

			*up = *up == NONE ? below[g->order[k]] :
			      *up == below[g->order[k]] ? *up : MANY;
		}
	}
	for (size_t k = 0; k < g->n_order; k++) {
		size_t i = g->order[k];
		const struct revision *rev = &g->revs[i];

		in_label[i] = rev->labels.n && below[i] != NONE && below[i] != MANY;
		for (size_t p = 0; p < rev->n_parents && !in_label[i]; p++)
			in_label[i] = in_label[rev->parents[p]];
	}
	free(below);
	return 0;
}

/*
 * More than one head is a finding, but for heads that are each the tip of
 * a labelled branch of their own (expand/contract): those are meant.
 */
static int
report_heads(struct graph *g)
{
	bool *in_label;
	size_t *loose, n_loose = 0;
	char *list = NULL;
	int rc = -1;

	if (g->n_heads < 2)
		return 0;
	in_label = calloc(g->n + 1, sizeof(*in_label));
	loose = malloc(g->n_heads * sizeof(*loose));
	if (!in_label || !loose || mark_own_labels(g, in_label) < 0)
		goto out;
	for (size_t h = 0; h < g->n_heads; h++)
		if (!in_label[g->heads[h]])
			loose[n_loose++] = g->heads[h];
	if (!(list = id_list(g, g->heads, g->n_heads)))
		goto out;
	for (size_t h = 0; h < n_loose; h++) {
		struct revision *rev = &g->revs[loose[h]];

		if ((n_loose == g->n_heads ?
		     finding(g, loose[h], RULE_MULTIPLE_HEADS, rev->line_id,
			     "%zu heads (%s): `alembic upgrade head` refuses to run until "
			     "they are merged with `alembic merge heads`", g->n_heads, list) :
		     finding(g, loose[h], RULE_MULTIPLE_HEADS, rev->line_id,
			     "%zu heads (%s), and %s is not the tip of a branch with a label of "
			     "its own (no LABEL@head names it alone): merge it with `alembic "
			     "merge`, or label its branch", g->n_heads, list, rev->id)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(list);
	free(loose);
	free(in_label);
	return rc;
}

/*
 * Alembic's RevisionMap._topological_sort, step for step, in linear time
 * on the histories met in practice.
 *
 * Alembic keeps the ancestors of every current head and, for a candidate,
 * looks for another head whose ancestors hold it: that head goes first.
 * Every revision not emitted yet is an ancestor of some current head (the
 * heads start as all heads and a head is replaced by the parents it had
 * left), and every revision on a path from a head down to the candidate is
 * not emitted yet (a revision goes only after all its children).  So
 * another head descends from the candidate exactly when one of the
 * candidate's children is not emitted yet: a count per revision answers
 * it, and only then is the first such head looked for.
 *
 * Which head that is, is remembered.  Each head has a key that keeps its
 * place in Alembic's list: a head moving down to its parent keeps its key,
 * a new head takes a key above all others.  The first head above a
 * revision can then only move later in the list: moving down never puts a
 * head above a revision it was not above, and new keys come last.  So the
 * key found stays the answer as long as that head is still above: surely
 * so while it has only moved down through revisions of one parent (what
 * was below it is below its parent), which a version per key counts.
 */
struct sorter {
	struct graph *g;
	uint64_t *todo;
	size_t *key;            /* per revision: its key while it is a head, else NONE */
	size_t *key_rev;        /* per key: the revision holding it, or NONE */
	size_t *key_version;    /* per key: bumped when its head may leave revisions below it */
	size_t *prev, *next_key; /* per key: the heads before and after it in the list */
	size_t first, last;     /* the list's ends (keys), NONE when empty */
	size_t n_keys, n_heads;
	size_t *waiting;        /* per revision: its children not emitted yet */
	size_t *child_start;    /* children of revision i: children[child_start[i] .. [i + 1]) */
	size_t *children;
	size_t *memo_key;       /* per revision: the key of the first head above it, or NONE */
	size_t *memo_version;   /* ... and that key's version then */
	size_t *seen, *done, gen; /* the upward walk's marks */
	size_t *best, *next;    /* the walk's first key above a revision, its next child */
	size_t *stack;
};

static bool
bit_test(const uint64_t *b, size_t i)
{
	return b[i / 64] >> (i % 64) & 1;
}

static void
bit_set(uint64_t *b, size_t i)
{
	b[i / 64] |= (uint64_t)1 << (i % 64);
}

static void
bit_clear(uint64_t *b, size_t i)
{
	b[i / 64] &= ~((uint64_t)1 << (i % 64));
}

static void
hold_key(struct sorter *s, size_t rev, size_t key)
{
	s->key[rev] = key;
	s->key_rev[key] = rev;
}

/* A new head goes last, under a key above all others. */
static void
add_head(struct sorter *s, size_t rev)
{
	size_t k = s->n_keys++;

	hold_key(s, rev, k);
	s->prev[k] = s->last;
	s->next_key[k] = NONE;
	if (s->last != NONE)
		s->next_key[s->last] = k;
	else
		s->first = k;
	s->last = k;
	s->n_heads++;
}

/* Takes head k out of the list: the key of the head that is then current (Alembic's index - 1). */
static size_t
remove_head(struct sorter *s, size_t k)
{
	size_t before = s->prev[k], after = s->next_key[k];

	s->key[s->key_rev[k]] = NONE;
	s->key_rev[k] = NONE;
	if (before != NONE)
		s->next_key[before] = after;
	else
		s->first = after;
	if (after != NONE)
		s->prev[after] = before;
	else
		s->last = before;
	s->n_heads--;
	return before != NONE ? before : after;
}

/* The first parent of rev that should become a head, or NONE. */
static size_t
next_head(const struct sorter *s, const struct revision *rev)
{
	for (size_t k = 0; k < rev->n_norm_down; k++)
		if (bit_test(s->todo, rev->norm_down[k]) && s->key[rev->norm_down[k]] == NONE)
			return rev->norm_down[k];
	return NONE;
}

/* The key of the first head above rev as remembered, if that still holds; else NONE. */
static size_t
remembered(const struct sorter *s, size_t rev)
{
	size_t k = s->memo_key[rev];

	if (k == NONE || s->key_rev[k] == NONE || s->key_rev[k] == rev ||
	    s->key_version[k] != s->memo_version[rev])
		return NONE;
	return k;
}

static size_t
min_key(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * The key of the first head above cand: a walk up through the children not
 * emitted yet that stops where the answer is remembered, and remembers it
 * for every revision it went through.
 */
static size_t
walk_up(struct sorter *s, size_t cand)
{
	size_t sp = 0;

	s->gen++;
	s->seen[cand] = s->gen;
	s->best[cand] = NONE;
	s->next[cand] = s->child_start[cand];
	s->stack[sp++] = cand;
	while (sp) {
		size_t v = s->stack[sp - 1], c, k;

		if (s->next[v] == s->child_start[v + 1]) {
			sp--;
			s->done[v] = s->gen;
			if (s->best[v] != NONE) {
				s->memo_key[v] = s->best[v];
				s->memo_version[v] = s->key_version[s->best[v]];
			}
			if (sp)
				s->best[s->stack[sp - 1]] = min_key(s->best[s->stack[sp - 1]], s->best[v]);
			continue;
		}
		c = s->children[s->next[v]++];
		if (!bit_test(s->todo, c))
			continue;
		if (s->key[c] != NONE)
			s->best[v] = min_key(s->best[v], s->key[c]);
		if (s->seen[c] == s->gen) {
			if (s->done[c] == s->gen)   /* else a cycle, which the sort reports */
				s->best[v] = min_key(s->best[v], s->best[c]);
			continue;
		}
		s->seen[c] = s->gen;
		if ((k = remembered(s, c)) != NONE) {
			s->done[c] = s->gen;
			s->best[c] = k;
			s->best[v] = min_key(s->best[v], k);
			continue;
		}
		s->best[c] = NONE;
		s->next[c] = s->child_start[c];
		s->stack[sp++] = c;
	}
	return s->best[cand];
}

/* The key of the first current head that descends from cand, or NONE. */
static size_t
first_head_above(struct sorter *s, size_t cand)
{
	size_t k = remembered(s, cand);

	return k != NONE ? k : walk_up(s, cand);
}

/* Moves the current head (key *cur) down past the emitted candidate. */
static void
advance_head(struct sorter *s, size_t *cur, size_t cand)
{
	const struct revision *rev = &s->g->revs[cand];
	size_t first = next_head(s, rev), r;

	if (first == NONE) {
		*cur = remove_head(s, *cur);
		return;
	}
	s->key[cand] = NONE;
	hold_key(s, first, *cur);
	/* what was below a revision of several parents may not be below the first */
	if (rev->n_norm_down > 1)
		s->key_version[*cur]++;
	/* the other parents and dependencies become heads of their own */
	while ((r = next_head(s, rev)) != NONE)
		add_head(s, r);
}

static void
emit(struct sorter *s, size_t cand, size_t *out, size_t *n_out)
{
	const struct revision *rev = &s->g->revs[cand];

	out[(*n_out)++] = cand;
	bit_clear(s->todo, cand);
	for (size_t k = 0; k < rev->n_norm_down; k++)
		s->waiting[rev->norm_down[k]]--;
}

/* Fills out (history order, head → base); -1 when only a cycle could explain it. */
static int
topological_sort(struct sorter *s, size_t *out, size_t *n_out)
{
	size_t cur = s->first, switches = 0;

	while (s->n_heads) {
		size_t cand = s->key_rev[cur];

		if (s->waiting[cand]) {
			size_t k = first_head_above(s, cand);

			/* another head descends from us: it goes first */
			if (k == NONE || ++switches > s->n_heads)
				return -1;
			cur = k;
			continue;
		}
		switches = 0;
		if (bit_test(s->todo, cand))
			emit(s, cand, out, n_out);
		advance_head(s, &cur, cand);
	}
	return 0;
}

/* The children of every revision to sort (the reverse of norm_down), and their counts. */
static int
index_children(struct sorter *s, const size_t *by_rank, size_t count)
{
	const struct graph *g = s->g;
	size_t *fill;

	s->child_start = calloc(g->n + 2, sizeof(size_t));
	if (!s->child_start)
		return -1;
	for (size_t k = 0; k < count; k++) {
		const struct revision *rev = &g->revs[by_rank[k]];

		for (size_t e = 0; e < rev->n_norm_down; e++) {
			s->child_start[rev->norm_down[e] + 2]++;
			s->waiting[rev->norm_down[e]]++;
		}
	}
	for (size_t i = 2; i < g->n + 2; i++)
		s->child_start[i] += s->child_start[i - 1];
	s->children = malloc((s->child_start[g->n + 1] + 1) * sizeof(size_t));
	if (!s->children)
		return -1;
	fill = s->child_start + 1;
	for (size_t k = 0; k < count; k++) {
		const struct revision *rev = &g->revs[by_rank[k]];

		for (size_t e = 0; e < rev->n_norm_down; e++)
			s->children[fill[rev->norm_down[e]]++] = by_rank[k];
	}
	return 0;
}

static int
order_revisions(struct graph *g, const size_t *by_rank, size_t count, struct mr_error *err)
{
	struct sorter s = { .g = g };
	size_t **per_rev[] = { &s.key, &s.key_rev, &s.key_version, &s.prev, &s.next_key,
			       &s.waiting, &s.memo_key, &s.memo_version, &s.seen, &s.done,
			       &s.best, &s.next, &s.stack };
	size_t *history = malloc((count + 1) * sizeof(size_t)), n_hist = 0;
	int rc = -1;

	for (size_t a = 0; a < sizeof(per_rev) / sizeof(*per_rev); a++)
		if (!(*per_rev[a] = calloc(g->n + 1, sizeof(size_t))))
			goto oom;
	s.todo = calloc(g->n / 64 + 1, sizeof(uint64_t));
	g->order = malloc((count + 1) * sizeof(size_t));
	if (!history || !s.todo || !g->order || index_children(&s, by_rank, count) < 0)
		goto oom;
	for (size_t i = 0; i < g->n; i++)
		s.key[i] = s.memo_key[i] = NONE;
	s.first = s.last = NONE;
	for (size_t k = 0; k < count; k++)
		bit_set(s.todo, by_rank[k]);
	for (size_t h = 0; h < g->n_heads; h++)
		add_head(&s, g->heads[h]);
	rc = topological_sort(&s, history, &n_hist);
	if (rc < 0 || n_hist != count) {
		mr_error_set(err, "internal error: the revision order did not cover the graph "
			     "(%zu of %zu revisions); please report this project's layout",
			     n_hist, count);
		rc = -1;
		goto out;
	}
	for (size_t k = 0; k < n_hist; k++)
		g->order[k] = history[n_hist - 1 - k];
	g->n_order = n_hist;
	goto out;
oom:
	rc = mr_error_oom(err);
out:
	for (size_t a = 0; a < sizeof(per_rev) / sizeof(*per_rev); a++)
		free(*per_rev[a]);
	free(s.child_start);
	free(s.children);
	free(s.todo);
	free(history);
	return rc;
}

int
graph_build(struct graph *g, struct mr_error *err)
{
	size_t *by_rank, count;
	int rc;

	if (register_ids(g) < 0 || register_labels(g) < 0 || resolve_edges(g) < 0 ||
	    find_cycles(g) < 0)
		return mr_error_oom(err);
	count_children(g);
	if (normalize_dependencies(g) < 0 || !(by_rank = map_order(g, &count)))
		return mr_error_oom(err);
	if (mark_heads_and_bases(g, by_rank, count) < 0) {
		free(by_rank);
		return mr_error_oom(err);
	}
	rc = order_revisions(g, by_rank, count, err);
	free(by_rank);
	if (rc == 0 && (report_heads(g) < 0 || findings_sort(&g->findings) < 0))
		return mr_error_oom(err);
	return rc;
}

int
graph_load(struct graph *g, const struct project *p, unsigned flags, struct mr_error *err)
{
	memset(g, 0, sizeof(*g));
	if (revision_load_all(p, flags, &g->revs, &g->findings, err) < 0)
		return -1;
	g->n = g->cap = p->files.n;
	return graph_build(g, err);
}

int
graph_complete(struct graph *g, const struct project *p, struct mr_error *err)
{
	int rc = revision_complete_all(p, g->revs, &g->findings, err);

	if (rc == 0 && findings_sort(&g->findings) < 0)
		return mr_error_oom(err);
	return rc;
}

void
graph_free(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		revision_free(&g->revs[i]);
	free(g->revs);
	free(g->order);
	free(g->heads);
	free(g->bases);
	findings_free(&g->findings);
	strmap_free(&g->ids, false);
	strmap_free(&g->labels, false);
	memset(g, 0, sizeof(*g));
}

size_t
graph_find_prefix(const struct graph *g, const char *name)
{
	size_t found = graph_find(g, name), n = 0;

	if (found != (size_t)-1)
		return found;
	for (size_t i = 0; i < g->n; i++)
		if (g->revs[i].in_graph && g->revs[i].id &&
		    !strncmp(g->revs[i].id, name, strlen(name))) {
			found = i;
			n++;
		}
	return n == 1 ? found : (size_t)-1;
}

/* Marks the revisions r needs that are not marked yet: whether there were any. */
static bool
mark_needed(const struct revision *r, bool *mark)
{
	bool grew = false;

	for (size_t k = 0; k < r->n_parents; k++)
		if (!mark[r->parents[k]])
			grew = mark[r->parents[k]] = true;
	for (size_t k = 0; k < r->n_dep_parents; k++)
		if (!mark[r->dep_parents[k]])
			grew = mark[r->dep_parents[k]] = true;
	return grew;
}

size_t
graph_ancestry(const struct graph *g, size_t rev, bool *mark)
{
	bool grew = true;
	size_t n = 0;

	mark[rev] = true;
	/*
	 * Review order puts what a revision needs before it, so one pass from
	 * the heads down marks it all; the next only confirms that, unless an
	 * edge was left out of the order (a cycle), which it then follows.
	 */
	while (grew) {
		grew = false;
		for (size_t k = g->n_order; k-- > 0;)
			if (mark[g->order[k]] && mark_needed(&g->revs[g->order[k]], mark))
				grew = true;
	}
	for (size_t i = 0; i < g->n; i++)
		n += mark[i];
	return n;
}

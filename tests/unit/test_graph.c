/*
 * The revision graph.  Expected orders were produced by Alembic 1.8.1's
 * RevisionMap on the same graphs (iterate_revisions("heads", "base"), which
 * is what `alembic history` prints); tests/diff checks many more against
 * real Alembic on generated projects.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_spec.h"

static struct graph g;
static struct mr_error err;

static void
teardown(void)
{
	graph_free(&g);
}

TestSuite(graph, .fini = teardown);

/* The first finding of this rule; fails the test when there is none. */
static const struct finding *
first(enum rule_id rule)
{
	for (size_t i = 0; i < g.findings.n; i++)
		if (g.findings.v[i].rule == &rules[rule])
			return &g.findings.v[i];
	cr_assert_fail("no %s finding", rules[rule].id);
	return NULL;
}

static void
build_ok(const char *spec)
{
	cr_assert_eq(graph_spec_build(&g, spec, &err), 0, "%s: %s", spec, err.msg);
}

static void
expect_alembic(const char *spec, const char *history, const char *heads, const char *bases)
{
	build_ok(spec);
	cr_expect_str_eq(graph_spec_history(&g), history, "history of %s", spec);
	cr_expect_str_eq(graph_spec_ids(&g, g.heads, g.n_heads), heads, "heads of %s", spec);
	cr_expect_str_eq(graph_spec_ids(&g, g.bases, g.n_bases), bases, "bases of %s", spec);
}

Test(graph, linear_chain)
{
	expect_alembic("a; b<a; c<b", "c b a", "c", "a");
	cr_expect_eq(g.findings.n, 0);
	cr_expect_str_eq(graph_spec_ids(&g, g.order, g.n_order), "a b c", "review order");
}

Test(graph, branch_and_merge)
{
	expect_alembic("a; b<a; c<a; d<b,c", "d b c a", "d", "a");
	cr_expect(g.revs[0].is_branch_point);
	cr_expect(g.revs[3].is_merge_point);
	cr_expect_not(g.revs[1].is_merge_point);
}

Test(graph, discovery_order_does_not_change_a_determined_order)
{
	expect_alembic("d<b,c; c<a; b<a; a", "d b c a", "d", "a");
}

Test(graph, merge_of_three)
{
	expect_alembic("a; b<a; c<a; d<a; e<b,c,d; f<e", "f e b c d a", "f", "a");
}

Test(graph, two_bases_merged)
{
	expect_alembic("c<b; b<a; a; z; y<z; m<c,y", "m c b a y z", "m", "a z");
}

Test(graph, multiple_heads_are_a_warning_on_each_head)
{
	expect_alembic("a; b<a; c<a", "b c a", "b c", "a");
	cr_expect_eq(graph_spec_count(&g, RULE_MULTIPLE_HEADS), 2);
	cr_expect_eq(first(RULE_MULTIPLE_HEADS)->severity, SEVERITY_WARNING);
	cr_expect(strstr(first(RULE_MULTIPLE_HEADS)->message, "2 heads (b, c)"));
}

Test(graph, heads_each_at_the_tip_of_their_own_label_are_meant)
{
	/* expand/contract: each head below a label that leads to it alone */
	expect_alembic("a; e1<a@expand; e2<e1; c1<a@contract^e1; c2<c1", "e2 c2 c1 e1 a",
		       "e2 c2", "a");
	cr_expect_eq(graph_spec_count(&g, RULE_MULTIPLE_HEADS), 0);
}

Test(graph, heads_under_one_label_or_none_still_warn)
{
	/* one label above both heads names neither alone */
	expect_alembic("a@main; b<a; c<a", "b c a", "b c", "a");
	cr_expect_eq(graph_spec_count(&g, RULE_MULTIPLE_HEADS), 2);
	graph_free(&g);
	/* a labelled tip and an unlabelled one: only the unlabelled is flagged */
	expect_alembic("a; e<a@expand; x<a", "e x a", "e x", "a");
	cr_assert_eq(graph_spec_count(&g, RULE_MULTIPLE_HEADS), 1);
	cr_expect_str_eq(g.revs[first(RULE_MULTIPLE_HEADS)->revision].id, "x");
	cr_expect(strstr(first(RULE_MULTIPLE_HEADS)->message, "and x is not the tip of a branch"));
	graph_free(&g);
	/* a label that forks below it: both its heads warn */
	expect_alembic("a; e<a@expand; e1<e; e2<e; c<a@contract", "e1 e2 e c a",
		       "e1 e2 c", "a");
	cr_expect_eq(graph_spec_count(&g, RULE_MULTIPLE_HEADS), 2);
}

Test(graph, depends_on_across_branches)
{
	expect_alembic("a; b<a; x; y<x^b", "y x b a", "b y", "a x");
}

Test(graph, depends_on_a_branch_label)
{
	expect_alembic("a@lab; b<a; x; y<x^lab", "b y x a", "b y", "a x");
	cr_expect_eq(g.revs[3].n_dep_parents, 1);
	cr_expect_eq(g.revs[3].dep_parents[0], 0, "the label names the revision that declares it");
}

Test(graph, dependency_of_a_head_only)
{
	expect_alembic("a; x; b<a^x; c<b^x", "c b a x", "x c", "a x");
	/* c's dependency on x is implied by b's and left out of its edges */
	cr_expect_eq(g.revs[3].n_norm_deps, 0);
	cr_expect_eq(g.revs[2].n_norm_deps, 1);
}

Test(graph, dependency_implied_through_a_merge_far_below)
{
	/* b depends on x; c is above b through a merge, d beside b, e above d */
	build_ok("a; x; b<a^x; m1<b; n<a; m<m1,n; p<m; c<p^x; d<n^x; e<d^x");
	cr_expect_eq(g.revs[7].n_norm_deps, 0, "c: b, below it through the merge, depends on x");
	cr_expect_eq(g.revs[8].n_norm_deps, 1, "d: b is beside it, not below");
	cr_expect_eq(g.revs[9].n_norm_deps, 0, "e: d, its parent, depends on x");
	cr_expect_eq(g.revs[2].n_norm_deps, 1);
}

Test(graph, dependency_on_own_ancestor)
{
	expect_alembic("p; q<p; r<q^p; s<r", "s r q p", "s", "p");
}

/* The ids graph_ancestry() marks for rev, in discovery order, as "a b". */
static const char *
ancestry(const char *rev, size_t *n)
{
	bool *mark = calloc(g.n + 1, sizeof(bool));
	size_t *ids = calloc(g.n + 1, sizeof(size_t)), k = 0;
	const char *out;

	cr_assert(mark && ids);
	*n = graph_ancestry(&g, graph_find(&g, rev), mark);
	for (size_t i = 0; i < g.n; i++)
		if (mark[i])
			ids[k++] = i;
	out = graph_spec_ids(&g, ids, k);
	free(mark);
	free(ids);
	return out;
}

Test(graph, ancestry_is_what_upgrading_to_a_revision_applies)
{
	size_t n;

	build_ok("a; b<a; c<a; d<b,c; e<d");
	cr_expect_str_eq(ancestry("b", &n), "a b", "one branch, not the other");
	cr_expect_eq(n, 2);
	cr_expect_str_eq(ancestry("d", &n), "a b c d", "a merge needs both branches");
	cr_expect_str_eq(ancestry("a", &n), "a");
	graph_free(&g);
	/* depends_on: y needs b of the other branch, and all b needs */
	build_ok("a; b<a; x; y<x^b; z<y");
	cr_expect_str_eq(ancestry("z", &n), "a b x y z");
	cr_expect_eq(n, 5);
	cr_expect_str_eq(ancestry("b", &n), "a b");
}

Test(graph, ancestry_through_a_cycle_ends)
{
	size_t n;

	build_ok("a<c; b<a; c<b; d<c");
	cr_expect_str_eq(ancestry("d", &n), "a b c d");
}

Test(graph, missing_parent_is_reported_and_the_rest_still_orders)
{
	build_ok("a; b<a; c<zz");
	cr_expect_eq(graph_spec_count(&g, RULE_MISSING_PARENT), 1);
	cr_expect_str_eq(first(RULE_MISSING_PARENT)->path, "versions/c.py");
	cr_expect_eq(first(RULE_MISSING_PARENT)->line, 11);
	cr_expect(strstr(first(RULE_MISSING_PARENT)->message, "'zz'"));
	cr_expect_eq(g.n_order, 3);
}

Test(graph, down_revision_naming_a_label_is_explained)
{
	build_ok("a@lab; b<lab");
	cr_expect_eq(graph_spec_count(&g, RULE_MISSING_PARENT), 1);
	cr_expect(strstr(first(RULE_MISSING_PARENT)->message, "branch label"));
}

Test(graph, missing_dependency)
{
	build_ok("a; b<a^nowhere");
	cr_expect_eq(graph_spec_count(&g, RULE_MISSING_PARENT), 1);
	cr_expect(strstr(first(RULE_MISSING_PARENT)->message, "depends_on"));
}

Test(graph, duplicate_ids_keep_the_later_file_at_the_first_position)
{
	build_ok("a; b<a; b<a; c<b");
	cr_expect_eq(graph_spec_count(&g, RULE_DUPLICATE_REVISION), 2);
	cr_expect_not(g.revs[1].in_graph);
	cr_expect(g.revs[2].in_graph);
	cr_expect_eq(g.n_order, 3);
	cr_expect_str_eq(graph_spec_history(&g), "c b a");
}

Test(graph, cycle_is_reported_on_every_member_and_never_hangs)
{
	build_ok("a<c; b<a; c<b; d");
	cr_expect_eq(graph_spec_count(&g, RULE_CYCLE), 3);
	cr_expect(strstr(first(RULE_CYCLE)->message, "a, b, c"));
	cr_expect_eq(g.n_order, 4, "every revision is still listed");
}

Test(graph, self_loop)
{
	build_ok("a<a; b<a");
	cr_expect_eq(graph_spec_count(&g, RULE_CYCLE), 1);
	cr_expect(strstr(first(RULE_CYCLE)->message, "self-loop"));
	cr_expect_eq(g.n_order, 2);
}

Test(graph, self_dependency_through_own_label)
{
	build_ok("a@me^me");
	cr_expect_eq(graph_spec_count(&g, RULE_CYCLE), 1);
}

Test(graph, dependency_cycle)
{
	build_ok("a; b<a^c; c<a^b");
	cr_expect_eq(graph_spec_count(&g, RULE_CYCLE), 2);
	cr_expect_eq(g.n_order, 3);
}

Test(graph, label_collisions)
{
	build_ok("a@x; b<a@x; c<b@a");
	cr_expect_eq(graph_spec_count(&g, RULE_LABEL_COLLISION), 2);
	cr_expect(strstr(first(RULE_LABEL_COLLISION)->message, "'x'"));
	cr_expect(strstr(g.findings.v[g.findings.n - 1].message, "'a'"),
		  "a label equal to a revision id");
}

Test(graph, empty_graph)
{
	build_ok("");
	cr_expect_eq(g.n_order, 0);
	cr_expect_eq(g.n_heads, 0);
}

/* A spec of n revisions in one chain; closed into a ring when ring is set. */
static char *
chain_spec(size_t n, bool ring)
{
	char *spec = malloc(n * 24 + 32), *o = spec;

	o += sprintf(o, ring ? "r0<r%zu" : "r0", n - 1);
	for (size_t i = 1; i < n; i++)
		o += sprintf(o, "; r%zu<r%zu", i, i - 1);
	return spec;
}

Test(graph, long_chain_and_long_cycle_use_no_recursion)
{
	char *spec = chain_spec(20000, false);

	build_ok(spec);
	cr_expect_eq(g.n_order, 20000);
	cr_expect_str_eq(g.revs[g.order[19999]].id, "r19999");
	graph_free(&g);
	free(spec);
	spec = chain_spec(10000, true);
	build_ok(spec);
	free(spec);
	cr_expect_eq(graph_spec_count(&g, RULE_CYCLE), 10000);
	cr_expect(strstr(first(RULE_CYCLE)->message, "(10000 in all)"));
	cr_expect_eq(g.n_order, 10000);
}

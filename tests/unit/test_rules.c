/* The rule catalogue and the checklist: complete, consistent, used. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "migreview/graph.h"
#include "migreview/finding.h"
#include "migreview/rules.h"

Test(rules, ids_are_unique_kebab_case_and_fully_documented)
{
	for (size_t i = 0; i < RULE_COUNT; i++) {
		const struct rule *r = &rules[i];

		for (const char *p = r->id; *p; p++)
			cr_expect(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-',
				  "%s is not kebab-case", r->id);
		for (size_t j = i + 1; j < RULE_COUNT; j++)
			cr_expect_str_neq(r->id, rules[j].id);
		cr_expect_lt(strlen(r->summary), 70, "%s: summary too long", r->id);
		cr_expect_gt(strlen(r->why), 40, "%s: why", r->id);
		cr_expect_gt(strlen(r->bad), 5, "%s: bad example", r->id);
		cr_expect_gt(strlen(r->good), 5, "%s: good example", r->id);
		cr_expect_str_neq(r->bad, r->good, "%s: examples differ", r->id);
		cr_expect_gt(strlen(r->fix), 10, "%s: fix", r->id);
		cr_expect_lt(r->item, CHECK_ITEM_COUNT);
		cr_expect_neq(r->dialects & DIALECT_ANY, 0u, "%s: dialects", r->id);
	}
}

/* RULE_MULTIPLE_HEADS is "multiple-heads": the code names rules by these constants. */
Test(rules, each_enum_constant_spells_its_id)
{
	static const char *const names[] = {
#define RULE(name, ...) #name,
#include "../../src/rules.def"
#undef RULE
	};

	cr_assert_eq(sizeof(names) / sizeof(names[0]), RULE_COUNT);
	for (size_t i = 0; i < RULE_COUNT; i++) {
		char c_name[64];
		size_t k = 0;

		for (const char *p = rules[i].id; *p && k + 1 < sizeof(c_name); p++)
			c_name[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		c_name[k] = '\0';
		cr_expect_str_eq(names[i], c_name);
		cr_expect_eq(rule_find(rules[i].id), &rules[i]);
		cr_expect_eq(rule_id_of(&rules[i]), (enum rule_id)i);
	}
}

Test(rules, every_checklist_item_has_rules)
{
	for (int item = 0; item < CHECK_ITEM_COUNT; item++) {
		size_t n = 0;

		for (size_t i = 0; i < RULE_COUNT; i++)
			n += rules[i].item == (enum check_item)item;
		cr_expect_gt(n, 0, "no rule for %s", checklist[item].id);
		cr_expect_eq(checklist_find(checklist[item].id), (enum check_item)item);
	}
	cr_expect_eq(checklist_find("nope"), CHECK_ITEM_COUNT);
}

Test(rules, the_example_rules_of_the_spec_exist_under_their_item)
{
	static const struct { const char *id; enum check_item item; } spec[] = {
		{ "missing-downgrade", CHECK_REVERSIBLE }, { "empty-downgrade", CHECK_REVERSIBLE },
		{ "downgrade-not-inverse", CHECK_REVERSIBLE },
		{ "add-not-null-without-default", CHECK_NOT_NULL },
		{ "set-not-null-without-backfill", CHECK_NOT_NULL },
		{ "drop-column", CHECK_DATA_LOSS }, { "drop-table", CHECK_DATA_LOSS },
		{ "foreign-key-without-index", CHECK_FK_INDEX },
		{ "index-not-concurrent", CHECK_LARGE_TABLE },
		{ "drop-index-not-concurrent", CHECK_LARGE_TABLE },
		{ "concurrently-outside-autocommit-block", CHECK_LARGE_TABLE },
		{ "column-type-change", CHECK_LARGE_TABLE },
		{ "not-tested", CHECK_TESTED },
		{ "hardcoded-id", CHECK_HARDCODED_DATA },
		{ "data-in-schema-migration", CHECK_HARDCODED_DATA },
		{ "model-import", CHECK_HARDCODED_DATA },
		{ "enum-add-value-in-transaction", CHECK_ENUM },
		{ "enum-value-removed-or-renamed", CHECK_ENUM },
		{ "enum-column-type-change", CHECK_ENUM },
		{ "rename-column", CHECK_COMPAT }, { "rename-table", CHECK_COMPAT },
		{ "multiple-heads", CHECK_GRAPH }, { "missing-parent", CHECK_GRAPH },
		{ "duplicate-revision", CHECK_GRAPH }, { "cycle", CHECK_GRAPH },
		{ "label-collision", CHECK_GRAPH }, { "parse-error", CHECK_GRAPH },
	};

	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		const struct rule *r = rule_find(spec[i].id);

		cr_expect(r, "SPEC §4 names %s", spec[i].id);
		if (r)
			cr_expect_eq(r->item, spec[i].item, "%s is under %s", spec[i].id,
				     checklist[r->item].id);
	}
	cr_expect_null(rule_find("no-such-rule"));
}

Test(rules, every_graph_finding_names_a_graph_rule)
{
	struct project p;
	struct graph g;
	struct mr_error err;

	cr_assert_eq(project_open(&p, FIXTURES "/broken/alembic.ini", NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(graph_load(&g, &p, 0, &err), 0, "%s", err.msg);
	cr_assert_gt(g.findings.n, 10);
	for (size_t i = 0; i < g.findings.n; i++) {
		const struct rule *r = g.findings.v[i].rule;

		cr_expect_eq(r->item, CHECK_GRAPH, "%s", r->id);
		cr_expect_eq(g.findings.v[i].severity, r->severity, "%s: before settings, the "
			     "catalogue's severity", r->id);
	}
	graph_free(&g);
	project_free(&p);
}

Test(rules, dialects)
{
	char buf[64];

	cr_expect_eq(dialect_parse("postgresql"), DIALECT_POSTGRESQL);
	cr_expect_eq(dialect_parse("oracle"), 0u);
	cr_expect_str_eq(dialect_names(DIALECT_ANY, buf, sizeof(buf)), "all dialects");
	cr_expect_str_eq(dialect_names(DIALECT_POSTGRESQL | DIALECT_SQLITE, buf, sizeof(buf)),
			 "postgresql, sqlite");
}

Test(rules, a_note_on_a_finding_is_taken_back_whole)
{
	struct findings fs = { 0 };

	cr_assert_eq(findings_add(&fs, RULE_COLUMN_TYPE_CHANGE, SEVERITY_WARNING, "a.py", 3, 5, 0,
				  "the type of t.c changes"), 0);
	for (int round = 0; round < 2; round++) {
		/* report_evidence() takes the notes back each time before it notes again */
		findings_unnote(&fs);
		cr_expect_str_eq(fs.v[0].message, "the type of t.c changes");
		cr_assert_eq(findings_note(&fs, 0, "confirmed by the test run on postgresql"), 0);
		cr_expect_str_eq(fs.v[0].message,
				 "the type of t.c changes; confirmed by the test run on postgresql");
	}
	findings_free(&fs);
}

/* Reading revision headers from Python source with tree-sitter. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/pysrc.h"

static struct pysrc_parser *parser;
static struct pysrc_header h;
static struct mr_error err;

static void
setup(void)
{
	parser = pysrc_parser_new();
	cr_assert(parser, "the grammar loads into libtree-sitter");
}

static void
teardown(void)
{
	pysrc_header_free(&h);
	pysrc_parser_free(parser);
}

TestSuite(pysrc, .init = setup, .fini = teardown);

static void
read_src(const char *src)
{
	cr_assert_eq(pysrc_read_header(parser, src, strlen(src), &h, &err), 0, "%s", err.msg);
}

static void
expect_strings(const struct pyval *v, bool seq, const char *joined)
{
	char buf[256] = "";

	cr_assert_eq(v->kind, PYVAL_STRINGS);
	cr_expect_eq(v->is_sequence, seq);
	for (size_t i = 0; i < v->items.n; i++) {
		strcat(buf, i ? "|" : "");
		strcat(buf, v->items.v[i]);
	}
	cr_expect_str_eq(buf, joined);
}

Test(pysrc, classic_template)
{
	read_src("\"\"\"create users table\n\nRevision ID: 1a2b\nRevises:\n\"\"\"\n"
		 "from alembic import op\n\n"
		 "# revision identifiers, used by Alembic.\n"
		 "revision = '1a2b'\n"
		 "down_revision = None\n"
		 "branch_labels = None\n"
		 "depends_on = None\n\n"
		 "def upgrade():\n    revision = 'not this one'\n");
	expect_strings(&h.revision, false, "1a2b");
	cr_expect_eq(h.revision.line, 9);
	cr_expect_eq(h.revision.col, 12);
	cr_expect_eq(h.down_revision.kind, PYVAL_NONE);
	cr_expect_eq(h.branch_labels.kind, PYVAL_NONE);
	cr_expect_str_eq(h.message, "create users table");
	cr_expect_not(h.parse_error);
}

Test(pysrc, annotated_template)
{
	read_src("\"\"\"add orders\"\"\"\n"
		 "from typing import Sequence, Union\n"
		 "revision: str = \"b2\"\n"
		 "down_revision: Union[str, None] = \"a1\"\n"
		 "branch_labels: Union[str, Sequence[str], None] = (\"billing\",)\n"
		 "depends_on: Union[str, Sequence[str], None] = ['x9', \"y8\"]\n");
	expect_strings(&h.revision, false, "b2");
	expect_strings(&h.down_revision, false, "a1");
	expect_strings(&h.branch_labels, true, "billing");
	expect_strings(&h.depends_on, true, "x9|y8");
	cr_expect_str_eq(h.message, "add orders");
}

Test(pysrc, merge_tuple_and_list_and_bare_tuple)
{
	read_src("down_revision = ('a', 'b')\n");
	expect_strings(&h.down_revision, true, "a|b");
	pysrc_header_free(&h);
	read_src("down_revision = [\n    'a',  # first parent\n    'b',\n    'c',\n]\n");
	expect_strings(&h.down_revision, true, "a|b|c");
	pysrc_header_free(&h);
	read_src("down_revision = 'a', 'b'\n");
	expect_strings(&h.down_revision, true, "a|b");
}

Test(pysrc, empty_values_mean_none)
{
	read_src("down_revision = ()\nbranch_labels = []\ndepends_on = ''\n");
	cr_expect_eq(h.down_revision.kind, PYVAL_NONE);
	cr_expect_eq(h.branch_labels.kind, PYVAL_NONE);
	cr_expect_eq(h.depends_on.kind, PYVAL_NONE);
}

Test(pysrc, last_assignment_wins_and_chains_assign_every_name)
{
	read_src("revision = 'old'\nrevision = 'new'\nbranch_labels = depends_on = None\n");
	expect_strings(&h.revision, false, "new");
	cr_expect_eq(h.revision.line, 2);
	cr_expect_eq(h.branch_labels.kind, PYVAL_NONE);
	cr_expect_eq(h.depends_on.kind, PYVAL_NONE);
}

Test(pysrc, string_forms_decode_like_python)
{
	read_src("revision = 'ab' \"cd\"\ndown_revision = (\"x\\x41\\u00e9\\n\")\n"
		 "branch_labels = r'a\\b'\ndepends_on = '''tri'''\n");
	expect_strings(&h.revision, false, "abcd");
	expect_strings(&h.down_revision, false, "xA\xc3\xa9\n");
	expect_strings(&h.branch_labels, false, "a\\b");
	expect_strings(&h.depends_on, false, "tri");
}

Test(pysrc, values_that_need_running_code)
{
	read_src("import os\nrevision = os.environ['REV']\ndown_revision = f'{x}'\n"
		 "branch_labels = b'bytes'\ndepends_on = ('a', some_call(), cli.X, 'b')\n");
	cr_expect_eq(h.revision.kind, PYVAL_OTHER);
	cr_expect_eq(h.down_revision.kind, PYVAL_OTHER);
	cr_expect_eq(h.branch_labels.kind, PYVAL_OTHER);
	cr_expect_eq(h.depends_on.kind, PYVAL_OTHER);
	/* the string literals of such a tuple are kept, the names dropped */
	cr_assert_eq(h.depends_on.items.n, 2);
	cr_expect_str_eq(h.depends_on.items.v[0], "a");
	cr_expect_str_eq(h.depends_on.items.v[1], "b");
	cr_expect_null(h.depends_on.is_ref);
}

Test(pysrc, names_of_constants_are_kept_in_place)
{
	read_src("from neutron.db.migration import cli\nrevision = 'r1'\n"
		 "down_revision = PARENT\n"
		 "branch_labels = ('ocata01', migration.CONTRACT_BRANCH, (a . b))\n"
		 "depends_on = [cli.EXPAND_BRANCH]\n");
	cr_expect_eq(h.down_revision.kind, PYVAL_REFS);
	cr_expect_not(h.down_revision.is_sequence);
	cr_assert_eq(h.down_revision.items.n, 1);
	cr_expect_str_eq(h.down_revision.items.v[0], "PARENT");
	cr_expect(h.down_revision.is_ref[0]);
	cr_expect_eq(h.branch_labels.kind, PYVAL_REFS);
	cr_assert_eq(h.branch_labels.items.n, 3);
	cr_expect_str_eq(h.branch_labels.items.v[0], "ocata01");
	cr_expect_not(h.branch_labels.is_ref[0]);
	cr_expect_str_eq(h.branch_labels.items.v[1], "migration.CONTRACT_BRANCH");
	cr_expect(h.branch_labels.is_ref[1]);
	cr_expect_str_eq(h.branch_labels.items.v[2], "a.b");
	cr_expect(h.branch_labels.is_ref[2]);
	cr_expect_eq(h.depends_on.kind, PYVAL_REFS);
	cr_expect(h.depends_on.is_sequence);
	cr_expect_str_eq(h.depends_on.items.v[0], "cli.EXPAND_BRANCH");
}

Test(pysrc, only_module_level_counts)
{
	read_src("if True:\n    revision = 'in-if'\nclass X:\n    revision = 'in-class'\n"
		 "revision: str\n");
	cr_expect_eq(h.revision.kind, PYVAL_ABSENT);
	cr_expect_null(h.message);
}

Test(pysrc, docstring_rules)
{
	read_src("# coding: utf-8\n'''\n  first line  \nsecond'''\nrevision='a'\n");
	cr_expect_str_eq(h.message, "first line");
	pysrc_header_free(&h);
	read_src("import os\n'''not a docstring'''\n");
	cr_expect_null(h.message);
	pysrc_header_free(&h);
	read_src("f'''not a docstring either'''\n");
	cr_expect_null(h.message);
}

Test(pysrc, syntax_error_is_located_and_the_header_still_read)
{
	read_src("revision = 'a1'\ndown_revision = None\n\ndef upgrade(:\n    pass\n");
	cr_expect(h.parse_error);
	cr_expect_eq(h.error_line, 4);
	expect_strings(&h.revision, false, "a1");
}

Test(pysrc, binary_garbage_does_not_crash)
{
	static const char junk[] = "\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe revision = '\x80'\n";

	cr_assert_eq(pysrc_read_header(parser, junk, sizeof(junk) - 1, &h, &err), 0);
	cr_expect(h.parse_error);
}

Test(pysrc, highlights_query_compiles_against_the_grammar)
{
	uint32_t offset = 0;
	TSQueryError qerr = TSQueryErrorNone;
	TSQuery *q = ts_query_new(pysrc_language(), pysrc_highlights_scm,
				  (uint32_t)pysrc_highlights_scm_len, &offset, &qerr);

	cr_assert(q, "highlights.scm fails at byte %u (error %d)", offset, qerr);
	cr_expect_gt(ts_query_capture_count(q), 10);
	ts_query_delete(q);
	cr_expect_eq(ts_language_version(pysrc_language()), 14, "grammar ABI 14 (0.23.x)");
}

/* repeat "unit" n times after prefix, into a new buffer */
static char *
repeat(const char *prefix, const char *unit, size_t n)
{
	size_t pl = strlen(prefix), ul = strlen(unit);
	char *s = malloc(pl + ul * n + 2), *o = s;

	memcpy(o, prefix, pl);
	o += pl;
	for (size_t i = 0; i < n; i++, o += ul)
		memcpy(o, unit, ul);
	strcpy(o, "\n");
	return s;
}

/*
 * Inputs that corrupt libtree-sitter 0.20's heap are refused before they
 * reach it, while long flat statements still parse.
 */
Test(pysrc, statements_too_deep_for_the_parser_are_refused)
{
	static const struct { const char *prefix, *unit; size_t n; unsigned line; } deep[] = {
		{ "revision = 'a'\n", "x = (\n", 22000, 4098 },
		{ "x = ", "-", 70000, 1 },
		{ "x = ", "not ", 70000, 1 },
		{ "x = ", "lambda: ", 70000, 1 },
		{ "x = ", "f\"{", 70000, 1 },
	};

	for (size_t i = 0; i < sizeof(deep) / sizeof(deep[0]); i++) {
		char *src = repeat(deep[i].prefix, deep[i].unit, deep[i].n);

		cr_expect_eq(pysrc_too_deep(src, strlen(src)), deep[i].line, "case %zu", i);
		cr_expect_eq(pysrc_read_header(parser, src, strlen(src), &h, &err), -1);
		cr_expect_null(pysrc_parse(parser, src, strlen(src), NULL));
		free(src);
	}
}

Test(pysrc, long_flat_statements_are_not_too_deep)
{
	char *rows = repeat("revision = 'r'\nROWS = [\n", "    {'name': 'x', 'n': (1 + 2)},\n", 60000);
	char *sum = repeat("x = a", " + a", 50000);
	char *nested = repeat("x = ", "(", 150);
	char *closed = malloc(200016);
	char *minus = repeat("x = ", "-", 100000);

	cr_expect_eq(pysrc_too_deep(rows, strlen(rows)), 0);
	cr_expect_eq(pysrc_too_deep(sum, strlen(sum)), 0);
	cr_expect_eq(pysrc_too_deep(nested, strlen(nested)), 0, "150 open brackets: Python's own limit is 200");
	/* nesting that closes again does not hurt the parser, however deep */
	strcpy(closed, "x = ");
	memset(closed + 4, '(', 100000);
	closed[100004] = '1';
	memset(closed + 100005, ')', 100000);
	strcpy(closed + 200005, "\n");
	cr_expect_eq(pysrc_too_deep(closed, strlen(closed)), 0);
	minus[strlen(minus) - 1] = '1';
	cr_expect_eq(pysrc_too_deep(minus, strlen(minus)), 0, "-----1 has its operand");
	read_src(rows);
	expect_strings(&h.revision, false, "r");
	free(rows);
	free(sum);
	free(nested);
	free(closed);
	free(minus);
}

Test(pysrc, more_than_200_open_brackets_is_what_python_refuses)
{
	char *ok = repeat("x = ", "(", 200), *deep = repeat("y = 1\nx = ", "[", 201);
	const char *quoted = "x = '((((((((((((((((((((((((((((((((((((((((((((((('  # (((((\n";
	struct pysrc_nesting nest;

	pysrc_nesting(ok, strlen(ok), &nest);
	cr_expect_eq(nest.brackets_line, 0, "200 open: CPython compiles it");
	pysrc_nesting(deep, strlen(deep), &nest);
	cr_expect_eq(nest.brackets_line, 2, "201 open, on line 2");
	pysrc_nesting(quoted, strlen(quoted), &nest);
	cr_expect_eq(nest.brackets_line, 0, "brackets in strings and comments do not count");
	free(ok);
	free(deep);
}

/* A field name the grammar does not have would find nothing, silently: each is one of its own. */
Test(pysrc, every_field_read_is_the_grammar_s)
{
	static const char *const names[] = {
#define FIELD_NAME(id, name) [PYSRC_FIELD_##id] = name,
		PYSRC_FIELDS(FIELD_NAME)
#undef FIELD_NAME
	};

	for (int f = 0; f < PYSRC_FIELD_COUNT; f++)
		cr_expect_neq(ts_language_field_id_for_name(pysrc_language(), names[f],
							    (uint32_t)strlen(names[f])), 0,
			      "%s", names[f]);
}

/* pysrc_field() finds the child ts_node_child_by_field_name() finds. */
Test(pysrc, field_finds_the_child_of_that_name)
{
	const char *src = "x = op.create_table('t', sa.Column('id'))\n";
	TSTree *tree = pysrc_parse(parser, src, strlen(src), NULL);
	TSNode asg = ts_node_named_child(ts_node_named_child(ts_tree_root_node(tree), 0), 0);
	TSNode call = ts_node_child_by_field_name(asg, "right", 5);

	cr_assert(pysrc_node_is(asg, "assignment"));
	cr_expect(ts_node_eq(pysrc_field(asg, PYSRC_FIELD_LEFT),
			     ts_node_child_by_field_name(asg, "left", 4)));
	cr_expect(ts_node_eq(pysrc_field(asg, PYSRC_FIELD_RIGHT), call));
	cr_expect(pysrc_node_is(call, "call"));
	cr_expect(ts_node_eq(pysrc_field(call, PYSRC_FIELD_FUNCTION),
			     ts_node_child_by_field_name(call, "function", 8)));
	cr_expect(pysrc_node_text_is(src, pysrc_field(call, PYSRC_FIELD_FUNCTION),
				     "op.create_table"));
	cr_expect(ts_node_is_null(pysrc_field(call, PYSRC_FIELD_BODY)), "a call has no body");
	ts_tree_delete(tree);
}

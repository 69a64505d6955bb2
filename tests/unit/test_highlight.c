/* Syntax highlighting with the grammar's highlights.scm. */
#include "config.h"     /* memmem */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/highlight.h"
#include "migreview/pysrc.h"

static struct highlighter *hl;
static struct hl_spans spans;
static struct mr_error err;
static const char *src;
static size_t src_len;

static void
setup(void)
{
	hl = highlighter_new(&err);
	cr_assert(hl, "%s", err.msg);
}

static void
teardown(void)
{
	hl_spans_free(&spans);
	highlighter_free(hl);
}

TestSuite(highlight, .init = setup, .fini = teardown);

/* Every span non-empty, inside the source, after the one before it. */
static void
assert_well_formed(void)
{
	for (size_t i = 0; i < spans.n; i++) {
		const struct hl_span *s = &spans.v[i];

		cr_assert_lt(s->start, s->end, "span %zu is empty", i);
		cr_assert_leq(s->end, src_len, "span %zu ends past the source", i);
		cr_assert_lt(s->capture, highlight_capture_count(hl), "span %zu", i);
		if (i > 0)
			cr_assert_leq(spans.v[i - 1].end, s->start,
				      "span %zu [%u,%u) overlaps or precedes [%u,%u)", i,
				      s->start, s->end, spans.v[i - 1].start, spans.v[i - 1].end);
	}
}

static void
run_n(const char *s, size_t len)
{
	src = s;
	src_len = len;
	cr_assert_eq(highlight_source(hl, s, len, &spans, &err), 0, "%s", err.msg);
	assert_well_formed();
}

static void
run(const char *s)
{
	run_n(s, strlen(s));
}

/* The capture covering byte off, or NULL when the byte is uncaptured. */
static const char *
name_at(size_t off)
{
	size_t lo = 0, hi = spans.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (spans.v[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < spans.n && spans.v[lo].start <= off)
		return highlight_capture_name(hl, spans.v[lo].capture);
	return NULL;
}

/*
 * Bytes [skip, skip + n) of the first occurrence of ctx in the source all
 * carry the capture name (NULL: no capture at all).
 */
static void
expect_at(const char *ctx, size_t skip, size_t n, const char *name)
{
	const char *p = memmem(src, src_len, ctx, strlen(ctx));

	cr_assert(p, "\"%s\" is in the source", ctx);
	for (size_t i = skip; i < skip + n; i++) {
		const char *got = name_at((size_t)(p - src) + i);

		cr_expect(got ? name && !strcmp(got, name) : !name,
			  "byte %zu of \"%s\" ('%c'): %s, expected %s", i, ctx, ctx[i],
			  got ? got : "(none)", name ? name : "(none)");
	}
}

/* The whole of ctx carries the capture name. */
static void
expect(const char *ctx, const char *name)
{
	expect_at(ctx, 0, strlen(ctx), name);
}

static const char snippet[] =
	"import sqlalchemy as sa\n"
	"MAX_ROWS = 10\n"
	"class Order(Base):\n"
	"    \"\"\"doc\"\"\"\n"
	"    def run(self, x: int) -> None:  # comment\n"
	"        print(len(\"a\\n\"), f\"{x}\", None, True, 0x1F)\n"
	"        Order.objects.filter(id=3)\n";

Test(highlight, capture_names_are_those_of_highlights_scm)
{
	static const char *const want[] = {
		"variable", "constructor", "constant", "function", "function.method",
		"function.builtin", "property", "type", "constant.builtin", "number",
		"comment", "string", "escape", "punctuation.special", "embedded",
		"operator", "keyword",
	};
	uint16_t n = highlight_capture_count(hl);

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint16_t c = 0;

		while (c < n && strcmp(highlight_capture_name(hl, c), want[i]))
			c++;
		cr_expect_lt(c, n, "capture @%s", want[i]);
	}
	cr_expect_null(highlight_capture_name(hl, n));
}

Test(highlight, snippet_tokens_get_their_captures)
{
	run(snippet);
	expect("import", "keyword");
	expect("sqlalchemy", "variable");
	expect_at("sqlalchemy as sa", 11, 2, "keyword");
	expect_at("as sa", 3, 2, "variable");
	expect("MAX_ROWS", "constant");
	expect_at("MAX_ROWS = 10", 9, 1, "operator");
	expect("10", "number");
	expect("class", "keyword");
	expect_at("class Order", 6, 5, "constructor");
	expect("Base", "constructor");
	expect("\"\"\"doc\"\"\"", "string");
	expect("def", "keyword");
	expect("run", "function");
	expect("self", "variable");
	expect_at("x: int", 0, 1, "variable");
	expect("int", "type");
	expect("->", "operator");
	expect_at("-> None", 3, 4, "constant.builtin");
	expect("# comment", "comment");
	expect("print", "function.builtin");
	expect("len", "function.builtin");
	expect_at("\"a\\n\"", 0, 2, "string");
	expect_at("\"a\\n\"", 2, 2, "escape");
	expect_at("\"a\\n\"", 4, 1, "string");
	expect_at(", None,", 2, 4, "constant.builtin");
	expect("True", "constant.builtin");
	expect("0x1F", "number");
	expect_at("Order.objects", 0, 5, "constructor");
	expect("objects", "property");
	expect("filter", "property");   /* @property comes after @function.method */
	expect("id", "variable");
	expect_at("id=3", 2, 1, "operator");
	expect_at("id=3", 3, 1, "number");
	/* what no pattern captures stays plain: brackets, commas, colons, blanks */
	expect_at("Order(Base):", 5, 1, NULL);
	expect_at("Order(Base):", 10, 2, NULL);
	expect_at("x: int", 1, 2, NULL);
	expect_at("0x1F)", 4, 1, NULL);
	expect_at("    def", 0, 4, NULL);
	expect_at("Order.objects", 5, 1, NULL);
}

Test(highlight, later_pattern_wins_on_one_node)
{
	run("Foo = foo\nFOO_BAR = Foo_bar\nfrobnicate(x)\nprint(x)\nobj.method()\n");
	/* (identifier) @variable comes first in the query; later patterns override */
	expect_at("Foo = foo", 0, 3, "constructor");
	expect_at("Foo = foo", 6, 3, "variable");
	expect("FOO_BAR", "constant");
	expect("Foo_bar", "constructor");
	expect("frobnicate", "function");
	expect("print", "function.builtin");
	/*
	 * The method name is captured twice on one node: @function.method by a
	 * call pattern and @property by (attribute ...), which comes later.
	 */
	expect("method", "property");
	expect("obj", "variable");
}

Test(highlight, escapes_split_their_string)
{
	static const char s[] = "s = \"a\\tb\\x41c\"\n";
	static const struct { uint32_t start, end; const char *name; } want[] = {
		{ 0, 1, "variable" }, { 2, 3, "operator" },
		{ 4, 6, "string" }, { 6, 8, "escape" }, { 8, 9, "string" },
		{ 9, 13, "escape" }, { 13, 15, "string" },
	};

	run(s);
	cr_assert_eq(spans.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < spans.n; i++) {
		cr_expect_eq(spans.v[i].start, want[i].start, "span %zu", i);
		cr_expect_eq(spans.v[i].end, want[i].end, "span %zu", i);
		cr_expect_str_eq(highlight_capture_name(hl, spans.v[i].capture), want[i].name,
				 "span %zu", i);
	}
}

Test(highlight, fstring_fields_are_not_string)
{
	run("s = f\"total {count + 1:>{width}} rows\"\n");
	expect("f\"total ", "string");
	expect(" rows\"", "string");
	expect_at("{count", 0, 1, "punctuation.special");
	expect("count", "variable");
	expect_at("count + 1", 6, 1, "operator");
	expect_at("count + 1", 8, 1, "number");
	expect("width", "variable");
	/* the rest of the field is the interpolation's own capture */
	expect(":>{", "embedded");
	expect_at("}} rows", 1, 1, "punctuation.special");

	run(snippet);
	expect_at("f\"{x}\"", 0, 2, "string");
	expect_at("f\"{x}\"", 2, 1, "punctuation.special");
	expect_at("f\"{x}\"", 3, 1, "variable");
	expect_at("f\"{x}\"", 4, 1, "punctuation.special");
	expect_at("f\"{x}\"", 5, 1, "string");
}

Test(highlight, decorators_are_functions)
{
	run("@retry\ndef f(): pass\n");
	expect("@retry", "function");
	expect("pass", "keyword");
}

Test(highlight, spans_are_replaced_when_reused)
{
	run(snippet);
	cr_assert_gt(spans.n, 30);
	run("pass\n");
	cr_assert_eq(spans.n, 1);
	expect("pass", "keyword");
}

Test(highlight, empty_source_has_no_spans)
{
	run("");
	cr_expect_eq(spans.n, 0);
	cr_assert_eq(highlight_source(hl, NULL, 0, &spans, &err), 0, "%s", err.msg);
	cr_expect_eq(spans.n, 0);
}

Test(highlight, a_parsed_tree_highlights_the_same)
{
	struct pysrc_parser *p = pysrc_parser_new();
	struct hl_spans again = { 0 };
	TSTree *tree;

	cr_assert(p);
	run(snippet);
	tree = pysrc_parse(p, snippet, strlen(snippet), NULL);
	cr_assert(tree);
	cr_assert_eq(highlight_tree(hl, tree, snippet, &again, &err), 0, "%s", err.msg);
	cr_assert_eq(again.n, spans.n);
	for (size_t i = 0; i < spans.n; i++) {
		cr_expect_eq(again.v[i].start, spans.v[i].start);
		cr_expect_eq(again.v[i].end, spans.v[i].end);
		cr_expect_eq(again.v[i].capture, spans.v[i].capture);
	}
	hl_spans_free(&again);
	ts_tree_delete(tree);
	pysrc_parser_free(p);
}

Test(highlight, binary_garbage_does_not_crash)
{
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe def \x80\xc3(\"\0\"\n"
				  "class \xed\xa0\x80:\n\tf'{\xf4\x90\x80\x80}'\n";
	static const char alphabet[] = "()[]{}:=.,'\"\\#\n\t fx1_ABdefif";
	size_t n = 256 * 1024;
	char *junk = malloc(n);
	unsigned long x = 12345;

	cr_assert(junk);
	run_n(elf, sizeof(elf) - 1);
	expect_at("def", 0, 3, "keyword");
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		junk[i] = (char)(x >> 56);
	}
	run_n(junk, n);
	/* garbage that tokenizes: a Python alphabet in random order */
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		junk[i] = alphabet[(x >> 33) % (sizeof(alphabet) - 1)];
	}
	run_n(junk, n);
	free(junk);
}

Test(highlight, a_megabyte_line_highlights)
{
	size_t mb = 1024 * 1024, n = 0;
	char *s = malloc(3 * mb + 64);

	cr_assert(s);
	n += (size_t)sprintf(s + n, "x = \"");
	memset(s + n, 'a', mb);
	n += mb;
	n += (size_t)sprintf(s + n, "\"\nY = ");
	memset(s + n, 'A', mb);         /* one identifier for #match? to read */
	n += mb;
	n += (size_t)sprintf(s + n, "\n# ");
	memset(s + n, '\xff', mb);      /* a comment that is not UTF-8 */
	n += mb;
	s[n++] = '\n';
	run_n(s, n);
	cr_expect_eq(spans.n, 7);
	expect_at("x = \"aaaa", 4, 5, "string");
	expect_at("\"\nY", 0, 1, "string");
	expect_at("Y = AAAA", 0, 1, "constant");
	expect_at("Y = AAAA", 4, 4, "constant");
	expect_at("# \xff\xff", 0, 4, "comment");
	free(s);
}

Test(highlight, a_hundred_thousand_lines_highlight)
{
	size_t cap = 3 * 1024 * 1024, n = 0;
	char *s = malloc(cap);

	cr_assert(s);
	for (int i = 0; i < 100000; i++)
		n += (size_t)snprintf(s + n, cap - n, i % 2 ? "col_%06d = f\"{x}\"  # c\n"
				      : "print(%d, \"row\")  # line\n", i);
	cr_assert_geq(n, 2 * 1024 * 1024);
	run_n(s, n);
	/* 4 spans on even lines, 8 on odd ones: none is lost on the way */
	cr_expect_eq(spans.n, 50000 * 4 + 50000 * 8);
	expect("col_099999", "variable");
	expect_at("print(99998", 0, 5, "function.builtin");
	expect_at("print(99998", 6, 5, "number");
	free(s);
}

/* depth copies of pre, then mid, then depth copies of post, then end. */
static char *
nested(const char *pre, const char *mid, const char *post, const char *end, size_t depth)
{
	size_t lp = strlen(pre), lq = strlen(post), n = 0;
	char *s = malloc(depth * (lp + lq) + strlen(mid) + strlen(end) + 1);

	cr_assert(s);
	for (size_t i = 0; i < depth; i++, n += lp)
		memcpy(s + n, pre, lp);
	n += (size_t)sprintf(s + n, "%s", mid);
	for (size_t i = 0; i < depth; i++, n += lq)
		memcpy(s + n, post, lq);
	strcpy(s + n, end);
	return s;
}

Test(highlight, the_deepest_python_cpython_compiles_keeps_every_capture)
{
	/* CPython 3.11 compiles chains of up to about 2,990 attributes */
	char *s = nested("", "y = a", ".b", "()\n", 2900);

	run(s);
	expect_at("y = a", 6, 1, "property");
	expect_at(".b()", 1, 1, "property");
	free(s);
}

Test(highlight, nesting_no_compiler_accepts_still_highlights_below)
{
	/* 100,000 parentheses: the number inside keeps its colour */
	char *s = nested("(", "1", ")", "\n", 100000);
	run(s);
	cr_expect_eq(spans.n, 1);
	expect_at("(1)", 1, 1, "number");
	free(s);
	/* a chain of 100,000 attributes, which costs tree-sitter nodes x depth */
	s = nested("", "y = a", ".b", "()\n", 100000);
	run(s);
	expect_at("y = a", 0, 1, "variable");
	expect_at("y = a", 2, 1, "operator");
	/* near the bottom of the tree, (attribute ...) still matches */
	expect_at("y = a.b", 6, 1, "property");
	/* high above it only the identifier's own pattern is run */
	expect_at(".b()", 1, 1, "variable");
	free(s);
	s = nested("-", "1", "", "\n", 100000);
	run(s);
	expect_at("-1\n", 0, 1, "operator");
	expect_at("-1\n", 1, 1, "number");
	free(s);
}

/* Text predicates, through a query of our own. */

static const char pred_scm[] =
	"(identifier) @variable\n"
	"((identifier) @plain (#not-any-of? @plain \"self\" \"cls\"))\n"
	"((identifier) @self (#eq? @self \"self\"))\n"
	"((identifier) @cls (#any-of? @cls \"cls\" \"mcs\"))\n"
	"((identifier) @shout (#not-match? @shout \"[a-z]\"))\n"
	"((identifier) @numbered (#match? @numbered \"^x[0-9]+$\"))\n"
	"((identifier) @lua (#lua-match? @lua \"^z\"))\n"
	"((keyword_argument name: (identifier) @kw.same value: (identifier) @kw.value)\n"
	" (#eq? @kw.same @kw.value))\n"
	"((keyword_argument name: (identifier) @kw.diff value: (identifier) @kw.other)\n"
	" (#not-eq? @kw.diff @kw.other))\n"
	"((string) @sql (#match? @sql \"^\\\"(SELECT|ALTER) \"))\n";

Test(highlight, text_predicates_and_their_negations)
{
	struct highlighter *std = hl;

	hl = highlighter_new_query("test.scm", pred_scm, sizeof(pred_scm) - 1, &err);
	cr_assert(hl, "%s", err.msg);
	run("f(self, cls, mcs, XY, x1, xa, zed, a=a, b=c, \"SELECT 1\", \"select\")\n");
	expect("f", "plain");
	expect("self", "self");
	expect("cls", "cls");
	expect("mcs", "cls");
	expect("XY", "shout");
	expect("x1", "numbered");
	expect("xa", "plain");
	expect("zed", "plain");         /* #lua-match? is unknown: never matches */
	expect_at("a=a", 0, 1, "kw.same");
	expect_at("a=a", 2, 1, "kw.value");
	expect_at("b=c", 0, 1, "kw.diff");
	expect_at("b=c", 2, 1, "kw.other");
	expect("\"SELECT 1\"", "sql");
	expect("\"select\"", NULL);
	highlighter_free(hl);
	hl = std;
}

Test(highlight, a_predicate_holds_for_every_node_of_its_capture)
{
	static const char scm[] =
		"((argument_list . (identifier) @arg . (identifier) @arg .)\n"
		" (#any-of? @arg \"a\" \"b\"))\n";
	struct highlighter *std = hl;

	hl = highlighter_new_query("test.scm", scm, sizeof(scm) - 1, &err);
	cr_assert(hl, "%s", err.msg);
	run("f(a, b)\ng(a, c)\n");
	expect_at("(a, b)", 1, 1, "arg");
	expect_at("(a, b)", 4, 1, "arg");
	expect_at("(a, c)", 1, 1, NULL);
	expect_at("(a, c)", 4, 1, NULL);
	highlighter_free(hl);
	hl = std;
}

static void
expect_rejected(const char *scm, const char *msg)
{
	struct highlighter *bad = highlighter_new_query("test.scm", scm, strlen(scm), &err);

	cr_expect_null(bad, "%s is accepted", scm);
	cr_expect(strstr(err.msg, msg), "\"%s\" says \"%s\"", err.msg, msg);
	highlighter_free(bad);
}

Test(highlight, broken_queries_are_reported_with_their_line)
{
	expect_rejected("(identifier) @a\n((identifier) @b (#match? @b \"(unclosed\"))\n",
			"test.scm:2: \"(unclosed\" is not a POSIX extended regular expression");
	expect_rejected("\n\n((identifier) @b (#eq? @b))\n",
			"test.scm:3: #eq? needs a capture and a value");
	expect_rejected("((identifier) @b (#any-of? \"x\" @b))\n",
			"test.scm:1: #any-of? needs a capture and a value");
	expect_rejected("((identifier) @b (#match? @b \"x\" \"y\"))\n",
			"test.scm:1: #match? takes exactly two arguments");
	expect_rejected("((identifier) @b (#match? @b @b))\n",
			"test.scm:1: #match? takes strings after its capture");
	expect_rejected("(identifier) @a\n(no_such_node) @b\n",
			"test.scm:2: tree-sitter rejects the query");
}

Test(highlight, highlights_scm_regexes_are_posix_ere)
{
	/* highlighter_new() compiled them; check they select what they claim */
	run("Abc = ABC + A_B + aBC + abs(x) + absx(x) + __import__(x)\n");
	expect("Abc", "constructor");
	expect("ABC", "constant");
	expect("A_B", "constant");
	expect("aBC", "variable");
	expect("abs", "function.builtin");
	expect("absx", "function");
	expect("__import__", "function.builtin");
}

/* The parser guard of pysrc applies here too: such input would corrupt memory. */
Test(highlight, too_deep_statements_are_refused_not_parsed)
{
	size_t n = 70000;
	char *deep = malloc(n + 8);

	strcpy(deep, "x = ");
	memset(deep + 4, '-', n);
	deep[4 + n] = '\0';
	cr_expect_eq(highlight_source(hl, deep, strlen(deep), &spans, &err), -1);
	cr_expect(strstr(err.msg, "not highlighted"), "%s", err.msg);
	free(deep);
}

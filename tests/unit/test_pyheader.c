/*
 * The header scanner against the parser: what pysrc_header_scan() accepts
 * it must read exactly as pysrc_read_header() does, on written cases, on
 * every Python file of the fixtures and the example, and on the files under
 * $PYHEADER_CORPUS when it is set (real projects, by hand).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migreview/pysrc.h"

static struct pysrc_parser *parser;

static void
setup(void)
{
	parser = pysrc_parser_new();
	cr_assert(parser, "the grammar loads into libtree-sitter");
}

static void
teardown(void)
{
	pysrc_parser_free(parser);
}

TestSuite(pyheader, .init = setup, .fini = teardown);

static void
expect_same_value(const char *what, const char *name, const struct pyval *a,
		  const struct pyval *b)
{
	cr_expect_eq(a->kind, b->kind, "%s: %s: kind %d, the parser's %d", what, name, a->kind,
		     b->kind);
	cr_expect_eq(a->is_sequence, b->is_sequence, "%s: %s: sequence", what, name);
	cr_expect_eq(a->line, b->line, "%s: %s: line %u, the parser's %u", what, name, a->line,
		     b->line);
	cr_expect_eq(a->col, b->col, "%s: %s: column %u, the parser's %u", what, name, a->col,
		     b->col);
	cr_expect_eq(a->items.n, b->items.n, "%s: %s: %zu items, the parser's %zu", what, name,
		     a->items.n, b->items.n);
	for (size_t i = 0; i < a->items.n && i < b->items.n; i++)
		cr_expect_str_eq(a->items.v[i], b->items.v[i], "%s: %s: item %zu", what, name, i);
}

/* Scans src; when the scan accepts it, it must agree with the parser.  Whether it accepted. */
static bool
compare(const char *what, const char *src, size_t len)
{
	struct pysrc_header scanned, parsed;
	struct mr_error err;
	int rc = pysrc_header_scan(src, len, &scanned);

	cr_assert_neq(rc, -1, "%s: out of memory", what);
	if (rc == 0)
		return false;
	cr_assert_eq(pysrc_read_header(parser, src, len, &parsed, &err), 0, "%s: %s", what,
		     err.msg);
	/* around a syntax error the parser reads its own way: the session compares then */
	if (parsed.parse_error) {
		pysrc_header_free(&scanned);
		pysrc_header_free(&parsed);
		return true;
	}
	expect_same_value(what, "revision", &scanned.revision, &parsed.revision);
	expect_same_value(what, "down_revision", &scanned.down_revision, &parsed.down_revision);
	expect_same_value(what, "branch_labels", &scanned.branch_labels, &parsed.branch_labels);
	expect_same_value(what, "depends_on", &scanned.depends_on, &parsed.depends_on);
	cr_expect((!scanned.message && !parsed.message) ||
		  (scanned.message && parsed.message && !strcmp(scanned.message, parsed.message)),
		  "%s: message '%s', the parser's '%s'", what,
		  scanned.message ? scanned.message : "(none)",
		  parsed.message ? parsed.message : "(none)");
	pysrc_header_free(&scanned);
	pysrc_header_free(&parsed);
	return true;
}

static const struct {
	const char *src;
	bool accepted;
} cases[] = {
	{ "\"\"\"create users\n\nRevision ID: 1a2b\n\"\"\"\nfrom alembic import op\n\n"
	  "# revision identifiers, used by Alembic.\nrevision = '1a2b'\ndown_revision = None\n"
	  "branch_labels = None\ndepends_on = None\n\ndef upgrade():\n    revision = 'no'\n",
	  true },
	/* Alembic 1.13's template: annotations */
	{ "\"\"\"add x\"\"\"\nfrom typing import Sequence, Union\n\nrevision: str = \"ab12\"\n"
	  "down_revision: Union[str, None] = \"cd34\"\n"
	  "branch_labels: Union[str, Sequence[str], None] = None\n"
	  "depends_on: Union[str, Sequence[str], None] = None\n", true },
	{ "revision = 'a'\ndown_revision = ('b', 'c')\n", true },
	{ "revision = 'a'\ndown_revision = ['b',\n    'c',  # the other branch\n]\n", false },
	{ "revision = 'a'\ndown_revision = (\n    'b',\n    'c',\n)\n", true },
	{ "revision = 'a'  # noqa\ndown_revision = 'b' # after\n", true },
	{ "revision = ('a')\ndown_revision = ((\"b\"),)\n", true },
	{ "revision = 'a'\ndown_revision = 'b', 'c'\n", true },
	{ "revision = 'a',\ndown_revision = ()\nbranch_labels = []\n", true },
	{ "revision = down_revision = 'a'\n", true },
	{ "x = revision = 'a'\ndown_revision = ''\n", true },
	{ "revision = 'a'\nrevision = 'b'\ndown_revision = None\n", true },
	{ "revision = 'a' 'b'\n", false },
	{ "revision = f'a{x}'\n", false },
	{ "revision = 'a\\x62'\n", false },
	{ "revision = b'a'\n", false },
	{ "revision = r'a'\ndown_revision = u\"b\"\n", true },
	{ "revision = cli.EXPAND_BRANCH\n", false },
	{ "revision = ('a', cli.X)\n", false },
	{ "revision = 'a'; down_revision = None\n", false },
	{ "revision, down_revision = 'a', None\n", false },
	{ "revision += 'a'\n", true },
	{ "if True:\n    revision = 'nested'\nrevision = 'a'\n", true },
	{ "if x: revision = 'nested'\nrevision = 'a'\n", true },
	{ "def f(revision='x'):\n    pass\nrevision = 'a'\ndown_revision = None\n", true },
	{ "x = \"\"\"\nrevision = 'in a string'\n\"\"\"\nrevision = 'a'\n", true },
	{ "revision = \\\n    'a'\ndown_revision = None\n", true },
	{ "\"\"\"doc\"\"\"\r\nrevision = 'a'\r\ndown_revision = None\r\n", true },
	{ "\n\n# a comment\n'''  Title here  \n\nmore'''\nrevision = 'a'\n", true },
	{ "import os\n\"\"\"not the docstring\"\"\"\nrevision = 'a'\n", true },
	{ "\"doc\" \"more\"\nrevision = 'a'\n", false },
	{ "\"doc\\n\"\nrevision = 'a'\n", false },
	{ "  revision = 'a'\n", false },
	{ "revision = 'a\ndown_revision = None\n", false },
	{ "revision = ('a'\n", false },
	{ "revision = 'a')\n", false },
	{ "revision: str\nrevision = 'a'\n", true },
	{ "revision = None\n", true },
	{ "lambda_ = lambda revision='x': revision\nrevision = 'a'\n", false },
	{ "revision = 'a' if x else 'b'\n", false },
	{ "revision = ('a'  # why\n)\n", false },
	{ "\xef\xbb\xbfrevision = 'a'\n", false },
	{ "revision = 'ab12'\ndown_revision = None\n\n\ndef upgrade():\n    op.execute(\"\"\"\n"
	  "revision = 'x'\n\"\"\")\n    op.execute('''it''s''')\n", true },
	{ "@decorator\ndef revision():\n    pass\nrevision = 'a'\n", true },
	{ "class A:\n    revision = 'x'\nrevision = 'a'\n", true },
	{ "revision = 'a'\ndown_revision = None", true },
	{ "", true },
	/* found in review: the parser takes U+200B, U+FEFF and U+2060 for blanks */
	{ "revision = \"good\"\nrevision\xe2\x80\x8b= \"evil\"\ndown_revision = None\n", false },
	{ "revision = \"good\"\nrevision\xef\xbb\xbf= \"evil\"\n", false },
	/* a string inside an f-string's field, in the f-string's own quotes */
	{ "x = f\"\"\"{\"\"\"\nrevision = 'evil'\n\"\"\"}\"\"\"\nrevision = 'a'\n", false },
	{ "x = f'''{\"\"\"'''\nrevision = 'evil'\n'''\"\"\"}'''\nrevision = 'a'\n", false },
	/* a line continued inside a string still counts */
	{ "x = \"\"\"a \\\nb\"\"\"\nrevision = 'r'\ndown_revision = None\n", true },
	{ "x = 'a \\\nb'\nrevision = 'r'\ndown_revision = None\n", true },
	/* f-strings a migration's body is full of */
	{ "def upgrade():\n    op.execute(f\"UPDATE {table} SET x = {{1}} WHERE {cols[0]}\")\n"
	  "revision = 'a'\ndown_revision = None\n", true },
	{ "x = f'''{a:{w}}\n{b!r}'''\nrevision = 'a'\n", true },
	/* found by the fuzzer: the parser reads "r: down_revision = ..." across the line */
	{ "revision = 'a'\nr:\n    # a comment\ndown_revision = ('b', 'c')\n", false },
	/* the parser reads a line indented under no block as the module's, with no error */
	{ "\"\"\"doc\"\"\"\nrevision = 'a'\n    down_revision = 'b'\n", false },
	{ "revision = 'a'\nif x:\n    y = 1\n\n    z = 2\ndown_revision = None\n", true },
	/* found by the fuzzer: "dic." read with the next line */
	{ "revision = 'a'\ndic.\nrevision = 'b'\n", false },
};

Test(pyheader, written_cases)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[32];

		snprintf(what, sizeof(what), "case %zu", i);
		cr_expect_eq(compare(what, cases[i].src, strlen(cases[i].src)), cases[i].accepted,
			     "%s: the scanner %s it", what, cases[i].accepted ? "declined" : "accepted");
	}
}

struct tally {
	size_t files, accepted;
};

static void
walk(const char *dir, struct tally *t)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	cr_assert(d, "cannot open %s", dir);
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.' || (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
							    e->d_name) >= sizeof(path))
			continue;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, t);
		} else if (S_ISREG(st.st_mode) && n > 3 && !strcmp(e->d_name + n - 3, ".py") &&
			   st.st_size < (1 << 20)) {
			FILE *f = fopen(path, "rb");
			char *buf = malloc((size_t)st.st_size + 1);
			size_t len = f && buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;

			/* the parser's nesting guard keeps files it would refuse out of reach */
			if (f && buf && !memchr(buf, '\0', len)) {
				t->files++;
				t->accepted += compare(path, buf, len);
			}
			free(buf);
			if (f)
				fclose(f);
		}
	}
	closedir(d);
}

Test(pyheader, every_fixture_and_the_example)
{
	struct tally fixtures = { 0 }, example = { 0 };

	walk(FIXTURES, &fixtures);
	walk(EXAMPLES "/shop/migrations/versions", &example);
	cr_expect_gt(fixtures.files, 50, "the fixtures are there (%zu files)", fixtures.files);
	/* the template's headers are what the scanner is for: it reads them all */
	cr_expect_eq(example.accepted, example.files, "the example: %zu of %zu read",
		     example.accepted, example.files);
	cr_log_info("fixtures: %zu of %zu files read without the parser", fixtures.accepted,
		    fixtures.files);
}

Test(pyheader, corpus)
{
	const char *dir = getenv("PYHEADER_CORPUS");
	struct tally t = { 0 };

	if (!dir)
		return;
	walk(dir, &t);
	fprintf(stderr, "%s: %zu of %zu files read without the parser\n", dir, t.accepted,
		t.files);
}

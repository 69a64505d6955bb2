/*
 * A revision header read by a line scanner instead of tree-sitter, for the
 * first screen of a project whose files are not in the cache: a Python
 * tokenizer that knows strings, comments, brackets and logical lines, and
 * reads the module-level assignments of the four header names when their
 * values are plain literals.  Anything else it declines, and the caller
 * parses the file: what it accepts in a file without a syntax error it
 * reads exactly as pysrc_header_from_tree() does (tests/unit/test_pyheader.c
 * and the fuzz harness "header" compare the two; around a syntax error the
 * session compares them after the parse).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "migreview/pysrc.h"

enum tok_kind { TOK_NAME, TOK_STRING, TOK_OP, TOK_COMMENT, TOK_NEWLINE, TOK_END };

struct tok {
	enum tok_kind kind;
	size_t start, end;      /* bytes of the token; of a string its body, quotes excluded */
	unsigned line, col;     /* 1-based, col in bytes */
	bool plain;             /* a string whose body is its value: no escape, no b or f prefix */
};

struct scan {
	const char *s;
	size_t len, i, line_start;
	unsigned line;
	size_t depth;           /* open brackets */
};

/* Operators of two and three characters, longest first: "=" alone assigns. */
static const char *const long_ops[] = {
	"**=", "//=", ">>=", "<<=", "...",
	"==", "!=", "<=", ">=", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
	"->", "**", "//", "<<", ">>",
};

/* ASCII only: the parser takes some other characters for blanks (U+200B, U+FEFF) */
static bool
name_char(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * The replacement field of an f-string at sc->i, just past its "{": 0 past
 * its "}", or -1 when it holds what only the parser reads (a string, which
 * may use the f-string's own quotes, an escape, a comment).
 */
static int
fstring_field(struct scan *sc, bool triple)
{
	const char *s = sc->s;

	for (size_t depth = 1; depth > 0; sc->i++) {
		if (sc->i >= sc->len || strchr("'\"\\#", s[sc->i]) || (!triple && s[sc->i] == '\n'))
			return -1;
		if (s[sc->i] == '{' || s[sc->i] == '(' || s[sc->i] == '[')
			depth++;
		else if (s[sc->i] == '}' || s[sc->i] == ')' || s[sc->i] == ']')
			depth--;
		else if (s[sc->i] == '\n')
			sc->line++, sc->line_start = sc->i + 1;
	}
	return 0;
}

static void
start(struct scan *sc, struct tok *t, enum tok_kind kind)
{
	t->kind = kind;
	t->start = sc->i;
	t->line = sc->line;
	t->col = (unsigned)(sc->i - sc->line_start + 1);
	t->plain = false;
}

/* The string whose quote is at sc->i, after a prefix of prefix_len letters: 0, or -1. */
static int
string_tok(struct scan *sc, struct tok *t, size_t prefix_len)
{
	const char *s = sc->s;
	char q = s[sc->i];
	bool triple = sc->i + 2 < sc->len && s[sc->i + 1] == q && s[sc->i + 2] == q;
	bool escape = false, value = true, fields = false;
	size_t open = triple ? 3 : 1;

	for (size_t k = sc->i - prefix_len; k < sc->i; k++) {
		value = value && strchr("rRuU", s[k]) != NULL;
		fields = fields || s[k] == 'f' || s[k] == 'F';
	}
	sc->i += open;
	t->start = sc->i;
	for (;;) {
		/* most of a string is none of the bytes that matter here */
		while (sc->i < sc->len && s[sc->i] != q && s[sc->i] != '\\' && s[sc->i] != '\n' &&
		       !(fields && s[sc->i] == '{'))
			sc->i++;
		if (sc->i >= sc->len || (!triple && s[sc->i] == '\n'))
			return -1;      /* unterminated: a syntax error, the parser's to say */
		if (s[sc->i] == '\\') {
			escape = true;
			/* a line continued inside the string is still a line */
			if (sc->i + 1 < sc->len && s[sc->i + 1] == '\n')
				sc->line++, sc->line_start = sc->i + 2;
			sc->i += 2;
			continue;
		}
		if (s[sc->i] == '{') {
			sc->i++;
			if (sc->i < sc->len && s[sc->i] == '{')
				sc->i++;        /* "{{" is a brace */
			else if (fstring_field(sc, triple) < 0)
				return -1;
			continue;
		}
		if (s[sc->i] == q && (!triple || (sc->i + 2 < sc->len && s[sc->i + 1] == q &&
						  s[sc->i + 2] == q)))
			break;
		if (s[sc->i] == '\n') {
			sc->line++;
			sc->line_start = sc->i + 1;
		}
		sc->i++;
	}
	t->end = sc->i;
	sc->i += open;
	t->plain = value && !escape;
	return 0;
}

/* Blanks, backslash continuations, and line ends inside brackets. */
static void
skip_blanks(struct scan *sc)
{
	const char *s = sc->s;

	while (sc->i < sc->len) {
		if (s[sc->i] == ' ' || s[sc->i] == '\t' ||
		    (s[sc->i] == '\r' && sc->i + 1 < sc->len && s[sc->i + 1] == '\n')) {
			sc->i++;
		} else if (s[sc->i] == '\\' && sc->i + 1 < sc->len && s[sc->i + 1] == '\n') {
			sc->i += 2;
			sc->line++;
			sc->line_start = sc->i;
		} else if (s[sc->i] == '\n' && sc->depth) {
			sc->i++;        /* inside brackets a line goes on */
			sc->line++;
			sc->line_start = sc->i;
		} else {
			break;
		}
	}
}

/* A name, or the string it is the prefix of: 0, or -1. */
static int
name_tok(struct scan *sc, struct tok *t)
{
	const char *s = sc->s;
	size_t from = sc->i;

	t->kind = TOK_NAME;
	while (sc->i < sc->len && name_char((unsigned char)s[sc->i]))
		sc->i++;
	t->end = sc->i;
	/* a short run of prefix letters before a quote starts a string */
	if (sc->i < sc->len && (s[sc->i] == '"' || s[sc->i] == '\'') && sc->i - from <= 2 &&
	    strspn(s + from, "rRuUbBfF") >= sc->i - from) {
		t->kind = TOK_STRING;
		return string_tok(sc, t, sc->i - from);
	}
	return 0;
}

/* An operator or a bracket: 0, or -1. */
static int
op_tok(struct scan *sc, struct tok *t)
{
	const char *s = sc->s;

	for (size_t k = 0; k < MR_ARRAY_SIZE(long_ops); k++) {
		size_t n;

		if (long_ops[k][0] != s[sc->i])
			continue;
		n = strlen(long_ops[k]);
		if (sc->i + n <= sc->len && !memcmp(s + sc->i, long_ops[k], n)) {
			sc->i += n;
			t->end = sc->i;
			return 0;
		}
	}
	/* a lone \r, a form feed, a stray backslash: Python reads them its own way */
	/* past ASCII the parser may read a blank (U+200B) or a name: the parser's to say */
	if ((unsigned char)s[sc->i] >= 0x80)
		return -1;
	switch (s[sc->i]) {
	case '\0': case '\r': case '\f': case '\\': case '\v':
		return -1;
	case '(': case '[': case '{':
		/* as deep as the parser refuses to go (PYSRC_MAX_NESTING): the parser's to say */
		if (++sc->depth > PYSRC_MAX_NESTING)
			return -1;
		break;
	case ')': case ']': case '}':
		if (!sc->depth)
			return -1;
		sc->depth--;
		break;
	}
	t->end = ++sc->i;
	return 0;
}

/* The next token: 0, or -1 where the scanner gives up on the file. */
static int
next(struct scan *sc, struct tok *t)
{
	const char *s = sc->s;

	skip_blanks(sc);
	if (sc->i >= sc->len) {
		start(sc, t, TOK_END);
		t->end = sc->i;
		return sc->depth ? -1 : 0;
	}
	if (s[sc->i] == '\n') {
		start(sc, t, TOK_NEWLINE);
		t->end = ++sc->i;
		sc->line++;
		sc->line_start = sc->i;
		return 0;
	}
	if (s[sc->i] == '#') {
		start(sc, t, TOK_COMMENT);
		while (sc->i < sc->len && s[sc->i] != '\n')
			sc->i++;
		t->end = sc->i;
		return 0;
	}
	start(sc, t, TOK_OP);
	if (s[sc->i] == '"' || s[sc->i] == '\'') {
		t->kind = TOK_STRING;
		return string_tok(sc, t, 0);
	}
	if (name_char((unsigned char)s[sc->i]))
		return name_tok(sc, t);
	return op_tok(sc, t);
}

/* One logical line's tokens, comments among them. */
struct line {
	struct tok *v;
	size_t n, cap;
};

static bool
is_op(const struct scan *sc, const struct tok *t, const char *op)
{
	return t->kind == TOK_OP && t->end - t->start == strlen(op) &&
	       !memcmp(sc->s + t->start, op, t->end - t->start);
}

static bool
is_name(const struct scan *sc, const struct tok *t, const char *name)
{
	return t->kind == TOK_NAME && t->end - t->start == strlen(name) &&
	       !memcmp(sc->s + t->start, name, t->end - t->start);
}

static struct pyval *
field_of(const struct scan *sc, const struct tok *t, struct pysrc_header *h)
{
	if (t->kind != TOK_NAME)
		return NULL;
	if (is_name(sc, t, "revision"))
		return &h->revision;
	if (is_name(sc, t, "down_revision"))
		return &h->down_revision;
	if (is_name(sc, t, "branch_labels"))
		return &h->branch_labels;
	if (is_name(sc, t, "depends_on"))
		return &h->depends_on;
	return NULL;
}

/* Statements that are not assignments, whatever names they hold. */
static bool
starts_compound(const struct scan *sc, const struct tok *t)
{
	static const char *const words[] = {
		"if", "elif", "else", "for", "while", "try", "except", "finally", "with",
		"def", "class", "async", "del", "global", "nonlocal", "import", "from",
		"return", "pass", "raise", "assert",
	};

	if (is_op(sc, t, "@"))
		return true;
	for (size_t i = 0; i < MR_ARRAY_SIZE(words); i++)
		if (is_name(sc, t, words[i]))
			return true;
	return false;
}

/* tokens [a, b) are one plain string, or one in parentheses: its index, or -1. */
static long
one_string(const struct scan *sc, const struct tok *v, size_t a, size_t b)
{
	while (b - a >= 3 && is_op(sc, &v[a], "(") && is_op(sc, &v[b - 1], ")"))
		a++, b--;
	return b - a == 1 && v[a].kind == TOK_STRING && v[a].plain ? (long)a : -1;
}

static int
push_string(const struct scan *sc, const struct tok *t, struct pyval *val)
{
	return strvec_push_n(&val->items, sc->s + t->start, t->end - t->start);
}

static bool
opens(const struct scan *sc, const struct tok *t)
{
	return is_op(sc, t, "(") || is_op(sc, t, "[") || is_op(sc, t, "{");
}

static bool
closes(const struct scan *sc, const struct tok *t)
{
	return is_op(sc, t, ")") || is_op(sc, t, "]") || is_op(sc, t, "}");
}

/*
 * The items of a tuple or list, tokens [a, b) without its brackets: plain
 * strings (each may sit in parentheses) separated by commas, a trailing one
 * allowed.  1 when read, 0 for anything else, -1.
 */
static int
read_items(const struct scan *sc, const struct tok *v, size_t a, size_t b, struct pyval *val)
{
	size_t from = a, depth = 0;

	for (size_t k = a; k <= b; k++) {
		long str;

		if (k < b) {
			depth += opens(sc, &v[k]);
			depth -= closes(sc, &v[k]);
			if (depth || !is_op(sc, &v[k], ","))
				continue;
		}
		if (k == from)          /* "()", or after a trailing comma; ",," is not Python */
			return k == b ? 1 : 0;
		str = one_string(sc, v, from, k);
		if (str < 0)
			return 0;
		if (push_string(sc, &v[str], val) < 0)
			return -1;
		from = k + 1;
	}
	return 1;
}

/* Where [a, b) is one bracketed group, "(" ... ")": whether it closes at b - 1. */
static bool
one_group(const struct scan *sc, const struct tok *v, size_t a, size_t b)
{
	size_t depth = 0;

	for (size_t k = a; k < b; k++) {
		depth += opens(sc, &v[k]);
		depth -= closes(sc, &v[k]);
		if (depth == 0)
			return k == b - 1;
	}
	return false;
}

/* Whether [a, b) has a comma outside any bracket of its own. */
static bool
has_comma(const struct scan *sc, const struct tok *v, size_t a, size_t b)
{
	size_t depth = 0;

	for (size_t k = a; k < b; k++) {
		depth += opens(sc, &v[k]);
		depth -= closes(sc, &v[k]);
		if (depth == 0 && is_op(sc, &v[k], ","))
			return true;
	}
	return false;
}

/* The value, tokens [a, b), as pysrc_value() reads it: 1, 0 when it is not plain, -1. */
static int
read_value(const struct scan *sc, const struct tok *v, size_t a, size_t b, struct pyval *val)
{
	int rc;

	pyval_free(val);
	memset(val, 0, sizeof(*val));
	if (a == b)
		return 0;
	val->line = v[a].line;
	val->col = v[a].col;
	/* parentheses around one value are not a tuple */
	while (b - a >= 2 && is_op(sc, &v[a], "(") && one_group(sc, v, a, b) &&
	       b - a > 2 && !has_comma(sc, v, a + 1, b - 1))
		a++, b--;
	if (b - a == 1 && is_name(sc, &v[a], "None")) {
		val->kind = PYVAL_NONE;
		return 1;
	}
	if (b - a == 1 && v[a].kind == TOK_STRING) {
		if (!v[a].plain)
			return 0;
		if ((rc = push_string(sc, &v[a], val)) < 0)
			return -1;
		val->kind = val->items.v[0][0] ? PYVAL_STRINGS : PYVAL_NONE;
		return 1;
	}
	val->is_sequence = true;
	if ((is_op(sc, &v[a], "(") || is_op(sc, &v[a], "[")) && one_group(sc, v, a, b))
		rc = read_items(sc, v, a + 1, b - 1, val);
	else if (has_comma(sc, v, a, b))
		rc = read_items(sc, v, a, b, val);      /* revision = "a", "b" */
	else
		rc = 0;
	if (rc == 1)
		val->kind = val->items.n ? PYVAL_STRINGS : PYVAL_NONE;
	return rc;
}

/* Target e of an assignment, tokens [a, b): one name, the first annotated (revision: str). */
static bool
one_name(const struct scan *sc, const struct tok *v, size_t a, size_t b, bool may_annotate)
{
	return v[a].kind == TOK_NAME &&
	       (b - a == 1 || (may_annotate && b - a >= 3 && is_op(sc, &v[a + 1], ":")));
}

/*
 * A statement at module level, tokens [0, n) of its logical line: sets the
 * header values it assigns.  1, 0 when it cannot be read here, -1.
 */
static int
read_statement(const struct scan *sc, const struct tok *v, size_t n, struct pysrc_header *h)
{
	size_t eq[16], n_eq = 0, depth = 0;
	bool named = false, unsure = false;
	int rc = 1;

	for (size_t k = 0; k < n; k++) {
		named = named || field_of(sc, &v[k], h);
		/* a comment inside brackets can make "(x)" no longer x; ";" two statements */
		unsure = unsure || v[k].kind == TOK_COMMENT || (!depth && is_op(sc, &v[k], ";"));
		depth += opens(sc, &v[k]);
		depth -= closes(sc, &v[k]);
		if (!depth && is_op(sc, &v[k], "=")) {
			if (n_eq == MR_ARRAY_SIZE(eq))
				return 0;
			eq[n_eq++] = k;
		}
	}
	if (!named)
		return 1;
	if (unsure)
		return 0;
	/* a header name anywhere in a target that is not one name: the parser's to read */
	for (size_t e = 0; e < n_eq; e++) {
		size_t a = e ? eq[e - 1] + 1 : 0;

		if (one_name(sc, v, a, eq[e], n_eq == 1))
			continue;
		for (size_t k = a; k < eq[e]; k++)
			if (field_of(sc, &v[k], h))
				return 0;
	}
	for (size_t e = 0; e < n_eq && rc == 1; e++) {
		size_t a = e ? eq[e - 1] + 1 : 0;
		struct pyval *field = field_of(sc, &v[a], h);
		struct pyval value = { 0 };

		if (!field || !one_name(sc, v, a, eq[e], n_eq == 1))
			continue;
		rc = read_value(sc, v, eq[n_eq - 1] + 1, n, &value);
		if (rc == 1) {
			pyval_free(field);
			*field = value;
		} else {
			pyval_free(&value);
		}
	}
	return rc;
}

/* The first statement of the module, tokens [0, n): its docstring.  1, 0, -1. */
static int
read_docstring(const struct scan *sc, const struct tok *v, size_t n, struct pysrc_header *h)
{
	char *doc;

	if (v[0].kind != TOK_STRING)
		return 1;
	if (n != 1 || !v[0].plain)
		return 0;
	doc = mr_strndup(sc->s + v[0].start, v[0].end - v[0].start);
	if (!doc)
		return -1;
	h->message = pysrc_doc_first_line(doc);
	free(doc);
	return h->message ? 1 : -1;
}

int
pysrc_header_scan(const char *src, size_t len, struct pysrc_header *out)
{
	struct scan sc = { src, len, 0, 0, 1, 0 };
	struct line ln = { 0 };
	bool first = true, opens_block = false;
	int rc = 1;

	memset(out, 0, sizeof(*out));
	/* a byte-order mark: the parser's to read */
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		return 0;
	while (rc == 1) {
		struct tok t;

		if (next(&sc, &t) < 0) {
			rc = 0;
			break;
		}
		/* a comment outside brackets ends its line: it is no part of a statement */
		if (t.kind == TOK_COMMENT && !sc.depth)
			continue;
		if (t.kind != TOK_NEWLINE && t.kind != TOK_END) {
			if (mr_grow(&ln.v, &ln.cap, ln.n + 1, sizeof(*ln.v)) < 0) {
				rc = -1;
				break;
			}
			ln.v[ln.n++] = t;
			continue;
		}
		/* a logical line ends: only those starting in column 1 are the module's */
		if (ln.n && first)
			rc = ln.v[0].col != 1 ? 0 : read_docstring(&sc, ln.v, ln.n, out);
		/* indented with no block to be in: the parser reads it as the module's */
		if (rc == 1 && ln.n && ln.v[0].col != 1 && !opens_block)
			rc = 0;
		/*
		 * A line that ends waiting for more ("r:", "dic."): the parser may
		 * read it with the next line as one ("r: down_revision = ...").
		 */
		if (rc == 1 && ln.n && ln.v[ln.n - 1].kind == TOK_OP && !closes(&sc, &ln.v[ln.n - 1]) &&
		    !is_op(&sc, &ln.v[ln.n - 1], ",") &&
		    !(starts_compound(&sc, &ln.v[0]) && is_op(&sc, &ln.v[ln.n - 1], ":")))
			rc = 0;
		if (rc == 1 && ln.n && ln.v[0].col == 1 && !starts_compound(&sc, &ln.v[0]))
			rc = read_statement(&sc, ln.v, ln.n, out);
		first = first && !ln.n;
		if (ln.n)
			opens_block = is_op(&sc, &ln.v[ln.n - 1], ":") || ln.v[0].col != 1;
		ln.n = 0;
		if (t.kind == TOK_END)
			break;
	}
	free(ln.v);
	if (rc != 1)
		pysrc_header_free(out);
	return rc;
}

char *
pysrc_doc_first_line(const char *doc)
{
	const char *s = doc;
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strcspn(s, "\r\n");
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return mr_strndup(s, len);
}

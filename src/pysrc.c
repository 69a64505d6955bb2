/* Python source through tree-sitter: the revision header of a module. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "migreview/pysrc.h"
#include "migreview/util.h"

const TSLanguage *tree_sitter_python(void);

struct pysrc_parser {
	TSParser *ts;
};

/* What one file's walk needs: the source and where results go. */
struct reader {
	const char *src;
	struct pysrc_header *out;
	struct mr_error *err;
};

const TSLanguage *
pysrc_language(void)
{
	return tree_sitter_python();
}

static TSFieldId field_ids[PYSRC_FIELD_COUNT];
static once_flag field_ids_once = ONCE_FLAG_INIT;

static void
look_up_fields(void)
{
	static const char *const names[] = {
#define PYSRC_FIELD_NAME(id, name) [PYSRC_FIELD_##id] = name,
		PYSRC_FIELDS(PYSRC_FIELD_NAME)
#undef PYSRC_FIELD_NAME
	};

	for (int f = 0; f < PYSRC_FIELD_COUNT; f++)
		field_ids[f] = ts_language_field_id_for_name(tree_sitter_python(), names[f],
							     (uint32_t)strlen(names[f]));
}

TSNode
pysrc_field(TSNode n, enum pysrc_field f)
{
	call_once(&field_ids_once, look_up_fields);
	return ts_node_child_by_field_id(n, field_ids[f]);
}

/*
 * Tree-sitter's small blocks, kept by the thread that freed them for its
 * next parse.  Deleting a tree frees thousands of nodes at once, more than
 * malloc's own per-thread cache holds: the rest went through its slower
 * bins, and the next large request merged them all only for the next parse
 * to split them again (6% of the instructions of a cold `check`).  A list
 * holds blocks of one malloc size class (24, 40, 56 ... usable bytes), each
 * block's first bytes the link to the next.
 */
#define POOL_CLASSES 32
#define POOL_MAX_BYTES (4u << 20)       /* kept per thread, at most */

static _Thread_local struct {
	void *head[POOL_CLASSES];
	size_t bytes;
} pool;

/* The class whose blocks hold size bytes: size 24 or less, 0; then one per 16 bytes. */
static size_t
pool_class(size_t size)
{
	return size <= 24 ? 0 : (size - 24 + 15) / 16;
}

static void *
pool_malloc(size_t size)
{
	size_t c = pool_class(size);
	void *p;

	if (c < POOL_CLASSES && (p = pool.head[c])) {
		memcpy(&pool.head[c], p, sizeof(void *));
		pool.bytes -= 24 + 16 * c;
		return p;
	}
	/* what tree-sitter's own allocator does: its callers cannot be told */
	if (!(p = malloc(size)) && size) {
		fprintf(stderr, "tree-sitter failed to allocate %zu bytes", size);
		exit(1);
	}
	return p;
}

static void *
pool_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size) {
		fprintf(stderr, "tree-sitter failed to allocate %zu x %zu bytes", n, size);
		exit(1);
	}
	if ((p = pool_malloc(n * size)))
		memset(p, 0, n * size);
	return p;
}

static void
pool_free(void *p)
{
	/* the class a block can serve is the one its usable size fills (rounded down) */
	size_t usable = p ? malloc_usable_size(p) : 0, c = (usable - 24) / 16;

	if (usable < 24 || c >= POOL_CLASSES || pool.bytes + 24 + 16 * c > POOL_MAX_BYTES) {
		free(p);
		return;
	}
	memcpy(p, &pool.head[c], sizeof(void *));
	pool.head[c] = p;
	pool.bytes += 24 + 16 * c;
}

/* Gives the calling thread's pooled blocks back to malloc. */
static void
pool_drain(void)
{
	for (size_t c = 0; c < POOL_CLASSES; c++)
		while (pool.head[c]) {
			void *p = pool.head[c];

			memcpy(&pool.head[c], p, sizeof(void *));
			free(p);
		}
	pool.bytes = 0;
}

/* Under AddressSanitizer a freed node must stay freed, or its misuse goes unseen. */
#ifdef __SANITIZE_ADDRESS__
#define POOL_ON false
#else
#define POOL_ON true
#endif

static void
use_pool(void)
{
	if (POOL_ON)
		ts_set_allocator(pool_malloc, pool_calloc, NULL, pool_free);
}

struct pysrc_parser *
pysrc_parser_new(void)
{
	static once_flag pool_once = ONCE_FLAG_INIT;
	struct pysrc_parser *p = calloc(1, sizeof(*p));

	call_once(&pool_once, use_pool);
	if (!p)
		return NULL;
	p->ts = ts_parser_new();
	if (!p->ts || !ts_parser_set_language(p->ts, tree_sitter_python())) {
		pysrc_parser_free(p);
		return NULL;
	}
	return p;
}

void
pysrc_parser_free(struct pysrc_parser *p)
{
	if (!p)
		return;
	if (p->ts)
		ts_parser_delete(p->ts);
	free(p);
	/* a loader thread frees its parser last: what it pooled is not kept past it */
	pool_drain();
}

bool
pysrc_node_is(TSNode n, const char *type)
{
	return !ts_node_is_null(n) && !strcmp(ts_node_type(n), type);
}

char *
pysrc_node_text(const char *src, TSNode n)
{
	return mr_strndup(src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
}

bool
pysrc_node_text_is(const char *src, TSNode n, const char *text)
{
	size_t len;

	if (ts_node_is_null(n))
		return false;
	len = ts_node_end_byte(n) - ts_node_start_byte(n);
	return strlen(text) == len && !memcmp(src + ts_node_start_byte(n), text, len);
}

static void
put_utf8(char **o, unsigned long cp)
{
	*o += mr_utf8_put(cp, *o);
}

/* Decodes one escape at *pp (just past the backslash) into *o. */
static void
decode_escape(const char **pp, const char *end, char **o)
{
	static const char simple[] = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
	const char *p = *pp;
	unsigned long cp = 0;
	int digits = 0;

	for (const char *s = simple; *s; s += 2) {
		if (*p == s[0]) {
			*(*o)++ = s[1];
			*pp = p + 1;
			return;
		}
	}
	if (*p == '\n') {               /* line continuation */
		*pp = p + 1;
		return;
	}
	if (*p >= '0' && *p <= '7') {
		while (digits < 3 && p < end && *p >= '0' && *p <= '7')
			cp = cp * 8 + (unsigned long)(*p++ - '0'), digits++;
		put_utf8(o, cp);
		*pp = p;
		return;
	}
	digits = *p == 'x' ? 2 : *p == 'u' ? 4 : *p == 'U' ? 8 : 0;
	if (digits && p + digits < end) {
		int i;

		for (i = 1; i <= digits && mr_hex_digit(p[i]) >= 0; i++)
			cp = cp * 16 + (unsigned long)mr_hex_digit(p[i]);
		if (i > digits && cp <= 0x10FFFF) {
			put_utf8(o, cp);
			*pp = p + digits + 1;
			return;
		}
	}
	/* unknown escapes (and \N{...}) stay as written, as Python keeps them */
	*(*o)++ = '\\';
	*pp = p;
}

/*
 * Appends the value of one string node to *acc.  Returns 1 when the node is
 * a plain str literal, 0 when it is not (bytes, f-string with fields).
 */
static int
string_value(const char *src, TSNode str, struct strvec *acc)
{
	uint32_t n = ts_node_named_child_count(str);
	TSNode start, end;
	const char *prefix, *body, *stop;
	bool raw = false;
	char *buf, *o;

	if (n < 2)
		return 0;
	start = ts_node_named_child(str, 0);
	end = ts_node_named_child(str, n - 1);
	if (!pysrc_node_is(start, "string_start") || !pysrc_node_is(end, "string_end"))
		return 0;
	prefix = src + ts_node_start_byte(start);
	body = src + ts_node_end_byte(start);
	stop = src + ts_node_start_byte(end);
	for (const char *q = prefix; q < body && *q != '"' && *q != '\''; q++) {
		if (*q == 'b' || *q == 'B' || *q == 'f' || *q == 'F')
			return 0;
		raw = raw || *q == 'r' || *q == 'R';
	}
	for (uint32_t i = 1; i + 1 < n; i++)
		if (!pysrc_node_is(ts_node_named_child(str, i), "string_content"))
			return 0;
	o = buf = malloc((size_t)(stop - body) + 1);
	if (!buf)
		return -1;
	for (const char *p = body; p < stop;) {
		if (*p == '\\' && !raw && p + 1 < stop) {
			p++;
			decode_escape(&p, stop, &o);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	if (acc->n == 0)
		return strvec_push_owned(acc, buf) < 0 ? -1 : 1;
	/* implicit concatenation */
	o = mr_printf("%s%s", acc->v[acc->n - 1], buf);
	free(buf);
	if (!o)
		return -1;
	free(acc->v[acc->n - 1]);
	acc->v[acc->n - 1] = o;
	return 1;
}

/* A string or concatenated_string literal as one item of acc: 1, 0 or -1. */
static int
literal_string(const char *src, TSNode n, struct strvec *acc)
{
	struct strvec one = { 0 };
	int rc = 0;

	if (pysrc_node_is(n, "string")) {
		rc = string_value(src, n, &one);
	} else if (pysrc_node_is(n, "concatenated_string")) {
		uint32_t count = ts_node_named_child_count(n);

		for (uint32_t i = 0; i < count; i++) {
			TSNode part = ts_node_named_child(n, i);

			if (!pysrc_node_is(part, "string"))
				continue;       /* comments between the parts */
			rc = string_value(src, part, &one);
			if (rc <= 0)
				break;
		}
	}
	if (rc == 1 && strvec_push_owned(acc, one.v[0]) < 0)
		rc = -1;
	else if (rc == 1)
		one.n = 0;
	strvec_free(&one);
	return rc;
}

int
pysrc_string(const char *src, TSNode n, char **out)
{
	struct strvec one = { 0 };
	int rc = literal_string(src, n, &one);

	*out = rc == 1 ? one.v[0] : NULL;
	if (rc == 1)
		one.n = 0;
	strvec_free(&one);
	return rc;
}

static TSNode
unwrap_parens(TSNode n)
{
	while (pysrc_node_is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
		n = ts_node_named_child(n, 0);
	return n;
}

int
pysrc_dotted_name(const char *src, TSNode n, char **out)
{
	TSNode obj, attr;
	char *left = NULL;
	int rc;

	*out = NULL;
	if (pysrc_node_is(n, "identifier")) {
		*out = mr_strndup(src + ts_node_start_byte(n),
				  ts_node_end_byte(n) - ts_node_start_byte(n));
		return *out ? 1 : -1;
	}
	if (!pysrc_node_is(n, "attribute"))
		return 0;
	obj = pysrc_field(n, PYSRC_FIELD_OBJECT);
	attr = pysrc_field(n, PYSRC_FIELD_ATTRIBUTE);
	if (ts_node_is_null(obj) || ts_node_is_null(attr) || !pysrc_node_is(attr, "identifier"))
		return 0;
	if ((rc = pysrc_dotted_name(src, obj, &left)) <= 0)
		return rc;
	*out = mr_printf("%s.%.*s", left, (int)(ts_node_end_byte(attr) - ts_node_start_byte(attr)),
			 src + ts_node_start_byte(attr));
	free(left);
	return *out ? 1 : -1;
}

/* Records whether the item just added is a name; is_ref exists from the first name on. */
static int
mark_item(struct pyval *val, bool ref)
{
	size_t n = val->items.n;
	bool *grown;

	if (!val->is_ref && !ref)
		return 0;
	/* grown one by one: header values are short */
	grown = realloc(val->is_ref, n * sizeof(*val->is_ref));
	if (!grown)
		return -1;
	if (!val->is_ref)
		memset(grown, 0, n * sizeof(*grown));
	val->is_ref = grown;
	val->is_ref[n - 1] = ref;
	return 0;
}

/* One item of a header value: a string literal, or the name of a constant. */
static int
value_item(const char *src, TSNode n, struct pyval *val)
{
	char *name;
	int rc = literal_string(src, n, &val->items);

	if (rc != 0)
		return rc < 0 || mark_item(val, false) < 0 ? -1 : 1;
	if ((rc = pysrc_dotted_name(src, n, &name)) <= 0)
		return rc;
	if (strvec_push_owned(&val->items, name) < 0) {
		free(name);
		return -1;
	}
	return mark_item(val, true) < 0 ? -1 : 1;
}

void
pyval_free(struct pyval *v)
{
	strvec_free(&v->items);
	free(v->is_ref);
	free(v->why);
	v->is_ref = NULL;
	v->why = NULL;
}

/* A value that needs running code keeps its string literals only. */
static void
drop_refs(struct pyval *val)
{
	size_t n = 0;

	for (size_t i = 0; i < val->items.n; i++) {
		if (val->is_ref && val->is_ref[i])
			free(val->items.v[i]);
		else
			val->items.v[n++] = val->items.v[i];
	}
	val->items.n = n;
	free(val->is_ref);
	val->is_ref = NULL;
	val->kind = PYVAL_OTHER;
}

int
pysrc_value(const char *src, TSNode v, struct pyval *val)
{
	TSPoint at = ts_node_start_point(v);
	bool other = false;
	int rc = 1;

	pyval_free(val);
	val->is_sequence = false;
	val->line = at.row + 1;
	val->col = at.column + 1;
	v = unwrap_parens(v);
	if (pysrc_node_is(v, "none")) {
		val->kind = PYVAL_NONE;
		return 0;
	}
	if (pysrc_node_is(v, "tuple") || pysrc_node_is(v, "list") || pysrc_node_is(v, "expression_list")) {
		uint32_t count = ts_node_named_child_count(v);

		val->is_sequence = true;
		/* past an item that needs running code, to keep the literal parts */
		for (uint32_t i = 0; i < count && rc >= 0; i++) {
			TSNode item = ts_node_named_child(v, i);

			if (!pysrc_node_is(item, "comment") &&
			    (rc = value_item(src, unwrap_parens(item), val)) == 0)
				other = true;
		}
	} else {
		other = (rc = value_item(src, v, val)) == 0;
	}
	if (rc < 0)
		return -1;
	if (other)
		drop_refs(val);
	else if (val->is_ref)
		val->kind = PYVAL_REFS;
	else if (val->items.n == 0 || (!val->is_sequence && !val->items.v[0][0]))
		val->kind = PYVAL_NONE;         /* (), [] and "" are falsy: no value */
	else
		val->kind = PYVAL_STRINGS;
	return 0;
}

/* Reads the value node v into *val (replacing what was there). */
static int
read_value(const struct reader *r, TSNode v, struct pyval *val)
{
	return pysrc_value(r->src, v, val) < 0 ? mr_error_oom(r->err) : 0;
}

static struct pyval *
header_field(struct pysrc_header *h, const char *name, size_t len)
{
	static const struct { const char *name; size_t offset; } fields[] = {
		{ "revision", offsetof(struct pysrc_header, revision) },
		{ "down_revision", offsetof(struct pysrc_header, down_revision) },
		{ "branch_labels", offsetof(struct pysrc_header, branch_labels) },
		{ "depends_on", offsetof(struct pysrc_header, depends_on) },
	};

	for (size_t i = 0; i < MR_ARRAY_SIZE(fields); i++)
		if (strlen(fields[i].name) == len && !memcmp(fields[i].name, name, len))
			return (struct pyval *)((char *)h + fields[i].offset);
	return NULL;
}

/* "a = b = value" assigns value to every name of the chain. */
static int
read_assignment(const struct reader *r, TSNode asg)
{
	TSNode value = asg;
	TSNode targets[16];
	size_t nt = 0;

	while (pysrc_node_is(value, "assignment")) {
		TSNode left = pysrc_field(value, PYSRC_FIELD_LEFT);

		if (nt < MR_ARRAY_SIZE(targets))
			targets[nt++] = left;
		value = pysrc_field(value, PYSRC_FIELD_RIGHT);
		if (ts_node_is_null(value))
			return 0;               /* annotation only: "revision: str" */
	}
	for (size_t i = 0; i < nt; i++) {
		struct pyval *field;

		if (!pysrc_node_is(targets[i], "identifier"))
			continue;
		field = header_field(r->out, r->src + ts_node_start_byte(targets[i]),
				     ts_node_end_byte(targets[i]) - ts_node_start_byte(targets[i]));
		if (field && read_value(r, value, field) < 0)
			return -1;
	}
	return 0;
}

static int
read_docstring(const struct reader *r, TSNode stmt)
{
	struct strvec doc = { 0 };
	TSNode lit;
	int rc;

	if (!pysrc_node_is(stmt, "expression_statement") || ts_node_named_child_count(stmt) != 1)
		return 0;
	lit = ts_node_named_child(stmt, 0);
	rc = literal_string(r->src, lit, &doc);
	if (rc <= 0) {
		strvec_free(&doc);
		return rc < 0 ? mr_error_oom(r->err) : 0;
	}
	r->out->message = pysrc_doc_first_line(doc.v[0]);
	strvec_free(&doc);
	return r->out->message ? 0 : mr_error_oom(r->err);
}

/* Where the first syntax error is: the first ERROR or MISSING node. */
static void
find_error(TSNode root, unsigned *line, unsigned *col)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	TSPoint at = ts_node_start_point(root);

	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);

		if (ts_node_is_missing(n) || pysrc_node_is(n, "ERROR")) {
			at = ts_node_start_point(n);
			break;
		}
		if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&c))
			continue;
		while (!ts_tree_cursor_goto_next_sibling(&c))
			if (!ts_tree_cursor_goto_parent(&c))
				goto done;
	}
done:
	ts_tree_cursor_delete(&c);
	*line = at.row + 1;
	*col = at.column + 1;
}

/* Skips a string literal starting at its quote; returns the index after it. */
static size_t
skip_string(const char *s, size_t len, size_t i, unsigned *line)
{
	char q = s[i];
	bool triple = i + 2 < len && s[i + 1] == q && s[i + 2] == q;

	i += triple ? 3 : 1;
	while (i < len) {
		if (s[i] == '\\') {
			i += 2;
			continue;
		}
		if (s[i] == '\n') {
			if (!triple)
				return i;       /* an unterminated one-line string ends here */
			(*line)++;
		}
		if (s[i] == q && (!triple || (i + 2 < len && s[i + 1] == q && s[i + 2] == q)))
			return i + (triple ? 3 : 1);
		i++;
	}
	return len;
}

static bool
is_name_char(unsigned char c)
{
	return c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Keywords that, like unary operators, wait for an operand. */
static bool
is_prefix_word(const char *w, size_t n)
{
	static const char *const words[] = { "not", "lambda", "await", "yield", "async" };

	for (size_t i = 0; i < MR_ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], w, n))
			return true;
	return false;
}

void
pysrc_nesting(const char *s, size_t len, struct pysrc_nesting *out)
{
	unsigned line = 1, deep_since = 0;
	size_t depth = 0, run = 0;      /* open brackets; operators waiting in a row */

	out->brackets_line = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '#' || c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\\') {
			line += c == '\n';
			if (c == '#')
				while (i + 1 < len && s[i + 1] != '\n')
					i++;
			i++;
			continue;
		}
		if (c == '"' || c == '\'') {
			i = skip_string(s, len, i, &line);
			run = 0;
		} else if (is_name_char(c)) {
			size_t start = i;

			while (i < len && is_name_char((unsigned char)s[i]))
				i++;
			run = is_prefix_word(s + start, i - start) ? run + 1 : 0;
		} else {
			if (c == '(' || c == '[' || c == '{') {
				if (++depth > PYSRC_MAX_BRACKETS && !out->brackets_line)
					out->brackets_line = line;
			} else if ((c == ')' || c == ']' || c == '}') && depth) {
				depth--;
			}
			/* an operator or an opening bracket waits for what follows */
			run = c == ')' || c == ']' || c == '}' ? 0 : run + 1;
			i++;
		}
		if (depth + run <= PYSRC_MAX_NESTING)
			deep_since = 0;
		else if (!deep_since)
			deep_since = line;
	}
	/* only what is still waiting when the input ends hurts the parser */
	out->unsafe_line = deep_since;
}

unsigned
pysrc_too_deep(const char *s, size_t len)
{
	struct pysrc_nesting nest;

	pysrc_nesting(s, len, &nest);
	return nest.unsafe_line;
}

TSTree *
pysrc_parse(struct pysrc_parser *parser, const char *src, size_t len,
	    struct pysrc_nesting *nest)
{
	struct pysrc_nesting own;

	if (!nest)
		nest = &own;
	*nest = (struct pysrc_nesting){ 0 };
	if (len > UINT32_MAX)
		return NULL;
	pysrc_nesting(src, len, nest);
	if (nest->unsafe_line)
		return NULL;    /* see PYSRC_MAX_NESTING: parsing it could corrupt memory */
	return ts_parser_parse_string(parser->ts, NULL, src, (uint32_t)len);
}

int
pysrc_header_from_tree(TSTree *tree, const char *src, struct pysrc_header *out,
		       struct mr_error *err)
{
	struct reader r = { src, out, err };
	TSNode root = ts_tree_root_node(tree);
	TSTreeCursor cursor;
	bool first = true;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (ts_node_has_error(root)) {
		out->parse_error = true;
		find_error(root, &out->error_line, &out->error_col);
	}
	/* a cursor, not ts_node_named_child(root, i): that walks from the start each time */
	cursor = ts_tree_cursor_new(root);
	for (bool more = ts_tree_cursor_goto_first_child(&cursor); more && rc == 0;
	     more = ts_tree_cursor_goto_next_sibling(&cursor)) {
		TSNode stmt = ts_tree_cursor_current_node(&cursor);

		if (!ts_node_is_named(stmt) || pysrc_node_is(stmt, "comment"))
			continue;
		if (first)
			rc = read_docstring(&r, stmt);
		first = false;
		if (rc == 0 && pysrc_node_is(stmt, "expression_statement") &&
		    ts_node_named_child_count(stmt) == 1 &&
		    pysrc_node_is(ts_node_named_child(stmt, 0), "assignment"))
			rc = read_assignment(&r, ts_node_named_child(stmt, 0));
	}
	ts_tree_cursor_delete(&cursor);
	if (rc < 0)
		pysrc_header_free(out);
	return rc;
}

int
pysrc_read_header(struct pysrc_parser *parser, const char *src, size_t len,
		  struct pysrc_header *out, struct mr_error *err)
{
	TSTree *tree;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > UINT32_MAX)
		return mr_error_set(err, "file too large to parse (%zu bytes)", len);
	if (!(tree = pysrc_parse(parser, src, len, NULL)))
		return mr_error_set(err, "tree-sitter could not parse the file");
	rc = pysrc_header_from_tree(tree, src, out, err);
	ts_tree_delete(tree);
	return rc;
}

void
pysrc_header_free(struct pysrc_header *h)
{
	pyval_free(&h->revision);
	pyval_free(&h->down_revision);
	pyval_free(&h->branch_labels);
	pyval_free(&h->depends_on);
	free(h->message);
	memset(h, 0, sizeof(*h));
}

/* The values of names and of strings built from them, as far as they are literals. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pyscope.h"
#include "migreview/util.h"

/* Deeper expressions than this ("a" + "b" + ... ) are not known: no name needs them. */
#define MAX_EVAL_DEPTH 64

int
pyscope_bind(struct pyscope *s, const char *name, enum pyarg_kind kind, const char *text)
{
	char *copy = text ? mr_strdup(text) : NULL;
	struct pybinding *b;
	size_t at;

	if (text && !copy)
		return -1;
	if (strmap_get(&s->index, name, &at)) {
		b = &s->v[at];
		free(b->text);
		b->kind = kind;
		b->text = copy;
		return 0;
	}
	if (mr_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0 ||
	    !(s->v[s->n].name = mr_strdup(name))) {
		free(copy);
		return -1;
	}
	b = &s->v[s->n];
	b->kind = kind;
	b->text = copy;
	if (strmap_put(&s->index, b->name, s->n) < 0) {
		free(b->name);
		free(copy);
		return -1;
	}
	s->n++;
	return 0;
}

int
pyscope_forget(struct pyscope *s, const char *src, TSNode target)
{
	uint32_t n;

	if (pysrc_node_is(target, "identifier")) {
		char *name = mr_strndup(src + ts_node_start_byte(target),
					ts_node_end_byte(target) - ts_node_start_byte(target));
		int rc = name ? pyscope_bind(s, name, PYARG_OTHER, NULL) : -1;

		free(name);
		return rc;
	}
	/* a, b = ... / (a, b) / [a, *rest]: attributes and subscripts bind no name */
	if (!pysrc_node_is(target, "pattern_list") && !pysrc_node_is(target, "tuple_pattern") &&
	    !pysrc_node_is(target, "list_pattern") && !pysrc_node_is(target, "list_splat_pattern") &&
	    !pysrc_node_is(target, "tuple") && !pysrc_node_is(target, "list") &&
	    !pysrc_node_is(target, "expression_list"))
		return 0;
	n = ts_node_named_child_count(target);
	for (uint32_t i = 0; i < n; i++)
		if (pyscope_forget(s, src, ts_node_named_child(target, i)) < 0)
			return -1;
	return 0;
}

const struct pybinding *
pyscope_find(const struct pyscope *s, const char *name)
{
	size_t at;

	for (; s; s = s->outer)
		if (strmap_get(&s->index, name, &at))
			return &s->v[at];
	return NULL;
}

void
pyscope_free(struct pyscope *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].text);
	}
	free(s->v);
	strmap_free(&s->index, false);
	memset(s, 0, sizeof(*s));
}

/* --- evaluation --- */

static int eval(const char *src, TSNode n, const struct pyscope *s, int depth,
		enum pyarg_kind *kind, char **text);

/* Appends len bytes of p to *acc (which may be NULL). */
static int
append(char **acc, const char *p, size_t len)
{
	size_t have = *acc ? strlen(*acc) : 0;
	char *grown = realloc(*acc, have + len + 1);

	if (!grown)
		return -1;
	memcpy(grown + have, p, len);
	grown[have + len] = '\0';
	*acc = grown;
	return 0;
}

/* How a value reads inside a string: str() of it. */
static const char *
as_str(enum pyarg_kind kind, const char *text)
{
	return kind == PYARG_NONE ? "None" : text;
}

/* The literal text of an f-string's string_content, {{ and }} undoubled; 0 if it holds an escape. */
static int
fstring_content(const char *src, TSNode content, bool raw, char **acc)
{
	const char *p = src + ts_node_start_byte(content), *end = src + ts_node_end_byte(content);

	for (; p < end; p++) {
		if (*p == '\\' && !raw)
			return 0;       /* names hold no escapes: not worth decoding here */
		if ((*p == '{' || *p == '}') && p + 1 < end && p[1] == *p)
			p++;
		if (append(acc, p, 1) < 0)
			return -1;
	}
	return 1;
}

/* f"ix_{TABLE}_x": 1 when every field is a known name or literal, without conversion or format. */
static int
fstring_value(const char *src, TSNode str, const struct pyscope *s, int depth, char **acc)
{
	uint32_t n = ts_node_named_child_count(str);
	TSNode start = ts_node_named_child(str, 0);
	bool raw = false, is_f = false;
	int rc = 1;

	if (n < 2 || !pysrc_node_is(start, "string_start"))
		return 0;
	for (uint32_t i = ts_node_start_byte(start); i < ts_node_end_byte(start); i++) {
		char c = src[i];

		if (c == 'b' || c == 'B')
			return 0;
		raw = raw || c == 'r' || c == 'R';
		is_f = is_f || c == 'f' || c == 'F';
	}
	if (!is_f)
		return 0;
	for (uint32_t i = 1; i + 1 < n && rc == 1; i++) {
		TSNode part = ts_node_named_child(str, i);
		enum pyarg_kind kind;
		char *text = NULL;

		if (pysrc_node_is(part, "string_content")) {
			rc = fstring_content(src, part, raw, acc);
			continue;
		}
		/* {x!r}, {x:>3}, {x=} change the text: not known */
		if (!pysrc_node_is(part, "interpolation") || ts_node_child_count(part) != 3)
			return 0;
		rc = eval(src, pysrc_field(part, PYSRC_FIELD_EXPRESSION), s, depth + 1,
			  &kind, &text);
		if (rc == 1 && kind != PYARG_OTHER) {
			const char *shown = as_str(kind, text);

			rc = append(acc, shown, strlen(shown)) < 0 ? -1 : 1;
		} else if (rc == 1) {
			rc = 0;
		}
		free(text);
	}
	return rc;
}

/* A string or concatenated_string, plain or f: 1 with *text, 0, -1. */
static int
string_eval(const char *src, TSNode n, const struct pyscope *s, int depth, char **text)
{
	uint32_t count = pysrc_node_is(n, "concatenated_string") ? ts_node_named_child_count(n) : 1;
	char *acc = NULL;
	int rc = 1;

	for (uint32_t i = 0; i < count && rc == 1; i++) {
		TSNode part = pysrc_node_is(n, "concatenated_string") ? ts_node_named_child(n, i) : n;
		char *plain = NULL;

		if (!pysrc_node_is(part, "string"))
			continue;       /* comments between the parts */
		rc = pysrc_string(src, part, &plain);
		if (rc == 1) {
			rc = append(&acc, plain, strlen(plain)) < 0 ? -1 : 1;
			free(plain);
		} else if (rc == 0) {
			rc = fstring_value(src, part, s, depth, &acc);
		}
	}
	if (rc == 1 && !acc)
		acc = mr_strdup("");
	if (rc == 1 && !acc)
		rc = -1;
	if (rc != 1) {
		free(acc);
		acc = NULL;
	}
	*text = acc;
	return rc;
}

/* "uq_%s_%s" % (TABLE, COLUMN): %s, %d, %i and %% only. */
static int
percent_format(const char *fmt, const char *const *args, size_t n_args, char **text)
{
	size_t used = 0;
	char *acc = NULL;
	int rc = 1;

	for (const char *p = fmt; *p && rc == 1; p++) {
		if (*p != '%') {
			rc = append(&acc, p, 1) < 0 ? -1 : 1;
		} else if (p[1] == '%') {
			rc = append(&acc, "%", 1) < 0 ? -1 : 1;
			p++;
		} else if ((p[1] == 's' || p[1] == 'd' || p[1] == 'i') && used < n_args) {
			rc = append(&acc, args[used], strlen(args[used])) < 0 ? -1 : 1;
			used++;
			p++;
		} else {
			rc = 0;         /* %(name)s, %r, %5s, too few values */
		}
	}
	if (rc == 1 && used != n_args)
		rc = 0;
	if (rc == 1 && !acc && !(acc = mr_strdup("")))
		rc = -1;
	if (rc != 1) {
		free(acc);
		acc = NULL;
	}
	*text = acc;
	return rc;
}

/* The % operator on a known format: its right side is one value or a tuple of them. */
static int
percent_eval(const char *src, const char *fmt, TSNode right, const struct pyscope *s, int depth,
	     char **text)
{
	bool tuple = pysrc_node_is(right, "tuple");
	uint32_t n = tuple ? ts_node_named_child_count(right) : 1;
	char **args = calloc(n + 1, sizeof(*args));
	size_t got = 0;
	int rc = args ? 1 : -1;

	for (uint32_t i = 0; i < n && rc == 1; i++) {
		enum pyarg_kind kind;
		char *value = NULL;

		rc = eval(src, tuple ? ts_node_named_child(right, i) : right, s, depth + 1, &kind, &value);
		if (rc == 1 && (kind == PYARG_STRING || kind == PYARG_NUMBER)) {
			args[got++] = value;
		} else if (rc == 1) {
			free(value);
			rc = 0;
		}
	}
	if (rc == 1)
		rc = percent_format(fmt, (const char *const *)args, got, text);
	for (size_t i = 0; i < got; i++)
		free(args[i]);
	free(args);
	return rc;
}

/* left + right on strings, left % right on a string format. */
static int
binary_eval(const char *src, TSNode n, const struct pyscope *s, int depth, char **text)
{
	TSNode op = pysrc_field(n, PYSRC_FIELD_OPERATOR);
	bool plus = pysrc_node_text_is(src, op, "+"), percent = pysrc_node_text_is(src, op, "%");
	enum pyarg_kind lk, rk;
	char *left = NULL, *right = NULL;
	int rc;

	if (!plus && !percent)
		return 0;
	rc = eval(src, pysrc_field(n, PYSRC_FIELD_LEFT), s, depth + 1, &lk, &left);
	if (rc == 1 && lk != PYARG_STRING)
		rc = 0;
	if (rc == 1 && percent) {
		rc = percent_eval(src, left, pysrc_field(n, PYSRC_FIELD_RIGHT), s, depth, text);
		free(left);
		return rc;
	}
	if (rc == 1)
		rc = eval(src, pysrc_field(n, PYSRC_FIELD_RIGHT), s, depth + 1, &rk, &right);
	if (rc == 1 && rk != PYARG_STRING)
		rc = 0;
	if (rc == 1)
		rc = (*text = mr_printf("%s%s", left, right)) ? 1 : -1;
	free(left);
	free(right);
	return rc;
}

/* op.f("ix_users_email") is the name ix_users_email, kept as given. */
static int
call_eval(const char *src, TSNode n, const struct pyscope *s, int depth, char **text)
{
	TSNode fn = pysrc_field(n, PYSRC_FIELD_FUNCTION);
	TSNode args = pysrc_field(n, PYSRC_FIELD_ARGUMENTS);
	enum pyarg_kind kind;
	int rc;

	if (!pysrc_node_text_is(src, fn, "op.f") || ts_node_is_null(args) ||
	    ts_node_named_child_count(args) != 1)
		return 0;
	rc = eval(src, ts_node_named_child(args, 0), s, depth + 1, &kind, text);
	if (rc == 1 && kind != PYARG_STRING) {
		free(*text);
		*text = NULL;
		rc = 0;
	}
	return rc;
}

static int
eval(const char *src, TSNode n, const struct pyscope *s, int depth, enum pyarg_kind *kind,
     char **text)
{
	const char *start;
	size_t len;

	*text = NULL;
	while (pysrc_node_is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
		n = ts_node_named_child(n, 0);
	if (ts_node_is_null(n) || depth > MAX_EVAL_DEPTH)
		return 0;
	start = src + ts_node_start_byte(n);
	len = ts_node_end_byte(n) - ts_node_start_byte(n);
	*kind = PYARG_STRING;
	if (pysrc_node_is(n, "string") || pysrc_node_is(n, "concatenated_string"))
		return string_eval(src, n, s, depth, text);
	if (pysrc_node_is(n, "binary_operator"))
		return binary_eval(src, n, s, depth, text);
	if (pysrc_node_is(n, "call"))
		return call_eval(src, n, s, depth, text);
	if (pysrc_node_is(n, "integer") || pysrc_node_is(n, "float") ||
	    (pysrc_node_is(n, "unary_operator") && (pysrc_node_is(ts_node_named_child(n, 0), "integer") ||
					      pysrc_node_is(ts_node_named_child(n, 0), "float")))) {
		*kind = PYARG_NUMBER;
		return (*text = mr_strndup(start, len)) ? 1 : -1;
	}
	if (pysrc_node_is(n, "true") || pysrc_node_is(n, "false")) {
		*kind = PYARG_BOOL;
		return (*text = mr_strndup(start, len)) ? 1 : -1;
	}
	if (pysrc_node_is(n, "none")) {
		*kind = PYARG_NONE;
		return 1;
	}
	if (pysrc_node_is(n, "identifier")) {
		char *name = mr_strndup(start, len);
		const struct pybinding *b;

		if (!name)
			return -1;
		b = pyscope_find(s, name);
		free(name);
		if (!b || b->kind == PYARG_OTHER)
			return 0;
		*kind = b->kind;
		return !b->text || (*text = mr_strdup(b->text)) ? 1 : -1;
	}
	return 0;
}

int
pyconst_eval(const char *src, TSNode n, const struct pyscope *s, enum pyarg_kind *kind,
	     char **text)
{
	return eval(src, n, s, 0, kind, text);
}

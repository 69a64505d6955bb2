/* Syntax highlighting: the captures of highlights.scm as flat spans. */
#include "config.h"

#include <locale.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "migreview/highlight.h"
#include "migreview/pysrc.h"
#include "migreview/util.h"

/*
 * tree-sitter 0.20.7 checks every pending match at every node it visits,
 * and a match stays pending across its first node's whole subtree, so a
 * query costs nodes times depth: minutes for a chain of 100,000 attribute
 * accesses, and wrong results past 65,535 levels.  The query therefore runs
 * on the largest subtrees at most this high.  CPython gives up near 3,000
 * levels, so any file it compiles is one such subtree; in deeper input the
 * nodes above the limit lose the captures of patterns that start at them.
 */
#define HL_MAX_HEIGHT 4096

/*
 * Matches holding captures while they wait for a later node, one per
 * level of some nestings (an f-string's fields); past this many
 * tree-sitter drops the oldest, which costs a little colour, not memory.
 */
#define HL_MATCH_LIMIT 1024

enum pred_kind { PRED_EQ, PRED_MATCH, PRED_ANY_OF };

static const struct {
	const char *name;       /* as the query spells it, without the '#' */
	enum pred_kind kind;
	bool negate;
} pred_table[] = {
	{ "eq?",          PRED_EQ,     false },
	{ "not-eq?",      PRED_EQ,     true  },
	{ "match?",       PRED_MATCH,  false },
	{ "not-match?",   PRED_MATCH,  true  },
	{ "any-of?",      PRED_ANY_OF, false },
	{ "not-any-of?",  PRED_ANY_OF, true  },
};

/* One text predicate of a pattern, ready to evaluate. */
struct pred {
	enum pred_kind kind;
	bool negate;
	uint32_t capture;               /* the capture whose text is tested */
	const TSQueryPredicateStep *args;       /* the rest, kept in the query */
	uint32_t nargs;
	regex_t re;                     /* compiled for PRED_MATCH only */
};

struct highlighter {
	TSParser *parser;
	TSQuery *query;
	TSQueryCursor *cursor;
	struct strvec names;            /* capture names, by id */
	struct pred *preds;
	size_t npreds, preds_cap;
	uint32_t *first_pred;           /* per pattern, into preds; one extra */
	locale_t c_locale;
	char *text;                     /* node text, NUL-terminated for regexec */
	size_t text_cap;
};

/* A capture that passed its pattern's predicates. */
struct capture {
	uint32_t start, end;
	uint16_t pattern;
	uint16_t id;
};

struct captures {
	struct capture *v;
	size_t n, cap;
};

/* Subtrees to run the query from, in document order. */
struct roots {
	TSNode *v;
	size_t n, cap;
};

/* A node open on the walk in query_roots(). */
struct level {
	uint32_t height;        /* of the node, from its children so far */
	size_t base;            /* roots->n when the node was entered */
};

/* The text of the query being compiled, for messages with a location. */
struct query_src {
	const char *name;
	const char *text;
	size_t len;
};

static unsigned
scm_line(const struct query_src *q, uint32_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off && i < q->len; i++)
		line += q->text[i] == '\n';
	return line;
}

static const char *
step_string(const struct highlighter *h, const TSQueryPredicateStep *s, uint32_t *len)
{
	return ts_query_string_value_for_id(h->query, s->value_id, len);
}

/* NULL when steps[1..n) suit a predicate of kind k, else what is wrong. */
static const char *
pred_shape(enum pred_kind k, const TSQueryPredicateStep *steps, uint32_t n)
{
	if (n < 3 || steps[1].type != TSQueryPredicateStepTypeCapture)
		return "needs a capture and a value";
	if (k != PRED_ANY_OF && n != 3)
		return "takes exactly two arguments";
	for (uint32_t i = 2; i < n; i++)
		if (steps[i].type != TSQueryPredicateStepTypeString &&
		    !(k == PRED_EQ && i == 2))
			return "takes strings after its capture";
	return NULL;
}

static int
pred_regex(struct highlighter *h, struct pred *p, const struct query_src *q,
	   unsigned line, struct mr_error *err)
{
	uint32_t len;
	const char *s = step_string(h, &p->args[0], &len);
	char *pattern = mr_strndup(s, len);
	char msg[256];
	locale_t old;
	int rc;

	if (!pattern)
		return mr_error_oom(err);
	/* the C locale: [A-Z] means the same bytes whatever locale the UI set */
	old = uselocale(h->c_locale);
	rc = regcomp(&p->re, pattern, REG_EXTENDED | REG_NOSUB);
	uselocale(old);
	free(pattern);
	if (rc) {
		regerror(rc, &p->re, msg, sizeof(msg));
		return mr_error_set(err, "%s:%u: \"%.*s\" is not a POSIX extended "
				    "regular expression: %s", q->name, line, (int)len, s, msg);
	}
	return 0;
}

/*
 * Compiles the predicate in steps[0..n) of a pattern.  Returns 1 for a
 * predicate we do not know: the caller disables the pattern, because
 * colouring nodes whose condition we cannot check would be wrong more often
 * than right, and the query's more general patterns still apply to them.
 */
static int
pred_compile(struct highlighter *h, const struct query_src *q, uint32_t pattern,
	     const TSQueryPredicateStep *steps, uint32_t n, struct mr_error *err)
{
	unsigned line = scm_line(q, ts_query_start_byte_for_pattern(h->query, pattern));
	const char *name = "", *why;
	uint32_t len = 0;
	struct pred *p;
	size_t k;

	if (n > 0 && steps[0].type == TSQueryPredicateStepTypeString)
		name = step_string(h, &steps[0], &len);
	for (k = 0; k < MR_ARRAY_SIZE(pred_table); k++)
		if (strlen(pred_table[k].name) == len && !memcmp(pred_table[k].name, name, len))
			break;
	if (k == MR_ARRAY_SIZE(pred_table))
		return 1;
	if ((why = pred_shape(pred_table[k].kind, steps, n)))
		return mr_error_set(err, "%s:%u: #%s %s", q->name, line, pred_table[k].name, why);
	if (mr_grow(&h->preds, &h->preds_cap, h->npreds + 1, sizeof(*h->preds)) < 0)
		return mr_error_oom(err);
	p = &h->preds[h->npreds];
	*p = (struct pred){
		.kind = pred_table[k].kind,
		.negate = pred_table[k].negate,
		.capture = steps[1].value_id,
		.args = steps + 2,
		.nargs = n - 2,
	};
	if (p->kind == PRED_MATCH && pred_regex(h, p, q, line, err) < 0)
		return -1;
	h->npreds++;
	return 0;
}

static int
compile_patterns(struct highlighter *h, const struct query_src *q, struct mr_error *err)
{
	uint32_t npat = ts_query_pattern_count(h->query);

	if (!(h->first_pred = calloc((size_t)npat + 1, sizeof(*h->first_pred))))
		return mr_error_oom(err);
	for (uint32_t pat = 0; pat < npat; pat++) {
		uint32_t nsteps, i = 0;
		const TSQueryPredicateStep *steps =
			ts_query_predicates_for_pattern(h->query, pat, &nsteps);

		h->first_pred[pat] = (uint32_t)h->npreds;
		while (i < nsteps) {
			uint32_t n = 0;
			int rc;

			while (i + n < nsteps && steps[i + n].type != TSQueryPredicateStepTypeDone)
				n++;
			if ((rc = pred_compile(h, q, pat, steps + i, n, err)) < 0)
				return -1;
			if (rc > 0)
				ts_query_disable_pattern(h->query, pat);
			i += n + 1;
		}
	}
	h->first_pred[npat] = (uint32_t)h->npreds;
	return 0;
}

static int
load_query(struct highlighter *h, const struct query_src *q, struct mr_error *err)
{
	uint32_t off = 0, ncap;
	TSQueryError qerr = TSQueryErrorNone;

	if (q->len > UINT32_MAX)
		return mr_error_set(err, "%s: query too large", q->name);
	h->query = ts_query_new(pysrc_language(), q->text, (uint32_t)q->len, &off, &qerr);
	if (!h->query)
		return mr_error_set(err, "%s:%u: tree-sitter rejects the query (error %d)",
				    q->name, scm_line(q, off), (int)qerr);
	ncap = ts_query_capture_count(h->query);
	if (ncap > UINT16_MAX || ts_query_pattern_count(h->query) > UINT16_MAX)
		return mr_error_set(err, "%s: too many captures or patterns", q->name);
	for (uint32_t i = 0; i < ncap; i++) {
		uint32_t len;
		const char *name = ts_query_capture_name_for_id(h->query, i, &len);

		if (strvec_push_n(&h->names, name, len) < 0)
			return mr_error_oom(err);
	}
	return compile_patterns(h, q, err);
}

struct highlighter *
highlighter_new(struct mr_error *err)
{
	return highlighter_new_query("highlights.scm", pysrc_highlights_scm,
				     pysrc_highlights_scm_len, err);
}

struct highlighter *
highlighter_new_query(const char *name, const char *scm, size_t len, struct mr_error *err)
{
	const struct query_src q = { name, scm, len };
	struct highlighter *h = calloc(1, sizeof(*h));

	if (!h) {
		mr_error_oom(err);
		return NULL;
	}
	h->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	h->parser = ts_parser_new();
	h->cursor = ts_query_cursor_new();
	if (!h->c_locale || !h->parser || !h->cursor) {
		mr_error_oom(err);
		goto fail;
	}
	if (!ts_parser_set_language(h->parser, pysrc_language())) {
		mr_error_set(err, "the Python grammar does not load into libtree-sitter");
		goto fail;
	}
	ts_query_cursor_set_match_limit(h->cursor, HL_MATCH_LIMIT);
	if (load_query(h, &q, err) < 0)
		goto fail;
	return h;
fail:
	highlighter_free(h);
	return NULL;
}

void
highlighter_free(struct highlighter *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->npreds; i++)
		if (h->preds[i].kind == PRED_MATCH)
			regfree(&h->preds[i].re);
	free(h->preds);
	free(h->first_pred);
	free(h->text);
	strvec_free(&h->names);
	if (h->cursor)
		ts_query_cursor_delete(h->cursor);
	if (h->query)
		ts_query_delete(h->query);
	if (h->parser)
		ts_parser_delete(h->parser);
	if (h->c_locale)
		freelocale(h->c_locale);
	free(h);
}

uint16_t
highlight_capture_count(const struct highlighter *h)
{
	return (uint16_t)h->names.n;
}

const char *
highlight_capture_name(const struct highlighter *h, uint16_t capture)
{
	return capture < h->names.n ? h->names.v[capture] : NULL;
}

/* The first node captured as id in m, if any. */
static const TSNode *
match_node(const TSQueryMatch *m, uint32_t id)
{
	for (uint16_t i = 0; i < m->capture_count; i++)
		if (m->captures[i].index == id)
			return &m->captures[i].node;
	return NULL;
}

static bool
text_eq(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/*
 * Whether the text s[0..len) satisfies p (ignoring negation): 1 or 0, -1
 * when memory runs out.  An #eq? against a capture the match lacks holds,
 * as in tree-sitter's own highlighter.
 */
static int
pred_test(struct highlighter *h, const struct pred *p, const TSQueryMatch *m,
	  const char *src, const char *s, uint32_t len)
{
	const char *v;
	uint32_t vlen;
	const TSNode *other;
	locale_t old;
	int rc;

	switch (p->kind) {
	case PRED_EQ:
		if (p->args[0].type == TSQueryPredicateStepTypeString) {
			v = step_string(h, &p->args[0], &vlen);
			return text_eq(s, len, v, vlen);
		}
		if (!(other = match_node(m, p->args[0].value_id)))
			return !p->negate;
		vlen = ts_node_end_byte(*other) - ts_node_start_byte(*other);
		return text_eq(s, len, src + ts_node_start_byte(*other), vlen);
	case PRED_ANY_OF:
		for (uint32_t i = 0; i < p->nargs; i++) {
			v = step_string(h, &p->args[i], &vlen);
			if (text_eq(s, len, v, vlen))
				return 1;
		}
		return 0;
	case PRED_MATCH:
		/* regexec wants a C string; a NUL inside the text ends it early */
		if (mr_grow(&h->text, &h->text_cap, (size_t)len + 1, 1) < 0)
			return -1;
		memcpy(h->text, s, len);
		h->text[len] = '\0';
		old = uselocale(h->c_locale);
		rc = regexec(&p->re, h->text, 0, NULL, 0);
		uselocale(old);
		return rc == 0;
	}
	return 0;
}

/*
 * Whether match m passes the text predicates of its pattern: 1 or 0, -1
 * when memory runs out.  A predicate on a capture that took several nodes
 * must hold for every one of them.
 */
static int
match_passes(struct highlighter *h, const TSQueryMatch *m, const char *src)
{
	for (uint32_t i = h->first_pred[m->pattern_index];
	     i < h->first_pred[m->pattern_index + 1]; i++) {
		const struct pred *p = &h->preds[i];

		for (uint16_t c = 0; c < m->capture_count; c++) {
			TSNode n = m->captures[c].node;
			uint32_t start = ts_node_start_byte(n);
			int rc;

			if (m->captures[c].index != p->capture)
				continue;
			rc = pred_test(h, p, m, src, src + start, ts_node_end_byte(n) - start);
			if (rc < 0)
				return -1;
			if ((rc > 0) == p->negate)
				return 0;
		}
	}
	return 1;
}

/*
 * A node is done: if it is low enough it replaces the roots found inside
 * it, and it counts toward its parent's height.  Once a node is too high,
 * so are its ancestors, and the roots inside it stay.
 */
static int
level_done(TSNode n, struct level *lv, uint32_t depth, struct roots *roots)
{
	uint32_t h = lv[depth].height;

	if (h <= HL_MAX_HEIGHT) {
		roots->n = lv[depth].base;
		if (mr_grow(&roots->v, &roots->cap, roots->n + 1, sizeof(*roots->v)) < 0)
			return -1;
		roots->v[roots->n++] = n;
	}
	if (depth > 0 && lv[depth - 1].height < h + 1)
		lv[depth - 1].height = h + 1;
	return 0;
}

/*
 * The largest subtrees no higher than HL_MAX_HEIGHT: just the root for
 * any ordinary file.  A post-order walk with an explicit stack of levels,
 * as deep as the tree, so no input can exhaust the C stack.
 */
static int
query_roots(const TSTree *tree, struct roots *roots)
{
	TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(tree));
	struct level *lv = NULL;
	size_t lvcap = 0;
	uint32_t depth = 0;
	int rc = -1;

	if (mr_grow(&lv, &lvcap, 1, sizeof(*lv)) < 0)
		goto out;
	lv[0] = (struct level){ 0, roots->n };
	for (;;) {
		if (ts_tree_cursor_goto_first_child(&c)) {
			if (mr_grow(&lv, &lvcap, (size_t)++depth + 1, sizeof(*lv)) < 0)
				goto out;
			lv[depth] = (struct level){ 0, roots->n };
			continue;
		}
		for (;;) {
			if (level_done(ts_tree_cursor_current_node(&c), lv, depth, roots) < 0)
				goto out;
			if (ts_tree_cursor_goto_next_sibling(&c)) {
				lv[depth] = (struct level){ 0, roots->n };
				break;
			}
			if (!ts_tree_cursor_goto_parent(&c)) {
				rc = 0;
				goto out;
			}
			depth--;
		}
	}
out:
	free(lv);
	ts_tree_cursor_delete(&c);
	return rc;
}

/* Every capture of every passing match under root, in no particular order. */
static int
collect(struct highlighter *h, TSNode root, const char *src, struct captures *caps)
{
	TSQueryMatch m;

	ts_query_cursor_exec(h->cursor, h->query, root);
	while (ts_query_cursor_next_match(h->cursor, &m)) {
		int rc = match_passes(h, &m, src);

		if (rc < 0)
			return -1;
		for (uint16_t i = 0; rc && i < m.capture_count; i++) {
			uint32_t start = ts_node_start_byte(m.captures[i].node);
			uint32_t end = ts_node_end_byte(m.captures[i].node);

			if (start >= end)       /* MISSING tokens colour nothing */
				continue;
			if (mr_grow(&caps->v, &caps->cap, caps->n + 1, sizeof(*caps->v)) < 0)
				return -1;
			caps->v[caps->n++] = (struct capture){
				start, end, m.pattern_index, (uint16_t)m.captures[i].index,
			};
		}
	}
	return 0;
}

/*
 * Outer ranges before the ranges they contain; on one range the later
 * pattern last, where flatten() keeps it.
 */
static int
capture_cmp(const void *a, const void *b)
{
	const struct capture *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	if (x->pattern != y->pattern)
		return x->pattern < y->pattern ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Appends [start, end) as capture id, merging with an adjacent equal span. */
static int
emit(struct hl_spans *out, uint32_t start, uint32_t end, uint16_t id)
{
	struct hl_span *last = out->n ? &out->v[out->n - 1] : NULL;

	if (start >= end)
		return 0;
	if (last && last->end == start && last->capture == id) {
		last->end = end;
		return 0;
	}
	if (mr_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0)
		return -1;
	out->v[out->n++] = (struct hl_span){ start, end, id };
	return 0;
}

/*
 * Sorted captures to flat spans with an explicit stack of the open ones,
 * innermost on top: each captured byte goes to the innermost capture
 * holding it.  Captures come from nodes, which nest; one that overlapped
 * its container anyway is cut to fit inside it.
 */
static int
flatten(struct capture *c, size_t n, struct hl_spans *out)
{
	size_t *stack = NULL, depth = 0, cap = 0;
	uint32_t pos = 0;
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		struct capture *cur = &c[i];

		if (i + 1 < n && c[i + 1].start == cur->start && c[i + 1].end == cur->end)
			continue;       /* a later pattern claims the same node */
		while (depth && c[stack[depth - 1]].end <= cur->start) {
			struct capture *top = &c[stack[--depth]];

			if (emit(out, pos, top->end, top->id) < 0)
				goto out;
			pos = top->end;
		}
		if (depth) {
			struct capture *top = &c[stack[depth - 1]];

			if (emit(out, pos, cur->start, top->id) < 0)
				goto out;
			if (cur->end > top->end)
				cur->end = top->end;
		}
		if (mr_grow(&stack, &cap, depth + 1, sizeof(*stack)) < 0)
			goto out;
		stack[depth++] = i;
		pos = cur->start;
	}
	while (depth) {
		struct capture *top = &c[stack[--depth]];

		if (emit(out, pos, top->end, top->id) < 0)
			goto out;
		pos = top->end;
	}
	rc = 0;
out:
	free(stack);
	return rc;
}

int
highlight_tree(struct highlighter *h, const TSTree *tree, const char *src,
	       struct hl_spans *out, struct mr_error *err)
{
	struct captures caps = { 0 };
	struct roots roots = { 0 };
	int rc = -1;

	out->n = 0;
	if (query_roots(tree, &roots) < 0)
		goto out;
	for (size_t i = 0; i < roots.n; i++)
		if (collect(h, roots.v[i], src, &caps) < 0)
			goto out;
	if (caps.n)
		qsort(caps.v, caps.n, sizeof(*caps.v), capture_cmp);
	if (flatten(caps.v, caps.n, out) < 0) {
		out->n = 0;
		goto out;
	}
	rc = 0;
out:
	free(roots.v);
	free(caps.v);
	return rc < 0 ? mr_error_oom(err) : 0;
}

int
highlight_source(struct highlighter *h, const char *src, size_t len,
		 struct hl_spans *out, struct mr_error *err)
{
	TSTree *tree;
	int rc;

	out->n = 0;
	if (len > UINT32_MAX)
		return mr_error_set(err, "file too large to highlight (%zu bytes)", len);
	if (!src)
		src = "";
	/* the same guard as pysrc: such input corrupts libtree-sitter 0.20's heap */
	if (pysrc_too_deep(src, len))
		return mr_error_set(err, "nested more than %d deep: not highlighted",
				    PYSRC_MAX_NESTING);
	if (!(tree = ts_parser_parse_string(h->parser, NULL, src, (uint32_t)len))) {
		ts_parser_reset(h->parser);
		return mr_error_set(err, "tree-sitter could not parse the file");
	}
	rc = highlight_tree(h, tree, src, out, err);
	ts_tree_delete(tree);
	return rc;
}

void
hl_spans_free(struct hl_spans *spans)
{
	free(spans->v);
	memset(spans, 0, sizeof(*spans));
}

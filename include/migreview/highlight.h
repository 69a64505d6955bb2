/*
 * Syntax highlighting of Python source with the grammar's own
 * queries/highlights.scm.
 *
 * highlight_source() turns a file into a flat list of spans, each naming
 * one capture of the query ("keyword", "function.builtin", ...): sorted by
 * start, never overlapping, covering only bytes that some pattern captured.
 * Where captures meet, the rules are those of tree-sitter's highlighters:
 * on one node the capture of the later pattern in the query wins, and a
 * capture nested inside a larger one (an escape in a string, a field in an
 * f-string) wins for its own bytes while the outer one keeps the rest.
 *
 * libtree-sitter 0.20.7 leaves text predicates to its caller; the
 * highlighter evaluates #eq?, #match?, #any-of? and their #not- forms.
 *
 * A struct highlighter owns its parser, query and capture names; it is
 * reused across files and is not thread-safe.  A struct hl_spans owns its
 * array; hl_spans_free() releases it.
 */
#ifndef MIGREVIEW_HIGHLIGHT_H
#define MIGREVIEW_HIGHLIGHT_H

#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "migreview/error.h"

struct hl_span {
	uint32_t start, end;    /* byte offsets into the source, end exclusive */
	uint16_t capture;       /* see highlight_capture_name() */
};

struct hl_spans {
	struct hl_span *v;
	size_t n, cap;
};

struct highlighter;

/* Compiles the embedded highlights.scm once; NULL (and err) on failure. */
struct highlighter *highlighter_new(struct mr_error *err);
/*
 * The same with another query over the Python grammar (tests use it for
 * predicates highlights.scm lacks).  name labels messages ("name:line: ...");
 * scm need not outlive the call.
 */
struct highlighter *highlighter_new_query(const char *name, const char *scm, size_t len,
					  struct mr_error *err);
void highlighter_free(struct highlighter *h);

/*
 * Fills *out (zeroed, or left by an earlier call, whose spans are replaced
 * and whose array is reused) with the spans of src[0..len).  Any bytes are
 * accepted; a file tree-sitter cannot parse cleanly is highlighted as far
 * as its error-recovered tree allows, and input nested far deeper than
 * any Python that compiles loses the colour of its outermost levels.  On
 * failure out->n is 0.
 */
int highlight_source(struct highlighter *h, const char *src, size_t len,
		     struct hl_spans *out, struct mr_error *err);
/* The same, from a tree already parsed from src (pysrc_parse()). */
int highlight_tree(struct highlighter *h, const TSTree *tree, const char *src,
		   struct hl_spans *out, struct mr_error *err);
void hl_spans_free(struct hl_spans *spans);

/* The number of capture names; ids run from 0 to this minus one. */
uint16_t highlight_capture_count(const struct highlighter *h);

/* The name of a capture ("keyword"), owned by h; NULL for an unknown id. */
const char *highlight_capture_name(const struct highlighter *h, uint16_t capture);

#endif

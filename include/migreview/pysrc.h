/*
 * Reading Python source with tree-sitter, never running it.
 *
 * pysrc_read_header() extracts what Alembic takes from a revision module:
 * the module-level assignments (plain or annotated) of revision,
 * down_revision, branch_labels and depends_on, and the first line of the
 * module docstring.  Python semantics are kept where they matter: the last
 * assignment wins, adjacent string literals concatenate, escapes decode.
 *
 * A struct pysrc_parser is reused across files; it is not thread-safe.
 * struct pysrc_header owns its strings; pysrc_header_free() releases them.
 */
#ifndef MIGREVIEW_PYSRC_H
#define MIGREVIEW_PYSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <tree_sitter/api.h>

#include "migreview/error.h"
#include "migreview/util.h"

enum pyval_kind {
	PYVAL_ABSENT,           /* never assigned at module level */
	PYVAL_NONE,             /* None, or an empty tuple / list */
	PYVAL_STRINGS,          /* a string literal, or a tuple / list of them */
	PYVAL_REFS,             /* the name of a constant (cli.EXPAND_BRANCH), or a tuple /
				   list mixing string literals and such names */
	PYVAL_OTHER,            /* anything that would need running the code; items keeps
				   the string literals of a tuple or list */
};

struct pyval {
	enum pyval_kind kind;
	bool is_sequence;       /* written as a tuple or list */
	struct strvec items;    /* the strings; for PYVAL_REFS also the dotted names */
	bool *is_ref;           /* PYVAL_REFS: per item, whether it is a dotted name */
	char *why;              /* PYVAL_OTHER: why the value cannot be known, or NULL */
	unsigned line, col;     /* 1-based start of the assigned value */
};

/*
 * Reads the value node v as a header value (a string, None, a tuple or list
 * of strings, names of constants) into *val, replacing what was there.
 * 0, or -1 when memory runs out.
 */
int pysrc_value(const char *src, TSNode v, struct pyval *val);
/* "a.b.C" for an identifier or a chain of attributes of one: 1, 0 for anything else, -1. */
int pysrc_dotted_name(const char *src, TSNode n, char **out);
void pyval_free(struct pyval *v);

struct pysrc_header {
	struct pyval revision;
	struct pyval down_revision;
	struct pyval branch_labels;
	struct pyval depends_on;
	char *message;          /* first line of the docstring, or NULL */
	bool parse_error;
	unsigned error_line, error_col;
};

struct pysrc_parser;

struct pysrc_parser *pysrc_parser_new(void);
void pysrc_parser_free(struct pysrc_parser *parser);

int pysrc_read_header(struct pysrc_parser *parser, const char *src, size_t len,
		      struct pysrc_header *out, struct mr_error *err);
/* The same, from a tree already parsed from src. */
int pysrc_header_from_tree(TSTree *tree, const char *src, struct pysrc_header *out,
			   struct mr_error *err);
void pysrc_header_free(struct pysrc_header *h);

/*
 * The header of src read without the parser (src/pyheader.c), for a first
 * screen that cannot wait for every file to be parsed: 1 when every header
 * value and the docstring are plain literals that a scanner reads as
 * pysrc_header_from_tree() does (out filled; parse_error is not known, so
 * false); 0 when anything needs the parser (out empty); -1 when memory runs
 * out.  Around a syntax error the parser may read otherwise: whoever uses
 * the scanner's header compares it with the parser's later
 * (revision_complete_all()).
 */
int pysrc_header_scan(const char *src, size_t len, struct pysrc_header *out);

/* A docstring's first line, as the list shows it: new, or NULL. */
char *pysrc_doc_first_line(const char *doc);

/*
 * libtree-sitter 0.20 corrupts its heap when one statement leaves about
 * 65,536 tokens unfinished: x = ((((... or a chain of 70,000 unary minuses.
 * CPython refuses such statements long before (it allows 200 nested
 * brackets; deep operator chains are "too complex"), so migreview refuses
 * to parse them too: input that ends with more than PYSRC_MAX_NESTING
 * brackets and prefix operators still open.  Nesting that closes again,
 * however deep, and long flat statements (a list of 60,000 rows) are fine.
 */
#define PYSRC_MAX_NESTING 4096

/*
 * CPython's tokenizer refuses more than 200 brackets open at once ("too
 * many nested parentheses"), so Alembic cannot import such a file.
 */
#define PYSRC_MAX_BRACKETS 200

/* How deep src nests, from one linear scan; 1-based lines, 0 for none. */
struct pysrc_nesting {
	unsigned unsafe_line;   /* from here src stays nested too deep to end safely */
	unsigned brackets_line; /* here src first has more than PYSRC_MAX_BRACKETS open */
};
void pysrc_nesting(const char *src, size_t len, struct pysrc_nesting *out);
/* pysrc_nesting()'s unsafe_line alone. */
unsigned pysrc_too_deep(const char *src, size_t len);

/*
 * A parse tree of src, which must outlive it; NULL when parsing fails or
 * src nests too deep to parse safely.  nest, when not NULL, receives the
 * nesting the guard measured.
 */
TSTree *pysrc_parse(struct pysrc_parser *parser, const char *src, size_t len,
		    struct pysrc_nesting *nest);

/*
 * The value of a str literal node (string or implicit concatenation), with
 * escapes decoded: 1 and *out set (the caller frees it), 0 when n is not a
 * plain str literal (bytes, an f-string with fields, anything else), -1
 * when memory runs out.
 */
int pysrc_string(const char *src, TSNode n, char **out);

/* Is n of tree-sitter type `type`?  A null node is of none. */
bool pysrc_node_is(TSNode n, const char *type);

/* n's source text, allocated; NULL when memory runs out. */
char *pysrc_node_text(const char *src, TSNode n);

/* Is n's source text exactly text?  A null node is not. */
bool pysrc_node_text_is(const char *src, TSNode n, const char *text);

/* The compiled-in tree-sitter-python grammar. */
const TSLanguage *pysrc_language(void);

/*
 * The grammar's fields that the engine reads, said once: their ids are
 * looked up once, not by name through the grammar's list of fields at
 * every call (2.7% of a parse).
 */
#define PYSRC_FIELDS(F) \
	F(ALIAS, "alias") F(ALTERNATIVE, "alternative") F(ARGUMENT, "argument") \
	F(ARGUMENTS, "arguments") F(ATTRIBUTE, "attribute") F(BODY, "body") \
	F(CONDITION, "condition") F(CONSEQUENCE, "consequence") F(DEFINITION, "definition") \
	F(EXPRESSION, "expression") F(FUNCTION, "function") F(LEFT, "left") \
	F(MODULE_NAME, "module_name") F(NAME, "name") F(OBJECT, "object") \
	F(OPERATOR, "operator") F(PARAMETERS, "parameters") F(RIGHT, "right") F(VALUE, "value")

enum pysrc_field {
#define PYSRC_FIELD_ENUM(id, name) PYSRC_FIELD_##id,
	PYSRC_FIELDS(PYSRC_FIELD_ENUM)
#undef PYSRC_FIELD_ENUM
	PYSRC_FIELD_COUNT
};

/* n's child in field f, as ts_node_child_by_field_name() finds it; any thread. */
TSNode pysrc_field(TSNode n, enum pysrc_field f);

/* The grammar's queries/highlights.scm, embedded at build time. */
extern const char pysrc_highlights_scm[];
extern const size_t pysrc_highlights_scm_len;

#endif

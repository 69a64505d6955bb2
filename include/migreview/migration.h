/*
 * What a migration does, read from its tree-sitter parse: the calls that
 * upgrade() and downgrade() make on `op`, on batch_alter_table aliases and
 * on connections from op.get_bind(), in source order, each with its
 * arguments as a tree of literal values and nested calls (sa.Column(...),
 * sa.text("..."), sa.Enum(..., name=...)); whether the call sits inside
 * autocommit_block(); and the module's imports.  Calls made in the module's
 * own functions that upgrade() or downgrade() call are theirs, at each call,
 * at their own lines.  Nothing is run: a name bound to a literal, and a
 * string built from such names (f"ix_{TABLE}", op.f("ix")), reads as that
 * literal; any other name stays a name.
 *
 * struct migration owns everything in it; migration_free() releases it.
 */
#ifndef MIGREVIEW_MIGRATION_H
#define MIGREVIEW_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/pysrc.h"

enum pyarg_kind {
	PYARG_STRING,           /* text: the decoded value */
	PYARG_NUMBER,           /* text: as written */
	PYARG_BOOL,             /* text: "True" or "False" */
	PYARG_NONE,
	PYARG_NAME,             /* a name or attribute, text as written: "sa.Integer" */
	PYARG_CALL,             /* call */
	PYARG_LIST,             /* a list or tuple: items */
	PYARG_OTHER,            /* anything else (f-string, expression): text as written */
};

struct pycall;

/* Packed into 48 bytes: a project's migrations hold millions of these at once. */
struct pyarg {
	char *keyword;          /* NULL for a positional argument */
	char *text;
	struct pycall *call;
	struct pyarg *items;
	unsigned n_items;
	unsigned line, col;
	enum pyarg_kind kind : 8;
	bool final : 1;         /* a string given through op.f(): no naming convention applies */
};

struct pycall {
	char *callee;           /* as written, calls kept: "op.get_bind().execute" */
	const char *name;       /* the last component of callee: "execute" */
	struct pyarg *args;
	size_t n_args;
	unsigned line, col;     /* 1-based start of the call */
	unsigned end_line, end_col;
};

struct migration_op {
	struct pycall call;
	char *batch_table;      /* table of the enclosing batch_alter_table ("schema.table"
				   when it names a schema, "" when its name is not known),
				   or NULL */
	char *table_key;        /* "schema.table" when the call names a schema (schema.h) */
	bool in_autocommit;     /* inside op.get_context().autocommit_block(), or after a COMMIT */
	bool ends_transaction;  /* op.execute("COMMIT"): what follows runs outside a transaction */
	bool via_bind;          /* made on a connection from op.get_bind() */
	unsigned not_on;        /* DIALECT_* bits (rules.h) of the dialects an enclosing
				   `if ...dialect.name == "x":` keeps it from running on */
};

struct migration_fn {
	bool present;
	bool empty;             /* only pass, ..., docstrings or raise NotImplementedError */
	bool not_implemented;   /* raises NotImplementedError */
	unsigned line, col;     /* of the def */
	struct migration_op *ops;
	size_t n_ops, cap_ops;
};

struct migration_import {
	char *module;           /* "app.models", "alembic", "sqlalchemy.dialects" */
	unsigned line, col;
};

/* A module-level name bound to a call: payment_method = sa.Enum(..., name=...). */
struct migration_alias {
	char *name;
	struct pycall call;
};

struct migration {
	struct migration_fn upgrade, downgrade;
	struct migration_import *imports;       /* module level and inside functions */
	size_t n_imports, cap_imports;
	struct migration_alias *aliases;
	size_t n_aliases, cap_aliases;
	struct strvec op_names;         /* other names for alembic's op: from alembic import op as o */
	struct strvec op_functions;     /* from alembic.op import create_index, drop_column */
	void *block;                    /* all of the above once packed (migration_pack()), or NULL */
};

int migration_read(struct pysrc_parser *parser, const char *src, size_t len,
		   struct migration *out, struct mr_error *err);

/* The same, from a tree already parsed from src. */
int migration_from_tree(TSTree *tree, const char *src, struct migration *out,
			struct mr_error *err);

/*
 * The argument at position pos, or else the one named keyword (either may
 * be unused: pos (size_t)-1, keyword NULL).  NULL when absent.
 */
const struct pyarg *pycall_arg(const struct pycall *call, size_t pos, const char *keyword);

/* The call a module-level name is bound to, or NULL. */
const struct pycall *migration_alias(const struct migration *m, const char *name);

/*
 * Whether callee starts a SQLAlchemy Core statement: sa.select(...),
 * orders.update().values(...), sa.insert(t).from_select(...).  The first
 * call of the chain says what it is, not its last (.where, .values).
 */
bool migration_core_statement(const char *callee);

/*
 * Moves everything m owns into one allocation (m->block), which
 * migration_free() then releases at once: a project's migrations are all
 * kept while it is analysed.  A packed migration is read, never grown.
 * -1 when memory runs out (m is left as it was).
 */
int migration_pack(struct migration *m);

void migration_free(struct migration *m);

#endif

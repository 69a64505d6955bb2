/*
 * The schema as the migrations build it, replayed along review order
 * without a database: tables and their columns (type, nullability, server
 * default), indexes and the constraints that work as indexes (primary key,
 * unique), foreign keys and enum types, each remembering the migration that
 * created it.  Rules ask it what existed before a migration ran.
 *
 * It also normalises Alembic operations: op.X(...) and batch_op.X(...) take
 * their arguments in different positions, and op_param() finds a parameter
 * by its Alembic name whichever way it was passed.
 *
 * What is dropped keeps its place in the arrays, emptied (a NULL name or
 * table), so that positions never move: the schema is indexed by table
 * and by name, and each operation touches only what it names.
 *
 * struct schema owns all of its strings; schema_free() releases them.
 */
#ifndef MIGREVIEW_SCHEMA_H
#define MIGREVIEW_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/migration.h"
#include "migreview/naming.h"
#include "migreview/sqltok.h"
#include "migreview/util.h"

#define SCHEMA_BEFORE_HISTORY ((size_t)-1)   /* created before the first migration read */

struct schema_column {
	char *name;
	char *type;             /* as written: "sa.String(length=20)" */
	bool nullable;
	bool server_default;
	size_t created_in;      /* migration index */
};

struct schema_table {
	char *name;             /* NULL once dropped */
	struct schema_column *columns;
	size_t n_columns, cap_columns;
	size_t created_in;      /* migration index */
};

/* An index, or a primary key / unique constraint, which index their columns too. */
struct schema_index {
	char *name;             /* NULL when unnamed */
	char *table;            /* NULL once dropped */
	struct strvec columns;  /* in key order */
	bool unique;
	bool constraint;        /* a PK or unique constraint rather than an index */
	size_t created_in;
};

struct schema_fk {
	char *name;
	char *table;            /* NULL once dropped */
	struct strvec columns;
	char *referent;
	size_t created_in;
	unsigned line, col;     /* where it was declared */
};

struct schema_enum {
	char *name;
	size_t created_in;
	unsigned line, col;     /* where it was declared */
};

/* A CHECK (column IS NOT NULL): once validated, SET NOT NULL need not scan. */
struct schema_check {
	char *name;             /* NULL once dropped */
	char *table;
	char *column;
	bool validated;
};

/* Positions in one of the schema's arrays. */
struct schema_slots {
	size_t *v;
	size_t n, cap;
};

/* What bears one name: the tables and keys of a table, or the keys named so. */
struct schema_named {
	struct schema_slots tables, indexes, fks, checks;
	struct schema_slots referring;  /* foreign keys to the table */
};

struct schema {
	/* each in the order made, the dropped ones included */
	struct schema_table *tables;
	size_t n_tables, cap_tables;
	struct schema_index *indexes;
	size_t n_indexes, cap_indexes;
	struct schema_fk *fks;
	size_t n_fks, cap_fks;
	struct schema_enum *enums;      /* never dropped */
	size_t n_enums, cap_enums;
	struct schema_check *checks;
	size_t n_checks, cap_checks;
	/* what is not dropped, by table and by its own name (positions in named) */
	struct strmap by_table, by_name, enum_index;
	struct schema_named *named;
	size_t n_named, cap_named;
	const struct naming *naming;    /* names constraints and indexes (borrowed), or NULL */
};

/* The Alembic operations the schema follows. */
enum op_kind {
	OP_OTHER,
	OP_CREATE_TABLE, OP_DROP_TABLE, OP_RENAME_TABLE,
	OP_ADD_COLUMN, OP_DROP_COLUMN, OP_ALTER_COLUMN,
	OP_CREATE_INDEX, OP_DROP_INDEX,
	OP_CREATE_UNIQUE, OP_CREATE_PK, OP_CREATE_FK, OP_CREATE_CHECK, OP_DROP_CONSTRAINT,
	OP_EXECUTE, OP_BULK_INSERT,
};

enum op_kind op_kind_of(const struct migration_op *op);

/*
 * The argument Alembic calls param ("column_name", "columns", ...) whether
 * passed by position or by keyword, on op or on a batch alias.  NULL if
 * absent.
 */
const struct pyarg *op_param(const struct migration_op *op, const char *param);

/* The string value of op_param(), or NULL when absent or not a literal. */
const char *op_string(const struct migration_op *op, const char *param);

/*
 * The SQL of an execute(): op.execute("...") or op.execute(sa.text("...")).
 * *arg is the argument either way (NULL when there is none); the text is
 * NULL when the SQL is not a literal.
 */
const char *op_sql(const struct migration_op *op, const struct pyarg **arg);

/*
 * The table an operation works on (a batch's own table too), or NULL.  A
 * table in a named schema (schema=, source_schema=, a batch's schema=) is
 * "schema.table": that is its identity in the replay, as tables of the same
 * name in two schemas are two tables; one in the default schema is "table".
 */
const char *op_table(const struct migration_op *op);

/*
 * name as the keyword (schema=, referent_schema=) of op places it:
 * "schema.name" (into buf) for a schema other than public, else name itself.
 */
const char *op_in_schema(const struct migration_op *op, const char *keyword, const char *name,
			 char *buf, size_t size);

/*
 * Sets table_key on the operations of m that name a schema, for op_table().
 * migration_from_tree() calls it; -1 when out of memory.
 */
int schema_qualify(struct migration *m);

/*
 * Applies one operation of migration index at to the schema; sql is its
 * literal SQL as sql_scan() reads it (op_sql()), or NULL when it has none.
 */
int schema_apply(struct schema *s, const struct migration_op *op, const struct sql_script *sql,
		 size_t at);

/* Records an enum type created by migration at (explicitly, with .create()). */
int schema_add_enum(struct schema *s, const char *name, size_t at, unsigned line, unsigned col);

/* Does a validated CHECK (column IS NOT NULL) exist on table? */
bool schema_not_null_proven(const struct schema *s, const char *table, const char *column);

struct schema_table *schema_table(const struct schema *s, const char *name);
struct schema_column *schema_column(const struct schema *s, const char *table, const char *column);

/* An index, PK or unique constraint of table whose leading columns are columns. */
const struct schema_index *schema_covering_index(const struct schema *s, const char *table,
						 const struct strvec *columns);

/* The first index (or PK, unique constraint) made of those called name, or NULL. */
const struct schema_index *schema_index_named(const struct schema *s, const char *name);

void schema_free(struct schema *s);

#endif

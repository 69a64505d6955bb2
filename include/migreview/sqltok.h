/*
 * A keyword-level scanner for the literal SQL of op.execute("...") and
 * sa.text("...").  It is not a parser: it splits the text into statements the
 * way psql does, names each statement's kind, target table and object, sets
 * flags for the clauses the rules care about (WHERE, CONCURRENTLY, IF [NOT]
 * EXISTS, NOT VALID, ...) and collects literal row ids.  The lexer follows
 * PostgreSQL: '...' with '' escapes, E'...' with backslash escapes, "quoted"
 * (and MySQL `quoted`) identifiers, $tag$ dollar quotes, -- and nested block
 * comments.  Work and memory are linear in the input, nothing recurses, and
 * any bytes are accepted: unterminated strings and comments end at the end of
 * the input.
 *
 * Names are returned as PostgreSQL resolves them: unquoted identifiers folded
 * to lower case (ASCII), quoted ones exactly as written without the quotes.
 * A schema-qualified name (public.orders) yields the last part as the name
 * and the part before it as the schema.
 *
 * struct sql_script owns every statement and every string, vector and array
 * reachable from it; sql_script_free() releases them all.  The table and
 * object members are borrowed views of tables.v[0] and objects.v[0].
 */
#ifndef MIGREVIEW_SQLTOK_H
#define MIGREVIEW_SQLTOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migreview/error.h"
#include "migreview/util.h"

/* Statement kinds: X(enum suffix, name printed by sql_kind_name) */
#define SQL_KINDS(X) \
	X(OTHER, "other") \
	X(SELECT, "select") \
	X(INSERT, "insert") \
	X(UPDATE, "update") \
	X(DELETE, "delete") \
	X(TRUNCATE, "truncate") \
	X(CREATE_TABLE, "create table") \
	X(DROP_TABLE, "drop table") \
	X(ALTER_TABLE, "alter table") \
	X(CREATE_INDEX, "create index") \
	X(DROP_INDEX, "drop index") \
	X(REINDEX, "reindex") \
	X(CREATE_TYPE, "create type") \
	X(ALTER_TYPE, "alter type") \
	X(DROP_TYPE, "drop type") \
	X(CREATE_OTHER, "create") /* view, sequence, function, extension, ... */ \
	X(DROP_OTHER, "drop") \
	X(LOCK, "lock") \
	X(CLUSTER, "cluster") \
	X(REFRESH, "refresh materialized view") \
	X(SET, "set") \
	X(BEGIN, "begin")           /* BEGIN, START TRANSACTION */ \
	X(COMMIT, "commit")         /* COMMIT, END */ \
	X(ROLLBACK, "rollback")     /* ROLLBACK, ABORT */ \
	X(CREATE_TRIGGER, "create trigger")

enum sql_kind {
#define SQL_KIND_ENUM(id, name) SQL_##id,
	SQL_KINDS(SQL_KIND_ENUM)
#undef SQL_KIND_ENUM
	SQL_KIND_COUNT
};

/*
 * Statement flags: X(bit name, printed name).  Test them with SQL_F(NAME).
 * ALTER TABLE sets the union of its actions' flags on the statement and each
 * action's own flags on struct sql_action.
 */
#define SQL_FLAGS(X) \
	X(WHERE, "where")                       /* a WHERE outside parentheses */ \
	X(CONCURRENTLY, "concurrently")         /* CREATE/DROP INDEX, REINDEX, REFRESH */ \
	X(IF_EXISTS, "if-exists") \
	X(IF_NOT_EXISTS, "if-not-exists") \
	X(OR_REPLACE, "or-replace") \
	X(CASCADE, "cascade")                   /* DROP ... CASCADE, TRUNCATE ... CASCADE */ \
	X(ADD_VALUE, "add-value")               /* ALTER TYPE ... ADD VALUE */ \
	X(RENAME_VALUE, "rename-value")         /* ALTER TYPE ... RENAME VALUE */ \
	X(RENAME_TABLE, "rename-table")         /* ALTER TABLE ... RENAME TO */ \
	X(RENAME_COLUMN, "rename-column")       /* RENAME [COLUMN] a TO b, MySQL CHANGE a b */ \
	X(ADD_COLUMN, "add-column") \
	X(DROP_COLUMN, "drop-column") \
	X(ALTER_COLUMN_TYPE, "alter-column-type") /* [SET DATA] TYPE, MySQL MODIFY/CHANGE */ \
	X(SET_NOT_NULL, "set-not-null")         /* ALTER COLUMN ... SET NOT NULL */ \
	X(DROP_NOT_NULL, "drop-not-null")       /* ALTER COLUMN ... DROP NOT NULL */ \
	X(NOT_NULL, "not-null")                 /* NOT NULL in an added column's definition */ \
	X(DEFAULT, "default")                   /* DEFAULT of an added column, SET DEFAULT */ \
	X(ADD_CONSTRAINT, "add-constraint")     /* a table constraint: ADD [CONSTRAINT n] ... */ \
	X(DROP_CONSTRAINT, "drop-constraint") \
	X(FOREIGN_KEY, "foreign-key")           /* FOREIGN KEY, or REFERENCES on a column */ \
	X(CHECK, "check") \
	X(UNIQUE, "unique")                     /* a UNIQUE constraint, not CREATE UNIQUE INDEX */ \
	X(PRIMARY_KEY, "primary-key") \
	X(NOT_VALID, "not-valid") \
	X(VALIDATE_CONSTRAINT, "validate-constraint") \
	X(USING_INDEX, "using-index")           /* ADD CONSTRAINT ... UNIQUE USING INDEX i */ \
	X(UNIQUE_INDEX, "unique-index")         /* CREATE UNIQUE INDEX */ \
	X(ENUM, "enum")                         /* CREATE TYPE ... AS ENUM */ \
	X(LOCAL, "local")                       /* SET LOCAL */ \
	X(LOCK_TIMEOUT, "lock-timeout")         /* sets a non-zero lock_timeout */ \
	X(STATEMENT_TIMEOUT, "statement-timeout") \
	X(ACCESS_EXCLUSIVE, "access-exclusive") /* LOCK TABLE in (or defaulting to) that mode */ \
	X(TEMPORARY, "temporary")               /* CREATE TEMP / TEMPORARY TABLE, TRIGGER */ \
	/* an added column whose value is computed for every existing row: */ \
	X(SERIAL, "serial")                     /* of type [big|small]serial */ \
	X(IDENTITY, "identity")                 /* GENERATED ... AS IDENTITY */ \
	X(GENERATED_STORED, "generated-stored") /* GENERATED ALWAYS AS (...) STORED */ \
	X(VOLATILE_DEFAULT, "volatile-default") /* DEFAULT random(), gen_random_uuid(), ... */

enum sql_flag {
#define SQL_FLAG_ENUM(id, name) SQL_FLAG_##id,
	SQL_FLAGS(SQL_FLAG_ENUM)
#undef SQL_FLAG_ENUM
	SQL_FLAG_COUNT
};

#define SQL_F(id) (UINT64_C(1) << SQL_FLAG_##id)

enum sql_id_kind {
	SQL_ID_NUMBER,          /* WHERE id = 42, customer_id IN (1, 2), VALUES (42, ...) */
	SQL_ID_UUID,            /* '3f2b1c9e-1234-4abc-8def-0123456789ab', anywhere */
};

/* A literal row id. */
struct sql_id {
	size_t offset, length;  /* the literal in the SQL text, quotes included */
	char *text;             /* its value: the number as written, or the UUID */
	char *column;           /* the id column it is compared with or inserted into, or NULL */
	enum sql_id_kind kind;
};

/* One comma-separated action of an ALTER TABLE. */
struct sql_action {
	uint64_t flags;
	size_t offset, length;  /* in the SQL text */
	char *name;             /* the column or constraint it names, or NULL */
	char *new_name;         /* RENAME ... TO new_name, MySQL CHANGE old new */
	struct strvec columns;  /* key columns of a PRIMARY KEY, UNIQUE or FOREIGN KEY; the
				   added column when it has REFERENCES */
	char *ref_table;        /* the table a foreign key REFERENCES, or NULL */
};

struct sql_stmt {
	enum sql_kind kind;
	uint64_t flags;
	size_t offset, length;  /* from the first keyword to the end of the last token,
				   without the ';' */
	const char *table;      /* tables.v[0], or NULL */
	const char *object;     /* objects.v[0], or NULL */
	char *schema;           /* schema qualifying the first table (else object), or NULL */
	/*
	 * Target tables: the one an INSERT, UPDATE, DELETE, CREATE/ALTER TABLE,
	 * CREATE INDEX, CREATE TRIGGER, CLUSTER or REFRESH works on; every table of DROP TABLE,
	 * TRUNCATE or LOCK.
	 */
	struct strvec tables;
	/*
	 * Named objects: index of CREATE INDEX, REINDEX INDEX; every index,
	 * type or object of DROP INDEX / TYPE / other; type of CREATE/ALTER
	 * TYPE; object of CREATE other, trigger of CREATE TRIGGER; the name of every ALTER TABLE action
	 * that has one; the parameter of SET; the mode of LOCK ("access
	 * exclusive").
	 */
	struct strvec objects;
	char *new_name;         /* ALTER TABLE/TYPE ... RENAME TO new_name */
	/*
	 * INSERT: the column list.  CREATE INDEX: each key element, a column
	 * name, or for an expression its text as written.
	 */
	struct strvec columns;
	/*
	 * Enum labels, unquoted: every label of CREATE TYPE ... AS ENUM; the new
	 * label of ADD VALUE; the old and new label of RENAME VALUE.
	 */
	struct strvec labels;
	struct sql_action *actions;     /* ALTER TABLE only */
	size_t n_actions;
	struct sql_id *ids;             /* in text order */
	size_t n_ids;
	/*
	 * INSERT ... SELECT and CREATE TABLE ... AS: the tables named after FROM,
	 * JOIN or AS TABLE, at any depth: where the rows it writes come from.
	 */
	struct strvec sources;
};

struct sql_script {
	struct sql_stmt *v;
	size_t n;
};

/*
 * Scans sql[0..len) (NUL bytes included) into *out, which the caller
 * releases with sql_script_free().  Empty statements (";;", comments only)
 * are left out.  Returns 0, or -1 with err filled when memory runs out; *out
 * is then empty.
 */
int sql_scan(const char *sql, size_t len, struct sql_script *out, struct mr_error *err);
void sql_script_free(struct sql_script *s);

const char *sql_kind_name(enum sql_kind k);
const char *sql_flag_name(enum sql_flag f);

/*
 * Functions PostgreSQL evaluates once per row, so that a column default
 * calling one rewrites the table: "random", "nextval", ...; NULL-terminated.
 * The SQL scanner (sqlalter.c) and the op.* checks (analyze.c) share it.
 */
extern const char *const sql_volatile_functions[];

/* Is name a row id column: "id" or ending in "_id", in any case? */
bool sql_is_id_column(const char *name);

#endif

/* The analyser's rules on literal SQL: op.execute("...") and sa.text("..."). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "migreview/sqltok.h"

/* One statement being checked, and where its text came from. */
struct sql_at {
	struct ctx *c;
	const struct migration_op *op;
	const struct pyarg *arg;        /* the string literal */
	const char *text;
	const struct sql_stmt *st;
};

/*
 * The line and column in the file of offset in the SQL text: exact for
 * one-line literals, and for the lines of triple-quoted ones.
 */
static void
position(const struct sql_at *s, size_t offset, unsigned *line, unsigned *col)
{
	const char *start = s->text;
	bool first_line = true;

	*line = s->arg->line;
	for (size_t i = 0; i < offset && s->text[i]; i++) {
		if (s->text[i] == '\n') {
			(*line)++;
			start = s->text + i + 1;
			first_line = false;
		}
	}
	/* on its first line the text starts after the opening quote */
	*col = (unsigned)(s->text + offset - start) + (first_line ? s->arg->col + 1 : 1);
}

static int __attribute__((format(printf, 5, 6)))
report_sql(const struct sql_at *s, enum rule_id rule, const char *table, size_t offset,
	   const char *fmt, ...)
{
	char msg[1024];
	unsigned line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	position(s, offset, &line, &col);
	return report(s->c, rule, table, line, col, "%s", msg);
}

static bool
has(const struct sql_stmt *st, uint64_t flags)
{
	return (st->flags & flags) != 0;
}

/* The table an index belongs to, from the statement or the replayed schema. */
static const char *
index_table(const struct ctx *c, const struct sql_stmt *st)
{
	if (st->table)
		return st->table;
	for (size_t i = 0; st->object && i < c->schema->n_indexes; i++)
		if (c->schema->indexes[i].name && !strcmp(c->schema->indexes[i].name, st->object))
			return c->schema->indexes[i].table;
	return NULL;
}

static int
check_rows(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;

	for (size_t i = 0; i < st->n_ids; i++)
		if (report_sql(s, RULE_HARDCODED_ID, NULL, st->ids[i].offset,
			       "literal id %s%s%s: rows differ between environments, and ids from "
			       "a sequence are not stable", st->ids[i].text,
			       st->ids[i].column ? " for " : "",
			       st->ids[i].column ? st->ids[i].column : "") < 0)
			return -1;
	if ((st->kind == SQL_DELETE && !has(st, SQL_F(WHERE))) || st->kind == SQL_TRUNCATE)
		return report_sql(s, RULE_UNQUALIFIED_DELETE, st->table, st->offset,
				  "%s removes every row of %s", st->kind == SQL_TRUNCATE ?
				  "TRUNCATE" : "DELETE without WHERE", st->table ? st->table : "the table");
	if (st->kind == SQL_UPDATE && !has(st, SQL_F(WHERE)))
		return report_sql(s, RULE_UNQUALIFIED_UPDATE, st->table, st->offset,
				  "UPDATE without WHERE rewrites every row of %s",
				  st->table ? st->table : "the table");
	return 0;
}

static int
check_index_sql(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;
	const char *table = index_table(s->c, st);
	bool create = st->kind == SQL_CREATE_INDEX;

	if (has(st, SQL_F(CONCURRENTLY)))
		return s->op->in_autocommit ? 0 :
		       report_sql(s, RULE_CONCURRENTLY_OUTSIDE_AUTOCOMMIT_BLOCK, table, st->offset,
				  "%s INDEX CONCURRENTLY cannot run inside the migration's "
				  "transaction; put it in `with op.get_context().autocommit_block():`",
				  create ? "CREATE" : "DROP");
	if (st->table ? is_new_stmt(s->c, st) : is_new(s->c, table))
		return 0;
	return report_sql(s, create ? RULE_INDEX_NOT_CONCURRENT : RULE_DROP_INDEX_NOT_CONCURRENT,
			  table, st->offset, "%s index %s %s %s without CONCURRENTLY: writes to "
			  "the table block until it is done", create ? "creating" : "dropping",
			  st->object ? st->object : "", create ? "on" : "of", table ? table : "its table");
}

static int
check_enum_sql(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;

	if (has(st, SQL_F(ADD_VALUE)) && !s->op->in_autocommit &&
	    report_sql(s, RULE_ENUM_ADD_VALUE_IN_TRANSACTION, NULL, st->offset,
		       "ALTER TYPE %s ADD VALUE runs inside the migration's transaction: "
		       "before PostgreSQL 12 it fails there, and the new value cannot be used "
		       "until it commits", st->object ? st->object : "") < 0)
		return -1;
	if (has(st, SQL_F(RENAME_VALUE)))
		return report_sql(s, RULE_ENUM_VALUE_REMOVED_OR_RENAMED, NULL, st->offset,
				  "a label of enum %s is renamed: the running application still "
				  "reads and writes the old one", st->object ? st->object : "");
	return 0;
}

/* CREATE without IF NOT EXISTS, DROP without IF EXISTS: a rerun fails. */
static int
check_idempotent(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;
	bool create = st->kind == SQL_CREATE_TABLE || st->kind == SQL_CREATE_INDEX ||
		      (st->kind == SQL_CREATE_TYPE) || has(st, SQL_F(ADD_VALUE));
	bool drop = st->kind == SQL_DROP_TABLE || st->kind == SQL_DROP_INDEX ||
		    st->kind == SQL_DROP_TYPE;

	if (create && !has(st, SQL_F(IF_NOT_EXISTS) | SQL_F(OR_REPLACE)))
		return report_sql(s, RULE_NON_IDEMPOTENT_SQL, st->table, st->offset,
				  "%s without IF NOT EXISTS fails when run twice (a half-applied "
				  "migration, a hotfix applied by hand)", sql_kind_name(st->kind));
	if (drop && !has(st, SQL_F(IF_EXISTS)))
		return report_sql(s, RULE_NON_IDEMPOTENT_SQL, st->table, st->offset,
				  "%s without IF EXISTS fails when run twice", sql_kind_name(st->kind));
	return 0;
}

/* Statements that hold a strong lock for as long as they scan or rewrite. */
static int
check_locks(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;
	const char *why = NULL;

	if (st->kind == SQL_LOCK)
		why = "LOCK TABLE blocks other sessions until the migration commits";
	else if (st->kind == SQL_REINDEX && !has(st, SQL_F(CONCURRENTLY)))
		why = "REINDEX without CONCURRENTLY blocks writes to the table while it rebuilds";
	else if (st->kind == SQL_CLUSTER)
		why = "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock";
	else if (st->kind == SQL_REFRESH && !has(st, SQL_F(CONCURRENTLY)))
		why = "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of it";
	else if (st->kind == SQL_ALTER_TABLE && !is_new_stmt(s->c, st) &&
		 (has(st, SQL_F(ALTER_COLUMN_TYPE) | SQL_F(SET_NOT_NULL)) ||
		  (has(st, SQL_F(ADD_CONSTRAINT)) && !has(st, SQL_F(NOT_VALID) | SQL_F(USING_INDEX)) &&
		   has(st, SQL_F(FOREIGN_KEY) | SQL_F(CHECK) | SQL_F(UNIQUE) | SQL_F(PRIMARY_KEY)))))
		why = "this ALTER TABLE scans or rewrites the table while it holds its lock";
	return why ? report_sql(s, RULE_LOCK_HEAVY_RAW_SQL, st->table, st->offset, "%s", why) : 0;
}

int
check_sql(struct ctx *c, const struct migration_op *op, bool downgrade)
{
	const struct pyarg *arg;
	const char *text = op_sql(op, &arg);
	struct sql_script script;
	struct mr_error err;
	int rc = 0;

	if (!text)
		return 0;
	if (arg->kind == PYARG_CALL)
		arg = &arg->call->args[0];      /* sa.text("..."): the string itself */
	if (sql_scan(text, strlen(text), &script, &err) < 0)
		return -1;
	for (size_t i = 0; i < script.n && rc == 0; i++) {
		struct sql_at s = { c, op, arg, text, &script.v[i] };
		enum sql_kind kind = script.v[i].kind;

		rc = check_rows(&s);
		if (rc == 0 && downgrade && (kind == SQL_DELETE || kind == SQL_TRUNCATE))
			rc = report_sql(&s, RULE_DESTRUCTIVE_DOWNGRADE, script.v[i].table,
					script.v[i].offset, "downgrade() deletes rows of %s: what was "
					"written since the upgrade is lost on rollback",
					script.v[i].table ? script.v[i].table : "a table");
		if (rc || downgrade)
			continue;
		if (kind == SQL_CREATE_INDEX || kind == SQL_DROP_INDEX)
			rc = check_index_sql(&s);
		if (rc == 0 && kind == SQL_ALTER_TYPE)
			rc = check_enum_sql(&s);
		if (rc == 0)
			rc = check_idempotent(&s);
		if (rc == 0)
			rc = check_locks(&s);
	}
	sql_script_free(&script);
	return rc;
}

/* --- missing-lock-timeout --- */

static bool
sets_lock_timeout(const struct migration_op *op)
{
	const struct pyarg *arg;
	const char *text = op_sql(op, &arg);
	struct sql_script script;
	bool found = false;

	if (!text || sql_scan(text, strlen(text), &script, NULL) < 0)
		return false;
	for (size_t i = 0; i < script.n; i++)
		found = found || has(&script.v[i], SQL_F(LOCK_TIMEOUT));
	sql_script_free(&script);
	return found;
}

/* Does op take a lock that queues behind long transactions on an existing table? */
static const char *
locked_table(const struct ctx *c, const struct migration_op *op)
{
	enum op_kind kind = op_kind_of(op);
	const char *table = op_table(op);
	const struct pyarg *arg;
	const char *text;
	struct sql_script script;
	static char found[256];

	switch (kind) {
	case OP_ADD_COLUMN: case OP_DROP_COLUMN: case OP_ALTER_COLUMN: case OP_DROP_TABLE:
	case OP_RENAME_TABLE: case OP_CREATE_UNIQUE: case OP_CREATE_PK: case OP_CREATE_FK:
	case OP_CREATE_CHECK: case OP_DROP_CONSTRAINT:
		return table && !is_new(c, table) ? table : NULL;
	case OP_CREATE_INDEX: case OP_DROP_INDEX: {
		const struct pyarg *conc = pycall_arg(&op->call, (size_t)-1, "postgresql_concurrently");

		if (conc && conc->kind == PYARG_BOOL && !strcmp(conc->text, "True"))
			return NULL;
		return table && !is_new(c, table) ? table : NULL;
	}
	case OP_EXECUTE:
		if (!(text = op_sql(op, &arg)) || sql_scan(text, strlen(text), &script, NULL) < 0)
			return NULL;
		found[0] = '\0';
		for (size_t i = 0; i < script.n && !found[0]; i++) {
			const struct sql_stmt *st = &script.v[i];

			/* VALIDATE CONSTRAINT takes a lock that lets reads and writes through */
			bool alter = st->kind == SQL_ALTER_TABLE &&
				     (st->flags & ~SQL_F(VALIDATE_CONSTRAINT)) != 0;

			if ((st->kind == SQL_LOCK || alter ||
			     (st->kind == SQL_CREATE_INDEX && !has(st, SQL_F(CONCURRENTLY)))) &&
			    st->table && !is_new_stmt(c, st))
				snprintf(found, sizeof(found), "%s", st->table);
		}
		sql_script_free(&script);
		return found[0] ? found : NULL;
	default:
		return NULL;
	}
}

int
check_lock_timeout(struct ctx *c, const struct migration_op *op)
{
	const char *table;

	if (c->lock_timeout_seen || c->cfg->lock_timeout_everywhere)
		return 0;
	if (sets_lock_timeout(op)) {
		c->lock_timeout_seen = true;
		return 0;
	}
	if (!(table = locked_table(c, op)))
		return 0;
	c->lock_timeout_seen = true;    /* once per migration is enough */
	return report_op(c, RULE_MISSING_LOCK_TIMEOUT, table, op,
			 "no lock_timeout is set before this takes its lock on %s: behind one long "
			 "transaction it queues, and every query on the table queues behind it", table);
}

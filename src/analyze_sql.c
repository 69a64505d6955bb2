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

	if (s->op->not_on & s->c->cfg->dialect)
		return 0;       /* the statement never runs on the dialect checked */
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
	const struct schema_index *ix = st->table ? NULL : schema_index_named(c->schema, st->object);

	return st->table ? st->table : ix ? ix->table : NULL;
}

/* The table op.bulk_insert() writes: sa.table("name", ...) inline or by a module-level name. */
static const char *
bulk_insert_table(const struct ctx *c, const struct migration_op *op)
{
	const struct pyarg *t = op_param(op, "table");
	const struct pycall *call = t && t->kind == PYARG_CALL ? t->call :
				    t && t->kind == PYARG_NAME ? migration_alias(c->m, t->text) : NULL;

	if (!call || (strcmp(call->name, "table") != 0 && strcmp(call->name, "Table") != 0) ||
	    !call->n_args || call->args[0].kind != PYARG_STRING)
		return NULL;
	return call->args[0].text;
}

/*
 * Does statement st (before: one before the DELETE, else one after it) keep
 * table's rows: a copy elsewhere before the delete (INSERT INTO x SELECT ...
 * FROM table, CREATE TABLE x AS ... table), or a refill after it (INSERT
 * INTO table)?
 */
static bool
keeps_rows(const struct sql_stmt *st, const char *table, bool before)
{
	bool into_table = st->table && !strcmp(st->table, table);

	if (before)
		return (st->kind == SQL_INSERT || st->kind == SQL_CREATE_TABLE) && !into_table &&
		       strvec_contains(&st->sources, table);
	return st->kind == SQL_INSERT && into_table;
}

/*
 * A copy-then-delete or a delete-then-refill: the same function (upgrade()
 * or downgrade()) copies table's rows elsewhere before the DELETE or
 * TRUNCATE at s, or writes the table again after it (INSERT INTO, or
 * bulk_insert).  The rows move; they are not simply lost.
 */
static bool
rows_kept(const struct sql_at *s, const char *table)
{
	/* an upgrade() without operations has no array: NULL + 0 is undefined */
	const struct migration_fn *fn = s->c->m->upgrade.n_ops && s->op >= s->c->m->upgrade.ops &&
		s->op < s->c->m->upgrade.ops + s->c->m->upgrade.n_ops ? &s->c->m->upgrade :
		&s->c->m->downgrade;
	bool kept = false;

	for (size_t i = 0; i < fn->n_ops && !kept; i++) {
		const struct migration_op *op = &fn->ops[i];
		const struct sql_script *script = op_kind_of(op) == OP_EXECUTE ? op_script(s->c, op) : NULL;
		const char *bulk = op_kind_of(op) == OP_BULK_INSERT ? bulk_insert_table(s->c, op) : NULL;

		if (bulk && op > s->op && !strcmp(bulk, table))
			return true;
		for (size_t k = 0; script && k < script->n && !kept; k++) {
			bool before = op < s->op || (op == s->op && script->v[k].offset < s->st->offset);

			if (op != s->op || script->v[k].offset != s->st->offset)
				kept = keeps_rows(&script->v[k], table, before);
		}
	}
	return kept;
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
	if (is_new(s->c, st->table))
		return 0;       /* a table made by this migration holds none of production's rows */
	if (((st->kind == SQL_DELETE && !has(st, SQL_F(WHERE))) || st->kind == SQL_TRUNCATE) &&
	    !(st->table && st->tables.n == 1 && rows_kept(s, st->table)))
		return report_sql(s, RULE_UNQUALIFIED_DELETE, st->table, st->offset,
				  "%s removes every row of %s", st->kind == SQL_TRUNCATE ?
				  "TRUNCATE" : "DELETE without WHERE", st->table ? st->table : "the table");
	if (st->kind == SQL_UPDATE && !has(st, SQL_F(WHERE)) && is_large(s->c, st->table) &&
	    report_sql(s, RULE_UPDATE_WITHOUT_BATCHING, st->table, st->offset,
		       "UPDATE without WHERE writes every row of large table %s in one "
		       "transaction: its rows stay locked against writers until the migration "
		       "commits", st->table) < 0)
		return -1;
	if (st->kind == SQL_UPDATE && !has(st, SQL_F(WHERE)))
		return report_sql(s, RULE_UNQUALIFIED_UPDATE, st->table, st->offset,
				  "UPDATE without WHERE rewrites every row of %s",
				  st->table ? st->table : "the table");
	return 0;
}

/* ALTER COLUMN ... DROP NOT NULL on a table that running code already uses. */
static int
check_alter_sql(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;

	if (is_new(s->c, st->table))
		return 0;
	for (size_t i = 0; i < st->n_actions; i++)
		if ((st->actions[i].flags & SQL_F(DROP_NOT_NULL)) &&
		    report_sql(s, RULE_DROP_NOT_NULL, st->table, st->actions[i].offset,
			       "%s.%s may hold NULL from now on: the previous release, still "
			       "running, was written for a column that is never NULL",
			       st->table ? st->table : "?",
			       st->actions[i].name ? st->actions[i].name : "?") < 0)
			return -1;
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

/* Every one of tables is made by this migration (and there is one). */
static bool
all_new(const struct ctx *c, const struct strvec *tables)
{
	for (size_t i = 0; i < tables->n; i++)
		if (!is_new(c, tables->v[i]))
			return false;
	return tables->n > 0;
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

	/*
	 * A temporary table goes with the session, and what is done to a table
	 * this migration made is done again to the table the rerun makes.
	 */
	if (has(st, SQL_F(TEMPORARY)) || (st->kind != SQL_CREATE_TABLE && all_new(s->c, &st->tables)))
		return 0;
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
	char trigger[320];

	if (st->kind == SQL_REINDEX && has(st, SQL_F(CONCURRENTLY)) && !s->op->in_autocommit)
		return report_sql(s, RULE_CONCURRENTLY_OUTSIDE_AUTOCOMMIT_BLOCK, st->table, st->offset,
				  "REINDEX CONCURRENTLY cannot run inside the migration's "
				  "transaction; put it in `with op.get_context().autocommit_block():`");
	if (is_new(s->c, st->table))
		return 0;
	if (st->kind == SQL_CREATE_TRIGGER && st->table) {
		snprintf(trigger, sizeof(trigger), "CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock "
			 "on %s: writes to it wait until the migration commits", st->table);
		why = trigger;
	} else if (st->kind == SQL_LOCK)
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

/* DROP TABLE [IF EXISTS]: the same finding as op.drop_table(). */
static int
check_drop_table_sql(const struct sql_at *s)
{
	const struct strvec *tables = &s->st->tables;

	for (size_t i = 0; i < tables->n; i++)
		if (!is_new(s->c, tables->v[i]) &&
		    report_sql(s, RULE_DROP_TABLE, tables->v[i], s->st->offset,
			       "table %s is dropped with all its rows", tables->v[i]) < 0)
			return -1;
	return 0;
}

/* How an added column gets a value computed for every existing row, or NULL. */
static const char *
rewriting_column(const struct sql_action *act)
{
	if (act->flags & SQL_F(SERIAL))
		return "as a serial column";
	if (act->flags & SQL_F(IDENTITY))
		return "as an identity column";
	if (act->flags & SQL_F(GENERATED_STORED))
		return "as a stored generated column";
	if (act->flags & SQL_F(VOLATILE_DEFAULT))
		return "with a volatile default";
	return NULL;
}

/* One ALTER TABLE action: the findings of op.drop_column(), rename_table(), ... */
static int
check_action_sql(const struct sql_at *s, const char *table, const struct sql_action *act)
{
	const char *name = act->name ? act->name : "?", *how;

	if (act->flags & SQL_F(DROP_COLUMN) && act->name)
		return report_sql(s, RULE_DROP_COLUMN, table, act->offset, "column %s.%s is "
				  "dropped with all its values", table, name) < 0 ? -1 :
		       check_still_read(s->c, s->op, table, act->name);
	if (act->flags & SQL_F(RENAME_TABLE))
		return report_sql(s, RULE_RENAME_TABLE, table, act->offset, "table %s is renamed "
				  "to %s: the running application still uses the old name", table,
				  act->new_name ? act->new_name : "?");
	if (act->flags & SQL_F(RENAME_COLUMN))
		return report_sql(s, RULE_RENAME_COLUMN, table, act->offset, "%s.%s is renamed to "
				  "%s: the running application still uses the old name", table, name,
				  act->new_name ? act->new_name : "?");
	if (act->flags & SQL_F(ADD_COLUMN) && (how = rewriting_column(act)))
		return report_sql(s, RULE_VOLATILE_SERVER_DEFAULT, table, act->offset, "column "
				  "%s.%s is added %s: every existing row gets its own value, so the "
				  "whole table is rewritten under an ACCESS EXCLUSIVE lock", table,
				  name, how);
	return 0;
}

static int
check_alter_table_sql(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;

	if (!st->table)
		return 0;
	if (is_new(s->c, st->table))
		/* a table made here keeps being new under its new name */
		return st->new_name && !strvec_contains(&s->c->sql_tables, st->new_name) ?
		       strvec_push(&s->c->sql_tables, st->new_name) : 0;
	for (size_t i = 0; i < st->n_actions; i++)
		if (check_action_sql(s, st->table, &st->actions[i]) < 0)
			return -1;
	return 0;
}

/* The statement's checks in upgrade(), then what it makes for the ones after it. */
static int
check_upgrade_sql(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;
	int rc = 0;

	if (st->kind == SQL_CREATE_INDEX || st->kind == SQL_DROP_INDEX)
		rc = check_index_sql(s);
	if (rc == 0 && st->kind == SQL_ALTER_TYPE)
		rc = check_enum_sql(s);
	if (rc == 0 && st->kind == SQL_DROP_TABLE)
		rc = check_drop_table_sql(s);
	if (rc == 0 && st->kind == SQL_ALTER_TABLE)
		rc = check_alter_table_sql(s);
	if (rc == 0 && st->kind == SQL_ALTER_TABLE)
		rc = check_alter_sql(s);
	if (rc == 0)
		rc = check_idempotent(s);
	if (rc == 0)
		rc = check_locks(s);
	if (rc == 0 && st->kind == SQL_CREATE_TABLE && st->table &&
	    !strvec_contains(&s->c->sql_tables, st->table))
		rc = strvec_push(&s->c->sql_tables, st->table);
	return rc;
}

/* Does a statement of st create table, or add column to it? */
static bool
sql_creates(const struct sql_stmt *st, const char *table, const char *column)
{
	if (!st->table || strcmp(st->table, table) != 0)
		return false;
	if (st->kind == SQL_CREATE_TABLE)
		return true;
	for (size_t i = 0; column && st->kind == SQL_ALTER_TABLE && i < st->n_actions; i++)
		if ((st->actions[i].flags & SQL_F(ADD_COLUMN)) && st->actions[i].name &&
		    !strcmp(st->actions[i].name, column))
			return true;
	return false;
}

/* Does upgrade() create this table, or this column on it, with op.* calls or SQL? */
static bool
upgrade_creates_any(const struct ctx *c, const char *table, const char *column)
{
	const struct migration_fn *up = &c->m->upgrade;
	bool found = upgrade_creates(c, table, column);

	for (size_t i = 0; !found && i < up->n_ops; i++) {
		const struct sql_script *script = op_kind_of(&up->ops[i]) == OP_EXECUTE ?
						  op_script(c, &up->ops[i]) : NULL;

		for (size_t k = 0; script && k < script->n && !found; k++)
			found = sql_creates(&script->v[k], table, column);
	}
	return found;
}

/* DROP TABLE and DROP COLUMN in downgrade(): the findings of op.drop_table() there. */
static int
check_downgrade_drops(const struct sql_at *s)
{
	const struct sql_stmt *st = s->st;

	for (size_t i = 0; st->kind == SQL_DROP_TABLE && i < st->tables.n; i++)
		if (!upgrade_creates_any(s->c, st->tables.v[i], NULL) &&
		    report_sql(s, RULE_DESTRUCTIVE_DOWNGRADE, st->tables.v[i], st->offset,
			       "downgrade() drops table %s, which upgrade() did not create: its "
			       "rows are lost", st->tables.v[i]) < 0)
			return -1;
	for (size_t i = 0; st->kind == SQL_ALTER_TABLE && st->table && i < st->n_actions; i++) {
		const struct sql_action *act = &st->actions[i];

		if ((act->flags & SQL_F(DROP_COLUMN)) && act->name &&
		    !upgrade_creates_any(s->c, st->table, act->name) &&
		    report_sql(s, RULE_DESTRUCTIVE_DOWNGRADE, st->table, act->offset,
			       "downgrade() drops %s.%s, which upgrade() did not add: its values "
			       "are lost", st->table, act->name) < 0)
			return -1;
	}
	return 0;
}

/* What in st only PostgreSQL accepts, as the message names it; NULL if nothing. */
static const char *
postgresql_only(const struct sql_stmt *st)
{
	if (st->kind == SQL_ALTER_TYPE)
		return has(st, SQL_F(ADD_VALUE)) ? "ALTER TYPE ... ADD VALUE" : "ALTER TYPE";
	if (st->kind == SQL_CREATE_TYPE)
		return "CREATE TYPE";
	if (st->kind == SQL_REFRESH)
		return "REFRESH MATERIALIZED VIEW";
	if (has(st, SQL_F(CONCURRENTLY)))
		return "CONCURRENTLY";
	if (has(st, SQL_F(NOT_VALID)))
		return "NOT VALID";
	if (has(st, SQL_F(VALIDATE_CONSTRAINT)))
		return "VALIDATE CONSTRAINT";
	return NULL;
}

/*
 * postgresql-only-sql, once per migration: under another target dialect the
 * statement fails, or (as often) the dialect is wrong, and the PostgreSQL
 * rules are quiet for the whole project.
 */
static int
check_dialect_sql(const struct sql_at *s)
{
	const struct analysis_config *cfg = s->c->cfg;
	const char *what = postgresql_only(s->st), *from = cfg->dialect_from;
	/* a SQLite URL in alembic.ini is typically the developer's local database */
	bool local = cfg->dialect == DIALECT_SQLITE && from &&
		     !strncmp(from, "from sqlalchemy.url", 19);
	char name[64];

	if (!what || s->c->postgresql_only_seen || (s->op->not_on & cfg->dialect))
		return 0;       /* SQL guarded to run on PostgreSQL only is fine */
	s->c->postgresql_only_seen = true;
	dialect_names(cfg->dialect, name, sizeof(name));
	return report_sql(s, RULE_POSTGRESQL_ONLY_SQL, s->st->table, s->st->offset,
			  "%s runs only on PostgreSQL, but the analysis targets %s (%s%s): if "
			  "production runs PostgreSQL, set `dialect = postgresql` in [migreview] "
			  "so that the PostgreSQL rules apply", what, name,
			  from ? from : "as configured", local ? ", often a development database" : "");
}

int
check_sql(struct ctx *c, const struct migration_op *op, bool downgrade)
{
	const struct pyarg *arg;
	const char *text = op_sql(op, &arg);
	const struct sql_script *script = op_script(c, op);
	int rc = 0;

	if (!text)
		return 0;
	if (arg->kind == PYARG_CALL)
		arg = &arg->call->args[0];      /* sa.text("..."): the string itself */
	for (size_t i = 0; i < script->n && rc == 0; i++) {
		struct sql_at s = { c, op, arg, text, &script->v[i] };
		enum sql_kind kind = script->v[i].kind;

		rc = check_dialect_sql(&s);
		if (rc == 0)
			rc = check_rows(&s);
		if (rc == 0 && downgrade && (kind == SQL_DELETE || kind == SQL_TRUNCATE))
			rc = report_sql(&s, RULE_DESTRUCTIVE_DOWNGRADE, script->v[i].table,
					script->v[i].offset, "downgrade() deletes rows of %s: what was "
					"written since the upgrade is lost on rollback",
					script->v[i].table ? script->v[i].table : "a table");
		if (rc == 0 && downgrade)
			rc = check_downgrade_drops(&s);
		if (rc == 0 && !downgrade)
			rc = check_upgrade_sql(&s);
	}
	return rc;
}

/* --- missing-lock-timeout --- */

static bool
sets_lock_timeout(const struct ctx *c, const struct migration_op *op)
{
	const struct sql_script *script = op_script(c, op);
	bool found = false;

	for (size_t i = 0; script && i < script->n; i++)
		found = found || has(&script->v[i], SQL_F(LOCK_TIMEOUT));
	return found;
}

/*
 * The first table a new table's foreign keys reference that this migration
 * did not create (into buf), or NULL: sa.ForeignKey("t.id") in a Column, or
 * sa.ForeignKeyConstraint([...], ["t.id"]).  Creating the key takes a SHARE ROW
 * EXCLUSIVE lock on that table, which queues behind a long transaction on it.
 */
static const char *
referenced_table(const struct ctx *c, const struct migration_op *op, char *buf, size_t size)
{
	for (size_t i = 1; i < op->call.n_args; i++) {
		const struct pyarg *a = &op->call.args[i];
		const struct pyarg *ref = NULL;
		const char *dot;

		if (a->keyword || a->kind != PYARG_CALL)
			continue;
		if (!strcmp(a->call->name, "ForeignKeyConstraint")) {
			ref = pycall_arg(a->call, 1, "refcolumns");
			ref = ref && ref->n_items ? &ref->items[0] : NULL;
		}
		for (size_t k = 0; !ref && !strcmp(a->call->name, "Column") && k < a->call->n_args; k++)
			if (a->call->args[k].kind == PYARG_CALL &&
			    !strcmp(a->call->args[k].call->name, "ForeignKey"))
				ref = pycall_arg(a->call->args[k].call, 0, "column");
		if (!ref || ref->kind != PYARG_STRING || !(dot = strrchr(ref->text, '.')))
			continue;
		snprintf(buf, size, "%.*s", (int)(dot - ref->text), ref->text);
		/* a key cannot reference a table that is not there: made here, or it existed */
		if (!is_new(c, buf))
			return buf;
	}
	return NULL;
}

/* Does op take a lock that queues behind long transactions on an existing table? */
static const char *
locked_table(const struct ctx *c, const struct migration_op *op)
{
	enum op_kind kind = op_kind_of(op);
	const char *table = op_table(op);
	const struct sql_script *script;
	static char found[256];

	switch (kind) {
	case OP_CREATE_TABLE:
		return referenced_table(c, op, found, sizeof(found));
	case OP_CREATE_FK: {
		/* the key locks the table it references too, new as its own table may be */
		const char *referent = op_string(op, "referent_table");

		if (table && !is_new(c, table))
			return table;
		return referent && !is_new(c, referent) ? referent : NULL;
	}
	case OP_ADD_COLUMN: case OP_DROP_COLUMN: case OP_ALTER_COLUMN: case OP_DROP_TABLE:
	case OP_RENAME_TABLE: case OP_CREATE_UNIQUE: case OP_CREATE_PK:
	case OP_CREATE_CHECK: case OP_DROP_CONSTRAINT:
		return table && !is_new(c, table) ? table : NULL;
	case OP_CREATE_INDEX: case OP_DROP_INDEX: {
		const struct pyarg *conc = pycall_arg(&op->call, (size_t)-1, "postgresql_concurrently");

		if (conc && conc->kind == PYARG_BOOL && !strcmp(conc->text, "True"))
			return NULL;
		return table && !is_new(c, table) ? table : NULL;
	}
	case OP_EXECUTE:
		if (!(script = op_script(c, op)))
			return NULL;
		found[0] = '\0';
		for (size_t i = 0; i < script->n && !found[0]; i++) {
			const struct sql_stmt *st = &script->v[i];

			/* VALIDATE CONSTRAINT takes a lock that lets reads and writes through */
			bool alter = st->kind == SQL_ALTER_TABLE &&
				     (st->flags & ~SQL_F(VALIDATE_CONSTRAINT)) != 0;

			if ((st->kind == SQL_LOCK || alter || st->kind == SQL_DROP_TABLE ||
			     st->kind == SQL_CREATE_TRIGGER ||
			     (st->kind == SQL_CREATE_INDEX && !has(st, SQL_F(CONCURRENTLY)))) &&
			    st->table && !is_new_stmt(c, st))
				snprintf(found, sizeof(found), "%s", st->table);
			/* DROP INDEX names the index: its table is the replay's */
			else if (st->kind == SQL_DROP_INDEX && !has(st, SQL_F(CONCURRENTLY)) &&
				 index_table(c, st) && !is_new(c, index_table(c, st)))
				snprintf(found, sizeof(found), "%s", index_table(c, st));
		}
		return found[0] ? found : NULL;
	default:
		return NULL;
	}
}

int
check_lock_timeout(struct ctx *c, const struct migration_op *op)
{
	const char *table;

	/* a branch for another dialect neither sets the timeout nor takes the lock here */
	if (c->lock_timeout_seen || c->cfg->lock_timeout_everywhere ||
	    (op->not_on & c->cfg->dialect))
		return 0;
	if (sets_lock_timeout(c, op)) {
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

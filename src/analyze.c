/* The analyser: rules over the replayed schema. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "migreview/appcode.h"
#include "migreview/forecast.h"
#include "migreview/sqltok.h"
#include "migreview/stats.h"

int
report(struct ctx *c, enum rule_id rule, const char *table, unsigned line, unsigned col,
       const char *fmt, ...)
{
	enum severity sev;
	va_list ap;
	int rc;

	if (!analysis_config_severity(c->cfg, &rules[rule], table, &sev))
		return 0;
	va_start(ap, fmt);
	rc = findings_addv(c->out, rule, sev, c->in->relpath, line, col, c->in->revision, fmt, ap);
	va_end(ap);
	/* production has the tables the migrations before this one made: sizes are theirs */
	if (rc == 0 && c->cfg->stats && table && !is_new(c, table))
		rc = findings_tag(c->out, c->out->n - 1, table);
	return rc;
}

int
report_op(struct ctx *c, enum rule_id rule, const char *table, const struct migration_op *op,
	  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	/* under `if ...dialect.name == "mysql":` it never runs on the dialect checked */
	if (op->not_on & c->cfg->dialect)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return report(c, rule, table, op->call.line, op->call.col, "%s", msg);
}

bool
is_new(const struct ctx *c, const char *table)
{
	const struct schema_table *t = schema_table(c->schema, table);

	return (t && t->created_in == c->at) || (table && strvec_contains(&c->sql_tables, table));
}

bool
is_large(const struct ctx *c, const char *table)
{
	return analysis_config_large(c->cfg, table) && !is_new(c, table);
}

const char *
sql_table_key(const struct sql_stmt *st, char *buf, size_t size)
{
	if (!st->table || !st->schema || !strcmp(st->schema, "public"))
		return st->table;
	snprintf(buf, size, "%s.%s", st->schema, st->table);
	return buf;
}

bool
is_new_stmt(const struct ctx *c, const struct sql_stmt *st)
{
	char buf[512];

	return is_new(c, sql_table_key(st, buf, sizeof(buf)));
}

/*
 * May o create a table?  With unnamed, only one whose name is not known: a
 * create_table() under such a name, or create_all().  Otherwise any: SQL
 * built at run time and literal SQL that creates a table count too.
 */
static bool
may_create(const struct ctx *c, const struct migration_op *o, bool unnamed)
{
	const struct pyarg *arg;
	const struct sql_script *script;
	bool found = false;

	if (op_kind_of(o) == OP_CREATE_TABLE)
		return !unnamed || !op_table(o);
	if (!strcmp(o->call.name, "create_all"))
		return true;
	if (unnamed || op_kind_of(o) != OP_EXECUTE)
		return false;
	if (!op_sql(o, &arg))
		return arg && !(arg->kind == PYARG_CALL && strcmp(arg->call->name, "text") != 0);
	script = op_script(c, o);
	for (size_t i = 0; i < script->n; i++)
		found = found || script->v[i].kind == SQL_CREATE_TABLE;
	return found;
}

/* Where upgrade() may first create a table, once per migration: existed() asks for every op. */
static void
find_creations(struct ctx *c)
{
	const struct migration_fn *up = &c->m->upgrade;

	c->first_creation = c->first_unnamed_creation = up->n_ops;
	for (size_t i = up->n_ops; i-- > 0;) {
		if (may_create(c, &up->ops[i], true))
			c->first_creation = c->first_unnamed_creation = i;
		else if (may_create(c, &up->ops[i], false))
			c->first_creation = i;
	}
}

/*
 * Did table exist before this migration?  A table the replay knows says so.
 * A name that is not known (NULL) may be a table this migration created
 * before op in any way; a name the replay never saw, one created under a
 * name that is not known (f"{prefix}_events").  Then it is not known to
 * exist, and rules about existing tables stay quiet.
 */
static bool
existed(const struct ctx *c, const struct migration_op *op, const char *table)
{
	const struct schema_table *t = schema_table(c->schema, table);
	size_t at = (size_t)(op - c->m->upgrade.ops);

	if (t)
		return t->created_in != c->at;
	if (table && strvec_contains(&c->sql_tables, table))
		return false;   /* made by CREATE [TEMP] TABLE in this upgrade's SQL */
	return at <= (table ? c->first_unnamed_creation : c->first_creation);
}

static bool
is_true_arg(const struct pyarg *a)
{
	return a && a->kind == PYARG_BOOL && !strcmp(a->text, "True");
}

static bool
kw_true(const struct migration_op *op, const char *keyword)
{
	return is_true_arg(pycall_arg(&op->call, (size_t)-1, keyword));
}

static bool
kw_false(const struct pyarg *a)
{
	return a && a->kind == PYARG_BOOL && !strcmp(a->text, "False");
}

static const char *
or_unknown(const char *s)
{
	return s ? s : "?";
}

/* --- column-level checks --- */

/* Functions PostgreSQL evaluates per row: a default that calls them rewrites the table. */
static bool
is_volatile_default(const struct pyarg *d)
{
	const char *text;

	if (!d)
		return false;
	if (d->kind == PYARG_CALL && d->call->n_args && d->call->args[0].kind == PYARG_STRING)
		text = d->call->args[0].text;   /* sa.text("gen_random_uuid()") */
	else if (d->kind == PYARG_CALL)
		text = d->call->callee;         /* sa.func.random() */
	else
		return false;
	for (const char *const *f = sql_volatile_functions; *f; f++)
		if (strstr(text, *f))
			return true;
	return false;
}

/*
 * What sa.Column(...) declares besides the column: Alembic's add_column emits
 * it after ADD COLUMN as its own statements (ADD CONSTRAINT for a ForeignKey
 * or unique=True, CREATE INDEX for index=True), with the same locks as
 * create_foreign_key, create_unique_constraint and create_index.
 */
static int
check_inline_keys(struct ctx *c, const struct migration_op *op, const struct pycall *col,
		  const char *table, const char *name)
{
	bool index = is_true_arg(pycall_arg(col, (size_t)-1, "index"));
	bool unique = is_true_arg(pycall_arg(col, (size_t)-1, "unique"));

	if (!table)
		return 0;       /* a table that cannot be known is not an existing one */
	for (size_t i = 0; i < col->n_args; i++) {
		const struct pyarg *a = &col->args[i];
		const struct pyarg *ref = a->kind == PYARG_CALL && !a->keyword &&
					  !strcmp(a->call->name, "ForeignKey") ?
					  pycall_arg(a->call, 0, "column") : NULL;

		if (ref && report(c, RULE_CONSTRAINT_WITHOUT_NOT_VALID, table, a->line, a->col,
				  "foreign key %s.%s -> %s declared in add_column on existing table "
				  "%s is checked against every row while writes are blocked; add the "
				  "column, then the foreign key NOT VALID, then VALIDATE",
				  table, name, ref->kind == PYARG_STRING ? ref->text : "?", table) < 0)
			return -1;
	}
	/* index=True, with or without unique=True, is CREATE [UNIQUE] INDEX */
	if (index)
		return report_op(c, RULE_INDEX_NOT_CONCURRENT, table, op,
				 "index=True on column %s.%s builds an index on existing table %s "
				 "without CONCURRENTLY: writes to the table block until it is done",
				 table, name, table);
	if (unique)
		return report_op(c, RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE, table, op,
				 "unique=True on column %s.%s adds a unique constraint to existing "
				 "table %s, whose index is built under a lock that blocks writes",
				 table, name, table);
	return 0;
}

/*
 * Does sa.Column(...) add a serial or identity column: an integer primary
 * key SQLAlchemy numbers itself (ADD COLUMN id SERIAL), or sa.Identity()?
 * Every existing row then gets nextval(), a volatile default.
 */
/* sa.String(20) → "String", sa.Text → "Text", Text → "Text"; NULL if not a type. */
static const char *
type_name(const struct pyarg *t)
{
	const char *dot;

	if (t && t->kind == PYARG_CALL)
		return t->call->name;
	if (!t || t->kind != PYARG_NAME || !t->text)
		return NULL;
	dot = strrchr(t->text, '.');
	return dot ? dot + 1 : t->text;
}

static bool
is_serial(const struct pycall *col)
{
	const char *name = type_name(pycall_arg(col, 1, "type_"));

	for (size_t i = 0; i < col->n_args; i++)
		if (col->args[i].kind == PYARG_CALL && !strcmp(col->args[i].call->name, "Identity"))
			return true;
	if (!is_true_arg(pycall_arg(col, (size_t)-1, "primary_key")) ||
	    kw_false(pycall_arg(col, (size_t)-1, "autoincrement")) ||
	    pycall_arg(col, (size_t)-1, "server_default"))
		return false;
	return name && (!strcmp(name, "Integer") || !strcmp(name, "BigInteger") ||
			!strcmp(name, "SmallInteger"));
}

static int
check_add_column(struct ctx *c, const struct migration_op *op)
{
	const char *table = op_table(op);
	const struct pyarg *col = op_param(op, "column");
	const struct pyarg *name, *dflt;

	if (!col || col->kind != PYARG_CALL || !existed(c, op, table))
		return 0;
	name = pycall_arg(col->call, 0, "name");
	dflt = pycall_arg(col->call, (size_t)-1, "server_default");
	if (kw_false(pycall_arg(col->call, (size_t)-1, "nullable")) && (!dflt || dflt->kind == PYARG_NONE) &&
	    report_op(c, RULE_ADD_NOT_NULL_WITHOUT_DEFAULT, table, op,
		      "column %s.%s is added NOT NULL without a server_default: the ALTER fails on "
		      "a table with rows (a Python-side default= does not count)",
		      or_unknown(table), name && name->kind == PYARG_STRING ? name->text : "?") < 0)
		return -1;
	if (is_volatile_default(dflt) &&
	    report_op(c, RULE_VOLATILE_SERVER_DEFAULT, table, op,
		      "the server default of %s.%s is volatile: adding it rewrites the whole table "
		      "under an ACCESS EXCLUSIVE lock", or_unknown(table),
		      name && name->kind == PYARG_STRING ? name->text : "?") < 0)
		return -1;
	if (!dflt && is_serial(col->call) &&
	    report_op(c, RULE_VOLATILE_SERVER_DEFAULT, table, op,
		      "%s.%s is a serial or identity column: numbering every existing row "
		      "rewrites the whole table under an ACCESS EXCLUSIVE lock", or_unknown(table),
		      name && name->kind == PYARG_STRING ? name->text : "?") < 0)
		return -1;
	return check_inline_keys(c, op, col->call, table,
				 name && name->kind == PYARG_STRING ? name->text : "?");
}

/* Integer widths and string lengths, to tell a narrowing change. */
long
type_rank(const struct pyarg *t, bool *is_string)
{
	static const struct { const char *name; long rank; } ints[] = {
		{ "SmallInteger", 2 }, { "Integer", 4 }, { "BigInteger", 8 },
	};
	const struct pycall *call = t && t->kind == PYARG_CALL ? t->call : NULL;
	const char *name = type_name(t);

	*is_string = false;
	if (!name)
		return -1;
	for (size_t i = 0; i < MR_ARRAY_SIZE(ints); i++)
		if (!strcmp(name, ints[i].name))
			return ints[i].rank;
	if (!strcmp(name, "Text") || !strcmp(name, "TEXT") || !strcmp(name, "UnicodeText")) {
		*is_string = true;
		return 1L << 30;
	}
	if (!strcmp(name, "String") || !strcmp(name, "VARCHAR") || !strcmp(name, "Unicode")) {
		const struct pyarg *len = call ? pycall_arg(call, 0, "length") : NULL;

		*is_string = true;
		/* a length from a variable is unknown, not unlimited */
		return !len ? 1L << 30 : len->kind == PYARG_NUMBER ? atol(len->text) : -1;
	}
	return -1;
}

/*
 * Numeric(p, s) to a greater p with the same s, or to an unconstrained
 * Numeric(): binary-coercible on PostgreSQL (9.2+), so no rewrite.
 */
static bool
numeric_widens(const struct pyarg *from, const struct pyarg *to)
{
	const char *fn = type_name(from), *tn = type_name(to);
	const struct pyarg *fp, *fs, *tp, *ts;

	if (!fn || !tn || (strcmp(fn, "Numeric") && strcmp(fn, "NUMERIC")) ||
	    (strcmp(tn, "Numeric") && strcmp(tn, "NUMERIC")) || from->kind != PYARG_CALL)
		return false;
	fp = pycall_arg(from->call, 0, "precision");
	fs = pycall_arg(from->call, 1, "scale");
	if (to->kind != PYARG_CALL || !to->call->n_args)
		return true;    /* unconstrained NUMERIC holds every value */
	tp = pycall_arg(to->call, 0, "precision");
	ts = pycall_arg(to->call, 1, "scale");
	if (!fp || !tp || fp->kind != PYARG_NUMBER || tp->kind != PYARG_NUMBER)
		return false;
	if (!fs != !ts || (fs && (fs->kind != PYARG_NUMBER || ts->kind != PYARG_NUMBER ||
				 strcmp(fs->text, ts->text))))
		return false;
	return atol(tp->text) >= atol(fp->text);
}

/*
 * PostgreSQL changes the type without rewriting the table when it is
 * binary-coercible: TEXT and VARCHAR either way, VARCHAR(n) to a longer
 * VARCHAR or to TEXT, NUMERIC widened.  Only with existing_type= given.
 */
static bool
type_change_is_free(const struct ctx *c, const struct pyarg *from, const struct pyarg *to)
{
	bool to_str, from_str;
	long rto = type_rank(to, &to_str), rfrom = type_rank(from, &from_str);

	if (c->cfg->dialect != DIALECT_POSTGRESQL || !from || !to)
		return false;
	if (to_str && from_str && rto > 0 && rfrom > 0)
		return rto >= rfrom;
	return numeric_widens(from, to);
}

/* The call a type argument stands for: sa.Enum(...) itself, or a module-level name for one. */
static const struct pycall *
type_call(const struct ctx *c, const struct pyarg *t)
{
	if (t && t->kind == PYARG_CALL)
		return t->call;
	return t && t->kind == PYARG_NAME ? migration_alias(c->m, t->text) : NULL;
}

static bool
is_enum_type(const struct ctx *c, const struct pyarg *t)
{
	const struct pycall *call = type_call(c, t);

	return call && (!strcmp(call->name, "Enum") || !strcmp(call->name, "ENUM"));
}

static int
check_type_change(struct ctx *c, const struct migration_op *op, const char *table,
		  const char *column)
{
	const struct pyarg *to = op_param(op, "type_"), *from = op_param(op, "existing_type");
	bool to_str, from_str;
	long rto = type_rank(to, &to_str), rfrom = type_rank(from, &from_str);

	if (!type_change_is_free(c, from, to) &&
	    report_op(c, RULE_COLUMN_TYPE_CHANGE, table, op,
		      "the type of %s.%s changes on an existing table: most type changes rewrite "
		      "the table under an ACCESS EXCLUSIVE lock", or_unknown(table),
		      or_unknown(column)) < 0)
		return -1;
	if (rto > 0 && rfrom > 0 && to_str == from_str && rto < rfrom &&
	    report_op(c, RULE_NARROWING_TYPE_CHANGE, table, op,
		      "%s.%s is narrowed: existing values that do not fit make the migration fail "
		      "or are cut", or_unknown(table), or_unknown(column)) < 0)
		return -1;
	if ((is_enum_type(c, to) || is_enum_type(c, from)) &&
	    report_op(c, RULE_ENUM_COLUMN_TYPE_CHANGE, table, op,
		      "%s.%s is converted to or from an enum type: the cast rewrites the table and "
		      "fails on values outside the enum", or_unknown(table), or_unknown(column)) < 0)
		return -1;
	return 0;
}

static int
check_alter_column(struct ctx *c, const struct migration_op *op)
{
	const char *table = op_table(op), *column = op_string(op, "column_name");
	const struct schema_column *col = schema_column(c->schema, table, column);
	const struct pyarg *nullable = op_param(op, "nullable");
	int back;

	if (!existed(c, op, table))
		return 0;
	/* existing_nullable=False: it is NOT NULL already, the call changes something else */
	if (kw_false(nullable) && (!col || col->nullable) &&
	    !kw_false(pycall_arg(&op->call, (size_t)-1, "existing_nullable"))) {
		if ((back = backfilled(c, op, table, column)) < 0 ||
		    (!back && report_op(c, RULE_SET_NOT_NULL_WITHOUT_BACKFILL, table, op,
					"%s.%s becomes NOT NULL with no backfill before it in this "
					"migration: any NULL left makes the ALTER fail",
					or_unknown(table), or_unknown(column)) < 0))
			return -1;
		if (!schema_not_null_proven(c->schema, table, column) &&
		    report_op(c, RULE_SET_NOT_NULL_SCAN, table, op,
			      "SET NOT NULL on %s.%s scans the whole table under an ACCESS EXCLUSIVE "
			      "lock", or_unknown(table), or_unknown(column)) < 0)
			return -1;
	}
	/* nullable=True on a column known to allow NULL already changes nothing */
	if (nullable && nullable->kind == PYARG_BOOL && !strcmp(nullable->text, "True") &&
	    !(col && col->nullable) && !kw_true(op, "existing_nullable") &&
	    report_op(c, RULE_DROP_NOT_NULL, table, op,
		      "%s.%s may hold NULL from now on: the previous release, still running, "
		      "was written for a column that is never NULL", or_unknown(table),
		      or_unknown(column)) < 0)
		return -1;
	if (op_param(op, "type_") && check_type_change(c, op, table, column) < 0)
		return -1;
	if (op_string(op, "new_column_name") &&
	    report_op(c, RULE_RENAME_COLUMN, table, op,
		      "%s.%s is renamed to %s: the running application still uses the old name",
		      or_unknown(table), or_unknown(column), op_string(op, "new_column_name")) < 0)
		return -1;
	return 0;
}

/* --- table, index and constraint checks --- */

/*
 * The application code that ships with this migration still names the
 * column.  Today's code goes with the migrations that have not shipped; a
 * column added back later is the one today's code names.
 */
int
check_still_read(struct ctx *c, const struct migration_op *op, const char *table,
		 const char *column)
{
	const char *path;
	unsigned line;
	int back;

	if (!c->cfg->app || (c->cfg->unshipped && !c->cfg->unshipped[c->in->revision]) ||
	    !table || !column)
		return 0;
	if ((back = added_back(c, op, table, column)) != 0)
		return back < 0 ? -1 : 0;
	if (!appcode_find(c->cfg->app, table, column, &path, &line))
		return 0;
	return report_op(c, RULE_DROP_COLUMN_STILL_READ, table, op,
			 "%s.%s is dropped, but %s:%u still names it: the release that runs "
			 "this migration, or the one still running, reads a column that is gone",
			 or_unknown(table), column, path, line);
}

/* Does an operation after op in upgrade() make a table called name again? */
static bool
made_again(const struct ctx *c, const struct migration_op *op, const char *name)
{
	const struct migration_fn *up = &c->m->upgrade;

	for (const struct migration_op *o = op + 1; name && o >= up->ops && o < up->ops + up->n_ops; o++) {
		enum op_kind kind = op_kind_of(o);
		const char *made = kind == OP_CREATE_TABLE ? op_table(o) :
				   kind == OP_RENAME_TABLE ? op_string(o, "new_table_name") : NULL;

		if (made && !strcmp(made, name))
			return true;
	}
	return false;
}

/*
 * The table-rebuild pattern SQLite needs for most ALTERs: rename t to t_tmp,
 * create t anew, copy the rows, drop t_tmp.  Is table such a t_tmp?
 */
static bool
rebuilt_from(const struct ctx *c, const struct migration_op *op, const char *table)
{
	const struct migration_fn *up = &c->m->upgrade;

	for (const struct migration_op *o = up->ops; table && o < op && o < up->ops + up->n_ops; o++) {
		const char *to = op_kind_of(o) == OP_RENAME_TABLE ? op_string(o, "new_table_name") : NULL;

		if (to && !strcmp(to, table) && made_again(c, o, op_table(o)))
			return true;
	}
	return false;
}

static int
check_drop(struct ctx *c, const struct migration_op *op)
{
	const char *table = op_table(op);

	if (!existed(c, op, table))
		return 0;
	/* a rebuild keeps the table's name and rows: what is dropped is the scaffolding */
	if ((op_kind_of(op) == OP_RENAME_TABLE && made_again(c, op, table)) ||
	    (op_kind_of(op) == OP_DROP_TABLE && rebuilt_from(c, op, table)))
		return 0;
	if (op_kind_of(op) == OP_DROP_TABLE)
		return report_op(c, RULE_DROP_TABLE, table, op,
				 "table %s is dropped with all its rows", or_unknown(table));
	if (op_kind_of(op) == OP_RENAME_TABLE)
		return report_op(c, RULE_RENAME_TABLE, table, op,
				 "table %s is renamed to %s: the running application still uses "
				 "the old name", or_unknown(table),
				 or_unknown(op_string(op, "new_table_name")));
	if (report_op(c, RULE_DROP_COLUMN, table, op, "column %s.%s is dropped with all its "
		      "values", or_unknown(table), or_unknown(op_string(op, "column_name"))) < 0)
		return -1;
	return check_still_read(c, op, table, op_string(op, "column_name"));
}

static const char *
index_table(const struct ctx *c, const struct migration_op *op)
{
	const char *table = op_table(op), *name = op_string(op, "index_name");
	const struct schema_index *ix = table || !name ? NULL : schema_index_named(c->schema, name);

	return ix ? ix->table : table;
}

/*
 * What a message calls an index or constraint: "index ix_orders_note on existing
 * table orders"; without a name, "the index on existing table orders(note)"; with
 * a name known only at run time, "an index named at run time on existing table orders".
 */
static void
key_subject(char *buf, size_t size, const char *what, const struct pyarg *name,
	    const char *table, const struct pyarg *cols)
{
	bool unnamed = !name || name->kind == PYARG_NONE;
	size_t len;

	if (name && name->kind == PYARG_STRING)
		snprintf(buf, size, "%s %s", what, name->text);
	else if (unnamed)
		snprintf(buf, size, "the %s", what);
	else
		snprintf(buf, size, "%s %s named at run time", strchr("aeio", what[0]) ? "an" : "a",
			 what);
	len = strlen(buf);
	if (!table) {
		snprintf(buf + len, size - len, " on an existing table named at run time");
		return;
	}
	snprintf(buf + len, size - len, " on existing table %s", table);
	if (name && name->kind == PYARG_STRING)
		return;
	/* the columns tell which one it is, when they are all known */
	for (size_t i = 0; cols && cols->kind == PYARG_LIST && i < cols->n_items; i++)
		if (cols->items[i].kind != PYARG_STRING)
			return;
	for (size_t i = 0; cols && cols->kind == PYARG_LIST && i < cols->n_items; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s%s", i ? ", " : "(", cols->items[i].text,
			 i + 1 == cols->n_items ? ")" : "");
	}
	len = strlen(buf);
	if (cols && cols->kind == PYARG_STRING)
		snprintf(buf + len, size - len, "(%s)", cols->text);
}

static int
check_index(struct ctx *c, const struct migration_op *op)
{
	bool create = op_kind_of(op) == OP_CREATE_INDEX;
	const char *table = index_table(c, op), *name = op_string(op, "index_name");
	bool concurrently = kw_true(op, "postgresql_concurrently");
	char subject[512];

	if (concurrently && !op->in_autocommit)
		return report_op(c, RULE_CONCURRENTLY_OUTSIDE_AUTOCOMMIT_BLOCK, table, op,
				 "%s INDEX CONCURRENTLY cannot run inside the migration's transaction; "
				 "put it in `with op.get_context().autocommit_block():`",
				 create ? "CREATE" : "DROP");
	if (concurrently || !existed(c, op, table))
		return 0;
	key_subject(subject, sizeof(subject), "index", op_param(op, "index_name"), table,
		    op_param(op, "columns"));
	if (create)
		return report_op(c, RULE_INDEX_NOT_CONCURRENT, table, op,
				 "%s is built without CONCURRENTLY: writes to the table block until "
				 "it is done", subject);
	return report_op(c, RULE_DROP_INDEX_NOT_CONCURRENT, table, op,
			 "index %s is dropped without CONCURRENTLY: it waits for and blocks every "
			 "query on %s", name ? name : "named at run time", table ? table : "its table");
}

static int
check_constraint(struct ctx *c, const struct migration_op *op)
{
	enum op_kind kind = op_kind_of(op);
	const char *table = op_table(op);
	const struct pyarg *cols = op_param(op, kind == OP_CREATE_FK ? "local_cols" : "columns");
	char subject[512];

	if (!existed(c, op, table))
		return 0;
	if (kind == OP_CREATE_UNIQUE || kind == OP_CREATE_PK) {
		key_subject(subject, sizeof(subject), kind == OP_CREATE_PK ? "primary key" :
			    "unique constraint", op_param(op, "constraint_name"), table, cols);
		return report_op(c, RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE, table, op,
				 "%s builds its index under a lock that blocks writes", subject);
	}
	if (kw_true(op, "postgresql_not_valid"))
		return 0;
	key_subject(subject, sizeof(subject), kind == OP_CREATE_FK ? "foreign key constraint" :
		    "check constraint", op_param(op, "constraint_name"), table,
		    kind == OP_CREATE_FK ? cols : NULL);
	return report_op(c, RULE_CONSTRAINT_WITHOUT_NOT_VALID, table, op,
			 "%s is checked against every row while writes are blocked; add it "
			 "NOT VALID, then VALIDATE", subject);
}


/*
 * The table of a SQLAlchemy Core UPDATE that no .where() narrows, as the
 * module names it: sa.update(t)..., t.update()..., with t = sa.table("name", ...)
 * at module level.  NULL when there is a .where() or the table is not known.
 */
static const char *
core_update_table(const struct ctx *c, const struct pycall *call)
{
	const char *callee = call->callee, *at, *start, *end;
	const struct pycall *table;
	char alias[128];

	if (!strcmp(call->name, "where") || strstr(callee, ".where("))
		return NULL;
	if (!strcmp(call->name, "update") && call->n_args && call->args[0].kind == PYARG_NAME) {
		snprintf(alias, sizeof(alias), "%s", call->args[0].text);      /* sa.update(t) */
	} else if ((at = strstr(callee, "update(")) && at > callee && at[-1] == '.') {
		if (at[7] == ')') {             /* t.update() */
			end = at - 1;
			for (start = end; start > callee && strchr("(, ", start[-1]) == NULL; start--)
				;
		} else {                        /* sa.update(t) */
			start = at + 7;
			end = start + strcspn(start, "),");
		}
		snprintf(alias, sizeof(alias), "%.*s", (int)(end - start), start);
	} else if (!strcmp(call->name, "update") && !call->n_args && (at = strrchr(callee, '.'))) {
		snprintf(alias, sizeof(alias), "%.*s", (int)(at - callee), callee);   /* t.update */
	} else {
		return NULL;
	}
	table = migration_alias(c->m, alias);
	if (!table || (strcmp(table->name, "table") != 0 && strcmp(table->name, "Table") != 0) ||
	    !table->n_args || table->args[0].kind != PYARG_STRING)
		return NULL;
	return table->args[0].text;
}

static int
check_execute(struct ctx *c, const struct migration_op *op)
{
	const struct pyarg *arg;
	const char *table;

	if (op_sql(op, &arg))
		return check_sql(c, op, false);
	if (!arg)
		return 0;
	if (arg->kind == PYARG_CALL && strcmp(arg->call->name, "text") != 0) {
		/* op.execute(table.update()...): SQLAlchemy constructs */
		table = core_update_table(c, arg->call);
		if (!is_large(c, table))
			return 0;
		return report(c, RULE_UPDATE_WITHOUT_BATCHING, table, arg->line, arg->col,
			      "this UPDATE has no .where(): it writes every row of large table %s "
			      "in one transaction, and its rows stay locked against writers until "
			      "the migration commits", table);
	}
	/* a name for a SQLAlchemy statement reads as the statement (migration.c): not here */
	if (arg->kind == PYARG_NAME)
		return report(c, RULE_NON_LITERAL_SQL, NULL, arg->line, arg->col,
			      "the SQL is built at run time (%s, a name bound to neither a literal "
			      "nor a SQLAlchemy statement): migreview cannot analyse it; review it "
			      "by hand", arg->text);
	return report(c, RULE_NON_LITERAL_SQL, NULL, arg->line, arg->col,
		      "the SQL is built at run time (%s): migreview cannot analyse it; review "
		      "it by hand", arg->kind == PYARG_OTHER ? "an f-string or expression" :
		      "not a literal");
}

/* 'id': 42 or "customer_id": 7 in bulk_insert rows, as written. */
static const char *
literal_id(const char *text)
{
	for (const char *p = text; (p = strpbrk(p, "'\"")); p++) {
		const char *end = strchr(p + 1, *p), *q;
		size_t len;

		if (!end)
			return NULL;
		len = (size_t)(end - p - 1);
		q = end + 1;
		while (*q == ' ')
			q++;
		if (*q == ':' && ((len == 2 && !strncmp(p + 1, "id", 2)) ||
				  (len > 3 && !strncmp(end - 3, "_id", 3)))) {
			q++;
			while (*q == ' ')
				q++;
			if (isdigit((unsigned char)*q))
				return p + 1;
		}
		p = end;
	}
	return NULL;
}

static int
check_bulk_insert(struct ctx *c, const struct migration_op *op)
{
	const struct pyarg *rows = op_param(op, "rows");

	if (report_op(c, RULE_DATA_IN_SCHEMA_MIGRATION, NULL, op,
		      "bulk_insert puts data into a schema migration") < 0)
		return -1;
	for (size_t i = 0; rows && rows->kind == PYARG_LIST && i < rows->n_items; i++) {
		const struct pyarg *row = &rows->items[i];

		if (row->text && literal_id(row->text) &&
		    report(c, RULE_HARDCODED_ID, NULL, row->line, row->col,
			   "bulk_insert writes a literal id: it collides with rows the sequence "
			   "already handed out, or differs between environments") < 0)
			return -1;
	}
	return 0;
}

typedef int (*op_check)(struct ctx *c, const struct migration_op *op);

/* Which check reads which operation of upgrade(). */
static const struct { enum op_kind kind; op_check check; } op_checks[] = {
	{ OP_ADD_COLUMN, check_add_column },
	{ OP_ALTER_COLUMN, check_alter_column },
	{ OP_DROP_COLUMN, check_drop },
	{ OP_DROP_TABLE, check_drop },
	{ OP_RENAME_TABLE, check_drop },
	{ OP_CREATE_INDEX, check_index },
	{ OP_DROP_INDEX, check_index },
	{ OP_CREATE_UNIQUE, check_constraint },
	{ OP_CREATE_PK, check_constraint },
	{ OP_CREATE_FK, check_constraint },
	{ OP_CREATE_CHECK, check_constraint },
	{ OP_EXECUTE, check_execute },
	{ OP_BULK_INSERT, check_bulk_insert },
};

/* --- whole-migration checks --- */

/* The foreign keys this migration made, still there after it, are the last ones made. */
static int
check_fk_indexes(struct ctx *c)
{
	for (size_t i = c->first_fk; i < c->schema->n_fks; i++) {
		const struct schema_fk *fk = &c->schema->fks[i];
		char cols[256] = "", list[512] = "";

		if (!fk->table || schema_covering_index(c->schema, fk->table, &fk->columns))
			continue;
		for (size_t k = 0; k < fk->columns.n; k++) {
			size_t cl = strlen(cols), ll = strlen(list);

			snprintf(cols + cl, sizeof(cols) - cl, "_%s", fk->columns.v[k]);
			snprintf(list + ll, sizeof(list) - ll, "%s\"%s\"", k ? ", " : "", fk->columns.v[k]);
		}
		if (report(c, RULE_FOREIGN_KEY_WITHOUT_INDEX, fk->table, fk->line, fk->col,
			   "no index covers foreign key %s(%s) -> %s: deletes and updates of %s scan "
			   "%s; add op.create_index(\"ix_%s%s\", \"%s\", [%s])", fk->table, cols + 1,
			   fk->referent, fk->referent, fk->table, fk->table, cols, fk->table, list) < 0)
			return -1;
	}
	return 0;
}

/* Application code imported into a migration changes under it. */
static int
check_imports(struct ctx *c)
{
	static const char *const app_parts[] = { "models", "model", "orm", "schemas", "entities" };
	static const char *const libraries[] = { "sqlalchemy", "alembic", "sqlmodel", "geoalchemy2",
						 "sqlalchemy_utils" };

	for (size_t i = 0; i < c->m->n_imports; i++) {
		const struct migration_import *imp = &c->m->imports[i];
		char copy[256];
		bool library = false;

		snprintf(copy, sizeof(copy), "%s", imp->module);
		for (size_t k = 0; k < MR_ARRAY_SIZE(libraries); k++)
			library = library || (!strncmp(copy, libraries[k], strlen(libraries[k])) &&
					      (copy[strlen(libraries[k])] == '.' || !copy[strlen(libraries[k])]));
		if (library)
			continue;
		for (char *save = NULL, *part = strtok_r(copy, ".", &save); part;
		     part = strtok_r(NULL, ".", &save)) {
			bool app = false;

			for (size_t k = 0; k < MR_ARRAY_SIZE(app_parts); k++)
				app = app || !strcmp(part, app_parts[k]);
			if (app) {
				if (report(c, RULE_MODEL_IMPORT, NULL, imp->line, imp->col,
					   "the migration imports application models (%s): when they "
					   "change, this old migration runs against code it was not "
					   "written for", imp->module) < 0)
					return -1;
				break;
			}
		}
	}
	return 0;
}

/*
 * The enum type a call such as payment_method.create(op.get_bind()) or
 * sa.Enum(..., name="kind").create(bind) creates, into buf; NULL if none.
 */
static const char *
created_enum(const struct ctx *c, const struct migration_op *op, char *buf, size_t size)
{
	const char *callee = op->call.callee, *dot = strrchr(callee, '.'), *q;
	char alias[128];
	const struct pycall *call;
	const struct pyarg *name;

	if (!op->via_bind || strcmp(op->call.name, "create") != 0 || !dot)
		return NULL;
	if ((size_t)(dot - callee) < sizeof(alias)) {
		memcpy(alias, callee, (size_t)(dot - callee));
		alias[dot - callee] = '\0';
		call = migration_alias(c->m, alias);
		name = call ? pycall_arg(call, (size_t)-1, "name") : NULL;
		if (name && name->kind == PYARG_STRING) {
			snprintf(buf, size, "%s", name->text);
			return buf;
		}
	}
	/* an inline sa.Enum(...): its name= keyword, as written in the callee */
	if (!strstr(callee, "Enum(") && !strstr(callee, "ENUM("))
		return NULL;
	if (!(q = strstr(callee, "name=")) || (q[5] != '\'' && q[5] != '"'))
		return NULL;
	snprintf(buf, size, "%.*s", (int)strcspn(q + 6, "'\""), q + 6);
	return buf;
}

/* Whether a finding of this migration (from its first, first) names table. */
static bool
named(const struct ctx *c, size_t first, const char *table)
{
	for (size_t i = first; i < c->out->n; i++)
		if (c->out->v[i].table && !strcmp(c->out->v[i].table, table))
			return true;
	return false;
}

/*
 * With production sizes: a table-size finding for each table production
 * has that the migration changes and no finding of it names, so the
 * checklist shows the size of every one (the sizes come as a note).
 */
static int
report_sizes(struct ctx *c, size_t first)
{
	const struct migration_fn *up = &c->m->upgrade;

	for (size_t i = 0; c->cfg->stats && i < up->n_ops; i++) {
		const struct migration_op *op = &up->ops[i];
		const char *table = op_table(op);

		if (table && !is_new(c, table) && stats_find(c->cfg->stats, table) &&
		    !named(c, first, table) &&
		    report_op(c, RULE_TABLE_SIZE, table, op, "changes %s, which production has",
			      table) < 0)
			return -1;
	}
	return 0;
}

static int
analyze_one(struct ctx *c)
{
	size_t first = c->out->n;
	const struct migration_fn *up = &c->m->upgrade;
	char name[128];

	c->first_fk = c->schema->n_fks;
	c->first_enum = c->schema->n_enums;
	find_creations(c);
	if (check_functions(c) < 0 || check_imports(c) < 0)
		return -1;
	for (size_t i = 0; i < up->n_ops; i++) {
		const struct migration_op *op = &up->ops[i];
		enum op_kind kind = op_kind_of(op);

		if (check_lock_timeout(c, op) < 0 || check_names(c, op) < 0)
			return -1;
		/* a COMMIT as the last statement ends nothing Alembic still needs */
		if (op->ends_transaction && i + 1 < up->n_ops &&
		    report_op(c, RULE_MANUAL_COMMIT, NULL, op,
			      "op.execute(\"COMMIT\") ends the migration's transaction: what follows, "
			      "and the alembic_version update, run outside one, so a failure leaves "
			      "the schema half-applied; use autocommit_block()") < 0)
			return -1;
		for (size_t k = 0; k < MR_ARRAY_SIZE(op_checks); k++)
			if (op_checks[k].kind == kind && op_checks[k].check(c, op) < 0)
				return -1;
		if (schema_apply(c->schema, op, op_script(c, op), c->at) < 0)
			return -1;
		if (created_enum(c, op, name, sizeof(name)) &&
		    schema_add_enum(c->schema, name, c->at, op->call.line, op->call.col) < 0)
			return -1;
	}
	if (check_fk_indexes(c) < 0 || check_inverse(c) < 0 || check_drops_restored(c) < 0 ||
	    check_enums(c) < 0 || check_destructive_downgrade(c) < 0)
		return -1;
	/* rows the downgrade touches count too; the schema is not replayed downwards */
	for (size_t i = 0; i < c->m->downgrade.n_ops; i++)
		if (op_kind_of(&c->m->downgrade.ops[i]) == OP_EXECUTE &&
		    check_sql(c, &c->m->downgrade.ops[i], true) < 0)
			return -1;
	return report_sizes(c, first);
}

const struct sql_script *
op_script(const struct ctx *c, const struct migration_op *op)
{
	const struct migration_fn *up = &c->m->upgrade;
	const struct pyarg *arg;

	if (!op_sql(op, &arg))
		return NULL;
	/* an upgrade() without operations has no array at all: NULL + 0 is undefined */
	return up->n_ops && op >= up->ops && op < up->ops + up->n_ops ?
	       &c->up_sql[op - up->ops] : &c->down_sql[op - c->m->downgrade.ops];
}

/* Scans the literal SQL of each operation of fn into (*out)[i]; empty where there is none. */
static int
scan_sql(const struct migration_fn *fn, struct sql_script **out)
{
	if (!(*out = calloc(fn->n_ops + 1, sizeof(**out))))
		return -1;
	for (size_t i = 0; i < fn->n_ops; i++) {
		const struct pyarg *arg;
		const char *sql = op_sql(&fn->ops[i], &arg);

		if (sql && sql_scan(sql, strlen(sql), &(*out)[i], NULL) < 0)
			return -1;
	}
	return 0;
}

static void
free_sql(struct sql_script *scripts, const struct migration_fn *fn)
{
	for (size_t i = 0; scripts && i < fn->n_ops; i++)
		sql_script_free(&scripts[i]);
	free(scripts);
}

/* Replays and checks migrations[i], described by inputs[i], in order. */
static int
analyze_migrations(struct migration *const *migrations, const struct analysis_input *inputs,
		   size_t n, const struct analysis_config *cfg, struct findings *out,
		   struct mr_error *err)
{
	struct schema schema = { .naming = &cfg->naming };
	struct backfill_index backfills = { 0 };
	struct later_index later = { 0 };
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct ctx c = { .cfg = cfg, .in = &inputs[i], .at = i, .schema = &schema,
				 .m = migrations[i], .all = migrations, .n_all = n, .out = out,
				 .backfills = &backfills, .later = &later };

		if (scan_sql(&c.m->upgrade, &c.up_sql) < 0 ||
		    scan_sql(&c.m->downgrade, &c.down_sql) < 0 || analyze_one(&c) < 0 ||
		    backfills_add(&backfills, &c) < 0)
			rc = mr_error_oom(err);
		strvec_free(&c.sql_tables);
		free_sql(c.up_sql, &c.m->upgrade);
		free_sql(c.down_sql, &c.m->downgrade);
	}
	if (rc == 0 && forecast_stats_findings(&schema, cfg, out) < 0)
		rc = mr_error_oom(err);
	backfills_free(&backfills);
	later_free(&later);
	schema_free(&schema);
	return rc;
}

int
analyze_sources(const struct analysis_input *inputs, size_t n,
		const struct analysis_config *cfg, struct findings *out, struct mr_error *err)
{
	struct pysrc_parser *parser = pysrc_parser_new();
	struct migration *ms = calloc(n + 1, sizeof(*ms));
	struct migration **order = calloc(n + 1, sizeof(*order));
	size_t read = 0;
	int rc = 0;

	if (!parser || !ms || !order) {
		rc = parser ? mr_error_oom(err) :
			      mr_error_set(err, "cannot set up the tree-sitter Python parser");
		goto out;
	}
	for (; read < n && rc == 0; read++) {
		rc = migration_read(parser, inputs[read].src, inputs[read].len, &ms[read], err);
		order[read] = &ms[read];
	}
	if (rc == 0)
		rc = analyze_migrations(order, inputs, n, cfg, out, err);
out:
	for (size_t i = 0; ms && i < read; i++)
		migration_free(&ms[i]);
	free(ms);
	free(order);
	pysrc_parser_free(parser);
	return rc;
}

int
analyze_graph(const struct graph *g, const struct analysis_config *cfg,
	      struct findings *out, struct mr_error *err)
{
	struct analysis_input *inputs = calloc(g->n_order + 1, sizeof(*inputs));
	struct migration **ms = calloc(g->n_order + 1, sizeof(*ms));
	size_t n = 0;
	int rc;

	if (!inputs || !ms) {
		free(inputs);
		free(ms);
		return mr_error_oom(err);
	}
	for (size_t k = 0; k < g->n_order; k++) {
		const struct revision *rev = &g->revs[g->order[k]];

		/* unreadable and binary files are parse-error findings of the graph already */
		if (!rev->migration)
			continue;
		inputs[n] = (struct analysis_input){ NULL, 0, rev->relpath, g->order[k],
						     rev->is_merge_point };
		ms[n++] = rev->migration;
	}
	rc = analyze_migrations(ms, inputs, n, cfg, out, err);
	free(inputs);
	free(ms);
	return rc;
}

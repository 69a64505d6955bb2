/*
 * The analyser's rules on downgrade(): it exists, does something, undoes
 * what upgrade() made (enum types included) and loses no data of its own.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze_int.h"
#include "migreview/sqltok.h"

/* execute(t.update()...), execute(sa.select(t)...): SQLAlchemy Core reading or writing rows. */
static bool
core_dml(const struct migration_op *op)
{
	const struct pyarg *a = pycall_arg(&op->call, 0, NULL);

	return !strcmp(op->call.name, "execute") && a && a->kind == PYARG_CALL &&
	       migration_core_statement(a->call->callee);
}

/* "ALTER TABLE in op.execute": a statement as SQL spells it, and what runs it. */
static void
sql_statement_in(char *out, size_t size, enum sql_kind kind, const char *callee)
{
	size_t n = strlen(sql_kind_name(kind));

	snprintf(out, size, "%s in %s", sql_kind_name(kind), callee);
	for (size_t i = 0; i < n && out[i]; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
}

/*
 * Does upgrade() change the schema?  Not when all it does is read or write
 * rows: literal UPDATE, DELETE, INSERT or SELECT, SQLAlchemy Core statements,
 * bulk_insert, or statements on a connection (an ORM session's writes): a
 * data migration need not undo itself.  SQL built at run time could be
 * anything, and so could what migreview does not see: they count as a
 * change.  *op is the first operation that changes it or may (NULL when
 * migreview sees none), and what says what it does ("op.add_column",
 * "ALTER TABLE in op.execute").
 */
enum up_change { UP_DATA, UP_SCHEMA, UP_UNREADABLE, UP_UNSEEN };

static enum up_change
schema_change(const struct ctx *c, const struct migration_op **op_out, char *what, size_t size)
{
	const struct migration_fn *up = &c->m->upgrade;

	*op_out = NULL;
	if (!up->n_ops)
		return UP_UNSEEN;
	for (size_t i = 0; i < up->n_ops; i++) {
		const struct migration_op *op = &up->ops[i];
		enum op_kind kind = op_kind_of(op);
		const struct sql_script *script;
		bool ddl = false;

		*op_out = op;
		snprintf(what, size, "%s", op->call.callee);
		if (kind == OP_BULK_INSERT || (kind == OP_OTHER && op->via_bind) || core_dml(op))
			continue;
		if (kind != OP_EXECUTE)
			return UP_SCHEMA;
		if (!(script = op_script(c, op)))
			return UP_UNREADABLE;
		for (size_t k = 0; k < script->n && !ddl; k++) {
			enum sql_kind sk = script->v[k].kind;

			ddl = sk != SQL_SELECT && sk != SQL_INSERT && sk != SQL_UPDATE &&
			      sk != SQL_DELETE && sk != SQL_SET && sk != SQL_BEGIN && sk != SQL_COMMIT;
			if (ddl)
				sql_statement_in(what, size, sk, op->call.callee);
		}
		if (ddl)
			return UP_SCHEMA;
	}
	return UP_DATA;
}

/* What upgrade() does that a downgrade() doing nothing leaves behind, said in the finding. */
static int
empty_downgrade(struct ctx *c, const struct migration_fn *down)
{
	const struct migration_op *op;
	char what[160];
	enum up_change change = schema_change(c, &op, what, sizeof(what));
	const char *does = down->not_implemented ? "raises NotImplementedError" : "does nothing";

	switch (change) {
	case UP_DATA:
		return 0;
	case UP_SCHEMA:
		return report(c, RULE_EMPTY_DOWNGRADE, NULL, down->line, down->col,
			      "downgrade() %s, while upgrade() changes the schema (%s at line %u)",
			      does, what, op->call.line);
	case UP_UNREADABLE:
		return report(c, RULE_EMPTY_DOWNGRADE, NULL, down->line, down->col,
			      "downgrade() %s, while upgrade() runs SQL migreview cannot read "
			      "(%s at line %u), which may change the schema", does, what,
			      op->call.line);
	default:
		return report(c, RULE_EMPTY_DOWNGRADE, NULL, down->line, down->col,
			      "downgrade() %s, while upgrade() runs code migreview cannot follow, "
			      "which may change the schema", does);
	}
}

int
check_functions(struct ctx *c)
{
	const struct migration_fn *up = &c->m->upgrade, *down = &c->m->downgrade;

	/* a project that rolls forward only: the item does not apply, and says why */
	if (c->cfg->no_downgrades && (!down->present || down->empty))
		return report(c, RULE_DOWNGRADE_NOT_WRITTEN, NULL,
			      down->present ? down->line : up->present ? up->line : 1,
			      down->present ? down->col : up->present ? up->col : 1,
			      "%s, as this project writes none (downgrade = none in [migreview]): "
			      "the reversible item does not apply; a rollback is a restore or a "
			      "new migration", !down->present ? "no downgrade()" :
			      down->not_implemented ? "downgrade() raises NotImplementedError" :
			      "downgrade() does nothing");
	if (!down->present)
		return report(c, RULE_MISSING_DOWNGRADE, NULL, up->present ? up->line : 1,
			      up->present ? up->col : 1,
			      "there is no downgrade(): `alembic downgrade` fails at this revision");
	if (down->empty && !up->empty && !c->in->merge_point)
		return empty_downgrade(c, down);
	return 0;
}

/* The name param gives, as the project's naming_convention makes it for constraints and indexes. */
static const char *
name_of(const struct ctx *c, const struct migration_op *op, const char *param, char *buf,
	size_t size)
{
	if (!strcmp(param, "constraint_name") || !strcmp(param, "index_name"))
		return naming_name(&c->cfg->naming, op, buf, size);
	return op_string(op, param);
}

/* Does downgrade() contain an operation of kind on this table (and name)? */
static bool
downgrade_has(const struct ctx *c, enum op_kind kind, const char *table, const char *param,
	      const char *value)
{
	const struct migration_fn *down = &c->m->downgrade;

	for (size_t i = 0; i < down->n_ops; i++) {
		const struct migration_op *op = &down->ops[i];
		char buf[256];
		const char *t, *v;

		if (op_kind_of(op) != kind)
			continue;
		t = op_table(op);
		v = param ? name_of(c, op, param, buf, sizeof(buf)) : NULL;
		if (table && t && strcmp(t, table) && kind != OP_DROP_INDEX &&
		    kind != OP_DROP_CONSTRAINT)
			continue;
		/* a table or name not known (a loop variable, a helper's parameter) may be this one */
		if (!param || !v || (value && !strcmp(v, value)))
			return true;
	}
	return false;
}

/* Does literal SQL of downgrade() name it (ALTER INDEX name RENAME TO ...)?  It may remove it. */
static bool
downgrade_sql_names(const struct ctx *c, const char *name)
{
	const struct migration_fn *down = &c->m->downgrade;
	size_t len = strlen(name);

	for (size_t i = 0; i < down->n_ops; i++) {
		const struct pyarg *arg;
		const char *sql = op_kind_of(&down->ops[i]) == OP_EXECUTE ?
				  op_sql(&down->ops[i], &arg) : NULL;

		for (const char *p = sql; p && (p = strstr(p, name)); p += len)
			if ((p == sql || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
			    !(isalnum((unsigned char)p[len]) || p[len] == '_'))
				return true;
	}
	return false;
}

/* Does upgrade() itself remove it again after operation i? */
static bool
undone_later(const struct ctx *c, size_t i, enum op_kind undo, const char *table,
	     const char *param, const char *value)
{
	const struct migration_fn *up = &c->m->upgrade;

	for (size_t k = i + 1; k < up->n_ops; k++) {
		const struct migration_op *op = &up->ops[k];
		char buf[256];
		const char *v = param ? name_of(c, op, param, buf, sizeof(buf)) : NULL;

		if (op_kind_of(op) == OP_DROP_TABLE && op_table(op) && !strcmp(op_table(op), table))
			return true;
		if (op_kind_of(op) == undo && (!param || (v && value && !strcmp(v, value))))
			return true;
	}
	return false;
}

/* Does text hold word as a word of its own, in any case as SQL's unquoted names are? */
static bool
names_word(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = text; len && *p; p++) {
		bool before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');

		if (!before && !strncasecmp(p, word, len) &&
		    !isalnum((unsigned char)p[len]) && p[len] != '_')
			return true;
	}
	return false;
}

/*
 * Does downgrade() drop a column of the key op makes (an FK's local
 * columns, an index's or unique constraint's columns, a column a CHECK's
 * condition names)?  PostgreSQL, MySQL and SQLite drop the key with its column.
 */
static bool
key_column_dropped(const struct ctx *c, const struct migration_op *op, const char *table)
{
	bool check = op_kind_of(op) == OP_CREATE_CHECK;
	const struct pyarg *cols = op_param(op, op_kind_of(op) == OP_CREATE_FK ? "local_cols" :
					    check ? "condition" : "columns");
	const struct migration_fn *down = &c->m->downgrade;

	for (size_t i = 0; cols && i < down->n_ops; i++) {
		const struct migration_op *d = &down->ops[i];
		const char *t = op_table(d), *column = op_string(d, "column_name");

		if (op_kind_of(d) != OP_DROP_COLUMN || !t || !column || strcmp(t, table) != 0)
			continue;
		/* a CHECK whose condition names the column goes with it */
		if (check && cols->kind == PYARG_STRING && names_word(cols->text, column))
			return true;
		if (cols->kind == PYARG_STRING && !strcmp(cols->text, column))
			return true;
		for (size_t k = 0; cols->kind == PYARG_LIST && k < cols->n_items; k++)
			if (cols->items[k].kind == PYARG_STRING && !strcmp(cols->items[k].text, column))
				return true;
	}
	return false;
}

/* What upgrade() creates, downgrade() must remove. */
int
check_inverse(struct ctx *c)
{
	static const struct { enum op_kind made, undo; const char *name; const char *what; } pairs[] = {
		{ OP_CREATE_TABLE, OP_DROP_TABLE, NULL, "table" },
		{ OP_ADD_COLUMN, OP_DROP_COLUMN, "column_name", "column" },
		{ OP_CREATE_INDEX, OP_DROP_INDEX, "index_name", "index" },
		{ OP_CREATE_UNIQUE, OP_DROP_CONSTRAINT, "constraint_name", "constraint" },
		{ OP_CREATE_FK, OP_DROP_CONSTRAINT, "constraint_name", "constraint" },
		{ OP_CREATE_CHECK, OP_DROP_CONSTRAINT, "constraint_name", "constraint" },
	};
	const struct migration_fn *up = &c->m->upgrade;

	if (!c->m->downgrade.present || c->m->downgrade.empty)
		return 0;       /* missing-downgrade / empty-downgrade say it already */
	for (size_t i = 0; i < up->n_ops; i++) {
		const struct migration_op *op = &up->ops[i];
		enum op_kind kind = op_kind_of(op);

		for (size_t p = 0; p < MR_ARRAY_SIZE(pairs); p++) {
			const char *table = op_table(op), *name = NULL;
			char nbuf[256];

			if (pairs[p].made != kind)
				continue;
			if (kind == OP_ADD_COLUMN) {
				const struct pyarg *col = op_param(op, "column");
				const struct pyarg *cn = col && col->kind == PYARG_CALL ?
							 pycall_arg(col->call, 0, "name") : NULL;

				name = cn && cn->kind == PYARG_STRING ? cn->text : NULL;
			} else if (pairs[p].name) {
				name = name_of(c, op, pairs[p].name, nbuf, sizeof(nbuf));
			}
			if ((pairs[p].name && !name) || !table)
				continue;       /* unnamed: nothing to match on */
			/*
			 * dropping the table removes whatever was made on it; a unique
			 * constraint made USING INDEX takes the index with it when dropped
			 */
			if (downgrade_has(c, pairs[p].undo, table, pairs[p].name, name) ||
			    (kind == OP_CREATE_INDEX &&
			     (downgrade_has(c, OP_DROP_CONSTRAINT, table, "constraint_name", name) ||
			      downgrade_sql_names(c, name))) ||
			    downgrade_has(c, OP_DROP_TABLE, table, NULL, NULL) ||
			    (kind != OP_ADD_COLUMN && key_column_dropped(c, op, table)) ||
			    undone_later(c, i, pairs[p].undo, table, pairs[p].name, name))
				continue;
			if (report_op(c, RULE_DOWNGRADE_NOT_INVERSE, table, op,
				      "upgrade() creates %s %s%s%s, which downgrade() does not remove: "
				      "upgrading again after a downgrade fails", pairs[p].what,
				      name ? name : table, name ? " on " : "", name ? table : "") < 0)
				return -1;
		}
	}
	return 0;
}

/* Whether downgrade() does only what migreview reads: no SQL, nothing it cannot name. */
static bool
downgrade_all_read(const struct ctx *c)
{
	const struct migration_fn *down = &c->m->downgrade;

	for (size_t i = 0; i < down->n_ops; i++)
		if (op_kind_of(&down->ops[i]) == OP_EXECUTE || op_kind_of(&down->ops[i]) == OP_OTHER ||
		    !op_table(&down->ops[i]))
			return false;
	return true;
}

/* The name table had before upgrade() renamed it to it (before op i), else table itself. */
static const char *
name_before(const struct migration_fn *up, size_t i, const char *table)
{
	for (size_t k = i; k-- > 0;) {
		const char *to = op_kind_of(&up->ops[k]) == OP_RENAME_TABLE ?
				 op_string(&up->ops[k], "new_table_name") : NULL;

		if (to && op_table(&up->ops[k]) && !strcmp(to, table))
			table = op_table(&up->ops[k]);
	}
	return table;
}

/*
 * The other way round: a table or column upgrade() drops that downgrade()
 * does not make again is missing after a downgrade (its data is gone
 * either way; data-loss says so).  Only where downgrade() is all op.* calls
 * migreview reads: SQL or a call it cannot name may make it again.
 */
int
check_drops_restored(struct ctx *c)
{
	const struct migration_fn *up = &c->m->upgrade;

	if (!c->m->downgrade.present || c->m->downgrade.empty || !downgrade_all_read(c))
		return 0;
	for (size_t i = 0; i < up->n_ops; i++) {
		const struct migration_op *op = &up->ops[i];
		const char *table = op_table(op), *column = op_string(op, "column_name"), *was;
		enum op_kind kind = op_kind_of(op);

		if (!table || (kind != OP_DROP_TABLE && (kind != OP_DROP_COLUMN || !column)))
			continue;
		/*
		 * What downgrade() makes again has the name from before the upgrade;
		 * a table upgrade() itself makes (again) under either name is no loss:
		 * a temporary one, or SQLite's rebuild (rename, create, copy, drop).
		 */
		was = name_before(up, i, table);
		if (upgrade_creates(c, table, NULL) || upgrade_creates(c, was, NULL))
			continue;
		if (kind == OP_DROP_TABLE) {
			if (!downgrade_has(c, OP_CREATE_TABLE, was, NULL, NULL) &&
			    report_op(c, RULE_DOWNGRADE_NOT_INVERSE, table, op,
				      "upgrade() drops table %s, which downgrade() does not create "
				      "again: after a downgrade the schema lacks it", table) < 0)
				return -1;
		} else if (!downgrade_has(c, OP_ADD_COLUMN, was, NULL, NULL) &&
			   !downgrade_has(c, OP_CREATE_TABLE, was, NULL, NULL) &&
			   report_op(c, RULE_DOWNGRADE_NOT_INVERSE, table, op,
				     "upgrade() drops column %s.%s, which downgrade() does not add "
				     "again: after a downgrade the schema lacks it", table, column) < 0) {
			return -1;
		}
	}
	return 0;
}

bool
drop_of_enum(const struct migration *m, const struct migration_op *op, const char *name)
{
	const char *callee = op->call.callee;
	size_t len = strlen(callee);
	const struct pycall *alias;
	const struct pyarg *ename;
	char object[128];

	if (strcmp(op->call.name, "drop") != 0)
		return false;
	if (strstr(callee, name))
		return true;    /* sa.Enum(..., name="x").drop(bind) */
	if (len <= strlen(".drop") || len - strlen(".drop") >= sizeof(object))
		return false;
	/* status_type.drop(bind), with status_type = sa.Enum(..., name="x") at module level */
	snprintf(object, sizeof(object), "%.*s", (int)(len - strlen(".drop")), callee);
	alias = migration_alias(m, object);
	ename = alias ? pycall_arg(alias, (size_t)-1, "name") : NULL;
	return ename && ename->kind == PYARG_STRING && !strcmp(ename->text, name);
}

/* Does downgrade() drop enum type name (DROP TYPE in SQL, or Enum(...).drop(bind))? */
static bool
downgrade_drops_enum(const struct ctx *c, const char *name)
{
	const struct migration_fn *down = &c->m->downgrade;

	for (size_t i = 0; i < down->n_ops; i++) {
		const struct sql_script *script = op_script(c, &down->ops[i]);

		for (size_t k = 0; script && k < script->n; k++)
			if (script->v[k].kind == SQL_DROP_TYPE && strvec_contains(&script->v[k].objects, name))
				return true;
		if (drop_of_enum(c->m, &down->ops[i], name))
			return true;
	}
	return false;
}

int
check_enums(struct ctx *c)
{
	int later;

	/* the enum types this migration made are the last ones made */
	for (size_t i = c->first_enum; i < c->schema->n_enums; i++) {
		const struct schema_enum *e = &c->schema->enums[i];

		if (!c->m->downgrade.present || c->m->downgrade.empty ||
		    downgrade_drops_enum(c, e->name))
			continue;
		if (report(c, RULE_ENUM_NOT_DROPPED_IN_DOWNGRADE, NULL, e->line, e->col,
			   "upgrade() creates enum type %s, which downgrade() leaves behind: the next "
			   "upgrade fails with 'type \"%s\" already exists'", e->name, e->name) < 0)
			return -1;
		if ((later = dropped_later(c, e->name)) < 0 ||
		    (!later && report(c, RULE_ENUM_TYPE_NEVER_DROPPED, NULL, e->line, e->col,
				      "no migration ever drops enum type %s", e->name) < 0))
			return -1;
	}
	return 0;
}

/* Does upgrade() create this table, or this column on it? */
bool
upgrade_creates(const struct ctx *c, const char *table, const char *column)
{
	const struct migration_fn *up = &c->m->upgrade;

	for (size_t i = 0; table && i < up->n_ops; i++) {
		const struct migration_op *op = &up->ops[i];
		const char *t = op_table(op);

		if (!t || strcmp(t, table) != 0)
			continue;
		if (op_kind_of(op) == OP_CREATE_TABLE)
			return true;
		if (column && op_kind_of(op) == OP_ADD_COLUMN) {
			const struct pyarg *col = op_param(op, "column");
			const struct pyarg *name = col && col->kind == PYARG_CALL ?
						   pycall_arg(col->call, 0, "name") : NULL;

			if (name && name->kind == PYARG_STRING && !strcmp(name->text, column))
				return true;
		}
	}
	return false;
}

/* Does downgrade() rename another table to table after operation i (a rebuilt copy)? */
static bool
rebuilt_later(const struct migration_fn *down, size_t i, const char *table)
{
	for (size_t k = i + 1; k < down->n_ops; k++) {
		const char *to = op_kind_of(&down->ops[k]) == OP_RENAME_TABLE ?
				 op_string(&down->ops[k], "new_table_name") : NULL;

		if (to && !strcmp(to, table))
			return true;
	}
	return false;
}

/* A downgrade that drops or narrows what the upgrade did not create loses data. */
int
check_destructive_downgrade(struct ctx *c)
{
	const struct migration_fn *down = &c->m->downgrade;

	for (size_t i = 0; i < down->n_ops; i++) {
		const struct migration_op *op = &down->ops[i];
		const char *table = op_table(op), *column = op_string(op, "column_name");
		enum op_kind kind = op_kind_of(op);
		bool to_str, from_str;
		long to, from;

		if (kind == OP_DROP_TABLE && table && !upgrade_creates(c, table, NULL) &&
		    !rebuilt_later(down, i, table)) {
			if (report_op(c, RULE_DESTRUCTIVE_DOWNGRADE, table, op,
				      "downgrade() drops table %s, which upgrade() did not create: "
				      "its rows are lost", table) < 0)
				return -1;
		} else if (kind == OP_DROP_COLUMN && table && column &&
			   !upgrade_creates(c, table, column)) {
			if (report_op(c, RULE_DESTRUCTIVE_DOWNGRADE, table, op,
				      "downgrade() drops %s.%s, which upgrade() did not add: its "
				      "values are lost", table, column) < 0)
				return -1;
		} else if (kind == OP_ALTER_COLUMN) {
			to = type_rank(op_param(op, "type_"), &to_str);
			from = type_rank(op_param(op, "existing_type"), &from_str);
			if (to > 0 && from > 0 && to_str == from_str && to < from &&
			    report_op(c, RULE_DESTRUCTIVE_DOWNGRADE, table, op,
				      "downgrade() narrows %s.%s back: values written since the "
				      "upgrade may not fit", table ? table : "?",
				      column ? column : "?") < 0)
				return -1;
		}
	}
	return 0;
}

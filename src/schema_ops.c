/* Alembic's operations as the schema reads them: their signatures, parameters and tables. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/schema.h"

#define MAX_PARAMS 6

/*
 * How op.X and batch_op.X take their positional arguments (Alembic 1.8+),
 * sorted by name: sig_of() searches it for every operation a rule reads.
 */
static const struct op_sig {
	const char *name;
	enum op_kind kind;
	const char *params[MAX_PARAMS];
	const char *batch_params[MAX_PARAMS];
} sigs[] = {
	{ "add_column", OP_ADD_COLUMN, { "table_name", "column" }, { "column" } },
	{ "alter_column", OP_ALTER_COLUMN, { "table_name", "column_name" }, { "column_name" } },
	{ "bulk_insert", OP_BULK_INSERT, { "table", "rows" }, { NULL } },
	{ "create_check_constraint", OP_CREATE_CHECK,
	  { "constraint_name", "table_name", "condition" }, { "constraint_name", "condition" } },
	{ "create_foreign_key", OP_CREATE_FK,
	  { "constraint_name", "source_table", "referent_table", "local_cols", "remote_cols" },
	  { "constraint_name", "referent_table", "local_cols", "remote_cols" } },
	{ "create_index", OP_CREATE_INDEX, { "index_name", "table_name", "columns" },
	  { "index_name", "columns" } },
	{ "create_primary_key", OP_CREATE_PK, { "constraint_name", "table_name", "columns" },
	  { "constraint_name", "columns" } },
	{ "create_table", OP_CREATE_TABLE, { "table_name" }, { NULL } },
	{ "create_unique_constraint", OP_CREATE_UNIQUE,
	  { "constraint_name", "table_name", "columns" }, { "constraint_name", "columns" } },
	{ "drop_column", OP_DROP_COLUMN, { "table_name", "column_name" }, { "column_name" } },
	{ "drop_constraint", OP_DROP_CONSTRAINT, { "constraint_name", "table_name", "type_" },
	  { "constraint_name", "type_" } },
	{ "drop_index", OP_DROP_INDEX, { "index_name", "table_name" }, { "index_name" } },
	{ "drop_table", OP_DROP_TABLE, { "table_name" }, { NULL } },
	{ "execute", OP_EXECUTE, { "sqltext" }, { "sqltext" } },
	{ "rename_table", OP_RENAME_TABLE, { "old_table_name", "new_table_name" }, { NULL } },
};

static int
sig_cmp(const void *name, const void *sig)
{
	return strcmp(name, ((const struct op_sig *)sig)->name);
}

static const struct op_sig *
sig_of(const struct migration_op *op)
{
	return bsearch(op->call.name, sigs, MR_ARRAY_SIZE(sigs), sizeof(*sigs), sig_cmp);
}

enum op_kind
op_kind_of(const struct migration_op *op)
{
	const struct op_sig *sig = sig_of(op);

	return sig ? sig->kind : OP_OTHER;
}

const struct pyarg *
op_param(const struct migration_op *op, const char *param)
{
	const struct op_sig *sig = sig_of(op);
	const char *const *names = sig ? (op->batch_table ? sig->batch_params : sig->params) : NULL;
	size_t pos = (size_t)-1;

	for (size_t i = 0; names && i < MAX_PARAMS && names[i]; i++)
		if (!strcmp(names[i], param))
			pos = i;
	return pycall_arg(&op->call, pos, param);
}

const char *
op_string(const struct migration_op *op, const char *param)
{
	const struct pyarg *a = op_param(op, param);

	return a && a->kind == PYARG_STRING ? a->text : NULL;
}

/* The table of the enclosing batch_alter_table; NULL when its name is not known. */
static const char *
batch_name(const struct migration_op *op)
{
	return op->batch_table && op->batch_table[0] ? op->batch_table : NULL;
}

/* The table as written, without a schema= keyword's schema. */
static const char *
op_table_name(const struct migration_op *op)
{
	switch (op_kind_of(op)) {
	case OP_CREATE_FK:
		return op->batch_table ? batch_name(op) : op_string(op, "source_table");
	case OP_RENAME_TABLE:
		return op_string(op, "old_table_name");
	case OP_BULK_INSERT:
	case OP_EXECUTE:
	case OP_OTHER:
		return batch_name(op);
	default:
		return op->batch_table ? batch_name(op) : op_string(op, "table_name");
	}
}

const char *
op_table(const struct migration_op *op)
{
	return op->table_key ? op->table_key : op_table_name(op);
}

const char *
op_in_schema(const struct migration_op *op, const char *keyword, const char *name, char *buf,
	     size_t size)
{
	const struct pyarg *schema = pycall_arg(&op->call, (size_t)-1, keyword);

	/* public is where PostgreSQL puts a table no schema names */
	if (!name || !schema || schema->kind != PYARG_STRING || !schema->text[0] ||
	    !strcmp(schema->text, "public"))
		return name;
	snprintf(buf, size, "%s.%s", schema->text, name);
	return buf;
}

static int
qualify_fn(struct migration_fn *fn)
{
	for (size_t i = 0; i < fn->n_ops; i++) {
		struct migration_op *op = &fn->ops[i];
		const char *table = op_table_name(op);
		char buf[512];
		const char *key;

		if (op->batch_table || op->table_key || !table)
			continue;       /* a batch's schema is in its batch_table already */
		key = op_in_schema(op, op_kind_of(op) == OP_CREATE_FK ? "source_schema" : "schema",
				table, buf, sizeof(buf));
		if (key != table && !(op->table_key = mr_strdup(key)))
			return -1;
	}
	return 0;
}

int
schema_qualify(struct migration *m)
{
	return qualify_fn(&m->upgrade) < 0 || qualify_fn(&m->downgrade) < 0 ? -1 : 0;
}

const char *
op_sql(const struct migration_op *op, const struct pyarg **arg)
{
	const struct pyarg *a = op_param(op, "sqltext");

	*arg = a;
	if (!a)
		return NULL;
	if (a->kind == PYARG_STRING)
		return a->text;
	if (a->kind == PYARG_CALL && !strcmp(a->call->name, "text") && a->call->n_args &&
	    a->call->args[0].kind == PYARG_STRING)
		return a->call->args[0].text;
	return NULL;
}

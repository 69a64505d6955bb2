/* The analyser's rule on the names a migration gives: identifier-too-long. */
#include "config.h"

#include <string.h>

#include "analyze_int.h"

/* NAMEDATALEN - 1: the bytes PostgreSQL keeps of an identifier. */
#define PG_MAX_IDENTIFIER 63

/* A name as written: "ix_a", or op.f("ix_a") and conv("ix_a"), which name it as is. */
static const char *
written_name(const struct pyarg *a)
{
	if (a && a->kind == PYARG_STRING)
		return a->text;
	if (a && a->kind == PYARG_CALL && (!strcmp(a->call->name, "f") || !strcmp(a->call->name, "conv")) &&
	    a->call->n_args && a->call->args[0].kind == PYARG_STRING)
		return a->call->args[0].text;
	return NULL;
}

/* What PostgreSQL keeps: at most 63 bytes, never half a UTF-8 character. */
static int
kept_length(const char *name)
{
	size_t n = PG_MAX_IDENTIFIER;

	while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

static int
check_name(struct ctx *c, const char *table, const char *what, const struct pyarg *a)
{
	const char *name = written_name(a);
	size_t len = name ? strlen(name) : 0;

	if (len <= PG_MAX_IDENTIFIER)
		return 0;
	return report(c, RULE_IDENTIFIER_TOO_LONG, table, a->line, a->col,
		      "%s name %s is %zu bytes long: PostgreSQL keeps only its first %d, \"%.*s\"",
		      what, name, len, PG_MAX_IDENTIFIER, kept_length(name), name);
}

/* sa.Column("name", ...) and constraints or indexes given name="..." inside a call. */
static int
check_call_names(struct ctx *c, const char *table, const struct pyarg *a)
{
	const struct pycall *call = a && a->kind == PYARG_CALL ? a->call : NULL;

	if (!call)
		return 0;
	if (!strcmp(call->name, "Column"))
		return check_name(c, table, "column", pycall_arg(call, 0, "name"));
	if (strstr(call->name, "Constraint"))
		return check_name(c, table, "constraint", pycall_arg(call, (size_t)-1, "name"));
	if (!strcmp(call->name, "Index"))
		return check_name(c, table, "index", pycall_arg(call, 0, "name"));
	return 0;
}

int
check_names(struct ctx *c, const struct migration_op *op)
{
	static const struct { enum op_kind kind; const char *param, *what; } named[] = {
		{ OP_CREATE_TABLE, "table_name", "table" },
		{ OP_RENAME_TABLE, "new_table_name", "table" },
		{ OP_ALTER_COLUMN, "new_column_name", "column" },
		{ OP_CREATE_INDEX, "index_name", "index" },
		{ OP_CREATE_UNIQUE, "constraint_name", "constraint" },
		{ OP_CREATE_PK, "constraint_name", "constraint" },
		{ OP_CREATE_FK, "constraint_name", "constraint" },
		{ OP_CREATE_CHECK, "constraint_name", "constraint" },
	};
	enum op_kind kind = op_kind_of(op);
	const char *table = op_table(op);

	for (size_t i = 0; i < MR_ARRAY_SIZE(named); i++)
		if (named[i].kind == kind &&
		    check_name(c, table, named[i].what, op_param(op, named[i].param)) < 0)
			return -1;
	if (kind == OP_ADD_COLUMN)
		return check_call_names(c, table, op_param(op, "column"));
	/* create_table's columns, constraints and indexes follow its name */
	for (size_t i = 1; kind == OP_CREATE_TABLE && i < op->call.n_args; i++)
		if (!op->call.args[i].keyword && check_call_names(c, table, &op->call.args[i]) < 0)
			return -1;
	return 0;
}

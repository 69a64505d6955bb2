/*
 * The analyser's search for a backfill before SET NOT NULL: in the same
 * upgrade, or in an earlier migration, whose UPDATEs and DELETEs are
 * indexed by table once each migration is checked.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze_int.h"
#include "migreview/sqltok.h"

/* The table name a Core table expression stands for: t bound to sa.table("t", ...). */
static void
core_table_name(const struct migration *m, const char *expr, size_t len, char *out,
		size_t size)
{
	char name[128];
	const struct pycall *call;
	const char *q;

	out[0] = '\0';
	while (len && *expr == ' ')
		expr++, len--;
	if (len >= sizeof(name))
		return;
	memcpy(name, expr, len);
	name[len] = '\0';
	if ((q = strchr(name, '(')) && (q = strpbrk(q, "'\""))) {
		/* an inline sa.table("t", ...) */
		snprintf(out, size, "%.*s", (int)strcspn(q + 1, "'\""), q + 1);
		return;
	}
	call = migration_alias(m, name);
	if (call && (!strcmp(call->name, "table") || !strcmp(call->name, "Table")) &&
	    call->n_args && call->args[0].kind == PYARG_STRING)
		snprintf(out, size, "%s", call->args[0].text);
}

/*
 * Is op an execute() of a SQLAlchemy Core UPDATE (t.update()..., sa.update(t)...)?
 * table gets its table, or "" when it cannot be known.
 */
static bool
core_update(const struct migration *m, const struct migration_op *op, char *table, size_t size)
{
	const struct pyarg *arg = op_kind_of(op) == OP_EXECUTE ? op_param(op, "sqltext") : NULL;
	const char *callee, *u, *obj;

	if (!arg || arg->kind != PYARG_CALL)
		return false;
	callee = arg->call->callee;
	for (u = strstr(callee, "update"); u; u = strstr(u + 1, "update"))
		if ((u == callee || !(isalnum((unsigned char)u[-1]) || u[-1] == '_')) &&
		    (u[6] == '(' || u[6] == '\0'))
			break;
	if (!u)
		return false;
	for (obj = u; obj > callee && (isalnum((unsigned char)obj[-1]) || obj[-1] == '_' ||
				       obj[-1] == '.'); obj--)
		;
	/* t.update(): the table is t; sa.update(t) / update(t): the argument */
	if (u > obj && strncmp(obj, "sa.", 3) && strncmp(obj, "sqlalchemy.", 11) &&
	    strncmp(obj, "sql.", 4)) {
		core_table_name(m, obj, (size_t)(u - 1 - obj), table, size);
	} else if (u[6] == '(') {
		core_table_name(m, u + 7, strcspn(u + 7, ",)"), table, size);
	} else {
		const struct pyarg *t = arg->call->n_args ? &arg->call->args[0] : NULL;

		table[0] = '\0';
		if (t && t->kind == PYARG_NAME)
			core_table_name(m, t->text, strlen(t->text), table, size);
		else if (t && t->kind == PYARG_CALL && t->call->n_args &&
			 t->call->args[0].kind == PYARG_STRING)
			snprintf(table, size, "%s", t->call->args[0].text);
	}
	return true;
}

/* Does a Core update's text (or its final .values(...) keywords) name column? */
static bool
core_names_column(const struct migration_op *op, const char *column)
{
	const struct pyarg *arg = op_param(op, "sqltext");

	if (strstr(arg->call->callee, column))
		return true;
	for (size_t i = 0; i < arg->call->n_args; i++)
		if ((arg->call->args[i].keyword && !strcmp(arg->call->args[i].keyword, column)) ||
		    (arg->call->args[i].text && strstr(arg->call->args[i].text, column)))
			return true;
	return false;
}

/* Raw SQL: an UPDATE of table or a DELETE from it (either of any table when table is NULL). */
static bool
sql_backfills(const struct ctx *c, const struct migration_op *op, const char *table)
{
	const struct sql_script *script = op_kind_of(op) == OP_EXECUTE ? op_script(c, op) : NULL;

	for (size_t i = 0; script && i < script->n; i++) {
		char buf[512];
		const char *t = sql_table_key(&script->v[i], buf, sizeof(buf));

		/* table NULL: a table that cannot be known, which any UPDATE or DELETE may be */
		if ((script->v[i].kind == SQL_UPDATE || script->v[i].kind == SQL_DELETE) &&
		    (!table || (t && !strcmp(t, table))))
			return true;
	}
	return false;
}

/*
 * f"UPDATE {table} SET col = ... WHERE col IS NULL" with the table known only
 * at run time (a loop over a list built as it runs): an UPDATE or DELETE of a
 * table named at run time that names column may be column's backfill.
 */
static bool
runtime_update(const struct migration_op *op, const char *column)
{
	const struct pyarg *a = op_kind_of(op) == OP_EXECUTE ? op_param(op, "sqltext") : NULL;
	const char *text, *p;

	if (a && a->kind == PYARG_CALL && !strcmp(a->call->name, "text") && a->call->n_args)
		a = &a->call->args[0];
	if (!a || a->kind != PYARG_OTHER || !(text = a->text) || (text[0] != 'f' && text[0] != 'F'))
		return false;
	for (p = text; *p; p++) {
		const char *q = p;

		if (strncasecmp(q, "update ", 7) && strncasecmp(q, "delete from ", 12))
			continue;
		q += tolower((unsigned char)*q) == 'u' ? 7 : 12;
		if (!strncasecmp(q, "or ", 3)) {        /* UPDATE OR IGNORE */
			q += 3 + strcspn(q + 3, " ");
			q += *q == ' ';
		}
		if (*q == '{' && strstr(q, column))
			return true;
	}
	return false;
}

/* The column's reading of list, made when it has none; NULL when out of memory. */
static struct backfill_seen *
seen_of(struct backfill_list *list, const char *column)
{
	size_t pos;

	if (strmap_get(&list->columns, column, &pos))
		return &list->seen[pos];
	/* the key is the migration's own string, there as long as the analysis */
	if (mr_grow(&list->seen, &list->cap_seen, list->n_seen + 1, sizeof(*list->seen)) < 0 ||
	    strmap_put(&list->columns, column, list->n_seen) < 0)
		return NULL;
	list->seen[list->n_seen] = (struct backfill_seen){ 0, false, 0 };
	return &list->seen[list->n_seen++];
}

/*
 * A backfill of table before SET NOT NULL: an UPDATE (raw SQL or SQLAlchemy
 * Core, of that table or of one that cannot be known) or a DELETE earlier in
 * this upgrade; or, in an earlier migration since the column was added, an
 * UPDATE of that table that names the column (a backfill migration of its own).
 */
int
backfilled(const struct ctx *c, const struct migration_op *upto, const char *table,
	   const char *column)
{
	const struct schema_column *col = schema_column(c->schema, table, column);
	size_t from = col ? col->created_in : 0, pos;
	struct backfill_list *list;
	struct backfill_seen *seen;
	char t[128];

	/* an UPDATE of a table whose name cannot be known may be this one's backfill */
	for (const struct migration_op *op = c->m->upgrade.ops; op < upto; op++)
		if (sql_backfills(c, op, table) || (column && runtime_update(op, column)) ||
		    (core_update(c->m, op, t, sizeof(t)) && (!t[0] || !table || !strcmp(t, table))))
			return 1;
	if (!table || !column || !strmap_get(&c->backfills->tables, table, &pos))
		return 0;
	list = &c->backfills->lists[pos];
	if (!(seen = seen_of(list, column)))
		return -1;
	/* what earlier questions about the column read need not be read again */
	for (; seen->read < list->n; seen->read++) {
		const struct backfill *b = &list->v[seen->read];

		if (b->sql ? strstr(b->sql, column) != NULL : core_names_column(b->core, column)) {
			seen->found = true;
			seen->last = b->at;
		}
	}
	return seen->found && seen->last >= from;
}

/* Files b under table. */
static int
add_backfill(struct backfill_index *ix, const char *table, struct backfill b)
{
	struct backfill_list *list;
	size_t pos;
	char *key;

	if (!strmap_get(&ix->tables, table, &pos)) {
		if (mr_grow(&ix->lists, &ix->cap_lists, ix->n_lists + 1, sizeof(*ix->lists)) < 0 ||
		    !(key = mr_strdup(table)) || strmap_put_owned(&ix->tables, key, ix->n_lists) < 0)
			return -1;
		memset(&ix->lists[ix->n_lists], 0, sizeof(*ix->lists));
		pos = ix->n_lists++;
	}
	list = &ix->lists[pos];
	if (mr_grow(&list->v, &list->cap, list->n + 1, sizeof(*list->v)) < 0)
		return -1;
	list->v[list->n++] = b;
	return 0;
}

int
backfills_add(struct backfill_index *ix, const struct ctx *c)
{
	const struct migration_fn *up = &c->m->upgrade;

	for (size_t i = 0; i < up->n_ops; i++) {
		const struct migration_op *op = &up->ops[i];
		const struct sql_script *script = op_kind_of(op) == OP_EXECUTE ? op_script(c, op) : NULL;
		const struct pyarg *arg;
		char t[128];

		for (size_t k = 0; script && k < script->n; k++) {
			char buf[512];
			const char *key = sql_table_key(&script->v[k], buf, sizeof(buf));

			if ((script->v[k].kind == SQL_UPDATE || script->v[k].kind == SQL_DELETE) && key &&
			    add_backfill(ix, key, (struct backfill){ c->at, op_sql(op, &arg), NULL }) < 0)
				return -1;
		}
		if (core_update(c->m, op, t, sizeof(t)) &&
		    add_backfill(ix, t, (struct backfill){ c->at, NULL, op }) < 0)
			return -1;
	}
	return 0;
}

void
backfills_free(struct backfill_index *ix)
{
	for (size_t i = 0; i < ix->n_lists; i++) {
		free(ix->lists[i].v);
		free(ix->lists[i].seen);
		strmap_free(&ix->lists[i].columns, false);
	}
	free(ix->lists);
	strmap_free(&ix->tables, true);
	memset(ix, 0, sizeof(*ix));
}

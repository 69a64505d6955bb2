/*
 * What the migrations after the one being checked do, for the rules that
 * look ahead: is a dropped column added back, is an enum type dropped
 * some day?  Each is read from every migration once, the first time a rule
 * asks, rather than from every later migration at every question.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "migreview/sqltok.h"

/*
 * The k-th column op may add to its table (add_column, create_table, or a
 * rename to it) into *name, NULL when that argument adds none; false past
 * the last.
 */
static bool
added_column(const struct migration_op *op, size_t k, const char **name)
{
	enum op_kind kind = op_kind_of(op);
	size_t i = kind == OP_CREATE_TABLE ? k + 1 : k;
	const struct pyarg *col, *cn;

	*name = NULL;
	if (kind == OP_ALTER_COLUMN) {
		*name = op_string(op, "new_column_name");
		return k == 0;
	}
	/* create_table's columns follow its name; any other call's column is its first */
	if (i >= op->call.n_args || (kind != OP_CREATE_TABLE && k > 0))
		return false;
	col = kind == OP_ADD_COLUMN ? op_param(op, "column") : &op->call.args[i];
	cn = col && col->kind == PYARG_CALL && !strcmp(col->call->name, "Column") ?
	     pycall_arg(col->call, 0, "name") : NULL;
	*name = cn && cn->kind == PYARG_STRING ? cn->text : NULL;
	return true;
}

/* Numbers every upgrade() operation in review order, and files the columns each adds. */
static int
index_added(struct later_index *ix, struct migration *const *all, size_t n_all)
{
	size_t number = 0;

	if (!(ix->first_op = calloc(n_all + 1, sizeof(*ix->first_op))))
		return -1;
	for (size_t j = 0; j < n_all; j++) {
		const struct migration_fn *up = &all[j]->upgrade;

		ix->first_op[j] = number;
		for (size_t i = 0; i < up->n_ops; i++, number++) {
			const char *table = op_table(&up->ops[i]), *column;
			size_t pos;

			if (!table)
				continue;
			/* the keys are the migrations' own strings, there as long as the analysis */
			if (!strmap_get(&ix->add_tables, table, &pos)) {
				if (mr_grow(&ix->add_columns, &ix->cap_add, ix->n_add + 1,
					    sizeof(*ix->add_columns)) < 0 ||
				    strmap_put(&ix->add_tables, table, ix->n_add) < 0)
					return -1;
				memset(&ix->add_columns[ix->n_add], 0, sizeof(*ix->add_columns));
				pos = ix->n_add++;
			}
			for (size_t k = 0; added_column(&up->ops[i], k, &column); k++)
				if (column && strmap_put(&ix->add_columns[pos], column, number) < 0)
					return -1;
		}
	}
	ix->added_read = true;
	return 0;
}

int
added_back(const struct ctx *c, const struct migration_op *op, const char *table,
	   const char *column)
{
	struct later_index *ix = c->later;
	size_t pos, last;

	if (!ix->added_read && index_added(ix, c->all, c->n_all) < 0)
		return -1;
	if (!strmap_get(&ix->add_tables, table, &pos) ||
	    !strmap_get(&ix->add_columns[pos], column, &last))
		return 0;
	return last > ix->first_op[c->at] + (size_t)(op - c->m->upgrade.ops);
}

/* Files the enum types each upgrade() drops: DROP TYPE in SQL, and X.drop(bind) calls. */
static int
index_drops(struct later_index *ix, struct migration *const *all, size_t n_all)
{
	for (size_t k = 0; k < n_all; k++) {
		const struct migration_fn *up = &all[k]->upgrade;

		for (size_t i = 0; i < up->n_ops; i++) {
			const struct pyarg *arg;
			const char *sql = op_sql(&up->ops[i], &arg);
			struct sql_script script;
			int rc = 0;

			if (!strcmp(up->ops[i].call.name, "drop")) {
				if (mr_grow(&ix->drops, &ix->cap_drops, ix->n_drops + 1,
					    sizeof(*ix->drops)) < 0)
					return -1;
				ix->drops[ix->n_drops++] = (struct later_drop){ k, &up->ops[i] };
			}
			if (!sql)
				continue;
			if (sql_scan(sql, strlen(sql), &script, NULL) < 0)
				return -1;
			for (size_t s = 0; s < script.n && rc == 0; s++)
				for (size_t o = 0; script.v[s].kind == SQL_DROP_TYPE && rc == 0 &&
				     o < script.v[s].objects.n; o++) {
					char *type = mr_strdup(script.v[s].objects.v[o]);

					rc = type ? strmap_put_owned(&ix->dropped_types, type, k) : -1;
				}
			sql_script_free(&script);
			if (rc < 0)
				return -1;
		}
	}
	ix->drops_read = true;
	return 0;
}

int
dropped_later(const struct ctx *c, const char *name)
{
	struct later_index *ix = c->later;
	size_t last;

	if (!ix->drops_read && index_drops(ix, c->all, c->n_all) < 0)
		return -1;
	if (strmap_get(&ix->dropped_types, name, &last) && last > c->at)
		return 1;
	for (size_t i = ix->n_drops; i-- > 0 && ix->drops[i].at > c->at;)
		if (drop_of_enum(c->all[ix->drops[i].at], ix->drops[i].op, name))
			return 1;
	return 0;
}

void
later_free(struct later_index *ix)
{
	for (size_t i = 0; i < ix->n_add; i++)
		strmap_free(&ix->add_columns[i], false);
	free(ix->add_columns);
	free(ix->first_op);
	strmap_free(&ix->add_tables, false);
	strmap_free(&ix->dropped_types, true);
	free(ix->drops);
	memset(ix, 0, sizeof(*ix));
}

/* The SQL scanner's reader of ALTER TABLE actions, one comma-separated action at a time. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sqlcur.h"

const char *const sql_volatile_functions[] = {
	"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4",
	"clock_timestamp", "timeofday", "nextval", NULL,
};

/* A call at i of a function PostgreSQL evaluates once per row. */
static bool
is_volatile_call(const struct sqlcur *a, size_t i)
{
	for (const char *const *f = sql_volatile_functions; *f; f++)
		if (sqlcur_is_word(a, i, *f) && sqlcur_is_type(a, i + 1, TK_LPAREN))
			return true;
	return false;
}

/* The type of an added column at i: serial, bigserial, smallserial, serial2/4/8. */
static bool
is_serial_type(const struct sqlcur *a, size_t i)
{
	static const char *const types[] = {
		"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8",
	};

	for (size_t k = 0; k < MR_ARRAY_SIZE(types); k++)
		if (sqlcur_is_word(a, i, types[k]))
			return true;
	return false;
}

/* Scans an action's tokens at depth 0 for the clauses of a column or constraint. */
static int
scan_definition(struct sqlcur *a, struct sql_action *act, bool column)
{
	if (column && is_serial_type(a, a->i))
		act->flags |= SQL_F(SERIAL);
	for (size_t i = a->i; i < a->n; i++) {
		if (sqlcur_is_type(a, i, TK_LPAREN)) {
			i = sqlcur_skip_group(a, i) - 1;
		} else if (sqlcur_is_word(a, i, "not") && sqlcur_is_word(a, i + 1, "null") && column) {
			act->flags |= SQL_F(NOT_NULL);
		} else if (sqlcur_is_word(a, i, "not") && sqlcur_is_word(a, i + 1, "valid")) {
			act->flags |= SQL_F(NOT_VALID);
		} else if (sqlcur_is_word(a, i, "default") && column &&
			   !sqlcur_is_word(a, i - 1, "by")) {  /* BY DEFAULT AS IDENTITY */
			act->flags |= SQL_F(DEFAULT);
			if (is_volatile_call(a, i + 1))
				act->flags |= SQL_F(VOLATILE_DEFAULT);
		} else if (sqlcur_is_word(a, i, "as") && sqlcur_is_word(a, i + 1, "identity") && column) {
			act->flags |= SQL_F(IDENTITY);
		} else if (sqlcur_is_word(a, i, "stored") && column) {
			/* PostgreSQL's GENERATED ALWAYS AS (...) STORED, MySQL's AS (...) STORED */
			act->flags |= SQL_F(GENERATED_STORED);
		} else if (sqlcur_is_word(a, i, "primary") && sqlcur_is_word(a, i + 1, "key")) {
			act->flags |= SQL_F(PRIMARY_KEY);
		} else if (sqlcur_is_word(a, i, "unique")) {
			act->flags |= SQL_F(UNIQUE);
		} else if (sqlcur_is_word(a, i, "check")) {
			act->flags |= SQL_F(CHECK);
		} else if (sqlcur_is_word(a, i, "using") && sqlcur_is_word(a, i + 1, "index") &&
			   !sqlcur_is_word(a, i + 2, "tablespace")) {
			act->flags |= SQL_F(USING_INDEX);
		} else if (sqlcur_is_word(a, i, "foreign") && sqlcur_is_word(a, i + 1, "key")) {
			act->flags |= SQL_F(FOREIGN_KEY);
			a->i = i + 2;
			if (!act->columns.n && sqlcur_take_column_list(a, &act->columns) < 0)
				return -1;
			i = a->i - 1;
		} else if (sqlcur_is_word(a, i, "references") && !act->ref_table) {
			act->flags |= SQL_F(FOREIGN_KEY);
			if (column && act->name && !act->columns.n &&
			    strvec_push(&act->columns, act->name) < 0)
				return -1;
			a->i = i + 1;
			if (sqlcur_take_name(a, NULL, &act->ref_table) < 0)
				return -1;
			i = a->i - 1;
		} else if (sqlcur_is_cascade(a, i)) {
			act->flags |= SQL_F(CASCADE);
		}
	}
	return 0;
}

static int
read_action_add(struct sqlcur *a, struct sql_action *act)
{
	static const char *const constraint_words[] = {
		"constraint", "primary", "unique", "check", "foreign", "exclude",
	};
	char *index_name = NULL;

	/* MySQL's ADD INDEX / KEY / FULLTEXT / SPATIAL build an index, not a constraint */
	if (sqlcur_is_word(a, a->i, "index") || sqlcur_is_word(a, a->i, "key") ||
	    sqlcur_is_word(a, a->i, "fulltext") || sqlcur_is_word(a, a->i, "spatial"))
		return 0;
	for (size_t k = 0; k < MR_ARRAY_SIZE(constraint_words); k++) {
		if (!sqlcur_is_word(a, a->i, constraint_words[k]))
			continue;
		act->flags |= SQL_F(ADD_CONSTRAINT);
		if (sqlcur_accept(a, "constraint") && sqlcur_take_name(a, NULL, &act->name) < 0)
			return -1;
		if (sqlcur_accept2(a, "primary", "key"))
			act->flags |= SQL_F(PRIMARY_KEY);
		else if (sqlcur_accept(a, "unique"))
			act->flags |= SQL_F(UNIQUE);
		/* MySQL: UNIQUE [INDEX | KEY] [name] (cols) */
		if ((act->flags & SQL_F(UNIQUE)) && (sqlcur_accept(a, "index") || sqlcur_accept(a, "key")) &&
		    !sqlcur_is_type(a, a->i, TK_LPAREN) && sqlcur_take_name(a, NULL, &index_name) < 0)
			return -1;
		free(index_name);
		if ((act->flags & (SQL_F(PRIMARY_KEY) | SQL_F(UNIQUE))) &&
		    sqlcur_take_column_list(a, &act->columns) < 0)
			return -1;
		return scan_definition(a, act, false);
	}
	sqlcur_accept(a, "column");
	act->flags |= SQL_F(ADD_COLUMN);
	sqlcur_accept_if_not_exists(a, &act->flags);
	if (sqlcur_take_name(a, NULL, &act->name) < 0)
		return -1;
	return scan_definition(a, act, true);
}

static int
read_action_alter(struct sqlcur *a, struct sql_action *act)
{
	if (sqlcur_accept(a, "constraint"))
		return sqlcur_take_name(a, NULL, &act->name) < 0 ? -1 : 0;
	sqlcur_accept(a, "column");
	if (sqlcur_take_name(a, NULL, &act->name) < 0)
		return -1;
	if (sqlcur_accept(a, "type") || (sqlcur_accept2(a, "set", "data") && sqlcur_accept(a, "type")))
		act->flags |= SQL_F(ALTER_COLUMN_TYPE);
	else if (sqlcur_accept2(a, "set", "not") && sqlcur_accept(a, "null"))
		act->flags |= SQL_F(SET_NOT_NULL);
	else if (sqlcur_accept2(a, "drop", "not") && sqlcur_accept(a, "null"))
		act->flags |= SQL_F(DROP_NOT_NULL);
	else if (sqlcur_accept2(a, "set", "default"))
		act->flags |= SQL_F(DEFAULT);
	return 0;
}

static int
read_action_rename(struct sqlcur *a, struct sql_action *act)
{
	if (sqlcur_accept(a, "to")) {
		act->flags |= SQL_F(RENAME_TABLE);
		return sqlcur_take_name(a, NULL, &act->new_name) < 0 ? -1 : 0;
	}
	if (!sqlcur_accept(a, "constraint")) {
		sqlcur_accept(a, "column");
		act->flags |= SQL_F(RENAME_COLUMN);
	}
	if (sqlcur_take_name(a, NULL, &act->name) < 0)
		return -1;
	sqlcur_accept(a, "to");
	return sqlcur_take_name(a, NULL, &act->new_name) < 0 ? -1 : 0;
}

/* MySQL: MODIFY [COLUMN] c type, CHANGE [COLUMN] old new type. */
static int
read_action_mysql(struct sqlcur *a, struct sql_action *act, bool change)
{
	sqlcur_accept(a, "column");
	act->flags |= SQL_F(ALTER_COLUMN_TYPE);
	if (sqlcur_take_name(a, NULL, &act->name) < 0)
		return -1;
	if (change && sqlcur_take_name(a, NULL, &act->new_name) < 0)
		return -1;
	if (act->name && act->new_name && strcmp(act->name, act->new_name) != 0)
		act->flags |= SQL_F(RENAME_COLUMN);
	return 0;
}

static int
read_action(struct sqlcur *a, struct sql_action *act)
{
	if (sqlcur_accept(a, "add"))
		return read_action_add(a, act);
	if (sqlcur_accept(a, "drop")) {
		if (sqlcur_accept(a, "constraint") || sqlcur_accept2(a, "primary", "key") ||
		    sqlcur_accept2(a, "foreign", "key") || sqlcur_accept(a, "index") || sqlcur_accept(a, "key") ||
		    sqlcur_accept(a, "check")) {
			act->flags |= SQL_F(DROP_CONSTRAINT);
		} else {
			sqlcur_accept(a, "column");
			act->flags |= SQL_F(DROP_COLUMN);
		}
		sqlcur_accept_if_exists(a, &act->flags);
		if (sqlcur_take_name(a, NULL, &act->name) < 0)
			return -1;
		return scan_definition(a, act, false);
	}
	if (sqlcur_accept(a, "alter"))
		return read_action_alter(a, act);
	if (sqlcur_accept(a, "rename"))
		return read_action_rename(a, act);
	if (sqlcur_accept(a, "validate")) {
		sqlcur_accept(a, "constraint");
		act->flags |= SQL_F(VALIDATE_CONSTRAINT);
		return sqlcur_take_name(a, NULL, &act->name) < 0 ? -1 : 0;
	}
	if (sqlcur_accept(a, "modify") || sqlcur_accept(a, "change"))
		return read_action_mysql(a, act, sqlcur_tok_word_eq(a->s, &a->t[a->i - 1], "change"));
	return 0;
}

int
sqlalter_add_action(struct sqlcur *c, struct sql_stmt *st, size_t *cap, size_t start, size_t end)
{
	struct sqlcur a = { c->s, c->t, start, end, 0 };
	struct sql_action *act;

	if (mr_grow(&st->actions, cap, st->n_actions + 1, sizeof(*st->actions)) < 0)
		return -1;
	act = &st->actions[st->n_actions++];
	memset(act, 0, sizeof(*act));
	act->offset = c->t[start].off;
	act->length = c->t[end - 1].off + c->t[end - 1].len - act->offset;
	if (read_action(&a, act) < 0)
		return -1;
	st->flags |= act->flags;
	if (act->name && strvec_push(&st->objects, act->name) < 0)
		return -1;
	if ((act->flags & SQL_F(RENAME_TABLE)) && act->new_name && !st->new_name &&
	    !(st->new_name = mr_strdup(act->new_name)))
		return -1;
	return 0;
}

/*
 * Keyword-level SQL scanning: a statement splitter over sqllex.c's tokens,
 * and one small reader per statement verb.  The input
 * is arbitrary text from a migration, so every loop advances through the
 * input or the token array, and nothing recurses.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "migreview/sqltok.h"
#include "sqlcur.h"

struct scanner {
	const char *s;
	size_t len, pos;
	struct tok *toks;       /* the current statement's tokens */
	size_t n, cap;
};

static const char *const kind_names[] = {
#define SQL_KIND_NAME(id, name) name,
	SQL_KINDS(SQL_KIND_NAME)
#undef SQL_KIND_NAME
};

static const char *const flag_names[] = {
#define SQL_FLAG_NAME(id, name) name,
	SQL_FLAGS(SQL_FLAG_NAME)
#undef SQL_FLAG_NAME
};

const char *
sql_kind_name(enum sql_kind k)
{
	return (size_t)k < MR_ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

const char *
sql_flag_name(enum sql_flag f)
{
	return (size_t)f < MR_ARRAY_SIZE(flag_names) ? flag_names[f] : "?";
}

/* ---- statement readers ---- */

/* Numbers in the id columns of INSERT ... VALUES rows, the rows starting at c->i. */
static int
scan_insert_values(struct sqlcur *c, struct sql_stmt *st, size_t *id_cap)
{
	while (sqlcur_is_type(c, c->i, TK_LPAREN)) {
		size_t end = sqlcur_skip_group(c, c->i), col = 0, depth = 0;
		size_t start = c->i + 1;

		for (size_t i = c->i + 1; i < end; i++) {
			enum tok_type type = c->t[i].type;

			if (type == TK_LPAREN) {
				depth++;
			} else if (type == TK_RPAREN && depth) {
				depth--;
			} else if (type == TK_COMMA || type == TK_RPAREN) {
				size_t v = start;

				if (v < i && (sqlcur_is_op(c, v, "-") || sqlcur_is_op(c, v, "+")))
					v++;
				if (col < st->columns.n && sql_is_id_column(st->columns.v[col]) &&
				    sqlcur_is_type(c, v, TK_NUMBER) && (v + 1 == i || sqlcur_is_op(c, v + 1, "::")) &&
				    sqlcur_add_id(st, id_cap, c, v, st->columns.v[col]) < 0)
					return -1;
				col++;
				start = i + 1;
			}
		}
		c->i = end;
		if (!sqlcur_is_type(c, c->i, TK_COMMA))
			break;
		c->i++;
	}
	return 0;
}

static int
read_insert(struct sqlcur *c, struct sql_stmt *st)
{
	char *alias, *schema;

	st->kind = SQL_INSERT;
	if (sqlcur_accept(c, "or"))            /* SQLite: INSERT OR REPLACE */
		c->i++;
	while (sqlcur_accept(c, "ignore") || sqlcur_accept(c, "low_priority") ||
	       sqlcur_accept(c, "high_priority") || sqlcur_accept(c, "delayed"))
		;
	sqlcur_accept(c, "into");
	if (sqlcur_push_name(c, st, &st->tables) < 0)
		return -1;
	if (sqlcur_accept(c, "as")) {
		if (sqlcur_take_name(c, &schema, &alias) < 0)
			return -1;
		free(alias);
		free(schema);
	}
	if (sqlcur_take_column_list(c, &st->columns) < 0)
		return -1;
	if (sqlcur_accept(c, "overriding"))
		while (c->i < c->n && !sqlcur_accept(c, "value"))
			c->i++;
	if (sqlcur_accept(c, "values"))
		c->values = c->i;
	return 0;
}

static int
read_update(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_UPDATE;
	while (sqlcur_accept(c, "low_priority") || sqlcur_accept(c, "ignore") || sqlcur_accept(c, "only"))
		;
	/* SQLite's UPDATE OR IGNORE / REPLACE / ROLLBACK / ABORT / FAIL */
	if (sqlcur_accept(c, "or"))
		(void)(sqlcur_accept(c, "ignore") || sqlcur_accept(c, "replace") ||
		       sqlcur_accept(c, "rollback") || sqlcur_accept(c, "abort") ||
		       sqlcur_accept(c, "fail"));
	return sqlcur_push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_delete(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_DELETE;
	while (sqlcur_accept(c, "low_priority") || sqlcur_accept(c, "quick") || sqlcur_accept(c, "ignore"))
		;
	sqlcur_accept(c, "from");
	sqlcur_accept(c, "only");
	return sqlcur_push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_truncate(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_TRUNCATE;
	sqlcur_accept(c, "table");
	return sqlcur_push_name_list(c, st, &st->tables);
}

/* Object kinds of CREATE / DROP that are followed directly by the object's name. */
static const char *const other_objects[] = {
	"view", "sequence", "extension", "schema", "function", "procedure", "trigger",
	"domain", "role", "user", "aggregate", "collation", "conversion", "database",
	"language", "policy", "publication", "rule", "server", "statistics",
	"subscription", "tablespace", "operator", "group",
};

static const char *const object_modifiers[] = {
	"global", "local", "temp", "temporary", "unlogged", "materialized", "recursive",
	"constraint", "event", "foreign", "trusted", "procedural",
};

static bool
accept_any(struct sqlcur *c, const char *const *words, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (sqlcur_accept(c, words[k]))
			return true;
	return false;
}

static int
read_create_index(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_CREATE_INDEX;
	if (sqlcur_accept(c, "unique"))
		st->flags |= SQL_F(UNIQUE_INDEX);
	sqlcur_accept(c, "index");
	if (sqlcur_accept(c, "concurrently"))
		st->flags |= SQL_F(CONCURRENTLY);
	sqlcur_accept_if_not_exists(c, &st->flags);
	/* the name is optional: CREATE INDEX ON t (c) */
	if (!sqlcur_is_word(c, c->i, "on") && sqlcur_push_name(c, st, &st->objects) < 0)
		return -1;
	free(st->schema);       /* the table's schema is the one that matters */
	st->schema = NULL;
	if (!sqlcur_accept(c, "on"))
		return 0;
	sqlcur_accept(c, "only");
	if (sqlcur_push_name(c, st, &st->tables) < 0)
		return -1;
	if (sqlcur_accept(c, "using"))
		c->i++;
	return sqlcur_take_column_list(c, &st->columns);
}

static int
read_create_type(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_CREATE_TYPE;
	if (sqlcur_push_name(c, st, &st->objects) < 0)
		return -1;
	if (!sqlcur_accept2(c, "as", "enum"))
		return 0;
	st->flags |= SQL_F(ENUM);
	if (sqlcur_is_type(c, c->i, TK_LPAREN)) {
		size_t end = sqlcur_skip_group(c, c->i);

		for (size_t i = c->i + 1; i < end; i++)
			if (sqlcur_push_label(c, i, &st->labels) < 0)
				return -1;
	}
	return 0;
}

/* CREATE TRIGGER name {BEFORE | AFTER | INSTEAD OF} event [OR ...] ON table ... */
static int
read_create_trigger(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_CREATE_TRIGGER;
	sqlcur_accept_if_not_exists(c, &st->flags);     /* SQLite, MySQL */
	if (sqlcur_push_name(c, st, &st->objects) < 0)
		return -1;
	free(st->schema);       /* the table's schema is the one that matters */
	st->schema = NULL;
	while (c->i < c->n && !sqlcur_is_word(c, c->i, "on"))
		c->i++;
	return sqlcur_accept(c, "on") && sqlcur_push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_create(struct sqlcur *c, struct sql_stmt *st)
{
	if (sqlcur_accept2(c, "or", "replace"))
		st->flags |= SQL_F(OR_REPLACE);
	while (accept_any(c, object_modifiers, MR_ARRAY_SIZE(object_modifiers)))
		if (sqlcur_tok_word_eq(c->s, &c->t[c->i - 1], "temp") ||
		    sqlcur_tok_word_eq(c->s, &c->t[c->i - 1], "temporary"))
			st->flags |= SQL_F(TEMPORARY);
	if (sqlcur_accept(c, "trigger"))
		return read_create_trigger(c, st);
	if (sqlcur_accept(c, "table")) {
		st->kind = SQL_CREATE_TABLE;
		sqlcur_accept_if_not_exists(c, &st->flags);
		return sqlcur_push_name(c, st, &st->tables) < 0 ? -1 : 0;
	}
	if (sqlcur_is_word(c, c->i, "unique") || sqlcur_is_word(c, c->i, "index"))
		return read_create_index(c, st);
	if (sqlcur_accept(c, "type"))
		return read_create_type(c, st);
	st->kind = SQL_CREATE_OTHER;
	if (!accept_any(c, other_objects, MR_ARRAY_SIZE(other_objects)))
		return 0;
	sqlcur_accept_if_not_exists(c, &st->flags);
	return sqlcur_push_name(c, st, &st->objects) < 0 ? -1 : 0;
}

static int
read_drop(struct sqlcur *c, struct sql_stmt *st)
{
	struct strvec *names = &st->objects;

	while (accept_any(c, object_modifiers, MR_ARRAY_SIZE(object_modifiers)))
		;
	if (sqlcur_accept(c, "table")) {
		st->kind = SQL_DROP_TABLE;
		names = &st->tables;
	} else if (sqlcur_accept(c, "index")) {
		st->kind = SQL_DROP_INDEX;
		if (sqlcur_accept(c, "concurrently"))
			st->flags |= SQL_F(CONCURRENTLY);
	} else if (sqlcur_accept(c, "type")) {
		st->kind = SQL_DROP_TYPE;
	} else {
		st->kind = SQL_DROP_OTHER;
		if (!accept_any(c, other_objects, MR_ARRAY_SIZE(other_objects)))
			return 0;
	}
	sqlcur_accept_if_exists(c, &st->flags);
	if (sqlcur_push_name_list(c, st, names) < 0)
		return -1;
	/* MySQL: DROP INDEX ix ON t */
	if (st->kind == SQL_DROP_INDEX && sqlcur_accept(c, "on") &&
	    sqlcur_push_name(c, st, &st->tables) < 0)
		return -1;
	return 0;
}

static int
read_alter_table(struct sqlcur *c, struct sql_stmt *st)
{
	size_t cap = 0;

	st->kind = SQL_ALTER_TABLE;
	sqlcur_accept_if_exists(c, &st->flags);
	sqlcur_accept(c, "only");
	if (sqlcur_push_name(c, st, &st->tables) < 0)
		return -1;
	if (sqlcur_is_op(c, c->i, "*"))
		c->i++;
	/* actions are separated by commas outside parentheses */
	while (c->i < c->n) {
		size_t start = c->i, depth = 0;

		while (c->i < c->n && !(depth == 0 && c->t[c->i].type == TK_COMMA)) {
			depth += c->t[c->i].type == TK_LPAREN;
			depth -= c->t[c->i].type == TK_RPAREN && depth;
			c->i++;
		}
		if (c->i > start && sqlalter_add_action(c, st, &cap, start, c->i) < 0)
			return -1;
		c->i++;
	}
	return 0;
}

static int
read_alter_type(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_ALTER_TYPE;
	if (sqlcur_push_name(c, st, &st->objects) < 0)
		return -1;
	if (sqlcur_accept2(c, "add", "value")) {
		st->flags |= SQL_F(ADD_VALUE);
		sqlcur_accept_if_not_exists(c, &st->flags);
		return sqlcur_push_label(c, c->i, &st->labels);
	}
	if (sqlcur_accept2(c, "rename", "value")) {
		st->flags |= SQL_F(RENAME_VALUE);
		if (sqlcur_push_label(c, c->i++, &st->labels) < 0)
			return -1;
		sqlcur_accept(c, "to");
		return sqlcur_push_label(c, c->i, &st->labels);
	}
	if (sqlcur_accept2(c, "rename", "to"))
		return sqlcur_take_name(c, NULL, &st->new_name) < 0 ? -1 : 0;
	return 0;
}

static int
read_alter(struct sqlcur *c, struct sql_stmt *st)
{
	if (sqlcur_accept(c, "table"))
		return read_alter_table(c, st);
	if (sqlcur_accept(c, "type"))
		return read_alter_type(c, st);
	return 0;
}

/* Does the value at i turn the timeout off (0, '0', '0ms', DEFAULT)? */
static bool
is_zero_setting(const struct sqlcur *c, size_t i)
{
	const struct tok *t = &c->t[i];
	size_t start = sqlcur_is_type(c, i, TK_NUMBER) ? t->off : t->body;
	size_t n = sqlcur_is_type(c, i, TK_NUMBER) ? t->len : t->body_len, k = 0;

	if (sqlcur_is_word(c, i, "default"))
		return true;
	if (!sqlcur_is_type(c, i, TK_NUMBER) && !sqlcur_is_string(c, i))
		return false;
	while (k < n && (c->s[start + k] == '0' || c->s[start + k] == '.'))
		k++;
	if (k == 0)
		return false;
	while (k < n && sqllex_is_ident_start((unsigned char)c->s[start + k]))
		k++;
	return k == n;
}

/* The flag a SET of this parameter earns, with the value at i. */
static uint64_t
timeout_flag(const char *param, const struct sqlcur *c, size_t i)
{
	static const struct { const char *name; uint64_t flag; } params[] = {
		{ "lock_timeout", SQL_F(LOCK_TIMEOUT) },
		{ "lock_wait_timeout", SQL_F(LOCK_TIMEOUT) },           /* MySQL */
		{ "statement_timeout", SQL_F(STATEMENT_TIMEOUT) },
		{ "max_execution_time", SQL_F(STATEMENT_TIMEOUT) },     /* MySQL */
	};

	if (i >= c->n || is_zero_setting(c, i))
		return 0;
	for (size_t k = 0; k < MR_ARRAY_SIZE(params); k++)
		if (!strcmp(param, params[k].name))
			return params[k].flag;
	return 0;
}

static int
read_set(struct sqlcur *c, struct sql_stmt *st)
{
	char *schema, *name;
	int rc;

	st->kind = SQL_SET;
	if (sqlcur_accept(c, "local"))
		st->flags |= SQL_F(LOCAL);
	else
		sqlcur_accept(c, "session");
	/* a custom parameter is dotted (app.tenant) but has no schema */
	if ((rc = sqlcur_take_name(c, &schema, &name)) <= 0)
		return rc;
	if (schema) {
		char *full = mr_printf("%s.%s", schema, name);

		free(name);
		name = full;
	}
	free(schema);
	if (strvec_push_owned(&st->objects, name) < 0)
		return -1;
	if (sqlcur_is_op(c, c->i, "=") || sqlcur_is_word(c, c->i, "to"))
		c->i++;
	st->flags |= timeout_flag(st->objects.v[0], c, c->i);
	return 0;
}

/* The words of a lock mode at [start, end), folded and joined by single spaces. */
static char *
lock_mode(const struct sqlcur *c, size_t start, size_t end)
{
	size_t n = 0;
	char *mode, *o;

	for (size_t i = start; i < end; i++)
		n += c->t[i].len + 1;
	if (!(mode = o = malloc(n + 1)))
		return NULL;
	for (size_t i = start; i < end; i++) {
		for (size_t k = 0; k < c->t[i].len; k++)
			*o++ = sqllex_lower(c->s[c->t[i].off + k]);
		*o++ = ' ';
	}
	o[o > mode ? -1 : 0] = '\0';
	return mode;
}

static int
read_lock(struct sqlcur *c, struct sql_stmt *st)
{
	bool mysql = sqlcur_accept(c, "tables");
	char *mode = NULL;

	st->kind = SQL_LOCK;
	sqlcur_accept(c, "table");
	for (;;) {
		sqlcur_accept(c, "only");
		if (sqlcur_push_name(c, st, &st->tables) < 0)
			return -1;
		/* skip MySQL's alias and READ/WRITE, PostgreSQL's '*' */
		while (c->i < c->n && !sqlcur_is_type(c, c->i, TK_COMMA) && !sqlcur_is_word(c, c->i, "in"))
			c->i++;
		if (!sqlcur_is_type(c, c->i, TK_COMMA))
			break;
		c->i++;
	}
	if (sqlcur_accept(c, "in")) {
		size_t start = c->i;

		while (c->i < c->n && sqlcur_is_type(c, c->i, TK_WORD) && !sqlcur_is_word(c, c->i, "mode"))
			c->i++;
		mode = lock_mode(c, start, c->i);
	} else if (!mysql) {
		mode = mr_strdup("access exclusive");   /* PostgreSQL's default */
	} else {
		return 0;
	}
	if (!mode)
		return -1;
	if (!strcmp(mode, "access exclusive"))
		st->flags |= SQL_F(ACCESS_EXCLUSIVE);
	return strvec_push_owned(&st->objects, mode);
}

static int
read_reindex(struct sqlcur *c, struct sql_stmt *st)
{
	bool table;

	st->kind = SQL_REINDEX;
	if (sqlcur_is_type(c, c->i, TK_LPAREN))
		c->i = sqlcur_skip_group(c, c->i);
	table = sqlcur_is_word(c, c->i, "table");
	c->i++;                 /* INDEX, TABLE, SCHEMA, DATABASE, SYSTEM */
	if (sqlcur_accept(c, "concurrently"))
		st->flags |= SQL_F(CONCURRENTLY);
	return sqlcur_push_name(c, st, table ? &st->tables : &st->objects) < 0 ? -1 : 0;
}

static int
read_cluster(struct sqlcur *c, struct sql_stmt *st)
{
	st->kind = SQL_CLUSTER;
	sqlcur_accept(c, "verbose");
	return sqlcur_push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_refresh(struct sqlcur *c, struct sql_stmt *st)
{
	if (!sqlcur_accept2(c, "materialized", "view"))
		return 0;
	st->kind = SQL_REFRESH;
	if (sqlcur_accept(c, "concurrently"))
		st->flags |= SQL_F(CONCURRENTLY);
	return sqlcur_push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_transaction(struct sqlcur *c, struct sql_stmt *st)
{
	const struct tok *verb = &c->t[c->i - 1];

	if (sqlcur_tok_word_eq(c->s, verb, "begin"))
		st->kind = SQL_BEGIN;
	else if (sqlcur_tok_word_eq(c->s, verb, "start"))
		st->kind = sqlcur_is_word(c, c->i, "transaction") ? SQL_BEGIN : SQL_OTHER;
	else if (sqlcur_tok_word_eq(c->s, verb, "commit") || sqlcur_tok_word_eq(c->s, verb, "end"))
		st->kind = SQL_COMMIT;
	else
		st->kind = SQL_ROLLBACK;
	return 0;
}

static int
read_select(struct sqlcur *c, struct sql_stmt *st)
{
	(void)c;
	st->kind = SQL_SELECT;
	return 0;
}

/* ---- statement-wide passes ---- */

/* Sets WHERE and CASCADE (outside parentheses) and set_config() timeouts. */
static void
scan_clauses(const struct sqlcur *c, struct sql_stmt *st)
{
	bool drops = st->kind == SQL_TRUNCATE || st->kind == SQL_DROP_TABLE ||
		     st->kind == SQL_DROP_INDEX || st->kind == SQL_DROP_TYPE ||
		     st->kind == SQL_DROP_OTHER;
	size_t depth = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (c->t[i].type == TK_LPAREN)
			depth++;
		else if (c->t[i].type == TK_RPAREN && depth)
			depth--;
		else if (depth == 0 && sqlcur_is_word(c, i, "where"))
			st->flags |= SQL_F(WHERE);
		else if (depth == 0 && drops && sqlcur_is_cascade(c, i))
			st->flags |= SQL_F(CASCADE);
		if (sqlcur_is_word(c, i, "set_config") && sqlcur_is_type(c, i + 1, TK_LPAREN) &&
		    sqlcur_is_string(c, i + 2) && sqlcur_is_type(c, i + 3, TK_COMMA)) {
			const struct tok *p = &c->t[i + 2];
			char param[24] = "";

			if (p->body_len < sizeof(param))
				for (size_t k = 0; k < p->body_len; k++)
					param[k] = sqllex_lower(c->s[p->body + k]);
			st->flags |= timeout_flag(param, c, i + 4);
		}
	}
}

static bool
is_comparison(const struct sqlcur *c, size_t i)
{
	return sqlcur_is_op(c, i, "=") || sqlcur_is_op(c, i, "<>") || sqlcur_is_op(c, i, "!=");
}

/* Kinds whose comparisons pick rows; in DDL they are constraints and predicates. */
static bool
picks_rows(enum sql_kind k)
{
	return k == SQL_SELECT || k == SQL_INSERT || k == SQL_UPDATE || k == SQL_DELETE ||
	       k == SQL_OTHER;
}

/* A literal at i: [sign] number, or a UUID string.  Returns its token or n. */
static size_t
id_literal(const struct sqlcur *c, size_t i)
{
	if (sqlcur_is_op(c, i, "-") || sqlcur_is_op(c, i, "+"))
		i++;
	if (sqlcur_is_type(c, i, TK_NUMBER))
		return i;
	return sqlcur_is_uuid_token(c, i) ? i : c->n;
}

/* col = 42, col <> '…uuid…', col [NOT] IN (1, 2) at i; returns where scanning resumes. */
static size_t
scan_id_comparison(const struct sqlcur *c, size_t i, struct sql_stmt *st, size_t *cap, int *rc)
{
	char *col = sqlcur_ident_text(c->s, &c->t[i]);
	size_t k = i + 1, lit;

	if (!col) {
		*rc = -1;
		return c->n;
	}
	if (is_comparison(c, k)) {
		if ((lit = id_literal(c, k + 1)) < c->n) {
			*rc = sqlcur_add_id(st, cap, c, lit, col);
			k = lit;
		}
	} else if (sqlcur_is_word(c, k, "in") ||
		   (sqlcur_is_word(c, k, "not") && sqlcur_is_word(c, k + 1, "in"))) {
		k += sqlcur_is_word(c, k, "in") ? 1 : 2;
		if (sqlcur_is_type(c, k, TK_LPAREN)) {
			size_t end = sqlcur_skip_group(c, k);

			for (size_t j = k + 1; j < end && *rc == 0; j++)
				if ((sqlcur_is_type(c, j - 1, TK_LPAREN) || sqlcur_is_type(c, j - 1, TK_COMMA)) &&
				    (lit = id_literal(c, j)) < c->n &&
				    (sqlcur_is_type(c, lit + 1, TK_COMMA) || sqlcur_is_type(c, lit + 1, TK_RPAREN)))
					*rc = sqlcur_add_id(st, cap, c, lit, col);
			k = end - 1;
		}
	} else {
		k = i;
	}
	free(col);
	return k + 1;
}

/*
 * Literal row ids: UUID strings anywhere; in statements that pick rows,
 * numbers compared with an id column and numbers in an INSERT's id columns.
 */
static int
scan_ids(const struct sqlcur *c, struct sql_stmt *st)
{
	bool numbers = picks_rows(st->kind);
	size_t cap = 0;
	int rc = 0;

	if (c->values) {
		struct sqlcur rows = *c;

		rows.i = c->values;
		rc = scan_insert_values(&rows, st, &cap);
	}
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		if (sqlcur_tok_is_id_column(c, i) && (numbers || sqlcur_is_uuid_token(c, i + 2))) {
			i = scan_id_comparison(c, i, st, &cap, &rc) - 1;
		} else if (sqlcur_is_uuid_token(c, i)) {
			rc = sqlcur_add_id(st, &cap, c, i, NULL);
		} else if (numbers && sqlcur_is_type(c, i, TK_NUMBER) && is_comparison(c, i + 1) &&
			   (i == 0 || !is_comparison(c, i - 1))) {
			/* 42 = o.id: the name after the operator, qualified or not */
			size_t j = i + 2;

			while (sqlcur_is_name(c, j) && sqlcur_is_type(c, j + 1, TK_DOT))
				j += 2;
			if (sqlcur_tok_is_id_column(c, j)) {
				char *col = sqlcur_ident_text(c->s, &c->t[j]);

				rc = col ? sqlcur_add_id(st, &cap, c, i, col) : -1;
				free(col);
			}
		}
	}
	return rc;
}

static int
id_cmp(const void *a, const void *b)
{
	const struct sql_id *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return (x->column == NULL) - (y->column == NULL);
}

static void
free_id(struct sql_id *id)
{
	free(id->text);
	free(id->column);
}

/* Puts ids in text order and drops a literal found twice, keeping the one with a column. */
static void
sort_ids(struct sql_stmt *st)
{
	size_t o = 0;

	if (st->n_ids < 2)
		return;
	qsort(st->ids, st->n_ids, sizeof(*st->ids), id_cmp);
	for (size_t i = 0; i < st->n_ids; i++) {
		if (o && st->ids[o - 1].offset == st->ids[i].offset)
			free_id(&st->ids[i]);
		else
			st->ids[o++] = st->ids[i];
	}
	st->n_ids = o;
}

/* ---- statements ---- */

static const struct {
	const char *verb;
	int (*read)(struct sqlcur *c, struct sql_stmt *st);
} readers[] = {
	{ "select", read_select }, { "values", read_select }, { "table", read_select },
	{ "insert", read_insert }, { "update", read_update }, { "delete", read_delete },
	{ "truncate", read_truncate },
	{ "create", read_create }, { "drop", read_drop }, { "alter", read_alter },
	{ "set", read_set }, { "lock", read_lock }, { "reindex", read_reindex },
	{ "cluster", read_cluster }, { "refresh", read_refresh },
	{ "begin", read_transaction }, { "start", read_transaction },
	{ "commit", read_transaction }, { "end", read_transaction },
	{ "rollback", read_transaction }, { "abort", read_transaction },
};

/* INSERT ... SELECT and CREATE TABLE ... AS: the tables its rows come from. */
static int
scan_sources(const struct sqlcur *c, struct sql_stmt *st)
{
	if (st->kind != SQL_INSERT && st->kind != SQL_CREATE_TABLE)
		return 0;
	for (size_t i = 0; i + 1 < c->n; i++) {
		struct sqlcur at = *c;
		char *name;
		int rc;

		if (!sqlcur_is_word(c, i, "from") && !sqlcur_is_word(c, i, "join") &&
		    !(i > 0 && sqlcur_is_word(c, i, "table") && sqlcur_is_word(c, i - 1, "as")))
			continue;
		at.i = i + 1;
		if ((rc = sqlcur_take_name(&at, NULL, &name)) < 0)
			return -1;
		if (rc > 0 && strvec_push_owned(&st->sources, name) < 0)
			return -1;
	}
	return 0;
}

/* After WITH ..., the first verb outside the common table expressions. */
static size_t
skip_with(const struct sqlcur *c)
{
	static const char *const verbs[] = { "select", "insert", "update", "delete", "merge",
					     "values", "table" };
	size_t depth = 0;

	for (size_t i = 1; i < c->n; i++) {
		if (c->t[i].type == TK_LPAREN)
			depth++;
		else if (c->t[i].type == TK_RPAREN && depth)
			depth--;
		else if (depth == 0)
			for (size_t k = 0; k < MR_ARRAY_SIZE(verbs); k++)
				if (sqlcur_is_word(c, i, verbs[k]))
					return i;
	}
	return c->n;
}

static int
read_statement(const struct scanner *sc, struct sql_stmt *st)
{
	struct sqlcur c = { sc->s, sc->toks, 0, sc->n, 0 };
	const struct tok *last = &sc->toks[sc->n - 1];
	int rc = 0;

	st->offset = sc->toks[0].off;
	st->length = last->off + last->len - st->offset;
	if (sqlcur_is_word(&c, 0, "with"))
		c.i = skip_with(&c);
	for (size_t k = 0; k < MR_ARRAY_SIZE(readers) && c.i < c.n; k++)
		if (sqlcur_is_word(&c, c.i, readers[k].verb)) {
			c.i++;
			rc = readers[k].read(&c, st);
			break;
		}
	if (rc < 0)
		return -1;
	scan_clauses(&c, st);
	if (scan_ids(&c, st) < 0 || scan_sources(&c, st) < 0)
		return -1;
	sort_ids(st);
	st->table = st->tables.n ? st->tables.v[0] : NULL;
	st->object = st->objects.n ? st->objects.v[0] : NULL;
	return 0;
}

static void
free_statement(struct sql_stmt *st)
{
	free(st->schema);
	free(st->new_name);
	strvec_free(&st->tables);
	strvec_free(&st->objects);
	strvec_free(&st->columns);
	strvec_free(&st->labels);
	strvec_free(&st->sources);
	for (size_t i = 0; i < st->n_actions; i++) {
		free(st->actions[i].name);
		free(st->actions[i].new_name);
		free(st->actions[i].ref_table);
		strvec_free(&st->actions[i].columns);
	}
	free(st->actions);
	for (size_t i = 0; i < st->n_ids; i++)
		free_id(&st->ids[i]);
	free(st->ids);
}

void
sql_script_free(struct sql_script *s)
{
	for (size_t i = 0; i < s->n; i++)
		free_statement(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/*
 * psql's rule for CREATE FUNCTION / PROCEDURE with a SQL-standard body:
 * semicolons between BEGIN [ATOMIC] and its END do not end the statement.
 * The same holds for the BEGIN ... END body of a SQLite or MySQL trigger.
 */
struct routine_depth {
	size_t words, depth;
	bool routine;
	bool create, decided;
	bool end_seen;          /* the last word was an END inside the body */
};

/* Words between CREATE and the kind of object. */
static bool
routine_modifier(const char *s, const struct tok *t)
{
	static const char *const words[] = { "or", "replace", "temp", "temporary", "constraint" };

	for (size_t i = 0; i < MR_ARRAY_SIZE(words); i++)
		if (sqlcur_tok_word_eq(s, t, words[i]))
			return true;
	return false;
}

static void
routine_track(struct routine_depth *r, const char *s, const struct tok *t)
{
	size_t w = r->words++;

	if (w == 0) {
		r->create = sqlcur_tok_word_eq(s, t, "create");
		r->decided = !r->create;
	} else if (!r->decided && !routine_modifier(s, t)) {
		/* SQLite's and MySQL's triggers have BEGIN ... END bodies too */
		r->routine = sqlcur_tok_word_eq(s, t, "function") ||
			     sqlcur_tok_word_eq(s, t, "procedure") ||
			     sqlcur_tok_word_eq(s, t, "trigger");
		r->decided = true;
	}
	if (!r->routine)
		return;
	if (sqlcur_tok_word_eq(s, t, "begin") || (r->depth && sqlcur_tok_word_eq(s, t, "case")))
		r->depth++;
	else if (r->depth && sqlcur_tok_word_eq(s, t, "end"))
		r->end_seen = true;
}

/*
 * Settles an END with the token after it: END IF, END LOOP, END WHILE and
 * END REPEAT (MySQL's compound statements) close no BEGIN, END CASE closes
 * its CASE, any other END its BEGIN or CASE.  True when t is the word that
 * completes the END, for routine_track() not to count it again.
 */
static bool
routine_settle(struct routine_depth *r, const char *s, const struct tok *t)
{
	static const char *const blocks[] = { "if", "loop", "while", "repeat" };

	if (!r->end_seen)
		return false;
	r->end_seen = false;
	for (size_t i = 0; i < MR_ARRAY_SIZE(blocks); i++)
		if (sqlcur_tok_word_eq(s, t, blocks[i]))
			return true;
	r->depth--;
	return sqlcur_tok_word_eq(s, t, "case");
}

/* Collects the next statement's tokens; 1 if input remains, 0 at its end, -1 OOM. */
static int
collect(struct scanner *sc)
{
	struct routine_depth r = { 0 };
	struct tok t;

	sc->n = 0;
	while (sqllex_next(sc->s, sc->len, &sc->pos, &t)) {
		bool settled = routine_settle(&r, sc->s, &t);

		if (t.type == TK_SEMI && r.depth == 0)
			return 1;
		if (mr_grow(&sc->toks, &sc->cap, sc->n + 1, sizeof(*sc->toks)) < 0)
			return -1;
		sc->toks[sc->n++] = t;
		if (t.type == TK_WORD && !settled)
			routine_track(&r, sc->s, &t);
	}
	return 0;
}

int
sql_scan(const char *sql, size_t len, struct sql_script *out, struct mr_error *err)
{
	struct scanner sc = { .s = sql, .len = sql ? len : 0 };
	size_t cap = 0;
	int more;

	out->v = NULL;
	out->n = 0;
	do {
		more = collect(&sc);
		if (more < 0)
			break;
		if (sc.n == 0)
			continue;
		if (mr_grow(&out->v, &cap, out->n + 1, sizeof(*out->v)) < 0) {
			more = -1;
			break;
		}
		memset(&out->v[out->n], 0, sizeof(*out->v));
		if (read_statement(&sc, &out->v[out->n++]) < 0) {
			more = -1;
			break;
		}
	} while (more > 0);
	free(sc.toks);
	if (more < 0) {
		sql_script_free(out);
		return mr_error_oom(err);
	}
	return 0;
}

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
#include "sqllex.h"

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

/* ---- token helpers ---- */

/* A cursor over tokens [i, n) of the current statement. */
struct cur {
	const char *s;
	const struct tok *t;
	size_t i, n;
	size_t values;          /* INSERT: the token after VALUES, for the id pass; or 0 */
};

static bool
tok_word_eq(const char *s, const struct tok *t, const char *kw)
{
	size_t k = strlen(kw);

	if (t->type != TK_WORD || t->len != k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (sqllex_lower(s[t->off + i]) != kw[i])
			return false;
	return true;
}

static bool
is_word(const struct cur *c, size_t i, const char *kw)
{
	return i < c->n && tok_word_eq(c->s, &c->t[i], kw);
}

static bool
is_type(const struct cur *c, size_t i, enum tok_type type)
{
	return i < c->n && c->t[i].type == type;
}

static bool
is_op(const struct cur *c, size_t i, const char *op)
{
	return is_type(c, i, TK_OP) && c->t[i].len == strlen(op) &&
	       !memcmp(c->s + c->t[i].off, op, c->t[i].len);
}

static bool
is_name(const struct cur *c, size_t i)
{
	return is_type(c, i, TK_WORD) || is_type(c, i, TK_QIDENT);
}

static bool
is_string(const struct cur *c, size_t i)
{
	return is_type(c, i, TK_STRING) || is_type(c, i, TK_ESTRING);
}

static bool
accept(struct cur *c, const char *kw)
{
	if (!is_word(c, c->i, kw))
		return false;
	c->i++;
	return true;
}

static bool
accept2(struct cur *c, const char *kw1, const char *kw2)
{
	if (!is_word(c, c->i, kw1) || !is_word(c, c->i + 1, kw2))
		return false;
	c->i += 2;
	return true;
}

static void
accept_if_exists(struct cur *c, uint64_t *flags)
{
	if (accept2(c, "if", "exists"))
		*flags |= SQL_F(IF_EXISTS);
}

static void
accept_if_not_exists(struct cur *c, uint64_t *flags)
{
	if (is_word(c, c->i, "if") && is_word(c, c->i + 1, "not") && is_word(c, c->i + 2, "exists")) {
		c->i += 3;
		*flags |= SQL_F(IF_NOT_EXISTS);
	}
}

/* CASCADE as an option of the statement, not ON DELETE CASCADE of a foreign key. */
static bool
is_cascade(const struct cur *c, size_t i)
{
	return is_word(c, i, "cascade") &&
	       !(i > 0 && (is_word(c, i - 1, "delete") || is_word(c, i - 1, "update")));
}

/* Index just past the parenthesised group opening at i (or n when unbalanced). */
static size_t
skip_group(const struct cur *c, size_t i)
{
	size_t depth = 0;

	for (; i < c->n; i++) {
		if (c->t[i].type == TK_LPAREN)
			depth++;
		else if (c->t[i].type == TK_RPAREN && depth && --depth == 0)
			return i + 1;
	}
	return c->n;
}

/* The unquoted text of a word (folded) or quoted identifier (doubled quotes undone). */
static char *
ident_text(const char *s, const struct tok *t)
{
	bool quoted = t->type == TK_QIDENT;
	size_t start = quoted ? t->body : t->off, n = quoted ? t->body_len : t->len, o = 0;
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char ch = s[start + i];

		if (quoted && ch == t->quote && i + 1 < n)
			i++;
		d[o++] = quoted ? ch : sqllex_lower(ch);
	}
	d[o] = '\0';
	return d;
}

/*
 * The value of a string literal.  E'' strings drop the backslash of every
 * escape and keep the escaped byte; \n and friends are not translated, which
 * is enough for labels and comparisons.
 */
static char *
string_text(const char *s, const struct tok *t)
{
	char *d = malloc(t->body_len + 1);
	size_t o = 0;

	if (!d)
		return NULL;
	for (size_t i = 0; i < t->body_len; i++) {
		char ch = s[t->body + i];

		if ((t->type == TK_ESTRING && ch == '\\' && i + 1 < t->body_len) ||
		    (ch == t->quote && i + 1 < t->body_len))
			ch = s[t->body + ++i];
		d[o++] = ch;
	}
	d[o] = '\0';
	return d;
}

static bool
text_is_id_column(const char *s, size_t n)
{
	static const char suffix[] = "_id";

	if (n == 2)
		return sqllex_lower(s[0]) == 'i' && sqllex_lower(s[1]) == 'd';
	if (n < 3)
		return false;
	for (size_t i = 0; i < 3; i++)
		if (sqllex_lower(s[n - 3 + i]) != suffix[i])
			return false;
	return true;
}

bool
sql_is_id_column(const char *name)
{
	return name && text_is_id_column(name, strlen(name));
}

/* Is token i a name (the last part of a qualified one) that is an id column? */
static bool
tok_is_id_column(const struct cur *c, size_t i)
{
	const struct tok *t;

	if (!is_name(c, i) || is_type(c, i + 1, TK_DOT))
		return false;
	t = &c->t[i];
	return t->type == TK_QIDENT ? text_is_id_column(c->s + t->body, t->body_len) :
	       text_is_id_column(c->s + t->off, t->len);
}

static bool
is_uuid_token(const struct cur *c, size_t i)
{
	const struct tok *t;

	if (!is_string(c, i) || c->t[i].body_len != 36)
		return false;
	t = &c->t[i];
	for (size_t k = 0; k < 36; k++) {
		char ch = sqllex_lower(c->s[t->body + k]);
		bool dash = k == 8 || k == 13 || k == 18 || k == 23;

		if (dash ? ch != '-' : !(sqllex_is_digit((unsigned char)ch) || (ch >= 'a' && ch <= 'f')))
			return false;
	}
	return true;
}

/* ---- building the result ---- */

/*
 * Reads name[.name...] at c->i into *name (and the part before the last into
 * *schema).  Returns 1 when there was a name, 0 when not, -1 out of memory.
 */
static int
take_name(struct cur *c, char **schema, char **name)
{
	size_t last, prev = (size_t)-1;

	*name = NULL;
	if (schema)
		*schema = NULL;
	if (!is_name(c, c->i))
		return 0;
	last = c->i++;
	while (is_type(c, c->i, TK_DOT) && is_name(c, c->i + 1)) {
		prev = last;
		last = c->i + 1;
		c->i += 2;
	}
	if (!(*name = ident_text(c->s, &c->t[last])))
		return -1;
	if (schema && prev != (size_t)-1 && !(*schema = ident_text(c->s, &c->t[prev]))) {
		free(*name);
		*name = NULL;
		return -1;
	}
	return 1;
}

/* Reads a name at c->i and adds it to sv; the first one's schema becomes st->schema. */
static int
push_name(struct cur *c, struct sql_stmt *st, struct strvec *sv)
{
	char *schema, *name;
	int rc = take_name(c, &schema, &name);

	if (rc <= 0)
		return rc;
	if (strvec_push_owned(sv, name) < 0) {
		free(schema);
		return -1;
	}
	if (!st->schema && sv->n == 1 && (sv == &st->tables || !st->tables.n))
		st->schema = schema;
	else
		free(schema);
	return 1;
}

/* Reads comma-separated names, as in DROP TABLE a, b. */
static int
push_name_list(struct cur *c, struct sql_stmt *st, struct strvec *sv)
{
	for (;;) {
		int rc;

		accept(c, "only");
		if ((rc = push_name(c, st, sv)) <= 0)
			return rc;
		if (is_op(c, c->i, "*"))
			c->i++;
		if (!is_type(c, c->i, TK_COMMA))
			return 0;
		c->i++;
	}
}

/* Reads (a, b, ...) at c->i into sv: plain names, or an element's text as written. */
static int
take_column_list(struct cur *c, struct strvec *sv)
{
	size_t end;

	if (!is_type(c, c->i, TK_LPAREN))
		return 0;
	end = skip_group(c, c->i);
	for (size_t i = c->i + 1; i < end;) {
		size_t j = i, depth = 0;
		int rc;

		while (j < end && !(depth == 0 && (c->t[j].type == TK_COMMA ||
						   c->t[j].type == TK_RPAREN))) {
			depth += c->t[j].type == TK_LPAREN;
			depth -= c->t[j].type == TK_RPAREN && depth;
			j++;
		}
		if (j > i && is_name(c, i) && !is_type(c, i + 1, TK_LPAREN) &&
		    !is_type(c, i + 1, TK_DOT) && !is_type(c, i + 1, TK_OP))
			rc = strvec_push_owned(sv, ident_text(c->s, &c->t[i]));
		else if (j > i)
			rc = strvec_push_n(sv, c->s + c->t[i].off,
					   c->t[j - 1].off + c->t[j - 1].len - c->t[i].off);
		else
			rc = 0;
		if (rc < 0)
			return -1;
		i = j + 1;
	}
	c->i = end;
	return 0;
}

static int
push_label(const struct cur *c, size_t i, struct strvec *labels)
{
	return is_string(c, i) ? strvec_push_owned(labels, string_text(c->s, &c->t[i])) : 0;
}

static int
add_id(struct sql_stmt *st, size_t *cap, const struct cur *c, size_t i, const char *column)
{
	const struct tok *t = &c->t[i];
	struct sql_id *id;

	if (mr_grow(&st->ids, cap, st->n_ids + 1, sizeof(*st->ids)) < 0)
		return -1;
	id = &st->ids[st->n_ids];
	memset(id, 0, sizeof(*id));
	id->offset = t->off;
	id->length = t->len;
	id->kind = t->type == TK_NUMBER ? SQL_ID_NUMBER : SQL_ID_UUID;
	id->text = t->type == TK_NUMBER ? mr_strndup(c->s + t->off, t->len) :
		   mr_strndup(c->s + t->body, t->body_len);
	id->column = column ? mr_strdup(column) : NULL;
	st->n_ids++;
	if (!id->text || (column && !id->column))
		return -1;
	return 0;
}

/* ---- statement readers ---- */

/* Numbers in the id columns of INSERT ... VALUES rows, the rows starting at c->i. */
static int
scan_insert_values(struct cur *c, struct sql_stmt *st, size_t *id_cap)
{
	while (is_type(c, c->i, TK_LPAREN)) {
		size_t end = skip_group(c, c->i), col = 0, depth = 0;
		size_t start = c->i + 1;

		for (size_t i = c->i + 1; i < end; i++) {
			enum tok_type type = c->t[i].type;

			if (type == TK_LPAREN) {
				depth++;
			} else if (type == TK_RPAREN && depth) {
				depth--;
			} else if (type == TK_COMMA || type == TK_RPAREN) {
				size_t v = start;

				if (v < i && (is_op(c, v, "-") || is_op(c, v, "+")))
					v++;
				if (col < st->columns.n && sql_is_id_column(st->columns.v[col]) &&
				    is_type(c, v, TK_NUMBER) && (v + 1 == i || is_op(c, v + 1, "::")) &&
				    add_id(st, id_cap, c, v, st->columns.v[col]) < 0)
					return -1;
				col++;
				start = i + 1;
			}
		}
		c->i = end;
		if (!is_type(c, c->i, TK_COMMA))
			break;
		c->i++;
	}
	return 0;
}

static int
read_insert(struct cur *c, struct sql_stmt *st)
{
	char *alias, *schema;

	st->kind = SQL_INSERT;
	if (accept(c, "or"))            /* SQLite: INSERT OR REPLACE */
		c->i++;
	while (accept(c, "ignore") || accept(c, "low_priority") || accept(c, "high_priority") ||
	       accept(c, "delayed"))
		;
	accept(c, "into");
	if (push_name(c, st, &st->tables) < 0)
		return -1;
	if (accept(c, "as")) {
		if (take_name(c, &schema, &alias) < 0)
			return -1;
		free(alias);
		free(schema);
	}
	if (take_column_list(c, &st->columns) < 0)
		return -1;
	if (accept(c, "overriding"))
		while (c->i < c->n && !accept(c, "value"))
			c->i++;
	if (accept(c, "values"))
		c->values = c->i;
	return 0;
}

static int
read_update(struct cur *c, struct sql_stmt *st)
{
	st->kind = SQL_UPDATE;
	while (accept(c, "low_priority") || accept(c, "ignore") || accept(c, "only"))
		;
	return push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_delete(struct cur *c, struct sql_stmt *st)
{
	st->kind = SQL_DELETE;
	while (accept(c, "low_priority") || accept(c, "quick") || accept(c, "ignore"))
		;
	accept(c, "from");
	accept(c, "only");
	return push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_truncate(struct cur *c, struct sql_stmt *st)
{
	st->kind = SQL_TRUNCATE;
	accept(c, "table");
	return push_name_list(c, st, &st->tables);
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
accept_any(struct cur *c, const char *const *words, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (accept(c, words[k]))
			return true;
	return false;
}

static int
read_create_index(struct cur *c, struct sql_stmt *st)
{
	st->kind = SQL_CREATE_INDEX;
	if (accept(c, "unique"))
		st->flags |= SQL_F(UNIQUE_INDEX);
	accept(c, "index");
	if (accept(c, "concurrently"))
		st->flags |= SQL_F(CONCURRENTLY);
	accept_if_not_exists(c, &st->flags);
	/* the name is optional: CREATE INDEX ON t (c) */
	if (!is_word(c, c->i, "on") && push_name(c, st, &st->objects) < 0)
		return -1;
	free(st->schema);       /* the table's schema is the one that matters */
	st->schema = NULL;
	if (!accept(c, "on"))
		return 0;
	accept(c, "only");
	if (push_name(c, st, &st->tables) < 0)
		return -1;
	if (accept(c, "using"))
		c->i++;
	return take_column_list(c, &st->columns);
}

static int
read_create_type(struct cur *c, struct sql_stmt *st)
{
	st->kind = SQL_CREATE_TYPE;
	if (push_name(c, st, &st->objects) < 0)
		return -1;
	if (!accept2(c, "as", "enum"))
		return 0;
	st->flags |= SQL_F(ENUM);
	if (is_type(c, c->i, TK_LPAREN)) {
		size_t end = skip_group(c, c->i);

		for (size_t i = c->i + 1; i < end; i++)
			if (push_label(c, i, &st->labels) < 0)
				return -1;
	}
	return 0;
}

static int
read_create(struct cur *c, struct sql_stmt *st)
{
	if (accept2(c, "or", "replace"))
		st->flags |= SQL_F(OR_REPLACE);
	while (accept_any(c, object_modifiers, MR_ARRAY_SIZE(object_modifiers)))
		;
	if (accept(c, "table")) {
		st->kind = SQL_CREATE_TABLE;
		accept_if_not_exists(c, &st->flags);
		return push_name(c, st, &st->tables) < 0 ? -1 : 0;
	}
	if (is_word(c, c->i, "unique") || is_word(c, c->i, "index"))
		return read_create_index(c, st);
	if (accept(c, "type"))
		return read_create_type(c, st);
	st->kind = SQL_CREATE_OTHER;
	if (!accept_any(c, other_objects, MR_ARRAY_SIZE(other_objects)))
		return 0;
	accept_if_not_exists(c, &st->flags);
	return push_name(c, st, &st->objects) < 0 ? -1 : 0;
}

static int
read_drop(struct cur *c, struct sql_stmt *st)
{
	struct strvec *names = &st->objects;

	while (accept_any(c, object_modifiers, MR_ARRAY_SIZE(object_modifiers)))
		;
	if (accept(c, "table")) {
		st->kind = SQL_DROP_TABLE;
		names = &st->tables;
	} else if (accept(c, "index")) {
		st->kind = SQL_DROP_INDEX;
		if (accept(c, "concurrently"))
			st->flags |= SQL_F(CONCURRENTLY);
	} else if (accept(c, "type")) {
		st->kind = SQL_DROP_TYPE;
	} else {
		st->kind = SQL_DROP_OTHER;
		if (!accept_any(c, other_objects, MR_ARRAY_SIZE(other_objects)))
			return 0;
	}
	accept_if_exists(c, &st->flags);
	if (push_name_list(c, st, names) < 0)
		return -1;
	/* MySQL: DROP INDEX ix ON t */
	if (st->kind == SQL_DROP_INDEX && accept(c, "on") && push_name(c, st, &st->tables) < 0)
		return -1;
	return 0;
}

/* Scans an action's tokens at depth 0 for the clauses of a column or constraint. */
static int
scan_definition(struct cur *a, struct sql_action *act, bool column)
{
	for (size_t i = a->i; i < a->n; i++) {
		if (is_type(a, i, TK_LPAREN)) {
			i = skip_group(a, i) - 1;
		} else if (is_word(a, i, "not") && is_word(a, i + 1, "null") && column) {
			act->flags |= SQL_F(NOT_NULL);
		} else if (is_word(a, i, "not") && is_word(a, i + 1, "valid")) {
			act->flags |= SQL_F(NOT_VALID);
		} else if (is_word(a, i, "default") && column) {
			act->flags |= SQL_F(DEFAULT);
		} else if (is_word(a, i, "primary") && is_word(a, i + 1, "key")) {
			act->flags |= SQL_F(PRIMARY_KEY);
		} else if (is_word(a, i, "unique")) {
			act->flags |= SQL_F(UNIQUE);
		} else if (is_word(a, i, "check")) {
			act->flags |= SQL_F(CHECK);
		} else if (is_word(a, i, "using") && is_word(a, i + 1, "index") &&
			   !is_word(a, i + 2, "tablespace")) {
			act->flags |= SQL_F(USING_INDEX);
		} else if (is_word(a, i, "foreign") && is_word(a, i + 1, "key")) {
			act->flags |= SQL_F(FOREIGN_KEY);
			a->i = i + 2;
			if (!act->columns.n && take_column_list(a, &act->columns) < 0)
				return -1;
			i = a->i - 1;
		} else if (is_word(a, i, "references") && !act->ref_table) {
			act->flags |= SQL_F(FOREIGN_KEY);
			if (column && act->name && !act->columns.n &&
			    strvec_push(&act->columns, act->name) < 0)
				return -1;
			a->i = i + 1;
			if (take_name(a, NULL, &act->ref_table) < 0)
				return -1;
			i = a->i - 1;
		} else if (is_cascade(a, i)) {
			act->flags |= SQL_F(CASCADE);
		}
	}
	return 0;
}

static int
read_action_add(struct cur *a, struct sql_action *act)
{
	static const char *const constraint_words[] = {
		"constraint", "primary", "unique", "check", "foreign", "exclude",
	};
	char *index_name = NULL;

	/* MySQL's ADD INDEX / KEY / FULLTEXT / SPATIAL build an index, not a constraint */
	if (is_word(a, a->i, "index") || is_word(a, a->i, "key") ||
	    is_word(a, a->i, "fulltext") || is_word(a, a->i, "spatial"))
		return 0;
	for (size_t k = 0; k < MR_ARRAY_SIZE(constraint_words); k++) {
		if (!is_word(a, a->i, constraint_words[k]))
			continue;
		act->flags |= SQL_F(ADD_CONSTRAINT);
		if (accept(a, "constraint") && take_name(a, NULL, &act->name) < 0)
			return -1;
		if (accept2(a, "primary", "key"))
			act->flags |= SQL_F(PRIMARY_KEY);
		else if (accept(a, "unique"))
			act->flags |= SQL_F(UNIQUE);
		/* MySQL: UNIQUE [INDEX | KEY] [name] (cols) */
		if ((act->flags & SQL_F(UNIQUE)) && (accept(a, "index") || accept(a, "key")) &&
		    !is_type(a, a->i, TK_LPAREN) && take_name(a, NULL, &index_name) < 0)
			return -1;
		free(index_name);
		if ((act->flags & (SQL_F(PRIMARY_KEY) | SQL_F(UNIQUE))) &&
		    take_column_list(a, &act->columns) < 0)
			return -1;
		return scan_definition(a, act, false);
	}
	accept(a, "column");
	act->flags |= SQL_F(ADD_COLUMN);
	accept_if_not_exists(a, &act->flags);
	if (take_name(a, NULL, &act->name) < 0)
		return -1;
	return scan_definition(a, act, true);
}

static int
read_action_alter(struct cur *a, struct sql_action *act)
{
	if (accept(a, "constraint"))
		return take_name(a, NULL, &act->name) < 0 ? -1 : 0;
	accept(a, "column");
	if (take_name(a, NULL, &act->name) < 0)
		return -1;
	if (accept(a, "type") || (accept2(a, "set", "data") && accept(a, "type")))
		act->flags |= SQL_F(ALTER_COLUMN_TYPE);
	else if (accept2(a, "set", "not") && accept(a, "null"))
		act->flags |= SQL_F(SET_NOT_NULL);
	else if (accept2(a, "set", "default"))
		act->flags |= SQL_F(DEFAULT);
	return 0;
}

static int
read_action_rename(struct cur *a, struct sql_action *act)
{
	if (accept(a, "to")) {
		act->flags |= SQL_F(RENAME_TABLE);
		return take_name(a, NULL, &act->new_name) < 0 ? -1 : 0;
	}
	if (!accept(a, "constraint")) {
		accept(a, "column");
		act->flags |= SQL_F(RENAME_COLUMN);
	}
	if (take_name(a, NULL, &act->name) < 0)
		return -1;
	accept(a, "to");
	return take_name(a, NULL, &act->new_name) < 0 ? -1 : 0;
}

/* MySQL: MODIFY [COLUMN] c type, CHANGE [COLUMN] old new type. */
static int
read_action_mysql(struct cur *a, struct sql_action *act, bool change)
{
	accept(a, "column");
	act->flags |= SQL_F(ALTER_COLUMN_TYPE);
	if (take_name(a, NULL, &act->name) < 0)
		return -1;
	if (change && take_name(a, NULL, &act->new_name) < 0)
		return -1;
	if (act->name && act->new_name && strcmp(act->name, act->new_name) != 0)
		act->flags |= SQL_F(RENAME_COLUMN);
	return 0;
}

static int
read_action(struct cur *a, struct sql_action *act)
{
	if (accept(a, "add"))
		return read_action_add(a, act);
	if (accept(a, "drop")) {
		if (accept(a, "constraint") || accept2(a, "primary", "key") ||
		    accept2(a, "foreign", "key") || accept(a, "index") || accept(a, "key") ||
		    accept(a, "check")) {
			act->flags |= SQL_F(DROP_CONSTRAINT);
		} else {
			accept(a, "column");
			act->flags |= SQL_F(DROP_COLUMN);
		}
		accept_if_exists(a, &act->flags);
		if (take_name(a, NULL, &act->name) < 0)
			return -1;
		return scan_definition(a, act, false);
	}
	if (accept(a, "alter"))
		return read_action_alter(a, act);
	if (accept(a, "rename"))
		return read_action_rename(a, act);
	if (accept(a, "validate")) {
		accept(a, "constraint");
		act->flags |= SQL_F(VALIDATE_CONSTRAINT);
		return take_name(a, NULL, &act->name) < 0 ? -1 : 0;
	}
	if (accept(a, "modify") || accept(a, "change"))
		return read_action_mysql(a, act, tok_word_eq(a->s, &a->t[a->i - 1], "change"));
	return 0;
}

static int
add_action(struct cur *c, struct sql_stmt *st, size_t *cap, size_t start, size_t end)
{
	struct cur a = { c->s, c->t, start, end, 0 };
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

static int
read_alter_table(struct cur *c, struct sql_stmt *st)
{
	size_t cap = 0;

	st->kind = SQL_ALTER_TABLE;
	accept_if_exists(c, &st->flags);
	accept(c, "only");
	if (push_name(c, st, &st->tables) < 0)
		return -1;
	if (is_op(c, c->i, "*"))
		c->i++;
	/* actions are separated by commas outside parentheses */
	while (c->i < c->n) {
		size_t start = c->i, depth = 0;

		while (c->i < c->n && !(depth == 0 && c->t[c->i].type == TK_COMMA)) {
			depth += c->t[c->i].type == TK_LPAREN;
			depth -= c->t[c->i].type == TK_RPAREN && depth;
			c->i++;
		}
		if (c->i > start && add_action(c, st, &cap, start, c->i) < 0)
			return -1;
		c->i++;
	}
	return 0;
}

static int
read_alter_type(struct cur *c, struct sql_stmt *st)
{
	st->kind = SQL_ALTER_TYPE;
	if (push_name(c, st, &st->objects) < 0)
		return -1;
	if (accept2(c, "add", "value")) {
		st->flags |= SQL_F(ADD_VALUE);
		accept_if_not_exists(c, &st->flags);
		return push_label(c, c->i, &st->labels);
	}
	if (accept2(c, "rename", "value")) {
		st->flags |= SQL_F(RENAME_VALUE);
		if (push_label(c, c->i++, &st->labels) < 0)
			return -1;
		accept(c, "to");
		return push_label(c, c->i, &st->labels);
	}
	if (accept2(c, "rename", "to"))
		return take_name(c, NULL, &st->new_name) < 0 ? -1 : 0;
	return 0;
}

static int
read_alter(struct cur *c, struct sql_stmt *st)
{
	if (accept(c, "table"))
		return read_alter_table(c, st);
	if (accept(c, "type"))
		return read_alter_type(c, st);
	return 0;
}

/* Does the value at i turn the timeout off (0, '0', '0ms', DEFAULT)? */
static bool
is_zero_setting(const struct cur *c, size_t i)
{
	const struct tok *t = &c->t[i];
	size_t start = is_type(c, i, TK_NUMBER) ? t->off : t->body;
	size_t n = is_type(c, i, TK_NUMBER) ? t->len : t->body_len, k = 0;

	if (is_word(c, i, "default"))
		return true;
	if (!is_type(c, i, TK_NUMBER) && !is_string(c, i))
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
timeout_flag(const char *param, const struct cur *c, size_t i)
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
read_set(struct cur *c, struct sql_stmt *st)
{
	char *schema, *name;
	int rc;

	st->kind = SQL_SET;
	if (accept(c, "local"))
		st->flags |= SQL_F(LOCAL);
	else
		accept(c, "session");
	/* a custom parameter is dotted (app.tenant) but has no schema */
	if ((rc = take_name(c, &schema, &name)) <= 0)
		return rc;
	if (schema) {
		char *full = mr_printf("%s.%s", schema, name);

		free(name);
		name = full;
	}
	free(schema);
	if (strvec_push_owned(&st->objects, name) < 0)
		return -1;
	if (is_op(c, c->i, "=") || is_word(c, c->i, "to"))
		c->i++;
	st->flags |= timeout_flag(st->objects.v[0], c, c->i);
	return 0;
}

/* The words of a lock mode at [start, end), folded and joined by single spaces. */
static char *
lock_mode(const struct cur *c, size_t start, size_t end)
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
read_lock(struct cur *c, struct sql_stmt *st)
{
	bool mysql = accept(c, "tables");
	char *mode = NULL;

	st->kind = SQL_LOCK;
	accept(c, "table");
	for (;;) {
		accept(c, "only");
		if (push_name(c, st, &st->tables) < 0)
			return -1;
		/* skip MySQL's alias and READ/WRITE, PostgreSQL's '*' */
		while (c->i < c->n && !is_type(c, c->i, TK_COMMA) && !is_word(c, c->i, "in"))
			c->i++;
		if (!is_type(c, c->i, TK_COMMA))
			break;
		c->i++;
	}
	if (accept(c, "in")) {
		size_t start = c->i;

		while (c->i < c->n && is_type(c, c->i, TK_WORD) && !is_word(c, c->i, "mode"))
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
read_reindex(struct cur *c, struct sql_stmt *st)
{
	bool table;

	st->kind = SQL_REINDEX;
	if (is_type(c, c->i, TK_LPAREN))
		c->i = skip_group(c, c->i);
	table = is_word(c, c->i, "table");
	c->i++;                 /* INDEX, TABLE, SCHEMA, DATABASE, SYSTEM */
	if (accept(c, "concurrently"))
		st->flags |= SQL_F(CONCURRENTLY);
	return push_name(c, st, table ? &st->tables : &st->objects) < 0 ? -1 : 0;
}

static int
read_cluster(struct cur *c, struct sql_stmt *st)
{
	st->kind = SQL_CLUSTER;
	accept(c, "verbose");
	return push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_refresh(struct cur *c, struct sql_stmt *st)
{
	if (!accept2(c, "materialized", "view"))
		return 0;
	st->kind = SQL_REFRESH;
	if (accept(c, "concurrently"))
		st->flags |= SQL_F(CONCURRENTLY);
	return push_name(c, st, &st->tables) < 0 ? -1 : 0;
}

static int
read_transaction(struct cur *c, struct sql_stmt *st)
{
	const struct tok *verb = &c->t[c->i - 1];

	if (tok_word_eq(c->s, verb, "begin"))
		st->kind = SQL_BEGIN;
	else if (tok_word_eq(c->s, verb, "start"))
		st->kind = is_word(c, c->i, "transaction") ? SQL_BEGIN : SQL_OTHER;
	else if (tok_word_eq(c->s, verb, "commit") || tok_word_eq(c->s, verb, "end"))
		st->kind = SQL_COMMIT;
	else
		st->kind = SQL_ROLLBACK;
	return 0;
}

static int
read_select(struct cur *c, struct sql_stmt *st)
{
	(void)c;
	st->kind = SQL_SELECT;
	return 0;
}

/* ---- statement-wide passes ---- */

/* Sets WHERE and CASCADE (outside parentheses) and set_config() timeouts. */
static void
scan_clauses(const struct cur *c, struct sql_stmt *st)
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
		else if (depth == 0 && is_word(c, i, "where"))
			st->flags |= SQL_F(WHERE);
		else if (depth == 0 && drops && is_cascade(c, i))
			st->flags |= SQL_F(CASCADE);
		if (is_word(c, i, "set_config") && is_type(c, i + 1, TK_LPAREN) &&
		    is_string(c, i + 2) && is_type(c, i + 3, TK_COMMA)) {
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
is_comparison(const struct cur *c, size_t i)
{
	return is_op(c, i, "=") || is_op(c, i, "<>") || is_op(c, i, "!=");
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
id_literal(const struct cur *c, size_t i)
{
	if (is_op(c, i, "-") || is_op(c, i, "+"))
		i++;
	if (is_type(c, i, TK_NUMBER))
		return i;
	return is_uuid_token(c, i) ? i : c->n;
}

/* col = 42, col <> '…uuid…', col [NOT] IN (1, 2) at i; returns where scanning resumes. */
static size_t
scan_id_comparison(const struct cur *c, size_t i, struct sql_stmt *st, size_t *cap, int *rc)
{
	char *col = ident_text(c->s, &c->t[i]);
	size_t k = i + 1, lit;

	if (!col) {
		*rc = -1;
		return c->n;
	}
	if (is_comparison(c, k)) {
		if ((lit = id_literal(c, k + 1)) < c->n) {
			*rc = add_id(st, cap, c, lit, col);
			k = lit;
		}
	} else if (is_word(c, k, "in") || (is_word(c, k, "not") && is_word(c, k + 1, "in"))) {
		k += is_word(c, k, "in") ? 1 : 2;
		if (is_type(c, k, TK_LPAREN)) {
			size_t end = skip_group(c, k);

			for (size_t j = k + 1; j < end && *rc == 0; j++)
				if ((is_type(c, j - 1, TK_LPAREN) || is_type(c, j - 1, TK_COMMA)) &&
				    (lit = id_literal(c, j)) < c->n &&
				    (is_type(c, lit + 1, TK_COMMA) || is_type(c, lit + 1, TK_RPAREN)))
					*rc = add_id(st, cap, c, lit, col);
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
scan_ids(const struct cur *c, struct sql_stmt *st)
{
	bool numbers = picks_rows(st->kind);
	size_t cap = 0;
	int rc = 0;

	if (c->values) {
		struct cur rows = *c;

		rows.i = c->values;
		rc = scan_insert_values(&rows, st, &cap);
	}
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		if (tok_is_id_column(c, i) && (numbers || is_uuid_token(c, i + 2))) {
			i = scan_id_comparison(c, i, st, &cap, &rc) - 1;
		} else if (is_uuid_token(c, i)) {
			rc = add_id(st, &cap, c, i, NULL);
		} else if (numbers && is_type(c, i, TK_NUMBER) && is_comparison(c, i + 1) &&
			   (i == 0 || !is_comparison(c, i - 1))) {
			/* 42 = o.id: the name after the operator, qualified or not */
			size_t j = i + 2;

			while (is_name(c, j) && is_type(c, j + 1, TK_DOT))
				j += 2;
			if (tok_is_id_column(c, j)) {
				char *col = ident_text(c->s, &c->t[j]);

				rc = col ? add_id(st, &cap, c, i, col) : -1;
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
	int (*read)(struct cur *c, struct sql_stmt *st);
} readers[] = {
	{ "select", read_select }, { "values", read_select }, { "table", read_select },
	{ "insert", read_insert }, { "update", read_update }, { "delete", read_delete }, { "truncate", read_truncate },
	{ "create", read_create }, { "drop", read_drop }, { "alter", read_alter },
	{ "set", read_set }, { "lock", read_lock }, { "reindex", read_reindex },
	{ "cluster", read_cluster }, { "refresh", read_refresh },
	{ "begin", read_transaction }, { "start", read_transaction },
	{ "commit", read_transaction }, { "end", read_transaction },
	{ "rollback", read_transaction }, { "abort", read_transaction },
};

/* After WITH ..., the first verb outside the common table expressions. */
static size_t
skip_with(const struct cur *c)
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
				if (is_word(c, i, verbs[k]))
					return i;
	}
	return c->n;
}

static int
read_statement(const struct scanner *sc, struct sql_stmt *st)
{
	struct cur c = { sc->s, sc->toks, 0, sc->n, 0 };
	const struct tok *last = &sc->toks[sc->n - 1];
	int rc = 0;

	st->offset = sc->toks[0].off;
	st->length = last->off + last->len - st->offset;
	if (is_word(&c, 0, "with"))
		c.i = skip_with(&c);
	for (size_t k = 0; k < MR_ARRAY_SIZE(readers) && c.i < c.n; k++)
		if (is_word(&c, c.i, readers[k].verb)) {
			c.i++;
			rc = readers[k].read(&c, st);
			break;
		}
	if (rc < 0)
		return -1;
	scan_clauses(&c, st);
	if (scan_ids(&c, st) < 0)
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
 */
struct routine_depth {
	size_t words, depth;
	bool routine;
	bool create, or_replace;
};

static void
routine_track(struct routine_depth *r, const char *s, const struct tok *t)
{
	size_t w = r->words++;

	if (w == 0)
		r->create = tok_word_eq(s, t, "create");
	else if (w == 1 && r->create && tok_word_eq(s, t, "or"))
		r->or_replace = true;
	if (w == (r->or_replace ? 3u : 1u) && r->create)
		r->routine = tok_word_eq(s, t, "function") || tok_word_eq(s, t, "procedure");
	if (!r->routine)
		return;
	if (tok_word_eq(s, t, "begin") || (r->depth && tok_word_eq(s, t, "case")))
		r->depth++;
	else if (r->depth && tok_word_eq(s, t, "end"))
		r->depth--;
}

/* Collects the next statement's tokens; 1 if input remains, 0 at its end, -1 OOM. */
static int
collect(struct scanner *sc)
{
	struct routine_depth r = { 0 };
	struct tok t;

	sc->n = 0;
	while (sqllex_next(sc->s, sc->len, &sc->pos, &t)) {
		if (t.type == TK_SEMI && r.depth == 0)
			return 1;
		if (mr_grow(&sc->toks, &sc->cap, sc->n + 1, sizeof(*sc->toks)) < 0)
			return -1;
		sc->toks[sc->n++] = t;
		if (t.type == TK_WORD)
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

/*
 * The SQL scanner's token cursor: matching keywords and punctuation, and
 * building names, strings, labels and literal ids of the result.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sqlcur.h"

bool
sqlcur_tok_word_eq(const char *s, const struct tok *t, const char *kw)
{
	size_t k = strlen(kw);

	if (t->type != TK_WORD || t->len != k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (sqllex_lower(s[t->off + i]) != kw[i])
			return false;
	return true;
}

bool
sqlcur_is_word(const struct sqlcur *c, size_t i, const char *kw)
{
	return i < c->n && sqlcur_tok_word_eq(c->s, &c->t[i], kw);
}

bool
sqlcur_is_type(const struct sqlcur *c, size_t i, enum tok_type type)
{
	return i < c->n && c->t[i].type == type;
}

bool
sqlcur_is_op(const struct sqlcur *c, size_t i, const char *op)
{
	return sqlcur_is_type(c, i, TK_OP) && c->t[i].len == strlen(op) &&
	       !memcmp(c->s + c->t[i].off, op, c->t[i].len);
}

bool
sqlcur_is_name(const struct sqlcur *c, size_t i)
{
	return sqlcur_is_type(c, i, TK_WORD) || sqlcur_is_type(c, i, TK_QIDENT);
}

bool
sqlcur_is_string(const struct sqlcur *c, size_t i)
{
	return sqlcur_is_type(c, i, TK_STRING) || sqlcur_is_type(c, i, TK_ESTRING);
}

bool
sqlcur_accept(struct sqlcur *c, const char *kw)
{
	if (!sqlcur_is_word(c, c->i, kw))
		return false;
	c->i++;
	return true;
}

bool
sqlcur_accept2(struct sqlcur *c, const char *kw1, const char *kw2)
{
	if (!sqlcur_is_word(c, c->i, kw1) || !sqlcur_is_word(c, c->i + 1, kw2))
		return false;
	c->i += 2;
	return true;
}

void
sqlcur_accept_if_exists(struct sqlcur *c, uint64_t *flags)
{
	if (sqlcur_accept2(c, "if", "exists"))
		*flags |= SQL_F(IF_EXISTS);
}

void
sqlcur_accept_if_not_exists(struct sqlcur *c, uint64_t *flags)
{
	if (sqlcur_is_word(c, c->i, "if") && sqlcur_is_word(c, c->i + 1, "not") &&
	    sqlcur_is_word(c, c->i + 2, "exists")) {
		c->i += 3;
		*flags |= SQL_F(IF_NOT_EXISTS);
	}
}

/* CASCADE as an option of the statement, not ON DELETE CASCADE of a foreign key. */
bool
sqlcur_is_cascade(const struct sqlcur *c, size_t i)
{
	return sqlcur_is_word(c, i, "cascade") &&
	       !(i > 0 && (sqlcur_is_word(c, i - 1, "delete") || sqlcur_is_word(c, i - 1, "update")));
}

/* Index just past the parenthesised group opening at i (or n when unbalanced). */
size_t
sqlcur_skip_group(const struct sqlcur *c, size_t i)
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
char *
sqlcur_ident_text(const char *s, const struct tok *t)
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
char *
sqlcur_string_text(const char *s, const struct tok *t)
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

bool
sqlcur_text_is_id_column(const char *s, size_t n)
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
	return name && sqlcur_text_is_id_column(name, strlen(name));
}

/* Is token i a name (the last part of a qualified one) that is an id column? */
bool
sqlcur_tok_is_id_column(const struct sqlcur *c, size_t i)
{
	const struct tok *t;

	if (!sqlcur_is_name(c, i) || sqlcur_is_type(c, i + 1, TK_DOT))
		return false;
	t = &c->t[i];
	return t->type == TK_QIDENT ? sqlcur_text_is_id_column(c->s + t->body, t->body_len) :
	       sqlcur_text_is_id_column(c->s + t->off, t->len);
}

bool
sqlcur_is_uuid_token(const struct sqlcur *c, size_t i)
{
	const struct tok *t;

	if (!sqlcur_is_string(c, i) || c->t[i].body_len != 36)
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
int
sqlcur_take_name(struct sqlcur *c, char **schema, char **name)
{
	size_t last, prev = (size_t)-1;

	*name = NULL;
	if (schema)
		*schema = NULL;
	if (!sqlcur_is_name(c, c->i))
		return 0;
	last = c->i++;
	while (sqlcur_is_type(c, c->i, TK_DOT) && sqlcur_is_name(c, c->i + 1)) {
		prev = last;
		last = c->i + 1;
		c->i += 2;
	}
	if (!(*name = sqlcur_ident_text(c->s, &c->t[last])))
		return -1;
	if (schema && prev != (size_t)-1 && !(*schema = sqlcur_ident_text(c->s, &c->t[prev]))) {
		free(*name);
		*name = NULL;
		return -1;
	}
	return 1;
}

/* Reads a name at c->i and adds it to sv; the first one's schema becomes st->schema. */
int
sqlcur_push_name(struct sqlcur *c, struct sql_stmt *st, struct strvec *sv)
{
	char *schema, *name;
	int rc = sqlcur_take_name(c, &schema, &name);

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
int
sqlcur_push_name_list(struct sqlcur *c, struct sql_stmt *st, struct strvec *sv)
{
	for (;;) {
		int rc;

		sqlcur_accept(c, "only");
		if ((rc = sqlcur_push_name(c, st, sv)) <= 0)
			return rc;
		if (sqlcur_is_op(c, c->i, "*"))
			c->i++;
		if (!sqlcur_is_type(c, c->i, TK_COMMA))
			return 0;
		c->i++;
	}
}

/* Reads (a, b, ...) at c->i into sv: plain names, or an element's text as written. */
int
sqlcur_take_column_list(struct sqlcur *c, struct strvec *sv)
{
	size_t end;

	if (!sqlcur_is_type(c, c->i, TK_LPAREN))
		return 0;
	end = sqlcur_skip_group(c, c->i);
	for (size_t i = c->i + 1; i < end;) {
		size_t j = i, depth = 0;
		int rc;

		while (j < end && !(depth == 0 && (c->t[j].type == TK_COMMA ||
						   c->t[j].type == TK_RPAREN))) {
			depth += c->t[j].type == TK_LPAREN;
			depth -= c->t[j].type == TK_RPAREN && depth;
			j++;
		}
		if (j > i && sqlcur_is_name(c, i) && !sqlcur_is_type(c, i + 1, TK_LPAREN) &&
		    !sqlcur_is_type(c, i + 1, TK_DOT) && !sqlcur_is_type(c, i + 1, TK_OP))
			rc = strvec_push_owned(sv, sqlcur_ident_text(c->s, &c->t[i]));
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

int
sqlcur_push_label(const struct sqlcur *c, size_t i, struct strvec *labels)
{
	return sqlcur_is_string(c, i) ? strvec_push_owned(labels, sqlcur_string_text(c->s, &c->t[i])) : 0;
}

int
sqlcur_add_id(struct sql_stmt *st, size_t *cap, const struct sqlcur *c, size_t i,
	      const char *column)
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

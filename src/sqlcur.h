/*
 * Internals of the SQL scanner shared by its parts: a cursor over one
 * statement's tokens, the helpers that read names, strings and ids from it,
 * and the readers of ALTER TABLE actions (sqlalter.c).  Not an interface
 * for other modules: they use migreview/sqltok.h.
 */
#ifndef MIGREVIEW_SQLCUR_H
#define MIGREVIEW_SQLCUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migreview/sqltok.h"
#include "sqllex.h"

/* A cursor over tokens [i, n) of the current statement. */
struct sqlcur {
	const char *s;
	const struct tok *t;
	size_t i, n;
	size_t values;          /* INSERT: the token after VALUES, for the id pass; or 0 */
};

bool sqlcur_tok_word_eq(const char *s, const struct tok *t, const char *kw);
bool sqlcur_is_word(const struct sqlcur *c, size_t i, const char *kw);
bool sqlcur_is_type(const struct sqlcur *c, size_t i, enum tok_type type);
bool sqlcur_is_op(const struct sqlcur *c, size_t i, const char *op);
bool sqlcur_is_name(const struct sqlcur *c, size_t i);
bool sqlcur_is_string(const struct sqlcur *c, size_t i);
bool sqlcur_accept(struct sqlcur *c, const char *kw);
bool sqlcur_accept2(struct sqlcur *c, const char *kw1, const char *kw2);
void sqlcur_accept_if_exists(struct sqlcur *c, uint64_t *flags);
void sqlcur_accept_if_not_exists(struct sqlcur *c, uint64_t *flags);
bool sqlcur_is_cascade(const struct sqlcur *c, size_t i);
size_t sqlcur_skip_group(const struct sqlcur *c, size_t i);
char *sqlcur_ident_text(const char *s, const struct tok *t);
char *sqlcur_string_text(const char *s, const struct tok *t);
bool sqlcur_text_is_id_column(const char *s, size_t n);
bool sqlcur_tok_is_id_column(const struct sqlcur *c, size_t i);
bool sqlcur_is_uuid_token(const struct sqlcur *c, size_t i);
int sqlcur_take_name(struct sqlcur *c, char **schema, char **name);
int sqlcur_push_name(struct sqlcur *c, struct sql_stmt *st, struct strvec *sv);
int sqlcur_push_name_list(struct sqlcur *c, struct sql_stmt *st, struct strvec *sv);
int sqlcur_take_column_list(struct sqlcur *c, struct strvec *sv);
int sqlcur_push_label(const struct sqlcur *c, size_t i, struct strvec *labels);
/* Records the literal id at token i, compared with or inserted into column. */
int sqlcur_add_id(struct sql_stmt *st, size_t *cap, const struct sqlcur *c, size_t i,
		  const char *column);

/* sqlalter.c: reads the ALTER TABLE action in tokens [start, end) into st. */
int sqlalter_add_action(struct sqlcur *c, struct sql_stmt *st, size_t *cap, size_t start,
			size_t end);

#endif

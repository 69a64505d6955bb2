/*
 * The SQL lexer behind sqltok.c: tokens of PostgreSQL's SQL.  Internal to
 * the SQL scanner; tokens are offsets into the caller's text.
 */
#ifndef MIGREVIEW_SQLLEX_H
#define MIGREVIEW_SQLLEX_H

#include <stdbool.h>
#include <stddef.h>

enum tok_type {
	TK_WORD,        /* keyword or unquoted identifier */
	TK_QIDENT,      /* "quoted identifier" */
	TK_STRING,      /* '...', B'...', X'...', N'...', U&'...' */
	TK_ESTRING,     /* E'...', with backslash escapes */
	TK_DOLLAR,      /* $tag$...$tag$ */
	TK_NUMBER,
	TK_PARAM,       /* $1, :name */
	TK_OP,
	TK_LPAREN,
	TK_RPAREN,
	TK_COMMA,
	TK_DOT,
	TK_SEMI,
};

struct tok {
	enum tok_type type;
	char quote;             /* the quote character of strings and identifiers */
	size_t off, len;        /* the whole token */
	size_t body, body_len;  /* between the quotes */
};

/* The next token at or after *pos, which it advances; false at the end. */
bool sqllex_next(const char *s, size_t len, size_t *pos, struct tok *t);

char sqllex_lower(char c);
bool sqllex_is_digit(unsigned char c);
/* Bytes from 0x80 are letters, as in PostgreSQL, so UTF-8 names stay whole. */
bool sqllex_is_ident_start(unsigned char c);

#endif

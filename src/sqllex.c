/*
 * The SQL lexer: PostgreSQL's tokens and quoting rules (quotes with doubled
 * escapes, E-strings, dollar quotes, nested block comments).  Every loop
 * advances through the input; nothing recurses.
 */
#include "config.h"

#include <string.h>

#include "migreview/util.h"
#include "sqllex.h"

char
sqllex_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

bool
sqllex_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Bytes from 0x80 are letters, as in PostgreSQL, so UTF-8 names stay whole. */
bool
sqllex_is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool
is_ident_char(unsigned char c)
{
	return sqllex_is_ident_start(c) || sqllex_is_digit(c) || c == '$';
}

/* Skips whitespace, -- comments and nested block comments. */
static size_t
skip_blank(const char *s, size_t len, size_t p)
{
	while (p < len) {
		unsigned char c = (unsigned char)s[p];

		if (c <= ' ' || c == 0x7f) {
			p++;
		} else if (c == '-' && p + 1 < len && s[p + 1] == '-') {
			const char *nl = memchr(s + p, '\n', len - p);

			p = nl ? (size_t)(nl - s) + 1 : len;
		} else if (c == '/' && p + 1 < len && s[p + 1] == '*') {
			/* PostgreSQL nests block comments; a counter, not recursion */
			size_t depth = 1;

			p += 2;
			while (p < len && depth) {
				if (s[p] == '/' && p + 1 < len && s[p + 1] == '*') {
					depth++;
					p += 2;
				} else if (s[p] == '*' && p + 1 < len && s[p + 1] == '/') {
					depth--;
					p += 2;
				} else {
					p++;
				}
			}
		} else {
			break;
		}
	}
	return p;
}

/* Lexes a quoted body starting after the opening quote q; doubled quotes escape. */
static void
lex_quoted(const char *s, size_t len, size_t p, struct tok *t, bool backslash)
{
	t->body = p;
	while (p < len) {
		if (backslash && s[p] == '\\') {
			p = p + 2 < len ? p + 2 : len;
		} else if (s[p] == t->quote) {
			if (p + 1 < len && s[p + 1] == t->quote) {
				p += 2;
				continue;
			}
			t->body_len = p - t->body;
			t->len = p + 1 - t->off;
			return;
		} else {
			p++;
		}
	}
	t->body_len = len - t->body;
	t->len = len - t->off;
}

/* Length of the "$tag$" opening at s[p], or 0 when there is none. */
static size_t
dollar_tag(const char *s, size_t len, size_t p)
{
	size_t q = p + 1;

	if (q < len && sqllex_is_ident_start((unsigned char)s[q]))
		while (q < len && is_ident_char((unsigned char)s[q]) && s[q] != '$')
			q++;
	return q < len && s[q] == '$' ? q + 1 - p : 0;
}

static size_t
lex_number(const char *s, size_t len, size_t p)
{
	while (p < len && (sqllex_is_digit((unsigned char)s[p]) || s[p] == '_'))
		p++;
	if (p < len && s[p] == '.' && !(p + 1 < len && s[p + 1] == '.'))
		for (p++; p < len && (sqllex_is_digit((unsigned char)s[p]) || s[p] == '_');)
			p++;
	if (p < len && (s[p] == 'e' || s[p] == 'E')) {
		size_t q = p + 1;

		if (q < len && (s[q] == '+' || s[q] == '-'))
			q++;
		if (q < len && sqllex_is_digit((unsigned char)s[q]))
			p = q;
	}
	/* 0x1F, 1e10, and junk such as 12abc stay one token */
	while (p < len && is_ident_char((unsigned char)s[p]))
		p++;
	return p;
}

static void
lex_string_at(const char *s, size_t len, size_t quote_pos, struct tok *t, enum tok_type type)
{
	t->type = type;
	t->quote = s[quote_pos];
	lex_quoted(s, len, quote_pos + 1, t, type == TK_ESTRING);
}

/* A string or identifier with a letter prefix (E'', B'', X'', N'', U&'', U&""), or 0. */
static bool
lex_prefixed(const char *s, size_t len, size_t p, struct tok *t)
{
	char c = sqllex_lower(s[p]);

	if (p + 1 < len && s[p + 1] == '\'') {
		if (c == 'e')
			lex_string_at(s, len, p + 1, t, TK_ESTRING);
		else if (c == 'b' || c == 'x' || c == 'n')
			lex_string_at(s, len, p + 1, t, TK_STRING);
		else
			return false;
		return true;
	}
	if (c == 'u' && p + 2 < len && s[p + 1] == '&' && (s[p + 2] == '\'' || s[p + 2] == '"')) {
		lex_string_at(s, len, p + 2, t, s[p + 2] == '"' ? TK_QIDENT : TK_STRING);
		return true;
	}
	return false;
}

static const char *const two_char_ops[] = { "<>", "!=", "<=", ">=", "::", "||" };

static void
lex_punct(const char *s, size_t len, size_t p, struct tok *t)
{
	static const struct { char c; enum tok_type type; } single[] = {
		{ '(', TK_LPAREN }, { ')', TK_RPAREN }, { ',', TK_COMMA }, { '.', TK_DOT },
		{ ';', TK_SEMI },
	};

	t->type = TK_OP;
	t->len = 1;
	for (size_t i = 0; i < MR_ARRAY_SIZE(single); i++)
		if (s[p] == single[i].c)
			t->type = single[i].type;
	if (t->type != TK_OP || p + 1 >= len)
		return;
	for (size_t i = 0; i < MR_ARRAY_SIZE(two_char_ops); i++)
		if (s[p] == two_char_ops[i][0] && s[p + 1] == two_char_ops[i][1])
			t->len = 2;
}

/* The next token from *pos; false at the end of the input. */
bool
sqllex_next(const char *s, size_t len, size_t *pos, struct tok *t)
{
	size_t p = skip_blank(s, len, *pos), tag;
	unsigned char c;

	if (p >= len) {
		*pos = len;
		return false;
	}
	memset(t, 0, sizeof(*t));
	t->off = p;
	c = (unsigned char)s[p];
	if (sqllex_is_ident_start(c) && lex_prefixed(s, len, p, t)) {
		/* done */
	} else if (sqllex_is_ident_start(c)) {
		size_t q = p + 1;

		while (q < len && is_ident_char((unsigned char)s[q]))
			q++;
		t->type = TK_WORD;
		t->len = q - p;
	} else if (c == '\'') {
		lex_string_at(s, len, p, t, TK_STRING);
	} else if (c == '"' || c == '`') {
		lex_string_at(s, len, p, t, TK_QIDENT);
	} else if (sqllex_is_digit(c) || (c == '.' && p + 1 < len && sqllex_is_digit((unsigned char)s[p + 1]))) {
		t->type = TK_NUMBER;
		t->len = lex_number(s, len, p + (c == '.')) - p;
	} else if (c == '$' && p + 1 < len && sqllex_is_digit((unsigned char)s[p + 1])) {
		t->type = TK_PARAM;
		t->len = lex_number(s, len, p + 1) - p;
	} else if (c == '$' && (tag = dollar_tag(s, len, p)) != 0) {
		/* memmem is linear; the body ends at the same tag or at the end */
		const char *close = memmem(s + p + tag, len - p - tag, s + p, tag);

		t->type = TK_DOLLAR;
		t->body = p + tag;
		t->body_len = close ? (size_t)(close - s) - t->body : len - t->body;
		t->len = close ? (size_t)(close - s) + tag - p : len - p;
	} else if (c == ':' && p + 1 < len && sqllex_is_ident_start((unsigned char)s[p + 1])) {
		size_t q = p + 1;

		while (q < len && is_ident_char((unsigned char)s[q]))
			q++;
		t->type = TK_PARAM;      /* sa.text() bind parameter */
		t->len = q - p;
	} else {
		lex_punct(s, len, p, t);
	}
	*pos = p + t->len;
	return true;
}


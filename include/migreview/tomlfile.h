/*
 * pyproject.toml, read with the tree-sitter TOML grammar (pinned like the
 * Python one) into a flat list of entries: every value under its full key
 * path, whether it was written under a [table] header, as a dotted key or
 * in an inline table.  Only what migreview reads is decoded: strings (all
 * four kinds, escapes included), booleans and arrays of strings; other
 * values keep their type and place for messages.
 *
 * The document owns every string in it; tomlfile_free() releases them.
 */
#ifndef MIGREVIEW_TOMLFILE_H
#define MIGREVIEW_TOMLFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/util.h"

/* Larger files are refused: a pyproject.toml is a few kilobytes. */
#define TOMLFILE_MAX_SIZE (8u << 20)
/* Arrays and inline tables nested deeper than this are refused before parsing. */
#define TOMLFILE_MAX_NESTING 100

enum toml_type {
	TOML_TABLE,             /* a [table] header or an inline table */
	TOML_STRING,
	TOML_BOOL,
	TOML_ARRAY,
	TOML_OTHER,             /* integer, float, date ...: kept as text */
};

struct toml_entry {
	struct strvec key;      /* the full path: "tool", "alembic", "script_location" */
	enum toml_type type;
	char *text;             /* STRING: decoded; BOOL: "true"/"false"; OTHER: as written */
	struct strvec items;    /* ARRAY: its strings */
	bool items_other;       /* ARRAY: it also holds something that is not a string */
	unsigned line, col;     /* of the value, 1-based */
};

struct tomlfile {
	char *path;
	char *here;             /* absolute directory of the file */
	struct toml_entry *entries;
	size_t n, cap;
};

/*
 * Reads and parses path.  A syntax error, a duplicate key, a file too large
 * or nested too deeply is an error "path:line:col: ...".
 */
int tomlfile_load(struct tomlfile *t, const char *path, struct mr_error *err);
/* Parses text (len bytes) as if it were the file path. */
int tomlfile_parse(struct tomlfile *t, const char *path, const char *text, size_t len,
		   struct mr_error *err);

/* The entry at the key path key[0..depth), or NULL. */
const struct toml_entry *tomlfile_find(const struct tomlfile *t, const char *const *key,
				       size_t depth);
/* Whether the document has the table key[0..depth) (a header, or any key under it). */
bool tomlfile_has_table(const struct tomlfile *t, const char *const *key, size_t depth);

/* "tool.alembic.version_locations": the key path as written in messages, new string. */
char *toml_key_name(const struct strvec *key, size_t from);

void tomlfile_free(struct tomlfile *t);

#endif

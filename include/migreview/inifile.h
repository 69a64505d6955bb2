/*
 * alembic.ini (and theme) files, read with inih and interpolated the way
 * Python's ConfigParser does for Alembic: keys are case-insensitive, values
 * of [DEFAULT] show through every section, "%(name)s" expands (with "here"
 * set to the file's directory) and "%%" is a literal percent sign.
 *
 * The document owns every string in it; inifile_get() hands out a new
 * string the caller frees.
 */
#ifndef MIGREVIEW_INIFILE_H
#define MIGREVIEW_INIFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"

struct inifile_entry {
	char *section;
	char *key;              /* lower-cased, as ConfigParser's optionxform */
	char *value;            /* raw, continuation lines joined with '\n' */
};

struct inifile {
	char *path;
	char *here;             /* absolute directory of the file */
	struct inifile_entry *entries;
	size_t n, cap;
	char **sections;        /* in file order, without DEFAULT */
	size_t n_sections, cap_sections;
};

int inifile_load(struct inifile *ini, const char *path, struct mr_error *err);
/*
 * The same for text already read (from a git tree, say): path names the
 * file in messages and gives %(here)s its directory.
 */
int inifile_parse(struct inifile *ini, const char *path, const char *text,
		  struct mr_error *err);
bool inifile_has_section(const struct inifile *ini, const char *section);

/* The raw value of key in section (or [DEFAULT]), or NULL. */
const char *inifile_raw(const struct inifile *ini, const char *section, const char *key);

/*
 * The interpolated value of key in section: 0 with *out set (NULL when the
 * key is absent), or -1 with err set for a broken interpolation.
 */
int inifile_get(const struct inifile *ini, const char *section, const char *key,
		char **out, struct mr_error *err);

/* Parses a boolean the way ConfigParser.getboolean does; -1 if invalid. */
int inifile_parse_bool(const char *value);

void inifile_free(struct inifile *ini);

#endif

/*
 * Finding an Alembic project the way Alembic's own CLI does: the ini file,
 * its section, script_location, version_locations and the migration files
 * in Alembic's discovery order (location order, then sorted names, walking
 * subdirectories when recursive_version_locations is on).  Alembic 1.16
 * also reads pyproject.toml: an option missing from the ini's section comes
 * from [tool.alembic] there, and migreview's from [tool.migreview].
 *
 * struct project owns all of its strings; project_free() releases them.
 */
#ifndef MIGREVIEW_PROJECT_H
#define MIGREVIEW_PROJECT_H

#include <stdbool.h>

#include "migreview/error.h"
#include "migreview/inifile.h"
#include "migreview/tomlfile.h"
#include "migreview/util.h"

#define PROJECT_DEFAULT_SECTION "alembic"
#define PROJECT_SETTINGS_SECTION "migreview"

/*
 * Where the script directory came from.  Alembic reads a path in
 * script_location itself; for the others `migreview test` hands it the
 * directory migreview found.
 */
enum project_script_from {
	PROJECT_SCRIPT_PATH,            /* script_location names a directory */
	PROJECT_SCRIPT_RESOURCE,        /* ... a package resource, found without importing */
	PROJECT_SCRIPT_DIRECTORY,       /* -d DIR, as `flask db -d` sets it */
	PROJECT_SCRIPT_INI_DIR,         /* no script_location: the ini's own directory */
};

/* Where the project is, as the command line names it: each NULL when not given. */
struct project_where {
	const char *config;             /* -c: the ini (or pyproject.toml) */
	const char *section;            /* -n: the ini section, "alembic" by default */
	const char *directory;          /* -d: the script directory */
};

struct project {
	struct inifile ini;             /* empty when there is no alembic.ini */
	char *ini_path;                 /* absolute: alembic.ini, else pyproject.toml */
	bool has_ini;
	struct tomlfile toml;           /* pyproject.toml, when there is one */
	bool has_toml;
	char *root;                     /* directory holding the ini */
	char *base_dir;                 /* what relative locations resolve against */
	char *section;
	char *script_location;          /* absolute */
	enum project_script_from script_from;
	struct strvec package_roots;    /* the project's directories package resources were
					 * found in: what Python's sys.path needs for them */
	struct strvec version_locations;/* absolute, in configured order */
	bool recursive;
	struct strvec files;            /* absolute paths, discovery order */
	struct strvec warnings;         /* problems that did not stop discovery */
	struct strvec notes;            /* what migreview assumed to open it (not problems) */
	char *ref;                      /* the gate's trusted ref: files the settings name (the
					 * production sizes) are read from it; NULL: from the tree */
};

/*
 * Opens the project.  config names the ini, or a pyproject.toml (relative
 * locations then resolve against the current directory, as with `alembic
 * -c`, and the other file is looked for there); when NULL, the nearest
 * directory from the current one upward that holds alembic.ini, or a
 * pyproject.toml with a [tool.alembic] table, is the project's, and relative
 * locations resolve against it.  section NULL means "alembic".  Fills files
 * in discovery order.
 */
int project_open(struct project *p, const char *config, const char *section,
		 struct mr_error *err);

/*
 * The same, with -d too: directory is the script directory, whatever the
 * ini says, and (without -c) its alembic.ini, when it has one, is the
 * configuration, read as with -c, as Flask-Migrate's `flask db -d` does.
 */
int project_open_at(struct project *p, const struct project_where *w, struct mr_error *err);

/*
 * Searches from dir upward for alembic.ini, or a pyproject.toml with
 * [tool.alembic]; *out is a new absolute path of the file found.
 */
int project_find_ini(const char *dir, char **out, struct mr_error *err);

/* Splits a version_locations value the way Alembic does for the separator. */
int project_split_locations(const char *value, const char *separator,
			    struct strvec *out, struct mr_error *err);

/*
 * Interpolated value of key in the ini's [migreview] section, else in
 * pyproject.toml's [tool.migreview] (an array there is joined with ", "),
 * or NULL in *out.
 */
int project_setting(const struct project *p, const char *key, char **out,
		    struct mr_error *err);
/* Whether the project's pyproject.toml has a [tool.alembic] table. */
bool project_has_tool_alembic(const struct project *p);
/* "FILE: [migreview]": where key's value comes from, for messages (new string). */
char *project_setting_place(const struct project *p, const char *key);
/* Every setting key present, the ini's first (lower-cased), then pyproject.toml's. */
int project_setting_keys(const struct project *p, struct strvec *out);

/* path relative to the ini's directory, newly allocated */
char *project_relpath(const struct project *p, const char *path);

void project_free(struct project *p);

#endif

/*
 * Finding an Alembic project the way Alembic's own CLI does: the ini file,
 * its section, script_location, version_locations and the migration files
 * in Alembic's discovery order (location order, then sorted names, walking
 * subdirectories when recursive_version_locations is on).
 *
 * struct project owns all of its strings; project_free() releases them.
 */
#ifndef MIGREVIEW_PROJECT_H
#define MIGREVIEW_PROJECT_H

#include <stdbool.h>

#include "migreview/error.h"
#include "migreview/inifile.h"
#include "migreview/util.h"

#define PROJECT_DEFAULT_SECTION "alembic"
#define PROJECT_SETTINGS_SECTION "migreview"

struct project {
	struct inifile ini;
	char *ini_path;                 /* absolute */
	char *root;                     /* directory holding the ini */
	char *base_dir;                 /* what relative locations resolve against */
	char *section;
	char *script_location;          /* absolute */
	struct strvec version_locations;/* absolute, in configured order */
	bool recursive;
	struct strvec files;            /* absolute paths, discovery order */
	struct strvec warnings;         /* problems that did not stop discovery */
};

/*
 * Opens the project.  config names the ini (relative locations in it then
 * resolve against the current directory, as with `alembic -c`); when NULL,
 * alembic.ini is searched upward from the current directory and relative
 * locations resolve against the directory it is found in.  section NULL
 * means "alembic".  Fills files in discovery order.
 */
int project_open(struct project *p, const char *config, const char *section,
		 struct mr_error *err);

/* Searches alembic.ini from dir upward; *out is a new absolute path. */
int project_find_ini(const char *dir, char **out, struct mr_error *err);

/* Splits a version_locations value the way Alembic does for the separator. */
int project_split_locations(const char *value, const char *separator,
			    struct strvec *out, struct mr_error *err);

/* Interpolated value of key in the [migreview] section, or NULL in *out. */
int project_setting(const struct project *p, const char *key, char **out,
		    struct mr_error *err);

/* path relative to the ini's directory, newly allocated */
char *project_relpath(const struct project *p, const char *path);

void project_free(struct project *p);

#endif

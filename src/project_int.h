/*
 * Inside the project module: the [tool.alembic] and [tool.migreview] tables
 * of pyproject.toml (project_toml.c), read where alembic.ini has no value,
 * as Alembic 1.16's Config.get_alembic_option does.
 */
#ifndef MIGREVIEW_PROJECT_INT_H
#define MIGREVIEW_PROJECT_INT_H

#include "migreview/project.h"

#define PROJECT_TOML_NAME "pyproject.toml"

/* Whether path is a pyproject.toml with a [tool.alembic] table (quietly false if unreadable). */
bool project_toml_has_alembic(const char *path);

/*
 * tool.TABLE.KEY (KEY may be dotted: severity.drop-column) as a string with
 * %(here)s and %% expanded: *out NULL when absent; an error when it is not a
 * string (or, with join, not a string or an array of strings, which are
 * joined with ", ").
 */
int project_toml_string(const struct project *p, const char *table, const char *key, bool join,
			char **out, struct mr_error *err);
/* tool.TABLE.KEY as an array of expanded strings; *found false when absent. */
int project_toml_strings(const struct project *p, const char *table, const char *key,
			 struct strvec *out, bool *found, struct mr_error *err);
/* tool.TABLE.KEY as a boolean: *out -1 when absent. */
int project_toml_bool(const struct project *p, const char *table, const char *key, int *out,
		      struct mr_error *err);
/* The keys under tool.TABLE that hold values, dotted below it ("severity.drop-column"). */
int project_toml_keys(const struct project *p, const char *table, struct strvec *out);

/*
 * key's value given as a package resource ("myapp.db:migrations", which
 * Alembic resolves by importing myapp.db) as an absolute path in *out,
 * found without importing: the package's directory in the project (from
 * prepend_sys_path, the directory Alembic runs in, the ini's directory and
 * those above it up to the repository's top, each also with a src/ layout),
 * then in $VIRTUAL_ENV's site-packages and the system's dist-packages.  The
 * project directory it was found in joins p->package_roots.  When it is not
 * found, the error says where migreview looked.
 */
int project_resolve_resource(struct project *p, const char *key, const char *value, char **out,
			     struct mr_error *err);

#endif

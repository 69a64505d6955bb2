/*
 * The application's Python source, read (never imported) so that rules can
 * ask whether running code still names a column: every *.py file below the
 * project's directory except the migrations themselves, virtual
 * environments, caches and hidden directories, within size limits.
 *
 * struct appcode owns its paths and texts; appcode_free() releases them.
 */
#ifndef MIGREVIEW_APPCODE_H
#define MIGREVIEW_APPCODE_H

#include <stdbool.h>

#include "migreview/error.h"
#include "migreview/project.h"
#include "migreview/util.h"

struct appcode {
	struct strvec paths;    /* relative to the project's directory */
	struct strvec texts;    /* in step with paths */
};

int appcode_load(struct appcode *a, const struct project *p, struct mr_error *err);

/*
 * The first file that names both table and column as whole words, and the
 * line of the column there; false when none does.
 */
bool appcode_find(const struct appcode *a, const char *table, const char *column,
		  const char **path, unsigned *line);

void appcode_free(struct appcode *a);

#endif

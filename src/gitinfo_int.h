/* What gitinfo.c and githistory.c share: the repository and its paths. */
#ifndef MIGREVIEW_GITINFO_INT_H
#define MIGREVIEW_GITINFO_INT_H

#include <git2.h>

#include "migreview/gitinfo.h"

struct gitinfo {
	git_repository *repo;
	char *workdir;          /* real path, with a trailing '/' */
};

int gitinfo_fail(struct mr_error *err, const char *what);
/* path relative to the working tree (allocated), or NULL when it is outside. */
char *gitinfo_relative(const struct gitinfo *gi, const char *path);

#endif

/*
 * Header values given as the names of constants, resolved statically.
 *
 * OpenStack projects write `from neutron.db.migration import cli` and
 * `branch_labels = (cli.EXPAND_BRANCH,)`.  Alembic imports the module to
 * learn the label; migreview finds the module's file in the project and
 * reads the module-level assignment of the name instead, never running
 * anything.  Imports (`import a.b as x`, `from a import b`, relative ones in
 * the modules read), aliases (`A = B`, `A = mod.B`) and string literals,
 * None and tuples or lists of them are followed; anything else is not
 * known, and the reason says why.
 *
 * Modules are looked for as Python would on the project's path: in
 * prepend_sys_path, then in the migration's directory and its parents up to
 * the repository's top (the first directory holding .git), then in the
 * ini's directory and its parents up to the repository's top; as
 * a/b/c.py, a/b/c/__init__.py or a namespace package a/b/c/.
 *
 * A struct pyconst caches the modules it read; it is not thread-safe (one
 * per loader thread) and borrows its parser.
 */
#ifndef MIGREVIEW_PYCONST_H
#define MIGREVIEW_PYCONST_H

#include <tree_sitter/api.h>

#include "migreview/pysrc.h"
#include "migreview/util.h"

struct pyconst;

/*
 * A resolver using parser; sys_path (absolute directories, copied) comes
 * first in the search, ini_dir (copied, may be NULL) last.  NULL when
 * memory runs out.
 */
struct pyconst *pyconst_new(struct pysrc_parser *parser, const struct strvec *sys_path,
			    const char *ini_dir);
void pyconst_free(struct pyconst *pc);

/*
 * Resolves the names in v (PYVAL_REFS), as the module at path (parsed as
 * tree from src) sees them.  Then v is PYVAL_STRINGS or PYVAL_NONE; or,
 * when a name cannot be known, PYVAL_OTHER with the strings that are known
 * kept in order and v->why saying what was looked for.  -1 only when
 * memory runs out.
 */
int pyconst_resolve(struct pyconst *pc, TSTree *tree, const char *src, const char *path,
		    struct pyval *v);

#endif

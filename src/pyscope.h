/*
 * The values of names in a migration, as far as they are literals: module
 * and local constants (TABLE = "orders"), a helper's parameters bound to
 * literal arguments, and the strings built from them (f"ix_{TABLE}_x",
 * "ix_" + TABLE, "uq_%s" % TABLE, op.f("ix_x")).  Nothing is run: whatever is
 * not plainly a literal is "not known", never a guess.  Internal to the
 * migration reader.
 */
#ifndef MIGREVIEW_PYSCOPE_H
#define MIGREVIEW_PYSCOPE_H

#include "migreview/migration.h"
#include "migreview/pysrc.h"
#include "migreview/util.h"

/* A name and what it is bound to: kind PYARG_STRING, _NUMBER, _BOOL, _NONE, or _OTHER (not known). */
struct pybinding {
	char *name;
	enum pyarg_kind kind;
	char *text;
};

/*
 * The names of one function (or of the module): the latest binding wins,
 * and a name bound here hides outer's, as Python's scopes do.  A scope owns
 * its bindings, one per name, found through index (so that a file of many
 * names takes linear time); outer is borrowed.
 */
struct pyscope {
	struct pybinding *v;
	size_t n, cap;
	struct strmap index;            /* name -> position in v; keys are v's names */
	const struct pyscope *outer;
};

/* Binds name (copied) to a value; text may be NULL for kinds without one.  0 or -1. */
int pyscope_bind(struct pyscope *s, const char *name, enum pyarg_kind kind, const char *text);

/* Binds every identifier of a target (x, (a, b), [a, *b]) to "not known". */
int pyscope_forget(struct pyscope *s, const char *src, TSNode target);

/* The binding of name in s or its outer scopes, or NULL. */
const struct pybinding *pyscope_find(const struct pyscope *s, const char *name);

/*
 * The value of expression n, when it is a literal or built from known ones:
 * 1 with *kind and *text (owned by the caller; NULL for None), 0 when it
 * is not known, -1 when memory runs out.
 */
int pyconst_eval(const char *src, TSNode n, const struct pyscope *s, enum pyarg_kind *kind,
		 char **text);

void pyscope_free(struct pyscope *s);

#endif

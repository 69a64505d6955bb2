/*
 * The project's naming_convention: how SQLAlchemy (and so Alembic's op.*)
 * names constraints and indexes.  With "ck": "ck_%(table_name)s_%(constraint_name)s",
 * op.create_check_constraint("valid_x", "logs", ...) makes ck_logs_valid_x,
 * which a later op.drop_constraint("ck_logs_valid_x", "logs") drops.
 *
 * It comes from the [migreview] setting naming_convention ("ck: TEMPLATE,
 * uq: TEMPLATE, ..."), else from a MetaData(naming_convention={...}) dict
 * of string literals read (never imported) in env.py or in a module env.py
 * imports that lies in the project (below the ini's directory or one of
 * its parents).  A struct naming owns its strings; naming_free() frees them.
 */
#ifndef MIGREVIEW_NAMING_H
#define MIGREVIEW_NAMING_H

#include <stddef.h>

#include "migreview/error.h"
#include "migreview/migration.h"
#include "migreview/project.h"
#include "migreview/util.h"

struct naming {
	struct strvec keys;             /* "ck", "uq", "fk", "pk", "ix" */
	struct strvec templates;        /* in step with keys */
	char *source;                   /* where it was read: a path or "[migreview]" */
};

/* Reads the convention of p into out (empty when there is none). */
int naming_load(const struct project *p, struct naming *out, struct mr_error *err);

/* Parses "ck: TEMPLATE, uq: TEMPLATE" (the setting) into out; -1 on a malformed entry. */
int naming_parse_setting(const char *value, struct naming *out);

/* Finds naming_convention={...} (or a module-level dict it names) in Python source. */
int naming_parse_python(const char *src, struct naming *out);

/*
 * The name the database gets for the constraint or index that op creates
 * or drops (create_check_constraint, create_unique_constraint,
 * create_foreign_key, create_primary_key, create_index, drop_constraint
 * with type_=, drop_index), into buf; the name as written when no
 * convention applies or op.f() marks it final; NULL when unknown.
 */
const char *naming_name(const struct naming *n, const struct migration_op *op, char *buf,
			size_t size);

void naming_free(struct naming *n);

#endif

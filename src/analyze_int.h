/*
 * What the analyser's checks share: the context of one migration and the
 * way they report.  analyze.c holds the checks of upgrade()'s op.* calls,
 * analyze_down.c those of downgrade(), analyze_sql.c those of literal SQL.
 * Internal to the analyser.
 */
#ifndef MIGREVIEW_ANALYZE_INT_H
#define MIGREVIEW_ANALYZE_INT_H

#include <stdbool.h>

#include "migreview/analyze.h"
#include "migreview/migration.h"
#include "migreview/schema.h"
#include "migreview/sqltok.h"

/*
 * The UPDATEs and DELETEs of the migrations checked so far, by table
 * (analyze_backfill.c): a SET NOT NULL looks for its backfill among those
 * of its table, not in every earlier migration again.
 */
struct backfill {
	size_t at;                              /* the migration, in review order */
	const char *sql;                        /* literal SQL updating or deleting from the table */
	const struct migration_op *core;        /* else a SQLAlchemy Core update of it */
};

/* What a column's questions have read of its table's backfills so far. */
struct backfill_seen {
	size_t read;                            /* entries read */
	bool found;                             /* one of them names the column: */
	size_t last;                            /* the last migration that does */
};

struct backfill_list {
	struct backfill *v;                     /* in review order */
	size_t n, cap;
	struct strmap columns;                  /* column → position in seen (keys borrowed) */
	struct backfill_seen *seen;
	size_t n_seen, cap_seen;
};

struct backfill_index {
	struct strmap tables;                   /* table → position in lists (keys owned) */
	struct backfill_list *lists;
	size_t n_lists, cap_lists;
};

/*
 * What the migrations after one do, for the rules that look ahead
 * (analyze_later.c), each part read the first time a rule asks.
 */
struct later_drop {
	size_t at;                              /* the migration */
	const struct migration_op *op;          /* an X.drop(...) call in its upgrade() */
};

struct later_index {
	bool added_read, drops_read;
	size_t *first_op;               /* per migration: the number of its first upgrade() op */
	struct strmap add_tables;       /* table → position in add_columns */
	struct strmap *add_columns;     /* column → number of the last op that adds it */
	size_t n_add, cap_add;
	struct strmap dropped_types;    /* enum type → the last migration whose SQL drops it */
	struct later_drop *drops;
	size_t n_drops, cap_drops;
};

/* What one migration's checks see. */
struct ctx {
	const struct analysis_config *cfg;
	const struct analysis_input *in;
	size_t at;                      /* position in review order */
	struct schema *schema;          /* as it was before the current operation */
	const struct migration *m;
	struct migration *const *all;   /* every migration, in review order */
	size_t n_all;
	struct findings *out;
	bool lock_timeout_seen;         /* SET lock_timeout, or missing-lock-timeout said once */
	struct strvec sql_tables;       /* made by CREATE [TEMP] TABLE in this upgrade's SQL */
	bool postgresql_only_seen;      /* postgresql-only-sql said once */
	size_t first_creation;          /* first upgrade() op that may create a table, or n_ops */
	size_t first_unnamed_creation;  /* ... one whose name is not known, or n_ops */
	size_t first_fk, first_enum;    /* the first of schema's fks and enums it makes */
	struct sql_script *up_sql;      /* each upgrade() op's literal SQL, scanned once */
	struct sql_script *down_sql;    /* the same for downgrade() */
	struct backfill_index *backfills;       /* of the migrations before this one */
	struct later_index *later;      /* of the migrations after it */
};

/*
 * The statements of the literal SQL of op, an operation of the migration
 * being checked (op_sql(), scanned once); NULL when it has none.
 */
const struct sql_script *op_script(const struct ctx *c, const struct migration_op *op);

/*
 * Adds a finding of rule unless the rule is disabled or does not apply
 * to the dialect; severity as configured (large tables raise large-table
 * rules to error).  table may be NULL.
 */
int report(struct ctx *c, enum rule_id rule, const char *table, unsigned line, unsigned col,
	   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The same, at the operation's call. */
int report_op(struct ctx *c, enum rule_id rule, const char *table,
	      const struct migration_op *op, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Created by the migration being checked, by an op.* call or in its SQL
 * (a temporary table too): nothing of it can be in use yet.
 */
bool is_new(const struct ctx *c, const char *table);

/* drop-column-still-read: the application still names the dropped column. */
int check_still_read(struct ctx *c, const struct migration_op *op, const char *table,
		     const char *column);

/* Listed in large_tables, and not created by the migration being checked. */
bool is_large(const struct ctx *c, const char *table);

/*
 * The identity of a statement's table in the replay: "schema.table" when
 * the SQL names a schema other than public, else the table (into buf).
 */
const char *sql_table_key(const struct sql_stmt *st, char *buf, size_t size);

/* is_new() of that table. */
bool is_new_stmt(const struct ctx *c, const struct sql_stmt *st);

/*
 * Is there a backfill of table.column before SET NOT NULL at upto, in this
 * upgrade or in an earlier migration (analyze_backfill.c)?  1 yes, 0 no,
 * -1 out of memory.
 */
int backfilled(const struct ctx *c, const struct migration_op *upto, const char *table,
	       const char *column);

/* Indexes the backfills of the migration just checked, for the ones after it. */
int backfills_add(struct backfill_index *ix, const struct ctx *c);
void backfills_free(struct backfill_index *ix);

/*
 * Is table.column added again after op, an upgrade() op of the migration
 * being checked, there or in a later migration?  1 yes, 0 no, -1 out of memory.
 */
int added_back(const struct ctx *c, const struct migration_op *op, const char *table,
	       const char *column);

/* Does the upgrade() of a later migration drop enum type name?  The same answers. */
int dropped_later(const struct ctx *c, const char *name);

void later_free(struct later_index *ix);

/* Is op, a call in m, X.drop(...) of enum type name (inline Enum(name=...) or a module-level one)? */
bool drop_of_enum(const struct migration *m, const struct migration_op *op, const char *name);

/* Integer widths and string lengths, to tell a narrowing change; -1 if unknown. */
long type_rank(const struct pyarg *t, bool *is_string);

/* The rules on downgrade() (analyze_down.c), for the migration as a whole. */
int check_functions(struct ctx *c);
int check_inverse(struct ctx *c);
int check_drops_restored(struct ctx *c);
int check_enums(struct ctx *c);
int check_destructive_downgrade(struct ctx *c);

/* Does upgrade() create this table, or this column on it, with op.* calls? */
bool upgrade_creates(const struct ctx *c, const char *table, const char *column);

/* The rules on the literal SQL of one execute(), in upgrade() or downgrade(). */
int check_sql(struct ctx *c, const struct migration_op *op, bool downgrade);

/* identifier-too-long (analyze_names.c): the names one upgrade() operation gives. */
int check_names(struct ctx *c, const struct migration_op *op);

/* missing-lock-timeout: called for each upgrade() operation before it is replayed. */
int check_lock_timeout(struct ctx *c, const struct migration_op *op);

#endif

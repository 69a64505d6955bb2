/*
 * PostgreSQL's table-level lock modes and what each one blocks: the
 * conflict table of the PostgreSQL documentation ("Explicit Locking",
 * Table 13.2, "Conflicting Lock Modes"), said once here for the evidence
 * of `migreview test`.  Every string it hands out is static.
 */
#ifndef MIGREVIEW_PGLOCKS_H
#define MIGREVIEW_PGLOCKS_H

#include <stdbool.h>

/* weakest to strongest, as the documentation lists them */
enum pg_lock_mode {
	PG_ACCESS_SHARE,
	PG_ROW_SHARE,
	PG_ROW_EXCLUSIVE,
	PG_SHARE_UPDATE_EXCLUSIVE,
	PG_SHARE,
	PG_SHARE_ROW_EXCLUSIVE,
	PG_EXCLUSIVE,
	PG_ACCESS_EXCLUSIVE,
	PG_LOCK_MODES
};

/* The mode pg_locks names ("AccessExclusiveLock"); PG_LOCK_MODES if none. */
enum pg_lock_mode pglock_from_pg(const char *name);

/* "AccessExclusiveLock", as pg_locks names it; "?" for PG_LOCK_MODES. */
const char *pglock_pg_name(enum pg_lock_mode m);

/* "ACCESS EXCLUSIVE", as the documentation and LOCK TABLE name it. */
const char *pglock_name(enum pg_lock_mode m);

/* s as one of pg_class.relkind's letters ('r' table, 'i' index, ...), or 0 if it is none. */
char pg_relkind(const char *s);

/* Whether a lock in mode a keeps a lock in mode b waiting (and so b, a). */
bool pglock_conflicts(enum pg_lock_mode a, enum pg_lock_mode b);

/*
 * What m keeps waiting, in words, from the conflict table: plain reads
 * (SELECT takes ACCESS SHARE), writes (INSERT, UPDATE, DELETE take ROW
 * EXCLUSIVE), and the DDL and maintenance that take the modes in between.
 */
const char *pglock_blocks(enum pg_lock_mode m);

#endif

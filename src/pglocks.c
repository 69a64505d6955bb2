/* PostgreSQL's table-level lock conflict table (see pglocks.h). */
#include "config.h"

#include <string.h>

#include "migreview/pglocks.h"

#define BIT(m) (1u << (m))
#define ALL (BIT(PG_LOCK_MODES) - 1)

static const struct {
	const char *pg;                 /* as pg_locks.mode says it */
	const char *name;
	unsigned conflicts;             /* BIT() of the modes it conflicts with */
} modes[PG_LOCK_MODES] = {
	[PG_ACCESS_SHARE] = { "AccessShareLock", "ACCESS SHARE", BIT(PG_ACCESS_EXCLUSIVE) },
	[PG_ROW_SHARE] = { "RowShareLock", "ROW SHARE",
		BIT(PG_EXCLUSIVE) | BIT(PG_ACCESS_EXCLUSIVE) },
	[PG_ROW_EXCLUSIVE] = { "RowExclusiveLock", "ROW EXCLUSIVE",
		ALL & ~(BIT(PG_ACCESS_SHARE) | BIT(PG_ROW_SHARE) | BIT(PG_ROW_EXCLUSIVE) |
			BIT(PG_SHARE_UPDATE_EXCLUSIVE)) },
	[PG_SHARE_UPDATE_EXCLUSIVE] = { "ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE",
		ALL & ~(BIT(PG_ACCESS_SHARE) | BIT(PG_ROW_SHARE) | BIT(PG_ROW_EXCLUSIVE)) },
	[PG_SHARE] = { "ShareLock", "SHARE",
		ALL & ~(BIT(PG_ACCESS_SHARE) | BIT(PG_ROW_SHARE) | BIT(PG_SHARE)) },
	[PG_SHARE_ROW_EXCLUSIVE] = { "ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE",
		ALL & ~(BIT(PG_ACCESS_SHARE) | BIT(PG_ROW_SHARE)) },
	[PG_EXCLUSIVE] = { "ExclusiveLock", "EXCLUSIVE", ALL & ~BIT(PG_ACCESS_SHARE) },
	[PG_ACCESS_EXCLUSIVE] = { "AccessExclusiveLock", "ACCESS EXCLUSIVE", ALL },
};

enum pg_lock_mode
pglock_from_pg(const char *name)
{
	for (int m = 0; m < PG_LOCK_MODES; m++)
		if (name && !strcmp(name, modes[m].pg))
			return m;
	return PG_LOCK_MODES;
}

const char *
pglock_pg_name(enum pg_lock_mode m)
{
	return m < PG_LOCK_MODES ? modes[m].pg : "?";
}

const char *
pglock_name(enum pg_lock_mode m)
{
	return m < PG_LOCK_MODES ? modes[m].name : "?";
}

bool
pglock_conflicts(enum pg_lock_mode a, enum pg_lock_mode b)
{
	return a < PG_LOCK_MODES && b < PG_LOCK_MODES && (modes[a].conflicts & BIT(b));
}

const char *
pglock_blocks(enum pg_lock_mode m)
{
	/* what the statements of an application take: reads, then writes */
	if (pglock_conflicts(m, PG_ACCESS_SHARE))
		return "blocks reads and writes";
	if (pglock_conflicts(m, PG_ROW_SHARE))
		return "blocks writes and SELECT FOR UPDATE; plain reads go on";
	if (pglock_conflicts(m, PG_ROW_EXCLUSIVE))
		return "blocks writes, VACUUM and DDL; reads go on";
	if (pglock_conflicts(m, PG_SHARE_UPDATE_EXCLUSIVE))
		return "blocks VACUUM, ANALYZE and DDL; reads and writes go on";
	if (pglock_conflicts(m, PG_SHARE))
		return "blocks DDL that takes SHARE or stronger; reads and writes go on";
	if (pglock_conflicts(m, PG_EXCLUSIVE))
		return "blocks only EXCLUSIVE and ACCESS EXCLUSIVE; reads and writes go on";
	return "blocks only ACCESS EXCLUSIVE (DDL that rewrites or drops); reads and writes go on";
}

char
pg_relkind(const char *s)
{
	return s && strlen(s) == 1 && strchr("rimptSvfcIP", s[0]) ? s[0] : 0;
}

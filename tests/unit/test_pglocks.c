/*
 * The lock conflict table against the PostgreSQL documentation, Table 13.2
 * "Conflicting Lock Modes" (Explicit Locking), copied here as it is printed:
 * a row per requested mode, an X per mode already held that it waits for.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "migreview/pglocks.h"

static const char *const documented[PG_LOCK_MODES] = {
	/* AS RS RE SUE S  SRE E  AE */
	"  .  .  .  .  .  .  .  X",   /* ACCESS SHARE */
	"  .  .  .  .  .  .  X  X",   /* ROW SHARE */
	"  .  .  .  .  X  X  X  X",   /* ROW EXCLUSIVE */
	"  .  .  .  X  X  X  X  X",   /* SHARE UPDATE EXCLUSIVE */
	"  .  .  X  X  .  X  X  X",   /* SHARE */
	"  .  .  X  X  X  X  X  X",   /* SHARE ROW EXCLUSIVE */
	"  .  X  X  X  X  X  X  X",   /* EXCLUSIVE */
	"  X  X  X  X  X  X  X  X",   /* ACCESS EXCLUSIVE */
};

Test(pglocks, conflicts_as_documented)
{
	for (int a = 0; a < PG_LOCK_MODES; a++)
		for (int b = 0; b < PG_LOCK_MODES; b++)
			cr_expect_eq(pglock_conflicts(a, b), documented[a][2 + 3 * b] == 'X',
				     "%s against %s", pglock_name(a), pglock_name(b));
}

Test(pglocks, names_of_pg_locks)
{
	cr_expect_eq(pglock_from_pg("AccessExclusiveLock"), PG_ACCESS_EXCLUSIVE);
	cr_expect_eq(pglock_from_pg("ShareUpdateExclusiveLock"), PG_SHARE_UPDATE_EXCLUSIVE);
	cr_expect_eq(pglock_from_pg("ShareLock"), PG_SHARE);
	cr_expect_eq(pglock_from_pg("RowShareLock"), PG_ROW_SHARE);
	cr_expect_eq(pglock_from_pg("SIReadLock"), PG_LOCK_MODES);
	cr_expect_eq(pglock_from_pg(NULL), PG_LOCK_MODES);
	cr_expect_str_eq(pglock_name(PG_SHARE_ROW_EXCLUSIVE), "SHARE ROW EXCLUSIVE");
	cr_expect_str_eq(pglock_name(PG_LOCK_MODES), "?");
}

Test(pglocks, what_each_mode_blocks)
{
	cr_expect_str_eq(pglock_blocks(PG_ACCESS_EXCLUSIVE), "blocks reads and writes");
	cr_expect_str_eq(pglock_blocks(PG_EXCLUSIVE),
			 "blocks writes and SELECT FOR UPDATE; plain reads go on");
	cr_expect_str_eq(pglock_blocks(PG_SHARE_ROW_EXCLUSIVE),
			 "blocks writes, VACUUM and DDL; reads go on");
	cr_expect_str_eq(pglock_blocks(PG_SHARE), "blocks writes, VACUUM and DDL; reads go on");
	cr_expect_str_eq(pglock_blocks(PG_SHARE_UPDATE_EXCLUSIVE),
			 "blocks VACUUM, ANALYZE and DDL; reads and writes go on");
	cr_expect(strstr(pglock_blocks(PG_ROW_EXCLUSIVE), "reads and writes go on"));
	cr_expect(strstr(pglock_blocks(PG_ROW_SHARE), "reads and writes go on"));
	cr_expect(strstr(pglock_blocks(PG_ACCESS_SHARE), "only ACCESS EXCLUSIVE"));
}

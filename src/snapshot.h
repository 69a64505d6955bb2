/*
 * The snapshot: a project's migration files as they were when last read
 * whole, kept in the parse cache's directory (parsecache.h), one per
 * project, so that a file unchanged since is not read again to learn its
 * content id, header and findings: what git's index does for `git status`.
 *
 * A file is unchanged when its device, inode, size, and modification and
 * change times (to the nanosecond) are those kept.  As git's index has its
 * racy entries, a file whose change time is less than SNAPSHOT_SETTLED
 * seconds before it was looked at is never kept: a write in the same tick
 * of the clock as the read would leave every time as it was.  Only a file
 * whose header and findings come from its content alone is kept (not one
 * whose header names another module's constants).  An entry of another
 * build, a damaged or truncated snapshot is no snapshot.  The parse cache's
 * switches turn it off too.
 *
 * Thread-safe to read (snapshot_take) from several loaders at once.
 */
#ifndef MIGREVIEW_SNAPSHOT_H
#define MIGREVIEW_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "migreview/finding.h"
#include "migreview/project.h"
#include "migreview/revision.h"

#define SNAPSHOT_SETTLED 2

struct snapshot;

/* p's snapshot, NULL when there is none fit to use (or memory runs out). */
struct snapshot *snapshot_load(const struct project *p);
/*
 * The snapshot in buf (taken, len bytes); trusted: whatever build it names,
 * its checksum unchecked (for the fuzz harness).  NULL when it is malformed.
 */
struct snapshot *snapshot_parse(unsigned char *buf, size_t len, bool trusted);
void snapshot_free(struct snapshot *s);
/* How many files s has (0 for NULL). */
size_t snapshot_count(const struct snapshot *s);

/*
 * Fills rev (its path and relpath set) as the file at relpath, looked at as
 * st, was read: blob, stamp, header, and its findings added to fs for
 * revision index.  1; 0 when the snapshot has not the file as it is now;
 * -1 when memory runs out.
 */
int snapshot_take(const struct snapshot *s, const char *relpath, const struct stat *st,
		  struct revision *rev, struct findings *fs, size_t index);

/*
 * One file's record: rev as read from the file looked at as st just before
 * (since, the clock then), with its findings fs[first..]; NULL when it is
 * not to be kept (changed too lately, not read whole, or read from more
 * than its content) or memory runs out.
 */
unsigned char *snapshot_record(const char *relpath, const struct stat *st, time_t since,
			       const struct revision *rev, const struct findings *fs,
			       size_t first, size_t *len);

/* Keeps records[0..n) (NULL ones skipped) as p's snapshot.  Failing to write is not an error. */
void snapshot_store(const struct project *p, unsigned char *const *records,
		    const size_t *lens, size_t n);

#endif

/*
 * The parse cache: what revision_load() makes of a file's content (the
 * header fields of struct revision, the findings about the file, and its
 * struct migration when asked for), kept per content in the user's cache
 * directory so that a file seen before is not parsed again.
 *
 * Entries live in $XDG_CACHE_HOME/migreview (else ~/.cache/migreview),
 * named by the content's git blob id the way git stores objects (ab/cdef...),
 * and never anywhere a project's settings say.  Each entry records the build
 * that wrote it (migreview's version, the cache format, the grammar's ABI and
 * pinned package, a hash of the running executable) and a checksum of its
 * payload: an entry of another build, a corrupt or a truncated one is a miss,
 * and the parse that follows rewrites it.  Writers rename a finished
 * temporary file into place, so concurrent runs never see a torn entry.  A
 * cache directory that cannot be made or read means working uncached,
 * quietly.  MIGREVIEW_CACHE=off in the environment, or `set cache = false`
 * in the user's configuration (userconf.h), turns the cache off.
 *
 * Every function is safe to call from several threads at once.
 */
#ifndef MIGREVIEW_PARSECACHE_H
#define MIGREVIEW_PARSECACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/finding.h"
#include "migreview/revision.h"

/* Bumped whenever what revision_load() extracts, or the entry layout, changes. */
#define PARSECACHE_FORMAT 1

/* The pinned tree-sitter-python package (grammar/package-lock.json), built in. */
extern const char parsecache_grammar[];

/* Whether the cache is on; the first call decides, for the whole process. */
bool parsecache_enabled(void);

/*
 * Fills rev's header fields (id, down, labels, deps, message, line_*) and,
 * when flags ask for REVISION_LOAD_MIGRATION, rev->migration from the entry
 * for blob (40 hex digits), and adds its findings to fs for rev->relpath and
 * revision index.  1 on a hit; 0 on a miss, rev and fs untouched; -1 when
 * memory runs out.
 */
int parsecache_load(const char *blob, unsigned flags, struct revision *rev,
		    struct findings *fs, size_t index);

/*
 * Keeps what a parse of the content blob made: rev's header fields, its
 * migration when flags asked for it, and the findings about it, those of fs
 * from index first on.  Failing to write is not an error: the entry is
 * simply not there.
 */
void parsecache_store(const char *blob, unsigned flags, const struct revision *rev,
		      const struct findings *fs, size_t first);

/* What the cache did in this process, for the tests and measurements. */
struct parsecache_stats {
	size_t hits;
	size_t misses;          /* no entry */
	size_t rejected;        /* an entry of another build, corrupt, truncated, or
				   without the migration asked for */
	size_t stored;
};
void parsecache_stats(struct parsecache_stats *out);

/*
 * Decodes an entry (the bytes of a cache file) as parsecache_load() does,
 * without looking at the build it names: 1 and rev and fs filled when it is
 * well formed, 0 when not, -1 when memory runs out.  For the fuzz harness.
 */
int parsecache_decode(const unsigned char *buf, size_t len, unsigned flags,
		      struct revision *rev, struct findings *fs, size_t index);

#endif

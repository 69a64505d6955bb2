/*
 * The parse cache's entries, between parsecache.c (where they live, which
 * build may believe them) and parsecache_entry.c (what one holds, byte by
 * byte).
 */
#ifndef MIGREVIEW_PARSECACHE_INT_H
#define MIGREVIEW_PARSECACHE_INT_H

#include <stdint.h>

#include "migreview/parsecache.h"

#define PARSECACHE_BLOB_RAW 20          /* a blob id's bytes */
#define PARSECACHE_HEADER 60            /* no entry is shorter */
/* What an entry may hold: a migration's entry is about as large as its source. */
#define PARSECACHE_ENTRY_MAX (4 * REVISION_MAX_ANALYSED)

/*
 * The entry for content blob written by this build (exe: the executable's
 * hash) of what revision_load() read with flags: rev and the findings of fs
 * from first on.  A new buffer in *out, or NULL when memory runs out or the
 * entry would be too large or too deep to read back.
 */
unsigned char *parsecache_encode(const unsigned char *blob, uint64_t exe, unsigned flags,
				 const struct revision *rev, const struct findings *fs,
				 size_t first, size_t *len);

/*
 * Decodes an entry into rev and fs as parsecache_load() says: 1, 0 when buf
 * is no good entry of build exe for blob (blob NULL: of any build, its
 * checksum unchecked), -1 when memory runs out.
 */
int parsecache_entry_decode(const unsigned char *buf, size_t len, const unsigned char *blob,
			    uint64_t exe, unsigned want, struct revision *rev,
			    struct findings *fs, size_t index);

/* A revision's header (id, down, labels, deps, message and their lines) as an entry has it. */
struct cb_out;
void parsecache_put_revision(struct cb_out *o, const struct revision *rev);

/*
 * What else lives in the cache's directory (the analysis cache): the
 * build's hash, and a file there by name ("dir/file"), written and read as
 * entries are.  parsecache_put() is false when the cache is off or the file
 * could not be written; parsecache_get() gives the whole file of min to max
 * bytes, or NULL.
 */
uint64_t parsecache_build(void);
/* Where an entry names its content's blob (its 20 bytes). */
#define PARSECACHE_OFF_BLOB 24
/* A blob id's 40 lowercase hex digits as 20 bytes (false for anything else), and back. */
bool parsecache_blob_raw(const char *hex, unsigned char raw[PARSECACHE_BLOB_RAW]);
void parsecache_blob_hex(const unsigned char raw[PARSECACHE_BLOB_RAW],
			 char hex[2 * PARSECACHE_BLOB_RAW + 1]);
/* "kind/DIGEST": the one entry of kind for project p (its ini, section and script directory). */
struct project;
char *parsecache_project_entry(const struct project *p, const char *kind);
bool parsecache_put(const char *name, const unsigned char *buf, size_t len);
unsigned char *parsecache_get(const char *name, size_t min, size_t max, size_t *len);

#endif

/*
 * The analysis cache: a project's findings as report_collect_since() made
 * them, kept in the parse cache's directory (parsecache.h) so that checking
 * a project that has not changed does not replay every migration again.
 *
 * One entry per project (its ini, section and script directory), replaced
 * whenever what it was made of changes.  The entry records a digest (SHA-1)
 * of everything the findings are made of: the build (the executable's hash,
 * as the parse cache's entries do), every field of the analysis_config (the
 * settings, the naming convention, the production sizes and whether they
 * are stale today), the application code and which revisions have not
 * shipped, and the graph: each revision's path, content id and header, the
 * review order, the merge points, and the graph's own findings.  An entry
 * of another digest, a corrupt or a truncated one is a miss.  The parse
 * cache's switches (MIGREVIEW_CACHE=off, `set cache = false`) turn it off
 * too.
 */
#ifndef MIGREVIEW_ANALYSISCACHE_H
#define MIGREVIEW_ANALYSISCACHE_H

#include "migreview/finding.h"
#include "migreview/graph.h"
#include "migreview/project.h"
#include "migreview/settings.h"

#define ANALYSISCACHE_DIGEST 20

struct analysiscache_key {
	unsigned char digest[ANALYSISCACHE_DIGEST];
	char *name;             /* the project's entry, relative to the cache directory */
	size_t n_revs;          /* the graph's revisions: what a finding may belong to */
};

/*
 * The key of what the analysis of g under cfg (its app and unshipped set)
 * would find for project p: 0 (with the cache off, a key that nothing is
 * kept for); -1 when memory runs out.
 */
int analysiscache_key(const struct project *p, const struct graph *g,
		      const struct analysis_config *cfg, struct analysiscache_key *key);
void analysiscache_key_free(struct analysiscache_key *key);

/* The findings kept for key into out (emptied first): 1; 0 on a miss; -1 when memory runs out. */
int analysiscache_load(const struct analysiscache_key *key, struct findings *out);

/* Keeps fs as what key finds.  Failing to write is not an error. */
void analysiscache_store(const struct analysiscache_key *key, const struct findings *fs);

/* What the cache did in this process, for the tests. */
struct analysiscache_stats {
	size_t hits, misses, stored;
};
void analysiscache_stats(struct analysiscache_stats *out);

/* Decodes an entry's bytes as analysiscache_load() does, whatever its digest: for the fuzz harness. */
int analysiscache_decode(const unsigned char *buf, size_t len, struct findings *out);

#endif

/*
 * The bytes of the cache's entries (parsecache_entry.c, analysiscache.c):
 * numbers as canonical LEB128, strings as their length plus one (0 for
 * NULL) and their bytes.  A writer grows up to its max and then fails; a
 * reader goes bad at anything unexpected, never past its end.
 */
#ifndef MIGREVIEW_CACHEBYTES_H
#define MIGREVIEW_CACHEBYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migreview/util.h"

struct cb_out {
	unsigned char *v;
	size_t n, cap;
	size_t max;             /* what it may grow to */
	bool failed;            /* out of memory, or too deep or large to keep */
	int depth;              /* for a writer of nested things */
};

void cb_put_bytes(struct cb_out *o, const void *p, size_t len);
void cb_put_u(struct cb_out *o, uint64_t v);
void cb_put_str(struct cb_out *o, const char *s);
void cb_put_strvec(struct cb_out *o, const struct strvec *sv);

struct cb_in {
	const unsigned char *p, *end;
	bool bad;
	int depth;              /* for a reader of nested things */
	size_t args_left;       /* what the parse cache's entry may still hold (parsecache_entry.c) */
};

/* A canonical LEB128 number no larger than max. */
uint64_t cb_get_u(struct cb_in *in, uint64_t max);

/* Fixed-width little-endian numbers, as the entries' headers have them. */
void cb_le32_put(unsigned char *p, uint32_t v);
void cb_le64_put(unsigned char *p, uint64_t v);
uint32_t cb_le32(const unsigned char *p);
uint64_t cb_le64(const unsigned char *p);

#endif

/*
 * A JSON writer that streams to a FILE, for the reports too big to hold as
 * a jansson document (check --format json and sarif: tens of megabytes on a
 * large project).  It writes what json_dumpf(doc, f, JSON_INDENT(2) |
 * JSON_ENSURE_ASCII) writes for the same document, byte for byte: those
 * reports were jansson's, and CI jobs compare them.  Small documents and
 * everything read stay with jansson.
 *
 * Values go in document order: jsonout_key() before each member of an
 * object, and the writer puts the commas, line breaks and indentation.  The
 * caller owns the FILE; the writer buffers and writes it in jsonout_finish().
 */
#ifndef MIGREVIEW_JSONOUT_H
#define MIGREVIEW_JSONOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSONOUT_MAX_DEPTH 64

struct jsonout {
	FILE *f;
	unsigned depth;         /* containers open */
	uint64_t filled;        /* bit d: the container at depth d + 1 has a member */
	bool keyed;             /* a key is written: the value follows it on its line */
	bool failed;            /* a write failed, a string was not UTF-8, too deep */
	size_t used;
	char buf[1 << 16];
};

void jsonout_init(struct jsonout *w, FILE *f);
void jsonout_begin_object(struct jsonout *w);
void jsonout_end_object(struct jsonout *w);
void jsonout_begin_array(struct jsonout *w);
void jsonout_end_array(struct jsonout *w);
void jsonout_key(struct jsonout *w, const char *key);
void jsonout_string(struct jsonout *w, const char *s);
/* s of len bytes, NULs included; not UTF-8 fails the writer, as it fails jansson's dump */
void jsonout_stringn(struct jsonout *w, const char *s, size_t len);
void jsonout_int(struct jsonout *w, long long v);
/* v (finite) to one decimal: a duration in milliseconds */
void jsonout_tenths(struct jsonout *w, double v);
void jsonout_bool(struct jsonout *w, bool v);
void jsonout_null(struct jsonout *w);
/* Whether nothing failed so far (a write may fail later, at the buffer's next flush). */
bool jsonout_ok(const struct jsonout *w);
/* Writes out the buffer: 0, or -1 when anything failed. */
int jsonout_finish(struct jsonout *w);

/*
 * Whether jansson takes s (len bytes) as a string: valid UTF-8, no overlong
 * form, no surrogate, nothing past U+10FFFF.  json_string() and json_pack()
 * refuse any other, and the value that held it is left out of the document.
 */
bool jsonout_utf8(const char *s, size_t len);

#endif

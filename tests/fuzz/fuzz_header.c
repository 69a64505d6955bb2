/*
 * The header scanner against the parser on arbitrary source: whatever
 * pysrc_header_scan() accepts in a file without a syntax error,
 * pysrc_read_header() must read the same (the first screen shows the
 * scanner's graph until the files are parsed), and neither may crash.  A
 * difference aborts, so the fuzzer keeps the input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migreview/pysrc.h"

static bool
same_value(const struct pyval *a, const struct pyval *b)
{
	if (a->kind != b->kind || a->is_sequence != b->is_sequence || a->line != b->line ||
	    a->col != b->col || a->items.n != b->items.n)
		return false;
	for (size_t i = 0; i < a->items.n; i++)
		if (strcmp(a->items.v[i], b->items.v[i]) != 0)
			return false;
	return true;
}

static bool
same_header(const struct pysrc_header *a, const struct pysrc_header *b)
{
	return same_value(&a->revision, &b->revision) &&
	       same_value(&a->down_revision, &b->down_revision) &&
	       same_value(&a->branch_labels, &b->branch_labels) &&
	       same_value(&a->depends_on, &b->depends_on) && !a->message == !b->message &&
	       (!a->message || !strcmp(a->message, b->message));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pysrc_parser *parser;
	struct pysrc_header scanned, parsed;
	struct mr_error err;
	const char *src = (const char *)data;
	int rc;

	if (!parser && !(parser = pysrc_parser_new()))
		abort();
	/* revision_load() refuses NUL bytes before either reads the file */
	if (memchr(data, '\0', size) || pysrc_header_scan(src, size, &scanned) != 1)
		return 0;
	rc = pysrc_read_header(parser, src, size, &parsed, &err);
	/* around a syntax error the parser reads its own way: the session compares then */
	if (rc == 0 && !parsed.parse_error && !same_header(&scanned, &parsed)) {
		fprintf(stderr, "fuzz_header: the scanner and the parser read different headers\n");
		abort();
	}
	if (rc == 0)
		pysrc_header_free(&parsed);
	pysrc_header_free(&scanned);
	return 0;
}

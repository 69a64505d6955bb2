/*
 * The analysis cache's entries and the snapshot (analysiscache.h,
 * src/snapshot.h) on arbitrary bytes, their checksums unchecked: what
 * decodes must be whole (every finding with its rule, path and message, of
 * a revision in range; every file of the snapshot found by its path), and
 * nothing may crash.  A broken promise aborts, so the fuzzer keeps the input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "migreview/analysiscache.h"
#include "snapshot.h"

static void
entry(const uint8_t *data, size_t size)
{
	struct findings fs;

	if (analysiscache_decode(data, size, &fs) != 1)
		return;
	for (size_t i = 0; i < fs.n; i++)
		if (!fs.v[i].rule || !fs.v[i].path || !fs.v[i].message)
			abort();
	findings_free(&fs);
}

static void
snapshot(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size + 1);
	struct snapshot *s;

	if (!buf)
		return;
	memcpy(buf, data, size);
	s = snapshot_parse(buf, size, true);
	/* a stat no file has: nothing is taken, whatever the snapshot holds */
	if (s) {
		struct stat st = { 0 };
		struct revision rev = { 0 };
		struct findings fs = { 0 };

		if (snapshot_take(s, "a.py", &st, &rev, &fs, 0) == 1 && !rev.blob[0])
			abort();
		revision_free(&rev);
		findings_free(&fs);
	}
	snapshot_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	entry(data, size);
	snapshot(data, size);
	return 0;
}

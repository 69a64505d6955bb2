/*
 * The parse cache's entry reader on arbitrary bytes: decoded as an entry
 * whatever build it names (without its checksum), and read from the cache
 * as a stored file would be.  An entry that decodes must store and load back
 * to the same header and findings.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migreview/parsecache.h"

/* The content id the entries are filed under: any 40 hex digits do. */
static const char blob[] = "0123456789abcdef0123456789abcdef01234567";

static void
setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	setenv("XDG_CACHE_HOME", fuzz_dir(), 1);
	setenv("MIGREVIEW_CONFIG", "", 1);
	unsetenv("MIGREVIEW_CACHE");
	if (!parsecache_enabled())
		abort();
}

static bool
same_strvec(const struct strvec *a, const struct strvec *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/* What was decoded, stored and loaded again: the same. */
static void
round_trip(unsigned flags, const struct revision *rev, const struct findings *fs)
{
	struct revision again = { .relpath = rev->relpath };
	struct findings fs2 = { 0 };

	parsecache_store(blob, flags, rev, fs, 0);
	if (parsecache_load(blob, flags, &again, &fs2, 0) != 1 ||
	    (rev->id ? !again.id || strcmp(rev->id, again.id) : again.id != NULL) ||
	    !same_strvec(&rev->down, &again.down) || !same_strvec(&rev->deps, &again.deps) ||
	    fs2.n != fs->n || !rev->migration != !again.migration) {
		fprintf(stderr, "a decoded entry does not store and load back\n");
		abort();
	}
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].message, fs2.v[i].message) || fs->v[i].rule != fs2.v[i].rule)
			abort();
	again.relpath = NULL;
	revision_free(&again);
	findings_free(&fs2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned asks[] = { REVISION_LOAD_MIGRATION, 0 };
	char path[512];
	FILE *f;

	setup();
	for (size_t i = 0; i < sizeof(asks) / sizeof(*asks); i++) {
		struct revision rev = { .relpath = (char *)"m.py" };
		struct findings fs = { 0 };
		int rc = parsecache_decode(data, size, asks[i], &rev, &fs, 0);

		if (rc < 0)
			abort();
		if (rc == 1)
			round_trip(asks[i], &rev, &fs);
		rev.relpath = NULL;
		revision_free(&rev);
		findings_free(&fs);
	}
	/* the same bytes as the file in the cache: refused unless this build wrote them */
	snprintf(path, sizeof(path), "%s/migreview/%.2s", fuzz_dir(), blob);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", blob + 2);
	f = fopen(path, "wb");
	if (f && (fwrite(data, 1, size, f) != size || fclose(f) != 0))
		abort();
	for (size_t i = 0; i < sizeof(asks) / sizeof(*asks); i++) {
		struct revision rev = { .relpath = (char *)"m.py" };
		struct findings fs = { 0 };

		if (parsecache_load(blob, asks[i], &rev, &fs, 0) < 0)
			abort();
		rev.relpath = NULL;
		revision_free(&rev);
		findings_free(&fs);
	}
	return 0;
}

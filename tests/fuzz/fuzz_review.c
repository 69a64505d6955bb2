/*
 * The review-file reader on arbitrary bytes.  A file that loads must save
 * and load again to the same records (the writer never writes what the
 * reader refuses), and asking where a migration stands must not crash.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migreview/review.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("migrations.review", data, size);
	struct review rv, again;
	struct migration_review m;
	const struct test_run *t;
	struct mr_error err;

	if (review_load(&rv, path, &err) < 0) {
		review_free(&rv);
		return 0;
	}
	for (size_t i = 0; i < rv.n; i++)
		review_migration(&rv, rv.v[i].revision, rv.v[i].blob, 0, &m);
	for (size_t i = 0; i < rv.n_runs; i++)
		review_test_state(&rv, rv.runs[i].revision, rv.runs[i].blob, &t);
	if (review_save(&rv, &err) < 0)
		abort();        /* a file that loaded must save */
	if (review_load(&again, path, &err) < 0 || again.n != rv.n || again.n_runs != rv.n_runs) {
		fprintf(stderr, "saved review file does not load back: %s\n", err.msg);
		abort();
	}
	review_free(&again);
	review_free(&rv);
	return 0;
}

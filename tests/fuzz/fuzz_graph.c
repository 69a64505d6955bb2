/*
 * Revision extraction and graph building from arbitrary file contents: the
 * input is split at lines "#--" into up to 8 migration files of one project,
 * which graph_load() reads (headers, operations, blob ids) and builds into a
 * graph, as list, check and the UI do.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "migreview/graph.h"
#include "migreview/project.h"

#define MAX_FILES 8

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char ini[] = "[alembic]\nscript_location = %(here)s\n";
	char name[32], path[256];
	struct project p = { 0 };
	struct graph g = { 0 };
	struct mr_error err;
	size_t start = 0, files = 0;

	fuzz_write("alembic.ini", (const uint8_t *)ini, sizeof(ini) - 1);
	snprintf(path, sizeof(path), "%s/versions", fuzz_dir());
	if (access(path, F_OK) != 0 && mkdir(path, 0700) != 0)
		abort();
	for (int i = 0; i < MAX_FILES; i++) {
		snprintf(name, sizeof(name), "versions/m%d.py", i);
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
		unlink(path);
	}
	while (start <= size && files < MAX_FILES) {
		const uint8_t *cut = size - start >= 4 ?
				     memmem(data + start, size - start, "\n#--", 4) : NULL;
		size_t end = cut ? (size_t)(cut - data) : size;

		snprintf(name, sizeof(name), "versions/m%zu.py", files++);
		fuzz_write(name, data + start, end - start);
		start = end + 4;
	}
	snprintf(path, sizeof(path), "%s/alembic.ini", fuzz_dir());
	if (project_open(&p, path, NULL, &err) == 0 &&
	    graph_load(&g, &p, REVISION_LOAD_MIGRATION | REVISION_LOAD_BLOB, &err) == 0)
		graph_free(&g);
	project_free(&p);
	return 0;
}

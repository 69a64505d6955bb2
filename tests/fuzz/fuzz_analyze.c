/*
 * The rule engine on arbitrary Python: the input is split at lines "#--"
 * into up to 4 migrations analysed in order (so the schema replay carries
 * from one to the next), for PostgreSQL with a large table.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migreview/analyze.h"

#define MAX_INPUTS 4

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const relpaths[MAX_INPUTS] = { "a.py", "b.py", "c.py", "d.py" };
	char *copy = malloc(size + 1);
	struct analysis_input in[MAX_INPUTS];
	struct analysis_config cfg = { .dialect = DIALECT_POSTGRESQL };
	struct findings out = { 0 };
	struct mr_error err;
	size_t start = 0, n = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	strvec_push(&cfg.large_tables, "orders");
	while (start <= size && n < MAX_INPUTS) {
		const char *cut = size - start >= 4 ? memmem(copy + start, size - start, "\n#--", 4) : NULL;
		size_t end = cut ? (size_t)(cut - copy) : size;

		in[n] = (struct analysis_input){ copy + start, end - start, relpaths[n], n, n == 3 };
		n++;
		start = end + 4;
	}
	analyze_sources(in, n, &cfg, &out, &err);
	findings_free(&out);
	strvec_free(&cfg.large_tables);
	free(copy);
	return 0;
}

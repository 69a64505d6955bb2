/*
 * pyproject.toml on arbitrary bytes: the tree-sitter TOML grammar and the
 * flattening (every entry must be found again by its own key), then the
 * input as a project's only configuration ([tool.alembic], [tool.migreview]).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migreview/project.h"
#include "migreview/settings.h"
#include "migreview/tomlfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("pyproject.toml", data, size);
	struct tomlfile t = { 0 };
	struct project p = { 0 };
	struct analysis_config cfg;
	struct mr_error err;

	if (tomlfile_parse(&t, path, (const char *)data, size, &err) == 0)
		for (size_t i = 0; i < t.n; i++) {
			const struct toml_entry *e = &t.entries[i];
			char *name = toml_key_name(&e->key, 0);

			if (tomlfile_find(&t, (const char *const *)e->key.v, e->key.n) != e ||
			    !tomlfile_has_table(&t, (const char *const *)e->key.v, e->key.n - 1))
				abort();
			free(name);
		}
	tomlfile_free(&t);
	if (project_open(&p, path, NULL, &err) == 0 && analysis_config_load(&p, &cfg, &err) == 0)
		analysis_config_free(&cfg);
	project_free(&p);
	return 0;
}

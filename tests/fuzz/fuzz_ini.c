/*
 * alembic.ini and theme parsing on arbitrary bytes: the input is read as
 * an ini (every section and key looked up), as a project's alembic.ini
 * (interpolation, locations, [migreview] settings) and as a theme.
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "migreview/inifile.h"
#include "migreview/project.h"
#include "migreview/settings.h"
#include "tui/theme.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("alembic.ini", data, size);
	struct inifile ini = { 0 };
	struct project p = { 0 };
	struct analysis_config cfg;
	struct theme t = { 0 };
	struct mr_error err;
	char *value = NULL;

	if (inifile_load(&ini, path, &err) == 0) {
		inifile_has_section(&ini, "alembic");
		if (inifile_get(&ini, "alembic", "script_location", &value, &err) == 0)
			free(value);
	}
	inifile_free(&ini);
	if (project_open(&p, path, NULL, &err) == 0 && analysis_config_load(&p, &cfg, &err) == 0)
		analysis_config_free(&cfg);
	project_free(&p);
	if (theme_load(&t, path, &err) == 0)
		theme_reduce(&t, 8);
	theme_free(&t);
	return 0;
}

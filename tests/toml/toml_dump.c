/*
 * Prints what tomlfile_load() read from a file, one JSON object per value:
 * {"key": [...], "type": "string", "value": ...}.  tests/toml/compare runs it
 * beside Python's tomllib (the parser Alembic itself uses) on the same files.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "migreview/tomlfile.h"

static json_t *
strings(const struct strvec *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

static json_t *
entry_json(const struct toml_entry *e)
{
	static const char *const types[] = { "table", "string", "bool", "array", "other" };
	json_t *value;

	switch (e->type) {
	case TOML_STRING: value = json_string(e->text); break;
	case TOML_BOOL: value = json_boolean(e->text[0] == 't'); break;
	case TOML_ARRAY: value = e->items_other ? json_null() : strings(&e->items); break;
	default: value = json_null(); break;
	}
	return json_pack("{s:o, s:s, s:o}", "key", strings(&e->key), "type",
			 e->type == TOML_ARRAY && e->items_other ? "other" : types[e->type],
			 "value", value);
}

int
main(int argc, char **argv)
{
	struct tomlfile t;
	struct mr_error err;

	if (argc != 2) {
		fprintf(stderr, "usage: toml_dump FILE\n");
		return 2;
	}
	if (tomlfile_load(&t, argv[1], &err) < 0) {
		printf("error: %s\n", err.msg);
		tomlfile_free(&t);
		return 1;
	}
	for (size_t i = 0; i < t.n; i++) {
		json_t *j = entry_json(&t.entries[i]);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

		if (!s)
			return 2;
		printf("%s\n", s);
		free(s);
		json_decref(j);
	}
	tomlfile_free(&t);
	return 0;
}

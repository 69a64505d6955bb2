/* pyproject.toml's [tool.alembic] and [tool.migreview], as Alembic 1.16 reads them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project_int.h"

static const char *const tool_alembic[] = { "tool", "alembic" };

bool
project_has_tool_alembic(const struct project *p)
{
	return p->has_toml && tomlfile_has_table(&p->toml, tool_alembic, 2);
}

/*
 * A file that does not parse but mentions tool.alembic is taken too: the
 * project is there, and opening it reports where the file is broken.
 */
bool
project_toml_has_alembic(const char *path)
{
	struct tomlfile t = { 0 };
	char *text = NULL;
	size_t len = 0;
	bool has;

	if (!mr_is_file(path) || mr_read_file(path, MR_FILE_PYPROJECT, &text, &len, NULL) < 0)
		return false;
	if (tomlfile_parse(&t, path, text, len, NULL) < 0)
		has = memmem(text, len, "tool.alembic", 12) != NULL;
	else
		has = tomlfile_has_table(&t, tool_alembic, 2);
	tomlfile_free(&t);
	free(text);
	return has;
}

/* tool.TABLE.KEY, KEY split at its dots, else KEY whole (a quoted key). */
static const struct toml_entry *
find(const struct project *p, const char *table, const char *key)
{
	const char *path[16] = { "tool", table };
	char buf[256];
	size_t depth = 2;
	const struct toml_entry *e;

	if (!p->has_toml)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", key);
	for (char *part = strtok(buf, "."); part && depth < MR_ARRAY_SIZE(path);
	     part = strtok(NULL, "."))
		path[depth++] = part;
	if ((e = tomlfile_find(&p->toml, path, depth)) || depth == 3)
		return e;
	path[2] = key;
	return tomlfile_find(&p->toml, path, 3);
}

static int
wrong_type(const struct project *p, const struct toml_entry *e, const char *table,
	   const char *key, const char *want, struct mr_error *err)
{
	return mr_error_set(err, "%s:%u:%u: [tool.%s] %s must be %s", p->toml.path, e->line,
			    e->col, table, key, want);
}

/*
 * Python's "%" formatting with {"here": the file's directory}, as Alembic
 * applies it to every TOML string: %(here)s and %% only.
 */
static int
expand(const struct project *p, const struct toml_entry *e, const char *table, const char *key,
       const char *s, char **out, struct mr_error *err)
{
	size_t here = strlen(p->toml.here), len = 0;
	char *o;

	for (const char *c = s; *c; c++)
		len += !strncmp(c, "%(here)s", 8) ? here : 1;
	if (!(o = *out = malloc(len + 1)))
		return mr_error_oom(err);
	for (const char *c = s; *c;) {
		if (!strncmp(c, "%(here)s", 8)) {
			memcpy(o, p->toml.here, here);
			o += here;
			c += 8;
		} else if (c[0] == '%' && c[1] == '%') {
			*o++ = '%';
			c += 2;
		} else if (c[0] == '%') {
			free(*out);
			*out = NULL;
			return mr_error_set(err, "%s:%u:%u: [tool.%s] %s: '%%' must be written '%%%%' "
					    "(only %%(here)s is replaced)", p->toml.path, e->line, e->col,
					    table, key);
		} else {
			*o++ = *c++;
		}
	}
	*o = '\0';
	return 0;
}

int
project_toml_string(const struct project *p, const char *table, const char *key, bool join,
		    char **out, struct mr_error *err)
{
	const struct toml_entry *e = find(p, table, key);
	char *joined;
	size_t len = 1;
	int rc;

	*out = NULL;
	if (!e)
		return 0;
	if (e->type == TOML_STRING)
		return expand(p, e, table, key, e->text, out, err);
	if (!join || e->type != TOML_ARRAY || e->items_other)
		return wrong_type(p, e, table, key,
				  join ? "a string or an array of strings" : "a string", err);
	for (size_t i = 0; i < e->items.n; i++)
		len += strlen(e->items.v[i]) + 2;
	if (!(joined = malloc(len)))
		return mr_error_oom(err);
	joined[0] = '\0';
	for (size_t i = 0; i < e->items.n; i++)
		strcat(strcat(joined, i ? ", " : ""), e->items.v[i]);
	rc = expand(p, e, table, key, joined, out, err);
	free(joined);
	return rc;
}

int
project_toml_strings(const struct project *p, const char *table, const char *key,
		     struct strvec *out, bool *found, struct mr_error *err)
{
	const struct toml_entry *e = find(p, table, key);

	*found = e != NULL;
	if (!e)
		return 0;
	if (e->type != TOML_ARRAY || e->items_other)
		return wrong_type(p, e, table, key, "an array of strings", err);
	for (size_t i = 0; i < e->items.n; i++) {
		char *s;

		if (expand(p, e, table, key, e->items.v[i], &s, err) < 0)
			return -1;
		if (strvec_push_owned(out, s) < 0)
			return mr_error_oom(err);
	}
	return 0;
}

int
project_toml_bool(const struct project *p, const char *table, const char *key, int *out,
		  struct mr_error *err)
{
	const struct toml_entry *e = find(p, table, key);

	*out = -1;
	if (!e)
		return 0;
	if (e->type != TOML_BOOL)
		return wrong_type(p, e, table, key, "true or false", err);
	*out = e->text[0] == 't';
	return 0;
}

int
project_toml_keys(const struct project *p, const char *table, struct strvec *out)
{
	for (size_t i = 0; p->has_toml && i < p->toml.n; i++) {
		const struct toml_entry *e = &p->toml.entries[i];
		char *name;

		if (e->type == TOML_TABLE || e->key.n < 3 || strcmp(e->key.v[0], "tool") ||
		    strcmp(e->key.v[1], table))
			continue;
		if (!(name = toml_key_name(&e->key, 2)) || strvec_push_owned(out, name) < 0)
			return -1;
	}
	return 0;
}

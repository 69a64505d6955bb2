/* alembic.ini reading: inih for the syntax, ConfigParser's rules on top. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migreview/inifile.h"
#include "migreview/util.h"

/* ConfigParser gives up on interpolation chains deeper than this. */
#define INTERPOLATION_DEPTH 10

struct load_ctx {
	struct inifile *ini;
	int failed;
};

static struct inifile_entry *
find_entry(const struct inifile *ini, const char *section, const char *key)
{
	for (size_t i = ini->n; i-- > 0;)
		if (!strcmp(ini->entries[i].section, section) &&
		    !strcasecmp(ini->entries[i].key, key))
			return &ini->entries[i];
	return NULL;
}

static int
add_section(struct inifile *ini, const char *section)
{
	if (!strcmp(section, "DEFAULT") || inifile_has_section(ini, section))
		return 0;
	if (mr_grow(&ini->sections, &ini->cap_sections, ini->n_sections + 1,
		    sizeof(*ini->sections)) < 0)
		return -1;
	ini->sections[ini->n_sections] = mr_strdup(section);
	return ini->sections[ini->n_sections++] ? 0 : -1;
}

static int
on_value(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *ctx = user;
	struct inifile *ini = ctx->ini;
	struct inifile_entry *e;
	char *joined;

	if (add_section(ini, section) < 0)
		goto oom;
	e = ini->n ? &ini->entries[ini->n - 1] : NULL;
	/* inih reports a continuation line as a repeat of the previous key. */
	if (e && !strcmp(e->section, section) && !strcasecmp(e->key, name)) {
		joined = mr_printf("%s\n%s", e->value, value ? value : "");
		if (!joined)
			goto oom;
		free(e->value);
		e->value = joined;
		return 1;
	}
	if ((e = find_entry(ini, section, name))) {
		/* a later assignment replaces the earlier one */
		free(e->value);
		e->value = mr_strdup(value ? value : "");
		return e->value ? 1 : 0;
	}
	if (mr_grow(&ini->entries, &ini->cap, ini->n + 1, sizeof(*ini->entries)) < 0)
		goto oom;
	e = &ini->entries[ini->n];
	e->section = mr_strdup(section);
	e->key = mr_strdup(name);
	e->value = mr_strdup(value ? value : "");
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		goto oom;
	}
	for (char *k = e->key; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	ini->n++;
	return 1;
oom:
	ctx->failed = 1;
	return 0;
}

/*
 * inih calls back for values only, so a section that holds nothing but
 * comments (Flask-Migrate's [alembic]) would look absent: every header
 * counts, in file order.  A header is a line that starts with '[', named up
 * to the first ']' as inih names it; an indented one continues a value.
 */
static int
add_headers(struct inifile *ini, const char *text)
{
	if (!strncmp(text, "\xEF\xBB\xBF", 3))
		text += 3;
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		const char *close = line[0] == '[' ? memchr(line, ']', len) : NULL;

		if (close) {
			char *name = mr_strndup(line + 1, (size_t)(close - line - 1));
			int rc = name ? add_section(ini, name) : -1;

			free(name);
			if (rc < 0)
				return -1;
		}
		line += len + (line[len] == '\n');
	}
	return 0;
}

int
inifile_parse(struct inifile *ini, const char *path, const char *text, struct mr_error *err)
{
	struct load_ctx ctx = { ini, 0 };
	int rc;

	memset(ini, 0, sizeof(*ini));
	/* ConfigParser has no inline comments and no line length limit. */
	ini_allow_inline_comments = false;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 1 << 20;
	ini->path = mr_path_absolute(path);
	ini->here = ini->path ? mr_path_dirname(ini->path) : NULL;
	if (!ini->here) {
		inifile_free(ini);
		return mr_error_oom(err);
	}
	if (add_headers(ini, text) < 0) {
		inifile_free(ini);
		return mr_error_oom(err);
	}
	rc = ini_parse_string(text, on_value, &ctx);
	if (ctx.failed) {
		inifile_free(ini);
		return mr_error_oom(err);
	}
	if (rc > 0) {
		inifile_free(ini);
		return mr_error_set(err, "%s:%d: not valid INI syntax "
				    "(expected [section] or key = value)", path, rc);
	}
	return 0;
}

int
inifile_load(struct inifile *ini, const char *path, struct mr_error *err)
{
	char *text;
	size_t len;
	int rc;

	memset(ini, 0, sizeof(*ini));
	if (mr_read_file(path, MR_FILE_INI, &text, &len, err) < 0)
		return errno == ENOENT ? mr_error_set(err, "%s: no such file", path) : -1;
	rc = inifile_parse(ini, path, text, err);
	free(text);
	return rc;
}

bool
inifile_has_section(const struct inifile *ini, const char *section)
{
	for (size_t i = 0; i < ini->n_sections; i++)
		if (!strcmp(ini->sections[i], section))
			return true;
	return false;
}

const char *
inifile_raw(const struct inifile *ini, const char *section, const char *key)
{
	const struct inifile_entry *e = find_entry(ini, section, key);

	if (!e)
		e = find_entry(ini, "DEFAULT", key);
	if (e)
		return e->value;
	if (!strcasecmp(key, "here"))
		return ini->here;
	return NULL;
}

struct buf {
	char *s;
	size_t n, cap;
};

static int
buf_add(struct buf *b, const char *s, size_t len)
{
	if (mr_grow(&b->s, &b->cap, b->n + len + 1, 1) < 0)
		return -1;
	memcpy(b->s + b->n, s, len);
	b->n += len;
	b->s[b->n] = '\0';
	return 0;
}

static int
interpolate(const struct inifile *ini, const char *section, const char *key,
	    const char *raw, int depth, struct buf *out, struct mr_error *err)
{
	if (depth > INTERPOLATION_DEPTH)
		return mr_error_set(err, "%s: [%s] %s: interpolation is nested "
				    "more than %d deep (a loop of %%(name)s references?)",
				    ini->path, section, key, INTERPOLATION_DEPTH);
	for (const char *p = raw; *p;) {
		const char *pct = strchr(p, '%');

		if (!pct)
			return buf_add(out, p, strlen(p)) < 0 ? mr_error_oom(err) : 0;
		if (buf_add(out, p, (size_t)(pct - p)) < 0)
			return mr_error_oom(err);
		if (pct[1] == '%') {
			if (buf_add(out, "%", 1) < 0)
				return mr_error_oom(err);
			p = pct + 2;
		} else if (pct[1] == '(') {
			const char *close = strstr(pct + 2, ")s");
			char *name;
			const char *val;
			int rc;

			if (!close)
				return mr_error_set(err, "%s: [%s] %s: bad interpolation "
						    "'%s' (expected %%(name)s)",
						    ini->path, section, key, pct);
			name = mr_strndup(pct + 2, (size_t)(close - pct - 2));
			if (!name)
				return mr_error_oom(err);
			val = inifile_raw(ini, section, name);
			if (!val) {
				mr_error_set(err, "%s: [%s] %s: '%%(%s)s' names no option "
					     "of the section or of [DEFAULT]",
					     ini->path, section, key, name);
				free(name);
				return -1;
			}
			rc = interpolate(ini, section, name, val, depth + 1, out, err);
			free(name);
			if (rc < 0)
				return rc;
			p = close + 2;
		} else {
			return mr_error_set(err, "%s: [%s] %s: '%%' must be followed by "
					    "'%%' or '(' (write %%%% for a literal percent sign)",
					    ini->path, section, key);
		}
	}
	return 0;
}

int
inifile_get(const struct inifile *ini, const char *section, const char *key,
	    char **out, struct mr_error *err)
{
	const char *raw = inifile_raw(ini, section, key);
	struct buf b = { 0 };

	*out = NULL;
	if (!raw)
		return 0;
	if (buf_add(&b, "", 0) < 0)
		return mr_error_oom(err);
	if (interpolate(ini, section, key, raw, 1, &b, err) < 0) {
		free(b.s);
		return -1;
	}
	*out = b.s;
	return 0;
}

int
inifile_parse_bool(const char *v)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };

	for (size_t i = 0; i < MR_ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

void
inifile_free(struct inifile *ini)
{
	for (size_t i = 0; i < ini->n; i++) {
		free(ini->entries[i].section);
		free(ini->entries[i].key);
		free(ini->entries[i].value);
	}
	for (size_t i = 0; i < ini->n_sections; i++)
		free(ini->sections[i]);
	free(ini->entries);
	free(ini->sections);
	free(ini->path);
	free(ini->here);
	memset(ini, 0, sizeof(*ini));
}

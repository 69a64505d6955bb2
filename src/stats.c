/* The stats file (stats.h): read strictly, sorted, looked up by table name. */
#include "config.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "migreview/stats.h"
#include "migreview/util.h"

/*
 * Bounds on what a file may say.  PostgreSQL's names are at most 63 bytes;
 * a server built with a larger NAMEDATALEN still fits.  No table holds an
 * exabyte, and sums of a few such numbers must not overflow.
 */
#define NAME_MAX_BYTES 255
#define TEXT_MAX_BYTES 1024
#define NUMBER_MAX (1LL << 60)

struct reader {
	const char *name;
	char *err;
	size_t errlen;
};

/*
 * "NAME:AT: what" (AT a line and a column, or nothing), shown as
 * mr_visible() shows it: a file's bytes that jansson quotes, or a path,
 * must not control a terminal.
 */
static int report(const struct reader *r, const char *at, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static int
report(const struct reader *r, const char *at, const char *fmt, va_list ap)
{
	char *what = NULL, *text, *shown;

	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	text = what ? mr_printf("%s%s: %s", r->name, at, what) : NULL;
	shown = text ? mr_visible(text) : NULL;
	if (r->errlen)
		snprintf(r->err, r->errlen, "%s", shown ? shown : "out of memory");
	free(shown);
	free(text);
	free(what);
	return -1;
}

static int fail(const struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail_at(const struct reader *r, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(const struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(r, "", fmt, ap);
	va_end(ap);
	return -1;
}

static int
fail_at(const struct reader *r, int line, int column, const char *fmt, ...)
{
	char at[32];
	va_list ap;

	snprintf(at, sizeof(at), ":%d:%d", line, column);
	va_start(ap, fmt);
	report(r, at, fmt, ap);
	va_end(ap);
	return -1;
}

static int
oom(const struct reader *r)
{
	if (r->errlen)
		snprintf(r->err, r->errlen, "%s: out of memory", r->name);
	return -1;
}

/* ---- fields ---- */

/* A string of 1 to max bytes, without control characters: a copy in *out. */
static int
get_string(const struct reader *r, json_t *obj, const char *where, const char *key, size_t max,
	   char **out)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t len;

	if (!v)
		return fail(r, "%s%s: missing", where, key);
	if (!json_is_string(v))
		return fail(r, "%s%s: must be a string", where, key);
	s = json_string_value(v);
	len = json_string_length(v);
	if (!len)
		return fail(r, "%s%s: empty", where, key);
	if (len > max)
		return fail(r, "%s%s: longer than %zu bytes", where, key, max);
	for (size_t at = 0; at < len;) {
		unsigned long cp;
		size_t n = mr_utf8_next(s + at, len - at, &cp);

		if (!n)
			return fail(r, "%s%s: not UTF-8", where, key);
		if (mr_is_invisible_control(cp))
			return fail(r, "%s%s: holds a control character (U+%04lX)", where, key, cp);
		at += n;
	}
	*out = mr_strndup(s, len);
	return *out ? 0 : oom(r);
}

/* A whole number from min to NUMBER_MAX. */
static int
get_number(const struct reader *r, json_t *obj, const char *where, const char *key, long long min,
	   long long *out)
{
	json_t *v = json_object_get(obj, key);
	long long n;

	if (!v)
		return fail(r, "%s%s: missing", where, key);
	if (json_is_real(v))
		return fail(r, "%s%s: must be a whole number, not %g", where, key, json_real_value(v));
	if (!json_is_integer(v))
		return fail(r, "%s%s: must be a number", where, key);
	n = (long long)json_integer_value(v);
	if (n < min)
		return fail(r, "%s%s: %lld is below %lld", where, key, n, min);
	if (n > NUMBER_MAX)
		return fail(r, "%s%s: %lld is too large (more than 2^60)", where, key, n);
	*out = n;
	return 0;
}

/* "2026-12-07T12:00:00Z", exactly as the query writes it, into *t. */
static bool
parse_utc(const char *s, time_t *t)
{
	struct tm tm = { 0 }, back;
	int n = 0;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return false;
	for (int i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return false;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 20)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	*t = timegm(&back);
	/* timegm() normalises the 31st of February: only a date that exists comes back the same */
	return *t != (time_t)-1 && back.tm_year == tm.tm_year && back.tm_mon == tm.tm_mon &&
	       back.tm_mday == tm.tm_mday && back.tm_hour == tm.tm_hour &&
	       back.tm_min == tm.tm_min && back.tm_sec == tm.tm_sec;
}

static int
get_time(const struct reader *r, json_t *obj, const char *key, char **text, time_t *t)
{
	if (get_string(r, obj, "", key, TEXT_MAX_BYTES, text) < 0)
		return -1;
	if (!parse_utc(*text, t))
		return fail(r, "%s: '%s' is not a UTC time such as 2026-12-07T12:00:00Z", key, *text);
	return 0;
}

/* ---- the header ---- */

static int
read_format(const struct reader *r, json_t *root)
{
	json_t *v = json_object_get(root, "migreview_stats");

	if (!v)
		return fail(r, "not a migreview stats file (no \"migreview_stats\" format number)");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fail(r, "migreview_stats: the format must be a number from 1");
	if (json_integer_value(v) > STATS_FORMAT)
		return fail(r, "made by a newer migreview (format %lld); this one reads format %d",
			    (long long)json_integer_value(v), STATS_FORMAT);
	return 0;
}

static int
read_header(const struct reader *r, json_t *root, struct stats *s)
{
	long long version;

	if (read_format(r, root) < 0 ||
	    get_time(r, root, "taken_at", &s->taken_at, &s->taken) < 0 ||
	    get_time(r, root, "since", &s->since, &s->since_t) < 0 ||
	    get_string(r, root, "", "server_version", TEXT_MAX_BYTES, &s->server_version) < 0 ||
	    get_number(r, root, "", "server_version_num", 1, &version) < 0 ||
	    get_string(r, root, "", "database", NAME_MAX_BYTES, &s->database) < 0)
		return -1;
	if (version > 99999999)
		return fail(r, "server_version_num: %lld is no PostgreSQL version number", version);
	s->server_version_num = (long)version;
	return 0;
}

/* ---- tables and indexes ---- */

static int
read_table(const struct reader *r, json_t *obj, size_t i, struct stats_table *t)
{
	static const struct { const char *key; size_t offset; } numbers[] = {
		{ "heap_bytes", offsetof(struct stats_table, heap_bytes) },
		{ "index_bytes", offsetof(struct stats_table, index_bytes) },
		{ "total_bytes", offsetof(struct stats_table, total_bytes) },
		{ "live_tuples", offsetof(struct stats_table, live_tuples) },
		{ "dead_tuples", offsetof(struct stats_table, dead_tuples) },
		{ "inserts", offsetof(struct stats_table, inserts) },
		{ "updates", offsetof(struct stats_table, updates) },
		{ "deletes", offsetof(struct stats_table, deletes) },
		{ "seq_scans", offsetof(struct stats_table, seq_scans) },
		{ "index_scans", offsetof(struct stats_table, index_scans) },
	};
	char where[48], *kind = NULL;

	snprintf(where, sizeof(where), "tables[%zu].", i);
	if (!json_is_object(obj))
		return fail(r, "tables[%zu]: must be an object", i);
	if (get_string(r, obj, where, "schema", NAME_MAX_BYTES, &t->schema) < 0 ||
	    get_string(r, obj, where, "name", NAME_MAX_BYTES, &t->name) < 0 ||
	    get_string(r, obj, where, "kind", 1, &kind) < 0)
		return -1;
	t->kind = kind[0];
	free(kind);
	if (!strchr("rpm", t->kind))
		return fail(r, "%skind: '%c' is not r (table), p (partitioned) or m "
			    "(materialized view)", where, t->kind);
	if (get_number(r, obj, where, "rows", -1, &t->rows) < 0)
		return -1;
	for (size_t k = 0; k < MR_ARRAY_SIZE(numbers); k++)
		if (get_number(r, obj, where, numbers[k].key, 0,
			       (long long *)((char *)t + numbers[k].offset)) < 0)
			return -1;
	return 0;
}

static int
read_index(const struct reader *r, json_t *obj, size_t i, struct stats_index *x)
{
	char where[48];

	snprintf(where, sizeof(where), "indexes[%zu].", i);
	if (!json_is_object(obj))
		return fail(r, "indexes[%zu]: must be an object", i);
	return get_string(r, obj, where, "schema", NAME_MAX_BYTES, &x->schema) < 0 ||
	       get_string(r, obj, where, "table", NAME_MAX_BYTES, &x->table) < 0 ||
	       get_string(r, obj, where, "name", NAME_MAX_BYTES, &x->name) < 0 ||
	       get_number(r, obj, where, "bytes", 0, &x->bytes) < 0 ? -1 : 0;
}

static int
compare_tables(const void *a, const void *b)
{
	const struct stats_table *x = a, *y = b;
	int c = strcmp(x->schema, y->schema);

	return c ? c : strcmp(x->name, y->name);
}

static int
compare_indexes(const void *a, const void *b)
{
	const struct stats_index *x = a, *y = b;
	int c = strcmp(x->schema, y->schema);

	if (!c)
		c = strcmp(x->table, y->table);
	return c ? c : strcmp(x->name, y->name);
}

static const struct stats_table *
find_exact(const struct stats *s, const char *schema, const char *name)
{
	struct stats_table key = { .schema = (char *)schema, .name = (char *)name };

	return s->n_tables ? bsearch(&key, s->tables, s->n_tables, sizeof(*s->tables),
				     compare_tables) : NULL;
}

/* A list key of root: an array (possibly empty) of count elements. */
static int
get_list(const struct reader *r, json_t *root, const char *key, json_t **list, size_t *count)
{
	*list = json_object_get(root, key);
	if (!*list)
		return fail(r, "%s: missing", key);
	if (!json_is_array(*list))
		return fail(r, "%s: must be a list", key);
	*count = json_array_size(*list);
	return 0;
}

static int
read_tables(const struct reader *r, json_t *root, struct stats *s)
{
	json_t *list;
	size_t n;

	if (get_list(r, root, "tables", &list, &n) < 0)
		return -1;
	if (n && !(s->tables = calloc(n, sizeof(*s->tables))))
		return oom(r);
	/* counted first: a table's strings read before an error are freed with the rest */
	for (size_t i = 0; i < n; i++) {
		s->n_tables = i + 1;
		if (read_table(r, json_array_get(list, i), i, &s->tables[i]) < 0)
			return -1;
	}
	if (n)
		qsort(s->tables, n, sizeof(*s->tables), compare_tables);
	for (size_t i = 1; i < n; i++)
		if (!compare_tables(&s->tables[i - 1], &s->tables[i]))
			return fail(r, "tables: %s.%s is listed twice", s->tables[i].schema,
				    s->tables[i].name);
	return 0;
}

static int
read_indexes(const struct reader *r, json_t *root, struct stats *s)
{
	json_t *list;
	size_t n;

	if (get_list(r, root, "indexes", &list, &n) < 0)
		return -1;
	if (n && !(s->indexes = calloc(n, sizeof(*s->indexes))))
		return oom(r);
	for (size_t i = 0; i < n; i++) {
		struct stats_index *x = &s->indexes[i];

		s->n_indexes = i + 1;
		if (read_index(r, json_array_get(list, i), i, x) < 0)
			return -1;
		if (!find_exact(s, x->schema, x->table))
			return fail(r, "indexes[%zu].table: %s.%s is not in tables", i, x->schema,
				    x->table);
	}
	if (n)
		qsort(s->indexes, n, sizeof(*s->indexes), compare_indexes);
	for (size_t i = 1; i < n; i++)
		if (!compare_indexes(&s->indexes[i - 1], &s->indexes[i]))
			return fail(r, "indexes: %s of %s.%s is listed twice", s->indexes[i].name,
				    s->indexes[i].schema, s->indexes[i].table);
	return 0;
}

/* ---- the file ---- */

static int
parse_json(const struct reader *r, const char *text, size_t len, json_t **root)
{
	json_error_t jerr;
	size_t blank = 0;

	while (blank < len && strchr(" \t\r\n", text[blank]) && text[blank])
		blank++;
	if (blank == len)
		return fail_at(r, 1, 1, "the file is empty, not a migreview stats file");
	*root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root)
		return fail_at(r, jerr.line, jerr.column > 0 ? jerr.column : 1, "%s", jerr.text);
	if (!json_is_object(*root)) {
		json_decref(*root);
		return fail_at(r, 1, 1, "not a migreview stats file (not a JSON object)");
	}
	return 0;
}

int
stats_parse(const char *text, size_t len, const char *name, struct stats **out, char *err,
	    size_t errlen)
{
	struct reader r = { name, err, errlen };
	struct stats *s;
	json_t *root = NULL;
	int rc;

	*out = NULL;
	if (parse_json(&r, text, len, &root) < 0)
		return -1;
	if (!(s = calloc(1, sizeof(*s))) || !(s->path = mr_strdup(name))) {
		free(s);
		json_decref(root);
		return oom(&r);
	}
	rc = read_header(&r, root, s) < 0 || read_tables(&r, root, s) < 0 ||
	     read_indexes(&r, root, s) < 0 ? -1 : 0;
	json_decref(root);
	if (rc < 0)
		stats_free(s);
	else
		*out = s;
	return rc;
}

int
stats_load(const char *path, struct stats **out, char *err, size_t errlen)
{
	struct mr_error e = { { 0 } };
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	/*
	 * The file's path is a project setting a pull request can change: a
	 * link could make it read a secret into an error message (jansson
	 * quotes the text near a syntax error), as with the review file.
	 */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		rc = mr_error_set(&e, "%s: the stats file is a symbolic link; migreview reads it "
				  "only as a regular file", path);
	else
		rc = mr_read_file(path, MR_FILE_STATS, &buf, &len, &e);
	if (rc < 0) {
		char *shown = mr_visible(e.msg);       /* e names the path */

		if (errlen)
			snprintf(err, errlen, "%s", shown ? shown : "out of memory");
		free(shown);
		return -1;
	}
	rc = stats_parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}

const struct stats_table *
stats_find(const struct stats *s, const char *table)
{
	const struct stats_table *found = NULL;

	/* "a.b.c": schema "a", table "b.c", then schema "a.b", table "c" */
	for (const char *dot = strchr(table, '.'); dot; dot = strchr(dot + 1, '.')) {
		char *schema = mr_strndup(table, (size_t)(dot - table));

		found = schema ? find_exact(s, schema, dot + 1) : NULL;
		free(schema);
		if (found)
			return found;
	}
	if ((found = find_exact(s, "public", table)))
		return found;
	for (size_t i = 0; i < s->n_tables; i++)
		if (!strcmp(s->tables[i].name, table)) {
			if (found)
				return NULL;    /* in two schemas: which one is meant? */
			found = &s->tables[i];
		}
	return found;
}

void
stats_free(struct stats *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_tables; i++) {
		free(s->tables[i].schema);
		free(s->tables[i].name);
	}
	for (size_t i = 0; i < s->n_indexes; i++) {
		free(s->indexes[i].schema);
		free(s->indexes[i].table);
		free(s->indexes[i].name);
	}
	free(s->tables);
	free(s->indexes);
	free(s->path);
	free(s->taken_at);
	free(s->since);
	free(s->server_version);
	free(s->database);
	free(s);
}

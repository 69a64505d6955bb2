/* pyproject.toml through the tree-sitter TOML grammar, flattened to key paths. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "migreview/tomlfile.h"

const TSLanguage *tree_sitter_toml(void);

struct reader {
	struct tomlfile *t;
	const char *src;
	struct mr_error *err;
};

static const char *
node_text(const struct reader *r, TSNode n, size_t *len)
{
	*len = ts_node_end_byte(n) - ts_node_start_byte(n);
	return r->src + ts_node_start_byte(n);
}

static int
located(const struct reader *r, TSNode n, const char *what, const char *detail)
{
	TSPoint at = ts_node_start_point(n);

	return mr_error_set(r->err, "%s:%u:%u: %s%s", r->t->path, at.row + 1, at.column + 1, what,
			    detail ? detail : "");
}

static int
hex_value(const char *s, size_t n, unsigned long *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		int d = mr_hex_digit(s[i]);

		if (d < 0)
			return -1;
		*out = *out * 16 + (unsigned long)d;
	}
	return 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The escapes of a basic string body, into out (which has room for len
 * bytes: no escape grows).  Multiline bodies also fold a backslash at the
 * end of a line together with the blanks and newlines after it.
 */
static int
unescape(const char *s, size_t len, bool multiline, char *out, size_t *out_len)
{
	static const char simple[] = "b\bt\tn\nf\fr\r\"\"\\\\";      /* TOML 1.0's */
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		const char *hit;
		unsigned long cp;
		size_t k, n;

		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		if (++i >= len)
			return -1;
		for (hit = NULL, k = 0; simple[k]; k += 2)
			if (simple[k] == s[i])
				hit = &simple[k + 1];
		if (hit) {
			out[o++] = *hit;
			continue;
		}
		if (multiline) {
			for (k = i; k < len && is_blank(s[k]); k++)
				;
			if (k < len && (s[k] == '\n' || s[k] == '\r')) {
				while (k < len && (is_blank(s[k]) || s[k] == '\n' || s[k] == '\r'))
					k++;
				i = k - 1;
				continue;
			}
		}
		n = s[i] == 'u' ? 4 : s[i] == 'U' ? 8 : 0;
		if (!n || i + n >= len || hex_value(s + i + 1, n, &cp) < 0 ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		o += mr_utf8_put(cp, out + o);
		i += n;
	}
	*out_len = o;
	return 0;
}

/* A string node (or quoted key) as its value: quotes removed, escapes decoded. */
static char *
decode_string(const char *s, size_t len)
{
	bool triple = len >= 6 && (!strncmp(s, "\"\"\"", 3) || !strncmp(s, "'''", 3));
	bool literal = s[0] == '\'';
	size_t q = triple ? 3 : 1, body_len, out_len = 0;
	const char *body = s + q;
	char *out;

	if (len < 2 * q)
		return NULL;
	body_len = len - 2 * q;
	/* a newline right after the opening quotes is not part of the string */
	if (triple && body_len && body[0] == '\n') {
		body++;
		body_len--;
	} else if (triple && body_len > 1 && body[0] == '\r' && body[1] == '\n') {
		body += 2;
		body_len -= 2;
	}
	if (!(out = malloc(body_len + 1)))
		return NULL;
	if (literal) {
		memcpy(out, body, body_len);
		out_len = body_len;
	} else if (unescape(body, body_len, triple, out, &out_len) < 0) {
		free(out);
		return NULL;
	}
	out[out_len] = '\0';
	return out;
}

/* Appends the parts of a key node (bare, quoted or dotted) to key. */
static int
key_parts(const struct reader *r, TSNode n, struct strvec *key)
{
	const char *type = ts_node_type(n);
	size_t len;
	const char *text = node_text(r, n, &len);

	if (!strcmp(type, "dotted_key")) {
		for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
			if (key_parts(r, ts_node_named_child(n, i), key) < 0)
				return -1;
		return 0;
	}
	if (!strcmp(type, "bare_key"))
		return strvec_push_n(key, text, len) < 0 ? mr_error_oom(r->err) : 0;
	if (!strcmp(type, "quoted_key")) {
		char *k = decode_string(text, len);

		if (!k)
			return located(r, n, "invalid escape in a quoted key", NULL);
		return strvec_push_owned(key, k) < 0 ? mr_error_oom(r->err) : 0;
	}
	return located(r, n, "unexpected ", type);
}

static bool
same_key(const struct strvec *a, const char *const *b, size_t depth)
{
	if (a->n != depth)
		return false;
	for (size_t i = 0; i < depth; i++)
		if (strcmp(a->v[i], b[i]))
			return false;
	return true;
}

/*
 * A new entry at key (taken over), refused when the key is already there: a
 * value or a table defined twice is not TOML (tomllib refuses it too).
 */
static struct toml_entry *
add_entry(struct reader *r, struct strvec *key, enum toml_type type, TSNode at)
{
	struct tomlfile *t = r->t;
	TSPoint p = ts_node_start_point(at);
	struct toml_entry *e;

	for (size_t i = 0; i < t->n; i++)
		if (same_key(&t->entries[i].key, (const char *const *)key->v, key->n)) {
			char *name = toml_key_name(key, 0);

			located(r, at, "duplicate key ", name ? name : "?");
			free(name);
			strvec_free(key);
			return NULL;
		}
	if (mr_grow(&t->entries, &t->cap, t->n + 1, sizeof(*t->entries)) < 0) {
		strvec_free(key);
		mr_error_oom(r->err);
		return NULL;
	}
	e = &t->entries[t->n++];
	memset(e, 0, sizeof(*e));
	e->key = *key;
	memset(key, 0, sizeof(*key));
	e->type = type;
	e->line = p.row + 1;
	e->col = p.column + 1;
	return e;
}

static int read_pairs(struct reader *r, TSNode parent, const struct strvec *prefix);

static int
copy_key(const struct strvec *from, struct strvec *to)
{
	for (size_t i = 0; i < from->n; i++)
		if (strvec_push(to, from->v[i]) < 0)
			return -1;
	return 0;
}

static int
read_value(struct reader *r, TSNode v, struct strvec *key)
{
	const char *type = ts_node_type(v);
	struct toml_entry *e;
	size_t len;
	const char *text = node_text(r, v, &len);

	if (!strcmp(type, "inline_table")) {
		struct strvec prefix = { 0 };
		int rc;

		if (copy_key(key, &prefix) < 0) {
			strvec_free(&prefix);
			strvec_free(key);
			return mr_error_oom(r->err);
		}
		rc = add_entry(r, key, TOML_TABLE, v) ? read_pairs(r, v, &prefix) : -1;
		strvec_free(&prefix);
		return rc;
	}
	e = add_entry(r, key, !strcmp(type, "string") ? TOML_STRING : !strcmp(type, "boolean") ?
			      TOML_BOOL : !strcmp(type, "array") ? TOML_ARRAY : TOML_OTHER, v);
	if (!e)
		return -1;
	if (e->type == TOML_STRING && !(e->text = decode_string(text, len)))
		return located(r, v, "invalid escape in a string", NULL);
	if (e->type != TOML_STRING && e->type != TOML_ARRAY && !(e->text = mr_strndup(text, len)))
		return mr_error_oom(r->err);
	for (uint32_t i = 0; e->type == TOML_ARRAY && i < ts_node_named_child_count(v); i++) {
		TSNode item = ts_node_named_child(v, i);
		char *s;

		if (!strcmp(ts_node_type(item), "comment"))
			continue;
		if (strcmp(ts_node_type(item), "string")) {
			e->items_other = true;
			continue;
		}
		text = node_text(r, item, &len);
		if (!(s = decode_string(text, len)))
			return located(r, item, "invalid escape in a string", NULL);
		if (strvec_push_owned(&e->items, s) < 0)
			return mr_error_oom(r->err);
	}
	return 0;
}

/* The named children of n that are not comments (a comment may end a pair). */
static uint32_t
parts(TSNode n, TSNode *out, uint32_t max)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < ts_node_named_child_count(n) && k < max; i++)
		if (strcmp(ts_node_type(ts_node_named_child(n, i)), "comment"))
			out[k++] = ts_node_named_child(n, i);
	return k;
}

/* The pairs among parent's children, under prefix. */
static int
read_pairs(struct reader *r, TSNode parent, const struct strvec *prefix)
{
	for (uint32_t i = 0; i < ts_node_named_child_count(parent); i++) {
		TSNode pair = ts_node_named_child(parent, i), kv[2];
		struct strvec key = { 0 };

		if (strcmp(ts_node_type(pair), "pair"))
			continue;
		if (parts(pair, kv, 2) < 2)
			return located(r, pair, "incomplete key/value pair", NULL);
		if (copy_key(prefix, &key) < 0) {
			strvec_free(&key);
			return mr_error_oom(r->err);
		}
		if (key_parts(r, kv[0], &key) < 0) {
			strvec_free(&key);
			return -1;
		}
		if (read_value(r, kv[1], &key) < 0)
			return -1;
	}
	return 0;
}

/*
 * A [table] header and its pairs.  An array of tables ([[x]]) holds nothing
 * migreview reads: it is one OTHER entry, its pairs skipped, not misfiled.
 */
static int
read_table(struct reader *r, TSNode table)
{
	bool array = !strcmp(ts_node_type(table), "table_array_element");
	struct strvec key = { 0 }, prefix = { 0 };
	const struct toml_entry *seen;
	TSNode head;
	int rc;

	if (!parts(table, &head, 1))
		return located(r, table, "a table without a name", NULL);
	if (key_parts(r, head, &key) < 0 || copy_key(&key, &prefix) < 0) {
		strvec_free(&key);
		strvec_free(&prefix);
		return -1;
	}
	if (array) {
		struct toml_entry *e;

		seen = tomlfile_find(r->t, (const char *const *)key.v, key.n);
		rc = 0;
		if (!seen || seen->type != TOML_OTHER)
			rc = !(e = add_entry(r, &key, TOML_OTHER, table)) ? -1 :
			     !(e->text = mr_strdup("(an array of tables)")) ? mr_error_oom(r->err) : 0;
		strvec_free(&key);
		strvec_free(&prefix);
		return rc;
	}
	rc = add_entry(r, &key, TOML_TABLE, table) ? read_pairs(r, table, &prefix) : -1;
	strvec_free(&prefix);
	return rc;
}

/* The first error or missing node in n, depth first: where the syntax breaks. */
static bool
first_error(TSNode n, TSNode *out)
{
	if (ts_node_is_missing(n) || !strcmp(ts_node_type(n), "ERROR")) {
		*out = n;
		return true;
	}
	for (uint32_t i = 0; i < ts_node_child_count(n); i++) {
		TSNode c = ts_node_child(n, i);

		if (ts_node_has_error(c) && first_error(c, out))
			return true;
	}
	return false;
}

/* The deepest bracket nesting, counted roughly (strings included): a guard only. */
static size_t
nesting(const char *s, size_t len)
{
	size_t depth = 0, max = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '[' || s[i] == '{')
			max = ++depth > max ? depth : max;
		else if ((s[i] == ']' || s[i] == '}') && depth)
			depth--;
	}
	return max;
}

static char *
absolute_dir(const char *path)
{
	char *abs = mr_path_absolute(path), *dir = abs ? mr_path_dirname(abs) : NULL;

	free(abs);
	return dir;
}

int
tomlfile_parse(struct tomlfile *t, const char *path, const char *text, size_t len,
	       struct mr_error *err)
{
	struct reader r = { t, text, err };
	TSParser *parser;
	TSTree *tree = NULL;
	TSNode root, bad;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (!(t->path = mr_strdup(path)) || !(t->here = absolute_dir(path)))
		return mr_error_oom(err);
	if (len > TOMLFILE_MAX_SIZE)
		return mr_error_set(err, "%s: larger than %u MiB; not read", path,
				    TOMLFILE_MAX_SIZE >> 20);
	if (memchr(text, '\0', len))
		return mr_error_set(err, "%s: a NUL byte: this is not a TOML file", path);
	if (nesting(text, len) > TOMLFILE_MAX_NESTING)
		return mr_error_set(err, "%s: arrays or tables nested more than %d deep", path,
				    TOMLFILE_MAX_NESTING);
	parser = ts_parser_new();
	if (!parser || !ts_parser_set_language(parser, tree_sitter_toml()) ||
	    !(tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)len))) {
		ts_parser_delete(parser);
		return mr_error_set(err, "%s: the TOML parser could not start", path);
	}
	root = ts_tree_root_node(tree);
	if (ts_node_has_error(root)) {
		if (!first_error(root, &bad))
			bad = root;
		rc = located(&r, bad, "not valid TOML here", NULL);
	}
	if (rc == 0)
		rc = read_pairs(&r, root, &(struct strvec){ 0 });      /* before any [table] */
	for (uint32_t i = 0; rc == 0 && i < ts_node_named_child_count(root); i++) {
		TSNode n = ts_node_named_child(root, i);

		if (!strcmp(ts_node_type(n), "table") ||
		    !strcmp(ts_node_type(n), "table_array_element"))
			rc = read_table(&r, n);
	}
	ts_tree_delete(tree);
	ts_parser_delete(parser);
	return rc;
}

int
tomlfile_load(struct tomlfile *t, const char *path, struct mr_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	if (mr_read_file(path, MR_FILE_PYPROJECT, &text, &len, err) < 0)
		return -1;
	rc = tomlfile_parse(t, path, text, len, err);
	free(text);
	return rc;
}

const struct toml_entry *
tomlfile_find(const struct tomlfile *t, const char *const *key, size_t depth)
{
	for (size_t i = 0; i < t->n; i++)
		if (same_key(&t->entries[i].key, key, depth))
			return &t->entries[i];
	return NULL;
}

bool
tomlfile_has_table(const struct tomlfile *t, const char *const *key, size_t depth)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct strvec *k = &t->entries[i].key;
		size_t j = 0;

		if (k->n < depth || (k->n == depth && t->entries[i].type != TOML_TABLE))
			continue;
		while (j < depth && !strcmp(k->v[j], key[j]))
			j++;
		if (j == depth)
			return true;
	}
	return false;
}

char *
toml_key_name(const struct strvec *key, size_t from)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = from; i < key->n; i++)
		len += strlen(key->v[i]) + 1;
	if (!(out = p = malloc(len)))
		return NULL;
	*p = '\0';
	for (size_t i = from; i < key->n; i++)
		p += sprintf(p, "%s%s", i > from ? "." : "", key->v[i]);
	return out;
}

void
tomlfile_free(struct tomlfile *t)
{
	for (size_t i = 0; i < t->n; i++) {
		strvec_free(&t->entries[i].key);
		strvec_free(&t->entries[i].items);
		free(t->entries[i].text);
	}
	free(t->entries);
	free(t->path);
	free(t->here);
	memset(t, 0, sizeof(*t));
}

/* The project's naming_convention, read statically, and the names it makes. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/naming.h"
#include "migreview/schema.h"

static int
add(struct naming *n, const char *key, size_t klen, const char *tmpl, size_t tlen)
{
	if (strvec_push_n(&n->keys, key, klen) < 0)
		return -1;
	if (strvec_push_n(&n->templates, tmpl, tlen) < 0) {
		free(n->keys.v[--n->keys.n]);
		return -1;
	}
	return 0;
}

int
naming_parse_setting(const char *value, struct naming *out)
{
	char *copy = mr_strdup(value), *save = NULL;
	int rc = copy ? 0 : -1;

	for (char *e = copy ? strtok_r(copy, ",", &save) : NULL; e && rc == 0;
	     e = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(e, ':'), *k = e, *t, *end;

		while (isspace((unsigned char)*k))
			k++;
		if (!*k)
			continue;       /* a trailing comma */
		if (!colon)
			return free(copy), -1;
		for (end = colon; end > k && isspace((unsigned char)end[-1]); end--)
			;
		for (t = colon + 1; isspace((unsigned char)*t); t++)
			;
		*end = '\0';
		for (end = t + strlen(t); end > t && isspace((unsigned char)end[-1]); end--)
			;
		if (end == t || !*k)
			return free(copy), -1;
		rc = add(out, k, strlen(k), t, (size_t)(end - t));
	}
	free(copy);
	return rc;
}

static const char *
skip_space(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '#')
			return p;
		p += strcspn(p, "\n");
	}
}

/* A '...' or "..." literal at p (no escapes needed in templates): its text, or NULL. */
static const char *
string_at(const char *p, size_t *len)
{
	const char *end;

	if (*p != '\'' && *p != '"')
		return NULL;
	if (!(end = strchr(p + 1, *p)) || memchr(p + 1, '\n', (size_t)(end - p - 1)))
		return NULL;
	*len = (size_t)(end - p - 1);
	return p + 1;
}

/* {"ck": "ck_%(table_name)s_...", ...}: string entries only; others are skipped. */
static int
parse_dict(const char *p, struct naming *out)
{
	p = skip_space(p);
	if (*p++ != '{')
		return 0;
	for (;;) {
		const char *key, *tmpl;
		size_t klen, tlen;
		int depth = 0;

		p = skip_space(p);
		if (!*p || *p == '}')
			return 0;
		key = string_at(p, &klen);
		if (key) {
			p = skip_space(key + klen + 1);
			tmpl = *p == ':' ? string_at(skip_space(p + 1), &tlen) : NULL;
			if (tmpl && add(out, key, klen, tmpl, tlen) < 0)
				return -1;
		}
		/* on to the next entry, past whatever this one holds */
		for (; *p && (depth || (*p != ',' && *p != '}')); p++) {
			size_t len;

			if (string_at(p, &len))
				p += len + 1;
			else if (strchr("([{", *p))
				depth++;
			else if (strchr(")]}", *p))
				depth--;
		}
		if (*p == ',')
			p++;
	}
}

/* NAME = {...} at the start of a line of src (name: len bytes, not terminated). */
static const char *
find_assignment(const char *src, const char *name_at, size_t len)
{
	char name[128];

	if (len >= sizeof(name))
		return NULL;
	memcpy(name, name_at, len);
	name[len] = '\0';
	for (const char *p = src; (p = strstr(p, name)); p += len) {
		const char *q = skip_space(p + len);

		if ((p == src || p[-1] == '\n') && *q == '=' && q[1] != '=' &&
		    *skip_space(q + 1) == '{')
			return skip_space(q + 1);
	}
	return NULL;
}

int
naming_parse_python(const char *src, struct naming *out)
{
	static const char key[] = "naming_convention";

	for (const char *p = src; (p = strstr(p, key)); p += sizeof(key) - 1) {
		const char *line = p, *v;

		while (line > src && line[-1] != '\n')
			line--;
		if (memchr(line, '#', (size_t)(p - line)))
			continue;       /* in a comment (or a string with a #: rare enough) */
		v = skip_space(p + sizeof(key) - 1);
		if (*v != '=' && *v != ':')
			continue;
		v = skip_space(v + 1);
		if (*v != '{') {
			/* naming_convention=NAMING_CONVENTION: a module-level dict */
			size_t len = 0;

			while (isalnum((unsigned char)v[len]) || v[len] == '_')
				len++;
			if (!len || !(v = find_assignment(src, v, len)))
				continue;
		}
		if (parse_dict(v, out) < 0)
			return -1;
		if (out->keys.n)
			return 0;
	}
	return 0;
}

/* Reads path and takes its convention; 1 when found. */
static int
try_file(const char *path, struct naming *out)
{
	struct mr_error ignored;
	char *src;
	size_t len;
	int rc;

	if (mr_read_file(path, MR_FILE_APPCODE, &src, &len, &ignored) < 0)
		return 0;       /* not there, or unreadable: look on */
	rc = naming_parse_python(src, out);
	free(src);
	if (rc == 0 && out->keys.n && !(out->source = mr_strdup(path)))
		rc = -1;
	return rc < 0 ? -1 : out->keys.n > 0;
}

/* module a.b as a/b.py or a/b/__init__.py under start, start/src and their parents. */
static int
try_module_from(const char *start, const char *module, size_t len, struct naming *out)
{
	char rel[512], *dir = mr_strdup(start);
	int rc = 0;

	if (!dir || len + 16 > sizeof(rel)) {
		free(dir);
		return dir ? 0 : -1;
	}
	for (size_t i = 0; i < len; i++)
		rel[i] = module[i] == '.' ? '/' : module[i];
	rel[len] = '\0';
	for (int up = 0; rc == 0 && up < 4 && dir; up++) {
		static const struct { const char *sub, *file; } forms[] = {
			{ "", ".py" }, { "", "/__init__.py" }, { "/src", ".py" }, { "/src", "/__init__.py" },
		};
		char *parent;

		for (size_t f = 0; rc == 0 && f < MR_ARRAY_SIZE(forms); f++) {
			char *path = mr_printf("%s%s/%s%s", dir, forms[f].sub, rel, forms[f].file);

			rc = path ? try_file(path, out) : -1;
			free(path);
		}
		parent = !strcmp(dir, "/") ? NULL : mr_path_dirname(dir);
		free(dir);
		dir = parent;
	}
	free(dir);
	return rc;
}

/* ... from the ini's directory, then from the script directory. */
static int
try_module(const struct project *p, const char *module, size_t len, struct naming *out)
{
	int rc = p->root ? try_module_from(p->root, module, len, out) : 0;

	return rc == 0 ? try_module_from(p->script_location, module, len, out) : rc;
}

/* The modules env.py imports at the start of a line: a.b and, for from a import c, a.c. */
static int
try_imports(const struct project *p, const char *env, struct naming *out)
{
	int rc = 0;

	for (const char *line = env; rc == 0 && line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		bool from = !strncmp(line, "from ", 5);
		const char *m = line + (from ? 5 : 7), *names;
		size_t mlen;

		if (!from && strncmp(line, "import ", 7) != 0)
			continue;
		mlen = strspn(m, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
		if (!mlen || *m == '.')
			continue;       /* relative imports: env.py is no package */
		rc = try_module(p, m, mlen, out);
		names = from ? strstr(m, " import ") : NULL;
		for (const char *n = names ? names + 8 : NULL; rc == 0 && n && *n && *n != '\n';) {
			char full[512];
			size_t nlen;

			n += strspn(n, " \t(,");
			nlen = strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
			if (!nlen)
				break;
			if (mlen + nlen + 2 < sizeof(full)) {
				snprintf(full, sizeof(full), "%.*s.%.*s", (int)mlen, m, (int)nlen, n);
				rc = try_module(p, full, strlen(full), out);
			}
			n += nlen;
			if (!strncmp(n, " as ", 4))
				n += 4 + strspn(n + 4, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		}
	}
	return rc < 0 ? -1 : 0;
}

int
naming_load(const struct project *p, struct naming *out, struct mr_error *err)
{
	char *value = NULL, *env_path, *env = NULL;
	size_t len;
	struct mr_error ignored;
	int rc;

	memset(out, 0, sizeof(*out));
	if (project_setting(p, "naming_convention", &value, err) < 0)
		return -1;
	if (value) {
		rc = naming_parse_setting(value, out);
		free(value);
		if (rc < 0 || !(out->source = mr_strdup("[migreview] naming_convention"))) {
			naming_free(out);
			return mr_error_set(err, "[migreview] naming_convention: expected "
					    "KEY: TEMPLATE, ... (ck: ck_%%(table_name)s_%%(constraint_name)s)");
		}
		return 0;
	}
	if (!p->script_location || !(env_path = mr_path_join(p->script_location, "env.py")))
		return p->script_location ? mr_error_oom(err) : 0;
	rc = mr_read_file(env_path, MR_FILE_MIGRATION, &env, &len, &ignored) < 0 ? 0 :
	     try_file(env_path, out);
	if (rc == 0 && env)
		rc = try_imports(p, env, out);
	free(env);
	free(env_path);
	if (rc < 0) {
		naming_free(out);
		return mr_error_oom(err);
	}
	return 0;
}

static const char *
template_of(const struct naming *n, const char *key)
{
	for (size_t i = 0; key && i < n->keys.n; i++)
		if (!strcmp(n->keys.v[i], key))
			return n->templates.v[i];
	return NULL;
}

/* The string items of the op's column list. */
static void
columns_of(const struct migration_op *op, const char **cols, size_t max, size_t *n)
{
	const struct pyarg *a = op_param(op, op_kind_of(op) == OP_CREATE_FK ? "local_cols" : "columns");

	*n = 0;
	if (a && a->kind == PYARG_STRING)
		cols[(*n)++] = a->text;
	for (size_t i = 0; a && a->kind == PYARG_LIST && i < a->n_items && *n < max; i++)
		if (a->items[i].kind == PYARG_STRING)
			cols[(*n)++] = a->items[i].text;
}

/* One %(token)s of SQLAlchemy's conventions, appended to out; false if unknown. */
static bool
expand_token(const struct migration_op *op, const char *token, size_t len, const char *name,
	     char *out, size_t size)
{
	const char *table = op_table(op), *dot = table ? strrchr(table, '.') : NULL;
	const char *cols[16];
	size_t n, used = strlen(out);
	bool label, all, sep;

	table = dot ? dot + 1 : table;  /* the table's name, not its schema */
	columns_of(op, cols, MR_ARRAY_SIZE(cols), &n);
#define IS(s) (len == sizeof(s) - 1 && !strncmp(token, s, len))
	if (IS("table_name") || IS("constraint_name") || IS("referred_table_name")) {
		const char *v = IS("table_name") ? table : IS("constraint_name") ? name :
				op_string(op, "referent_table");

		return v && (size_t)snprintf(out + used, size - used, "%s", v) < size - used;
	}
	/* column_0_name, column_0_label, column_0N_name, column_0_N_label, ... */
	if (len < 13 || strncmp(token, "column_0", 8) != 0 || !n)
		return false;
	all = token[8] == 'N' || (token[8] == '_' && token[9] == 'N');
	sep = token[8] == '_';
	label = !strcmp(token + len - 5, "label") || !strncmp(token + len - 6, "_label", 6);
	if (!IS("column_0_name") && !IS("column_0_label") && !IS("column_0N_name") &&
	    !IS("column_0_N_name") && !IS("column_0N_label") && !IS("column_0_N_label"))
		return false;
#undef IS
	for (size_t i = 0; i < (all ? n : 1); i++) {
		int w = snprintf(out + used, size - used, "%s%s%s%s", i && sep ? "_" : "",
				 label && table ? table : "", label && table ? "_" : "", cols[i]);

		if (w < 0 || (size_t)w >= size - used || (label && !table))
			return false;
		used += (size_t)w;
	}
	return true;
}

/* Which convention key names what op creates or drops, and the parameter of its name. */
static const char *
key_of(const struct migration_op *op, const char **param)
{
	static const struct { enum op_kind kind; const char *key; } keys[] = {
		{ OP_CREATE_CHECK, "ck" }, { OP_CREATE_UNIQUE, "uq" }, { OP_CREATE_FK, "fk" },
		{ OP_CREATE_PK, "pk" }, { OP_CREATE_INDEX, "ix" }, { OP_DROP_INDEX, "ix" },
	};
	static const struct { const char *type, *key; } types[] = {
		{ "check", "ck" }, { "unique", "uq" }, { "foreignkey", "fk" }, { "primary", "pk" },
	};
	enum op_kind kind = op_kind_of(op);
	const char *type;

	*param = kind == OP_CREATE_INDEX || kind == OP_DROP_INDEX ? "index_name" : "constraint_name";
	for (size_t i = 0; i < MR_ARRAY_SIZE(keys); i++)
		if (keys[i].kind == kind)
			return keys[i].key;
	/* drop_constraint(name, table, type_="check") is named by the convention too */
	type = kind == OP_DROP_CONSTRAINT ? op_string(op, "type_") : NULL;
	for (size_t i = 0; type && i < MR_ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].type, type))
			return types[i].key;
	return NULL;
}

const char *
naming_name(const struct naming *n, const struct migration_op *op, char *buf, size_t size)
{
	const char *param, *key = key_of(op, &param), *tmpl, *name;
	const struct pyarg *a = op_param(op, param);

	/* op.f("name"): final, whatever the convention */
	if (a && a->kind == PYARG_STRING && a->final)
		return a->text;
	if (a && a->kind == PYARG_CALL && (!strcmp(a->call->callee, "op.f") ||
					  !strcmp(a->call->callee, "f")))
		return a->call->n_args && a->call->args[0].kind == PYARG_STRING ?
		       a->call->args[0].text : NULL;
	if (a && a->kind != PYARG_STRING && a->kind != PYARG_NONE)
		return NULL;    /* a name only running the code could tell */
	name = a && a->kind == PYARG_STRING ? a->text : NULL;
	tmpl = n ? template_of(n, key) : NULL;
	/* SQLAlchemy applies a convention to a given name only through %(constraint_name)s */
	if (!tmpl || (name && !strstr(tmpl, "%(constraint_name)s")) || !size)
		return name;
	buf[0] = '\0';
	for (const char *p = tmpl; *p;) {
		size_t used = strlen(buf);
		const char *end;

		if (p[0] == '%' && p[1] == '(' && (end = strstr(p + 2, ")s"))) {
			if (!expand_token(op, p + 2, (size_t)(end - p - 2), name, buf, size))
				return name;
			p = end + 2;
		} else {
			if (used + 1 >= size)
				return name;
			buf[used] = *p == '%' && p[1] == '%' ? (p++, '%') : *p;
			buf[used + 1] = '\0';
			p++;
		}
	}
	return buf;
}

void
naming_free(struct naming *n)
{
	strvec_free(&n->keys);
	strvec_free(&n->templates);
	free(n->source);
	memset(n, 0, sizeof(*n));
}

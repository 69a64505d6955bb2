/* Names of constants in revision headers, resolved from their modules' source. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migreview/pyconst.h"

/* How many names, aliases and imports one value may go through: a cycle ends here. */
#define MAX_STEPS 32

enum binding_kind {
	BIND_VALUE,             /* name = value */
	BIND_MODULE,            /* import a.b (binds a), import a.b as name */
	BIND_FROM,              /* from module import what [as name] */
	BIND_OTHER,             /* def, class: no constant */
};

struct binding {
	enum binding_kind kind;
	TSNode value;           /* BIND_VALUE */
	char *module;           /* BIND_MODULE, BIND_FROM: dotted, with leading dots if relative */
	char *what;             /* BIND_FROM */
};

/* What a module binds at module level, the last binding of each name. */
struct module {
	char *path;
	char *src;              /* owned unless borrowed */
	TSTree *tree;
	bool borrowed;
	struct strmap names;    /* name (owned) -> index into binds */
	struct binding *binds;
	size_t n_binds, cap_binds;
};

struct pyconst {
	struct pysrc_parser *parser;
	struct strvec sys_path;
	char *ini_dir;
	struct strmap files;    /* path (owned) -> index into mods */
	struct module **mods;   /* NULL: not a module migreview can read */
	size_t n_mods, cap_mods;
};

/* One resolution: where modules are looked for, and the first reason it failed. */
struct lookup {
	struct pyconst *pc;
	struct strvec roots;
	char *why;
	bool oom;
};

/* A module (its dotted name under base, or under the roots when base is NULL) or a value. */
struct thing {
	enum { THING_NONE, THING_MODULE, THING_VALUE } kind;
	char *base, *dotted;    /* THING_MODULE, owned */
	struct module *in;      /* THING_VALUE: the module the node is in */
	TSNode node;
};

static void __attribute__((format(printf, 2, 3)))
fail(struct lookup *lk, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	if (lk->why)
		return;         /* the first reason is the one worth reading */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lk->why = mr_strdup(buf);
	lk->oom = lk->oom || !lk->why;
}

/* The path as the reviewer knows it: relative to the ini's directory. */
static char *
shown(const struct lookup *lk, const char *path)
{
	return lk->pc->ini_dir ? mr_path_relative(path, lk->pc->ini_dir) : mr_strdup(path);
}

/* ---- reading a module's bindings ---- */

static int
bind(struct module *m, char *name, struct binding b)
{
	size_t at;

	if (!name || mr_grow(&m->binds, &m->cap_binds, m->n_binds + 1, sizeof(*m->binds)) < 0) {
		free(name);
		free(b.module);
		free(b.what);
		return -1;
	}
	if (strmap_get(&m->names, name, &at)) {
		free(name);
		free(m->binds[at].module);
		free(m->binds[at].what);
		m->binds[at] = b;       /* the last binding is the one Python leaves */
		return 0;
	}
	m->binds[m->n_binds] = b;
	if (strmap_put_owned(&m->names, name, m->n_binds) < 0) {
		free(name);
		free(b.module);
		free(b.what);
		return -1;
	}
	m->n_binds++;
	return 0;
}

/* "a = b = value" binds every name of the chain; "x: str = value" too. */
static int
read_assignment(struct module *m, TSNode asg)
{
	TSNode value = asg, targets[16];
	size_t nt = 0;

	while (pysrc_node_is(value, "assignment")) {
		if (nt < MR_ARRAY_SIZE(targets))
			targets[nt++] = pysrc_field(value, PYSRC_FIELD_LEFT);
		value = pysrc_field(value, PYSRC_FIELD_RIGHT);
		if (ts_node_is_null(value))
			return 0;
	}
	for (size_t i = 0; i < nt; i++)
		if (pysrc_node_is(targets[i], "identifier") &&
		    bind(m, pysrc_node_text(m->src, targets[i]),
			 (struct binding){ .kind = BIND_VALUE, .value = value }) < 0)
			return -1;
	return 0;
}

/* "a.b.c" from a dotted_name node, whatever spaces it holds. */
static char *
dotted(const char *src, TSNode n)
{
	char *out = mr_strdup("");

	for (uint32_t i = 0; out && i < ts_node_named_child_count(n); i++) {
		TSNode part = ts_node_named_child(n, i);
		char *more;

		if (!pysrc_node_is(part, "identifier"))
			continue;
		more = mr_printf("%s%s%.*s", out, *out ? "." : "",
				 (int)(ts_node_end_byte(part) - ts_node_start_byte(part)),
				 src + ts_node_start_byte(part));
		free(out);
		out = more;
	}
	return out;
}

/* import a.b.c (binds a to a), import a.b.c as x (binds x to a.b.c). */
static int
read_import(struct module *m, TSNode stmt)
{
	for (uint32_t i = 0; i < ts_node_named_child_count(stmt); i++) {
		TSNode item = ts_node_named_child(stmt, i);
		char *mod, *name;

		if (pysrc_node_is(item, "aliased_import")) {
			mod = dotted(m->src, pysrc_field(item, PYSRC_FIELD_NAME));
			name = pysrc_node_text(m->src, pysrc_field(item, PYSRC_FIELD_ALIAS));
		} else if (pysrc_node_is(item, "dotted_name")) {
			mod = dotted(m->src, item);
			name = mod ? mr_strndup(mod, strcspn(mod, ".")) : NULL;
			if (mod)
				mod[strcspn(mod, ".")] = '\0';
		} else {
			continue;
		}
		if (!mod) {
			free(name);
			return -1;
		}
		if (bind(m, name, (struct binding){ .kind = BIND_MODULE, .module = mod }) < 0)
			return -1;
	}
	return 0;
}

/* The module of "from MODULE import ...", relative ones with their dots. */
static char *
from_module(const char *src, TSNode mod)
{
	char *prefix = NULL, *name = NULL, *out;

	if (pysrc_node_is(mod, "dotted_name"))
		return dotted(src, mod);
	for (uint32_t i = 0; i < ts_node_named_child_count(mod); i++) {
		TSNode part = ts_node_named_child(mod, i);

		if (pysrc_node_is(part, "import_prefix") && !prefix)
			prefix = pysrc_node_text(src, part);
		else if (pysrc_node_is(part, "dotted_name") && !name)
			name = dotted(src, part);
	}
	out = prefix ? mr_printf("%s%s", prefix, name ? name : "") : NULL;
	free(prefix);
	free(name);
	return out;
}

static int
read_from_import(struct module *m, TSNode stmt)
{
	TSNode modnode = pysrc_field(stmt, PYSRC_FIELD_MODULE_NAME);
	uint32_t count = ts_node_named_child_count(stmt);
	char *mod;

	if (ts_node_is_null(modnode) || !(mod = from_module(m->src, modnode)))
		return ts_node_is_null(modnode) ? 0 : -1;
	for (uint32_t i = 0; i < count; i++) {
		TSNode item = ts_node_named_child(stmt, i), name, alias;
		char *what, *as, *copy;

		if (ts_node_eq(item, modnode))
			continue;
		if (pysrc_node_is(item, "aliased_import")) {
			name = pysrc_field(item, PYSRC_FIELD_NAME);
			alias = pysrc_field(item, PYSRC_FIELD_ALIAS);
		} else if (pysrc_node_is(item, "dotted_name")) {
			name = alias = item;
		} else {
			continue;       /* from x import *: nothing said by name */
		}
		what = dotted(m->src, name);
		as = pysrc_node_text(m->src, alias);
		copy = mr_strdup(mod);
		if (!what || !as || !copy) {
			free(what);
			free(as);
			free(copy);
			free(mod);
			return -1;
		}
		if (bind(m, as, (struct binding){ .kind = BIND_FROM, .module = copy,
						 .what = what }) < 0) {
			free(mod);
			return -1;
		}
	}
	free(mod);
	return 0;
}

/* def NAME / class NAME: the name holds no constant any more. */
static int
read_definition(struct module *m, TSNode stmt)
{
	TSNode name;

	if (pysrc_node_is(stmt, "decorated_definition"))
		stmt = pysrc_field(stmt, PYSRC_FIELD_DEFINITION);
	name = ts_node_is_null(stmt) ? stmt : pysrc_field(stmt, PYSRC_FIELD_NAME);
	if (ts_node_is_null(name))
		return 0;
	return bind(m, pysrc_node_text(m->src, name), (struct binding){ .kind = BIND_OTHER });
}

static int
read_bindings(struct module *m)
{
	TSNode root = ts_tree_root_node(m->tree);
	TSTreeCursor cursor = ts_tree_cursor_new(root);
	int rc = 0;

	for (bool more = ts_tree_cursor_goto_first_child(&cursor); more && rc == 0;
	     more = ts_tree_cursor_goto_next_sibling(&cursor)) {
		TSNode stmt = ts_tree_cursor_current_node(&cursor);

		if (pysrc_node_is(stmt, "expression_statement") && ts_node_named_child_count(stmt) == 1 &&
		    pysrc_node_is(ts_node_named_child(stmt, 0), "assignment"))
			rc = read_assignment(m, ts_node_named_child(stmt, 0));
		else if (pysrc_node_is(stmt, "import_statement"))
			rc = read_import(m, stmt);
		else if (pysrc_node_is(stmt, "import_from_statement"))
			rc = read_from_import(m, stmt);
		else if (pysrc_node_is(stmt, "function_definition") || pysrc_node_is(stmt, "class_definition") ||
			 pysrc_node_is(stmt, "decorated_definition"))
			rc = read_definition(m, stmt);
	}
	ts_tree_cursor_delete(&cursor);
	return rc;
}

static void
module_free(struct module *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_binds; i++) {
		free(m->binds[i].module);
		free(m->binds[i].what);
	}
	free(m->binds);
	strmap_free(&m->names, true);
	if (!m->borrowed) {
		if (m->tree)
			ts_tree_delete(m->tree);
		free(m->src);
	}
	free(m->path);
	free(m);
}

/* The module in file path, read once per resolver; NULL (and lk->why) when it cannot be. */
static struct module *
module_at(struct lookup *lk, const char *path)
{
	struct pyconst *pc = lk->pc;
	struct module *m = NULL;
	char *key = mr_strdup(path);
	size_t at, len;
	struct mr_error err;

	if (strmap_get(&pc->files, path, &at)) {
		free(key);
		return pc->mods[at];
	}
	if (!key || mr_grow(&pc->mods, &pc->cap_mods, pc->n_mods + 1, sizeof(*pc->mods)) < 0 ||
	    strmap_put_owned(&pc->files, key, pc->n_mods) < 0) {
		free(key);
		lk->oom = true;
		return NULL;
	}
	pc->mods[pc->n_mods++] = NULL;
	if (!(m = calloc(1, sizeof(*m))) || !(m->path = mr_strdup(path))) {
		free(m);
		lk->oom = true;
		return NULL;
	}
	if (mr_read_file(path, MR_FILE_APPCODE, &m->src, &len, &err) < 0 ||
	    !(m->tree = pysrc_parse(pc->parser, m->src, len, NULL))) {
		char *rel = shown(lk, path);

		fail(lk, "%s cannot be read: %s", rel ? rel : path,
		     m->src ? "it does not parse" : err.msg);
		free(rel);
		module_free(m);
		return NULL;
	}
	if (read_bindings(m) < 0) {
		module_free(m);
		lk->oom = true;
		return NULL;
	}
	pc->mods[pc->n_mods - 1] = m;
	return m;
}

/* ---- finding modules ---- */

/*
 * The file of module dotted under base (or the roots): *path is a new string
 * (NULL for a namespace package, a directory without __init__.py); false
 * when there is no such module.
 */
static bool
find_module(struct lookup *lk, const char *base, const char *dotted, char **path)
{
	char *rel = mr_strdup(dotted);
	size_t n = base ? 1 : lk->roots.n;
	bool found = false;

	*path = NULL;
	if (!rel) {
		lk->oom = true;
		return false;
	}
	for (char *c = rel; *c; c++)
		if (*c == '.')
			*c = '/';
	for (size_t i = 0; i < n && !found; i++) {
		const char *root = base ? base : lk->roots.v[i];
		char *py = *rel ? mr_printf("%s/%s.py", root, rel) : NULL;
		char *dir = *rel ? mr_printf("%s/%s", root, rel) : mr_strdup(root);
		char *init = dir ? mr_printf("%s/__init__.py", dir) : NULL;

		if ((*rel && !py) || !dir || !init)
			lk->oom = true;
		else if (py && mr_is_file(py))
			*path = py, py = NULL, found = true;
		else if (mr_is_file(init))
			*path = init, init = NULL, found = true;
		else if (*rel && mr_is_dir(dir))
			found = true;
		free(py);
		free(dir);
		free(init);
	}
	free(rel);
	return found;
}

/* ---- evaluating names ---- */

static struct thing eval_dotted(struct lookup *lk, struct module *m, const char *name, int steps);

static void
thing_free(struct thing *t)
{
	free(t->base);
	free(t->dotted);
	memset(t, 0, sizeof(*t));
}

static struct thing
module_thing(struct lookup *lk, const char *base, const char *dotted)
{
	struct thing t = { .kind = THING_MODULE, .base = base ? mr_strdup(base) : NULL,
			   .dotted = mr_strdup(dotted) };

	if ((base && !t.base) || !t.dotted) {
		lk->oom = true;
		thing_free(&t);
	}
	return t;
}

/* "from .x import y" in the file at path: x's base directory and name. */
static struct thing
relative_module(struct lookup *lk, const char *path, const char *mod)
{
	size_t dots = strspn(mod, ".");
	char *dir, *up;
	struct thing t;

	if (!dots)
		return module_thing(lk, NULL, mod);
	dir = mr_path_dirname(path);
	for (size_t i = 1; dir && i < dots; i++) {
		up = mr_path_dirname(dir);
		free(dir);
		dir = up;
	}
	if (!dir) {
		lk->oom = true;
		return (struct thing){ 0 };
	}
	t = module_thing(lk, dir, mod + dots);
	free(dir);
	return t;
}

static char *
module_name(const struct thing *t)
{
	return mr_printf("%s%s", t->base ? "." : "", t->dotted);
}

static struct thing lookup_name(struct lookup *lk, struct module *m, const char *name, int steps);

/* t.name, where t is a module: its binding, else its submodule. */
static struct thing
get_attr(struct lookup *lk, struct thing *t, const char *name, int steps)
{
	char *path = NULL, *sub, *mname;
	struct module *m = NULL;
	struct thing out = { 0 };
	bool found;

	if (t->kind != THING_MODULE) {
		fail(lk, "'%s' is looked up on a value, not on a module", name);
		return out;
	}
	found = find_module(lk, t->base, t->dotted, &path);
	if (path && !(m = module_at(lk, path))) {
		free(path);
		return out;
	}
	free(path);
	if (m && strmap_get(&m->names, name, &(size_t){ 0 }))
		return lookup_name(lk, m, name, steps + 1);
	sub = *t->dotted ? mr_printf("%s.%s", t->dotted, name) : mr_strdup(name);
	if (!sub) {
		lk->oom = true;
		return out;
	}
	if (found && find_module(lk, t->base, sub, &path)) {
		free(path);
		out = module_thing(lk, t->base, sub);
	} else if (!lk->oom) {
		mname = module_name(t);
		if (!found)
			fail(lk, "module %s is not in the project (looked for it from the "
			     "migration's directory up to the repository's top, from the ini's, "
			     "and in prepend_sys_path)", mname ? mname : t->dotted);
		else
			fail(lk, "module %s has no module-level '%s'", mname ? mname : t->dotted,
			     name);
		free(mname);
	}
	free(sub);
	return out;
}

/* What name is bound to at module level in m. */
static struct thing
lookup_name(struct lookup *lk, struct module *m, const char *name, int steps)
{
	struct thing out = { 0 }, mod;
	char *what, *rel;
	size_t at;
	const struct binding *b;

	if (steps > MAX_STEPS) {
		fail(lk, "'%s' goes through more than %d names (a cycle?)", name, MAX_STEPS);
		return out;
	}
	if (!strmap_get(&m->names, name, &at)) {
		rel = shown(lk, m->path);
		fail(lk, "'%s' is not assigned or imported at module level in %s", name,
		     rel ? rel : m->path);
		free(rel);
		return out;
	}
	b = &m->binds[at];
	switch (b->kind) {
	case BIND_VALUE:
		what = NULL;
		if (pysrc_dotted_name(m->src, b->value, &what) < 0)
			lk->oom = true;
		if (what)
			out = eval_dotted(lk, m, what, steps + 1);
		else if (!lk->oom)
			out = (struct thing){ .kind = THING_VALUE, .in = m, .node = b->value };
		free(what);
		break;
	case BIND_MODULE:
		out = module_thing(lk, NULL, b->module);
		break;
	case BIND_FROM:
		mod = relative_module(lk, m->path, b->module);
		if (mod.kind == THING_MODULE)
			out = get_attr(lk, &mod, b->what, steps + 1);
		thing_free(&mod);
		break;
	case BIND_OTHER:
		rel = shown(lk, m->path);
		fail(lk, "'%s' is a function or class in %s", name, rel ? rel : m->path);
		free(rel);
		break;
	}
	return out;
}

static struct thing
eval_dotted(struct lookup *lk, struct module *m, const char *name, int steps)
{
	char *parts = mr_strdup(name), *save = NULL;
	struct thing t = { 0 }, next;
	const char *part;

	if (!parts) {
		lk->oom = true;
		return t;
	}
	part = strtok_r(parts, ".", &save);
	if (part)
		t = lookup_name(lk, m, part, steps);
	while (t.kind != THING_NONE && (part = strtok_r(NULL, ".", &save))) {
		next = get_attr(lk, &t, part, steps);
		thing_free(&t);
		t = next;
	}
	free(parts);
	return t;
}

/* ---- values ---- */

static int resolve_items(struct lookup *lk, struct module *m, struct pyval *v, int steps);

/*
 * The value name has in m, into *out (PYVAL_STRINGS, PYVAL_NONE, or
 * PYVAL_OTHER with lk->why); single: it must be one string.
 */
static void
value_of(struct lookup *lk, struct module *m, const char *name, bool single, struct pyval *out,
	 int steps)
{
	struct thing t = eval_dotted(lk, m, name, steps);
	char *rel;

	out->kind = PYVAL_OTHER;
	if (t.kind == THING_MODULE) {
		fail(lk, "%s is a module, not a string", name);
	} else if (t.kind == THING_VALUE) {
		if (pysrc_value(t.in->src, t.node, out) < 0)
			lk->oom = true;
		else if (out->kind == PYVAL_REFS && resolve_items(lk, t.in, out, steps + 1) < 0)
			lk->oom = true;
		if (out->kind == PYVAL_OTHER || (single && (out->kind != PYVAL_STRINGS ||
							     out->is_sequence))) {
			TSPoint at = ts_node_start_point(t.node);

			rel = shown(lk, t.in->path);
			fail(lk, "%s is %s at %s:%u, which migreview cannot read as %s", name,
			     out->kind == PYVAL_OTHER ? "not a literal" : "not a single string",
			     rel ? rel : t.in->path, at.row + 1,
			     single ? "one string" : "a string, None or a tuple of strings");
			free(rel);
			out->kind = PYVAL_OTHER;
		}
	}
	thing_free(&t);
}

/* Alembic reads (), [] and "" as no value at all. */
static void
settle(struct pyval *v)
{
	if (v->items.n == 0 || (!v->is_sequence && !v->items.v[0][0]))
		v->kind = PYVAL_NONE;
	else
		v->kind = PYVAL_STRINGS;
}

/* Replaces the names among v's items by their values, keeping the order. */
static int
resolve_items(struct lookup *lk, struct module *m, struct pyval *v, int steps)
{
	struct strvec items = { 0 };
	bool known = true;

	for (size_t i = 0; i < v->items.n && !lk->oom; i++) {
		struct pyval val = { 0 };

		if (!v->is_ref[i]) {
			lk->oom = strvec_push(&items, v->items.v[i]) < 0;
			continue;
		}
		value_of(lk, m, v->items.v[i], v->is_sequence, &val, steps);
		if (val.kind == PYVAL_OTHER)
			known = false;
		/* a whole value that names a tuple is that tuple */
		if (!v->is_sequence && val.kind != PYVAL_OTHER)
			v->is_sequence = val.is_sequence;
		for (size_t k = 0; val.kind == PYVAL_STRINGS && k < val.items.n && !lk->oom; k++)
			lk->oom = strvec_push(&items, val.items.v[k]) < 0;
		pyval_free(&val);
	}
	if (lk->oom) {
		strvec_free(&items);
		return -1;
	}
	strvec_free(&v->items);
	free(v->is_ref);
	v->is_ref = NULL;
	v->items = items;
	if (known)
		settle(v);
	else
		v->kind = PYVAL_OTHER;
	return 0;
}

/* ---- the resolver ---- */

/* dir and its parents up to the repository's top (the first holding .git), or to /. */
static int
add_parents(struct strvec *roots, const char *dir)
{
	char *cur = mr_path_absolute(dir), *top = cur ? mr_path_repository_top(cur) : NULL, *up;
	int rc = -1;

	while (cur && top) {
		bool last = !strcmp(cur, top);

		if (!strvec_contains(roots, cur) && strvec_push(roots, cur) < 0)
			break;
		if (last) {
			rc = 0;
			break;
		}
		up = mr_path_dirname(cur);
		free(cur);
		cur = up;
	}
	free(cur);
	free(top);
	return rc;
}

struct pyconst *
pyconst_new(struct pysrc_parser *parser, const struct strvec *sys_path, const char *ini_dir)
{
	struct pyconst *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->parser = parser;
	for (size_t i = 0; sys_path && i < sys_path->n; i++)
		if (strvec_push(&pc->sys_path, sys_path->v[i]) < 0) {
			pyconst_free(pc);
			return NULL;
		}
	if (ini_dir && !(pc->ini_dir = mr_strdup(ini_dir))) {
		pyconst_free(pc);
		return NULL;
	}
	return pc;
}

void
pyconst_free(struct pyconst *pc)
{
	if (!pc)
		return;
	for (size_t i = 0; i < pc->n_mods; i++)
		module_free(pc->mods[i]);
	free(pc->mods);
	strmap_free(&pc->files, true);
	strvec_free(&pc->sys_path);
	free(pc->ini_dir);
	free(pc);
}

static int
search_roots(struct lookup *lk, const char *path)
{
	char *dir = mr_path_dirname(path);
	int rc = dir ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < lk->pc->sys_path.n; i++)
		if (!strvec_contains(&lk->roots, lk->pc->sys_path.v[i]))
			rc = strvec_push(&lk->roots, lk->pc->sys_path.v[i]);
	if (rc == 0)
		rc = add_parents(&lk->roots, dir);
	if (rc == 0 && lk->pc->ini_dir)
		rc = add_parents(&lk->roots, lk->pc->ini_dir);
	free(dir);
	return rc;
}

int
pyconst_resolve(struct pyconst *pc, TSTree *tree, const char *src, const char *path,
		struct pyval *v)
{
	struct module self = { .path = (char *)path, .src = (char *)src, .tree = tree,
			       .borrowed = true };
	struct lookup lk = { .pc = pc };
	int rc = 0;

	if (v->kind != PYVAL_REFS)
		return 0;
	if (search_roots(&lk, path) < 0 || read_bindings(&self) < 0 ||
	    resolve_items(&lk, &self, v, 0) < 0 || lk.oom)
		rc = -1;
	if (rc == 0 && v->kind == PYVAL_OTHER) {
		free(v->why);
		v->why = lk.why;
		lk.why = NULL;
	}
	self.path = NULL;       /* borrowed, as src and tree */
	for (size_t i = 0; i < self.n_binds; i++) {
		free(self.binds[i].module);
		free(self.binds[i].what);
	}
	free(self.binds);
	strmap_free(&self.names, true);
	strvec_free(&lk.roots);
	free(lk.why);
	return rc;
}

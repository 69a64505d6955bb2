/* The schema replayed from the migrations' operations. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/schema.h"
#include "migreview/sqltok.h"

static int
slots_push(struct schema_slots *sl, size_t pos)
{
	if (mr_grow(&sl->v, &sl->cap, sl->n + 1, sizeof(*sl->v)) < 0)
		return -1;
	sl->v[sl->n++] = pos;
	return 0;
}

/* Takes pos out of sl; the others keep their order. */
static void
slots_remove(struct schema_slots *sl, size_t pos)
{
	for (size_t i = sl->n; i-- > 0;)
		if (sl->v[i] == pos) {
			memmove(&sl->v[i], &sl->v[i + 1], (--sl->n - i) * sizeof(*sl->v));
			return;
		}
}

/* What bears name in map (by_table or by_name), or NULL. */
static struct schema_named *
named(const struct schema *s, const struct strmap *map, const char *name)
{
	size_t i;

	return name && strmap_get(map, name, &i) ? &s->named[i] : NULL;
}

/* The same, made empty when there is none; NULL when out of memory.  It may move s->named. */
static struct schema_named *
named_make(struct schema *s, struct strmap *map, const char *name)
{
	struct schema_named *n = named(s, map, name);
	char *key;

	if (n)
		return n;
	if (mr_grow(&s->named, &s->cap_named, s->n_named + 1, sizeof(*s->named)) < 0 ||
	    !(key = mr_strdup(name)) || strmap_put_owned(map, key, s->n_named) < 0)
		return NULL;
	n = &s->named[s->n_named++];
	memset(n, 0, sizeof(*n));
	return n;
}

/* Files pos under name in map, in the list of what bears it at field (an offsetof()). */
static int
file_under(struct schema *s, struct strmap *map, const char *name, size_t field, size_t pos)
{
	struct schema_named *n = named_make(s, map, name);

	return n ? slots_push((struct schema_slots *)((char *)n + field), pos) : -1;
}

struct schema_table *
schema_table(const struct schema *s, const char *name)
{
	const struct schema_named *n = named(s, &s->by_table, name);
	size_t last = 0;

	/* two tables of one name (one was renamed to the other's): the one made last */
	for (size_t i = 0; n && i < n->tables.n; i++)
		last = n->tables.v[i] > last ? n->tables.v[i] : last;
	return n && n->tables.n ? &s->tables[last] : NULL;
}

struct schema_column *
schema_column(const struct schema *s, const char *table, const char *column)
{
	struct schema_table *t = schema_table(s, table);

	for (size_t i = 0; t && column && i < t->n_columns; i++)
		if (!strcmp(t->columns[i].name, column))
			return &t->columns[i];
	return NULL;
}

const struct schema_index *
schema_covering_index(const struct schema *s, const char *table, const struct strvec *columns)
{
	const struct schema_named *n = named(s, &s->by_table, table);
	const struct schema_index *first = NULL;

	for (size_t i = 0; n && i < n->indexes.n; i++) {
		const struct schema_index *ix = &s->indexes[n->indexes.v[i]];
		size_t k;

		if (ix->columns.n < columns->n || (first && ix > first))
			continue;
		/* the FK's columns must lead the index, in any order among themselves */
		for (k = 0; k < columns->n; k++) {
			bool found = false;

			for (size_t c = 0; c < columns->n; c++)
				found = found || !strcmp(ix->columns.v[k], columns->v[c]);
			if (!found)
				break;
		}
		if (k == columns->n)
			first = ix;
	}
	return first;
}

const struct schema_index *
schema_index_named(const struct schema *s, const char *name)
{
	const struct schema_named *n = named(s, &s->by_name, name);

	/* filed as they were made, so the first is the oldest */
	return n && n->indexes.n ? &s->indexes[n->indexes.v[0]] : NULL;
}

/* "users.id" → "users"; a column object sa.ForeignKey(users.c.id) stays unknown. */
static char *
referent_of(const struct pyarg *a)
{
	const char *dot;

	if (!a || a->kind != PYARG_STRING)
		return mr_strdup("?");
	dot = strrchr(a->text, '.');
	return dot ? mr_strndup(a->text, (size_t)(dot - a->text)) : mr_strdup(a->text);
}

static bool
callee_is(const struct pycall *c, const char *name)
{
	return !strcmp(c->name, name);
}

static bool
is_true(const struct pyarg *a)
{
	return a && a->kind == PYARG_BOOL && !strcmp(a->text, "True");
}

static int
add_index(struct schema *s, const char *name, const char *table, const struct strvec *cols,
	  bool unique, bool constraint, size_t at)
{
	struct schema_index *ix;

	if (mr_grow(&s->indexes, &s->cap_indexes, s->n_indexes + 1, sizeof(*s->indexes)) < 0)
		return -1;
	ix = &s->indexes[s->n_indexes];
	memset(ix, 0, sizeof(*ix));
	ix->unique = unique;
	ix->constraint = constraint;
	ix->created_in = at;
	if ((name && !(ix->name = mr_strdup(name))) || !(ix->table = mr_strdup(table))) {
		free(ix->name);
		return -1;
	}
	s->n_indexes++;
	for (size_t i = 0; i < cols->n; i++)
		if (strvec_push(&ix->columns, cols->v[i]) < 0)
			return -1;
	if (file_under(s, &s->by_table, table, offsetof(struct schema_named, indexes),
		       s->n_indexes - 1) < 0)
		return -1;
	return name ? file_under(s, &s->by_name, name, offsetof(struct schema_named, indexes),
				 s->n_indexes - 1) : 0;
}

static int
add_fk(struct schema *s, const char *name, const char *table, const struct strvec *cols,
       const char *referent, size_t at, unsigned line, unsigned col)
{
	struct schema_fk *fk;

	if (mr_grow(&s->fks, &s->cap_fks, s->n_fks + 1, sizeof(*s->fks)) < 0)
		return -1;
	fk = &s->fks[s->n_fks++];
	memset(fk, 0, sizeof(*fk));
	fk->created_in = at;
	fk->line = line;
	fk->col = col;
	if ((name && !(fk->name = mr_strdup(name))) || !(fk->table = mr_strdup(table)) ||
	    !(fk->referent = mr_strdup(referent)))
		return -1;
	for (size_t i = 0; i < cols->n; i++)
		if (strvec_push(&fk->columns, cols->v[i]) < 0)
			return -1;
	if (file_under(s, &s->by_table, table, offsetof(struct schema_named, fks), s->n_fks - 1) < 0 ||
	    file_under(s, &s->by_table, referent, offsetof(struct schema_named, referring),
		       s->n_fks - 1) < 0)
		return -1;
	return name ? file_under(s, &s->by_name, name, offsetof(struct schema_named, fks),
				 s->n_fks - 1) : 0;
}

int
schema_add_enum(struct schema *s, const char *name, size_t at, unsigned line, unsigned col)
{
	struct schema_enum *e;

	if (strmap_get(&s->enum_index, name, NULL))
		return 0;
	if (mr_grow(&s->enums, &s->cap_enums, s->n_enums + 1, sizeof(*s->enums)) < 0)
		return -1;
	e = &s->enums[s->n_enums];
	e->created_in = at;
	e->line = line;
	e->col = col;
	if (!(e->name = mr_strdup(name)))
		return -1;
	s->n_enums++;
	/* the key is the enum's own name, which stays as long as the schema */
	return strmap_put(&s->enum_index, e->name, s->n_enums - 1);
}

/* Strings of a list argument ("columns", "local_cols"); expressions as "<expr>". */
static int
string_list(const struct pyarg *a, struct strvec *out)
{
	if (!a)
		return 0;
	if (a->kind == PYARG_STRING)
		return strvec_push(out, a->text);
	for (size_t i = 0; a->kind == PYARG_LIST && i < a->n_items; i++)
		if (strvec_push(out, a->items[i].kind == PYARG_STRING ? a->items[i].text : "<expr>") < 0)
			return -1;
	return 0;
}

/* Adds a sa.Column(...) to table, with what it implies: PK, index, unique, FK, enum. */
static int
add_column(struct schema *s, const char *table, const struct pycall *c, size_t at,
	   struct strvec *pk)
{
	struct schema_table *t = schema_table(s, table);
	const struct pyarg *name = pycall_arg(c, 0, "name"), *type = pycall_arg(c, 1, "type_");
	const struct pyarg *nullable = pycall_arg(c, (size_t)-1, "nullable");
	const struct pyarg *dflt = pycall_arg(c, (size_t)-1, "server_default");
	bool primary = is_true(pycall_arg(c, (size_t)-1, "primary_key"));
	struct strvec one = { 0 };
	struct schema_column *col;
	int rc = 0;

	if (!t || !name || name->kind != PYARG_STRING)
		return 0;
	if (mr_grow(&t->columns, &t->cap_columns, t->n_columns + 1, sizeof(*t->columns)) < 0)
		return -1;
	col = &t->columns[t->n_columns];
	memset(col, 0, sizeof(*col));
	col->nullable = nullable ? !(nullable->kind == PYARG_BOOL && !strcmp(nullable->text, "False"))
				 : !primary;
	col->server_default = dflt && dflt->kind != PYARG_NONE;
	col->created_in = at;
	col->name = mr_strdup(name->text);
	col->type = mr_strdup(!type ? "?" : type->kind == PYARG_CALL ? type->call->callee :
			      type->text ? type->text : "?");
	if (!col->name || !col->type)
		return -1;
	t->n_columns++;
	if (type && type->kind == PYARG_CALL && (callee_is(type->call, "Enum") ||
						 callee_is(type->call, "ENUM"))) {
		const struct pyarg *ename = pycall_arg(type->call, (size_t)-1, "name");

		if (ename && ename->kind == PYARG_STRING &&
		    !(pycall_arg(type->call, (size_t)-1, "create_type") &&
		      !is_true(pycall_arg(type->call, (size_t)-1, "create_type"))) &&
		    schema_add_enum(s, ename->text, at, type->line, type->col) < 0)
			return -1;
	}
	if (strvec_push(&one, name->text) < 0)
		return -1;
	if (primary && pk)
		rc = strvec_push(pk, name->text);
	if (rc == 0 && is_true(pycall_arg(c, (size_t)-1, "index")))
		rc = add_index(s, NULL, table, &one, false, false, at);
	if (rc == 0 && is_true(pycall_arg(c, (size_t)-1, "unique")))
		rc = add_index(s, NULL, table, &one, true, true, at);
	for (size_t i = 0; rc == 0 && i < c->n_args; i++) {
		const struct pyarg *a = &c->args[i];

		if (!a->keyword && a->kind == PYARG_CALL && callee_is(a->call, "ForeignKey")) {
			char *ref = referent_of(pycall_arg(a->call, 0, "column"));

			rc = ref ? add_fk(s, NULL, table, &one, ref, at, a->line, a->col) : -1;
			free(ref);
		}
	}
	strvec_free(&one);
	return rc;
}

/* sa.PrimaryKeyConstraint / UniqueConstraint / ForeignKeyConstraint / Index inside create_table. */
static int
add_table_item(struct schema *s, const char *table, const struct pyarg *a, size_t at,
	       struct strvec *pk)
{
	const struct pycall *c = a->call;
	const struct pyarg *name = pycall_arg(c, (size_t)-1, "name");
	const char *cname = name && name->kind == PYARG_STRING ? name->text : NULL;
	struct strvec cols = { 0 };
	int rc = 0;

	if (callee_is(c, "Column"))
		return add_column(s, table, c, at, pk);
	if (callee_is(c, "PrimaryKeyConstraint") || callee_is(c, "UniqueConstraint") ||
	    callee_is(c, "Index")) {
		bool is_index = callee_is(c, "Index");

		for (size_t i = is_index ? 1 : 0; i < c->n_args; i++)
			if (!c->args[i].keyword && string_list(&c->args[i], &cols) < 0)
				rc = -1;
		if (callee_is(c, "PrimaryKeyConstraint"))
			rc = rc ? rc : strvec_push(pk, "");     /* marks an explicit PK */
		if (rc == 0 && cols.n)
			rc = add_index(s, is_index ? (c->n_args && c->args[0].kind == PYARG_STRING ?
						     c->args[0].text : NULL) : cname,
				       table, &cols, !is_index || is_true(pycall_arg(c, (size_t)-1, "unique")),
				       !is_index, at);
	} else if (callee_is(c, "ForeignKeyConstraint")) {
		struct strvec refs = { 0 };
		char *ref;

		rc = string_list(pycall_arg(c, 0, "columns"), &cols);
		if (rc == 0)
			rc = string_list(pycall_arg(c, 1, "refcolumns"), &refs);
		if (rc == 0 && cols.n) {
			struct pyarg first = { .kind = PYARG_STRING, .text = refs.n ? refs.v[0] : NULL };

			ref = refs.n ? referent_of(&first) : mr_strdup("?");
			rc = ref ? add_fk(s, cname, table, &cols, ref, at, a->line, a->col) : -1;
			free(ref);
		}
		strvec_free(&refs);
	}
	strvec_free(&cols);
	return rc;
}

static int
create_table(struct schema *s, const struct migration_op *op, size_t at)
{
	const char *name = op_table(op);
	struct schema_table *t;
	struct strvec pk = { 0 };
	bool explicit_pk = false;
	int rc = 0;

	if (!name || schema_table(s, name))
		return 0;
	if (mr_grow(&s->tables, &s->cap_tables, s->n_tables + 1, sizeof(*s->tables)) < 0)
		return -1;
	t = &s->tables[s->n_tables];
	memset(t, 0, sizeof(*t));
	t->created_in = at;
	if (!(t->name = mr_strdup(name)))
		return -1;
	if (file_under(s, &s->by_table, name, offsetof(struct schema_named, tables),
		       s->n_tables++) < 0)
		return -1;
	for (size_t i = 1; rc == 0 && i < op->call.n_args; i++) {
		const struct pyarg *a = &op->call.args[i];

		if (!a->keyword && a->kind == PYARG_CALL)
			rc = add_table_item(s, name, a, at, &pk);
	}
	/* columns with primary_key=True form the PK, unless a constraint declared it */
	for (size_t i = 0; i < pk.n; i++)
		explicit_pk = explicit_pk || !pk.v[i][0];
	if (rc == 0 && pk.n && !explicit_pk)
		rc = add_index(s, NULL, name, &pk, true, true, at);
	strvec_free(&pk);
	return rc;
}

static void
index_free(struct schema_index *ix)
{
	free(ix->name);
	free(ix->table);
	strvec_free(&ix->columns);
	memset(ix, 0, sizeof(*ix));
}

static void
fk_free(struct schema_fk *fk)
{
	free(fk->name);
	free(fk->table);
	free(fk->referent);
	strvec_free(&fk->columns);
	memset(fk, 0, sizeof(*fk));
}

static void
drop_index_at(struct schema *s, size_t pos)
{
	struct schema_index *ix = &s->indexes[pos];
	struct schema_named *n;

	if ((n = named(s, &s->by_table, ix->table)))
		slots_remove(&n->indexes, pos);
	if ((n = named(s, &s->by_name, ix->name)))
		slots_remove(&n->indexes, pos);
	index_free(ix);
}

static void
drop_fk_at(struct schema *s, size_t pos)
{
	struct schema_fk *fk = &s->fks[pos];
	struct schema_named *n;

	if ((n = named(s, &s->by_table, fk->table)))
		slots_remove(&n->fks, pos);
	if ((n = named(s, &s->by_table, fk->referent)))
		slots_remove(&n->referring, pos);
	if ((n = named(s, &s->by_name, fk->name)))
		slots_remove(&n->fks, pos);
	fk_free(fk);
}

/* Removes the indexes and FKs that match: by table (and column), or by name. */
static void
remove_keys(struct schema *s, const char *table, const char *column, const char *name)
{
	struct schema_named *n = name ? named(s, &s->by_name, name) : named(s, &s->by_table, table);

	for (size_t i = n ? n->indexes.n : 0; i-- > 0;)
		if (name || !column || strvec_contains(&s->indexes[n->indexes.v[i]].columns, column))
			drop_index_at(s, n->indexes.v[i]);
	for (size_t i = n ? n->fks.n : 0; i-- > 0;)
		if (name || !column || strvec_contains(&s->fks[n->fks.v[i]].columns, column))
			drop_fk_at(s, n->fks.v[i]);
}

static void
table_free(struct schema_table *t)
{
	for (size_t i = 0; i < t->n_columns; i++) {
		free(t->columns[i].name);
		free(t->columns[i].type);
	}
	free(t->columns);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

static void
drop_table(struct schema *s, const char *name)
{
	struct schema_table *t = schema_table(s, name);

	if (!t)
		return;
	remove_keys(s, name, NULL, NULL);
	slots_remove(&named(s, &s->by_table, name)->tables, (size_t)(t - s->tables));
	table_free(t);
}

static int
rename_in(char **field, const char *from, const char *to)
{
	char *copy;

	if (strcmp(*field, from) != 0)
		return 0;
	if (!(copy = mr_strdup(to)))
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

static int
rename_table(struct schema *s, const char *from, const char *to)
{
	struct schema_table *t = schema_table(s, from);
	struct schema_named *src, *dst;
	size_t pos = t ? (size_t)(t - s->tables) : 0;

	if (!t || !to || !strcmp(from, to))
		return 0;
	if (!(dst = named_make(s, &s->by_table, to)))
		return -1;
	src = named(s, &s->by_table, from);
	if (rename_in(&t->name, from, to) < 0 || slots_push(&dst->tables, pos) < 0)
		return -1;
	slots_remove(&src->tables, pos);
	for (size_t i = 0; i < src->indexes.n; i++)
		if (rename_in(&s->indexes[src->indexes.v[i]].table, from, to) < 0 ||
		    slots_push(&dst->indexes, src->indexes.v[i]) < 0)
			return -1;
	for (size_t i = 0; i < src->fks.n; i++)
		if (rename_in(&s->fks[src->fks.v[i]].table, from, to) < 0 ||
		    slots_push(&dst->fks, src->fks.v[i]) < 0)
			return -1;
	for (size_t i = 0; i < src->referring.n; i++)
		if (rename_in(&s->fks[src->referring.v[i]].referent, from, to) < 0 ||
		    slots_push(&dst->referring, src->referring.v[i]) < 0)
			return -1;
	src->indexes.n = src->fks.n = src->referring.n = 0;
	return 0;
}

static void
drop_column(struct schema *s, const char *table, const char *column)
{
	struct schema_table *t = schema_table(s, table);
	struct schema_column *c = schema_column(s, table, column);

	if (!c)
		return;
	remove_keys(s, table, column, NULL);
	free(c->name);
	free(c->type);
	memmove(c, c + 1, (size_t)(t->columns + --t->n_columns - c) * sizeof(*c));
}

static int
alter_column(struct schema *s, const struct migration_op *op)
{
	const char *table = op_table(op);
	struct schema_column *c = schema_column(s, table, op_string(op, "column_name"));
	const struct pyarg *nullable = op_param(op, "nullable"), *type = op_param(op, "type_");
	const struct pyarg *dflt = op_param(op, "server_default");
	const char *rename = op_string(op, "new_column_name");
	const struct schema_named *n = named(s, &s->by_table, table);

	if (!c)
		return 0;
	if (nullable && nullable->kind == PYARG_BOOL)
		c->nullable = !strcmp(nullable->text, "True");
	if (dflt)
		c->server_default = dflt->kind != PYARG_NONE &&
				    !(dflt->kind == PYARG_BOOL && !strcmp(dflt->text, "False"));
	if (type) {
		char *t = mr_strdup(type->kind == PYARG_CALL ? type->call->callee :
				    type->text ? type->text : "?");

		if (!t)
			return -1;
		free(c->type);
		c->type = t;
	}
	if (rename) {
		char *old = c->name;

		if (!(c->name = mr_strdup(rename))) {
			c->name = old;
			return -1;
		}
		for (size_t i = 0; n && i < n->indexes.n; i++) {
			struct strvec *cols = &s->indexes[n->indexes.v[i]].columns;

			for (size_t k = 0; k < cols->n; k++)
				if (rename_in(&cols->v[k], old, rename) < 0)
					return -1;
		}
		free(old);
	}
	return 0;
}

static int
add_key(struct schema *s, const struct migration_op *op, size_t at, enum op_kind kind)
{
	const char *table = op_table(op);
	struct strvec cols = { 0 };
	int rc;

	if (!table)
		return 0;
	rc = string_list(op_param(op, kind == OP_CREATE_FK ? "local_cols" : "columns"), &cols);
	if (rc == 0 && cols.n) {
		char nbuf[256];
		const char *name = naming_name(s->naming, op, nbuf, sizeof(nbuf));

		if (kind == OP_CREATE_FK) {
			char buf[512];
			const char *ref = op_in_schema(op, "referent_schema",
						    op_string(op, "referent_table"), buf, sizeof(buf));

			rc = add_fk(s, name, table, &cols, ref ? ref : "?", at, op->call.line,
				    op->call.col);
		} else {
			bool index = kind == OP_CREATE_INDEX;

			rc = add_index(s, name, table, &cols,
				       !index || is_true(op_param(op, "unique")), !index, at);
		}
	}
	strvec_free(&cols);
	return rc;
}

/* "placed_at IS NOT NULL" → placed_at; anything else → NULL. */
static char *
not_null_column(const char *cond)
{
	const char *p = cond, *start, *end;
	char rest[32];
	size_t n = 0;

	while (*p == ' ' || *p == '(')
		p++;
	start = p + (*p == '"');
	end = start;
	while (*end && *end != '"' && *end != ' ')
		end++;
	p = end + (*end == '"');
	while (*p && n + 1 < sizeof(rest))
		if (*p != ' ' && *p != ')')
			rest[n++] = (char)tolower((unsigned char)*p++);
		else
			p++;
	rest[n] = '\0';
	return end > start && !strcmp(rest, "isnotnull") ? mr_strndup(start, (size_t)(end - start)) : NULL;
}

static int
add_check(struct schema *s, const struct migration_op *op)
{
	char nbuf[256];
	const char *table = op_table(op), *name = naming_name(s->naming, op, nbuf, sizeof(nbuf));
	const char *cond = op_string(op, "condition");
	const struct pyarg *nv = pycall_arg(&op->call, (size_t)-1, "postgresql_not_valid");
	struct schema_check *ck;
	char *column = cond ? not_null_column(cond) : NULL;

	if (!column || !table || !name) {
		free(column);
		return 0;
	}
	if (mr_grow(&s->checks, &s->cap_checks, s->n_checks + 1, sizeof(*s->checks)) < 0) {
		free(column);
		return -1;
	}
	ck = &s->checks[s->n_checks++];
	ck->column = column;
	ck->validated = !(nv && nv->kind == PYARG_BOOL && !strcmp(nv->text, "True"));
	ck->name = mr_strdup(name);
	ck->table = mr_strdup(table);
	if (!ck->name || !ck->table ||
	    file_under(s, &s->by_table, table, offsetof(struct schema_named, checks),
		       s->n_checks - 1) < 0)
		return -1;
	return file_under(s, &s->by_name, name, offsetof(struct schema_named, checks),
			  s->n_checks - 1);
}

/* ALTER TABLE ... VALIDATE CONSTRAINT name in literal SQL. */
static void
validate_checks(struct schema *s, const struct sql_script *script)
{
	for (size_t i = 0; script && i < script->n; i++)
		for (size_t k = 0; k < script->v[i].n_actions; k++) {
			const struct sql_action *act = &script->v[i].actions[k];
			const struct schema_named *n = act->flags & SQL_F(VALIDATE_CONSTRAINT) ?
						       named(s, &s->by_name, act->name) : NULL;

			for (size_t c = 0; n && c < n->checks.n; c++)
				s->checks[n->checks.v[c]].validated = true;
		}
}

static void
check_free(struct schema_check *ck)
{
	free(ck->name);
	free(ck->table);
	free(ck->column);
	memset(ck, 0, sizeof(*ck));
}

static void
drop_check(struct schema *s, const char *name)
{
	struct schema_named *n = named(s, &s->by_name, name), *t;

	for (size_t i = n ? n->checks.n : 0; i-- > 0;) {
		size_t pos = n->checks.v[i];

		if ((t = named(s, &s->by_table, s->checks[pos].table)))
			slots_remove(&t->checks, pos);
		check_free(&s->checks[pos]);
	}
	if (n)
		n->checks.n = 0;
}

bool
schema_not_null_proven(const struct schema *s, const char *table, const char *column)
{
	const struct schema_named *n = column ? named(s, &s->by_table, table) : NULL;

	for (size_t i = 0; n && i < n->checks.n; i++)
		if (s->checks[n->checks.v[i]].validated &&
		    !strcmp(s->checks[n->checks.v[i]].column, column))
			return true;
	return false;
}

int
schema_apply(struct schema *s, const struct migration_op *op, const struct sql_script *sql,
	     size_t at)
{
	const char *table = op_table(op);

	switch (op_kind_of(op)) {
	case OP_CREATE_TABLE:
		return create_table(s, op, at);
	case OP_DROP_TABLE:
		drop_table(s, table);
		return 0;
	case OP_RENAME_TABLE: {
		char buf[512];

		/* Alembic renames within the schema= given */
		return rename_table(s, table, op_in_schema(op, "schema", op_string(op, "new_table_name"),
							buf, sizeof(buf)));
	}
	case OP_ADD_COLUMN: {
		const struct pyarg *col = op_param(op, "column");

		return col && col->kind == PYARG_CALL ? add_column(s, table, col->call, at, NULL) : 0;
	}
	case OP_DROP_COLUMN:
		drop_column(s, table, op_string(op, "column_name"));
		return 0;
	case OP_ALTER_COLUMN:
		return alter_column(s, op);
	case OP_CREATE_INDEX:
	case OP_CREATE_UNIQUE:
	case OP_CREATE_PK:
	case OP_CREATE_FK:
		return add_key(s, op, at, op_kind_of(op));
	case OP_CREATE_CHECK:
		return add_check(s, op);
	case OP_EXECUTE:
		validate_checks(s, sql);
		return 0;
	case OP_DROP_INDEX:
	case OP_DROP_CONSTRAINT: {
		char nbuf[256];
		const char *name = naming_name(s->naming, op, nbuf, sizeof(nbuf));

		if (name)
			remove_keys(s, NULL, NULL, name);
		drop_check(s, name);
		return 0;
	}
	default:
		return 0;
	}
}

void
schema_free(struct schema *s)
{
	for (size_t i = 0; i < s->n_tables; i++)
		table_free(&s->tables[i]);
	for (size_t i = 0; i < s->n_indexes; i++)
		index_free(&s->indexes[i]);
	for (size_t i = 0; i < s->n_fks; i++)
		fk_free(&s->fks[i]);
	for (size_t i = 0; i < s->n_enums; i++)
		free(s->enums[i].name);
	for (size_t i = 0; i < s->n_checks; i++)
		check_free(&s->checks[i]);
	for (size_t i = 0; i < s->n_named; i++) {
		free(s->named[i].tables.v);
		free(s->named[i].indexes.v);
		free(s->named[i].fks.v);
		free(s->named[i].checks.v);
		free(s->named[i].referring.v);
	}
	strmap_free(&s->by_table, true);
	strmap_free(&s->by_name, true);
	strmap_free(&s->enum_index, false);
	free(s->named);
	free(s->checks);
	free(s->tables);
	free(s->indexes);
	free(s->fks);
	free(s->enums);
	memset(s, 0, sizeof(*s));
}

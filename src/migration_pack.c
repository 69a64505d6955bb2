/*
 * migration_pack(): a migration moved into one allocation.  A project's
 * migrations are all kept while the analysis runs, millions of strings and
 * small arrays; each malloc() of them costs a header and rounding (a
 * ten-byte string takes 32), which made a third of check's memory.
 */
#include "config.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/migration.h"

/*
 * Strings seen, by hash (open addressing): a migration has a few hundred
 * distinct ones.  Once it is three quarters full, the strings not in it
 * are laid out each time they come.
 */
#define SEEN_SLOTS 1024

struct seen {
	const char *s;          /* an original, NULL for a free slot */
	size_t len, hash;
	size_t at;              /* offset of its copy */
};

/*
 * Lays the copy out in base, or with base NULL only counts its size: both
 * passes run the same code, so the count is the layout.  A string is kept
 * once however often it comes (sa.Column, nullable, False: nearly half of
 * a migration's text), and one empty array stands for all of them.
 */
struct packer {
	char *base;
	size_t used;
	struct seen *seen;      /* [SEEN_SLOTS], filled by the count */
	size_t n_seen;
	bool has_empty;
	size_t empty;           /* then the offset of the empty argument array */
};

/* Room for size bytes at align; NULL while counting. */
static void *
take(struct packer *p, size_t size, size_t align)
{
	void *at;

	p->used = (p->used + align - 1) / align * align;
	at = p->base ? p->base + p->used : NULL;
	p->used += size;
	return at;
}

/* The slot of s, or the free one where it would go. */
static struct seen *
seen_slot(const struct packer *p, const char *s, size_t len, size_t hash)
{
	size_t i = hash % SEEN_SLOTS;

	while (p->seen[i].s && (p->seen[i].hash != hash || p->seen[i].len != len ||
				memcmp(p->seen[i].s, s, len) != 0))
		i = (i + 1) % SEEN_SLOTS;
	return &p->seen[i];
}

/*
 * The count places each string where it first comes; the copy finds that
 * place in the same table, and copies the string when it gets there.
 */
static char *
pack_str(struct packer *p, const char *s)
{
	size_t len, hash, at;
	struct seen *slot;
	char *copy;

	if (!s)
		return NULL;
	len = strlen(s);
	hash = (size_t)mr_hash64(0, s, len);
	slot = seen_slot(p, s, len, hash);
	if (!slot->s && !p->base && p->n_seen < SEEN_SLOTS / 4 * 3) {
		*slot = (struct seen){ s, len, hash, p->used };
		p->n_seen++;
	}
	at = slot->s ? slot->at : p->used;
	if (at != p->used)              /* kept already */
		return p->base ? p->base + at : NULL;
	copy = take(p, len + 1, 1);
	if (copy)
		memcpy(copy, s, len + 1);
	return copy;
}

static void pack_call(struct packer *p, struct pycall *c);

/* Arrays keep whether they exist: a call's arguments and a list's items are never NULL. */
static struct pyarg *
pack_args(struct packer *p, const struct pyarg *v, size_t n)
{
	struct pyarg *out;

	if (!v)
		return NULL;
	if (!n) {
		if (!p->has_empty) {
			take(p, 0, alignof(struct pyarg));
			p->has_empty = true;
			p->empty = p->used;
			take(p, sizeof(*out), alignof(struct pyarg));
			if (p->base)
				memset(p->base + p->empty, 0, sizeof(*out));
		}
		return p->base ? (struct pyarg *)(p->base + p->empty) : NULL;
	}
	out = take(p, n * sizeof(*out), alignof(struct pyarg));
	for (size_t i = 0; i < n; i++) {
		struct pyarg a = v[i];
		struct pycall call;

		a.keyword = pack_str(p, a.keyword);
		a.text = pack_str(p, a.text);
		if (a.call) {
			call = *a.call;
			pack_call(p, &call);
			a.call = take(p, sizeof(call), alignof(struct pycall));
			if (a.call)
				*a.call = call;
		}
		a.items = pack_args(p, a.items, a.n_items);
		if (out)
			out[i] = a;
	}
	return out;
}

/* Moves what c points to; name stays the last component of callee. */
static void
pack_call(struct packer *p, struct pycall *c)
{
	size_t name_at = (size_t)(c->name - c->callee);

	c->callee = pack_str(p, c->callee);
	c->name = c->callee ? c->callee + name_at : NULL;
	c->args = pack_args(p, c->args, c->n_args);
}

static void
pack_fn(struct packer *p, struct migration_fn *fn)
{
	struct migration_op *ops = NULL;

	if (fn->ops)
		ops = take(p, fn->n_ops * sizeof(*ops), alignof(struct migration_op));
	for (size_t i = 0; i < fn->n_ops; i++) {
		struct migration_op op = fn->ops[i];

		pack_call(p, &op.call);
		op.batch_table = pack_str(p, op.batch_table);
		op.table_key = pack_str(p, op.table_key);
		if (ops)
			ops[i] = op;
	}
	fn->ops = ops;
	fn->cap_ops = fn->n_ops;
}

static void
pack_strvec(struct packer *p, struct strvec *sv)
{
	char **v = NULL;

	if (sv->v)
		v = take(p, sv->n * sizeof(*v), alignof(char *));
	for (size_t i = 0; i < sv->n; i++) {
		char *s = pack_str(p, sv->v[i]);

		if (v)
			v[i] = s;
	}
	sv->v = v;
	sv->cap = sv->n;
}

/* Lays out a copy of m (m itself is a copy too: its pointers are replaced). */
static void
pack(struct packer *p, struct migration *m)
{
	struct migration_import *imports = NULL;
	struct migration_alias *aliases = NULL;

	pack_fn(p, &m->upgrade);
	pack_fn(p, &m->downgrade);
	if (m->imports)
		imports = take(p, m->n_imports * sizeof(*imports), alignof(struct migration_import));
	for (size_t i = 0; i < m->n_imports; i++) {
		struct migration_import imp = m->imports[i];

		imp.module = pack_str(p, imp.module);
		if (imports)
			imports[i] = imp;
	}
	if (m->aliases)
		aliases = take(p, m->n_aliases * sizeof(*aliases), alignof(struct migration_alias));
	for (size_t i = 0; i < m->n_aliases; i++) {
		struct migration_alias al = m->aliases[i];

		al.name = pack_str(p, al.name);
		pack_call(p, &al.call);
		if (aliases)
			aliases[i] = al;
	}
	m->imports = imports;
	m->cap_imports = m->n_imports;
	m->aliases = aliases;
	m->cap_aliases = m->n_aliases;
	pack_strvec(p, &m->op_names);
	pack_strvec(p, &m->op_functions);
}

int
migration_pack(struct migration *m)
{
	struct migration counted = *m, packed = *m;
	struct packer p = { 0 };
	char *base;

	if (m->block)
		return 0;
	if (!(p.seen = calloc(SEEN_SLOTS, sizeof(*p.seen))))
		return -1;
	pack(&p, &counted);
	if (!(base = malloc(p.used ? p.used : 1))) {
		free(p.seen);
		return -1;
	}
	p = (struct packer){ .base = base, .seen = p.seen };
	pack(&p, &packed);
	free(p.seen);
	migration_free(m);
	*m = packed;
	m->block = base;
	return 0;
}

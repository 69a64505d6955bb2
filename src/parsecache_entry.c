/* The parse cache's entries, byte by byte: what one holds and how it is read back. */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/parsecache.h"
#include "cachebytes.h"
#include "parsecache_int.h"

/*
 * An entry: a fixed header, the build's names, then the payload, which
 * only the checksum covers (so that the build's fields can be told apart
 * from damage).  Numbers in the payload are canonical LEB128, strings a
 * length plus one (0 for NULL) and their bytes, never a NUL among them.
 */
static const char magic[8] = "MRPCACHE";
enum {
	OFF_FORMAT = 8, OFF_ABI = 12, OFF_EXE = 16, OFF_BLOB = PARSECACHE_OFF_BLOB, OFF_FLAGS = 44,
	OFF_PAYLOAD_LEN = 48, OFF_CHECKSUM = 52, OFF_NAMES = PARSECACHE_HEADER,
};
#define BLOB_RAW PARSECACHE_BLOB_RAW

/* How deeply arguments nest (migration.c stops at 200, plus the calls it follows). */
#define MAX_NESTING 512

enum { ENTRY_MIGRATION = 1 << 0 };      /* the entry has the migration section */

/* --- writing --- */

static void put_call(struct cb_out *o, const struct pycall *c);

static void
put_arg(struct cb_out *o, const struct pyarg *a)
{
	cb_put_str(o, a->keyword);
	cb_put_u(o, a->kind);
	cb_put_str(o, a->text);
	cb_put_u(o, a->final | (unsigned)!!a->call << 1 | (unsigned)!!a->items << 2);
	cb_put_u(o, a->line);
	cb_put_u(o, a->col);
	if (++o->depth > MAX_NESTING)
		o->failed = true;
	if (a->call && !o->failed)
		put_call(o, a->call);
	if (a->items) {
		cb_put_u(o, a->n_items);
		for (size_t i = 0; i < a->n_items && !o->failed; i++)
			put_arg(o, &a->items[i]);
	}
	o->depth--;
}

static void
put_call(struct cb_out *o, const struct pycall *c)
{
	cb_put_str(o, c->callee);
	cb_put_u(o, c->line);
	cb_put_u(o, c->col);
	cb_put_u(o, c->end_line);
	cb_put_u(o, c->end_col);
	cb_put_u(o, c->n_args);
	for (size_t i = 0; i < c->n_args && !o->failed; i++)
		put_arg(o, &c->args[i]);
}

static void
put_fn(struct cb_out *o, const struct migration_fn *fn)
{
	cb_put_u(o, fn->present | (unsigned)fn->empty << 1 | (unsigned)fn->not_implemented << 2);
	cb_put_u(o, fn->line);
	cb_put_u(o, fn->col);
	cb_put_u(o, fn->n_ops);
	for (size_t i = 0; i < fn->n_ops; i++) {
		const struct migration_op *op = &fn->ops[i];

		put_call(o, &op->call);
		cb_put_str(o, op->batch_table);
		cb_put_str(o, op->table_key);
		cb_put_u(o, op->in_autocommit | (unsigned)op->ends_transaction << 1 |
			 (unsigned)op->via_bind << 2);
		cb_put_u(o, op->not_on);
	}
}

static void
put_migration(struct cb_out *o, const struct migration *m)
{
	cb_put_u(o, m != NULL);
	if (!m)
		return;
	put_fn(o, &m->upgrade);
	put_fn(o, &m->downgrade);
	cb_put_u(o, m->n_imports);
	for (size_t i = 0; i < m->n_imports; i++) {
		cb_put_str(o, m->imports[i].module);
		cb_put_u(o, m->imports[i].line);
		cb_put_u(o, m->imports[i].col);
	}
	cb_put_u(o, m->n_aliases);
	for (size_t i = 0; i < m->n_aliases; i++) {
		cb_put_str(o, m->aliases[i].name);
		put_call(o, &m->aliases[i].call);
	}
	cb_put_strvec(o, &m->op_names);
	cb_put_strvec(o, &m->op_functions);
}

/* The header for this build, its checksum and length left to fill: where the payload starts. */
static size_t
put_header(struct cb_out *o, const unsigned char *blob, uint64_t exe, unsigned flags)
{
	unsigned char h[OFF_NAMES] = { 0 };
	size_t vlen = strlen(PACKAGE_VERSION), glen = strlen(parsecache_grammar);

	memcpy(h, magic, sizeof(magic));
	cb_le32_put(h + OFF_FORMAT, PARSECACHE_FORMAT);
	cb_le32_put(h + OFF_ABI, ts_language_version(pysrc_language()));
	cb_le64_put(h + OFF_EXE, exe);
	memcpy(h + OFF_BLOB, blob, BLOB_RAW);
	cb_le32_put(h + OFF_FLAGS, flags);
	cb_put_bytes(o, h, sizeof(h));
	cb_put_u(o, vlen);
	cb_put_bytes(o, PACKAGE_VERSION, vlen);
	cb_put_u(o, glen);
	cb_put_bytes(o, parsecache_grammar, glen);
	return o->n;
}

void
parsecache_put_revision(struct cb_out *o, const struct revision *rev)
{
	cb_put_str(o, rev->id);
	cb_put_strvec(o, &rev->down);
	cb_put_strvec(o, &rev->labels);
	cb_put_strvec(o, &rev->deps);
	cb_put_str(o, rev->message);
	cb_put_u(o, rev->line_id);
	cb_put_u(o, rev->line_down);
	cb_put_u(o, rev->line_labels);
	cb_put_u(o, rev->line_deps);
}

static void
put_payload(struct cb_out *o, unsigned flags, const struct revision *rev,
	    const struct findings *fs, size_t first)
{
	parsecache_put_revision(o, rev);
	cb_put_u(o, fs->n - first);
	for (size_t i = first; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];

		cb_put_u(o, (uint64_t)rule_id_of(f->rule));
		cb_put_u(o, f->severity);
		cb_put_u(o, f->line);
		cb_put_u(o, f->col);
		cb_put_str(o, f->message);
	}
	if (flags & ENTRY_MIGRATION)
		put_migration(o, rev->migration);
}

unsigned char *
parsecache_encode(const unsigned char *blob, uint64_t exe, unsigned flags,
		  const struct revision *rev, const struct findings *fs, size_t first, size_t *len)
{
	unsigned entry = flags & REVISION_LOAD_MIGRATION ? ENTRY_MIGRATION : 0;
	struct cb_out o = { .max = PARSECACHE_ENTRY_MAX };
	size_t start = put_header(&o, blob, exe, entry);

	put_payload(&o, entry, rev, fs, first);
	if (o.failed) {
		free(o.v);
		return NULL;
	}
	cb_le32_put(o.v + OFF_PAYLOAD_LEN, (uint32_t)(o.n - start));
	cb_le64_put(o.v + OFF_CHECKSUM, mr_hash64(0, o.v + start, o.n - start));
	*len = o.n;
	return o.v;
}

/* --- reading: anything unexpected makes the entry bad, never a crash --- */

static unsigned
get_uint(struct cb_in *in)
{
	return (unsigned)cb_get_u(in, UINT_MAX);
}

/* What is left to read, after the number just read. */
static uint64_t
left(const struct cb_in *in)
{
	return (uint64_t)(in->end - in->p);
}

/* A count of items of at least min_size bytes each: no more than the rest can hold. */
static size_t
get_count(struct cb_in *in, size_t min_size)
{
	uint64_t n = cb_get_u(in, UINT64_MAX);

	if (n > left(in) / min_size)
		in->bad = true;
	return in->bad ? 0 : (size_t)n;
}

/* A string or NULL; *out is left NULL when the entry is bad. */
static int
get_str(struct cb_in *in, char **out)
{
	uint64_t n = cb_get_u(in, UINT64_MAX);
	size_t len;

	*out = NULL;
	if (in->bad || n == 0)
		return 0;
	len = (size_t)(n - 1);
	if (n - 1 > left(in) || memchr(in->p, '\0', len)) {
		in->bad = true;
		return 0;
	}
	*out = mr_strndup((const char *)in->p, len);
	in->p += len;
	return *out ? 0 : -1;
}

static int
get_needed_str(struct cb_in *in, char **out)
{
	int rc = get_str(in, out);

	if (rc == 0 && !*out)
		in->bad = true;
	return rc;
}

static int
get_strvec(struct cb_in *in, struct strvec *sv)
{
	size_t n = get_count(in, 1);

	for (size_t i = 0; i < n && !in->bad; i++) {
		char *s;

		if (get_needed_str(in, &s) < 0 || (s && strvec_push_owned(sv, s) < 0))
			return -1;
	}
	return 0;
}

/* Flag bits no larger than mask. */
static unsigned
get_bits(struct cb_in *in, unsigned mask)
{
	uint64_t v = cb_get_u(in, mask);

	if (v & ~(uint64_t)mask)
		in->bad = true;
	return (unsigned)v;
}

static int get_call(struct cb_in *in, struct pycall *c);

/* The least a pyarg, a call and an op take in an entry. */
enum { ARG_MIN = 6, CALL_MIN = 6, OP_MIN = CALL_MIN + 4 };

/*
 * n arguments or items at ARG_MIN bytes each: checked against the whole
 * entry too, so that nested lists cannot each claim what is left of it.
 */
static size_t
get_args_count(struct cb_in *in)
{
	size_t n = get_count(in, ARG_MIN);

	if (n > in->args_left)
		in->bad = true;
	else
		in->args_left -= n;
	return in->bad ? 0 : n;
}

static int
get_arg(struct cb_in *in, struct pyarg *a)
{
	unsigned bits;

	if (get_str(in, &a->keyword) < 0)
		return -1;
	a->kind = (enum pyarg_kind)cb_get_u(in, PYARG_OTHER);
	if (get_str(in, &a->text) < 0)
		return -1;
	bits = get_bits(in, 7);
	/* what the extraction makes and the analysis relies on: a call for a call,
	   items for a list, text for every other kind */
	if ((a->kind == PYARG_CALL) != !!(bits & 2) || (a->kind == PYARG_LIST) != !!(bits & 4) ||
	    (a->kind != PYARG_CALL && a->kind != PYARG_LIST) != (a->text != NULL))
		in->bad = true;
	a->final = bits & 1;
	a->line = get_uint(in);
	a->col = get_uint(in);
	if (++in->depth > MAX_NESTING)
		in->bad = true;
	if ((bits & 2) && !in->bad &&
	    (!(a->call = calloc(1, sizeof(*a->call))) || get_call(in, a->call) < 0))
		return -1;
	if ((bits & 4) && !in->bad) {
		size_t n = get_args_count(in);

		if (!in->bad && !(a->items = calloc(n ? n : 1, sizeof(*a->items))))
			return -1;
		a->n_items = n;
		for (size_t i = 0; i < n && !in->bad; i++)
			if (get_arg(in, &a->items[i]) < 0)
				return -1;
	}
	in->depth--;
	return 0;
}

static int
get_call(struct cb_in *in, struct pycall *c)
{
	const char *dot;
	size_t n;

	if (get_needed_str(in, &c->callee) < 0)
		return -1;
	if (in->bad)
		return 0;
	dot = strrchr(c->callee, '.');
	c->name = dot ? dot + 1 : c->callee;
	c->line = get_uint(in);
	c->col = get_uint(in);
	c->end_line = get_uint(in);
	c->end_col = get_uint(in);
	n = get_args_count(in);
	if (in->bad || !(c->args = calloc(n ? n : 1, sizeof(*c->args))))
		return in->bad ? 0 : -1;
	c->n_args = n;
	for (size_t i = 0; i < n && !in->bad; i++)
		if (get_arg(in, &c->args[i]) < 0)
			return -1;
	return 0;
}

static int
get_fn(struct cb_in *in, struct migration_fn *fn)
{
	unsigned bits = get_bits(in, 7);
	size_t n;

	fn->present = bits & 1;
	fn->empty = bits & 2;
	fn->not_implemented = bits & 4;
	fn->line = get_uint(in);
	fn->col = get_uint(in);
	n = get_count(in, OP_MIN);
	if (in->bad || n == 0)
		return 0;
	if (!(fn->ops = calloc(n, sizeof(*fn->ops))))
		return -1;
	fn->n_ops = fn->cap_ops = n;
	for (size_t i = 0; i < n && !in->bad; i++) {
		struct migration_op *op = &fn->ops[i];

		if (get_call(in, &op->call) < 0 || get_str(in, &op->batch_table) < 0 ||
		    get_str(in, &op->table_key) < 0)
			return -1;
		bits = get_bits(in, 7);
		op->in_autocommit = bits & 1;
		op->ends_transaction = bits & 2;
		op->via_bind = bits & 4;
		op->not_on = get_bits(in, DIALECT_ANY);
	}
	return 0;
}

static int
get_migration(struct cb_in *in, struct migration *m)
{
	size_t n;

	if (get_fn(in, &m->upgrade) < 0 || get_fn(in, &m->downgrade) < 0)
		return -1;
	n = in->bad ? 0 : get_count(in, 3);
	if (n && !(m->imports = calloc(n, sizeof(*m->imports))))
		return -1;
	m->n_imports = m->cap_imports = n;
	for (size_t i = 0; i < n && !in->bad; i++) {
		if (get_needed_str(in, &m->imports[i].module) < 0)
			return -1;
		m->imports[i].line = get_uint(in);
		m->imports[i].col = get_uint(in);
	}
	n = in->bad ? 0 : get_count(in, 1 + CALL_MIN);
	if (n && !(m->aliases = calloc(n, sizeof(*m->aliases))))
		return -1;
	m->n_aliases = m->cap_aliases = n;
	for (size_t i = 0; i < n && !in->bad; i++)
		if (get_needed_str(in, &m->aliases[i].name) < 0 ||
		    get_call(in, &m->aliases[i].call) < 0)
			return -1;
	if (get_strvec(in, &m->op_names) < 0 || get_strvec(in, &m->op_functions) < 0)
		return -1;
	return 0;
}

static int
get_findings(struct cb_in *in, const char *relpath, size_t index, struct findings *fs)
{
	size_t n = get_count(in, 5);

	for (size_t i = 0; i < n && !in->bad; i++) {
		enum rule_id rule = (enum rule_id)cb_get_u(in, RULE_COUNT - 1);
		enum severity sev = (enum severity)cb_get_u(in, SEVERITY_ERROR);
		unsigned line = get_uint(in), col = get_uint(in);
		char *msg;

		if (get_needed_str(in, &msg) < 0)
			return -1;
		if (msg && findings_add(fs, rule, sev, relpath, line, col, index, "%s", msg) < 0) {
			free(msg);
			return -1;
		}
		free(msg);
	}
	return 0;
}

/* The payload into tmp and fs, which the caller frees whatever happens. */
static int
get_payload(struct cb_in *in, unsigned flags, bool want_migration, struct revision *tmp,
	    struct findings *fs, size_t index)
{
	if (get_str(in, &tmp->id) < 0 || get_strvec(in, &tmp->down) < 0 ||
	    get_strvec(in, &tmp->labels) < 0 || get_strvec(in, &tmp->deps) < 0 ||
	    get_str(in, &tmp->message) < 0)
		return -1;
	tmp->line_id = get_uint(in);
	tmp->line_down = get_uint(in);
	tmp->line_labels = get_uint(in);
	tmp->line_deps = get_uint(in);
	if (get_findings(in, tmp->relpath, index, fs) < 0)
		return -1;
	/* a header-only reader skips the migration, which the checksum vouched for */
	if (!(flags & ENTRY_MIGRATION) || !want_migration || in->bad)
		return 0;
	if (!cb_get_u(in, 1))
		return 0;
	if (!(tmp->migration = calloc(1, sizeof(*tmp->migration))))
		return -1;
	return get_migration(in, tmp->migration);
}

/* Is the name at in (a length and bytes) exactly s? */
static bool
name_is(struct cb_in *in, const char *s)
{
	uint64_t len = cb_get_u(in, UINT64_MAX);
	bool same;

	if (len > left(in))
		in->bad = true;
	same = !in->bad && len == strlen(s) && !memcmp(in->p, s, strlen(s));

	in->p += in->bad ? 0 : len;
	return same;
}

/* Moves what was decoded into rev and fs. */
static int
commit(struct revision *rev, struct revision *tmp, struct findings *fs, struct findings *found)
{
	/* kept for the analysis with every other migration: in one block */
	if (tmp->migration && migration_pack(tmp->migration) < 0)
		return -1;
	if (findings_take(fs, found) < 0)
		return -1;
	rev->id = tmp->id;
	rev->down = tmp->down;
	rev->labels = tmp->labels;
	rev->deps = tmp->deps;
	rev->message = tmp->message;
	rev->migration = tmp->migration;
	rev->line_id = tmp->line_id;
	rev->line_down = tmp->line_down;
	rev->line_labels = tmp->line_labels;
	rev->line_deps = tmp->line_deps;
	memset(tmp, 0, sizeof(*tmp));
	return 0;
}

int
parsecache_entry_decode(const unsigned char *buf, size_t len, const unsigned char *blob,
			uint64_t exe, unsigned want, struct revision *rev, struct findings *fs,
			size_t index)
{
	bool trusted = !blob;
	struct cb_in in = { buf + OFF_NAMES, buf + len, false, 0, len / ARG_MIN };
	struct revision tmp = { .relpath = rev->relpath };
	struct findings found = { 0 };
	unsigned flags;
	uint32_t payload;
	bool skipped;
	int rc;

	if (len < OFF_NAMES || memcmp(buf, magic, sizeof(magic)))
		return 0;
	flags = cb_le32(buf + OFF_FLAGS);
	payload = cb_le32(buf + OFF_PAYLOAD_LEN);
	/* a header-only entry cannot answer for the migration */
	if ((flags & ~(unsigned)ENTRY_MIGRATION) ||
	    ((want & REVISION_LOAD_MIGRATION) && !(flags & ENTRY_MIGRATION)))
		return 0;
	if (!trusted && (cb_le32(buf + OFF_FORMAT) != PARSECACHE_FORMAT ||
			 cb_le32(buf + OFF_ABI) != ts_language_version(pysrc_language()) ||
			 cb_le64(buf + OFF_EXE) != exe ||
			 memcmp(buf + OFF_BLOB, blob, BLOB_RAW)))
		return 0;
	if (!name_is(&in, PACKAGE_VERSION) && !trusted)
		return 0;
	if (!name_is(&in, parsecache_grammar) && !trusted)
		return 0;
	if (in.bad || (size_t)(in.end - in.p) != payload ||
	    (!trusted && cb_le64(buf + OFF_CHECKSUM) != mr_hash64(0, in.p, payload)))
		return 0;
	skipped = (flags & ENTRY_MIGRATION) && !(want & REVISION_LOAD_MIGRATION);
	rc = get_payload(&in, flags, !skipped, &tmp, &found, index);
	/* nothing may follow what was read, unless the migration was skipped */
	if (rc == 0 && !in.bad && (in.p == in.end || skipped))
		rc = commit(rev, &tmp, fs, &found) < 0 ? -1 : 1;
	tmp.relpath = NULL;
	revision_free(&tmp);
	findings_free(&found);
	return rc;
}

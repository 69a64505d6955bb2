/* The analysis cache: a project's findings, kept for as long as nothing they come from changes. */
#include "config.h"

#include <git2.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migreview/analysiscache.h"
#include "migreview/appcode.h"
#include "migreview/stats.h"
#include "cachebytes.h"
#include "parsecache_int.h"

/*
 * An entry: the magic, the digest of what it was made of, the payload's
 * length and checksum, then the payload: every text once, then each
 * finding with its texts by number.  Numbers are LEB128, as in the parse
 * cache's entries.
 */
static const char magic[8] = "MRACACHE";
enum { OFF_DIGEST = 8, OFF_LEN = 28, OFF_SUM = 32, HEADER = 40 };
/* A project's findings are many, but not without end. */
#define ENTRY_MAX ((size_t)1 << 30)

static atomic_size_t hits, misses, stored;

/* --- the key --- */

static void
put_double(struct cb_out *o, double d)
{
	uint64_t bits;

	memcpy(&bits, &d, sizeof(bits));
	cb_put_u(o, bits);
}

static void
put_stats(struct cb_out *o, const struct analysis_config *cfg)
{
	const struct stats *st = cfg->stats;
	struct timespec now;
	double age;

	cb_put_u(o, st != NULL);
	if (!st)
		return;
	cb_put_str(o, cfg->stats_relpath);
	cb_put_str(o, st->path);
	cb_put_str(o, st->taken_at);
	cb_put_str(o, st->since);
	cb_put_u(o, (uint64_t)st->taken);
	cb_put_u(o, (uint64_t)st->since_t);
	cb_put_str(o, st->server_version);
	cb_put_u(o, (uint64_t)st->server_version_num);
	cb_put_str(o, st->database);
	cb_put_u(o, st->n_tables);
	for (size_t i = 0; i < st->n_tables; i++) {
		const struct stats_table *t = &st->tables[i];
		const long long nums[] = { t->rows, t->heap_bytes, t->index_bytes, t->total_bytes,
					   t->live_tuples, t->dead_tuples, t->inserts, t->updates,
					   t->deletes, t->seq_scans, t->index_scans };

		cb_put_str(o, t->schema);
		cb_put_str(o, t->name);
		cb_put_u(o, (unsigned char)t->kind);
		for (size_t k = 0; k < MR_ARRAY_SIZE(nums); k++)
			cb_put_u(o, (uint64_t)nums[k]);
	}
	cb_put_u(o, st->n_indexes);
	for (size_t i = 0; i < st->n_indexes; i++) {
		cb_put_str(o, st->indexes[i].schema);
		cb_put_str(o, st->indexes[i].table);
		cb_put_str(o, st->indexes[i].name);
		cb_put_u(o, (uint64_t)st->indexes[i].bytes);
	}
	/* stats-stale says how old they are in days (forecast.c): today's answer is part of it */
	mr_now(&now);
	age = difftime(now.tv_sec, st->taken);
	cb_put_u(o, age > cfg->stats_max_age);
	cb_put_u(o, age > cfg->stats_max_age ? (uint64_t)(long long)(age / 86400) : 0);
}

/* Every field of struct analysis_config (settings.h): a field added there is added here. */
static void
put_config(struct cb_out *o, const struct analysis_config *cfg, size_t n_revs)
{
	cb_put_u(o, cfg->dialect);
	cb_put_str(o, cfg->dialect_from);
	cb_put_strvec(o, &cfg->large_tables);
	cb_put_u(o, (uint64_t)cfg->large_bytes);
	cb_put_u(o, (uint64_t)cfg->large_rows);
	put_double(o, cfg->max_lock_forecast);
	put_double(o, cfg->stats_max_age);
	cb_put_u(o, cfg->lock_timeout_everywhere);
	cb_put_u(o, cfg->no_downgrades);
	for (size_t i = 0; i < RULE_COUNT; i++) {
		cb_put_u(o, cfg->by_rule[i].disabled);
		cb_put_u(o, cfg->by_rule[i].overridden);
		cb_put_u(o, cfg->by_rule[i].severity);
	}
	cb_put_strvec(o, &cfg->naming.keys);
	cb_put_strvec(o, &cfg->naming.templates);
	cb_put_str(o, cfg->naming.source);
	put_stats(o, cfg);
	cb_put_u(o, cfg->app != NULL);
	if (cfg->app) {
		cb_put_strvec(o, &cfg->app->paths);
		cb_put_strvec(o, &cfg->app->texts);
	}
	cb_put_u(o, cfg->unshipped != NULL);
	for (size_t i = 0; cfg->unshipped && i < n_revs; i++)
		cb_put_u(o, cfg->unshipped[i]);
}

/* What the graph gives the analysis: each file's content and header, the order, its findings. */
static void
put_graph(struct cb_out *o, const struct graph *g)
{
	cb_put_u(o, g->n);
	for (size_t i = 0; i < g->n; i++) {
		const struct revision *rev = &g->revs[i];

		cb_put_str(o, rev->relpath);
		cb_put_str(o, rev->blob);
		parsecache_put_revision(o, rev);
		cb_put_u(o, rev->in_graph);
		cb_put_u(o, rev->is_merge_point);
	}
	cb_put_u(o, g->n_order);
	for (size_t k = 0; k < g->n_order; k++)
		cb_put_u(o, g->order[k]);
	cb_put_u(o, g->findings.n);
	for (size_t i = 0; i < g->findings.n; i++) {
		const struct finding *f = &g->findings.v[i];

		cb_put_u(o, rule_id_of(f->rule));
		cb_put_u(o, f->severity);
		cb_put_str(o, f->path);
		cb_put_u(o, f->line);
		cb_put_u(o, f->col);
		cb_put_u(o, f->revision + 1);
		cb_put_str(o, f->message);
	}
}

/* SHA-1 of buf, as git hashes a blob of it. */
static bool
digest_of(const unsigned char *buf, size_t len, unsigned char out[ANALYSISCACHE_DIGEST])
{
	git_oid oid;
	bool done;

	git_libgit2_init();
	done = git_odb_hash(&oid, buf, len, GIT_OBJECT_BLOB) == 0;
	if (done)
		memcpy(out, oid.id, ANALYSISCACHE_DIGEST);
	git_libgit2_shutdown();
	return done;
}

int
analysiscache_key(const struct project *p, const struct graph *g,
		  const struct analysis_config *cfg, struct analysiscache_key *key)
{
	struct cb_out o = { .max = ENTRY_MAX };

	memset(key, 0, sizeof(*key));
	if (!parsecache_enabled())
		return 0;
	cb_put_bytes(&o, magic, sizeof(magic));
	cb_put_str(&o, PACKAGE_VERSION);
	cb_put_str(&o, parsecache_grammar);
	cb_put_u(&o, parsecache_build());
	put_config(&o, cfg, g->n);
	put_graph(&o, g);
	key->n_revs = g->n;
	if (o.failed || !digest_of(o.v, o.n, key->digest) ||
	    !(key->name = parsecache_project_entry(p, "analysis"))) {
		free(o.v);
		return -1;
	}
	free(o.v);
	return 0;
}

void
analysiscache_key_free(struct analysiscache_key *key)
{
	free(key->name);
	memset(key, 0, sizeof(*key));
}

/* --- the entry --- */

/* The texts of an entry, each once, in the order first met. */
struct texts {
	struct strmap at;       /* text → its number (keys borrowed from the findings) */
	const char **v;
	size_t n, cap;
	bool failed;
};

/* The number of s among the texts plus one, numbering it when new; 0 for NULL. */
static size_t
text_number(struct texts *t, const char *s)
{
	size_t n;

	if (!s)
		return 0;
	if (strmap_get(&t->at, s, &n))
		return n + 1;
	if (mr_grow(&t->v, &t->cap, t->n + 1, sizeof(*t->v)) < 0 || strmap_put(&t->at, s, t->n) < 0) {
		t->failed = true;
		return 0;
	}
	t->v[t->n++] = s;
	return t->n;
}

/* Every text once, then each finding with its texts by number. */
static unsigned char *
encode(const unsigned char digest[ANALYSISCACHE_DIGEST], const struct findings *fs, size_t *len)
{
	struct texts t = { 0 };
	struct cb_out body = { .max = ENTRY_MAX }, o = { .max = ENTRY_MAX };
	uint32_t forecast;
	uint64_t sum;

	for (size_t i = 0; i < fs->n && !t.failed; i++) {
		const struct finding *f = &fs->v[i];

		cb_put_u(&body, rule_id_of(f->rule));
		cb_put_u(&body, f->severity);
		cb_put_u(&body, text_number(&t, f->path));
		cb_put_u(&body, f->line);
		cb_put_u(&body, f->col);
		cb_put_u(&body, f->revision + 1);
		cb_put_u(&body, text_number(&t, f->message));
		cb_put_u(&body, text_number(&t, f->plain));
		cb_put_u(&body, text_number(&t, f->table));
		memcpy(&forecast, &f->forecast, sizeof(forecast));
		cb_put_u(&body, forecast);
	}
	cb_put_bytes(&o, magic, sizeof(magic));
	cb_put_bytes(&o, digest, ANALYSISCACHE_DIGEST);
	cb_put_bytes(&o, (unsigned char[HEADER - OFF_LEN]){ 0 }, HEADER - OFF_LEN);
	cb_put_u(&o, t.n);
	for (size_t i = 0; i < t.n; i++)
		cb_put_str(&o, t.v[i]);
	cb_put_u(&o, fs->n);
	cb_put_bytes(&o, body.v, body.n);
	strmap_free(&t.at, false);
	free(t.v);
	free(body.v);
	if (t.failed || body.failed || o.failed || o.n - HEADER > UINT32_MAX) {
		free(o.v);
		return NULL;
	}
	sum = mr_hash64(0, o.v + HEADER, o.n - HEADER);
	cb_le32_put(o.v + OFF_LEN, (uint32_t)(o.n - HEADER));
	cb_le64_put(o.v + OFF_SUM, sum);
	*len = o.n;
	return o.v;
}

/* --- reading: anything unexpected makes the entry a miss, never a crash --- */

/* The entry's texts, each made the findings' own (findings_text()), into *texts. */
static int
get_texts(struct cb_in *in, struct findings *fs, const char ***texts, size_t *n)
{
	char *s = NULL;
	size_t cap = 0;
	int rc = 0;

	*n = (size_t)cb_get_u(in, (uint64_t)(in->end - in->p));
	if (in->bad || !(*texts = calloc(*n + 1, sizeof(**texts))))
		return in->bad ? 0 : -1;
	for (size_t i = 0; i < *n && !in->bad && rc == 0; i++) {
		uint64_t len = cb_get_u(in, UINT64_MAX);

		if (in->bad || len == 0 || len - 1 > (uint64_t)(in->end - in->p) ||
		    memchr(in->p, '\0', (size_t)len - 1)) {
			in->bad = true;
			break;
		}
		/* a text is kept with its NUL: made one here first */
		if (mr_grow(&s, &cap, (size_t)len, 1) < 0) {
			rc = -1;
			break;
		}
		memcpy(s, in->p, (size_t)len - 1);
		s[len - 1] = '\0';
		if (!((*texts)[i] = findings_text(fs, s)))
			rc = -1;
		in->p += len - 1;
	}
	free(s);
	return rc;
}

/* A text by its number: NULL for 0, or when there is no such text (the entry is bad). */
static const char *
get_text(struct cb_in *in, const char **texts, size_t n_texts, bool needed)
{
	size_t n = (size_t)cb_get_u(in, n_texts);

	if (n == 0 && needed)
		in->bad = true;
	return n ? texts[n - 1] : NULL;
}

/* The findings, of revisions below n_revs (or of none). */
static int
get_findings(struct cb_in *in, struct findings *fs, const char **texts, size_t n_texts,
	     size_t n_revs)
{
	size_t n = (size_t)cb_get_u(in, (uint64_t)(in->end - in->p) / 10);

	if (in->bad || mr_grow(&fs->v, &fs->cap, n + 1, sizeof(*fs->v)) < 0)
		return in->bad ? 0 : -1;
	for (size_t i = 0; i < n && !in->bad; i++) {
		struct finding *f = &fs->v[i];
		uint32_t forecast;

		f->rule = &rules[cb_get_u(in, RULE_COUNT - 1)];
		f->severity = (enum severity)cb_get_u(in, SEVERITY_ERROR);
		f->path = get_text(in, texts, n_texts, true);
		f->line = (unsigned)cb_get_u(in, UINT_MAX);
		f->col = (unsigned)cb_get_u(in, UINT_MAX);
		f->revision = (size_t)cb_get_u(in, n_revs) - 1;
		f->message = get_text(in, texts, n_texts, true);
		f->plain = get_text(in, texts, n_texts, false);
		f->table = get_text(in, texts, n_texts, false);
		forecast = (uint32_t)cb_get_u(in, UINT32_MAX);
		memcpy(&f->forecast, &forecast, sizeof(forecast));
		fs->n = i + 1;
	}
	if (in->p != in->end)
		in->bad = true;
	return 0;
}

static int
decode(const unsigned char *buf, size_t len, const unsigned char *digest, size_t n_revs,
       struct findings *out)
{
	struct cb_in in = { buf + HEADER, buf + len, false, 0, 0 };
	const char **texts = NULL;
	size_t n_texts = 0;
	uint64_t sum;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < HEADER || memcmp(buf, magic, sizeof(magic)) ||
	    cb_le32(buf + OFF_LEN) != len - HEADER)
		return 0;
	sum = cb_le64(buf + OFF_SUM);
	if (digest && (memcmp(buf + OFF_DIGEST, digest, ANALYSISCACHE_DIGEST) ||
		       sum != mr_hash64(0, buf + HEADER, len - HEADER)))
		return 0;
	rc = get_texts(&in, out, &texts, &n_texts);
	if (rc == 0 && !in.bad)
		rc = get_findings(&in, out, texts, n_texts, n_revs);
	free(texts);
	if (rc < 0 || in.bad) {
		findings_free(out);
		return rc;
	}
	return 1;
}

int
analysiscache_load(const struct analysiscache_key *key, struct findings *out)
{
	unsigned char *buf;
	size_t len;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!key->name)
		return 0;
	if ((buf = parsecache_get(key->name, HEADER, ENTRY_MAX, &len)))
		rc = decode(buf, len, key->digest, key->n_revs, out);
	free(buf);
	atomic_fetch_add(rc > 0 ? &hits : &misses, 1);
	return rc;
}

void
analysiscache_store(const struct analysiscache_key *key, const struct findings *fs)
{
	unsigned char *entry;
	size_t len;

	if (!key->name || !(entry = encode(key->digest, fs, &len)))
		return;
	if (parsecache_put(key->name, entry, len))
		atomic_fetch_add(&stored, 1);
	free(entry);
}

void
analysiscache_stats(struct analysiscache_stats *out)
{
	out->hits = atomic_load(&hits);
	out->misses = atomic_load(&misses);
	out->stored = atomic_load(&stored);
}

int
analysiscache_decode(const unsigned char *buf, size_t len, struct findings *out)
{
	return decode(buf, len, NULL, SIZE_MAX - 1, out);
}

/* Search in the migration list: a gram index built on a thread, the last needle's answers kept. */
#include "config.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "tui/listsearch.h"

#define FIELDS 4
#define GRAM_BITS 18
#define GRAMS (1u << GRAM_BITS)
#define NO_GEN ((unsigned)-1)

/*
 * For each gram (one, two or three bytes, hashed into GRAMS buckets: a
 * collision only costs a look in more revisions) the revisions that hold
 * it: a list of their numbers, or a bitmap for a gram that more than one
 * revision in 32 holds, whichever is smaller.  A source of 3 KB has about
 * 1,400 distinct grams, most of them in nearly every migration (imports,
 * op.*): those are bitmaps, and the rest are short lists.  At 10,000
 * generated migrations (30 MB) that is 7.5 MB, built in half a second.
 */
struct gram_slot {
	uint32_t count;         /* how many revisions hold the gram */
	uint32_t start;         /* where its list starts in lists, or its bitmap's number */
};

struct gram_index {
	size_t n, words;        /* revisions, and 64-bit words in a bitmap of them */
	struct gram_slot *slot; /* per gram */
	uint32_t *lists;
	uint64_t *bitmaps;
};

/* An index being built, on its thread, from the revisions as they were when it started. */
struct gram_job {
	const struct revision *revs;
	size_t n;
	unsigned char fold[256];
	struct gram_index ix;
	uint64_t *mark;         /* the grams of the revision being read ... */
	uint32_t *distinct;     /* ... and, once each, in the order found */
	size_t n_distinct;
	uint32_t *filled;       /* per gram: how full its list is */
	atomic_bool cancel, done;
	int rc;
	thrd_t thread;
};

struct list_search {
	unsigned char fold[256];        /* tolower() of every byte, for the thread too */
	struct gram_job *job;           /* being built, or NULL */
	unsigned started;               /* the graph generation indexed last (NO_GEN: none) */
	struct gram_index *ix;          /* the index of graph generation started, or NULL */
	/* the answers for the last needle in graph generation needle_gen */
	char *needle, *low;             /* as typed, and folded */
	size_t len;
	bool exact;                     /* it has a capital letter: looked for as typed */
	unsigned needle_gen;
	bool indexed;                   /* cand came from the index */
	size_t n;
	uint64_t *cand, *known, *found; /* per revision: may hold it, looked at, holds it */
};

static bool
bit(const uint64_t *set, size_t i)
{
	return set[i / 64] >> (i % 64) & 1;
}

static void
set_bit(uint64_t *set, size_t i)
{
	set[i / 64] |= (uint64_t)1 << (i % 64);
}

/* What a revision is searched in: its id, message, file name and source. */
static void
fields(const struct revision *r, const char *f[FIELDS], size_t len[FIELDS])
{
	f[0] = r->id ? r->id : "";
	f[1] = r->message ? r->message : "";
	f[2] = r->relpath;
	f[3] = r->text ? r->text : "";
	for (int k = 0; k < 3; k++)
		len[k] = strlen(f[k]);
	len[3] = r->text ? r->text_len : 0;
}

/*
 * A gram: the last one to three bytes (folded) of three, tagged with how
 * many, hashed (Fibonacci hashing) into a bucket.
 */
static uint32_t
gram_of(uint32_t three, unsigned len)
{
	uint32_t v = (uint32_t)len << 24 | (three & (0xffffffu >> (8 * (3 - len))));

	return (uint32_t)(v * 2654435761u) >> (32 - GRAM_BITS);
}

static bool
dense(const struct gram_index *ix, uint32_t g)
{
	return (uint64_t)ix->slot[g].count * 32 > ix->n;
}

static const uint64_t *
bitmap(const struct gram_index *ix, uint32_t g)
{
	return ix->bitmaps + (size_t)ix->slot[g].start * ix->words;
}

static void
index_free(struct gram_index *ix)
{
	free(ix->slot);
	free(ix->lists);
	free(ix->bitmaps);
	memset(ix, 0, sizeof(*ix));
}

/* Notes gram g of the revision being read, once however often it comes (without a branch). */
static void
note_gram(struct gram_job *job, uint32_t g)
{
	uint64_t *word = &job->mark[g / 64], b = (uint64_t)1 << (g % 64);

	job->distinct[job->n_distinct] = g;
	job->n_distinct += !(*word & b);
	*word |= b;
}

/*
 * The distinct grams of rev's fields folded, in job->distinct: each byte,
 * pair and three in a row (a needle of one or two bytes has grams too),
 * none across two lines, as no needle is.  One revision's grams are a few
 * thousand, counted in a bitmap that stays in the cache: the index's
 * tables are touched once per distinct gram, not per byte.
 */
static void
rev_grams(struct gram_job *job, uint32_t rev)
{
	const char *f[FIELDS];
	size_t len[FIELDS];

	for (size_t i = 0; i < job->n_distinct; i++)
		job->mark[job->distinct[i] / 64] = 0;
	job->n_distinct = 0;
	fields(&job->revs[rev], f, len);
	for (int k = 0; k < FIELDS; k++) {
		uint32_t three = 0;
		unsigned run = 0;

		for (size_t i = 0; i < len[k]; i++) {
			unsigned char c = job->fold[(unsigned char)f[k][i]];

			if (c == '\n') {
				run = 0;
				continue;
			}
			three = three << 8 | c;
			run += run < 3;
			for (unsigned n = 1; n <= run; n++)
				note_gram(job, gram_of(three, n));
		}
	}
}

/* The first pass counts the revisions that hold each gram, the second fills them in. */
static void
add_grams(struct gram_job *job, uint32_t rev, bool fill)
{
	struct gram_index *ix = &job->ix;

	rev_grams(job, rev);
	for (size_t i = 0; i < job->n_distinct; i++) {
		struct gram_slot *s = &ix->slot[job->distinct[i]];

		if (!fill)
			s->count++;
		else if (dense(ix, job->distinct[i]))
			set_bit(ix->bitmaps + (size_t)s->start * ix->words, rev);
		else
			ix->lists[s->start + job->filled[job->distinct[i]]++] = rev;
	}
}

/* Where each gram's revisions go, once they are counted. */
static int
lay_out(struct gram_index *ix)
{
	size_t lists = 0, maps = 0;

	for (uint32_t g = 0; g < GRAMS; g++) {
		if (dense(ix, g)) {
			ix->slot[g].start = (uint32_t)maps++;
		} else {
			ix->slot[g].start = (uint32_t)lists;
			lists += ix->slot[g].count;
			if (lists > UINT32_MAX)
				return -1;
		}
	}
	ix->lists = malloc((lists ? lists : 1) * sizeof(uint32_t));
	ix->bitmaps = calloc(maps ? maps * ix->words : 1, sizeof(uint64_t));
	return ix->lists && ix->bitmaps ? 0 : -1;
}

static int
build(struct gram_job *job)
{
	struct gram_index *ix = &job->ix;

	ix->n = job->n;
	ix->words = (job->n + 63) / 64;
	ix->slot = calloc(GRAMS, sizeof(*ix->slot));
	job->mark = calloc(GRAMS / 64, sizeof(uint64_t));
	/* note_gram() writes one past the grams it keeps */
	job->distinct = malloc((GRAMS + 1) * sizeof(uint32_t));
	job->filled = calloc(GRAMS, sizeof(uint32_t));
	if (!ix->slot || !job->mark || !job->distinct || !job->filled || job->n >= UINT32_MAX)
		return -1;
	for (uint32_t rev = 0; rev < job->n; rev++) {
		if (atomic_load_explicit(&job->cancel, memory_order_relaxed))
			return -1;
		add_grams(job, rev, false);
	}
	if (lay_out(ix) < 0)
		return -1;
	for (uint32_t rev = 0; rev < job->n; rev++) {
		if (atomic_load_explicit(&job->cancel, memory_order_relaxed))
			return -1;
		add_grams(job, rev, true);
	}
	return 0;
}

static int
build_main(void *arg)
{
	struct gram_job *job = arg;

	job->rc = build(job);
	free(job->mark);
	free(job->distinct);
	free(job->filled);
	atomic_store(&job->done, true);
	return 0;
}

struct list_search *
list_search_new(void)
{
	struct list_search *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	for (int c = 0; c < 256; c++)
		ls->fold[c] = (unsigned char)tolower(c);
	ls->started = NO_GEN;
	return ls;
}

/* Frees the job, its index given to ls when it was built (keep) and ls has room for it. */
static void
job_end(struct list_search *ls, bool keep)
{
	struct gram_job *job = ls->job;

	thrd_join(job->thread, NULL);
	if (keep && job->rc == 0 && (ls->ix = malloc(sizeof(*ls->ix)))) {
		*ls->ix = job->ix;
		memset(&job->ix, 0, sizeof(job->ix));
	}
	index_free(&job->ix);
	free(job);
	ls->job = NULL;
}

static void
drop_index(struct list_search *ls)
{
	if (ls->job) {
		atomic_store(&ls->job->cancel, true);
		job_end(ls, false);
	}
	if (ls->ix)
		index_free(ls->ix);
	free(ls->ix);
	ls->ix = NULL;
}

static void
drop_needle(struct list_search *ls)
{
	free(ls->needle);
	free(ls->low);
	free(ls->cand);
	free(ls->known);
	free(ls->found);
	ls->needle = ls->low = NULL;
	ls->cand = ls->known = ls->found = NULL;
}

void
list_search_free(struct list_search *ls)
{
	if (!ls)
		return;
	drop_index(ls);
	drop_needle(ls);
	free(ls);
}

int
list_search_index(struct list_search *ls, const struct graph *g, unsigned gen)
{
	struct gram_job *job;

	drop_index(ls);
	ls->started = gen;
	if (!(job = calloc(1, sizeof(*job))))
		return -1;
	job->revs = g->revs;
	job->n = g->n;
	memcpy(job->fold, ls->fold, sizeof(job->fold));
	atomic_init(&job->cancel, false);
	atomic_init(&job->done, false);
	if (thrd_create(&job->thread, build_main, job) != thrd_success) {
		free(job);
		return -1;
	}
	ls->job = job;
	return 0;
}

bool
list_search_building(const struct list_search *ls)
{
	return ls->job != NULL;
}

bool
list_search_finish(struct list_search *ls, bool wait)
{
	if (!ls->job || (!wait && !atomic_load(&ls->job->done)))
		return false;
	job_end(ls, true);
	return true;
}

unsigned
list_search_gen(const struct list_search *ls)
{
	return ls->started;
}

/* Whether the index has rev for every gram of g[0 .. ng). */
static bool
holds_grams(const struct gram_index *ix, const uint32_t *g, size_t ng, uint32_t rev)
{
	for (size_t i = 0; i < ng; i++) {
		const uint32_t *list = ix->lists + ix->slot[g[i]].start;
		size_t lo = 0, hi = ix->slot[g[i]].count;

		if (dense(ix, g[i])) {
			if (!bit(bitmap(ix, g[i]), rev))
				return false;
			continue;
		}
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (list[mid] < rev)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == ix->slot[g[i]].count || list[lo] != rev)
			return false;
	}
	return true;
}

/*
 * cand: the revisions that hold every gram of g[0 .. ng), starting from
 * the rarest: its list, each looked up in the others, else the bitmaps
 * ANDed.
 */
static void
index_candidates(const struct gram_index *ix, const uint32_t *g, size_t ng, uint64_t *cand)
{
	size_t rarest = 0;

	for (size_t i = 1; i < ng; i++)
		if (ix->slot[g[i]].count < ix->slot[g[rarest]].count)
			rarest = i;
	if (!dense(ix, g[rarest])) {
		const uint32_t *list = ix->lists + ix->slot[g[rarest]].start;

		memset(cand, 0, ix->words * sizeof(uint64_t));
		for (size_t j = 0; j < ix->slot[g[rarest]].count; j++)
			if (holds_grams(ix, g, ng, list[j]))
				set_bit(cand, list[j]);
		return;
	}
	memcpy(cand, bitmap(ix, g[0]), ix->words * sizeof(uint64_t));
	for (size_t i = 1; i < ng; i++)
		for (size_t w = 0; w < ix->words; w++)
			cand[w] &= bitmap(ix, g[i])[w];
}

/* Which revisions may hold the needle: those the index has with all its grams, else all. */
static void
candidates(struct list_search *ls)
{
	size_t ng = 0;
	uint32_t *g = NULL, three = 0;

	ls->indexed = ls->ix && ls->started == ls->needle_gen &&
		      (g = calloc(3 * ls->len, sizeof(*g)));
	if (!ls->indexed) {
		memset(ls->cand, 0xff, (ls->n + 63) / 64 * sizeof(uint64_t));
		return;
	}
	for (size_t i = 0; i < ls->len; i++) {
		three = three << 8 | (unsigned char)ls->low[i];
		for (unsigned n = 1; n <= 3 && n <= i + 1; n++)
			g[ng++] = gram_of(three, n);
	}
	index_candidates(ls->ix, g, ng, ls->cand);
	free(g);
}

/* Takes needle as the one whose answers are kept, none known yet. */
static int
new_needle(struct list_search *ls, const struct graph *g, unsigned gen, const char *needle)
{
	size_t words = (g->n + 63) / 64;

	drop_needle(ls);
	ls->len = strlen(needle);
	ls->needle = malloc(ls->len + 1);
	ls->low = malloc(ls->len + 1);
	ls->cand = malloc((words ? words : 1) * sizeof(uint64_t));
	ls->known = calloc(words ? words : 1, sizeof(uint64_t));
	ls->found = calloc(words ? words : 1, sizeof(uint64_t));
	if (!ls->needle || !ls->low || !ls->cand || !ls->known || !ls->found) {
		drop_needle(ls);
		return -1;
	}
	memcpy(ls->needle, needle, ls->len + 1);
	/* smartcase: a capital letter makes the search exact */
	ls->exact = false;
	for (size_t i = 0; i <= ls->len; i++) {
		ls->exact = ls->exact || isupper((unsigned char)needle[i]);
		ls->low[i] = (char)ls->fold[(unsigned char)needle[i]];
	}
	ls->needle_gen = gen;
	ls->n = g->n;
	candidates(ls);
	return 0;
}

/* Whether s[0 .. len) folded holds the needle folded: read once, from the start, until it does. */
static bool
holds_folded(const struct list_search *ls, const char *s, size_t len)
{
	for (size_t i = 0; i + ls->len <= len; i++) {
		size_t k = 0;

		while (k < ls->len && ls->fold[(unsigned char)s[i + k]] == (unsigned char)ls->low[k])
			k++;
		if (k == ls->len)
			return true;
	}
	return false;
}

/* Whether r holds the needle, read field by field: a match never spans two. */
static bool
holds(const struct list_search *ls, const struct revision *r)
{
	const char *f[FIELDS];
	size_t len[FIELDS];

	fields(r, f, len);
	for (int k = 0; k < FIELDS; k++)
		if (ls->exact ? memmem(f[k], len[k], ls->needle, ls->len) != NULL
		    : holds_folded(ls, f[k], len[k]))
			return true;
	return false;
}

bool
list_search_matches(struct list_search *ls, const struct graph *g, unsigned gen, size_t rev,
		    const char *needle)
{
	if (!*needle || rev >= g->n)
		return false;
	if (!ls->needle || ls->needle_gen != gen || strcmp(ls->needle, needle)) {
		if (new_needle(ls, g, gen, needle) < 0)
			return false;
	} else if (!ls->indexed && ls->ix && ls->started == gen) {
		/* the index came in since: what it rules out is not read */
		candidates(ls);
	}
	if (!bit(ls->cand, rev))
		return false;
	if (!bit(ls->known, rev)) {
		set_bit(ls->known, rev);
		if (holds(ls, &g->revs[rev]))
			set_bit(ls->found, rev);
	}
	return bit(ls->found, rev);
}

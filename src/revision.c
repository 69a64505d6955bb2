/* A revision file's header, read statically. */
#include "config.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "migreview/parsecache.h"
#include "migreview/pyconst.h"
#include "migreview/review.h"
#include "migreview/revision.h"
#include "snapshot.h"

/* Characters Alembic refuses in a revision id. */
#define ILLEGAL_ID_CHARS "@-+"

/* Names Alembic reads as symbols before it looks for a revision. */
static const char *const reserved_ids[] = { "base", "head", "heads" };

struct one_file {
	struct revision *rev;
	struct findings *fs;
	size_t index;
	struct pyconst *consts;         /* looks up the names of constants */
	bool own_content;               /* what was read depends on the content alone */
};

/* A finding about the file, at its rule's default severity: settings apply later. */
static int __attribute__((format(printf, 5, 6)))
problem(const struct one_file *l, enum rule_id rule, unsigned line, unsigned col,
	const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = findings_addv(l->fs, rule, rules[rule].severity, l->rev->relpath, line, col,
			   l->index, fmt, ap);
	va_end(ap);
	return rc;
}

static int
report_non_literal(const struct one_file *l, const struct pyval *v, const char *name)
{
	char *msg = v->why ?
		    mr_printf("%s names a constant migreview cannot read: %s; migreview reads "
			      "migrations without running them%s", name, v->why,
			      v->items.n ? " (its string literals are kept)" : "") :
		    mr_printf("%s is not a literal (a string, a tuple or list of strings, "
			      "or None); migreview reads migrations without running "
			      "them, so it cannot know its value%s", name,
			      v->items.n ? " (its string literals are kept)" : "");
	int rc = msg ? problem(l, RULE_NON_LITERAL_HEADER, v->line, v->col, "%s", msg) : -1;

	free(msg);
	return rc;
}

/*
 * Moves a literal's strings into dst; reports values that need running code,
 * keeping the string literals of such a tuple (Alembic has them too).
 */
static int
take(const struct one_file *l, struct pyval *v, const char *name, struct strvec *dst,
     unsigned *line)
{
	*line = v->line;
	if (v->kind == PYVAL_OTHER && report_non_literal(l, v, name) < 0)
		return -1;
	if (v->kind == PYVAL_STRINGS || v->kind == PYVAL_OTHER) {
		*dst = v->items;
		memset(&v->items, 0, sizeof(v->items));
	}
	return 0;
}

/* Alembic 0.1 named files after their revision: "1a2b3c.py" is revision 1a2b3c. */
static char *
legacy_id(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t hex;

	base = base ? base + 1 : path;
	hex = strspn(base, "0123456789abcdef");
	return hex && !strcmp(base + hex, ".py") ? mr_strndup(base, hex) : NULL;
}

static int
check_id(const struct one_file *l, const struct pyval *v)
{
	struct revision *rev = l->rev;
	const char *bad;

	if (v->kind == PYVAL_ABSENT && (rev->id = legacy_id(rev->path)))
		return 0;
	if (v->kind == PYVAL_ABSENT || v->kind == PYVAL_NONE)
		return problem(l, RULE_NO_REVISION_ID, v->line, v->col,
			       "no module-level 'revision = \"...\"' assignment: Alembic "
			       "cannot tell which revision this file is");
	if (v->kind != PYVAL_STRINGS)
		return 0;       /* reported as non-literal */
	if (v->is_sequence || v->items.n != 1)
		return problem(l, RULE_NON_LITERAL_HEADER, v->line, v->col,
			       "revision must be a single string, not a tuple or list");
	bad = strpbrk(v->items.v[0], ILLEGAL_ID_CHARS);
	if (bad)
		return problem(l, RULE_INVALID_REVISION_ID, v->line, v->col,
			       "revision id '%s' contains '%c', which Alembic does not allow "
			       "in revision ids (it separates relative and branch names)",
			       v->items.v[0], *bad);
	for (size_t i = 0; i < MR_ARRAY_SIZE(reserved_ids); i++)
		if (!strcmp(v->items.v[0], reserved_ids[i]))
			return problem(l, RULE_INVALID_REVISION_ID, v->line, v->col,
				       "revision id '%s' is one of Alembic's symbolic names "
				       "(base, head, heads): `alembic history` and upgrades "
				       "cannot address it", v->items.v[0]);
	rev->id = mr_strdup(v->items.v[0]);
	return rev->id ? 0 : -1;
}

static int
read_header(const struct one_file *l, struct pysrc_header *h)
{
	struct revision *rev = l->rev;
	int rc;

	if (h->parse_error &&
	    problem(l, RULE_PARSE_ERROR, h->error_line, h->error_col, "Python syntax error: "
		    "Alembic would fail to import this file (the header was read as far as "
		    "possible)") < 0)
		return -1;
	if (h->revision.kind == PYVAL_OTHER)
		rc = report_non_literal(l, &h->revision, "revision");
	else
		rc = check_id(l, &h->revision);
	if (rc < 0)
		return -1;
	rev->line_id = h->revision.line;
	if (take(l, &h->down_revision, "down_revision", &rev->down, &rev->line_down) < 0 ||
	    take(l, &h->branch_labels, "branch_labels", &rev->labels, &rev->line_labels) < 0 ||
	    take(l, &h->depends_on, "depends_on", &rev->deps, &rev->line_deps) < 0)
		return -1;
	if (h->down_revision.kind == PYVAL_ABSENT && rev->id &&
	    problem(l, RULE_NO_DOWN_REVISION, 1, 1, "no module-level 'down_revision' assignment: "
		    "Alembic fails on this file (write 'down_revision = None' for a base)") < 0)
		return -1;
	rev->message = h->message;
	h->message = NULL;
	return 0;
}

/* 1-based line and column (in bytes) of offset in src. */
static void
line_col(const char *src, size_t offset, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < offset; i++, (*col)++)
		if (src[i] == '\n')
			(*line)++, *col = 0;
}

/* PEP 263: "coding:" or "coding=" in a comment on line 1 or 2. */
static bool
declares_encoding(const char *src)
{
	for (int l = 0; l < 2 && *src; l++) {
		size_t n = strcspn(src, "\n");
		const char *hash = memchr(src, '#', n);

		for (const char *p = hash; p && p + 7 < src + n; p++)
			if (!strncmp(p, "coding", 6) && (p[6] == ':' || p[6] == '='))
				return true;
		src += n + (src[n] == '\n');
	}
	return false;
}

/* Header values that name constants (cli.EXPAND_BRANCH) take the constants' values. */
static int
resolve_constants(const struct one_file *l, TSTree *tree, const char *src,
		  struct pysrc_header *h)
{
	struct pyval *fields[] = { &h->revision, &h->down_revision, &h->branch_labels,
				   &h->depends_on };

	for (size_t i = 0; i < MR_ARRAY_SIZE(fields); i++) {
		struct pyval *v = fields[i];

		if (v->kind == PYVAL_REFS && pyconst_resolve(l->consts, tree, src, l->rev->path, v) < 0)
			return -1;
	}
	return 0;
}

/* Parses src once for the header and, when asked, the operations. */
static int
read_source(struct one_file *l, struct pysrc_parser *parser, const char *src, size_t len,
	    unsigned flags, struct mr_error *err)
{
	struct pysrc_header h;
	struct pysrc_nesting nest;
	TSTree *tree;
	int rc;

	if (len > UINT32_MAX)
		return problem(l, RULE_PARSE_ERROR, 0, 0,
			       "the file is too large to parse (%zu bytes)", len);
	/* pysrc_parse's nesting guard measures both limits in one scan */
	if (!(tree = pysrc_parse(parser, src, len, &nest))) {
		if (!nest.unsafe_line)
			return mr_error_set(err, "tree-sitter could not parse %s", l->rev->relpath);
		return problem(l, RULE_PARSE_ERROR, nest.unsafe_line, 1,
			       "brackets or operators nest more than %d deep here: "
			       "Python refuses it (too many nested parentheses, or too "
			       "complex), and migreview does not parse it",
			       PYSRC_MAX_NESTING) < 0 ? mr_error_oom(err) : 0;
	}
	if (nest.brackets_line &&
	    problem(l, RULE_PARSE_ERROR, nest.brackets_line, 1, "more than %d brackets are open "
		    "here: Python refuses the file (too many nested parentheses), so Alembic "
		    "cannot import it", PYSRC_MAX_BRACKETS) < 0) {
		ts_tree_delete(tree);
		return mr_error_oom(err);
	}
	rc = pysrc_header_from_tree(tree, src, &h, err);
	/* a legacy id is the file's name; a constant's value is another module's */
	if (rc == 0 && (h.revision.kind == PYVAL_ABSENT || h.revision.kind == PYVAL_REFS ||
			h.down_revision.kind == PYVAL_REFS || h.branch_labels.kind == PYVAL_REFS ||
			h.depends_on.kind == PYVAL_REFS))
		l->own_content = false;
	if (rc == 0) {
		rc = resolve_constants(l, tree, src, &h) < 0 || read_header(l, &h) < 0 ?
		     mr_error_oom(err) : 0;
		pysrc_header_free(&h);
	}
	if (rc == 0 && (flags & REVISION_LOAD_MIGRATION)) {
		l->rev->migration = calloc(1, sizeof(*l->rev->migration));
		rc = l->rev->migration ? migration_from_tree(tree, src, l->rev->migration, err) :
					 mr_error_oom(err);
	}
	ts_tree_delete(tree);
	return rc;
}

/* The header from the scanner, when it reads it: 1, 0 when the parser must, -1. */
static int
quick_header(const struct one_file *l, const char *src, size_t len)
{
	struct pysrc_header h;
	int rc = pysrc_header_scan(src, len, &h);

	if (rc == 1) {
		rc = read_header(l, &h) < 0 ? -1 : 1;
		l->rev->deferred = rc == 1 ? REVISION_DEFERRED_PARSE : REVISION_DEFERRED_NONE;
		pysrc_header_free(&h);
	}
	return rc;
}

static bool
same_strings(const struct strvec *a, const struct strvec *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

static bool
same_header(const struct revision *a, const struct revision *b)
{
	return !a->id == !b->id && (!a->id || !strcmp(a->id, b->id)) &&
	       !a->message == !b->message && (!a->message || !strcmp(a->message, b->message)) &&
	       same_strings(&a->down, &b->down) && same_strings(&a->labels, &b->labels) &&
	       same_strings(&a->deps, &b->deps) && a->line_id == b->line_id &&
	       a->line_down == b->line_down && a->line_labels == b->line_labels &&
	       a->line_deps == b->line_deps;
}

/*
 * read_source(), or what it made of the same content before (parsecache.h);
 * quick: on a miss, the scanner's header when it reads it, the parse later;
 * quick or lazy: on a hit, the operations later.
 */
static int
read_cached(struct one_file *l, struct pysrc_parser *parser, const char *src, size_t len,
	    unsigned flags, bool quick, bool lazy, struct mr_error *err)
{
	char own[REVIEW_BLOB_HEX + 1];
	const char *blob = l->rev->blob;
	size_t first = l->fs->n;
	int rc;

	/* the content's id, hashed once when REVISION_LOAD_BLOB already did */
	if (!blob[0]) {
		review_blob_of(src, len, own);
		blob = own;
	}
	/* quick: decoding every file's operations is most of a warm first screen */
	rc = parsecache_load(blob, quick || lazy ? flags & ~(unsigned)REVISION_LOAD_MIGRATION :
			     flags, l->rev, l->fs, l->index);
	if (rc == 1 && (quick || lazy))
		l->rev->deferred = REVISION_DEFERRED_OPERATIONS;
	/* the cache keeps only what the content alone makes */
	l->rev->content_only = rc == 1;
	if (rc != 0)
		return rc < 0 ? mr_error_oom(err) : 0;
	if (quick && (rc = quick_header(l, src, len)) != 0)
		return rc < 0 ? mr_error_oom(err) : 0;
	l->own_content = true;
	rc = read_source(l, parser, src, len, flags, err);
	if (rc == 0 && l->own_content)
		parsecache_store(blob, flags, l->rev, l->fs, first);
	l->rev->content_only = rc == 0 && l->own_content;
	return rc;
}

/*
 * A file over REVISION_MAX_ANALYSED (size bytes, of which len were read) is
 * analysed for its header only: the finding that says so, and in *cut the
 * length of the header, ended at a line end.
 */
static int
header_only(const struct one_file *l, const char *src, size_t len, size_t size, size_t *cut)
{
	char beyond[128] = "";

	*cut = len < REVISION_HEADER_BYTES ? len : REVISION_HEADER_BYTES;
	while (*cut > 0 && src[*cut - 1] != '\n')
		(*cut)--;
	if (len < size)
		snprintf(beyond, sizeof(beyond), "; over %zu MB it is not even read whole, so no "
			 "decision can be taken on it", mr_file_max(MR_FILE_MIGRATION) >> 20);
	return problem(l, RULE_FILE_TOO_LARGE, 0, 0,
		       "the file is %.1f MB: migreview read only its first %u KB (the revision "
		       "identifiers) and checked no rule on it; files over %u MB are not "
		       "analysed%s", (double)size / (1 << 20),
		       REVISION_HEADER_BYTES >> 10, REVISION_MAX_ANALYSED >> 20, beyond);
}

/* What the findings are about is what the reviewer is shown: src is kept, or freed. */
static void
keep_text(struct revision *rev, char *src, size_t len, size_t size, unsigned flags)
{
	/* a file not read whole is not shown as if it were */
	if ((flags & REVISION_LOAD_TEXT) && len == size) {
		rev->text = src;
		rev->text_len = len;
	} else {
		free(src);
	}
}

int
revision_load(struct revision *rev, struct pysrc_parser *parser, const char *path,
	      const char *relpath, size_t index, unsigned flags, struct pyconst *consts,
	      struct findings *fs, struct mr_error *err)
{
	struct one_file l = { rev, fs, index, consts, false };
	struct mr_error rerr;
	char *src;
	size_t len, size, analysed;
	bool quick, lazy;
	const char *nul;
	unsigned line, col;
	size_t bad;
	int rc;

	memset(rev, 0, sizeof(*rev));
	rev->path = mr_strdup(path);
	rev->relpath = mr_strdup(relpath);
	if (!rev->path || !rev->relpath)
		return mr_error_oom(err);
	/* a file over the migration limit is read for its header only, however large */
	if (mr_read_file_head(path, MR_FILE_MIGRATION, REVISION_HEADER_BYTES, &src, &len, &size,
			      &rev->stamp, &rerr) < 0) {
		rev->stamp = mr_stamp_of(path);
		return problem(&l, RULE_PARSE_ERROR, 0, 0, "%s", rerr.msg) < 0 ?
		       mr_error_oom(err) : 0;
	}
	/* what a decision binds to, hashed while the whole content is at hand */
	_Static_assert(sizeof(rev->blob) == REVIEW_BLOB_HEX + 1, "a blob id and its NUL");
	if ((flags & REVISION_LOAD_BLOB) && len == size)
		review_blob_of(src, len, rev->blob);
	analysed = len;
	if (size > REVISION_MAX_ANALYSED) {
		if (header_only(&l, src, len, size, &analysed) < 0) {
			free(src);
			return mr_error_oom(err);
		}
		flags &= ~(unsigned)REVISION_LOAD_MIGRATION;
	}
	nul = memchr(src, '\0', len);
	if (nul) {
		/* Python refuses such source outright; parsing it would only add noise */
		line_col(src, (size_t)(nul - src), &line, &col);
		keep_text(rev, src, len, size, flags);
		return problem(&l, RULE_PARSE_ERROR, line, col, "the file contains a NUL byte (is "
			       "it binary?); Python refuses to import it") < 0 ?
		       mr_error_oom(err) : 0;
	}
	bad = mr_utf8_check(src, analysed);
	if (bad < analysed && !declares_encoding(src)) {
		line_col(src, bad, &line, &col);
		if (problem(&l, RULE_PARSE_ERROR, line, col, "byte 0x%02x is not UTF-8 and the "
			    "file declares no other encoding (# -*- coding: ... -*-); Python "
			    "refuses to import it", (unsigned char)src[bad]) < 0) {
			free(src);
			return mr_error_oom(err);
		}
	}
	/*
	 * A file read whole and analysed whole is what the cache keeps.  For
	 * the first screen a header the scanner reads is enough: the parse
	 * waits for revision_complete_all().
	 */
	quick = (flags & REVISION_LOAD_QUICK) && (flags & REVISION_LOAD_MIGRATION) &&
		(flags & REVISION_LOAD_BLOB) && (flags & REVISION_LOAD_TEXT) && len == size &&
		analysed == len;
	lazy = (flags & REVISION_LOAD_LAZY) && (flags & REVISION_LOAD_MIGRATION) &&
	       (flags & REVISION_LOAD_BLOB) && len == size && analysed == len;
	if (analysed == size && parsecache_enabled())
		rc = read_cached(&l, parser, src, len, flags, quick, lazy, err);
	else if (quick && (rc = quick_header(&l, src, len)) != 0)
		rc = rc < 0 ? mr_error_oom(err) : 0;
	else
		rc = read_source(&l, parser, src, analysed, flags, err);
	keep_text(rev, src, len, size, flags);
	return rc < 0 ? -1 : 0;
}

/* The content of rev's file, if it is still the content read (its blob); else NULL. */
static char *
read_again(const struct revision *rev, size_t *len)
{
	char blob[REVIEW_BLOB_HEX + 1];
	char *src;
	struct mr_error ignored;

	if (mr_read_file(rev->path, MR_FILE_MIGRATION, &src, len, &ignored) < 0)
		return NULL;
	review_blob_of(src, *len, blob);
	if (strcmp(blob, rev->blob)) {
		free(src);
		return NULL;
	}
	return src;
}

const char *
revision_text(const struct revision *rev, size_t *len, char **own)
{
	*own = NULL;
	if (rev->text) {
		*len = rev->text_len;
		return rev->text;
	}
	return rev->text_later ? (*own = read_again(rev, len)) : NULL;
}

/*
 * What a quick or lazy read left for later: the operations, from the cache or a
 * parse, and after the scanner the findings only the parser makes (syntax
 * errors, nesting).  The header read now must be the one read then;
 * *differs says when it is not.
 */
static int
complete(struct revision *rev, struct pysrc_parser *parser, struct pyconst *consts,
	 size_t index, struct findings *fs, bool *differs, struct mr_error *err)
{
	struct revision parsed = { .path = rev->path, .relpath = rev->relpath };
	struct findings found = { 0 };
	struct one_file l = { &parsed, &found, index, consts, true };
	int rc = 0;

	if (rev->deferred == REVISION_DEFERRED_OPERATIONS)
		rc = parsecache_load(rev->blob, REVISION_LOAD_MIGRATION, &parsed, &found, index);
	if (rc == 0) {
		const char *src = rev->text;
		size_t len = rev->text_len;
		char *again = NULL;

		/* a lazy read kept no text: the file again, if it is still what was read */
		if (!src && !(src = again = read_again(rev, &len)))
			*differs = true;
		if (src)
			rc = read_source(&l, parser, src, len, REVISION_LOAD_MIGRATION, err);
		if (src && rc == 0 && l.own_content)
			parsecache_store(rev->blob, REVISION_LOAD_MIGRATION, &parsed, &found, 0);
		free(again);
	} else {
		rc = rc < 0 ? mr_error_oom(err) : 0;
	}
	if (rc == 0 && !same_header(rev, &parsed))
		*differs = true;
	/* the header's findings were made when it was read; the cache gave all of them */
	for (size_t i = 0; rc == 0 && rev->deferred == REVISION_DEFERRED_PARSE && i < found.n; i++) {
		const struct finding *f = &found.v[i];

		if (f->rule == &rules[RULE_PARSE_ERROR] &&
		    findings_add(fs, RULE_PARSE_ERROR, f->severity, f->path, f->line, f->col,
				 f->revision, "%s", f->message) < 0)
			rc = mr_error_oom(err);
	}
	if (rc == 0) {
		rev->migration = parsed.migration;
		parsed.migration = NULL;
		rev->deferred = REVISION_DEFERRED_NONE;
	}
	findings_free(&found);
	parsed.path = parsed.relpath = NULL;
	revision_free(&parsed);
	return rc;
}

/* Files are read and parsed by a few threads; each owns a parser and its findings. */
#define MAX_LOADERS 8

struct load_queue {
	struct revision *revs;
	const struct project *p;
	unsigned flags;
	bool complete;                  /* revision_complete_all(): parse what the scanner read */
	atomic_bool differs;            /* ... and a parser's header was not the scanner's */
	struct strvec sys_path;         /* prepend_sys_path, absolute */
	atomic_size_t next;             /* the next file to take */
	atomic_bool failed;
	/* REVISION_LOAD_SNAPSHOT: what it has, and what it is to have */
	const struct snapshot *snap;
	time_t since;                   /* the clock before any file was looked at */
	unsigned char **records;        /* per file: its record, NULL when not kept */
	size_t *lens;
	atomic_size_t snap_hits;
};

struct load_worker {
	struct load_queue *shared;
	struct findings findings;
	struct mr_error err;
	int rc;
};

/*
 * File i as the snapshot has it, when it has it as it is now; else read,
 * and its record made for the next snapshot.
 */
static int
load_snapshot(struct load_queue *sh, size_t i, const char *rel, struct pysrc_parser *parser,
	      struct pyconst *consts, struct load_worker *l)
{
	struct revision *rev = &sh->revs[i];
	const char *path = sh->p->files.v[i];
	size_t first = l->findings.n;
	struct stat st;
	bool looked = stat(path, &st) == 0;
	int rc = 0;

	if (looked) {
		memset(rev, 0, sizeof(*rev));
		if (!(rev->path = mr_strdup(path)) || !(rev->relpath = mr_strdup(rel)))
			return mr_error_oom(&l->err);
		rc = snapshot_take(sh->snap, rel, &st, rev, &l->findings, i);
		if (rc < 0)
			return mr_error_oom(&l->err);
	}
	if (rc == 1) {
		atomic_fetch_add(&sh->snap_hits, 1);
		rev->content_only = true;
		if (sh->flags & REVISION_LOAD_MIGRATION)
			rev->deferred = REVISION_DEFERRED_OPERATIONS;
		rev->text_later = sh->flags & REVISION_LOAD_TEXT;
		if (!(sh->flags & REVISION_LOAD_BLOB))
			rev->blob[0] = '\0';
	} else {
		revision_free(rev);
		if (revision_load(rev, parser, path, rel, i, sh->flags, consts, &l->findings,
				  &l->err) < 0)
			return -1;
	}
	if (looked)
		sh->records[i] = snapshot_record(rel, &st, sh->since, rev, &l->findings, first,
						 &sh->lens[i]);
	return 0;
}

static int
load_files(void *arg)
{
	struct load_worker *l = arg;
	struct load_queue *sh = l->shared;
	struct pysrc_parser *parser = pysrc_parser_new();
	struct pyconst *consts = parser ? pyconst_new(parser, &sh->sys_path, sh->p->root) : NULL;
	size_t i;

	if (parser && !consts) {
		l->rc = mr_error_oom(&l->err);
		atomic_store(&sh->failed, true);
		pysrc_parser_free(parser);
		return 0;
	}
	if (!parser) {
		l->rc = mr_error_set(&l->err, "cannot set up the tree-sitter Python parser "
				     "(grammar ABI %u, library ABI %u..%u)",
				     ts_language_version(pysrc_language()),
				     TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
				     TREE_SITTER_LANGUAGE_VERSION);
		atomic_store(&sh->failed, true);
		return 0;
	}
	while (!atomic_load(&sh->failed) && (i = atomic_fetch_add(&sh->next, 1)) < sh->p->files.n) {
		const char *path = sh->p->files.v[i];
		char *rel = NULL;
		bool differs = false;

		if (sh->complete)
			l->rc = sh->revs[i].deferred == REVISION_DEFERRED_NONE ? 0 :
				complete(&sh->revs[i], parser, consts, i, &l->findings, &differs,
					 &l->err);
		else if (!(rel = project_relpath(sh->p, path)))
			l->rc = mr_error_oom(&l->err);
		else if (sh->records)
			l->rc = load_snapshot(sh, i, rel, parser, consts, l);
		else
			l->rc = revision_load(&sh->revs[i], parser, path, rel, i, sh->flags,
					      consts, &l->findings, &l->err);
		free(rel);
		if (differs)
			atomic_store(&sh->differs, true);
		if (l->rc < 0)
			atomic_store(&sh->failed, true);
	}
	pyconst_free(consts);
	pysrc_parser_free(parser);
	return 0;
}

static size_t
loader_count(size_t files)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > 0 ? (size_t)cpus : 1;

	if (n > MAX_LOADERS)
		n = MAX_LOADERS;
	/* a thread is worth starting only for a fair share of files */
	while (n > 1 && files / n < 64)
		n--;
	return n;
}

/*
 * prepend_sys_path as absolute directories: where the project's modules are
 * imported from, so where the constants of headers are looked for.  Alembic
 * splits it on spaces, commas and colons; a relative entry is relative to
 * where Alembic runs, as script_location is.  A broken value is no entry.
 */
static int
sys_path_of(const struct project *p, struct strvec *out)
{
	char *value = NULL, *save = NULL;
	int rc = 0;

	if (!p->has_ini || inifile_get(&p->ini, p->section, "prepend_sys_path", &value, NULL) < 0 ||
	    !value)
		return 0;
	for (char *e = strtok_r(value, " ,:\t\n", &save); e && rc == 0;
	     e = strtok_r(NULL, " ,:\t\n", &save)) {
		char *joined = e[0] == '/' ? mr_strdup(e) : mr_path_join(p->base_dir, e);
		char *abs = joined ? mr_path_absolute(joined) : NULL;

		rc = abs ? strvec_push_owned(out, abs) : -1;
		if (rc < 0)
			free(abs);
		free(joined);
	}
	free(value);
	return rc;
}

/* Runs the loaders over every file of sh->p, the calling thread one of them. */
static int
run_loaders(struct load_queue *sh, struct findings *fs, struct mr_error *err)
{
	struct load_worker loaders[MAX_LOADERS] = { 0 };
	thrd_t threads[MAX_LOADERS];
	size_t n = loader_count(sh->p->files.n), started = 0;
	int rc = 0;

	if (sys_path_of(sh->p, &sh->sys_path) < 0) {
		strvec_free(&sh->sys_path);
		return mr_error_oom(err);
	}
	atomic_init(&sh->next, 0);
	atomic_init(&sh->failed, false);
	atomic_init(&sh->differs, false);
	for (size_t t = 0; t < n; t++) {
		loaders[t].shared = sh;
		/* the calling thread is loader 0 */
		if (t > 0 && thrd_create(&threads[t], load_files, &loaders[t]) != thrd_success)
			break;
		started = t + 1;
	}
	load_files(&loaders[0]);
	for (size_t t = 1; t < started; t++)
		thrd_join(threads[t], NULL);
	for (size_t t = 0; t < started; t++) {
		if (loaders[t].rc < 0 && rc == 0) {
			*err = loaders[t].err;
			rc = -1;
		}
		/* the caller sorts them */
		if (findings_take(fs, &loaders[t].findings) < 0 && rc == 0)
			rc = mr_error_oom(err);
		findings_free(&loaders[t].findings);
	}
	strvec_free(&sh->sys_path);
	return rc;
}

int
revision_load_all(const struct project *p, unsigned flags, struct revision **revs,
		  struct findings *fs, struct mr_error *err)
{
	struct load_queue shared = { .p = p, .flags = flags };
	struct snapshot *snap;
	int rc;

	*revs = shared.revs = calloc(p->files.n + 1, sizeof(**revs));
	if (!shared.revs)
		return mr_error_oom(err);
	if (!(flags & REVISION_LOAD_SNAPSHOT) || !parsecache_enabled())
		return run_loaders(&shared, fs, err);
	shared.since = time(NULL);
	shared.snap = snap = snapshot_load(p);
	shared.records = calloc(p->files.n + 1, sizeof(*shared.records));
	shared.lens = calloc(p->files.n + 1, sizeof(*shared.lens));
	atomic_init(&shared.snap_hits, 0);
	if (!shared.records || !shared.lens) {
		free(shared.records);
		free(shared.lens);
		snapshot_free(snap);
		return mr_error_oom(err);
	}
	rc = run_loaders(&shared, fs, err);
	/* kept anew when a file is not as kept, or is no longer there */
	if (rc == 0 && (atomic_load(&shared.snap_hits) != p->files.n ||
			snapshot_count(snap) != p->files.n))
		snapshot_store(p, shared.records, shared.lens, p->files.n);
	for (size_t i = 0; i < p->files.n; i++)
		free(shared.records[i]);
	free(shared.records);
	free(shared.lens);
	snapshot_free(snap);
	return rc;
}

int
revision_complete_all(const struct project *p, struct revision *revs, struct findings *fs,
		      struct mr_error *err)
{
	struct load_queue shared = { .p = p, .revs = revs, .complete = true };
	size_t i = 0;

	/* all read whole already (no quick read, or the cache had everything): no threads */
	while (i < p->files.n && revs[i].deferred == REVISION_DEFERRED_NONE)
		i++;
	if (i == p->files.n)
		return 0;
	if (run_loaders(&shared, fs, err) < 0)
		return -1;
	return atomic_load(&shared.differs) ? 1 : 0;
}

void
revision_free(struct revision *rev)
{
	free(rev->path);
	free(rev->relpath);
	free(rev->text);
	free(rev->id);
	strvec_free(&rev->down);
	strvec_free(&rev->labels);
	strvec_free(&rev->deps);
	free(rev->message);
	free(rev->parents);
	free(rev->dep_parents);
	free(rev->norm_down);
	revision_free_migration(rev);
	memset(rev, 0, sizeof(*rev));
}

void
revision_free_migration(struct revision *rev)
{
	if (rev->migration) {
		migration_free(rev->migration);
		free(rev->migration);
		rev->migration = NULL;
	}
}

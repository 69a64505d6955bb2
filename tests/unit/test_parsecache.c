/*
 * The parse cache: a file loaded from its entry is the file parsed (every
 * header field, finding and part of its migration); an entry is believed
 * only for its own build and content; files whose reading depends on more
 * than their content are never kept.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/parsecache.h"
#include "migreview/pyconst.h"
#include "migreview/review.h"

#define BOTH (REVISION_LOAD_MIGRATION | REVISION_LOAD_BLOB)

static char dir[] = "/tmp/migreview-parsecache-XXXXXX";
static struct pysrc_parser *parser;
static struct pyconst *consts;
static struct strvec no_path;
static struct mr_error err;

static void
setup(void)
{
	cr_assert(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	setenv("MIGREVIEW_CONFIG", "", 1);
	unsetenv("MIGREVIEW_CACHE");
	parser = pysrc_parser_new();
	cr_assert(parser);
	consts = pyconst_new(parser, &no_path, FIXTURES);
	cr_assert(consts);
}

static int
remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void
teardown(void)
{
	pyconst_free(consts);
	pysrc_parser_free(parser);
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(parsecache, .init = setup, .fini = teardown);

static void
load(const char *path, unsigned flags, struct revision *rev, struct findings *fs)
{
	memset(fs, 0, sizeof(*fs));
	cr_assert_eq(revision_load(rev, parser, path, "x.py", 7, flags, consts, fs, &err), 0,
		     "%s", err.msg);
}

static bool
same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool
same_strvec(const struct strvec *a, const struct strvec *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static bool same_call(const struct pycall *a, const struct pycall *b);

static bool
same_arg(const struct pyarg *a, const struct pyarg *b)
{
	if (!same_str(a->keyword, b->keyword) || a->kind != b->kind || !same_str(a->text, b->text) ||
	    a->final != b->final || a->line != b->line || a->col != b->col ||
	    !a->call != !b->call || !a->items != !b->items || a->n_items != b->n_items)
		return false;
	if (a->call && !same_call(a->call, b->call))
		return false;
	for (size_t i = 0; i < a->n_items; i++)
		if (!same_arg(&a->items[i], &b->items[i]))
			return false;
	return true;
}

static bool
same_call(const struct pycall *a, const struct pycall *b)
{
	if (!same_str(a->callee, b->callee) || strcmp(a->name, b->name) ||
	    a->name - a->callee != b->name - b->callee || !a->args != !b->args ||
	    a->n_args != b->n_args || a->line != b->line || a->col != b->col ||
	    a->end_line != b->end_line || a->end_col != b->end_col)
		return false;
	for (size_t i = 0; i < a->n_args; i++)
		if (!same_arg(&a->args[i], &b->args[i]))
			return false;
	return true;
}

static bool
same_fn(const struct migration_fn *a, const struct migration_fn *b)
{
	if (a->present != b->present || a->empty != b->empty ||
	    a->not_implemented != b->not_implemented || a->line != b->line || a->col != b->col ||
	    a->n_ops != b->n_ops)
		return false;
	for (size_t i = 0; i < a->n_ops; i++) {
		const struct migration_op *x = &a->ops[i], *y = &b->ops[i];

		if (!same_call(&x->call, &y->call) || !same_str(x->batch_table, y->batch_table) ||
		    !same_str(x->table_key, y->table_key) || x->in_autocommit != y->in_autocommit ||
		    x->ends_transaction != y->ends_transaction || x->via_bind != y->via_bind ||
		    x->not_on != y->not_on)
			return false;
	}
	return true;
}

static bool
same_migration(const struct migration *a, const struct migration *b)
{
	if (!a || !b)
		return a == b;
	if (!same_fn(&a->upgrade, &b->upgrade) || !same_fn(&a->downgrade, &b->downgrade) ||
	    a->n_imports != b->n_imports || a->n_aliases != b->n_aliases ||
	    !same_strvec(&a->op_names, &b->op_names) || !same_strvec(&a->op_functions, &b->op_functions))
		return false;
	for (size_t i = 0; i < a->n_imports; i++)
		if (!same_str(a->imports[i].module, b->imports[i].module) ||
		    a->imports[i].line != b->imports[i].line || a->imports[i].col != b->imports[i].col)
			return false;
	for (size_t i = 0; i < a->n_aliases; i++)
		if (!same_str(a->aliases[i].name, b->aliases[i].name) ||
		    !same_call(&a->aliases[i].call, &b->aliases[i].call))
			return false;
	return true;
}

static void
expect_same(const char *path, const struct revision *a, const struct findings *fa,
	    const struct revision *b, const struct findings *fb)
{
	cr_expect(same_str(a->id, b->id), "%s: id", path);
	cr_expect(same_strvec(&a->down, &b->down), "%s: down_revision", path);
	cr_expect(same_strvec(&a->labels, &b->labels), "%s: branch_labels", path);
	cr_expect(same_strvec(&a->deps, &b->deps), "%s: depends_on", path);
	cr_expect(same_str(a->message, b->message), "%s: message", path);
	cr_expect(a->line_id == b->line_id && a->line_down == b->line_down &&
		  a->line_labels == b->line_labels && a->line_deps == b->line_deps, "%s: lines", path);
	cr_expect(same_migration(a->migration, b->migration), "%s: migration", path);
	cr_assert_eq(fa->n, fb->n, "%s: findings", path);
	for (size_t i = 0; i < fa->n; i++) {
		const struct finding *x = &fa->v[i], *y = &fb->v[i];

		cr_expect(x->rule == y->rule && x->severity == y->severity && x->line == y->line &&
			  x->col == y->col && !strcmp(x->message, y->message) &&
			  !strcmp(x->path, y->path) && x->revision == y->revision,
			  "%s: finding %zu: %s", path, i, x->message);
	}
}

static struct strvec files;

static int
add_py(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t len = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && len > 3 && !strcmp(path + len - 3, ".py"))
		cr_assert_eq(strvec_push(&files, path), 0);
	return 0;
}

Test(parsecache, every_fixture_reads_from_its_entry_as_parsed)
{
	struct parsecache_stats st;
	size_t kept = 0;

	cr_assert(parsecache_enabled());
	cr_assert_eq(nftw(FIXTURES, add_py, 16, FTW_PHYS), 0);
	cr_assert_eq(nftw(EXAMPLES, add_py, 16, FTW_PHYS), 0);
	cr_assert_gt(files.n, 50);
	for (size_t i = 0; i < files.n; i++) {
		struct revision parsed, cached, header;
		struct findings fp, fc, fh;
		struct parsecache_stats before;
		struct migration *m;

		load(files.v[i], BOTH, &parsed, &fp);
		parsecache_stats(&before);
		load(files.v[i], BOTH, &cached, &fc);
		parsecache_stats(&st);
		kept += st.hits - before.hits;
		expect_same(files.v[i], &parsed, &fp, &cached, &fc);
		/* what list reads: the header from the same entry */
		load(files.v[i], 0, &header, &fh);
		m = parsed.migration;
		parsed.migration = NULL;
		expect_same(files.v[i], &parsed, &fp, &header, &fh);
		parsed.migration = m;
		revision_free(&parsed);
		revision_free(&cached);
		revision_free(&header);
		findings_free(&fp);
		findings_free(&fc);
		findings_free(&fh);
	}
	/* most fixtures are kept; those that name constants or have no id are not */
	cr_expect_gt(kept, files.n / 2, "%zu of %zu read from the cache", kept, files.n);
	cr_expect_lt(kept, files.n);
	strvec_free(&files);
}

static char *
shop_file(void)
{
	return mr_printf("%s/shop/migrations/versions/2024_02_09_f06eac2ed512_add_currency_to_orders.py",
			 EXAMPLES);
}

/* A stored entry saying something else: served while its build is this one. */
static void
forge(const char *blob)
{
	struct revision rev = { 0 };
	struct findings none = { 0 };

	rev.id = (char *)"forged";
	parsecache_store(blob, REVISION_LOAD_MIGRATION, &rev, &none, 0);
}

static char *
entry_of(const char *blob)
{
	return mr_printf("%s/migreview/%.2s/%s", dir, blob, blob + 2);
}

Test(parsecache, an_entry_is_believed_for_its_content_and_build_only)
{
	char *path = shop_file(), *entry, *buf;
	struct revision rev;
	struct findings fs;
	size_t len;
	FILE *f;

	load(path, BOTH, &rev, &fs);
	cr_assert_str_eq(rev.id, "f06eac2ed512");
	forge(rev.blob);
	entry = entry_of(rev.blob);
	revision_free(&rev);
	findings_free(&fs);
	load(path, BOTH, &rev, &fs);
	cr_expect_str_eq(rev.id, "forged", "an entry of this build is what the file reads as");
	cr_expect_null(rev.migration);
	cr_expect_eq(fs.n, 0);
	revision_free(&rev);
	findings_free(&fs);

	/* the same entry written by another migreview version */
	cr_assert_eq(mr_read_file(entry, MR_FILE_REVIEW, &buf, &len, &err), 0);
	buf[61] = '9';
	f = fopen(entry, "wb");
	cr_assert(f && fwrite(buf, 1, len, f) == len && fclose(f) == 0);
	free(buf);
	load(path, BOTH, &rev, &fs);
	cr_expect_str_eq(rev.id, "f06eac2ed512");
	cr_expect(rev.migration && rev.migration->upgrade.n_ops == 1);
	revision_free(&rev);
	findings_free(&fs);
	free(entry);
	free(path);
}

Test(parsecache, a_header_only_entry_is_upgraded_when_the_migration_is_asked_for)
{
	char *path = shop_file();
	struct revision rev;
	struct findings fs;
	struct parsecache_stats st;

	load(path, 0, &rev, &fs);
	cr_expect_null(rev.migration);
	revision_free(&rev);
	load(path, REVISION_LOAD_MIGRATION, &rev, &fs);
	cr_expect(rev.migration && rev.migration->upgrade.n_ops == 1);
	revision_free(&rev);
	load(path, 0, &rev, &fs);
	cr_expect_null(rev.migration);
	revision_free(&rev);
	load(path, REVISION_LOAD_MIGRATION, &rev, &fs);
	cr_expect(rev.migration && rev.migration->upgrade.n_ops == 1);
	revision_free(&rev);
	parsecache_stats(&st);
	cr_expect_eq(st.misses, 1);
	cr_expect_eq(st.rejected, 1, "the header-only entry cannot answer for the migration");
	cr_expect_eq(st.hits, 2);
	cr_expect_eq(st.stored, 2);
	free(path);
}

Test(parsecache, a_header_naming_constants_or_without_an_id_is_not_kept)
{
	char *consts_file = mr_printf("%s/constants/shop/db/migrations/versions/e1_expand.py",
				      FIXTURES);
	char *legacy = mr_printf("%s/1a2b3c.py", dir);
	struct revision rev;
	struct findings fs;
	struct parsecache_stats st;
	FILE *f;

	load(consts_file, BOTH, &rev, &fs);
	cr_assert_str_eq(rev.id, "e1");
	revision_free(&rev);
	findings_free(&fs);
	/* Alembic 0.1's files have their id in their name */
	f = fopen(legacy, "w");
	cr_assert(f && fputs("down_revision = None\n", f) >= 0 && fclose(f) == 0);
	load(legacy, BOTH, &rev, &fs);
	cr_assert_str_eq(rev.id, "1a2b3c");
	revision_free(&rev);
	findings_free(&fs);
	parsecache_stats(&st);
	cr_expect_eq(st.stored, 0);
	free(legacy);
	free(consts_file);
}

Test(parsecache, off_in_the_environment)
{
	char *path = shop_file();
	struct revision rev;
	struct findings fs;
	struct parsecache_stats st;

	setenv("MIGREVIEW_CACHE", "off", 1);
	cr_expect_not(parsecache_enabled());
	load(path, BOTH, &rev, &fs);
	revision_free(&rev);
	findings_free(&fs);
	load(path, BOTH, &rev, &fs);
	revision_free(&rev);
	findings_free(&fs);
	parsecache_stats(&st);
	cr_expect_eq(st.stored + st.hits + st.misses, 0);
	free(path);
}

/* Every byte of an entry changed in turn: decoded or refused, never a crash or a leak. */
Test(parsecache, damaged_entries_decode_or_are_refused)
{
	char *path = shop_file(), *entry, *buf;
	struct revision rev;
	struct findings fs;
	size_t len;

	load(path, BOTH, &rev, &fs);
	entry = entry_of(rev.blob);
	revision_free(&rev);
	findings_free(&fs);
	cr_assert_eq(mr_read_file(entry, MR_FILE_REVIEW, &buf, &len, &err), 0);
	cr_assert_eq(parsecache_decode((unsigned char *)buf, len, BOTH, &rev, &fs, 0), 1);
	revision_free(&rev);
	findings_free(&fs);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			buf[i] ^= (char)(1 << bit);
			memset(&rev, 0, sizeof(rev));
			memset(&fs, 0, sizeof(fs));
			cr_assert_geq(parsecache_decode((unsigned char *)buf, len, BOTH, &rev, &fs, 0), 0);
			revision_free(&rev);
			findings_free(&fs);
			buf[i] ^= (char)(1 << bit);
		}
		memset(&rev, 0, sizeof(rev));
		cr_assert_eq(parsecache_decode((unsigned char *)buf, i, BOTH, &rev, &fs, 0), 0);
	}
	free(buf);
	free(entry);
	free(path);
}

/*
 * The snapshot (src/snapshot.h): a file unchanged since it was read whole
 * is taken from it (no parse cache entry read, the same revision and
 * findings as a read); a file changed in any way, even to the same size and
 * modification time, is read again; a file changed lately is never kept; a
 * damaged snapshot is none; a text left for later is the file's while it
 * is unchanged, and nothing once it changes.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/graph.h"
#include "migreview/parsecache.h"
#include "../../src/snapshot.h"

static char dir[64];
static struct project p;

#define CUSTOMERS "migrations/versions/2024_01_08_5931423ea539_create_customers_products_and_carts.py"
#define LOAD (REVISION_LOAD_BLOB | REVISION_LOAD_MIGRATION | REVISION_LOAD_LAZY)

static void
sh(const char *cmd)
{
	char *full = mr_printf("cd '%s' && %s", dir, cmd);

	cr_assert(system(full) == 0, "%s", full);
	free(full);
}

/* The example, settled: older than the snapshot's racy window. */
static void
setup(void)
{
	char *cache, *ini;
	struct mr_error err;

	strcpy(dir, "/tmp/mr-snapshot-XXXXXX");
	cr_assert(mkdtemp(dir));
	sh("cp -R " EXAMPLES "/shop/. . && chmod -R u+w .");
	cache = mr_printf("%s/cache", dir);
	ini = mr_printf("%s/alembic.ini", dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	setenv("MIGREVIEW_CONFIG", "", 1);
	unsetenv("MIGREVIEW_CACHE");
	cr_assert_eq(project_open(&p, ini, NULL, &err), 0, "%s", err.msg);
	free(cache);
	free(ini);
}

static void
settle(void)
{
	sleep(SNAPSHOT_SETTLED + 1);
}

static void
teardown(void)
{
	char *cmd = mr_printf("rm -rf '%s'", dir);

	project_free(&p);
	cr_assert(system(cmd) == 0);
	free(cmd);
}

TestSuite(snapshot, .init = setup, .fini = teardown);

static void
load(struct graph *g, unsigned flags)
{
	struct mr_error err;

	memset(g, 0, sizeof(*g));
	cr_assert_eq(graph_load(g, &p, flags, &err), 0, "%s", err.msg);
}

static size_t
parse_cache_reads(void)
{
	struct parsecache_stats st;

	parsecache_stats(&st);
	return st.hits + st.misses + st.rejected;
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Every revision and finding of a as of b. */
static void
assert_same_graph(const struct graph *a, const struct graph *b)
{
	cr_assert_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct revision *x = &a->revs[i], *y = &b->revs[i];

		cr_assert_str_eq(x->blob, y->blob, "%s", x->relpath);
		cr_assert(same_text(x->id, y->id) && same_text(x->message, y->message) &&
			  x->down.n == y->down.n && x->line_id == y->line_id &&
			  x->line_down == y->line_down, "%s", x->relpath);
		cr_assert(x->stamp.mtime_ns == y->stamp.mtime_ns && x->stamp.size == y->stamp.size &&
			  x->stamp.inode == y->stamp.inode, "%s", x->relpath);
	}
	cr_assert_eq(a->findings.n, b->findings.n);
	for (size_t i = 0; i < a->findings.n; i++)
		cr_assert(a->findings.v[i].rule == b->findings.v[i].rule &&
			  a->findings.v[i].line == b->findings.v[i].line &&
			  !strcmp(a->findings.v[i].message, b->findings.v[i].message));
}

Test(snapshot, an_unchanged_project_is_not_read_again)
{
	struct graph read, kept, again;
	size_t before;

	settle();
	load(&read, LOAD);
	cr_assert(read.n > 20);
	load(&kept, LOAD | REVISION_LOAD_SNAPSHOT);    /* makes it */
	before = parse_cache_reads();
	load(&again, LOAD | REVISION_LOAD_SNAPSHOT);
	cr_assert_eq(parse_cache_reads(), before, "no entry read: the snapshot had every file");
	assert_same_graph(&read, &again);
	for (size_t i = 0; i < again.n; i++)
		cr_assert(again.revs[i].deferred == REVISION_DEFERRED_OPERATIONS);
	graph_free(&read);
	graph_free(&kept);
	graph_free(&again);
}

Test(snapshot, a_file_changed_in_any_way_is_read_again)
{
	struct graph kept, again, read;
	size_t before;

	settle();
	load(&kept, LOAD | REVISION_LOAD_SNAPSHOT);
	graph_free(&kept);
	/* the same inode, size and modification time, another content: only its change time tells */
	sh("f=" CUSTOMERS " && t=$(stat -c %y $f) && i=$(stat -c %i $f) && "
	   "printf '#' | dd of=$f bs=1 seek=0 conv=notrunc status=none && touch -d \"$t\" $f && "
	   "test \"$(stat -c %y $f) $(stat -c %i $f)\" = \"$t $i\"");
	before = parse_cache_reads();
	load(&again, LOAD | REVISION_LOAD_SNAPSHOT);
	cr_assert_eq(parse_cache_reads(), before + 1, "the one changed file read");
	load(&read, LOAD);
	assert_same_graph(&read, &again);
	graph_free(&again);
	graph_free(&read);
}

Test(snapshot, a_file_changed_lately_is_not_kept)
{
	struct graph g;
	size_t before;

	/* every file changed just now, within the racy window */
	sh("touch migrations/versions/*.py");
	load(&g, LOAD | REVISION_LOAD_SNAPSHOT);
	graph_free(&g);
	before = parse_cache_reads();
	load(&g, LOAD | REVISION_LOAD_SNAPSHOT);
	cr_assert_eq(parse_cache_reads(), before + g.n, "every file read again");
	graph_free(&g);
}

Test(snapshot, a_damaged_snapshot_is_none)
{
	struct graph g, read;
	size_t before;

	settle();
	load(&g, LOAD | REVISION_LOAD_SNAPSHOT);
	graph_free(&g);
	sh("f=$(ls cache/migreview/snapshot/*) && printf 'X' | "
	   "dd of=$f bs=1 seek=$(( $(stat -c %s $f) / 2 )) conv=notrunc status=none");
	before = parse_cache_reads();
	load(&g, LOAD | REVISION_LOAD_SNAPSHOT);
	cr_assert_eq(parse_cache_reads(), before + g.n, "every file read again");
	load(&read, LOAD);
	assert_same_graph(&read, &g);
	graph_free(&g);
	graph_free(&read);
	sh("f=$(ls cache/migreview/snapshot/*) && truncate -s 100 $f");
	before = parse_cache_reads();
	load(&g, LOAD | REVISION_LOAD_SNAPSHOT);
	cr_assert_eq(parse_cache_reads(), before + g.n, "every file read again");
	graph_free(&g);
}

Test(snapshot, a_text_left_for_later_is_the_file_while_it_is_unchanged)
{
	struct graph g;
	const struct revision *r = NULL;
	const char *text;
	char *own, *want;
	size_t len, want_len;
	struct mr_error err;

	settle();
	load(&g, LOAD | REVISION_LOAD_TEXT | REVISION_LOAD_SNAPSHOT);
	graph_free(&g);
	load(&g, LOAD | REVISION_LOAD_TEXT | REVISION_LOAD_SNAPSHOT);
	for (size_t i = 0; i < g.n; i++)
		if (strstr(g.revs[i].relpath, "5931423ea539"))
			r = &g.revs[i];
	cr_assert(r && !r->text && r->text_later);
	cr_assert_eq(mr_read_file(r->path, MR_FILE_MIGRATION, &want, &want_len, &err), 0);
	text = revision_text(r, &len, &own);
	cr_assert(text && len == want_len && !memcmp(text, want, len));
	free(own);
	free(want);
	sh("printf '# later\\n' >> " CUSTOMERS);
	cr_assert_null(revision_text(r, &len, &own), "changed since: not the text read");
	graph_free(&g);
}

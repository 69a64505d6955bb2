/*
 * The analysis cache: kept findings are the analysis's, finding for finding;
 * any change to what they are made of (a migration, a setting, the
 * production sizes, the application code) is a miss; a damaged entry is a
 * miss, never a crash; two processes filling it at once leave a good entry;
 * MIGREVIEW_CACHE=off keeps nothing.  Each test runs in its own process
 * (criterion), so each decides afresh whether the cache is on.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migreview/analysiscache.h"
#include "migreview/parsecache.h"
#include "migreview/report.h"

static char dir[64];
static char *ini;

#define CUSTOMERS "migrations/versions/2024_01_08_5931423ea539_create_customers_products_and_carts.py"

static void
sh(const char *cmd)
{
	char *full = mr_printf("cd '%s' && %s", dir, cmd);

	cr_assert(system(full) == 0, "%s", full);
	free(full);
}

static void
setup(void)
{
	char *cache;

	strcpy(dir, "/tmp/mr-acache-XXXXXX");
	cr_assert(mkdtemp(dir));
	sh("cp -R " EXAMPLES "/shop/. . && rm -f migrations.review && chmod -R u+w .");
	ini = mr_printf("%s/alembic.ini", dir);
	cache = mr_printf("%s/cache", dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	setenv("MIGREVIEW_CONFIG", "", 1);
	unsetenv("MIGREVIEW_CACHE");
	unsetenv("SOURCE_DATE_EPOCH");
	free(cache);
}

static void
teardown(void)
{
	char *cmd = mr_printf("rm -rf '%s'", dir);

	cr_assert(system(cmd) == 0);
	free(cmd);
	free(ini);
}

TestSuite(analysiscache, .init = setup, .fini = teardown);

static void
open_report(struct report *r)
{
	struct mr_error err;

	memset(r, 0, sizeof(*r));
	cr_assert_eq(report_open(r, ini, NULL, &err), 0, "%s", err.msg);
}

static struct analysiscache_stats
stats(void)
{
	struct analysiscache_stats st;

	analysiscache_stats(&st);
	return st;
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void
assert_same_findings(const struct findings *a, const struct findings *b)
{
	cr_assert_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct finding *x = &a->v[i], *y = &b->v[i];

		cr_assert(x->rule == y->rule && x->severity == y->severity &&
			  x->line == y->line && x->col == y->col && x->revision == y->revision &&
			  x->forecast == y->forecast, "finding %zu: %s", i, x->message);
		cr_assert(same_text(x->path, y->path) && same_text(x->message, y->message) &&
			  same_text(x->plain, y->plain) && same_text(x->table, y->table),
			  "finding %zu: %s / %s", i, x->message, y->message);
	}
}

static size_t
count_rule(const struct findings *fs, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++)
		n += !strcmp(fs->v[i].rule->id, rule);
	return n;
}

Test(analysiscache, kept_findings_are_the_analysis_finding_for_finding)
{
	struct report a, b;

	open_report(&a);
	cr_assert_eq(stats().misses, 1);
	cr_assert_eq(stats().stored, 1);
	cr_assert(a.all.n > 50, "the example has findings: %zu", a.all.n);
	open_report(&b);
	cr_assert_eq(stats().hits, 1, "the second open finds them kept");
	cr_assert_eq(stats().stored, 1);
	assert_same_findings(&a.all, &b.all);
	report_free(&a);
	report_free(&b);
}

/* After change, the next open is a miss whose findings are then kept. */
static void
assert_miss_after(const char *change)
{
	struct analysiscache_stats before = stats();
	struct report r;

	sh(change);
	open_report(&r);
	cr_assert_eq(stats().misses, before.misses + 1, "a miss after %s", change);
	cr_assert_eq(stats().stored, before.stored + 1);
	report_free(&r);
	open_report(&r);
	cr_assert_eq(stats().hits, before.hits + 1, "kept again after %s", change);
	report_free(&r);
}

Test(analysiscache, a_change_to_what_the_findings_come_from_is_a_miss)
{
	struct report r;

	open_report(&r);
	report_free(&r);
	assert_miss_after("printf '\\n# edited\\n' >> " CUSTOMERS);
	assert_miss_after("sed -i 's/^large_tables = .*/large_tables = orders/' alembic.ini");
	assert_miss_after("sed -i 's/^dialect = postgresql/dialect = postgresql\\n"
			  "severity.drop-column = info/' alembic.ini");
	assert_miss_after("cp " FIXTURES "/stats/shop.json migrations.stats.json");
	assert_miss_after("printf '\\n# edited\\n' >> app/models.py");
	assert_miss_after("mv " CUSTOMERS " migrations/versions/renamed.py");
}

Test(analysiscache, a_setting_changes_the_findings_not_only_the_key)
{
	struct report a, b;

	open_report(&a);
	sh("sed -i 's/^dialect = postgresql/dialect = postgresql\\ndisable = drop-column/' "
	   "alembic.ini");
	open_report(&b);
	cr_assert(count_rule(&a.all, "drop-column") > 0);
	cr_assert_eq(count_rule(&b.all, "drop-column"), 0, "the kept findings were not reused");
	report_free(&a);
	report_free(&b);
}

/* The project's one entry, whole. */
static unsigned char *
read_entry(size_t *len)
{
	char *cmd = mr_printf("ls %s/cache/migreview/analysis/*", dir);
	FILE *ls = popen(cmd, "r");
	char path[512];
	unsigned char *buf = NULL;
	struct mr_error err;

	cr_assert(ls && fgets(path, sizeof(path), ls), "an entry");
	path[strcspn(path, "\n")] = '\0';
	cr_assert_eq(pclose(ls), 0);
	cr_assert_eq(mr_read_file(path, MR_FILE_REVIEW, (char **)&buf, len, &err), 0);
	free(cmd);
	return buf;
}

Test(analysiscache, a_damaged_or_truncated_entry_is_a_miss)
{
	struct report a, b;

	open_report(&a);
	/* a byte of the payload changed: the checksum says so */
	sh("f=$(ls cache/migreview/analysis/*) && printf 'X' | "
	   "dd of=$f bs=1 seek=$(( $(stat -c %s $f) / 2 )) conv=notrunc status=none");
	open_report(&b);
	cr_assert_eq(stats().misses, 2);
	cr_assert_eq(stats().hits, 0);
	assert_same_findings(&a.all, &b.all);
	report_free(&b);
	sh("f=$(ls cache/migreview/analysis/*) && truncate -s $(( $(stat -c %s $f) - 7 )) $f");
	open_report(&b);
	cr_assert_eq(stats().misses, 3);
	assert_same_findings(&a.all, &b.all);
	report_free(&a);
	report_free(&b);
}

Test(analysiscache, every_prefix_and_flipped_byte_decodes_or_is_refused)
{
	struct report r;
	struct findings fs;
	unsigned char *buf;
	size_t len;

	open_report(&r);
	buf = read_entry(&len);
	cr_assert_eq(analysiscache_decode(buf, len, &fs), 1);
	assert_same_findings(&r.all, &fs);
	findings_free(&fs);
	for (size_t cut = 0; cut < len; cut += 1 + cut / 64) {
		cr_assert_eq(analysiscache_decode(buf, cut, &fs), 0, "cut at %zu", cut);
		cr_assert_eq(fs.n, 0);
	}
	/* unchecked by the checksum here: whatever decodes is whole */
	for (size_t at = 40; at < len; at += 1 + at / 32) {
		buf[at] ^= 0xff;
		cr_assert_geq(analysiscache_decode(buf, len, &fs), 0);
		for (size_t i = 0; i < fs.n; i++)
			cr_assert(fs.v[i].path && fs.v[i].message && fs.v[i].rule);
		findings_free(&fs);
		buf[at] ^= 0xff;
	}
	free(buf);
	report_free(&r);
}

Test(analysiscache, two_processes_filling_it_at_once_leave_a_good_entry)
{
	struct report r;
	pid_t kids[2];

	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		cr_assert(kids[k] >= 0);
		if (kids[k] == 0) {
			struct mr_error err;

			memset(&r, 0, sizeof(r));
			_exit(report_open(&r, ini, NULL, &err) == 0 ? 0 : 1);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;

		cr_assert_eq(waitpid(kids[k], &status, 0), kids[k]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	open_report(&r);
	cr_assert_eq(stats().hits, 1, "what either kept is found");
	report_free(&r);
	sh("test -z \"$(ls cache/migreview/analysis/ | grep -v '^[0-9a-f]*$')\"");
}

Test(analysiscache, off_in_the_environment_keeps_nothing)
{
	struct report r;

	setenv("MIGREVIEW_CACHE", "off", 1);
	open_report(&r);
	report_free(&r);
	open_report(&r);
	cr_assert_eq(stats().hits + stats().stored, 0);
	sh("test ! -e cache/migreview/analysis");
	report_free(&r);
}

Test(analysiscache, a_lazy_read_rereads_a_file_whose_entry_has_no_operations)
{
	struct report r;
	struct findings all = { 0 };
	struct project_where w = { ini, NULL, NULL };
	struct mr_error err;
	struct graph g = { 0 };
	struct project p;

	/* a header-only read (list's) leaves entries without the operations */
	cr_assert_eq(project_open_at(&p, &w, &err), 0, "%s", err.msg);
	cr_assert_eq(graph_load(&g, &p, REVISION_LOAD_BLOB, &err), 0, "%s", err.msg);
	graph_free(&g);
	project_free(&p);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(report_open_graph(&r, &w, &err), 0, "%s", err.msg);
	cr_assert(r.g.revs[0].deferred == REVISION_DEFERRED_OPERATIONS);
	/* the file changes between its header and its operations: read it all again */
	sh("printf '\\n# edited\\n' >> " CUSTOMERS);
	cr_assert_eq(report_collect(&r, &all, &err), 1);
	findings_free(&all);
	report_free(&r);
	/* unchanged since read: the file read again gives the operations */
	open_report(&r);
	cr_assert(count_rule(&r.all, "drop-column") > 0);
	report_free(&r);
}

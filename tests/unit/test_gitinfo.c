/* gitinfo on repositories built by the tests with the git command. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migreview/gitinfo.h"
#include "migreview/util.h"

static char dir[64];

/* Runs a shell command in the repository, with fixed identities and dates. */
static void
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && export GIT_CONFIG_NOSYSTEM=1 HOME='%s' "
		     "GIT_AUTHOR_NAME=Ann GIT_AUTHOR_EMAIL=ann@example.com "
		     "GIT_COMMITTER_NAME=Ann GIT_COMMITTER_EMAIL=ann@example.com "
		     "GIT_AUTHOR_DATE=2026-01-01T10:00:00Z GIT_COMMITTER_DATE=2026-01-01T10:00:00Z; ",
		     dir, dir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	cr_assert(system(cmd) == 0, "%s", cmd);
}

static char *
at(const char *rel)
{
	char real[4096];

	cr_assert(realpath(dir, real));
	return mr_printf("%s/%s", real, rel);
}

/*
 * The story: a.py added; a.py changed; b.py added; a.py renamed to c.py and
 * changed; a side branch touching only b.py merged back; d.py renamed to e.py
 * unchanged.
 */
static void
setup(void)
{
	strcpy(dir, "/tmp/mr-gitinfo-XXXXXX");
	cr_assert(mkdtemp(dir));
	sh("git init -q -b main . && printf 'one\\ntwo\\n' >a.py && printf 'd\\n' >d.py && "
	   "git add . && git commit -qm 'add a' && git tag start");
	sh("printf 'one\\ntwo\\nthree\\n' >a.py && git commit -qam 'change a'");
	sh("printf 'b\\n' >b.py && git add b.py && git commit -qm 'add b'");
	sh("git mv a.py c.py && printf 'four\\n' >>c.py && git commit -qam 'rename a to c'");
	sh("git checkout -qb side && printf 'b2\\n' >b.py && git commit -qam 'side: b' && "
	   "git checkout -q main && git merge -q --no-ff side -m 'merge side'");
	sh("git mv d.py e.py && git commit -qm 'move d'");
}

static void
teardown(void)
{
	char *cmd = mr_printf("rm -rf '%s'", dir);

	cr_assert(system(cmd) == 0);
	free(cmd);
}

TestSuite(gitinfo, .init = setup, .fini = teardown);

static struct gitinfo *
open_repo(void)
{
	struct gitinfo *gi;
	struct mr_error err;

	cr_assert(gitinfo_open(&gi, dir, &err) == 0, "%s", err.msg);
	return gi;
}

Test(gitinfo, a_directory_outside_git_is_explained)
{
	struct gitinfo *gi;
	struct mr_error err;
	char tmp[] = "/tmp/mr-nogit-XXXXXX";

	cr_assert(mkdtemp(tmp));
	cr_assert(gitinfo_open(&gi, tmp, &err) < 0);
	cr_assert(strstr(err.msg, "is not in a git repository"), "%s", err.msg);
	rmdir(tmp);
}

Test(gitinfo, the_search_stops_at_git_ceiling_directories)
{
	struct gitinfo *gi;
	struct mr_error err;
	char *sub = mr_printf("%s/sub", dir);

	cr_assert(mkdir(sub, 0755) == 0);
	cr_assert(gitinfo_open(&gi, sub, &err) == 0, "%s", err.msg);
	gitinfo_free(gi);
	setenv("GIT_CEILING_DIRECTORIES", dir, 1);
	cr_assert(gitinfo_open(&gi, sub, &err) < 0);
	unsetenv("GIT_CEILING_DIRECTORIES");
	cr_assert(strstr(err.msg, "is not in a git repository"), "%s", err.msg);
	free(sub);
}

Test(gitinfo, history_follows_a_rename_back_to_the_add)
{
	struct gitinfo *gi = open_repo();
	struct file_history h;
	struct mr_error err;
	char *c = at("c.py"), *a = at("a.py");

	cr_assert(gitinfo_file_history(gi, c, &h, NULL, NULL, &err) == 0, "%s", err.msg);
	cr_assert_eq(h.n, 3);
	cr_assert_str_eq(h.v[0].summary, "rename a to c");
	cr_assert_str_eq(h.v[0].old_path, a);
	cr_assert_str_eq(h.v[1].summary, "change a");
	cr_assert_str_eq(h.v[1].path, a);
	cr_assert_str_eq(h.v[2].summary, "add a");
	cr_assert(h.v[2].added);
	cr_assert_str_eq(h.v[2].author, "Ann <ann@example.com>");
	cr_assert_not(h.uncommitted);
	file_history_free(&h);
	free(c);
	free(a);
	gitinfo_free(gi);
}

Test(gitinfo, a_merge_that_took_one_side_is_not_a_change)
{
	struct gitinfo *gi = open_repo();
	struct file_history h;
	struct mr_error err;
	char *b = at("b.py");

	cr_assert(gitinfo_file_history(gi, b, &h, NULL, NULL, &err) == 0, "%s", err.msg);
	cr_assert_eq(h.n, 2, "%zu commits", h.n);
	cr_assert_str_eq(h.v[0].summary, "side: b");
	cr_assert_str_eq(h.v[1].summary, "add b");
	file_history_free(&h);
	free(b);
	gitinfo_free(gi);
}

/* The side of a merge that brought a new file: the merge took it as it was there. */
Test(gitinfo, a_merge_that_brought_a_file_from_the_other_side_is_not_a_change)
{
	struct gitinfo *gi = open_repo();
	struct file_history h;
	struct mr_error err;
	char *f = at("f.py");

	sh("git checkout -qb feat && printf 'f\\n' >f.py && git add f.py && git commit -qm 'add f' && "
	   "git checkout -q main && printf 'x\\n' >x.txt && git add x.txt && git commit -qm 'main: x' && "
	   "git merge -q --no-ff feat -m 'merge feat'");
	cr_assert(gitinfo_file_history(gi, f, &h, NULL, NULL, &err) == 0, "%s", err.msg);
	cr_assert_eq(h.n, 1, "%zu commits, the newest %s", h.n, h.n ? h.v[0].summary : "");
	cr_assert_str_eq(h.v[0].summary, "add f");
	cr_assert(h.v[0].added);
	file_history_free(&h);
	free(f);
	gitinfo_free(gi);
}

/*
 * One index for all the files: when each was added and last changed, by
 * whom, how many commits changed it; a rename and a merge as the history of
 * one file says.
 */
Test(gitinfo, the_history_index_of_several_files)
{
	struct gitinfo *gi = open_repo();
	struct history_index *ix;
	struct history_summary sum;
	struct file_history h;
	struct mr_error err;
	char *paths[] = { at("c.py"), at("b.py"), at("e.py"), at("new.py") };
	atomic_size_t progress = 0;

	sh("GIT_AUTHOR_NAME=Bob GIT_AUTHOR_DATE=2026-02-03T10:00:00Z "
	   "sh -c \"printf 'five\\n' >>c.py && git commit -qam 'change c'\"");
	sh("printf 'new\\n' >new.py");
	cr_assert(gitinfo_history_index(gi, paths, 4, &ix, &progress, NULL, &err) == 0, "%s",
		  err.msg);
	cr_assert_eq(atomic_load(&progress), 8, "%zu commits read", atomic_load(&progress));
	history_index_summary(ix, 0, &sum);
	cr_assert_eq(sum.count, 4);
	cr_assert_str_eq(sum.added->summary, "add a");
	cr_assert_str_eq(sum.added->author, "Ann <ann@example.com>");
	cr_assert_str_eq(sum.last->summary, "change c");
	cr_assert_str_eq(sum.last->author, "Bob <ann@example.com>");
	cr_assert_eq(sum.last->time, 1770112800);
	cr_assert(!sum.uncommitted);
	history_index_summary(ix, 1, &sum);
	cr_assert_eq(sum.count, 2, "b.py: %zu commits (not the merge)", sum.count);
	cr_assert_str_eq(sum.last->summary, "side: b");
	history_index_summary(ix, 2, &sum);
	cr_assert_eq(sum.count, 2);
	cr_assert_str_eq(sum.last->summary, "move d");
	history_index_summary(ix, 3, &sum);
	cr_assert_eq(sum.count, 0);
	cr_assert_null(sum.added);
	cr_assert(sum.uncommitted);
	/* the full history of c.py: the rename names both paths, older commits the old one */
	cr_assert(history_index_file(ix, 0, &h, &err) == 0, "%s", err.msg);
	cr_assert_eq(h.n, 4);
	cr_assert_str_eq(h.v[1].summary, "rename a to c");
	cr_assert_str_eq(h.v[1].path, paths[0]);
	cr_assert(strstr(h.v[1].old_path, "/a.py"), "%s", h.v[1].old_path);
	cr_assert(strstr(h.v[2].path, "/a.py"), "%s", h.v[2].path);
	cr_assert(h.v[3].added && !h.v[2].added);
	file_history_free(&h);
	history_index_free(ix);
	for (size_t i = 0; i < 4; i++)
		free(paths[i]);
	gitinfo_free(gi);
}

Test(gitinfo, uncommitted_changes_are_noticed)
{
	struct gitinfo *gi = open_repo();
	struct file_history h;
	struct mr_error err;
	char *c = at("c.py");

	sh("printf 'five\\n' >>c.py");
	cr_assert(gitinfo_file_history(gi, c, &h, NULL, NULL, &err) == 0);
	cr_assert(h.uncommitted);
	file_history_free(&h);
	free(c);
	gitinfo_free(gi);
}

Test(gitinfo, changed_since_a_ref)
{
	struct gitinfo *gi = open_repo();
	struct strvec out = { 0 };
	struct mr_error err;
	char *b = at("b.py"), *c = at("c.py"), *e = at("e.py"), *n = at("new.py");

	sh("printf 'new\\n' >new.py");
	cr_assert(gitinfo_changed_since(gi, "start", &out, &err) == 0, "%s", err.msg);
	cr_assert(strvec_contains(&out, b), "an added file");
	cr_assert(strvec_contains(&out, c), "renamed and changed: under the new name");
	cr_assert(strvec_contains(&out, n), "untracked");
	cr_assert_not(strvec_contains(&out, e), "only moved");
	cr_assert_eq(out.n, 3);
	strvec_free(&out);
	cr_assert(gitinfo_changed_since(gi, "no-such-ref", &out, &err) < 0);
	cr_assert(strstr(err.msg, "unknown git ref 'no-such-ref'"), "%s", err.msg);
	free(b);
	free(c);
	free(e);
	free(n);
	strvec_free(&out);
	gitinfo_free(gi);
}

/* A graph of the repository's files, enough for gitinfo_changes_since(). */
static void
graph_of(struct graph *g, const char *const *rels, size_t n)
{
	memset(g, 0, sizeof(*g));
	g->revs = calloc(n, sizeof(*g->revs));
	cr_assert(g->revs);
	g->n = n;
	for (size_t i = 0; i < n; i++)
		g->revs[i].path = at(rels[i]);
}

Test(gitinfo, how_each_file_changed_since_a_ref)
{
	static const char *const rels[] = { "b.py", "c.py", "e.py", "new.py", "d.py" };
	struct gitinfo *gi = open_repo();
	enum gitinfo_change *ch;
	struct mr_error err;
	struct graph g;

	sh("printf 'new\\n' >new.py && git tag moved && printf 'e2\\n' >>e.py");
	graph_of(&g, rels, MR_ARRAY_SIZE(rels));
	cr_assert(gitinfo_changes_since(gi, "start", &g, &ch, &err) == 0, "%s", err.msg);
	cr_assert_eq(ch[0], GITINFO_ADDED, "b.py was added");
	cr_assert_eq(ch[1], GITINFO_RENAMED, "a.py became c.py and changed");
	cr_assert_eq(ch[2], GITINFO_RENAMED, "d.py became e.py, changed in the working tree");
	cr_assert_eq(ch[3], GITINFO_ADDED, "untracked");
	cr_assert_eq(ch[4], GITINFO_UNCHANGED, "deleted");
	free(ch);
	cr_assert(gitinfo_changes_since(gi, "moved", &g, &ch, &err) == 0, "%s", err.msg);
	cr_assert_eq(ch[0], GITINFO_UNCHANGED);
	cr_assert_eq(ch[2], GITINFO_MODIFIED, "e.py changed in the working tree");
	free(ch);
	for (size_t i = 0; i < g.n; i++)
		free(g.revs[i].path);
	free(g.revs);
	gitinfo_free(gi);
}

Test(gitinfo, the_diff_since_a_ref)
{
	struct gitinfo *gi = open_repo();
	struct strvec out = { 0 };
	struct mr_error err;
	char *b = at("b.py"), *c = at("c.py"), *e = at("e.py");
	const char *now = "one\ntwo\nthree\nfour\nfive\n";

	cr_assert(gitinfo_since_diff(gi, "start", c, now, strlen(now), &out, &err) == 0, "%s",
		  err.msg);
	cr_assert(strvec_contains(&out, "F--- a/a.py (in start)"), "from the old name");
	cr_assert(strvec_contains(&out, "F+++ b/c.py (now)"));
	cr_assert(strvec_contains(&out, " two"));
	cr_assert(strvec_contains(&out, "+three"));
	cr_assert(strvec_contains(&out, "+five"), "the content given, not the disk's");
	strvec_free(&out);
	cr_assert(gitinfo_since_diff(gi, "start", b, "b2\n", 3, &out, &err) == 0, "%s", err.msg);
	cr_assert(strvec_contains(&out, "F--- /dev/null (not in start)"), "added");
	cr_assert(strvec_contains(&out, "+b2"));
	strvec_free(&out);
	cr_assert(gitinfo_since_diff(gi, "start", e, "d\n", 2, &out, &err) == 1, "only moved");
	cr_assert_eq(out.n, 0);
	cr_assert(gitinfo_since_diff(gi, "nope", e, "d\n", 2, &out, &err) < 0);
	cr_assert(strstr(err.msg, "unknown git ref 'nope'"), "%s", err.msg);
	free(b);
	free(c);
	free(e);
	strvec_free(&out);
	gitinfo_free(gi);
}

Test(gitinfo, the_diff_since_a_blob)
{
	struct gitinfo *gi = open_repo();
	struct strvec out = { 0 };
	struct mr_error err;
	char *c = at("c.py");
	const char *now = "one\ntwo\nthree\nfour\nfive\n";
	/* printf 'one\ntwo\nthree\nfour\n' | git hash-object --stdin: c.py as committed */
	FILE *p = popen("printf 'one\\ntwo\\nthree\\nfour\\n' | git hash-object --stdin", "r");
	char blob[64] = "";

	cr_assert(p && fgets(blob, sizeof(blob), p));
	pclose(p);
	blob[strcspn(blob, "\n")] = '\0';
	cr_assert(gitinfo_blob_diff(gi, blob, c, now, strlen(now), &out, &err) == 0, "%s", err.msg);
	cr_assert(strvec_contains(&out, "+five"));
	cr_assert(strvec_contains(&out, " four"));
	{
		bool hunk = false;

		for (size_t i = 0; i < out.n; i++)
			hunk = hunk || !strncmp(out.v[i], "H@@ -2,3 +2,4 @@", 16);
		cr_assert(hunk, "hunk header");
	}
	strvec_free(&out);
	cr_assert(gitinfo_blob_diff(gi, "0123456789012345678901234567890123456789", c, now,
				    strlen(now), &out, &err) < 0);
	cr_assert(strstr(err.msg, "reviewed before it was added or committed"), "%s", err.msg);
	strvec_free(&out);
	free(c);
	gitinfo_free(gi);
}

Test(gitinfo, a_commit_diff_of_a_rename)
{
	struct gitinfo *gi = open_repo();
	struct file_history h;
	struct strvec out = { 0 };
	struct mr_error err;
	char *c = at("c.py");

	cr_assert(gitinfo_file_history(gi, c, &h, NULL, NULL, &err) == 0);
	cr_assert(gitinfo_commit_diff(gi, h.v[0].id, h.v[0].path, h.v[0].old_path, &out, &err) == 0,
		  "%s", err.msg);
	cr_assert(strvec_contains(&out, "+four"));
	cr_assert(strvec_contains(&out, "Frename from a.py"));
	strvec_free(&out);
	file_history_free(&h);
	free(c);
	gitinfo_free(gi);
}

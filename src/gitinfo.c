/* Git history of migration files through libgit2. */
#include "config.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gitinfo_int.h"

int
gitinfo_fail(struct mr_error *err, const char *what)
{
	const git_error *e = git_error_last();

	return mr_error_set(err, "%s: %s", what, e && e->message ? e->message : "git error");
}

void
file_commit_day(const struct file_commit *c, char day[16])
{
	time_t t = (time_t)(c->time + c->offset * 60);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(day, 16, "%Y-%m-%d", &tm);
}

int
gitinfo_open(struct gitinfo **out, const char *dir, struct mr_error *err)
{
	struct gitinfo *gi = calloc(1, sizeof(*gi));
	char real[PATH_MAX];
	int rc;

	*out = NULL;
	if (!gi)
		return mr_error_oom(err);
	git_libgit2_init();
	/* as git does, no search for the repository goes above GIT_CEILING_DIRECTORIES */
	rc = git_repository_open_ext(&gi->repo, dir, 0, getenv("GIT_CEILING_DIRECTORIES"));
	/*
	 * libgit2 1.5 refuses a repository owned by another user with
	 * GIT_EOWNER, or (Debian's 1.5.1) with "not found" after failing to
	 * read safe.directory.
	 */
	if (rc == GIT_ENOTFOUND && git_error_last() && git_error_last()->message &&
	    strstr(git_error_last()->message, "safe.directory"))
		rc = GIT_EOWNER;
	if (rc == GIT_ENOTFOUND)
		rc = mr_error_set(err, "%s is not in a git repository: history, diffs and --since "
				  "need one", dir);
	else if (rc == GIT_EOWNER)
		rc = mr_error_set(err, "git refuses the repository at %s: it is owned by another "
				  "user (if you trust it: git config --global --add "
				  "safe.directory PATH)", dir);
	else if (rc < 0)
		rc = gitinfo_fail(err, dir);
	else if (git_repository_is_bare(gi->repo))
		rc = mr_error_set(err, "%s is in a bare repository: there is no working tree", dir);
	else if (!realpath(git_repository_workdir(gi->repo), real) ||
		 !(gi->workdir = mr_printf("%s/", real)))
		rc = mr_error_set(err, "cannot resolve the working tree of %s", dir);
	if (rc < 0) {
		gitinfo_free(gi);
		return -1;
	}
	*out = gi;
	return 0;
}

void
gitinfo_free(struct gitinfo *gi)
{
	if (!gi)
		return;
	git_repository_free(gi->repo);
	free(gi->workdir);
	free(gi);
	git_libgit2_shutdown();
}

char *
gitinfo_relative(const struct gitinfo *gi, const char *path)
{
	char real[PATH_MAX];
	size_t n = strlen(gi->workdir);

	/* a file deleted since keeps its lexical path */
	if (realpath(path, real))
		path = real;
	if (strncmp(path, gi->workdir, n) != 0)
		return NULL;
	return mr_strdup(path + n);
}

char *
gitinfo_relative_dir(const struct gitinfo *gi, const char *dir)
{
	char real[PATH_MAX], *slashed, *rel;

	if (!realpath(dir, real) || !(slashed = mr_printf("%s/", real)))
		return NULL;
	rel = strncmp(slashed, gi->workdir, strlen(gi->workdir)) ? NULL :
	      mr_strdup(slashed + strlen(gi->workdir));
	free(slashed);
	return rel;
}

static char *
absolute(const struct gitinfo *gi, const char *rel)
{
	return mr_printf("%s%s", gi->workdir, rel);
}

/* ---- diffs ---- */

static int
diff_line(const git_diff_delta *delta, const git_diff_hunk *hunk, const git_diff_line *line,
	  void *payload)
{
	struct strvec *out = payload;
	char kind;
	const char *p = line->content, *end = line->content + line->content_len;

	(void)delta;
	(void)hunk;
	switch (line->origin) {
	case GIT_DIFF_LINE_FILE_HDR: kind = 'F'; break;
	case GIT_DIFF_LINE_HUNK_HDR: kind = 'H'; break;
	case GIT_DIFF_LINE_ADDITION: kind = '+'; break;
	case GIT_DIFF_LINE_DELETION: kind = '-'; break;
	case GIT_DIFF_LINE_CONTEXT: kind = ' '; break;
	default: kind = '\\'; break;
	}
	/* a header comes as several lines at once */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s = kind == '\\' ? mr_strdup("\\ No newline at end of file") :
			  mr_printf("%c%.*s", kind, (int)n, p);

		if (!s || strvec_push_owned(out, s) < 0)
			return -1;
		if (kind == '\\')
			break;
		p += n + 1;
	}
	return 0;
}

static int
diff_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
	(void)delta;
	return strvec_push_owned(payload, mr_printf("H%.*s", (int)strcspn(hunk->header, "\n"),
						    hunk->header));
}

int
gitinfo_commit_diff(struct gitinfo *gi, const char *id, const char *path,
		    const char *old_path, struct strvec *out, struct mr_error *err)
{
	git_oid oid;
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	git_diff_find_options find;
	char *paths[2] = { gitinfo_relative(gi, path),
			   old_path ? gitinfo_relative(gi, old_path) : NULL };
	int rc = -1;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	if (!paths[0]) {
		mr_error_set(err, "%s is outside the git working tree", path);
		goto out;
	}
	opts.pathspec.strings = paths;
	opts.pathspec.count = paths[1] ? 2 : 1;
	opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	if (git_oid_fromstr(&oid, id) < 0 || git_commit_lookup(&c, gi->repo, &oid) < 0 ||
	    git_commit_tree(&tree, c) < 0 ||
	    (git_commit_parentcount(c) > 0 &&
	     (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&ptree, parent) < 0)) ||
	    git_diff_tree_to_tree(&diff, gi->repo, ptree, tree, &opts) < 0) {
		gitinfo_fail(err, id);
		goto out;
	}
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (paths[1])
		git_diff_find_similar(diff, &find);
	if (git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, diff_line, out) < 0) {
		mr_error_oom(err);
		goto out;
	}
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(c);
	free(paths[0]);
	free(paths[1]);
	return rc;
}

int
gitinfo_blob_diff(struct gitinfo *gi, const char *blob, const char *path, const char *now,
		  size_t len, struct strvec *out, struct mr_error *err)
{
	git_oid oid;
	git_blob *old = NULL;
	git_diff_options opts;
	char *rel = gitinfo_relative(gi, path);
	int rc;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (!rel)
		return mr_error_set(err, "%s is outside the git working tree", path);
	if (git_oid_fromstr(&oid, blob) < 0 || git_blob_lookup(&old, gi->repo, &oid) < 0) {
		free(rel);
		return mr_error_set(err, "the signed-off content (blob %.10s) is not in the git "
				    "repository: it was reviewed before it was added or committed, "
				    "so there is nothing to compare with", blob);
	}
	rc = strvec_push_owned(out, mr_printf("F--- a/%s (as signed off, blob %.10s)", rel, blob));
	if (rc == 0)
		rc = strvec_push_owned(out, mr_printf("F+++ b/%s (now)", rel));
	if (rc == 0)
		rc = git_diff_blob_to_buffer(old, rel, now, len, rel, &opts, NULL, NULL, diff_hunk,
					     diff_line, out);
	git_blob_free(old);
	free(rel);
	return rc < 0 ? mr_error_oom(err) : 0;
}

/* The tree ref names (*obj is what it names, for the caller to free too). */
static int
ref_tree(struct gitinfo *gi, const char *ref, git_object **obj, git_object **tree,
	 struct mr_error *err)
{
	if (git_revparse_single(obj, gi->repo, ref) < 0)
		return mr_error_set(err, "unknown git ref '%s'", ref);
	if (git_object_peel(tree, *obj, GIT_OBJECT_TREE) < 0)
		return mr_error_set(err, "'%s' does not name a commit or tree", ref);
	return 0;
}

/* The changes from ref to the working tree, with libgit2's rename detection. */
static int
diff_since(struct gitinfo *gi, const char *ref, git_diff **diff, struct mr_error *err)
{
	git_object *obj = NULL, *tree = NULL;
	git_diff_options opts;
	git_diff_find_options find;
	int rc = -1;

	*diff = NULL;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	if (ref_tree(gi, ref, &obj, &tree, err) < 0)
		goto out;
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
	if (git_diff_tree_to_workdir_with_index(diff, gi->repo, (git_tree *)tree, &opts) < 0 ||
	    git_diff_find_similar(*diff, &find) < 0) {
		git_diff_free(*diff);
		*diff = NULL;
		gitinfo_fail(err, ref);
		goto out;
	}
	rc = 0;
out:
	git_object_free(tree);
	git_object_free(obj);
	return rc;
}

/* What a change brings to review: nothing for a file deleted, unchanged or only moved. */
static enum gitinfo_change
change_of(const git_diff_delta *d)
{
	switch (d->status) {
	case GIT_DELTA_DELETED:
	case GIT_DELTA_UNMODIFIED:
	case GIT_DELTA_IGNORED:
		return GITINFO_UNCHANGED;
	case GIT_DELTA_ADDED:
	case GIT_DELTA_UNTRACKED:
	case GIT_DELTA_COPIED:
		return GITINFO_ADDED;
	case GIT_DELTA_RENAMED:
		return !git_oid_is_zero(&d->new_file.id) &&
		       git_oid_equal(&d->old_file.id, &d->new_file.id) ? GITINFO_UNCHANGED
								       : GITINFO_RENAMED;
	default:
		return GITINFO_MODIFIED;
	}
}

int
gitinfo_changed_since(struct gitinfo *gi, const char *ref, struct strvec *out,
		      struct mr_error *err)
{
	git_diff *diff;

	if (diff_since(gi, ref, &diff, err) < 0)
		return -1;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (change_of(d) != GITINFO_UNCHANGED &&
		    strvec_push_owned(out, absolute(gi, d->new_file.path)) < 0) {
			git_diff_free(diff);
			return mr_error_oom(err);
		}
	}
	git_diff_free(diff);
	return 0;
}

int
gitinfo_changes_since(struct gitinfo *gi, const char *ref, const struct graph *g,
		      enum gitinfo_change **changes, struct mr_error *err)
{
	git_diff *diff;
	struct strmap at = { 0 };
	int rc = -1;

	*changes = NULL;
	if (diff_since(gi, ref, &diff, err) < 0)
		return -1;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++)
		if (change_of(git_diff_get_delta(diff, i)) != GITINFO_UNCHANGED &&
		    strmap_put_owned(&at, absolute(gi, git_diff_get_delta(diff, i)->new_file.path),
				     i) < 0) {
			mr_error_oom(err);
			goto out;
		}
	*changes = calloc(g->n + 1, sizeof(**changes));
	if (!*changes) {
		mr_error_oom(err);
		goto out;
	}
	/* changed paths are real paths in the working tree; so must the revisions' be */
	for (size_t i = 0; i < g->n; i++) {
		char *real = realpath(g->revs[i].path, NULL);
		size_t k;

		if (strmap_get(&at, real ? real : g->revs[i].path, &k))
			(*changes)[i] = change_of(git_diff_get_delta(diff, k));
		free(real);
	}
	rc = 0;
out:
	strmap_free(&at, true);
	git_diff_free(diff);
	return rc;
}

int
gitinfo_scope_since(struct gitinfo *gi, const char *ref, const struct graph *g, bool **scope,
		    struct mr_error *err)
{
	enum gitinfo_change *changes;

	*scope = NULL;
	if (gitinfo_changes_since(gi, ref, g, &changes, err) < 0)
		return -1;
	*scope = calloc(g->n + 1, sizeof(bool));
	if (!*scope) {
		free(changes);
		return mr_error_oom(err);
	}
	for (size_t i = 0; i < g->n; i++)
		(*scope)[i] = changes[i] != GITINFO_UNCHANGED;
	free(changes);
	return 0;
}

/* The diff's lines of the file at rel from ref's content (old_rel there; NULL: none) to now. */
static int
print_since(struct gitinfo *gi, const char *ref, const git_diff_delta *d, const char *rel,
	    const char *now, size_t len, struct strvec *out, struct mr_error *err)
{
	git_blob *old = NULL;
	git_diff_options opts;
	const char *old_rel = change_of(d) == GITINFO_ADDED ? NULL : d->old_file.path;
	int rc;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (old_rel && git_blob_lookup(&old, gi->repo, &d->old_file.id) < 0)
		return gitinfo_fail(err, old_rel);
	rc = strvec_push_owned(out, old_rel ? mr_printf("F--- a/%s (in %s)", old_rel, ref) :
				    mr_printf("F--- /dev/null (not in %s)", ref));
	if (rc == 0)
		rc = strvec_push_owned(out, mr_printf("F+++ b/%s (now)", rel));
	if (rc == 0)
		rc = git_diff_blob_to_buffer(old, old_rel, now, len, rel, &opts, NULL, NULL,
					     diff_hunk, diff_line, out);
	git_blob_free(old);
	return rc < 0 ? mr_error_oom(err) : 0;
}

int
gitinfo_since_diff(struct gitinfo *gi, const char *ref, const char *path, const char *now,
		   size_t len, struct strvec *out, struct mr_error *err)
{
	git_diff *diff;
	char *rel = gitinfo_relative(gi, path);
	int rc = 1;

	if (!rel)
		return mr_error_set(err, "%s is outside the git working tree %s", path, gi->workdir);
	if (diff_since(gi, ref, &diff, err) < 0) {
		free(rel);
		return -1;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff) && rc == 1; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (change_of(d) != GITINFO_UNCHANGED && !strcmp(d->new_file.path, rel))
			rc = print_since(gi, ref, d, rel, now, len, out, err);
	}
	git_diff_free(diff);
	free(rel);
	return rc;
}

int
gitinfo_file_at(struct gitinfo *gi, const char *ref, const char *path, size_t max,
		char **buf, size_t *len, struct mr_error *err)
{
	git_object *obj = NULL, *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *rel = gitinfo_relative(gi, path);
	int rc = -1;

	*buf = NULL;
	*len = 0;
	if (!rel)
		return mr_error_set(err, "%s is outside the git working tree %s", path, gi->workdir);
	if (ref_tree(gi, ref, &obj, &tree, err) < 0)
		goto out;
	if (git_tree_entry_bypath(&entry, (git_tree *)tree, rel) < 0) {
		rc = 1;
		goto out;
	}
	/* a link or a directory there is no configuration file, whatever it points at */
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
		mr_error_set(err, "%s:%s is not a regular file", ref, rel);
		goto out;
	}
	if (git_blob_lookup(&blob, gi->repo, git_tree_entry_id(entry)) < 0) {
		gitinfo_fail(err, rel);
		goto out;
	}
	if ((size_t)git_blob_rawsize(blob) > max) {
		mr_error_set(err, "%s:%s is larger than the %zu bytes migreview reads of it", ref,
			     rel, max);
		goto out;
	}
	*len = (size_t)git_blob_rawsize(blob);
	if (!(*buf = malloc(*len + 1))) {
		mr_error_oom(err);
		goto out;
	}
	memcpy(*buf, git_blob_rawcontent(blob), *len);
	(*buf)[*len] = '\0';
	rc = 0;
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_object_free(tree);
	git_object_free(obj);
	free(rel);
	return rc;
}

/*
 * The history index: which commits changed each migration file, read in
 * one walk of the history for all of them.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gitinfo_int.h"

/* One commit of a file: its row in the shared table and how it changed the file. */
struct hist_entry {
	uint32_t commit;
	bool added;
	char *from;             /* relative path it was renamed from here, or NULL */
};

struct hist_file {
	char *rel;              /* the path now; NULL outside the working tree */
	struct hist_entry *v;   /* newest first */
	size_t n, cap;
	bool uncommitted;
};

struct history_index {
	char *workdir;          /* as gitinfo's: the index outlives the repository */
	struct file_commit *commits;    /* the shared table: path and old_path NULL */
	size_t n_commits, cap_commits;
	struct hist_file *files;
	size_t n_files;
};

/* The walk's state: which path each file has at the commit being read. */
struct walk {
	struct gitinfo *gi;
	struct history_index *ix;
	struct { char *rel; size_t file; } *paths;
	size_t n_paths;
	struct strvec dirs;     /* directories holding those paths, "" for the top */
	git_commit *c;
	size_t row;             /* c's row in the table, or SIZE_MAX before it has one */
};

/* Whether the working tree's file differs from HEAD's. */
static bool
uncommitted(git_tree *head, const char *path, const char *rel)
{
	git_tree_entry *e = NULL;
	git_oid now;
	bool differs = true;

	if (head && git_tree_entry_bypath(&e, head, rel) == 0 &&
	    git_odb_hashfile(&now, path, GIT_OBJECT_BLOB) == 0)
		differs = !git_oid_equal(&now, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return differs;
}

static int
add_dir(struct walk *w, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	char *dir = mr_printf("%.*s", slash ? (int)(slash - rel) : 0, rel);

	if (!dir)
		return -1;
	for (size_t i = 0; i < w->dirs.n; i++)
		if (!strcmp(w->dirs.v[i], dir)) {
			free(dir);
			return 0;
		}
	return strvec_push_owned(&w->dirs, dir);
}

static int
start(struct walk *w, char *const *paths, size_t n)
{
	struct history_index *ix = w->ix;
	git_object *head = NULL;
	int rc = 0;

	ix->files = calloc(n ? n : 1, sizeof(*ix->files));
	w->paths = calloc(n ? n : 1, sizeof(*w->paths));
	if (!ix->files || !w->paths)
		return -1;
	ix->n_files = n;
	git_revparse_single(&head, w->gi->repo, "HEAD^{tree}");
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct hist_file *f = &ix->files[i];

		f->rel = gitinfo_relative(w->gi, paths[i]);
		if (!f->rel)
			continue;
		f->uncommitted = uncommitted((git_tree *)head, paths[i], f->rel);
		w->paths[w->n_paths].rel = mr_strdup(f->rel);
		w->paths[w->n_paths].file = i;
		if (!w->paths[w->n_paths++].rel || add_dir(w, f->rel) < 0)
			rc = -1;
	}
	git_object_free(head);
	return rc;
}

static const git_oid *
dir_id(git_tree *tree, const char *dir, git_tree_entry **keep)
{
	*keep = NULL;
	if (!tree)
		return NULL;
	if (!*dir)
		return git_tree_id(tree);
	if (git_tree_entry_bypath(keep, tree, dir) < 0)
		return NULL;
	return git_tree_entry_id(*keep);
}

/* Whether the commit changed one of the directories against its first parent. */
static bool
touches(const struct walk *w, git_tree *tree, git_tree *parent)
{
	bool changed = false;

	for (size_t i = 0; i < w->dirs.n && !changed; i++) {
		git_tree_entry *a, *b;
		const git_oid *ia = dir_id(parent, w->dirs.v[i], &a);
		const git_oid *ib = dir_id(tree, w->dirs.v[i], &b);

		changed = ia != ib && (!ia || !ib || !git_oid_equal(ia, ib));
		git_tree_entry_free(a);
		git_tree_entry_free(b);
	}
	return changed;
}

/* A merge took the file unchanged from a parent other than the first. */
static bool
from_other_parent(git_commit *c, const char *rel, const git_oid *id)
{
	bool same = false;

	for (unsigned p = 1; p < git_commit_parentcount(c) && !same; p++) {
		git_commit *parent = NULL;
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;

		if (git_commit_parent(&parent, c, p) == 0 && git_commit_tree(&tree, parent) == 0 &&
		    git_tree_entry_bypath(&e, tree, rel) == 0)
			same = git_oid_equal(git_tree_entry_id(e), id);
		git_tree_entry_free(e);
		git_tree_free(tree);
		git_commit_free(parent);
	}
	return same;
}

/* The row of the commit being read, added to the table the first time. */
static int
commit_row(struct walk *w)
{
	struct history_index *ix = w->ix;
	const git_signature *who = git_commit_author(w->c);
	struct file_commit *fc;

	if (w->row != SIZE_MAX)
		return 0;
	if (ix->n_commits >= UINT32_MAX ||
	    mr_grow(&ix->commits, &ix->cap_commits, ix->n_commits + 1, sizeof(*ix->commits)) < 0)
		return -1;
	fc = memset(&ix->commits[ix->n_commits], 0, sizeof(*fc));
	git_oid_tostr(fc->id, sizeof(fc->id), git_commit_id(w->c));
	fc->time = who->when.time;
	fc->offset = who->when.offset;
	fc->author = mr_printf("%s <%s>", who->name, who->email);
	fc->summary = mr_strdup(git_commit_summary(w->c) ? git_commit_summary(w->c) : "");
	if (!fc->author || !fc->summary) {
		free(fc->author);
		free(fc->summary);
		return -1;
	}
	w->row = ix->n_commits++;
	return 0;
}

/* The delta changed a file of the index: the file's entry, and on a rename its older path. */
static int
note(struct walk *w, const git_diff_delta *d)
{
	size_t i = 0;
	struct hist_file *f;
	struct hist_entry e = { 0 };

	while (i < w->n_paths && strcmp(w->paths[i].rel, d->new_file.path))
		i++;
	if (i == w->n_paths || d->status == GIT_DELTA_DELETED ||
	    from_other_parent(w->c, d->new_file.path, &d->new_file.id))
		return 0;
	f = &w->ix->files[w->paths[i].file];
	if (commit_row(w) < 0 || mr_grow(&f->v, &f->cap, f->n + 1, sizeof(*f->v)) < 0)
		return -1;
	e.commit = (uint32_t)w->row;
	e.added = d->status == GIT_DELTA_ADDED;
	if (d->status == GIT_DELTA_RENAMED) {
		/* older commits know the file by its old name */
		if (!(e.from = mr_strdup(d->old_file.path)) || add_dir(w, e.from) < 0) {
			free(e.from);
			return -1;
		}
		free(w->paths[i].rel);
		w->paths[i].rel = mr_strdup(e.from);
		if (!w->paths[i].rel) {
			free(e.from);
			return -1;
		}
	}
	f->v[f->n++] = e;
	return 0;
}

/* The files of the index the commit changed. */
static int
read_commit(struct walk *w)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	git_diff_find_options find;
	int rc = -1;

	w->row = SIZE_MAX;
	if (git_commit_tree(&tree, w->c) < 0 ||
	    (git_commit_parentcount(w->c) > 0 &&
	     (git_commit_parent(&parent, w->c, 0) < 0 || git_commit_tree(&ptree, parent) < 0)))
		goto out;
	rc = 0;
	if (!touches(w, tree, ptree))
		goto out;
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	find.flags = GIT_DIFF_FIND_RENAMES;
	rc = git_diff_tree_to_tree(&diff, w->gi->repo, ptree, tree, NULL);
	if (rc == 0 && git_diff_find_similar(diff, &find) < 0) {
		/*
		 * A blob the rename search compares is missing (a partial clone,
		 * a damaged object, most likely no migration): this commit's
		 * renames go unfollowed rather than the whole history unread.
		 */
		git_diff_free(diff);
		diff = NULL;
		rc = git_diff_tree_to_tree(&diff, w->gi->repo, ptree, tree, NULL);
	}
	rc = rc < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < git_diff_num_deltas(diff); i++)
		rc = note(w, git_diff_get_delta(diff, i));
out:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return rc;
}

static int
walk_history(struct walk *w, atomic_size_t *progress, atomic_bool *cancel, struct mr_error *err)
{
	git_revwalk *rw = NULL;
	git_oid oid;
	int rc = 0, step = GIT_ITEROVER;

	if (git_revwalk_new(&rw, w->gi->repo) < 0)
		return gitinfo_fail(err, "cannot walk the history");
	git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	/* a repository without commits has no history yet */
	if (git_revwalk_push_head(rw) == 0)
		while ((step = git_revwalk_next(&oid, rw)) == 0) {
			if (cancel && atomic_load(cancel))
				break;
			w->c = NULL;
			if (git_commit_lookup(&w->c, w->gi->repo, &oid) < 0 || read_commit(w) < 0) {
				git_commit_free(w->c);
				rc = gitinfo_fail(err, "cannot read the history");
				break;
			}
			git_commit_free(w->c);
			if (progress)
				atomic_fetch_add(progress, 1);
		}
	/* a missing commit (a shallow clone, a damaged repository) is no end of the history */
	if (rc == 0 && step != 0 && step != GIT_ITEROVER)
		rc = gitinfo_fail(err, git_repository_is_shallow(w->gi->repo) == 1 ?
				  "cannot read the whole history: the clone is shallow "
				  "(git fetch --unshallow)" : "cannot read the history");
	git_revwalk_free(rw);
	return rc;
}

int
gitinfo_history_index(struct gitinfo *gi, char *const *paths, size_t n,
		      struct history_index **out, atomic_size_t *progress, atomic_bool *cancel,
		      struct mr_error *err)
{
	struct walk w = { .gi = gi };
	int rc;

	*out = NULL;
	if (!(w.ix = calloc(1, sizeof(*w.ix))) || !(w.ix->workdir = mr_strdup(gi->workdir))) {
		free(w.ix);
		return mr_error_oom(err);
	}
	rc = start(&w, paths, n) < 0 ? mr_error_oom(err) : walk_history(&w, progress, cancel, err);
	for (size_t i = 0; i < w.n_paths; i++)
		free(w.paths[i].rel);
	free(w.paths);
	strvec_free(&w.dirs);
	if (rc < 0) {
		history_index_free(w.ix);
		return -1;
	}
	*out = w.ix;
	return 0;
}

void
history_index_summary(const struct history_index *ix, size_t file, struct history_summary *out)
{
	const struct hist_file *f = &ix->files[file];

	out->count = f->n;
	out->added = f->n ? &ix->commits[f->v[f->n - 1].commit] : NULL;
	out->last = f->n ? &ix->commits[f->v[0].commit] : NULL;
	out->uncommitted = f->uncommitted;
}

int
history_index_file(const struct history_index *ix, size_t file, struct file_history *out,
		   struct mr_error *err)
{
	const struct hist_file *f = &ix->files[file];
	const char *rel = f->rel;

	memset(out, 0, sizeof(*out));
	out->uncommitted = f->uncommitted;
	if (!rel)
		return 0;
	if (f->n && !(out->v = calloc(f->n, sizeof(*out->v))))
		return mr_error_oom(err);
	out->cap = f->n;
	for (size_t i = 0; i < f->n; i++) {
		const struct file_commit *c = &ix->commits[f->v[i].commit];
		struct file_commit *fc = &out->v[out->n++];

		*fc = *c;
		fc->author = mr_strdup(c->author);
		fc->summary = mr_strdup(c->summary);
		fc->path = mr_printf("%s%s", ix->workdir, rel);
		fc->old_path = f->v[i].from ? mr_printf("%s%s", ix->workdir, f->v[i].from) : NULL;
		fc->added = f->v[i].added;
		if (!fc->author || !fc->summary || !fc->path || (f->v[i].from && !fc->old_path)) {
			file_history_free(out);
			return mr_error_oom(err);
		}
		/* older commits had the file under the name it was renamed from */
		if (f->v[i].from)
			rel = f->v[i].from;
	}
	return 0;
}

void
history_index_free(struct history_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n_commits; i++) {
		free(ix->commits[i].author);
		free(ix->commits[i].summary);
	}
	free(ix->commits);
	for (size_t i = 0; i < ix->n_files; i++) {
		for (size_t j = 0; j < ix->files[i].n; j++)
			free(ix->files[i].v[j].from);
		free(ix->files[i].v);
		free(ix->files[i].rel);
	}
	free(ix->files);
	free(ix->workdir);
	free(ix);
}

int
gitinfo_file_history(struct gitinfo *gi, const char *path, struct file_history *out,
		     atomic_size_t *progress, atomic_bool *cancel, struct mr_error *err)
{
	struct history_index *ix;
	char *paths[] = { (char *)path }, *rel = gitinfo_relative(gi, path);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rel)
		return mr_error_set(err, "%s is outside the git working tree %s", path, gi->workdir);
	free(rel);
	if (gitinfo_history_index(gi, paths, 1, &ix, progress, cancel, err) < 0)
		return -1;
	rc = history_index_file(ix, 0, out, err);
	history_index_free(ix);
	return rc;
}

void
file_history_free(struct file_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].author);
		free(h->v[i].summary);
		free(h->v[i].path);
		free(h->v[i].old_path);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/*
 * What git knows about the migration files, read with libgit2 (never the
 * git command): the commits that touched a file, following its renames;
 * what a commit changed in it; what changed since it was signed off; and
 * which files changed between a ref and the working tree.
 *
 * Paths given to and returned by these functions are absolute (as the
 * project discovers them); the repository is found from a directory
 * upwards.  Outside a repository, or in one libgit2 refuses (owned by
 * another user), gitinfo_open() fails with a message that says so.
 *
 * struct gitinfo owns the repository; gitinfo_free() releases it.  One
 * struct gitinfo must not be used by two threads at once.
 */
#ifndef MIGREVIEW_GITINFO_H
#define MIGREVIEW_GITINFO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migreview/error.h"
#include "migreview/graph.h"
#include "migreview/util.h"

struct gitinfo;

int gitinfo_open(struct gitinfo **out, const char *dir, struct mr_error *err);
void gitinfo_free(struct gitinfo *gi);
/* Directory dir from the top of the working tree ("sub/dir/", "" for the top), or NULL. */
char *gitinfo_relative_dir(const struct gitinfo *gi, const char *dir);

/* One commit that touched a file. */
struct file_commit {
	char id[41];
	int64_t time;           /* seconds since the epoch */
	int offset;             /* the author's UTC offset, minutes */
	char *author;           /* "Name <email>" */
	char *summary;          /* the first line of the message */
	char *path;             /* absolute path of the file in this commit */
	char *old_path;         /* the path it was renamed from here, or NULL */
	bool added;             /* the file appears here */
};

/* The commit's day in its author's time zone, "2026-01-01", in day. */
void file_commit_day(const struct file_commit *c, char day[16]);

struct file_history {
	struct file_commit *v;  /* newest first */
	size_t n, cap;
	bool uncommitted;       /* the working tree differs from the newest commit */
};

/*
 * The commits from HEAD that changed path, newest first, following the
 * file back through renames; a merge counts when the file differs from
 * every parent.  progress counts the commits looked at; cancel, when set,
 * stops the walk (returning what was found).  Either may be NULL.
 */
int gitinfo_file_history(struct gitinfo *gi, const char *path, struct file_history *out,
			 atomic_size_t *progress, atomic_bool *cancel, struct mr_error *err);
void file_history_free(struct file_history *h);

/*
 * The history index: what gitinfo_file_history() says of each of many
 * files, read in one walk from HEAD that looks into a commit only when it
 * changed a directory holding one of them.  Each file keeps the indices of
 * its commits into one table the index shares.  It owns everything it
 * hands out; history_index_free() releases it.
 */
struct history_index;

struct history_summary {
	size_t count;                   /* commits that changed the file */
	const struct file_commit *added;        /* the oldest of them, or NULL */
	const struct file_commit *last;         /* the newest, or NULL */
	bool uncommitted;
};

/* The index of paths[0 .. n) (absolute); progress and cancel as above. */
int gitinfo_history_index(struct gitinfo *gi, char *const *paths, size_t n,
			  struct history_index **out, atomic_size_t *progress,
			  atomic_bool *cancel, struct mr_error *err);
/* What the index knows of paths[file]; its commits' path and old_path are NULL. */
void history_index_summary(const struct history_index *ix, size_t file,
			   struct history_summary *out);
/* The full history of paths[file], as gitinfo_file_history() gives it. */
int history_index_file(const struct history_index *ix, size_t file, struct file_history *out,
		       struct mr_error *err);
void history_index_free(struct history_index *ix);

/*
 * A unified diff, one line per entry, each starting with its kind:
 * 'F' file header, 'H' hunk header, '+', '-', ' ' lines, '\\' notes.
 */
/* What commit id changed in the file (at path in that commit), against its first parent. */
int gitinfo_commit_diff(struct gitinfo *gi, const char *id, const char *path,
			const char *old_path, struct strvec *out, struct mr_error *err);
/*
 * The difference from the blob recorded at sign-off to the content now.
 * Fails, saying so, when the blob is in no git object store (the file was
 * reviewed before it was ever added or committed).
 */
int gitinfo_blob_diff(struct gitinfo *gi, const char *blob, const char *path,
		      const char *now, size_t len, struct strvec *out, struct mr_error *err);

/*
 * The files added or changed between ref and the working tree (committed,
 * staged and unstaged changes and untracked files; a renamed file under its
 * new name, and only when its content changed too), as absolute paths in
 * out.  An unknown ref fails.
 */
int gitinfo_changed_since(struct gitinfo *gi, const char *ref, struct strvec *out,
			  struct mr_error *err);

/* How a file changed between a ref and the working tree. */
enum gitinfo_change {
	GITINFO_UNCHANGED,      /* also: only moved, or not there */
	GITINFO_ADDED,
	GITINFO_MODIFIED,
	GITINFO_RENAMED,        /* moved and changed */
};

/*
 * How each revision's file changed since ref: *changes (allocated, one per
 * revision of g, the caller frees it); the files other than
 * GITINFO_UNCHANGED are those gitinfo_changed_since() finds.
 */
int gitinfo_changes_since(struct gitinfo *gi, const char *ref, const struct graph *g,
			  enum gitinfo_change **changes, struct mr_error *err);

/*
 * The --since scope of a graph: *scope (allocated, one per revision of g,
 * the caller frees it) says whether the revision's file is among those
 * gitinfo_changed_since() finds.
 */
int gitinfo_scope_since(struct gitinfo *gi, const char *ref, const struct graph *g,
			bool **scope, struct mr_error *err);

/*
 * What changed in the file at path since ref, as a diff (see above) from
 * its content in ref (under its old name when it was renamed; none when it
 * was added) to now: 0, or 1 when the file is not among those
 * gitinfo_changed_since() finds (nothing in out).
 */
int gitinfo_since_diff(struct gitinfo *gi, const char *ref, const char *path, const char *now,
		       size_t len, struct strvec *out, struct mr_error *err);

/*
 * The content of the file at path (absolute, in the working tree) as it is
 * in ref's tree, at most max bytes, in *buf (NUL-terminated, the caller
 * frees it): 0, or 1 when ref has no file there, or -1 with err (an unknown
 * ref; a link, a directory or a larger file there).
 */
int gitinfo_file_at(struct gitinfo *gi, const char *ref, const char *path, size_t max,
		    char **buf, size_t *len, struct mr_error *err);

#endif

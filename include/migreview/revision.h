/*
 * One revision file: what Alembic would read from the module, taken from
 * its tree-sitter parse.  Problems with the file itself (no revision id, a
 * value that is not a literal, a syntax error, an unreadable file) become
 * findings of the "graph" checklist item.
 *
 * struct revision owns its strings and arrays; revision_free() releases
 * them.  The graph fields are filled by graph_build().
 */
#ifndef MIGREVIEW_REVISION_H
#define MIGREVIEW_REVISION_H

#include <stdbool.h>
#include <stddef.h>

#include "migreview/error.h"
#include "migreview/finding.h"
#include "migreview/migration.h"
#include "migreview/project.h"
#include "migreview/pysrc.h"
#include "migreview/util.h"

/* What a quick read (REVISION_LOAD_QUICK) left for later. */
enum revision_deferred {
	REVISION_DEFERRED_NONE,
	REVISION_DEFERRED_PARSE,        /* the scanner read the header: the parse is to come */
	REVISION_DEFERRED_OPERATIONS,   /* the cache gave the header and the findings: the
					   operations are to come (from it, or a parse) */
};

struct revision {
	char *path;             /* as discovered (absolute) */
	char *relpath;          /* relative to the ini's directory */
	char *id;               /* NULL when the file declares no usable id */
	struct strvec down;     /* declared down_revision names */
	struct strvec labels;   /* declared branch_labels */
	struct strvec deps;     /* declared depends_on names */
	char *message;          /* first docstring line, or NULL */
	struct migration *migration;    /* what upgrade()/downgrade() do, when asked for */
	unsigned line_id, line_down, line_labels, line_deps;
	char blob[41];          /* git blob id of the content read (REVISION_LOAD_BLOB), or "" */
	char *text;             /* the content read (REVISION_LOAD_TEXT), or NULL */
	size_t text_len;
	bool text_later;        /* REVISION_LOAD_TEXT, and the snapshot vouched for the
				   content: read when wanted (revision_text()) */
	bool content_only;      /* what was read depends on the content alone */
	struct mr_stamp stamp;  /* the file as it was just before it was read */
	enum revision_deferred deferred;        /* what REVISION_LOAD_QUICK left for
						   revision_complete_all() */

	/* graph_build() fills the rest */
	bool in_graph;          /* false: no id, or shadowed by a duplicate */
	size_t rank;            /* Alembic's map position (first file with the id) */
	size_t *parents;        /* resolved down_revisions */
	size_t n_parents;
	size_t *dep_parents;    /* resolved depends_on */
	size_t n_dep_parents;
	size_t *norm_down;      /* parents + dependencies not already implied */
	size_t n_norm_down;
	size_t n_norm_deps;     /* dependencies among them */
	size_t n_children;      /* revisions naming this one as down_revision */
	size_t n_all_children;  /* ... or in depends_on */
	bool is_head, is_base, is_branch_point, is_merge_point;
};

/*
 * Files larger than this are read for their header only: the first
 * REVISION_HEADER_BYTES (cut at a line end), no operations, and a
 * file-too-large finding.  The UI shows them without highlighting.  One
 * over mr_file_max(MR_FILE_MIGRATION) is not even read past its header, so
 * it has no blob id and takes no decision.
 */
#define REVISION_MAX_ANALYSED (8u << 20)
#define REVISION_HEADER_BYTES (64u << 10)

/* What to read besides the header. */
enum {
	REVISION_LOAD_MIGRATION = 1 << 0,       /* the operations too (rev->migration) */
	REVISION_LOAD_BLOB = 1 << 1,            /* the content's git blob id (rev->blob) */
	REVISION_LOAD_TEXT = 1 << 2,            /* the content itself (rev->text) */
	/*
	 * With MIGRATION, BLOB and TEXT: the header and findings from the
	 * cache, else a header pysrc_header_scan() reads; the operations (and
	 * after the scanner the parse's findings) wait for
	 * revision_complete_all(): the UI's first screen needs the graph only.
	 */
	REVISION_LOAD_QUICK = 1 << 3,
	/*
	 * With MIGRATION and BLOB: a file the cache has is read for its header
	 * and findings only, its operations waiting for
	 * revision_complete_all(), which takes them from the cache, or from the
	 * file read again when the entry has gone (the same content, else the
	 * project is to be read again); a file the cache lacks is parsed whole
	 * at once.  check needs no operations when its findings are kept
	 * (analysiscache.h).
	 */
	REVISION_LOAD_LAZY = 1 << 4,
	/*
	 * The files the project's snapshot (snapshot.h) has as they are now
	 * are not read: blob, header and findings come from it, the
	 * operations wait as with REVISION_LOAD_LAZY, and the text is read
	 * when wanted (revision_text()).  The snapshot is kept up to date.
	 */
	REVISION_LOAD_SNAPSHOT = 1 << 5,
};

/*
 * Reads path (shown as relpath) into rev, parsing it once.  Header values
 * that name constants are looked up with consts (see pyconst.h).  Problems
 * with the file are added to findings with the revision index given; only
 * running out of memory fails.
 */
struct pyconst;
int revision_load(struct revision *rev, struct pysrc_parser *parser, const char *path,
		  const char *relpath, size_t index, unsigned flags, struct pyconst *consts,
		  struct findings *findings, struct mr_error *err);

/*
 * Reads every file of the project, on all cores, into a new array *revs of
 * p->files.n revisions in discovery order (the caller frees each and the
 * array).  Problems with the files are added to findings, unsorted.
 */
int revision_load_all(const struct project *p, unsigned flags, struct revision **revs,
		      struct findings *findings, struct mr_error *err);

/*
 * Parses the revisions REVISION_LOAD_QUICK or REVISION_LOAD_LAZY deferred,
 * on all cores: their operations, and the findings only the parser makes
 * (syntax errors) added to findings.  0; 1 when a parser's header is not
 * the scanner's (a syntax error the parser reads around differently, say),
 * or a lazily read file is no longer what was read: read the project again
 * without REVISION_LOAD_QUICK; -1 when memory runs out.
 */
int revision_complete_all(const struct project *p, struct revision *revs,
			  struct findings *findings, struct mr_error *err);

/*
 * The content rev was read as: rev->text, or after the snapshot the file
 * read now, if it still is that content (its blob), in *own for the caller
 * to free.  NULL when there is none: the file is no longer what was read
 * (the project is to be read again), or no text was asked for.
 */
const char *revision_text(const struct revision *rev, size_t *len, char **own);

void revision_free(struct revision *rev);

/* Frees rev->migration alone: once analysed, nothing reads it again. */
void revision_free_migration(struct revision *rev);

#endif

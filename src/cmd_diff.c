/* `migreview diff REV`: what changed in a migration since it was signed off. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "migreview/gitinfo.h"
#include "migreview/graph.h"
#include "migreview/review.h"

static void
print_diff(const struct strvec *lines)
{
	for (size_t i = 0; i < lines->n; i++) {
		const char *l = lines->v[i];
		char *safe = mr_visible(l[0] == 'F' || l[0] == 'H' ? l + 1 : l);

		puts(safe ? safe : "?");
		free(safe);
	}
}

static int
diff_revision(const struct project *p, const struct revision *rev)
{
	struct review rv = { 0 };
	struct gitinfo *gi = NULL;
	struct strvec lines = { 0 };
	struct mr_error err;
	char *path = NULL, *buf = NULL, now[REVIEW_BLOB_HEX + 1];
	const char *blob;
	size_t len;
	int rc = EXIT_USAGE;

	if (review_path(p, &path, &err) < 0 || review_load(&rv, path, &err) < 0 ||
	    mr_read_file(rev->path, MR_FILE_MIGRATION, &buf, &len, &err) < 0) {
		cmd_error("migreview: %s\n", err.msg);
		goto out;
	}
	review_blob_of(buf, len, now);
	blob = review_reviewed_blob(&rv, rev->id, now);
	if (!blob) {
		cmd_error("migreview: %s has no decisions yet: nothing was signed off to "
			"compare with\n", rev->id);
		goto out;
	}
	if (!strcmp(now, blob)) {
		cmd_error("migreview: %s is unchanged since it was reviewed (blob %.10s)\n",
			rev->relpath, blob);
		rc = EXIT_CLEAN;
		goto out;
	}
	if (gitinfo_open(&gi, p->root, &err) < 0 ||
	    gitinfo_blob_diff(gi, blob, rev->path, buf, len, &lines, &err) < 0) {
		cmd_error("migreview: %s\n", err.msg);
		goto out;
	}
	print_diff(&lines);
	rc = fflush(stdout) == 0 ? EXIT_FINDINGS : EXIT_USAGE;
out:
	strvec_free(&lines);
	gitinfo_free(gi);
	free(buf);
	free(path);
	review_free(&rv);
	return rc;
}

int
cmd_diff(const struct cli *cli)
{
	struct project p = { 0 };
	struct graph g = { 0 };
	struct project_where where = cmd_where(cli);
	struct mr_error err;
	size_t i;
	int rc = EXIT_USAGE;

	if (cli->argc != 1) {
		cmd_error("migreview: diff takes one revision (or a unique prefix of one)\n");
		return EXIT_USAGE;
	}
	if (project_open_at(&p, &where, &err) < 0 ||
	    graph_load(&g, &p, 0, &err) < 0) {
		cmd_error("migreview: %s\n", err.msg);
		goto out;
	}
	i = graph_find_prefix(&g, cli->argv[0]);
	if (i == (size_t)-1)
		cmd_error("migreview: no revision '%s' (or more than one starts so)\n",
			cli->argv[0]);
	else
		rc = diff_revision(&p, &g.revs[i]);
out:
	graph_free(&g);
	project_free(&p);
	return rc;
}

/* `migreview list`: the revision graph, one line or object per migration. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "migreview/graph.h"
#include "migreview/project.h"

/* A JSON string of s; bytes that are not UTF-8 become U+FFFD. */
static json_t *
text(const char *s)
{
	char *fixed;
	json_t *j;

	if (mr_utf8_check(s, strlen(s)) == strlen(s))
		return json_string(s);
	fixed = mr_utf8_repair(s);
	j = fixed ? json_string(fixed) : NULL;
	free(fixed);
	return j;
}

static json_t *
string_array(const struct strvec *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sv->n; i++)
		if (json_array_append_new(a, text(sv->v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
revision_json(const struct revision *rev)
{
	return json_pack("{s:o*, s:o*, s:o*, s:o*, s:o*, s:o*, s:b, s:b, s:b, s:b}",
			 "revision", text(rev->id),
			 "down_revisions", string_array(&rev->down),
			 "branch_labels", string_array(&rev->labels),
			 "depends_on", string_array(&rev->deps),
			 "path", text(rev->relpath),
			 "message", text(rev->message ? rev->message : ""),
			 "is_head", rev->is_head,
			 "is_base", rev->is_base,
			 "is_branch_point", rev->is_branch_point,
			 "is_merge_point", rev->is_merge_point);
}

static int
print_json(const struct graph *g, bool history)
{
	json_t *arr = json_array();
	int rc;

	for (size_t k = 0; arr && k < g->n_order; k++) {
		size_t i = g->order[history ? g->n_order - 1 - k : k];
		json_t *obj = revision_json(&g->revs[i]);

		if (!obj || json_array_append_new(arr, obj) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!arr) {
		cmd_error("migreview: out of memory\n");
		return -1;
	}
	rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(arr);
	putchar('\n');
	return rc;
}

static void
print_names(const struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		char *v = mr_visible(sv->v[i]);

		printf("%s%s", i ? ", " : "", v ? v : "?");
		free(v);
	}
}

/* The line `alembic history` prints, with the file's path after it. */
static void
print_line(const struct revision *rev)
{
	char *id = mr_visible(rev->id), *msg = mr_visible(rev->message ? rev->message : "");
	char *path = mr_visible(rev->relpath);

	if (!rev->down.n)
		fputs("<base>", stdout);
	print_names(&rev->down);
	if (rev->deps.n) {
		fputs(" (", stdout);
		print_names(&rev->deps);
		fputc(')', stdout);
	}
	printf(" -> %s", id ? id : "?");
	if (rev->labels.n) {
		fputs(" (", stdout);
		print_names(&rev->labels);
		fputc(')', stdout);
	}
	printf("%s%s%s%s, %s  %s\n",
	       rev->n_all_children == 0 ? " (head)" : "",
	       rev->is_head && rev->n_all_children ? " (effective head)" : "",
	       rev->is_branch_point ? " (branchpoint)" : "",
	       rev->is_merge_point ? " (mergepoint)" : "",
	       msg ? msg : "?", path ? path : "?");
	free(id);
	free(msg);
	free(path);
}

static void
print_findings(const struct findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		char *path = mr_visible(f->path), *msg = mr_visible(f->message);

		if (f->line)
			cmd_error("%s:%u:%u: %s: %s [%s]\n", path ? path : "?", f->line,
				f->col, severity_name(f->severity), msg ? msg : "?", f->rule->id);
		else
			cmd_error("%s: %s: %s [%s]\n", path ? path : "?",
				severity_name(f->severity), msg ? msg : "?", f->rule->id);
		free(path);
		free(msg);
	}
}

int
cmd_list(const struct cli *cli)
{
	struct project p;
	struct graph g;
	struct project_where where = cmd_where(cli);
	struct mr_error err;
	bool history = false;
	int rc;

	if (cli->order) {
		if (!strcmp(cli->order, "history")) {
			history = true;
		} else if (strcmp(cli->order, "review") != 0) {
			cmd_error("migreview: --order takes 'review' or 'history', not '%s'\n",
				cli->order);
			return EXIT_USAGE;
		}
	}
	if (cli->argc > 0) {
		cmd_error("migreview: list takes no arguments ('%s')\n", cli->argv[0]);
		return EXIT_USAGE;
	}
	if (project_open_at(&p, &where, &err) < 0) {
		cmd_error("migreview: %s\n", err.msg);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < p.notes.n; i++)
		cmd_error("migreview: note: %s\n", p.notes.v[i]);
	for (size_t i = 0; i < p.warnings.n; i++)
		cmd_error("migreview: warning: %s\n", p.warnings.v[i]);
	if (graph_load(&g, &p, REVISION_LOAD_SNAPSHOT, &err) < 0) {
		cmd_error("migreview: %s\n", err.msg);
		graph_free(&g);
		project_free(&p);
		return EXIT_USAGE;
	}
	print_findings(&g.findings);
	if (cli->json) {
		rc = print_json(&g, history) < 0 ? EXIT_USAGE : EXIT_CLEAN;
	} else {
		for (size_t k = 0; k < g.n_order; k++)
			print_line(&g.revs[g.order[history ? g.n_order - 1 - k : k]]);
		rc = EXIT_CLEAN;
	}
	if (rc == EXIT_CLEAN && findings_count(&g.findings, SEVERITY_ERROR))
		rc = EXIT_FINDINGS;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cmd_error("migreview: cannot write the listing\n");
		rc = EXIT_USAGE;
	}
	graph_free(&g);
	project_free(&p);
	return rc;
}

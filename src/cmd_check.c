/* `migreview check`: the analysis as a release gate (text, JSON, SARIF). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "check_gate.h"
#include "check_json.h"
#include "check_tty.h"
#include "cmd.h"
#include "migreview/gatetrust.h"
#include "migreview/gitinfo.h"
#include "migreview/report.h"
#include "migreview/review.h"
#include "migreview/rules.h"
#include "migreview/settings.h"

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };

/* Piped: one line per finding, as editors and CI logs read them. */
static void
print_lines(const struct gate *gt)
{
	const struct report *r = &gt->r;

	for (size_t k = 0; k < r->all.n; k++) {
		const struct finding *f = &r->all.v[r->by_order[k]];
		char *path_copy, *msg_copy;
		const char *path, *msg;

		if (!gate_scoped(gt, f->revision))
			continue;
		path = mr_visible_lazy(f->path, &path_copy);
		msg = mr_visible_lazy(f->message, &msg_copy);

		const char *note = gate_decided(gt, f) ? " (decided)" : "";

		if (f->line)
			printf("%s:%u:%u: %s: %s [%s]%s\n", path ? path : "?", f->line, f->col,
			       severity_name(f->severity), msg ? msg : "?", f->rule->id, note);
		else
			printf("%s: %s: %s [%s]%s\n", path ? path : "?", severity_name(f->severity),
			       msg ? msg : "?", f->rule->id, note);
		free(path_copy);
		free(msg_copy);
	}
}

/* At a terminal: grouped per migration, with a count per rule (check_tty.h). */
static int
print_grouped(const struct gate *gt, bool colour)
{
	const struct report *r = &gt->r;
	struct check_line *lines = calloc(r->all.n ? r->all.n : 1, sizeof(*lines));
	size_t n = 0;
	int rc;

	if (!lines)
		return -1;
	for (size_t k = 0; k < r->all.n; k++) {
		const struct finding *f = &r->all.v[r->by_order[k]];

		if (gate_scoped(gt, f->revision))
			lines[n++] = (struct check_line){ f, gate_decided(gt, f) };
	}
	rc = check_tty_print(stdout, &r->g, lines, n, colour);
	free(lines);
	return rc;
}

/*
 * --color WHEN: auto (the default) groups the report for a person when
 * stdout is a terminal, coloured unless NO_COLOR is set; always groups and
 * colours wherever it goes; never groups at a terminal, without colour.
 */
static int
parse_color(const char *when, bool *grouped, bool *colour)
{
	const char *no_color = getenv("NO_COLOR");
	bool tty = isatty(STDOUT_FILENO);

	if (!when || !strcmp(when, "auto")) {
		*grouped = tty;
		*colour = tty && !(no_color && *no_color);
	} else if (!strcmp(when, "always")) {
		*grouped = *colour = true;
	} else if (!strcmp(when, "never")) {
		*grouped = tty;
		*colour = false;
	} else {
		cmd_error("migreview: --color must be auto, always or never, not '%s'\n", when);
		return -1;
	}
	return 0;
}

static int
parse_format(const char *s, enum format *f)
{
	static const char *const names[] = { "text", "json", "sarif" };

	for (size_t i = 0; i < MR_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum format)i;
			return 0;
		}
	cmd_error("migreview: --format takes text, json or sarif, not '%s'\n", s);
	return -1;
}

/* The analysis, the review file, and where each migration's review stands. */
static int
run_gate(const struct cli *cli, struct gate *gt)
{
	struct report *r = &gt->r;
	struct mr_error err;
	struct findings all = { 0 };
	char *path = NULL;
	struct project_where where = cmd_where(cli);
	int rc = report_open_graph(r, &where, &err);

	for (size_t i = 0; i < r->p.notes.n; i++)
		cmd_error("migreview: note: %s\n", r->p.notes.v[i]);
	for (size_t i = 0; i < r->p.warnings.n; i++)
		cmd_error("migreview: warning: %s\n", r->p.warnings.v[i]);
	if (rc == 0)
		rc = gate_trust_open(&gt->trust, &r->p, cli->trust_ref, &err);
	/* the production sizes decide which tables are large: the ref's, whichever settings apply */
	if (rc == 0 && cli->trust_ref && !(r->p.ref = mr_strdup(cli->trust_ref)))
		rc = mr_error_oom(&err);
	/* with a trusted ref, its review_file: where the review is cannot be the change's to say */
	if (rc == 0)
		rc = review_path(cli->trust_ref ? &gt->trust.trusted : &r->p, &path, &err);
	if (rc == 0 && (review_load(&gt->review, path, &err) < 0 ||
			gate_trust_merge_review(&gt->trust, &gt->review, path, &err) < 0)) {
		cmd_error("migreview: the review file cannot be read: %s\n", err.msg);
		free(path);
		return -1;
	}
	free(path);
	/* the tested item's findings too go by the settings in force */
	r->settings = gate_trust_settings(&gt->trust, &gt->review);
	if (rc == 0 && (rc = report_collect_since(r, cli->since, &all, &err)) == 1)
		rc = mr_error_set(&err, "a migration changed while migreview read it: run it again");
	if (rc == 0)
		rc = analysis_config_load(r->settings ? r->settings : &r->p, &gt->cfg, &err);
	if (rc == 0)
		rc = report_baseline(r, r->settings ? r->settings : &r->p, &err);
	if (rc == 0 && cli->trust_ref)
		rc = report_history_trusted(r, cli->trust_ref, &err);
	if (rc == 0)
		rc = report_adopt(r, &all, &err);
	findings_free(&all);
	if (rc == 0)
		rc = report_evidence(r, &gt->review, &err);
	if (rc < 0) {
		cmd_error("migreview: %s\n", err.msg);
		return -1;
	}
	gt->states = calloc(r->g.n + 1, sizeof(*gt->states));
	if (!gt->states) {
		cmd_error("migreview: out of memory\n");
		return -1;
	}
	/* an unreadable file has no blob: nothing it was reviewed as matches it */
	for (size_t i = 0; i < r->g.n; i++)
		review_migration(&gt->review, r->g.revs[i].in_graph ? r->g.revs[i].id : NULL,
				 r->g.revs[i].blob, report_not_applicable(r, i), &gt->states[i]);
	return 0;
}

/*
 * With signatures required, the decisions in the scope that do not count
 * (unsigned, signed by a key not allowed, or changed since signed) are
 * taken as not there, each named in discounted.
 */
static int
apply_trust(struct gate *gt)
{
	const struct report *r = &gt->r;

	if (!gt->trust.require_signatures)
		return 0;
	for (size_t rev = 0; rev < r->g.n; rev++) {
		struct migration_review *m = &gt->states[rev];

		if (!r->g.revs[rev].in_graph || !gate_scoped(gt, rev))
			continue;
		for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
			const struct decision *d = review_find(&gt->review, r->g.revs[rev].id,
								checklist[i].id);
			struct mr_error why;

			if (!d || m->items[i] == ITEM_OPEN || gate_trust_counts(&gt->trust, d, &why))
				continue;
			if (strvec_push_owned(&gt->discounted, mr_printf(
				    "%s: %s: the decision of %s does not count: %s",
				    r->g.revs[rev].relpath, checklist[i].id, d->reviewer, why.msg)) < 0)
				return -1;
			m->items[i] = ITEM_OPEN;
		}
		m->open = m->done = m->stale = m->blocked = 0;
		for (int i = 0; i < CHECK_ITEM_COUNT; i++)
			switch (m->items[i]) {
			case ITEM_OPEN: m->open++; break;
			case ITEM_DONE: case ITEM_NOT_APPLICABLE: m->done++; break;
			case ITEM_STALE: m->stale++; break;
			case ITEM_BLOCKED: m->blocked++; break;
			}
		m->state = m->blocked ? MIGRATION_BLOCKED : m->done == CHECK_ITEM_COUNT ?
			   MIGRATION_SIGNED : m->stale ? MIGRATION_STALE : MIGRATION_OPEN;
	}
	return 0;
}

/*
 * What keeps the gate's own settings from counting, and the decisions that
 * do not count, one line each ("FILE: ... [gate-settings]"), in out.
 */
static int
trust_lines(const struct gate *gt, bool settings_signed, struct strvec *out)
{
	const char *ini = gt->r.p.ini_path;
	int rc = 0;

	for (size_t i = 0; rc == 0 && !settings_signed && i < gt->trust.changes.n; i++)
		rc = strvec_push_owned(out, mr_printf("%s: %s; not signed off, so the gate runs "
				       "with %s's settings [gate-settings]", ini,
				       gt->trust.changes.v[i], gt->trust.ref));
	if (rc == 0 && !settings_signed && gt->trust.changes.n)
		rc = strvec_push_owned(out, mr_printf("%s: to sign the change off: migreview "
				       "settings --trust-ref %s --accept [gate-settings]", ini,
				       gt->trust.ref));
	for (size_t i = 0; rc == 0 && i < gt->discounted.n; i++)
		rc = strvec_push_owned(out, mr_printf("%s [signature]", gt->discounted.v[i]));
	return rc;
}

/* --require-signoff: what keeps each migration from being signed off. */
static void
print_signoff(const struct gate *gt)
{
	const struct report *r = &gt->r;

	for (size_t k = 0; k < r->g.n_order; k++) {
		size_t rev = r->g.order[k];
		const struct migration_review *m = &gt->states[rev];
		char *path;

		if (m->state == MIGRATION_SIGNED || !gate_scoped(gt, rev))
			continue;
		path = mr_visible(r->g.revs[rev].relpath);
		for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
			const struct decision *d = review_find(&gt->review, r->g.revs[rev].id,
								checklist[i].id);
			char *reason = d && d->reason ? mr_visible(d->reason) : NULL;
			char *who = d ? mr_visible(d->reviewer) : NULL;

			if (m->items[i] == ITEM_BLOCKED)
				printf("%s: blocked: %s: %s (%s) [signoff]\n", path, checklist[i].id,
				       reason ? reason : "", who ? who : "?");
			/* review_migration() did not count it: say why, or it reads as undecided */
			else if (i == CHECK_TESTED && m->items[i] == ITEM_OPEN && d &&
				 d->status == DECISION_ACCEPTED &&
				 !review_tested_passed(&gt->review, r->g.revs[rev].id, r->g.revs[rev].blob))
				printf("%s: %s: the accept of %s does not count without a passing "
				       "up/down run of this content [signoff]\n", path,
				       checklist[i].id, who ? who : "?");
			free(reason);
			free(who);
		}
		if (m->stale) {
			printf("%s: stale: %zu decision%s taken on other content of the file:", path,
			       m->stale, m->stale == 1 ? " was" : "s were");
			for (int i = 0; i < CHECK_ITEM_COUNT; i++)
				if (m->items[i] == ITEM_STALE)
					printf(" %s", checklist[i].id);
			printf(" [signoff]\n");
		}
		if (m->open)
			printf("%s: not signed off: %zu of %d items undecided [signoff]\n", path,
			       m->open, CHECK_ITEM_COUNT);
		free(path);
	}
}

/* --since: the revisions whose files were added or changed since ref. */
static int
limit_scope(struct gate *gt, const char *ref)
{
	struct gitinfo *gi = NULL;
	struct mr_error err;
	int rc = gitinfo_open(&gi, gt->r.p.root, &err);

	if (rc == 0)
		rc = gitinfo_scope_since(gi, ref, &gt->r.g, &gt->scope, &err);
	if (rc < 0)
		cmd_error("migreview: --since %s: %s\n", ref, err.msg);
	gitinfo_free(gi);
	return rc;
}

/*
 * FILE arguments: only the revisions in those files stay in the scope (with
 * --since, those of them that changed).  Files that are not migrations of
 * the project are left out quietly: a pre-commit hook passes every staged
 * Python file.  A file that does not exist is a mistake worth an exit 2.
 */
static int
limit_files(struct gate *gt, int argc, char **argv)
{
	const struct graph *g = &gt->r.g;
	char **named = calloc((size_t)argc, sizeof(*named));
	bool *keep = calloc(g->n + 1, sizeof(*keep));
	int rc = 0;

	if (!named || !keep) {
		cmd_error("migreview: out of memory\n");
		rc = -1;
	}
	for (int a = 0; rc == 0 && a < argc; a++)
		if (!(named[a] = realpath(argv[a], NULL))) {
			cmd_error("migreview: %s: %s\n", argv[a], strerror(errno));
			rc = -1;
		}
	/* the project lists its files by real path already (as Alembic loads them) */
	for (size_t i = 0; rc == 0 && i < g->n; i++)
		for (int a = 0; a < argc && !keep[i]; a++)
			keep[i] = !strcmp(g->revs[i].path, named[a]) && gate_scoped(gt, i);
	for (int a = 0; named && a < argc; a++)
		free(named[a]);
	free(named);
	if (rc < 0) {
		free(keep);
		return -1;
	}
	free(gt->scope);
	gt->scope = keep;
	return 0;
}

static void
free_paths(char **v, int n)
{
	for (int i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The directory of the project above path's directory, in *dir (set once):
 * 0, or -1 when it is another project than the one *dir already names.
 */
static int
same_project(const char *path, char **dir)
{
	char *parent = mr_path_dirname(path), *ini = NULL, *pdir;
	struct mr_error err;
	int rc = 0;

	if (!parent || project_find_ini(parent, &ini, &err) < 0) {
		free(parent);
		return 0;       /* in no project: not a migration, left out later */
	}
	pdir = mr_path_dirname(ini);
	if (pdir && *dir && strcmp(pdir, *dir)) {
		cmd_error("migreview: the files named are in two projects, %s and %s: run "
			"check once for each, with -c\n", *dir, pdir);
		rc = -1;
	} else if (pdir && !*dir) {
		*dir = pdir;
		pdir = NULL;
	}
	free(pdir);
	free(ini);
	free(parent);
	return rc;
}

/*
 * pre-commit runs hooks at the top of the repository, where a project kept
 * in backend/ has no alembic.ini above the current directory.  Then, with
 * FILE arguments and no -c, the project is the one above the files (one
 * project, else an error) and check goes on from its directory, as if
 * started there, with the files' absolute paths in cli.  1: no file is in
 * any project, nothing to check.
 */
static int
project_of_files(struct cli *cli, char ***abs_out)
{
	struct mr_error err;
	char *ini = NULL, *dir = NULL, **abs;
	int rc = 0;

	*abs_out = NULL;
	if (cli->config || cli->directory || cli->argc == 0 ||
	    project_find_ini(".", &ini, &err) == 0) {
		free(ini);
		return 0;
	}
	if (!(abs = calloc((size_t)cli->argc, sizeof(*abs)))) {
		cmd_error("migreview: out of memory\n");
		return -1;
	}
	for (int a = 0; rc == 0 && a < cli->argc; a++) {
		if (!(abs[a] = mr_path_absolute(cli->argv[a]))) {
			cmd_error("migreview: out of memory\n");
			rc = -1;
		} else {
			rc = same_project(abs[a], &dir);
		}
	}
	if (rc == 0 && !dir) {
		cmd_error("migreview: none of the files named is in an Alembic project (no "
			"alembic.ini above it or here): nothing to check\n");
		rc = 1;
	}
	if (rc == 0 && chdir(dir) < 0) {
		cmd_error("migreview: %s: %s\n", dir, strerror(errno));
		rc = -1;
	}
	free(dir);
	if (rc != 0) {
		free_paths(abs, cli->argc);
		return rc;
	}
	cli->argv = abs;
	*abs_out = abs;
	return 0;
}

/* What the summaries say, counted within the scope. */
static void
count(struct gate *gt)
{
	const struct report *r = &gt->r;

	for (size_t k = 0; k < r->g.n_order; k++)
		if (gate_scoped(gt, r->g.order[k])) {
			gt->n.migrations++;
			gt->n.signed_off += gt->states[r->g.order[k]].state == MIGRATION_SIGNED;
		}
	for (size_t i = 0; i < r->all.n; i++) {
		const struct finding *f = &r->all.v[i];

		if (!gate_scoped(gt, f->revision))
			continue;
		gt->n.findings++;
		gt->n.errors += f->severity == SEVERITY_ERROR;
		gt->n.warnings += f->severity == SEVERITY_WARNING;
		gt->n.info += f->severity == SEVERITY_INFO;
		/* info findings are for reading; undecided warnings and errors hold the gate */
		gt->n.undecided += f->severity >= SEVERITY_WARNING && !gate_decided(gt, f);
	}
}

static void
gate_free(struct gate *gt)
{
	free(gt->scope);
	free(gt->uri_prefix);
	analysis_config_free(&gt->cfg);
	free(gt->states);
	strvec_free(&gt->discounted);
	gate_trust_free(&gt->trust);
	review_free(&gt->review);
	report_free(&gt->r);
}

int
cmd_check(const struct cli *given)
{
	struct gate gt = { 0 };
	struct cli local = *given;
	const struct cli *cli = &local;
	enum format format = FORMAT_TEXT;
	char **abs;
	size_t not_signed;
	bool settings_signed, grouped, colour;
	struct strvec trust = { 0 };
	int rc = EXIT_USAGE, found;

	if ((cli->format && parse_format(cli->format, &format) < 0) ||
	    parse_color(cli->color, &grouped, &colour) < 0)
		return EXIT_USAGE;
	if ((found = project_of_files(&local, &abs)) != 0)
		return found > 0 ? EXIT_CLEAN : EXIT_USAGE;
	gt.with_history = cli->include_baseline;
	gt.r.ends_with_it = true;
	if (run_gate(cli, &gt) < 0 || (cli->since && limit_scope(&gt, cli->since) < 0) ||
	    (cli->argc > 0 && limit_files(&gt, cli->argc, cli->argv) < 0))
		goto out;
	if (apply_trust(&gt) < 0) {
		cmd_error("migreview: out of memory\n");
		goto out;
	}
	settings_signed = gate_trust_settings_signed(&gt.trust, &gt.review);
	count(&gt);
	not_signed = cli->require_signoff ? gt.n.migrations - gt.n.signed_off : 0;
	if (trust_lines(&gt, settings_signed, &trust) < 0) {
		cmd_error("migreview: out of memory\n");
		goto out;
	}
	for (size_t i = 0; format != FORMAT_JSON && i < trust.n; i++) {
		char *line = format == FORMAT_TEXT ? mr_visible(trust.v[i]) : NULL;

		/* SARIF's stdout is the report alone */
		if (format == FORMAT_TEXT)
			printf("%s\n", line ? line : "?");
		else
			cmd_error("%s\n", trust.v[i]);
		free(line);
	}
	if (format == FORMAT_TEXT) {
		if (!grouped)
			print_lines(&gt);
		else if (print_grouped(&gt, colour) < 0) {
			cmd_error("migreview: out of memory\n");
			goto out;
		}
		if (cli->require_signoff)
			print_signoff(&gt);
	} else if ((format == FORMAT_JSON ? check_json_write(stdout, &gt, &trust, settings_signed) :
		    check_sarif_write(stdout, &gt)) < 0) {
		cmd_error("migreview: cannot write the report\n");
		goto out;
	} else {
		putchar('\n');
	}
	if (fflush(stdout) != 0) {
		cmd_error("migreview: cannot write the report\n");
		goto out;
	}
	rc = gt.n.undecided || not_signed || !settings_signed ? EXIT_FINDINGS : EXIT_CLEAN;
	if (format == FORMAT_TEXT) {
		char dialect[64], *from = mr_visible(gt.cfg.dialect_from);  /* it names a file */

		cmd_error("migreview: dialect %s (%s)\n", dialect_names(gt.cfg.dialect, dialect,
			  sizeof(dialect)), from ? from : "?");
		free(from);
		if (gt.r.history)
			cmd_error("migreview: baseline %s: %zu migrations up to it are history, %s\n",
				  gt.r.g.revs[gt.r.baseline].id, gt.r.n_history, gt.with_history ?
				  "checked too (--include-baseline)" :
				  "outside the gate (--include-baseline checks them)");
		cmd_error("migreview: %zu migrations%s%s%s, %zu findings (%zu errors, %zu warnings",
			gt.n.migrations, cli->argc ? " of the files named" : "",
			cli->since ? " changed since " : "", cli->since ? cli->since : "",
			gt.n.findings, gt.n.errors, gt.n.warnings);
		if (gt.n.undecided != gt.n.errors + gt.n.warnings)
			cmd_error("; %zu undecided", gt.n.undecided);
		cmd_error(")");
		if (cli->require_signoff)
			cmd_error("; %zu of %zu signed off", gt.n.signed_off, gt.n.migrations);
		cmd_error("\n");
	}
out:
	strvec_free(&trust);
	gate_free(&gt);
	free_paths(abs, local.argc);
	return rc;
}

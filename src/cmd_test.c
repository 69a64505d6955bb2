/*
 * `migreview test [REV] [--all] [--models] [--rows N] [--database-url URL] [--trust]`:
 * the real Alembic up, down one step and up again on a scratch database,
 * recorded as the evidence of the tested item; with --models, the models
 * compared with the database at the heads afterwards; with --rows, the
 * tables filled before each upgrade and the rows per second shown.  The only command
 * that runs migration code, and only with the reviewer's consent: --trust,
 * or a trust line of their own configuration.
 */
#include "config.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "migreview/graph.h"
#include "migreview/pglocks.h"
#include "migreview/report.h"
#include "migreview/review.h"
#include "migreview/uptest.h"
#include "migreview/userconf.h"
#include "migreview/util.h"

#define EXIT_INTERRUPTED 130

static atomic_bool interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	atomic_store(&interrupted, true);
}

/*
 * Alembic's output, live; on a terminal no byte of it can be a control
 * sequence: each line (the runner hands over whole lines) is shown as
 * mr_visible() shows any text from a file, NUL bytes included.
 */
static void
show_output(void *ctx, const char *text, size_t len)
{
	bool tty = *(bool *)ctx;
	bool newline = len && text[len - 1] == '\n';

	if (!tty) {
		fwrite(text, 1, len, stdout);
		fflush(stdout);
		return;
	}
	for (size_t at = 0, end = newline ? len - 1 : len; at <= end;) {
		const char *nul = memchr(text + at, '\0', end - at);
		size_t stop = nul ? (size_t)(nul - text) : end;
		char *piece = mr_strndup(text + at, stop - at), *shown = piece ? mr_visible(piece) : NULL;

		fputs(shown ? shown : "?", stdout);
		free(piece);
		free(shown);
		if (!nul)
			break;
		fputs("\\x00", stdout);
		at = stop + 1;
	}
	if (newline)
		putchar('\n');
	fflush(stdout);
}

/* Which revisions to test, in review order: REV, --all, or the heads. */
static int
pick(const struct cli *cli, const struct graph *g, const char ***revs, size_t *n)
{
	*n = 0;
	*revs = calloc(g->n_order + 1, sizeof(**revs));
	if (!*revs)
		return -1;
	if (cli->argc > 1 || (cli->argc == 1 && cli->all)) {
		cmd_error("migreview: test takes one REV, or --all\n");
		return -1;
	}
	if (cli->argc == 1) {
		size_t i = graph_find_prefix(g, cli->argv[0]);

		if (i == (size_t)-1) {
			cmd_error("migreview: no migration '%s' (give an id or a unique prefix)\n",
				cli->argv[0]);
			return -1;
		}
		(*revs)[(*n)++] = g->revs[i].id;
		return 0;
	}
	for (size_t k = 0; k < g->n_order; k++) {
		const struct revision *rev = &g->revs[g->order[k]];

		if (cli->all || rev->is_head)
			(*revs)[(*n)++] = rev->id;
	}
	if (!*n) {
		cmd_error("migreview: no migrations to test\n");
		return -1;
	}
	return 0;
}

static const char *
message_of(const struct graph *g, const char *id)
{
	size_t i = graph_find(g, id);

	return i != (size_t)-1 && g->revs[i].message ? g->revs[i].message : "";
}

/* "    WHAT: first difference", the others below it, as the terminal may show them. */
static void
report_differences(const char *what, const struct uptest_catalog *c)
{
	int indent = 4 + (int)strlen(what) + 2;

	printf("    %s:", what);
	for (size_t i = 0; i < c->differences.n; i++) {
		char *shown = mr_visible(c->differences.v[i]);

		printf("%*s%s\n", i ? indent : 1, "", shown ? shown : "?");
		free(shown);
	}
	if (c->more)
		printf("%*s(+%zu more)\n", c->differences.n ? indent : 1, "", c->more);
}

/* What the runner found of the catalog after the downgrade and the re-upgrade. */
static void
report_catalog(const struct uptest_result *res)
{
	const struct uptest_catalog *steps[] = { &res->down, &res->again };
	const char *names[] = { "downgrade", "re-upgrade" };
	const char *traces[] = { "downgrade left a trace", "re-upgrade differs from upgrade" };

	for (size_t i = 0; i < 2; i++) {
		const struct uptest_catalog *c = steps[i];
		char *error = c->error ? mr_visible(c->error) : NULL;

		if (c->error)
			printf("    the catalog after the %s could not be compared: %s\n", names[i],
			       error ? error : "?");
		else if (c->differences.n || c->more)
			report_differences(traces[i], c);
		else if (c->compared && i == 0)
			printf("    downgrade restored the catalog exactly (%zu objects; the "
			       "upgrade changed %zu)\n", c->objects, c->upgrade_changes);
		free(error);
	}
}

#define SLOWEST 3               /* statements shown per step */
#define SQL_SHOWN 100           /* bytes of a statement's text shown */

/* A duration as people read it: "0.4 ms", "12 ms", "2.31 s". */
static void
show_ms(double ms)
{
	if (ms < 10)
		printf("%.1f ms", ms);
	else if (ms < 1000)
		printf("%.0f ms", ms);
	else
		printf("%.2f s", ms / 1000);
}

static void
show_count(long long n)
{
	char words[32];

	fputs(mr_commas(n, words, sizeof(words)), stdout);
}

/* ", ~1,230,000 rows/s" */
static void
show_rate(long long rows, double ms)
{
	char words[48];

	report_rate_words(rows, ms, words, sizeof(words));
	if (*words)
		printf(", %s", words);
}

/* Any text of the evidence, escaped: it comes from a process that ran the project's code. */
static void
show_text(const char *s)
{
	char *shown = mr_visible(s);

	fputs(shown ? shown : "?", stdout);
	free(shown);
}

static bool
is_index(char relkind)
{
	return relkind == 'i' || relkind == 'I';
}

static void
show_lock(const char *step, const struct uptest_lock *l)
{
	printf("    %s: %s on ", step, pglock_name(l->mode));
	show_text(l->relation);
	printf(" for ");
	show_ms(l->held_ms);
	if (!strcmp(l->until, "autocommit"))
		printf(", while its statement ran (autocommit)");
	else if (!strcmp(l->until, "open"))
		printf(", its transaction still open at the end of the step");
	else
		printf(" until %s", l->until);
	printf(" (");
	show_text(l->file);
	printf(":%ld) — %s\n", l->line, pglock_blocks(l->mode));
}

/*
 * An index locked against reads keeps its table's readers waiting too (the
 * planner opens every index of a table): named on one line.  Weaker locks
 * on indexes come with their table's and are left out.
 */
static void
show_index_locks(const char *step, const struct uptest_lock **v, size_t n)
{
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_index(v[i]->relkind) || !pglock_conflicts(v[i]->mode, PG_ACCESS_SHARE))
			continue;
		if (shown++)
			fputs(", ", stdout);
		else
			printf("    %s: %s on indexes ", step, pglock_name(v[i]->mode));
		show_text(v[i]->relation);
	}
	if (shown)
		printf(" — blocks reads and writes of their tables\n");
}

static void
show_locks(const char *step, const struct uptest_step *s)
{
	size_t n, tables = 0, ran = 0;
	const struct uptest_lock **strongest = uptest_strongest_locks(s, &n);

	if (!strongest && n) {
		printf("    %s: (out of memory)\n", step);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_index(strongest[i]->relkind) && ++tables)
			show_lock(step, strongest[i]);
	show_index_locks(step, strongest, n);
	/* after a statement the database refused, its transaction's locks cannot be read */
	for (size_t i = 0; i < s->n_statements; i++)
		ran += !s->statements[i].failed;
	if (!tables && ran)
		printf("    %s: no lock on a table that existed before\n", step);
	free(strongest);
}

static void
show_rewrites(const char *step, const struct uptest_step *s)
{
	size_t indexes = 0;

	for (size_t i = 0; i < s->n_rewrites; i++) {
		const struct uptest_rewrite *r = &s->rewrites[i];

		if (is_index(r->relkind))
			continue;
		printf("    %s: rewrote ", step);
		show_text(r->relation);
		printf(" (");
		if (r->table_rows >= 0) {
			show_count(r->table_rows);
			printf(" rows, ");
			show_ms(r->ms);
			show_rate(r->table_rows, r->ms);
			printf("; ");
		}
		show_text(r->file);
		printf(":%ld)\n", r->line);
	}
	for (size_t i = 0; i < s->n_rewrites; i++) {
		if (!is_index(s->rewrites[i].relkind))
			continue;
		if (indexes++)
			fputs(", ", stdout);
		else
			printf("    %s: rewrote indexes ", step);
		show_text(s->rewrites[i].relation);
	}
	if (indexes)
		printf("\n");
}

static int
by_duration(const void *a, const void *b)
{
	const struct uptest_statement *x = *(const struct uptest_statement *const *)a;
	const struct uptest_statement *y = *(const struct uptest_statement *const *)b;

	return (x->ms < y->ms) - (x->ms > y->ms);
}

static void
show_statement(const char *step, const struct uptest_statement *st)
{
	char *sql = mr_utf8_cut(st->sql, SQL_SHOWN);

	printf("    %s: %s", step, st->failed ? "failed after " : "");
	show_ms(st->ms);
	printf(" at ");
	show_text(st->file);
	printf(":%ld", st->line);
	if (st->rows >= 0)
		printf(", %lld rows", st->rows);
	if (st->table && st->table_rows >= 0) {
		printf(" (");
		show_text(st->table);
		printf(": ");
		show_count(st->table_rows);
		printf(" rows");
		show_rate(st->table_rows, st->ms);
		printf(")");
	}
	printf(": ");
	show_text(sql ? sql : "?");
	printf("%s\n", strlen(st->sql) > SQL_SHOWN ? "..." : "");
	free(sql);
}

/* The slowest statements that ran, then the one the database refused. */
static void
show_statements(const char *step, const struct uptest_step *s)
{
	const struct uptest_statement **v = calloc(s->n_statements + 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return;
	for (size_t i = 0; i < s->n_statements; i++)
		if (!s->statements[i].failed)
			v[n++] = &s->statements[i];
	qsort(v, n, sizeof(*v), by_duration);
	for (size_t i = 0; i < n && i < SLOWEST; i++)
		show_statement(step, v[i]);
	for (size_t i = 0; i < s->n_statements; i++)
		if (s->statements[i].failed)
			show_statement(step, &s->statements[i]);
	free(v);
}

/*
 * What the database did in each step, under the revision's result: the
 * strongest lock on each relation, the rewrites, the slowest statements.
 */
/* What --rows put in the tables before the upgrade, and what it could not fill. */
static void
show_fill(const struct uptest_fill *f)
{
	if (!f->done)
		return;
	if (!f->tables.n && !f->n_skipped && !f->more) {
		printf("    upgrade: no table to fill yet\n");
		return;
	}
	printf("    upgrade: filled %zu table%s with ", f->tables.n, f->tables.n == 1 ? "" : "s");
	show_count(f->rows);
	printf(" rows each in ");
	show_ms(f->ms);
	for (size_t i = 0; i < f->tables.n; i++) {
		fputs(i ? ", " : " (", stdout);
		show_text(f->tables.v[i]);
	}
	printf("%s\n", f->tables.n ? ")" : "");
	for (size_t i = 0; i < f->n_skipped; i++) {
		printf("    upgrade: %s", *f->skipped[i].table ? "skipped " : "the fill stopped");
		show_text(f->skipped[i].table);
		printf(": ");
		show_text(f->skipped[i].why);
		printf("\n");
	}
	if (f->more)
		printf("    upgrade: and %zu more tables filled or skipped\n", f->more);
}

static void
show_evidence(const struct uptest_run *run, const struct uptest_evidence *ev)
{
	bool pg = !strcmp(run->database, "postgresql");

	show_fill(&ev->fill);
	for (size_t i = 0; i < ev->n; i++) {
		const struct uptest_step *s = &ev->v[i];

		if (pg)
			show_locks(s->step, s);
		show_rewrites(s->step, s);
		show_statements(s->step, s);
	}
	for (size_t i = 0; i < ev->notes.n; i++) {
		printf("    note: ");
		show_text(ev->notes.v[i]);
		printf("\n");
	}
	if (ev->dropped)
		printf("    note: %zu more statements, locks or rewrites than are kept were left out\n",
		       ev->dropped);
	if (ev->ignored) {
		printf("    note: %zu evidence line%s could not be read and %s ignored (the first: ",
		       ev->ignored, ev->ignored == 1 ? "" : "s", ev->ignored == 1 ? "was" : "were");
		show_text(ev->first_ignored ? ev->first_ignored : "?");
		printf(")\n");
	}
}

/* "the head ID" or "the heads ID, ID", as the terminal may show them. */
static void
show_heads(const struct strvec *heads)
{
	printf("the head%s ", heads->n == 1 ? "" : "s");
	for (size_t i = 0; i < heads->n; i++) {
		if (i)
			fputs(", ", stdout);
		show_text(heads->v[i]);
	}
}

/*
 * What --models found, after the results; true when it fails the command:
 * drift, a comparison that could not be made, or a run that passed and
 * still said nothing of the models.  env.py without target_metadata is
 * said and fails nothing.  A run that stopped early never compared them.
 */
static bool
report_models(const struct uptest_run *run, size_t asked)
{
	const struct uptest_models *m = &run->models;
	bool drift = m->differences.n || m->more;

	if (!m->compared) {
		/* a step that failed (not a trace) ended the run */
		bool stopped = run->n < asked || run->interrupted ||
			       (run->n && run->v[run->n - 1].outcome == TEST_FAILED &&
				!run->v[run->n - 1].trace);

		printf("models not compared: %s\n", stopped ? "the run stopped before the end" :
		       "the runner said nothing of them");
		return !stopped;
	}
	if (drift) {
		printf("models drifted from the database at ");
		show_heads(&m->heads);
		printf(":\n");
		for (size_t i = 0; i < m->differences.n; i++) {
			printf("    ");
			show_text(m->differences.v[i]);
			printf("\n");
		}
		if (m->more)
			printf("    (+%zu more)\n", m->more);
	}
	if (m->error || (m->skipped && !drift)) {
		printf("models not compared: ");
		show_text(m->error ? m->error : m->skipped);
		printf("\n");
	} else if (!drift) {
		printf("models match the database at ");
		show_heads(&m->heads);
		printf(" (%zu model table%s)\n", m->tables, m->tables == 1 ? "" : "s");
	}
	return drift || m->error;
}

static int
report_results(const struct uptest_run *run, const struct graph *g, size_t asked, bool models)
{
	bool traced = false;

	size_t failed = 0;

	printf("\n");
	for (size_t i = 0; i < run->n; i++) {
		const struct uptest_result *res = &run->v[i];
		char *id = mr_visible(res->revision), *msg = mr_visible(message_of(g, res->revision));
		char *step = res->step ? mr_visible(res->step) : NULL;

		if (res->outcome == TEST_PASSED)
			printf("passed  %s  %s\n", id ? id : "?", msg ? msg : "");
		else if (res->trace)
			printf("FAILED  %s  %s (%s)\n", id ? id : "?", msg ? msg : "",
			       res->down.differences.n || res->down.more ? "downgrade left a trace" :
			       "re-upgrade differs from upgrade");
		else
			printf("FAILED  %s  %s (at the %s step)\n", id ? id : "?", msg ? msg : "",
			       step ? step : "?");
		report_catalog(res);
		free(id);
		free(msg);
		free(step);
		show_evidence(run, &res->evidence);
		traced |= res->evidence.n > 0;
		failed += res->outcome == TEST_FAILED;
	}
	if (traced && !strcmp(run->database, "sqlite"))
		printf("SQLite has no table locks: a write locks the whole database file until its "
		       "transaction ends.\n");
	if (run->n < asked)
		printf("not run: %zu more (the run stopped %s)\n", asked - run->n,
		       run->interrupted ? "when interrupted" : "at the first failure");
	if (models && report_models(run, asked))
		failed++;
	return failed ? EXIT_FINDINGS : run->interrupted ? EXIT_INTERRUPTED : EXIT_CLEAN;
}

/* Says what would run without consent, and the two ways to give it. */
static void
refuse(const struct project *p, const char *env_py, const char *where, const struct userconf *uc)
{
	char *conf = userconf_path(), *dir = userconf_trust_dir(p->ini_path, env_py);

	cmd_error("migreview: test runs the project's own code, and only with your consent:\n"
		  "  Alembic with %s (and the migrations it loads),\n"
		  "  on %s.\n", env_py, where);
	if (!conf)
		cmd_error("Give --trust to run it (no configuration file is read, so none trusts it).\n");
	else if (!dir || strpbrk(dir, " \t"))
		cmd_error("Give --trust to run it (a trust line cannot name a path with blanks).\n");
	else
		cmd_error("Give --trust to run it this once, or trust the project from now on with\n"
			  "this line in %s:\n  trust %s\n", conf, dir);
	for (size_t i = 0; i < uc->problems.n; i++)
		cmd_error("(in your configuration: %s)\n", uc->problems.v[i]);
	free(conf);
	free(dir);
}

/* --trust, or a trust line of the reviewer's own configuration: never the project's. */
static bool
consented(const struct cli *cli, const struct project *p, const char *where)
{
	struct userconf uc = { 0 };
	char *env_py;
	bool yes = cli->trust;

	if (yes)
		return true;
	if (!(env_py = uptest_env_py(p)) || userconf_read(&uc, NULL, NULL) < 0) {
		cmd_error("migreview: out of memory\n");
	} else if (!(yes = userconf_trusts(&uc, p->ini_path, env_py))) {
		refuse(p, env_py, where, &uc);
	}
	userconf_free(&uc);
	free(env_py);
	return yes;
}

static int
run_tests(const struct cli *cli, struct project *p, struct graph *g, struct review *rv)
{
	struct mr_error err;
	const char **revs = NULL;
	size_t n;
	char *url = NULL, *runner = NULL, *where = NULL;
	bool tty = isatty(STDOUT_FILENO);
	struct uptest_options o = { .cancel = &interrupted, .output = show_output, .ctx = &tty };
	struct uptest_run run = { 0 };
	struct sigaction sa = { .sa_handler = on_interrupt }, old_int, old_term;
	int rc = EXIT_USAGE;

	if (pick(cli, g, &revs, &n) < 0)
		goto out;
	if (uptest_target(p, cli->database_url, &url, &err) < 0 || !(runner = review_reviewer(p->root))) {
		cmd_error("migreview: %s\n", runner ? err.msg : "out of memory");
		goto out;
	}
	if (!(where = uptest_target_text(url))) {
		cmd_error("migreview: out of memory\n");
		goto out;
	}
	if (!consented(cli, p, where))
		goto out;
	o.database_url = url;
	o.models = cli->models;
	o.rows = cli->rows;
	cmd_error("migreview: running migration code: Alembic with the project's env.py, "
		"up → down → up for %zu migration%s on %s\n", n, n == 1 ? "" : "s", where);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = uptest_run(p, revs, n, &o, &run, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (rc < 0)
		cmd_error("migreview: %s\n", err.msg);
	if (run.n && uptest_record(rv, &run, g, runner, &err) < 0)
		cmd_error("migreview: the results could not be recorded: %s\n", err.msg);
	else if (run.n)
		cmd_error("migreview: recorded in %s (%s, Alembic %s)\n", rv->path,
			run.database, run.alembic);
	rc = rc < 0 ? EXIT_USAGE : report_results(&run, g, n, cli->models);
out:
	uptest_run_free(&run);
	free(revs);
	free(url);
	free(where);
	free(runner);
	return rc;
}

int
cmd_test(const struct cli *cli)
{
	struct project p = { 0 };
	struct graph g = { 0 };
	struct review rv = { 0 };
	struct project_where where = cmd_where(cli);
	struct mr_error err;
	char *path = NULL;
	int rc = EXIT_USAGE;

	if (project_open_at(&p, &where, &err) < 0 ||
	    graph_load(&g, &p, REVISION_LOAD_BLOB, &err) < 0 ||
	    review_path(&p, &path, &err) < 0) {
		cmd_error("migreview: %s\n", err.msg);
		goto out;
	}
	for (size_t i = 0; i < p.notes.n; i++)
		cmd_error("migreview: note: %s\n", p.notes.v[i]);
	/* the evidence must have somewhere to go before anything runs */
	if (review_load(&rv, path, &err) < 0) {
		cmd_error("migreview: the review file cannot be read, so no result could be "
			"recorded: %s\n", err.msg);
		goto out;
	}
	rc = run_tests(cli, &p, &g, &rv);
out:
	free(path);
	review_free(&rv);
	graph_free(&g);
	project_free(&p);
	return rc;
}

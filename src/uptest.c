/* Up/down testing: runs the embedded runner (uptest.py) with the project's Python. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "migreview/uptest.h"
#include "migreview/util.h"

extern const char uptest_py[];
extern char **environ;

#define MARK "\x1emigreview: "  /* starts the runner's progress lines */
#define LOG_KEEP (256 * 1024)   /* a revision's output kept while it runs */
#define TAIL_LINES 40           /* what is recorded of it */
#define TAIL_BYTES 4000
#define KILL_GRACE_MS 5000      /* after SIGINT, before SIGKILL */
#define CATALOG_TEXT 300        /* bytes kept of one catalog difference */

/* ---- finding the interpreter ---- */

static char *
find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *out = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? mr_strdup(name) : NULL;
	copy = mr_strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !out;
	     dir = strtok_r(NULL, ":", &save)) {
		char *candidate = mr_path_join(*dir ? dir : ".", name);

		if (candidate && access(candidate, X_OK) == 0 && mr_is_file(candidate))
			out = candidate;
		else
			free(candidate);
	}
	free(copy);
	return out;
}

/* The interpreter on a script's #! line ("#!/usr/bin/env python3" too), or NULL. */
static char *
shebang_of(const char *script)
{
	char line[512], prog[512], arg[512], *text;
	size_t len, size;

	/* a FIFO or a device on PATH must not hold the test up */
	if (mr_read_file_head(script, MR_FILE_PROGRAM, sizeof(line) - 1, &text, &len, &size,
			      NULL, NULL) < 0)
		return NULL;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	if (strncmp(line, "#!", 2))
		return NULL;
	arg[0] = '\0';
	if (sscanf(line + 2, " %511s %511s", prog, arg) < 1)
		return NULL;
	if (!strcmp(strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog, "env"))
		return *arg ? find_in_path(arg) : NULL;
	return access(prog, X_OK) == 0 ? mr_strdup(prog) : NULL;
}

char *
uptest_python(const struct project *p, struct mr_error *err)
{
	const char *env = getenv("MIGREVIEW_PYTHON");
	char *setting = NULL, *out = NULL, *alembic;

	if (env && *env) {
		out = find_in_path(env);
		if (!out)
			mr_error_set(err, "MIGREVIEW_PYTHON names %s, which is not an executable", env);
		return out;
	}
	if (project_setting(p, "python", &setting, err) < 0)
		return NULL;
	if (setting) {
		out = find_in_path(setting);
		if (!out)
			mr_error_set(err, "%s: [migreview] python = %s is not an executable",
				     p->ini_path, setting);
		free(setting);
		return out;
	}
	alembic = find_in_path("alembic");
	out = alembic ? shebang_of(alembic) : NULL;
	free(alembic);
	if (!out)
		out = find_in_path("python3");
	if (!out)
		mr_error_set(err, "no Python to run Alembic with: no `alembic` and no python3 on "
			     "PATH; set MIGREVIEW_PYTHON or [migreview] python");
	return out;
}

int
uptest_target(const struct project *p, const char *given, char **url, struct mr_error *err)
{
	*url = NULL;
	if (given) {
		*url = mr_strdup(given);
		return *url ? 0 : mr_error_oom(err);
	}
	return project_setting(p, "test_database_url", url, err);
}

char *
uptest_env_py(const struct project *p)
{
	return mr_path_join(p->script_location, "env.py");
}

char *
uptest_target_text(const char *url)
{
	const char *host = url ? strstr(url, "://") : NULL;
	const char *end = host ? host + 3 + strcspn(host + 3, "/?#") : NULL;
	const char *at = NULL, *colon = NULL;

	if (!url)
		return mr_strdup("a temporary SQLite file");
	/* scheme://user:password@host/...: the password is nobody's business */
	for (const char *c = host ? host + 3 : url; host && c < end; c++)
		if (*c == '@')
			at = c;
	for (const char *c = host ? host + 3 : url; at && c < at && !colon; c++)
		if (*c == ':')
			colon = c;
	if (!colon)
		return mr_printf("a scratch database on %s", url);
	return mr_printf("a scratch database on %.*s***%s", (int)(colon + 1 - url), url, at);
}

/* ---- the scratch SQLite file ---- */

static void
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		char *path;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = mr_path_join(dir, e->d_name);
		if (path)
			unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static char *
scratch_dir(struct mr_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = mr_printf("%s/migreview-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!dir) {
		mr_error_oom(err);
		return NULL;
	}
	if (!mkdtemp(dir)) {
		mr_error_set(err, "cannot make a scratch directory %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* ---- the child ---- */

struct child {
	pid_t pid;
	int out;                        /* read end of its stdout and stderr */
};

/* The environment the runner gets: ours, unbuffered, writing no bytecode into the project. */
static char **
child_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PYTHONUNBUFFERED=", 17) &&
		    strncmp(environ[i], "PYTHONDONTWRITEBYTECODE=", 24))
			env[k++] = environ[i];
	env[k++] = "PYTHONUNBUFFERED=1";
	env[k++] = "PYTHONDONTWRITEBYTECODE=1";
	return env;
}

static int
spawn(struct child *c, char *const argv[], struct mr_error *err)
{
	int out[2] = { -1, -1 }, devnull;
	char **env = child_env();

	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!env || devnull < 0 || pipe2(out, O_CLOEXEC) < 0) {
		mr_error_set(err, "cannot start the runner: %s", strerror(errno));
		goto fail;
	}
	c->pid = fork();
	if (c->pid < 0) {
		mr_error_set(err, "cannot start the runner: %s", strerror(errno));
		goto fail;
	}
	if (c->pid == 0) {
		/* only async-signal-safe calls from here to exec: the UI has threads */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(127);
		execve(argv[0], argv, env);
		_exit(127);
	}
	setpgid(c->pid, c->pid);
	close(out[1]);
	close(devnull);
	free(env);
	c->out = out[0];
	fcntl(c->out, F_SETFL, O_NONBLOCK);
	return 0;
fail:
	for (int i = 0; i < 2; i++)
		if (out[i] >= 0)
			close(out[i]);
	if (devnull >= 0)
		close(devnull);
	free(env);
	return -1;
}

/* ---- reading what it says ---- */

struct reader {
	const struct uptest_options *o;
	struct uptest_run *run;
	char *log;                      /* the current revision's output (its last LOG_KEEP bytes) */
	size_t log_len;
	char *all;                      /* everything, for a runner that dies saying nothing */
	size_t all_len;
	char *pending;                  /* a line not yet ended */
	size_t pending_len;
	char *problem;                  /* an "error" line */
	char *current;                  /* the revision running */
	struct uptest_catalog down, again;      /* the current revision's, so far */
	struct uptest_evidence evidence;        /* the current revision's, so far */
};

/* Keeps the last LOG_KEEP bytes of text in *buf. */
static int
keep_tail(char **buf, size_t *len, const char *text, size_t n)
{
	char *grown;

	if (n >= LOG_KEEP) {
		text += n - LOG_KEEP;
		n = LOG_KEEP;
	}
	if (*len + n > LOG_KEEP) {
		size_t drop = *len + n - LOG_KEEP;

		memmove(*buf, *buf + drop, *len - drop);
		*len -= drop;
	}
	grown = realloc(*buf, *len + n + 1);
	if (!grown)
		return -1;
	*buf = grown;
	memcpy(*buf + *len, text, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

/* The last TAIL_LINES lines (at most TAIL_BYTES) of log, as valid UTF-8. */
static char *
log_tail(const char *log, size_t len)
{
	size_t start = len, lines = 0;
	char *raw, *out;

	while (len && (log[len - 1] == '\n' || log[len - 1] == '\r'))
		len--;
	start = len;
	while (start > 0 && len - start < TAIL_BYTES) {
		if (log[start - 1] == '\n' && ++lines == TAIL_LINES)
			break;
		start--;
	}
	/* start on a character, not inside one */
	while (start < len && ((unsigned char)log[start] & 0xC0) == 0x80)
		start++;
	raw = malloc(len - start + 1);
	if (!raw)
		return NULL;
	memcpy(raw, log + start, len - start);
	raw[len - start] = '\0';
	for (size_t i = 0; i < len - start; i++)
		if (raw[i] == '\0')
			raw[i] = ' ';
	out = mr_utf8_repair(raw);
	free(raw);
	return out;
}

/* ---- evidence: what the runner saw of the database ---- */

static void
catalog_free(struct uptest_catalog *c)
{
	strvec_free(&c->differences);
	free(c->error);
	memset(c, 0, sizeof(*c));
}

/* A line of our own among the runner's output (takes text): shown and kept as output is. */
static int
note(struct reader *r, char *text)
{
	size_t len = text ? strlen(text) : 0;
	int rc = text ? 0 : -1;

	if (text && r->o->output)
		r->o->output(r->o->ctx, text, len);
	if (text && (keep_tail(&r->log, &r->log_len, text, len) < 0 ||
		     keep_tail(&r->all, &r->all_len, text, len) < 0))
		rc = -1;
	free(text);
	return rc;
}

/* A count the runner gave, or 0: nothing it says can make one overflow. */
static size_t
catalog_count(json_t *v)
{
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

	return n > 0 ? (size_t)(n < 1000000 ? n : 1000000) : 0;
}

/* The strings of list into v, up to UPTEST_CATALOG_SHOWN; the rest, and any non-string, counted. */
static int
add_differences(struct strvec *v, size_t *more, json_t *list)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item) {
		const char *text = json_string_value(item);
		char *kept;

		if (!text || v->n >= UPTEST_CATALOG_SHOWN) {
			++*more;
			continue;
		}
		if (!(kept = mr_utf8_cut(text, CATALOG_TEXT)) || strvec_push_owned(v, kept) < 0)
			return -1;
	}
	return 0;
}

/*
 * {"kind": "catalog", "against": STEP, "objects": N, "differences": [TEXT...],
 * "more": N, "upgrade_changes": N} or {"kind": "catalog", "error": TEXT}, for
 * the downgrade or the re-upgrade of the revision running.  A second line for
 * the same step adds to the first: no line can take a difference back.
 */
static int
catalog_evidence(struct reader *r, const char *rev, const char *step, json_t *o)
{
	struct uptest_catalog *c = !strcmp(step, "downgrade") ? &r->down :
				   !strcmp(step, "re-upgrade") ? &r->again : NULL;
	const char *error = json_string_value(json_object_get(o, "error"));

	if (!c || !r->current || strcmp(rev, r->current))
		return note(r, mr_printf("migreview: ignored catalog evidence for the %s step of "
					 "%s, not a step of the revision running\n", step, rev));
	c->compared = true;
	if (error && !c->error && !(c->error = mr_utf8_cut(error, CATALOG_TEXT)))
		return -1;
	c->objects = catalog_count(json_object_get(o, "objects"));
	c->upgrade_changes = catalog_count(json_object_get(o, "upgrade_changes"));
	c->more += catalog_count(json_object_get(o, "more"));
	return add_differences(&c->differences, &c->more, json_object_get(o, "differences"));
}

static void
models_free(struct uptest_models *m)
{
	strvec_free(&m->heads);
	strvec_free(&m->differences);
	free(m->skipped);
	free(m->error);
	memset(m, 0, sizeof(*m));
}

/* The first value a line gave for *slot stays: set it from o's key, if a string. */
static int
first_text(char **slot, json_t *o, const char *key)
{
	const char *text = json_string_value(json_object_get(o, key));

	if (!text || *slot)
		return 0;
	*slot = mr_utf8_cut(text, CATALOG_TEXT);
	return *slot ? 0 : -1;
}

/*
 * {"kind": "models", "heads": [REV...], "tables": N, "differences": [TEXT...],
 * "more": N}, or with "skipped" or "error" instead, at the step "models" of
 * the last revision, when the models were asked for.  As with the catalog,
 * a second line adds to the first.
 */
static int
models_evidence(struct reader *r, const char *rev, const char *step, json_t *o)
{
	struct uptest_models *m = &r->run->models;
	json_t *heads = json_object_get(o, "heads"), *item;
	bool said = m->heads.n > 0;     /* the first line's heads are the run's */
	size_t i;

	if (!r->o->models || strcmp(step, "models") || !r->current || strcmp(rev, r->current))
		return note(r, mr_printf("migreview: ignored models evidence for the %s step of %s%s\n",
					 step, rev, r->o->models ? ", not the models step of the "
					 "revision running" : ": the models were not asked for"));
	m->compared = true;
	if (first_text(&m->skipped, o, "skipped") < 0 || first_text(&m->error, o, "error") < 0)
		return -1;
	m->tables = catalog_count(json_object_get(o, "tables"));
	m->more += catalog_count(json_object_get(o, "more"));
	json_array_foreach(heads, i, item) {
		char *kept;

		if (said || !json_is_string(item) || i >= UPTEST_CATALOG_SHOWN)
			continue;
		if (!(kept = mr_utf8_cut(json_string_value(item), CATALOG_TEXT)) ||
		    strvec_push_owned(&m->heads, kept) < 0)
			return -1;
	}
	return add_differences(&m->differences, &m->more, json_object_get(o, "differences"));
}

/*
 * An "evidence REV STEP JSON" line: a JSON object whose "kind" says who reads
 * it: the catalog's and the models' here, the rest by uptest_evidence_add().
 * The runner shares its output with env.py, which can print anything: a line
 * that is not such an object is counted there and ignored.
 */
static int
evidence_line(struct reader *r, const char *rev, const char *step, const char *text)
{
	json_t *o = step && text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *kind = json_string_value(json_object_get(o, "kind"));
	int rc = 0;

	if (kind && !strcmp(kind, "catalog"))
		rc = catalog_evidence(r, rev, step, o);
	else if (kind && !strcmp(kind, "models"))
		rc = models_evidence(r, rev, step, o);
	else if (!r->current || strcmp(r->current, rev))
		/* only the revision running has evidence; the rest is counted, not used */
		rc = uptest_evidence_add(&r->evidence, NULL, NULL);
	else
		rc = uptest_evidence_add(&r->evidence, step, text);
	json_decref(o);
	return rc;
}

/* "downgrade left a trace: A; B (+3 more)", for the record of a revision. */
static char *
catalog_words(const struct uptest_catalog *c, const char *what, char *before)
{
	char *out = before ? mr_printf("%s; %s:", before, what) : mr_printf("%s:", what);

	free(before);
	for (size_t i = 0; out && i < c->differences.n; i++) {
		char *longer = mr_printf("%s%s %s", out, i ? ";" : "", c->differences.v[i]);

		free(out);
		out = longer;
	}
	if (out && c->more) {
		char *longer = mr_printf("%s (+%zu more)", out, c->more);

		free(out);
		out = longer;
	}
	return out;
}

static bool
catalog_differs(const struct uptest_catalog *c)
{
	return c->differences.n || c->more;
}

/* A run whose steps all succeeded fails where the catalog differed: a trace is no pass. */
static int
catalog_verdict(struct uptest_result *res)
{
	char *words = NULL;

	if (res->outcome != TEST_PASSED || (!catalog_differs(&res->down) &&
					    !catalog_differs(&res->again)))
		return 0;
	if (catalog_differs(&res->down) &&
	    !(words = catalog_words(&res->down, "downgrade left a trace", NULL)))
		return -1;
	if (catalog_differs(&res->again) &&
	    !(words = catalog_words(&res->again, "re-upgrade differs from upgrade", words)))
		return -1;
	res->outcome = TEST_FAILED;
	res->trace = true;
	res->error = words;
	res->step = mr_strdup(catalog_differs(&res->down) ? "downgrade" : "re-upgrade");
	return res->step ? 0 : -1;
}

static int
add_result(struct reader *r, const char *rev, enum test_outcome outcome, const char *step,
	   const char *error)
{
	struct uptest_run *run = r->run;
	struct uptest_result *res;

	if (mr_grow(&run->v, &run->cap, run->n + 1, sizeof(*run->v)) < 0)
		return -1;
	res = &run->v[run->n];
	*res = (struct uptest_result){
		.revision = mr_strdup(rev),
		.outcome = outcome,
		.step = step ? mr_strdup(step) : NULL,
		.error = error && *error ? mr_utf8_repair(error) : NULL,
		.log = log_tail(r->log ? r->log : "", r->log_len),
	};
	if (!res->revision || !res->log || (step && !res->step) || (error && *error && !res->error)) {
		free(res->revision);
		free(res->step);
		free(res->error);
		free(res->log);
		return -1;
	}
	/* what the runner said of another revision is not this one's */
	if (r->current && !strcmp(r->current, rev)) {
		res->evidence = r->evidence;
		memset(&r->evidence, 0, sizeof(r->evidence));
	}
	run->n++;
	res->down = r->down;
	res->again = r->again;
	memset(&r->down, 0, sizeof(r->down));
	memset(&r->again, 0, sizeof(r->again));
	return catalog_verdict(res);
}

/* One status line of the runner (see uptest.py). */
static int
status_line(struct reader *r, char *line)
{
	char *word = strtok_r(line, " ", &line), *rev, *step;

	if (!word)
		return 0;
	if (!strcmp(word, "error")) {
		free(r->problem);
		r->problem = mr_strdup(line ? line : "");
		return r->problem ? 0 : -1;
	}
	if (!strcmp(word, "alembic") || !strcmp(word, "database")) {
		char **slot = !strcmp(word, "alembic") ? &r->run->alembic : &r->run->database;

		free(*slot);
		*slot = mr_strdup(line ? line : "");
		return *slot ? 0 : -1;
	}
	rev = strtok_r(NULL, " ", &line);
	step = strtok_r(NULL, " ", &line);
	if (!rev)
		return 0;
	if (!strcmp(word, "step")) {
		/* a new revision's output starts with its first step */
		if (!r->current || strcmp(r->current, rev)) {
			free(r->current);
			r->current = mr_strdup(rev);
			r->log_len = 0;
			catalog_free(&r->down);
			catalog_free(&r->again);
			uptest_evidence_free(&r->evidence);
			if (!r->current)
				return -1;
		}
		if (r->o->step)
			r->o->step(r->o->ctx, rev, step ? step : "");
		return 0;
	}
	if (!strcmp(word, "pass"))
		return add_result(r, rev, TEST_PASSED, NULL, NULL);
	if (!strcmp(word, "fail"))
		return add_result(r, rev, TEST_FAILED, step ? step : "?", line);
	if (!strcmp(word, "evidence"))
		return evidence_line(r, rev, step, line);
	if (!strcmp(word, "interrupted"))
		r->run->interrupted = true;
	return 0;
}

/* One line of the runner's output: progress, or output to show and keep. */
static int
output_line(struct reader *r, char *line, size_t len)
{
	if (len > strlen(MARK) && !strncmp(line, MARK, strlen(MARK))) {
		line[len - 1] = '\0';
		return status_line(r, line + strlen(MARK));
	}
	if (r->o->output)
		r->o->output(r->o->ctx, line, len);
	if (keep_tail(&r->log, &r->log_len, line, len) < 0 ||
	    keep_tail(&r->all, &r->all_len, line, len) < 0)
		return -1;
	return 0;
}

/*
 * Reads what is there, line by line; 0 at end of file, 1 when more may
 * come, -1 out of memory.  A line that has not ended waits for its end
 * (at the end of the output it goes as it is).
 */
static int
drain(struct reader *r, int fd)
{
	char buf[8192];

	for (;;) {
		ssize_t got = read(fd, buf, sizeof(buf));
		size_t start = 0;
		char *grown;

		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			return 1;
		if (got <= 0) {
			if (r->pending_len && output_line(r, r->pending, r->pending_len) < 0)
				return -1;
			r->pending_len = 0;
			return 0;
		}
		grown = realloc(r->pending, r->pending_len + (size_t)got + 1);
		if (!grown)
			return -1;
		r->pending = grown;
		memcpy(r->pending + r->pending_len, buf, (size_t)got);
		r->pending_len += (size_t)got;
		for (size_t i = 0; i < r->pending_len; i++) {
			if (r->pending[i] != '\n')
				continue;
			if (output_line(r, r->pending + start, i + 1 - start) < 0)
				return -1;
			start = i + 1;
		}
		memmove(r->pending, r->pending + start, r->pending_len - start);
		r->pending_len -= start;
		/* a line that never ends (a progress bar) is shown in pieces */
		if (r->pending_len > 65536) {
			if (output_line(r, r->pending, r->pending_len) < 0)
				return -1;
			r->pending_len = 0;
		}
	}
}

/* Runs the child to its end, reading its output; its wait status. */
static int
supervise(struct child *c, struct reader *r, struct mr_error *err)
{
	bool open = true, asked = false;
	long long asked_at = 0;
	int wstatus = 0;

	while (open) {
		struct pollfd fd = { c->out, POLLIN, 0 };
		int rc;

		if (r->o->cancel && atomic_load(r->o->cancel) && !asked) {
			/* as Ctrl-C would: the runner drops its scratch database on the way out */
			kill(-c->pid, SIGINT);
			asked = true;
			asked_at = mr_now_ms();
		}
		if (asked && mr_now_ms() - asked_at > KILL_GRACE_MS)
			kill(-c->pid, SIGKILL);
		if (poll(&fd, 1, 100) < 0 && errno != EINTR)
			break;
		rc = drain(r, c->out);
		if (rc < 0)
			return mr_error_oom(err);
		open = rc > 0;
	}
	while (waitpid(c->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	return wstatus;
}

/*
 * The directories the runner puts first on sys.path, one a line: those the
 * project's package resources were found in, so that Alembic imports the
 * packages migreview read.
 */
static char *
sys_path_of(const struct project *p)
{
	char *out = mr_strdup("");

	for (size_t i = 0; out && i < p->package_roots.n; i++) {
		char *longer = mr_printf("%s%s%s", out, i ? "\n" : "", p->package_roots.v[i]);

		free(out);
		out = longer;
	}
	return out;
}

static char **
runner_argv(const char *python, const struct project *p, const char *url, bool models,
	    const char *rows, char *sys_path, const char *const *revs, size_t n)
{
	char **argv = calloc(n + 12, sizeof(*argv));
	size_t k = 0;

	if (!argv)
		return NULL;
	argv[k++] = (char *)python;
	argv[k++] = "-c";
	argv[k++] = (char *)uptest_py;
	argv[k++] = p->has_ini ? p->ini_path : "";
	argv[k++] = project_has_tool_alembic(p) ? p->toml.path : "";
	argv[k++] = p->section;
	/* -d, the ini's own directory, a resource: Alembic is told the directory read here */
	argv[k++] = p->script_from == PROJECT_SCRIPT_PATH ? "" : p->script_location;
	argv[k++] = sys_path;
	argv[k++] = (char *)url;
	argv[k++] = models ? "models" : "";
	argv[k++] = (char *)rows;
	for (size_t i = 0; i < n; i++)
		argv[k++] = (char *)revs[i];
	return argv;
}

/* Why a run that gave no results ended, from its wait status and what it said. */
static int
explain_end(struct reader *r, int wstatus, struct mr_error *err)
{
	const struct uptest_run *run = r->run;

	if (r->problem)
		return mr_error_set(err, "%s", r->problem);
	if (run->interrupted)
		return 0;
	/* 0: all passed; 1: the last result says what failed */
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && run->alembic)
		return 0;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 1 && run->n &&
	    run->v[run->n - 1].outcome == TEST_FAILED)
		return 0;
	{
		char *tail = log_tail(r->all ? r->all : "", r->all_len);
		int rc = mr_error_set(err, "the runner (%s) stopped without a result (%s %d)%s%s",
				      r->run->python,
				      WIFSIGNALED(wstatus) ? "signal" : "exit status",
				      WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus),
				      tail && *tail ? ":\n" : "", tail ? tail : "");

		free(tail);
		return rc;
	}
}

int
uptest_run(const struct project *p, const char *const *revs, size_t n,
	   const struct uptest_options *o, struct uptest_run *out, struct mr_error *err)
{
	struct reader r = { .o = o, .run = out };
	struct child c = { .pid = -1, .out = -1 };
	char *dir = NULL, *url = NULL, *sys_path = NULL, *rows = NULL, **argv = NULL;
	int rc = -1, wstatus;

	memset(out, 0, sizeof(*out));
	out->python = uptest_python(p, err);
	if (!out->python)
		return -1;
	if (o->database_url) {
		url = mr_strdup(o->database_url);
	} else {
		dir = scratch_dir(err);
		if (!dir)
			return -1;
		url = mr_printf("sqlite:///%s/scratch.db", dir);
	}
	sys_path = sys_path_of(p);
	rows = o->rows > 0 ? mr_printf("%ld", o->rows) : mr_strdup("");
	argv = url && sys_path && rows ?
		runner_argv(out->python, p, url, o->models, rows, sys_path, revs, n) : NULL;
	if (!argv) {
		mr_error_oom(err);
		goto out;
	}
	if (spawn(&c, argv, err) < 0)
		goto out;
	wstatus = supervise(&c, &r, err);
	close(c.out);
	if (wstatus >= 0)
		rc = explain_end(&r, wstatus, err) < 0 ? -1 : 0;
out:
	if (dir)
		remove_tree(dir);
	free(dir);
	free(url);
	free(sys_path);
	free(rows);
	free(argv);
	free(r.log);
	free(r.all);
	free(r.problem);
	free(r.pending);
	free(r.current);
	catalog_free(&r.down);
	catalog_free(&r.again);
	uptest_evidence_free(&r.evidence);
	if (!out->alembic)
		out->alembic = mr_strdup("");
	if (!out->database)
		out->database = mr_strdup(o->database_url ? "" : "sqlite");
	if (!out->alembic || !out->database)
		rc = mr_error_oom(err);
	return rc;
}

/*
 * What the models comparison found, for a run of revision: kept with a
 * head's run (the models were compared there), NULL for any other or when
 * the models were not asked for.  m's texts are borrowed.
 */
static bool
models_of(const struct uptest_models *m, const char *revision, struct run_models *out)
{
	_Static_assert(CATALOG_TEXT <= REVIEW_MODELS_TEXT, "a difference fits the review file");

	if (!m->compared || !strvec_contains(&m->heads, revision))
		return false;
	*out = (struct run_models){ .result = MODELS_MATCH };
	/* an error or a missing target_metadata: nothing was compared, whatever was said */
	if (m->error || (m->skipped && !m->differences.n && !m->more)) {
		out->result = MODELS_NOT_COMPARED;
		return true;
	}
	if (m->differences.n || m->more)
		out->result = MODELS_DRIFTED;
	out->more = m->more;
	/* the file keeps no empty text: such a difference is only counted */
	for (size_t i = 0; i < m->differences.n; i++)
		if (out->n_differences < REVIEW_MODELS_LIST && *m->differences.v[i])
			out->differences[out->n_differences++] = m->differences.v[i];
		else
			out->more++;
	/* many lines of a runner's each add to the count: the file's reader takes so many */
	if (out->more > REVIEW_MODELS_MORE)
		out->more = REVIEW_MODELS_MORE;
	return true;
}

int
uptest_record(struct review *rv, const struct uptest_run *run, const struct graph *g,
	      const char *runner, struct mr_error *err)
{
	struct test_run *runs = calloc(run->n + 1, sizeof(*runs));
	struct run_models *models = calloc(run->n + 1, sizeof(*models));
	size_t k = 0;
	int rc = 0;

	if (!runs || !models) {
		free(runs);
		free(models);
		return mr_error_oom(err);
	}
	for (size_t i = 0; i < run->n && rc == 0; i++) {
		const struct uptest_result *res = &run->v[i];
		size_t at = graph_find(g, res->revision);
		struct run_evidence *evidence = NULL;
		const char *script;

		if (at >= g->n || !g->revs[at].blob[0])
			continue;
		/* the runner names a statement's script by its file name */
		script = strrchr(g->revs[at].relpath, '/');
		script = script ? script + 1 : g->revs[at].relpath;
		/* what is worth keeping is PostgreSQL's: locks and rewrites (SQLite locks the
		   file; its durations alone would only make the file differ run to run) */
		if (!strcmp(run->database, "postgresql"))
			rc = uptest_evidence_summary(&res->evidence, script, &evidence);
		runs[k++] = (struct test_run){
			.revision = res->revision,
			.database = run->database,
			.outcome = res->outcome,
			.step = res->step,
			.error = res->error,
			.runner = (char *)runner,
			.blob = (char *)g->revs[at].blob,
			.alembic = *run->alembic ? run->alembic : "unknown",
			.log = res->log,
			.evidence = evidence,
		};
		if (models_of(&run->models, res->revision, &models[k - 1]))
			runs[k - 1].models = &models[k - 1];
	}
	if (rc < 0)
		mr_error_oom(err);
	else
		rc = review_record_runs(rv, runs, k, err);
	for (size_t i = 0; i < k; i++)
		run_evidence_free(runs[i].evidence);
	free(runs);
	free(models);
	return rc;
}

void
uptest_run_free(struct uptest_run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		free(run->v[i].revision);
		free(run->v[i].step);
		free(run->v[i].error);
		free(run->v[i].log);
		catalog_free(&run->v[i].down);
		catalog_free(&run->v[i].again);
		uptest_evidence_free(&run->v[i].evidence);
	}
	models_free(&run->models);
	free(run->v);
	free(run->python);
	free(run->alembic);
	free(run->database);
	memset(run, 0, sizeof(*run));
}

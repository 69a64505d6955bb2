/* The review file: read, merged newest-wins into the records, saved atomically. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "migreview/trust.h"
#include "migreview/util.h"
#include "review_int.h"

#define HEADER_KEY "migreview-review"

/* ---- reading ---- */

static const char *
field(json_t *obj, const char *name, bool nullable, const char **why)
{
	json_t *v = json_object_get(obj, name);

	if (nullable && (!v || json_is_null(v)))
		return NULL;
	if (!v || !json_is_string(v) || !json_string_length(v)) {
		if (!*why)
			*why = name;    /* the first field that is wrong */
		return NULL;
	}
	return json_string_value(v);
}

static bool
is_blob(const char *s)
{
	if (strlen(s) != REVIEW_BLOB_HEX)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* One decision line; on a bad one, err says why ("path:line: ..."). */
static int
read_decision(struct review *rv, json_t *obj, const char *path, size_t line,
	      struct mr_error *err)
{
	const char *why = NULL;
	const char *revision = field(obj, "revision", false, &why);
	const char *item = field(obj, "item", false, &why);
	const char *status = field(obj, "status", false, &why);
	const char *reason = field(obj, "reason", true, &why);
	const char *reviewer = field(obj, "reviewer", false, &why);
	const char *timestamp = field(obj, "timestamp", false, &why);
	const char *blob = field(obj, "blob", false, &why);
	const char *sig = field(obj, "sig", true, &why);
	struct decision d;
	int st;

	if (why)
		return mr_error_set(err, "%s:%zu: '%s' must be a non-empty string", path, line, why);
	st = decision_status_parse(status);
	if (st < 0)
		return mr_error_set(err, "%s:%zu: status '%s' is not accepted, waived, blocked "
				    "or cleared", path, line, status);
	if ((st == DECISION_WAIVED || st == DECISION_BLOCKED) && !reason)
		return mr_error_set(err, "%s:%zu: a %s decision needs a reason", path, line, status);
	if (!is_blob(blob))
		return mr_error_set(err, "%s:%zu: blob '%s' is not a git blob id", path, line, blob);
	d = (struct decision){ (char *)revision, (char *)item, (enum decision_status)st,
			       (char *)reason, (char *)reviewer, (char *)timestamp, (char *)blob,
			       (char *)sig, NULL };
	{
		struct decision copy;

		if (decision_copy(&copy, &d) < 0 || records_append_decision(rv, &copy) < 0)
			return mr_error_oom(err);
	}
	return 0;
}

/* One test run line (it has "test" where a decision has "item"). */
static int
read_run(struct review *rv, json_t *obj, const char *path, size_t line, struct mr_error *err)
{
	const char *why = NULL;
	const char *revision = field(obj, "revision", false, &why);
	const char *outcome = field(obj, "test", false, &why);
	const char *database = field(obj, "database", false, &why);
	const char *step = field(obj, "step", true, &why);
	const char *error = field(obj, "error", true, &why);
	const char *runner = field(obj, "runner", false, &why);
	const char *timestamp = field(obj, "timestamp", false, &why);
	const char *blob = field(obj, "blob", false, &why);
	const char *alembic = field(obj, "alembic", false, &why);
	json_t *log = json_object_get(obj, "log");
	struct run_evidence *evidence = NULL;
	struct run_models *models = NULL;
	struct test_run t, copy;
	int rc;

	if (why)
		return mr_error_set(err, "%s:%zu: '%s' must be a non-empty string", path, line, why);
	if (!log || !json_is_string(log))
		return mr_error_set(err, "%s:%zu: 'log' must be a string", path, line);
	if (strcmp(outcome, "passed") && strcmp(outcome, "failed"))
		return mr_error_set(err, "%s:%zu: test '%s' is not passed or failed", path, line,
				    outcome);
	if (!is_blob(blob))
		return mr_error_set(err, "%s:%zu: blob '%s' is not a git blob id", path, line, blob);
	if (evidence_read(json_object_get(obj, "evidence"), &evidence, &why) < 0)
		return !strcmp(why, "out of memory") ? mr_error_oom(err) :
		       !strcmp(why, "evidence") ?
		       mr_error_set(err, "%s:%zu: 'evidence' must be a list of steps", path, line) :
		       mr_error_set(err, "%s:%zu: the evidence's '%s' is malformed or out of range",
				    path, line, why);
	if (models_read(json_object_get(obj, "models"), &models, &why) < 0) {
		run_evidence_free(evidence);
		return !strcmp(why, "out of memory") ? mr_error_oom(err) :
		       !strcmp(why, "models") ?
		       mr_error_set(err, "%s:%zu: 'models' must be an object", path, line) :
		       mr_error_set(err, "%s:%zu: the models' '%s' is malformed or out of range",
				    path, line, why);
	}
	t = (struct test_run){
		.revision = (char *)revision,
		.database = (char *)database,
		.outcome = strcmp(outcome, "passed") ? TEST_FAILED : TEST_PASSED,
		.step = (char *)step,
		.error = (char *)error,
		.runner = (char *)runner,
		.timestamp = (char *)timestamp,
		.blob = (char *)blob,
		.alembic = (char *)alembic,
		.log = (char *)json_string_value(log),
		.evidence = evidence,
		.models = models,
	};
	rc = run_copy(&copy, &t) < 0 || records_append_run(rv, &copy) < 0 ? mr_error_oom(err) : 0;
	run_evidence_free(evidence);
	run_models_free(models);
	return rc;
}

static int
read_line(struct review *rv, const char *text, size_t len, const char *path, size_t line,
	  struct mr_error *err)
{
	json_error_t jerr;
	json_t *obj, *header;
	int rc = 0;

	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return mr_error_set(err, "%s:%zu:%d: %s", path, line, jerr.column, jerr.text);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return mr_error_set(err, "%s:%zu:1: a line must be a JSON object", path, line);
	}
	header = json_object_get(obj, HEADER_KEY);
	if (header) {
		if (!json_is_integer(header) || json_integer_value(header) < 1)
			rc = mr_error_set(err, "%s:%zu: the header's format must be a number",
					  path, line);
		else if (json_integer_value(header) > REVIEW_FORMAT)
			rc = mr_error_set(err, "%s:%zu: format %lld is newer than this migreview "
					  "reads (%d): update migreview", path, line,
					  (long long)json_integer_value(header), REVIEW_FORMAT);
	} else if (json_object_get(obj, "test")) {
		rc = read_run(rv, obj, path, line, err);
	} else {
		rc = read_decision(rv, obj, path, line, err);
	}
	json_decref(obj);
	return rc;
}

/*
 * Lines that are no JSON but something a person can fix: the markers git
 * leaves in a conflicted merge, and the byte order mark some editors write.
 */
static int
known_damage(const char *s, size_t n, const char *path, size_t line, struct mr_error *err)
{
	static const char *const markers[] = { "<<<<<<< ", "=======", ">>>>>>> ", "||||||| " };

	for (size_t k = 0; k < MR_ARRAY_SIZE(markers); k++) {
		size_t m = strlen(markers[k]);

		if (n >= m && !memcmp(s, markers[k], m) && (m > 7 || n == 7 || s[7] == '\r'))
			/* the fix first: a status line shows only the start */
			return mr_error_set(err, "%s:%zu: git merge conflict markers: keep both "
					    "sides' lines, delete the <<<<<<< ======= >>>>>>> lines "
					    "(a merge left them; 'merge=union' in .gitattributes "
					    "avoids it)", path, line);
	}
	if (line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		return mr_error_set(err, "%s:1:1: the file starts with a byte order mark (an "
				    "editor saved it as 'UTF-8 with BOM'): save it as plain UTF-8",
				    path);
	return 0;
}

static int
parse(struct review *rv, const char *buf, size_t len, const char *path, struct mr_error *err)
{
	size_t line = 0;

	for (size_t at = 0; at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - buf) : len;

		line++;
		if (memchr(buf + at, '\0', end - at))
			return mr_error_set(err, "%s:%zu: a NUL byte: this is not a review file",
					    path, line);
		if (known_damage(buf + at, end - at, path, line, err) < 0)
			return -1;
		/* blank lines carry nothing; anything else must parse */
		if (strspn(buf + at, " \t\r") < end - at &&
		    read_line(rv, buf + at, end - at, path, line, err) < 0)
			return -1;
		at = end + 1;
	}
	return 0;
}

static void
remember(struct review *rv)
{
	rv->seen = rv->path ? mr_stamp_of(rv->path) : (struct mr_stamp){ 0, 0, 0 };
}

bool
review_changed_on_disk(const struct review *rv)
{
	return !mr_stamp_equal(rv->path ? mr_stamp_of(rv->path) : (struct mr_stamp){ 0, 0, 0 },
			       rv->seen);
}

/*
 * The review file is read and written only as a regular file: a symbolic
 * link could make a repository's review file read a secret into an error
 * message or write over the reviewer's own files, and a device or a FIFO
 * never ends.  A file that is not there is fine (0, *mode 0).
 */
static int
review_file_kind(const char *path, mode_t *mode, struct mr_error *err)
{
	struct stat st;

	if (mode)
		*mode = 0;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : mr_error_set(err, "%s: %s", path, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return mr_error_set(err, "%s: the review file is a symbolic link; migreview reads "
				    "and writes it only as a regular file in the project", path);
	if (!S_ISREG(st.st_mode))
		return mr_error_set(err, "%s: the review file is not a regular file", path);
	if (mode)
		*mode = st.st_mode & 07777;
	return 0;
}

/* Reads path into rv's decisions (merged with what is there). */
static int
read_file(struct review *rv, const char *path, struct mr_error *err)
{
	char *buf;
	size_t len;
	int rc;

	if (review_file_kind(path, NULL, err) < 0)
		return -1;
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	if (mr_read_file(path, MR_FILE_REVIEW, &buf, &len, err) < 0)
		return -1;
	rc = parse(rv, buf, len, path, err);
	free(buf);
	if (rc == 0 && records_settle(rv) < 0)
		rc = mr_error_oom(err);
	return rc;
}

int
review_load(struct review *rv, const char *path, struct mr_error *err)
{
	memset(rv, 0, sizeof(*rv));
	rv->path = mr_strdup(path);
	if (!rv->path)
		return mr_error_oom(err);
	/* the file as it was before it was read: a change while reading is seen later */
	remember(rv);
	if (read_file(rv, path, err) < 0) {
		records_clear(rv);
		rv->seen = (struct mr_stamp){ 0, 0, 0 };
		return -1;
	}
	return 0;
}

/* rv's records become from's (which is left empty). */
static void
adopt_records(struct review *rv, struct review *from)
{
	records_free(rv);
	rv->v = from->v;
	rv->n = from->n;
	rv->cap = from->cap;
	rv->runs = from->runs;
	rv->n_runs = from->n_runs;
	rv->cap_runs = from->cap_runs;
	from->v = NULL;
	from->runs = NULL;
	from->n = from->cap = from->n_runs = from->cap_runs = 0;
}

int
review_merge_text(struct review *rv, const char *label, const char *text, size_t len,
		  struct mr_error *err)
{
	struct review other = { 0 };
	int rc = parse(&other, text, len, label, err);

	if (rc == 0 && records_settle(&other) < 0)
		rc = mr_error_oom(err);
	if (rc == 0 && records_merge(rv, &other) < 0)
		rc = mr_error_oom(err);
	records_free(&other);
	return rc;
}

int
review_refresh(struct review *rv, struct mr_error *err)
{
	struct review disk = { .path = rv->path };
	int rc = 0;

	/* stamped before it is read: a save landing while it is read is read next time */
	remember(rv);
	/* read whole first: a broken file changes nothing shown */
	if (read_file(&disk, rv->path, err) < 0) {
		records_free(&disk);
		return -1;
	}
	/* the file is the truth: what it no longer has is gone, but for what is not saved yet */
	if (rv->pending && records_merge(&disk, rv->pending) < 0)
		rc = mr_error_oom(err);
	if (rc == 0)
		adopt_records(rv, &disk);
	records_free(&disk);
	return rc;
}

/* ---- writing ---- */

static json_t *
decision_json(const struct decision *d)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	/* the order of SPEC §6, kept by JSON_PRESERVE_ORDER */
	json_object_set_new(o, "revision", json_string(d->revision));
	json_object_set_new(o, "item", json_string(d->item));
	json_object_set_new(o, "status", json_string(decision_status_name(d->status)));
	json_object_set_new(o, "reason", d->reason ? json_string(d->reason) : json_null());
	json_object_set_new(o, "reviewer", json_string(d->reviewer));
	json_object_set_new(o, "timestamp", json_string(d->timestamp));
	json_object_set_new(o, "blob", json_string(d->blob));
	if (d->sig)
		json_object_set_new(o, "sig", json_string(d->sig));
	return o;
}

static json_t *
run_json(const struct test_run *t)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "revision", json_string(t->revision));
	json_object_set_new(o, "test", json_string(test_outcome_name(t->outcome)));
	json_object_set_new(o, "database", json_string(t->database));
	json_object_set_new(o, "step", t->step ? json_string(t->step) : json_null());
	json_object_set_new(o, "error", t->error ? json_string(t->error) : json_null());
	json_object_set_new(o, "runner", json_string(t->runner));
	json_object_set_new(o, "timestamp", json_string(t->timestamp));
	json_object_set_new(o, "blob", json_string(t->blob));
	json_object_set_new(o, "alembic", json_string(t->alembic));
	json_object_set_new(o, "log", json_string(t->log));
	if (t->evidence)
		json_object_set_new(o, "evidence", evidence_json(t->evidence));
	if (t->models)
		json_object_set_new(o, "models", models_json(t->models));
	return o;
}

static int
write_line(FILE *f, json_t *o)
{
	/* the evidence's milliseconds as they were rounded, not to 17 digits */
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
		    : NULL;
	int rc = s && fputs(s, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;

	free(s);
	json_decref(o);
	return rc;
}

static int
write_all(const struct review *rv, int fd)
{
	FILE *f = fdopen(fd, "w");
	int rc;

	if (!f)
		return -1;
	rc = write_line(f, json_pack("{s:i}", HEADER_KEY, REVIEW_FORMAT));
	for (size_t i = 0; rc == 0 && i < rv->n; i++)
		rc = write_line(f, decision_json(&rv->v[i]));
	for (size_t i = 0; rc == 0 && i < rv->n_runs; i++)
		rc = write_line(f, run_json(&rv->runs[i]));
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/*
 * Removes temporary files that writers killed mid-save left behind.  Under
 * the lock no live writer has one open, so every one found is litter.
 */
static void
remove_litter(const char *path)
{
	char *dir = mr_path_dirname(path), *prefix = mr_printf("%s.tmp-", path);
	const char *base;
	DIR *d;
	struct dirent *e;

	d = dir && prefix ? opendir(dir) : NULL;
	base = prefix ? strrchr(prefix, '/') : NULL;
	base = base ? base + 1 : prefix;
	while (d && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, base, strlen(base)) != 0)
			continue;
		{
			char *victim = mr_path_join(dir, e->d_name);

			if (victim)
				unlink(victim);
			free(victim);
		}
	}
	if (d)
		closedir(d);
	free(dir);
	free(prefix);
}

/*
 * Puts the written temporary file tmp in place of path, atomically, and
 * says whether what it replaced was the file read (seen): 0; 1 when it was
 * not and nothing is left to merge (read the file again); 2 when something
 * else (a pull, a tool that takes no lock) had replaced it and its file is
 * at tmp, to be merged and written again; -1 with errno.
 * The two are swapped in one step (RENAME_EXCHANGE), so that a file that
 * lands between a check and a rename is never lost; one that had landed is
 * swapped back at once, so that for no more than that instant does the
 * review file lack what it holds (a writer that takes no lock and reads
 * then would write it back without).
 */
static int
swap_in(const char *tmp, const char *path, const struct review *seen)
{
	static const struct mr_stamp none = { 0, 0, 0 };
	struct mr_stamp read = seen->seen, mine;

	if (mr_stamp_equal(read, none))
		return renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0 ? 0 :
		       errno == EEXIST ? 1 : -1;
	mine = mr_stamp_of(tmp);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* a file system without the exchange: check, then rename */
		if (review_changed_on_disk(seen))
			return 1;
		return rename(tmp, path) == 0 ? 0 : -1;
	}
	if (mr_stamp_equal(mr_stamp_of(tmp), read))
		return 0;
	/* theirs back in place; if ours is what comes out, nothing is left over */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) < 0)
		return 2;
	return mr_stamp_equal(mr_stamp_of(tmp), mine) ? 1 : 2;
}

/*
 * Writes rv to a temporary file next to the review file and puts it in
 * place (swap_in()): 0, or 1 to read the file again, or 2 when the file
 * replaced was not the one read: theirs is then read into *theirs, to be
 * merged in and written again.
 */
static int
replace_file(const struct review *rv, int dir_fd, const struct review *seen,
	     struct review *theirs, struct mr_error *err)
{
	char *tmp = mr_printf("%s.tmp-%ld", rv->path, (long)getpid());
	mode_t mode;
	int fd, rc = 0;

	if (!tmp)
		return mr_error_oom(err);
	if (review_file_kind(rv->path, &mode, err) < 0) {
		free(tmp);
		return -1;
	}
	/* a new file, never a link someone left under the temporary name */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	/* the file keeps its permissions (a 0600 review file stays 0600) */
	if (fd >= 0 && mode && fchmod(fd, mode) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		fd = -1;
	}
	if (fd < 0 || write_all(rv, fd) < 0)
		rc = -1;
	else if (review_changed_on_disk(seen))
		rc = 1;         /* a pull or another tool replaced it meanwhile: never overwrite that */
	else
		rc = swap_in(tmp, rv->path, seen);
	if (rc < 0)
		mr_error_set(err, "cannot save %s: %s (the file on disk is unchanged)", rv->path,
			     strerror(errno));
	/* what a writer that takes no lock put there in the meantime is not lost */
	if (rc == 2 && read_file(theirs, tmp, err) < 0)
		rc = -1;
	/* after an exchange the file replaced is there; else nothing, or what failed */
	unlink(tmp);
	free(tmp);
	/* the rename itself reaches the disk with the directory */
	if (rc == 0)
		fsync(dir_fd);
	return rc;
}

/*
 * Whether pending decision p may go over what the file has for its key
 * now (cur): it may when the file has none, or still has the one the
 * reviewer was shown, or an older one.  Anything newer was decided by
 * someone the reviewer did not see, and is kept.
 */
static bool
may_replace(const struct decision *p, const struct decision *cur)
{
	if (!cur || (p->seen && strcmp(cur->timestamp, p->seen) <= 0))
		return true;
	/* its own earlier save of this very decision */
	return !strcmp(cur->timestamp, p->timestamp) && !strcmp(cur->reviewer, p->reviewer);
}

/*
 * Drops the pending decisions that would overwrite what the reviewer never
 * saw; the decisions kept instead go to conflicts->conflicts.
 */
static int
hold_conflicts(struct review *pending, const struct review *disk, struct review *conflicts)
{
	size_t kept = 0;

	for (size_t i = 0; i < pending->n; i++) {
		const struct decision *cur = review_find(disk, pending->v[i].revision,
							  pending->v[i].item);

		if (may_replace(&pending->v[i], cur)) {
			pending->v[kept++] = pending->v[i];
			continue;
		}
		if (mr_grow(&conflicts->conflicts, &conflicts->cap_conflicts,
			    conflicts->n_conflicts + 1, sizeof(*conflicts->conflicts)) < 0 ||
		    decision_copy(&conflicts->conflicts[conflicts->n_conflicts], cur) < 0)
			return -1;
		conflicts->n_conflicts++;
		decision_free(&pending->v[i]);
	}
	pending->n = kept;
	return 0;
}

int
review_write_pending(const char *path, struct review *pending, struct review *out,
		     struct mr_error *err)
{
	char *dir = mr_path_dirname(path);
	struct review disk = { 0 }, theirs = { 0 };
	int dir_fd, rc = -1;

	memset(out, 0, sizeof(*out));
	if (!dir)
		return mr_error_oom(err);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0) {
		rc = mr_error_set(err, "cannot save %s: %s", path, strerror(errno));
		free(dir);
		return rc;
	}
	free(dir);
	/* one writer at a time; each merges what the others saved */
	if (flock(dir_fd, LOCK_EX) < 0) {
		rc = mr_error_set(err, "cannot lock %s: %s", path, strerror(errno));
		goto out;
	}
	remove_litter(path);
	for (int attempt = 0; attempt < 50; attempt++) {
		records_free(&disk);
		disk = (struct review){ .path = (char *)path };
		remember(&disk);
		if (read_file(&disk, path, err) < 0)
			goto out;
		if (records_merge(&disk, &theirs) < 0 ||
		    (pending && (hold_conflicts(pending, &disk, out) < 0 ||
				 records_merge(&disk, pending) < 0))) {
			mr_error_oom(err);
			goto out;
		}
		if ((rc = replace_file(&disk, dir_fd, &disk, &theirs, err)) <= 0)
			break;
		rc = -1;
		mr_error_set(err, "cannot save %s: something else keeps replacing it", path);
	}
	if (rc == 0) {
		adopt_records(out, &disk);
		/* the file as written: a change after it is someone else's */
		out->path = (char *)path;
		remember(out);
		out->path = NULL;
	}
out:
	disk.path = NULL;
	records_free(&disk);
	records_free(&theirs);
	flock(dir_fd, LOCK_UN);
	close(dir_fd);
	return rc;
}

int
review_take_written(struct review *rv, struct review *written, struct mr_error *err)
{
	int rc = 0;

	/* decided here while it was written: still pending, and shown */
	if (rv->pending && records_merge(written, rv->pending) < 0)
		rc = mr_error_oom(err);
	if (rc == 0)
		adopt_records(rv, written);
	for (size_t i = 0; rc == 0 && i < written->n_conflicts; i++) {
		if (mr_grow(&rv->conflicts, &rv->cap_conflicts, rv->n_conflicts + 1,
			    sizeof(*rv->conflicts)) < 0) {
			rc = mr_error_oom(err);
			break;
		}
		/* moved: what is left behind is freed as nothing */
		rv->conflicts[rv->n_conflicts++] = written->conflicts[i];
		written->conflicts[i] = (struct decision){ 0 };
	}
	records_free(written);
	review_clear_conflicts(written);
	rv->unsaved = rv->pending && (rv->pending->n || rv->pending->n_runs);
	rv->seen = written->seen;
	return rc;
}

/* Hands rv's pending records over (NULL when there are none). */
struct review *
review_take_pending(struct review *rv)
{
	struct review *p = rv->pending;

	rv->pending = NULL;
	return p;
}

int
review_give_back_pending(struct review *rv, struct review *p, struct mr_error *err)
{
	int rc = 0;

	if (!p)
		return 0;
	/* what was decided meanwhile is newer: it goes over the older pending records */
	if (rv->pending && records_merge(p, rv->pending) < 0)
		rc = mr_error_oom(err);
	if (rv->pending) {
		records_free(rv->pending);
		free(rv->pending);
	}
	rv->pending = p;
	rv->unsaved = true;
	return rc;
}

int
review_save(struct review *rv, struct mr_error *err)
{
	struct review *p = review_take_pending(rv), written;

	if (review_write_pending(rv->path, p, &written, err) < 0) {
		review_give_back_pending(rv, p, NULL);
		return -1;
	}
	if (p) {
		records_free(p);
		free(p);
	}
	return review_take_written(rv, &written, err);
}

static char *
now_utc(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[32];

	mr_now(&ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return mr_printf("%s.%03ldZ", buf, ts.tv_nsec / 1000000);
}

int
review_decide(struct review *rv, const char *revision, const char *item,
	      enum decision_status status, const char *reason, const char *reviewer,
	      const char *blob, struct mr_error *err)
{
	if (review_record(rv, revision, item, status, reason, reviewer, blob, err) < 0)
		return -1;
	return review_save(rv, err);
}

int
review_record(struct review *rv, const char *revision, const char *item,
	      enum decision_status status, const char *reason, const char *reviewer,
	      const char *blob, struct mr_error *err)
{
	struct decision d = { 0 };

	if ((status == DECISION_WAIVED || status == DECISION_BLOCKED) && (!reason || !*reason))
		return mr_error_set(err, "a %s decision needs a reason", decision_status_name(status));
	d.revision = mr_strdup(revision);
	d.item = mr_strdup(item);
	d.status = status;
	/* an accept or clear keeps a reason too when one is given (lifting a block says why) */
	d.reason = reason && *reason ? mr_strdup(reason) : NULL;
	d.reviewer = mr_strdup(reviewer);
	d.timestamp = now_utc();
	d.blob = mr_strdup(blob);
	if (!d.revision || !d.item || !d.reviewer || !d.timestamp || !d.blob ||
	    (reason && *reason && !d.reason)) {
		decision_free(&d);
		return mr_error_oom(err);
	}
	/* the newest decision is this one, even against a clock that went back */
	{
		const struct decision *old = review_find(rv, revision, item);

		if (old && strcmp(old->timestamp, d.timestamp) > 0) {
			free(d.timestamp);
			d.timestamp = mr_strdup(old->timestamp);
			if (!d.timestamp) {
				decision_free(&d);
				return mr_error_oom(err);
			}
		}
		/* the save replaces only what this reviewer was shown */
		if (old && !(d.seen = mr_strdup(old->timestamp))) {
			decision_free(&d);
			return mr_error_oom(err);
		}
	}
	if (rv->signing_key && trust_sign(&d, rv->signing_key, err) < 0) {
		decision_free(&d);
		return -1;
	}
	{
		struct decision copy;

		if (!rv->pending && !(rv->pending = calloc(1, sizeof(*rv->pending)))) {
			decision_free(&d);
			return mr_error_oom(err);
		}
		if (decision_copy(&copy, &d) < 0 || records_put_decision(rv->pending, &copy) < 0) {
			decision_free(&d);
			return mr_error_oom(err);
		}
	}
	if (records_put_decision(rv, &d) < 0)
		return mr_error_oom(err);
	rv->unsaved = true;
	return 0;
}

int
review_record_runs(struct review *rv, const struct test_run *runs, size_t n,
		   struct mr_error *err)
{
	char *now = now_utc();

	if (!now)
		return mr_error_oom(err);
	if (!rv->pending && !(rv->pending = calloc(1, sizeof(*rv->pending)))) {
		free(now);
		return mr_error_oom(err);
	}
	for (size_t i = 0; i < n; i++) {
		struct test_run t = runs[i], copy, kept;

		t.timestamp = now;
		if (run_copy(&copy, &t) < 0 || run_copy(&kept, &t) < 0 ||
		    records_append_run(rv, &copy) < 0 || records_append_run(rv->pending, &kept) < 0) {
			free(now);
			return mr_error_oom(err);
		}
	}
	free(now);
	if (records_settle(rv) < 0 || records_settle(rv->pending) < 0)
		return mr_error_oom(err);
	rv->unsaved = true;
	return review_save(rv, err);
}

void
review_clear_conflicts(struct review *rv)
{
	for (size_t i = 0; i < rv->n_conflicts; i++)
		decision_free(&rv->conflicts[i]);
	free(rv->conflicts);
	rv->conflicts = NULL;
	rv->n_conflicts = rv->cap_conflicts = 0;
}

void
review_free(struct review *rv)
{
	records_free(rv);
	if (rv->pending)
		records_free(rv->pending);
	free(rv->pending);
	review_clear_conflicts(rv);
	free(rv->path);
	free(rv->signing_key);
	memset(rv, 0, sizeof(*rv));
}

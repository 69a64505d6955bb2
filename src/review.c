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
			       (char *)sig };
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
	struct test_run t, copy;

	if (why)
		return mr_error_set(err, "%s:%zu: '%s' must be a non-empty string", path, line, why);
	if (!log || !json_is_string(log))
		return mr_error_set(err, "%s:%zu: 'log' must be a string", path, line);
	if (strcmp(outcome, "passed") && strcmp(outcome, "failed"))
		return mr_error_set(err, "%s:%zu: test '%s' is not passed or failed", path, line,
				    outcome);
	if (!is_blob(blob))
		return mr_error_set(err, "%s:%zu: blob '%s' is not a git blob id", path, line, blob);
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
	};
	if (run_copy(&copy, &t) < 0 || records_append_run(rv, &copy) < 0)
		return mr_error_oom(err);
	return 0;
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
			return mr_error_set(err, "%s:%zu: a git merge conflict marker: a merge left "
					    "both sides in the file. Keep the lines of both sides and "
					    "delete the three marker lines (<<<<<<<, =======, "
					    ">>>>>>>); to avoid it, mark the file 'merge=union' in "
					    ".gitattributes", path, line);
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
	struct stat st;

	memset(&rv->seen, 0, sizeof(rv->seen));
	if (rv->path && stat(rv->path, &st) == 0) {
		rv->seen.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		rv->seen.size = (long long)st.st_size;
		rv->seen.inode = (long long)st.st_ino;
	}
}

bool
review_changed_on_disk(const struct review *rv)
{
	struct review now = { .path = rv->path };

	remember(&now);
	return memcmp(&now.seen, &rv->seen, sizeof(now.seen)) != 0;
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
	if (read_file(rv, path, err) < 0) {
		records_clear(rv);
		return -1;
	}
	remember(rv);
	return 0;
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

	/* read whole first: a broken file must not half-merge */
	if (read_file(&disk, rv->path, err) < 0)
		rc = -1;
	else if (records_merge(rv, &disk) < 0)
		rc = mr_error_oom(err);
	records_free(&disk);
	remember(rv);
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
	return o;
}

static int
write_line(FILE *f, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
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

/* Writes rv to a temporary file next to the review file and renames it into place. */
static int
replace_file(const struct review *rv, int dir_fd, struct mr_error *err)
{
	char *tmp = mr_printf("%s.tmp-%ld", rv->path, (long)getpid());
	mode_t mode;
	int fd, saved;

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
		saved = errno;
		close(fd);
		fd = -1;
		unlink(tmp);
		errno = saved;
	}
	if (fd < 0 || write_all(rv, fd) < 0 || rename(tmp, rv->path) < 0) {
		saved = errno;
		unlink(tmp);
		free(tmp);
		return mr_error_set(err, "cannot save %s: %s (the file on disk is unchanged)",
				    rv->path, strerror(saved));
	}
	free(tmp);
	/* the rename itself reaches the disk with the directory */
	fsync(dir_fd);
	return 0;
}

int
review_save(struct review *rv, struct mr_error *err)
{
	char *dir = mr_path_dirname(rv->path);
	struct review disk = { 0 };
	int dir_fd, rc = -1;

	if (!dir)
		return mr_error_oom(err);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0) {
		rc = mr_error_set(err, "cannot save %s: %s", rv->path, strerror(errno));
		free(dir);
		return rc;
	}
	free(dir);
	/* one writer at a time; each merges what the others saved */
	if (flock(dir_fd, LOCK_EX) < 0) {
		rc = mr_error_set(err, "cannot lock %s: %s", rv->path, strerror(errno));
		goto out;
	}
	remove_litter(rv->path);
	disk.path = rv->path;
	if (read_file(&disk, rv->path, err) < 0)
		goto out;
	if (records_merge(&disk, rv) < 0) {
		mr_error_oom(err);
		goto out;
	}
	/* what is on disk now is what this instance shows */
	records_free(rv);
	rv->v = disk.v;
	rv->n = disk.n;
	rv->cap = disk.cap;
	rv->runs = disk.runs;
	rv->n_runs = disk.n_runs;
	rv->cap_runs = disk.cap_runs;
	disk = (struct review){ 0 };
	rc = replace_file(rv, dir_fd, err);
	if (rc == 0)
		rv->unsaved = false;
	remember(rv);
out:
	records_free(&disk);
	flock(dir_fd, LOCK_UN);
	close(dir_fd);
	return rc;
}

static char *
now_utc(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	struct timespec ts;
	struct tm tm;
	char buf[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (epoch && *epoch) {
		ts.tv_sec = (time_t)strtoll(epoch, NULL, 10);
		ts.tv_nsec = 0;
	}
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return mr_printf("%s.%03ldZ", buf, ts.tv_nsec / 1000000);
}

int
review_decide(struct review *rv, const char *revision, const char *item,
	      enum decision_status status, const char *reason, const char *reviewer,
	      const char *blob, struct mr_error *err)
{
	struct decision d = { 0 };

	if ((status == DECISION_WAIVED || status == DECISION_BLOCKED) && (!reason || !*reason))
		return mr_error_set(err, "a %s decision needs a reason", decision_status_name(status));
	d.revision = mr_strdup(revision);
	d.item = mr_strdup(item);
	d.status = status;
	d.reason = reason && *reason && status != DECISION_ACCEPTED && status != DECISION_CLEARED ?
		   mr_strdup(reason) : NULL;
	d.reviewer = mr_strdup(reviewer);
	d.timestamp = now_utc();
	d.blob = mr_strdup(blob);
	if (!d.revision || !d.item || !d.reviewer || !d.timestamp || !d.blob ||
	    (d.status >= DECISION_WAIVED && !d.reason)) {
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
	}
	if (rv->signing_key && trust_sign(&d, rv->signing_key, err) < 0) {
		decision_free(&d);
		return -1;
	}
	if (records_put_decision(rv, &d) < 0)
		return mr_error_oom(err);
	rv->unsaved = true;
	return review_save(rv, err);
}

int
review_record_runs(struct review *rv, const struct test_run *runs, size_t n,
		   struct mr_error *err)
{
	char *now = now_utc();

	if (!now)
		return mr_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		struct test_run t = runs[i], copy;

		t.timestamp = now;
		if (run_copy(&copy, &t) < 0) {
			free(now);
			return mr_error_oom(err);
		}
		if (records_append_run(rv, &copy) < 0) {
			free(now);
			return mr_error_oom(err);
		}
	}
	free(now);
	if (records_settle(rv) < 0)
		return mr_error_oom(err);
	rv->unsaved = true;
	return review_save(rv, err);
}

void
review_free(struct review *rv)
{
	records_free(rv);
	free(rv->path);
	free(rv->signing_key);
	memset(rv, 0, sizeof(*rv));
}

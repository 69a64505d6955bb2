/* What decisions mean: who decides, on which content, and where each item and migration stands. */
#include "config.h"

#include <git2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "migreview/review.h"
#include "migreview/util.h"

static char *
config_string(git_config *cfg, const char *key)
{
	git_buf buf = { 0 };
	char *out = NULL;

	if (cfg && git_config_get_string_buf(&buf, cfg, key) == 0)
		out = mr_strdup(buf.ptr);
	git_buf_dispose(&buf);
	return out;
}

void
review_git_config(const char *repo_dir, const char *const *keys, char **values, size_t n)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_dir, 0, NULL) == 0)
		git_repository_config_snapshot(&cfg, repo);
	else
		git_config_open_default(&cfg);
	for (size_t i = 0; i < n; i++)
		values[i] = config_string(cfg, keys[i]);
	git_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
}

char *
review_reviewer(const char *repo_dir)
{
	static const char *const keys[] = { "user.name", "user.email" };
	const char *env = getenv("MIGREVIEW_REVIEWER");
	char *v[2], *out;

	if (env && *env)
		return mr_strdup(env);
	review_git_config(repo_dir, keys, v, 2);
	if (v[0] && v[1])
		out = mr_printf("%s <%s>", v[0], v[1]);
	else if (v[0] || v[1])
		out = mr_strdup(v[0] ? v[0] : v[1]);
	else
		out = mr_strdup(getenv("USER") ? getenv("USER") : "unknown reviewer");
	free(v[0]);
	free(v[1]);
	return out;
}

void
review_blob_of(const char *buf, size_t len, char out[REVIEW_BLOB_HEX + 1])
{
	git_oid oid;

	out[0] = '\0';
	git_libgit2_init();
	if (git_odb_hash(&oid, buf, len, GIT_OBJECT_BLOB) == 0)
		git_oid_tostr(out, REVIEW_BLOB_HEX + 1, &oid);
	git_libgit2_shutdown();
}

/*
 * Why a review_file setting would leave the project, or NULL: it must be a
 * relative path without ".." or ".git" components, so that a cloned
 * repository cannot make the reviewer's first decision write a login
 * script, a device or a git hook.
 */
static const char *
review_path_escapes(const char *setting)
{
	const char *c = setting;

	if (!*setting)
		return "it is empty";
	if (setting[0] == '/' || setting[0] == '~')
		return "it is not relative to the project";
	while (*c) {
		size_t n = strcspn(c, "/");

		if (n == 2 && !strncmp(c, "..", 2))
			return "it climbs out of the project with '..'";
		if (n == 4 && !strncasecmp(c, ".git", 4))
			return "it is inside git's own directory";
		c += n;
		c += *c == '/';
	}
	if (setting[strlen(setting) - 1] == '/')
		return "it names a directory";
	return NULL;
}

/* Whether dir, with symbolic links resolved, is root or below it. */
static bool
inside(const char *root, const char *dir)
{
	char *r = realpath(root, NULL), *d = realpath(dir, NULL);
	size_t n = r ? strlen(r) : 0;
	bool in = r && d && !strncmp(r, d, n) && (d[n] == '\0' || d[n] == '/' || n == 1);

	free(r);
	free(d);
	return in;
}

int
review_path_inside(const struct project *p, const char *key, const char *setting, char **out,
		   struct mr_error *err)
{
	char *dir = NULL, *place;
	const char *why = setting ? review_path_escapes(setting) : NULL;
	int rc = 0;

	*out = NULL;
	if (!setting)
		return 0;
	if (!why) {
		*out = mr_path_join(p->root, setting);
		dir = *out ? mr_path_dirname(*out) : NULL;
		if (!dir)
			rc = mr_error_oom(err);
		else if (mr_is_dir(dir) && !inside(p->root, dir))
			why = "its directory is a symbolic link out of the project";
	}
	if (why) {
		place = project_setting_place(p, key);
		rc = mr_error_set(err, "%s %s = %s: refused, %s; it must name a file inside the "
				  "project (%s)", place ? place : "?", key, setting, why, p->root);
		free(place);
		free(*out);
		*out = NULL;
	}
	free(dir);
	return rc;
}

int
review_path(const struct project *p, char **out, struct mr_error *err)
{
	char *setting = NULL;
	int rc = project_setting(p, "review_file", &setting, err);

	*out = NULL;
	if (rc == 0)
		rc = review_path_inside(p, "review_file", setting ? setting : "migrations.review",
					out, err);
	free(setting);
	return rc;
}

/* ---- where things stand ---- */

const char *
review_reviewed_blob(const struct review *rv, const char *revision, const char *blob)
{
	const struct decision *newest = NULL, *other = NULL;

	for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
		const struct decision *d = review_find(rv, revision, checklist[i].id);

		if (!d || d->status == DECISION_CLEARED)
			continue;
		if (!newest || strcmp(d->timestamp, newest->timestamp) > 0)
			newest = d;
		if (strcmp(d->blob, blob) && (!other || strcmp(d->timestamp, other->timestamp) > 0))
			other = d;
	}
	return other ? other->blob : newest ? newest->blob : NULL;
}

enum item_state
review_item_state(const struct decision *d, const char *blob)
{
	if (!d || d->status == DECISION_CLEARED)
		return ITEM_OPEN;
	if (d->status == DECISION_BLOCKED)
		return ITEM_BLOCKED;
	return blob && !strcmp(d->blob, blob) ? ITEM_DONE : ITEM_STALE;
}

bool
review_tested_passed(const struct review *rv, const char *revision, const char *blob)
{
	const struct test_run *t;

	return review_test_state(rv, revision, blob, &t) == TESTED_PASSED;
}

/* An accept of `tested` stands on a passing run of the same content, whoever wrote it. */
static bool
tested_accept_counts(const struct review *rv, const char *revision, const char *blob,
		     const struct decision *d)
{
	return strcmp(d->item, checklist[CHECK_TESTED].id) || d->status != DECISION_ACCEPTED ||
	       review_tested_passed(rv, revision, blob);
}

void
review_migration(const struct review *rv, const char *revision, const char *blob,
		 unsigned not_applicable, struct migration_review *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
		const struct decision *d = revision ? review_find(rv, revision, checklist[i].id) : NULL;

		out->items[i] = review_item_state(d, blob);
		if (out->items[i] == ITEM_DONE && !tested_accept_counts(rv, revision, blob, d))
			out->items[i] = ITEM_OPEN;
		if (out->items[i] == ITEM_OPEN && revision && (not_applicable >> i & 1))
			out->items[i] = ITEM_NOT_APPLICABLE;
		switch (out->items[i]) {
		case ITEM_OPEN: out->open++; break;
		case ITEM_DONE: case ITEM_NOT_APPLICABLE: out->done++; break;
		case ITEM_STALE: out->stale++; break;
		case ITEM_BLOCKED: out->blocked++; break;
		}
	}
	out->state = out->blocked ? MIGRATION_BLOCKED :
		     out->done == CHECK_ITEM_COUNT ? MIGRATION_SIGNED :
		     out->stale ? MIGRATION_STALE : MIGRATION_OPEN;
}


enum test_state
review_test_state(const struct review *rv, const char *revision, const char *blob,
		  const struct test_run **which)
{
	const struct test_run *failed = NULL, *passed = NULL, *other = NULL;
	size_t n;
	const struct test_run *runs = review_runs(rv, revision, &n);

	for (size_t i = 0; i < n; i++) {
		const struct test_run *t = &runs[i];
		const struct test_run **slot;

		slot = blob && !strcmp(t->blob, blob) ?
		       (t->outcome == TEST_FAILED ? &failed : &passed) : &other;
		if (!*slot || strcmp(t->timestamp, (*slot)->timestamp) > 0)
			*slot = t;
	}
	*which = failed ? failed : passed ? passed : other;
	return failed ? TESTED_FAILED : passed ? TESTED_PASSED : other ? TESTED_STALE : TESTED_NEVER;
}

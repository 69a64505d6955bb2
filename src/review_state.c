/* What decisions mean: who decides, on which content, and where each item and migration stands. */
#include "config.h"

#include <git2.h>
#include <stdlib.h>
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

char *
review_reviewer(const char *repo_dir)
{
	const char *env = getenv("MIGREVIEW_REVIEWER");
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	char *name, *email, *out;

	if (env && *env)
		return mr_strdup(env);
	git_libgit2_init();
	if (git_repository_open_ext(&repo, repo_dir, 0, NULL) == 0)
		git_repository_config_snapshot(&cfg, repo);
	else
		git_config_open_default(&cfg);
	name = config_string(cfg, "user.name");
	email = config_string(cfg, "user.email");
	if (name && email)
		out = mr_printf("%s <%s>", name, email);
	else if (name || email)
		out = mr_strdup(name ? name : email);
	else
		out = mr_strdup(getenv("USER") ? getenv("USER") : "unknown reviewer");
	free(name);
	free(email);
	git_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
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

int
review_path(const struct project *p, char **out, struct mr_error *err)
{
	char *setting = NULL;

	*out = NULL;
	if (project_setting(p, "review_file", &setting, err) < 0)
		return -1;
	if (setting && setting[0] == '/')
		*out = mr_strdup(setting);
	else
		*out = mr_path_join(p->root, setting ? setting : "migrations.review");
	free(setting);
	return *out ? 0 : mr_error_oom(err);
}

/* ---- where things stand ---- */

const char *
review_reviewed_blob(const struct review *rv, const char *revision)
{
	const struct decision *newest = NULL;

	for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
		const struct decision *d = review_find(rv, revision, checklist[i].id);

		if (d && d->status != DECISION_CLEARED &&
		    (!newest || strcmp(d->timestamp, newest->timestamp) > 0))
			newest = d;
	}
	return newest ? newest->blob : NULL;
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

void
review_migration(const struct review *rv, const char *revision, const char *blob,
		 struct migration_review *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
		const struct decision *d = revision ? review_find(rv, revision, checklist[i].id) : NULL;

		out->items[i] = review_item_state(d, blob);
		switch (out->items[i]) {
		case ITEM_OPEN: out->open++; break;
		case ITEM_DONE: out->done++; break;
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

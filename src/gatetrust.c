/* The gate's trusted settings and signatures (see gatetrust.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/gatetrust.h"
#include "migreview/gitinfo.h"
#include "migreview/trust.h"
#include "migreview/util.h"

/* [migreview] settings that can weaken the gate; severity.RULE are too. */
static const char *const gate_keys[] = {
	"allowed_signers", "baseline", "dialect", "disable", "downgrade", "large_table_size",
	"large_tables", "max_lock_forecast", "naming_convention", "require_signatures",
	"review_file", "stats", "stats_max_age",
};
/* Alembic's own: another location is another set of migrations */
static const char *const location_keys[] = {
	"recursive_version_locations", "script_location", "version_locations",
};
#define SEVERITY_PREFIX "severity."
#define CONFIG_MAX (4u << 20)
#define REVIEW_MAX (256u << 20)

static int
by_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "key\tvalue" for every gate setting p has, sorted by key. */
static int
gate_values(const struct project *p, const char *section, struct strvec *out,
	    struct mr_error *err)
{
	struct strvec keys = { 0 };
	int rc = project_setting_keys(p, &keys);

	for (size_t i = 0; rc == 0 && i < MR_ARRAY_SIZE(gate_keys); i++)
		if (!strvec_contains(&keys, gate_keys[i]))
			rc = strvec_push(&keys, gate_keys[i]);
	for (size_t i = 0; rc == 0 && i < keys.n; i++) {
		char *value = NULL;
		bool gate = !strncmp(keys.v[i], SEVERITY_PREFIX, strlen(SEVERITY_PREFIX));

		for (size_t k = 0; !gate && k < MR_ARRAY_SIZE(gate_keys); k++)
			gate = !strcmp(keys.v[i], gate_keys[k]);
		if (!gate)
			continue;
		if (project_setting(p, keys.v[i], &value, err) < 0) {
			strvec_free(&keys);
			return -1;
		}
		if (value)
			rc = strvec_push_owned(out, mr_printf("%s\t%s", keys.v[i], value));
		free(value);
	}
	for (size_t k = 0; rc == 0 && k < MR_ARRAY_SIZE(location_keys); k++) {
		const char *v = inifile_raw(&p->ini, section, location_keys[k]);

		if (v)
			rc = strvec_push_owned(out, mr_printf("%s\t%s", location_keys[k], v));
	}
	strvec_free(&keys);
	if (rc < 0)
		return mr_error_oom(err);
	if (out->n > 1)         /* no settings at all: no array to sort */
		qsort(out->v, out->n, sizeof(char *), by_key);
	return 0;
}

/* The value of key among "key\tvalue" lines, or NULL. */
static const char *
value_of(const struct strvec *kv, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < kv->n; i++)
		if (!strncmp(kv->v[i], key, n) && kv->v[i][n] == '\t')
			return kv->v[i] + n + 1;
	return NULL;
}

/* Whether the list (commas or blanks between) holds word. */
static bool
listed(const char *list, const char *word, size_t n)
{
	for (const char *c = list; c && *c;) {
		size_t len;

		c += strspn(c, ", \t\n");
		len = strcspn(c, ", \t\n");
		if (len == n && !strncmp(c, word, n))
			return true;
		c += len;
	}
	return false;
}

/* One line per rule that one side of disable has and the other not. */
static int
describe_disable(struct gate_trust *gt, const char *from, const char *to)
{
	const char *sides[2] = { to, from };

	for (int s = 0; s < 2; s++)
		for (const char *c = sides[s]; c && *c;) {
			size_t len;

			c += strspn(c, ", \t\n");
			len = strcspn(c, ", \t\n");
			if (len && !listed(sides[1 - s], c, len) &&
			    strvec_push_owned(&gt->changes, mr_printf(
				    s == 0 ? "this change disables %.*s for the gate" :
				    "this change enables %.*s again", (int)len, c)) < 0)
				return -1;
			c += len;
		}
	return 0;
}

static int
describe(struct gate_trust *gt, const char *key, const char *from, const char *to)
{
	char *line;

	if (!strcmp(key, "disable"))
		return describe_disable(gt, from, to);
	if (!from)
		line = mr_printf("this change sets %s = %s for the gate (%s does not set it)", key,
				 to, gt->ref);
	else if (!to)
		line = mr_printf("this change removes %s (%s has %s)", key, gt->ref, from);
	else
		line = mr_printf("this change sets %s = %s for the gate (%s has %s)", key, to,
				 gt->ref, from);
	return strvec_push_owned(&gt->changes, line);
}

/* The changes from the trusted values to the working tree's. */
static int
compare(struct gate_trust *gt, const struct strvec *trusted, const struct strvec *work)
{
	const struct strvec *sides[2] = { work, trusted };

	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->n; i++) {
			char *key = mr_strndup(sides[s]->v[i], strcspn(sides[s]->v[i], "\t"));
			const char *to = key ? value_of(work, key) : NULL;
			const char *from = key ? value_of(trusted, key) : NULL;
			int rc = 0;

			/* each key once: from the working tree's side, or only in the ref */
			if (key && (s == 0 || !to) && (!from || !to || strcmp(from, to)))
				rc = describe(gt, key, from, to);
			free(key);
			if (!key || rc < 0)
				return -1;
		}
	return 0;
}

/* err's message, said of the trusted ref */
static int
trust_ref_error(const char *ref, struct mr_error *err)
{
	char why[MR_ERROR_MAX];

	snprintf(why, sizeof(why), "%s", err->msg);
	return mr_error_set(err, "--trust-ref %s: %.900s", ref, why);
}

/* REF's copy of the file at path into *ini or *toml; absent is fine. */
static int
read_at_ref(struct gitinfo *gi, const char *ref, const char *path, char **text, size_t *len,
	    struct mr_error *err)
{
	int rc = gitinfo_file_at(gi, ref, path, CONFIG_MAX, text, len, err);

	return rc < 0 ? trust_ref_error(ref, err) : rc;
}

static int
load_trusted(struct gate_trust *gt, struct mr_error *err)
{
	const struct project *w = gt->work;
	struct project *t = &gt->trusted;
	struct gitinfo *gi = NULL;
	char *text = NULL, *toml_path;
	size_t len;
	int rc;

	t->root = mr_strdup(w->root);
	t->ini_path = mr_strdup(w->ini_path);
	t->section = mr_strdup(w->section ? w->section : PROJECT_DEFAULT_SECTION);
	/* what else it reads for its settings (the production sizes) comes from the ref too */
	t->ref = mr_strdup(gt->ref);
	toml_path = w->has_toml ? mr_strdup(w->toml.path) : mr_path_join(w->root, "pyproject.toml");
	if (!t->root || !t->ini_path || !t->section || !t->ref || !toml_path) {
		free(toml_path);
		return mr_error_oom(err);
	}
	if (gitinfo_open(&gi, w->root, err) < 0) {
		free(toml_path);
		return trust_ref_error(gt->ref, err);
	}
	rc = w->has_ini ? read_at_ref(gi, gt->ref, w->ini_path, &text, &len, err) : 1;
	if (rc == 0 && (rc = inifile_parse(&t->ini, w->ini_path, text, err)) == 0)
		t->has_ini = true;
	free(text);
	text = NULL;
	if (rc >= 0)
		rc = read_at_ref(gi, gt->ref, toml_path, &text, &len, err);
	if (rc == 0 && (rc = tomlfile_parse(&t->toml, toml_path, text, len, err)) == 0)
		t->has_toml = true;
	free(text);
	free(toml_path);
	gitinfo_free(gi);
	return rc < 0 ? -1 : 0;
}

/* A private copy of the allowed-signers file named by the settings in force. */
static int
copy_signers(struct gate_trust *gt, const struct project *p, struct mr_error *err)
{
	char *setting = NULL, *path, *text = NULL;
	size_t len = 0;
	int rc = 0;

	if (project_setting(p, "allowed_signers", &setting, err) < 0)
		return -1;
	if (!setting)
		return 0;
	if (setting[0] == '/' || strstr(setting, "..")) {
		rc = mr_error_set(err, "allowed_signers = %s: it must be a file inside the project",
				  setting);
		free(setting);
		return rc;
	}
	path = mr_path_join(p->root, setting);
	if (!path) {
		free(setting);
		return mr_error_oom(err);
	}
	if (gt->ref) {
		struct gitinfo *gi = NULL;

		rc = gitinfo_open(&gi, p->root, err);
		if (rc == 0 && (rc = read_at_ref(gi, gt->ref, path, &text, &len, err)) > 0)
			rc = mr_error_set(err, "allowed_signers = %s: %s has no such file", setting,
					  gt->ref);
		gitinfo_free(gi);
	} else {
		rc = mr_read_file(path, MR_FILE_SIGNERS, &text, &len, err);
	}
	free(path);
	free(setting);
	if (rc == 0 && !(gt->signers_dir = mr_printf("%s/migreview-signers.XXXXXX",
						      getenv("TMPDIR") && *getenv("TMPDIR") ?
						      getenv("TMPDIR") : "/tmp")))
		rc = mr_error_oom(err);
	if (rc == 0 && !mkdtemp(gt->signers_dir)) {
		free(gt->signers_dir);
		gt->signers_dir = NULL;
		rc = mr_error_set(err, "cannot make a temporary directory: %s", strerror(errno));
	}
	if (rc == 0 && !(gt->signers = mr_path_join(gt->signers_dir, "allowed_signers")))
		rc = mr_error_oom(err);
	if (rc == 0) {
		FILE *f = fopen(gt->signers, "w");

		if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
			rc = mr_error_set(err, "%s: cannot write", gt->signers);
		else
			f = NULL;
		if (f)
			fclose(f);
	}
	free(text);
	return rc;
}

int
gate_trust_open(struct gate_trust *gt, const struct project *work, const char *ref,
		struct mr_error *err)
{
	struct strvec tv = { 0 }, *wv = &gt->values;
	const struct project *trusted = work;
	char *required = NULL, *joined;
	size_t n = 0;
	int rc;

	memset(gt, 0, sizeof(*gt));
	gt->work = work;
	if (ref) {
		if (!(gt->ref = mr_strdup(ref)))
			return mr_error_oom(err);
		if (load_trusted(gt, err) < 0)
			return -1;
		trusted = &gt->trusted;
	}
	rc = gate_values(trusted, trusted->section ? trusted->section : PROJECT_DEFAULT_SECTION,
			 &tv, err);
	if (rc == 0)
		rc = gate_values(work, work->section ? work->section : PROJECT_DEFAULT_SECTION,
				 wv, err);
	if (rc == 0 && ref && compare(gt, &tv, wv) < 0)
		rc = mr_error_oom(err);
	/* the content id of the working tree's gate settings, as a sign-off binds to it */
	for (size_t i = 0; rc == 0 && i < wv->n; i++)
		n += strlen(wv->v[i]) + 1;
	joined = rc == 0 ? calloc(n + 1, 1) : NULL;
	for (size_t i = 0; joined && i < wv->n; i++)
		strcat(strcat(joined, wv->v[i]), "\n");
	if (rc == 0 && !joined)
		rc = mr_error_oom(err);
	if (joined)
		review_blob_of(joined, n, gt->settings_id);
	free(joined);
	if (rc == 0 && project_setting(trusted, "require_signatures", &required, err) < 0)
		rc = -1;
	if (rc == 0 && required) {
		int b = inifile_parse_bool(required);

		if (b < 0)
			rc = mr_error_set(err, "require_signatures = %s: not a boolean", required);
		gt->require_signatures = b > 0;
	}
	free(required);
	if (rc == 0)
		rc = copy_signers(gt, trusted, err);
	if (rc == 0 && gt->require_signatures && !gt->signers)
		rc = mr_error_set(err, "require_signatures is on, but no allowed_signers file names "
				  "who may sign");
	strvec_free(&tv);
	return rc;
}

int
gate_trust_merge_review(const struct gate_trust *gt, struct review *rv, const char *path,
			struct mr_error *err)
{
	struct gitinfo *gi = NULL;
	char *text = NULL, *label;
	size_t len = 0;
	int rc;

	if (!gt->ref)
		return 0;
	rc = gitinfo_open(&gi, gt->work->root, err);
	if (rc == 0)
		rc = gitinfo_file_at(gi, gt->ref, path, REVIEW_MAX, &text, &len, err);
	gitinfo_free(gi);
	if (rc < 0)
		trust_ref_error(gt->ref, err);
	if (rc != 0) {
		free(text);
		return rc < 0 ? -1 : 0;         /* no review file there yet */
	}
	label = mr_printf("%s:%s", gt->ref, path);
	rc = label ? review_merge_text(rv, label, text, len, err) : mr_error_oom(err);
	free(label);
	free(text);
	return rc;
}

bool
gate_trust_counts(const struct gate_trust *gt, const struct decision *d, struct mr_error *why)
{
	if (!gt->require_signatures || d->status == DECISION_BLOCKED ||
	    d->status == DECISION_CLEARED)
		return true;
	return trust_verify(d, gt->signers, why) == 0;
}

bool
gate_trust_settings_signed(const struct gate_trust *gt, const struct review *rv)
{
	const struct decision *d;
	struct mr_error why;

	if (!gt->changes.n)
		return true;
	d = review_find(rv, GATE_SETTINGS_REVISION, GATE_SETTINGS_ITEM);
	return d && d->status == DECISION_ACCEPTED && !strcmp(d->blob, gt->settings_id) &&
	       gate_trust_counts(gt, d, &why);
}

const struct project *
gate_trust_settings(const struct gate_trust *gt, const struct review *rv)
{
	return gt->ref && !gate_trust_settings_signed(gt, rv) ? &gt->trusted : gt->work;
}

void
gate_trust_free(struct gate_trust *gt)
{
	if (gt->signers)
		unlink(gt->signers);
	if (gt->signers_dir)
		rmdir(gt->signers_dir);
	free(gt->signers);
	free(gt->signers_dir);
	free(gt->ref);
	project_free(&gt->trusted);
	strvec_free(&gt->changes);
	strvec_free(&gt->values);
	memset(gt, 0, sizeof(*gt));
}

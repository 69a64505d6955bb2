/*
 * `migreview settings`: the settings the gate runs under, their content id
 * and, with --trust-ref, what the working tree changes in them; --accept
 * records the sign-off of that change (signed when the reviewer signs).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "migreview/gatetrust.h"
#include "migreview/trust.h"
#include "migreview/util.h"

static void
print_settings(const struct gate_trust *gt)
{
	char *ini = mr_visible(gt->work->ini_path);

	printf("gate settings of %s (content id %s):\n", ini ? ini : "?", gt->settings_id);
	for (size_t i = 0; i < gt->values.n; i++) {
		const char *v = gt->values.v[i];
		size_t k = strcspn(v, "\t");
		char *key = mr_strndup(v, k), *shown_key = key ? mr_visible(key) : NULL;
		char *value = mr_visible(v[k] ? v + k + 1 : "");

		printf("  %s = %s\n", shown_key ? shown_key : "?", value ? value : "?");
		free(key);
		free(shown_key);
		free(value);
	}
	if (!gt->values.n)
		printf("  (none: every rule on, default severities)\n");
	for (size_t i = 0; i < gt->changes.n; i++) {
		char *line = mr_visible(gt->changes.v[i]);

		printf("%s\n", line ? line : "?");
		free(line);
	}
	free(ini);
}

static int
accept(const struct gate_trust *gt, struct mr_error *err)
{
	struct review rv;
	char *path = NULL, *who;
	int rc;

	if (review_path(gt->ref ? &gt->trusted : gt->work, &path, err) < 0)
		return -1;
	rc = review_load(&rv, path, err);
	free(path);
	who = rc == 0 ? review_reviewer(gt->work->root) : NULL;
	if (rc == 0 && !who)
		rc = mr_error_oom(err);
	if (rc == 0) {
		rv.signing_key = trust_signing_key(gt->work->root);
		rc = review_decide(&rv, GATE_SETTINGS_REVISION, GATE_SETTINGS_ITEM,
				   DECISION_ACCEPTED, NULL, who, gt->settings_id, err);
	}
	if (rc == 0) {
		char *shown = mr_visible(who), *file = mr_visible(rv.path);

		printf("signed off the gate settings %s as %s, %s, in %s\n", gt->settings_id,
		       shown ? shown : "?", rv.signing_key ? "signed" : "not signed (no signing key)",
		       file ? file : "?");
		free(shown);
		free(file);
	}
	free(who);
	review_free(&rv);
	return rc;
}

int
cmd_settings(const struct cli *cli)
{
	struct project p = { 0 };
	struct gate_trust gt = { 0 };
	struct project_where where = cmd_where(cli);
	struct mr_error err;
	int rc = EXIT_USAGE;

	if (cli->argc) {
		cmd_error("migreview: settings takes no arguments ('%s')\n", cli->argv[0]);
		return EXIT_USAGE;
	}
	if (project_open_at(&p, &where, &err) < 0 ||
	    gate_trust_open(&gt, &p, cli->trust_ref, &err) < 0 ||
	    (cli->accept && accept(&gt, &err) < 0)) {
		cmd_error("migreview: %s\n", err.msg);
		goto out;
	}
	if (!cli->accept)
		print_settings(&gt);
	rc = EXIT_CLEAN;
out:
	gate_trust_free(&gt);
	project_free(&p);
	return rc;
}

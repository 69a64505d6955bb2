/*
 * What the release gate may trust when the files it reads come from the
 * pull request it judges.
 *
 * With a trusted ref (in CI, the base branch), every setting that can
 * weaken the gate — disabled rules, severities, large tables, the dialect,
 * the baseline, the review file, the version locations, whether signatures
 * are required and who may sign — is read from the ref's alembic.ini and
 * pyproject.toml, not from the working tree.  A working tree that changes
 * any of them is described change by change, and its settings apply only
 * once that change is itself signed off: an accepted decision on the
 * pseudo-revision "@settings", item "settings", bound to the content id of
 * the new gate settings (and signed, when signatures are required).
 *
 * With signatures required (require_signatures = true), a decision counts
 * only when trust_verify() accepts it against the allowed-signers file
 * (allowed_signers = FILE, read from the ref too).  A block always counts:
 * it can only hold the gate.
 *
 * struct gate_trust owns everything in it; gate_trust_free() releases it.
 */
#ifndef MIGREVIEW_GATETRUST_H
#define MIGREVIEW_GATETRUST_H

#include <stdbool.h>

#include "migreview/error.h"
#include "migreview/project.h"
#include "migreview/review.h"

#define GATE_SETTINGS_REVISION "@settings"
#define GATE_SETTINGS_ITEM "settings"

struct gate_trust {
	const struct project *work;     /* the working tree's project (borrowed) */
	char *ref;                      /* the trusted ref, or NULL */
	struct project trusted;         /* the ref's settings (ini and toml only) */
	struct strvec changes;          /* what the working tree changes, one line each */
	struct strvec values;           /* the working tree's gate settings, "key\tvalue", sorted */
	char settings_id[REVIEW_BLOB_HEX + 1];  /* the working tree's gate settings */
	bool require_signatures;
	char *signers;                  /* a private copy of the allowed-signers file, or NULL */
	char *signers_dir;
};

/*
 * Reads the trusted settings (ref NULL: the working tree's own) and what
 * the working tree changes in them.
 */
int gate_trust_open(struct gate_trust *gt, const struct project *work, const char *ref,
		    struct mr_error *err);

/*
 * The project whose settings the gate uses: the ref's while a change to
 * them is not signed off in rv, else the working tree's.
 */
const struct project *gate_trust_settings(const struct gate_trust *gt, const struct review *rv);

/*
 * With a trusted ref, merges the ref's copy of the review file at path into
 * rv: a decision the ref records (a block on the base branch, say) cannot
 * be taken away by deleting its line in the change; only a newer decision
 * that counts replaces it.
 */
int gate_trust_merge_review(const struct gate_trust *gt, struct review *rv, const char *path,
			    struct mr_error *err);

/* Whether the working tree's settings change is signed off in rv (true when nothing changed). */
bool gate_trust_settings_signed(const struct gate_trust *gt, const struct review *rv);

/*
 * Whether decision d counts: always without required signatures, else when
 * its signature verifies (a block always counts); why says why not.
 */
bool gate_trust_counts(const struct gate_trust *gt, const struct decision *d,
		       struct mr_error *why);

void gate_trust_free(struct gate_trust *gt);

#endif

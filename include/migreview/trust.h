/*
 * Trust in decisions: signing each one with the reviewer's SSH key as git
 * signs commits (ssh-keygen -Y sign, namespace "migreview"), and checking
 * signatures against an allowed-signers file in git's format
 * (ssh-keygen -Y verify).
 *
 * A signature covers the fields that make the decision: revision, item,
 * status, reason, reviewer, timestamp and blob, as one JSON array, so that
 * none of them can change without the signature failing.  The principal a
 * signature must be allowed for is the reviewer's e-mail address (what is
 * between < and >), else the whole reviewer name.
 */
#ifndef MIGREVIEW_TRUST_H
#define MIGREVIEW_TRUST_H

#include "migreview/error.h"
#include "migreview/review.h"

#define TRUST_NAMESPACE "migreview"

/*
 * The key to sign with: $MIGREVIEW_SIGNING_KEY when set (empty: none), else
 * git's user.signingkey when gpg.format is ssh, as the repository at
 * repo_dir sees them; NULL when there is none.  A path (~/ expanded) to a
 * private key or, with ssh-agent holding the key, to its public key; or
 * "key::" and a public key, as git accepts.  The caller frees it.
 */
char *trust_signing_key(const char *repo_dir);

/* Signs d with key, setting d->sig. */
int trust_sign(struct decision *d, const char *key, struct mr_error *err);

/*
 * Whether d carries a valid signature by a key that allowed_signers (a
 * file in git's allowed-signers format) allows for the reviewer: 0, or -1
 * with why: unsigned, signed by a key not allowed for the reviewer, or a
 * signature that does not match the decision's fields.
 */
int trust_verify(const struct decision *d, const char *allowed_signers, struct mr_error *why);

/* The principal a decision's signature must be allowed for (a new string). */
char *trust_principal(const char *reviewer);

#endif

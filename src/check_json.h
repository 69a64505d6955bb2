/*
 * `check`'s machine-readable reports: --format json (every migration in the
 * scope with its checklist items, findings and decisions) and --format sarif
 * (SARIF 2.1.0 for code scanning: the rules, one result per finding, decided
 * findings suppressed).  Both are written to out as they are made, a
 * migration or a finding at a time, so memory does not grow with the
 * report; what they write is what the jansson documents they replace wrote
 * (jsonout.h).  Each returns 0, or -1 when writing failed or memory ran out.
 */
#ifndef MIGREVIEW_CHECK_JSON_H
#define MIGREVIEW_CHECK_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "check_gate.h"

/* trust: the gate's problems, one line each (with --trust-ref, "gate" lists them) */
int check_json_write(FILE *out, const struct gate *gt, const struct strvec *trust,
		     bool settings_signed);
/* Sets gt->uri_prefix: SARIF's paths start at the top of the git work tree. */
int check_sarif_write(FILE *out, struct gate *gt);

#endif

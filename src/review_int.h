/*
 * Inside the review module: the records in memory (review_records.c), which
 * the file's reader and writer (review.c) merge into.
 */
#ifndef MIGREVIEW_REVIEW_INT_H
#define MIGREVIEW_REVIEW_INT_H

#include <jansson.h>

#include "migreview/review.h"

void decision_free(struct decision *d);
int decision_copy(struct decision *to, const struct decision *from);
void run_free(struct test_run *t);
int run_copy(struct test_run *to, const struct test_run *from);

/*
 * Puts a decision in, taking its strings, unless the one there is newer (on
 * a tie the newcomer wins, as a later line of the file does); a decision
 * that loses is freed.  -1 when memory runs out (the decision is freed too).
 */
int records_put_decision(struct review *rv, struct decision *d);
/*
 * Adds a record at the end (taking its strings; freed on failure), for a
 * reader adding many: records_settle() then sorts and keeps the newest per
 * key, the last added winning a tie.
 */
int records_append_decision(struct review *rv, struct decision *d);
int records_append_run(struct review *rv, struct test_run *t);
int records_settle(struct review *rv);
/* Copies every record of from into to, newest winning; -1 out of memory. */
int records_merge(struct review *to, const struct review *from);
void records_clear(struct review *rv);          /* empties, keeping the arrays */
void records_free(struct review *rv);           /* empties and frees the arrays */

/*
 * A run's "evidence" member (review_evidence.c): *out is NULL when it is
 * absent; -1 with *why naming the member that is wrong (or "out of memory").
 */
int evidence_read(json_t *v, struct run_evidence **out, const char **why);
json_t *evidence_json(const struct run_evidence *e);

/* A run's "models" member (review_models.c), as evidence_read() and evidence_json(). */
int models_read(json_t *v, struct run_models **out, const char **why);
json_t *models_json(const struct run_models *m);

/* DECISION_* for a status name, or -1. */
int decision_status_parse(const char *s);

#endif

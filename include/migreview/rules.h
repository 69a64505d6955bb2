/*
 * The rule catalogue: every rule's id, checklist item, default severity,
 * the dialects where it matters, and the text `migreview explain` prints.
 * The entries live in src/rules.def, the one list that the analyser,
 * explain, the UI and the reports all read.
 */
#ifndef MIGREVIEW_RULES_H
#define MIGREVIEW_RULES_H

#include <stddef.h>

#include "migreview/checklist.h"
#include "migreview/finding.h"

enum dialect {
	DIALECT_POSTGRESQL = 1 << 0,
	DIALECT_MYSQL = 1 << 1,
	DIALECT_SQLITE = 1 << 2,
	DIALECT_ANY = DIALECT_POSTGRESQL | DIALECT_MYSQL | DIALECT_SQLITE,
};

struct rule {
	const char *id;
	enum check_item item;
	enum severity severity;
	unsigned dialects;      /* enum dialect bits */
	const char *summary;    /* one line */
	const char *why;        /* what goes wrong in production */
	const char *bad;        /* a migration snippet the rule flags */
	const char *good;       /* the safe version, not flagged */
	const char *fix;        /* the safe alternative, one sentence */
};

extern const struct rule rules[];
extern const size_t rules_count;

/* The rule with this id, or NULL. */
const struct rule *rule_find(const char *id);

/* The dialect named name ("postgresql", "mysql", "sqlite"), or 0. */
unsigned dialect_parse(const char *name);
const char *dialect_names(unsigned dialects, char *buf, size_t size);

#endif

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

/* How bad a finding is: a rule's default, and what the settings make of it. */
enum severity {
	SEVERITY_INFO,
	SEVERITY_WARNING,
	SEVERITY_ERROR,
};

enum dialect {
	DIALECT_POSTGRESQL = 1 << 0,
	DIALECT_MYSQL = 1 << 1,
	DIALECT_SQLITE = 1 << 2,
	DIALECT_ANY = DIALECT_POSTGRESQL | DIALECT_MYSQL | DIALECT_SQLITE,
};

/* RULE_MISSING_PARENT, ...: a rule by identity, its index in rules[]. */
enum rule_id {
#define RULE(name, ...) RULE_##name,
#include "../../src/rules.def"
#undef RULE
	RULE_COUNT
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

extern const struct rule rules[RULE_COUNT];

/*
 * The rule with this id, or NULL: for what users type (explain, disable,
 * severity.RULE).  Code names a rule by its enum rule_id.
 */
const struct rule *rule_find(const char *id);

static inline enum rule_id
rule_id_of(const struct rule *r)
{
	return (enum rule_id)(r - rules);
}

/* The dialect named name ("postgresql", "mysql", "sqlite"), or 0. */
unsigned dialect_parse(const char *name);
const char *dialect_names(unsigned dialects, char *buf, size_t size);

#endif

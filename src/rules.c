/* The rule catalogue, from src/rules.def. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "migreview/rules.h"
#include "migreview/util.h"

const struct rule rules[RULE_COUNT] = {
#define RULE(name, id, item, severity, dialects, summary, why, bad, good, fix) \
	[RULE_##name] = { id, item, severity, dialects, summary, why, bad, good, fix },
#include "rules.def"
#undef RULE
};

const struct rule *
rule_find(const char *id)
{
	for (size_t i = 0; i < RULE_COUNT; i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

static const struct { const char *name; unsigned bit; } dialect_table[] = {
	{ "postgresql", DIALECT_POSTGRESQL },
	{ "mysql", DIALECT_MYSQL },
	{ "sqlite", DIALECT_SQLITE },
};

unsigned
dialect_parse(const char *name)
{
	for (size_t i = 0; i < MR_ARRAY_SIZE(dialect_table); i++)
		if (!strcmp(name, dialect_table[i].name))
			return dialect_table[i].bit;
	return 0;
}

const char *
dialect_names(unsigned dialects, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if ((dialects & DIALECT_ANY) == DIALECT_ANY) {
		snprintf(buf, size, "all dialects");
		return buf;
	}
	for (size_t i = 0; i < MR_ARRAY_SIZE(dialect_table) && len < size; i++)
		if (dialects & dialect_table[i].bit)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
						dialect_table[i].name);
	return buf;
}

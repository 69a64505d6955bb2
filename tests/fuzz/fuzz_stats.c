/*
 * The stats-file reader on arbitrary bytes.  What it accepts must be what
 * stats.h promises: every name UTF-8 without a control character, tables
 * and indexes sorted without duplicates, numbers in range; and each table
 * must be found again by its qualified name.  A broken promise aborts, so
 * the fuzzer keeps the input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migreview/stats.h"
#include "migreview/util.h"

static void
check_text(const char *s)
{
	size_t len = strlen(s);

	for (size_t at = 0; at < len;) {
		unsigned long cp;
		size_t n = mr_utf8_next(s + at, len - at, &cp);

		if (!n || mr_is_invisible_control(cp))
			abort();
		at += n;
	}
}

static void
check_table(const struct stats *s, size_t i)
{
	const struct stats_table *t = &s->tables[i];
	char *qualified = mr_printf("%s.%s", t->schema, t->name);
	const struct stats_table *found = qualified ? stats_find(s, qualified) : t;
	char *again = found ? mr_printf("%s.%s", found->schema, found->name) : NULL;

	check_text(t->schema);
	check_text(t->name);
	if (!strchr("rpm", t->kind) || t->rows < -1 || t->heap_bytes < 0 || t->total_bytes < 0)
		abort();
	if (i && strcmp(s->tables[i - 1].schema, t->schema) > 0)
		abort();
	/* "a.b" + "c" and "a" + "b.c" both qualify as "a.b.c": the same words either way */
	if (!found || (qualified && again && strcmp(again, qualified)))
		abort();
	free(again);
	free(qualified);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stats *s;
	char err[1024];

	if (stats_parse((const char *)data, size, "fuzz.json", &s, err, sizeof(err)) < 0) {
		for (const char *c = err; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				abort();        /* a message that could control a terminal */
		return 0;
	}
	check_text(s->taken_at);
	check_text(s->server_version);
	check_text(s->database);
	for (size_t i = 0; i < s->n_tables; i++)
		check_table(s, i);
	for (size_t i = 0; i < s->n_indexes; i++) {
		check_text(s->indexes[i].name);
		if (s->indexes[i].bytes < 0 || (i && !strcmp(s->indexes[i - 1].name,
							      s->indexes[i].name) &&
						 !strcmp(s->indexes[i - 1].table, s->indexes[i].table) &&
						 !strcmp(s->indexes[i - 1].schema, s->indexes[i].schema)))
			abort();
	}
	stats_free(s);
	return 0;
}

/* `migreview explain [RULE | ITEM]`: the rule catalogue, for people. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "migreview/finding.h"
#include "migreview/rules.h"

#define WRAP 76

/* Prints text word-wrapped at WRAP columns, each line indented. */
static void
print_wrapped(const char *text, const char *indent)
{
	const char *p = text;

	while (*p) {
		const char *line = p, *brk = NULL;
		size_t col = 0;

		while (*p && *p != '\n' && (col < WRAP || !brk)) {
			if (*p == ' ')
				brk = p;
			p++;
			col++;
		}
		if (*p && *p != '\n' && brk)
			p = brk;
		printf("%s%.*s\n", indent, (int)(p - line), line);
		if (*p == ' ' || *p == '\n')
			p++;
	}
}

/* Prints code as written, each line indented. */
static void
print_code(const char *code)
{
	for (const char *p = code; *p;) {
		size_t n = strcspn(p, "\n");

		printf("    %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void
explain_rule(const struct rule *r)
{
	char dialects[64];

	printf("%s — %s\n", r->id, r->summary);
	printf("severity %s · checklist: %s · %s\n\n", severity_name(r->severity),
	       checklist[r->item].id, dialect_names(r->dialects, dialects, sizeof(dialects)));
	print_wrapped(r->why, "");
	printf("\nFlagged:\n");
	print_code(r->bad);
	printf("\nSafe:\n");
	print_code(r->good);
	printf("\nFix: ");
	print_wrapped(r->fix, "");
}

static void
list_item(enum check_item item)
{
	printf("%s — %s\n", checklist[item].id, checklist[item].title);
	for (size_t i = 0; i < RULE_COUNT; i++)
		if (rules[i].item == item)
			printf("  %-40s %-7s  %s\n", rules[i].id, severity_name(rules[i].severity),
			       rules[i].summary);
}

int
cmd_explain(const struct cli *cli)
{
	const struct rule *r;
	enum check_item item;

	if (cli->argc > 1) {
		cmd_error("migreview: explain takes one rule or checklist item\n");
		return EXIT_USAGE;
	}
	if (cli->argc == 0) {
		for (int i = 0; i < CHECK_ITEM_COUNT; i++) {
			list_item((enum check_item)i);
			putchar('\n');
		}
		printf("`migreview explain RULE` tells why a rule exists, with a flagged and a "
		       "safe example.\n");
		return EXIT_CLEAN;
	}
	if ((r = rule_find(cli->argv[0]))) {
		explain_rule(r);
		return EXIT_CLEAN;
	}
	if ((item = checklist_find(cli->argv[0])) != CHECK_ITEM_COUNT) {
		list_item(item);
		return EXIT_CLEAN;
	}
	cmd_error("migreview: no rule or checklist item '%s'", cli->argv[0]);
	for (size_t i = 0, shown = 0; i < RULE_COUNT && shown < 5; i++) {
		if (strstr(rules[i].id, cli->argv[0])) {
			cmd_error("%s%s", shown ? ", " : "; did you mean ", rules[i].id);
			shown++;
		}
	}
	cmd_error("\n`migreview explain` lists them all.\n");
	return EXIT_USAGE;
}

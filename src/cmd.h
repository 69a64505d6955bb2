/*
 * The command line: options shared by every command, and one entry point
 * per command.  Commands print; the engine they call does not.
 */
#ifndef MIGREVIEW_CMD_H
#define MIGREVIEW_CMD_H

#include <stdbool.h>

/* Exit statuses of every command (SPEC §8). */
enum {
	EXIT_CLEAN = 0,         /* nothing outstanding */
	EXIT_FINDINGS = 1,      /* findings (or, for list, graph errors) */
	EXIT_USAGE = 2,         /* usage, configuration or I/O errors */
};

struct cli {
	const char *config;     /* -c / --config */
	const char *section;    /* -n / --name */
	const char *theme;      /* --theme */
	const char *order;      /* --order review|history */
	bool json;              /* --json */
	const char *format;     /* --format text|json|sarif */
	const char *since;      /* --since GITREF */
	bool require_signoff;   /* --require-signoff */
	const char *database_url; /* --database-url URL */
	bool all;               /* --all */
	int argc;               /* positional arguments after the command */
	char **argv;
};

int cmd_ui(const struct cli *cli);
int cmd_list(const struct cli *cli);
int cmd_explain(const struct cli *cli);
int cmd_check(const struct cli *cli);
int cmd_diff(const struct cli *cli);
int cmd_test(const struct cli *cli);

#endif

/*
 * The command line: options shared by every command, and one entry point
 * per command.  Commands print; the engine they call does not.
 */
#ifndef MIGREVIEW_CMD_H
#define MIGREVIEW_CMD_H

#include <stdbool.h>

#include "migreview/project.h"

/* Exit statuses of every command (SPEC §8). */
enum {
	EXIT_CLEAN = 0,         /* nothing outstanding */
	EXIT_FINDINGS = 1,      /* findings (or, for list, graph errors) */
	EXIT_USAGE = 2,         /* usage, configuration or I/O errors */
};

struct cli {
	const char *config;     /* -c / --config */
	const char *section;    /* -n / --name */
	const char *directory;  /* -d / --directory */
	const char *theme;      /* --theme */
	const char *order;      /* --order review|history */
	bool json;              /* --json */
	const char *format;     /* --format text|json|sarif */
	const char *color;      /* --color auto|always|never */
	const char *since;      /* --since GITREF */
	bool require_signoff;   /* --require-signoff */
	bool include_baseline;  /* --include-baseline: history is checked too */
	const char *database_url; /* --database-url URL */
	bool all;               /* --all */
	bool models;            /* test --models: compare the models at the heads */
	long rows;              /* test --rows N: fill the tables first; 0 not asked */
	bool trust;             /* --trust: consent to run the project's code */
	const char *trust_ref;  /* --trust-ref REF: the gate's settings come from REF */
	bool accept;            /* settings --accept */
	const char *output;     /* stats -o / --output FILE */
	bool print_query;       /* stats --print-query */
	int argc;               /* positional arguments after the command */
	char **argv;
};

/* -c, -n and -d, as project_open_at() takes them. */
static inline struct project_where
cmd_where(const struct cli *cli)
{
	return (struct project_where){ cli->config, cli->section, cli->directory };
}

int cmd_ui(const struct cli *cli);
int cmd_list(const struct cli *cli);
int cmd_explain(const struct cli *cli);
int cmd_check(const struct cli *cli);
int cmd_diff(const struct cli *cli);
int cmd_test(const struct cli *cli);
int cmd_settings(const struct cli *cli);
int cmd_stats(const struct cli *cli);

/*
 * Every message to stderr goes through here: formatted like fprintf(), then
 * written as mr_visible_lines() shows it.  Messages quote review files,
 * alembic.ini and pyproject.toml, which someone else may have written: no
 * byte of theirs reaches the terminal as a control sequence.
 */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

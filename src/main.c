/* migreview: review Alembic migrations before they reach production. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "migreview/util.h"

/* The commands, said once: C(ID, name, entry point, arguments, summary). */
#define COMMANDS(C) \
	C(UI, "", cmd_ui, "", \
	  "the review UI (without a command)") \
	C(LIST, "list", cmd_list, "", \
	  "the revision graph, one line per migration (base → head by default)") \
	C(CHECK, "check", cmd_check, " [FILE...]", \
	  "the analysis as a release gate: every finding of every migration\n" \
	  "(of the migration FILEs named, when there are any)") \
	C(TEST, "test", cmd_test, " [REV]", \
	  "run Alembic up → down → up on a scratch database; runs migration code") \
	C(DIFF, "diff", cmd_diff, " REV", \
	  "what changed in a migration since it was signed off (exit 1 when something did)") \
	C(STATS, "stats", cmd_stats, "", \
	  "a production database's table sizes, read-only, into a stats file\n" \
	  "(from its catalog and statistics views only, never from a row)") \
	C(SETTINGS, "settings", cmd_settings, "", \
	  "the gate's settings, what this tree changes in them (--trust-ref), --accept") \
	C(EXPLAIN, "explain", cmd_explain, " [RULE | ITEM]", \
	  "why a rule exists, with a flagged and a safe example; without RULE, all rules")

enum command_id {
#define COMMAND_ENUM(id, name, run, args, summary) CMD_##id,
	COMMANDS(COMMAND_ENUM)
#undef COMMAND_ENUM
	CMD_COUNT
};

#define FOR(id) (1u << CMD_##id)
#define PROJECT (FOR(UI) | FOR(LIST) | FOR(CHECK) | FOR(TEST) | FOR(DIFF) | FOR(SETTINGS))

static const struct command {
	const char *name;
	int (*run)(const struct cli *cli);
	const char *args;
	const char *summary;
} commands[CMD_COUNT] = {
#define COMMAND_ENTRY(id, name, run, args, summary) { name, run, args, summary },
	COMMANDS(COMMAND_ENTRY)
#undef COMMAND_ENTRY
};

enum { OPT_THEME = 256, OPT_JSON, OPT_ORDER, OPT_FORMAT, OPT_SINCE, OPT_SIGNOFF, OPT_URL, OPT_ALL,
       OPT_TRUST, OPT_TRUST_REF, OPT_ACCEPT, OPT_BASELINE, OPT_COLOR, OPT_MODELS,
       OPT_ROWS, OPT_PRINT_QUERY };

/*
 * Every option, said once: the getopt table, the usage lines, each
 * command's --help and the check that an option means something to the
 * command it is given to all come from here.
 */
static const struct option_info {
	const char *name;
	int has_arg;
	int val;                /* the short option, or OPT_* */
	const char *arg;        /* the value's name in the help, or NULL */
	unsigned commands;      /* FOR() bits: the commands it applies to */
	const char *help;
} options[] = {
	{ "config", required_argument, 'c', "FILE", PROJECT,
	  "the alembic.ini (or pyproject.toml) to use\n"
	  "(default: search upward from the current directory)" },
	{ "directory", required_argument, 'd', "DIR", PROJECT,
	  "the script directory (env.py, versions/), as\n"
	  "`flask db -d` names it; without -c, its\n"
	  "alembic.ini is the configuration" },
	{ "name", required_argument, 'n', "NAME", PROJECT,
	  "the alembic.ini section to read (default: alembic)" },
	{ "theme", required_argument, OPT_THEME, "NAME", FOR(UI),
	  "colour theme (dark, light, mono, or a theme file's path)" },
	{ "json", no_argument, OPT_JSON, NULL, FOR(LIST),
	  "print JSON" },
	{ "order", required_argument, OPT_ORDER, "ORDER", FOR(LIST),
	  "'review' (base → head, the default) or\n'history' (as alembic history)" },
	{ "format", required_argument, OPT_FORMAT, "FMT", FOR(CHECK),
	  "text (the default), json or sarif" },
	{ "color", required_argument, OPT_COLOR, "WHEN", FOR(CHECK),
	  "auto, always or never: at a terminal (or\n"
	  "always), findings grouped per migration and\n"
	  "coloured (not with never or NO_COLOR)" },
	{ "since", required_argument, OPT_SINCE, "GITREF", FOR(UI) | FOR(CHECK),
	  "only the migrations added or changed between\nGITREF and the working tree" },
	{ "require-signoff", no_argument, OPT_SIGNOFF, NULL, FOR(CHECK),
	  "fail unless every migration is signed off for\n"
	  "its current content and nothing is blocked" },
	{ "include-baseline", no_argument, OPT_BASELINE, NULL, FOR(CHECK),
	  "gate the history up to [migreview] baseline\n"
	  "too, as if there were none" },
	{ "trust-ref", required_argument, OPT_TRUST_REF, "REF", FOR(CHECK) | FOR(SETTINGS),
	  "take the settings that can weaken the gate, and\n"
	  "who may sign off, from REF's tree (in CI: the\n"
	  "base branch); a change to them fails until signed off" },
	{ "accept", no_argument, OPT_ACCEPT, NULL, FOR(SETTINGS),
	  "sign off the working tree's gate settings" },
	{ "all", no_argument, OPT_ALL, NULL, FOR(TEST),
	  "every migration, base → head, on one database" },
	{ "models", no_argument, OPT_MODELS, NULL, FOR(TEST),
	  "after the run, compare env.py's target_metadata\n"
	  "with the database at the head(s), as `alembic\n"
	  "check` does; drift fails the command" },
	{ "rows", required_argument, OPT_ROWS, "N", FOR(TEST),
	  "before each migration's upgrade, fill every table\n"
	  "there is then with N generated rows, and give\n"
	  "the rows per second of its rewrites and slow\n"
	  "statements" },
	{ "database-url", required_argument, OPT_URL, "URL", FOR(UI) | FOR(TEST) | FOR(STATS),
	  "test makes its scratch database on this\n"
	  "PostgreSQL server (or uses this empty database)\n"
	  "instead of a temporary SQLite file; stats reads\n"
	  "this PostgreSQL database's table sizes" },
	{ "output", required_argument, 'o', "FILE", FOR(STATS),
	  "write the stats file to FILE (replaced whole,\n"
	  "once it reads back; - or none: standard output)" },
	{ "print-query", no_argument, OPT_PRINT_QUERY, NULL, FOR(STATS),
	  "print the query that makes the stats file, to\n"
	  "run with psql instead (README: Production\n"
	  "table sizes)" },
	{ "trust", no_argument, OPT_TRUST, NULL, FOR(UI) | FOR(TEST),
	  "consent to running the project's own code\n"
	  "(its env.py and migrations): you trust it" },
	{ "help", no_argument, 'h', NULL, ~0u, "show this help (after a command, the command's)" },
	{ "version", no_argument, 'V', NULL, ~0u, "show the version" },
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static const char exit_help[] =
	"Exit status: 0 clean, 1 findings to act on (warnings or errors) or a failed\n"
	"test, 2 usage, configuration or I/O error, 130 test interrupted.\n";

/* "migreview [-c FILE] [-d DIR] [-n NAME] check [--format FMT] ... [FILE...]" */
static void
print_usage_line(FILE *out, const char *lead, enum command_id cmd)
{
	fprintf(out, "%s migreview%s%s%s", lead,
		(1u << cmd) & PROJECT ? " [-c FILE] [-d DIR] [-n NAME]" : "",
		cmd == CMD_UI ? "" : " ", commands[cmd].name);
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_info *o = &options[i];

		/* -c, -d and -n lead the line; --help and --version have their own */
		if (!(o->commands & (1u << cmd)) || (o->commands & PROJECT) == PROJECT)
			continue;
		fprintf(out, " [--%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	}
	fprintf(out, "%s\n", commands[cmd].args);
}

/*
 * The option's help, its continuation lines indented under the first; with
 * who, the commands it is for ("check, the UI: ") lead the text.
 */
static void
print_option(FILE *out, const struct option_info *o, bool who)
{
	char flags[48], short_opt[8] = "    ";
	const char *p = o->help;

	if (o->val < 128)
		snprintf(short_opt, sizeof(short_opt), "-%c, ", o->val);
	snprintf(flags, sizeof(flags), "%s--%s%s%s", short_opt, o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	fprintf(out, "  %-24s", flags);
	if (strlen(flags) > 24)
		fprintf(out, "\n  %-24s", "");
	if (who && (o->commands & PROJECT) != PROJECT) {
		bool first = true;

		for (int c = 0; c < CMD_COUNT; c++)
			if (o->commands & (1u << c)) {
				fprintf(out, "%s%s", first ? "" : ", ", c ? commands[c].name : "the UI");
				first = false;
			}
		fprintf(out, ": ");
	}
	for (;;) {
		const char *nl = strchr(p, '\n');

		fprintf(out, "%.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl)
			break;
		p = nl + 1;
		fprintf(out, "  %-24s", "");
	}
}

static void
usage(FILE *out)
{
	for (int c = 0; c < CMD_COUNT; c++)
		print_usage_line(out, c ? "      " : "usage:", (enum command_id)c);
	fprintf(out, "       migreview [COMMAND] --help | --version\n\n"
		"Without a command migreview opens the review UI.\n\nCommands:\n");
	for (int c = 1; c < CMD_COUNT; c++) {
		const char *nl = strchr(commands[c].summary, '\n');

		fprintf(out, "  %-8s %.*s\n", commands[c].name,
			nl ? (int)(nl - commands[c].summary) : (int)strlen(commands[c].summary),
			commands[c].summary);
	}
	fprintf(out, "\nOptions:\n");
	for (size_t i = 0; i < N_OPTIONS; i++)
		print_option(out, &options[i], true);
	fprintf(out, "\n%s"
		"migreview never imports or runs migration code; only `migreview test` runs Alembic.\n"
		"`migreview COMMAND --help` describes one command; man migreview, everything.\n",
		exit_help);
}

static void
command_usage(FILE *out, enum command_id cmd)
{
	print_usage_line(out, "usage:", cmd);
	fprintf(out, "\n%c%s.\n\nOptions:\n", toupper((unsigned char)commands[cmd].summary[0]),
		commands[cmd].summary + 1);
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (options[i].commands & (1u << cmd))
			print_option(out, &options[i], false);
	fprintf(out, "\n%s", exit_help);
}

static int
find_command(const char *name)
{
	for (int c = 1; c < CMD_COUNT; c++)
		if (!strcmp(name, commands[c].name))
			return c;
	return -1;
}

struct parsed {
	const char *command;
	bool help;
	unsigned seen[N_OPTIONS];       /* how often each option was given */
};

/* --rows N: a whole number of rows, 1 to ROWS_MAX (more is a load test, not a review). */
#define ROWS_MAX 10000000L

static int
parse_rows(const char *text, long *rows)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno || end == text || *end || n < 1 || n > ROWS_MAX) {
		cmd_error("migreview: --rows takes a number of rows from 1 to %ld, not '%s'\n",
			ROWS_MAX, text);
		return -1;
	}
	*rows = n;
	return 0;
}

static int
parse(int argc, char **argv, struct cli *cli, struct parsed *ps)
{
	struct option opts[N_OPTIONS + 1] = { { 0 } };
	int c, index;

	for (size_t i = 0; i < N_OPTIONS; i++)
		opts[i] = (struct option){ options[i].name, options[i].has_arg, NULL, options[i].val };
	opterr = 0;     /* our own messages: no argv[0] with a build path in it */
	while ((index = -1, c = getopt_long(argc, argv, ":c:d:n:o:hV", opts, &index)) != -1) {
		if (index < 0)
			for (size_t i = 0; i < N_OPTIONS; i++)
				if (options[i].val == c)
					index = (int)i;
		if (index >= 0)
			ps->seen[index]++;
		switch (c) {
		case 'c': cli->config = optarg; break;
		case 'd': cli->directory = optarg; break;
		case 'n': cli->section = optarg; break;
		case OPT_THEME: cli->theme = optarg; break;
		case OPT_JSON: cli->json = true; break;
		case OPT_ORDER: cli->order = optarg; break;
		case OPT_FORMAT: cli->format = optarg; break;
		case OPT_COLOR: cli->color = optarg; break;
		case OPT_SINCE: cli->since = optarg; break;
		case OPT_SIGNOFF: cli->require_signoff = true; break;
		case OPT_BASELINE: cli->include_baseline = true; break;
		case OPT_URL: cli->database_url = optarg; break;
		case 'o': cli->output = optarg; break;
		case OPT_PRINT_QUERY: cli->print_query = true; break;
		case OPT_ALL: cli->all = true; break;
		case OPT_MODELS: cli->models = true; break;
		case OPT_ROWS:
			if (parse_rows(optarg, &cli->rows) < 0)
				return -1;
			break;
		case OPT_TRUST: cli->trust = true; break;
		case OPT_TRUST_REF: cli->trust_ref = optarg; break;
		case OPT_ACCEPT: cli->accept = true; break;
		case 'h': ps->help = true; break;
		case 'V': printf("migreview %s\n", PACKAGE_VERSION); exit(EXIT_CLEAN);
		case ':':
			cmd_error("migreview: option '%s' needs a value\n", argv[optind - 1]);
			return -1;
		default:
			cmd_error("migreview: unknown option '%s'. Try 'migreview --help'.\n",
				argv[optind - 1]);
			return -1;
		}
	}
	ps->command = optind < argc ? argv[optind++] : NULL;
	cli->argc = argc - optind;
	cli->argv = argv + optind;
	return 0;
}

/* An option the command does not use is a mistake, not something to ignore. */
static int
check_options(const struct parsed *ps, enum command_id cmd)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		if (!ps->seen[i] || options[i].commands & (1u << cmd))
			continue;
		if (cmd == CMD_UI)
			cmd_error("migreview: --%s needs a command. Try 'migreview --help'.\n",
				options[i].name);
		else
			cmd_error("migreview: %s does not take --%s. Try 'migreview %s --help'.\n",
				commands[cmd].name, options[i].name, commands[cmd].name);
		return -1;
	}
	return 0;
}

void
cmd_error(const char *fmt, ...)
{
	va_list ap;
	char *text, *shown;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	shown = n < 0 ? NULL : mr_visible_lines(text);
	fputs(shown ? shown : "migreview: out of memory\n", stderr);
	free(shown);
	if (n >= 0)
		free(text);
}

/* Runs a command with libgit2 set up once for the whole process. */
static int
run(int (*command)(const struct cli *cli), const struct cli *cli)
{
	int rc;

	/*
	 * The engine initialises libgit2 wherever it uses it; this reference
	 * keeps those calls cheap instead of setting the library up and
	 * tearing it down again for every file hashed.
	 */
	git_libgit2_init();
	rc = command(cli);
	git_libgit2_shutdown();
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct parsed ps = { 0 };
	int cmd = CMD_UI;

	if (parse(argc, argv, &cli, &ps) < 0)
		return EXIT_USAGE;
	if (ps.command && (cmd = find_command(ps.command)) < 0) {
		cmd_error("migreview: unknown command '%s'. Try 'migreview --help'.\n",
			ps.command);
		return EXIT_USAGE;
	}
	if (ps.help) {
		if (ps.command)
			command_usage(stdout, (enum command_id)cmd);
		else
			usage(stdout);
		return EXIT_CLEAN;
	}
	if (check_options(&ps, (enum command_id)cmd) < 0)
		return EXIT_USAGE;
	return run(commands[cmd].run, &cli);
}

/* migreview: review Alembic migrations before they reach production. */
#include "config.h"

#include <getopt.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct command {
	const char *name;
	int (*run)(const struct cli *cli);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{ "list", cmd_list, "list [--json] [--order review|history]",
	  "the revision graph, one line per migration (base → head by default)" },
	{ "check", cmd_check, "check [--format text|json|sarif] [--since GITREF] [--require-signoff]",
	  "the analysis as a release gate: every finding of every migration" },
	{ "test", cmd_test, "test [REV | --all] [--database-url URL]",
	  "run Alembic up → down → up on a scratch database; runs migration code" },
	{ "diff", cmd_diff, "diff REV",
	  "what changed in a migration since it was signed off (exit 1 when something did)" },
	{ "explain", cmd_explain, "explain [RULE | ITEM]",
	  "why a rule exists, with a flagged and a safe example; without RULE, all rules" },
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: migreview [-c alembic.ini] [-n section] [--theme NAME] [--since GITREF]\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "       migreview %s\n", commands[i].usage);
	fprintf(out,
		"       migreview --help | --version\n\n"
		"Without a command migreview opens the review UI.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\nOptions:\n"
		"  -c, --config FILE   the alembic.ini to use (default: search upward for alembic.ini)\n"
		"  -n, --name NAME     the ini section to read (default: alembic)\n"
		"      --theme NAME    colour theme of the UI\n"
		"      --json          list: print JSON\n"
		"      --order ORDER   list: 'review' (base → head) or 'history' (as alembic history)\n"
		"      --format FMT    check: text, json or sarif\n"
		"      --since GITREF  check and the UI: only migrations added or changed since GITREF\n"
		"      --require-signoff  check: fail unless every migration is signed off for its\n"
		"                      current content and nothing is blocked\n"
		"      --all           test: every migration, base → head, on one database\n"
		"      --database-url URL  test and the UI's t: run on a scratch database made on\n"
		"                      this PostgreSQL server (or in this empty database), not on\n"
		"                      a temporary SQLite file\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the version\n\n"
		"Exit status: 0 clean, 1 findings to act on (warnings or errors) or a failed\n"
		"test, 2 usage, configuration or I/O error, 130 test interrupted.\n"
		"migreview never imports or runs migration code; only `migreview test` runs Alembic.\n");
}

enum { OPT_THEME = 256, OPT_JSON, OPT_ORDER, OPT_FORMAT, OPT_SINCE, OPT_SIGNOFF, OPT_URL, OPT_ALL };

static int
parse(int argc, char **argv, struct cli *cli, const char **command)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "theme", required_argument, NULL, OPT_THEME },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "require-signoff", no_argument, NULL, OPT_SIGNOFF },
		{ "database-url", required_argument, NULL, OPT_URL },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;     /* our own messages: no argv[0] with a build path in it */
	while ((c = getopt_long(argc, argv, ":c:n:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cli->config = optarg; break;
		case 'n': cli->section = optarg; break;
		case OPT_THEME: cli->theme = optarg; break;
		case OPT_JSON: cli->json = true; break;
		case OPT_ORDER: cli->order = optarg; break;
		case OPT_FORMAT: cli->format = optarg; break;
		case OPT_SINCE: cli->since = optarg; break;
		case OPT_SIGNOFF: cli->require_signoff = true; break;
		case OPT_URL: cli->database_url = optarg; break;
		case OPT_ALL: cli->all = true; break;
		case 'h': usage(stdout); exit(EXIT_CLEAN);
		case 'V': printf("migreview %s\n", PACKAGE_VERSION); exit(EXIT_CLEAN);
		case ':':
			fprintf(stderr, "migreview: option '%s' needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "migreview: unknown option '%s'. Try 'migreview --help'.\n",
				argv[optind - 1]);
			return -1;
		}
	}
	*command = optind < argc ? argv[optind++] : NULL;
	cli->argc = argc - optind;
	cli->argv = argv + optind;
	return 0;
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
	const char *name;

	if (parse(argc, argv, &cli, &name) < 0)
		return EXIT_USAGE;
	if (!name)
		return run(cmd_ui, &cli);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(name, commands[i].name) != 0)
			continue;
		if (!commands[i].run) {
			fprintf(stderr, "migreview: '%s' is not built yet\n", name);
			return EXIT_USAGE;
		}
		return run(commands[i].run, &cli);
	}
	fprintf(stderr, "migreview: unknown command '%s'. Try 'migreview --help'.\n", name);
	return EXIT_USAGE;
}

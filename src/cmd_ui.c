/* `migreview` without a command: the review UI. */
#include "config.h"

#include <stdio.h>

#include "cmd.h"
#include "tui/app.h"

int
cmd_ui(const struct cli *cli)
{
	struct tui_options opts = { cli->config, cli->section, cli->theme, cli->since,
				    cli->database_url };

	if (cli->argc > 0) {
		fprintf(stderr, "migreview: unknown command '%s'. Try 'migreview --help'.\n",
			cli->argv[0]);
		return EXIT_USAGE;
	}
	return tui_run(&opts);
}

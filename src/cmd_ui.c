/* `migreview` without a command: the review UI. */
#include "config.h"

#include "cmd.h"
#include "tui/app.h"

int
cmd_ui(const struct cli *cli)
{
	struct tui_options opts = { cli->config, cli->section, cli->theme, cli->since,
				    cli->database_url, cli->trust, cli->directory };
	struct mr_error err;
	int rc;

	if (cli->argc > 0) {
		cmd_error("migreview: unknown command '%s'. Try 'migreview --help'.\n", cli->argv[0]);
		return EXIT_USAGE;
	}
	rc = tui_run(&opts, &err);
	if (rc < 0) {
		cmd_error("migreview: %s\n", err.msg);
		return EXIT_USAGE;
	}
	return rc;
}

/*
 * `check`'s text report for a person at a terminal: the findings grouped
 * under a heading per migration (revision, message, file), coloured by
 * severity or not, and at the end a count per rule with where to read
 * more.  Piped, check prints one "path:line:col: severity: message [rule]"
 * line per finding instead, as editors read them (cmd_check.c).
 */
#ifndef MIGREVIEW_CHECK_TTY_H
#define MIGREVIEW_CHECK_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "migreview/finding.h"
#include "migreview/graph.h"

/* A finding to show, and whether its item is decided for the file as it is. */
struct check_line {
	const struct finding *f;
	bool decided;
};

/*
 * Prints lines[0 .. n) to out, in their order: a heading whenever the
 * revision (or, outside the graph, the file) changes.  g is the graph the
 * findings' revisions index.  colour adds SGR escapes.  Text from the
 * project (messages, paths) is shown through mr_visible().
 */
int check_tty_print(FILE *out, const struct graph *g, const struct check_line *lines, size_t n,
		    bool colour);

#endif

/*
 * Errors reported by the engine.
 *
 * Engine functions return 0 on success or a negative value on failure, and
 * fill a caller-owned struct mr_error with a message that already carries its
 * location ("path:line: ...").  The CLI and the UI decide how to show it; the
 * engine never prints and never exits.
 */
#ifndef MIGREVIEW_ERROR_H
#define MIGREVIEW_ERROR_H

#define MR_ERROR_MAX 1024

struct mr_error {
	char msg[MR_ERROR_MAX];
};

/* Formats the message into err (which may be NULL) and returns -1. */
int mr_error_set(struct mr_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same, for an allocation that failed. */
int mr_error_oom(struct mr_error *err);

#endif

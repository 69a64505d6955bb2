/*
 * A one-line editor on the status line, for a search or (later) a reason.
 * The app feeds it keys; it says when the line is done or cancelled.
 */
#ifndef MIGREVIEW_TUI_PROMPT_H
#define MIGREVIEW_TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#define PROMPT_MAX 512

enum prompt_state { PROMPT_EDITING, PROMPT_DONE, PROMPT_CANCELLED };

struct prompt {
	bool active;
	const char *label;      /* "/" or "Reason: " */
	char text[PROMPT_MAX];  /* UTF-8 */
	size_t len;
};

void prompt_start(struct prompt *p, const char *label);
/* Edits with one key: characters, Backspace, Ctrl-U, Enter, Esc. */
enum prompt_state prompt_key(struct prompt *p, int key);

#endif

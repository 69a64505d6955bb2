/* The status-line editor. */
#include "config.h"

#include <string.h>

#include "migreview/util.h"
#include "tui/keys.h"
#include "tui/prompt.h"

void
prompt_start(struct prompt *p, const char *label)
{
	p->active = true;
	p->label = label;
	p->len = 0;
	p->text[0] = '\0';
}

static void
append(struct prompt *p, unsigned long cp)
{
	char buf[4];
	size_t n = mr_utf8_put(cp, buf);

	if (p->len + n >= PROMPT_MAX)
		return;
	memcpy(p->text + p->len, buf, n);
	p->len += n;
	p->text[p->len] = '\0';
}

enum prompt_state
prompt_key(struct prompt *p, int key)
{
	switch (key) {
	case MRK_ENTER:
		p->active = false;
		return PROMPT_DONE;
	case MRK_ESC:
		p->active = false;
		return PROMPT_CANCELLED;
	case MRK_BACKSPACE:
		/* back over one whole UTF-8 character */
		while (p->len > 0 && ((unsigned char)p->text[--p->len] & 0xC0) == 0x80)
			;
		p->text[p->len] = '\0';
		return PROMPT_EDITING;
	case MRK_CTRL('u'):
		p->len = 0;
		p->text[0] = '\0';
		return PROMPT_EDITING;
	}
	/* characters only: no control codes and no special keys enter the text */
	if (key >= 0x20 && key != 0x7f && key < MRK_FIRST_SPECIAL && !(key >= 0x80 && key < 0xA0))
		append(p, (unsigned long)key);
	return PROMPT_EDITING;
}

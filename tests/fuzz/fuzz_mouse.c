/* The mouse-report parser on arbitrary bytes: a report it takes is a click or the wheel on the screen. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "tui/keys.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct key_mouse m;

	if (keys_mouse_parse((const char *)data, size, &m) &&
	    (m.x < 0 || m.y < 0 || m.x >= 10000 || m.y >= 10000 ||
	     (m.kind != KEY_MOUSE_CLICK && m.kind != KEY_MOUSE_WHEEL_UP &&
	      m.kind != KEY_MOUSE_WHEEL_DOWN)))
		abort();
	return 0;
}

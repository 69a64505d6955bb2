/* The SQL tokeniser and statement reader on arbitrary bytes. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "migreview/sqltok.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sql_script s = { 0 };
	struct mr_error err;

	if (sql_scan((const char *)data, size, &s, &err) == 0)
		sql_script_free(&s);
	return 0;
}

/* The review checklist. */
#include "config.h"

#include <string.h>

#include "migreview/checklist.h"

const struct check_item_info checklist[CHECK_ITEM_COUNT] = {
#define CHECK_INFO_ENTRY(name, id, title) [name] = { id, title },
	CHECKLIST(CHECK_INFO_ENTRY)
#undef CHECK_INFO_ENTRY
};

enum check_item
checklist_find(const char *id)
{
	for (int i = 0; i < CHECK_ITEM_COUNT; i++)
		if (!strcmp(checklist[i].id, id))
			return (enum check_item)i;
	return CHECK_ITEM_COUNT;
}

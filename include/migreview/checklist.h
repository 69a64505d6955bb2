/*
 * The review checklist: the same items for every migration (SPEC §4).
 * One list, read by the analyser, the reports and the UI.
 */
#ifndef MIGREVIEW_CHECKLIST_H
#define MIGREVIEW_CHECKLIST_H

#include <stddef.h>

/* CHECK(enum name, id, what the reviewer confirms) */
#define CHECKLIST(CHECK) \
	CHECK(CHECK_REVERSIBLE, "reversible", \
	      "Migration has both upgrade() and downgrade(), and downgrade undoes upgrade") \
	CHECK(CHECK_NOT_NULL, "not-null", \
	      "Adding NOT NULL has a server default or a data backfill") \
	CHECK(CHECK_DATA_LOSS, "data-loss", \
	      "Dropping columns/tables reviewed for data loss") \
	CHECK(CHECK_FK_INDEX, "fk-index", \
	      "Foreign keys have indexes") \
	CHECK(CHECK_LARGE_TABLE, "large-table", \
	      "Large table alterations considered for performance") \
	CHECK(CHECK_TESTED, "tested", \
	      "Migration tested locally (up and down)") \
	CHECK(CHECK_HARDCODED_DATA, "hardcoded-data", \
	      "No hardcoded IDs or data") \
	CHECK(CHECK_ENUM, "enum", \
	      "Enum changes handled safely") \
	CHECK(CHECK_COMPAT, "compat", \
	      "Safe while the previous app version is still running (zero downtime, idempotent)") \
	CHECK(CHECK_GRAPH, "graph", \
	      "Revision graph sound")

enum check_item {
#define CHECK_ENUM_ENTRY(name, id, title) name,
	CHECKLIST(CHECK_ENUM_ENTRY)
#undef CHECK_ENUM_ENTRY
	CHECK_ITEM_COUNT
};

struct check_item_info {
	const char *id;
	const char *title;
};

extern const struct check_item_info checklist[CHECK_ITEM_COUNT];

/* The item with this id, or CHECK_ITEM_COUNT. */
enum check_item checklist_find(const char *id);

#endif

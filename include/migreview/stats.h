/*
 * The stats file: the sizes and the activity of a production database's
 * tables, as `migreview stats` (or psql with the same query) read them from
 * its catalog and statistics views, never from its rows.
 *
 * The file is JSON, format STATS_FORMAT (README "Production table sizes"):
 * a header (when, from which server and database, since when the counters
 * count), then one line per table and one per index.  stats_load() and
 * stats_parse() read it strictly — someone else took the file, and its
 * names reach the screen — and reject anything that is not that format with
 * a location.  Keys they do not know are ignored, so that a later format can
 * add fields without a new number.
 *
 * struct stats and everything it points to is owned by it; stats_free()
 * releases it all.
 */
#ifndef MIGREVIEW_STATS_H
#define MIGREVIEW_STATS_H

#include <stddef.h>
#include <time.h>

/* The format this migreview writes and reads ("migreview_stats"). */
#define STATS_FORMAT 1

/*
 * The one query that makes a stats file: its single value is the file's
 * text but for the final newline, as `psql -X -A -t -f` prints it
 * (src/stats.sql, embedded in the binary).
 */
extern const char stats_sql[];

struct stats_table {
	char *schema, *name;
	char kind;                      /* 'r' table, 'p' partitioned, 'm' materialized view */
	long long rows;                 /* reltuples rounded; -1: never analysed */
	long long heap_bytes, index_bytes, total_bytes;
	long long live_tuples, dead_tuples, inserts, updates, deletes, seq_scans, index_scans;
};

struct stats_index {
	char *schema, *table, *name;
	long long bytes;
};

struct stats {
	char *path;                     /* as given to stats_load, or the name given to stats_parse */
	char *taken_at, *since;         /* as in the file */
	time_t taken, since_t;          /* the same, parsed (UTC) */
	char *server_version;
	long server_version_num;
	char *database;
	struct stats_table *tables;     /* sorted by (schema, name) */
	size_t n_tables;
	struct stats_index *indexes;    /* sorted by (schema, table, name) */
	size_t n_indexes;
};

/*
 * Reads the stats file at path (at most mr_file_max(MR_FILE_STATS) bytes).
 * 0, or -1 with "PATH:LINE:COLUMN: what is wrong" (or "PATH: tables[3].rows:
 * ...") in err.  Every string in *out is UTF-8 without control characters.
 */
int stats_load(const char *path, struct stats **out, char *err, size_t errlen);

/* The same for text already read; name stands for the path in messages. */
int stats_parse(const char *text, size_t len, const char *name, struct stats **out, char *err,
		size_t errlen);

/*
 * "orders" finds public.orders first, else the only table of that name in
 * any schema; "s.orders" that one; NULL when absent (or, unqualified,
 * ambiguous).  Names compare exactly, as PostgreSQL stores them.
 */
const struct stats_table *stats_find(const struct stats *s, const char *table);

void stats_free(struct stats *s);

#endif

/*
 * The stats file, read as someone else's file: a good one is read whole and
 * sorted; a bad, truncated, empty, newer or hostile one gives one message
 * with its location and nothing else; stats_find() finds tables by the
 * names migrations use.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/stats.h"
#include "migreview/util.h"

#define HEAD_V(format) \
	"{\"migreview_stats\": " format ",\n" \
	" \"taken_at\": \"2026-12-07T12:00:00Z\",\n" \
	" \"server_version\": \"15.18 (Debian 15.18-1.pgdg120+1)\", \"server_version_num\": 150018,\n" \
	" \"database\": \"shop\",\n" \
	" \"since\": \"2026-11-01T00:00:00Z\",\n" \
	" \"tables\": [\n"
#define HEAD HEAD_V("1")
#define TABLE_ROWS(schema, name, kind, rows, heap) \
	"  {\"schema\": \"" schema "\", \"name\": \"" name "\", \"kind\": \"" kind "\", " \
	"\"rows\": " rows ", \"heap_bytes\": " heap ", \"index_bytes\": 100, " \
	"\"total_bytes\": 200, \"live_tuples\": 5, \"dead_tuples\": 1, \"inserts\": 7, " \
	"\"updates\": 8, \"deletes\": 9, \"seq_scans\": 10, \"index_scans\": 11}"
#define TABLE(schema, name) TABLE_ROWS(schema, name, "r", "1000", "100")
#define INDEXES " ],\n \"indexes\": [\n"
#define INDEX(schema, table, name) \
	"  {\"schema\": \"" schema "\", \"table\": \"" table "\", \"name\": \"" name "\", " \
	"\"bytes\": 8192}"
#define TAIL "\n ]}\n"
/* a file with one table whose line is given */
#define ONE(table) HEAD table INDEXES TAIL

static char err[MR_ERROR_MAX];

static struct stats *
parse_ok(const char *text)
{
	struct stats *s = NULL;

	err[0] = '\0';
	cr_assert_eq(stats_parse(text, strlen(text), "x.json", &s, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert(s);
	return s;
}

/* The message a bad file gives: one line, nothing that controls a terminal. */
static const char *
parse_bad_n(const char *text, size_t len)
{
	struct stats *s = (struct stats *)1;

	err[0] = '\0';
	cr_assert_eq(stats_parse(text, len, "x.json", &s, err, sizeof(err)), -1);
	cr_assert_null(s);
	for (const char *c = err; *c; c++)
		cr_assert((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f,
			  "byte 0x%02x in '%s'", (unsigned char)*c, err);
	return err;
}

static const char *
parse_bad(const char *text)
{
	return parse_bad_n(text, strlen(text));
}

Test(stats, a_good_file_is_read_whole_and_sorted)
{
	struct stats *s = parse_ok(
		HEAD
		TABLE_ROWS("public", "orders", "r", "41000000", "12884901888") ",\n"
		TABLE_ROWS("billing", "invoices", "p", "-1", "0") ",\n"
		TABLE_ROWS("public", "daily", "m", "365", "8192") "\n"
		INDEXES
		INDEX("public", "orders", "orders_pkey") ",\n"
		INDEX("billing", "invoices", "ix_invoices_due") ",\n"
		INDEX("public", "orders", "ix_orders_customer_id")
		TAIL);

	cr_expect_str_eq(s->path, "x.json");
	cr_expect_str_eq(s->taken_at, "2026-12-07T12:00:00Z");
	cr_expect_eq(s->taken, 1796644800);
	cr_expect_str_eq(s->since, "2026-11-01T00:00:00Z");
	cr_expect_eq(s->since_t, 1793491200);
	cr_expect_str_eq(s->server_version, "15.18 (Debian 15.18-1.pgdg120+1)");
	cr_expect_eq(s->server_version_num, 150018);
	cr_expect_str_eq(s->database, "shop");
	cr_assert_eq(s->n_tables, 3);
	cr_expect_str_eq(s->tables[0].name, "invoices");
	cr_expect_eq(s->tables[0].kind, 'p');
	cr_expect_eq(s->tables[0].rows, -1);
	cr_expect_str_eq(s->tables[1].name, "daily");
	cr_expect_eq(s->tables[1].kind, 'm');
	cr_expect_str_eq(s->tables[2].schema, "public");
	cr_expect_str_eq(s->tables[2].name, "orders");
	cr_expect_eq(s->tables[2].rows, 41000000);
	cr_expect_eq(s->tables[2].heap_bytes, 12884901888LL);
	cr_expect_eq(s->tables[2].index_bytes, 100);
	cr_expect_eq(s->tables[2].total_bytes, 200);
	cr_expect_eq(s->tables[2].live_tuples, 5);
	cr_expect_eq(s->tables[2].dead_tuples, 1);
	cr_expect_eq(s->tables[2].inserts, 7);
	cr_expect_eq(s->tables[2].updates, 8);
	cr_expect_eq(s->tables[2].deletes, 9);
	cr_expect_eq(s->tables[2].seq_scans, 10);
	cr_expect_eq(s->tables[2].index_scans, 11);
	cr_assert_eq(s->n_indexes, 3);
	cr_expect_str_eq(s->indexes[0].name, "ix_invoices_due");
	cr_expect_str_eq(s->indexes[1].name, "ix_orders_customer_id");
	cr_expect_str_eq(s->indexes[2].name, "orders_pkey");
	cr_expect_str_eq(s->indexes[2].table, "orders");
	cr_expect_eq(s->indexes[2].bytes, 8192);
	stats_free(s);
}

Test(stats, keys_it_does_not_know_are_ignored_for_later_formats)
{
	struct stats *s = parse_ok(
		"{\"migreview_stats\": 1, \"taken_at\": \"2026-12-07T12:00:00Z\", "
		"\"server_version\": \"16.1\", \"server_version_num\": 160001, \"database\": \"d\", "
		"\"since\": \"2026-11-01T00:00:00Z\", \"replica\": {\"lag\": [1, 2]}, \"tables\": [\n"
		"  {\"schema\": \"s\", \"name\": \"t\", \"kind\": \"r\", \"rows\": 0, \"heap_bytes\": 0, "
		"\"index_bytes\": 0, \"total_bytes\": 0, \"live_tuples\": 0, \"dead_tuples\": 0, "
		"\"inserts\": 0, \"updates\": 0, \"deletes\": 0, \"seq_scans\": 0, "
		"\"index_scans\": 0, \"toast_bytes\": 3, \"comment\": null}\n"
		" ], \"indexes\": []}");

	cr_expect_eq(s->n_tables, 1);
	cr_expect_eq(s->n_indexes, 0);
	stats_free(s);
}

Test(stats, an_empty_database_has_empty_lists)
{
	struct stats *s = parse_ok(HEAD INDEXES TAIL);

	cr_expect_eq(s->n_tables, 0);
	cr_expect_eq(s->n_indexes, 0);
	cr_expect_null(stats_find(s, "orders"));
	stats_free(s);
}

Test(stats, empty_and_blank_files_say_so)
{
	cr_expect_str_eq(parse_bad(""),
			 "x.json:1:1: the file is empty, not a migreview stats file");
	cr_expect_str_eq(parse_bad(" \n\n"),
			 "x.json:1:1: the file is empty, not a migreview stats file");
}

Test(stats, a_truncated_file_is_located)
{
	const char *full = HEAD TABLE("public", "orders") INDEXES TAIL;
	char *cut = mr_strndup(full, strlen(HEAD) + 40);

	/* cut inside the table's line, the 7th */
	cr_expect(!strncmp(parse_bad(cut), "x.json:7:", 9), "%s", err);
	cr_expect(strstr(err, "near end of file"), "%s", err);
	free(cut);
}

Test(stats, what_is_not_a_stats_file_says_so)
{
	cr_expect_str_eq(parse_bad("[1, 2]"),
			 "x.json:1:1: not a migreview stats file (not a JSON object)");
	cr_expect_str_eq(parse_bad("{\"tables\": []}"),
			 "x.json: not a migreview stats file (no \"migreview_stats\" format number)");
	cr_expect(!strncmp(parse_bad("{\"migreview_stats\": 1} trailing"), "x.json:1:", 9),
		  "%s", err);
	cr_expect_str_eq(parse_bad(HEAD_V("\"1\"") INDEXES TAIL),
			 "x.json: migreview_stats: the format must be a number from 1");
	cr_expect(!strncmp(parse_bad_n("{\"migreview_stats\"\0: 1}", 23), "x.json:1:", 9),
		  "%s", err);
}

Test(stats, a_newer_format_asks_for_a_newer_migreview)
{
	cr_expect_str_eq(parse_bad(HEAD_V("2") TABLE("public", "orders") INDEXES TAIL),
			 "x.json: made by a newer migreview (format 2); this one reads format 1");
}

Test(stats, wrong_types_are_named_by_their_place)
{
	cr_expect_str_eq(parse_bad(ONE(TABLE_ROWS("public", "t", "r", "\"12\"", "1"))),
			 "x.json: tables[0].rows: must be a number");
	cr_expect_str_eq(parse_bad(ONE(TABLE_ROWS("public", "t", "r", "1.5", "1"))),
			 "x.json: tables[0].rows: must be a whole number, not 1.5");
	cr_expect_str_eq(parse_bad(ONE(TABLE_ROWS("public", "t", "v", "1", "1"))),
			 "x.json: tables[0].kind: 'v' is not r (table), p (partitioned) or m "
			 "(materialized view)");
	cr_expect_str_eq(parse_bad(HEAD TABLE("public", "a") ",\n  [1]" INDEXES TAIL),
			 "x.json: tables[1]: must be an object");
	cr_expect_str_eq(parse_bad(ONE("  {\"schema\": \"public\", \"name\": \"t\"}")),
			 "x.json: tables[0].kind: missing");
	cr_expect_str_eq(parse_bad(ONE("  {\"schema\": \"public\", \"name\": 3}")),
			 "x.json: tables[0].name: must be a string");
	cr_expect_str_eq(parse_bad(ONE("  {\"schema\": \"\", \"name\": \"t\"}")),
			 "x.json: tables[0].schema: empty");
	cr_expect_str_eq(parse_bad("{\"migreview_stats\": 1, \"taken_at\": \"2026-12-07T12:00:00Z\", "
				   "\"since\": \"2026-11-01T00:00:00Z\", \"server_version\": \"15\", "
				   "\"server_version_num\": 150000, \"database\": \"d\", "
				   "\"tables\": {}, \"indexes\": []}"),
			 "x.json: tables: must be a list");
	cr_expect_str_eq(parse_bad(HEAD TABLE("public", "t") " ]}"), "x.json: indexes: missing");
}

Test(stats, negative_and_huge_numbers_are_refused)
{
	cr_expect_str_eq(parse_bad(ONE(TABLE_ROWS("public", "t", "r", "1", "-5"))),
			 "x.json: tables[0].heap_bytes: -5 is below 0");
	cr_expect_str_eq(parse_bad(ONE(TABLE_ROWS("public", "t", "r", "-2", "1"))),
			 "x.json: tables[0].rows: -2 is below -1");
	cr_expect_str_eq(parse_bad(ONE(TABLE_ROWS("public", "t", "r", "1", "2305843009213693952"))),
			 "x.json: tables[0].heap_bytes: 2305843009213693952 is too large "
			 "(more than 2^60)");
	/* past what a long long holds: jansson's own message, at its place */
	cr_expect(!strncmp(parse_bad(ONE(TABLE_ROWS("public", "t", "r", "1",
						    "99999999999999999999"))), "x.json:7:", 9),
		  "%s", err);
	cr_expect(strstr(err, "too big"), "%s", err);
}

Test(stats, times_must_be_utc_as_the_query_writes_them)
{
	static const char *const bad[] = {
		"2026-02-30T00:00:00Z", "2026-12-07 12:00:00", "2026-12-07T12:00:00+01:00",
		"2026-12-07T12:00:00.5Z", "2026-13-01T00:00:00Z", "+026-12-07T12:00:00Z",
	};

	for (size_t i = 0; i < MR_ARRAY_SIZE(bad); i++) {
		char *text = mr_printf("{\"migreview_stats\": 1, \"taken_at\": \"%s\"}", bad[i]);
		char *want = mr_printf("x.json: taken_at: '%s' is not a UTC time such as "
				       "2026-12-07T12:00:00Z", bad[i]);

		cr_expect_str_eq(parse_bad(text), want);
		free(text);
		free(want);
	}
}

Test(stats, a_table_listed_twice_is_refused)
{
	cr_expect_str_eq(parse_bad(HEAD TABLE("public", "orders") ",\n" TABLE("s", "x") ",\n"
				   TABLE("public", "orders") INDEXES TAIL),
			 "x.json: tables: public.orders is listed twice");
	cr_expect_str_eq(parse_bad(HEAD TABLE("public", "orders") INDEXES
				   INDEX("public", "orders", "i") ",\n"
				   INDEX("public", "orders", "i") TAIL),
			 "x.json: indexes: i of public.orders is listed twice");
	/* a key twice in one table: which would count? */
	cr_expect(!strncmp(parse_bad(ONE("  {\"schema\": \"a\", \"schema\": \"b\"}")),
			   "x.json:7:", 9), "%s", err);
	cr_expect(strstr(err, "duplicate object key"), "%s", err);
}

Test(stats, an_index_of_a_table_not_listed_is_refused)
{
	cr_expect_str_eq(parse_bad(HEAD TABLE("public", "orders") INDEXES
				   INDEX("public", "customers", "customers_pkey") TAIL),
			 "x.json: indexes[0].table: public.customers is not in tables");
}

Test(stats, hostile_names_never_reach_the_message)
{
	/* escaped in the JSON: read, then refused by what they are */
	cr_expect_str_eq(parse_bad(ONE(TABLE("public", "or\\u001b[2Jders"))),
			 "x.json: tables[0].name: holds a control character (U+001B)");
	cr_expect_str_eq(parse_bad(ONE(TABLE("public", "\\u202eredro"))),
			 "x.json: tables[0].name: holds a control character (U+202E)");
	cr_expect_str_eq(parse_bad(ONE(TABLE("public\\u0085", "t"))),
			 "x.json: tables[0].schema: holds a control character (U+0085)");
	/* raw bytes: jansson refuses them where they are; its quote of them is made visible */
	cr_expect(!strncmp(parse_bad(ONE(TABLE("public", "or\x1b[2Jders"))), "x.json:7:", 9),
		  "%s", err);
	cr_expect(!strncmp(parse_bad(ONE(TABLE("public", "or\xff\xfe"))), "x.json:7:", 9),
		  "%s", err);
	cr_expect(!strncmp(parse_bad(ONE(TABLE("public", "\\u0000"))), "x.json:7:", 9),
		  "%s", err);
	cr_expect_str_eq(parse_bad(ONE(TABLE("public",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))),
		"x.json: tables[0].name: longer than 255 bytes");
}

Test(stats, a_path_with_control_bytes_is_shown_escaped)
{
	struct stats *s = NULL;

	cr_assert_eq(stats_parse("", 0, "evil\x1b]0;x\a.json", &s, err, sizeof(err)), -1);
	cr_expect_str_eq(err, "evil\\x1b]0;x\\x07.json:1:1: the file is empty, not a migreview "
			 "stats file");
}

Test(stats, load_reads_a_file_and_refuses_one_too_large_or_a_link)
{
	char dir[] = "/tmp/mr-stats-XXXXXX", *good, *big, *missing, *cmd;
	const char *text = HEAD TABLE("public", "orders") INDEXES TAIL;
	struct stats *s = NULL;
	FILE *f;
	int fd;

	cr_assert(mkdtemp(dir));
	good = mr_path_join(dir, "stats.json");
	big = mr_path_join(dir, "big.json");
	missing = mr_path_join(dir, "none.json");
	cr_assert((f = fopen(good, "w")) && fputs(text, f) >= 0 && fclose(f) == 0);
	cr_assert_eq(stats_load(good, &s, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(s->path, good);
	cr_expect_eq(s->n_tables, 1);
	stats_free(s);

	/* a sparse file: refused by its size, never read */
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0 && ftruncate(fd, (off_t)mr_file_max(MR_FILE_STATS) + 1) == 0);
	close(fd);
	cr_assert_eq(stats_load(big, &s, err, sizeof(err)), -1);
	cr_expect_null(s);
	cr_expect(strstr(err, big) && strstr(err, "larger than 64 MiB"), "%s", err);

	cr_assert_eq(stats_load(missing, &s, err, sizeof(err)), -1);
	cr_expect(strstr(err, missing) && strstr(err, "No such file"), "%s", err);

	/* a path a pull request can set: a link could quote a secret in the message */
	cr_assert(symlink("/etc/passwd", missing) == 0);
	cr_assert_eq(stats_load(missing, &s, err, sizeof(err)), -1);
	cr_expect(strstr(err, "the stats file is a symbolic link") && !strstr(err, "root"),
		  "%s", err);
	cmd = mr_printf("rm -rf '%s'", dir);
	cr_assert(system(cmd) == 0);
	free(cmd);
	free(good);
	free(big);
	free(missing);
}

Test(stats, find_prefers_public_then_the_only_one)
{
	struct stats *s = parse_ok(
		HEAD
		TABLE("public", "orders") ",\n"
		TABLE("sales", "orders") ",\n"
		TABLE("sales", "quotes") ",\n"
		TABLE("a", "events") ",\n"
		TABLE("b", "events") ",\n"
		TABLE("public", "v1.items") ",\n"
		TABLE("odd.schema", "t") "\n"
		INDEXES TAIL);
	const struct stats_table *t;

	cr_assert((t = stats_find(s, "orders")));
	cr_expect_str_eq(t->schema, "public");
	cr_assert((t = stats_find(s, "sales.orders")));
	cr_expect_str_eq(t->schema, "sales");
	cr_assert((t = stats_find(s, "quotes")));
	cr_expect_str_eq(t->schema, "sales");
	cr_expect_null(stats_find(s, "events"), "in two schemas, neither is meant");
	cr_assert((t = stats_find(s, "b.events")));
	cr_expect_str_eq(t->schema, "b");
	cr_expect_null(stats_find(s, "missing"));
	cr_expect_null(stats_find(s, "public.quotes"));
	cr_expect_null(stats_find(s, "Orders"), "names compare exactly");
	cr_assert((t = stats_find(s, "v1.items")));
	cr_expect_str_eq(t->name, "v1.items");
	cr_assert((t = stats_find(s, "odd.schema.t")));
	cr_expect_str_eq(t->schema, "odd.schema");
	stats_free(s);
}

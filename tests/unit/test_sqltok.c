/*
 * The SQL scanner: statement splitting under PostgreSQL's quoting rules, the
 * kind, names and flags of every statement form the rules read, literal row
 * ids, and robustness on broken, huge and random input.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migreview/sqltok.h"

static struct sql_script script;
static struct mr_error err;

static void
teardown(void)
{
	sql_script_free(&script);
}

TestSuite(sqltok, .fini = teardown);

static void
scan_n(const char *sql, size_t len, size_t n)
{
	sql_script_free(&script);
	cr_assert_eq(sql_scan(sql, len, &script, &err), 0, "%s", err.msg);
	cr_assert_eq(script.n, n, "%zu statements in <%s>, expected %zu", script.n, sql, n);
}

/* Scans sql, which must hold exactly one statement. */
static const struct sql_stmt *
scan1(const char *sql)
{
	scan_n(sql, strlen(sql), 1);
	return &script.v[0];
}

static const char *
flags_text(uint64_t flags)
{
	static char buf[1024];

	buf[0] = '\0';
	for (int f = 0; f < SQL_FLAG_COUNT; f++)
		if (flags & (UINT64_C(1) << f))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %s",
				 sql_flag_name((enum sql_flag)f));
	return buf;
}

/* One statement of kind k whose flags include all of want and none of unwanted. */
static const struct sql_stmt *
expect_stmt(const char *sql, enum sql_kind k, uint64_t want, uint64_t unwanted)
{
	const struct sql_stmt *st = scan1(sql);

	cr_expect_eq(st->kind, k, "<%s>: %s, expected %s", sql, sql_kind_name(st->kind),
		     sql_kind_name(k));
	cr_expect_eq(st->flags & want, want, "<%s>: flags%s", sql, flags_text(st->flags));
	cr_expect_eq(st->flags & unwanted, 0, "<%s>: flags%s", sql, flags_text(st->flags));
	return st;
}

static void
expect_str(const char *got, const char *want, const char *what)
{
	if (!want)
		cr_expect_null(got, "%s: got <%s>, expected none", what, got ? got : "");
	else if (!got)
		cr_expect_fail("%s: got none, expected <%s>", what, want);
	else
		cr_expect_str_eq(got, want, "%s", what);
}

/* sv holds exactly the space-separated words of want. */
static void
expect_list(const struct strvec *sv, const char *want, const char *what)
{
	char got[1024] = "";

	for (size_t i = 0; i < sv->n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
			 sv->v[i]);
	cr_expect_str_eq(got, want, "%s", what);
}

/* The ids of the only statement, as "column=text" (or "text") joined by spaces. */
static void
expect_ids(const char *sql, const char *want)
{
	const struct sql_stmt *st = scan1(sql);
	char got[1024] = "";

	for (size_t i = 0; i < st->n_ids; i++) {
		const struct sql_id *id = &st->ids[i];

		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s%s%s", i ? " " : "",
			 id->column ? id->column : "", id->column ? "=" : "", id->text);
		if (id->kind == SQL_ID_NUMBER)
			cr_expect(!strncmp(sql + id->offset, id->text, id->length) &&
				  strlen(id->text) == id->length, "<%s>: offset of %s", sql, id->text);
		else
			cr_expect(sql[id->offset] == '\'' && id->length == strlen(id->text) + 2 &&
				  !strncmp(sql + id->offset + 1, id->text, strlen(id->text)),
				  "<%s>: offset of %s", sql, id->text);
	}
	cr_expect_str_eq(got, want, "ids of <%s>", sql);
}

/* ---- splitting and tokenising ---- */

Test(sqltok, empty_and_comment_only_input_has_no_statements)
{
	scan_n("", 0, 0);
	scan_n(" ;;\n ; -- DELETE FROM t;\n/* UPDATE t SET a = 1; */", 46, 0);
	scan_n(NULL, 0, 0);
}

Test(sqltok, keywords_are_case_insensitive_and_names_folded)
{
	const struct sql_stmt *st = expect_stmt("dElEtE fRoM Public.Orders", SQL_DELETE, 0, 0);

	expect_str(st->table, "orders", "table");
	expect_str(st->schema, "public", "schema");
}

Test(sqltok, quoted_identifiers_keep_case_and_lose_quotes)
{
	const struct sql_stmt *st = scan1("DELETE FROM \"Sales\".\"Order \"\"Items\"\"\"");

	expect_str(st->table, "Order \"Items\"", "table");
	expect_str(st->schema, "Sales", "schema");
	st = scan1("UPDATE `Legacy` SET a = 1");
	expect_str(st->table, "Legacy", "MySQL backticks");
}

Test(sqltok, unqualified_names_have_no_schema)
{
	const struct sql_stmt *st = scan1("UPDATE orders SET a = 1");

	expect_str(st->table, "orders", "table");
	expect_str(st->schema, NULL, "schema");
}

Test(sqltok, semicolons_split_statements_but_not_inside_strings)
{
	scan_n("INSERT INTO t (note) VALUES ('a; DELETE FROM t'); SELECT 1",
	       strlen("INSERT INTO t (note) VALUES ('a; DELETE FROM t'); SELECT 1"), 2);
	cr_expect_eq(script.v[0].kind, SQL_INSERT);
	cr_expect_eq(script.v[1].kind, SQL_SELECT);
	scan_n("SELECT 'it''s; here'; SELECT 2", 31, 2);
	scan_n("SELECT \"a;b\" FROM t; SELECT 2", 29, 2);
}

Test(sqltok, keywords_inside_strings_are_not_clauses)
{
	expect_stmt("UPDATE t SET note = 'where id = 1'", SQL_UPDATE, 0, SQL_F(WHERE));
	expect_stmt("UPDATE t SET \"where\" = 1", SQL_UPDATE, 0, SQL_F(WHERE));
}

Test(sqltok, comments_hide_semicolons_and_keywords)
{
	const char *sql = "DELETE FROM t -- WHERE id = 1; still a comment\n; SELECT 1";

	scan_n(sql, strlen(sql), 2);
	cr_expect_eq(script.v[0].kind, SQL_DELETE);
	cr_expect_eq(script.v[0].flags & SQL_F(WHERE), 0);
	sql = "DELETE FROM t /* ; WHERE x */";
	expect_stmt(sql, SQL_DELETE, 0, SQL_F(WHERE));
}

Test(sqltok, block_comments_nest)
{
	const char *sql = "/* a /* b */ DELETE FROM t; */ SELECT 1; /*/ still */ UPDATE u SET a = 1";

	scan_n(sql, strlen(sql), 2);
	cr_expect_eq(script.v[0].kind, SQL_SELECT);
	cr_expect_eq(script.v[1].kind, SQL_UPDATE);
}

Test(sqltok, dollar_quoted_bodies_are_not_statements)
{
	const char *sql =
		"CREATE FUNCTION trg() RETURNS trigger AS $$\n"
		"BEGIN DELETE FROM audit; UPDATE t SET a = 1; RETURN NULL; END\n"
		"$$ LANGUAGE plpgsql;\n"
		"DO $body$ BEGIN EXECUTE $$DROP TABLE x$$; END $body$;\n"
		"SELECT 3";

	scan_n(sql, strlen(sql), 3);
	cr_expect_eq(script.v[0].kind, SQL_CREATE_OTHER);
	expect_str(script.v[0].object, "trg", "function name");
	cr_expect_eq(script.v[1].kind, SQL_OTHER);
	cr_expect_eq(script.v[2].kind, SQL_SELECT);
	/* $1 is a parameter, not a dollar quote */
	sql = "UPDATE t SET a = $1 WHERE b = $2; SELECT 2";
	scan_n(sql, strlen(sql), 2);
	cr_expect_neq(script.v[0].flags & SQL_F(WHERE), 0);
}

Test(sqltok, sql_standard_function_bodies_keep_their_semicolons)
{
	const char *sql = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\n"
			  "BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\n"
			  "DELETE FROM t";

	scan_n(sql, strlen(sql), 2);
	cr_expect_eq(script.v[0].kind, SQL_CREATE_OTHER);
	cr_expect_eq(script.v[1].kind, SQL_DELETE);
	sql = "BEGIN; SELECT 1; END";
	scan_n(sql, strlen(sql), 3);
}

Test(sqltok, e_strings_use_backslash_escapes)
{
	const char *sql = "UPDATE t SET a = E'it\\'s; DELETE FROM t' WHERE b = 1";

	expect_stmt(sql, SQL_UPDATE, SQL_F(WHERE), 0);
	/* standard strings do not: the backslash is a character, the quote ends */
	sql = "SELECT 'a\\'; SELECT 2";
	scan_n(sql, strlen(sql), 2);
	sql = "SELECT e'\\\\'; SELECT 2";
	scan_n(sql, strlen(sql), 2);
}

Test(sqltok, offsets_point_at_the_first_keyword_and_end_before_the_semicolon)
{
	const char *sql = "  -- lead\n/* c */ DELETE FROM a WHERE x = 'y;z'  ;\n\n"
			  "update b set c = 1 -- tail\n;  SELECT $$;$$";
	static const char *const first[] = { "DELETE", "update", "SELECT" };
	static const char *const last[] = { "'y;z'", "1", "$$;$$" };

	scan_n(sql, strlen(sql), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct sql_stmt *st = &script.v[i];
		size_t n = strlen(last[i]);

		cr_expect(!strncmp(sql + st->offset, first[i], strlen(first[i])), "statement %zu", i);
		cr_expect(st->length >= n && !strncmp(sql + st->offset + st->length - n, last[i], n),
			  "end of statement %zu: <%.*s>", i, (int)st->length, sql + st->offset);
	}
}

Test(sqltok, unterminated_strings_and_comments_end_at_the_end)
{
	const struct sql_stmt *st;
	const char *sql = "UPDATE t SET a = 'oops; DELETE FROM t";

	st = expect_stmt(sql, SQL_UPDATE, 0, SQL_F(WHERE));
	cr_expect_eq(st->offset + st->length, strlen(sql));
	scan_n("SELECT 1; /* DELETE FROM t;", 27, 1);
	scan_n("SELECT 1; /* /* */ DELETE FROM t;", 33, 1);
	scan_n("SELECT $tag$ DELETE FROM t; $tag", 32, 1);
	scan_n("DELETE FROM \"t; x", 17, 1);
	scan_n("SELECT E'\\", 10, 1);
	scan_n("SELECT 1 --", 11, 1);
}

Test(sqltok, embedded_nul_bytes_are_input_not_the_end)
{
	static const char sql[] = "DELETE FROM t\0 WHERE x; UPDATE u SET a = 1";

	scan_n(sql, sizeof(sql) - 1, 2);
	cr_expect_neq(script.v[0].flags & SQL_F(WHERE), 0, "the WHERE after the NUL counts");
	cr_expect_eq(script.v[1].kind, SQL_UPDATE);
}

/* ---- DML ---- */

Test(sqltok, delete_without_where_is_unqualified)
{
	const struct sql_stmt *st = expect_stmt("DELETE FROM cart_items", SQL_DELETE, 0, SQL_F(WHERE));

	expect_str(st->table, "cart_items", "table");
	expect_stmt("DELETE FROM cart_items WHERE created_at < now()", SQL_DELETE, SQL_F(WHERE), 0);
	expect_stmt("DELETE FROM t WHERE id IN (SELECT id FROM u WHERE u.x)", SQL_DELETE,
		    SQL_F(WHERE), 0);
	expect_stmt("DELETE FROM ONLY t WHERE CURRENT OF c", SQL_DELETE, SQL_F(WHERE), 0);
}

Test(sqltok, where_only_inside_a_subquery_does_not_qualify)
{
	expect_stmt("DELETE FROM t USING (SELECT id FROM u WHERE u.flag) s", SQL_DELETE, 0,
		    SQL_F(WHERE));
	expect_stmt("UPDATE t SET a = (SELECT b FROM u WHERE u.k = t.k)", SQL_UPDATE, 0,
		    SQL_F(WHERE));
	expect_stmt("WITH old AS (SELECT id FROM t WHERE x) DELETE FROM t", SQL_DELETE, 0,
		    SQL_F(WHERE));
}

Test(sqltok, update_needs_where)
{
	const struct sql_stmt *st;

	st = expect_stmt("UPDATE orders SET placed_at = created_at", SQL_UPDATE, 0, SQL_F(WHERE));
	expect_str(st->table, "orders", "table");
	expect_stmt("UPDATE orders SET placed_at = created_at WHERE placed_at IS NULL", SQL_UPDATE,
		    SQL_F(WHERE), 0);
	/* SQLite's conflict clause (securedrop) */
	st = expect_stmt("UPDATE OR IGNORE instance_config SET valid_until = 0 WHERE valid_until IS NULL",
			 SQL_UPDATE, SQL_F(WHERE), 0);
	expect_str(st->table, "instance_config", "table after OR IGNORE");
}

Test(sqltok, with_prefix_reads_the_main_statement)
{
	const char *sql = "WITH RECURSIVE x(n) AS (SELECT 1 UNION SELECT n + 1 FROM x WHERE n < 5) "
			  "UPDATE t SET a = 1 WHERE b IN (SELECT n FROM x)";
	const struct sql_stmt *st = expect_stmt(sql, SQL_UPDATE, SQL_F(WHERE), 0);

	expect_str(st->table, "t", "table");
	cr_expect_eq(st->offset, 0, "the statement starts at WITH");
	cr_expect_eq(st->length, strlen(sql));
}

Test(sqltok, insert_reads_table_and_columns)
{
	const struct sql_stmt *st;

	st = expect_stmt("INSERT INTO public.coupons AS c (code, \"Percent\") VALUES ('A', 1) "
			 "ON CONFLICT (code) DO NOTHING", SQL_INSERT, 0, 0);
	expect_str(st->table, "coupons", "table");
	expect_str(st->schema, "public", "schema");
	expect_list(&st->columns, "code Percent", "columns");
	st = expect_stmt("INSERT INTO t SELECT * FROM u", SQL_INSERT, 0, 0);
	expect_str(st->table, "t", "table");
	cr_expect_eq(st->columns.n, 0);
}

Test(sqltok, select_and_other_statements)
{
	expect_stmt("SELECT count(*) FROM t", SQL_SELECT, 0, SQL_F(WHERE));
	expect_stmt("VALUES (1)", SQL_SELECT, 0, 0);
	expect_stmt("COMMENT ON TABLE t IS 'x'", SQL_OTHER, 0, 0);
	expect_stmt("GRANT SELECT ON t TO app", SQL_OTHER, 0, 0);
	expect_stmt("(SELECT 1)", SQL_OTHER, 0, 0);
}

Test(sqltok, truncate_lists_every_table)
{
	const struct sql_stmt *st;

	st = expect_stmt("TRUNCATE TABLE a, ONLY public.b RESTART IDENTITY CASCADE", SQL_TRUNCATE,
			 SQL_F(CASCADE), 0);
	expect_list(&st->tables, "a b", "tables");
	st = expect_stmt("truncate c", SQL_TRUNCATE, 0, SQL_F(CASCADE));
	expect_list(&st->tables, "c", "tables");
}

/* ---- tables ---- */

Test(sqltok, create_table)
{
	const struct sql_stmt *st;

	st = expect_stmt("CREATE TABLE IF NOT EXISTS archive AS TABLE signups", SQL_CREATE_TABLE,
			 SQL_F(IF_NOT_EXISTS), 0);
	expect_str(st->table, "archive", "table");
	st = expect_stmt("CREATE UNLOGGED TABLE s.t (id int)", SQL_CREATE_TABLE, 0,
			 SQL_F(IF_NOT_EXISTS));
	expect_str(st->table, "t", "table");
}

Test(sqltok, temporary_tables)
{
	const struct sql_stmt *st;

	st = expect_stmt("CREATE TEMP TABLE tmp AS SELECT id FROM orders", SQL_CREATE_TABLE,
			 SQL_F(TEMPORARY), 0);
	expect_str(st->table, "tmp", "table");
	expect_stmt("CREATE GLOBAL TEMPORARY TABLE IF NOT EXISTS t (id int)", SQL_CREATE_TABLE,
		    SQL_F(TEMPORARY) | SQL_F(IF_NOT_EXISTS), 0);
	expect_stmt("CREATE TABLE temp (id int)", SQL_CREATE_TABLE, 0, SQL_F(TEMPORARY));
}

Test(sqltok, create_trigger_names_its_table)
{
	const struct sql_stmt *st;

	st = expect_stmt("CREATE OR REPLACE TRIGGER trg BEFORE UPDATE OF a, b OR DELETE ON "
			 "public.orders FOR EACH ROW EXECUTE FUNCTION f()", SQL_CREATE_TRIGGER,
			 SQL_F(OR_REPLACE), 0);
	expect_str(st->object, "trg", "trigger");
	expect_str(st->table, "orders", "table");
	expect_str(st->schema, "public", "the table's schema");
	st = expect_stmt("CREATE CONSTRAINT TRIGGER c AFTER INSERT ON t DEFERRABLE "
			 "FOR EACH ROW EXECUTE PROCEDURE g()", SQL_CREATE_TRIGGER, 0, 0);
	expect_str(st->table, "t", "table");
}

Test(sqltok, trigger_bodies_keep_their_semicolons)
{
	const char *sql = "CREATE TEMP TRIGGER IF NOT EXISTS t AFTER INSERT ON orders\n"
			  "BEGIN UPDATE audit SET n = n + 1; DELETE FROM log; END;\n"
			  "DELETE FROM t";

	scan_n(sql, strlen(sql), 2);
	cr_expect_eq(script.v[0].kind, SQL_CREATE_TRIGGER);
	cr_expect_eq(script.v[0].flags & (SQL_F(TEMPORARY) | SQL_F(IF_NOT_EXISTS)),
		     SQL_F(TEMPORARY) | SQL_F(IF_NOT_EXISTS));
	expect_str(script.v[0].table, "orders", "table");
	cr_expect_eq(script.v[1].kind, SQL_DELETE);
	/* MySQL: IF ... END IF and CASE ... END CASE inside the body close no BEGIN */
	sql = "CREATE TRIGGER t BEFORE INSERT ON images FOR EACH ROW\n"
	      "BEGIN IF NEW.a <=> NULL THEN SET NEW.b = 1; ELSE SET NEW.b = 2; END IF;\n"
	      "CASE NEW.c WHEN 1 THEN SET NEW.d = 0; END CASE;\n"
	      "WHILE NEW.e < 3 DO SET NEW.e = NEW.e + 1; END WHILE; END;\n"
	      "DELETE FROM images";
	scan_n(sql, strlen(sql), 2);
	cr_expect_eq(script.v[0].kind, SQL_CREATE_TRIGGER);
	cr_expect_eq(script.v[1].kind, SQL_DELETE);
}

Test(sqltok, drop_table_lists_every_table)
{
	const struct sql_stmt *st;

	st = expect_stmt("DROP TABLE IF EXISTS a, public.b CASCADE", SQL_DROP_TABLE,
			 SQL_F(IF_EXISTS) | SQL_F(CASCADE), 0);
	expect_list(&st->tables, "a b", "tables");
	st = expect_stmt("DROP TABLE newsletter_signups", SQL_DROP_TABLE, 0,
			 SQL_F(IF_EXISTS) | SQL_F(CASCADE));
	expect_str(st->table, "newsletter_signups", "table");
}

Test(sqltok, alter_table_with_several_actions_sets_every_flag)
{
	const struct sql_stmt *st = expect_stmt(
		"ALTER TABLE orders ADD COLUMN a int, ALTER COLUMN b TYPE bigint, "
		"ADD CONSTRAINT c FOREIGN KEY (customer_id) REFERENCES crm.customers (id) NOT VALID",
		SQL_ALTER_TABLE,
		SQL_F(ADD_COLUMN) | SQL_F(ALTER_COLUMN_TYPE) | SQL_F(ADD_CONSTRAINT) |
		SQL_F(FOREIGN_KEY) | SQL_F(NOT_VALID), SQL_F(DROP_COLUMN) | SQL_F(CHECK));

	expect_str(st->table, "orders", "table");
	cr_assert_eq(st->n_actions, 3);
	cr_expect_eq(st->actions[0].flags, SQL_F(ADD_COLUMN));
	cr_expect_eq(st->actions[1].flags, SQL_F(ALTER_COLUMN_TYPE));
	cr_expect_eq(st->actions[2].flags,
		     SQL_F(ADD_CONSTRAINT) | SQL_F(FOREIGN_KEY) | SQL_F(NOT_VALID));
	expect_str(st->actions[0].name, "a", "column");
	expect_str(st->actions[1].name, "b", "column");
	expect_str(st->actions[2].name, "c", "constraint");
	expect_list(&st->actions[2].columns, "customer_id", "fk columns");
	expect_str(st->actions[2].ref_table, "customers", "referenced table");
	expect_list(&st->objects, "a b c", "objects");
}

Test(sqltok, action_offsets_cover_each_action)
{
	const char *sql = "ALTER TABLE t ADD COLUMN n numeric(10, 2), DROP COLUMN x";
	const struct sql_stmt *st = scan1(sql);

	cr_assert_eq(st->n_actions, 2, "the comma inside numeric(10, 2) splits nothing");
	cr_expect(!strncmp(sql + st->actions[0].offset, "ADD COLUMN n numeric(10, 2)",
			   st->actions[0].length));
	cr_expect(!strncmp(sql + st->actions[1].offset, "DROP COLUMN x", st->actions[1].length));
}

Test(sqltok, add_column_definition_clauses)
{
	const struct sql_stmt *st;

	st = expect_stmt("ALTER TABLE t ADD COLUMN IF NOT EXISTS c text NOT NULL DEFAULT 'x'",
			 SQL_ALTER_TABLE, SQL_F(ADD_COLUMN) | SQL_F(NOT_NULL) | SQL_F(DEFAULT) |
			 SQL_F(IF_NOT_EXISTS), SQL_F(ADD_CONSTRAINT));
	expect_str(st->object, "c", "column");
	expect_stmt("ALTER TABLE t ADD c text CHECK (c IS NOT NULL)", SQL_ALTER_TABLE,
		    SQL_F(ADD_COLUMN) | SQL_F(CHECK), SQL_F(NOT_NULL) | SQL_F(DEFAULT) |
		    SQL_F(IF_NOT_EXISTS));
	st = expect_stmt("ALTER TABLE orders ADD COLUMN coupon_id int REFERENCES coupons (id)",
			 SQL_ALTER_TABLE, SQL_F(ADD_COLUMN) | SQL_F(FOREIGN_KEY),
			 SQL_F(ADD_CONSTRAINT));
	expect_list(&st->actions[0].columns, "coupon_id", "fk columns");
	expect_str(st->actions[0].ref_table, "coupons", "referenced table");
}

Test(sqltok, added_columns_computed_for_every_row)
{
	const struct sql_stmt *st = expect_stmt(
		"ALTER TABLE t ADD COLUMN a bigserial, ADD b int GENERATED ALWAYS AS (id * 2) STORED, "
		"ADD c uuid NOT NULL DEFAULT gen_random_uuid(), "
		"ADD d int GENERATED BY DEFAULT AS IDENTITY, ADD e int DEFAULT nextval('s'), "
		"ADD f timestamptz DEFAULT now(), ADD g text DEFAULT 'random()', ADD serial int",
		SQL_ALTER_TABLE, SQL_F(ADD_COLUMN), 0);

	cr_assert_eq(st->n_actions, 8);
	cr_expect_eq(st->actions[0].flags, SQL_F(ADD_COLUMN) | SQL_F(SERIAL));
	cr_expect_eq(st->actions[1].flags, SQL_F(ADD_COLUMN) | SQL_F(GENERATED_STORED));
	cr_expect_eq(st->actions[2].flags, SQL_F(ADD_COLUMN) | SQL_F(NOT_NULL) | SQL_F(DEFAULT) |
		     SQL_F(VOLATILE_DEFAULT));
	cr_expect_eq(st->actions[3].flags, SQL_F(ADD_COLUMN) | SQL_F(IDENTITY));
	cr_expect_eq(st->actions[4].flags, SQL_F(ADD_COLUMN) | SQL_F(DEFAULT) |
		     SQL_F(VOLATILE_DEFAULT));
	cr_expect_eq(st->actions[5].flags, SQL_F(ADD_COLUMN) | SQL_F(DEFAULT), "now() is stable");
	cr_expect_eq(st->actions[6].flags, SQL_F(ADD_COLUMN) | SQL_F(DEFAULT), "a string");
	cr_expect_eq(st->actions[7].flags, SQL_F(ADD_COLUMN), "a column named serial");
}

Test(sqltok, alter_column_type_and_not_null)
{
	expect_stmt("ALTER TABLE t ALTER COLUMN c SET DATA TYPE bigint USING c::bigint",
		    SQL_ALTER_TABLE, SQL_F(ALTER_COLUMN_TYPE), SQL_F(SET_NOT_NULL));
	expect_stmt("ALTER TABLE t ALTER c TYPE bigint", SQL_ALTER_TABLE,
		    SQL_F(ALTER_COLUMN_TYPE), 0);
	expect_stmt("ALTER TABLE t ALTER COLUMN placed_at SET NOT NULL", SQL_ALTER_TABLE,
		    SQL_F(SET_NOT_NULL), SQL_F(ALTER_COLUMN_TYPE) | SQL_F(NOT_NULL));
	expect_stmt("ALTER TABLE t ALTER COLUMN placed_at DROP NOT NULL", SQL_ALTER_TABLE,
		    SQL_F(DROP_NOT_NULL), SQL_F(SET_NOT_NULL) | SQL_F(NOT_NULL));
	expect_stmt("ALTER TABLE t ALTER COLUMN c SET DEFAULT 0", SQL_ALTER_TABLE, SQL_F(DEFAULT),
		    SQL_F(SET_NOT_NULL));
}

Test(sqltok, check_constraint_with_and_without_not_valid)
{
	expect_stmt("ALTER TABLE items ADD CONSTRAINT ck CHECK (quantity > 0)", SQL_ALTER_TABLE,
		    SQL_F(ADD_CONSTRAINT) | SQL_F(CHECK), SQL_F(NOT_VALID) | SQL_F(FOREIGN_KEY));
	expect_stmt("ALTER TABLE items ADD CONSTRAINT ck CHECK (quantity > 0) NOT VALID",
		    SQL_ALTER_TABLE, SQL_F(ADD_CONSTRAINT) | SQL_F(CHECK) | SQL_F(NOT_VALID), 0);
	expect_stmt("ALTER TABLE items ADD FOREIGN KEY (a_id) REFERENCES a ON DELETE CASCADE",
		    SQL_ALTER_TABLE, SQL_F(ADD_CONSTRAINT) | SQL_F(FOREIGN_KEY),
		    SQL_F(NOT_VALID) | SQL_F(CHECK) | SQL_F(CASCADE));
}

Test(sqltok, unique_and_primary_key_constraints)
{
	const struct sql_stmt *st;

	st = expect_stmt("ALTER TABLE products ADD CONSTRAINT uq UNIQUE (slug, shop_id)",
			 SQL_ALTER_TABLE, SQL_F(ADD_CONSTRAINT) | SQL_F(UNIQUE),
			 SQL_F(PRIMARY_KEY) | SQL_F(USING_INDEX));
	expect_list(&st->actions[0].columns, "slug shop_id", "unique columns");
	st = expect_stmt("ALTER TABLE products ADD PRIMARY KEY (id)", SQL_ALTER_TABLE,
			 SQL_F(ADD_CONSTRAINT) | SQL_F(PRIMARY_KEY), SQL_F(UNIQUE));
	expect_list(&st->actions[0].columns, "id", "key columns");
	expect_stmt("ALTER TABLE products ADD CONSTRAINT uq UNIQUE USING INDEX uq_idx",
		    SQL_ALTER_TABLE, SQL_F(UNIQUE) | SQL_F(USING_INDEX), 0);
	expect_stmt("ALTER TABLE p ADD CONSTRAINT uq UNIQUE (a) USING INDEX TABLESPACE fast",
		    SQL_ALTER_TABLE, SQL_F(UNIQUE), SQL_F(USING_INDEX));
}

Test(sqltok, validate_constraint)
{
	const struct sql_stmt *st;

	st = expect_stmt("ALTER TABLE items VALIDATE CONSTRAINT ck", SQL_ALTER_TABLE,
			 SQL_F(VALIDATE_CONSTRAINT), SQL_F(ADD_CONSTRAINT));
	expect_str(st->object, "ck", "constraint");
	expect_stmt("ALTER TABLE items ADD CONSTRAINT ck CHECK (a > 0)", SQL_ALTER_TABLE, 0,
		    SQL_F(VALIDATE_CONSTRAINT));
}

Test(sqltok, drop_column_and_drop_constraint)
{
	const struct sql_stmt *st;

	st = expect_stmt("ALTER TABLE customers DROP COLUMN IF EXISTS fax, DROP telex CASCADE",
			 SQL_ALTER_TABLE, SQL_F(DROP_COLUMN) | SQL_F(IF_EXISTS) | SQL_F(CASCADE),
			 SQL_F(DROP_CONSTRAINT));
	expect_list(&st->objects, "fax telex", "dropped columns");
	expect_stmt("ALTER TABLE customers DROP CONSTRAINT fk_x", SQL_ALTER_TABLE,
		    SQL_F(DROP_CONSTRAINT), SQL_F(DROP_COLUMN));
}

Test(sqltok, renames)
{
	const struct sql_stmt *st;

	st = expect_stmt("ALTER TABLE addresses RENAME TO customer_addresses", SQL_ALTER_TABLE,
			 SQL_F(RENAME_TABLE), SQL_F(RENAME_COLUMN));
	expect_str(st->new_name, "customer_addresses", "new name");
	st = expect_stmt("ALTER TABLE customers RENAME COLUMN name TO full_name", SQL_ALTER_TABLE,
			 SQL_F(RENAME_COLUMN), SQL_F(RENAME_TABLE));
	expect_str(st->actions[0].name, "name", "old");
	expect_str(st->actions[0].new_name, "full_name", "new");
	expect_stmt("ALTER TABLE customers RENAME name TO full_name", SQL_ALTER_TABLE,
		    SQL_F(RENAME_COLUMN), 0);
	expect_stmt("ALTER TABLE customers RENAME CONSTRAINT a TO b", SQL_ALTER_TABLE, 0,
		    SQL_F(RENAME_COLUMN) | SQL_F(RENAME_TABLE));
}

Test(sqltok, mysql_modify_change_and_indexes)
{
	const struct sql_stmt *st;

	expect_stmt("ALTER TABLE t MODIFY COLUMN c BIGINT NOT NULL", SQL_ALTER_TABLE,
		    SQL_F(ALTER_COLUMN_TYPE), SQL_F(RENAME_COLUMN));
	expect_stmt("ALTER TABLE t CHANGE c d BIGINT", SQL_ALTER_TABLE,
		    SQL_F(ALTER_COLUMN_TYPE) | SQL_F(RENAME_COLUMN), 0);
	expect_stmt("ALTER TABLE t CHANGE c c BIGINT", SQL_ALTER_TABLE,
		    SQL_F(ALTER_COLUMN_TYPE), SQL_F(RENAME_COLUMN));
	st = expect_stmt("ALTER TABLE t ADD UNIQUE KEY uq_t_c (c)", SQL_ALTER_TABLE,
			 SQL_F(ADD_CONSTRAINT) | SQL_F(UNIQUE), SQL_F(ADD_COLUMN));
	expect_list(&st->actions[0].columns, "c", "unique columns");
	st = expect_stmt("ALTER TABLE t ADD INDEX ix_t_c (c)", SQL_ALTER_TABLE, 0,
			 SQL_F(ADD_CONSTRAINT) | SQL_F(ADD_COLUMN));
	expect_str(st->object, NULL, "no column");
}

/* ---- indexes ---- */

Test(sqltok, create_index_forms)
{
	const struct sql_stmt *st;

	st = expect_stmt("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY public.orders "
			 "USING btree (customer_id DESC, lower(email)) WHERE deleted_at IS NULL",
			 SQL_CREATE_INDEX, SQL_F(UNIQUE_INDEX) | SQL_F(CONCURRENTLY) |
			 SQL_F(IF_NOT_EXISTS) | SQL_F(WHERE), SQL_F(UNIQUE));
	expect_str(st->object, "ix", "index");
	expect_str(st->table, "orders", "table");
	expect_str(st->schema, "public", "schema");
	expect_list(&st->columns, "customer_id lower(email)", "key columns");
	st = expect_stmt("CREATE INDEX ix_orders_coupon_id ON orders (coupon_id)", SQL_CREATE_INDEX,
			 0, SQL_F(UNIQUE_INDEX) | SQL_F(CONCURRENTLY) | SQL_F(IF_NOT_EXISTS));
	expect_str(st->object, "ix_orders_coupon_id", "index");
	st = expect_stmt("create index concurrently on orders (a)", SQL_CREATE_INDEX,
			 SQL_F(CONCURRENTLY), 0);
	expect_str(st->object, NULL, "an unnamed index");
	expect_str(st->table, "orders", "table");
}

Test(sqltok, drop_index_forms)
{
	const struct sql_stmt *st;

	st = expect_stmt("DROP INDEX CONCURRENTLY IF EXISTS public.ix_a", SQL_DROP_INDEX,
			 SQL_F(CONCURRENTLY) | SQL_F(IF_EXISTS), 0);
	expect_str(st->object, "ix_a", "index");
	expect_str(st->table, NULL, "table");
	st = expect_stmt("DROP INDEX ix_a, ix_b", SQL_DROP_INDEX, 0,
			 SQL_F(CONCURRENTLY) | SQL_F(IF_EXISTS));
	expect_list(&st->objects, "ix_a ix_b", "indexes");
	st = expect_stmt("DROP INDEX ix_a ON orders", SQL_DROP_INDEX, 0, 0);
	expect_str(st->table, "orders", "MySQL's table");
}

Test(sqltok, reindex_cluster_refresh)
{
	const struct sql_stmt *st;

	st = expect_stmt("REINDEX INDEX ix_orders_status", SQL_REINDEX, 0, SQL_F(CONCURRENTLY));
	expect_str(st->object, "ix_orders_status", "index");
	st = expect_stmt("REINDEX (VERBOSE) TABLE CONCURRENTLY orders", SQL_REINDEX,
			 SQL_F(CONCURRENTLY), 0);
	expect_str(st->table, "orders", "table");
	st = expect_stmt("CLUSTER VERBOSE orders USING ix", SQL_CLUSTER, 0, 0);
	expect_str(st->table, "orders", "table");
	st = expect_stmt("REFRESH MATERIALIZED VIEW CONCURRENTLY stats", SQL_REFRESH,
			 SQL_F(CONCURRENTLY), 0);
	expect_str(st->table, "stats", "view");
	expect_stmt("REFRESH MATERIALIZED VIEW stats", SQL_REFRESH, 0, SQL_F(CONCURRENTLY));
}

/* ---- types ---- */

Test(sqltok, create_type_enum)
{
	const struct sql_stmt *st;

	st = expect_stmt("CREATE TYPE order_status AS ENUM ('pending', 'it''s', E'a\\'b')",
			 SQL_CREATE_TYPE, SQL_F(ENUM), 0);
	expect_str(st->object, "order_status", "type");
	expect_list(&st->labels, "pending it's a'b", "labels");
	st = expect_stmt("CREATE TYPE pair AS (a int, b int)", SQL_CREATE_TYPE, 0, SQL_F(ENUM));
	cr_expect_eq(st->labels.n, 0);
}

Test(sqltok, alter_type_add_value)
{
	const struct sql_stmt *st;

	st = expect_stmt("ALTER TYPE order_status ADD VALUE 'refunded'", SQL_ALTER_TYPE,
			 SQL_F(ADD_VALUE), SQL_F(IF_NOT_EXISTS) | SQL_F(RENAME_VALUE));
	expect_str(st->object, "order_status", "type");
	expect_list(&st->labels, "refunded", "labels");
	st = expect_stmt("ALTER TYPE public.order_status ADD VALUE IF NOT EXISTS 'refunded' "
			 "BEFORE 'paid'", SQL_ALTER_TYPE, SQL_F(ADD_VALUE) | SQL_F(IF_NOT_EXISTS),
			 0);
	expect_list(&st->labels, "refunded", "labels");
	expect_str(st->schema, "public", "schema");
	expect_stmt("ALTER TYPE order_status ADD ATTRIBUTE x int", SQL_ALTER_TYPE, 0,
		    SQL_F(ADD_VALUE));
}

Test(sqltok, alter_type_rename_value)
{
	const struct sql_stmt *st;

	st = expect_stmt("ALTER TYPE order_status RENAME VALUE 'shipped' TO 'dispatched'",
			 SQL_ALTER_TYPE, SQL_F(RENAME_VALUE), SQL_F(ADD_VALUE));
	expect_list(&st->labels, "shipped dispatched", "labels");
	st = expect_stmt("ALTER TYPE order_status RENAME TO status", SQL_ALTER_TYPE, 0,
			 SQL_F(RENAME_VALUE));
	expect_str(st->new_name, "status", "new name");
}

Test(sqltok, drop_type)
{
	const struct sql_stmt *st;

	st = expect_stmt("DROP TYPE IF EXISTS order_status, b CASCADE", SQL_DROP_TYPE,
			 SQL_F(IF_EXISTS) | SQL_F(CASCADE), 0);
	expect_list(&st->objects, "order_status b", "types");
	expect_stmt("DROP TYPE order_status", SQL_DROP_TYPE, 0, SQL_F(IF_EXISTS));
}

/* ---- other objects ---- */

Test(sqltok, create_and_drop_other_objects)
{
	const struct sql_stmt *st;

	st = expect_stmt("CREATE OR REPLACE VIEW addresses AS SELECT * FROM customer_addresses",
			 SQL_CREATE_OTHER, SQL_F(OR_REPLACE), SQL_F(IF_NOT_EXISTS));
	expect_str(st->object, "addresses", "view");
	st = expect_stmt("CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"", SQL_CREATE_OTHER,
			 SQL_F(IF_NOT_EXISTS), SQL_F(OR_REPLACE));
	expect_str(st->object, "uuid-ossp", "extension");
	st = expect_stmt("DROP MATERIALIZED VIEW IF EXISTS mv CASCADE", SQL_DROP_OTHER,
			 SQL_F(IF_EXISTS) | SQL_F(CASCADE), 0);
	expect_str(st->object, "mv", "view");
	expect_stmt("DROP SEQUENCE s", SQL_DROP_OTHER, 0, SQL_F(IF_EXISTS));
}

/* ---- session and transactions ---- */

Test(sqltok, set_lock_timeout)
{
	const struct sql_stmt *st;

	st = expect_stmt("SET LOCAL lock_timeout = '5s'", SQL_SET,
			 SQL_F(LOCK_TIMEOUT) | SQL_F(LOCAL), SQL_F(STATEMENT_TIMEOUT));
	expect_str(st->object, "lock_timeout", "parameter");
	expect_stmt("SET lock_timeout TO 5000", SQL_SET, SQL_F(LOCK_TIMEOUT), SQL_F(LOCAL));
	expect_stmt("set session LOCK_TIMEOUT to '1min'", SQL_SET, SQL_F(LOCK_TIMEOUT), 0);
	expect_stmt("SET statement_timeout = '30s'", SQL_SET, SQL_F(STATEMENT_TIMEOUT),
		    SQL_F(LOCK_TIMEOUT));
	expect_stmt("SELECT set_config('lock_timeout', '3s', true)", SQL_SELECT,
		    SQL_F(LOCK_TIMEOUT), 0);
}

Test(sqltok, settings_that_do_not_set_a_lock_timeout)
{
	const struct sql_stmt *st;

	expect_stmt("SET lock_timeout = 0", SQL_SET, 0, SQL_F(LOCK_TIMEOUT));
	expect_stmt("SET lock_timeout = '0ms'", SQL_SET, 0, SQL_F(LOCK_TIMEOUT));
	expect_stmt("SET LOCAL lock_timeout TO DEFAULT", SQL_SET, SQL_F(LOCAL),
		    SQL_F(LOCK_TIMEOUT));
	st = expect_stmt("SET search_path = public", SQL_SET, 0,
			 SQL_F(LOCK_TIMEOUT) | SQL_F(STATEMENT_TIMEOUT));
	expect_str(st->object, "search_path", "parameter");
	st = expect_stmt("SET app.lock_timeout = '5s'", SQL_SET, 0, SQL_F(LOCK_TIMEOUT));
	expect_str(st->object, "app.lock_timeout", "a custom parameter");
	expect_str(st->schema, NULL, "parameters have no schema");
	expect_stmt("SELECT set_config('search_path', 'x', true)", SQL_SELECT, 0,
		    SQL_F(LOCK_TIMEOUT));
	expect_stmt("UPDATE settings SET lock_timeout = 5 WHERE k = 1", SQL_UPDATE, 0,
		    SQL_F(LOCK_TIMEOUT));
}

Test(sqltok, transaction_control)
{
	expect_stmt("COMMIT", SQL_COMMIT, 0, 0);
	expect_stmt("end transaction", SQL_COMMIT, 0, 0);
	expect_stmt("BEGIN", SQL_BEGIN, 0, 0);
	expect_stmt("START TRANSACTION ISOLATION LEVEL SERIALIZABLE", SQL_BEGIN, 0, 0);
	expect_stmt("ROLLBACK", SQL_ROLLBACK, 0, 0);
	expect_stmt("START REPLICATION", SQL_OTHER, 0, 0);
	expect_stmt("SELECT CASE WHEN a THEN 1 END", SQL_SELECT, 0, 0);
	expect_stmt("SAVEPOINT s", SQL_OTHER, 0, 0);
}

Test(sqltok, lock_table_modes)
{
	const struct sql_stmt *st;

	st = expect_stmt("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE", SQL_LOCK,
			 SQL_F(ACCESS_EXCLUSIVE), 0);
	expect_str(st->table, "orders", "table");
	expect_str(st->object, "access exclusive", "mode");
	st = expect_stmt("LOCK public.orders, items", SQL_LOCK, SQL_F(ACCESS_EXCLUSIVE), 0);
	expect_list(&st->tables, "orders items", "tables");
	st = expect_stmt("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE NOWAIT", SQL_LOCK, 0,
			 SQL_F(ACCESS_EXCLUSIVE));
	expect_str(st->object, "share row exclusive", "mode");
	st = expect_stmt("LOCK TABLES orders WRITE, items AS i READ", SQL_LOCK, 0,
			 SQL_F(ACCESS_EXCLUSIVE));
	expect_list(&st->tables, "orders items", "MySQL tables");
}

/* ---- hardcoded ids ---- */

Test(sqltok, numeric_ids_compared_with_id_columns)
{
	expect_ids("UPDATE coupons SET active = false WHERE id = 42", "id=42");
	expect_ids("DELETE FROM orders WHERE customer_id IN (1, 2, 3)",
		   "customer_id=1 customer_id=2 customer_id=3");
	expect_ids("SELECT * FROM orders o WHERE o.status = 'x' AND o.id=7", "id=7");
	expect_ids("DELETE FROM t WHERE id <> 5 OR id != 6 OR parent_id NOT IN (8)",
		   "id=5 id=6 parent_id=8");
	expect_ids("SELECT 1 FROM t WHERE 42 = t.id", "id=42");
	expect_ids("UPDATE t SET \"Owner_ID\" = 9 WHERE a = 'b'", "Owner_ID=9");
	expect_ids("DELETE FROM t WHERE ID = -1", "id=1");
}

Test(sqltok, uuid_literals_anywhere)
{
	expect_ids("UPDATE t SET owner = '3f2b1c9e-1234-4abc-8def-0123456789ab'",
		   "3f2b1c9e-1234-4abc-8def-0123456789ab");
	expect_ids("DELETE FROM t WHERE user_id = '3F2B1C9E-1234-4ABC-8DEF-0123456789AB'",
		   "user_id=3F2B1C9E-1234-4ABC-8DEF-0123456789AB");
	expect_ids("ALTER TABLE t ALTER COLUMN c SET DEFAULT '00000000-0000-0000-0000-000000000001'",
		   "00000000-0000-0000-0000-000000000001");
	expect_ids("SELECT '3f2b1c9e-1234-4abc-8def-0123456789a' , '3f2b1c9e_1234-4abc-8def-"
		   "0123456789ab', '3f2b1c9e-1234-4abc-8def-0123456789ag'", "");
}

Test(sqltok, ids_inserted_into_id_columns)
{
	expect_ids("INSERT INTO coupons (id, code, owner_id, percent_off) "
		   "VALUES (1, 'WELCOME10', 7, 10), (2, 'x', -3, 20)",
		   "id=1 owner_id=7 id=2 owner_id=3");
	expect_ids("INSERT INTO coupons (id, code) VALUES (lower('a'), '1'), (5::bigint, 'y')",
		   "id=5");
	expect_ids("INSERT INTO coupons (code, percent_off) VALUES ('WELCOME10', 10)", "");
	expect_ids("INSERT INTO coupons VALUES (1, 'WELCOME10')", "");
}

Test(sqltok, numbers_that_are_not_ids)
{
	expect_ids("SELECT * FROM items WHERE quantity > 0 LIMIT 10 OFFSET 5", "");
	expect_ids("UPDATE items SET quantity = 5 WHERE quantity = 0", "");
	expect_ids("UPDATE t SET note = 'id = 42' WHERE note = 'customer_id IN (1, 2)'", "");
	expect_ids("DELETE FROM t WHERE id = :id AND customer_id = $1", "");
	expect_ids("DELETE FROM t WHERE customer_id > 100 OR id < 3", "");
	expect_ids("UPDATE t SET a = 1 FROM u WHERE t.id = u.id AND paid = 1", "");
	expect_ids("DELETE FROM t WHERE id IN (SELECT id FROM u WHERE kind = 2)", "");
	expect_ids("ALTER TABLE t ADD CONSTRAINT ck CHECK (kind_id <> 0)", "");
	expect_ids("CREATE INDEX ix ON t (a) WHERE tenant_id = 1", "");
}

Test(sqltok, id_column_names)
{
	cr_expect(sql_is_id_column("id"));
	cr_expect(sql_is_id_column("ID"));
	cr_expect(sql_is_id_column("customer_id"));
	cr_expect(!sql_is_id_column("paid"));
	cr_expect(!sql_is_id_column("uuid"));
	cr_expect(!sql_is_id_column("identity"));
	cr_expect(!sql_is_id_column("_i"));
	cr_expect(!sql_is_id_column(NULL));
}

Test(sqltok, kind_and_flag_names)
{
	cr_expect_str_eq(sql_kind_name(SQL_CREATE_INDEX), "create index");
	cr_expect_str_eq(sql_kind_name(SQL_KIND_COUNT), "?");
	cr_expect_str_eq(sql_flag_name(SQL_FLAG_NOT_VALID), "not-valid");
	cr_expect_str_eq(sql_flag_name(SQL_FLAG_COUNT), "?");
}

/* ---- size and robustness ---- */

/* Checks what must hold for any input: statements in order, inside the text. */
static void
expect_sane(const char *sql, size_t len)
{
	size_t end = 0;

	cr_assert_eq(sql_scan(sql, len, &script, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < script.n; i++) {
		const struct sql_stmt *st = &script.v[i];

		cr_assert(st->offset >= end && st->length > 0 && st->offset + st->length <= len,
			  "statement %zu at %zu+%zu of %zu", i, st->offset, st->length, len);
		cr_assert_lt((unsigned)st->kind, (unsigned)SQL_KIND_COUNT);
		cr_assert_eq(st->flags >> SQL_FLAG_COUNT, 0);
		cr_assert_eq(st->table, st->tables.n ? st->tables.v[0] : NULL);
		for (size_t k = 0; k < st->n_ids; k++)
			cr_assert(st->ids[k].offset >= st->offset &&
				  st->ids[k].offset + st->ids[k].length <= st->offset + st->length);
		for (size_t k = 0; k < st->n_actions; k++)
			cr_assert(st->actions[k].offset >= st->offset &&
				  st->actions[k].offset + st->actions[k].length <=
				  st->offset + st->length);
		end = st->offset + st->length;
	}
	sql_script_free(&script);
}

Test(sqltok, a_hundred_thousand_statements)
{
	size_t cap = 100000 * 64, len = 0;
	char *sql = malloc(cap);

	cr_assert_not_null(sql);
	for (int i = 0; i < 100000; i++)
		len += (size_t)snprintf(sql + len, cap - len,
					"UPDATE t SET a = 'x;y' WHERE id = %d; -- c\n", i);
	scan_n(sql, len, 100000);
	cr_expect_eq(script.v[99999].kind, SQL_UPDATE);
	cr_assert_eq(script.v[99999].n_ids, 1);
	cr_expect_str_eq(script.v[99999].ids[0].text, "99999");
	free(sql);
}

/* Inputs that would be quadratic with a naive scanner: each is one huge construct. */
Test(sqltok, huge_single_constructs_stay_linear)
{
	static const char *const units[] = { "(", "/*", "$a", "$a$", "a.", "id IN (", "1,", "' ",
					     "E'\\", "ALTER TABLE t ADD a int," };
	size_t n = 200000;
	char *sql = malloc(n * 24 + 1);

	cr_assert_not_null(sql);
	for (size_t u = 0; u < MR_ARRAY_SIZE(units); u++) {
		size_t len = 0, k = strlen(units[u]);

		len += (size_t)sprintf(sql, "DELETE FROM t WHERE id IN (");
		for (size_t i = 0; i < n / k; i++, len += k)
			memcpy(sql + len, units[u], k);
		expect_sane(sql, len);
	}
	free(sql);
}

static uint64_t
next_random(uint64_t *state)
{
	/* xorshift64*: fixed seed, same bytes on every run */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(2685821657736338717);
}

Test(sqltok, random_bytes_do_not_crash)
{
	static const char alphabet[] = "'\"`$-/*;()., =<>!\\E_0123456789abcdefghijklmnopqrstuvwxyz\n";
	static const char *const words[] = { "DELETE", "UPDATE", "WHERE", "ALTER TABLE", "ADD",
					     "id", "IN", "$$", "$t$", "E'", "/*", "*/", "--",
					     "CREATE FUNCTION", "BEGIN", "END", "INSERT INTO",
					     "VALUES", "LOCK", "SET", "TYPE", "'3f2b1c9e-1234-4abc-"
					     "8def-0123456789ab'" };
	uint64_t state = UINT64_C(0x9e3779b97f4a7c15);
	char buf[600];

	for (int iter = 0; iter < 4000; iter++) {
		size_t len = next_random(&state) % 512, o = 0;
		int mode = iter % 3;

		while (o < len) {
			uint64_t r = next_random(&state);

			if (mode == 0) {
				buf[o++] = (char)(r & 0xff);
			} else if (mode == 1 || r % 4) {
				buf[o++] = alphabet[r % (sizeof(alphabet) - 1)];
			} else {
				const char *w = words[(r >> 8) % MR_ARRAY_SIZE(words)];
				size_t k = strlen(w);

				if (o + k > len)
					break;
				memcpy(buf + o, w, k);
				o += k;
			}
		}
		expect_sane(buf, o);
	}
}

Test(sqltok, every_prefix_of_a_script_scans)
{
	static const char sql[] =
		"SET LOCAL lock_timeout = '5s';\n"
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
		"ALTER TABLE \"T\" ADD CONSTRAINT c FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;\n"
		"INSERT INTO t (id, x) VALUES (1, E'\\'') , (2, $q$;$q$);\n"
		"/* a /* b */ c */ DELETE FROM t WHERE id IN (1, 2) -- done\n;"
		"LOCK TABLE t IN ACCESS EXCLUSIVE MODE";

	for (size_t len = 0; len < sizeof(sql); len++)
		expect_sane(sql, len);
	scan_n(sql, sizeof(sql) - 1, 6);
}

/* Where an INSERT ... SELECT or CREATE TABLE ... AS takes its rows from. */
Test(sqltok, sources_of_copies)
{
	const struct sql_stmt *st;

	st = expect_stmt("INSERT INTO archive (id) SELECT o.id FROM public.orders o "
			 "JOIN items i ON i.order_id = o.id WHERE o.id IN (SELECT id FROM old)",
			 SQL_INSERT, SQL_F(WHERE), 0);
	expect_list(&st->sources, "orders items old", "sources");
	st = expect_stmt("CREATE TABLE orders_copy AS TABLE orders", SQL_CREATE_TABLE, 0, 0);
	expect_list(&st->sources, "orders", "AS TABLE");
	st = expect_stmt("INSERT INTO t VALUES (1)", SQL_INSERT, 0, 0);
	cr_expect_eq(st->sources.n, 0);
	st = expect_stmt("DELETE FROM orders", SQL_DELETE, 0, SQL_F(WHERE));
	cr_expect_eq(st->sources.n, 0, "only copies have sources");
}

/*
 * The analyser, rule by rule: each rule's dangerous form is reported at its
 * line and column, and its safe form is not.  A case is a chain of
 * migrations (the earlier ones create what the last one changes); only
 * findings of the last migration are compared.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "migreview/analyze.h"
#include "migreview/appcode.h"
#include "migreview/stats.h"

static struct analysis_config cfg;
static struct findings fs;
static struct mr_error err;

/* missing-lock-timeout would be in every case; it has tests of its own */
static void
setup(void)
{
	cfg.dialect = DIALECT_POSTGRESQL;
	cfg.by_rule[RULE_MISSING_LOCK_TIMEOUT].disabled = true;
}

static void
teardown(void)
{
	findings_free(&fs);
	analysis_config_free(&cfg);
}

TestSuite(analyze, .init = setup, .fini = teardown);

#define BASE "def upgrade():\n" \
	"    op.create_table('orders', sa.Column('id', sa.Integer(), primary_key=True),\n" \
	"                    sa.Column('note', sa.String(length=200)),\n" \
	"                    sa.Column('customer_id', sa.Integer()))\n" \
	"    op.create_index('ix_orders_note', 'orders', ['note'])\n" \
	"def downgrade():\n    op.drop_table('orders')\n"

/* The findings of the last migration, as "rule@line:col" joined by spaces. */
static const char *
run(const char *last, bool with_base)
{
	static char buf[4096];
	struct analysis_input in[2] = {
		{ BASE, strlen(BASE), "versions/base.py", 0, false },
		{ last, strlen(last), "versions/last.py", 1, false },
	};
	size_t n = with_base ? 2 : 1;

	findings_free(&fs);
	cr_assert_eq(analyze_sources(with_base ? in : in + 1, n, &cfg, &fs, &err), 0, "%s", err.msg);
	cr_assert_eq(findings_sort(&fs), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < fs.n; i++) {
		size_t len = strlen(buf);

		if (fs.v[i].revision != 1)
			continue;
		snprintf(buf + len, sizeof(buf) - len, "%s%s@%u:%u", len ? " " : "",
			 fs.v[i].rule->id, fs.v[i].line, fs.v[i].col);
	}
	if (getenv("SHOW_RUN"))
		fprintf(stderr, "run: %s\n", buf);
	return buf;
}

#define DOWN "\ndef downgrade():\n    pass\n"

Test(analyze, the_base_itself_is_clean)
{
	struct analysis_input in = { BASE, strlen(BASE), "versions/base.py", 0, false };

	cr_assert_eq(analyze_sources(&in, 1, &cfg, &fs, &err), 0);
	cr_expect_eq(fs.n, 0, "first finding: %s", fs.n ? fs.v[0].rule->id : "");
}

Test(analyze, add_not_null_without_default)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('x', sa.Integer(), nullable=False,\n"
			     "                                      default=0))\n"
			     "def downgrade():\n    op.drop_column('orders', 'x')\n", true),
			 "add-not-null-without-default@2:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('x', sa.Integer(), nullable=False,\n"
			     "                                      server_default='0'))\n"
			     "def downgrade():\n    op.drop_column('orders', 'x')\n", true), "");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))\n"
			     "    op.add_column('t', sa.Column('x', sa.Integer(), nullable=False))\n"
			     "def downgrade():\n    op.drop_table('t')\n", true), "",
			 "a table created in the same migration is empty");
}

Test(analyze, set_not_null_backfill_and_scan)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.alter_column('orders', 'note', nullable=False)\n" DOWN, true),
			 "set-not-null-without-backfill@2:5 set-not-null-scan@2:5 empty-downgrade@4:1");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(\"UPDATE orders SET note = '' WHERE note IS NULL\")\n"
			     "    op.alter_column('orders', 'note', nullable=False)\n"
			     "def downgrade():\n"
			     "    op.alter_column('orders', 'note', nullable=True)\n", true),
			 "set-not-null-scan@3:5");
}

Test(analyze, drops_and_renames_of_existing_objects)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.drop_column('orders', 'note')\n"
			     "    op.alter_column('orders', 'customer_id', new_column_name='buyer_id')\n"
			     "    op.rename_table('orders', 'purchases')\n"
			     "    op.drop_table('purchases')\n"
			     "def downgrade():\n    op.create_table('orders')\n", true),
			 "drop-column@2:5 rename-column@3:5 rename-table@4:5 drop-table@5:5");
}

Test(analyze, foreign_key_needs_a_covering_index_from_any_migration)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_foreign_key('fk_c', 'orders', 'customers', ['customer_id'], ['id'],\n"
			     "                          postgresql_not_valid=True)\n"
			     "def downgrade():\n    op.drop_constraint('fk_c', 'orders')\n", true),
			 "foreign-key-without-index@2:5");
	cr_expect(strstr(fs.v[0].message,
			 "op.create_index(\"ix_orders_customer_id\", \"orders\", [\"customer_id\"])"),
		  "%s", fs.v[0].message);
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_foreign_key('fk_n', 'orders', 'notes', ['note'], ['id'],\n"
			     "                          postgresql_not_valid=True)\n"
			     "def downgrade():\n    op.drop_constraint('fk_n', 'orders')\n", true), "",
			 "ix_orders_note was created by the earlier migration");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('items', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "        sa.Column('order_id', sa.Integer(), sa.ForeignKey('orders.id')))\n"
			     "    op.create_index('ix_items_order_id', 'items', ['order_id'])\n"
			     "def downgrade():\n    op.drop_table('items')\n", true), "",
			 "an index created later in the same migration covers it");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('items', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "        sa.Column('order_id', sa.Integer(), sa.ForeignKey('orders.id')))\n"
			     "def downgrade():\n    op.drop_table('items')\n", true),
			 "foreign-key-without-index@3:45");
}

Test(analyze, indexes_concurrently_and_autocommit)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_index('a', 'orders', ['customer_id'])\n"
			     "    op.create_index('b', 'orders', ['customer_id'], postgresql_concurrently=True)\n"
			     "    with op.get_context().autocommit_block():\n"
			     "        op.create_index('c', 'orders', ['customer_id'],\n"
			     "                        postgresql_concurrently=True)\n"
			     "        op.drop_index('ix_orders_note', postgresql_concurrently=True)\n"
			     "    op.drop_index('a', table_name='orders')\n"
			     "def downgrade():\n    op.drop_index('c')\n    op.drop_index('b')\n"
			     "    op.create_index('ix_orders_note', 'orders', ['note'])\n", true),
			 "index-not-concurrent@2:5 concurrently-outside-autocommit-block@3:5 "
			 "drop-index-not-concurrent@8:5");
}

Test(analyze, dialect_specific_rules_stay_quiet_elsewhere)
{
	cfg.dialect = DIALECT_SQLITE;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_index('a', 'orders', ['customer_id'])\n"
			     "def downgrade():\n    op.drop_index('a')\n", true), "");
}

/* SQLite ignores VARCHAR lengths and has no enum types. */
Test(analyze, narrowing_and_enum_rules_are_quiet_on_sqlite)
{
	static const char *const narrow = "def upgrade():\n"
		"    op.alter_column('orders', 'note', type_=sa.String(length=120),\n"
		"                    existing_type=sa.String(length=200))\n"
		"def downgrade():\n"
		"    op.alter_column('orders', 'note', type_=sa.String(length=200))\n";
	static const char *const enums = "def upgrade():\n"
		"    op.create_table('o', sa.Column('s', sa.Enum('a', 'b', name='st')))\n"
		"    op.execute(\"ALTER TYPE st ADD VALUE 'c'\")\n"
		"def downgrade():\n    op.drop_table('o')\n";

	cr_expect_str_eq(run(narrow, true), "column-type-change@2:5 narrowing-type-change@2:5");
	cr_expect_neq(strstr(run(enums, true), "enum-"), NULL);
	cfg.dialect = DIALECT_SQLITE;
	cr_expect_str_eq(run(narrow, true), "");
	cr_expect_eq(strstr(run(enums, true), "enum-"), NULL, "%s", run(enums, true));
}

/* SQL only PostgreSQL accepts, under another dialect: said once per migration. */
Test(analyze, postgresql_only_sql_under_another_dialect)
{
	static const char *const up = "def upgrade():\n"
		"    op.execute(\"ALTER TYPE st ADD VALUE 'x'\")\n"
		"    op.execute('CREATE INDEX CONCURRENTLY ix ON orders (note)')\n"
		"def downgrade():\n    op.execute('DROP INDEX CONCURRENTLY ix')\n";

	cfg.by_rule[RULE_NON_IDEMPOTENT_SQL].disabled = true;
	cr_expect_eq(strstr(run(up, true), "postgresql-only-sql"), NULL, "PostgreSQL accepts it");
	cfg.dialect = DIALECT_SQLITE;
	cfg.dialect_from = strdup("from sqlalchemy.url in alembic.ini");
	cr_expect_str_eq(run(up, true), "postgresql-only-sql@2:17");
	cr_expect(strstr(fs.v[fs.n - 1].message, "ALTER TYPE ... ADD VALUE runs only on PostgreSQL, "
			 "but the analysis targets sqlite (from sqlalchemy.url in alembic.ini, "
			 "often a development database)"), "%s", fs.v[fs.n - 1].message);
	cfg.dialect = DIALECT_MYSQL;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID')\n"
			     "def downgrade():\n    op.execute('ALTER TABLE t DROP CONSTRAINT c')\n",
			     true), "postgresql-only-sql@2:17");
	cr_expect(strstr(fs.v[fs.n - 1].message, "NOT VALID runs only on PostgreSQL, but the "
			 "analysis targets mysql (from sqlalchemy.url in alembic.ini): if"),
		  "a MySQL URL is no local default: %s", fs.v[fs.n - 1].message);
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_index('ix', 'orders', ['note'], postgresql_concurrently=True)\n"
			     "    op.execute('CREATE INDEX ix2 ON orders (note)')\n"
			     "def downgrade():\n    op.drop_index('ix2')\n    op.drop_index('ix')\n",
			     true), "", "postgresql_* options are ignored elsewhere");
}

/* InnoDB makes an index for every foreign key that has none. */
Test(analyze, foreign_key_index_rule_is_quiet_on_mysql)
{
	static const char *const fk = "def upgrade():\n"
		"    op.create_foreign_key('fk_c', 'orders', 'customers', ['customer_id'], ['id'])\n"
		"def downgrade():\n    op.drop_constraint('fk_c', 'orders')\n";

	cfg.dialect = DIALECT_SQLITE;
	cr_expect_str_eq(run(fk, true), "foreign-key-without-index@2:5");
	cfg.dialect = DIALECT_MYSQL;
	cr_expect_str_eq(run(fk, true), "");
}

Test(analyze, large_tables_disable_and_overrides)
{
	strvec_push(&cfg.large_tables, "orders");
	cr_expect_str_eq(run("def upgrade():\n    op.create_index('a', 'orders', ['customer_id'])\n"
			     "def downgrade():\n    op.drop_index('a')\n", true),
			 "index-not-concurrent@2:5");
	cr_assert_eq(fs.n, 1);
	cr_expect_eq(fs.v[0].severity, SEVERITY_ERROR, "raised on a large table");
	cfg.by_rule[RULE_INDEX_NOT_CONCURRENT].disabled = true;
	cr_expect_str_eq(run("def upgrade():\n    op.create_index('a', 'orders', ['customer_id'])\n"
			     "def downgrade():\n    op.drop_index('a')\n", true), "");
}

Test(analyze, type_changes)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(length=120),\n"
			     "                    existing_type=sa.String(length=200))\n"
			     "def downgrade():\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(length=200))\n", true),
			 "column-type-change@2:5 narrowing-type-change@2:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.alter_column('orders', 'customer_id', type_=sa.BigInteger(),\n"
			     "                    existing_type=sa.Integer())\n"
			     "def downgrade():\n"
			     "    op.alter_column('orders', 'customer_id', type_=sa.Integer())\n", true),
			 "column-type-change@2:5");
}

Test(analyze, constraints_on_existing_tables)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_unique_constraint('uq', 'orders', ['note'])\n"
			     "    op.create_check_constraint('ck', 'orders', 'id > 0')\n"
			     "    op.create_check_constraint('ck2', 'orders', 'id > 0', postgresql_not_valid=True)\n"
			     "def downgrade():\n    op.drop_constraint('ck2', 'orders')\n"
			     "    op.drop_constraint('ck', 'orders')\n    op.drop_constraint('uq', 'orders')\n",
			     true),
			 "unique-constraint-on-existing-table@2:5 constraint-without-not-valid@3:5");
}

Test(analyze, reversibility)
{
	cr_expect_str_eq(run("def upgrade():\n    op.drop_column('t', 'x')\n", false),
			 "missing-downgrade@1:1 drop-column@2:5");
	cr_expect_str_eq(run("def upgrade():\n    op.add_column('orders', sa.Column('y', sa.Integer()))\n"
			     "def downgrade():\n    raise NotImplementedError()\n", true),
			 "empty-downgrade@3:1");
	cr_expect_str_eq(run("def upgrade():\n    op.add_column('orders', sa.Column('y', sa.Integer()))\n"
			     "    op.create_index('ix_y', 'orders', ['y'], postgresql_concurrently=True)\n"
			     "def downgrade():\n    op.drop_index('ix_y')\n", true),
			 "downgrade-not-inverse@2:5 concurrently-outside-autocommit-block@3:5");
}

Test(analyze, a_project_that_writes_no_downgrades)
{
	cfg.no_downgrades = true;
	cr_expect_str_eq(run("def upgrade():\n    op.drop_column('t', 'x')\n", false),
			 "downgrade-not-written@1:1 drop-column@2:5");
	cr_expect_eq(fs.v[0].severity, SEVERITY_INFO);
	cr_expect(strstr(fs.v[0].message, "the reversible item does not apply"));
	cr_expect_str_eq(run("def upgrade():\n    op.add_column('orders', sa.Column('y', sa.Integer()))\n"
			     "def downgrade():\n    raise NotImplementedError()\n", true),
			 "downgrade-not-written@3:1");
	/* a downgrade() that is written is still checked */
	cr_expect_str_eq(run("def upgrade():\n    op.add_column('orders', sa.Column('y', sa.Integer()))\n"
			     "    op.create_index('ix_y', 'orders', ['y'], postgresql_concurrently=True)\n"
			     "def downgrade():\n    op.drop_index('ix_y')\n", true),
			 "downgrade-not-inverse@2:5 concurrently-outside-autocommit-block@3:5");
}

Test(analyze, merge_points_may_be_empty)
{
	struct analysis_input in = { "def upgrade():\n    pass\ndef downgrade():\n    pass\n", 0,
				     "versions/merge.py", 0, true };

	in.len = strlen(in.src);
	cr_assert_eq(analyze_sources(&in, 1, &cfg, &fs, &err), 0);
	cr_expect_eq(fs.n, 0);
}

Test(analyze, enums_created_with_a_table_must_be_dropped)
{
	static const char *up = "def upgrade():\n"
		"    op.create_table('o', sa.Column('s', sa.Enum('a', 'b', name='st')))\n";

	char src[512];

	snprintf(src, sizeof(src), "%sdef downgrade():\n    op.drop_table('o')\n", up);
	cr_expect_str_eq(run(src, true), "enum-not-dropped-in-downgrade@2:41 enum-type-never-dropped@2:41");
	snprintf(src, sizeof(src), "%sdef downgrade():\n    op.drop_table('o')\n"
		 "    op.execute('DROP TYPE st')\n", up);
	cr_expect_str_eq(run(src, true), "");
	snprintf(src, sizeof(src), "%sdef downgrade():\n    op.drop_table('o')\n"
		 "    sa.Enum(name='st').drop(op.get_bind())\n", up);
	cr_expect_str_eq(run(src, true), "");
}

Test(analyze, data_ids_model_imports_and_unreadable_sql)
{
	cr_expect_str_eq(run("from app.models import Order\n"
			     "def upgrade():\n"
			     "    op.bulk_insert(t, [{'id': 42, 'name': 'x'}])\n"
			     "    op.bulk_insert(t, [{'name': 'y'}])\n"
			     "    op.execute(f'DELETE FROM {table}')\n"
			     "def downgrade():\n    op.execute('DELETE FROM t')\n", true),
			 "model-import@1:6 data-in-schema-migration@3:5 hardcoded-id@3:24 "
			 "data-in-schema-migration@4:5 non-literal-sql@5:16 unqualified-delete@7:17 "
			 "destructive-downgrade@7:17");
}

Test(analyze, enum_conversion_through_a_module_level_type)
{
	cr_expect_str_eq(run("import sqlalchemy as sa\n"
			     "kind = sa.Enum('a', 'b', name='kind')\n"
			     "def upgrade():\n"
			     "    kind.create(op.get_bind())\n"
			     "    op.alter_column('orders', 'note', type_=kind)\n"
			     "def downgrade():\n"
			     "    op.alter_column('orders', 'note', type_=sa.String())\n"
			     "    kind.drop(op.get_bind())\n", true),
			 "column-type-change@5:5 enum-column-type-change@5:5");
}

Test(analyze, imports_inside_functions_count_and_libraries_do_not)
{
	cr_expect_str_eq(run("from sqlalchemy.orm import Session\n"
			     "def upgrade():\n"
			     "    from myapp.db.models import Product\n"
			     "def downgrade():\n    pass\n", true),
			 "model-import@3:10 empty-downgrade@4:1");
}

Test(analyze, raw_sql_rows_ids_and_positions)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(\"UPDATE orders SET note = 'x' WHERE id = 42\")\n"
			     "    op.execute(sa.text('DELETE FROM orders'))\n"
			     "    op.execute('UPDATE orders SET note = NULL')\n"
			     "    op.execute('TRUNCATE orders')\n"
			     "    op.execute(\"DELETE FROM orders WHERE note IN (SELECT 'a')\")\n"
			     "def downgrade():\n"
			     "    op.execute('DELETE FROM orders WHERE customer_id IN (7, 8)')\n", true),
			 "hardcoded-id@2:57 unqualified-delete@3:25 unqualified-update@4:17 "
			 "unqualified-delete@5:17 destructive-downgrade@8:17 hardcoded-id@8:58 "
			 "hardcoded-id@8:61");
}

Test(analyze, raw_sql_indexes_enums_idempotence_and_locks)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('CREATE INDEX ix_a ON orders (note)')\n"
			     "    op.execute('CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_b ON orders (note)')\n"
			     "    with op.get_context().autocommit_block():\n"
			     "        op.execute('CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_c ON orders (note)')\n"
			     "        op.execute(\"ALTER TYPE st ADD VALUE IF NOT EXISTS 'x'\")\n"
			     "    op.execute(\"ALTER TYPE st ADD VALUE 'y'\")\n"
			     "    op.execute(\"ALTER TYPE st RENAME VALUE 'a' TO 'b'\")\n"
			     "    op.execute('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')\n"
			     "    op.execute('ALTER TABLE orders VALIDATE CONSTRAINT fk')\n"
			     "def downgrade():\n    op.execute('DROP INDEX IF EXISTS ix_c')\n", true),
			 "index-not-concurrent@2:17 non-idempotent-sql@2:17 "
			 "concurrently-outside-autocommit-block@3:17 "
			 "enum-add-value-in-transaction@7:17 non-idempotent-sql@7:17 "
			 "enum-value-removed-or-renamed@8:17 lock-heavy-raw-sql@9:17");
}

/* Raw SQL gets the finding (the same rule id) its op.* form gets. */
Test(analyze, raw_sql_drops_renames_and_rewrites_like_op_calls)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('DROP TABLE IF EXISTS orders')\n"
			     "def downgrade():\n    pass\n", true),
			 "drop-table@2:17 empty-downgrade@3:1");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('ALTER TABLE orders DROP COLUMN note, "
			     "RENAME COLUMN customer_id TO buyer_id')\n"
			     "    op.execute(sa.text('ALTER TABLE orders RENAME TO purchases'))\n"
			     "    op.execute('ALTER TABLE purchases ADD COLUMN n serial, "
			     "ADD COLUMN g int GENERATED ALWAYS AS (id * 2) STORED, ADD COLUMN z int DEFAULT 0')\n"
			     "def downgrade():\n    pass\n", true),
			 "drop-column@2:36 rename-column@2:54 rename-table@3:44 "
			 "volatile-server-default@4:39 volatile-server-default@4:60 empty-downgrade@5:1");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('REINDEX TABLE orders')\n"
			     "    op.execute('REINDEX INDEX CONCURRENTLY ix_orders_note')\n"
			     "    with op.get_context().autocommit_block():\n"
			     "        op.execute('REINDEX INDEX CONCURRENTLY ix_orders_note')\n"
			     "    op.execute('CREATE TRIGGER trg BEFORE UPDATE ON orders "
			     "FOR EACH ROW EXECUTE FUNCTION f()')\n"
			     "def downgrade():\n    op.execute('DROP TRIGGER trg ON orders')\n", true),
			 "lock-heavy-raw-sql@2:17 concurrently-outside-autocommit-block@3:17 "
			 "lock-heavy-raw-sql@6:17");
}

Test(analyze, raw_sql_drops_in_downgrade_like_op_calls)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('CREATE TABLE IF NOT EXISTS made (id int)')\n"
			     "    op.execute('ALTER TABLE orders ADD COLUMN IF NOT EXISTS x int')\n"
			     "def downgrade():\n"
			     "    op.execute('ALTER TABLE orders DROP COLUMN x, DROP COLUMN note')\n"
			     "    op.execute('DROP TABLE IF EXISTS made, orders')\n", true),
			 "destructive-downgrade@5:51 destructive-downgrade@6:17");
	cr_expect(strstr(fs.v[fs.n - 1].message, "drops table orders, which upgrade() did not"),
		  "%s", fs.v[fs.n - 1].message);
}

Test(analyze, raw_sql_drop_column_still_read_by_the_application)
{
	struct appcode app = { 0 };

	strvec_push(&app.paths, "app/models.py");
	strvec_push(&app.texts, "class Order(Base):\n    __tablename__ = 'orders'\n"
				"    note = Column(String)\n");
	cfg.app = &app;
	cr_expect_str_eq(run("def upgrade():\n    op.execute('ALTER TABLE orders DROP note')\n"
			     "def downgrade():\n    op.execute('ALTER TABLE orders ADD note text')\n",
			     true), "drop-column-still-read@2:5 drop-column@2:36");
	cfg.app = NULL;
	appcode_free(&app);
}

Test(analyze, tables_made_in_the_same_sql_are_not_existing_tables)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('''CREATE TEMP TABLE tmp AS SELECT id FROM orders;\n"
			     "UPDATE tmp SET id = id + 1;\n"
			     "CREATE INDEX ix_tmp ON tmp (id);\n"
			     "ALTER TABLE tmp DROP COLUMN id;\n"
			     "DROP TABLE tmp''')\n"
			     "    op.execute('CREATE TABLE IF NOT EXISTS made (id int)')\n"
			     "    op.execute('ALTER TABLE made ADD COLUMN n serial')\n"
			     "    op.execute('CREATE TRIGGER t BEFORE INSERT ON made "
			     "FOR EACH ROW EXECUTE FUNCTION f()')\n"
			     "    op.create_index('ix_made_n', 'made', ['n'])\n"
			     "    op.execute('DROP TABLE made')\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@12:1");
}

Test(analyze, missing_lock_timeout_once_per_migration_and_not_for_new_tables)
{
	cfg.by_rule[RULE_MISSING_LOCK_TIMEOUT].disabled = false;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))\n"
			     "    op.create_index('ix_t', 't', ['id'])\n"
			     "    op.add_column('orders', sa.Column('a', sa.Integer()))\n"
			     "    op.add_column('orders', sa.Column('b', sa.Integer()))\n"
			     "def downgrade():\n    op.drop_column('orders', 'b')\n"
			     "    op.drop_column('orders', 'a')\n    op.drop_table('t')\n", true),
			 "missing-lock-timeout@4:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(\"SET LOCAL lock_timeout = '3s'\")\n"
			     "    op.add_column('orders', sa.Column('a', sa.Integer()))\n"
			     "def downgrade():\n    op.drop_column('orders', 'a')\n", true), "");
}

Test(analyze, destructive_downgrades)
{
	cr_expect_str_eq(run("def upgrade():\n    op.alter_column('orders', 'note', type_=sa.Text(),\n"
			     "                    existing_type=sa.String(length=200))\n"
			     "def downgrade():\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(length=200),\n"
			     "                    existing_type=sa.Text())\n"
			     "    op.drop_column('orders', 'customer_id')\n"
			     "    op.drop_table('orders')\n", true),
			 "destructive-downgrade@5:5 destructive-downgrade@7:5 destructive-downgrade@8:5",
			 "VARCHAR(200) to TEXT does not rewrite on PostgreSQL");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))\n"
			     "    op.add_column('orders', sa.Column('x', sa.Integer()))\n"
			     "def downgrade():\n    op.drop_column('orders', 'x')\n    op.drop_table('t')\n",
			     true), "", "dropping what the upgrade created is the inverse, not a loss");
}

Test(analyze, enum_types_dropped_by_a_later_migration_are_not_leaked)
{
	static const char first[] = "def upgrade():\n"
		"    op.create_table('o', sa.Column('s', sa.Enum('a', name='st')))\n"
		"def downgrade():\n    op.drop_table('o')\n";
	static const char later[] = "def upgrade():\n    op.drop_table('o')\n"
		"    op.execute('DROP TYPE st')\ndef downgrade():\n    pass\n";
	struct analysis_input in[2] = {
		{ first, sizeof(first) - 1, "versions/a.py", 0, false },
		{ later, sizeof(later) - 1, "versions/b.py", 1, false },
	};

	cr_assert_eq(analyze_sources(in, 1, &cfg, &fs, &err), 0);
	cr_expect_eq(fs.n, 2, "not dropped by its downgrade, nor by anything later");
	cr_expect_eq(fs.v[1].rule, &rules[RULE_ENUM_TYPE_NEVER_DROPPED]);
	findings_free(&fs);
	cr_assert_eq(analyze_sources(in, 2, &cfg, &fs, &err), 0);
	cr_assert_gt(fs.n, 0);
	cr_expect_eq(fs.v[0].rule, &rules[RULE_ENUM_NOT_DROPPED_IN_DOWNGRADE]);
	for (size_t i = 0; i < fs.n; i++)
		cr_expect_neq(fs.v[i].rule, &rules[RULE_ENUM_TYPE_NEVER_DROPPED]);
}

Test(analyze, volatile_and_stable_server_defaults)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('u', sa.Uuid(), nullable=False,\n"
			     "                  server_default=sa.text('gen_random_uuid()')))\n"
			     "    op.add_column('orders', sa.Column('t', sa.DateTime(), nullable=False,\n"
			     "                  server_default=sa.func.now()))\n"
			     "def downgrade():\n    op.drop_column('orders', 't')\n"
			     "    op.drop_column('orders', 'u')\n", true),
			 "volatile-server-default@2:5");
}

/* A migration from a catalogue snippet: a whole module, or upgrade() statements. */
static char *
module_of(const char *snippet)
{
	char *out, *o;

	if (strstr(snippet, "def upgrade") || strstr(snippet, "def downgrade"))
		return strdup(snippet);
	out = o = malloc(strlen(snippet) * 2 + 64);
	o += sprintf(o, "def upgrade():\n");
	for (const char *p = snippet; *p;) {
		size_t n = strcspn(p, "\n");

		o += sprintf(o, "    %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	return out;
}

static bool
flags(const char *snippet, const char *rule)
{
	char *src = module_of(snippet);
	struct analysis_input in = { src, strlen(src), "versions/example.py", 0, false };
	bool found = false;

	findings_free(&fs);
	cr_assert_eq(analyze_sources(&in, 1, &cfg, &fs, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < fs.n; i++)
		found = found || !strcmp(fs.v[i].rule->id, rule);
	free(src);
	return found;
}

/*
 * explain's examples are claims: the flagged one is flagged and the safe one
 * is not.  A few safe examples are the first step of a change that takes two
 * releases (the drop itself still needs a decision), so they are exempt.
 */
Test(analyze, every_catalogue_example_does_what_explain_says)
{
	static const char *const multi_release[] = {
		"drop-column", "drop-table", "column-type-change", "rename-table",
		"rename-column", "enum-column-type-change",
	};

	cfg.by_rule[RULE_MISSING_LOCK_TIMEOUT].disabled = false;
	/* update-without-batching is about tables the project calls large */
	strvec_push(&cfg.large_tables, "page_views");
	for (size_t i = 0; i < RULE_COUNT; i++) {
		const struct rule *r = &rules[i];
		bool exempt = false;

		/* drop-column-still-read needs application code: its own test has some;
		 * the tested item's rules read recorded runs (test_report); the
		 * production sizes' rules need a stats file (test_forecast) */
		if (r->item == CHECK_GRAPH || r->item == CHECK_TESTED ||
		    !strcmp(r->id, "drop-column-still-read") || !strcmp(r->id, "lock-forecast") ||
		    !strcmp(r->id, "table-size") || !strncmp(r->id, "stats-", 6))
			continue;
		/* PostgreSQL, unless the rule is for other dialects only */
		cfg.dialect = r->dialects & DIALECT_POSTGRESQL ? DIALECT_POSTGRESQL :
			      r->dialects & DIALECT_SQLITE ? DIALECT_SQLITE : DIALECT_MYSQL;
		/* its example is of a project that writes no downgrades */
		cfg.no_downgrades = i == RULE_DOWNGRADE_NOT_WRITTEN;
		cr_expect(flags(r->bad, r->id), "%s: the flagged example is not flagged", r->id);
		for (size_t k = 0; k < sizeof(multi_release) / sizeof(*multi_release); k++)
			exempt = exempt || !strcmp(r->id, multi_release[k]);
		if (!exempt)
			cr_expect_not(flags(r->good, r->id), "%s: the safe example is flagged", r->id);
	}
}

Test(analyze, drop_column_still_read_by_the_application)
{
	struct appcode app = { 0 };
	static const char drop[] = "def upgrade():\n    op.drop_column('orders', 'note')\n"
				   "def downgrade():\n    op.add_column('orders', sa.Column('note'))\n";

	strvec_push(&app.paths, "app/models.py");
	strvec_push(&app.texts, "class Order(Base):\n    __tablename__ = 'orders'\n"
				"    note = Column(String)\n");
	strvec_push(&app.paths, "app/other.py");
	strvec_push(&app.texts, "notes = 1  # names neither orders' column nor the table\n");
	cfg.app = &app;
	cr_expect_str_eq(run(drop, true), "drop-column@2:5 drop-column-still-read@2:5");
	cr_expect(strstr(fs.v[fs.n - 1].message, "app/models.py:3 still names it"),
		  "%s", fs.v[fs.n - 1].message);
	free(app.texts.v[0]);
	app.texts.v[0] = strdup("class Order(Base):\n    __tablename__ = 'orders'\n");
	cr_expect_str_eq(run(drop, true), "drop-column@2:5", "the model no longer has the column");
	cfg.app = NULL;
	appcode_free(&app);
}

/* The ways code uses orders.note, and the bare words that are not uses. */
Test(analyze, drop_column_still_read_matches_the_tables_column_only)
{
	static const char drop[] = "def upgrade():\n    op.drop_column('orders', 'note')\n"
				   "def downgrade():\n    op.add_column('orders', sa.Column('note'))\n";
	static const struct { const char *text; bool uses; const char *why; } cases[] = {
		{ "class Order(Base):\n    __tablename__ = \"orders\"\n    id = Column(Integer)\n\n"
		  "class Memo(Base):\n    __tablename__ = \"memos\"\n    note = Column(String)\n",
		  false, "another model's column of the same name" },
		{ "class Order(Base):\n    __tablename__ = 'orders'\n"
		  "    remark = Column('note', String)\n", true, "a column named apart from its attribute" },
		{ "class Order(Base):\n    __tablename__ = 'orders'\n"
		  "    note = Column('remark', String)\n", false, "an attribute named note maps remark" },
		{ "class Order(Base):\n    __tablename__ = 'orders'\n"
		  "    note: Mapped[str] = mapped_column(String)\n", true, "a typed mapping" },
		{ "class Order(Base):\n    __tablename__ = 'orders'\n"
		  "    note: Mapped[Note] = relationship(back_populates='order')\n", false,
		  "a relationship is not a column" },
		{ "class Order(Base):\n    __tablename__ = 'orders'\n"
		  "    note = relationship(Note)\n\n"
		  "def notes():\n    return select(Order.note)\n", false,
		  "Model.attribute names a relationship that took the column's name" },
		{ "class Order(Base, TimestampMixin):\n    __tablename__ = 'orders'\n\n"
		  "def notes():\n    return select(Order.note)\n", true,
		  "Model.column of a column the class inherits" },
		{ "class Order(db.Model):\n    note = db.Column(db.String)\n", false,
		  "Flask-SQLAlchemy would call this table order" },
		{ "class Orders(db.Model):\n    note = db.Column(db.String)\n", true,
		  "Flask-SQLAlchemy names this table orders" },
		{ "class Order(Base):\n    __tablename__ = 'orders'\n\n"
		  "def notes():\n    return select(Order.note)\n", true, "Model.column in a query" },
		{ "orders = sa.Table(\n    'orders', meta,\n    sa.Column('note', sa.String()),\n)\n",
		  true, "a Core table" },
		{ "SQL = \"\"\"\nSELECT id, note\n  FROM orders\n\"\"\"\n", true, "raw SQL" },
		{ "def f():\n    \"\"\"Update the note of all the orders, select what to keep.\"\"\"\n",
		  false, "prose that happens to hold the words" },
		{ "ROUTE = '/orders/<note>'\nNOTE = 'note'\n", false, "a URL template and a bare string" },
	};
	struct appcode app = { 0 };

	strvec_push(&app.paths, "app/x.py");
	strvec_push(&app.texts, "");
	cfg.app = &app;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		free(app.texts.v[0]);
		app.texts.v[0] = strdup(cases[i].text);
		cr_expect_str_eq(run(drop, true), cases[i].uses ?
				 "drop-column@2:5 drop-column-still-read@2:5" : "drop-column@2:5",
				 "%s", cases[i].why);
	}
	cfg.app = NULL;
	appcode_free(&app);
}

/* A migration that has shipped, or whose column comes back, is not about today's code. */
Test(analyze, drop_column_still_read_only_for_what_has_not_shipped)
{
	struct appcode app = { 0 };
	bool unshipped[2] = { false, false };
	static const char drop_readd[] = "def upgrade():\n    op.drop_column('orders', 'note')\n"
		"    op.add_column('orders', sa.Column('note', sa.Text()))\n"
		"def downgrade():\n    pass\n";
	static const char drop[] = "def upgrade():\n    op.drop_column('orders', 'note')\n"
				   "def downgrade():\n    op.add_column('orders', sa.Column('note'))\n";

	strvec_push(&app.paths, "app/models.py");
	strvec_push(&app.texts, "class Order(Base):\n    __tablename__ = 'orders'\n"
				"    note = Column(Text)\n");
	cfg.app = &app;
	cfg.unshipped = unshipped;
	cr_expect_str_eq(run(drop, true), "drop-column@2:5", "shipped: the code is a later one");
	unshipped[1] = true;
	cr_expect_str_eq(run(drop, true), "drop-column@2:5 drop-column-still-read@2:5");
	cr_expect_not(strstr(run(drop_readd, true), "still-read"), "the model maps the new column");
	cfg.unshipped = NULL;
	cfg.app = NULL;
	appcode_free(&app);
}

/*
 * The application is found from the project's top (setup.cfg here), beside
 * the ini's directory; tests, documentation, templates and other Alembic
 * directories are not the application.
 */
Test(analyze, application_code_is_read_without_tests_docs_or_migrations)
{
	struct project p;
	struct appcode app;

	cr_assert_eq(project_open(&p, FIXTURES "/appcode/conf/alembic.ini", NULL, &err), 0, "%s", err.msg);
	cr_assert_eq(appcode_load(&app, &p, &err), 0);
	cr_expect_eq(app.paths.n, 2);
	cr_expect(strvec_contains(&app.paths, "shop/db/models.py"));
	cr_expect(strvec_contains(&app.paths, "shop/views.py"));
	appcode_free(&app);
	project_free(&p);
}

/* The safe side of the rules whose catalogue example is a two-release plan. */
Test(analyze, changes_to_a_table_created_in_the_same_migration_are_free)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('n', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "                    sa.Column('x', sa.String(length=20)))\n"
			     "    op.alter_column('n', 'x', type_=sa.Text(), new_column_name='y')\n"
			     "    op.drop_column('n', 'y')\n"
			     "    op.rename_table('n', 'm')\n"
			     "    op.drop_table('m')\n"
			     "def downgrade():\n    pass\n", true),
			 "empty-downgrade@8:1");
}

Test(analyze, batch_aliases_are_checked_like_direct_calls)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    with op.batch_alter_table('orders') as b:\n"
			     "        b.add_column(sa.Column('z', sa.Integer(), nullable=False))\n"
			     "        b.alter_column('note', new_column_name='remark')\n"
			     "        b.create_index('ix_z', ['z'])\n"
			     "def downgrade():\n"
			     "    with op.batch_alter_table('orders') as b:\n"
			     "        b.drop_index('ix_z')\n"
			     "        b.alter_column('remark', new_column_name='note')\n"
			     "        b.drop_column('z')\n", true),
			 "add-not-null-without-default@3:9 rename-column@4:9 index-not-concurrent@5:9");
}

Test(analyze, drop_not_null_on_a_column_running_code_reads)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('t', sa.Column('id', sa.Integer(), nullable=False))\n"
			     "    op.alter_column('t', 'id', nullable=True)\n"
			     "    op.alter_column('orders', 'customer_id', nullable=False)\n"
			     "    op.alter_column('orders', 'customer_id', nullable=True)\n"
			     "    op.alter_column('orders', 'note', nullable=True)\n"
			     "    op.alter_column('orders', 'zip', nullable=True)\n"
			     "    op.alter_column('orders', 'city', nullable=True, existing_nullable=True)\n"
			     "    op.execute('ALTER TABLE orders ALTER COLUMN zip DROP NOT NULL')\n"
			     "def downgrade():\n    op.drop_table('t')\n", true),
			 "set-not-null-without-backfill@4:5 set-not-null-scan@4:5 drop-not-null@5:5 "
			 "drop-not-null@7:5 drop-not-null@9:36",
			 "a new table's column, a column created nullable and existing_nullable=True "
			 "change nothing for running code");
	cr_expect(strstr(fs.v[2].message, "orders.customer_id may hold NULL"), "%s", fs.v[2].message);
}

Test(analyze, identifiers_longer_than_postgresql_keeps)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('t', sa.Column('c_012345678901234567890123456789012345678901234567890123456789" "\xc3\xa9" "', sa.Integer()),\n"
			     "        sa.UniqueConstraint('c', name='uq_0123456789012345678901234567890123456789012345678901234567890'))\n"
			     "    op.create_index(op.f('ix_orders_0123456789012345678901234567890123456789012345678901234'), 'orders', ['note'],\n"
			     "                    postgresql_concurrently=True)\n"
			     "    op.alter_column('orders', 'note', new_column_name='n_0123456789012345678901234567890123456789012345678901234567890')\n"
			     "    op.add_column('orders', sa.Column('n_0123456789012345678901234567890123456789012345678901234567890', sa.Integer()))\n"
			     "def downgrade():\n    pass\n", true),
			 "identifier-too-long@2:36 identifier-too-long@3:39 "
			 "concurrently-outside-autocommit-block@4:5 identifier-too-long@4:21 "
			 "rename-column@6:5 empty-downgrade@8:1",
			 "64 bytes (one of them a two-byte character) is too long; 63 is not");
	cr_assert_gt(fs.n, 0);
	cr_expect(strstr(fs.v[0].message, "is 64 bytes long: PostgreSQL keeps only its first 63, "
			 "\"c_012345678901234567890123456789012345678901234567890123456789\""),
		  "the kept part ends before a cut character: %s", fs.v[0].message);
	cfg.dialect = DIALECT_MYSQL;
	cr_expect_not(strstr(run("def upgrade():\n"
				 "    op.add_column('orders', sa.Column('n_01234567890123456789012345678901234567890123456789012345678901234', sa.Integer()))\n"
				 "def downgrade():\n    pass\n", true), "identifier-too-long"),
		      "PostgreSQL only");
}

Test(analyze, whole_table_updates_of_large_tables)
{
	static const char *const src = "import sqlalchemy as sa\n"
		"orders_t = sa.table('orders', sa.column('note'))\n"
		"def upgrade():\n"
		"    op.execute('UPDATE orders SET note = 1')\n"
		"    op.execute('UPDATE orders SET note = 1 WHERE id < 1000')\n"
		"    op.execute(orders_t.update().values(note='x'))\n"
		"    op.execute(sa.update(orders_t).values(note='x'))\n"
		"    op.execute(orders_t.update().where(orders_t.c.note.is_(None)).values(note='x'))\n"
		"    op.get_bind().execute(sa.update(orders_t).values(note='y'))\n"
		"def downgrade():\n    pass\n";

	cr_expect_str_eq(run(src, true), "unqualified-update@4:17",
			 "orders is not a large table (and a data migration needs no downgrade)");
	strvec_push(&cfg.large_tables, "orders");
	cr_expect_str_eq(run(src, true),
			 "update-without-batching@4:17 unqualified-update@4:17 "
			 "update-without-batching@6:16 update-without-batching@7:16 "
			 "update-without-batching@9:27");
	cr_expect_eq(fs.v[0].severity, SEVERITY_ERROR, "a large table's finding is an error");
}

/*
 * unqualified-delete is for rows that are simply lost: a DELETE with a WHERE
 * in any of its forms is guarded, and rows copied elsewhere first, or
 * written again after, have moved.
 */
Test(analyze, guarded_and_copy_then_delete_are_not_unqualified)
{
	cr_expect_str_eq(run("import sqlalchemy as sa\n"
			     "t = sa.table('orders', sa.column('id'))\n"
			     "def upgrade():\n"
			     "    op.execute('DELETE FROM orders '\n"
			     "               'WHERE note IN (SELECT note FROM orders GROUP BY note)')\n"
			     "    op.execute('WITH d AS (SELECT id FROM orders) DELETE FROM orders WHERE id IN (SELECT id FROM d)')\n"
			     "    op.execute('DELETE FROM orders USING notes WHERE orders.note = notes.id')\n"
			     "    op.execute('DELETE o FROM orders o JOIN notes n ON o.note = n.id WHERE n.x > 1')\n"
			     "    op.get_bind().execute(sa.text('DELETE FROM orders WHERE id = :id').bindparams(id=x))\n"
			     "    op.execute('INSERT INTO archive SELECT * FROM orders; DELETE FROM orders')\n"
			     "    op.execute('CREATE TABLE old_notes AS TABLE notes')\n"
			     "    op.execute('TRUNCATE notes')\n"
			     "    op.execute('DELETE FROM items')\n"
			     "    op.execute('INSERT INTO items (id) SELECT id FROM orders')\n"
			     "    op.execute('DELETE FROM tags')\n"
			     "    op.bulk_insert(sa.table('tags', sa.column('id')), rows)\n"
			     "    op.execute('DELETE FROM carts')\n"
			     "    op.execute('INSERT INTO old_carts SELECT * FROM carts')\n"
			     "    op.execute('DELETE FROM coupons')\n"
			     "def downgrade():\n    pass\n", true),
			 "non-idempotent-sql@11:17 data-in-schema-migration@16:5 unqualified-delete@17:17 "
			 "unqualified-delete@19:17 empty-downgrade@20:1",
			 "a copy made after the DELETE (carts) or none at all (coupons) is a loss");
}

Test(analyze, keys_declared_in_add_column_are_keys_on_an_existing_table)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('shop_id', sa.Integer(),\n"
			     "                  sa.ForeignKey('shops.id'), index=True))\n"
			     "    op.add_column('orders', sa.Column('code', sa.String(), unique=True))\n"
			     "def downgrade():\n    op.drop_column('orders', 'code')\n"
			     "    op.drop_column('orders', 'shop_id')\n", true),
			 "index-not-concurrent@2:5 constraint-without-not-valid@3:19 "
			 "unique-constraint-on-existing-table@4:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('shop_id', sa.Integer(),\n"
			     "                  sa.ForeignKey('shops.id')))\n"
			     "def downgrade():\n    op.drop_column('orders', 'shop_id')\n", true),
			 "constraint-without-not-valid@3:19 foreign-key-without-index@3:19");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('items', sa.Column('id', sa.Integer(), primary_key=True))\n"
			     "    op.add_column('items', sa.Column('shop_id', sa.Integer(),\n"
			     "                  sa.ForeignKey('shops.id'), index=True, unique=True))\n"
			     "def downgrade():\n    op.drop_table('items')\n", true), "",
			 "keys of a table created in the same migration are free");
}

Test(analyze, keys_in_add_column_on_an_unknown_table_are_not_on_an_existing_one)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    for t in tables():\n"
			     "        op.add_column(t, sa.Column('shop_id', sa.Integer(),\n"
			     "                      sa.ForeignKey('shops.id'), index=True))\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@5:1");
}

Test(analyze, type_changes_postgresql_makes_without_a_rewrite)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.alter_column('orders', 'note', type_=sa.Text(),\n"
			     "                    existing_type=sa.String(length=200))\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(),\n"
			     "                    existing_type=sa.Text)\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(300),\n"
			     "                    existing_type=sa.String(length=200))\n"
			     "    op.alter_column('orders', 'total', type_=sa.Numeric(12, 2),\n"
			     "                    existing_type=sa.Numeric(10, 2))\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@10:1");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(length=100),\n"
			     "                    existing_type=sa.Text())\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(length=N),\n"
			     "                    existing_type=sa.String(length=200))\n"
			     "    op.alter_column('orders', 'total', type_=sa.Numeric(12, 4),\n"
			     "                    existing_type=sa.Numeric(10, 2))\n"
			     "    op.alter_column('orders', 'note', type_=sa.Text())\n"
			     "def downgrade():\n    pass\n", true),
			 "column-type-change@2:5 narrowing-type-change@2:5 column-type-change@4:5 "
			 "column-type-change@6:5 column-type-change@8:5 empty-downgrade@9:1");
	cfg.dialect = DIALECT_MYSQL;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.alter_column('orders', 'note', type_=sa.String(300),\n"
			     "                    existing_type=sa.String(length=200))\n"
			     "def downgrade():\n    pass\n", true),
			 "column-type-change@2:5 empty-downgrade@4:1", "MySQL may copy the table");
}

Test(analyze, keys_dropped_with_their_column_are_undone)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('shop_id', sa.Integer()))\n"
			     "    op.create_foreign_key('fk_shop', 'orders', 'shops', ['shop_id'], ['id'],\n"
			     "                          postgresql_not_valid=True)\n"
			     "    op.create_index('ix_shop', 'orders', ['shop_id'])\n"
			     "def downgrade():\n    op.drop_column('orders', 'shop_id')\n", true),
			 "index-not-concurrent@5:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_foreign_key('fk_c', 'orders', 'customers', ['customer_id'], ['id'],\n"
			     "                          postgresql_not_valid=True)\n"
			     "    op.create_index('ix_c', 'orders', ['customer_id'])\n"
			     "def downgrade():\n    op.drop_column('orders', 'note')\n", true),
			 "downgrade-not-inverse@2:5 index-not-concurrent@4:5 downgrade-not-inverse@4:5 "
			 "destructive-downgrade@6:5", "dropping another column leaves the keys");
}

#define NOT_NULL "    op.alter_column('orders', 'note', nullable=False)\n" \
	"def downgrade():\n    op.alter_column('orders', 'note', nullable=True)\n"

Test(analyze, backfills_through_sqlalchemy_core_count)
{
	cr_expect_str_eq(run("orders = sa.table('orders', sa.column('note'))\n"
			     "def upgrade():\n"
			     "    op.execute(orders.update().where(orders.c.note == None).values(note=''))\n"
			     NOT_NULL, true), "set-not-null-scan@4:5");
	cr_expect_str_eq(run("t = sa.sql.table('orders', sa.column('note'))\n"
			     "def upgrade():\n    bind = op.get_bind()\n"
			     "    bind.execute(sa.update(t).values(note=''))\n" NOT_NULL, true),
			 "set-not-null-scan@5:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    conn = op.get_bind()\n"
			     "    notes = sa.table('orders', sa.column('note'))\n"
			     "    conn.execute(notes.update().values(note=''))\n" NOT_NULL, true),
			 "set-not-null-scan@5:5", "a local table: not knowable, but an update");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(sa.update(sa.table('orders')).values(note=''))\n" NOT_NULL,
			     true), "set-not-null-scan@3:5");
	cr_expect_str_eq(run("t = sa.table('shops', sa.column('note'))\n"
			     "def upgrade():\n"
			     "    op.execute(t.update().values(note=''))\n"
			     "    op.execute(t.insert().values(note=''))\n" NOT_NULL, true),
			 "set-not-null-without-backfill@5:5 set-not-null-scan@5:5",
			 "another table's update is no backfill of this one");
}

/* The findings of the third of three migrations. */
static const char *
run3(const char *second, const char *third)
{
	static char buf[1024];
	struct analysis_input in[3] = {
		{ BASE, strlen(BASE), "versions/base.py", 0, false },
		{ second, strlen(second), "versions/second.py", 1, false },
		{ third, strlen(third), "versions/third.py", 2, false },
	};

	findings_free(&fs);
	cr_assert_eq(analyze_sources(in, 3, &cfg, &fs, &err), 0, "%s", err.msg);
	cr_assert_eq(findings_sort(&fs), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < fs.n; i++) {
		size_t len = strlen(buf);

		if (fs.v[i].revision == 2)
			snprintf(buf + len, sizeof(buf) - len, "%s%s@%u:%u", len ? " " : "",
				 fs.v[i].rule->id, fs.v[i].line, fs.v[i].col);
	}
	if (getenv("SHOW_RUN"))
		fprintf(stderr, "run3: %s\n", buf);
	return buf;
}

Test(analyze, a_backfill_migration_of_its_own_counts_for_the_column_it_names)
{
	cr_expect_str_eq(run3("orders = sa.table('orders', sa.column('note'))\n"
			      "def upgrade():\n"
			      "    op.execute(orders.update().where(orders.c.note == None).values(note=''))\n"
			      "def downgrade():\n    pass\n",
			      "def upgrade():\n" NOT_NULL), "set-not-null-scan@2:5");
	cr_expect_str_eq(run3("def upgrade():\n"
			      "    op.execute(\"UPDATE orders SET note = '' WHERE note IS NULL\")\n"
			      "def downgrade():\n    pass\n",
			      "def upgrade():\n" NOT_NULL), "set-not-null-scan@2:5");
	cr_expect_str_eq(run3("orders = sa.table('orders', sa.column('customer_id'))\n"
			      "def upgrade():\n"
			      "    op.execute(orders.update().values(customer_id=1))\n"
			      "def downgrade():\n    pass\n",
			      "def upgrade():\n" NOT_NULL),
			 "set-not-null-without-backfill@2:5 set-not-null-scan@2:5",
			 "an earlier update of another column");
	cr_expect_str_eq(run3("def upgrade():\n"
			      "    op.execute(\"UPDATE orders SET note = '' WHERE note IS NULL\")\n"
			      "def downgrade():\n    pass\n",
			      "def upgrade():\n"
			      "    op.drop_column('orders', 'note')\n"
			      "    op.add_column('orders', sa.Column('note', sa.Text()))\n"
			      "    op.alter_column('orders', 'note', nullable=False)\n"
			      "def downgrade():\n    pass\n"),
			 "drop-column@2:5 set-not-null-without-backfill@4:5 set-not-null-scan@4:5 "
			 "empty-downgrade@5:1",
			 "an update of the column dropped before this one was added");
	cr_expect_str_eq(run3("def upgrade():\n"
			      "    op.execute(\"UPDATE orders SET note = '' WHERE note IS NULL\")\n"
			      "    op.execute(\"DELETE FROM orders WHERE note IS NULL\")\n"
			      "def downgrade():\n    pass\n",
			      "def upgrade():\n"
			      "    op.alter_column('orders', 'note', nullable=False)\n"
			      "    op.alter_column('orders', 'customer_id', nullable=False)\n"
			      "def downgrade():\n    pass\n"),
			 "set-not-null-scan@2:5 set-not-null-without-backfill@3:5 set-not-null-scan@3:5 "
			 "empty-downgrade@4:1",
			 "each column finds its own backfill among the table's");
}

/* The findings of revision k of a chain that starts with BASE, as run() gives them. */
static const char *
run_chain(const char *const *srcs, size_t n, size_t k)
{
	static char buf[1024];
	struct analysis_input in[8] = { { BASE, strlen(BASE), "versions/0.py", 0, false } };

	cr_assert_lt(n, MR_ARRAY_SIZE(in));
	for (size_t i = 0; i < n; i++)
		in[i + 1] = (struct analysis_input){ srcs[i], strlen(srcs[i]), "versions/n.py", i + 1,
						     false };
	findings_free(&fs);
	cr_assert_eq(analyze_sources(in, n + 1, &cfg, &fs, &err), 0, "%s", err.msg);
	cr_assert_eq(findings_sort(&fs), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < fs.n; i++) {
		size_t len = strlen(buf);

		if (fs.v[i].revision == k)
			snprintf(buf + len, sizeof(buf) - len, "%s%s@%u:%u", len ? " " : "",
				 fs.v[i].rule->id, fs.v[i].line, fs.v[i].col);
	}
	return buf;
}

Test(analyze, a_column_added_again_needs_a_backfill_of_its_own)
{
	static const char *const chain[] = {
		"def upgrade():\n    op.execute(\"UPDATE orders SET note = ''\")\n"
		"def downgrade():\n    pass\n",
		"def upgrade():\n" NOT_NULL,
		"def upgrade():\n    op.drop_column('orders', 'note')\n"
		"    op.add_column('orders', sa.Column('note', sa.Text()))\n"
		"def downgrade():\n    pass\n",
		"def upgrade():\n" NOT_NULL,
		"def upgrade():\n    op.alter_column('orders', 'note', nullable=True)\n"
		"    op.execute(\"UPDATE orders SET note = '' WHERE note IS NULL\")\n"
		"def downgrade():\n    pass\n",
		"def upgrade():\n" NOT_NULL,
	};

	cr_expect_str_eq(run_chain(chain, 6, 2), "set-not-null-scan@2:5");
	cr_expect_str_eq(run_chain(chain, 6, 4), "set-not-null-without-backfill@2:5 "
			 "set-not-null-scan@2:5", "the update was of the column dropped since");
	cr_expect_str_eq(run_chain(chain, 6, 6), "set-not-null-scan@2:5",
			 "the new column's own backfill, read after an earlier question");
}

Test(analyze, only_a_later_migration_drops_an_enum_type_for_good)
{
	static const char makes[] = "def upgrade():\n"
		"    op.create_table('o', sa.Column('s', sa.Enum('a', name='st')))\n"
		"def downgrade():\n    op.drop_table('o')\n";
	static const char drops_sql[] = "def upgrade():\n    op.execute('DROP TYPE st')\n"
		"def downgrade():\n    pass\n";
	static const char drops_call[] = "def upgrade():\n"
		"    sa.Enum(name='st').drop(op.get_bind())\ndef downgrade():\n    pass\n";

	cr_expect_str_eq(run3(drops_sql, makes), "enum-not-dropped-in-downgrade@2:41 "
			 "enum-type-never-dropped@2:41",
			 "a DROP TYPE before the type is made does not drop it");
	cr_expect_str_eq(run3(drops_call, makes), "enum-not-dropped-in-downgrade@2:41 "
			 "enum-type-never-dropped@2:41");
	run3(makes, drops_call);
	for (size_t i = 0; i < fs.n; i++)
		cr_expect_neq(fs.v[i].rule, &rules[RULE_ENUM_TYPE_NEVER_DROPPED],
			      "the type is dropped by a later migration's .drop(bind)");
	cr_expect(fs.n > 0 && fs.v[0].rule == &rules[RULE_ENUM_NOT_DROPPED_IN_DOWNGRADE]);
}

/* A column added back after the drop, in the same migration or a later one, is not today's. */
Test(analyze, drop_column_still_read_unless_added_back_later)
{
	struct appcode app = { 0 };
	static const char drop[] = "def upgrade():\n    op.drop_column('orders', 'note')\n"
				   "def downgrade():\n    pass\n";
	static const char add_drop[] = "def upgrade():\n"
		"    op.add_column('orders', sa.Column('note', sa.Text()))\n"
		"    op.drop_column('orders', 'note')\ndef downgrade():\n    pass\n";
	static const char readd[] = "def upgrade():\n"
		"    op.create_table('orders', sa.Column('note', sa.Text()))\n"
		"def downgrade():\n    pass\n";

	strvec_push(&app.paths, "app/models.py");
	strvec_push(&app.texts, "class Order(Base):\n    __tablename__ = 'orders'\n"
				"    note = Column(Text)\n");
	cfg.app = &app;
	cr_expect_str_eq(run3(readd, drop), "drop-column@2:5 drop-column-still-read@2:5 "
			 "empty-downgrade@3:1", "made again before the drop: no excuse");
	cr_expect_str_eq(run3(drop, readd), "empty-downgrade@3:1");
	cr_expect_str_eq(run3(drop, add_drop), "drop-column@3:5 drop-column-still-read@3:5 "
			 "empty-downgrade@4:1", "added before its own drop");
	cfg.app = NULL;
	appcode_free(&app);
}

Test(analyze, a_lock_timeout_set_by_env_py_holds_for_every_migration)
{
	cfg.by_rule[RULE_MISSING_LOCK_TIMEOUT].disabled = false;
	cfg.lock_timeout_everywhere = true;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('a', sa.Integer()))\n"
			     "def downgrade():\n    op.drop_column('orders', 'a')\n", true), "");
	cfg.lock_timeout_everywhere = false;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('a', sa.Integer()))\n"
			     "def downgrade():\n    op.drop_column('orders', 'a')\n", true),
			 "missing-lock-timeout@2:5");
}

Test(analyze, a_schema_is_part_of_a_table_s_identity)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('orders', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "                    sa.Column('note', sa.Text()), schema='archive')\n"
			     "    op.create_index('ix_note', 'orders', ['note'], schema='archive')\n"
			     "    with op.batch_alter_table('orders', schema='archive') as b:\n"
			     "        b.alter_column('note', nullable=False)\n"
			     "def downgrade():\n    op.drop_table('orders', schema='archive')\n", true), "",
			 "archive.orders is new, whatever the default schema's orders is");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_foreign_key('fk_n', 'orders', 'notes', ['note'], ['id'],\n"
			     "                          source_schema='archive', postgresql_not_valid=True)\n"
			     "    op.alter_column('orders', 'note', nullable=False, schema='archive')\n"
			     "def downgrade():\n    op.drop_constraint('fk_n', 'orders', schema='archive')\n",
			     true),
			 "foreign-key-without-index@2:5 set-not-null-without-backfill@4:5 "
			 "set-not-null-scan@4:5", "ix_orders_note is on the default schema's orders");
	cr_expect(strstr(fs.v[0].message, "archive.orders(note) -> notes"), "%s", fs.v[0].message);
	cr_expect(strstr(fs.v[1].message, "archive.orders.note"), "%s", fs.v[1].message);
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.rename_table('orders', 'old_orders', schema='archive')\n"
			     "    op.create_index('ix_c', 'orders', ['customer_id'])\n"
			     "def downgrade():\n    op.drop_index('ix_c')\n"
			     "    op.rename_table('old_orders', 'orders', schema='archive')\n", true),
			 "rename-table@2:5 index-not-concurrent@3:5",
			 "renaming archive.orders leaves the default schema's orders");
}

Test(analyze, raw_sql_names_the_schema_of_its_table_too)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('orders', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "                    schema='archive')\n"
			     "    op.execute('CREATE INDEX IF NOT EXISTS ix_a ON \"archive\".\"orders\" (id)')\n"
			     "    op.execute('CREATE INDEX IF NOT EXISTS ix_b ON archive.orders (id)')\n"
			     "    op.execute('CREATE INDEX IF NOT EXISTS ix_c ON public.orders (id)')\n"
			     "def downgrade():\n    op.drop_table('orders', schema='archive')\n", true),
			 "index-not-concurrent@6:17", "public.orders is the default schema's orders");
	strvec_push(&cfg.large_tables, "orders");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_index('ix_c', 'orders', ['id'], schema='archive')\n"
			     "def downgrade():\n    op.drop_index('ix_c', schema='archive')\n", true),
			 "index-not-concurrent@2:5");
	cr_expect_eq(fs.v[0].severity, SEVERITY_ERROR, "large_tables names orders in every schema");
}

Test(analyze, constraint_names_follow_the_project_s_naming_convention)
{
	const char *mig = "def upgrade():\n"
			  "    op.create_check_constraint('valid_x', 'orders', 'id > 0',\n"
			  "                               postgresql_not_valid=True)\n"
			  "    op.create_unique_constraint(None, 'orders', ['note'])\n"
			  "    op.create_check_constraint(op.f('ck_orders_final'), 'orders', 'id > 1',\n"
			  "                               postgresql_not_valid=True)\n"
			  "def downgrade():\n"
			  "    op.drop_constraint('ck_orders_final', 'orders')\n"
			  "    op.drop_constraint('uq_orders_note', 'orders')\n"
			  "    op.drop_constraint('ck_orders_valid_x', 'orders')\n";

	cr_expect_str_eq(run(mig, true), "downgrade-not-inverse@2:5 "
			 "unique-constraint-on-existing-table@4:5", "no convention: valid_x stays valid_x");
	cr_assert_eq(naming_parse_setting("ck: ck_%(table_name)s_%(constraint_name)s, "
					  "uq: uq_%(table_name)s_%(column_0_name)s", &cfg.naming), 0);
	cr_expect_str_eq(run(mig, true), "unique-constraint-on-existing-table@4:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_check_constraint('valid_x', 'orders', 'id > 0',\n"
			     "                               postgresql_not_valid=True)\n"
			     "def downgrade():\n"
			     "    op.drop_constraint('valid_x', 'orders', type_='check')\n", true), "",
			 "drop_constraint with type_ is named by the convention too");
}

Test(analyze, names_only_the_code_could_tell_are_unknown_under_a_naming_convention)
{
	cr_assert_eq(naming_parse_setting("fk: fk_%(table_name)s_%(column_0_name)s", &cfg.naming), 0);
	cr_expect_str_eq(run("FK = 'fk_custom'\n"
			     "def upgrade():\n"
			     "    op.create_foreign_key(op.f(FK), 'orders', 'customers', ['customer_id'],\n"
			     "                          ['id'], postgresql_not_valid=True)\n"
			     "    op.create_index('ix_c', 'orders', ['customer_id'])\n"
			     "    op.execute('ALTER TABLE orders ADD CONSTRAINT ix_c UNIQUE USING INDEX ix_c')\n"
			     "def downgrade():\n    op.drop_constraint(op.f(FK), 'orders')\n"
			     "    op.drop_constraint('ix_c', 'orders')\n", true),
			 "index-not-concurrent@5:5",
			 "op.f(FK) is not fk_orders_customer_id; an index made a constraint is dropped as one");
}

/* The message of the last migration's first finding of rule, or "". */
static const char *
message_of(enum rule_id rule)
{
	for (size_t i = 0; i < fs.n; i++)
		if (fs.v[i].revision == 1 && fs.v[i].rule == &rules[rule])
			return fs.v[i].message;
	return "";
}

Test(analyze, helpers_are_checked_at_their_own_lines)
{
	cr_expect_str_eq(run("def _drop_column(table, col):\n"
			     "    op.drop_column(table, col)\n"
			     "def _index(table):\n"
			     "    op.create_index('ix_' + table + '_id', table, ['customer_id'])\n"
			     "def upgrade():\n"
			     "    op.create_table('fresh', sa.Column('customer_id', sa.Integer()))\n"
			     "    _drop_column('orders', 'note')\n"
			     "    _index('fresh')\n"
			     "    _index('orders')\n"
			     "def downgrade():\n    pass\n", true),
			 "drop-column@2:5 index-not-concurrent@4:5 empty-downgrade@10:1");
	cr_expect(strstr(message_of(RULE_DROP_COLUMN), "orders.note"), "%s",
		  message_of(RULE_DROP_COLUMN));
	cr_expect(strstr(message_of(RULE_INDEX_NOT_CONCURRENT), "index ix_orders_id on existing "
			 "table orders"), "%s", message_of(RULE_INDEX_NOT_CONCURRENT));
}

Test(analyze, autocommit_blocks_from_a_context_in_a_name_or_in_parentheses)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    ctx = op.get_context()\n"
			     "    with ctx.autocommit_block():\n"
			     "        op.create_index('a', 'orders', ['note'], postgresql_concurrently=True)\n"
			     "    with (op.get_context().autocommit_block()):\n"
			     "        op.create_index('b', 'orders', ['note'], postgresql_concurrently=True)\n"
			     "    with (op.batch_alter_table('orders') as b):\n"
			     "        b.drop_column('note')\n"
			     "    op.create_index('c', 'orders', ['note'], postgresql_concurrently=True)\n"
			     "def downgrade():\n    pass\n", true),
			 "drop-column@8:9 concurrently-outside-autocommit-block@9:5 empty-downgrade@10:1");
}

Test(analyze, names_that_are_not_known_are_not_existing_tables)
{
	/* the table and its index under f-string names of constants: a new table */
	cr_expect_str_eq(run("PREFIX = 'tenant'\n"
			     "def upgrade():\n"
			     "    t = f'{PREFIX}_events'\n"
			     "    op.create_table(t, sa.Column('id', sa.Integer(), primary_key=True))\n"
			     "    op.create_index(f'ix_{t}_id', t, ['id'])\n"
			     "def downgrade():\n    op.drop_table(f'{PREFIX}_events')\n", true), "");
	/* names known only at run time: the table may be the one just created */
	cr_expect_str_eq(run("def upgrade():\n"
			     "    for t in tenants():\n"
			     "        op.create_table(f'{t}_events', sa.Column('id', sa.Integer()))\n"
			     "        op.create_index(f'ix_{t}_id', f'{t}_events', ['id'])\n"
			     "        op.create_index('ix_' + t, 'tenant_' + t, ['id'])\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@6:1");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('UPDATE orders SET total = 0 WHERE total IS NULL; "
			     "ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text')\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@3:1");
	cr_expect_str_eq(message_of(RULE_EMPTY_DOWNGRADE), "downgrade() does nothing, while "
			 "upgrade() changes the schema (ALTER TABLE in op.execute at line 2)");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(create_sql)\n"
			     "    op.create_index('ix_x', name, ['id'])\n"
			     "def downgrade():\n    pass\n", true),
			 "non-literal-sql@2:16 empty-downgrade@4:1");
	/* nothing in the migration creates a table: a table it changes existed */
	cr_expect_str_eq(run("def upgrade():\n"
			     "    for t in tables():\n"
			     "        op.create_index('ix_' + t, t, ['id'])\n"
			     "def downgrade():\n    pass\n", true),
			 "index-not-concurrent@3:9 empty-downgrade@4:1");
}

Test(analyze, knowable_names_are_named_in_messages)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_foreign_key(None, 'orders', 'customers', ['customer_id'], ['id'])\n"
			     "    op.create_index(op.f('ix_orders_customer_id'), 'orders', ['customer_id'])\n"
			     "    op.create_unique_constraint(None, 'orders', ['note', 'customer_id'])\n"
			     "def downgrade():\n    pass\n", true),
			 "constraint-without-not-valid@2:5 index-not-concurrent@3:5 "
			 "unique-constraint-on-existing-table@4:5 empty-downgrade@5:1");
	cr_expect_str_eq(message_of(RULE_CONSTRAINT_WITHOUT_NOT_VALID),
			 "the foreign key constraint on existing table orders(customer_id) is checked "
			 "against every row while writes are blocked; add it NOT VALID, then VALIDATE");
	cr_expect(strstr(message_of(RULE_INDEX_NOT_CONCURRENT), "index ix_orders_customer_id on "),
		  "%s", message_of(RULE_INDEX_NOT_CONCURRENT));
	cr_expect(strstr(message_of(RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE),
			 "the unique constraint on existing table orders(note, customer_id) builds"),
		  "%s", message_of(RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE));
	run("def upgrade():\n"
	    "    op.create_unique_constraint(name, 'orders', ['note'])\n"
	    "def downgrade():\n    pass\n", true);
	cr_expect(strstr(message_of(RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE),
			 "a unique constraint named at run time on existing table orders(note) builds"),
		  "%s", message_of(RULE_UNIQUE_CONSTRAINT_ON_EXISTING_TABLE));
}

Test(analyze, downgrades_with_names_known_at_run_time_or_in_sql)
{
	/* the downgrade's loop drops what upgrade() added, now that upgrade()'s names are read */
	cr_expect_str_eq(run("COLS = ('a', 'b')\n"
			     "def upgrade():\n"
			     "    op.add_column('orders', sa.Column('a', sa.Integer()))\n"
			     "    op.add_column('orders', sa.Column('b', sa.Integer()))\n"
			     "def downgrade():\n"
			     "    for col in COLS:\n"
			     "        op.drop_column('orders', col)\n", true), "");
	/* an index turned into a constraint goes with it; SQL that renames it away */
	cr_expect_str_eq(run("def upgrade():\n"
			     "    with op.get_context().autocommit_block():\n"
			     "        op.create_index(op.f('uq_orders_note'), 'orders', ['note'],\n"
			     "                        unique=True, postgresql_concurrently=True)\n"
			     "        op.create_index(op.f('ix_orders_cid'), 'orders', ['customer_id'],\n"
			     "                        postgresql_concurrently=True)\n"
			     "def downgrade():\n"
			     "    op.drop_constraint('uq_orders_note', 'orders')\n"
			     "    op.execute('ALTER INDEX ix_orders_cid RENAME TO ix_orders_cid_old')\n",
			     true), "");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_index(op.f('ix_orders_cid'), 'orders', ['customer_id'],\n"
			     "                    postgresql_concurrently=True)\n"
			     "def downgrade():\n"
			     "    op.execute('ALTER INDEX ix_orders_cid_x RENAME TO ix_orders_cid_old')\n",
			     true), "concurrently-outside-autocommit-block@2:5 downgrade-not-inverse@2:5");
	/* a table rebuilt from a copy under its own name keeps its rows */
	cr_expect_str_eq(run("TABLE = 'orders'\n"
			     "def upgrade():\n"
			     "    op.drop_column(TABLE, 'note')\n"
			     "def downgrade():\n"
			     "    tmp = '_migrating_' + new_id()\n"
			     "    op.create_table(tmp, sa.Column('id', sa.Integer()))\n"
			     "    op.drop_table(TABLE)\n"
			     "    op.rename_table(tmp, TABLE)\n", true), "drop-column@3:5");
}

/*
 * op.execute("COMMIT") before CREATE INDEX CONCURRENTLY works (hypothesis/h
 * did it for years): not the error that says it fails, but manual-commit,
 * which says what it costs.  A COMMIT that ends the function costs nothing.
 */
Test(analyze, a_commit_by_hand_is_manual_commit_not_a_failing_concurrently)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('COMMIT')\n"
			     "    op.create_index('ix_n', 'orders', ['note'], postgresql_concurrently=True)\n"
			     "def downgrade():\n"
			     "    with op.get_context().autocommit_block():\n"
			     "        op.drop_index('ix_n', 'orders', postgresql_concurrently=True)\n", true),
			 "manual-commit@2:5");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_index('ix_n', 'orders', ['note'], postgresql_concurrently=True)\n"
			     "    op.execute('COMMIT')\n"
			     "def downgrade():\n"
			     "    with op.get_context().autocommit_block():\n"
			     "        op.drop_index('ix_n', 'orders', postgresql_concurrently=True)\n", true),
			 "concurrently-outside-autocommit-block@2:5");
}

/* hypothesis/h added an integer primary key to a live table: ADD COLUMN id SERIAL */
Test(analyze, a_serial_or_identity_column_added_to_an_existing_table_rewrites_it)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('id2', sa.Integer, primary_key=True))\n"
			     "    op.add_column('orders', sa.Column('n', sa.BigInteger(), sa.Identity()))\n"
			     "    op.add_column('orders', sa.Column('k', sa.Integer, primary_key=True,\n"
			     "                                      autoincrement=False))\n"
			     "    op.add_column('orders', sa.Column('s', sa.String(), primary_key=True))\n"
			     "def downgrade():\n    pass\n", true),
			 "volatile-server-default@2:5 volatile-server-default@3:5 empty-downgrade@7:1",
			 "autoincrement=False and a string key are not numbered");
	cr_expect(strstr(fs.v[0].message, "orders.id2 is a serial or identity column"), "%s",
		  fs.v[0].message);
}

/* A new table's foreign key locks the table it references (SHARE ROW EXCLUSIVE) */
Test(analyze, a_new_tables_foreign_key_locks_the_existing_table_it_references)
{
	cfg.by_rule[RULE_MISSING_LOCK_TIMEOUT].disabled = false;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('notes', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "        sa.Column('order_id', sa.Integer(), sa.ForeignKey('orders.id'), index=True))\n"
			     "def downgrade():\n    op.drop_table('notes')\n", true),
			 "missing-lock-timeout@2:5");
	cr_expect(strstr(fs.v[0].message, "its lock on orders"), "%s", fs.v[0].message);
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('a', sa.Column('id', sa.Integer(), primary_key=True))\n"
			     "    op.create_table('b', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "        sa.Column('a_id', sa.Integer(), index=True),\n"
			     "        sa.ForeignKeyConstraint(['a_id'], ['a.id']))\n"
			     "def downgrade():\n    op.drop_table('b')\n    op.drop_table('a')\n", true),
			 "", "a table made by this migration is not waited for");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('b', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "        sa.Column('a_id', sa.Integer(), index=True),\n"
			     "        sa.ForeignKeyConstraint(['a_id'], ['elsewhere.a.id']))\n"
			     "def downgrade():\n    op.drop_table('b')\n", true),
			 "missing-lock-timeout@2:5", "one the replay never saw exists all the same");
	cr_expect(strstr(fs.v[0].message, "its lock on elsewhere.a"), "%s", fs.v[0].message);
}

/* a key from a new table locks the existing table it references; DROP INDEX locks its table */
Test(analyze, keys_to_existing_tables_and_raw_drop_index_take_their_locks)
{
	cfg.by_rule[RULE_MISSING_LOCK_TIMEOUT].disabled = false;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.create_table('notes', sa.Column('id', sa.Integer(), primary_key=True),\n"
			     "                    sa.Column('order_id', sa.Integer(), index=True))\n"
			     "    op.create_foreign_key('fk_n', 'notes', 'orders', ['order_id'], ['id'])\n"
			     "def downgrade():\n    op.drop_table('notes')\n", true),
			 "missing-lock-timeout@4:5");
	cr_expect(strstr(fs.v[0].message, "its lock on orders"), "%s", fs.v[0].message);
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('DROP INDEX ix_orders_note')\n"
			     "def downgrade():\n"
			     "    op.create_index('ix_orders_note', 'orders', ['note'])\n", true),
			 "missing-lock-timeout@2:5 drop-index-not-concurrent@2:17 non-idempotent-sql@2:17");
}

/* a branch for another dialect never runs on the one checked */
Test(analyze, operations_under_another_dialects_branch_are_not_reported)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    if op.get_bind().dialect.name == 'mysql':\n"
			     "        op.execute('DELETE FROM orders')\n"
			     "        op.drop_column('orders', 'note')\n"
			     "    else:\n"
			     "        op.drop_column('orders', 'id')\n"
			     "def downgrade():\n    pass\n", true),
			 "drop-column@6:9 empty-downgrade@7:1");
	cfg.dialect = DIALECT_MYSQL;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    if op.get_bind().dialect.name == 'mysql':\n"
			     "        op.execute('DELETE FROM orders')\n"
			     "        op.drop_column('orders', 'note')\n"
			     "def downgrade():\n    pass\n", true),
			 "unqualified-delete@3:21 drop-column@4:9 empty-downgrade@5:1");
}

/* a lock taken only on another dialect does not use up the migration's one lock_timeout note */
Test(analyze, a_lock_under_another_dialects_branch_does_not_hide_the_next_one)
{
	cfg.by_rule[RULE_MISSING_LOCK_TIMEOUT].disabled = false;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    if op.get_bind().dialect.name == 'mysql':\n"
			     "        op.add_column('orders', sa.Column('a', sa.Text()))\n"
			     "    op.add_column('orders', sa.Column('b', sa.Text()))\n"
			     "def downgrade():\n"
			     "    op.drop_column('orders', 'b')\n"
			     "    op.drop_column('orders', 'a')\n", true),
			 "missing-lock-timeout@4:5");
	cfg.dialect = DIALECT_SQLITE;
	cr_expect_str_eq(run("def upgrade():\n"
			     "    if op.get_bind().dialect.name == 'postgresql':\n"
			     "        op.execute('CREATE INDEX CONCURRENTLY ix ON orders (note)')\n"
			     "def downgrade():\n    pass\n", true),
			 "empty-downgrade@4:1", "SQL guarded to run on PostgreSQL only");
}

/* A data migration need not undo itself; a column already NOT NULL is not made so again */
Test(analyze, data_only_upgrades_and_existing_nullable_false)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(\"UPDATE orders SET note = '' WHERE note IS NULL\")\n"
			     "    op.get_bind().execute(sa.text('DELETE FROM orders WHERE id < 0'))\n"
			     "def downgrade():\n    pass\n", true), "",
			 "rows written, nothing of the schema changed");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute('CREATE TABLE t (id int)')\n"
			     "def downgrade():\n    pass\n", true), "non-idempotent-sql@2:17 empty-downgrade@3:1");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.alter_column('orders', 'note', nullable=False, existing_nullable=False,\n"
			     "                    server_default='')\n"
			     "def downgrade():\n"
			     "    op.alter_column('orders', 'note', server_default=None)\n", true), "");
}

/* securedrop rebuilds SQLite tables: rename, create anew, copy, drop the old copy */
Test(analyze, a_table_rebuilt_under_its_own_name_is_not_renamed_or_lost)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.rename_table('orders', 'orders_tmp')\n"
			     "    op.create_table('orders', sa.Column('id', sa.Integer(), primary_key=True))\n"
			     "    op.execute('INSERT INTO orders SELECT id FROM orders_tmp')\n"
			     "    op.drop_table('orders_tmp')\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@6:1");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.rename_table('orders', 'orders_old')\n"
			     "    op.drop_table('orders_old')\n"
			     "def downgrade():\n    pass\n", true),
			 "rename-table@2:5 drop-table@3:5 empty-downgrade@4:1",
			 "renamed and dropped, never made again: gone");
}

/* neutron backfills through an ORM session on the migration's connection */
Test(analyze, a_backfill_through_a_session_on_the_connection_counts)
{
	static const char *const src = "import sqlalchemy as sa\n"
		"t = sa.table('orders', sa.column('note'))\n"
		"def upgrade():\n"
		"    session = %s\n"
		"    session.execute(t.update().values(note=''))\n"
		"    op.alter_column('orders', 'note', nullable=False)\n"
		"def downgrade():\n"
		"    op.alter_column('orders', 'note', nullable=True)\n";
	char buf[1024];

	snprintf(buf, sizeof(buf), src, "sa.orm.Session(bind=op.get_bind())");
	cr_expect_not(strstr(run(buf, true), "set-not-null-without-backfill"), "%s", run(buf, true));
	snprintf(buf, sizeof(buf), src, "make_session()");
	cr_expect(strstr(run(buf, true), "set-not-null-without-backfill"),
		  "a session on some other connection writes elsewhere");
}

/* securedrop's backfill: sa.text("UPDATE OR IGNORE ...").bindparams(...) */
Test(analyze, a_backfill_with_bound_parameters_counts)
{
	const char *out = run("def upgrade():\n"
			      "    op.execute(sa.text(\"UPDATE OR IGNORE orders SET note = :n \"\n"
			      "                       \"WHERE note IS NULL\").bindparams(n=''))\n"
			      "    op.alter_column('orders', 'note', nullable=False)\n"
			      "def downgrade():\n"
			      "    op.alter_column('orders', 'note', nullable=True)\n", true);

	cr_expect_not(strstr(out, "set-not-null-without-backfill"), "%s", out);
}

/* neutron: for table, model in TABLE_MODELS: a backfill and a NOT NULL on tables not known */
Test(analyze, an_update_of_an_unknown_table_may_be_the_backfill_of_another_unknown_one)
{
	const char *out = run("def upgrade():\n"
			      "    for table, model in TABLE_MODELS:\n"
			      "        op.execute(model.update().values(x=1))\n"
			      "    for table, model in TABLE_MODELS:\n"
			      "        op.alter_column(table, 'x', nullable=False)\n"
			      "def downgrade():\n    pass\n", true);

	cr_expect_not(strstr(out, "set-not-null-without-backfill"), "%s", out);
	out = run("def upgrade():\n"
		  "    for table, model in TABLE_MODELS:\n"
		  "        op.alter_column(table, 'x', nullable=False)\n"
		  "def downgrade():\n    pass\n", true);
	cr_expect(strstr(out, "set-not-null-without-backfill"), "no update at all: %s", out);
}

/* securedrop backfills each table of a list built at run time with an f-string UPDATE */
Test(analyze, an_update_of_a_table_named_at_run_time_may_be_the_backfill)
{
	static const char *const src = "def upgrade():\n"
		"    for table in needs_migration:\n"
		"        op.execute(sa.text(f\"UPDATE OR IGNORE {table} SET %s = :j \"\n"
		"                           \"WHERE %s IS NULL\").bindparams(j=1))\n"
		"    op.alter_column('orders', 'note', nullable=False)\n"
		"def downgrade():\n"
		"    op.alter_column('orders', 'note', nullable=True)\n";
	char buf[1024];

	snprintf(buf, sizeof(buf), src, "note", "note");
	cr_expect_not(strstr(run(buf, true), "set-not-null-without-backfill"), "%s", run(buf, true));
	snprintf(buf, sizeof(buf), src, "other", "other");
	cr_expect(strstr(run(buf, true), "set-not-null-without-backfill"),
		  "an UPDATE of another column backfills nothing here");
}

/* hypothesis/h writes rows with SQLAlchemy Core, on op or on a session */
Test(analyze, data_migrations_through_sqlalchemy_core_need_no_downgrade)
{
	cr_expect_str_eq(run("import sqlalchemy as sa\n"
			     "t = sa.table('orders', sa.column('note'))\n"
			     "def upgrade():\n"
			     "    session = Session(bind=op.get_bind())\n"
			     "    op.execute(t.update().values(note=''))\n"
			     "    session.execute(t.delete().where(t.c.note == 'x'))\n"
			     "    op.execute(sa.insert(t).values(note='y'))\n"
			     "def downgrade():\n    pass\n", true), "");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(t.update().values(note=''))\n"
			     "    op.add_column('orders', sa.Column('x', sa.Text()))\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@4:1");
}

/* hypothesis/h drops its enum type through the module-level Enum it created it with */
Test(analyze, an_enum_dropped_through_its_module_level_name_is_dropped)
{
	cr_expect_str_eq(run("import sqlalchemy as sa\n"
			     "joinable = sa.Enum('a', 'b', name='group_joinable_by')\n"
			     "def upgrade():\n"
			     "    joinable.create(op.get_bind())\n"
			     "    op.add_column('orders', sa.Column('j', joinable, nullable=True))\n"
			     "def downgrade():\n"
			     "    op.drop_column('orders', 'j')\n"
			     "    joinable.drop(op.get_bind())\n", true), "");
}

/* rucio: the downgrade drops the column, and the CHECK on it with it */
Test(analyze, a_check_on_a_dropped_column_goes_with_it)
{
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('purge', sa.Boolean(), server_default='0'))\n"
			     "    op.create_check_constraint('ck_purge_nn', 'orders', 'PURGE IS NOT NULL',\n"
			     "                               postgresql_not_valid=True)\n"
			     "def downgrade():\n"
			     "    op.drop_column('orders', 'purge')\n", true), "", "unquoted: any case");
	cr_expect(strstr(run("def upgrade():\n"
			     "    op.add_column('orders', sa.Column('purge', sa.Boolean(), server_default='0'))\n"
			     "    op.create_check_constraint('ck_purge_nn', 'orders', 'purged IS NOT NULL',\n"
			     "                               postgresql_not_valid=True)\n"
			     "def downgrade():\n"
			     "    op.drop_column('orders', 'purge')\n", true), "downgrade-not-inverse"),
		  "purged is another column");
}

/* issue 17: empty-downgrade says what upgrade() does; SQLAlchemy statements are no SQL text */
Test(analyze, an_empty_downgrade_names_what_upgrade_does)
{
	cr_expect_str_eq(run("t = sa.table('orders', sa.column('id'), sa.column('total'))\n"
			     "def upgrade():\n"
			     "    stmt = sa.select(t.c.id).where(t.c.total > 0)\n"
			     "    op.execute(stmt)\n"
			     "    op.execute(sa.select(t.c.id))\n"
			     "    done = t.update().values(total=0).where(t.c.id == 1)\n"
			     "    op.execute(done)\n"
			     "def downgrade():\n    pass\n", true), "",
			 "Core statements read and write rows: a data migration, no SQL text");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(\"UPDATE orders SET total = 0 WHERE total IS NULL\")\n"
			     "    op.add_column('orders', sa.Column('note', sa.Text()))\n"
			     "def downgrade():\n    pass\n", true), "empty-downgrade@4:1");
	cr_expect_str_eq(message_of(RULE_EMPTY_DOWNGRADE), "downgrade() does nothing, while "
			 "upgrade() changes the schema (op.add_column at line 3)");
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.execute(create_sql)\n"
			     "def downgrade():\n    pass\n", true),
			 "non-literal-sql@2:16 empty-downgrade@3:1");
	cr_expect_str_eq(message_of(RULE_EMPTY_DOWNGRADE), "downgrade() does nothing, while "
			 "upgrade() runs SQL migreview cannot read (op.execute at line 2), which "
			 "may change the schema");
	cr_expect_str_eq(message_of(RULE_NON_LITERAL_SQL), "the SQL is built at run time "
			 "(create_sql, a name bound to neither a literal nor a SQLAlchemy "
			 "statement): migreview cannot analyse it; review it by hand");
}

Test(analyze, a_drop_that_downgrade_does_not_make_again)
{
	/* the table and a column dropped, downgrade making neither again */
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.drop_column('orders', 'note')\n"
			     "def downgrade():\n"
			     "    op.drop_index('ix_orders_note', table_name='orders')\n", true),
			 "drop-column@2:5 downgrade-not-inverse@2:5");
	cr_expect(strstr(run("def upgrade():\n"
			     "    op.drop_table('orders')\n"
			     "def downgrade():\n"
			     "    op.drop_column('orders', 'id')\n", true), "downgrade-not-inverse@2:5"));
	/* made again: no finding */
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.drop_column('orders', 'note')\n"
			     "def downgrade():\n"
			     "    op.add_column('orders', sa.Column('note', sa.Text()))\n", true),
			 "drop-column@2:5");
	/* SQLite's rebuild: the old table renamed away, made again, dropped: no loss */
	cr_expect(!strstr(run("def upgrade():\n"
			      "    op.rename_table('orders', 'orders_tmp')\n"
			      "    op.create_table('orders', sa.Column('id', sa.Integer()))\n"
			      "    op.drop_table('orders_tmp')\n"
			      "def downgrade():\n"
			      "    op.drop_column('orders', 'note')\n", true),
			  "downgrade-not-inverse"));
	/* SQL in the downgrade may make it again: not said */
	cr_expect_str_eq(run("def upgrade():\n"
			     "    op.drop_column('orders', 'note')\n"
			     "def downgrade():\n"
			     "    op.execute('ALTER TABLE orders ADD COLUMN note text')\n", true),
			 "drop-column@2:5");
}

/*
 * Findings come out by revision, line and column, those at one place in the
 * order they were made; the sort moves them in place, along cycles of every
 * length.
 */
Test(analyze, findings_sort_by_place_keeping_the_order_of_equals)
{
	static const struct { size_t rev; unsigned line, col; } made[] = {
		{ 3, 1, 1 }, { 0, 9, 2 }, { 2, 5, 5 }, { 0, 9, 1 }, { 1, 1, 1 },
		{ 0, 9, 1 }, { 3, 1, 1 }, { 2, 4, 9 }, { 0, 1, 7 }, { 3, 0, 0 },
	};
	const char *want = "0:1:7/8 0:9:1/3 0:9:1/5 0:9:2/1 1:1:1/4 2:4:9/7 2:5:5/2 "
			   "3:0:0/9 3:1:1/0 3:1:1/6";
	char buf[256] = "";

	for (size_t i = 0; i < MR_ARRAY_SIZE(made); i++)
		cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, "x.py",
					  made[i].line, made[i].col, made[i].rev, "%zu", i), 0);
	cr_assert_eq(findings_sort(&fs), 0);
	for (size_t i = 0; i < fs.n; i++) {
		size_t len = strlen(buf);

		snprintf(buf + len, sizeof(buf) - len, "%s%zu:%u:%u/%s", i ? " " : "",
			 fs.v[i].revision, fs.v[i].line, fs.v[i].col, fs.v[i].message);
	}
	cr_expect_str_eq(buf, want);
}

/* Findings of no revision go last; revisions numbered far apart are sorted all the same. */
Test(analyze, findings_sort_puts_those_of_no_revision_last)
{
	static const size_t revs[][6] = {
		{ FINDING_NO_REVISION, 5, 9, 0, FINDING_NO_REVISION, 5 },
		{ FINDING_NO_REVISION, 5, 1000000, 0, FINDING_NO_REVISION, 5 },
	};

	for (size_t t = 0; t < MR_ARRAY_SIZE(revs); t++) {
		char buf[256] = "";

		for (size_t i = 0; i < 6; i++)
			cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, "x.py",
						  (unsigned)(6 - i), 1, revs[t][i], "%zu", i), 0);
		cr_assert_eq(findings_sort(&fs), 0);
		for (size_t i = 0; i < fs.n; i++) {
			size_t len = strlen(buf);

			snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", fs.v[i].message);
		}
		cr_expect_str_eq(buf, "3 5 1 2 4 0", "revisions up to %zu", revs[t][2]);
		findings_free(&fs);
	}
}

/*
 * Findings added to a sorted set (the test runs' after the analysis') are
 * merged in: before, between and after those there, after the ones at
 * their place.
 */
Test(analyze, findings_sorted_again_after_more_are_added)
{
	static const struct { size_t rev; unsigned line, col; } made[] = {
		{ 0, 1, 1 }, { 1, 2, 1 }, { 2, 0, 0 }, { 1, 0, 0 }, { 0, 1, 1 }, { 3, 0, 0 },
		{ 2, 0, 0 }, { 0, 0, 0 },
	};
	const char *want = "0:0:0/7 0:1:1/0 0:1:1/4 1:0:0/3 1:2:1/1 2:0:0/2 2:0:0/6 3:0:0/5";
	char buf[256] = "";

	for (size_t i = 0; i < MR_ARRAY_SIZE(made); i++) {
		cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, "x.py",
					  made[i].line, made[i].col, made[i].rev, "%zu", i), 0);
		if (i == 0 || i == 3)
			cr_assert_eq(findings_sort(&fs), 0);
	}
	cr_assert_eq(findings_sort(&fs), 0);
	for (size_t i = 0; i < fs.n; i++) {
		size_t len = strlen(buf);

		snprintf(buf + len, sizeof(buf) - len, "%s%zu:%u:%u/%s", i ? " " : "",
			 fs.v[i].revision, fs.v[i].line, fs.v[i].col, fs.v[i].message);
	}
	cr_expect_str_eq(buf, want);
}

/*
 * A project's findings repeat their paths and many of their messages: each
 * text is kept once, and findings moved to another set point to its copy.
 */
Test(analyze, findings_keep_each_text_once)
{
	struct findings other = { 0 };
	char long_text[700];

	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, "a.py", 1, 1, 0,
				  "same %s", "text"), 0);
	cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, "a.py", 2, 1, 0,
				  "same text"), 0);
	cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, NULL, 3, 1, 0,
				  "%s", long_text), 0);
	cr_expect_eq(fs.v[0].path, fs.v[1].path);
	cr_expect_eq(fs.v[0].message, fs.v[1].message);
	cr_expect_str_eq(fs.v[1].message, "same text");
	cr_expect_str_eq(fs.v[2].path, "");
	cr_expect_str_eq(fs.v[2].message, long_text, "a message longer than the first try");
	cr_assert_eq(findings_add(&other, RULE_MODEL_IMPORT, SEVERITY_ERROR, "a.py", 4, 2, 1,
				  "moved"), 0);
	cr_assert_eq(findings_take(&fs, &other), 0);
	cr_expect_eq(other.n, 0);
	findings_free(&other);
	cr_assert_eq(fs.n, 4);
	cr_expect_eq(fs.v[3].path, fs.v[0].path, "the moved finding's path is the set's copy");
	cr_expect_str_eq(fs.v[3].message, "moved");
	cr_expect(fs.v[3].line == 4 && fs.v[3].col == 2 && fs.v[3].revision == 1 &&
		  fs.v[3].severity == SEVERITY_ERROR);
}

/* Texts enough for many blocks of them, and one larger than a block, each kept whole and once. */
Test(analyze, findings_keep_many_texts_whole)
{
	enum { N = 5000 };
	static char huge[100 * 1024];

	memset(huge, 'h', sizeof(huge) - 1);
	for (size_t i = 0; i < 2 * N; i++) {
		if (i == N)
			cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, "h.py",
						  1, 1, 0, "%s", huge), 0);
		cr_assert_eq(findings_add(&fs, RULE_MODEL_IMPORT, SEVERITY_WARNING, "x.py", 1, 1,
					  0, "message number %zu, with some words after it", i % N), 0);
	}
	cr_assert_eq(fs.n, 2 * N + 1);
	for (size_t i = 0; i < N; i++) {
		char want[80];

		snprintf(want, sizeof(want), "message number %zu, with some words after it", i);
		cr_expect_str_eq(fs.v[i].message, want);
		cr_expect_eq(fs.v[N + 1 + i].message, fs.v[i].message, "the same text once");
	}
	cr_expect_str_eq(fs.v[N].message, huge);
	cr_expect_str_eq(fs.v[N + 1].path, "x.py");
}

/* With production sizes: the tables a migration changes are named, each once, for their sizes. */
Test(analyze, with_production_sizes_each_changed_table_gets_its_size_once)
{
	static const char stats_text[] =
		"{\"migreview_stats\": 1, \"taken_at\": \"2026-12-01T00:00:00Z\", "
		"\"server_version\": \"15\", \"server_version_num\": 150000, \"database\": \"d\", "
		"\"since\": \"2026-11-01T00:00:00Z\", \"tables\": [\n"
		"{\"schema\": \"public\", \"name\": \"orders\", \"kind\": \"r\", \"rows\": 5, "
		"\"heap_bytes\": 8192, \"index_bytes\": 0, \"total_bytes\": 8192, \"live_tuples\": 5, "
		"\"dead_tuples\": 0, \"inserts\": 0, \"updates\": 0, \"deletes\": 0, \"seq_scans\": 0, "
		"\"index_scans\": 0}],\n\"indexes\": []}\n";
	static const char changes[] =
		"def upgrade():\n"
		"    op.add_column('orders', sa.Column('a', sa.Text()))\n"
		"    op.add_column('orders', sa.Column('b', sa.Text()))\n"
		"    op.create_table('notes', sa.Column('id', sa.Integer(), primary_key=True))\n"
		"    op.add_column('notes', sa.Column('c', sa.Text()))\n"
		"def downgrade():\n"
		"    op.drop_table('notes')\n"
		"    op.drop_column('orders', 'b')\n"
		"    op.drop_column('orders', 'a')\n";
	char why[MR_ERROR_MAX];

	cr_assert_eq(stats_parse(stats_text, strlen(stats_text), "s.json", &cfg.stats, why,
				 sizeof(why)), 0, "%s", why);
	/* orders is in production: named once; notes is new */
	cr_expect_str_eq(run(changes, true), "table-size@2:5");
	cr_expect_str_eq(fs.v[0].table, "orders");
	cr_expect_eq(fs.v[0].severity, SEVERITY_INFO);
	/* a finding about the table says its size already: no table-size beside it */
	cr_expect_str_eq(run("def upgrade():\n    op.drop_column('orders', 'note')\n"
			     "def downgrade():\n    op.add_column('orders', sa.Column('note', "
			     "sa.String(length=200)))\n", true), "drop-column@2:5");
	cr_expect_str_eq(fs.v[0].table, "orders");
	stats_free(cfg.stats);
	cfg.stats = NULL;
	cr_expect_str_eq(run(changes, true), "", "without production sizes, nothing");
}

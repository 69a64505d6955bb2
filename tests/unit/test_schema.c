/* The schema replayed from operations, and Alembic's argument positions. */
#include <criterion/criterion.h>
#include <string.h>

#include "migreview/schema.h"

static struct pysrc_parser *parser;
static struct schema s;
static struct migration m;
static struct mr_error err;
static size_t applied;          /* migrations replayed so far */

static void
setup(void)
{
	parser = pysrc_parser_new();
	cr_assert(parser);
}

static void
teardown(void)
{
	migration_free(&m);
	schema_free(&s);
	pysrc_parser_free(parser);
}

TestSuite(schema, .init = setup, .fini = teardown);

/* Replays the upgrade() of one more migration. */
static void
replay(const char *src)
{
	migration_free(&m);
	cr_assert_eq(migration_read(parser, src, strlen(src), &m, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < m.upgrade.n_ops; i++) {
		const struct pyarg *arg;
		const char *sql = op_sql(&m.upgrade.ops[i], &arg);
		struct sql_script script = { 0 };

		cr_assert(!sql || sql_scan(sql, strlen(sql), &script, &err) == 0);
		cr_assert_eq(schema_apply(&s, &m.upgrade.ops[i], sql ? &script : NULL, applied), 0);
		sql_script_free(&script);
	}
	applied++;
}

static bool
covered(const char *table, const char *c1, const char *c2)
{
	struct strvec cols = { 0 };
	bool yes;

	strvec_push(&cols, c1);
	if (c2)
		strvec_push(&cols, c2);
	yes = schema_covering_index(&s, table, &cols) != NULL;
	strvec_free(&cols);
	return yes;
}

/* The indexes, PKs and unique constraints not dropped. */
static size_t
indexes_left(void)
{
	size_t n = 0;

	for (size_t i = 0; i < s.n_indexes; i++)
		n += s.indexes[i].table != NULL;
	return n;
}

Test(schema, create_table_with_keys_indexes_and_enum)
{
	struct schema_column *c;

	replay("def upgrade():\n"
	       "    op.create_table('orders',\n"
	       "        sa.Column('id', sa.Integer(), primary_key=True),\n"
	       "        sa.Column('customer_id', sa.Integer(), sa.ForeignKey('customers.id'),\n"
	       "                  nullable=False, index=True),\n"
	       "        sa.Column('coupon_id', sa.Integer(), nullable=True),\n"
	       "        sa.Column('status', sa.Enum('new', 'paid', name='order_status'),\n"
	       "                  server_default='new'),\n"
	       "        sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name='fk_coupon'),\n"
	       "        sa.UniqueConstraint('customer_id', 'coupon_id'),\n"
	       "    )\n");
	cr_assert(schema_table(&s, "orders"));
	cr_expect_eq(schema_table(&s, "orders")->n_columns, 4);
	c = schema_column(&s, "orders", "id");
	cr_expect_not(c->nullable, "a primary key is NOT NULL");
	c = schema_column(&s, "orders", "customer_id");
	cr_expect_not(c->nullable);
	cr_expect_str_eq(c->type, "sa.Integer");
	cr_expect(schema_column(&s, "orders", "coupon_id")->nullable);
	cr_expect(schema_column(&s, "orders", "status")->server_default);
	cr_expect(covered("orders", "id", NULL));
	cr_expect(covered("orders", "customer_id", NULL), "index=True");
	cr_expect(covered("orders", "customer_id", "coupon_id"), "the unique constraint");
	cr_expect_not(covered("orders", "coupon_id", NULL), "not a leading column");
	cr_assert_eq(s.n_fks, 2);
	cr_expect_str_eq(s.fks[0].referent, "customers");
	cr_expect_str_eq(s.fks[1].referent, "coupons");
	cr_expect_str_eq(s.fks[1].name, "fk_coupon");
	cr_assert_eq(s.n_enums, 1);
	cr_expect_str_eq(s.enums[0].name, "order_status");
}

Test(schema, batch_and_plain_forms_reach_the_same_schema)
{
	replay("def upgrade():\n"
	       "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))\n");
	replay("def upgrade():\n"
	       "    op.add_column('t', sa.Column('a', sa.String(), nullable=False, server_default='x'))\n"
	       "    with op.batch_alter_table('t') as b:\n"
	       "        b.add_column(sa.Column('b', sa.Integer()))\n"
	       "        b.create_index('ix_t_b', ['b'], unique=True)\n"
	       "        b.alter_column('a', nullable=True, server_default=None, type_=sa.Text())\n"
	       "        b.create_foreign_key('fk_t_b', 'u', ['b'], ['id'])\n"
	       "    op.create_index(op.f('ix_t_a'), 't', ['a'])\n");
	cr_expect_eq(schema_table(&s, "t")->n_columns, 3);
	cr_expect(schema_column(&s, "t", "a")->nullable);
	cr_expect_not(schema_column(&s, "t", "a")->server_default);
	cr_expect_str_eq(schema_column(&s, "t", "a")->type, "sa.Text");
	cr_expect(covered("t", "b", NULL));
	cr_expect(covered("t", "a", NULL), "an index named through op.f()");
	cr_assert_eq(s.n_fks, 1);
	cr_expect_str_eq(s.fks[0].table, "t");
	cr_expect_str_eq(s.fks[0].referent, "u");
	cr_expect_eq(s.indexes[1].created_in, 1);
}

Test(schema, drops_and_renames)
{
	replay("def upgrade():\n"
	       "    op.create_table('a', sa.Column('id', sa.Integer(), primary_key=True),\n"
	       "                    sa.Column('x', sa.Integer(), index=True))\n"
	       "    op.create_unique_constraint('uq_a_x', 'a', ['x'])\n");
	cr_expect_eq(indexes_left(), 3);
	replay("def upgrade():\n"
	       "    op.drop_constraint('uq_a_x', 'a', type_='unique')\n"
	       "    op.alter_column('a', 'x', new_column_name='y')\n"
	       "    op.rename_table('a', 'b')\n");
	cr_expect_null(schema_table(&s, "a"));
	cr_expect(schema_column(&s, "b", "y"));
	cr_expect(covered("b", "y", NULL), "the index follows both renames");
	cr_expect_eq(indexes_left(), 2);
	replay("def upgrade():\n    op.drop_column('b', 'y')\n");
	cr_expect_null(schema_column(&s, "b", "y"));
	cr_expect_eq(indexes_left(), 1, "an index on a dropped column goes with it");
	replay("def upgrade():\n    op.drop_table('b')\n");
	cr_expect_null(schema_table(&s, "b"));
	cr_expect_eq(indexes_left(), 0);
}

Test(schema, op_param_positions_and_keywords)
{
	const struct migration_op *op;

	replay("def upgrade():\n"
	       "    op.create_index('ix', 't', ['a'])\n"
	       "    op.create_index(index_name='ix2', table_name='t2', columns=['b'])\n"
	       "    op.create_foreign_key('fk', 'src', 'dst', ['x'], ['id'])\n"
	       "    with op.batch_alter_table('bt') as b:\n"
	       "        b.create_foreign_key('fk2', 'dst', ['y'], ['id'])\n"
	       "    op.execute('SELECT 1')\n");
	op = &m.upgrade.ops[0];
	cr_expect_eq(op_kind_of(op), OP_CREATE_INDEX);
	cr_expect_str_eq(op_table(op), "t");
	cr_expect_str_eq(op_string(op, "index_name"), "ix");
	op = &m.upgrade.ops[1];
	cr_expect_str_eq(op_table(op), "t2");
	cr_expect_str_eq(op_param(op, "columns")->items[0].text, "b");
	op = &m.upgrade.ops[2];
	cr_expect_str_eq(op_table(op), "src");
	cr_expect_str_eq(op_string(op, "referent_table"), "dst");
	op = &m.upgrade.ops[3];
	cr_expect_str_eq(op_table(op), "bt");
	cr_expect_str_eq(op_string(op, "referent_table"), "dst");
	cr_expect_str_eq(op_param(op, "local_cols")->items[0].text, "y");
	op = &m.upgrade.ops[4];
	cr_expect_eq(op_kind_of(op), OP_EXECUTE);
	cr_expect_str_eq(op_string(op, "sqltext"), "SELECT 1");
	cr_expect_null(op_table(op));
}

Test(schema, every_operation_is_known_by_its_name)
{
	static const struct { const char *name; enum op_kind kind; } ops[] = {
		{ "rename_table", OP_RENAME_TABLE }, { "execute", OP_EXECUTE },
		{ "drop_table", OP_DROP_TABLE }, { "drop_index", OP_DROP_INDEX },
		{ "drop_constraint", OP_DROP_CONSTRAINT }, { "drop_column", OP_DROP_COLUMN },
		{ "create_unique_constraint", OP_CREATE_UNIQUE }, { "create_table", OP_CREATE_TABLE },
		{ "create_primary_key", OP_CREATE_PK }, { "create_index", OP_CREATE_INDEX },
		{ "create_foreign_key", OP_CREATE_FK }, { "create_check_constraint", OP_CREATE_CHECK },
		{ "bulk_insert", OP_BULK_INSERT }, { "alter_column", OP_ALTER_COLUMN },
		{ "add_column", OP_ADD_COLUMN }, { "create_all", OP_OTHER }, { "zzz", OP_OTHER },
		{ "add", OP_OTHER },
	};
	char src[2048] = "def upgrade():\n";

	for (size_t i = 0; i < MR_ARRAY_SIZE(ops); i++) {
		size_t len = strlen(src);

		snprintf(src + len, sizeof(src) - len, "    op.%s()\n", ops[i].name);
	}
	replay(src);
	cr_assert_eq(m.upgrade.n_ops, MR_ARRAY_SIZE(ops));
	for (size_t i = 0; i < MR_ARRAY_SIZE(ops); i++)
		cr_expect_eq(op_kind_of(&m.upgrade.ops[i]), ops[i].kind, "%s", ops[i].name);
}

Test(schema, a_table_renamed_to_an_existing_name_hides_it_until_dropped)
{
	replay("def upgrade():\n"
	       "    op.create_table('a', sa.Column('old', sa.Integer(), index=True))\n"
	       "    op.create_table('b', sa.Column('new', sa.Integer(), index=True))\n"
	       "    op.create_table('t', sa.Column('b_id', sa.Integer(), sa.ForeignKey('b.id')))\n"
	       "    op.rename_table('b', 'a')\n");
	cr_expect_null(schema_table(&s, "b"));
	cr_expect(schema_column(&s, "a", "new"), "the table made last answers to the name");
	cr_expect(covered("a", "new", NULL) && covered("a", "old", NULL));
	cr_expect_not(covered("b", "new", NULL), "the index moved with its table");
	cr_expect_str_eq(s.fks[0].referent, "a", "a foreign key follows the table it references");
	replay("def upgrade():\n    op.drop_table('a')\n");
	cr_expect(schema_column(&s, "a", "old"), "the older table is found again");
	cr_expect_not(covered("a", "old", NULL), "dropping a table by name drops every key on it");
	cr_expect_eq(indexes_left(), 0);
}

Test(schema, keys_are_dropped_by_name_wherever_they_are)
{
	replay("def upgrade():\n"
	       "    op.create_index('ix', 't1', ['a'])\n"
	       "    op.create_index('ix', 't2', ['b'])\n"
	       "    op.create_index('other', 't1', ['c'])\n"
	       "    op.create_check_constraint('ck_a', 't1', 'a IS NOT NULL', postgresql_not_valid=True)\n");
	cr_assert(schema_index_named(&s, "ix"));
	cr_expect_str_eq(schema_index_named(&s, "ix")->table, "t1", "the first made of that name");
	cr_expect_not(schema_not_null_proven(&s, "t1", "a"), "not validated yet");
	replay("def upgrade():\n"
	       "    op.execute('ALTER TABLE t1 VALIDATE CONSTRAINT ck_a')\n"
	       "    op.drop_index('ix', table_name='t1')\n");
	cr_expect(schema_not_null_proven(&s, "t1", "a"));
	cr_expect_null(schema_index_named(&s, "ix"), "both indexes called ix are gone");
	cr_expect(covered("t1", "c", NULL));
	cr_expect_not(covered("t2", "b", NULL));
	replay("def upgrade():\n    op.drop_constraint('ck_a', 't1', type_='check')\n");
	cr_expect_not(schema_not_null_proven(&s, "t1", "a"));
}

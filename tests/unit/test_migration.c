/* What upgrade() and downgrade() do, read without running them. */
#include <criterion/criterion.h>
#include <string.h>

#include "migreview/migration.h"

static struct pysrc_parser *parser;
static struct migration m;
static struct mr_error err;

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
	pysrc_parser_free(parser);
}

TestSuite(migration, .init = setup, .fini = teardown);

static void
read_src(const char *src)
{
	cr_assert_eq(migration_read(parser, src, strlen(src), &m, &err), 0, "%s", err.msg);
}

static const struct migration_op *
up(size_t i)
{
	cr_assert_lt(i, m.upgrade.n_ops, "upgrade has %zu ops", m.upgrade.n_ops);
	return &m.upgrade.ops[i];
}

Test(migration, add_column_with_nested_calls_and_keywords)
{
	const struct pycall *col;
	const struct pyarg *a;

	read_src("def upgrade():\n"
		 "    op.add_column('orders', sa.Column('note', sa.String(length=20),\n"
		 "                  nullable=False, server_default=sa.text(\"''\")))\n");
	cr_assert_eq(m.upgrade.n_ops, 1);
	cr_expect_str_eq(up(0)->call.callee, "op.add_column");
	cr_expect_str_eq(up(0)->call.name, "add_column");
	cr_expect_eq(up(0)->call.line, 2);
	cr_expect_eq(up(0)->call.col, 5);
	a = pycall_arg(&up(0)->call, 0, "table_name");
	cr_assert(a);
	cr_expect_eq(a->kind, PYARG_STRING);
	cr_expect_str_eq(a->text, "orders");
	a = pycall_arg(&up(0)->call, 1, "column");
	cr_assert_eq(a->kind, PYARG_CALL);
	col = a->call;
	cr_expect_str_eq(col->callee, "sa.Column");
	cr_expect_str_eq(pycall_arg(col, 1, NULL)->call->callee, "sa.String");
	cr_expect_str_eq(pycall_arg(pycall_arg(col, 1, NULL)->call, (size_t)-1, "length")->text, "20");
	cr_expect_eq(pycall_arg(col, (size_t)-1, "nullable")->kind, PYARG_BOOL);
	cr_expect_str_eq(pycall_arg(col, (size_t)-1, "nullable")->text, "False");
	cr_expect_str_eq(pycall_arg(col, (size_t)-1, "server_default")->call->args[0].text, "''");
	cr_expect_null(pycall_arg(col, (size_t)-1, "default"));
	cr_expect_not(m.downgrade.present);
}

Test(migration, batch_aliases_carry_their_table)
{
	read_src("def upgrade():\n"
		 "    with op.batch_alter_table('orders', schema=None) as batch_op:\n"
		 "        batch_op.alter_column('total', type_=sa.BigInteger())\n"
		 "        with op.batch_alter_table(table_name='items') as b2:\n"
		 "            b2.drop_column('x')\n"
		 "        batch_op.drop_column('y')\n"
		 "    op.drop_table('z')\n");
	cr_assert_eq(m.upgrade.n_ops, 4);
	cr_expect_str_eq(up(0)->batch_table, "orders");
	cr_expect_str_eq(up(0)->call.callee, "batch_op.alter_column");
	cr_expect_str_eq(up(1)->batch_table, "items");
	cr_expect_str_eq(up(2)->batch_table, "orders", "the inner alias ends with its block");
	cr_expect_null(up(3)->batch_table);
}

Test(migration, autocommit_block_nesting)
{
	read_src("def upgrade():\n"
		 "    op.create_index('a', 't', ['x'], postgresql_concurrently=True)\n"
		 "    with op.get_context().autocommit_block():\n"
		 "        op.create_index('b', 't', ['y'], postgresql_concurrently=True)\n"
		 "        if True:\n"
		 "            op.execute('ALTER TYPE s ADD VALUE \\'x\\'')\n"
		 "    with op.get_context(\n"
		 "    ).autocommit_block():\n"
		 "        op.drop_index('c', postgresql_concurrently=True)\n"
		 "    op.create_index('d', 't', ['z'])\n");
	cr_assert_eq(m.upgrade.n_ops, 5);
	cr_expect_not(up(0)->in_autocommit);
	cr_expect(up(1)->in_autocommit);
	cr_expect(up(2)->in_autocommit);
	cr_expect(up(3)->in_autocommit, "the call chain may span lines");
	cr_expect_not(up(4)->in_autocommit);
	cr_expect_eq(pycall_arg(&up(0)->call, 2, NULL)->kind, PYARG_LIST);
	cr_expect_str_eq(pycall_arg(&up(0)->call, 2, NULL)->items[0].text, "x");
}

Test(migration, connections_from_get_bind_are_followed)
{
	read_src("def upgrade():\n"
		 "    conn = op.get_bind()\n"
		 "    conn.execute(sa.text('DELETE FROM t WHERE id = 42'))\n"
		 "    other.execute('not followed')\n"
		 "    op.get_bind().execute('UPDATE t SET a = 1')\n");
	cr_assert_eq(m.upgrade.n_ops, 2, "get_bind() itself is not an operation");
	cr_expect(up(0)->via_bind);
	cr_expect_str_eq(up(0)->call.args[0].call->args[0].text, "DELETE FROM t WHERE id = 42");
	cr_expect_str_eq(up(1)->call.callee, "op.get_bind().execute");
	cr_expect_not(up(1)->via_bind);
}

Test(migration, sql_literals_decode_and_non_literals_keep_their_source)
{
	read_src("def upgrade():\n"
		 "    op.execute('UPDATE t '\n"
		 "               \"SET a = 1\")\n"
		 "    op.execute(\"\"\"\n"
		 "        DELETE FROM t\n"
		 "    \"\"\")\n"
		 "    op.execute(f'DROP TABLE {name}')\n"
		 "    op.execute(SQL)\n");
	cr_assert_eq(m.upgrade.n_ops, 4);
	cr_expect_str_eq(up(0)->call.args[0].text, "UPDATE t SET a = 1");
	cr_expect(strstr(up(1)->call.args[0].text, "DELETE FROM t"));
	cr_expect_eq(up(2)->call.args[0].kind, PYARG_OTHER);
	cr_expect_str_eq(up(2)->call.args[0].text, "f'DROP TABLE {name}'");
	cr_expect_eq(up(3)->call.args[0].kind, PYARG_NAME);
}

Test(migration, empty_bodies)
{
	read_src("def upgrade() -> None:\n    pass\n\n"
		 "def downgrade():\n    \"\"\"Irreversible.\"\"\"\n"
		 "    raise NotImplementedError(\"no way back\")\n");
	cr_expect(m.upgrade.present);
	cr_expect(m.upgrade.empty);
	cr_expect(m.downgrade.empty);
	cr_expect(m.downgrade.not_implemented);
	cr_expect_eq(m.downgrade.line, 4);
	migration_free(&m);
	read_src("def upgrade():\n    # nothing\n    ...\n\ndef downgrade():\n    op.drop_table('t')\n");
	cr_expect(m.upgrade.empty);
	cr_expect_not(m.downgrade.empty);
	cr_expect_not(m.downgrade.not_implemented);
}

Test(migration, control_flow_is_walked_in_source_order)
{
	read_src("def upgrade():\n"
		 "    if op.get_bind().dialect.name == 'postgresql':\n"
		 "        op.execute('A')\n"
		 "    else:\n"
		 "        op.execute('B')\n"
		 "    for t in ('x', 'y'):\n"
		 "        op.add_column(t, sa.Column('c', sa.Integer()))\n"
		 "    try:\n"
		 "        op.execute('C')\n"
		 "    except Exception:\n"
		 "        pass\n"
		 "    op.bulk_insert(table, [{'id': 1}, {'id': 2}])\n");
	cr_assert_eq(m.upgrade.n_ops, 5);
	cr_expect_str_eq(up(0)->call.args[0].text, "A");
	cr_expect_str_eq(up(1)->call.args[0].text, "B");
	cr_expect_eq(up(2)->call.args[0].kind, PYARG_NAME, "a loop variable is a name");
	cr_expect_str_eq(up(4)->call.name, "bulk_insert");
	cr_expect_eq(up(4)->call.args[1].kind, PYARG_LIST);
	cr_expect_eq(up(4)->call.args[1].items[0].kind, PYARG_OTHER, "a dict is kept as source");
}

Test(migration, later_definition_wins_and_imports_are_listed)
{
	read_src("import sqlalchemy as sa\nfrom alembic import op\nfrom app.models import Order\n"
		 "import os.path, json as j\n"
		 "def upgrade():\n    op.drop_table('old')\n"
		 "def upgrade():\n    op.create_table('new')\n");
	cr_assert_eq(m.upgrade.n_ops, 1);
	cr_expect_str_eq(up(0)->call.name, "create_table");
	cr_assert_eq(m.n_imports, 5);
	cr_expect_str_eq(m.imports[0].module, "sqlalchemy");
	cr_expect_str_eq(m.imports[2].module, "app.models");
	cr_expect_eq(m.imports[2].line, 3);
	cr_expect_str_eq(m.imports[3].module, "os.path");
	cr_expect_str_eq(m.imports[4].module, "json");
}

Test(migration, deep_nesting_does_not_exhaust_the_stack)
{
	static char src[200000];
	size_t n = 0;

	n += (size_t)sprintf(src + n, "def upgrade():\n    op.execute(");
	for (int i = 0; i < 20000; i++)
		src[n++] = '[';
	for (int i = 0; i < 20000; i++)
		src[n++] = ']';
	n += (size_t)sprintf(src + n, ")\n");
	cr_assert_eq(migration_read(parser, src, n, &m, &err), 0);
	cr_expect_eq(m.upgrade.n_ops, 1);
}

/* What upgrade() and downgrade() do, read without running them. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <string.h>

#include "migreview/migration.h"
#include "migreview/rules.h"

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
	cr_assert_eq(m.upgrade.n_ops, 6, "the loop over two literals is walked twice");
	cr_expect_str_eq(up(0)->call.args[0].text, "A");
	cr_expect_str_eq(up(1)->call.args[0].text, "B");
	cr_expect_str_eq(up(2)->call.args[0].text, "x");
	cr_expect_str_eq(up(3)->call.args[0].text, "y");
	cr_expect_str_eq(up(5)->call.name, "bulk_insert");
	cr_expect_eq(up(5)->call.args[1].kind, PYARG_LIST);
	cr_expect_eq(up(5)->call.args[1].items[0].kind, PYARG_OTHER, "a dict is kept as source");
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

Test(migration, helpers_are_walked_at_each_call_with_literal_arguments)
{
	read_src("TABLE = 'orders'\n"
		 "def _drop_column(table, col='note', *rest):\n"
		 "    op.drop_column(table, col)\n"
		 "def setup_trigrams():\n"
		 "    import app.models\n"
		 "    op.execute('CREATE EXTENSION pg_trgm')\n"
		 "def upgrade():\n"
		 "    setup_trigrams()\n"
		 "    _drop_column(TABLE, 'total')\n"
		 "    _drop_column(col=7, table='items')\n"
		 "    _drop_column(some.name)\n"
		 "def downgrade():\n"
		 "    setup_trigrams()\n");
	cr_assert_eq(m.upgrade.n_ops, 4);
	cr_expect_str_eq(up(0)->call.name, "execute");
	cr_expect_eq(up(0)->call.line, 6, "an operation keeps its own line");
	cr_expect_str_eq(up(1)->call.callee, "op.drop_column");
	cr_expect_eq(up(1)->call.line, 3);
	cr_expect_eq(up(1)->call.args[0].kind, PYARG_STRING);
	cr_expect_str_eq(up(1)->call.args[0].text, "orders", "a module constant passed through");
	cr_expect_str_eq(up(1)->call.args[1].text, "total");
	cr_expect_str_eq(up(2)->call.args[0].text, "items", "keyword arguments bind by name");
	cr_expect_eq(up(2)->call.args[1].kind, PYARG_NUMBER);
	cr_expect_str_eq(up(2)->call.args[1].text, "7");
	cr_expect_eq(up(3)->call.args[0].kind, PYARG_NAME, "an argument that is not known stays a name");
	cr_expect_str_eq(up(3)->call.args[1].text, "note", "a default is the parameter's value");
	cr_assert_eq(m.downgrade.n_ops, 1, "a helper called from both is in both");
	cr_expect_eq(m.downgrade.ops[0].call.line, 6);
	cr_expect_eq(m.n_imports, 1, "an import in a helper called twice is listed once");
}

Test(migration, helpers_receive_connections_batch_aliases_and_the_autocommit_block)
{
	read_src("def _cleanup(batch, conn, ctx):\n"
		 "    batch.drop_column('x')\n"
		 "    conn.execute(sa.text('DELETE FROM t'))\n"
		 "    with ctx.autocommit_block():\n"
		 "        op.create_index('a', 't', ['x'], postgresql_concurrently=True)\n"
		 "def _index():\n"
		 "    op.create_index('b', 't', ['y'], postgresql_concurrently=True)\n"
		 "def upgrade():\n"
		 "    conn = op.get_bind()\n"
		 "    with op.batch_alter_table('orders') as b:\n"
		 "        _cleanup(b, conn, op.get_context())\n"
		 "    with op.get_context().autocommit_block():\n"
		 "        _index()\n"
		 "    _index()\n");
	cr_assert_eq(m.upgrade.n_ops, 5);
	cr_expect_str_eq(up(0)->batch_table, "orders");
	cr_expect(up(1)->via_bind);
	cr_expect(up(2)->in_autocommit);
	cr_expect(up(3)->in_autocommit, "the block around the call counts inside the helper");
	cr_expect_not(up(4)->in_autocommit);
}

Test(migration, recursion_between_helpers_ends)
{
	static char src[4096];
	size_t n = 0;

	read_src("def a(t):\n"
		 "    op.execute('A')\n"
		 "    b(t)\n"
		 "def b(t):\n"
		 "    op.execute('B')\n"
		 "    a(t)\n"
		 "def r():\n"
		 "    op.execute('R')\n"
		 "    r()\n"
		 "def upgrade():\n"
		 "    a('x')\n"
		 "    r()\n"
		 "    upgrade()\n");
	cr_assert_eq(m.upgrade.n_ops, 3, "a function already being walked is not walked again");
	cr_expect_str_eq(up(1)->call.args[0].text, "B");
	cr_expect_str_eq(up(2)->call.args[0].text, "R");
	migration_free(&m);

	/* ten calls at each of ten levels: 10^10 walks, were nothing bounded */
	for (int level = 0; level < 10; level++) {
		n += (size_t)sprintf(src + n, "def f%d():\n    op.execute('x')\n", level);
		for (int k = 0; k < 10; k++)
			n += (size_t)sprintf(src + n, "    f%d()\n", level + 1);
	}
	n += (size_t)sprintf(src + n, "def f10():\n    pass\ndef upgrade():\n    f0()\n");
	cr_assert_eq(migration_read(parser, src, n, &m, &err), 0);
	cr_expect_gt(m.upgrade.n_ops, 8);
	cr_expect_leq(m.upgrade.n_ops, 1001);
}

Test(migration, names_bound_to_literals_are_resolved)
{
	read_src("TABLE = 'share_instances'\n"
		 "IX = f'ix_{TABLE}_' 'host'\n"
		 "LATER = 'first'\n"
		 "def upgrade():\n"
		 "    op.create_index(IX, TABLE, ['host'])\n"
		 "    op.create_index(f'ix_{TABLE}_{{x}}', TABLE, ['x'])\n"
		 "    op.create_index(op.f('ix_users_email'), 'users', ['email'])\n"
		 "    name = 'uq_%s_%s' % (TABLE, 'x')\n"
		 "    op.drop_constraint(name, 'orders' + '_v2')\n"
		 "    name = compute()\n"
		 "    op.drop_constraint(name, f'{TABLE!r}')\n"
		 "    for t in TABLES:\n"
		 "        op.drop_table(t)\n"
		 "    op.drop_table(LATER)\n"
		 "    op.drop_table(f'a\\n{TABLE}')\n"
		 "LATER = 'last'\n");
	cr_assert_eq(m.upgrade.n_ops, 8);
	cr_expect_str_eq(up(0)->call.args[0].text, "ix_share_instances_host");
	cr_expect_str_eq(up(0)->call.args[1].text, "share_instances");
	cr_expect_eq(up(0)->call.args[1].line, 5, "the position is the argument's");
	cr_expect_str_eq(up(1)->call.args[0].text, "ix_share_instances_{x}");
	cr_expect_eq(up(2)->call.args[0].kind, PYARG_STRING);
	cr_expect_str_eq(up(2)->call.args[0].text, "ix_users_email");
	cr_expect_str_eq(up(3)->call.args[0].text, "uq_share_instances_x");
	cr_expect_str_eq(up(3)->call.args[1].text, "orders_v2");
	cr_expect_eq(up(4)->call.args[0].kind, PYARG_NAME, "a name bound again to a call is not known");
	cr_expect_eq(up(4)->call.args[1].kind, PYARG_OTHER, "!r changes the text");
	cr_expect_eq(up(5)->call.args[0].kind, PYARG_NAME, "a loop variable is not known");
	cr_expect_str_eq(up(6)->call.args[0].text, "last", "the module is read before upgrade() runs");
	cr_expect_eq(up(7)->call.args[0].kind, PYARG_OTHER, "an f-string with an escape is not decoded");
}

Test(migration, parenthesised_with_and_a_context_held_in_a_name)
{
	read_src("def upgrade():\n"
		 "    with (op.batch_alter_table('orders') as b):\n"
		 "        b.drop_column('x')\n"
		 "    with (op.batch_alter_table('a') as ba, op.batch_alter_table(T) as bc):\n"
		 "        bc.drop_column('y')\n"
		 "    with (\n"
		 "        op.batch_alter_table('items') as bi,\n"
		 "    ):\n"
		 "        bi.drop_column('z')\n"
		 "    ctx = op.get_context()\n"
		 "    with ctx.autocommit_block():\n"
		 "        op.create_index('i', 't', ['x'], postgresql_concurrently=True)\n"
		 "    with (op.get_context().autocommit_block()):\n"
		 "        op.create_index('j', 't', ['x'], postgresql_concurrently=True)\n"
		 "    with other.autocommit_block():\n"
		 "        op.create_index('k', 't', ['x'], postgresql_concurrently=True)\n");
	cr_assert_eq(m.upgrade.n_ops, 6);
	cr_expect_str_eq(up(0)->batch_table, "orders");
	cr_expect_str_eq(up(0)->call.name, "drop_column");
	cr_expect_str_eq(up(1)->batch_table, "", "a batch table whose name is not known");
	cr_expect_str_eq(up(2)->batch_table, "items");
	cr_expect(up(3)->in_autocommit);
	cr_expect(up(4)->in_autocommit);
	cr_expect_not(up(5)->in_autocommit);
}

/* rucio calls the operations it imports from alembic.op by their bare names */
Test(migration, operations_imported_from_alembic_op_or_under_another_name)
{
	read_src("from alembic.op import create_index, drop_column as dc  # noqa\n"
		 "from alembic import op as alembic_op\n"
		 "import alembic.op as o2\n"
		 "def upgrade():\n"
		 "    create_index('ix_a', 'orders', ['a'])\n"
		 "    alembic_op.add_column('orders', sa.Column('b', sa.Text()))\n"
		 "    o2.drop_table('carts')\n"
		 "    dc('orders', 'c')\n"
		 "    create_table('not_alembic')\n"
		 "    helpers.create_index('x', 'y', ['z'])\n");
	cr_assert_eq(m.upgrade.n_ops, 3, "a renamed operation and other modules' functions are not followed");
	cr_expect_str_eq(up(0)->call.name, "create_index");
	cr_expect_str_eq(up(1)->call.name, "add_column");
	cr_expect_str_eq(up(2)->call.name, "drop_table");
}

/* op.execute("COMMIT") ends the migration's transaction: what follows runs outside one */
Test(migration, commit_ends_the_transaction_until_a_begin)
{
	read_src("def upgrade():\n"
		 "    op.create_index('i', 't', ['x'], postgresql_concurrently=True)\n"
		 "    op.execute('COMMIT')\n"
		 "    op.create_index('j', 't', ['x'], postgresql_concurrently=True)\n"
		 "    op.execute(sa.text(' begin; '))\n"
		 "    op.create_index('k', 't', ['x'], postgresql_concurrently=True)\n"
		 "    op.execute('COMMIT; SELECT 1')\n"
		 "    op.create_index('l', 't', ['x'], postgresql_concurrently=True)\n");
	cr_assert_eq(m.upgrade.n_ops, 7);
	cr_expect_not(up(0)->in_autocommit);
	cr_expect(up(2)->in_autocommit);
	cr_expect_not(up(4)->in_autocommit, "after BEGIN");
	cr_expect_not(up(6)->in_autocommit, "COMMIT with more SQL after it is not the idiom");
}

/* neutron and manila loop over the tables a change is for: each pass names its table */
Test(migration, loops_over_literal_strings_are_walked_once_per_item)
{
	read_src("TABLES = ('ports', 'networks')\n"
		 "def upgrade():\n"
		 "    for t in TABLES:\n"
		 "        op.add_column(t, sa.Column('x', sa.Integer()))\n"
		 "    for name in ['a', 'b_' + 'c']:\n"
		 "        op.drop_column(name, 'y')\n"
		 "    else:\n"
		 "        op.drop_table(name)\n"
		 "    for row in rows:\n"
		 "        op.drop_column(row, 'z')\n"
		 "    TABLES = ('local',)\n"
		 "    for t in TABLES:\n"
		 "        op.drop_column(t, 'w')\n");
	cr_assert_eq(m.upgrade.n_ops, 7);
	cr_expect_str_eq(pycall_arg(&up(0)->call, 0, NULL)->text, "ports");
	cr_expect_str_eq(pycall_arg(&up(1)->call, 0, NULL)->text, "networks");
	cr_expect_str_eq(pycall_arg(&up(2)->call, 0, NULL)->text, "a");
	cr_expect_str_eq(pycall_arg(&up(3)->call, 0, NULL)->text, "b_c");
	cr_expect_neq(pycall_arg(&up(4)->call, 0, NULL)->kind, PYARG_STRING,
		      "after the loop its name is not known");
	cr_expect_neq(pycall_arg(&up(5)->call, 0, NULL)->kind, PYARG_STRING, "rows is not known");
	cr_expect_eq(up(6)->call.line, 13, "a local TABLES is not the module's: walked once");
}

/* rucio and glance guard each dialect's DDL with the dialect's name */
Test(migration, branches_on_the_dialects_name_say_where_their_operations_run)
{
	read_src("MYSQL = 'mysql'\n"
		 "def upgrade():\n"
		 "    if context.get_context().dialect.name in ['oracle', 'mysql']:\n"
		 "        op.drop_column('a', 'x')\n"
		 "    elif op.get_bind().dialect.name == 'postgresql':\n"
		 "        op.drop_column('b', 'x')\n"
		 "    else:\n"
		 "        op.drop_column('c', 'x')\n"
		 "    if bind.dialect.name != 'sqlite' and feature_on:\n"
		 "        op.drop_column('d', 'x')\n"
		 "    if not (engine.dialect.name == 'mysql' or engine.dialect.name == 'sqlite'):\n"
		 "        op.drop_column('e', 'x')\n"
		 "    op.drop_column('f', 'x')\n"
		 "    if connection.engine.name == 'mysql':\n"
		 "        op.drop_column('g', 'x')\n"
		 "    dialect = context.get_context().dialect.name\n"
		 "    if dialect == MYSQL:\n"
		 "        op.drop_column('h', 'x')\n");
	cr_assert_eq(m.upgrade.n_ops, 8);
	cr_expect_eq(up(7)->not_on, DIALECT_POSTGRESQL | DIALECT_SQLITE,
		     "a name holding the dialect's name, against a constant");
	cr_expect_eq(up(6)->not_on, DIALECT_POSTGRESQL | DIALECT_SQLITE, "an Engine's name");
	cr_expect_eq(up(0)->not_on, DIALECT_POSTGRESQL | DIALECT_SQLITE);
	cr_expect_eq(up(1)->not_on, DIALECT_MYSQL | DIALECT_SQLITE);
	cr_expect_eq(up(2)->not_on, DIALECT_POSTGRESQL | DIALECT_MYSQL, "else: sqlite (or oracle)");
	cr_expect_eq(up(3)->not_on, 0, "a condition on more than the dialect says nothing");
	cr_expect_eq(up(4)->not_on, DIALECT_MYSQL | DIALECT_SQLITE);
	cr_expect_eq(up(5)->not_on, 0);
}

/* manila keeps a Column in a name and adds it: the argument reads as the Column */
Test(migration, a_local_name_for_a_sqlalchemy_construct_reads_as_it)
{
	read_src("def upgrade():\n"
		 "    is_public = sql.Column('is_public', sql.Boolean)\n"
		 "    op.add_column('share_types', is_public)\n"
		 "    other = compute()\n"
		 "    op.add_column('share_types', other)\n"
		 "    is_public = 'no longer a column'\n"
		 "    op.add_column('share_types', is_public)\n");
	cr_assert_eq(m.upgrade.n_ops, 3);
	cr_assert_eq(up(0)->call.args[1].kind, PYARG_CALL);
	cr_expect_str_eq(up(0)->call.args[1].call->name, "Column");
	cr_expect_str_eq(pycall_arg(up(0)->call.args[1].call, 0, NULL)->text, "is_public");
	cr_expect_neq(up(1)->call.args[1].kind, PYARG_CALL, "a function's result is not known");
	cr_expect_eq(up(2)->call.args[1].kind, PYARG_STRING, "bound again to a string");
}

/* Where a packed migration (migration_pack()) keeps everything: its one block. */
static const char *block_start, *block_end;

static void
expect_in_block(const void *p, const char *what)
{
	cr_expect(!p || ((const char *)p >= block_start && (const char *)p < block_end),
		  "%s lies outside the migration's block", what);
}

static void expect_call_in_block(const struct pycall *c);

static void
expect_args_in_block(const struct pyarg *v, size_t n)
{
	expect_in_block(v, "arguments");
	for (size_t i = 0; i < n; i++) {
		expect_in_block(v[i].keyword, v[i].keyword);
		expect_in_block(v[i].text, v[i].text);
		expect_in_block(v[i].call, "a call");
		if (v[i].call)
			expect_call_in_block(v[i].call);
		expect_args_in_block(v[i].items, v[i].n_items);
	}
}

static void
expect_call_in_block(const struct pycall *c)
{
	expect_in_block(c->callee, c->callee);
	cr_expect(c->name >= c->callee && c->name < c->callee + strlen(c->callee),
		  "%s: the name is the callee's last component", c->callee);
	expect_args_in_block(c->args, c->n_args);
}

/*
 * A project's migrations are all kept while it is analysed: each is one
 * allocation, which holds a string once however often it comes.
 */
Test(migration, everything_a_migration_holds_is_in_one_block)
{
	const struct migration_fn *fns[] = { &m.upgrade, &m.downgrade };

	read_src("from alembic import op, op as o\n"
		 "from alembic.op import drop_column\n"
		 "import sqlalchemy as sa\n"
		 "kind = sa.Enum('a', 'b', name='kind')\n"
		 "def upgrade():\n"
		 "    o.add_column('t', sa.Column('c', sa.String(20), nullable=False))\n"
		 "    with op.batch_alter_table('u', schema='s') as b:\n"
		 "        b.create_index('ix', ['x', 'y'], postgresql_where=None)\n"
		 "    o.bulk_insert(t, [], multiinsert=sa.true())\n"
		 "def downgrade():\n"
		 "    drop_column('t', 'c')\n");
	cr_assert(m.block, "the migration is packed");
	block_start = m.block;
	block_end = block_start + malloc_usable_size(m.block);
	cr_assert_eq(m.upgrade.n_ops, 3);
	cr_expect_str_eq(m.upgrade.ops[1].batch_table, "s.u");
	cr_assert_eq(m.upgrade.ops[2].call.args[1].kind, PYARG_LIST);
	cr_expect(m.upgrade.ops[2].call.args[1].items, "an empty list still has items");
	cr_expect_eq(m.upgrade.ops[2].call.args[1].items, m.upgrade.ops[2].call.args[2].call->args,
		     "one empty array stands for all");
	cr_expect_eq(m.upgrade.ops[0].call.args[0].text, m.downgrade.ops[0].call.args[0].text,
		     "a string is kept once");
	for (size_t f = 0; f < MR_ARRAY_SIZE(fns); f++) {
		expect_in_block(fns[f]->ops, "operations");
		cr_expect_eq(fns[f]->cap_ops, fns[f]->n_ops);
		for (size_t i = 0; i < fns[f]->n_ops; i++) {
			expect_call_in_block(&fns[f]->ops[i].call);
			expect_in_block(fns[f]->ops[i].batch_table, "batch_table");
			expect_in_block(fns[f]->ops[i].table_key, "table_key");
		}
	}
	cr_assert_eq(m.n_imports, 3);
	expect_in_block(m.imports, "imports");
	for (size_t i = 0; i < m.n_imports; i++)
		expect_in_block(m.imports[i].module, m.imports[i].module);
	cr_assert_eq(m.n_aliases, 1);
	expect_in_block(m.aliases, "aliases");
	expect_in_block(m.aliases[0].name, m.aliases[0].name);
	expect_call_in_block(&m.aliases[0].call);
	cr_assert_eq(m.op_names.n, 1);
	cr_expect_str_eq(m.op_names.v[0], "o");
	expect_in_block(m.op_names.v, "op_names");
	expect_in_block(m.op_names.v[0], "an op name");
	cr_assert_eq(m.op_functions.n, 1);
	expect_in_block(m.op_functions.v[0], "an op function");
}

/* Past the strings a pack looks for again, the others are kept each time they come. */
Test(migration, a_migration_of_many_distinct_strings_packs_whole)
{
	size_t size = 64 + 1100 * 40, len;
	char *src = malloc(size), name[32];

	cr_assert(src);
	len = (size_t)snprintf(src, size, "def upgrade():\n");
	for (int i = 0; i < 1100; i++)
		len += (size_t)snprintf(src + len, size - len, "    op.drop_table('t%d', 'same')\n", i);
	read_src(src);
	free(src);
	cr_assert(m.block);
	block_start = m.block;
	block_end = block_start + malloc_usable_size(m.block);
	cr_assert_eq(m.upgrade.n_ops, 1100);
	for (size_t i = 0; i < 1100; i++) {
		snprintf(name, sizeof(name), "t%zu", i);
		cr_assert_str_eq(m.upgrade.ops[i].call.args[0].text, name);
		cr_assert_str_eq(m.upgrade.ops[i].call.args[1].text, "same");
		expect_call_in_block(&m.upgrade.ops[i].call);
	}
}

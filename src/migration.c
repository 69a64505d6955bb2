/* What upgrade() and downgrade() do, read from the parse tree. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migreview/migration.h"
#include "migreview/rules.h"
#include "migreview/schema.h"
#include "migreview/util.h"
#include "pyscope.h"

/* Deeper nesting than this is not walked: no Python migration needs it. */
#define MAX_DEPTH 200
/* Helpers calling helpers deeper than this are not followed (recursion ends here too). */
#define MAX_CALL_DEPTH 8
/*
 * At most so many helper calls are followed in one upgrade() or downgrade(),
 * and none once it has so many operations or the walk has seen so many
 * nodes: a file of a few MiB calling a large helper a thousand times must
 * neither fill the memory nor take minutes.
 */
#define MAX_INLINED 1000
#define MAX_INLINED_OPS 20000
#define MAX_WALKED_NODES 1000000

/* What following helpers has cost so far in one upgrade() or downgrade(). */
struct follow_cost {
	size_t calls;
	size_t nodes;
};

/* What the whole module offers the functions it runs: its constants and its functions. */
struct module {
	struct pyscope globals;
	struct strvec fn_names;         /* module-level def names, the latest last */
	TSNode *fn_defs;                /* ... and their function_definition nodes, in step */
	size_t cap_fn_defs;
};

struct walker {
	const char *src;
	struct migration *m;
	struct migration_fn *fn;
	const struct module *mod;
	struct pyscope scope;           /* the function's own names; outer: the module's */
	struct strvec batch_aliases;    /* names bound by batch_alter_table(...) as NAME */
	struct strvec batch_tables;     /* ... and their tables, in step */
	struct strvec binds;            /* names bound to op.get_bind() */
	struct strvec contexts;         /* names bound to op.get_context() */
	bool in_autocommit;
	unsigned not_on;                /* dialects the enclosing if-branches exclude */
	struct strvec dialect_names;    /* names bound to the dialect's name: d = bind.dialect.name */
	struct strvec call_names;       /* local names bound to a call: col = sa.Column("x", ...) */
	TSNode *call_nodes;             /* ... and the call, in step (null once rebound) */
	size_t cap_call_nodes;
	int depth;
	TSNode def;                     /* the function walked */
	const struct walker *caller;    /* the walker of the function that called this one */
	struct follow_cost *cost;       /* shared by upgrade() or downgrade() and its helpers */
};

/* The source of n without blanks: "op.get_context()\n  .autocommit_block". */
static char *
compact_text(const char *src, TSNode n)
{
	char *t = pysrc_node_text(src, n), *o = t;

	if (!t)
		return NULL;
	for (const char *p = t; *p; p++)
		if (!isspace((unsigned char)*p))
			*o++ = *p;
	*o = '\0';
	return t;
}

/* The identifier an attribute chain starts from: op in op.get_bind().execute. */
static TSNode
chain_root(TSNode n)
{
	for (;;) {
		if (pysrc_node_is(n, "attribute"))
			n = pysrc_field(n, PYSRC_FIELD_OBJECT);
		else if (pysrc_node_is(n, "call"))
			n = pysrc_field(n, PYSRC_FIELD_FUNCTION);
		else
			return n;
		if (ts_node_is_null(n))
			return n;
	}
}

static void
set_pos(TSNode n, unsigned *line, unsigned *col)
{
	TSPoint p = ts_node_start_point(n);

	*line = p.row + 1;
	*col = p.column + 1;
}

static int read_call(struct walker *w, TSNode call, struct pycall *out);
static void pyarg_free(struct pyarg *a);
static void pycall_free(struct pycall *c);

static TSNode
unwrap_parens(TSNode n)
{
	while (pysrc_node_is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
		n = ts_node_named_child(n, 0);
	return n;
}

static int read_value(struct walker *w, TSNode v, struct pyarg *a);

static int
read_items(struct walker *w, TSNode seq, struct pyarg *a)
{
	uint32_t n = ts_node_named_child_count(seq);

	a->kind = PYARG_LIST;
	/* n counts comments too; one for none, as calloc(0) may give NULL */
	a->items = calloc(n ? n : 1, sizeof(*a->items));
	if (!a->items)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		TSNode item = ts_node_named_child(seq, i);

		if (pysrc_node_is(item, "comment"))
			continue;
		if (read_value(w, item, &a->items[a->n_items++]) < 0)
			return -1;
	}
	return 0;
}

/* Is call op.f(...)? */
static bool
is_op_f(const char *src, TSNode call)
{
	TSNode fn = pysrc_field(call, PYSRC_FIELD_FUNCTION);
	char *text = ts_node_is_null(fn) ? NULL : compact_text(src, fn);
	bool yes = text && !strcmp(text, "op.f");

	free(text);
	return yes;
}

/* A name or string built from known values: TABLE, f"ix_{TABLE}_x", op.f("ix_x").  1, 0, -1. */
static int
read_const(struct walker *w, TSNode v, struct pyarg *a)
{
	enum pyarg_kind kind;
	int rc;

	if (!pysrc_node_is(v, "string") && !pysrc_node_is(v, "concatenated_string") &&
	    !pysrc_node_is(v, "identifier") && !pysrc_node_is(v, "binary_operator") && !pysrc_node_is(v, "call"))
		return 0;
	rc = pyconst_eval(w->src, v, &w->scope, &kind, &a->text);
	if (rc != 1)
		return rc;
	a->kind = kind;
	/* op.f("ix_x"): a name no naming convention changes (naming.h) */
	a->final = pysrc_node_is(v, "call") && is_op_f(w->src, v);
	return a->text || (a->text = mr_strdup("None")) ? 1 : -1;
}

/* The call a local name stands for, or a null node. */
static TSNode
local_call(const struct walker *w, TSNode id)
{
	for (size_t i = 0; i < w->call_names.n; i++)
		if (pysrc_node_text_is(w->src, id, w->call_names.v[i]))
			return w->call_nodes[i];
	return (TSNode){ 0 };
}

static int
read_value(struct walker *w, TSNode v, struct pyarg *a)
{
	const char *type;
	TSNode call;
	int rc;

	set_pos(v, &a->line, &a->col);
	v = unwrap_parens(v);
	/* sa.text("UPDATE ... :x").bindparams(x=1): the parameters leave the SQL as written */
	while (pysrc_node_is(v, "call")) {
		TSNode fn = pysrc_field(v, PYSRC_FIELD_FUNCTION);
		TSNode obj = pysrc_node_is(fn, "attribute") ? pysrc_field(fn, PYSRC_FIELD_OBJECT) :
			     (TSNode){ 0 };
		TSNode attr = pysrc_node_is(fn, "attribute") ? pysrc_field(fn, PYSRC_FIELD_ATTRIBUTE) :
			      (TSNode){ 0 };

		if (ts_node_is_null(obj) || !pysrc_node_is(obj, "call") ||
		    (!pysrc_node_text_is(w->src, attr, "bindparams") && !pysrc_node_text_is(w->src, attr, "execution_options")))
			break;
		v = obj;
	}
	type = ts_node_type(v);
	if ((rc = read_const(w, v, a)) != 0)
		return rc < 0 ? -1 : 0;
	if (!strcmp(type, "string") || !strcmp(type, "concatenated_string")) {
		rc = pysrc_string(w->src, v, &a->text);
		if (rc != 0) {
			a->kind = PYARG_STRING;
			return rc < 0 ? -1 : 0;
		}
		a->kind = PYARG_OTHER;  /* an f-string with fields, bytes */
	} else if (!strcmp(type, "integer") || !strcmp(type, "float") ||
		   (!strcmp(type, "unary_operator") &&
		    (pysrc_node_is(ts_node_named_child(v, 0), "integer") ||
		     pysrc_node_is(ts_node_named_child(v, 0), "float")))) {
		a->kind = PYARG_NUMBER;
	} else if (!strcmp(type, "true") || !strcmp(type, "false")) {
		a->kind = PYARG_BOOL;
	} else if (!strcmp(type, "none")) {
		a->kind = PYARG_NONE;
	} else if (!strcmp(type, "identifier") && !ts_node_is_null(call = local_call(w, v)) &&
		   w->depth < MAX_DEPTH) {
		/* a local name for a call reads as the call, at the name's position */
		a->kind = PYARG_CALL;
		a->call = calloc(1, sizeof(*a->call));
		if (!a->call)
			return -1;
		w->depth++;
		rc = read_call(w, call, a->call);
		w->depth--;
		return rc;
	} else if (!strcmp(type, "identifier") || !strcmp(type, "attribute")) {
		a->kind = PYARG_NAME;
	} else if (!strcmp(type, "call") && w->depth < MAX_DEPTH) {
		a->kind = PYARG_CALL;
		a->call = calloc(1, sizeof(*a->call));
		if (!a->call)
			return -1;
		w->depth++;
		rc = read_call(w, v, a->call);
		w->depth--;
		return rc;
	} else if ((!strcmp(type, "list") || !strcmp(type, "tuple")) && w->depth < MAX_DEPTH) {
		w->depth++;
		rc = read_items(w, v, a);
		w->depth--;
		return rc;
	} else {
		a->kind = PYARG_OTHER;
	}
	a->text = pysrc_node_text(w->src, v);
	return a->text ? 0 : -1;
}

static int
read_call(struct walker *w, TSNode call, struct pycall *out)
{
	TSNode fn = pysrc_field(call, PYSRC_FIELD_FUNCTION);
	TSNode args = pysrc_field(call, PYSRC_FIELD_ARGUMENTS);
	TSPoint end = ts_node_end_point(call);
	uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
	const char *dot;

	set_pos(call, &out->line, &out->col);
	out->end_line = end.row + 1;
	out->end_col = end.column + 1;
	out->callee = compact_text(w->src, fn);
	if (!out->callee)
		return -1;
	dot = strrchr(out->callee, '.');
	out->name = dot ? dot + 1 : out->callee;
	out->args = calloc(n ? n : 1, sizeof(*out->args));
	if (!out->args)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		TSNode arg = ts_node_named_child(args, i);
		struct pyarg *a;

		if (pysrc_node_is(arg, "comment"))
			continue;
		a = &out->args[out->n_args++];
		if (pysrc_node_is(arg, "keyword_argument")) {
			TSNode name = pysrc_field(arg, PYSRC_FIELD_NAME);

			a->keyword = pysrc_node_text(w->src, name);
			if (!a->keyword || read_value(w, pysrc_field(arg, PYSRC_FIELD_VALUE), a) < 0)
				return -1;
		} else if (read_value(w, arg, a) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Is this a call migreview follows: on op, a batch alias or a bind? */
static bool
is_op_call(const struct walker *w, TSNode call, const char **batch_table, bool *via_bind)
{
	TSNode root = chain_root(pysrc_field(call, PYSRC_FIELD_FUNCTION));
	char name[64];
	uint32_t len;

	*batch_table = NULL;
	*via_bind = false;
	if (ts_node_is_null(root) || !pysrc_node_is(root, "identifier"))
		return false;
	len = ts_node_end_byte(root) - ts_node_start_byte(root);
	if (len >= sizeof(name))
		return false;
	memcpy(name, w->src + ts_node_start_byte(root), len);
	name[len] = '\0';
	/* the latest binding of a name wins, as in Python */
	for (size_t i = w->batch_aliases.n; i-- > 0;) {
		if (!strcmp(w->batch_aliases.v[i], name)) {
			*batch_table = w->batch_tables.v[i];
			return true;
		}
	}
	if (strvec_contains(&w->binds, name)) {
		*via_bind = true;
		return true;
	}
	/* create_index(...) imported from alembic.op is called bare: the root is the callee */
	if (ts_node_eq(root, pysrc_field(call, PYSRC_FIELD_FUNCTION)))
		return strvec_contains(&w->m->op_functions, name);
	return !strcmp(name, "op") || strvec_contains(&w->m->op_names, name);
}

/* Is the SQL call executes exactly word ("COMMIT", "commit;", text("COMMIT"))? */
static bool
is_statement(const struct pycall *call, const char *word)
{
	const struct pyarg *a = pycall_arg(call, 0, NULL);
	const char *text, *end;
	size_t len = strlen(word);

	if (a && a->kind == PYARG_CALL && !strcmp(a->call->name, "text"))
		a = pycall_arg(a->call, 0, NULL);
	if (!a || a->kind != PYARG_STRING)
		return false;
	for (text = a->text; isspace((unsigned char)*text); text++)
		;
	if (strncasecmp(text, word, len) != 0)
		return false;
	for (end = text + len; isspace((unsigned char)*end) || *end == ';'; end++)
		;
	return *end == '\0';
}

static int
add_op(struct walker *w, TSNode call, const char *batch_table, bool via_bind)
{
	struct migration_fn *fn = w->fn;
	struct migration_op *op;

	if (mr_grow(&fn->ops, &fn->cap_ops, fn->n_ops + 1, sizeof(*fn->ops)) < 0)
		return -1;
	op = &fn->ops[fn->n_ops++];
	memset(op, 0, sizeof(*op));
	op->in_autocommit = w->in_autocommit;
	op->via_bind = via_bind;
	op->not_on = w->not_on;
	if (batch_table && !(op->batch_table = mr_strdup(batch_table)))
		return -1;
	if (read_call(w, call, &op->call) < 0)
		return -1;
	/*
	 * op.execute("COMMIT") ends the migration's transaction, and what follows
	 * runs outside one until a BEGIN: the idiom that ran CREATE INDEX
	 * CONCURRENTLY before autocommit_block() existed (hypothesis/h).
	 */
	if (!strcmp(op->call.name, "execute") && is_statement(&op->call, "COMMIT"))
		w->in_autocommit = op->ends_transaction = true;
	else if (!strcmp(op->call.name, "execute") && is_statement(&op->call, "BEGIN"))
		w->in_autocommit = false;
	return 0;
}

static int walk(struct walker *w, TSNode n);
static int read_import(struct migration *m, const char *src, TSNode stmt);

static int
walk_children(struct walker *w, TSNode n)
{
	TSTreeCursor c = ts_tree_cursor_new(n);
	int rc = 0;

	for (bool more = ts_tree_cursor_goto_first_child(&c); more && rc == 0;
	     more = ts_tree_cursor_goto_next_sibling(&c)) {
		TSNode child = ts_tree_cursor_current_node(&c);

		if (ts_node_is_named(child))
			rc = walk(w, child);
	}
	ts_tree_cursor_delete(&c);
	return rc;
}

/* The table of batch_alter_table("t", schema="s"): "s.t" (see schema.h), "t", or "" when
 * the name cannot be known. */
static char *
batch_table_key(const struct pycall *bc, const struct pyarg *table)
{
	const struct pyarg *schema = pycall_arg(bc, (size_t)-1, "schema");

	if (!table || table->kind != PYARG_STRING)
		return mr_strdup("");
	if (schema && schema->kind == PYARG_STRING && schema->text[0] &&
	    strcmp(schema->text, "public") != 0)
		return mr_printf("%s.%s", schema->text, table->text);
	return mr_strdup(table->text);
}

/* ctx.autocommit_block() on ctx = op.get_context(), or op.get_context().autocommit_block(). */
static bool
is_autocommit_block(const struct walker *w, const char *callee)
{
	static const char suffix[] = ".autocommit_block";
	size_t len = strlen(callee), root;

	if (len <= strlen(suffix) || strcmp(callee + len - strlen(suffix), suffix) != 0)
		return false;
	root = len - strlen(suffix);
	if (root == strlen("op.get_context()") && !strncmp(callee, "op.get_context()", root))
		return true;
	for (size_t i = 0; i < w->contexts.n; i++)
		if (strlen(w->contexts.v[i]) == root && !strncmp(callee, w->contexts.v[i], root))
			return true;
	return false;
}

/* One context manager of a with: a call, or a call as NAME. */
static int
with_item(struct walker *w, TSNode value)
{
	TSNode call = value, alias = { 0 };
	char *callee;
	int rc = 0;

	if (pysrc_node_is(value, "as_pattern")) {
		call = unwrap_parens(ts_node_named_child(value, 0));
		alias = pysrc_field(value, PYSRC_FIELD_ALIAS);
		/* whatever it was, the name now holds the context manager */
		if (!ts_node_is_null(alias) &&
		    pyscope_forget(&w->scope, w->src, ts_node_named_child(alias, 0)) < 0)
			return -1;
	}
	if (!pysrc_node_is(call, "call"))
		return walk(w, value);
	if (!(callee = compact_text(w->src, pysrc_field(call, PYSRC_FIELD_FUNCTION))))
		return -1;
	if (is_autocommit_block(w, callee)) {
		w->in_autocommit = true;
	} else if (!strcmp(callee, "op.batch_alter_table") && !ts_node_is_null(alias)) {
		struct pycall bc = { 0 };
		const struct pyarg *table;

		rc = read_call(w, call, &bc);
		table = rc == 0 ? pycall_arg(&bc, 0, "table_name") : NULL;
		/* "" is a table whose name cannot be known */
		if (rc == 0 && (strvec_push_owned(&w->batch_aliases,
						  compact_text(w->src, ts_node_named_child(alias, 0))) < 0 ||
				strvec_push_owned(&w->batch_tables, batch_table_key(&bc, table)) < 0))
			rc = -1;
		pycall_free(&bc);
	} else {
		rc = walk(w, value);
	}
	free(callee);
	return rc;
}

/*
 * with op.batch_alter_table("t") as b: ... / with op.get_context().autocommit_block(): ...
 * Python 3.10's parenthesised form, with (a as b, c):, may parse as one item holding a
 * parenthesised expression or a tuple: its parts are the context managers.
 */
static int
walk_with(struct walker *w, TSNode with)
{
	TSNode clause = ts_node_named_child(with, 0);
	size_t aliases = w->batch_aliases.n;
	bool autocommit = w->in_autocommit;
	uint32_t n = ts_node_named_child_count(clause);
	int rc = 0;

	for (uint32_t i = 0; i < n && rc == 0; i++) {
		TSNode value = pysrc_field(ts_node_named_child(clause, i), PYSRC_FIELD_VALUE);

		if (ts_node_is_null(value))
			continue;
		value = unwrap_parens(value);
		if (!pysrc_node_is(value, "tuple")) {
			rc = with_item(w, value);
			continue;
		}
		for (uint32_t k = 0; k < ts_node_named_child_count(value) && rc == 0; k++)
			if (!pysrc_node_is(ts_node_named_child(value, k), "comment"))
				rc = with_item(w, unwrap_parens(ts_node_named_child(value, k)));
	}
	if (rc == 0)
		rc = walk(w, pysrc_field(with, PYSRC_FIELD_BODY));
	while (w->batch_aliases.n > aliases) {
		free(w->batch_aliases.v[--w->batch_aliases.n]);
		free(w->batch_tables.v[--w->batch_tables.n]);
	}
	w->in_autocommit = autocommit;
	return rc;
}

/*
 * NAME = value: conn = op.get_bind() and ctx = op.get_context() are followed,
 * TABLE = "orders" (or any literal, or a string built from known names) is
 * known from here on, and any other value makes the name unknown.
 */
static bool takes_bind(const struct walker *w, TSNode call);
static bool is_dialect_name(const struct walker *w, TSNode n);

/*
 * session = sa.orm.Session(bind=op.get_bind()): an ORM session on the
 * migration's connection writes through it, as the connection does.
 */
static bool
is_session(const struct walker *w, const char *callee, TSNode call)
{
	size_t len = strlen(callee);

	return len >= 7 && !strcmp(callee + len - 7, "Session") && takes_bind(w, call);
}

bool
migration_core_statement(const char *callee)
{
	static const char *const verbs[] = { "select", "insert", "update", "delete" };
	size_t end = strcspn(callee, "("), start = end;

	while (start > 0 && (isalnum((unsigned char)callee[start - 1]) || callee[start - 1] == '_'))
		start--;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (end - start == strlen(verbs[i]) && !strncmp(callee + start, verbs[i], end - start))
			return true;
	return false;
}

/*
 * name = sa.Column("is_public", sa.Boolean) in a function: an argument that
 * names it later reads as the call (manila's op.add_column("t", is_public)),
 * and so does stmt = sa.select(...) (op.execute(stmt) runs the statement, as
 * op.execute(sa.select(...)) does).  Bound to anything else, the name no
 * longer stands for a call.
 */
static int
note_call(struct walker *w, const char *name, TSNode right)
{
	TSNode call = unwrap_parens(right);
	bool construct = false;
	size_t i;

	/* a SQLAlchemy construct (Column, Table, Enum, sa.table, sa.text): not any call */
	if (pysrc_node_is(call, "call")) {
		char *callee = compact_text(w->src, pysrc_field(call, PYSRC_FIELD_FUNCTION));
		const char *last = callee ? strrchr(callee, '.') : NULL;

		if (!callee)
			return -1;
		last = last ? last + 1 : callee;
		construct = isupper((unsigned char)last[0]) || !strcmp(last, "table") ||
			    !strcmp(last, "column") || !strcmp(last, "text") ||
			    migration_core_statement(callee);
		free(callee);
	}
	for (i = 0; i < w->call_names.n && strcmp(w->call_names.v[i], name); i++)
		;
	if (i == w->call_names.n) {
		if (!construct)
			return 0;
		if (mr_grow(&w->call_nodes, &w->cap_call_nodes, i + 1, sizeof(*w->call_nodes)) < 0 ||
		    strvec_push(&w->call_names, name) < 0)
			return -1;
	}
	w->call_nodes[i] = construct ? call : (TSNode){ 0 };
	return 0;
}

static int
note_assignment(struct walker *w, TSNode asg)
{
	TSNode left = pysrc_field(asg, PYSRC_FIELD_LEFT);
	TSNode right = pysrc_field(asg, PYSRC_FIELD_RIGHT);
	enum pyarg_kind kind;
	char *callee = NULL, *name, *text = NULL;
	int rc;

	if (ts_node_is_null(left) || ts_node_is_null(right))
		return 0;
	if (!pysrc_node_is(left, "identifier"))
		return pyscope_forget(&w->scope, w->src, left);
	if (!(name = pysrc_node_text(w->src, left)))
		return -1;
	if (note_call(w, name, right) < 0) {
		free(name);
		return -1;
	}
	rc = pyconst_eval(w->src, right, &w->scope, &kind, &text);
	if (rc == 1)
		rc = pyscope_bind(&w->scope, name, kind, text);
	else if (rc == 0)
		rc = pyscope_bind(&w->scope, name, PYARG_OTHER, NULL);
	free(text);
	/* dialect = context.get_context().dialect.name: later tests of it test the dialect */
	if (rc == 0 && (pysrc_node_is(right, "attribute") && is_dialect_name(w, right)) &&
	    !strvec_contains(&w->dialect_names, name))
		rc = strvec_push(&w->dialect_names, name);
	if (rc == 0 && pysrc_node_is(right, "call") &&
	    !(callee = compact_text(w->src, pysrc_field(right, PYSRC_FIELD_FUNCTION))))
		rc = -1;
	if (rc == 0 && callee && (!strcmp(callee, "op.get_bind") || is_session(w, callee, right)))
		rc = strvec_push(&w->binds, name);
	else if (rc == 0 && callee && !strcmp(callee, "op.get_context"))
		rc = strvec_push(&w->contexts, name);
	free(callee);
	free(name);
	return rc;
}

/* sa.Enum(..., name="x").drop(op.get_bind()): a call handed the connection. */
static bool
takes_bind(const struct walker *w, TSNode call)
{
	TSNode args = pysrc_field(call, PYSRC_FIELD_ARGUMENTS);
	uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);

	for (uint32_t i = 0; i < n; i++) {
		TSNode a = ts_node_named_child(args, i);
		const char *text;
		size_t len;

		if (pysrc_node_is(a, "keyword_argument"))
			a = pysrc_field(a, PYSRC_FIELD_VALUE);
		if (ts_node_is_null(a))
			continue;
		text = w->src + ts_node_start_byte(a);
		len = ts_node_end_byte(a) - ts_node_start_byte(a);
		if (pysrc_node_is(a, "call") && len >= 11 && !memcmp(text, "op.get_bind", 11))
			return true;
		for (size_t k = 0; pysrc_node_is(a, "identifier") && k < w->binds.n; k++)
			if (strlen(w->binds.v[k]) == len && !memcmp(w->binds.v[k], text, len))
				return true;
	}
	return false;
}

/* op.get_bind() and op.get_context() change nothing by themselves. */
static bool
is_accessor(const char *src, TSNode call)
{
	TSNode fn = pysrc_field(call, PYSRC_FIELD_FUNCTION);
	const char *text = src + ts_node_start_byte(fn);
	size_t len = ts_node_end_byte(fn) - ts_node_start_byte(fn);

	return (len == 11 && !memcmp(text, "op.get_bind", 11)) ||
	       (len == 14 && !memcmp(text, "op.get_context", 14));
}

/* The module-level function a call such as setup_trigrams() or _drop(t, c) runs, if any. */
static bool
helper_def(const struct walker *w, TSNode call, TSNode *def)
{
	TSNode fn = pysrc_field(call, PYSRC_FIELD_FUNCTION);
	size_t len;

	if (ts_node_is_null(fn) || !pysrc_node_is(fn, "identifier"))
		return false;
	len = ts_node_end_byte(fn) - ts_node_start_byte(fn);
	for (size_t i = w->mod->fn_names.n; i-- > 0;) {
		if (strlen(w->mod->fn_names.v[i]) == len &&
		    !memcmp(w->mod->fn_names.v[i], w->src + ts_node_start_byte(fn), len)) {
			*def = w->mod->fn_defs[i];
			return true;
		}
	}
	return false;
}

/* Not a function already being walked (recursion), not too deep, not too many. */
static bool
may_follow(const struct walker *w, TSNode def)
{
	int depth = 0;

	if (w->cost->calls >= MAX_INLINED || w->cost->nodes >= MAX_WALKED_NODES ||
	    w->fn->n_ops >= MAX_INLINED_OPS)
		return false;
	for (const struct walker *c = w; c; c = c->caller, depth++)
		if (depth >= MAX_CALL_DEPTH || ts_node_eq(c->def, def))
			return false;
	return true;
}

/*
 * Binds parameter name of the helper callee to the argument value (NULL: not
 * passed): a literal or known string, or a connection, migration context or
 * batch alias of the caller w; anything else is unknown.
 */
static int
bind_param(const struct walker *w, struct walker *callee, const char *name, TSNode value)
{
	enum pyarg_kind kind;
	char *text = NULL;
	int rc = ts_node_is_null(value) ? 0 : pyconst_eval(w->src, value, &w->scope, &kind, &text);

	if (rc == 1)
		rc = pyscope_bind(&callee->scope, name, kind, text);
	else if (rc == 0)
		rc = pyscope_bind(&callee->scope, name, PYARG_OTHER, NULL);
	free(text);
	if (rc < 0 || ts_node_is_null(value))
		return rc < 0 ? -1 : 0;
	if (pysrc_node_is(value, "call") && pysrc_node_text_is(w->src, pysrc_field(value, PYSRC_FIELD_FUNCTION),
					      "op.get_bind"))
		return strvec_push(&callee->binds, name);
	if (pysrc_node_is(value, "call") && pysrc_node_text_is(w->src, pysrc_field(value, PYSRC_FIELD_FUNCTION),
					      "op.get_context"))
		return strvec_push(&callee->contexts, name);
	if (!pysrc_node_is(value, "identifier"))
		return 0;
	for (size_t i = w->batch_aliases.n; i-- > 0;)
		if (pysrc_node_text_is(w->src, value, w->batch_aliases.v[i]))
			return strvec_push(&callee->batch_aliases, name) < 0 ||
			       strvec_push(&callee->batch_tables, w->batch_tables.v[i]) < 0 ? -1 : 0;
	for (size_t i = 0; i < w->binds.n; i++)
		if (pysrc_node_text_is(w->src, value, w->binds.v[i]))
			return strvec_push(&callee->binds, name);
	for (size_t i = 0; i < w->contexts.n; i++)
		if (pysrc_node_text_is(w->src, value, w->contexts.v[i]))
			return strvec_push(&callee->contexts, name);
	return 0;
}

/* The argument of call args for the parameter at position pos or named name; null if none. */
static TSNode
call_arg(const char *src, TSNode args, uint32_t pos, bool keyword_only, const char *name,
	 bool *unknown)
{
	uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args), positional = 0;
	TSNode none = { 0 };

	*unknown = false;
	for (uint32_t i = 0; i < n; i++) {
		TSNode a = ts_node_named_child(args, i);

		if (pysrc_node_is(a, "keyword_argument")) {
			if (pysrc_node_text_is(src, pysrc_field(a, PYSRC_FIELD_NAME), name))
				return pysrc_field(a, PYSRC_FIELD_VALUE);
		} else if (pysrc_node_is(a, "list_splat") || pysrc_node_is(a, "dictionary_splat")) {
			*unknown = true;        /* f(*args), f(**kw): any parameter may come from it */
		} else if (!pysrc_node_is(a, "comment") && positional++ == pos && !keyword_only) {
			return a;
		}
	}
	return none;
}

/* def helper(table, col="x", *rest, **kw): each parameter bound as the call at args binds it. */
static int
bind_params(const struct walker *w, struct walker *callee, TSNode def, TSNode args)
{
	TSNode params = pysrc_field(def, PYSRC_FIELD_PARAMETERS);
	uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params), pos = 0;
	bool keyword_only = false;
	struct walker module = { .src = w->src, .scope = { .outer = &w->mod->globals } };

	for (uint32_t i = 0; i < n; i++) {
		TSNode p = ts_node_named_child(params, i), name = p, dflt = { 0 }, value;
		bool unknown;
		char *text;
		int rc;

		if (pysrc_node_is(p, "keyword_separator") || pysrc_node_is(p, "list_splat_pattern") ||
		    pysrc_node_is(p, "dictionary_splat_pattern")) {
			keyword_only = true;
			if (pyscope_forget(&callee->scope, w->src, ts_node_named_child(p, 0)) < 0)
				return -1;
			continue;
		}
		if (pysrc_node_is(p, "default_parameter") || pysrc_node_is(p, "typed_default_parameter")) {
			name = pysrc_field(p, PYSRC_FIELD_NAME);
			dflt = pysrc_field(p, PYSRC_FIELD_VALUE);
		} else if (pysrc_node_is(p, "typed_parameter")) {
			name = ts_node_named_child(p, 0);
		}
		if (!pysrc_node_is(name, "identifier"))
			continue;       /* the / separator */
		if (!(text = pysrc_node_text(w->src, name)))
			return -1;
		value = call_arg(w->src, args, pos++, keyword_only, text, &unknown);
		/* a default is evaluated where the def is, in the module's scope */
		if (!ts_node_is_null(value))
			rc = bind_param(w, callee, text, value);
		else
			rc = bind_param(&module, callee, text, unknown ? value : dflt);
		free(text);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void
walker_free(struct walker *w)
{
	pyscope_free(&w->scope);
	strvec_free(&w->batch_aliases);
	strvec_free(&w->batch_tables);
	strvec_free(&w->binds);
	strvec_free(&w->dialect_names);
	strvec_free(&w->call_names);
	free(w->call_nodes);
	strvec_free(&w->contexts);
}

/*
 * setup_trigrams() / _drop_column("orders", "note"): the helper's operations
 * are this function's, in call order, at their own lines in the file; the
 * helper sees the literal arguments, the connections and batch aliases passed
 * to it, and whether the call sits in an autocommit block.
 */
static int
walk_helper(struct walker *w, TSNode call, TSNode def)
{
	TSNode args = pysrc_field(call, PYSRC_FIELD_ARGUMENTS);
	struct walker callee = { .src = w->src, .m = w->m, .fn = w->fn, .mod = w->mod,
				 .scope = { .outer = &w->mod->globals },
				 .in_autocommit = w->in_autocommit, .depth = w->depth + 1,
				 .def = def, .caller = w, .cost = w->cost };
	int rc;

	/* the arguments run first, and may hold operations themselves */
	if ((rc = walk(w, args)) < 0 || !may_follow(w, def))
		return rc;
	w->cost->calls++;
	rc = bind_params(w, &callee, def, args);
	if (rc == 0)
		rc = walk(&callee, pysrc_field(def, PYSRC_FIELD_BODY));
	walker_free(&callee);
	return rc;
}

/* Most items a for loop over literals is walked once for each: more is data, not DDL. */
#define MAX_UNROLL 32

/* The tuple or list literal name is last bound to at module level, or a null node. */
static TSNode
module_sequence(const char *src, TSNode any, TSNode name)
{
	TSNode root = ts_tree_root_node(any.tree), found = { 0 };

	for (uint32_t i = 0; i < ts_node_named_child_count(root); i++) {
		TSNode stmt = ts_node_named_child(root, i), asg, left;

		if (!pysrc_node_is(stmt, "expression_statement"))
			continue;
		asg = ts_node_named_child(stmt, 0);
		if (ts_node_is_null(asg) || !pysrc_node_is(asg, "assignment"))
			continue;
		left = pysrc_field(asg, PYSRC_FIELD_LEFT);
		if (pysrc_node_is(left, "identifier") &&
		    ts_node_end_byte(left) - ts_node_start_byte(left) ==
		    ts_node_end_byte(name) - ts_node_start_byte(name) &&
		    !memcmp(src + ts_node_start_byte(left), src + ts_node_start_byte(name),
			    ts_node_end_byte(name) - ts_node_start_byte(name)))
			found = unwrap_parens(pysrc_field(asg, PYSRC_FIELD_RIGHT));
	}
	return !ts_node_is_null(found) && (pysrc_node_is(found, "tuple") || pysrc_node_is(found, "list")) ?
	       found : (TSNode){ 0 };
}

/*
 * for t in ("quota_usages", "reservations"): / for t in TABLES: with TABLES a
 * module-level tuple of literals: the body is walked once per item with t
 * bound to it, so that its operations name their tables.  1 when unrolled,
 * 0 when the loop is not over known strings, -1 when memory runs out.
 */
static int
walk_for_literals(struct walker *w, TSNode loop)
{
	TSNode var = pysrc_field(loop, PYSRC_FIELD_LEFT);
	TSNode seq = unwrap_parens(pysrc_field(loop, PYSRC_FIELD_RIGHT));
	TSNode body = pysrc_field(loop, PYSRC_FIELD_BODY);
	char *name, *values[MAX_UNROLL];
	uint32_t n;
	int rc = 0;

	if (ts_node_is_null(var) || ts_node_is_null(seq) || ts_node_is_null(body) ||
	    !pysrc_node_is(var, "identifier"))
		return 0;
	if (pysrc_node_is(seq, "identifier")) {
		char *seq_name = pysrc_node_text(w->src, seq);
		size_t at;
		bool local;

		if (!seq_name)
			return -1;
		/* a name the function binds itself is not the module's tuple */
		local = strmap_get(&w->scope.index, seq_name, &at);
		free(seq_name);
		if (local)
			return 0;
		seq = module_sequence(w->src, loop, seq);
	}
	if (ts_node_is_null(seq) || (!pysrc_node_is(seq, "tuple") && !pysrc_node_is(seq, "list")))
		return 0;
	n = ts_node_named_child_count(seq);
	if (n == 0 || n > MAX_UNROLL)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		enum pyarg_kind kind;
		int known = pyconst_eval(w->src, ts_node_named_child(seq, i), &w->scope, &kind,
					 &values[i]);

		if (known != 1 || kind != PYARG_STRING) {
			if (known == 1)
				free(values[i]);
			for (uint32_t k = 0; k < i; k++)
				free(values[k]);
			return known < 0 ? -1 : 0;
		}
	}
	if (!(name = pysrc_node_text(w->src, var)))
		rc = -1;
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		rc = pyscope_bind(&w->scope, name, PYARG_STRING, values[i]);
		if (rc == 0) {
			w->depth++;
			rc = walk_children(w, body);
			w->depth--;
		}
	}
	for (uint32_t i = 0; i < n; i++)
		free(values[i]);
	free(name);
	/* after the loop the name holds the last item, or the loop did not run: unknown */
	if (rc == 0 && pyscope_forget(&w->scope, w->src, var) < 0)
		rc = -1;
	if (rc == 0)
		rc = walk(w, pysrc_field(loop, PYSRC_FIELD_ALTERNATIVE));
	return rc < 0 ? -1 : 1;
}

/* DIALECT_* of a dialect name SQLAlchemy gives (its mariadb is MySQL's); 0 for others. */
static unsigned
dialect_bit(const char *name)
{
	return !strcmp(name, "mariadb") ? DIALECT_MYSQL : dialect_parse(name);
}

/* The dialects a string or a list, tuple or set of strings names (*on); false if not that. */
static bool
named_dialects(const struct walker *w, TSNode n, unsigned *on)
{
	char *text;
	bool is_list = pysrc_node_is(n, "list") || pysrc_node_is(n, "tuple") || pysrc_node_is(n, "set");
	uint32_t count = is_list ? ts_node_named_child_count(n) : 1;

	*on = 0;
	for (uint32_t i = 0; i < count; i++) {
		TSNode item = is_list ? ts_node_named_child(n, i) : n;
		enum pyarg_kind kind;

		/* "mysql", or a name bound to it: MYSQL_ENGINE = "mysql" */
		if (pyconst_eval(w->src, item, &w->scope, &kind, &text) != 1)
			return false;
		if (kind == PYARG_STRING && text)
			*on |= dialect_bit(text);
		free(text);
		if (kind != PYARG_STRING)
			return false;
	}
	return true;
}

/* Does n read the dialect's name: bind.dialect.name, context.get_context().dialect.name? */
static bool
is_dialect_name(const struct walker *w, TSNode n)
{
	char *text = compact_text(w->src, n);
	size_t len = text ? strlen(text) : 0;
	/* ... .dialect.name, or an Engine's name: engine.name, connection.engine.name */
	bool yes = text && (strvec_contains(&w->dialect_names, text) ||
			    (len >= strlen(".dialect.name") &&
			     !strcmp(text + len - strlen(".dialect.name"), ".dialect.name")) ||
			    (len >= strlen("engine.name") &&
			     !strcmp(text + len - strlen("engine.name"), "engine.name")));

	free(text);
	return yes;
}

/*
 * The dialects on which condition n is true (*on), when it tests only the
 * dialect's name: ... .dialect.name == "postgresql", != , in [...], not in,
 * and not / and / or of such tests.  false when it tests anything else.
 */
static bool
dialect_condition(const struct walker *w, TSNode n, unsigned *on)
{
	const char *src = w->src;
	unsigned a, b;

	n = unwrap_parens(n);
	if (pysrc_node_is(n, "not_operator")) {
		if (!dialect_condition(w, pysrc_field(n, PYSRC_FIELD_ARGUMENT), &a))
			return false;
		*on = DIALECT_ANY & ~a;
		return true;
	}
	if (pysrc_node_is(n, "boolean_operator")) {
		TSNode op = pysrc_field(n, PYSRC_FIELD_OPERATOR);

		if (!dialect_condition(w, pysrc_field(n, PYSRC_FIELD_LEFT), &a) ||
		    !dialect_condition(w, pysrc_field(n, PYSRC_FIELD_RIGHT), &b))
			return false;
		*on = pysrc_node_text_is(src, op, "and") ? a & b : a | b;
		return true;
	}
	if (pysrc_node_is(n, "comparison_operator") && ts_node_named_child_count(n) == 2 &&
	    is_dialect_name(w, ts_node_named_child(n, 0)) &&
	    named_dialects(w, ts_node_named_child(n, 1), &a)) {
		/* the operator: the unnamed children between the two operands */
		bool negated = false, known = false;

		for (uint32_t i = 0; i < ts_node_child_count(n); i++) {
			TSNode c = ts_node_child(n, i);

			if (ts_node_is_named(c))
				continue;
			if (pysrc_node_text_is(src, c, "==") || pysrc_node_text_is(src, c, "in"))
				known = true;
			else if (pysrc_node_text_is(src, c, "!=") || pysrc_node_text_is(src, c, "not in"))
				known = negated = true;
			else if (pysrc_node_text_is(src, c, "not"))
				negated = true;
		}
		if (!known)
			return false;
		*on = negated ? DIALECT_ANY & ~a : a;
		return true;
	}
	return false;
}

/*
 * if / elif / else on the dialect's name: each branch's operations are kept
 * from running on the dialects its condition (and the earlier ones) exclude.
 */
static int
walk_if(struct walker *w, TSNode n)
{
	unsigned saved = w->not_on, left = DIALECT_ANY, on;
	bool chain = true;      /* every condition so far tested the dialect only */
	int rc = walk(w, pysrc_field(n, PYSRC_FIELD_CONDITION));

	if (rc == 0) {
		bool known = dialect_condition(w, pysrc_field(n, PYSRC_FIELD_CONDITION), &on);

		w->not_on = saved | (known ? DIALECT_ANY & ~on : 0);
		rc = walk(w, pysrc_field(n, PYSRC_FIELD_CONSEQUENCE));
		chain = known;
		left &= known ? ~on : DIALECT_ANY;
	}
	for (uint32_t i = 0; rc == 0 && i < ts_node_named_child_count(n); i++) {
		TSNode alt = ts_node_named_child(n, i);

		if (pysrc_node_is(alt, "elif_clause")) {
			TSNode cond = pysrc_field(alt, PYSRC_FIELD_CONDITION);
			bool known;

			w->not_on = saved;
			if ((rc = walk(w, cond)) < 0)
				break;
			known = dialect_condition(w, cond, &on);
			w->not_on = saved | (chain && known ? DIALECT_ANY & ~(on & left) :
					     known ? DIALECT_ANY & ~on : 0);
			rc = walk(w, pysrc_field(alt, PYSRC_FIELD_CONSEQUENCE));
			chain = chain && known;
			left &= known ? ~on : DIALECT_ANY;
		} else if (pysrc_node_is(alt, "else_clause")) {
			w->not_on = saved | (chain ? DIALECT_ANY & ~left : 0);
			rc = walk(w, pysrc_field(alt, PYSRC_FIELD_BODY));
		}
	}
	w->not_on = saved;
	return rc;
}

static int
walk(struct walker *w, TSNode n)
{
	const char *batch_table;
	bool via_bind;
	TSNode def;
	int rc;

	if (ts_node_is_null(n) || w->depth >= MAX_DEPTH)
		return 0;
	w->cost->nodes++;
	if (pysrc_node_is(n, "call") && is_op_call(w, n, &batch_table, &via_bind))
		return is_accessor(w->src, n) ? 0 : add_op(w, n, batch_table, via_bind);
	if (pysrc_node_is(n, "call") && helper_def(w, n, &def))
		return walk_helper(w, n, def);
	if (pysrc_node_is(n, "call") && takes_bind(w, n))
		return add_op(w, n, NULL, true);
	if (pysrc_node_is(n, "assignment") && note_assignment(w, n) < 0)
		return -1;
	if (pysrc_node_is(n, "for_statement") && (rc = walk_for_literals(w, n)) != 0)
		return rc < 0 ? -1 : 0;
	if ((pysrc_node_is(n, "for_statement") || pysrc_node_is(n, "for_in_clause") ||
	     pysrc_node_is(n, "augmented_assignment")) &&
	    pyscope_forget(&w->scope, w->src, pysrc_field(n, PYSRC_FIELD_LEFT)) < 0)
		return -1;
	if (pysrc_node_is(n, "import_statement") || pysrc_node_is(n, "import_from_statement"))
		return read_import(w->m, w->src, n);
	w->depth++;
	rc = pysrc_node_is(n, "with_statement") ? walk_with(w, n) :
	     pysrc_node_is(n, "if_statement") ? walk_if(w, n) : walk_children(w, n);
	w->depth--;
	return rc;
}

/* raise NotImplementedError / raise NotImplementedError("...") */
static bool
raises_not_implemented(const char *src, TSNode stmt)
{
	TSNode e;
	size_t len = strlen("NotImplementedError");

	if (!pysrc_node_is(stmt, "raise_statement") || ts_node_named_child_count(stmt) == 0)
		return false;
	e = ts_node_named_child(stmt, 0);
	if (pysrc_node_is(e, "call"))
		e = pysrc_field(e, PYSRC_FIELD_FUNCTION);
	return ts_node_end_byte(e) - ts_node_start_byte(e) == len &&
	       !memcmp(src + ts_node_start_byte(e), "NotImplementedError", len);
}

/* A body that does nothing: pass, ..., docstrings, raise NotImplementedError. */
static void
classify_body(const char *src, TSNode body, struct migration_fn *fn)
{
	uint32_t n = ts_node_named_child_count(body);

	fn->empty = true;
	for (uint32_t i = 0; i < n; i++) {
		TSNode s = ts_node_named_child(body, i);
		TSNode e = ts_node_named_child(s, 0);

		if (pysrc_node_is(s, "comment") || pysrc_node_is(s, "pass_statement"))
			continue;
		if (raises_not_implemented(src, s)) {
			fn->not_implemented = true;
			continue;
		}
		if (pysrc_node_is(s, "expression_statement") && ts_node_named_child_count(s) == 1 &&
		    (pysrc_node_is(e, "string") || pysrc_node_is(e, "ellipsis")))
			continue;
		fn->empty = false;
	}
}

static int
read_function(struct migration *m, const struct module *mod, const char *src, TSNode def,
	      struct migration_fn *fn)
{
	struct follow_cost cost = { 0 };
	struct walker w = { .src = src, .m = m, .fn = fn, .mod = mod,
			    .scope = { .outer = &mod->globals }, .def = def, .cost = &cost };
	TSNode body = pysrc_field(def, PYSRC_FIELD_BODY);
	int rc;

	/* a later definition replaces an earlier one, as in Python */
	for (size_t i = 0; i < fn->n_ops; i++) {
		pycall_free(&fn->ops[i].call);
		free(fn->ops[i].batch_table);
		free(fn->ops[i].table_key);
	}
	fn->n_ops = 0;
	fn->present = true;
	fn->not_implemented = false;
	set_pos(def, &fn->line, &fn->col);
	if (ts_node_is_null(body))
		return 0;
	classify_body(src, body, fn);
	rc = walk(&w, body);
	walker_free(&w);
	return rc;
}

static int
add_import(struct migration *m, const char *src, TSNode name)
{
	struct migration_import *imp;
	TSPoint at = ts_node_start_point(name);

	/* a helper called twice imports once */
	for (size_t i = 0; i < m->n_imports; i++)
		if (m->imports[i].line == at.row + 1 && m->imports[i].col == at.column + 1)
			return 0;
	if (mr_grow(&m->imports, &m->cap_imports, m->n_imports + 1, sizeof(*m->imports)) < 0)
		return -1;
	imp = &m->imports[m->n_imports];
	set_pos(name, &imp->line, &imp->col);
	if (!(imp->module = compact_text(src, name)))
		return -1;
	m->n_imports++;
	return 0;
}

/*
 * Names that call alembic's operations other than op.X: rucio writes
 * `from alembic.op import create_index` and calls create_index(...), others
 * `from alembic import op as alembic_op` or `import alembic.op as o`.
 */
static int
note_op_names(struct migration *m, const char *src, TSNode stmt, TSNode module)
{
	bool from_op = pysrc_node_text_is(src, module, "alembic.op");

	for (uint32_t i = 0; i < ts_node_named_child_count(stmt); i++) {
		TSNode item = ts_node_named_child(stmt, i), name = item, alias = { 0 };

		/* the imported names: what is not the module_name, a comment or a * */
		if ((!ts_node_is_null(module) && ts_node_eq(item, module)) ||
		    (!pysrc_node_is(item, "dotted_name") && !pysrc_node_is(item, "aliased_import")))
			continue;
		if (pysrc_node_is(item, "aliased_import")) {
			name = pysrc_field(item, PYSRC_FIELD_NAME);
			alias = pysrc_field(item, PYSRC_FIELD_ALIAS);
		}
		/* an operation under another name would not be known by its name: left out */
		if (from_op && ts_node_is_null(alias) &&
		    strvec_push_owned(&m->op_functions, pysrc_node_text(src, name)) < 0)
			return -1;
		if (!ts_node_is_null(alias) &&
		    ((!from_op && pysrc_node_text_is(src, module, "alembic") && pysrc_node_text_is(src, name, "op")) ||
		     (ts_node_is_null(module) && pysrc_node_text_is(src, name, "alembic.op"))) &&
		    strvec_push_owned(&m->op_names, pysrc_node_text(src, alias)) < 0)
			return -1;
	}
	return 0;
}

/* import a.b, c as d / from a.b import x */
static int
read_import(struct migration *m, const char *src, TSNode stmt)
{
	uint32_t n = ts_node_named_child_count(stmt);

	if (pysrc_node_is(stmt, "import_from_statement")) {
		TSNode module = pysrc_field(stmt, PYSRC_FIELD_MODULE_NAME);

		return note_op_names(m, src, stmt, module) < 0 ? -1 : add_import(m, src, module);
	}
	if (note_op_names(m, src, stmt, (TSNode){ 0 }) < 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		TSNode name = ts_node_named_child(stmt, i);

		if (pysrc_node_is(name, "aliased_import"))
			name = pysrc_field(name, PYSRC_FIELD_NAME);
		if (pysrc_node_is(name, "dotted_name") && add_import(m, src, name) < 0)
			return -1;
	}
	return 0;
}

/* NAME = call(...) at module level, kept so that type_=NAME can be resolved. */
static int
read_alias(struct migration *m, const struct module *mod, const char *src, TSNode stmt)
{
	TSNode asg = ts_node_named_child(stmt, 0), left, right;
	struct walker w = { .src = src, .m = m, .mod = mod, .scope = { .outer = &mod->globals } };
	struct migration_alias *a;

	if (ts_node_is_null(asg) || !pysrc_node_is(asg, "assignment"))
		return 0;
	left = pysrc_field(asg, PYSRC_FIELD_LEFT);
	right = pysrc_field(asg, PYSRC_FIELD_RIGHT);
	if (ts_node_is_null(left) || ts_node_is_null(right) || !pysrc_node_is(left, "identifier") ||
	    !pysrc_node_is(right, "call"))
		return 0;
	if (mr_grow(&m->aliases, &m->cap_aliases, m->n_aliases + 1, sizeof(*m->aliases)) < 0)
		return -1;
	a = &m->aliases[m->n_aliases++];
	memset(a, 0, sizeof(*a));
	if (!(a->name = pysrc_node_text(src, left)))
		return -1;
	return read_call(&w, right, &a->call);
}

const struct pycall *
migration_alias(const struct migration *m, const char *name)
{
	for (size_t i = m->n_aliases; name && i-- > 0;)
		if (!strcmp(m->aliases[i].name, name))
			return &m->aliases[i].call;
	return NULL;
}

int
migration_read(struct pysrc_parser *parser, const char *src, size_t len,
	       struct migration *m, struct mr_error *err)
{
	TSTree *tree = pysrc_parse(parser, src, len, NULL);
	int rc;

	memset(m, 0, sizeof(*m));
	if (!tree)
		return mr_error_set(err, "tree-sitter could not parse the file");
	rc = migration_from_tree(tree, src, m, err);
	ts_tree_delete(tree);
	return rc;
}

/* NAME = value at module level: a constant the functions see, or unknown from here on. */
static int
read_module_name(struct module *mod, const char *src, TSNode stmt)
{
	TSNode asg = ts_node_named_child(stmt, 0), left, right;
	enum pyarg_kind kind;
	char *name, *text = NULL;
	int rc;

	if (ts_node_is_null(asg) || !pysrc_node_is(asg, "assignment"))
		return 0;
	left = pysrc_field(asg, PYSRC_FIELD_LEFT);
	right = pysrc_field(asg, PYSRC_FIELD_RIGHT);
	if (ts_node_is_null(left) || !pysrc_node_is(left, "identifier"))
		return pyscope_forget(&mod->globals, src, left);
	if (!(name = pysrc_node_text(src, left)))
		return -1;
	rc = ts_node_is_null(right) ? 0 : pyconst_eval(src, right, &mod->globals, &kind, &text);
	if (rc == 1)
		rc = pyscope_bind(&mod->globals, name, kind, text);
	else if (rc == 0)
		rc = pyscope_bind(&mod->globals, name, PYARG_OTHER, NULL);
	free(text);
	free(name);
	return rc;
}

/* The module's constants and functions, read before any function runs, as Python does. */
static int
read_module(struct module *mod, TSTree *tree, const char *src)
{
	TSNode root = ts_tree_root_node(tree);
	uint32_t n = ts_node_named_child_count(root);

	for (uint32_t i = 0; i < n; i++) {
		TSNode stmt = ts_node_named_child(root, i);

		if (pysrc_node_is(stmt, "decorated_definition"))
			stmt = pysrc_field(stmt, PYSRC_FIELD_DEFINITION);
		if (pysrc_node_is(stmt, "expression_statement") && read_module_name(mod, src, stmt) < 0)
			return -1;
		if (!pysrc_node_is(stmt, "function_definition"))
			continue;
		if (mr_grow(&mod->fn_defs, &mod->cap_fn_defs, mod->fn_names.n + 1,
			    sizeof(*mod->fn_defs)) < 0)
			return -1;
		mod->fn_defs[mod->fn_names.n] = stmt;
		if (strvec_push_owned(&mod->fn_names,
				      pysrc_node_text(src, pysrc_field(stmt, PYSRC_FIELD_NAME))) < 0)
			return -1;
	}
	return 0;
}

static void
module_free(struct module *mod)
{
	pyscope_free(&mod->globals);
	strvec_free(&mod->fn_names);
	free(mod->fn_defs);
}

int
migration_from_tree(TSTree *tree, const char *src, struct migration *m, struct mr_error *err)
{
	struct module mod = { 0 };
	TSTreeCursor c;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = read_module(&mod, tree, src);
	c = ts_tree_cursor_new(ts_tree_root_node(tree));
	for (bool more = ts_tree_cursor_goto_first_child(&c); more && rc == 0;
	     more = ts_tree_cursor_goto_next_sibling(&c)) {
		TSNode stmt = ts_tree_cursor_current_node(&c), name;

		if (pysrc_node_is(stmt, "decorated_definition"))
			stmt = pysrc_field(stmt, PYSRC_FIELD_DEFINITION);
		if (pysrc_node_is(stmt, "import_statement") || pysrc_node_is(stmt, "import_from_statement")) {
			rc = read_import(m, src, stmt);
			continue;
		}
		if (pysrc_node_is(stmt, "expression_statement")) {
			rc = read_alias(m, &mod, src, stmt);
			continue;
		}
		if (!pysrc_node_is(stmt, "function_definition"))
			continue;
		name = pysrc_field(stmt, PYSRC_FIELD_NAME);
		if (ts_node_end_byte(name) - ts_node_start_byte(name) == 7 &&
		    !memcmp(src + ts_node_start_byte(name), "upgrade", 7))
			rc = read_function(m, &mod, src, stmt, &m->upgrade);
		else if (ts_node_end_byte(name) - ts_node_start_byte(name) == 9 &&
			 !memcmp(src + ts_node_start_byte(name), "downgrade", 9))
			rc = read_function(m, &mod, src, stmt, &m->downgrade);
	}
	ts_tree_cursor_delete(&c);
	if (rc == 0)
		rc = schema_qualify(m);
	/* the operations grew by doubling; a project's migrations are all kept at once */
	if (rc == 0)
		rc = migration_pack(m);
	module_free(&mod);
	if (rc < 0) {
		migration_free(m);
		return mr_error_oom(err);
	}
	return 0;
}

const struct pyarg *
pycall_arg(const struct pycall *call, size_t pos, const char *keyword)
{
	size_t positional = 0;

	for (size_t i = 0; i < call->n_args; i++) {
		const struct pyarg *a = &call->args[i];

		if (a->keyword ? keyword && !strcmp(a->keyword, keyword) : positional++ == pos)
			return a;
	}
	return NULL;
}

static void
pyarg_free(struct pyarg *a)
{
	free(a->keyword);
	free(a->text);
	if (a->call) {
		pycall_free(a->call);
		free(a->call);
	}
	for (size_t i = 0; i < a->n_items; i++)
		pyarg_free(&a->items[i]);
	free(a->items);
}

static void
pycall_free(struct pycall *c)
{
	for (size_t i = 0; i < c->n_args; i++)
		pyarg_free(&c->args[i]);
	free(c->args);
	free(c->callee);
	memset(c, 0, sizeof(*c));
}

static void
fn_free(struct migration_fn *fn)
{
	for (size_t i = 0; i < fn->n_ops; i++) {
		pycall_free(&fn->ops[i].call);
		free(fn->ops[i].batch_table);
		free(fn->ops[i].table_key);
	}
	free(fn->ops);
}

void
migration_free(struct migration *m)
{
	if (m->block) {
		free(m->block);
		memset(m, 0, sizeof(*m));
		return;
	}
	fn_free(&m->upgrade);
	fn_free(&m->downgrade);
	for (size_t i = 0; i < m->n_imports; i++)
		free(m->imports[i].module);
	free(m->imports);
	for (size_t i = 0; i < m->n_aliases; i++) {
		free(m->aliases[i].name);
		pycall_free(&m->aliases[i].call);
	}
	free(m->aliases);
	strvec_free(&m->op_names);
	strvec_free(&m->op_functions);
	memset(m, 0, sizeof(*m));
}

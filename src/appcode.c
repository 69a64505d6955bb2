/* The application's source, for rules that ask what running code uses. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "migreview/appcode.h"

/* Enough for any application; a monorepo beyond it is only partly read. */
#define MAX_FILES 20000
#define MAX_BYTES (64u << 20)

static const char *const skipped_dirs[] = {
	"__pycache__", "node_modules", "venv", "env", "site-packages", "build", "dist",
	/* what does not run in production: tests, documentation, other migrations */
	"tests", "test", "testing", "docs", "doc", "migrations",
};

/* Files of the same kind, by name: test modules and pytest's fixtures. */
static bool
skip_file(const char *name, size_t n)
{
	return !strncmp(name, "test_", 5) || (n > 8 && !strcmp(name + n - 8, "_test.py")) ||
	       !strcmp(name, "tests.py") || !strcmp(name, "conftest.py");
}

struct walk {
	struct appcode *a;
	const char *root;               /* what paths are shown relative to */
	struct strvec migrations;       /* real paths of script_location and the version locations */
	size_t bytes;
};

static bool
has_entry(const char *dir, const char *name)
{
	char *path = mr_path_join(dir, name);
	struct stat st;
	bool found = path && lstat(path, &st) == 0;

	free(path);
	return found;
}

static bool
skip_dir(const struct walk *w, const char *name, const char *full)
{
	if (name[0] == '.')
		return true;
	for (size_t i = 0; i < MR_ARRAY_SIZE(skipped_dirs); i++)
		if (!strcmp(name, skipped_dirs[i]))
			return true;
	/* the migrations are not the application, and neither is any Alembic script directory */
	return strvec_contains(&w->migrations, full) || has_entry(full, "env.py");
}

static int
add_file(struct walk *w, const char *full)
{
	char *text, *rel;
	size_t len;

	if (w->a->paths.n >= MAX_FILES ||
	    mr_read_file(full, MR_FILE_APPCODE, &text, &len, NULL) < 0)
		return 0;       /* unreadable application files are simply not searched */
	if (w->bytes + len > MAX_BYTES) {
		free(text);
		return 0;
	}
	w->bytes += len;
	rel = mr_path_relative(full, w->root);
	if (strvec_push_owned(&w->a->texts, text) < 0 || strvec_push_owned(&w->a->paths, rel) < 0)
		return -1;
	return 0;
}

/* Depth-first over directories, with an explicit stack: no recursion. */
static int
walk_tree(struct walk *w, const char *root)
{
	struct strvec todo = { 0 };
	int rc = strvec_push(&todo, root);

	while (rc == 0 && todo.n) {
		char *dir = todo.v[--todo.n];
		DIR *d = opendir(dir);
		struct dirent *de;

		while (d && rc == 0 && (de = readdir(d))) {
			struct stat st;
			char *full;
			size_t n = strlen(de->d_name);

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (!(full = mr_path_join(dir, de->d_name))) {
				rc = -1;
				break;
			}
			/* lstat: symlinks are not followed, so loops cannot trap the walk */
			if (lstat(full, &st) != 0) {
				free(full);
				continue;
			}
			if (S_ISDIR(st.st_mode) && !skip_dir(w, de->d_name, full)) {
				rc = strvec_push_owned(&todo, full);
				continue;
			}
			if (S_ISREG(st.st_mode) && n > 3 && !strcmp(de->d_name + n - 3, ".py") &&
			    !skip_file(de->d_name, n))
				rc = add_file(w, full);
			free(full);
		}
		if (d)
			closedir(d);
		free(dir);
	}
	strvec_free(&todo);
	return rc;
}

/*
 * The top of the project the migrations belong to: the nearest directory
 * from the script location upwards that holds .git, pyproject.toml, setup.py
 * or setup.cfg.  The application often sits beside the migrations (h/ beside
 * conf/alembic.ini) or above them (neutron/ above neutron/db/migration/), so
 * the ini's directory alone misses it; without any mark, it is that directory.
 */
static char *
project_top(const struct project *p)
{
	static const char *const marks[] = { ".git", "pyproject.toml", "setup.py", "setup.cfg" };
	char *dir = realpath(p->script_location ? p->script_location : p->root, NULL);

	while (dir && strcmp(dir, "/") != 0) {
		char *slash;

		for (size_t i = 0; i < MR_ARRAY_SIZE(marks); i++)
			if (has_entry(dir, marks[i]))
				return dir;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	free(dir);
	return realpath(p->root, NULL);
}

int
appcode_load(struct appcode *a, const struct project *p, struct mr_error *err)
{
	struct walk w = { a, NULL, { 0 }, 0 };
	char *top = project_top(p);
	int rc = 0;

	memset(a, 0, sizeof(*a));
	w.root = top ? top : p->root;
	/* the walk starts from the real root, so compare real paths */
	for (size_t i = 0; rc == 0 && i <= p->version_locations.n; i++) {
		const char *dir = i < p->version_locations.n ? p->version_locations.v[i] :
							      p->script_location;
		char *real = realpath(dir, NULL);

		if (real)
			rc = strvec_push_owned(&w.migrations, real);
	}
	if (rc == 0)
		rc = walk_tree(&w, w.root);
	strvec_free(&w.migrations);
	free(top);
	if (rc < 0) {
		appcode_free(a);
		return mr_error_oom(err);
	}
	return 0;
}

static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* The first whole-word occurrence of word in [text, end), or NULL. */
static const char *
find_word(const char *text, const char *end, const char *word)
{
	size_t n = strlen(word);

	/* bounded: a search inside one string or class must not read the rest of the file */
	for (const char *p = text; n && p < end && (p = memmem(p, (size_t)(end - p), word, n)); p++)
		if ((p == text || !is_word_char(p[-1])) && !is_word_char(p[n]))
			return p;
	return NULL;
}

static const char *
line_start(const char *text, const char *at)
{
	while (at > text && at[-1] != '\n')
		at--;
	return at;
}

static const char *
line_end(const char *at)
{
	const char *nl = strchr(at, '\n');

	return nl ? nl : at + strlen(at);
}

static size_t
indent_of(const char *line)
{
	return strspn(line, " \t");
}

/* A line with code on it: not blank, not only a comment. */
static bool
is_code_line(const char *line)
{
	char c = line[indent_of(line)];

	return c && c != '\n' && c != '#' && c != '\r';
}

/* A Python class: its name and the text of its body. */
struct pyclass {
	char name[128];
	const char *start, *body, *end;         /* the class line, its body, past its body */
};

/* The class statement that starts at line ("class Name(...):"), or false. */
static bool
read_class(const char *line, struct pyclass *cls)
{
	size_t indent = indent_of(line);
	const char *name = line + indent + 6, *e = name, *next;

	if (strncmp(line + indent, "class ", 6) != 0)
		return false;
	while (is_word_char(*e))
		e++;
	if (e == name || (size_t)(e - name) >= sizeof(cls->name))
		return false;
	snprintf(cls->name, sizeof(cls->name), "%.*s", (int)(e - name), name);
	cls->start = line;
	cls->body = *line_end(line) ? line_end(line) + 1 : line_end(line);
	/* the body ends at the first line of code indented no deeper than the class */
	for (cls->end = cls->body; *cls->end; cls->end = next) {
		if (is_code_line(cls->end) && indent_of(cls->end) <= indent)
			break;
		next = line_end(cls->end);
		if (*next)
			next++;
	}
	return true;
}

/* The class whose "class" keyword is at p, when p starts a line's code. */
static bool
class_at(const char *text, const char *p, struct pyclass *cls)
{
	const char *line = line_start(text, p);

	return p == line + indent_of(line) && read_class(line, cls);
}

/* A quoted string at p ('x' or "x") equal to s. */
static bool
quoted_is(const char *p, const char *s)
{
	size_t n = strlen(s);

	return (*p == '\'' || *p == '"') && !strncmp(p + 1, s, n) && p[n + 1] == *p;
}

/* "CamelCase" as Flask-SQLAlchemy names its table: "camel_case". */
static bool
snake_case_is(const char *name, const char *table)
{
	const char *t = table;

	for (const char *p = name; *p; p++) {
		bool upper = *p >= 'A' && *p <= 'Z';

		if (upper && p != name && *t++ != '_')
			return false;
		if (*t++ != (upper ? *p - 'A' + 'a' : *p))
			return false;
	}
	return *t == '\0';
}

/* Does class cls map table: __tablename__ = "table", or Flask-SQLAlchemy's implicit name? */
static bool
class_maps(const struct pyclass *cls, const char *table)
{
	const char *p = find_word(cls->body, cls->end, "__tablename__");
	const char *bases = cls->start + indent_of(cls->start) + 6 + strlen(cls->name);

	if (!p)         /* class User(db.Model): the table is "user" */
		return *bases == '(' && memmem(bases, (size_t)(line_end(bases) - bases), "Model", 5) &&
		       snake_case_is(cls->name, table);
	p += strlen("__tablename__");
	p += strspn(p, " \t");
	if (*p++ != '=')
		return false;
	p += strspn(p, " \t");
	return quoted_is(p, table);
}

/*
 * The column an attribute line declares: `col = Column(...)`, `col:
 * Mapped[...]`, or the name given first, `attr = Column("col", ...)`; NULL
 * when the line declares none.  The name is copied into buf.
 */
static const char *
declared_column(const char *line, char *buf, size_t size)
{
	static const char *const not_columns[] = { "relationship(", "association_proxy(", "synonym(" };
	const char *p = line + indent_of(line), *e = p, *end = line_end(line), *call;

	while (is_word_char(*e))
		e++;
	if (e == p || (e[strspn(e, " \t")] != '=' && e[strspn(e, " \t")] != ':'))
		return NULL;
	/* author: Mapped[User] = relationship(...) maps no column of its own */
	for (size_t i = 0; i < MR_ARRAY_SIZE(not_columns); i++)
		if (memmem(e, (size_t)(end - e), not_columns[i], strlen(not_columns[i])))
			return NULL;
	if ((call = memmem(e, (size_t)(end - e), "olumn(", 6))) {
		const char *q = call + 6;

		q += strspn(q, " \t");
		if (*q == '\'' || *q == '"') {
			snprintf(buf, size, "%.*s", (int)strcspn(q + 1, "'\"\n"), q + 1);
			return buf;
		}
	} else if (!memmem(e, (size_t)(end - e), "Mapped[", 7)) {
		return NULL;
	}
	snprintf(buf, size, "%.*s", (int)(e - p), p);
	return buf;
}

/* Does line (at a class body's indent) bind name: `name = ...`, `name: ...`, `def name(`? */
static bool
binds(const char *line, const char *name)
{
	const char *p = line + indent_of(line);
	size_t n = strlen(name);

	if (!strncmp(p, "def ", 4) || !strncmp(p, "async def ", 10))
		p = strchr(p, 'f') + 2;         /* past "def " */
	if (strncmp(p, name, n) != 0 || is_word_char(p[n]))
		return false;
	p += n + strspn(p + n, " \t");
	return *p == '=' || *p == ':' || *p == '(';
}

/*
 * The line in the class body that maps column, or NULL; *other is set when
 * the body binds the name to something else (a relationship, a property).
 */
static const char *
class_column(const struct pyclass *cls, const char *column, bool *other)
{
	size_t body_indent = 0;
	char name[128];

	*other = false;
	for (const char *line = cls->body; line < cls->end; line = line_end(line) + 1) {
		if (!is_code_line(line))
			continue;
		if (!body_indent)
			body_indent = indent_of(line);
		if (indent_of(line) == body_indent) {
			if (declared_column(line, name, sizeof(name)) && !strcmp(name, column))
				return line;
			*other = *other || binds(line, column);
		}
		if (!*line_end(line))
			break;
	}
	return NULL;
}

/* Is the word before at (spaces between) one of SQL's that name a table: FROM t, UPDATE t? */
static bool
after_table_keyword(const char *body, const char *at)
{
	static const char *const keywords[] = { "from", "join", "update", "into", "table" };
	const char *e = at, *w;

	while (e > body && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '"'))
		e--;
	for (w = e; w > body && is_word_char(w[-1]); w--)
		;
	for (size_t i = 0; i < MR_ARRAY_SIZE(keywords); i++)
		if ((size_t)(e - w) == strlen(keywords[i]) && !strncasecmp(w, keywords[i], (size_t)(e - w)))
			return true;
	return false;
}

/* Does the SQL in [body, end) name table after FROM, JOIN, UPDATE, INTO or TABLE, and column? */
static bool
sql_names(const char *body, const char *end, const char *table, const char *column)
{
	const char *at;

	for (at = body; (at = find_word(at, end, table)); at++)
		if (after_table_keyword(body, at))
			return find_word(body, end, column) != NULL;
	return false;
}

/* A string literal of text that is SQL naming table.column, or NULL. */
static const char *
sql_literal(const char *text, const char *table, const char *column)
{
	for (const char *p = text; (p = strpbrk(p, "'\"#")); ) {
		char quote = *p;
		bool triple = p[1] == quote && p[2] == quote;
		const char *body = p + (triple ? 3 : 1), *q = body, *end;

		if (quote == '#') {             /* a comment: to the end of the line */
			p = line_end(p);
			continue;
		}
		for (end = NULL; *q && !end; q++) {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == quote && (!triple || (q[1] == quote && q[2] == quote)))
				end = q;
			else if (*q == '\n' && !triple)
				break;
		}
		if (!end)
			end = q;
		if (sql_names(body, end, table, column))
			return body;
		p = *end ? end + (triple ? 3 : 1) : end;
		if (!*p)
			break;
	}
	return NULL;
}

/* The models of table in every file: their class names. */
static int
models_of(const struct appcode *a, const char *table, const char *column, struct strvec *names)
{
	for (size_t i = 0; i < a->texts.n; i++) {
		const char *text = a->texts.v[i];

		for (const char *p = text; (p = strstr(p, "class ")); p += 6) {
			struct pyclass cls;
			bool other;

			/* Model.column then names a relationship or a property, not the column */
			if (class_at(text, p, &cls) && class_maps(&cls, table) &&
			    !(!class_column(&cls, column, &other) && other) &&
			    !strvec_contains(names, cls.name) && strvec_push(names, cls.name) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * Where one file uses table.column: its model maps the column, a
 * sa.Table("table", ...) declares it, Model.column names it, or a SQL
 * string names both.  NULL when it does not.
 */
static const char *
file_uses(const char *text, const char *table, const char *column, const struct strvec *models)
{
	struct pyclass cls;
	const char *p, *at;
	char ref[300];
	bool other;

	for (p = text; (p = strstr(p, "class ")); p += 6)
		if (class_at(text, p, &cls) && class_maps(&cls, table) &&
		    (at = class_column(&cls, column, &other)))
			return at;
	for (p = text; (p = strstr(p, "Table(")); p += 6) {
		const char *arg = p + 6, *end;
		size_t depth = 1;

		arg += strspn(arg, " \t\r\n");
		if (!quoted_is(arg, table))
			continue;
		for (end = arg; *end && depth; end++)
			depth += *end == '(' ? 1 : *end == ')' ? (size_t)-1 : 0;
		for (at = arg; (at = strstr(at, "olumn(")) && at < end; at += 6) {
			const char *q = at + 6;

			if (quoted_is(q + strspn(q, " \t\r\n"), column))
				return at;
		}
	}
	for (size_t i = 0; i < models->n; i++) {
		snprintf(ref, sizeof(ref), "%s.%s", models->v[i], column);
		if ((at = find_word(text, text + strlen(text), ref)))
			return at;
	}
	return sql_literal(text, table, column);
}

bool
appcode_find(const struct appcode *a, const char *table, const char *column,
	     const char **path, unsigned *line)
{
	struct strvec models = { 0 };
	const char *at = NULL;
	size_t i;

	if (!table || !column || models_of(a, table, column, &models) < 0) {
		strvec_free(&models);
		return false;
	}
	for (i = 0; i < a->texts.n && !at; i++)
		at = file_uses(a->texts.v[i], table, column, &models);
	strvec_free(&models);
	if (!at)
		return false;
	*path = a->paths.v[i - 1];
	*line = 1;
	for (const char *p = a->texts.v[i - 1]; p < at; p++)
		*line += *p == '\n';
	return true;
}

void
appcode_free(struct appcode *a)
{
	strvec_free(&a->paths);
	strvec_free(&a->texts);
}

/*
 * Package resources in script_location and version_locations
 * ("myapp.db:migrations"), which Alembic resolves by importing the package:
 * found here without importing anything, by looking for the package's
 * directory where Python's sys.path would have it.
 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "project_int.h"

/* Where a package is looked for, in order: the project's directories, then site's. */
struct search {
	struct strvec dirs;
	size_t n_project;       /* dirs[0, n_project) are the project's */
	struct strvec prepend;  /* prepend_sys_path's entries, absolute */
	char *top;              /* the repository's top, or "/" */
	const char *venv;       /* $VIRTUAL_ENV, or NULL */
};

/* dir, and dir/src for a src/ layout, unless already there. */
static int
add_dir(struct strvec *dirs, const char *dir)
{
	char *src = mr_path_join(dir, "src");
	int rc = src ? 0 : -1;

	if (rc == 0 && !strvec_contains(dirs, dir))
		rc = strvec_push(dirs, dir);
	if (rc == 0 && !strvec_contains(dirs, src))
		rc = strvec_push(dirs, src);
	free(src);
	return rc;
}

/* Every existing directory that matches pattern, in glob's order. */
static int
add_glob(struct strvec *dirs, const char *pattern)
{
	glob_t g;
	int rc = 0;

	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
		if (mr_is_dir(g.gl_pathv[i]) && !strvec_contains(dirs, g.gl_pathv[i]))
			rc = strvec_push(dirs, g.gl_pathv[i]);
	globfree(&g);
	return rc;
}

/*
 * prepend_sys_path, which Alembic puts before sys.path: split on
 * path_separator (Alembic 1.16), else on commas, blanks and colons; relative
 * entries name directories under the one Alembic runs in.
 */
static int
read_prepend(const struct project *p, struct strvec *out, struct mr_error *err)
{
	char *value = NULL, *sep = NULL;
	struct strvec raw = { 0 }, parts = { 0 };
	bool found;
	int rc = -1;

	if (inifile_get(&p->ini, p->section, "prepend_sys_path", &value, err) < 0 ||
	    inifile_get(&p->ini, p->section, "path_separator", &sep, err) < 0)
		goto out;
	if (!value && project_toml_strings(p, "alembic", "prepend_sys_path", &raw, &found,
					   err) < 0)
		goto out;
	if (value && project_split_locations(value, sep, &raw, err) < 0)
		goto out;
	for (size_t i = 0; i < raw.n; i++) {
		if (value && !sep && project_split_locations(raw.v[i], ":", &parts, err) < 0)
			goto out;
		if ((!value || sep) && strvec_push(&parts, raw.v[i]) < 0)
			goto oom;
	}
	for (size_t i = 0; i < parts.n; i++) {
		char *joined = mr_path_join(p->base_dir, parts.v[i]);
		char *abs = joined ? mr_path_absolute(joined) : NULL;

		free(joined);
		if (!abs || strvec_push_owned(out, abs) < 0)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	rc = mr_error_oom(err);
out:
	strvec_free(&raw);
	strvec_free(&parts);
	free(value);
	free(sep);
	return rc;
}

/*
 * The places in sys.path's order as far as it can be known: prepend_sys_path,
 * the directory Alembic runs in, the ini's directory and those above it up
 * to the repository's top (a project run from its top, or installed
 * editable), each also with src/; then the active virtualenv's
 * site-packages and the system's dist-packages.
 */
static int
search_open(const struct project *p, struct search *s, struct mr_error *err)
{
	char *cur, *venv = NULL;
	int rc = 0;

	if (read_prepend(p, &s->prepend, err) < 0)
		return -1;
	if (!(s->top = mr_path_repository_top(p->root)))
		return mr_error_oom(err);
	for (size_t i = 0; rc == 0 && i < s->prepend.n; i++)
		rc = add_dir(&s->dirs, s->prepend.v[i]);
	if (rc == 0)
		rc = add_dir(&s->dirs, p->base_dir);
	for (cur = mr_strdup(p->root); rc == 0 && cur;) {
		char *up;

		rc = add_dir(&s->dirs, cur);
		if (!strcmp(cur, s->top))
			break;
		up = mr_path_dirname(cur);
		free(cur);
		cur = up;
	}
	free(cur);
	s->n_project = s->dirs.n;
	s->venv = getenv("VIRTUAL_ENV");
	if (s->venv && !*s->venv)
		s->venv = NULL;
	if (rc == 0 && s->venv) {
		venv = mr_printf("%s/lib/python3*/site-packages", s->venv);
		rc = venv ? add_glob(&s->dirs, venv) : -1;
		free(venv);
	}
	if (rc == 0)
		rc = add_glob(&s->dirs, "/usr/local/lib/python3*/dist-packages");
	if (rc == 0)
		rc = add_glob(&s->dirs, "/usr/lib/python3/dist-packages");
	return rc < 0 ? mr_error_oom(err) : 0;
}

static void
search_free(struct search *s)
{
	strvec_free(&s->dirs);
	strvec_free(&s->prepend);
	free(s->top);
}

/* "a.b" as "a/b"; NULL when module is no dotted name of Python identifiers. */
static char *
module_dir(const char *module, size_t len)
{
	char *dir = mr_strndup(module, len);
	bool start = true;

	for (char *c = dir; dir && *c; c++) {
		unsigned char ch = (unsigned char)*c;

		if (ch == '.' && !start) {
			*c = '/';
			start = true;
		} else if (ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   ch >= 0x80 || (!start && ch >= '0' && ch <= '9')) {
			start = false;
		} else {
			free(dir);
			return NULL;
		}
	}
	if (dir && start) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* What the search covered, for the message of a package not found. */
static void
describe_search(const struct project *p, const struct search *s, char *buf, size_t size)
{
	size_t len = 0;

#define ADD(...) (len += len < size ? (size_t)snprintf(buf + len, size - len, __VA_ARGS__) : 0)
	for (size_t i = 0; i < s->prepend.n && i < 3; i++)
		ADD("%s%.120s", i ? ", " : "prepend_sys_path ", s->prepend.v[i]);
	if (s->prepend.n > 3)
		ADD(" and %zu more", s->prepend.n - 3);
	if (s->prepend.n)
		ADD("; ");
	if (strcmp(p->base_dir, p->root))
		ADD("%.120s; ", p->base_dir);
	if (!strcmp(p->root, s->top))
		ADD("%.120s", p->root);
	else
		ADD("%.120s and the directories above it up to %.120s", p->root, s->top);
	ADD(", each with its src/; ");
	if (s->venv)
		ADD("%.120s/lib/python3*/site-packages; the system's dist-packages", s->venv);
	else
		ADD("the system's dist-packages (no $VIRTUAL_ENV)");
#undef ADD
}

/* "FILE: [SECTION]" of the ini, or "FILE: [tool.alembic]": where key was read. */
static void
place(const struct project *p, const char *key, char *buf, size_t size)
{
	if (inifile_raw(&p->ini, p->section, key) || !p->has_toml)
		snprintf(buf, size, "%s: [%s]", p->ini_path, p->section);
	else
		snprintf(buf, size, "%s: [tool.alembic]", p->toml.path);
}

int
project_resolve_resource(struct project *p, const char *key, const char *value, char **out,
			 struct mr_error *err)
{
	struct search s = { 0 };
	const char *colon = strchr(value, ':');
	char *module = module_dir(value, (size_t)(colon - value)), *rel = NULL;
	char where[512], at[256];
	int rc = -1;

	*out = NULL;
	place(p, key, at, sizeof(at));
	if (!module)
		return mr_error_set(err, "%.200s %s = %.100s: neither a path nor a package "
				    "resource (PACKAGE.MODULE:PATH)", at, key, value);
	/* importlib.resources.files(package) / each part after a colon */
	if (!(rel = mr_strdup(colon + 1)))
		goto oom;
	for (char *c = rel; *c; c++)
		if (*c == ':')
			*c = '/';
	if (search_open(p, &s, err) < 0)
		goto out;
	for (size_t i = 0; i < s.dirs.n; i++) {
		char *dir = mr_path_join(s.dirs.v[i], module), *path;

		if (!dir)
			goto oom;
		if (!mr_is_dir(dir)) {
			free(dir);
			continue;
		}
		path = mr_printf("%s/%s", dir, rel);
		free(dir);
		*out = path ? mr_path_absolute(path) : NULL;
		free(path);
		if (!*out || (i < s.n_project && !strvec_contains(&p->package_roots, s.dirs.v[i]) &&
			      strvec_push(&p->package_roots, s.dirs.v[i]) < 0))
			goto oom;
		rc = 0;
		goto out;
	}
	describe_search(p, &s, where, sizeof(where));
	rc = mr_error_set(err, "%.200s %s = %.100s: no package directory %.100s/ (looked in: %s); "
			  "migreview finds packages without importing them: name the directory "
			  "instead, or use -d DIR", at, key, value, module, where);
	goto out;
oom:
	free(*out);
	*out = NULL;
	rc = mr_error_oom(err);
out:
	search_free(&s);
	free(module);
	free(rel);
	return rc;
}

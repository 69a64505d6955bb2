/* Project discovery: alembic.ini, its locations, and the revision files. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project_int.h"

/*
 * Whether there is a file at path to read: a FIFO or a device counts, so
 * that reading it says what it is instead of migreview looking elsewhere.
 */
static bool
present(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Keys migreview reads from [migreview]; anything else is probably a typo. */
static const char *const settings_keys[] = {
	"dialect", "large_tables", "review_file", "theme", "disable", "require_signatures",
	"allowed_signers", "downgrade", "naming_convention", "baseline", "accept_errors_needs_note",
	"stats", "large_table_size", "max_lock_forecast", "stats_max_age",
};
#define SEVERITY_PREFIX "severity."

int
project_find_ini(const char *dir, char **out, struct mr_error *err)
{
	char *cur = mr_path_absolute(dir);
	char start[MR_ERROR_MAX / 2];

	if (!cur)
		return mr_error_oom(err);
	snprintf(start, sizeof(start), "%s", cur);
	for (;;) {
		char *cand = mr_path_join(cur, "alembic.ini");
		char *toml = mr_path_join(cur, PROJECT_TOML_NAME);
		char *up;
		bool ini;

		if (!cand || !toml) {
			free(cand);
			free(toml);
			free(cur);
			return mr_error_oom(err);
		}
		ini = present(cand);
		if (ini || project_toml_has_alembic(toml)) {
			*out = ini ? cand : toml;
			free(ini ? toml : cand);
			free(cur);
			return 0;
		}
		free(cand);
		free(toml);
		if (!strcmp(cur, "/")) {
			free(cur);
			return mr_error_set(err, "no alembic.ini (nor a pyproject.toml with "
					    "[tool.alembic]) in %s or any directory above it "
					    "(use -c FILE to name one)", start);
		}
		up = mr_path_dirname(cur);
		free(cur);
		if (!(cur = up))
			return mr_error_oom(err);
	}
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Adds value[start, end) to out with surrounding blanks removed, if not empty. */
static int
push_trimmed(struct strvec *out, const char *s, const char *end)
{
	while (s < end && is_space(*s))
		s++;
	while (end > s && is_space(end[-1]))
		end--;
	return end > s ? strvec_push_n(out, s, (size_t)(end - s)) : 0;
}

int
project_split_locations(const char *value, const char *separator,
			struct strvec *out, struct mr_error *err)
{
	static const struct { const char *name; char ch; } seps[] = {
		{ "space", ' ' }, { "newline", '\n' }, { "os", ':' },
		{ ":", ':' }, { ";", ';' },
	};
	char ch = 0;

	if (separator) {
		for (size_t i = 0; i < MR_ARRAY_SIZE(seps); i++)
			if (!strcmp(separator, seps[i].name))
				ch = seps[i].ch;
		if (!ch)
			return mr_error_set(err, "'%s' is not a valid path separator; "
					    "expected 'space', 'newline', 'os', ':' or ';'",
					    separator);
	}
	for (const char *p = value; *p;) {
		const char *end = p;

		if (ch) {
			while (*end && *end != ch)
				end++;
		} else {
			/* legacy: a comma (with the spaces after it) or a run of blanks */
			while (*end && *end != ',' && !is_space(*end))
				end++;
		}
		if (push_trimmed(out, p, end) < 0)
			return mr_error_oom(err);
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Alembic's test: a relative name with a colon is a package resource. */
static bool
is_resource(const char *value)
{
	return value[0] != '/' && strchr(value, ':');
}

static int
resolve_location(struct project *p, const char *key, const char *value, char **out,
		 struct mr_error *err)
{
	char *joined;

	if (is_resource(value))
		return project_resolve_resource(p, key, value, out, err);
	joined = mr_path_join(p->base_dir, value);
	*out = joined ? mr_path_absolute(joined) : NULL;
	free(joined);
	return *out ? 0 : mr_error_oom(err);
}

static int
read_locations(struct project *p, struct mr_error *err)
{
	const char *keys[] = { "path_separator", "version_path_separator" };
	char *value = NULL, *sep = NULL, *loc;
	struct strvec raw = { 0 };
	int rc = -1;

	if (inifile_get(&p->ini, p->section, "version_locations", &value, err) < 0)
		return -1;
	if (!value || !*value) {
		bool found;

		free(value);
		value = NULL;
		if (project_toml_strings(p, "alembic", "version_locations", &raw, &found, err) < 0)
			goto out;
		if (found)
			goto resolve;
		loc = mr_path_join(p->script_location, "versions");
		return strvec_push_owned(&p->version_locations, loc) < 0 ? mr_error_oom(err) : 0;
	}
	for (size_t i = 0; i < MR_ARRAY_SIZE(keys) && !sep; i++)
		if (inifile_get(&p->ini, p->section, keys[i], &sep, err) < 0)
			goto out;
	if (project_split_locations(value, sep, &raw, err) < 0)
		goto out;
resolve:
	for (size_t i = 0; i < raw.n; i++) {
		if (resolve_location(p, "version_locations", raw.v[i], &loc, err) < 0)
			goto out;
		if (strvec_push_owned(&p->version_locations, loc) < 0) {
			mr_error_oom(err);
			goto out;
		}
	}
	rc = 0;
out:
	strvec_free(&raw);
	free(value);
	free(sep);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
sort_names(struct strvec *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), name_cmp);
}

/* Alembic's filter: "*.py", but not "__init__*" nor emacs' ".#*" lock files. */
static bool
is_revision_name(const char *name)
{
	size_t len = strlen(name);

	return len >= 3 && !strcmp(name + len - 3, ".py") &&
	       strncmp(name, "__init__", 8) != 0 && strncmp(name, ".#", 2) != 0;
}

static int
warn(struct project *p, char *msg)
{
	return strvec_push_owned(&p->warnings, msg);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/* Directories a project's version locations may hold, all together. */
#define MAX_WALKED_DIRS 10000

/*
 * Adds the file named name in dir, as Alembic >= 1.10 loads it: by real
 * path.  real_dir is dir's real path when name is known to be no link (its
 * real path is then real_dir's with name), else NULL.
 */
static int
add_file(struct project *p, const char *dir, const char *real_dir, const char *name,
	 struct strmap *seen, struct mr_error *err)
{
	char *full = mr_path_join(dir, name), *real;
	const char *base;

	if (!full)
		return mr_error_oom(err);
	real = real_dir ? mr_path_join(real_dir, name) : realpath(full, NULL);
	if (!real && real_dir) {
		free(full);
		return mr_error_oom(err);
	}
	if (!real) {
		int rc = warn(p, mr_printf("%s: cannot resolve: %s", full, strerror(errno)));

		free(full);
		return rc < 0 ? mr_error_oom(err) : 0;
	}
	if (strmap_get(seen, real, NULL)) {
		int rc = warn(p, mr_printf("%s: loaded twice, ignoring it (is a directory "
					   "listed twice in version_locations?)", full));

		free(full);
		free(real);
		return rc < 0 ? mr_error_oom(err) : 0;
	}
	free(full);
	/* the name that counts is the real file's: a link to notes.txt is no migration */
	base = strrchr(real, '/') + 1;
	if (!is_revision_name(base)) {
		free(real);
		return 0;
	}
	if (strmap_put_owned(seen, real, 0) < 0)
		return mr_error_oom(err);
	return strvec_push(&p->files, real) < 0 ? mr_error_oom(err) : 0;
}

/*
 * Adds the revision files of dir in sorted order, then (when recursive)
 * those of its subdirectories, in sorted order, depth first: the order of
 * Alembic's os.walk().  Like os.walk it does not follow symlinked
 * directories, so a symlink loop cannot trap it.  *left counts down the
 * directories it may still enter: a recursive location that is the root
 * of a file system is refused, not walked for hours.
 */
static int
walk_dir(struct project *p, const char *dir, struct strmap *seen, size_t *left,
	 struct mr_error *err)
{
	struct strvec files = { 0 }, dirs = { 0 };
	struct strmap links = { 0 };    /* entries that may be links: resolved one by one */
	bool list_files = !ends_with(dir, "__pycache__");
	char *real_dir = NULL;
	DIR *d;
	struct dirent *de;
	int rc = -1;

	if (*left == 0)
		return mr_error_set(err, "%s: the recursive version locations hold more than %d "
				    "directories (%s is one): does a location name a whole file "
				    "system?", p->ini_path, MAX_WALKED_DIRS, dir);
	(*left)--;
	d = opendir(dir);
	if (!d)
		return warn(p, mr_printf("%s: cannot list directory: %s", dir,
					 strerror(errno))) < 0 ? mr_error_oom(err) : 0;
	while ((de = readdir(d))) {
		struct stat st;
		char *full;
		bool is_dir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_REG || de->d_type == DT_DIR) {
			is_dir = de->d_type == DT_DIR;
		} else {
			if (!(full = mr_path_join(dir, de->d_name)))
				goto oom;
			/* os.walk counts a symlink to a directory as a directory, and skips it */
			is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
			if (is_dir && lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
				free(full);
				continue;
			}
			free(full);
			if (!is_dir) {
				char *name = strdup(de->d_name);

				if (!name || strmap_put_owned(&links, name, 0) < 0)
					goto oom;
			}
		}
		if (strvec_push(is_dir ? &dirs : &files, de->d_name) < 0)
			goto oom;
	}
	sort_names(&files);
	sort_names(&dirs);
	/* one real path for the directory spares resolving every file's path */
	if (list_files && files.n)
		real_dir = realpath(dir, NULL);
	for (size_t i = 0; list_files && i < files.n; i++)
		if (add_file(p, dir, strmap_get(&links, files.v[i], NULL) ? NULL : real_dir,
			     files.v[i], seen, err) < 0)
			goto out;
	for (size_t i = 0; p->recursive && i < dirs.n; i++) {
		char *sub = mr_path_join(dir, dirs.v[i]);

		if (!sub)
			goto oom;
		rc = walk_dir(p, sub, seen, left, err);
		free(sub);
		if (rc < 0)
			goto out;
	}
	rc = 0;
	goto out;
oom:
	rc = mr_error_oom(err);
out:
	closedir(d);
	free(real_dir);
	strmap_free(&links, true);
	strvec_free(&files);
	strvec_free(&dirs);
	return rc;
}

/* Whether dir, symlinks resolved, lies outside root (an unresolvable one counts as inside). */
static bool
outside(const char *root, const char *dir)
{
	char *r = realpath(root, NULL), *d = realpath(dir, NULL);
	size_t n = r ? strlen(r) : 0;
	bool out = r && d && !(strncmp(d, r, n) == 0 && (d[n] == '/' || d[n] == '\0' ||
							   !strcmp(r, "/")));

	free(r);
	free(d);
	return out;
}

/*
 * Whether loc lies in a project directory a package resource was found in:
 * the project's own package, wherever its ini is, as Alembic would import it.
 */
static bool
in_package_root(const struct project *p, const char *loc)
{
	for (size_t i = 0; i < p->package_roots.n; i++)
		if (!outside(p->package_roots.v[i], loc))
			return true;
	return false;
}

/* How deep, and how many directories, unread_below() looks: enough for versions/2024.1/expand. */
#define UNREAD_DEPTH 4
#define UNREAD_DIRS 1000

/*
 * Revision files in the subdirectories of dir (a version location read
 * without recursion) that no version location names: left unread.
 */
static size_t
unread_below(const struct project *p, const char *dir, int depth, size_t *left)
{
	DIR *d = depth <= UNREAD_DEPTH && *left ? opendir(dir) : NULL;
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	(*left)--;
	while ((de = readdir(d))) {
		char *full;
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "__pycache__"))
			continue;
		if (!(full = mr_path_join(dir, de->d_name)))
			break;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode) &&
		    !strvec_contains(&p->version_locations, full))
			n += unread_below(p, full, depth + 1, left);
		else if (depth > 0 && S_ISREG(st.st_mode) && is_revision_name(de->d_name))
			n++;
		free(full);
	}
	closedir(d);
	return n;
}

/*
 * Projects that set version_locations in code (OpenStack's release
 * directories, versions/2024.1/expand) leave them out of the ini, so that
 * Alembic's own CLI, and migreview with it, reads versions/ alone: said,
 * not left silent.
 */
static int
warn_unread(struct project *p, const char *loc)
{
	size_t left = UNREAD_DIRS, n = p->recursive ? 0 : unread_below(p, loc, 0, &left);

	if (!n)
		return 0;
	return warn(p, mr_printf("%s: the subdirectories of %s hold %zu more .py file%s, not read "
				 "as recursive_version_locations is off (nor by Alembic's own CLI); "
				 "a project that sets version_locations in code has more migrations "
				 "than these", p->ini_path, loc, n, n == 1 ? "" : "s"));
}

static int
list_files(struct project *p, struct mr_error *err)
{
	struct strmap seen = { 0 };
	size_t left = MAX_WALKED_DIRS;
	int rc = 0;

	for (size_t i = 0; i < p->version_locations.n && rc == 0; i++) {
		const char *loc = p->version_locations.v[i];

		if (!mr_is_dir(loc)) {
			rc = warn(p, mr_printf("%s: version location %s does not exist "
					       "(Alembic skips it too)", p->ini_path, loc));
			if (rc < 0)
				rc = mr_error_oom(err);
			continue;
		}
		if (outside(p->root, loc) && !in_package_root(p, loc) &&
		    warn(p, mr_printf("%s: version location %s is outside %s, the directory "
				      "of alembic.ini: migreview reads it, as Alembic would, but "
				      "check that the project means it", p->ini_path, loc,
				      p->root)) < 0) {
			rc = mr_error_oom(err);
			break;
		}
		rc = walk_dir(p, loc, &seen, &left, err);
		if (rc == 0 && warn_unread(p, loc) < 0)
			rc = mr_error_oom(err);
	}
	strmap_free(&seen, true);
	return rc;
}

static int
check_settings(struct project *p)
{
	struct strvec keys = { 0 };
	int rc = project_setting_keys(p, &keys);

	for (size_t i = 0; rc == 0 && i < keys.n; i++) {
		bool known = !strncmp(keys.v[i], SEVERITY_PREFIX, strlen(SEVERITY_PREFIX));
		char *place;

		for (size_t k = 0; k < MR_ARRAY_SIZE(settings_keys); k++)
			known = known || !strcmp(keys.v[i], settings_keys[k]);
		if (known)
			continue;
		place = project_setting_place(p, keys.v[i]);
		rc = !place || warn(p, mr_printf("%s unknown setting '%s' (ignored)", place,
						 keys.v[i])) < 0 ? -1 : 0;
		free(place);
	}
	strvec_free(&keys);
	return rc;
}

/* The sections other than p's that set script_location, in file order. */
static int
sections_with_script_location(const struct project *p, struct strvec *out)
{
	for (size_t i = 0; i < p->ini.n_sections; i++) {
		const char *s = p->ini.sections[i];

		if (strcmp(s, p->section) && inifile_raw(&p->ini, s, "script_location") &&
		    strvec_push(out, s) < 0)
			return -1;
	}
	return 0;
}

/* "[alembic] has no 'script_location' key, but [core] and [tenant] have one: ..." */
static int
other_sections(const struct project *p, bool has, const struct strvec *others,
	       struct mr_error *err)
{
	char list[MR_ERROR_MAX / 2] = "", what[128];
	size_t len = 0, shown = others->n < 4 ? others->n : 4;

	for (size_t i = 0; i < shown && len < sizeof(list); i++) {
		const char *sep = i == 0 ? "" : i + 1 == shown && shown == others->n ? " and " : ", ";

		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s[%.60s]", sep,
					others->v[i]);
	}
	if (shown < others->n && len < sizeof(list))
		snprintf(list + len, sizeof(list) - len, " and %zu more", others->n - shown);
	snprintf(what, sizeof(what), has ? "[%.60s] has no 'script_location' key" :
		 "no [%.60s] section", p->section);
	if (others->n == 1)
		return mr_error_set(err, "%s: %s, but %s has one: use -n %.60s to read it",
				    p->ini_path, what, list, others->v[0]);
	return mr_error_set(err, "%s: %s, but %s have one: use -n SECTION to read one",
			    p->ini_path, what, list);
}

/*
 * Flask-Migrate's migrations/alembic.ini sets no script_location: `flask
 * db` sets it in code to the ini's own directory, which holds env.py and
 * versions/.  1 when p's ini sits in such a directory and it is used.
 */
static int
use_ini_directory(struct project *p, struct mr_error *err)
{
	char *dir = mr_path_dirname(p->ini_path), *env = NULL, *versions = NULL, *mako = NULL;
	bool found;
	int rc = 0;

	if (!dir || !(env = mr_path_join(dir, "env.py")) ||
	    !(versions = mr_path_join(dir, "versions")) ||
	    !(mako = mr_path_join(dir, "script.py.mako"))) {
		rc = mr_error_oom(err);
		goto out;
	}
	found = present(env) && (mr_is_dir(versions) || present(mako));
	if (found && strvec_push_owned(&p->notes, mr_printf(
		    "%s sets no script_location: the script directory is the ini's own, which "
		    "holds env.py and %s, as with Flask-Migrate (-d DIR names another)",
		    p->ini_path, mr_is_dir(versions) ? "versions/" : "script.py.mako")) < 0) {
		rc = mr_error_oom(err);
		goto out;
	}
	if (found) {
		p->script_location = dir;
		p->script_from = PROJECT_SCRIPT_INI_DIR;
		dir = NULL;
		rc = 1;
	}
out:
	free(dir);
	free(env);
	free(versions);
	free(mako);
	return rc;
}

/*
 * No script_location: the ini's directory when it is a script directory,
 * else the message Alembic's users recognise, naming the sections that do
 * set it (a multi-tenant ini's [core] and [tenant]) and -d for a project
 * that configures Alembic in code.
 */
static int
no_script_location(struct project *p, const struct project_where *w, struct mr_error *err)
{
	bool has = inifile_has_section(&p->ini, p->section);
	struct strvec others = { 0 };
	int rc;

	if (sections_with_script_location(p, &others) < 0) {
		strvec_free(&others);
		return mr_error_oom(err);
	}
	if (others.n) {
		rc = other_sections(p, has, &others, err);
		strvec_free(&others);
		return rc;
	}
	if (p->has_ini && (has || !w->section) && (rc = use_ini_directory(p, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (p->has_toml && !p->has_ini)
		return mr_error_set(err, "%s: [tool.alembic] has no 'script_location' key",
				    p->toml.path);
	if (p->has_toml)
		return mr_error_set(err, "%s: no 'script_location' key in [%s], nor in "
				    "[tool.alembic] of %s", p->ini_path, p->section, p->toml.path);
	if (!has)
		return mr_error_set(err, "%s: no [%s] section (use -n NAME to pick another section)",
				    p->ini_path, p->section);
	return mr_error_set(err, "%s: [%s] has no 'script_location' key (when the project sets "
			    "it in code, -d DIR names the script directory)", p->ini_path, p->section);
}

/* -d DIR: the script directory, relative to the current directory as `flask db -d` takes it. */
static int
use_directory(struct project *p, const char *dir, struct mr_error *err)
{
	p->script_from = PROJECT_SCRIPT_DIRECTORY;
	if (!(p->script_location = mr_path_absolute(dir)))
		return mr_error_oom(err);
	if (!mr_is_dir(p->script_location))
		return mr_error_set(err, "-d %s: no such directory", dir);
	return 0;
}

/*
 * A relative script_location that is a directory under one of the ini's
 * parents (up to the repository's top): the project runs `alembic -c
 * conf/alembic.ini` from there (hypothesis/h does), which -c says here too.
 */
static void
run_from_hint(const struct project *p, const char *value, char *hint, size_t size)
{
	char *top = mr_path_repository_top(p->root), *cur = mr_path_dirname(p->root);

	while (top && cur && strcmp(cur, p->root)) {
		char *cand = mr_path_join(cur, value), *rel, *up;
		bool found = cand && mr_is_dir(cand);

		free(cand);
		if (found && (rel = mr_path_relative(p->ini_path, cur))) {
			snprintf(hint, size, " (it is one relative to %.200s: run migreview there "
				 "with -c %.200s, as `alembic -c` would be)", cur, rel);
			free(rel);
			break;
		}
		if (!strcmp(cur, top) || !strcmp(cur, "/"))
			break;
		up = mr_path_dirname(cur);
		free(cur);
		cur = up;
	}
	free(top);
	free(cur);
}

static int
read_script_location(struct project *p, const struct project_where *w, struct mr_error *err)
{
	char *value;

	if (w->directory)
		return use_directory(p, w->directory, err);
	if (inifile_get(&p->ini, p->section, "script_location", &value, err) < 0)
		return -1;
	if (!value || !*value) {
		free(value);
		if (project_toml_string(p, "alembic", "script_location", false, &value, err) < 0)
			return -1;
	}
	if (!value || !*value) {
		free(value);
		return no_script_location(p, w, err);
	}
	p->script_from = is_resource(value) ? PROJECT_SCRIPT_RESOURCE : PROJECT_SCRIPT_PATH;
	if (resolve_location(p, "script_location", value, &p->script_location, err) < 0) {
		free(value);
		return -1;
	}
	if (!mr_is_dir(p->script_location)) {
		char hint[MR_ERROR_MAX / 2] = "";

		if (!w->config && p->script_from == PROJECT_SCRIPT_PATH && value[0] != '/')
			run_from_hint(p, value, hint, sizeof(hint));
		mr_error_set(err, "%s: [%s] script_location %s is not a directory%s", p->ini_path,
			     p->section, p->script_location, hint);
		free(value);
		return -1;
	}
	free(value);
	return 0;
}

static int
read_recursive(struct project *p, struct mr_error *err)
{
	char *value;
	int b;

	if (inifile_get(&p->ini, p->section, "recursive_version_locations", &value, err) < 0)
		return -1;
	if (!value) {
		if (project_toml_bool(p, "alembic", "recursive_version_locations", &b, err) < 0)
			return -1;
		p->recursive = b == 1;
		return 0;
	}
	b = inifile_parse_bool(value);
	if (b < 0) {
		mr_error_set(err, "%s: [%s] recursive_version_locations = '%s' is not a "
			     "boolean (true/false)", p->ini_path, p->section, value);
		free(value);
		return -1;
	}
	free(value);
	p->recursive = b;
	return 0;
}

/* The ini's directory with symlinks resolved, as Alembic >= 1.10 resolves files. */
static char *
real_dirname(const char *path)
{
	char *dir = mr_path_dirname(path), *real = dir ? realpath(dir, NULL) : NULL;

	if (!real)
		return dir;
	free(dir);
	return real;
}

static bool
is_toml_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return !strcmp(slash ? slash + 1 : path, PROJECT_TOML_NAME);
}

/* dir/name when that file exists, else NULL (also when memory runs out: *oom). */
static char *
file_in(const char *dir, const char *name, bool *oom)
{
	char *path = mr_path_join(dir, name);

	*oom = !path;
	if (path && !present(path)) {
		free(path);
		path = NULL;
	}
	return path;
}

/*
 * Reads the file the project was found by (found, taken over) and the other
 * one of the pair in base_dir, as Alembic reads alembic.ini and
 * pyproject.toml from the directory it runs in.  A pyproject.toml that only
 * accompanies an alembic.ini and does not parse is a warning, not the end.
 */
static int
read_files(struct project *p, char *found, struct mr_error *err)
{
	char *ini, *toml;
	bool oom;
	struct mr_error terr;

	if (is_toml_name(found)) {
		toml = found;
		ini = file_in(p->base_dir, "alembic.ini", &oom);
	} else {
		ini = found;
		toml = file_in(p->base_dir, PROJECT_TOML_NAME, &oom);
	}
	p->ini_path = ini ? ini : mr_strdup(toml);      /* the project owns ini from here */
	if (oom || !p->ini_path) {
		free(toml);
		return mr_error_oom(err);
	}
	p->has_ini = ini != NULL;
	if (p->has_ini && inifile_load(&p->ini, ini, err) < 0) {
		free(toml);
		return -1;
	}
	if (toml && tomlfile_load(&p->toml, toml, p->has_ini ? &terr : err) < 0) {
		tomlfile_free(&p->toml);
		free(toml);
		if (!p->has_ini)
			return -1;
		return warn(p, mr_printf("%s; migreview reads alembic.ini without it", terr.msg)) < 0 ?
		       mr_error_oom(err) : 0;
	}
	p->has_toml = toml != NULL;
	free(toml);
	if (!p->has_ini && !project_has_tool_alembic(p))
		return mr_error_set(err, "%s: no [tool.alembic] table, and no alembic.ini beside it",
				    p->ini_path);
	return 0;
}

/*
 * The file to read and what relative locations resolve against: -c's file
 * and the current directory; else the search upward and that file's
 * directory.  With -d and no -c, as `flask db -d DIR` reads
 * Config(DIR/alembic.ini): that file as with -c, or, when DIR has none, no
 * file at all (1, *found names where it would be).
 */
static int
find_config(struct project *p, const struct project_where *w, char **found,
	    struct mr_error *err)
{
	const char *config = w->config;
	char *in_dir = NULL;
	int rc;

	if (!config && w->directory) {
		if (!mr_is_dir(w->directory))
			return mr_error_set(err, "-d %s: no such directory", w->directory);
		if (!(in_dir = mr_path_join(w->directory, "alembic.ini")))
			return mr_error_oom(err);
		config = in_dir;
	}
	if (config) {
		*found = mr_path_absolute(config);
		p->base_dir = getcwd(NULL, 0);
		rc = *found && p->base_dir ? 0 : mr_error_oom(err);
		if (rc == 0 && !present(*found))
			rc = in_dir ? 1 : mr_error_set(err, "%s: no such file", config);
		free(in_dir);
		return rc;
	}
	if (project_find_ini(".", found, err) < 0)
		return -1;
	p->base_dir = mr_path_dirname(*found);
	return p->base_dir ? 0 : mr_error_oom(err);
}

/* -d DIR without an alembic.ini: every setting is Alembic's default. */
static int
no_config(struct project *p, char *path)
{
	p->ini_path = path;
	return strvec_push_owned(&p->notes, mr_printf("no %s: Alembic's settings are its "
						      "defaults, as with `flask db -d`", path));
}

int
project_open(struct project *p, const char *config, const char *section,
	     struct mr_error *err)
{
	struct project_where w = { config, section, NULL };

	return project_open_at(p, &w, err);
}

int
project_open_at(struct project *p, const struct project_where *w, struct mr_error *err)
{
	char *found = NULL;

	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = find_config(p, w, &found, err)) < 0) {
		free(found);
		goto fail;
	}
	if (!(p->section = mr_strdup(w->section ? w->section : PROJECT_DEFAULT_SECTION))) {
		free(found);
		goto oom;
	}
	if (rc == 1 && no_config(p, found) < 0)
		goto oom;
	if (rc == 0 && read_files(p, found, err) < 0)
		goto fail;
	if (!(p->root = real_dirname(p->ini_path)))
		goto oom;
	if (read_script_location(p, w, err) < 0 || read_locations(p, err) < 0 ||
	    read_recursive(p, err) < 0)
		goto fail;
	if (check_settings(p) < 0)
		goto oom;
	if (list_files(p, err) < 0)
		goto fail;
	return 0;
oom:
	mr_error_oom(err);
fail:
	project_free(p);
	return -1;
}

int
project_setting(const struct project *p, const char *key, char **out, struct mr_error *err)
{
	if (inifile_get(&p->ini, PROJECT_SETTINGS_SECTION, key, out, err) < 0)
		return -1;
	return *out ? 0 : project_toml_string(p, "migreview", key, true, out, err);
}

char *
project_setting_place(const struct project *p, const char *key)
{
	if (inifile_raw(&p->ini, PROJECT_SETTINGS_SECTION, key) || !p->has_toml)
		return mr_printf("%s: [%s]", p->ini_path, PROJECT_SETTINGS_SECTION);
	return mr_printf("%s: [tool.migreview]", p->toml.path);
}

int
project_setting_keys(const struct project *p, struct strvec *out)
{
	struct strvec toml = { 0 };
	int rc = 0;

	for (size_t i = 0; i < p->ini.n && rc == 0; i++)
		if (!strcmp(p->ini.entries[i].section, PROJECT_SETTINGS_SECTION))
			rc = strvec_push(out, p->ini.entries[i].key);
	if (rc == 0)
		rc = project_toml_keys(p, "migreview", &toml);
	for (size_t i = 0; i < toml.n && rc == 0; i++)
		if (!strvec_contains(out, toml.v[i]))
			rc = strvec_push(out, toml.v[i]);
	strvec_free(&toml);
	return rc;
}

char *
project_relpath(const struct project *p, const char *path)
{
	return mr_path_relative(path, p->root);
}

void
project_free(struct project *p)
{
	inifile_free(&p->ini);
	tomlfile_free(&p->toml);
	free(p->ini_path);
	free(p->root);
	free(p->base_dir);
	free(p->section);
	free(p->script_location);
	strvec_free(&p->version_locations);
	strvec_free(&p->files);
	strvec_free(&p->warnings);
	strvec_free(&p->package_roots);
	strvec_free(&p->notes);
	free(p->ref);
	memset(p, 0, sizeof(*p));
}

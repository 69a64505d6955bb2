/* The application's source, for rules that ask what running code uses. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migreview/appcode.h"

/* Enough for any application; a monorepo beyond it is only partly read. */
#define MAX_FILES 20000
#define MAX_BYTES (64u << 20)

static const char *const skipped_dirs[] = {
	"__pycache__", "node_modules", "venv", "env", "site-packages", "build", "dist",
};

struct walk {
	struct appcode *a;
	const struct project *p;
	struct strvec migrations;       /* real paths of script_location and the version locations */
	size_t bytes;
};

static bool
skip_dir(const struct walk *w, const char *name, const char *full)
{
	if (name[0] == '.')
		return true;
	for (size_t i = 0; i < MR_ARRAY_SIZE(skipped_dirs); i++)
		if (!strcmp(name, skipped_dirs[i]))
			return true;
	/* the migrations are not the application */
	return strvec_contains(&w->migrations, full);
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
	rel = mr_path_relative(full, w->p->root);
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
			if (S_ISREG(st.st_mode) && n > 3 && !strcmp(de->d_name + n - 3, ".py"))
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

int
appcode_load(struct appcode *a, const struct project *p, struct mr_error *err)
{
	struct walk w = { a, p, { 0 }, 0 };
	int rc = 0;

	memset(a, 0, sizeof(*a));
	/* the walk starts from the real root, so compare real paths */
	for (size_t i = 0; rc == 0 && i <= p->version_locations.n; i++) {
		const char *dir = i < p->version_locations.n ? p->version_locations.v[i] :
							      p->script_location;
		char *real = realpath(dir, NULL);

		if (real)
			rc = strvec_push_owned(&w.migrations, real);
	}
	if (rc == 0)
		rc = walk_tree(&w, p->root);
	strvec_free(&w.migrations);
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

/* The first whole-word occurrence of word in text, or NULL. */
static const char *
find_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; n && (p = strstr(p, word)); p++)
		if ((p == text || !is_word_char(p[-1])) && !is_word_char(p[n]))
			return p;
	return NULL;
}

bool
appcode_find(const struct appcode *a, const char *table, const char *column,
	     const char **path, unsigned *line)
{
	for (size_t i = 0; table && column && i < a->texts.n; i++) {
		const char *text = a->texts.v[i], *at;

		if (!find_word(text, table) || !(at = find_word(text, column)))
			continue;
		*path = a->paths.v[i];
		*line = 1;
		for (const char *p = text; p < at; p++)
			*line += *p == '\n';
		return true;
	}
	return false;
}

void
appcode_free(struct appcode *a)
{
	strvec_free(&a->paths);
	strvec_free(&a->texts);
}

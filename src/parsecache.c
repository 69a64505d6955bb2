/* The parse cache: where entries live, and which of them to believe. */
#include "config.h"

#include <errno.h>
#include <git2.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <threads.h>
#include <unistd.h>

#include "migreview/parsecache.h"
#include "migreview/userconf.h"
#include "parsecache_int.h"

static struct {
	bool on;
	char *dir;              /* .../migreview */
	uint64_t exe;           /* hash of the running executable */
	atomic_size_t hits, misses, rejected, stored;
} cache;
static once_flag cache_once = ONCE_FLAG_INIT;

/*
 * The running executable, hashed: a rebuild during development changes
 * what is extracted without changing any version number.
 */
static bool
exe_hash(uint64_t *out)
{
	unsigned char buf[1 << 16];
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	uint64_t h = 0xcbf29ce484222325u;
	size_t got;

	if (fd < 0)
		return false;
	/* hashed in full buffers, then the rest: the same file always hashes the same */
	do {
		ssize_t r = 0;

		for (got = 0; got < sizeof(buf); got += (size_t)r)
			if ((r = read(fd, buf + got, sizeof(buf) - got)) <= 0)
				break;
		if (r < 0) {
			close(fd);
			return false;
		}
		h = mr_hash64(h, buf, got);
	} while (got == sizeof(buf));
	close(fd);
	*out = h;
	return true;
}

static bool
value_off(const char *v)
{
	static const char *const off[] = { "off", "false", "no", "0" };

	for (size_t i = 0; v && i < MR_ARRAY_SIZE(off); i++)
		if (!strcmp(v, off[i]))
			return true;
	return false;
}

static bool
turned_off(void)
{
	struct userconf uc;
	bool off;

	if (value_off(getenv("MIGREVIEW_CACHE")))
		return true;
	/* problems with the file are the UI's to show; here only the setting counts */
	off = userconf_read(&uc, NULL, NULL) < 0 || uc.cache_off;
	userconf_free(&uc);
	return off;
}

/* $XDG_CACHE_HOME/migreview, else ~/.cache/migreview, made (0700) when missing. */
static char *
cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *base, *dir;
	struct stat st;

	/* the XDG rule: a relative XDG_CACHE_HOME is ignored */
	if (xdg && *xdg == '/')
		base = mr_strdup(xdg);
	else if (home && *home == '/')
		base = mr_printf("%s/.cache", home);
	else
		return NULL;
	dir = base ? mr_printf("%s/migreview", base) : NULL;
	if (dir && (mkdir(base, 0700) == 0 || errno == EEXIST) &&
	    (mkdir(dir, 0700) == 0 || errno == EEXIST) && stat(dir, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		free(base);
		return dir;
	}
	free(base);
	free(dir);
	return NULL;
}

static void
cache_setup(void)
{
	atomic_init(&cache.hits, 0);
	atomic_init(&cache.misses, 0);
	atomic_init(&cache.rejected, 0);
	atomic_init(&cache.stored, 0);
	if (turned_off() || !exe_hash(&cache.exe) || !(cache.dir = cache_dir()))
		return;
	cache.on = true;
}

bool
parsecache_enabled(void)
{
	call_once(&cache_once, cache_setup);
	return cache.on;
}

void
parsecache_stats(struct parsecache_stats *out)
{
	call_once(&cache_once, cache_setup);
	out->hits = atomic_load(&cache.hits);
	out->misses = atomic_load(&cache.misses);
	out->rejected = atomic_load(&cache.rejected);
	out->stored = atomic_load(&cache.stored);
}

static int
hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool
parsecache_blob_raw(const char *hex, unsigned char raw[PARSECACHE_BLOB_RAW])
{
	for (int i = 0; i < PARSECACHE_BLOB_RAW; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hi < 0 ? -1 : hex_digit(hex[2 * i + 1]);

		if (lo < 0)
			return false;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	return !hex[2 * PARSECACHE_BLOB_RAW];
}

/* dir/ab/cdef...: the fan-out git uses for objects. */
static char *
entry_path(const char *blob)
{
	return mr_printf("%s/%.2s/%s", cache.dir, blob, blob + 2);
}

/* A temporary file beside path (its name in tmp), its directory made when missing. */
static int
make_temp(char *tmp)
{
	char *slash = strrchr(tmp, '/'), *suffix = tmp + strlen(tmp) - 6;
	int fd = mkstemp(tmp);

	/* a fan-out directory is made by the first entry into it, not tried before each */
	if (fd >= 0 || errno != ENOENT)
		return fd;
	*slash = '\0';
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return -1;
	*slash = '/';
	/* a failed mkstemp() may have left its template changed */
	memcpy(suffix, "XXXXXX", 6);
	return mkstemp(tmp);
}

/* Writes the entry beside its place and renames it there: never a torn entry. */
static bool
write_entry(const char *path, const unsigned char *buf, size_t len)
{
	char *tmp = mr_printf("%s.XXXXXX", path);
	size_t done = 0;
	int fd;

	if (!tmp)
		return false;
	if ((fd = make_temp(tmp)) < 0) {
		free(tmp);
		return false;
	}
	while (done < len) {
		ssize_t put = write(fd, buf + done, len - done);

		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			break;
		done += (size_t)put;
	}
	if (close(fd) < 0 || done < len || rename(tmp, path) < 0) {
		unlink(tmp);
		free(tmp);
		return false;
	}
	free(tmp);
	return true;
}

void
parsecache_store(const char *blob, unsigned flags, const struct revision *rev,
		 const struct findings *fs, size_t first)
{
	unsigned char raw[PARSECACHE_BLOB_RAW], *entry;
	char *path;
	size_t len;

	if (!parsecache_enabled() || !parsecache_blob_raw(blob, raw))
		return;
	entry = parsecache_encode(raw, cache.exe, flags, rev, fs, first, &len);
	path = entry ? entry_path(blob) : NULL;
	if (path && write_entry(path, entry, len))
		atomic_fetch_add(&cache.stored, 1);
	free(path);
	free(entry);
}

/* The whole of a cache file of min to max bytes, NULL when there is none fit to read. */
static unsigned char *
read_file(const char *path, size_t min, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	unsigned char *buf = NULL;
	struct stat st;
	size_t done = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size >= min &&
	    (size_t)st.st_size <= max && (buf = malloc((size_t)st.st_size))) {
		ssize_t got = 1;

		while (done < (size_t)st.st_size &&
		       ((got = read(fd, buf + done, (size_t)st.st_size - done)) > 0 ||
			(got < 0 && errno == EINTR)))
			done += got > 0 ? (size_t)got : 0;
		if (done < (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	*len = done;
	return buf;
}

int
parsecache_load(const char *blob, unsigned flags, struct revision *rev, struct findings *fs,
		size_t index)
{
	unsigned char raw[PARSECACHE_BLOB_RAW], *buf = NULL;
	char *path;
	size_t len;
	int rc = 0;

	if (!parsecache_enabled() || !parsecache_blob_raw(blob, raw))
		return 0;
	if (!(path = entry_path(blob)))
		return -1;
	if ((buf = read_file(path, PARSECACHE_HEADER, PARSECACHE_ENTRY_MAX, &len)))
		rc = parsecache_entry_decode(buf, len, raw, cache.exe, flags, rev, fs, index);
	atomic_fetch_add(rc > 0 ? &cache.hits : buf ? &cache.rejected : &cache.misses, 1);
	free(buf);
	free(path);
	return rc;
}

int
parsecache_decode(const unsigned char *buf, size_t len, unsigned flags, struct revision *rev,
		  struct findings *fs, size_t index)
{
	return parsecache_entry_decode(buf, len, NULL, 0, flags, rev, fs, index);
}

uint64_t
parsecache_build(void)
{
	call_once(&cache_once, cache_setup);
	return cache.exe;
}

bool
parsecache_put(const char *name, const unsigned char *buf, size_t len)
{
	char *path;
	bool done;

	if (!parsecache_enabled() || !(path = mr_printf("%s/%s", cache.dir, name)))
		return false;
	done = write_entry(path, buf, len);
	free(path);
	return done;
}

unsigned char *
parsecache_get(const char *name, size_t min, size_t max, size_t *len)
{
	char *path;
	unsigned char *buf;

	if (!parsecache_enabled() || !(path = mr_printf("%s/%s", cache.dir, name)))
		return NULL;
	buf = read_file(path, min, max, len);
	free(path);
	return buf;
}

void
parsecache_blob_hex(const unsigned char raw[PARSECACHE_BLOB_RAW], char hex[2 * PARSECACHE_BLOB_RAW + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < PARSECACHE_BLOB_RAW; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[2 * PARSECACHE_BLOB_RAW] = '\0';
}

char *
parsecache_project_entry(const struct project *p, const char *kind)
{
	const char *parts[] = { p->ini_path, p->section, p->script_location };
	unsigned char raw[PARSECACHE_BLOB_RAW];
	char hex[2 * PARSECACHE_BLOB_RAW + 1];
	git_oid oid;
	char *key = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&key, &len);
	bool done;

	if (!f)
		return NULL;
	/* each part with its length: no two projects run together into one key */
	for (size_t i = 0; i < MR_ARRAY_SIZE(parts); i++)
		fprintf(f, "%zu:%s", parts[i] ? strlen(parts[i]) : 0, parts[i] ? parts[i] : "");
	if (fclose(f) != 0) {
		free(key);
		return NULL;
	}
	git_libgit2_init();
	done = git_odb_hash(&oid, key, len, GIT_OBJECT_BLOB) == 0;
	git_libgit2_shutdown();
	free(key);
	if (!done)
		return NULL;
	memcpy(raw, oid.id, sizeof(raw));
	parsecache_blob_hex(raw, hex);
	return mr_printf("%s/%s", kind, hex);
}

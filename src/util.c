/* Helpers shared by the engine: allocation, string arrays, files, paths. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "migreview/util.h"

int
mr_error_set(struct mr_error *err, const char *fmt, ...)
{
	if (err) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
mr_error_oom(struct mr_error *err)
{
	return mr_error_set(err, "out of memory");
}

int
mr_grow(void *v, size_t *cap, size_t need, size_t elem)
{
	void **vp = v;
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > ((size_t)-1) / 2 / elem)
			return -1;
		ncap *= 2;
	}
	nv = realloc(*vp, ncap * elem);
	if (!nv)
		return -1;
	*vp = nv;
	*cap = ncap;
	return 0;
}

int
strvec_push_owned(struct strvec *sv, char *s)
{
	if (!s || mr_grow(&sv->v, &sv->cap, sv->n + 1, sizeof(*sv->v)) < 0) {
		free(s);
		return -1;
	}
	sv->v[sv->n++] = s;
	return 0;
}

int
strvec_push(struct strvec *sv, const char *s)
{
	return strvec_push_owned(sv, mr_strdup(s));
}

int
strvec_push_n(struct strvec *sv, const char *s, size_t len)
{
	return strvec_push_owned(sv, mr_strndup(s, len));
}

bool
strvec_contains(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

void
strvec_free(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/*
 * Each word is mixed in by a multiply with the high half folded down (a
 * table masks the low bits), then the rest and a final mix: a text of a
 * hundred bytes takes a few dozen steps, not one a byte.
 */
uint64_t
mr_hash64(uint64_t seed, const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ len * UINT64_C(0x9e3779b97f4a7c15), w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 29;
	h *= UINT64_C(0xff51afd7ed558ccd);
	return h ^ h >> 32;
}

static size_t
str_hash(const char *s)
{
	return (size_t)mr_hash64(0, s, strlen(s));
}

/* key's slot, or the empty one where it goes: the stored hashes spare most compares. */
static struct strmap_slot *
strmap_slot(const struct strmap *m, const char *key, size_t hash)
{
	size_t mask = m->cap - 1, i = hash & mask;

	while (m->slots[i].key && (m->slots[i].hash != hash || strcmp(m->slots[i].key, key) != 0))
		i = (i + 1) & mask;
	return &m->slots[i];
}

/* Twice the slots, each key moved by its stored hash. */
static int
strmap_rehash(struct strmap *m)
{
	struct strmap old = *m;
	size_t mask, at;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = calloc(m->cap, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return -1;
	}
	mask = m->cap - 1;
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.slots[i].key)
			continue;
		for (at = old.slots[i].hash & mask; m->slots[at].key; at = (at + 1) & mask)
			;
		m->slots[at] = old.slots[i];
	}
	free(old.slots);
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, size_t value)
{
	struct strmap_slot *slot;
	size_t hash = str_hash(key);

	if ((m->n + 1) * 2 > m->cap && strmap_rehash(m) < 0)
		return -1;
	slot = strmap_slot(m, key, hash);
	if (!slot->key) {
		slot->key = key;
		slot->hash = hash;
		m->n++;
	}
	slot->value = value;
	return 0;
}

int
strmap_put_owned(struct strmap *m, char *key, size_t value)
{
	if (strmap_get(m, key, NULL)) {
		/* the stored key stays; only the value changes */
		int rc = strmap_put(m, key, value);

		free(key);
		return rc;
	}
	if (strmap_put(m, key, value) < 0) {
		free(key);
		return -1;
	}
	return 0;
}

bool
strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	const struct strmap_slot *slot;

	if (!m->cap)
		return false;
	slot = strmap_slot(m, key, str_hash(key));
	if (slot->key && value)
		*value = slot->value;
	return slot->key != NULL;
}

const char *
strmap_key(const struct strmap *m, const char *key)
{
	return m->cap ? strmap_slot(m, key, str_hash(key))->key : NULL;
}

void
strmap_free(struct strmap *m, bool free_keys)
{
	for (size_t i = 0; free_keys && i < m->cap; i++)
		free((char *)m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

char *
mr_strdup(const char *s)
{
	return s ? mr_strndup(s, strlen(s)) : NULL;
}

char *
mr_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *
mr_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

static const struct file_kind {
	const char *name;
	size_t max;
	bool regular_only;
} file_kinds[] = {
#define MR_FILE_ROW(id, name, mib, regular) [id] = { name, (size_t)(mib) << 20, regular },
	MR_FILE_KINDS(MR_FILE_ROW)
#undef MR_FILE_ROW
};

size_t
mr_file_max(enum mr_file_kind kind)
{
	return file_kinds[kind].max;
}

static const char *
file_type(mode_t mode)
{
	return S_ISFIFO(mode) ? "a FIFO" : S_ISCHR(mode) ? "a character device" :
	       S_ISBLK(mode) ? "a block device" : S_ISDIR(mode) ? "a directory" :
	       S_ISSOCK(mode) ? "a socket" : "not a file";
}

static struct mr_stamp
stamp_of(const struct stat *st)
{
	return (struct mr_stamp){ (long long)st->st_mtim.tv_sec * 1000000000LL +
				  st->st_mtim.tv_nsec, (long long)st->st_size,
				  (long long)st->st_ino };
}

/*
 * Opens path for reading and fills *st.  O_NONBLOCK lets the open of a
 * FIFO return at once instead of waiting for a writer; it is cleared once
 * fstat() has said what the file is, so that reading waits as usual.
 */
static int
open_checked(const char *path, const struct file_kind *k, struct stat *st,
	     struct mr_error *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), flags, e;

	if (fd < 0) {
		e = errno;
		mr_error_set(err, "%s: cannot open: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, st) < 0 || (flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		e = errno;
		close(fd);
		mr_error_set(err, "%s: cannot read: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (k->regular_only && !S_ISREG(st->st_mode)) {
		close(fd);
		mr_error_set(err, "%s: not a regular file (%s)", path, file_type(st->st_mode));
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/*
 * Reads up to want bytes of fd into a NUL-terminated *buf: 0 or an errno
 * value.  The buffer is hint bytes (the size fstat gave) and one more,
 * which holds the NUL or, read into, tells a file that grew since: it
 * grows only then, and a file of 3 KB takes 3 KB, not a buffer of 64 KB
 * that the allocator must consolidate when it is freed.
 */
static int
read_upto(int fd, size_t want, size_t hint, char **buf, size_t *len)
{
	size_t n = 0, cap = (hint < want ? hint : want) + 1;
	char *data = malloc(cap);

	if (!data)
		return ENOMEM;
	for (;;) {
		size_t chunk = want - n < cap - n ? want - n : cap - n;
		ssize_t got = chunk ? read(fd, data + n, chunk) : 0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(data);
			return e;
		}
		n += (size_t)got;
		if (got == 0 || n == want)
			break;
		if (n == cap && mr_grow(&data, &cap, n + 1, 1) < 0) {
			free(data);
			return ENOMEM;
		}
	}
	if (n == cap && mr_grow(&data, &cap, n + 1, 1) < 0) {
		free(data);
		return ENOMEM;
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
	return 0;
}

int
mr_read_file_head(const char *path, enum mr_file_kind kind, size_t head, char **buf,
		  size_t *len, size_t *size, struct mr_stamp *stamp, struct mr_error *err)
{
	const struct file_kind *k = &file_kinds[kind];
	struct stat st;
	size_t full;
	bool over;
	int fd = open_checked(path, k, &st, err), e;

	if (fd < 0)
		return -1;
	if (stamp)
		*stamp = stamp_of(&st);
	/* a regular file's size tells at once; reading one byte past max tells the rest */
	over = S_ISREG(st.st_mode) && (uintmax_t)st.st_size > k->max;
	e = over && !head ? EFBIG : read_upto(fd, over ? head : k->max + 1,
					       S_ISREG(st.st_mode) ? (size_t)st.st_size : 65536,
					       buf, len);
	close(fd);
	if (e == 0) {
		full = !over ? *len : (uintmax_t)st.st_size > SIZE_MAX ? SIZE_MAX :
		      (size_t)st.st_size;
		if (full > k->max && !head) {
			free(*buf);
			*buf = NULL;
			e = EFBIG;
		} else if (*len > head && full > k->max) {
			*len = head;
			(*buf)[head] = '\0';
		}
		if (size)
			*size = full;
	}
	if (e == EFBIG)
		mr_error_set(err, "%s: larger than %zu MiB, the most migreview reads for %s", path,
			     k->max >> 20, k->name);
	else if (e == ENOMEM)
		mr_error_oom(err);
	else if (e)
		mr_error_set(err, "%s: cannot read: %s", path, strerror(e));
	errno = e;
	return e ? -1 : 0;
}

int
mr_read_file(const char *path, enum mr_file_kind kind, char **buf, size_t *len,
	     struct mr_error *err)
{
	return mr_read_file_head(path, kind, 0, buf, len, NULL, NULL, err);
}

char *
mr_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);

	if (name[0] == '/')
		return mr_strdup(name);
	if (dl == 0)
		return mr_strdup(name);
	return mr_printf("%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", name);
}

char *
mr_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return mr_strdup(".");
	if (slash == path)
		return mr_strdup("/");
	return mr_strndup(path, (size_t)(slash - path));
}

/* Collapses "//", "." and ".." of an absolute path in place, like os.path.normpath. */
static void
path_normalise(char *p)
{
	char *out = p + 1;
	const char *in = p + 1;
	bool more = *in != '\0';

	while (more) {
		const char *slash = strchr(in, '/');
		size_t len = slash ? (size_t)(slash - in) : strlen(in);

		/* decided before out, which trails in, may overwrite in's terminator */
		more = slash != NULL;
		if (len == 0 || (len == 1 && in[0] == '.')) {
			/* an empty or "." component */
		} else if (len == 2 && in[0] == '.' && in[1] == '.') {
			if (out > p + 1) {
				out--;
				while (out > p + 1 && out[-1] != '/')
					out--;
			}
		} else {
			memmove(out, in, len);
			out += len;
			*out++ = '/';
		}
		in += len + 1;
	}
	if (out > p + 1)
		out--;
	*out = '\0';
}

char *
mr_path_absolute(const char *path)
{
	char *abs;

	if (path[0] == '/') {
		abs = mr_strdup(path);
	} else {
		char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return NULL;
		abs = mr_path_join(cwd, path);
		free(cwd);
	}
	if (abs)
		path_normalise(abs);
	return abs;
}

/* Number of bytes of the leading components that a and b share. */
static size_t
common_components(const char *a, const char *b)
{
	size_t common = 0;

	for (size_t i = 0;; i++) {
		bool aend = a[i] == '\0' || a[i] == '/';
		bool bend = b[i] == '\0' || b[i] == '/';

		if (aend && bend)
			common = i;
		if (a[i] != b[i] || !a[i])
			return common;
	}
}

char *
mr_path_relative(const char *path, const char *base)
{
	size_t common = common_components(path, base), ups = 0;
	const char *rest = path + common;
	char *out, *o;

	for (const char *b = base + common; *b; b++)
		if (*b != '/' && (b == base || b[-1] == '/'))
			ups++;
	while (*rest == '/')
		rest++;
	out = malloc(ups * 3 + strlen(rest) + 2);
	if (!out)
		return NULL;
	o = out;
	for (size_t i = 0; i < ups; i++)
		o += sprintf(o, "%s", i + 1 < ups || *rest ? "../" : "..");
	strcpy(o, *rest || ups ? rest : ".");
	return out;
}

bool
mr_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
mr_path_repository_top(const char *dir)
{
	char *cur = mr_strdup(dir);

	while (cur) {
		char *git = mr_path_join(cur, ".git"), *up;
		struct stat st;
		bool here = git && lstat(git, &st) == 0;

		free(git);
		if (here || !strcmp(cur, "/"))
			return cur;
		up = mr_path_dirname(cur);
		free(cur);
		cur = up;
	}
	return NULL;
}

bool
mr_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

struct mr_stamp
mr_stamp_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return (struct mr_stamp){ 0, 0, 0 };
	return stamp_of(&st);
}

long long
mr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool
mr_stamp_equal(struct mr_stamp a, struct mr_stamp b)
{
	return a.mtime_ns == b.mtime_ns && a.size == b.size && a.inode == b.inode;
}

/*
 * Length of the UTF-8 sequence at s (1..4), or 0 if it is not valid UTF-8.
 * s must be NUL-terminated or have 4 readable bytes: a NUL ends a sequence.
 */
static size_t
utf8_len(const unsigned char *s, unsigned long *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 :
		     (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	static const unsigned long min[] = { 0, 0, 0x80, 0x800, 0x10000 };

	if (!len)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3F);
	}
	if (*cp < min[len] || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

int
mr_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
mr_utf8_put(unsigned long cp, char out[4])
{
	unsigned char *u = (unsigned char *)out;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | cp >> 18);
	u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	u[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t
mr_utf8_next(const char *s, size_t len, unsigned long *cp)
{
	unsigned char buf[5] = { 0 };

	if (!len)
		return 0;
	if (len >= 4)
		return utf8_len((const unsigned char *)s, cp);
	memcpy(buf, s, len);
	return utf8_len(buf, cp);
}

bool
mr_is_invisible_control(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
	       cp == 0x061C || cp == 0xFEFF;
}

/*
 * The bytes from p on (to end) that show as they are: printable ASCII, most
 * of any text, looked at eight at a time (a borrow may stop a word early:
 * its bytes are then looked at one by one).
 */
static size_t
plain_run(const unsigned char *p, const unsigned char *end)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = ones * 0x80;
	const unsigned char *q = p;
	uint64_t word, del;

	for (; end - q >= 8; q += 8) {
		memcpy(&word, q, 8);
		del = word ^ ones * 0x7F;
		if ((((word - ones * 0x20) & ~word) | ((del - ones) & ~del) | word) & high)
			break;
	}
	while (q < end && *q >= 0x20 && *q < 0x7F)
		q++;
	return (size_t)(q - p);
}

/*
 * The character (or the byte that is not UTF-8) at *p as it shows, in out:
 * its length (at most 6, as "\u202e"); *p moves past it.
 */
static size_t
visible_one(const unsigned char **p, bool keep_newlines, char out[7])
{
	unsigned long cp = 0;
	size_t len = utf8_len(*p, &cp);

	if (!len)
		return (size_t)sprintf(out, "\\x%02x", *(*p)++);
	*p += len;
	if (mr_is_invisible_control(cp) && !(keep_newlines && cp == '\n'))
		return (size_t)sprintf(out, cp < 0x100 ? "\\x%02lx" : "\\u%04lx", cp);
	memcpy(out, *p - len, len);
	return len;
}

static char *
visible(const char *s, bool keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	char *out = malloc((size_t)(end - p) * 6 + 1), *o = out;

	if (!out)
		return NULL;
	while (p < end) {
		size_t run = plain_run(p, end);

		memcpy(o, p, run);
		o += run;
		p += run;
		if (p < end) {
			char one[7];
			size_t n = visible_one(&p, keep_newlines, one);

			memcpy(o, one, n);
			o += n;
		}
	}
	*o = '\0';
	return out;
}

char *
mr_visible(const char *s)
{
	return visible(s, false);
}

char *
mr_visible_lines(const char *s)
{
	return visible(s, true);
}

const char *
mr_visible_lazy(const char *s, char **copy)
{
	size_t len = strlen(s);

	*copy = NULL;
	if (plain_run((const unsigned char *)s, (const unsigned char *)s + len) == len)
		return s;
	return *copy = mr_visible(s);
}

/* What a shell word may hold without quotes: nothing the shell reads specially. */
#define SHELL_PLAIN "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

char *
mr_shell_quote(const char *s)
{
	size_t quotes = 0;
	char *out, *o;

	if (*s && strspn(s, SHELL_PLAIN) == strlen(s))
		return mr_strdup(s);
	for (const char *p = s; *p; p++)
		quotes += *p == '\'';
	/* each ' becomes '\'' : it ends the quoting, adds an escaped ', quotes again */
	o = out = malloc(strlen(s) + quotes * 3 + 3);
	if (!out)
		return NULL;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

size_t
mr_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned long cp;
		size_t n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		n = (size_t)(end - p) >= 4 ? utf8_len(p, &cp) : 0;
		if (!n) {
			/* near the end: check a NUL-terminated copy of the tail */
			unsigned char tail[5] = { 0 };

			memcpy(tail, p, (size_t)(end - p) < 4 ? (size_t)(end - p) : 4);
			n = utf8_len(tail, &cp);
			if (!n || p + n > end)
				return (size_t)(p - (const unsigned char *)s);
		}
		p += n;
	}
	return len;
}

char *
mr_utf8_repair(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (!out)
		return NULL;
	while (*p) {
		unsigned long cp;
		size_t n = utf8_len(p, &cp);

		if (!n) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	return out;
}

char *
mr_utf8_cut(const char *s, size_t max)
{
	size_t len = strlen(s);
	char *cut, *out;

	if (len > max) {
		len = max;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	cut = mr_strndup(s, len);
	out = cut ? mr_utf8_repair(cut) : NULL;
	free(cut);
	return out;
}

/* n with a comma between each group of three digits, at buf; its length */
static size_t
put_commas(long long n, char *buf, size_t size)
{
	size_t at = n >= 1000 ? put_commas(n / 1000, buf, size) : 0;

	if (at < size)
		at += (size_t)snprintf(buf + at, size - at, n >= 1000 ? ",%03lld" : "%lld",
				       n >= 1000 ? n % 1000 : n);
	return at;
}

const char *
mr_commas(long long n, char *buf, size_t size)
{
	put_commas(n, buf, size);
	return buf;
}

long long
mr_three_figures(double v)
{
	double scale = 1;

	while (v / scale >= 1000)
		scale *= 10;
	return (long long)(v / scale + 0.5) * (long long)scale;
}

const char *
mr_figures(double v, char *buf, size_t size)
{
	/* three figures: what a rate or an estimate is good for */
	if (!(v >= 0) || v > 9e18)
		snprintf(buf, size, "?");
	else if (v < 10 && v != (long long)v)
		snprintf(buf, size, "%.2g", v);
	else
		mr_commas(mr_three_figures(v), buf, size);
	return buf;
}

void
mr_now(struct timespec *ts)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");

	clock_gettime(CLOCK_REALTIME, ts);
	if (epoch && *epoch) {
		ts->tv_sec = (time_t)strtoll(epoch, NULL, 10);
		ts->tv_nsec = 0;
	}
}

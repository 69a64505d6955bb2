/*
 * Small helpers shared by the engine: checked allocation, growable string
 * arrays, files and paths.  Every function that allocates returns NULL (or a
 * negative value) when memory runs out; none of them aborts.
 */
#ifndef MIGREVIEW_UTIL_H
#define MIGREVIEW_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migreview/error.h"

#define MR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A growable array of owned, NUL-terminated strings. */
struct strvec {
	char **v;
	size_t n;
	size_t cap;
};

int strvec_push(struct strvec *sv, const char *s);          /* copies s */
int strvec_push_owned(struct strvec *sv, char *s);          /* takes s */
int strvec_push_n(struct strvec *sv, const char *s, size_t len);
bool strvec_contains(const struct strvec *sv, const char *s);
void strvec_free(struct strvec *sv);

/*
 * A hash map from strings to indices.  Keys are borrowed unless added with
 * strmap_put_owned(), and strmap_free(map, true) then frees them.
 */
struct strmap {
	struct strmap_slot { const char *key; size_t value, hash; } *slots;
	size_t n, cap;          /* cap is zero or a power of two */
};

int strmap_put(struct strmap *m, const char *key, size_t value);   /* replaces */
int strmap_put_owned(struct strmap *m, char *key, size_t value);   /* takes key */
bool strmap_get(const struct strmap *m, const char *key, size_t *value);
const char *strmap_key(const struct strmap *m, const char *key);   /* the stored key, or NULL */
void strmap_free(struct strmap *m, bool free_keys);

/* Grows *v (of *cap elements of size elem) to hold at least need elements. */
int mr_grow(void *v, size_t *cap, size_t need, size_t elem);

char *mr_strdup(const char *s);
char *mr_strndup(const char *s, size_t n);
char *mr_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * What migreview reads, and the most it reads of each, in MiB: a file that
 * names a FIFO, a device or a huge sparse file must end with a message, not
 * block or fill the memory.  Only the headless UI's key script may be
 * something other than a regular file (it is standard input, often a pipe).
 */
#define MR_FILE_KINDS(_) \
	_(MR_FILE_REVIEW, "a review file", 256, true) \
	_(MR_FILE_MIGRATION, "a migration", 16, true) \
	_(MR_FILE_INI, "an INI file (alembic.ini, a theme)", 4, true) \
	_(MR_FILE_PYPROJECT, "pyproject.toml", 4, true) \
	_(MR_FILE_STATS, "a stats file (migreview stats)", 64, true) \
	_(MR_FILE_USERCONF, "the user configuration", 1, true) \
	_(MR_FILE_APPCODE, "an application source file", 4, true) \
	_(MR_FILE_PROGRAM, "a program read for its #! line", 1, true) \
	_(MR_FILE_SIGNATURE, "an SSH signature or ssh-keygen's output", 1, true) \
	_(MR_FILE_SIGNERS, "an allowed-signers file", 4, true) \
	_(MR_FILE_KEYS, "a key script", 16, false)

enum mr_file_kind {
#define MR_FILE_ENUM(id, name, mib, regular) id,
	MR_FILE_KINDS(MR_FILE_ENUM)
#undef MR_FILE_ENUM
};

/* The most migreview reads of a file of kind, in bytes. */
size_t mr_file_max(enum mr_file_kind kind);

/*
 * Reads a whole file into a NUL-terminated buffer the caller frees.  The
 * length excludes the terminator, so files holding NUL bytes stay intact.
 * A file that is not a regular file (but for MR_FILE_KEYS) is refused
 * without waiting on it, and one larger than mr_file_max(kind) is refused
 * without reading it, each with a message naming path.  On failure errno
 * tells why (ENOENT for a file that is not there, as callers may allow).
 */
int mr_read_file(const char *path, enum mr_file_kind kind, char **buf, size_t *len,
		 struct mr_error *err);

/*
 * mr_read_file(), except that a file larger than mr_file_max(kind) is read
 * for its first head bytes only; *size is the file's size either way (at
 * least mr_file_max(kind) + 1 for one that grew past it while read), and
 * *stamp (when not NULL) the file's as opened, before it was read.
 */
struct mr_stamp;
int mr_read_file_head(const char *path, enum mr_file_kind kind, size_t head, char **buf,
		      size_t *len, size_t *size, struct mr_stamp *stamp, struct mr_error *err);

/* Path helpers; results are newly allocated. */
char *mr_path_join(const char *dir, const char *name);
char *mr_path_dirname(const char *path);
char *mr_path_absolute(const char *path);       /* lexically normalised */
/* The nearest directory from dir upward that holds .git (a directory or a worktree's file), else "/". */
char *mr_path_repository_top(const char *dir);
char *mr_path_relative(const char *path, const char *base);
bool mr_is_dir(const char *path);

/*
 * A copy of s that is safe to print on a terminal: control characters
 * (C0, DEL, C1), bidirectional overrides and bytes that are not UTF-8 are
 * written as visible escapes such as "\x1b" or "\u202e".
 */
char *mr_visible(const char *s);

/* mr_visible() that keeps line breaks: for messages whose lines are our own. */
char *mr_visible_lines(const char *s);

/*
 * mr_visible(s) with no copy of printable ASCII, most text in a report of
 * many lines: s itself, else mr_visible(s) in *copy (NULL when memory runs
 * out).  The caller frees *copy, NULL when s came back.
 */
const char *mr_visible_lazy(const char *s, char **copy);

/*
 * s as one shell word, for a command a user may paste: as is when it holds
 * only letters, digits, '_', '.' and '-', else in single quotes (a ' in it
 * written as '\'').  Still raw text: show it through mr_visible().
 */
char *mr_shell_quote(const char *s);

/*
 * Decodes the UTF-8 sequence at s[0..len) into *cp: its length (1-4), or 0
 * when the first byte does not start a valid sequence (or len is 0).  A NUL
 * byte is a one-byte sequence.
 */
size_t mr_utf8_next(const char *s, size_t len, unsigned long *cp);

/* Encodes cp (at most 0x10FFFF) as UTF-8 into out: the number of bytes, 1-4. */
size_t mr_utf8_put(unsigned long cp, char out[4]);

/* The value of a hexadecimal digit, or -1. */
int mr_hex_digit(char c);

/*
 * Whether a code point must never reach a terminal as is: C0 and C1
 * controls, DEL, the bidirectional marks and overrides that can make text
 * read differently from what it is, and the byte order mark, which shows as
 * nothing at all.
 */
bool mr_is_invisible_control(unsigned long cp);

/* Offset of the first byte of s[0..len) that is not UTF-8, or len. */
size_t mr_utf8_check(const char *s, size_t len);

/* A copy of s with every byte that is not UTF-8 replaced by U+FFFD. */
char *mr_utf8_repair(const char *s);

/* At most max bytes of s, cut between characters, as mr_utf8_repair() makes it. */
char *mr_utf8_cut(const char *s, size_t max);

/* The time now, or SOURCE_DATE_EPOCH's (with no fraction) when that is set: reproducible output. */
struct timespec;
void mr_now(struct timespec *ts);

/* n with thousands' commas (1234567 as "1,234,567"), in buf. */
const char *mr_commas(long long n, char *buf, size_t size);

/* v (>= 0) to three significant figures, a whole number (1234567 as 1230000). */
long long mr_three_figures(double v);

/* v to three figures with thousands' commas (1234567 as "1,230,000"), in buf. */
const char *mr_figures(double v, char *buf, size_t size);
bool mr_is_file(const char *path);

/*
 * What says a file changed without reading it: modification time, size and
 * inode (all zero for a file that is not there).
 */
struct mr_stamp {
	long long mtime_ns, size, inode;
};

struct mr_stamp mr_stamp_of(const char *path);
/* Milliseconds on the monotonic clock, for intervals. */
long long mr_now_ms(void);
bool mr_stamp_equal(struct mr_stamp a, struct mr_stamp b);

/*
 * A 64-bit hash of len bytes at p, eight at a time, with seed (0, or what
 * the bytes before them hashed to): for hash tables and the caches'
 * checksums, never for anything an attacker must not collide.
 */
uint64_t mr_hash64(uint64_t seed, const void *p, size_t len);

#endif

/* Paths, maps, terminal-safe text, and reads that always end. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migreview/util.h"

static void
expect_abs(const char *in, const char *out)
{
	char *got = mr_path_absolute(in);

	cr_expect_str_eq(got, out, "absolute(%s)", in);
	free(got);
}

static void
expect_rel(const char *path, const char *base, const char *out)
{
	char *got = mr_path_relative(path, base);

	cr_expect_str_eq(got, out, "relative(%s, %s)", path, base);
	free(got);
}

Test(util, absolute_paths_are_normalised_like_os_path_abspath)
{
	expect_abs("/a/b/../c/./d//e/", "/a/c/d/e");
	expect_abs("/", "/");
	expect_abs("/..", "/");
	expect_abs("/work/main/examples/shop/migrations", "/work/main/examples/shop/migrations");
}

Test(util, relative_paths)
{
	expect_rel("/p/migrations/v/a.py", "/p", "migrations/v/a.py");
	expect_rel("/elsewhere/v/a.py", "/p/q", "../../elsewhere/v/a.py");
	expect_rel("/p", "/p", ".");
	expect_rel("/pq/a.py", "/p", "../pq/a.py");
	expect_rel("/p/a.py", "/", "p/a.py");
}

Test(util, strmap_grows_and_replaces)
{
	struct strmap m = { 0 };
	char keys[5000][8];
	size_t v;

	for (size_t i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		cr_assert_eq(strmap_put(&m, keys[i], i), 0);
	}
	cr_expect(strmap_get(&m, "k4321", &v));
	cr_expect_eq(v, 4321);
	cr_expect_not(strmap_get(&m, "k5000", &v));
	cr_assert_eq(strmap_put(&m, "k7", 99), 0);
	cr_expect(strmap_get(&m, "k7", &v));
	cr_expect_eq(v, 99);
	cr_expect_eq(m.n, 5000);
	strmap_free(&m, false);
}

/* Keys that differ in one byte, first or last, of every length around the hash's eight-byte steps. */
Test(util, strmap_tells_keys_apart_at_every_length)
{
	struct strmap m = { 0 };
	char keys[60][24];
	size_t n = 0, v;

	for (size_t len = 0; len < 20; len++)
		for (int b = 0; b < 3; b++) {
			if (b && len < (size_t)b)     /* a 'b' at 0 and at len - 1 are the same key */
				continue;
			memset(keys[n], 'a', len);
			keys[n][len] = '\0';
			if (b)
				keys[n][b == 1 ? 0 : len - 1] = 'b';
			cr_assert_eq(strmap_put(&m, keys[n], n), 0);
			n++;
		}
	cr_expect_eq(m.n, n);
	for (size_t i = 0; i < n; i++) {
		cr_expect(strmap_get(&m, keys[i], &v), "%s", keys[i]);
		cr_expect_eq(v, i, "%s", keys[i]);
	}
	cr_expect_not(strmap_get(&m, "aaaaaaaaaaaaaaaaaaaaa", &v));
	strmap_free(&m, false);
}

/* strmap_key(): the key as stored, not the one asked with, for a set of strings kept once. */
Test(util, strmap_key_is_the_stored_copy)
{
	struct strmap m = { 0 };
	char stored[] = "orders", asked[] = "orders";

	cr_expect_null(strmap_key(&m, asked), "an empty map has no key");
	cr_assert_eq(strmap_put(&m, stored, 0), 0);
	cr_expect_eq(strmap_key(&m, asked), stored);
	cr_expect_null(strmap_key(&m, "order"));
	strmap_free(&m, false);
}

/* mr_visible_lazy(): what mr_visible() makes, with no copy of printable ASCII. */
Test(util, visible_lazy_copies_only_what_it_escapes)
{
	static const char *const texts[] = {
		"", "plain ASCII only", "ok \x1b]52;c;aGk=\x07 \xe2\x80\xae rtl \xc2\x9b bad\xff é",
		"\x7f\x01\n\t", "\xef\xbb\xbf\xe2\x81\xa6 \xd8\x9c", "\xf0\x9f\x98\x80 \xe2\x82",
		"cut at the end \xc3", "caf\xc3\xa9",
	};

	for (size_t i = 0; i < MR_ARRAY_SIZE(texts); i++) {
		char *want = mr_visible(texts[i]), *copy;
		const char *got = mr_visible_lazy(texts[i], &copy);

		cr_assert(want && got);
		cr_expect_str_eq(got, want, "text %zu", i);
		cr_expect_eq(got == texts[i], copy == NULL, "text %zu", i);
		cr_expect_eq(copy == NULL, i < 2, "text %zu: copied unless printable ASCII", i);
		free(copy);
		free(want);
	}
}

/* Text looked at eight bytes a step: what is escaped is found at every place in it. */
Test(util, visible_finds_controls_at_every_place_in_long_text)
{
	static const struct { const char *in, *out; } odd[] = {
		{ "\x1b", "\\x1b" }, { "\x1f", "\\x1f" }, { "\x7f", "\\x7f" }, { "\xc2\x9b", "\\x9b" },
		{ "\xff", "\\xff" }, { "\xe2\x80\xae", "\\u202e" }, { "\xc3\xa9", "\xc3\xa9" },
		{ " ", " " }, { "~", "~" },
	};
	char in[40], want[40];

	for (size_t k = 0; k < MR_ARRAY_SIZE(odd); k++)
		for (size_t at = 0; at < 20; at++) {
			char *copy;
			const char *got;

			memset(in, 'a', 20);
			snprintf(in + at, sizeof(in) - at, "%s%.*s", odd[k].in, (int)(19 - at),
				 "bbbbbbbbbbbbbbbbbbbb");
			memset(want, 'a', at);
			snprintf(want + at, sizeof(want) - at, "%s%.*s", odd[k].out, (int)(19 - at),
				 "bbbbbbbbbbbbbbbbbbbb");
			got = mr_visible_lazy(in, &copy);
			cr_expect_str_eq(got, want, "%zu at %zu", k, at);
			cr_expect_eq(copy == NULL, k >= 7, "%zu at %zu: copied unless ASCII", k, at);
			free(copy);
		}
}

Test(util, visible_escapes_terminal_controls)
{
	char *v = mr_visible("ok \x1b]52;c;aGk=\x07 \xe2\x80\xae rtl \xc2\x9b bad\xff é");

	cr_expect_str_eq(v, "ok \\x1b]52;c;aGk=\\x07 \\u202e rtl \\x9b bad\\xff é");
	free(v);
}

Test(util, visible_lines_keeps_only_line_breaks)
{
	char *v = mr_visible_lines("a\x1b[2J\tb\n\xef\xbb\xbf" "c\r\n");

	cr_expect_str_eq(v, "a\\x1b[2J\\x09b\n\\ufeffc\\x0d\n");
	free(v);
	v = mr_visible("a\nb");
	cr_expect_str_eq(v, "a\\x0ab");
	free(v);
}

Test(util, shell_quote_makes_one_inert_word)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "3a6c0e9d2b71", "3a6c0e9d2b71" },
		{ "v1.2_rc-3", "v1.2_rc-3" },
		{ "", "''" },
		{ "$(touch x)", "'$(touch x)'" },
		{ "a b`c`;d", "'a b`c`;d'" },
		{ "it's", "'it'\\''s'" },
		{ "''", "''\\'''\\'''" },
	};

	for (size_t i = 0; i < MR_ARRAY_SIZE(cases); i++) {
		char *q = mr_shell_quote(cases[i].in);

		cr_expect_str_eq(q, cases[i].out, "%s", cases[i].in);
		free(q);
	}
}

Test(util, read_file_keeps_nul_bytes)
{
	char path[] = "/tmp/migreview-util-XXXXXX", *buf;
	size_t len;
	struct mr_error err;
	FILE *f = fdopen(mkstemp(path), "wb");

	fwrite("a\0b", 1, 3, f);
	fclose(f);
	cr_assert_eq(mr_read_file(path, MR_FILE_REVIEW, &buf, &len, &err), 0);
	cr_expect_eq(len, 3);
	cr_expect_eq(buf[2], 'b');
	free(buf);
	remove(path);
	buf = NULL;
	cr_expect_eq(mr_read_file(path, MR_FILE_REVIEW, &buf, &len, &err), -1);
	cr_expect_eq(errno, ENOENT, "a missing file is told apart: callers may allow it");
	cr_expect(strstr(err.msg, "cannot open: No such file"), "%s", err.msg);
	cr_expect_null(buf);
}

/* Every file's text is kept (the UI's): a buffer of its own size, not one of 64 KB for each. */
Test(util, read_file_takes_a_buffer_of_the_file_s_size)
{
	char path[] = "/tmp/migreview-util-XXXXXX", *buf, text[3000];
	size_t len;
	struct mr_error err;
	FILE *f = fdopen(mkstemp(path), "wb");

	memset(text, 'x', sizeof(text));
	fwrite(text, 1, sizeof(text), f);
	fclose(f);
	cr_assert_eq(mr_read_file(path, MR_FILE_MIGRATION, &buf, &len, &err), 0, "%s", err.msg);
	cr_expect_eq(len, sizeof(text));
	cr_expect_eq(buf[len], '\0');
	cr_expect_lt(malloc_usable_size(buf), 2 * sizeof(text), "%zu bytes",
		     malloc_usable_size(buf));
	free(buf);
	remove(path);
}

/* /proc's files say they are empty and are not: the buffer grows as they are read. */
Test(util, read_file_reads_a_file_longer_than_its_size_says)
{
	char *buf;
	size_t len;
	struct stat st;
	struct mr_error err;

	cr_assert_eq(stat("/proc/self/status", &st), 0);
	cr_assert_eq(st.st_size, 0);
	cr_assert_eq(mr_read_file("/proc/self/status", MR_FILE_USERCONF, &buf, &len, &err), 0,
		     "%s", err.msg);
	cr_expect_gt(len, 100);
	cr_expect_eq(strlen(buf), len);
	cr_expect_eq(strncmp(buf, "Name:", 5), 0, "%s", buf);
	free(buf);
}

/* A scratch directory holding name, a file of size bytes (sparse: no disk used). */
static char *
sized_file(char *dir, const char *name, off_t size)
{
	char *path;
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	path = mr_path_join(dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0 && write(fd, "revision = 'x'\n", 15) == 15 && ftruncate(fd, size) == 0);
	close(fd);
	return path;
}

static void
remove_in(char *dir, char *path)
{
	remove(path);
	rmdir(dir);
	free(path);
}

/* Reading path as kind fails at once, with "PATH: why" and no buffer. */
static void
expect_refused(const char *path, enum mr_file_kind kind, const char *why)
{
	char *buf = NULL, want[512];
	size_t len;
	struct mr_error err;

	cr_expect_eq(mr_read_file(path, kind, &buf, &len, &err), -1, "%s", path);
	snprintf(want, sizeof(want), "%s: %s", path, why);
	cr_expect_str_eq(err.msg, want);
	cr_expect_null(buf);
}

/* Each would block or fill the memory if it were read: none may take a second. */
Test(util, read_file_refuses_a_fifo_without_waiting_for_a_writer, .timeout = 10)
{
	char dir[] = "/tmp/migreview-util-XXXXXX", *path;

	cr_assert_not_null(mkdtemp(dir));
	path = mr_path_join(dir, "fifo");
	cr_assert_eq(mkfifo(path, 0644), 0);
	expect_refused(path, MR_FILE_MIGRATION, "not a regular file (a FIFO)");
	remove_in(dir, path);
}

Test(util, read_file_refuses_devices_and_links_to_them, .timeout = 10)
{
	char dir[] = "/tmp/migreview-util-XXXXXX", *link;

	expect_refused("/dev/zero", MR_FILE_INI, "not a regular file (a character device)");
	cr_assert_not_null(mkdtemp(dir));
	link = mr_path_join(dir, "alembic.ini");
	cr_assert_eq(symlink("/dev/urandom", link), 0);
	expect_refused(link, MR_FILE_INI, "not a regular file (a character device)");
	remove_in(dir, link);
}

Test(util, read_file_refuses_a_file_over_the_limit_of_its_kind, .timeout = 10)
{
	char dir[] = "/tmp/migreview-util-XXXXXX", *path, *buf;
	size_t len, max = mr_file_max(MR_FILE_USERCONF);
	struct mr_error err;

	path = sized_file(dir, "config", (off_t)max + 1);
	expect_refused(path, MR_FILE_USERCONF,
		       "larger than 1 MiB, the most migreview reads for the user configuration");
	cr_expect_eq(errno, EFBIG);
	cr_assert_eq(truncate(path, (off_t)max), 0);
	cr_assert_eq(mr_read_file(path, MR_FILE_USERCONF, &buf, &len, &err), 0, "%s", err.msg);
	cr_expect_eq(len, max, "a file of exactly the limit is read whole");
	free(buf);
	remove_in(dir, path);
}

Test(util, read_file_head_reads_only_the_head_of_a_huge_file, .timeout = 10)
{
	char dir[] = "/tmp/migreview-util-XXXXXX", *path, *buf = NULL;
	size_t len, size;
	struct mr_stamp stamp = { 0, 0, 0 };
	struct mr_error err;

	path = sized_file(dir, "huge.py", (off_t)3 << 30);
	cr_assert_eq(mr_read_file_head(path, MR_FILE_MIGRATION, 4096, &buf, &len, &size, NULL,
				       &err), 0,
		     "%s", err.msg);
	cr_expect_eq(len, 4096);
	cr_expect_eq(size, (size_t)3 << 30);
	cr_expect_eq(memcmp(buf, "revision = 'x'\n", 15), 0);
	free(buf);
	cr_assert_eq(truncate(path, 100), 0);
	cr_assert_eq(mr_read_file_head(path, MR_FILE_MIGRATION, 4096, &buf, &len, &size, &stamp,
				       &err), 0);
	cr_expect(len == 100 && size == 100, "a file within the limit is read whole");
	cr_expect(stamp.size == 100 && mr_stamp_equal(stamp, mr_stamp_of(path)),
		  "the stamp is the file's as it was read");
	free(buf);
	remove_in(dir, path);
}

/* The headless UI reads its keys from standard input, often a pipe: allowed, but capped. */
Test(util, read_file_takes_a_key_script_from_a_pipe_up_to_its_limit, .timeout = 20)
{
	char path[64], *buf = NULL;
	size_t len;
	struct mr_error err;
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], "jjq", 3), 3);
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	cr_assert_eq(mr_read_file(path, MR_FILE_KEYS, &buf, &len, &err), 0, "%s", err.msg);
	cr_expect_str_eq(buf, "jjq");
	free(buf);
	close(fds[0]);
	expect_refused("/dev/zero", MR_FILE_KEYS,
		       "larger than 16 MiB, the most migreview reads for a key script");
}

Test(util, utf8_check_and_repair)
{
	static const char ok[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
	static const char bad[] = "ab\xc3(\xe9";
	char *fixed;

	cr_expect_eq(mr_utf8_check(ok, strlen(ok)), strlen(ok));
	cr_expect_eq(mr_utf8_check(bad, strlen(bad)), 2);
	cr_expect_eq(mr_utf8_check("\xed\xa0\x80", 3), 0, "a surrogate is not UTF-8");
	cr_expect_eq(mr_utf8_check("\xc0\xaf", 2), 0, "an overlong form is not UTF-8");
	cr_expect_eq(mr_utf8_check("x\xe2\x82", 3), 1, "a sequence cut by the end");
	fixed = mr_utf8_repair(bad);
	cr_expect_str_eq(fixed, "ab\xef\xbf\xbd(\xef\xbf\xbd");
	free(fixed);
}

Test(util, utf8_cut_between_characters)
{
	static const char text[] = "caf\xc3\xa9 \xe2\x82\xac";
	char *cut;

	cut = mr_utf8_cut(text, 4);
	cr_expect_str_eq(cut, "caf", "a cut inside \xc3\xa9 leaves none of it");
	free(cut);
	cut = mr_utf8_cut(text, 5);
	cr_expect_str_eq(cut, "caf\xc3\xa9");
	free(cut);
	cut = mr_utf8_cut(text, 100);
	cr_expect_str_eq(cut, text, "a short text whole");
	free(cut);
	cut = mr_utf8_cut("ab\xc3(", 10);
	cr_expect_str_eq(cut, "ab\xef\xbf\xbd(", "what is not UTF-8 is repaired");
	free(cut);
}

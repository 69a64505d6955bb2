/* Paths, maps and terminal-safe text. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

Test(util, visible_escapes_terminal_controls)
{
	char *v = mr_visible("ok \x1b]52;c;aGk=\x07 \xe2\x80\xae rtl \xc2\x9b bad\xff é");

	cr_expect_str_eq(v, "ok \\x1b]52;c;aGk=\\x07 \\u202e rtl \\x9b bad\\xff é");
	free(v);
}

Test(util, read_file_keeps_nul_bytes)
{
	char path[] = "/tmp/migreview-util-XXXXXX", *buf;
	size_t len;
	struct mr_error err;
	FILE *f = fdopen(mkstemp(path), "wb");

	fwrite("a\0b", 1, 3, f);
	fclose(f);
	cr_assert_eq(mr_read_file(path, &buf, &len, &err), 0);
	cr_expect_eq(len, 3);
	cr_expect_eq(buf[2], 'b');
	free(buf);
	remove(path);
	cr_expect_eq(mr_read_file(path, &buf, &len, &err), -1);
	cr_expect(strstr(err.msg, "cannot open"));
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

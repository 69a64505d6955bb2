/*
 * The streaming JSON writer against jansson itself: the reports it writes
 * were jansson's dumps, so every string and every layout must come out as
 * json_dumps() writes them, and a string jansson refuses must be refused.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/jsonout.h"

#define FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII)

/* What the writer writes for one string value; NULL when it fails. */
static char *
written(const char *s, size_t len)
{
	char *out = NULL;
	size_t size;
	FILE *f = open_memstream(&out, &size);
	struct jsonout *w = malloc(sizeof(*w));
	int rc;

	if (!f || !w)
		cr_assert_fail("out of memory");
	jsonout_init(w, f);
	jsonout_stringn(w, s, len);
	rc = jsonout_finish(w);
	free(w);
	fclose(f);
	if (rc < 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* What jansson dumps for the same bytes, taken unchecked; NULL when it fails. */
static char *
dumped(const char *s, size_t len)
{
	json_t *j = json_stringn_nocheck(s, len);
	char *out = json_dumps(j, FLAGS | JSON_ENCODE_ANY);

	json_decref(j);
	return out;
}

/*
 * Whether the writer and jansson agree on len bytes at s: on taking them as
 * a string, and on what they write for them.  (No assertion per call: the
 * loops below make hundreds of thousands.)
 */
static bool
agree(const char *s, size_t len)
{
	char *mine = written(s, len), *theirs = dumped(s, len);
	json_t *checked = json_stringn(s, len);
	bool same = jsonout_utf8(s, len) == (checked != NULL) &&
		    (mine && theirs ? !strcmp(mine, theirs) : !mine && !theirs);

	json_decref(checked);
	free(mine);
	free(theirs);
	return same;
}

static void
expect_agree(const char *s, size_t len)
{
	char hex[3 * 8 + 1] = "";

	if (agree(s, len))
		return;
	for (size_t i = 0; i < len && i < 8; i++)
		snprintf(hex + 3 * i, 4, " %02x", (unsigned char)s[i]);
	cr_expect_fail("the writer and jansson differ on %zu bytes:%s%s", len, hex,
		       len > 8 ? " ..." : "");
}

#define SAME(lit) expect_agree(lit, sizeof(lit) - 1)

Test(jsonout, quotes_backslashes_and_control_characters_are_escaped_as_jansson_does)
{
	char ctl[2] = { 0 };

	SAME("");
	SAME("plain text / with a slash and a ~");
	SAME("\"quoted\" and back\\slashed \\\" mixed");
	SAME("\b\f\n\r\t and \x01\x1f and \x7f");
	SAME("a\0b");
	SAME("\0");
	for (int c = 0; c < 0x20; c++) {
		ctl[0] = (char)c;
		expect_agree(ctl, 1);
	}
}

Test(jsonout, non_ascii_is_escaped_as_jansson_does)
{
	SAME("caf\xc3\xa9 \xe4\xb8\xad");
	SAME("line\xe2\x80\xa8separator and paragraph\xe2\x80\xa9separator");
	SAME("\xef\xbf\xbf \xef\xbb\xbf");                     /* U+FFFF, a BOM */
	SAME("\xf0\x9f\x98\x80 astral, \xf4\x8f\xbf\xbf last"); /* U+1F600, U+10FFFF */
}

/* Text read eight bytes at a time: what must be escaped (or refused) at every place in it. */
Test(jsonout, escapes_are_found_at_every_place_in_long_text)
{
	static const char *const odd[] = { "\"", "\\", "\x01", "\x1f", "\n", "\x7f", " ", "~",
					    "\xc3\xa9", "\xe2\x80\xa8", "\xff", "\xc3" };
	char s[40];

	for (size_t k = 0; k < sizeof(odd) / sizeof(odd[0]); k++)
		for (size_t at = 0; at < 20; at++) {
			size_t n = strlen(odd[k]);

			memset(s, 'a', sizeof(s));
			memcpy(s + at, odd[k], n);
			expect_agree(s, 20 + n);
			expect_agree(s, at + n);
		}
}

/* Every code point, 4096 to a string, as jansson writes them. */
Test(jsonout, every_code_point_is_written_as_jansson_writes_it)
{
	char *s = malloc(4 * 4096);

	cr_assert(s);
	for (long first = 0; first <= 0x10FFFF; first += 4096) {
		size_t len = 0;

		for (long cp = first; cp < first + 4096 && cp <= 0x10FFFF; cp++) {
			if (cp >= 0xD800 && cp <= 0xDFFF)
				continue;
			if (cp < 0x80) {
				s[len++] = (char)cp;
			} else if (cp < 0x800) {
				s[len++] = (char)(0xC0 | cp >> 6);
				s[len++] = (char)(0x80 | (cp & 0x3F));
			} else if (cp < 0x10000) {
				s[len++] = (char)(0xE0 | cp >> 12);
				s[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
				s[len++] = (char)(0x80 | (cp & 0x3F));
			} else {
				s[len++] = (char)(0xF0 | cp >> 18);
				s[len++] = (char)(0x80 | (cp >> 12 & 0x3F));
				s[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
				s[len++] = (char)(0x80 | (cp & 0x3F));
			}
		}
		expect_agree(s, len);
	}
	free(s);
}

/*
 * Invalid UTF-8 (stray continuation bytes, C0/C1, F5 and up, short
 * sequences, overlong forms, surrogates, past U+10FFFF): jansson refuses it
 * as a string and fails to dump it; so must the writer.  Every one- and
 * two-byte sequence, and longer ones around each boundary.
 */
Test(jsonout, invalid_utf8_is_refused_as_jansson_refuses_it)
{
	static const unsigned char edges[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
					       0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF,
					       0xF0, 0xF4, 0xF5, 0xFF };
	unsigned char s[4];

	for (int a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		expect_agree((char *)s, 1);
		for (int b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			expect_agree((char *)s, 2);
		}
	}
	for (int a = 0xE0; a < 256; a++)
		for (size_t b = 0; b < sizeof(edges); b++)
			for (size_t c = 0; c < sizeof(edges); c++) {
				s[0] = (unsigned char)a;
				s[1] = edges[b];
				s[2] = edges[c];
				expect_agree((char *)s, 3);
				for (size_t d = 0; a >= 0xF0 && d < sizeof(edges); d++) {
					s[3] = edges[d];
					expect_agree((char *)s, 4);
				}
			}
}

/* The writer's output for the document write() writes. */
static char *
stream(void (*write)(struct jsonout *))
{
	char *out = NULL;
	size_t size;
	FILE *f = open_memstream(&out, &size);
	struct jsonout *w = malloc(sizeof(*w));

	cr_assert(f && w);
	jsonout_init(w, f);
	write(w);
	cr_expect_eq(jsonout_finish(w), 0);
	free(w);
	fclose(f);
	return out;
}

static void
write_doc(struct jsonout *w)
{
	jsonout_begin_object(w);
	jsonout_key(w, "empty array");
	jsonout_begin_array(w);
	jsonout_end_array(w);
	jsonout_key(w, "empty object");
	jsonout_begin_object(w);
	jsonout_end_object(w);
	jsonout_key(w, "k\xc3\xa9y \"q\"");
	jsonout_begin_array(w);
	jsonout_int(w, 0);
	jsonout_int(w, -7);
	jsonout_int(w, LLONG_MAX);
	jsonout_int(w, LLONG_MIN);
	jsonout_int(w, 1234567890);
	jsonout_null(w);
	jsonout_bool(w, true);
	jsonout_bool(w, false);
	jsonout_begin_array(w);
	jsonout_begin_object(w);
	jsonout_key(w, "deep");
	jsonout_begin_array(w);
	jsonout_string(w, "x");
	jsonout_end_array(w);
	jsonout_end_object(w);
	jsonout_begin_array(w);
	jsonout_end_array(w);
	jsonout_end_array(w);
	jsonout_end_array(w);
	jsonout_key(w, "last");
	jsonout_string(w, "\xe2\x80\xa8");
	jsonout_end_object(w);
}

Test(jsonout, documents_are_laid_out_as_jansson_lays_them_out)
{
	json_t *doc = json_pack("{s:[], s:{}, s:[i, i, I, I, i, n, b, b, [{s:[s]}, []]], s:s}",
				"empty array", "empty object", "k\xc3\xa9y \"q\"", 0, -7,
				(json_int_t)LLONG_MAX, (json_int_t)LLONG_MIN, 1234567890, 1, 0,
				"deep", "x", "last", "\xe2\x80\xa8");
	char *theirs = json_dumps(doc, FLAGS), *mine = stream(write_doc);

	cr_assert(theirs);
	cr_expect_str_eq(mine, theirs);
	free(mine);
	free(theirs);
	json_decref(doc);
}

/* A full disk fails the writer, and the report says so (check: "cannot write the report"). */
Test(jsonout, a_write_that_fails_fails_the_writer)
{
	FILE *f = fopen("/dev/full", "w");
	struct jsonout *w = malloc(sizeof(*w));

	cr_assert(f && w);
	jsonout_init(w, f);
	jsonout_begin_array(w);
	for (int i = 0; i < 100000; i++)
		jsonout_string(w, "more than the writer's buffer holds");
	jsonout_end_array(w);
	cr_expect(!jsonout_ok(w));
	cr_expect_eq(jsonout_finish(w), -1);
	free(w);
	fclose(f);
}

/* A streaming JSON writer that writes what jansson's dump writes (jsonout.h). */
#include "config.h"

#include <string.h>

#include "migreview/jsonout.h"

void
jsonout_init(struct jsonout *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->filled = 0;
	w->keyed = w->failed = false;
	w->used = 0;
}

static void
flush(struct jsonout *w)
{
	if (w->used && fwrite(w->buf, 1, w->used, w->f) != w->used)
		w->failed = true;
	w->used = 0;
}

static void
put(struct jsonout *w, const char *s, size_t n)
{
	if (w->used + n > sizeof(w->buf))
		flush(w);
	if (n > sizeof(w->buf)) {
		if (fwrite(s, 1, n, w->f) != n)
			w->failed = true;
		return;
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
}

static void
put_char(struct jsonout *w, char c)
{
	if (w->used == sizeof(w->buf))
		flush(w);
	w->buf[w->used++] = c;
}

/* A line break and two spaces a level, as JSON_INDENT(2) does. */
static void
newline(struct jsonout *w, unsigned depth)
{
	static const char spaces[] = "                                ";

	put_char(w, '\n');
	for (size_t n = 2 * depth, k; n > 0; n -= k) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		put(w, spaces, k);
	}
}

/* Before a value or a key: the comma and the line it starts, unless a key leads it. */
static void
member(struct jsonout *w)
{
	uint64_t bit;

	if (w->keyed) {
		w->keyed = false;
		return;
	}
	if (w->depth == 0)
		return;
	bit = UINT64_C(1) << (w->depth - 1);
	if (w->filled & bit)
		put_char(w, ',');
	w->filled |= bit;
	newline(w, w->depth);
}

static void
begin(struct jsonout *w, char open)
{
	member(w);
	if (w->depth == JSONOUT_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	put_char(w, open);
	w->filled &= ~(UINT64_C(1) << w->depth);
	w->depth++;
}

/* An empty container closes on its own line: "[]", "{}". */
static void
end(struct jsonout *w, char close)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	if (w->filled & (UINT64_C(1) << w->depth))
		newline(w, w->depth);
	put_char(w, close);
}

void
jsonout_begin_object(struct jsonout *w)
{
	begin(w, '{');
}

void
jsonout_end_object(struct jsonout *w)
{
	end(w, '}');
}

void
jsonout_begin_array(struct jsonout *w)
{
	begin(w, '[');
}

void
jsonout_end_array(struct jsonout *w)
{
	end(w, ']');
}

/*
 * The code point of the UTF-8 sequence at s, and its length; 0 for what
 * jansson's utf8_iterate() refuses (utf.c): a stray continuation byte, C0,
 * C1, F5 and up, a short sequence, an overlong form, a surrogate, past
 * U+10FFFF.
 */
static size_t
utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] < 0xC2 ? 0 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 :
		   s[0] < 0xF5 ? 4 : 0;
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t v = s[0];

	if (n == 0 || n > len)
		return 0;
	if (n == 1) {
		*cp = v;
		return 1;
	}
	v &= 0x7Fu >> n;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v < least[n])
		return 0;
	*cp = v;
	return n;
}

/* The bytes from s on that are ASCII, eight at a time: most of any report's text. */
static size_t
ascii_run(const unsigned char *s, size_t len)
{
	size_t i = 0;
	uint64_t word;

	for (; i + 8 <= len; i += 8) {
		memcpy(&word, s + i, 8);
		if (word & UINT64_C(0x8080808080808080))
			break;
	}
	while (i < len && s[i] < 0x80)
		i++;
	return i;
}

bool
jsonout_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while ((i += ascii_run(p + i, len - i)) < len) {
		if (!(n = utf8_next(p + i, len - i, &cp)))
			return false;
		i += n;
	}
	return true;
}

/* What jansson writes for a code point it escapes: \n and the like, else \uXXXX. */
static void
put_escape(struct jsonout *w, uint32_t cp)
{
	static const char short_form[] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
					   ['\r'] = 'r', ['"'] = '"', ['\\'] = '\\' };
	char seq[13];
	int n;

	if (cp < sizeof(short_form) && short_form[cp]) {
		put(w, (char[]){ '\\', short_form[cp] }, 2);
		return;
	}
	/* past the BMP: a UTF-16 surrogate pair */
	if (cp >= 0x10000)
		n = snprintf(seq, sizeof(seq), "\\u%04X\\u%04X",
			     (unsigned)(0xD800 | (cp - 0x10000) >> 10),
			     (unsigned)(0xDC00 | ((cp - 0x10000) & 0x3FF)));
	else
		n = snprintf(seq, sizeof(seq), "\\u%04X", (unsigned)cp);
	put(w, seq, (size_t)n);
}

/*
 * Whether the eight bytes at p go as they are: no control, '"', '\\' or
 * byte past ASCII among them (a borrow may say no of bytes that do: those
 * are looked at one by one).
 */
static bool
eight_plain(const unsigned char *p)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = ones * 0x80;
	uint64_t word, quote, backslash;

	memcpy(&word, p, 8);
	quote = word ^ ones * '"';
	backslash = word ^ ones * '\\';
	return !((((word - ones * 0x20) & ~word) | ((quote - ones) & ~quote) |
		  ((backslash - ones) & ~backslash) | word) & high);
}

/* Printable ASCII goes as it is, in runs; the rest escaped (JSON_ENSURE_ASCII). */
static void
put_string(struct jsonout *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;

	put_char(w, '"');
	while (p < end) {
		uint32_t cp;
		size_t n;

		if (end - p >= 8 && eight_plain(p)) {
			p += 8;
			continue;
		}
		if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
			p++;
			continue;
		}
		put(w, (const char *)run, (size_t)(p - run));
		if (!(n = utf8_next(p, (size_t)(end - p), &cp))) {
			w->failed = true;
			return;
		}
		put_escape(w, cp);
		p += n;
		run = p;
	}
	put(w, (const char *)run, (size_t)(p - run));
	put_char(w, '"');
}

void
jsonout_key(struct jsonout *w, const char *key)
{
	member(w);
	put_string(w, key, strlen(key));
	put(w, ": ", 2);
	w->keyed = true;
}

void
jsonout_stringn(struct jsonout *w, const char *s, size_t len)
{
	member(w);
	put_string(w, s, len);
}

void
jsonout_string(struct jsonout *w, const char *s)
{
	jsonout_stringn(w, s, strlen(s));
}

void
jsonout_int(struct jsonout *w, long long v)
{
	/* by hand, not snprintf(): a report writes two numbers a finding */
	char num[24], *p = num + sizeof(num);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	member(w);
	put(w, p, (size_t)(num + sizeof(num) - p));
}

void
jsonout_tenths(struct jsonout *w, double v)
{
	char num[48];
	int n = snprintf(num, sizeof(num), "%.1f", v);

	member(w);
	put(w, num, (size_t)n);
}

void
jsonout_bool(struct jsonout *w, bool v)
{
	member(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
jsonout_null(struct jsonout *w)
{
	member(w);
	put(w, "null", 4);
}

bool
jsonout_ok(const struct jsonout *w)
{
	return !w->failed && !ferror(w->f);
}

int
jsonout_finish(struct jsonout *w)
{
	flush(w);
	return jsonout_ok(w) ? 0 : -1;
}

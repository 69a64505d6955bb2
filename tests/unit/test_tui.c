/*
 * The engine-free parts of the UI: the cell grid and how text is measured
 * and drawn into it, key names and the default keymap, the lanes of the
 * revision graph, and the status-line prompt.  Everything is checked cell
 * by cell or string by string: these are what the terminal shows.
 */
#include "config.h"     /* memmem */

#include <criterion/criterion.h>
#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph_spec.h"
#include "tui/keys.h"
#include "tui/lanes.h"
#include "tui/listsearch.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/userconf.h"
#include "tui/view.h"

#define ESC_STYLE 7     /* the escape style of every test screen */
#define UNTOUCHED 9     /* the style cells are cleared to: never drawn */

/* wcwidth() follows LC_CTYPE: wide and combining characters need UTF-8. */
static void
utf8_locale(void)
{
	cr_assert_not_null(setlocale(LC_CTYPE, "C.UTF-8"));
}

/* --- screen --- */

static struct screen scr;

static void
screen_setup(void)
{
	utf8_locale();
	cr_assert_eq(screen_resize(&scr, 12, 3), 0);
	scr.escape_style = ESC_STYLE;
	screen_clear(&scr, UNTOUCHED);
}

static void
screen_teardown(void)
{
	screen_free(&scr);
}

TestSuite(screen, .init = screen_setup, .fini = screen_teardown);

static const struct cell *
at(int y, int x)
{
	return &scr.cells[(size_t)y * (size_t)scr.cols + (size_t)x];
}

/* The whole screen as screen_dump writes it, in a static buffer. */
static const char *
dump(void)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	cr_assert_not_null(f);
	screen_dump(&scr, f);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* Row y as one character per cell ('.' for a right half), for messages and asserts. */
static const char *
row_ascii(int y)
{
	static char buf[256];
	int x;

	for (x = 0; x < scr.cols && x < (int)sizeof(buf) - 1; x++) {
		uint32_t ch = at(y, x)->ch;

		buf[x] = at(y, x)->width == 0 ? '.' : ch < 0x80 ? (char)ch : '#';
	}
	buf[x] = '\0';
	return buf;
}

/* Cells x .. x+strlen(text) of row y hold text (ASCII), one cell each, in style. */
static void
expect_cells(int y, int x, const char *text, uint16_t style)
{
	for (size_t i = 0; text[i]; i++) {
		const struct cell *c = at(y, x + (int)i);

		cr_expect_eq(c->ch, (uint32_t)(unsigned char)text[i], "cell %d of \"%s\": %#x",
			     x + (int)i, row_ascii(y), (unsigned)c->ch);
		cr_expect_eq(c->width, 1, "width of cell %d", x + (int)i);
		cr_expect_eq(c->style, style, "style of cell %d: %d", x + (int)i, c->style);
		cr_expect_eq(c->marks[0], 0, "marks of cell %d", x + (int)i);
	}
}

static void
expect_untouched(int y, int x, int n)
{
	for (int i = x; i < x + n; i++)
		cr_expect(at(y, i)->ch == ' ' && at(y, i)->style == UNTOUCHED,
			  "cell %d of \"%s\" was drawn", i, row_ascii(y));
}

Test(screen, resize_gives_blank_plain_cells)
{
	cr_assert_eq(screen_resize(&scr, 4, 2), 0);
	cr_expect_eq(scr.cols, 4);
	cr_expect_eq(scr.rows, 2);
	expect_cells(0, 0, "    ", 0);
	expect_cells(1, 0, "    ", 0);
	cr_expect_str_eq(dump(), "\n\n");
}

Test(screen, plain_text_goes_one_cell_per_character)
{
	struct span sp = span_at(1, 2, 5);

	cr_expect(span_str(&scr, &sp, 3, "abc"));
	cr_expect_eq(sp.col, 3);
	expect_untouched(1, 0, 2);
	expect_cells(1, 2, "abc", 3);
	expect_untouched(1, 5, 7);
	cr_expect_str_eq(dump(), "\n  abc\n\n");
}

Test(screen, text_stops_at_the_end_of_the_span)
{
	struct span sp = span_at(0, 1, 3);

	cr_expect_not(span_str(&scr, &sp, 1, "abcdef"));
	expect_cells(0, 1, "abc", 1);
	expect_untouched(0, 4, 8);
	cr_expect_not(span_str(&scr, &sp, 1, "x"), "a full span stays full");
	expect_untouched(0, 4, 8);
}

Test(screen, a_span_reports_full_only_once_it_is_full)
{
	struct span sp = span_at(0, 0, 3);

	cr_expect(span_str(&scr, &sp, 1, "ab"));
	cr_expect_not(span_str(&scr, &sp, 1, "c"));
	expect_cells(0, 0, "abc", 1);
}

Test(screen, span_text_draws_exactly_len_bytes)
{
	struct span sp = span_at(0, 0, 12);

	cr_expect(span_text(&scr, &sp, 1, "abcdef", 2));
	expect_cells(0, 0, "ab", 1);
	expect_untouched(0, 2, 10);
}

Test(screen, escape_character_is_drawn_as_a_visible_escape)
{
	struct span sp = span_at(0, 0, 12);

	cr_expect(span_str(&scr, &sp, 1, "a\x1b[2Jb"));
	expect_cells(0, 0, "a", 1);
	expect_cells(0, 1, "\\x1b", ESC_STYLE);
	expect_cells(0, 5, "[2Jb", 1);
	cr_expect_eq(sp.col, 9);
	cr_expect_str_eq(dump(), "a\\x1b[2Jb\n\n\n");
}

Test(screen, delete_and_c1_controls_are_escaped)
{
	struct span sp = span_at(0, 0, 12);

	span_str(&scr, &sp, 1, "\x7f" "\xc2\x9b");     /* DEL, U+009B (CSI) */
	expect_cells(0, 0, "\\x7f\\x9b", ESC_STYLE);
	cr_expect_eq(sp.col, 8);
}

Test(screen, nul_and_newline_are_escaped)
{
	struct span sp = span_at(0, 0, 12);

	span_text(&scr, &sp, 1, "\0\n", 2);
	expect_cells(0, 0, "\\x00\\x0a", ESC_STYLE);
}

Test(screen, bidi_controls_are_escaped)
{
	struct span sp = span_at(0, 0, 12), sp2 = span_at(1, 0, 12);

	span_str(&scr, &sp, 1, "x\xe2\x80\xae" "y");        /* U+202E RIGHT-TO-LEFT OVERRIDE */
	expect_cells(0, 0, "x", 1);
	expect_cells(0, 1, "\\u202e", ESC_STYLE);
	expect_cells(0, 7, "y", 1);
	span_str(&scr, &sp2, 1, "\xe2\x81\xa6" "\xe2\x80\x8f");  /* U+2066, U+200F */
	expect_cells(1, 0, "\\u2066\\u200f", ESC_STYLE);
	cr_expect_str_eq(dump(), "x\\u202ey\n\\u2066\\u200f\n\n");
}

Test(screen, bytes_that_are_not_utf8_are_escaped_one_by_one)
{
	struct span a = span_at(0, 0, 12), b = span_at(1, 0, 12), c = span_at(2, 0, 12);

	span_str(&scr, &a, 1, "\xff" "a\x80");                /* stray bytes */
	expect_cells(0, 0, "\\xff", ESC_STYLE);
	expect_cells(0, 4, "a", 1);
	expect_cells(0, 5, "\\x80", ESC_STYLE);
	span_str(&scr, &b, 1, "\xc0\xaf" "\xe4\xb8");         /* overlong '/', cut short */
	expect_cells(1, 0, "\\xc0\\xaf\\xe4", ESC_STYLE);
	span_str(&scr, &c, 1, "\xed\xa0\x80");                /* a surrogate */
	expect_cells(2, 0, "\\xed\\xa0\\x80", ESC_STYLE);
}

Test(screen, an_escape_is_cut_at_the_end_of_the_span)
{
	struct span sp = span_at(0, 0, 3);

	cr_expect_not(span_str(&scr, &sp, 1, "\x1b" "z"));
	expect_cells(0, 0, "\\x1", ESC_STYLE);
	expect_untouched(0, 3, 9);
}

Test(screen, a_wide_character_takes_two_cells)
{
	struct span sp = span_at(0, 1, 6);

	cr_expect(span_str(&scr, &sp, 2, "\xe4\xb8\xad" "x"));      /* U+4E2D */
	cr_expect_eq(sp.col, 3);
	cr_expect_eq(at(0, 1)->ch, 0x4E2D);
	cr_expect_eq(at(0, 1)->width, 2);
	cr_expect_eq(at(0, 1)->style, 2);
	cr_expect_eq(at(0, 2)->ch, 0);
	cr_expect_eq(at(0, 2)->width, 0);
	cr_expect_eq(at(0, 2)->style, 2);
	expect_cells(0, 3, "x", 2);
	cr_expect_str_eq(dump(), " \xe4\xb8\xad" "x\n\n\n");
}

Test(screen, a_wide_character_that_does_not_fit_leaves_a_blank)
{
	struct span sp = span_at(0, 0, 3);

	cr_expect_not(span_str(&scr, &sp, 2, "ab\xe4\xb8\xad"));
	expect_cells(0, 0, "ab ", 2);
	expect_untouched(0, 3, 9);
	cr_expect_str_eq(dump(), "ab\n\n\n");
}

Test(screen, a_wide_character_fills_a_span_exactly)
{
	struct span sp = span_at(0, 0, 4);

	cr_expect_not(span_str(&scr, &sp, 2, "ab\xe4\xb8\xad"));
	cr_expect_eq(at(0, 2)->ch, 0x4E2D);
	cr_expect_eq(at(0, 2)->width, 2);
	cr_expect_eq(at(0, 3)->width, 0);
	expect_untouched(0, 4, 8);
}

Test(screen, a_wide_character_at_the_right_edge_of_the_screen_is_clipped)
{
	/* the span goes past the screen, which keeps only what is on it */
	struct span sp = span_at(0, 10, 6);

	span_str(&scr, &sp, 2, "a\xe4\xb8\xad");
	expect_cells(0, 10, "a ", 2);
	expect_untouched(1, 0, 12);
	cr_expect_str_eq(dump(), "          a\n\n\n");
}

Test(screen, a_wide_character_half_left_of_the_screen_shows_a_blank)
{
	struct span sp = span_at(0, -1, 6);

	span_str(&scr, &sp, 2, "\xe4\xb8\xad" "x");
	expect_cells(0, 0, " x", 2);
	expect_untouched(0, 2, 10);
}

Test(screen, a_span_below_the_screen_draws_nothing)
{
	struct span sp = span_at(3, 0, 6);

	span_str(&scr, &sp, 2, "a\xe4\xb8\xad" "b");
	cr_expect_str_eq(dump(), "\n\n\n");
}

Test(screen, a_combining_mark_joins_the_cell_before_it)
{
	struct span sp = span_at(0, 0, 12);

	cr_expect(span_str(&scr, &sp, 1, "e\xcc\x81x"));         /* e + U+0301 */
	cr_expect_eq(sp.col, 2);
	cr_expect_eq(at(0, 0)->ch, 'e');
	cr_expect_eq(at(0, 0)->marks[0], 0x301);
	cr_expect_eq(at(0, 0)->marks[1], 0);
	expect_cells(0, 1, "x", 1);
	cr_expect_str_eq(dump(), "e\xcc\x81x\n\n\n");
}

Test(screen, a_combining_mark_joins_the_last_cell_of_a_full_span)
{
	struct span sp = span_at(0, 0, 2);

	cr_expect_not(span_str(&scr, &sp, 1, "ab\xcc\x81" "c"));
	cr_expect_eq(at(0, 1)->ch, 'b');
	cr_expect_eq(at(0, 1)->marks[0], 0x301);
	expect_untouched(0, 2, 10);
	cr_expect_str_eq(dump(), "ab\xcc\x81\n\n\n");
}

Test(screen, a_combining_mark_joins_a_wide_character_on_its_left_cell)
{
	struct span sp = span_at(0, 0, 12);

	span_str(&scr, &sp, 1, "\xe4\xb8\xad\xcc\x81");
	cr_expect_eq(at(0, 0)->marks[0], 0x301);
	cr_expect_eq(at(0, 1)->marks[0], 0);
	cr_expect_str_eq(dump(), "\xe4\xb8\xad\xcc\x81\n\n\n");
}

Test(screen, a_combining_mark_joins_across_calls_and_keeps_at_most_cell_marks)
{
	struct span sp = span_at(0, 0, 12);

	span_str(&scr, &sp, 1, "a");
	span_str(&scr, &sp, 1, "\xcc\x81\xcc\x82\xcc\x83");     /* U+0301 U+0302 U+0303 */
	cr_expect_eq(CELL_MARKS, 2);
	cr_expect_eq(at(0, 0)->marks[0], 0x301);
	cr_expect_eq(at(0, 0)->marks[1], 0x302);
	cr_expect_eq(sp.col, 1);
	cr_expect_str_eq(dump(), "a\xcc\x81\xcc\x82\n\n\n");
}

Test(screen, a_combining_mark_of_a_character_that_did_not_fit_is_dropped)
{
	struct span sp = span_at(0, 0, 3);

	span_str(&scr, &sp, 1, "ab\xe4\xb8\xad\xcc\x81");
	for (int x = 0; x < 3; x++)
		cr_expect_eq(at(0, x)->marks[0], 0, "cell %d", x);
}

Test(screen, a_tab_moves_to_the_next_multiple_of_eight)
{
	struct span a = span_at(0, 0, 12), b = span_at(1, 0, 12);

	span_str(&scr, &a, 1, "a\tb");
	expect_cells(0, 0, "a       b", 1);
	cr_expect_eq(a.col, 9);
	span_str(&scr, &b, 1, "1234567\tx");
	expect_cells(1, 0, "1234567 x", 1);
}

Test(screen, a_tab_on_a_stop_moves_a_whole_stop)
{
	struct screen wide = { 0 };
	struct span sp = span_at(0, 0, 20);

	cr_assert_eq(screen_resize(&wide, 20, 1), 0);
	span_str(&wide, &sp, 1, "12345678\tx");
	cr_expect_eq(sp.col, 17);
	cr_expect_eq(wide.cells[16].ch, 'x');
	cr_expect_eq(wide.cells[15].ch, ' ');
	cr_expect_eq(wide.cells[8].style, 1);
	screen_free(&wide);
}

Test(screen, tab_stops_count_from_the_tab_origin)
{
	struct span sp = span_at(0, 0, 12);

	sp.tab_origin = 3;
	cr_expect_not(span_str(&scr, &sp, 1, "abcde\tx"));
	expect_cells(0, 0, "abcde      x", 1);
	cr_expect_eq(sp.col, 12);
}

Test(screen, tab_origin_sets_where_the_stop_lands)
{
	struct span sp = span_at(0, 0, 12);

	sp.tab_origin = 2;
	span_str(&scr, &sp, 1, "ab\tx");
	expect_cells(0, 0, "ab        x", 1);
	cr_expect_eq(sp.col, 11);
}

Test(screen, a_tab_is_cut_at_the_end_of_the_span)
{
	struct span sp = span_at(0, 0, 5);

	cr_expect_not(span_str(&scr, &sp, 1, "ab\tc"));
	expect_cells(0, 0, "ab   ", 1);
	expect_untouched(0, 5, 7);
}

Test(screen, skip_hides_the_first_columns)
{
	struct span sp = span_at(0, 1, 3);

	sp.skip = 2;
	cr_expect_not(span_str(&scr, &sp, 1, "abcdef"));
	expect_untouched(0, 0, 1);
	expect_cells(0, 1, "cde", 1);
	expect_untouched(0, 4, 8);
	cr_expect_eq(sp.col, 5);
}

Test(screen, skip_past_the_text_draws_nothing)
{
	struct span sp = span_at(0, 0, 3);

	sp.skip = 10;
	cr_expect(span_str(&scr, &sp, 1, "abc"));
	expect_untouched(0, 0, 12);
}

Test(screen, a_wide_character_cut_by_skip_shows_a_blank)
{
	struct span a = span_at(0, 0, 3), b = span_at(1, 0, 3);

	a.skip = 1;
	span_str(&scr, &a, 4, "\xe4\xb8\xad" "xy");
	expect_cells(0, 0, " xy", 4);
	b.skip = 2;
	span_str(&scr, &b, 4, "a\xe4\xb8\xad" "xy");
	expect_cells(1, 0, " xy", 4);
}

Test(screen, a_wide_character_just_past_skip_is_whole)
{
	struct span sp = span_at(0, 0, 3);

	sp.skip = 2;
	span_str(&scr, &sp, 4, "\xe4\xb8\xad\xe4\xb8\xad" "x");
	cr_expect_eq(at(0, 0)->ch, 0x4E2D);
	cr_expect_eq(at(0, 0)->width, 2);
	cr_expect_eq(at(0, 1)->width, 0);
	expect_cells(0, 2, "x", 4);
}

Test(screen, skip_applies_to_escapes_and_tabs)
{
	struct span a = span_at(0, 0, 4), b = span_at(1, 0, 4);

	a.skip = 1;
	span_str(&scr, &a, 1, "\x1b" "z");
	expect_cells(0, 0, "x1b", ESC_STYLE);
	expect_cells(0, 3, "z", 1);
	b.skip = 6;
	span_str(&scr, &b, 1, "a\tb");
	expect_cells(1, 0, "  b", 1);
}

Test(screen, a_combining_mark_on_a_skipped_character_is_dropped)
{
	struct span sp = span_at(0, 0, 3);

	sp.skip = 1;
	span_str(&scr, &sp, 1, "e\xcc\x81x");
	expect_cells(0, 0, "x", 1);
}

Test(screen, pad_fills_the_rest_of_the_span)
{
	struct span sp = span_at(0, 2, 5);

	span_str(&scr, &sp, 1, "ab");
	span_pad(&scr, &sp, 5);
	expect_untouched(0, 0, 2);
	expect_cells(0, 2, "ab", 1);
	expect_cells(0, 4, "   ", 5);
	expect_untouched(0, 7, 5);
	cr_expect_eq(sp.col, 5);
}

Test(screen, pad_after_skip_fills_the_whole_span)
{
	struct span sp = span_at(0, 0, 4);

	sp.skip = 3;
	span_str(&scr, &sp, 1, "ab");
	span_pad(&scr, &sp, 5);
	expect_cells(0, 0, "    ", 5);
	expect_untouched(0, 4, 8);
}

Test(screen, restyle_changes_only_the_columns_asked_within_the_span)
{
	struct span sp = span_at(0, 2, 4);

	span_str(&scr, &sp, 1, "abcd");
	span_restyle(&scr, &sp, 1, 3, 6);
	expect_cells(0, 2, "a", 1);
	expect_cells(0, 3, "bc", 6);
	expect_cells(0, 5, "d", 1);
	span_restyle(&scr, &sp, -5, 99, 8);
	expect_cells(0, 2, "abcd", 8);
	expect_untouched(0, 0, 2);
	expect_untouched(0, 6, 6);
}

Test(screen, fill_and_clear)
{
	screen_fill(&scr, 1, 3, 2, 4);
	expect_untouched(1, 0, 3);
	expect_cells(1, 3, "  ", 4);
	expect_untouched(1, 5, 7);
	screen_clear(&scr, 2);
	expect_cells(1, 0, "            ", 2);
}

Test(screen, put_off_the_screen_is_ignored)
{
	screen_put(&scr, -1, 0, 'a', 1);
	screen_put(&scr, 0, -1, 'a', 1);
	screen_put(&scr, 0, 12, 'a', 1);
	screen_put(&scr, 3, 0, 'a', 1);
	cr_expect_str_eq(dump(), "\n\n\n");
	screen_put(&scr, 2, 11, 'z', 1);
	cr_expect_str_eq(dump(), "\n\n           z\n");
}

Test(screen, putting_over_half_a_wide_character_blanks_the_other_half)
{
	struct span a = span_at(0, 0, 12), b = span_at(1, 0, 12);

	span_str(&scr, &a, 3, "\xe4\xb8\xad");
	screen_put(&scr, 0, 1, 'r', 1);
	expect_cells(0, 0, " ", 3);
	expect_cells(0, 1, "r", 1);

	span_str(&scr, &b, 3, "\xe4\xb8\xad");
	screen_put(&scr, 1, 0, 'l', 1);
	expect_cells(1, 0, "l", 1);
	expect_cells(1, 1, " ", 3);
	cr_expect_str_eq(dump(), " r\nl\n\n");
}

Test(screen, a_wide_character_drawn_over_wide_ones_leaves_no_halves)
{
	struct span a = span_at(0, 0, 12), b = span_at(0, 1, 12);

	span_str(&scr, &a, 1, "\xe4\xb8\xad\xe4\xb8\xad");    /* cells 0-1 and 2-3 */
	span_str(&scr, &b, 1, "\xe6\x96\x87");                /* U+6587 over 1-2 */
	cr_expect_eq(at(0, 0)->ch, ' ');
	cr_expect_eq(at(0, 0)->width, 1);
	cr_expect_eq(at(0, 1)->ch, 0x6587);
	cr_expect_eq(at(0, 1)->width, 2);
	cr_expect_eq(at(0, 2)->width, 0);
	cr_expect_eq(at(0, 3)->ch, ' ');
	cr_expect_eq(at(0, 3)->width, 1);
	cr_expect_str_eq(dump(), " \xe6\x96\x87\n\n\n");
}

Test(screen, dump_drops_trailing_blanks_only)
{
	struct span a = span_at(0, 0, 12), b = span_at(2, 0, 12);

	span_str(&scr, &a, 1, " a  b   ");
	span_pad(&scr, &a, 5);
	span_str(&scr, &b, 1, "\xf0\x9f\x98\x80" "\xc3\xa9");  /* U+1F600, U+00E9 */
	cr_expect_str_eq(dump(), " a  b\n\n\xf0\x9f\x98\x80\xc3\xa9\n");
}

Test(screen, dump_keeps_a_blank_that_carries_a_mark)
{
	struct span sp = span_at(0, 0, 12);

	span_str(&scr, &sp, 1, "a \xcc\x81");
	cr_expect_str_eq(dump(), "a \xcc\x81\n\n\n");
}

Test(screen, text_width_is_the_display_width)
{
	cr_expect_eq(text_width("abc", 3), 3);
	cr_expect_eq(text_width("\xe4\xb8\xad" "x", 4), 3);
	cr_expect_eq(text_width("e\xcc\x81", 3), 1);
	cr_expect_eq(text_width("\t", 1), 8);
	/* a tab goes to the next stop, as span_text draws it: a wrapped line's rows count right */
	cr_expect_eq(text_width("abc\tx", 5), 9);
	cr_expect_eq(text_width("abcdefgh\t", 9), 16);
	cr_expect_eq(text_width("\x1b", 1), 4);
	cr_expect_eq(text_width("\xe2\x80\xae", 3), 6);
	cr_expect_eq(text_width("\xff", 1), 4);
	cr_expect_eq(text_width("", 0), 0);
}

Test(screen, text_width_matches_what_span_text_draws)
{
	const char *t = "a\x1b\xe4\xb8\xad\xcc\x81\xff" "b", *tabs = "ab\tcdefghij\tk";
	struct span sp = span_at(0, 0, 12), wide = span_at(1, 0, 40);

	span_str(&scr, &sp, 1, t);
	cr_expect_eq(sp.col, text_width(t, strlen(t)));
	cr_expect_eq(sp.col, 12);
	span_str(&scr, &wide, 1, tabs);
	cr_expect_eq(wide.col, text_width(tabs, strlen(tabs)));
}

Test(screen, ascii_screens_escape_everything_past_ascii)
{
	struct span sp = span_at(0, 0, 12);

	scr.ascii = true;
	span_str(&scr, &sp, 1, "a\xc3\xa9" "b");
	expect_cells(0, 0, "a", 1);
	expect_cells(0, 1, "\\u00e9", ESC_STYLE);
	expect_cells(0, 7, "b", 1);
	cr_expect_eq(screen_glyph(&scr, 0x2502, '|'), '|');
	scr.ascii = false;
	cr_expect_eq(screen_glyph(&scr, 0x2502, '|'), 0x2502);
}

/* --- keys --- */

TestSuite(keys, .init = utf8_locale);

static int
parse_all(const char *s, const char **end)
{
	int key = keys_parse(&s);

	*end = s;
	return key;
}

static const char *
name_of(int key)
{
	static char buf[32];

	return keys_name(key, buf, sizeof(buf));
}

Test(keys, characters_are_their_own_names)
{
	const char *end;

	cr_expect_eq(parse_all("j", &end), 'j');
	cr_expect_str_eq(end, "");
	cr_expect_eq(parse_all("\xc3\xa9z", &end), 0xE9);
	cr_expect_str_eq(end, "z");
	cr_expect_eq(parse_all("\xe4\xb8\xad", &end), 0x4E2D);
	cr_expect_str_eq(end, "");
	cr_expect_eq(parse_all("\xf0\x9f\x98\x80", &end), 0x1F600);
	cr_expect_str_eq(name_of('j'), "j");
	cr_expect_str_eq(name_of('?'), "?");
	cr_expect_str_eq(name_of('>'), ">");
	cr_expect_str_eq(name_of(0xE9), "\xc3\xa9");
	cr_expect_str_eq(name_of(0x4E2D), "\xe4\xb8\xad");
	cr_expect_str_eq(name_of(0x1F600), "\xf0\x9f\x98\x80");
}

Test(keys, every_special_key_name_round_trips)
{
	static const struct {
		int key;
		const char *name;
	} named[] = {
#define KEY_NAMED(id, name) { MRK_##id, "<" name ">" },
		SPECIAL_KEYS(KEY_NAMED)
#undef KEY_NAMED
		{ MRK_TAB, "<Tab>" }, { MRK_ENTER, "<Enter>" }, { MRK_ESC, "<Esc>" },
		{ ' ', "<Space>" }, { '<', "<lt>" },
	};

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		const char *end;

		cr_expect_eq(parse_all(named[i].name, &end), named[i].key, "%s", named[i].name);
		cr_expect_str_eq(end, "", "%s read whole", named[i].name);
		cr_expect_str_eq(name_of(named[i].key), named[i].name);
	}
	cr_expect_str_eq(name_of(MRK_BTAB), "<S-Tab>");
	cr_expect_eq(MRK_TAB, '\t');
	cr_expect_eq(MRK_ENTER, '\r');
	cr_expect_eq(MRK_ESC, 0x1b);
}

Test(keys, aliases_and_case_read_as_the_same_key)
{
	const char *end;

	cr_expect_eq(parse_all("<BS>", &end), MRK_BACKSPACE);
	cr_expect_eq(parse_all("<PageUp>", &end), MRK_PGUP);
	cr_expect_eq(parse_all("<PageDown>", &end), MRK_PGDN);
	cr_expect_eq(parse_all("<down>", &end), MRK_DOWN);
	cr_expect_eq(parse_all("<ENTER>", &end), MRK_ENTER);
	cr_expect_eq(parse_all("<s-tab>", &end), MRK_BTAB);
	cr_expect_str_eq(name_of(MRK_BACKSPACE), "<Backspace>");
	cr_expect_str_eq(name_of(MRK_PGUP), "<PgUp>");
}

Test(keys, control_keys)
{
	const char *end;

	cr_expect_eq(parse_all("<C-r>", &end), 0x12);
	cr_expect_eq(parse_all("<C-R>", &end), 0x12);
	cr_expect_eq(parse_all("<c-r>", &end), 0x12);
	cr_expect_eq(parse_all("<C-a>", &end), 0x01);
	cr_expect_eq(parse_all("<C-z>", &end), 0x1a);
	cr_expect_eq(MRK_CTRL('r'), 0x12);
	cr_expect_str_eq(name_of(0x12), "<C-r>");
	cr_expect_str_eq(name_of(MRK_CTRL('u')), "<C-u>");
	cr_expect_str_eq(name_of(MRK_CTRL('l')), "<C-l>");
}

/* Every control character has a printable name that reads back as it. */
Test(keys, every_control_key_round_trips)
{
	for (int key = 0; key < 0x20; key++) {
		const char *name = name_of(key), *end;

		for (const char *c = name; *c; c++)
			cr_expect(*c > 0x20 && *c < 0x7f, "name of %#x has byte %#x", key,
				  (unsigned)(unsigned char)*c);
		cr_expect_eq(parse_all(name, &end), key, "name of %#x: %s", key, name);
		cr_expect_str_eq(end, "");
	}
	cr_expect_str_eq(name_of(0x1f), "<C-_>");
	cr_expect_str_eq(name_of(0x00), "<C-@>");
}

Test(keys, every_character_round_trips)
{
	static const int keys[] = { 0x21, 'A', 'z', '~', '[', ']', '/', 0xE9, 0x4E2D, 0x1F600 };

	for (int key = 0x21; key < 0x7f; key++) {
		const char *end;

		cr_expect_eq(parse_all(name_of(key), &end), key, "%#x: %s", key, name_of(key));
		cr_expect_str_eq(end, "");
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *end;

		cr_expect_eq(parse_all(name_of(keys[i]), &end), keys[i]);
	}
}

Test(keys, a_sequence_of_names_reads_one_at_a_time)
{
	const char *s = "j<Down><C-r>\xc3\xa9<lt><";

	cr_expect_eq(keys_parse(&s), 'j');
	cr_expect_eq(keys_parse(&s), MRK_DOWN);
	cr_expect_eq(keys_parse(&s), 0x12);
	cr_expect_eq(keys_parse(&s), 0xE9);
	cr_expect_eq(keys_parse(&s), '<');
	cr_expect_eq(keys_parse(&s), '<', "a lone < is itself");
	cr_expect_str_eq(s, "");
}

Test(keys, unknown_names_are_refused)
{
	static const char *const bad[] = {
		"<Foo>", "<C-1>", "<C-\xc3\xa9>", "<C->", "<Ctrl-r>", "<Up >", "", "\xff", "\xc3",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *s = bad[i];

		cr_expect_eq(keys_parse(&s), -1, "\"%s\"", bad[i]);
	}
}

static size_t
count_names(const char *keys)
{
	size_t n = 0;

	for (const char *p = keys; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

Test(keys, the_default_keymap_binds_every_key_of_the_action_table)
{
	struct keymap km = { 0 };
	size_t total = 0;

	cr_assert_eq(keymap_default(&km), 0);
	for (int a = 1; a < ACTION_COUNT; a++) {
		const char *p = actions[a].keys;

		cr_expect_gt(count_names(p), 0, "action %s has default keys", actions[a].name);
		total += count_names(p);
		while (*p) {
			int key;

			while (*p == ' ')
				p++;
			if (!*p)
				break;
			key = keys_parse(&p);
			cr_expect_geq(key, 0, "a key of %s", actions[a].name);
			cr_expect_eq(keymap_lookup(&km, VIEW_LIST, key), (enum action)a, "%s for %s", name_of(key),
				     actions[a].name);
		}
	}
	cr_expect_eq(km.n, total);
	keymap_free(&km);
	cr_expect_null(km.v);
	cr_expect_eq(km.n, 0);
}

Test(keys, no_key_is_bound_to_two_actions)
{
	struct keymap km = { 0 };

	cr_assert_eq(keymap_default(&km), 0);
	for (size_t i = 0; i < km.n; i++)
		for (size_t j = i + 1; j < km.n; j++)
			cr_expect_neq(km.v[i].key, km.v[j].key, "%s is bound to %s and %s",
				      name_of(km.v[i].key), actions[km.v[i].action].name,
				      actions[km.v[j].action].name);
	keymap_free(&km);
}

Test(keys, some_default_bindings)
{
	struct keymap km = { 0 };

	cr_assert_eq(keymap_default(&km), 0);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, 'j'), ACTION_MOVE_DOWN);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, MRK_DOWN), ACTION_MOVE_DOWN);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, ' '), ACTION_PAGE_DOWN);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, MRK_CTRL('f')), ACTION_PAGE_DOWN);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, MRK_CTRL('r')), ACTION_REDO);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, MRK_BTAB), ACTION_PREV_PANE);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, MRK_TAB), ACTION_NEXT_PANE);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, MRK_ENTER), ACTION_ENTER);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, 'Q'), ACTION_QUIT_ALL);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, 'z'), ACTION_MAXIMISE);
	cr_expect_eq(keymap_lookup(&km, VIEW_DIFF, 'W'), ACTION_WRAP);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, 'Z'), ACTION_NONE);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, MRK_ESC), ACTION_NONE);
	keymap_free(&km);
}

Test(keys, keymap_keys_names_the_keys_of_an_action)
{
	struct keymap km = { 0 };
	char buf[128];

	cr_assert_eq(keymap_default(&km), 0);
	for (int a = 1; a < ACTION_COUNT; a++)
		cr_expect_str_eq(keymap_keys(&km, VIEW_LIST, (enum action)a, buf, sizeof(buf)), actions[a].keys,
				 "keys of %s", actions[a].name);
	cr_expect_str_eq(keymap_keys(&km, VIEW_LIST, ACTION_PAGE_DOWN, buf, sizeof(buf)),
			 "<PgDn> <C-f> <Space>");
	cr_expect_str_eq(keymap_keys(&km, VIEW_LIST, ACTION_NONE, buf, sizeof(buf)), "");
	keymap_free(&km);
}

Test(keys, the_most_specific_binding_wins)
{
	struct keymap km = { 0 };

	cr_assert_eq(keymap_default(&km), 0);
	cr_assert_eq(keymap_bind(&km, KEYMAP_MAIN, 'x', ACTION_ACCEPT), 0);
	cr_assert_eq(keymap_bind(&km, VIEW_CHECKLIST, 'x', ACTION_BLOCK), 0);
	cr_assert_eq(keymap_bind(&km, KEYMAP_GENERIC, 'x', ACTION_HELP), 0);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, 'x'), ACTION_ACCEPT, "main over generic");
	cr_expect_eq(keymap_lookup(&km, VIEW_CHECKLIST, 'x'), ACTION_BLOCK, "the view's own");
	cr_expect_eq(keymap_lookup(&km, VIEW_HISTORY, 'x'), ACTION_HELP, "main is the panes only");
	/* none unbinds in its scope only */
	cr_assert_eq(keymap_bind(&km, VIEW_HELP, 'q', ACTION_NONE), 0);
	cr_expect_eq(keymap_lookup(&km, VIEW_HELP, 'q'), ACTION_NONE);
	cr_expect_eq(keymap_lookup(&km, VIEW_DIFF, 'q'), ACTION_QUIT);
	/* binding the same key in the same scope again replaces it */
	cr_assert_eq(keymap_bind(&km, KEYMAP_MAIN, 'x', ACTION_WAIVE), 0);
	cr_expect_eq(keymap_lookup(&km, VIEW_SOURCE, 'x'), ACTION_WAIVE);
	keymap_free(&km);
}

Test(keys, keymap_keys_lists_only_the_keys_in_effect)
{
	struct keymap km = { 0 };
	char buf[128];

	cr_assert_eq(keymap_default(&km), 0);
	/* j moves up in the panes, k down: the help must say so */
	cr_assert_eq(keymap_bind(&km, KEYMAP_MAIN, 'j', ACTION_MOVE_UP), 0);
	cr_assert_eq(keymap_bind(&km, KEYMAP_MAIN, 'k', ACTION_MOVE_DOWN), 0);
	cr_expect_str_eq(keymap_keys(&km, VIEW_LIST, ACTION_MOVE_DOWN, buf, sizeof(buf)), "<Down> k");
	cr_expect_str_eq(keymap_keys(&km, VIEW_LIST, ACTION_MOVE_UP, buf, sizeof(buf)), "<Up> j");
	cr_expect_str_eq(keymap_keys(&km, VIEW_HELP, ACTION_MOVE_DOWN, buf, sizeof(buf)), "j <Down>");
	cr_assert_eq(keymap_bind(&km, KEYMAP_GENERIC, 'a', ACTION_NONE), 0);
	cr_expect_str_eq(keymap_keys(&km, VIEW_LIST, ACTION_ACCEPT, buf, sizeof(buf)), "");
	keymap_free(&km);
}

Test(keys, action_and_view_names)
{
	cr_expect_eq(keymap_action_parse("move-down"), ACTION_MOVE_DOWN);
	cr_expect_eq(keymap_action_parse("MOVE_DOWN"), ACTION_MOVE_DOWN);
	cr_expect_eq(keymap_action_parse("quit-all"), ACTION_QUIT_ALL);
	cr_expect_eq(keymap_action_parse("none"), ACTION_NONE);
	cr_expect_eq(keymap_action_parse("move-dow"), -1);
	cr_expect_eq(keymap_action_parse("move-downn"), -1);
	cr_expect_eq(keymap_scope_parse("generic"), KEYMAP_GENERIC);
	cr_expect_eq(keymap_scope_parse("main"), KEYMAP_MAIN);
	cr_expect_eq(keymap_scope_parse("checklist"), VIEW_CHECKLIST);
	cr_expect_eq(keymap_scope_parse("history"), VIEW_HISTORY);
	cr_expect_eq(keymap_scope_parse("status"), -3);
}

static char *
write_conf(const char *text)
{
	char *path = strdup("/tmp/migreview-userconf.XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

Test(userconf, set_and_bind_lines_apply_and_bad_lines_say_where)
{
	char *path = write_conf("# my keys\n"
				"\n"
				"set theme = light\n"
				"bind main x accept   # x accepts\n"
				"bind generic <C-d> page-down\n"
				"bind main # block\n"
				"bind help q none\n"
				"bind mian y accept\n"
				"bind main yy accept\n"
				"bind main Z acept\n"
				"set colour = red\n"
				"frobnicate\n"
				"bind main\n");
	struct keymap km = { 0 };
	struct userconf uc;

	cr_assert_eq(keymap_default(&km), 0);
	cr_assert_eq(userconf_load(&uc, path, true, userconf_bind, &km), 0);
	cr_expect_str_eq(uc.theme, "light");
	cr_expect_eq(keymap_lookup(&km, VIEW_SOURCE, 'x'), ACTION_ACCEPT);
	cr_expect_eq(keymap_lookup(&km, VIEW_DIFF, MRK_CTRL('d')), ACTION_PAGE_DOWN);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, '#'), ACTION_BLOCK);
	cr_expect_eq(keymap_lookup(&km, VIEW_HELP, 'q'), ACTION_NONE);
	cr_expect_eq(keymap_lookup(&km, VIEW_LIST, 'Z'), ACTION_NONE);
	cr_assert_eq(uc.problems.n, 6);
	cr_expect(strstr(uc.problems.v[0], ":8: unknown view 'mian'"), "%s", uc.problems.v[0]);
	cr_expect(strstr(uc.problems.v[1], ":9: 'yy' is not one key"), "%s", uc.problems.v[1]);
	cr_expect(strstr(uc.problems.v[2], ":10: unknown action 'acept'"), "%s", uc.problems.v[2]);
	cr_expect(strstr(uc.problems.v[3], ":11: unknown setting 'colour'"), "%s", uc.problems.v[3]);
	cr_expect(strstr(uc.problems.v[4], ":12: unknown command 'frobnicate'"), "%s", uc.problems.v[4]);
	cr_expect(strstr(uc.problems.v[5], ":13: expected 'bind VIEW KEY ACTION'"), "%s",
		  uc.problems.v[5]);
	cr_expect_eq(strncmp(uc.problems.v[0], path, strlen(path)), 0, "starts with the path");
	userconf_free(&uc);
	keymap_free(&km);
	unlink(path);
	free(path);
}

Test(keys, every_action_has_help_and_a_group)
{
	for (int a = 1; a < ACTION_COUNT; a++) {
		cr_expect_gt(strlen(actions[a].help), 0, "help of action %d", a);
		cr_expect_lt((int)actions[a].group, ACTION_GROUP_COUNT);
	}
	cr_expect_str_eq(action_group_names[ACTION_GROUP_MOVE], "Moving");
	cr_expect_str_eq(action_group_names[ACTION_GROUP_VIEWS], "Views");
	cr_expect_str_eq(actions[ACTION_REDO].keys, "<C-r>");
	cr_expect_str_eq(actions[ACTION_TEST].keys, "t");
}

static bool
mouse(const char *report, struct key_mouse *m)
{
	*m = (struct key_mouse){ .kind = -1, .x = -1, .y = -1 };
	return keys_mouse_parse(report, strlen(report), m);
}

Test(keys, a_mouse_report_gives_the_click_or_wheel_at_a_0_based_cell)
{
	struct key_mouse m;

	cr_assert(mouse("0;12;5M", &m));
	cr_expect_eq(m.kind, KEY_MOUSE_CLICK);
	cr_expect_eq(m.x, 11);
	cr_expect_eq(m.y, 4);
	cr_assert(mouse("64;1;1M", &m));
	cr_expect_eq(m.kind, KEY_MOUSE_WHEEL_UP);
	cr_expect_eq(m.x, 0);
	cr_assert(mouse("65;10000;10000M", &m));
	cr_expect_eq(m.kind, KEY_MOUSE_WHEEL_DOWN);
	cr_expect_eq(m.y, 9999);
	cr_assert(mouse("4;3;3M", &m), "shift-click is a click");
	cr_expect_eq(m.kind, KEY_MOUSE_CLICK);
	cr_assert(mouse("16;3;3M", &m), "control-click is a click");
}

Test(keys, a_mouse_report_that_is_not_a_click_or_wheel_or_is_malformed_is_refused)
{
	static const char *const bad[] = {
		"0;12;5m", "32;12;5M", "1;12;5M", "2;12;5M", "3;12;5M", "66;1;1M", "128;1;1M",
		"0;0;5M", "0;5;0M", "0;10001;5M", "0;5;99999999999999999999M", "0;5M", "0;5;5",
		"0;5;5;5M", ";5;5M", "0;;5M", "0;5;M", "M", "", "0;5;5MM", "0;5;5Mq", "-1;5;5M",
		"0;-5;5M", "0;5;5 M", " 0;5;5M", "0;5\x1b;5M",
	};
	struct key_mouse m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_not(mouse(bad[i], &m), "'%s' is refused", bad[i]);
		cr_expect_eq(m.x, -1, "'%s' leaves the event alone", bad[i]);
	}
	cr_expect_not(keys_mouse_parse("0;5;5M", 5, &m), "the final byte is within n");
}

/* --- lanes --- */

static struct graph g;
static struct lanes ln;

static void
lanes_teardown(void)
{
	lanes_free(&ln);
	graph_free(&g);
}

TestSuite(lanes, .init = utf8_locale, .fini = lanes_teardown);

/* Row k as UTF-8, trailing blanks dropped, in a static buffer. */
static const char *
lane_row(size_t k)
{
	static char buf[LANES_COLS * 4 + 1];
	const uint32_t *row = lanes_row(&ln, k);
	size_t len = 0;
	int end = LANES_COLS;

	while (end > 0 && row[end - 1] == ' ')
		end--;
	for (int x = 0; x < end; x++) {
		uint32_t cp = row[x];

		if (cp < 0x80) {
			buf[len++] = (char)cp;
		} else if (cp < 0x800) {
			buf[len++] = (char)(0xC0 | cp >> 6);
			buf[len++] = (char)(0x80 | (cp & 0x3F));
		} else {
			buf[len++] = (char)(0xE0 | cp >> 12);
			buf[len++] = (char)(0x80 | (cp >> 6 & 0x3F));
			buf[len++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	buf[len] = '\0';
	return buf;
}

/* Builds the graph and its lanes; rows are expected in review order. */
static void
build_lanes(const char *spec, bool ascii)
{
	struct mr_error err = { 0 };

	cr_assert_eq(graph_spec_build(&g, spec, &err), 0, "%s: %s", spec, err.msg);
	cr_assert_eq(lanes_build(&ln, &g, ascii), 0);
	cr_assert_eq(ln.n, g.n_order);
}

static void
expect_rows(const char *order, const char *const *rows, size_t n)
{
	cr_assert_str_eq(graph_spec_ids(&g, g.order, g.n_order), order, "review order");
	cr_assert_eq(ln.n, n);
	for (size_t k = 0; k < n; k++)
		cr_expect_str_eq(lane_row(k), rows[k], "row %zu (%s)", k, g.revs[g.order[k]].id);
}

Test(lanes, a_linear_chain_is_one_lane)
{
	static const char *const rows[] = { "\xe2\x97\x8f", "\xe2\x97\x8f", "\xe2\x97\x8f" };

	build_lanes("a; b<a; c<b", false);
	expect_rows("a b c", rows, 3);
	cr_expect_eq(ln.width, 1);
}

Test(lanes, a_branch_opens_a_corner_and_a_merge_closes_it)
{
	static const char *const rows[] = {
		"\xe2\x97\x8f\xe2\x94\x80\xe2\x94\x90",   /* ●─┐ a */
		"\xe2\x97\x8f \xe2\x94\x82",              /* ● │ c */
		"\xe2\x94\x82 \xe2\x97\x8f",              /* │ ● b */
		"\xe2\x97\x8f\xe2\x94\x80\xe2\x94\x98",   /* ●─┘ d */
	};

	build_lanes("a; b<a; c<a; d<b,c", false);
	expect_rows("a c b d", rows, 4);
	cr_expect_eq(ln.width, 3);
}

Test(lanes, ascii_draws_with_stars_bars_and_pluses)
{
	static const char *const rows[] = { "*-+", "* |", "| *", "*-+" };

	build_lanes("a; b<a; c<a; d<b,c", true);
	expect_rows("a c b d", rows, 4);
	cr_expect_eq(ln.width, 3);
}

Test(lanes, an_open_branch_keeps_its_lane_to_its_head)
{
	static const char *const rows[] = {
		"\xe2\x97\x8f\xe2\x94\x80\xe2\x94\x90",   /* ●─┐ a */
		"\xe2\x97\x8f \xe2\x94\x82",              /* ● │ c */
		"\xe2\x97\x8f \xe2\x94\x82",              /* ● │ e */
		"  \xe2\x97\x8f",                         /*   ● b */
	};

	build_lanes("a; b<a; c<a; e<c", false);
	expect_rows("a c e b", rows, 4);
}

Test(lanes, a_three_way_branch_and_merge)
{
	static const char *const rows[] = {
		"*-+-+", "* | |", "| * |", "| | *", "*-+-+", "*",
	};

	build_lanes("a; b<a; c<a; d<a; e<b,c,d; f<e", true);
	expect_rows("a d c b e f", rows, 6);
	cr_expect_eq(ln.width, 5);
}

Test(lanes, lanes_past_the_last_shown_are_marked_with_an_ellipsis)
{
	struct mr_error err = { 0 };
	size_t marked = 0;

	cr_assert_eq(graph_spec_build(&g, "r; c1<r; c2<r; c3<r; c4<r; c5<r; c6<r; c7<r; c8<r",
				      &err), 0, "%s", err.msg);
	cr_assert_eq(lanes_build(&ln, &g, false), 0);
	cr_expect_eq(ln.width, LANES_COLS);
	for (size_t k = 0; k < ln.n; k++) {
		const uint32_t *row = lanes_row(&ln, k);
		size_t dots = 0;

		for (int x = 0; x < LANES_COLS; x++)
			dots += row[x] == 0x2026;
		cr_expect_leq(dots, 1);
		if (dots) {
			cr_expect_eq(row[LANES_COLS - 1], 0x2026, "row %zu", k);
			marked++;
		}
	}
	cr_expect_eq(marked, 2, "the two revisions in lanes 7 and 8");
}

Test(lanes, an_empty_graph_has_no_rows)
{
	build_lanes("", false);
	cr_expect_eq(ln.n, 0);
	cr_expect_eq(ln.width, 0);
}

/* --- prompt --- */

static struct prompt pr;

static void
prompt_setup(void)
{
	memset(&pr, 0, sizeof(pr));
	prompt_start(&pr, "/");
}

TestSuite(prompt, .init = prompt_setup);

static void
type(const int *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(prompt_key(&pr, keys[i]), PROMPT_EDITING, "key %#x", keys[i]);
}

Test(prompt, start_is_an_empty_active_line)
{
	cr_expect(pr.active);
	cr_expect_str_eq(pr.label, "/");
	cr_expect_str_eq(pr.text, "");
	cr_expect_eq(pr.len, 0);
	type((const int[]){ 'x' }, 1);
	prompt_start(&pr, "Reason: ");
	cr_expect_str_eq(pr.label, "Reason: ");
	cr_expect_str_eq(pr.text, "");
	cr_expect_eq(pr.len, 0);
}

Test(prompt, typing_appends_utf8)
{
	type((const int[]){ 'a', 0xE9, 0x4E2D, 0x1F600, ' ' }, 5);
	cr_expect_str_eq(pr.text, "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80 ");
	cr_expect_eq(pr.len, 11);
	cr_expect(pr.active);
}

Test(prompt, backspace_removes_a_whole_character)
{
	type((const int[]){ 'a', 0xE9, 0x4E2D, 0x1F600 }, 4);
	type((const int[]){ MRK_BACKSPACE }, 1);
	cr_expect_str_eq(pr.text, "a\xc3\xa9\xe4\xb8\xad");
	cr_expect_eq(pr.len, 6);
	type((const int[]){ MRK_BACKSPACE }, 1);
	cr_expect_str_eq(pr.text, "a\xc3\xa9");
	type((const int[]){ MRK_BACKSPACE }, 1);
	cr_expect_str_eq(pr.text, "a");
	type((const int[]){ MRK_BACKSPACE, MRK_BACKSPACE }, 2);
	cr_expect_str_eq(pr.text, "");
	cr_expect_eq(pr.len, 0);
	cr_expect(pr.active);
}

Test(prompt, ctrl_u_clears_the_line)
{
	type((const int[]){ 'a', 'b', 0xE9, MRK_CTRL('u') }, 4);
	cr_expect_str_eq(pr.text, "");
	cr_expect_eq(pr.len, 0);
	type((const int[]){ 'c' }, 1);
	cr_expect_str_eq(pr.text, "c");
}

Test(prompt, enter_finishes_and_keeps_the_text)
{
	type((const int[]){ 'o', 'k' }, 2);
	cr_expect_eq(prompt_key(&pr, MRK_ENTER), PROMPT_DONE);
	cr_expect_not(pr.active);
	cr_expect_str_eq(pr.text, "ok");
}

Test(prompt, esc_cancels)
{
	type((const int[]){ 'n', 'o' }, 2);
	cr_expect_eq(prompt_key(&pr, MRK_ESC), PROMPT_CANCELLED);
	cr_expect_not(pr.active);
}

Test(prompt, control_characters_and_special_keys_are_refused)
{
	type((const int[]){ 'x' }, 1);
	for (int key = 0; key < 0x20; key++)
		if (key != MRK_ENTER && key != MRK_ESC && key != MRK_CTRL('u'))
			cr_expect_eq(prompt_key(&pr, key), PROMPT_EDITING, "key %#x", key);
	for (int key = 0x7f; key < 0xa0; key++)
		cr_expect_eq(prompt_key(&pr, key), PROMPT_EDITING, "key %#x", key);
	for (int key = MRK_FIRST_SPECIAL + 1; key <= MRK_RESIZE; key++)
		if (key != MRK_BACKSPACE)
			cr_expect_eq(prompt_key(&pr, key), PROMPT_EDITING, "key %#x", key);
	cr_expect_eq(prompt_key(&pr, -1), PROMPT_EDITING);
	cr_expect_str_eq(pr.text, "x");
	cr_expect_eq(pr.len, 1);
	cr_expect(pr.active);
	type((const int[]){ 0xA0 }, 1);
	cr_expect_str_eq(pr.text, "x\xc2\xa0", "U+00A0 is a character");
}

Test(prompt, a_full_line_takes_no_more_and_no_half_characters)
{
	for (int i = 0; i < PROMPT_MAX; i++)
		prompt_key(&pr, 0xE9);
	cr_expect_eq(pr.len, PROMPT_MAX - 2, "255 two-byte characters fit");
	cr_expect_eq(strlen(pr.text), pr.len);
	cr_expect_eq((unsigned char)pr.text[pr.len - 2], 0xC3);
	type((const int[]){ 'z' }, 1);
	cr_expect_eq(pr.len, PROMPT_MAX - 1);
	type((const int[]){ 'z' }, 1);
	cr_expect_eq(pr.len, PROMPT_MAX - 1);
	cr_expect_eq(pr.text[PROMPT_MAX - 1], '\0');
	type((const int[]){ MRK_BACKSPACE, MRK_BACKSPACE }, 2);
	cr_expect_eq(pr.len, PROMPT_MAX - 4);
}

/* --- list search --- */

#define SEARCH_REVS 600

static struct revision search_revs[SEARCH_REVS];
static struct graph search_graph = { .revs = search_revs, .n = SEARCH_REVS };

/* A word of a small alphabet, upper case now and then: needles find some texts and miss most. */
static void
random_word(char *out, size_t len, unsigned *seed)
{
	static const char alphabet[] = "abcdeFGhij_ .";

	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[rand_r(seed) % (sizeof(alphabet) - 1)];
	out[len] = '\0';
}

static char *
random_text(size_t len, unsigned *seed)
{
	char *s = malloc(len + 1);

	cr_assert_not_null(s);
	random_word(s, len, seed);
	for (size_t i = 0; i < len; i++)
		if (rand_r(seed) % 40 == 0)
			s[i] = '\n';
	return s;
}

/* Revisions with random ids, messages, paths and sources of up to 3 KB. */
static void
search_setup(void)
{
	unsigned seed = 20;

	utf8_locale();
	for (size_t i = 0; i < SEARCH_REVS; i++) {
		struct revision *r = &search_revs[i];

		memset(r, 0, sizeof(*r));
		r->id = random_text(8, &seed);
		r->message = i % 5 ? random_text(30, &seed) : NULL;
		r->relpath = random_text(20, &seed);
		r->text_len = (size_t)rand_r(&seed) % 3000;
		r->text = i % 7 ? random_text(r->text_len, &seed) : NULL;
	}
}

static void
search_teardown(void)
{
	for (size_t i = 0; i < SEARCH_REVS; i++) {
		free(search_revs[i].id);
		free(search_revs[i].message);
		free(search_revs[i].relpath);
		free(search_revs[i].text);
	}
}

TestSuite(list_search, .init = search_setup, .fini = search_teardown);

/* s folded as tolower() folds it (a new string). */
static char *
lower(const char *s, size_t len)
{
	char *out = malloc(len + 1);

	cr_assert_not_null(out);
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[len] = '\0';
	return out;
}

/* The search as it was before the index: each field, folded unless the needle has a capital. */
static bool
reference(const struct revision *r, const char *needle)
{
	const char *f[] = { r->id, r->message ? r->message : "", r->relpath,
			    r->text ? r->text : "" };
	size_t len[] = { strlen(f[0]), strlen(f[1]), strlen(f[2]), r->text ? r->text_len : 0 };
	size_t n = strlen(needle);
	bool exact = false, found = false;
	char *low = lower(needle, n);

	for (size_t i = 0; i < n; i++)
		exact = exact || isupper((unsigned char)needle[i]);
	for (int k = 0; k < 4 && !found; k++) {
		char *hay = exact ? NULL : lower(f[k], len[k]);

		found = memmem(exact ? f[k] : hay, len[k], exact ? needle : low, n) != NULL;
		free(hay);
	}
	free(low);
	return n && found;
}

/* Every revision answers as the reference does for needles of every length, some capitalised. */
static void
expect_as_reference(struct list_search *ls, unsigned gen)
{
	unsigned seed = 7;
	size_t hits = 0;

	for (int t = 0; t < 300; t++) {
		char needle[8];

		random_word(needle, 1 + (size_t)t % 7, &seed);
		for (size_t rev = 0; rev < SEARCH_REVS; rev++) {
			bool want = reference(&search_revs[rev], needle);

			cr_assert_eq(list_search_matches(ls, &search_graph, gen, rev, needle), want,
				     "needle '%s', revision %zu", needle, rev);
			hits += want;
		}
	}
	cr_assert_gt(hits, 1000, "the needles find something");
	cr_assert_lt(hits, 300 * SEARCH_REVS / 2, "and miss much");
}

Test(list_search, finds_what_reading_every_revision_finds)
{
	struct list_search *ls = list_search_new();

	cr_assert_not_null(ls);
	cr_assert_eq(list_search_index(ls, &search_graph, 3), 0);
	cr_assert(list_search_building(ls));
	cr_assert(list_search_finish(ls, true));
	cr_assert_not(list_search_building(ls));
	cr_assert_eq(list_search_gen(ls), 3);
	expect_as_reference(ls, 3);
	list_search_free(ls);
}

Test(list_search, finds_the_same_before_the_index_is_in)
{
	struct list_search *ls = list_search_new();

	cr_assert_not_null(ls);
	cr_assert_eq(list_search_gen(ls), (unsigned)-1);
	expect_as_reference(ls, 0);
	/* an index of another graph is not used for this one */
	cr_assert_eq(list_search_index(ls, &search_graph, 1), 0);
	cr_assert(list_search_finish(ls, true));
	expect_as_reference(ls, 0);
	list_search_free(ls);
}

/* Asked again and again, a needle's answers change when the index comes in under them. */
Test(list_search, keeps_its_answers_when_the_index_comes_in)
{
	struct list_search *ls = list_search_new();
	char needle[] = "ab_";
	bool before[SEARCH_REVS];

	cr_assert_not_null(ls);
	for (size_t rev = 0; rev < SEARCH_REVS; rev += 2)
		before[rev] = list_search_matches(ls, &search_graph, 5, rev, needle);
	cr_assert_eq(list_search_index(ls, &search_graph, 5), 0);
	cr_assert(list_search_finish(ls, true));
	for (size_t rev = 0; rev < SEARCH_REVS; rev++) {
		bool now = list_search_matches(ls, &search_graph, 5, rev, needle);

		cr_assert_eq(now, reference(&search_revs[rev], needle), "revision %zu", rev);
		if (rev % 2 == 0)
			cr_assert_eq(now, before[rev], "revision %zu", rev);
	}
	list_search_free(ls);
}

Test(list_search, a_match_never_spans_two_fields_or_lines)
{
	struct list_search *ls = list_search_new();
	struct revision r = { .id = "abc123", .message = "def", .relpath = "x/y.py",
			      .text = "line one\nline two", .text_len = 17 };
	struct graph one = { .revs = &r, .n = 1 };

	cr_assert_not_null(ls);
	cr_assert_eq(list_search_index(ls, &one, 0), 0);
	cr_assert(list_search_finish(ls, true));
	cr_expect(list_search_matches(ls, &one, 0, 0, "c12"));
	cr_expect(list_search_matches(ls, &one, 0, 0, "LiNE") == false, "a capital: exact");
	cr_expect(list_search_matches(ls, &one, 0, 0, "e t"));
	cr_expect(list_search_matches(ls, &one, 0, 0, "y.p"));
	cr_expect_not(list_search_matches(ls, &one, 0, 0, "123def"), "the id, then the message");
	cr_expect_not(list_search_matches(ls, &one, 0, 0, "3de"));
	cr_expect_not(list_search_matches(ls, &one, 0, 0, "efx/"), "the message, then the path");
	cr_expect_not(list_search_matches(ls, &one, 0, 0, ""));
	list_search_free(ls);
}

/*
 * A revision of 4 MB of random bytes has grams in every bucket the index
 * hashes them to: all are kept (AddressSanitizer sees a write past them).
 */
Test(list_search, a_revision_with_every_gram_is_indexed)
{
	struct list_search *ls = list_search_new();
	size_t n = 4 << 20;
	struct revision r = { .id = "big", .relpath = "big.py", .text = malloc(n + 1), .text_len = n };
	struct graph one = { .revs = &r, .n = 1 };
	unsigned seed = 4;
	char needle[9];

	cr_assert_not_null(ls);
	cr_assert_not_null(r.text);
	for (size_t i = 0; i < n; i++)
		do
			r.text[i] = (char)(1 + rand_r(&seed) % 255);
		while (r.text[i] == '\n');
	r.text[n] = '\0';
	cr_assert_eq(list_search_index(ls, &one, 0), 0);
	cr_assert(list_search_finish(ls, true));
	memcpy(needle, r.text + n / 2, 8);
	needle[8] = '\0';
	cr_expect_eq(list_search_matches(ls, &one, 0, 0, needle), reference(&r, needle), "%s", needle);
	cr_expect(list_search_matches(ls, &one, 0, 0, "big.py"));
	free(r.text);
	list_search_free(ls);
}

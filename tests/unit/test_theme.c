/* Themes: the shipped files, the style syntax, fallback and reduction. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migreview/pysrc.h"
#include "tui/theme.h"

static const char *const shipped[] = { "dark", "light", "mono" };
static const char *const themes_dir[] = { THEMES };

static struct theme th;
static struct mr_error err;
static char dir[] = "/tmp/migreview-theme-XXXXXX";
static char file[sizeof(dir) + 64];

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[sizeof(dir) + 16];

	theme_free(&th);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(theme, .init = setup, .fini = teardown);

static const char *
write_theme(const char *name, const char *text)
{
	FILE *f;

	snprintf(file, sizeof(file), "%s/%s.theme", dir, name);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fputs(text, f) >= 0, 1);
	fclose(f);
	return file;
}

static void
load_text(const char *text)
{
	cr_assert_eq(theme_load(&th, write_theme("t", text), &err), 0, "%s", err.msg);
}

static void
load_fails(const char *text, const char *key, const char *what)
{
	cr_expect_eq(theme_load(&th, write_theme("bad", text), &err), -1, "loaded: %s", text);
	cr_expect(strstr(err.msg, key), "key '%s' not named: %s", key, err.msg);
	cr_expect(strstr(err.msg, what), "'%s' not said: %s", what, err.msg);
	cr_expect(strstr(err.msg, "bad.theme"), "file not named: %s", err.msg);
	cr_expect_null(th.syntax);
	cr_expect_null(th.name);
}

static void
load_shipped(const char *name)
{
	cr_assert_eq(theme_load_named(&th, name, themes_dir, 1, &err), 0, "%s", err.msg);
}

static void
expect_style(struct theme_style s, int fg, int bg, unsigned attrs, const char *what)
{
	cr_expect_eq(s.fg, fg, "%s: fg %d, want %d", what, s.fg, fg);
	cr_expect_eq(s.bg, bg, "%s: bg %d, want %d", what, s.bg, bg);
	cr_expect_eq(s.attrs, attrs, "%s: attrs %#x, want %#x", what, s.attrs, attrs);
}

/* Every @capture in the grammar's highlights.scm, each once. */
static size_t
highlight_captures(char names[][64], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < pysrc_highlights_scm_len; i++) {
		size_t len = 0;
		char name[64];
		bool seen = false;

		if (pysrc_highlights_scm[i] != '@')
			continue;
		while (i + 1 < pysrc_highlights_scm_len && len + 1 < sizeof(name) &&
		       (islower((unsigned char)pysrc_highlights_scm[i + 1]) ||
			pysrc_highlights_scm[i + 1] == '.' || pysrc_highlights_scm[i + 1] == '_'))
			name[len++] = pysrc_highlights_scm[++i];
		name[len] = '\0';
		if (!len)
			continue;       /* the "@=" operator */
		for (size_t k = 0; k < n; k++)
			seen = seen || !strcmp(names[k], name);
		if (!seen && n < max)
			strcpy(names[n++], name);
	}
	return n;
}

static bool
has_capture(const struct theme *t, const char *name)
{
	for (size_t i = 0; i < t->n_syntax; i++)
		if (!strcmp(t->syntax[i].name, name))
			return true;
	return false;
}

static int
luma(int color)
{
	unsigned char rgb[3];

	cr_assert_eq(theme_color_rgb(color, rgb), 0, "color %d", color);
	return (rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000;
}

Test(theme, shipped_themes_load_and_set_every_ui_slot)
{
	for (size_t i = 0; i < sizeof(shipped) / sizeof(*shipped); i++) {
		load_shipped(shipped[i]);
		cr_expect_str_eq(th.name, shipped[i]);
		cr_expect_not_null(th.description);
		for (int s = 0; s < THEME_UI_COUNT; s++)
			cr_expect(th.ui_set[s], "%s.theme leaves out [ui] %s", shipped[i],
				  theme_ui_name(s));
		theme_free(&th);
	}
}

Test(theme, shipped_themes_style_every_capture_of_highlights_scm)
{
	char names[64][64];
	size_t n = highlight_captures(names, 64);

	/* a parse that found nothing would make the loop below vacuous */
	cr_assert_geq(n, 15, "only %zu captures in highlights.scm", n);
	for (size_t i = 0; i < sizeof(shipped) / sizeof(*shipped); i++) {
		load_shipped(shipped[i]);
		for (size_t k = 0; k < n; k++)
			cr_expect(has_capture(&th, names[k]), "%s.theme has no [syntax] %s",
				  shipped[i], names[k]);
		theme_free(&th);
	}
}

Test(theme, dark_and_light_colour_the_captures_and_mono_uses_attributes_only)
{
	static const char *const coloured[] = {
		"keyword", "string", "comment", "function", "function.builtin",
		"constant.builtin", "number", "type", "escape", "operator",
	};

	for (size_t i = 0; i < 2; i++) {
		load_shipped(shipped[i]);
		for (size_t k = 0; k < sizeof(coloured) / sizeof(*coloured); k++)
			cr_expect_geq(theme_syntax(&th, coloured[k]).fg, 0, "%s: %s uncoloured",
				      shipped[i], coloured[k]);
		cr_expect_neq(theme_syntax(&th, "keyword").fg, theme_syntax(&th, "string").fg);
		theme_free(&th);
	}
	load_shipped("mono");
	for (int s = 0; s < THEME_UI_COUNT; s++)
		expect_style(*theme_ui(&th, s), -1, -1, th.ui[s].attrs, theme_ui_name(s));
	for (size_t k = 0; k < th.n_syntax; k++)
		expect_style(th.syntax[k].style, -1, -1, th.syntax[k].style.attrs,
			     th.syntax[k].name);
	cr_expect(theme_ui(&th, THEME_UI_LIST_SELECTED)->attrs & THEME_A_REVERSE);
}

/* Dark text must be light on the default background and light text dark. */
static void
expect_legible(const char *name, bool dark)
{
	load_shipped(name);
	for (int s = 0; s < THEME_UI_COUNT; s++) {
		const struct theme_style *st = theme_ui(&th, s);

		if (st->fg < 0)
			continue;
		if (st->bg < 0 && dark)
			cr_expect_geq(luma(st->fg), 110, "%s: [ui] %s too dark", name,
				      theme_ui_name(s));
		else if (st->bg < 0)
			cr_expect_leq(luma(st->fg), 150, "%s: [ui] %s too light", name,
				      theme_ui_name(s));
		else
			cr_expect_geq(abs(luma(st->fg) - luma(st->bg)), 90,
				      "%s: [ui] %s has too little contrast", name, theme_ui_name(s));
	}
	for (size_t k = 0; k < th.n_syntax; k++) {
		struct theme_style st = th.syntax[k].style;

		if (st.fg < 0)
			continue;
		if (dark)
			cr_expect_geq(luma(st.fg), 110, "%s: %s too dark", name, th.syntax[k].name);
		else
			cr_expect_leq(luma(st.fg), 150, "%s: %s too light", name,
				      th.syntax[k].name);
	}
	theme_free(&th);
}

Test(theme, dark_suits_a_dark_background_and_light_a_light_one)
{
	expect_legible("dark", true);
	expect_legible("light", false);
}

/*
 * The dark theme is what a terminal gets whose background could not be told
 * (theme_background()): on a light one its text must stay readable, so no
 * text on the terminal's own background is near white.
 */
Test(theme, dark_stays_readable_on_a_light_background)
{
	load_shipped("dark");
	for (int s = 0; s < THEME_UI_COUNT; s++) {
		const struct theme_style *st = theme_ui(&th, s);

		if (st->fg >= 0 && st->bg < 0)
			cr_expect_leq(luma(st->fg), 200, "[ui] %s is near white", theme_ui_name(s));
	}
	for (size_t k = 0; k < th.n_syntax; k++)
		if (th.syntax[k].style.fg >= 0 && th.syntax[k].style.bg < 0)
			cr_expect_leq(luma(th.syntax[k].style.fg), 200, "%s is near white",
				      th.syntax[k].name);
}

/* With 8 colours a grey becomes black or white; text must not vanish. */
Test(theme, shipped_text_stays_visible_in_8_colours)
{
	for (size_t i = 0; i < 2; i++) {
		int invisible = i == 0 ? 0 : 7;    /* dark: black, light: white */

		load_shipped(shipped[i]);
		theme_reduce(&th, 8);
		for (int s = 0; s < THEME_UI_COUNT; s++) {
			const struct theme_style *st = theme_ui(&th, s);

			cr_expect(st->fg < 8 && st->bg < 8, "%s", theme_ui_name(s));
			if (st->bg < 0)
				cr_expect_neq(st->fg, invisible, "%s: [ui] %s vanishes",
					      shipped[i], theme_ui_name(s));
			else
				cr_expect_neq(st->fg, st->bg, "%s: [ui] %s", shipped[i],
					      theme_ui_name(s));
		}
		for (size_t k = 0; k < th.n_syntax; k++)
			cr_expect_neq(th.syntax[k].style.fg, invisible, "%s: %s vanishes",
				      shipped[i], th.syntax[k].name);
		theme_free(&th);
	}
}

Test(theme, builtin_is_the_mono_theme)
{
	struct theme mono;
	char names[64][64];
	size_t n = highlight_captures(names, 64);

	cr_assert_eq(theme_load_named(&mono, "mono", themes_dir, 1, &err), 0, "%s", err.msg);
	cr_assert_eq(theme_builtin(&th, &err), 0, "%s", err.msg);
	cr_expect_null(th.path);
	for (int s = 0; s < THEME_UI_COUNT; s++)
		expect_style(*theme_ui(&th, s), mono.ui[s].fg, mono.ui[s].bg, mono.ui[s].attrs,
			     theme_ui_name(s));
	for (size_t k = 0; k < n; k++)
		expect_style(theme_syntax(&th, names[k]), theme_syntax(&mono, names[k]).fg,
			     theme_syntax(&mono, names[k]).bg,
			     theme_syntax(&mono, names[k]).attrs, names[k]);
	theme_free(&mono);
}

Test(theme, slot_names_round_trip)
{
	cr_expect_eq(theme_ui_find("list.selected"), THEME_UI_LIST_SELECTED);
	cr_expect_eq(theme_ui_find("function"), -1);
	for (int s = 0; s < THEME_UI_COUNT; s++)
		cr_expect_eq(theme_ui_find(theme_ui_name(s)), s);
	cr_expect_null(theme_ui_name(THEME_UI_COUNT));
}

Test(theme, style_syntax)
{
	load_text("[ui]\n"
		  "text = white\n"
		  "list = red blue\n"
		  "list.selected = black cyan bold reverse\n"
		  "status = bold dim italic underline reverse standout\n"
		  "title = brightred default\n"
		  "prompt = COLOR200 Default BOLD\n"
		  "escape = color0 color255\n"
		  "[syntax]\n"
		  "keyword = magenta default bold\n");
	expect_style(*theme_ui(&th, THEME_UI_TEXT), 7, -1, 0, "text");
	expect_style(*theme_ui(&th, THEME_UI_LIST), 1, 4, 0, "list");
	expect_style(*theme_ui(&th, THEME_UI_LIST_SELECTED), 0, 6,
		     THEME_A_BOLD | THEME_A_REVERSE, "list.selected");
	expect_style(*theme_ui(&th, THEME_UI_STATUS), -1, -1,
		     THEME_A_BOLD | THEME_A_DIM | THEME_A_ITALIC | THEME_A_UNDERLINE |
		     THEME_A_REVERSE | THEME_A_STANDOUT, "status");
	expect_style(*theme_ui(&th, THEME_UI_TITLE), 9, -1, 0, "title");
	expect_style(*theme_ui(&th, THEME_UI_PROMPT), 200, -1, THEME_A_BOLD, "prompt");
	expect_style(*theme_ui(&th, THEME_UI_ESCAPE), 0, 255, 0, "escape");
	expect_style(theme_syntax(&th, "keyword"), 5, -1, THEME_A_BOLD, "keyword");
	cr_expect_str_eq(th.name, "t");
	cr_expect_null(th.description);
}

Test(theme, a_slot_left_out_gets_the_builtin_style)
{
	load_text("[ui]\ntext = white\nlist = red\n");
	cr_expect(th.ui_set[THEME_UI_LIST]);
	cr_expect_not(th.ui_set[THEME_UI_LIST_SELECTED]);
	/* not list's red: the selection must stay visible */
	expect_style(*theme_ui(&th, THEME_UI_LIST_SELECTED), -1, -1,
		     THEME_A_REVERSE | THEME_A_BOLD, "list.selected");
}

Test(theme, dotted_fallback)
{
	load_text("[ui]\ntext = white default\n"
		  "[syntax]\nfunction = blue\nfunction.builtin = cyan bold\n"
		  "punctuation = color240\n");
	expect_style(theme_syntax(&th, "function.builtin"), 6, -1, THEME_A_BOLD, "exact");
	expect_style(theme_syntax(&th, "function.method"), 4, -1, 0, "function.method");
	expect_style(theme_syntax(&th, "function.method.call"), 4, -1, 0, "two levels");
	expect_style(theme_syntax(&th, "punctuation.special"), 240, -1, 0, "punctuation");
	expect_style(theme_syntax(&th, "keyword"), 7, -1, 0, "unknown: text");
	expect_style(theme_syntax(&th, "keyword.control"), 7, -1, 0, "unknown dotted: text");
	/* a prefix of a name is not its parent */
	expect_style(theme_syntax(&th, "func"), 7, -1, 0, "func");
	expect_style(theme_syntax(&th, ""), 7, -1, 0, "empty");
}

Test(theme, rgb_maps_to_the_nearest_xterm_colour)
{
	load_text("[ui]\n"
		  "text = #ff0000 #000000\n"
		  "list = #FFFFFF #808080\n"
		  "title = #87afd7 #ff8700\n"
		  "status = #767676 #fe0101\n");
	expect_style(*theme_ui(&th, THEME_UI_TEXT), 196, 16, 0, "text");
	expect_style(*theme_ui(&th, THEME_UI_LIST), 231, 244, 0, "list");
	expect_style(*theme_ui(&th, THEME_UI_TITLE), 110, 208, 0, "title");
	expect_style(*theme_ui(&th, THEME_UI_STATUS), 243, 196, 0, "status");
}

Test(theme, default_section_is_a_palette)
{
	load_text("[DEFAULT]\naccent = color75\n"
		  "[ui]\ntitle = black %(accent)s bold\n"
		  "[syntax]\nfunction = %(accent)s\n");
	expect_style(*theme_ui(&th, THEME_UI_TITLE), 0, 75, THEME_A_BOLD, "title");
	expect_style(theme_syntax(&th, "function"), 75, -1, 0, "function");
	cr_expect_not(has_capture(&th, "accent"));
}

Test(theme, theme_section_names_it)
{
	load_text("[theme]\nname = Solar\ndescription = Warm\n[ui]\ntext = default\n");
	cr_expect_str_eq(th.name, "Solar");
	cr_expect_str_eq(th.description, "Warm");
	cr_expect_str_eq(th.path, file);
}

Test(theme, errors_name_the_key)
{
	load_fails("[ui]\nlist.selectd = black cyan\n", "[ui] list.selectd",
		   "unknown UI slot 'list.selectd'");
	load_fails("[syntax]\nkeyword = purple default\n", "[syntax] keyword",
		   "unknown colour or attribute 'purple'");
	load_fails("[syntax]\nkeyword = magenta default blod\n", "[syntax] keyword",
		   "unknown attribute 'blod'");
	load_fails("[syntax]\nkeyword = bold blod\n", "[syntax] keyword",
		   "unknown attribute 'blod'");
	load_fails("[ui]\ntitle = color256\n", "[ui] title", "color0 to color255");
	load_fails("[ui]\ntitle = color-1\n", "[ui] title", "color0 to color255");
	load_fails("[ui]\ntitle = #12345g\n", "[ui] title", "#rrggbb");
	load_fails("[ui]\ntitle = red blue green\n", "[ui] title", "third colour 'green'");
	load_fails("[ui]\ntitle = bold red\n", "[ui] title", "after an attribute");
	load_fails("[ui]\ntitle =\n", "[ui] title", "empty style");
	load_fails("[syntax]\nfunction..builtin = red\n", "function..builtin",
		   "not a capture name");
	load_fails("[syntax]\nkeyword = %(nope)s\n", "[syntax] keyword", "names no option");
	load_fails("[theme]\nauthor = me\n", "[theme] author", "unknown key 'author'");
	load_fails("[colors]\nkeyword = red\n", "[colors]", "unknown section");
	/* a good entry before the bad one leaves nothing behind */
	load_fails("[syntax]\nstring = green\nkeyword = purple\n", "keyword", "purple");
}

Test(theme, a_missing_file_is_an_error)
{
	char missing[sizeof(dir) + 32];

	snprintf(missing, sizeof(missing), "%s/nope.theme", dir);
	cr_expect_eq(theme_load(&th, missing, &err), -1);
	cr_expect(strstr(err.msg, missing) && strstr(err.msg, "no such file"), "%s", err.msg);
	cr_expect_null(th.name);
}

Test(theme, named_lookup_takes_the_first_directory_that_has_it)
{
	const char *const dirs[] = { NULL, dir, THEMES };
	const char *const only_tmp[] = { dir };

	cr_assert_eq(theme_load_named(&th, "dark", dirs, 3, &err), 0, "%s", err.msg);
	cr_expect_str_eq(th.path, THEMES "/dark.theme");
	theme_free(&th);

	write_theme("dark", "[ui]\ntext = red\n");
	cr_assert_eq(theme_load_named(&th, "dark", dirs, 3, &err), 0, "%s", err.msg);
	cr_expect_str_eq(th.path, file);
	cr_expect_eq(theme_ui(&th, THEME_UI_TEXT)->fg, 1);
	theme_free(&th);

	cr_expect_eq(theme_load_named(&th, "solarized", only_tmp, 1, &err), -1);
	cr_expect(strstr(err.msg, "no theme 'solarized'") && strstr(err.msg, dir),
		  "%s", err.msg);
	cr_expect_eq(theme_load_named(&th, "../themes/dark", dirs, 3, &err), -1);
	cr_expect(strstr(err.msg, "not a theme name"), "%s", err.msg);
	cr_expect_eq(theme_load_named(&th, "", dirs, 3, &err), -1);
	cr_expect_eq(theme_load_named(&th, "dark", NULL, 0, &err), -1);
	cr_expect(strstr(err.msg, "no directory"), "%s", err.msg);
}

Test(theme, reduce_to_8_colours)
{
	load_text("[ui]\n"
		  "text = color196 color46\n"
		  "list = color21 color226\n"
		  "title = color201 color51\n"
		  "status = color244 color236\n"
		  "prompt = brightred brightblue bold italic\n"
		  "escape = color114 color179\n"
		  "[syntax]\nkeyword = color176 default bold\n");
	theme_reduce(&th, 8);
	expect_style(*theme_ui(&th, THEME_UI_TEXT), 1, 2, 0, "red on green");
	expect_style(*theme_ui(&th, THEME_UI_LIST), 4, 3, 0, "blue on yellow");
	expect_style(*theme_ui(&th, THEME_UI_TITLE), 5, 6, 0, "magenta on cyan");
	expect_style(*theme_ui(&th, THEME_UI_STATUS), 7, 0, 0, "greys");
	expect_style(*theme_ui(&th, THEME_UI_PROMPT), 1, 4, THEME_A_BOLD | THEME_A_ITALIC,
		     "bright to normal, attributes kept");
	/* pale colours keep their hue instead of turning white */
	expect_style(*theme_ui(&th, THEME_UI_ESCAPE), 2, 3, 0, "pale green on amber");
	expect_style(theme_syntax(&th, "keyword"), 5, -1, THEME_A_BOLD, "keyword");
	/* the slots the file left out are untouched defaults */
	expect_style(*theme_ui(&th, THEME_UI_LIST_SELECTED), -1, -1,
		     THEME_A_REVERSE | THEME_A_BOLD, "list.selected");
}

Test(theme, reduce_to_16_colours)
{
	load_text("[ui]\n"
		  "text = color196 color160\n"
		  "list = color114 color210\n"
		  "title = color244 color252\n"
		  "status = color231 color16\n"
		  "prompt = brightcyan blue\n");
	theme_reduce(&th, 16);
	expect_style(*theme_ui(&th, THEME_UI_TEXT), 9, 1, 0, "bright red on red");
	expect_style(*theme_ui(&th, THEME_UI_LIST), 2, 9, 0, "green on pink");
	expect_style(*theme_ui(&th, THEME_UI_TITLE), 8, 7, 0, "greys");
	expect_style(*theme_ui(&th, THEME_UI_STATUS), 15, 0, 0, "white on black");
	expect_style(*theme_ui(&th, THEME_UI_PROMPT), 14, 4, 0, "basic colours kept");
	/* 88-colour terminals get the 16 */
	theme_free(&th);
	load_text("[ui]\ntext = color196\n");
	theme_reduce(&th, 88);
	cr_expect_eq(theme_ui(&th, THEME_UI_TEXT)->fg, 9);
}

Test(theme, reduction_keeps_foreground_and_background_apart)
{
	load_text("[ui]\n"
		  "text = color252 color250\n"
		  "list = color238 color236\n"
		  "title = red red\n");
	theme_reduce(&th, 8);
	expect_style(*theme_ui(&th, THEME_UI_TEXT), 0, 7, 0, "light greys");
	expect_style(*theme_ui(&th, THEME_UI_LIST), 7, 0, 0, "dark greys");
	/* what the theme asked for on purpose stays */
	expect_style(*theme_ui(&th, THEME_UI_TITLE), 1, 1, 0, "red on red");
}

Test(theme, reduce_at_256_changes_nothing)
{
	load_shipped("dark");
	struct theme_style before = *theme_ui(&th, THEME_UI_LIST_SELECTED);
	struct theme_style kw = theme_syntax(&th, "keyword");

	theme_reduce(&th, 256);
	expect_style(*theme_ui(&th, THEME_UI_LIST_SELECTED), before.fg, before.bg,
		     before.attrs, "list.selected");
	expect_style(theme_syntax(&th, "keyword"), kw.fg, kw.bg, kw.attrs, "keyword");
}

Test(theme, monochrome_keeps_bold_underline_reverse_and_marks_bars)
{
	load_text("[ui]\n"
		  "text = default\n"
		  "list = red default bold dim italic underline\n"
		  "cursor.line = default color236\n"
		  "search.match = standout\n"
		  "[syntax]\ncomment = color244 default italic\n");
	theme_reduce(&th, 0);
	expect_style(*theme_ui(&th, THEME_UI_LIST), -1, -1,
		     THEME_A_BOLD | THEME_A_UNDERLINE, "list");
	expect_style(*theme_ui(&th, THEME_UI_CURSOR_LINE), -1, -1, THEME_A_REVERSE,
		     "background bar");
	expect_style(*theme_ui(&th, THEME_UI_SEARCH_MATCH), -1, -1, THEME_A_REVERSE,
		     "standout");
	expect_style(theme_syntax(&th, "comment"), -1, -1, 0, "comment");
}

Test(theme, no_color_keeps_every_shipped_selection_visible)
{
	cr_expect_eq(theme_colors(256, "1"), 0);
	cr_expect_eq(theme_colors(256, ""), 256, "an empty NO_COLOR is unset");
	cr_expect_eq(theme_colors(8, NULL), 8);
	for (size_t i = 0; i < sizeof(shipped) / sizeof(*shipped); i++) {
		load_shipped(shipped[i]);
		theme_reduce(&th, theme_colors(256, "yes"));
		for (int s = 0; s < THEME_UI_COUNT; s++) {
			cr_expect_eq(theme_ui(&th, s)->fg, -1);
			cr_expect_eq(theme_ui(&th, s)->bg, -1);
			cr_expect_eq(theme_ui(&th, s)->attrs & (THEME_A_DIM | THEME_A_ITALIC |
								THEME_A_STANDOUT), 0);
		}
		cr_expect(theme_ui(&th, THEME_UI_LIST_SELECTED)->attrs & THEME_A_REVERSE,
			  "%s: selection lost", shipped[i]);
		cr_expect(theme_ui(&th, THEME_UI_STATUS)->attrs & THEME_A_REVERSE,
			  "%s: status bar lost", shipped[i]);
		cr_expect_eq(theme_syntax(&th, "comment").attrs & THEME_A_ITALIC, 0);
		theme_free(&th);
	}
}

Test(theme, colour_rgb_follows_xterm)
{
	unsigned char rgb[3];

	cr_assert_eq(theme_color_rgb(196, rgb), 0);
	cr_expect(rgb[0] == 255 && rgb[1] == 0 && rgb[2] == 0);
	cr_assert_eq(theme_color_rgb(110, rgb), 0);
	cr_expect(rgb[0] == 135 && rgb[1] == 175 && rgb[2] == 215);
	cr_assert_eq(theme_color_rgb(244, rgb), 0);
	cr_expect(rgb[0] == 128 && rgb[1] == 128 && rgb[2] == 128);
	cr_expect_eq(theme_color_rgb(-1, rgb), -1);
	cr_expect_eq(theme_color_rgb(256, rgb), -1);
}

Test(theme, colorfgbg_names_the_background)
{
	cr_expect_eq(theme_background_colorfgbg("15;0"), THEME_BG_DARK);
	cr_expect_eq(theme_background_colorfgbg("0;15"), THEME_BG_LIGHT);
	cr_expect_eq(theme_background_colorfgbg("0;default;7"), THEME_BG_LIGHT);
	cr_expect_eq(theme_background_colorfgbg("7;8"), THEME_BG_DARK);
	cr_expect_eq(theme_background_colorfgbg("15;4"), THEME_BG_DARK);
	cr_expect_eq(theme_background_colorfgbg(NULL), THEME_BG_UNKNOWN);
	cr_expect_eq(theme_background_colorfgbg(""), THEME_BG_UNKNOWN);
	cr_expect_eq(theme_background_colorfgbg("15"), THEME_BG_UNKNOWN);
	cr_expect_eq(theme_background_colorfgbg("15;default"), THEME_BG_UNKNOWN);
	cr_expect_eq(theme_background_colorfgbg("15;"), THEME_BG_UNKNOWN);
	cr_expect_eq(theme_background_colorfgbg("0;16"), THEME_BG_UNKNOWN);
	cr_expect_eq(theme_background_colorfgbg("0;-1"), THEME_BG_UNKNOWN);
}

static enum theme_background
osc11(const char *reply)
{
	return theme_background_osc11(reply, strlen(reply));
}

Test(theme, an_osc_11_reply_names_the_background)
{
	/* as xterm and tmux answer, with ST or BEL, among other replies */
	cr_expect_eq(osc11("\033]11;rgb:ffff/ffff/ffff\033\\\033[?1;2c"), THEME_BG_LIGHT);
	cr_expect_eq(osc11("\033]11;rgb:1c1c/1c1c/1c1c\a"), THEME_BG_DARK);
	cr_expect_eq(osc11("x\033]11;rgb:fd/f6/e3\a"), THEME_BG_LIGHT);      /* solarized light */
	cr_expect_eq(osc11("\033]11;rgb:0/2/3\033\\"), THEME_BG_DARK);
	cr_expect_eq(osc11("\033]11;rgba:ffff/ffff/ffff/8000\a"), THEME_BG_LIGHT);
	/* blue alone is dark, green alone light: luma, not the average */
	cr_expect_eq(osc11("\033]11;rgb:0000/0000/ffff\a"), THEME_BG_DARK);
	cr_expect_eq(osc11("\033]11;rgb:0000/ffff/0000\a"), THEME_BG_LIGHT);
}

Test(theme, a_garbage_or_partial_osc_11_reply_is_unknown)
{
	static const char *const bad[] = {
		"",
		"\033[?1;2c",                           /* no OSC 11 support: DA1 alone */
		"\033]11;rgb:ffff/ffff/ffff",           /* cut short */
		"\033]11;rgb:ffff/ffff\a",
		"\033]11;rgb:fffff/ffff/ffff\a",        /* five digits */
		"\033]11;rgb:gggg/ffff/ffff\a",
		"\033]11;rgb:/ffff/ffff\a",
		"\033]11;#ffffff\a",
		"\033]11;rgb:ffff/ffff/ffff/\a",
		"\033]10;rgb:ffff/ffff/ffff\a",         /* the foreground */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(osc11(bad[i]), THEME_BG_UNKNOWN, "reply %zu", i);
	/* the length bounds the reply: no terminator past it is seen */
	cr_expect_eq(theme_background_osc11("\033]11;rgb:ffff/ffff/ffff\a", 23), THEME_BG_UNKNOWN);
}

/* Themes: INI files to colour numbers and attribute bits, and their reduction. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migreview/inifile.h"
#include "migreview/util.h"
#include "theme.h"

struct ui_slot_info {
	const char *name;
	uint16_t builtin_attrs;
};

static const struct ui_slot_info ui_slots[THEME_UI_COUNT] = {
#define THEME_UI_INFO(id, name, attrs, help) [THEME_UI_##id] = { name, attrs },
	THEME_UI_SLOTS(THEME_UI_INFO)
#undef THEME_UI_INFO
};

static const struct {
	const char *name;
	uint16_t bit;
} attr_names[] = {
#define THEME_ATTR_NAME(id, name) { name, THEME_A_##id },
	THEME_ATTRS(THEME_ATTR_NAME)
#undef THEME_ATTR_NAME
};

/* Named colours are the first sixteen xterm indices, in their order. */
static const char *const color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow",
	"brightblue", "brightmagenta", "brightcyan", "brightwhite",
};

/* xterm's defaults for the sixteen; terminals vary, the cube does not. */
static const unsigned char basic_rgb[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

static const unsigned char cube_levels[6] = { 0, 95, 135, 175, 215, 255 };

/*
 * The monochrome built-in's captures; themes/mono.theme says the same.  Every
 * other capture is plain text.
 */
static const struct {
	const char *name;
	uint16_t attrs;
} builtin_syntax[] = {
	{ "keyword", THEME_A_BOLD },
	{ "constant.builtin", THEME_A_BOLD },
	{ "comment", THEME_A_DIM | THEME_A_ITALIC },
	{ "escape", THEME_A_BOLD },
	{ "punctuation.special", THEME_A_BOLD },
};

static struct theme_style
plain(uint16_t attrs)
{
	struct theme_style s = { THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, attrs };

	return s;
}

const char *
theme_ui_name(enum theme_ui_slot slot)
{
	return (unsigned)slot < THEME_UI_COUNT ? ui_slots[slot].name : NULL;
}

int
theme_ui_find(const char *name)
{
	for (int i = 0; i < THEME_UI_COUNT; i++)
		if (!strcmp(ui_slots[i].name, name))
			return i;
	return -1;
}

int
theme_color_rgb(int color, unsigned char rgb[3])
{
	if (color < 0 || color > 255)
		return -1;
	if (color < 16) {
		memcpy(rgb, basic_rgb[color], 3);
	} else if (color < 232) {
		rgb[0] = cube_levels[(color - 16) / 36];
		rgb[1] = cube_levels[(color - 16) / 6 % 6];
		rgb[2] = cube_levels[(color - 16) % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = (unsigned char)(8 + 10 * (color - 232));
	}
	return 0;
}

static long
rgb_distance(const unsigned char a[3], const unsigned char b[3])
{
	long d = 0;

	for (int i = 0; i < 3; i++)
		d += (long)(a[i] - b[i]) * (a[i] - b[i]);
	return d;
}

static int
nearest_cube_level(int v)
{
	int best = 0;

	for (int i = 1; i < 6; i++)
		if (abs(cube_levels[i] - v) < abs(cube_levels[best] - v))
			best = i;
	return best;
}

/*
 * #rrggbb to 16-255 only: the sixteen basic colours are whatever the user's
 * palette says, so a theme asking for an exact shade must not land on them.
 */
static int
rgb_to_256(const unsigned char rgb[3])
{
	int r = nearest_cube_level(rgb[0]), g = nearest_cube_level(rgb[1]);
	int b = nearest_cube_level(rgb[2]);
	int cube = 16 + 36 * r + 6 * g + b;
	int avg = (rgb[0] + rgb[1] + rgb[2]) / 3;
	int grey = avg < 8 ? 232 : avg > 238 ? 255 : 232 + (avg - 8 + 5) / 10;
	unsigned char c[3], k[3];

	theme_color_rgb(cube, c);
	theme_color_rgb(grey, k);
	return rgb_distance(rgb, k) < rgb_distance(rgb, c) ? grey : cube;
}

/*
 * Nearest by hue first, then by lightness: plain RGB distance sends pale
 * colours such as color114 to white and loses the hue a theme chose them
 * for.  Colours with little chroma are greys and go to black/white (and
 * bright black/white with 16 colours) by lightness.
 */
static int
reduce_color(int color, int colors)
{
	static const int hue_color[6] = { 1, 3, 2, 6, 4, 5 };   /* R Y G C B M */
	unsigned char rgb[3];
	int max, min, chroma, light, family;
	double h;

	if (color < 0)
		return color;
	if (color < 16)
		return colors >= 16 ? color : color & 7;
	theme_color_rgb(color, rgb);
	max = rgb[0] > rgb[1] ? rgb[0] : rgb[1];
	max = max > rgb[2] ? max : rgb[2];
	min = rgb[0] < rgb[1] ? rgb[0] : rgb[1];
	min = min < rgb[2] ? min : rgb[2];
	chroma = max - min;
	light = (max + min) / 2;
	if (chroma < 64) {
		if (colors < 16)
			return light < 128 ? 0 : 7;
		return light < 64 ? 0 : light < 160 ? 8 : light < 224 ? 7 : 15;
	}
	if (max == rgb[0])
		h = (double)(rgb[1] - rgb[2]) / chroma;
	else if (max == rgb[1])
		h = (double)(rgb[2] - rgb[0]) / chroma + 2;
	else
		h = (double)(rgb[0] - rgb[1]) / chroma + 4;
	if (h < 0)
		h += 6;
	family = hue_color[(int)(h + 0.5) % 6];
	if (colors < 16)
		return family;
	return rgb_distance(rgb, basic_rgb[family + 8]) < rgb_distance(rgb, basic_rgb[family])
		? family + 8 : family;
}

static int
lightness(int color)
{
	unsigned char rgb[3];

	if (theme_color_rgb(color, rgb) < 0)
		return -1;
	return (rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000;
}

static void
reduce_style(struct theme_style *s, int colors)
{
	uint16_t a = s->attrs;
	int fg, bg;

	if (colors >= 256)
		return;
	if (colors < 8) {
		/* A coloured background marks a bar or a selection: keep it seen. */
		if (s->bg != THEME_COLOR_DEFAULT || (a & THEME_A_STANDOUT))
			a |= THEME_A_REVERSE;
		s->attrs = a & (THEME_A_BOLD | THEME_A_UNDERLINE | THEME_A_REVERSE);
		s->fg = s->bg = THEME_COLOR_DEFAULT;
		return;
	}
	fg = reduce_color(s->fg, colors);
	bg = reduce_color(s->bg, colors);
	if (fg >= 0 && fg == bg && s->fg != s->bg)
		fg = lightness(s->bg) < 128 ? (colors >= 16 ? 15 : 7) : 0;
	s->fg = (int16_t)fg;
	s->bg = (int16_t)bg;
}

void
theme_reduce(struct theme *t, int colors)
{
	for (size_t i = 0; i < THEME_UI_COUNT; i++)
		reduce_style(&t->ui[i], colors);
	for (size_t i = 0; i < t->n_syntax; i++)
		reduce_style(&t->syntax[i].style, colors);
}

int
theme_colors(int terminal_colors, const char *no_color)
{
	return no_color && *no_color ? 0 : terminal_colors;
}

enum theme_background
theme_background_colorfgbg(const char *value)
{
	const char *last = value ? strrchr(value, ';') : NULL;
	char *end;
	long bg;

	if (!last)
		return THEME_BG_UNKNOWN;
	errno = 0;
	bg = strtol(last + 1, &end, 10);
	if (end == last + 1 || *end || errno || bg < 0 || bg > 15)
		return THEME_BG_UNKNOWN;
	/* rxvt's convention: white (7) and the bright colours but grey (8) are light */
	return bg == 7 || bg > 8 ? THEME_BG_LIGHT : THEME_BG_DARK;
}

/* One colour component of an OSC 11 reply at *p: 1 to 4 hex digits, as 0-1; -1 if not. */
static double
osc_component(const char **p, const char *stop)
{
	unsigned long v = 0;
	int digits = 0;

	for (; *p < stop && isxdigit((unsigned char)**p); (*p)++) {
		if (++digits > 4)
			return -1;
		v = v * 16 + (unsigned long)(isdigit((unsigned char)**p) ? **p - '0' :
					     tolower((unsigned char)**p) - 'a' + 10);
	}
	return digits ? (double)v / (double)((1ul << (4 * digits)) - 1) : -1;
}

enum theme_background
theme_background_osc11(const char *buf, size_t len)
{
	static const char head[] = "\033]11;rgb";
	const char *at = memmem(buf, len, head, sizeof(head) - 1), *p, *stop = buf + len;
	double c[3];

	if (!at)
		return THEME_BG_UNKNOWN;
	p = at + sizeof(head) - 1;
	if (p < stop && *p == 'a')
		p++;            /* rgba:, from rxvt: the alpha does not matter */
	if (p >= stop || *p++ != ':')
		return THEME_BG_UNKNOWN;
	for (int i = 0; i < 3; i++) {
		if ((c[i] = osc_component(&p, stop)) < 0)
			return THEME_BG_UNKNOWN;
		if (i < 2 && (p >= stop || *p++ != '/'))
			return THEME_BG_UNKNOWN;
	}
	if (p < stop && *p == '/' && (++p, osc_component(&p, stop) < 0))
		return THEME_BG_UNKNOWN;
	/* only a whole reply counts: it ends with BEL or ST */
	if (!(p < stop && *p == '\a') && !(p + 1 < stop && p[0] == '\033' && p[1] == '\\'))
		return THEME_BG_UNKNOWN;
	return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] > 0.5 ? THEME_BG_LIGHT : THEME_BG_DARK;
}

const struct theme_style *
theme_ui(const struct theme *t, enum theme_ui_slot slot)
{
	return &t->ui[(unsigned)slot < THEME_UI_COUNT ? slot : THEME_UI_TEXT];
}

static const struct theme_capture *
find_capture(const struct theme *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->n_syntax; i++)
		if (!strncmp(t->syntax[i].name, name, len) && !t->syntax[i].name[len])
			return &t->syntax[i];
	return NULL;
}

struct theme_style
theme_syntax(const struct theme *t, const char *capture)
{
	size_t len = strlen(capture);

	for (;;) {
		const struct theme_capture *c = find_capture(t, capture, len);

		if (c)
			return c->style;
		while (len > 0 && capture[len - 1] != '.')
			len--;
		if (len-- == 0)
			return t->ui[THEME_UI_TEXT];
	}
}

/* --- reading ---------------------------------------------------------------- */

/* Where an entry is, for messages: "path: [section] key". */
struct where {
	const char *path, *section, *key;
};

static int __attribute__((format(printf, 3, 4)))
entry_error(const struct where *w, struct mr_error *err, const char *fmt, ...)
{
	char msg[MR_ERROR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mr_error_set(err, "%s: [%s] %s: %s", w->path, w->section, w->key, msg);
}

/* 0 with *out set, 1 if word is no colour at all, -1 for a broken one. */
static int
parse_color(const char *word, int16_t *out, const struct where *w, struct mr_error *err)
{
	if (!strcasecmp(word, "default")) {
		*out = THEME_COLOR_DEFAULT;
		return 0;
	}
	for (int i = 0; i < 16; i++)
		if (!strcasecmp(word, color_names[i])) {
			*out = (int16_t)i;
			return 0;
		}
	if (!strncasecmp(word, "color", 5)) {
		char *end;
		long n;

		errno = 0;
		n = strtol(word + 5, &end, 10);
		if (!isdigit((unsigned char)word[5]) || *end || errno || n > 255)
			return entry_error(w, err, "'%s': a colour index is color0 to color255",
					   word);
		*out = (int16_t)n;
		return 0;
	}
	if (word[0] == '#') {
		unsigned char rgb[3];

		if (strlen(word) != 7 || strspn(word + 1, "0123456789abcdefABCDEF") != 6)
			return entry_error(w, err, "'%s': an RGB colour is #rrggbb", word);
		for (int i = 0; i < 3; i++) {
			char hex[3] = { word[1 + 2 * i], word[2 + 2 * i], '\0' };

			rgb[i] = (unsigned char)strtol(hex, NULL, 16);
		}
		*out = (int16_t)rgb_to_256(rgb);
		return 0;
	}
	return 1;
}

static int
parse_attr(const char *word, uint16_t *attrs)
{
	for (size_t i = 0; i < MR_ARRAY_SIZE(attr_names); i++)
		if (!strcasecmp(word, attr_names[i].name)) {
			*attrs |= attr_names[i].bit;
			return 0;
		}
	return -1;
}

/* "[FG [BG]] [ATTR...]"; value is cut into words in place. */
static int
parse_style(char *value, struct theme_style *s, const struct where *w, struct mr_error *err)
{
	static const char *const sep = " \t\r\n";
	int n_colors = 0, words = 0;
	bool attrs_seen = false;

	*s = plain(0);
	for (char *save, *word = strtok_r(value, sep, &save); word;
	     word = strtok_r(NULL, sep, &save)) {
		int16_t color;
		int rc;

		words++;
		if (parse_attr(word, &s->attrs) == 0) {
			attrs_seen = true;
			continue;
		}
		rc = parse_color(word, &color, w, err);
		if (rc < 0)
			return -1;
		if (rc > 0 && (attrs_seen || n_colors == 2))
			return entry_error(w, err, "unknown attribute '%s' (expected bold, dim, "
					   "italic, underline, reverse or standout)", word);
		if (rc > 0)
			return entry_error(w, err, "unknown colour or attribute '%s' (a colour "
					   "is default, red, brightred, color0-255 or #rrggbb)",
					   word);
		if (attrs_seen)
			return entry_error(w, err, "colour '%s' after an attribute (a style is "
					   "FG BG ATTRS...)", word);
		if (n_colors == 2)
			return entry_error(w, err, "a third colour '%s' (a style is "
					   "FG BG ATTRS...)", word);
		if (n_colors++ == 0)
			s->fg = color;
		else
			s->bg = color;
	}
	if (words == 0)
		return entry_error(w, err, "empty style (write 'default' for plain text)");
	return 0;
}

/* Capture names are dotted words; anything else is a typo or a stray line. */
static bool
valid_capture(const char *name)
{
	bool word_start = true;

	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			if (word_start)
				return false;
			word_start = true;
		} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '-') {
			word_start = false;
		} else {
			return false;
		}
	}
	return !word_start;
}

static int
add_capture(struct theme *t, const char *name, struct theme_style style)
{
	if (mr_grow(&t->syntax, &t->cap_syntax, t->n_syntax + 1, sizeof(*t->syntax)) < 0)
		return -1;
	t->syntax[t->n_syntax].name = mr_strdup(name);
	if (!t->syntax[t->n_syntax].name)
		return -1;
	t->syntax[t->n_syntax++].style = style;
	return 0;
}

static int
set_meta(struct theme *t, const struct where *w, const char *value, struct mr_error *err)
{
	char **field;

	if (!strcmp(w->key, "name"))
		field = &t->name;
	else if (!strcmp(w->key, "description"))
		field = &t->description;
	else
		return entry_error(w, err, "unknown key '%s' (expected name or description)",
				   w->key);
	free(*field);
	*field = mr_strdup(value);
	return *field ? 0 : mr_error_oom(err);
}

static int
load_entry(struct theme *t, const struct inifile *ini, const struct inifile_entry *e,
	   const struct where *w, struct mr_error *err)
{
	struct theme_style style;
	char *value;
	int slot = -1, rc;

	if (!strcmp(e->section, "ui") && (slot = theme_ui_find(e->key)) < 0)
		return entry_error(w, err, "unknown UI slot '%s'", e->key);
	if (!strcmp(e->section, "syntax") && !valid_capture(e->key))
		return entry_error(w, err, "'%s' is not a capture name (dotted words, "
				   "such as function.builtin)", e->key);
	if (inifile_get(ini, e->section, e->key, &value, err) < 0)
		return -1;
	if (!strcmp(e->section, "theme"))
		rc = set_meta(t, w, value, err);
	else if ((rc = parse_style(value, &style, w, err)) == 0 && slot >= 0) {
		t->ui[slot] = style;
		t->ui_set[slot] = true;
	} else if (rc == 0 && add_capture(t, e->key, style) < 0) {
		rc = mr_error_oom(err);
	}
	free(value);
	return rc;
}

static int
load_ini(struct theme *t, const struct inifile *ini, const char *path, struct mr_error *err)
{
	for (size_t i = 0; i < ini->n_sections; i++) {
		const char *s = ini->sections[i];

		if (strcmp(s, "theme") && strcmp(s, "ui") && strcmp(s, "syntax"))
			return mr_error_set(err, "%s: unknown section [%s] (expected [theme], "
					    "[ui] or [syntax], and [DEFAULT] for a palette)",
					    path, s);
	}
	for (size_t i = 0; i < ini->n; i++) {
		const struct inifile_entry *e = &ini->entries[i];
		struct where w = { path, e->section, e->key };

		/* [DEFAULT] holds palette names for %(name)s, not styles. */
		if (!strcmp(e->section, "DEFAULT"))
			continue;
		if (load_entry(t, ini, e, &w, err) < 0)
			return -1;
	}
	return 0;
}

static char *
name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 6 && !strcmp(base + len - 6, ".theme"))
		len -= 6;
	return mr_strndup(base, len);
}

static void
fill_builtin_ui(struct theme *t)
{
	for (int i = 0; i < THEME_UI_COUNT; i++)
		if (!t->ui_set[i])
			t->ui[i] = plain(ui_slots[i].builtin_attrs);
}

int
theme_load(struct theme *t, const char *path, struct mr_error *err)
{
	struct inifile ini;
	int rc;

	memset(t, 0, sizeof(*t));
	if (inifile_load(&ini, path, err) < 0)
		return -1;
	rc = load_ini(t, &ini, path, err);
	inifile_free(&ini);
	if (rc == 0 && !t->name && !(t->name = name_from_path(path)))
		rc = mr_error_oom(err);
	if (rc == 0 && !(t->path = mr_strdup(path)))
		rc = mr_error_oom(err);
	if (rc < 0) {
		theme_free(t);
		return -1;
	}
	fill_builtin_ui(t);
	return 0;
}

int
theme_load_named(struct theme *t, const char *name, const char *const *dirs,
		 size_t n_dirs, struct mr_error *err)
{
	char tried[MR_ERROR_MAX / 2] = "";
	size_t used = 0;

	memset(t, 0, sizeof(*t));
	if (!*name || strchr(name, '/') || name[0] == '.')
		return mr_error_set(err, "'%s' is not a theme name (a name is the file "
				    "name without .theme; load a path as a file)", name);
	for (size_t i = 0; i < n_dirs; i++) {
		char *file;
		bool found;

		if (!dirs[i])
			continue;
		file = mr_printf("%s/%s.theme", dirs[i], name);
		if (!file)
			return mr_error_oom(err);
		found = mr_is_file(file);
		if (found) {
			int rc = theme_load(t, file, err);

			free(file);
			return rc;
		}
		free(file);
		if (used < sizeof(tried))
			used += (size_t)snprintf(tried + used, sizeof(tried) - used, "%s%s",
						 used ? ", " : "", dirs[i]);
	}
	return mr_error_set(err, "no theme '%s' (looked for %s.theme in %s)", name, name,
			    used ? tried : "no directory");
}

int
theme_builtin(struct theme *t, struct mr_error *err)
{
	memset(t, 0, sizeof(*t));
	t->name = mr_strdup("builtin");
	t->description = mr_strdup("Built-in monochrome, used when no theme file is found");
	if (!t->name || !t->description)
		goto oom;
	for (size_t i = 0; i < MR_ARRAY_SIZE(builtin_syntax); i++)
		if (add_capture(t, builtin_syntax[i].name, plain(builtin_syntax[i].attrs)) < 0)
			goto oom;
	fill_builtin_ui(t);
	return 0;
oom:
	theme_free(t);
	return mr_error_oom(err);
}

void
theme_free(struct theme *t)
{
	for (size_t i = 0; i < t->n_syntax; i++)
		free(t->syntax[i].name);
	free(t->syntax);
	free(t->name);
	free(t->description);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

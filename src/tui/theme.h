/*
 * Colour themes: the colour and attributes of each part of the UI and of each
 * tree-sitter capture in the source pane.
 *
 * A theme is an INI file (themes/NAME.theme) read with inifile, so [DEFAULT]
 * keys and "%(name)s" interpolation work and can hold a palette:
 *
 *   [theme]
 *   name = dark
 *   description = For terminals with a dark background
 *   [ui]
 *   list.selected = color234 color74 bold
 *   [syntax]
 *   keyword = magenta default bold
 *   function.builtin = #5fd7d7
 *
 * A style is "[FG [BG]] [ATTR...]": colours first, then attributes.  A colour
 * is default (the terminal's own), black, red, green, yellow, blue, magenta,
 * cyan, white, their bright variants (brightred ...), colorN (0-255) or
 * #rrggbb (taken to the nearest colour of the xterm 256-colour cube or grey
 * ramp).  An attribute is bold, dim, italic, underline, reverse or standout.
 *
 * [ui] keys are the fixed slot names below; a slot the file leaves out gets
 * the built-in monochrome style for it.  [syntax] keys are free-form capture
 * names; theme_syntax() falls back along the dots ("function.builtin", then
 * "function") and finally to the [ui] text style.
 *
 * Nothing here knows curses: styles are plain colour numbers and attribute
 * bits that the drawing code maps to colour pairs.  A struct theme owns all
 * its strings and arrays; theme_free() releases them.
 */
#ifndef MIGREVIEW_TUI_THEME_H
#define MIGREVIEW_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migreview/error.h"

/*
 * Attributes: X(ID, "name").  Bits are THEME_A_<ID> in this order.
 */
#define THEME_ATTRS(X) \
	X(BOLD,      "bold") \
	X(DIM,       "dim") \
	X(ITALIC,    "italic") \
	X(UNDERLINE, "underline") \
	X(REVERSE,   "reverse") \
	X(STANDOUT,  "standout")

enum theme_attr_bit {
#define THEME_ATTR_BIT(id, name) THEME_AB_##id,
	THEME_ATTRS(THEME_ATTR_BIT)
#undef THEME_ATTR_BIT
};

enum theme_attr {
#define THEME_ATTR_ENUM(id, name) THEME_A_##id = 1u << THEME_AB_##id,
	THEME_ATTRS(THEME_ATTR_ENUM)
#undef THEME_ATTR_ENUM
};

/*
 * The UI slots, said once: X(ID, "name", built-in attributes, what it colours).
 *
 * The attributes are the built-in monochrome theme (theme_builtin()) and what
 * a theme file that leaves a slot out gets; themes/mono.theme spells out the
 * same values, and a test keeps the two equal.
 */
#define THEME_UI_SLOTS(X) \
	X(TEXT,               "text",               0, \
	  "plain text, and the base of every capture a theme leaves out") \
	X(TITLE,              "title",              THEME_A_REVERSE | THEME_A_BOLD, \
	  "the title line with the project path") \
	X(STATUS,             "status",             THEME_A_REVERSE, \
	  "the status line with review progress") \
	X(STATUS_ERROR,       "status.error",       THEME_A_REVERSE | THEME_A_BOLD, \
	  "an error or refusal shown on the status line") \
	X(LIST,               "list",               0, \
	  "rows of the migration list and the checklist") \
	X(LIST_SELECTED,      "list.selected",      THEME_A_REVERSE | THEME_A_BOLD, \
	  "the selected row of the focused pane") \
	X(LIST_SELECTED_UNFOCUSED, "list.selected.unfocused", THEME_A_UNDERLINE, \
	  "the selected row of a pane without focus") \
	X(LIST_DIMMED,        "list.dimmed",        THEME_A_DIM, \
	  "rows that matter less: signed-off migrations, items without findings") \
	X(LIST_HISTORY,       "list.history",       THEME_A_DIM | THEME_A_ITALIC, \
	  "history: the migrations up to [migreview] baseline, outside the gate") \
	X(LIST_REVISION,      "list.revision",      0, \
	  "revision ids in the migration list") \
	X(LIST_HEAD,          "list.head",          THEME_A_BOLD, \
	  "the head marker of a head revision") \
	X(GRAPH,              "graph",              0, \
	  "branch and merge glyphs of the revision graph") \
	X(MARK_SIGNED,        "mark.signed",        0, \
	  "the signed-off mark") \
	X(MARK_STALE,         "mark.stale",         THEME_A_BOLD, \
	  "the stale mark: signed off, then the file changed") \
	X(MARK_BLOCKED,       "mark.blocked",       THEME_A_BOLD | THEME_A_UNDERLINE, \
	  "the blocked mark") \
	X(MARK_OPEN,          "mark.open",          0, \
	  "the mark of a migration with open findings") \
	X(GUTTER,             "gutter",             0, \
	  "the source gutter left of the text") \
	X(GUTTER_FINDING,     "gutter.finding",     THEME_A_BOLD, \
	  "a finding marker in the gutter") \
	X(GUTTER_LOCK_EXCLUSIVE, "gutter.lock.exclusive", THEME_A_BOLD, \
	  "a line a test run saw take ACCESS EXCLUSIVE, in the gutter") \
	X(GUTTER_LOCK_SHARE,  "gutter.lock.share",  0, \
	  "a line a test run saw take a lock that keeps writes waiting") \
	X(LINE_NUMBER,        "line.number",        THEME_A_DIM, \
	  "line numbers in the source pane") \
	X(CURSOR_LINE,        "cursor.line",        THEME_A_REVERSE, \
	  "the cursor line of the source pane") \
	X(FINDING_ERROR,      "finding.error",      THEME_A_BOLD | THEME_A_UNDERLINE, \
	  "a finding of severity error") \
	X(FINDING_WARNING,    "finding.warning",    THEME_A_BOLD, \
	  "a finding of severity warning") \
	X(FINDING_INFO,       "finding.info",       0, \
	  "a finding of severity info") \
	X(CHECKLIST_ITEM,     "checklist.item",     THEME_A_BOLD, \
	  "a checklist item's title") \
	X(DECISION_ACCEPTED,  "decision.accepted",  THEME_A_BOLD, \
	  "an accepted item") \
	X(DECISION_WAIVED,    "decision.waived",    0, \
	  "a waived item and its reason") \
	X(DECISION_BLOCKED,   "decision.blocked",   THEME_A_BOLD | THEME_A_UNDERLINE, \
	  "a blocked item and its reason") \
	X(DECISION_STALE,     "decision.stale",     THEME_A_UNDERLINE, \
	  "a decision taken on an older version of the file") \
	X(DECISION_UNDECIDED, "decision.undecided", 0, \
	  "an item still waiting for a decision") \
	X(PANE_BORDER,        "pane.border",        0, \
	  "lines between panes") \
	X(PANE_TITLE,         "pane.title",         THEME_A_UNDERLINE, \
	  "the title bar of a pane without focus") \
	X(PANE_TITLE_FOCUSED, "pane.title.focused", THEME_A_REVERSE | THEME_A_BOLD, \
	  "the title bar of the focused pane") \
	X(HELP_KEY,           "help.key",           THEME_A_BOLD, \
	  "key names on the help screen") \
	X(HELP_TEXT,          "help.text",          0, \
	  "descriptions on the help screen") \
	X(HELP_GROUP,         "help.group",         THEME_A_UNDERLINE, \
	  "group headings on the help screen") \
	X(PROMPT,             "prompt",             THEME_A_BOLD, \
	  "the prompt for a reason or a search") \
	X(DIFF_ADD,           "diff.add",           THEME_A_BOLD, \
	  "added lines in a diff") \
	X(DIFF_DEL,           "diff.del",           THEME_A_DIM, \
	  "deleted lines in a diff") \
	X(DIFF_HUNK,          "diff.hunk",          THEME_A_UNDERLINE, \
	  "@@ hunk headers in a diff") \
	X(DIFF_HEADER,        "diff.header",        THEME_A_BOLD, \
	  "file headers in a diff") \
	X(HISTORY_COMMIT,     "history.commit",     0, \
	  "commit ids in the git history view") \
	X(HISTORY_AUTHOR,     "history.author",     0, \
	  "authors in the git history view") \
	X(HISTORY_DATE,       "history.date",       THEME_A_DIM, \
	  "dates in the git history view") \
	X(SEARCH_MATCH,       "search.match",       THEME_A_REVERSE, \
	  "text matching the current search") \
	X(ESCAPE,             "escape",             THEME_A_UNDERLINE, \
	  "visible escapes standing for control characters in source text")

enum theme_ui_slot {
#define THEME_UI_ENUM(id, name, attrs, help) THEME_UI_##id,
	THEME_UI_SLOTS(THEME_UI_ENUM)
#undef THEME_UI_ENUM
	THEME_UI_COUNT
};

/* Terminal colours: -1 is the terminal's default, 0-255 the xterm indices. */
#define THEME_COLOR_DEFAULT (-1)

struct theme_style {
	int16_t fg, bg;         /* THEME_COLOR_DEFAULT or 0-255 */
	uint16_t attrs;         /* THEME_A_* bits */
};

struct theme_capture {
	char *name;             /* "function.builtin", as written in [syntax] */
	struct theme_style style;
};

struct theme {
	char *name;             /* [theme] name, else the file name without .theme */
	char *description;      /* [theme] description, or NULL */
	char *path;             /* the file read, or NULL for the built-in theme */
	struct theme_style ui[THEME_UI_COUNT];
	bool ui_set[THEME_UI_COUNT];    /* false: the built-in style filled in */
	struct theme_capture *syntax;   /* in file order */
	size_t n_syntax, cap_syntax;
};

/*
 * Reads a theme file.  On failure t is left empty and err names the file,
 * and for a bad entry its section and key ("x.theme: [ui] lst: ...").
 */
int theme_load(struct theme *t, const char *path, struct mr_error *err);

/*
 * Reads NAME.theme from the first of dirs that has it; NULL entries are
 * skipped, so a caller can pass an unset $XDG_CONFIG_HOME as is.  A name
 * holding '/' is refused: a path goes to theme_load().
 */
int theme_load_named(struct theme *t, const char *name, const char *const *dirs,
		     size_t n_dirs, struct mr_error *err);

/*
 * The built-in theme, used when no theme file is found: monochrome (the
 * attributes of THEME_UI_SLOTS, a few bold keywords and dim comments), so it
 * suits any background and any terminal.  Fails only when memory runs out.
 */
int theme_builtin(struct theme *t, struct mr_error *err);

/* The style of a UI slot; the pointer lives as long as t. */
const struct theme_style *theme_ui(const struct theme *t, enum theme_ui_slot slot);

/*
 * The style of a tree-sitter capture: the exact name, else each shorter
 * dotted prefix ("function.builtin", "function"), else the text slot.
 */
struct theme_style theme_syntax(const struct theme *t, const char *capture);

const char *theme_ui_name(enum theme_ui_slot slot);
/* The slot called name, or -1. */
int theme_ui_find(const char *name);

/*
 * How many colours to design for: 0 when NO_COLOR is set to anything but the
 * empty string (https://no-color.org), else terminal_colors.  Pass it
 * getenv("NO_COLOR") and the terminal's colour count (0 without colours).
 */
int theme_colors(int terminal_colors, const char *no_color);

/*
 * The terminal's background, to pick the light or the dark theme when the
 * reviewer chose none: what its OSC 11 reply says, else $COLORFGBG.
 */
enum theme_background { THEME_BG_UNKNOWN, THEME_BG_DARK, THEME_BG_LIGHT };

/*
 * $COLORFGBG ("15;0", "0;default;15", as rxvt and others set it): its last
 * field is the background's colour number, 0-15; white (7) and the bright
 * colours but grey (8) are light.  Anything else is unknown.
 */
enum theme_background theme_background_colorfgbg(const char *value);

/*
 * The reply to an OSC 11 query ("ESC ] 11 ; rgb:RRRR/GGGG/BBBB" and BEL or
 * ST; 1 to 4 hex digits a component, rgba: too) anywhere in buf, which may
 * hold other replies around it: light when its luma is above half.  A
 * reply cut short or malformed is unknown.
 */
enum theme_background theme_background_osc11(const char *buf, size_t len);

/*
 * Adapts every style to a terminal with this many colours: 256 or more keeps
 * them; 16 to 255 maps each colour to the nearest of the 16 basic ones by hue
 * and lightness (so 88-colour terminals get the safe set); 8 to 15 to the
 * nearest of the 8; fewer makes the theme monochrome.  Monochrome keeps
 * only bold, underline and reverse (standout becomes reverse), because dim
 * and italic are missing or drawn as colour on many such terminals, and
 * turns a coloured background into reverse video so selections, the cursor
 * line and the bars stay visible.  Where a foreground and a background
 * that differed would become the same colour, the foreground becomes black
 * or white, whichever contrasts.
 *
 * In 8 colours a grey turns black below half lightness and white above it,
 * so dark themes keep grey text at color244 or lighter, light themes at
 * color243 or darker.
 */
void theme_reduce(struct theme *t, int colors);

/* The RGB of a colour index 0-255 in xterm's default palette; -1 otherwise. */
int theme_color_rgb(int color, unsigned char rgb[3]);

void theme_free(struct theme *t);

#endif

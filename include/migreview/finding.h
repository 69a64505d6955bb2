/*
 * A finding: something the engine wants a reviewer to see, tied to a rule
 * of the catalogue (rules.h) and a place in a file.  Graph and header
 * problems, the analyser's rules and the recorded test runs all produce
 * this type.
 *
 * struct findings owns every finding and every string in it, each text
 * once however many findings show it (a project's findings repeat their
 * paths and many of their messages); a finding's rule points into the
 * static rules[].
 */
#ifndef MIGREVIEW_FINDING_H
#define MIGREVIEW_FINDING_H

#include <stdarg.h>
#include <stddef.h>

#include "migreview/rules.h"
#include "migreview/util.h"

struct finding {
	const struct rule *rule;        /* &rules[RULE_...]: rule->id is what is printed */
	enum severity severity;
	const char *path;       /* relative to the ini's directory */
	unsigned line, col;     /* 1-based; 0 when the whole file is meant */
	const char *message;
	size_t revision;        /* index of the revision it belongs to, or FINDING_NO_REVISION */
	const char *plain;      /* the message before findings_note() added to it, or NULL */
	const char *table;      /* with production sizes: the existing table it is about, or NULL */
	float forecast;         /* seconds its lock is forecast to last (a note); 0: none */
};

#define FINDING_NO_REVISION ((size_t)-1)

struct findings {
	struct finding *v;
	size_t n, cap;
	struct text_block *texts;       /* every path and message, once: what findings point to */
	struct strmap text_at;          /* each text, its key the copy in texts */
};

/* Adds a finding; the message is formatted.  -1 when memory runs out. */
int findings_add(struct findings *fs, enum rule_id rule, enum severity sev,
		 const char *path, unsigned line, unsigned col, size_t revision,
		 const char *fmt, ...) __attribute__((format(printf, 8, 9)));

int findings_addv(struct findings *fs, enum rule_id rule, enum severity sev,
		  const char *path, unsigned line, unsigned col, size_t revision,
		  const char *fmt, va_list ap) __attribute__((format(printf, 8, 0)));

/*
 * Adds a note to finding i's message ("MESSAGE; NOTE"): the test run's word
 * on what the rule predicted, the table's size in production, a forecast;
 * findings_unnote() gives every finding its message back, without a
 * forecast.  -1 when memory runs out.
 */
int findings_note(struct findings *fs, size_t i, const char *note);
void findings_unnote(struct findings *fs);

/* Names the table finding i is about (findings_note()'s sizes and forecast read it).  -1 when memory runs out. */
int findings_tag(struct findings *fs, size_t i, const char *table);

/*
 * The one copy of s that fs keeps, kept now if it was not: what a reader
 * that makes findings again (analysiscache.c) points them to.  NULL when
 * memory runs out.
 */
const char *findings_text(struct findings *fs, const char *s);

/* Moves every finding of src to the end of dst, leaving src empty.  -1 when memory runs out. */
int findings_take(struct findings *dst, struct findings *src);

/* Sorts by revision, then line and column, keeping the order of equals. */
int findings_sort(struct findings *fs);

size_t findings_count(const struct findings *fs, enum severity at_least);
const char *severity_name(enum severity sev);
void findings_free(struct findings *fs);

#endif

/*
 * What `test --models` found at a head, as the review file keeps it with
 * the head's run (see review.h): bounded, read as strictly as the rest of
 * the file.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "migreview/util.h"
#include "review_int.h"

static const char *const results[] = {
	[MODELS_MATCH] = "match",
	[MODELS_DRIFTED] = "drifted",
	[MODELS_NOT_COMPARED] = "not compared",
};

const char *
models_result_name(enum models_result r)
{
	return results[r];
}

void
run_models_free(struct run_models *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_differences; i++)
		free(m->differences[i]);
	free(m);
}

struct run_models *
run_models_copy(const struct run_models *from)
{
	struct run_models *m = from ? calloc(1, sizeof(*m)) : NULL;

	if (!m)
		return NULL;
	*m = (struct run_models){ .result = from->result, .more = from->more };
	for (size_t i = 0; i < from->n_differences; i++)
		if (!(m->differences[m->n_differences++] = mr_strdup(from->differences[i]))) {
			m->n_differences--;
			run_models_free(m);
			return NULL;
		}
	return m;
}

/* A difference: a non-empty string of at most REVIEW_MODELS_TEXT bytes. */
static bool
difference_in(struct run_models *m, json_t *v, const char **why)
{
	if (!json_is_string(v) || !json_string_length(v) ||
	    json_string_length(v) > REVIEW_MODELS_TEXT) {
		*why = "differences";
		return false;
	}
	if (!(m->differences[m->n_differences] = mr_strdup(json_string_value(v)))) {
		*why = "out of memory";
		return false;
	}
	m->n_differences++;
	return true;
}

/* The members of the object v into m; *why names the first that is wrong. */
static void
members_in(struct run_models *m, json_t *v, const char **why)
{
	const char *result = json_string_value(json_object_get(v, "result"));
	json_t *list = json_object_get(v, "differences"), *more = json_object_get(v, "more");
	size_t k = 0, i;
	json_t *one;

	while (result && k < MR_ARRAY_SIZE(results) && strcmp(result, results[k]))
		k++;
	if (!result || k == MR_ARRAY_SIZE(results)) {
		*why = "result";
		return;
	}
	m->result = (enum models_result)k;
	if (!json_is_integer(more) || json_integer_value(more) < 0 ||
	    json_integer_value(more) > REVIEW_MODELS_MORE) {
		*why = "more";
		return;
	}
	m->more = (size_t)json_integer_value(more);
	/* drift is said in differences (or counted), and only drift has them */
	if (!json_is_array(list) ||
	    (json_array_size(list) > 0 || m->more > 0) != (m->result == MODELS_DRIFTED)) {
		*why = "differences";
		return;
	}
	json_array_foreach(list, i, one) {
		if (i >= REVIEW_MODELS_LIST) {
			/* a newer migreview's longer list */
			m->more += m->more < REVIEW_MODELS_MORE;
			continue;
		}
		if (!difference_in(m, one, why))
			return;
	}
}

int
models_read(json_t *v, struct run_models **out, const char **why)
{
	struct run_models *m;

	*out = NULL;
	*why = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v)) {
		*why = "models";
		return -1;
	}
	if (!(m = calloc(1, sizeof(*m)))) {
		*why = "out of memory";
		return -1;
	}
	members_in(m, v, why);
	if (*why) {
		run_models_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

json_t *
models_json(const struct run_models *m)
{
	json_t *o = json_pack("{s:s, s:[], s:I}", "result", models_result_name(m->result),
			      "differences", "more", (json_int_t)m->more);
	json_t *list = json_object_get(o, "differences");

	for (size_t i = 0; o && i < m->n_differences; i++)
		json_array_append_new(list, json_string(m->differences[i]));
	return o;
}

/*
 * json_scan.c - bounds on a JSON text checked before Jansson builds it.
 *
 * Why: Jansson allocates every value it reads, about 80 bytes of heap per byte
 * of `[{},{},...]`, so a body within its byte limit can still cost gigabytes.
 * This pass reads the text once without allocating, counting values, nesting
 * and the elements of one named top-level array, and stops at the first bound
 * crossed. It is not a validator: text it cannot follow is left for Jansson to
 * refuse with its line and column, so a malformed body never passes as valid.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hearth/json_input.h"

#define MEMBER_NAME_MAX 64

struct scan {
	const struct hearth_json_bounds *b;
	int depth;
	size_t values;
	size_t items;                   /* elements of the bounded member's array */
	int in_member;                  /* inside that array (its elements at depth 2) */
	int want_key;                   /* the next string is an object key */
	uint64_t is_object;             /* bit d-1: the container at depth d is an object */
	char member[MEMBER_NAME_MAX];   /* the current top-level key, for naming */
};

/* Index just past the string whose opening quote is at s[i], or len when it
 * does not end (Jansson then reports it). Escapes are skipped, not checked. */
static size_t skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return len;
}

static int is_structural(char c)
{
	return c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}' ||
	       c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The field a depth problem is reported on: the top-level member holding it. */
static const char *where(const struct scan *sc)
{
	return sc->depth > 1 && sc->member[0] ? sc->member : "body";
}

/* One value starts. Returns -1 with `p` set when a bound is crossed. */
static int count_value(struct scan *sc, struct hearth_problem *p)
{
	if (++sc->values > sc->b->max_values) {
		hearth_problem_field(p, "body", "holds more than %zu JSON values", sc->b->max_values);
		return -1;
	}
	if (sc->in_member && sc->depth == 2 && ++sc->items > sc->b->max_array_items) {
		hearth_problem_field(p, sc->b->array_member, "must hold at most %zu items",
				     sc->b->max_array_items);
		return -1;
	}
	return 0;
}

static int open_container(struct scan *sc, char c, struct hearth_problem *p)
{
	int max_depth = sc->b->max_depth > 0 && sc->b->max_depth <= HEARTH_JSON_MAX_DEPTH
				? sc->b->max_depth
				: HEARTH_JSON_MAX_DEPTH;

	if (count_value(sc, p) != 0)
		return -1;
	if (sc->depth >= max_depth) {
		sc->depth++;
		hearth_problem_field(p, where(sc), "is nested more than %d levels deep", max_depth);
		return -1;
	}
	sc->depth++;
	if (c == '{')
		sc->is_object |= UINT64_C(1) << (sc->depth - 1);
	else
		sc->is_object &= ~(UINT64_C(1) << (sc->depth - 1));
	sc->want_key = c == '{';
	if (c == '[' && sc->depth == 2 && (sc->is_object & 1) && sc->b->array_member &&
	    strcmp(sc->member, sc->b->array_member) == 0)
		sc->in_member = 1;
	return 0;
}

static void close_container(struct scan *sc)
{
	if (sc->depth == 0)
		return; /* unbalanced: Jansson's to report */
	if (sc->depth == 2)
		sc->in_member = 0;
	sc->depth--;
	sc->want_key = 0;
}

static void read_key(struct scan *sc, const char *s, size_t from, size_t to)
{
	size_t n;

	sc->want_key = 0;
	if (sc->depth != 1)
		return;
	/* The name as written, quotes stripped; an escaped name is kept escaped. */
	n = to > from + 2 ? to - from - 2 : 0;
	if (n >= sizeof(sc->member))
		n = sizeof(sc->member) - 1;
	memcpy(sc->member, s + from + 1, n);
	sc->member[n] = '\0';
}

int hearth_json_check_bounds(const char *s, size_t len, const struct hearth_json_bounds *b,
			     struct hearth_problem *p)
{
	struct scan sc;
	size_t i = 0;

	memset(&sc, 0, sizeof(sc));
	sc.b = b;
	while (i < len) {
		char c = s[i];

		switch (c) {
		case ' ': case '\t': case '\n': case '\r': case ':':
			i++;
			break;
		case ',':
			sc.want_key = sc.depth > 0 && (sc.is_object >> (sc.depth - 1) & 1);
			i++;
			break;
		case '{': case '[':
			if (open_container(&sc, c, p) != 0)
				return -1;
			i++;
			break;
		case '}': case ']':
			close_container(&sc);
			i++;
			break;
		case '"': {
			size_t end = skip_string(s, len, i);
			if (sc.want_key)
				read_key(&sc, s, i, end);
			else if (count_value(&sc, p) != 0)
				return -1;
			i = end;
			break;
		}
		default:
			/* A number or a literal (or garbage Jansson will name). */
			if (count_value(&sc, p) != 0)
				return -1;
			while (i < len && !is_structural(s[i]))
				i++;
			break;
		}
	}
	return 0;
}

int hearth_json_parse_body_bounded(const char *body, size_t len, const struct hearth_json_bounds *b,
				   json_t **out, struct hearth_problem *p)
{
	*out = NULL;
	if (body && len > 0 && hearth_json_check_bounds(body, len, b, p) != 0)
		return -1;
	return hearth_json_parse_body(body, len, out, p);
}

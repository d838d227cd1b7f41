/*
 * json_input.h - strict JSON request bodies and a small declarative validator.
 *
 * Parsing rejects malformed JSON, duplicate keys, invalid UTF-8 and a top level
 * that is not an object. Validation checks a parsed object against a table of
 * field specs: unknown fields, wrong types, missing required fields, lengths,
 * ranges, enums, decimals, and the formats Hearth uses (uuid, date, month,
 * timestamp, email, UK postcode). Every failure is a field error on the problem
 * with the dotted path of the field ("address.postcode", "lots[1].code").
 *
 * Spec tables are static const arrays terminated by an entry whose name is NULL.
 */
#ifndef HEARTH_JSON_INPUT_H
#define HEARTH_JSON_INPUT_H

#include <stddef.h>
#include <jansson.h>
#include "hearth/problem.h"

enum hearth_jtype {
	HJ_STRING,    /* JSON string (min_len/max_len in characters, enum_values) */
	HJ_INT,       /* JSON integer (min/max) */
	HJ_NUMBER,    /* JSON integer or real (min/max, max_decimals) */
	HJ_BOOL,
	HJ_OBJECT,    /* nested object checked against `fields` */
	HJ_FREE_OBJECT, /* any JSON object, contents not checked (e.g. score inputs) */
	HJ_ARRAY,     /* array whose elements are checked against `items` (min/max_items, unique) */
	HJ_UUID,      /* string, canonical 8-4-4-4-12 hex */
	HJ_DATE,      /* string YYYY-MM-DD, a real calendar date */
	HJ_MONTH,     /* string YYYY-MM */
	HJ_TIMESTAMP, /* string RFC 3339 */
	HJ_EMAIL,     /* string with one @ and a dotted domain */
	HJ_POSTCODE,  /* string, UK postcode shape (e.g. "CF10 1AA", "SW1A 2AA") */
};

enum {
	HJ_REQUIRED = 1u << 0, /* must be present on create (ignored for merge patches) */
	HJ_NULLABLE = 1u << 1, /* JSON null accepted (on a patch, null clears the field) */
	HJ_READONLY = 1u << 2, /* server-computed: present in a body -> 400 */
	HJ_UNIQUE   = 1u << 3, /* array elements must be distinct */
	HJ_CREATE_ONLY = 1u << 4, /* set at creation, fixed after: in a merge patch -> 400 */
};

struct hearth_field_spec {
	const char *name;
	enum hearth_jtype type;
	unsigned flags;
	size_t min_len, max_len;            /* strings; max_len 0 = default 1000 */
	double min, max;                    /* numbers, used when has_range */
	int has_range;
	int max_decimals;                   /* HJ_NUMBER: -1 or 0.. ; 0 = not checked unless has_decimals */
	int has_decimals;
	const char *const *enum_values;     /* NULL-terminated; strings only */
	const struct hearth_field_spec *fields; /* HJ_OBJECT */
	const struct hearth_field_spec *items;  /* HJ_ARRAY: one spec, its name unused */
	size_t min_items, max_items;        /* HJ_ARRAY; max_items 0 = default 1000 */
};

enum hearth_validate_mode {
	HEARTH_VALIDATE_CREATE, /* required fields enforced */
	HEARTH_VALIDATE_PATCH,  /* a merge patch: required not enforced, null clears
	                         * (null on a non-nullable required field is an error) */
};

/* Parse a request body strictly. On success *out is a new reference to a JSON
 * object and 0 is returned. On failure -1, *out NULL, and `p` holds a 400
 * validation problem naming the field where one can be named (the duplicated key,
 * "body" otherwise) with the line/column in the message. */
int hearth_json_parse_body(const char *body, size_t len, json_t **out,
			   struct hearth_problem *p);

/* Bounds on a body checked on its text before anything is allocated for it
 * (Jansson needs about 80 bytes of heap per byte of `[{},{},...]`). Every
 * object, array, string, number and literal counts as a value; keys do not. */
#define HEARTH_JSON_MAX_DEPTH 64     /* the most max_depth may be */
#define HEARTH_JSON_DEFAULT_DEPTH 32
#define HEARTH_JSON_DEFAULT_VALUES 100000
struct hearth_json_bounds {
	int max_depth;              /* containers nested, the top level being 1 (1..64) */
	size_t max_values;
	const char *array_member;   /* a top-level member whose array length is bounded, or NULL */
	size_t max_array_items;     /* elements of that array */
};

/* Check `b` on the text. Returns 0 when no bound is crossed (the text may still
 * be malformed: parsing tells); otherwise -1 with a 400 on `p` naming the field:
 * the array member ("must hold at most N items"), the top-level member holding
 * a too-deep value (or "body"), or "body" for too many values. Allocates nothing. */
int hearth_json_check_bounds(const char *body, size_t len, const struct hearth_json_bounds *b,
			     struct hearth_problem *p);

/* hearth_json_check_bounds, then hearth_json_parse_body: the same results. */
int hearth_json_parse_body_bounded(const char *body, size_t len, const struct hearth_json_bounds *b,
				   json_t **out, struct hearth_problem *p);

/* Validate `obj` against `fields`. Returns 0 when valid; otherwise -1 with every
 * field error found (up to the problem's limit) recorded on `p` as a 400. */
int hearth_json_validate(const json_t *obj, const struct hearth_field_spec *fields,
			 enum hearth_validate_mode mode, struct hearth_problem *p);

/* Format checks, exposed for query parameters and handlers. 1 = valid. */
int hearth_is_uuid(const char *s);
int hearth_is_date(const char *s);      /* YYYY-MM-DD, real calendar date */
int hearth_is_month(const char *s);     /* YYYY-MM */
int hearth_is_timestamp(const char *s); /* RFC 3339 */
int hearth_is_uk_postcode(const char *s);
int hearth_is_email(const char *s);

#endif

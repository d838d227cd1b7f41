/*
 * fuzz_body.c - libFuzzer harness for request bodies and cursors.
 *
 * Arbitrary bytes go through the strict body parser; whatever parses is
 * validated against a nested spec in both modes, merged onto a fixed document,
 * rendered as CSV, and any problem recorded is rendered as JSON. The raw bytes
 * are also offered as a cursor and to the format checks, and to the bounds pre-scan,
 * which must never pass a body whose parse crosses a bound. Nothing may crash, leak, or yield a problem that
 * cannot be rendered; a cursor that verifies without the secret is a forgery.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/csv.h"
#include "hearth/cursor.h"
#include "hearth/json_input.h"
#include "hearth/merge_patch.h"
#include "hearth/problem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const statuses[] = { "active", "suspended", "closed", NULL };
static const char *const types[] = { "fostering_agency", "childrens_home", "other", NULL };

static const struct hearth_field_spec address[] = {
	{ .name = "line1", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 100 },
	{ .name = "town", .type = HJ_STRING, .flags = HJ_NULLABLE, .max_len = 60 },
	{ .name = "postcode", .type = HJ_POSTCODE, .flags = HJ_REQUIRED },
	{ .name = NULL },
};

static const struct hearth_field_spec lot[] = {
	{ .name = "code", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 10 },
	{ .name = "places", .type = HJ_INT, .has_range = 1, .min = 0, .max = 500 },
	{ .name = "start_date", .type = HJ_DATE },
	{ .name = NULL },
};

static const struct hearth_field_spec lot_item = { .name = "", .type = HJ_OBJECT,
						   .fields = lot };
static const struct hearth_field_spec type_item = { .name = "", .type = HJ_STRING,
						    .enum_values = types };

static const struct hearth_field_spec spec[] = {
	{ .name = "id", .type = HJ_UUID, .flags = HJ_READONLY },
	{ .name = "name", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1, .max_len = 200 },
	{ .name = "status", .type = HJ_STRING, .enum_values = statuses },
	{ .name = "places", .type = HJ_INT, .flags = HJ_NULLABLE, .has_range = 1, .min = 0,
	  .max = 1000 },
	{ .name = "score", .type = HJ_NUMBER, .has_range = 1, .min = 0, .max = 100,
	  .has_decimals = 1, .max_decimals = 1 },
	{ .name = "active", .type = HJ_BOOL },
	{ .name = "address", .type = HJ_OBJECT, .flags = HJ_REQUIRED, .fields = address },
	{ .name = "types", .type = HJ_ARRAY, .flags = HJ_UNIQUE, .items = &type_item,
	  .min_items = 1, .max_items = 6 },
	{ .name = "lots", .type = HJ_ARRAY, .items = &lot_item, .max_items = 50 },
	{ .name = "inputs", .type = HJ_FREE_OBJECT },
	{ .name = "opened_on", .type = HJ_DATE, .flags = HJ_NULLABLE },
	{ .name = "birth_month", .type = HJ_MONTH },
	{ .name = "at", .type = HJ_TIMESTAMP },
	{ .name = "email", .type = HJ_EMAIL },
	{ .name = "lead_org_id", .type = HJ_UUID },
	{ .name = NULL },
};

static const char *const columns[] = { "name", "address.postcode", "types", "lots", "score" };

static json_t *base_document(void)
{
	static json_t *doc;

	if (!doc)
		doc = json_loads("{\"name\":\"Ty Gwyn\",\"status\":\"active\",\"places\":4,"
				 "\"address\":{\"line1\":\"1 Heol\",\"postcode\":\"CF10 1AA\"},"
				 "\"types\":[\"childrens_home\"],\"lots\":[{\"code\":\"L1\"}]}",
				 0, NULL);
	return doc;
}

/* A recorded problem must always render: its text came from the client. */
static void render_problem(const struct hearth_problem *p)
{
	json_t *o;
	char *s;

	if (p->status == 0)
		return;
	o = hearth_problem_to_json(p, "/v1/providers", "fuzz");
	if (!o)
		abort();
	s = json_dumps(o, 0);
	if (!s)
		abort();
	free(s);
	json_decref(o);
}

static void exercise_body(const json_t *body)
{
	static const enum hearth_validate_mode modes[] = { HEARTH_VALIDATE_CREATE,
							   HEARTH_VALIDATE_PATCH };
	struct hearth_problem p;
	json_t *merged, *rows;
	size_t i, len;
	char *csv;

	for (i = 0; i < 2; i++) {
		hearth_problem_clear(&p);
		if (hearth_json_validate(body, spec, modes[i], &p) != 0 && p.n_errors == 0)
			abort();
		render_problem(&p);
	}
	merged = hearth_merge_patch(base_document(), body);
	if (!merged)
		abort();
	rows = json_pack("[O]", merged);
	csv = hearth_csv_render(rows, columns, sizeof(columns) / sizeof(columns[0]), 1 << 20,
				&len);
	free(csv);
	json_decref(rows);
	json_decref(merged);
}

/* Depth (the top level being 1) and value count of a parsed document, counted
 * as hearth_json_check_bounds counts them on the text. */
static void measure(const json_t *v, int depth, int *max_depth, size_t *values)
{
	const char *key;
	json_t *item;
	size_t i;

	(*values)++;
	if (json_is_object(v) || json_is_array(v)) {
		if (depth > *max_depth)
			*max_depth = depth;
	}
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, item)
			measure(item, depth + 1, max_depth, values);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			measure(item, depth + 1, max_depth, values);
	}
}

/* The pre-scan must never let through what the parse then shows crosses a
 * bound, and a refusal must name a field. */
static void exercise_bounds(const uint8_t *data, size_t size)
{
	static const struct hearth_json_bounds b = {
		.max_depth = 4, .max_values = 40, .array_member = "lots", .max_array_items = 3,
	};
	struct hearth_problem p;
	json_t *doc = NULL;
	int depth = 0;
	size_t values = 0;

	hearth_problem_clear(&p);
	if (hearth_json_check_bounds((const char *)data, size, &b, &p) != 0) {
		if (p.n_errors == 0)
			abort();
		return;
	}
	if (hearth_json_parse_body((const char *)data, size, &doc, &p) != 0)
		return;
	measure(doc, 1, &depth, &values);
	if (depth > b.max_depth || values > b.max_values ||
	    json_array_size(json_object_get(doc, "lots")) > b.max_array_items)
		abort();
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hearth_problem p;
	struct hearth_cursor c;
	json_t *body = NULL;
	char *text;

	exercise_bounds(data, size);
	hearth_problem_clear(&p);
	if (hearth_json_parse_body((const char *)data, size, &body, &p) == 0) {
		exercise_body(body);
		json_decref(body);
	} else {
		if (p.n_errors == 0 && p.status != 500)
			abort();
		render_problem(&p);
	}

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (hearth_cursor_decode("fuzz secret, not a real one", "providers|name", text, &c) == 0)
		abort();
	/* The format checks also serve query parameters, which arrive unparsed. */
	(void)(hearth_is_uuid(text) + hearth_is_date(text) + hearth_is_month(text) +
	       hearth_is_timestamp(text) + hearth_is_uk_postcode(text) + hearth_is_email(text));
	free(text);
	return 0;
}

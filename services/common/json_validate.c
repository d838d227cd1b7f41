/*
 * json_validate.c - checks a parsed JSON object against a table of field specs.
 *
 * Every error is collected (up to the problem's limit), each named by its dotted
 * path, so a client fixes a form in one round trip. In PATCH mode the body is a
 * merge patch: nested objects merge too, so they are checked in PATCH mode, but
 * arrays replace wholesale, so objects inside arrays must be complete.
 */
#include "hearth/json_input.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_LEN 1000
#define DEFAULT_MAX_ITEMS 1000
#define PATH_MAX_LEN sizeof(((struct hearth_field_error *)0)->field)

/* The problem drops errors past its limit, so failure is tracked separately. */
struct vctx {
	struct hearth_problem *p;
	int failed;
};

__attribute__((format(printf, 3, 4)))
static void fail(struct vctx *c, const char *path, const char *fmt, ...)
{
	char msg[sizeof(((struct hearth_field_error *)0)->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->failed = 1;
	hearth_problem_field(c->p, path, "%s", msg);
}

static void check_value(const json_t *v, const struct hearth_field_spec *spec,
			const char *path, enum hearth_validate_mode mode,
			struct vctx *c);
static void check_object(const json_t *obj, const struct hearth_field_spec *fields,
			 const char *prefix, enum hearth_validate_mode mode,
			 struct vctx *c);

/* "<prefix>.<name>", or name alone, cut to PATH_MAX_LEN - 1 bytes as snprintf
 * would cut it. Done for every field of every item of a batch, so copied
 * rather than formatted. */
static void join_path(char *out, const char *prefix, const char *name)
{
	size_t used = 0, n;

	if (prefix && prefix[0]) {
		n = strnlen(prefix, PATH_MAX_LEN - 1);
		memcpy(out, prefix, n);
		used = n;
		if (used < PATH_MAX_LEN - 1)
			out[used++] = '.';
	}
	n = strnlen(name, PATH_MAX_LEN - 1 - used);
	memcpy(out + used, name, n);
	out[used + n] = '\0';
}

/* Characters, not bytes: the parser has already guaranteed valid UTF-8. */
static size_t utf8_chars(const char *s, size_t bytes)
{
	size_t i, n = 0;

	for (i = 0; i < bytes; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static void check_enum(const char *s, const struct hearth_field_spec *spec,
		       const char *path, struct vctx *c)
{
	char list[160] = "";
	size_t used = 0, i;

	for (i = 0; spec->enum_values[i]; i++)
		if (strcmp(s, spec->enum_values[i]) == 0)
			return;
	for (i = 0; spec->enum_values[i] && used < sizeof(list); i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
				 spec->enum_values[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	fail(c, path, "must be one of: %s", list);
}

/* Returns 0 when the string may go on to its format check. */
static int check_string(const json_t *v, const struct hearth_field_spec *spec,
			const char *path, struct vctx *c)
{
	size_t max = spec->max_len ? spec->max_len : DEFAULT_MAX_LEN;
	size_t chars = utf8_chars(json_string_value(v), json_string_length(v));

	if (strlen(json_string_value(v)) != json_string_length(v)) {
		fail(c, path, "must not contain NUL characters");
		return -1;
	}
	if (chars < spec->min_len) {
		fail(c, path, "must be at least %zu characters", spec->min_len);
		return -1;
	}
	if (chars > max) {
		fail(c, path, "must be at most %zu characters", max);
		return -1;
	}
	if (spec->type == HJ_STRING && spec->enum_values)
		check_enum(json_string_value(v), spec, path, c);
	return 0;
}

static void check_format(const char *s, enum hearth_jtype type, const char *path,
			 struct vctx *c)
{
	switch (type) {
	case HJ_UUID:
		if (!hearth_is_uuid(s))
			fail(c, path, "must be a UUID");
		break;
	case HJ_DATE:
		if (!hearth_is_date(s))
			fail(c, path, "must be a date (YYYY-MM-DD)");
		break;
	case HJ_MONTH:
		if (!hearth_is_month(s))
			fail(c, path, "must be a month (YYYY-MM)");
		break;
	case HJ_TIMESTAMP:
		if (!hearth_is_timestamp(s))
			fail(c, path, "must be an RFC 3339 timestamp");
		break;
	case HJ_EMAIL:
		if (!hearth_is_email(s))
			fail(c, path, "must be an email address");
		break;
	case HJ_POSTCODE:
		if (!hearth_is_uk_postcode(s))
			fail(c, path, "must be a UK postcode");
		break;
	default:
		break;
	}
}

/* At most `d` decimal places, decided exactly: rounding to d places must give
 * back the very same double the client's literal parsed to. 72.5 survives
 * "%.1f"; 72.55 does not, and no tolerance has to be guessed. */
static int decimals_ok(double v, int d)
{
	char buf[400]; /* room for the longest "%.17f" of a double (~330) */

	if (d < 0)
		return 1;
	snprintf(buf, sizeof(buf), "%.*f", d > 17 ? 17 : d, v);
	return strtod(buf, NULL) == v;
}

static void check_number(const json_t *v, const struct hearth_field_spec *spec,
			 const char *path, struct vctx *c)
{
	double d = json_number_value(v);

	if (spec->has_range) {
		if (d < spec->min || d > spec->max) {
			fail(c, path, "must be between %.15g and %.15g",
					     spec->min, spec->max);
			return;
		}
	}
	if (spec->type == HJ_NUMBER && spec->has_decimals && json_is_real(v) &&
	    !decimals_ok(d, spec->max_decimals)) {
		if (spec->max_decimals == 0)
			fail(c, path, "must be a whole number");
		else
			fail(c, path, "must have at most %d decimal place%s",
					     spec->max_decimals,
					     spec->max_decimals == 1 ? "" : "s");
	}
}

static void check_array(const json_t *v, const struct hearth_field_spec *spec,
			const char *path, struct vctx *c)
{
	size_t n = json_array_size(v);
	size_t max = spec->max_items ? spec->max_items : DEFAULT_MAX_ITEMS;
	size_t i, j;
	char ipath[PATH_MAX_LEN];

	if (n < spec->min_items) {
		fail(c, path, "must have at least %zu item%s", spec->min_items,
				     spec->min_items == 1 ? "" : "s");
		return;
	}
	if (n > max) {
		/* Stop here: checking a huge array would only burn time. */
		fail(c, path, "must have at most %zu item%s", max,
				     max == 1 ? "" : "s");
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (spec->items)
			check_value(json_array_get(v, i), spec->items, ipath,
				    HEARTH_VALIDATE_CREATE, c);
		if (!(spec->flags & HJ_UNIQUE))
			continue;
		for (j = 0; j < i; j++) {
			if (json_equal(json_array_get(v, i), json_array_get(v, j))) {
				fail(c, ipath, "duplicates item %zu", j);
				break;
			}
		}
	}
}

static const char *type_message(enum hearth_jtype t)
{
	switch (t) {
	case HJ_INT:
		return "must be an integer";
	case HJ_NUMBER:
		return "must be a number";
	case HJ_BOOL:
		return "must be a boolean";
	case HJ_OBJECT:
	case HJ_FREE_OBJECT:
		return "must be an object";
	case HJ_ARRAY:
		return "must be an array";
	default:
		return "must be a string";
	}
}

static int type_ok(const json_t *v, enum hearth_jtype t)
{
	switch (t) {
	case HJ_INT:
		return json_is_integer(v);
	case HJ_NUMBER:
		return json_is_number(v);
	case HJ_BOOL:
		return json_is_boolean(v);
	case HJ_OBJECT:
	case HJ_FREE_OBJECT:
		return json_is_object(v);
	case HJ_ARRAY:
		return json_is_array(v);
	default:
		return json_is_string(v);
	}
}

static void check_value(const json_t *v, const struct hearth_field_spec *spec,
			const char *path, enum hearth_validate_mode mode,
			struct vctx *c)
{
	if (json_is_null(v)) {
		if (!(spec->flags & HJ_NULLABLE))
			fail(c, path, "must not be null");
		return;
	}
	if (!type_ok(v, spec->type)) {
		fail(c, path, "%s", type_message(spec->type));
		return;
	}
	switch (spec->type) {
	case HJ_STRING:
	case HJ_UUID:
	case HJ_DATE:
	case HJ_MONTH:
	case HJ_TIMESTAMP:
	case HJ_EMAIL:
	case HJ_POSTCODE:
		if (check_string(v, spec, path, c) == 0)
			check_format(json_string_value(v), spec->type, path, c);
		break;
	case HJ_INT:
	case HJ_NUMBER:
		check_number(v, spec, path, c);
		break;
	case HJ_OBJECT:
		if (spec->fields)
			check_object(v, spec->fields, path, mode, c);
		break;
	case HJ_ARRAY:
		check_array(v, spec, path, c);
		break;
	default:
		break;
	}
}

static const struct hearth_field_spec *find_spec(const struct hearth_field_spec *fields,
						 const char *name)
{
	for (; fields->name; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

static void check_object(const json_t *obj, const struct hearth_field_spec *fields,
			 const char *prefix, enum hearth_validate_mode mode,
			 struct vctx *c)
{
	const struct hearth_field_spec *f;
	char path[PATH_MAX_LEN];
	const char *key;
	json_t *v;

	/* Jansson's iteration macro wants a mutable object; nothing is modified. */
	json_object_foreach((json_t *)obj, key, v) {
		join_path(path, prefix, key);
		f = find_spec(fields, key);
		if (!f)
			fail(c, path, "unknown field");
		else if (f->flags & HJ_READONLY)
			fail(c, path, "is read-only");
		else if ((f->flags & HJ_CREATE_ONLY) && mode == HEARTH_VALIDATE_PATCH)
			fail(c, path, "cannot be changed after creation");
		else
			check_value(v, f, path, mode, c);
	}
	if (mode == HEARTH_VALIDATE_PATCH)
		return;
	for (f = fields; f->name; f++) {
		if ((f->flags & HJ_REQUIRED) && !json_object_get(obj, f->name)) {
			join_path(path, prefix, f->name);
			fail(c, path, "is required");
		}
	}
}

int hearth_json_validate(const json_t *obj, const struct hearth_field_spec *fields,
			 enum hearth_validate_mode mode, struct hearth_problem *p)
{
	struct vctx c = { p, 0 };

	if (!json_is_object(obj)) {
		fail(&c, "body", "must be a JSON object");
		return -1;
	}
	check_object(obj, fields, "", mode, &c);
	return c.failed ? -1 : 0;
}

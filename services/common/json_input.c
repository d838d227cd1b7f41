/*
 * json_input.c - strict parsing of JSON request bodies.
 *
 * Jansson does the parsing; this file turns its errors into field errors a client
 * can act on. Jansson's own text is never shown to the client: it is only mined
 * for the duplicated key, and the message is written here.
 */
#include "hearth/json_input.h"

#include <stdio.h>
#include <string.h>

/* Jansson reports a duplicate as "duplicate object key near '<token>'" where
 * the token is the key as written, quotes and escapes included. Decoding that
 * token as a JSON string gives the key back. Returns 0 on success. */
static int duplicate_key(const json_error_t *err, char *key, size_t size)
{
	const char *start = strstr(err->text, "near '");
	const char *end;
	json_t *tok;
	int rc = -1;

	if (!start)
		return -1;
	start += strlen("near '");
	end = strrchr(start, '\'');
	if (!end || end == start)
		return -1;
	tok = json_loadb(start, (size_t)(end - start), JSON_DECODE_ANY, NULL);
	if (json_is_string(tok) && json_string_length(tok) > 0 &&
	    strlen(json_string_value(tok)) == json_string_length(tok)) {
		snprintf(key, size, "%s", json_string_value(tok));
		rc = 0;
	}
	json_decref(tok);
	return rc;
}

static void syntax_error(const json_error_t *err, struct hearth_problem *p)
{
	const char *what;

	switch (json_error_code(err)) {
	case json_error_invalid_utf8:
		what = "is not valid UTF-8";
		break;
	case json_error_premature_end_of_input:
		what = "ends before the JSON is complete";
		break;
	case json_error_end_of_input_expected:
		what = "has content after the JSON object";
		break;
	case json_error_null_character:
	case json_error_null_byte_in_key:
		what = "contains a NUL character";
		break;
	case json_error_numeric_overflow:
		what = "contains a number out of range";
		break;
	case json_error_stack_overflow:
		what = "is nested too deeply";
		break;
	default:
		what = "is not valid JSON";
		break;
	}
	hearth_problem_field(p, "body", "%s (line %d, column %d)", what, err->line,
			     err->column);
}

int hearth_json_parse_body(const char *body, size_t len, json_t **out,
			   struct hearth_problem *p)
{
	json_error_t err;
	json_t *root;
	char key[sizeof(p->errors[0].field)];

	*out = NULL;
	if (!body || len == 0) {
		hearth_problem_field(p, "body", "a JSON object is required");
		return -1;
	}
	/* JSON_DISABLE_EOF_CHECK stays off, so trailing bytes are an error, and
	 * without JSON_ALLOW_NUL a \u0000 in a string is refused. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (json_error_code(&err) == json_error_duplicate_key) {
			/* An empty or overlong key cannot be named usefully. */
			if (duplicate_key(&err, key, sizeof(key)) != 0)
				snprintf(key, sizeof(key), "body");
			hearth_problem_field(p, key, "duplicate key (line %d, column %d)",
					     err.line, err.column);
		} else if (json_error_code(&err) == json_error_out_of_memory)
			hearth_problem_set(p, 500, "internal", "Out of memory.");
		else
			syntax_error(&err, p);
		return -1;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		hearth_problem_field(p, "body", "must be a JSON object");
		return -1;
	}
	*out = root;
	return 0;
}

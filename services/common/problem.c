/*
 * problem.c - RFC 9457 problem details: recording errors and rendering them once.
 *
 * Everything recorded here may end up in a response body, so text is copied with
 * truncation on a UTF-8 character boundary and invalid bytes replaced: a field name
 * taken from a client's JSON key must never make the rendering fail.
 */
#include "hearth/problem.h"
#include "hearth/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *slug;
	const char *title;
} titles[] = {
	{ "validation", "Your request is not valid" },
	{ "unauthorized", "Authentication is required" },
	{ "forbidden", "You are not allowed to do this" },
	{ "not-found", "Not found" },
	{ "conflict", "Conflict with the current state" },
	{ "precondition-failed", "The resource has changed" },
	{ "payload-too-large", "Request body too large" },
	{ "unsupported-media-type", "Unsupported media type" },
	{ "method-not-allowed", "Method not allowed" },
	{ "idempotency-key-reused", "Idempotency key reused with a different request" },
	{ "placement-stop-in-force", "A placement stop is in force" },
	{ "unavailable", "Service unavailable" },
	{ "internal", "Internal error" },
	{ "rate-limited", "Too many requests" },
	{ "too-many-requests", "Too many requests" },
};

/* Length of the valid UTF-8 sequence starting at s (at most `avail` bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* Copy NUL-terminated `src` into dst[size]: whole characters only, invalid bytes
 * become '?'. */
static void copy_text(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	size_t avail = strlen((const char *)s);
	size_t o = 0;

	while (*s && o + 1 < size) {
		size_t n = utf8_seq_len(s, avail);

		if (n == 0) {
			dst[o++] = '?';
			s++;
			avail--;
			continue;
		}
		if (o + n >= size)
			break;
		memcpy(dst + o, s, n);
		o += n;
		s += n;
		avail -= n;
	}
	dst[o] = '\0';
}

static void vformat_text(char *dst, size_t size, const char *fmt, va_list ap)
{
	char tmp[512];

	if (!fmt) {
		dst[0] = '\0';
		return;
	}
	/* Truncation is intended: messages are bounded by design. */
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	copy_text(dst, size, tmp);
}

void hearth_problem_clear(struct hearth_problem *p)
{
	memset(p, 0, sizeof(*p));
}

void hearth_problem_set(struct hearth_problem *p, int status, const char *type,
			const char *detail_fmt, ...)
{
	va_list ap;

	p->status = status;
	p->type = type;
	va_start(ap, detail_fmt);
	vformat_text(p->detail, sizeof(p->detail), detail_fmt, ap);
	va_end(ap);
}

void hearth_problem_add_error(struct hearth_problem *p, const char *field,
			      const char *message)
{
	struct hearth_field_error *e;

	if (p->n_errors >= HEARTH_PROBLEM_MAX_ERRORS)
		return;
	e = &p->errors[p->n_errors++];
	copy_text(e->field, sizeof(e->field), field);
	copy_text(e->message, sizeof(e->message), message);
}

void hearth_problem_field(struct hearth_problem *p, const char *field,
			  const char *message_fmt, ...)
{
	char msg[sizeof(p->errors[0].message)];
	va_list ap;

	if (p->status == 0)
		hearth_problem_set(p, 400, "validation",
				   "One or more fields are not valid.");
	va_start(ap, message_fmt);
	vformat_text(msg, sizeof(msg), message_fmt, ap);
	va_end(ap);
	hearth_problem_add_error(p, field, msg);
}

const char *hearth_problem_title(const char *type)
{
	size_t i;

	if (!type)
		return "Error";
	for (i = 0; i < HEARTH_ARRAY_SIZE(titles); i++)
		if (strcmp(titles[i].slug, type) == 0)
			return titles[i].title;
	return "Error";
}

static int set_str(json_t *obj, const char *key, const char *val)
{
	char clean[512];

	/* Sanitise again: instance and request_id come straight from the request. */
	copy_text(clean, sizeof(clean), val);
	return json_object_set_new(obj, key, json_string(clean));
}

json_t *hearth_problem_to_json(const struct hearth_problem *p, const char *instance,
			       const char *request_id)
{
	const char *slug = p->type ? p->type : "internal";
	char type_uri[96];
	json_t *obj = json_object(), *errs = NULL;
	size_t i;
	int rc = 0;

	if (!obj)
		return NULL;
	snprintf(type_uri, sizeof(type_uri), "/problems/%s", slug);
	rc |= set_str(obj, "type", type_uri);
	rc |= set_str(obj, "title", hearth_problem_title(slug));
	rc |= json_object_set_new(obj, "status", json_integer(p->status ? p->status : 500));
	rc |= set_str(obj, "detail", p->detail[0] ? p->detail : hearth_problem_title(slug));
	if (instance)
		rc |= set_str(obj, "instance", instance);
	if (request_id)
		rc |= set_str(obj, "request_id", request_id);
	if (p->n_errors > 0) {
		errs = json_array();
		rc |= json_object_set_new(obj, "errors", errs);
		for (i = 0; errs && i < p->n_errors && i < HEARTH_PROBLEM_MAX_ERRORS; i++)
			rc |= json_array_append_new(errs,
				json_pack("{s:s, s:s}", "field", p->errors[i].field,
					  "message", p->errors[i].message));
	}
	if (rc != 0 || (p->n_errors > 0 && !errs)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/*
 * json_write.c - JSON values appended to a capped buffer (json_write.h).
 *
 * A string is written in runs: the bytes that need no escape are copied in
 * one append, so a long plain text costs one copy. When an append fails at
 * the cap, the buffer is rolled back to where the value began, so no half
 * value is ever left in it.
 */
#include "hearth/json_write.h"

#include <stdio.h>
#include <string.h>

static int needs_escape(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20;
}

static int add_escape(struct hearth_buf *b, unsigned char c)
{
	char esc[8];

	switch (c) {
	case '"':
		return hearth_buf_add(b, "\\\"", 2);
	case '\\':
		return hearth_buf_add(b, "\\\\", 2);
	case '\n':
		return hearth_buf_add(b, "\\n", 2);
	case '\r':
		return hearth_buf_add(b, "\\r", 2);
	case '\t':
		return hearth_buf_add(b, "\\t", 2);
	default:
		snprintf(esc, sizeof(esc), "\\u%04x", c);
		return hearth_buf_add(b, esc, 6);
	}
}

int hearth_json_add_string(struct hearth_buf *b, const char *s)
{
	size_t start = b->len;
	int rc = 0;

	if (!s)
		return hearth_buf_add(b, "null", 4);
	rc |= hearth_buf_add(b, "\"", 1);
	for (const char *p = s; *p && rc == 0;) {
		size_t run = 0;

		while (p[run] && !needs_escape((unsigned char)p[run]))
			run++;
		if (run)
			rc |= hearth_buf_add(b, p, run);
		p += run;
		if (*p && rc == 0) {
			rc |= add_escape(b, (unsigned char)*p);
			p++;
		}
	}
	rc |= hearth_buf_add(b, "\"", 1);
	if (rc != 0 && b->data) {
		/* Roll back to where the value began: the buffer as it was. */
		b->len = start;
		b->data[start] = '\0';
	}
	return rc ? -1 : 0;
}

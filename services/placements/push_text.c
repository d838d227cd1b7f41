/*
 * push_text.c - the JSON text of a batch push, read and written without
 * building Jansson trees (placements_service.h).
 *
 * A chunk goes to the database as the client's own text of each item. That
 * is the item the database would get from serialising the parsed value
 * again: the body was parsed whole (Jansson refuses duplicate keys and
 * invalid text), and each item sent was validated as it stands (the
 * validator changes nothing and refuses unknown, read-only and mistyped
 * fields), so the two texts differ at most in spacing and escapes, which the
 * database reads alike.
 */
#include <stdio.h>
#include <string.h>

#include "placements_service.h"

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Index just past the string whose opening quote is at s[i], or len. */
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

/* Index just past the value starting at s[i], or len when it does not end
 * before the text does (a value of the items array always does). */
static size_t skip_value(const char *s, size_t len, size_t i)
{
	size_t depth = 0;

	if (i < len && s[i] == '"')
		return skip_string(s, len, i);
	if (i < len && s[i] != '{' && s[i] != '[') {
		while (i < len && !strchr(",]} \t\r\n", s[i]))
			i++;
		return i;
	}
	while (i < len) {
		if (s[i] == '"') {
			i = skip_string(s, len, i);
			continue;
		}
		if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			return i + 1;
		i++;
	}
	return len;
}

/* The index just past character c at the next non-space position, or 0
 * when c is not there (no position past a character is 0). */
static size_t expect(const char *s, size_t len, size_t i, char c)
{
	i = skip_ws(s, len, i);
	return i < len && s[i] == c ? i + 1 : 0;
}

/* The elements of the one member's array into out (at most cap), their count
 * into *n; the member's name, quotes included, into *key. 0, or -1 when the
 * text does not read so. */
static int find_items(const char *body, size_t len, struct push_slice *out, size_t cap,
		      size_t *n, struct push_slice *key)
{
	size_t i, k = 0;

	/* {"<the one key>": [ */
	i = expect(body, len, 0, '{');
	i = i ? skip_ws(body, len, i) : len;
	if (i >= len || body[i] != '"')
		return -1;
	key->off = i;
	key->len = skip_string(body, len, i) - i;
	i = expect(body, len, skip_string(body, len, i), ':');
	i = i ? expect(body, len, i, '[') : 0;
	if (!i)
		return -1;
	/* the elements, then ] */
	i = skip_ws(body, len, i);
	if (i < len && body[i] == ']')
		i++;
	else {
		for (;;) {
			size_t end = skip_value(body, len, i);

			if (end >= len || k == cap)
				return -1;
			out[k].off = i;
			out[k].len = end - i;
			k++;
			i = skip_ws(body, len, end);
			if (i < len && body[i] == ',') {
				i = skip_ws(body, len, i + 1);
				continue;
			}
			if (i >= len || body[i] != ']')
				return -1;
			i++;
			break;
		}
	}
	/* } and nothing after it */
	i = expect(body, len, i, '}');
	*n = k;
	return i && skip_ws(body, len, i) == len ? 0 : -1;
}

int push_slices_find(const char *body, size_t len, struct push_slice *out, size_t n)
{
	struct push_slice key;
	size_t found;

	return find_items(body, len, out, n, &found, &key) == 0 && found == n ? 0 : -1;
}

long push_items_find(const char *body, size_t len, struct push_slice *out, size_t cap)
{
	static const char items_key[] = "\"items\"";
	struct push_slice key;
	size_t found;

	if (!body || find_items(body, len, out, cap, &found, &key) != 0 ||
	    key.len != sizeof(items_key) - 1 || memcmp(body + key.off, items_key, key.len) != 0)
		return -1;
	return (long)found;
}

int push_json_string(struct hearth_buf *b, const char *s)
{
	const char *run = s;
	int rc = hearth_buf_add(b, "\"", 1);

	/* As Jansson writes a string: the two quotes, the backslash and the
	 * control characters escaped, everything else (UTF-8 included) as is. */
	for (; rc == 0 && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': snprintf(esc, sizeof(esc), "\\\""); break;
		case '\\': snprintf(esc, sizeof(esc), "\\\\"); break;
		case '\b': snprintf(esc, sizeof(esc), "\\b"); break;
		case '\f': snprintf(esc, sizeof(esc), "\\f"); break;
		case '\n': snprintf(esc, sizeof(esc), "\\n"); break;
		case '\r': snprintf(esc, sizeof(esc), "\\r"); break;
		case '\t': snprintf(esc, sizeof(esc), "\\t"); break;
		default: snprintf(esc, sizeof(esc), "\\u%04X", c); break;
		}
		rc = hearth_buf_add(b, run, (size_t)(s - run));
		if (rc == 0)
			rc = hearth_buf_addstr(b, esc);
		run = s + 1;
	}
	if (rc == 0)
		rc = hearth_buf_add(b, run, (size_t)(s - run));
	return rc == 0 ? hearth_buf_add(b, "\"", 1) : -1;
}

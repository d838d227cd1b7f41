/*
 * etag.c - ETags on the integer `version` and If-Match parsing.
 *
 * Tags are the decimal version in quotes. If-Match takes "*" or a list of tags.
 * RFC 9110 compares If-Match strongly, so W/"3" should never match; it is
 * accepted here as "3" on purpose, because gateways that compress responses
 * (nginx's gzip filter among them) weaken a strong ETag on the way out, and a
 * client that echoes what it received must still be able to update. The version
 * is a number the server controls, so a weak tag says nothing less about it.
 */
#include "hearth/etag.h"

#include <limits.h>
#include <stdio.h>

int hearth_etag_format(long long version, char *buf, size_t len)
{
	int n = snprintf(buf, len, "\"%lld\"", version);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static const char *skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* One tag "<digits>" or W/"<digits>" at s; returns the end, or NULL if malformed.
 * Leading zeros and signs are refused: no tag of ours is written that way. */
static const char *parse_tag(const char *s, long long *out)
{
	long long v = 0;
	const char *d;

	if (s[0] == 'W' && s[1] == '/')
		s += 2;
	if (*s != '"')
		return NULL;
	d = ++s;
	if (*d == '0' && d[1] != '"')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (LLONG_MAX - (*s - '0')) / 10)
			return NULL;
		v = v * 10 + (*s - '0');
	}
	if (s == d || *s != '"')
		return NULL;
	*out = v;
	return s + 1;
}

enum hearth_if_match hearth_if_match_parse(const char *header, long long *versions,
					   size_t max, size_t *n)
{
	const char *s;
	long long v;
	size_t count = 0;

	if (n)
		*n = 0;
	if (!header)
		return HEARTH_IF_MATCH_ABSENT;
	s = skip_ows(header);
	if (*s == '*' && *skip_ows(s + 1) == '\0')
		return HEARTH_IF_MATCH_ANY;
	/* RFC 9110 list syntax: empty elements between commas are allowed. */
	while (*s) {
		if (*s == ',') {
			s = skip_ows(s + 1);
			continue;
		}
		s = parse_tag(s, &v);
		/* A list longer than `max` is refused rather than cut short, so a
		 * matching tag is never silently ignored. */
		if (!s || !versions || count >= max)
			return HEARTH_IF_MATCH_INVALID;
		versions[count++] = v;
		s = skip_ows(s);
		if (*s && *s != ',')
			return HEARTH_IF_MATCH_INVALID;
	}
	if (count == 0)
		return HEARTH_IF_MATCH_INVALID;
	if (n)
		*n = count;
	return HEARTH_IF_MATCH_VERSION;
}

int hearth_if_match_ok(enum hearth_if_match kind, const long long *versions, size_t n,
		       long long current)
{
	size_t i;

	switch (kind) {
	case HEARTH_IF_MATCH_ABSENT:
	case HEARTH_IF_MATCH_ANY:
		return 1;
	case HEARTH_IF_MATCH_VERSION:
		for (i = 0; i < n; i++)
			if (versions[i] == current)
				return 1;
		return 0;
	default:
		return 0;
	}
}

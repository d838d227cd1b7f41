/*
 * etag.h - ETag / If-Match on the integer `version` every object carries.
 */
#ifndef HEARTH_ETAG_H
#define HEARTH_ETAG_H

#include <stddef.h>

enum hearth_if_match {
	HEARTH_IF_MATCH_ABSENT,  /* no header: the update is unconditional */
	HEARTH_IF_MATCH_ANY,     /* "*" */
	HEARTH_IF_MATCH_VERSION, /* one entity tag "<n>" (or W/"<n>"), stored in *version */
	HEARTH_IF_MATCH_INVALID, /* anything else: 400 naming "If-Match" */
};

/* Format `"<version>"` into buf. Returns 0, or -1 if buf is too small. */
int hearth_etag_format(long long version, char *buf, size_t len);

/* Parse an If-Match header (NULL = absent). A list of tags matches when any
 * tag matches; *versions receives up to `max` of them and *n their count. */
enum hearth_if_match hearth_if_match_parse(const char *header, long long *versions,
					   size_t max, size_t *n);

/* 1 when `current` satisfies the parsed header. */
int hearth_if_match_ok(enum hearth_if_match kind, const long long *versions, size_t n,
		       long long current);

#endif

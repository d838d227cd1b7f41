/*
 * json_write.h - JSON values written straight into a capped buffer, for
 * answers made from database rows without building a json_t tree first.
 *
 * Each call appends one complete value or fails leaving the buffer as it
 * was (the buffer's own contract): a caller checks the OR of its calls once.
 * Strings are copied as UTF-8 (what PostgreSQL hands out in a UTF8 database),
 * with `"`, `\` and the control characters below 0x20 escaped as RFC 8259
 * requires.
 */
#ifndef HEARTH_JSON_WRITE_H
#define HEARTH_JSON_WRITE_H

#include "hearth/buf.h"

/* `s` as a JSON string, or null when `s` is NULL. 0, or -1 at the cap. */
__attribute__((warn_unused_result))
int hearth_json_add_string(struct hearth_buf *b, const char *s);

#endif

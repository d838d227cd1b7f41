/*
 * merge_patch.h - JSON Merge Patch (RFC 7396).
 */
#ifndef HEARTH_MERGE_PATCH_H
#define HEARTH_MERGE_PATCH_H

#include <jansson.h>

/* Apply `patch` to `target` and return the result as a new reference; neither
 * argument is modified. A non-object patch replaces the target; null members
 * remove keys; nested objects merge recursively. Returns NULL only when memory
 * runs out. */
json_t *hearth_merge_patch(const json_t *target, const json_t *patch);

#endif

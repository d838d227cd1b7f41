/*
 * merge_patch.c - JSON Merge Patch (RFC 7396, section 2), without touching
 * either input: the result is built from copies.
 */
#include "hearth/merge_patch.h"

json_t *hearth_merge_patch(const json_t *target, const json_t *patch)
{
	json_t *result, *value, *merged;
	const char *key;

	if (!json_is_object(patch))
		return json_deep_copy(patch);
	result = json_is_object(target) ? json_deep_copy(target) : json_object();
	if (!result)
		return NULL;
	/* Jansson's iteration macro wants a mutable object; the patch is only read. */
	json_object_foreach((json_t *)patch, key, value) {
		if (json_is_null(value)) {
			json_object_del(result, key);
			continue;
		}
		merged = hearth_merge_patch(json_object_get(result, key), value);
		if (!merged || json_object_set_new(result, key, merged) != 0) {
			json_decref(result);
			return NULL;
		}
	}
	return result;
}

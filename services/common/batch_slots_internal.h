/*
 * batch_slots_internal.h - private to the runtime: how many large-body (batch) requests
 * run at once, per tenant and in the whole process.
 *
 * A batch holds its raw body and, once parsed, a multiple of it, for as long as
 * its transaction runs; a slot is claimed once the token is verified and before
 * any of the body is read, and given back when the request ends, so memory in
 * use for batches stays at (process cap) x (largest batch). Thread-safe.
 */
#ifndef HEARTH_BATCH_SLOTS_INTERNAL_H
#define HEARTH_BATCH_SLOTS_INTERNAL_H

enum hearth_slot_claim {
	HEARTH_SLOT_OK,
	HEARTH_SLOT_TENANT_BUSY,  /* this tenant runs its limit already: 429 */
	HEARTH_SLOT_PROCESS_BUSY, /* the process runs its limit already: 503 */
};

struct hearth_batch_slots;

/* NULL when out of memory. `per_tenant` <= `per_process`, both >= 1. */
struct hearth_batch_slots *hearth_batch_slots_new(int per_tenant, int per_process);
/* NULL is a no-op. */
void hearth_batch_slots_free(struct hearth_batch_slots *s);

/* Claim one slot for `tenant` (a tenant id, copied). */
enum hearth_slot_claim hearth_batch_slot_claim(struct hearth_batch_slots *s, const char *tenant);
/* Give back a slot claimed for `tenant`. */
void hearth_batch_slot_release(struct hearth_batch_slots *s, const char *tenant);

#endif

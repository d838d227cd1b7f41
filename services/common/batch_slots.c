/*
 * batch_slots.c - a mutex and a table of (tenant, count) with one row per
 * running batch at most: the process cap is small (a handful), so a linear
 * search is cheaper than any map.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_slots_internal.h"

#define TENANT_ID_MAX 37

struct tenant_count {
	char tenant[TENANT_ID_MAX];
	int count; /* 0 = free row */
};

struct hearth_batch_slots {
	pthread_mutex_t lock;
	int per_tenant, per_process, running;
	struct tenant_count *rows; /* per_process rows */
};

struct hearth_batch_slots *hearth_batch_slots_new(int per_tenant, int per_process)
{
	struct hearth_batch_slots *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->rows = calloc((size_t)per_process, sizeof(*s->rows));
	if (!s->rows) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->per_tenant = per_tenant;
	s->per_process = per_process;
	return s;
}

void hearth_batch_slots_free(struct hearth_batch_slots *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->rows);
	free(s);
}

static struct tenant_count *row_of(struct hearth_batch_slots *s, const char *tenant)
{
	for (int i = 0; i < s->per_process; i++)
		if (s->rows[i].count > 0 && strcmp(s->rows[i].tenant, tenant) == 0)
			return &s->rows[i];
	return NULL;
}

enum hearth_slot_claim hearth_batch_slot_claim(struct hearth_batch_slots *s, const char *tenant)
{
	enum hearth_slot_claim rc = HEARTH_SLOT_OK;
	struct tenant_count *row;

	pthread_mutex_lock(&s->lock);
	row = row_of(s, tenant);
	if (row && row->count >= s->per_tenant) {
		rc = HEARTH_SLOT_TENANT_BUSY;
		goto out;
	}
	if (s->running >= s->per_process) {
		rc = HEARTH_SLOT_PROCESS_BUSY;
		goto out;
	}
	/* Fewer batches run than there are rows, so a free row exists. */
	for (int i = 0; !row && i < s->per_process; i++)
		if (s->rows[i].count == 0) {
			row = &s->rows[i];
			snprintf(row->tenant, sizeof(row->tenant), "%s", tenant);
		}
	row->count++;
	s->running++;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void hearth_batch_slot_release(struct hearth_batch_slots *s, const char *tenant)
{
	struct tenant_count *row;

	pthread_mutex_lock(&s->lock);
	row = row_of(s, tenant);
	if (row) {
		row->count--;
		s->running--;
	}
	pthread_mutex_unlock(&s->lock);
}

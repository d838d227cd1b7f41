/*
 * ofsted_import.h - the parts of `hearthctl import ofsted-providers`
 * (admin.h): reading the file, writing one row, and the summary.
 *
 * How a file is imported:
 *  1. The whole file is read (at most OFSTED_FILE_MAX bytes) and every row is
 *     checked before anything is written. A file that is not CSV, lacks a
 *     required column or has too many rows is refused whole.
 *  2. Each good row whose URN names an Ofsted setting of the tenant is then
 *     written in a transaction of its own, as the services write: inside
 *     hearth.begin_request() for the tenant and an organisation of it, the
 *     setting's registration status and places as the role hearth_providers
 *     (row-level security, audit row, providers.setting.updated and the status
 *     event), then a new inspection as the role hearth_qa (the QA vocabulary,
 *     the derived risk band, audit row, qa.inspection.recorded). A failure
 *     anywhere in the row rolls the whole row back and reports it as a bad row:
 *     no row is ever half written. Rows already written stay written.
 *  3. Nothing is created for a URN the tenant has no setting for: it is listed.
 *
 * Importing is idempotent: a setting already as the file says is not touched
 * (no audit row, no event), and an inspection of the same setting, type and
 * day is not recorded again (one recorded with other judgements is listed,
 * and left as it is).
 */
#ifndef HEARTH_ADMIN_OFSTED_IMPORT_H
#define HEARTH_ADMIN_OFSTED_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "hearth/db.h"
#include "ofsted_file.h"

#define OFSTED_FILE_MAX (64u * 1024 * 1024)
#define OFSTED_RECORD_MAX (64u * 1024)
#define OFSTED_FIELDS_MAX 1024u
#define OFSTED_ROWS_MAX 200000u
#define OFSTED_REASON_MAX 512

struct ofsted_bad_row {
	unsigned long line;
	char urn[OFSTED_URN_MAX + 1];   /* "" when the row has none */
	char reason[OFSTED_REASON_MAX];
};

struct ofsted_unknown {
	unsigned long line;
	char urn[OFSTED_URN_MAX + 1];
};

struct ofsted_setting_change {
	unsigned long line;
	char urn[OFSTED_URN_MAX + 1];
	char setting_id[37];
	const char *status;
	int places;                     /* -1: not known */
};

struct ofsted_inspection_note {
	unsigned long line;
	char urn[OFSTED_URN_MAX + 1];
	char setting_id[37];
	char inspection_id[37];
	const char *inspection_type;
	char inspected_on[11];
	char risk_band[8];
};

/* Grow-only arrays of the summary; each capped by the number of rows. */
#define OFSTED_LIST(type, name) struct { type *items; size_t n, cap; } name

struct ofsted_summary {
	size_t rows_read;               /* data rows, blank ones not counted */
	size_t settings_matched;        /* rows whose URN named a setting */
	size_t settings_unchanged;
	size_t inspections_already_recorded;
	OFSTED_LIST(struct ofsted_bad_row, bad);
	OFSTED_LIST(struct ofsted_unknown, unknown);
	OFSTED_LIST(struct ofsted_setting_change, updated);
	OFSTED_LIST(struct ofsted_inspection_note, recorded);
	/* Inspections already recorded with other judgements: left as they are. */
	OFSTED_LIST(struct ofsted_inspection_note, differing);
};

/* Append a zeroed entry to a list; NULL when memory runs out. */
void *ofsted_list_push(void **items, size_t *n, size_t *cap, size_t size);
#define OFSTED_PUSH(list) \
	((__typeof__((list).items))ofsted_list_push((void **)&(list).items, &(list).n, \
						    &(list).cap, sizeof(*(list).items)))

void ofsted_summary_release(struct ofsted_summary *s);

/* Add a bad row; -1 when memory runs out. */
int ofsted_summary_bad(struct ofsted_summary *s, unsigned long line, const char *urn,
		       const char *reason);

/* Parse `data` (the file's bytes): find the header, map the columns and read
 * every row into *rows (n_rows of them; free() it), bad ones into s->bad.
 * 0, or -1 with `err` saying why the file is refused (nothing is returned). */
int ofsted_read_rows(const char *data, size_t len, struct ofsted_row **rows, size_t *n_rows,
		     struct ofsted_summary *s, char *err, size_t errlen);

/* The tenant's Ofsted settings: URN -> setting id, sorted by URN. */
struct ofsted_setting_ref {
	char urn[OFSTED_URN_MAX + 1];
	char id[37];
};

/* Read them as hearth_providers within `actor`'s context. 0, or -1 with p. */
int ofsted_tenant_settings(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
			   struct ofsted_setting_ref **refs, size_t *n, struct hearth_problem *p);

/* Write one row for the setting `setting_id` in its own transaction (rolled
 * back instead of committed when `dry_run`), adding what happened to *s. A
 * row the database or the QA vocabulary refuses becomes a bad row (and
 * nothing of it stays). Returns 0, or -1 when the database cannot be
 * reached at all or memory runs out (p says why; stop the import). */
int ofsted_write_row(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
		     const struct ofsted_row *row, const char *setting_id, int dry_run,
		     struct ofsted_summary *s, struct hearth_problem *p);

/* Print the summary as text or (json) one JSON object. */
void ofsted_summary_print(const struct ofsted_summary *s, const char *tenant, int dry_run,
			  int json, FILE *out);

#endif

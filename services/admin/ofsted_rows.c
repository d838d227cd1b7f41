/*
 * ofsted_rows.c - the whole file checked before anything is written, and the
 * summary's lists (ofsted_import.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"
#include "ofsted_import.h"

/* The header may sit below a heading row or two ("Provider information"). */
#define HEADER_SEARCH_RECORDS 5

void *ofsted_list_push(void **items, size_t *n, size_t *cap, size_t size)
{
	char *base;

	if (*n == *cap) {
		size_t grown = *cap ? *cap * 2 : 16;
		void *more = realloc(*items, grown * size);
		if (!more)
			return NULL;
		*items = more;
		*cap = grown;
	}
	base = *items;
	memset(base + *n * size, 0, size);
	return base + (*n)++ * size;
}

void ofsted_summary_release(struct ofsted_summary *s)
{
	free(s->bad.items);
	free(s->unknown.items);
	free(s->updated.items);
	free(s->recorded.items);
	free(s->differing.items);
	memset(s, 0, sizeof(*s));
}

int ofsted_summary_bad(struct ofsted_summary *s, unsigned long line, const char *urn,
		       const char *reason)
{
	struct ofsted_bad_row *b = OFSTED_PUSH(s->bad);

	if (!b)
		return -1;
	b->line = line;
	snprintf(b->urn, sizeof(b->urn), "%s", urn ? urn : "");
	snprintf(b->reason, sizeof(b->reason), "%s", reason);
	return 0;
}

static int find_header(struct csv_reader *r, struct ofsted_columns *cols, char *err,
		       size_t errlen)
{
	struct csv_record rec;
	int got;

	for (int i = 0; i < HEADER_SEARCH_RECORDS; i++) {
		got = csv_reader_next(r, &rec, err, errlen);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		if (ofsted_is_header(rec.fields, rec.n))
			return ofsted_columns_map(rec.fields, rec.n, cols, err, errlen);
	}
	snprintf(err, errlen, "no header row with a \"%s\" column in the first %d lines",
		 ofsted_column_name(OFSTED_COL_URN), HEADER_SEARCH_RECORDS);
	return -1;
}

int ofsted_read_rows(const char *data, size_t len, struct ofsted_row **rows_out, size_t *n_out,
		     struct ofsted_summary *s, char *err, size_t errlen)
{
	static const struct csv_limits limits = { OFSTED_RECORD_MAX, OFSTED_FIELDS_MAX };
	struct csv_reader r;
	struct csv_record rec;
	struct ofsted_columns cols;
	struct ofsted_row *rows = NULL, row;
	size_t n = 0, cap = 0;
	char why[OFSTED_REASON_MAX];
	int got, rc = -1;

	*rows_out = NULL;
	*n_out = 0;
	if (csv_reader_init(&r, data, len, &limits) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (find_header(&r, &cols, err, errlen) != 0)
		goto out;
	while ((got = csv_reader_next(&r, &rec, err, errlen)) == 1) {
		if (ofsted_row_blank(rec.fields, rec.n))
			continue;
		if (++s->rows_read > OFSTED_ROWS_MAX) {
			snprintf(err, errlen, "more than %u rows", OFSTED_ROWS_MAX);
			goto out;
		}
		if (ofsted_row_parse(&cols, rec.fields, rec.n, rec.line, &row, why,
				     sizeof(why)) != 0) {
			if (ofsted_summary_bad(s, rec.line, row.urn, why) != 0)
				goto oom;
			continue;
		}
		if (n == cap) {
			size_t grown = cap ? cap * 2 : 256;
			struct ofsted_row *more = realloc(rows, grown * sizeof(*rows));
			if (!more)
				goto oom;
			rows = more;
			cap = grown;
		}
		rows[n++] = row;
	}
	if (got < 0)
		goto out;
	*rows_out = rows;
	*n_out = n;
	rows = NULL;
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	free(rows);
	csv_reader_release(&r);
	return rc;
}

/*
 * csv_read.c - RFC 4180 records out of a buffer (csv_read.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read.h"

int csv_reader_init(struct csv_reader *r, const char *data, size_t len,
		    const struct csv_limits *lim)
{
	memset(r, 0, sizeof(*r));
	if (!lim || lim->max_record_bytes == 0 || lim->max_fields == 0)
		return -1;
	r->lim = *lim;
	/* Room for every byte of the record plus one NUL per field. */
	r->text = malloc(lim->max_record_bytes + lim->max_fields + 1);
	r->fields = calloc(lim->max_fields, sizeof(*r->fields));
	if (!r->text || !r->fields) {
		csv_reader_release(r);
		return -1;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	r->p = data;
	r->end = data + len;
	r->line = 1;
	return 0;
}

void csv_reader_release(struct csv_reader *r)
{
	free(r->text);
	free(r->fields);
	r->text = NULL;
	r->fields = NULL;
}

static int at_line_end(const struct csv_reader *r)
{
	return r->p < r->end && (*r->p == '\r' || *r->p == '\n');
}

/* The end of a line inside a quoted field: CRLF, LF or a lone CR is one. */
static void count_line_end(struct csv_reader *r, char c)
{
	if (c == '\n' || (c == '\r' && !(r->p < r->end && *r->p == '\n')))
		r->line++;
}

int csv_reader_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen)
{
	size_t used = 0, content = 0, n = 0;
	const char *why = NULL;
	unsigned long why_line;
	char c;

	rec->line = r->line;
	rec->n = 0;
	rec->fields = (const char *const *)r->fields;
	if (r->p >= r->end)
		return 0;
	why_line = r->line;
	r->fields[n++] = r->text;
	for (;;) {
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			for (;;) {
				if (r->p >= r->end) {
					why = "a quoted field is not closed before the end of the file";
					goto fail;
				}
				c = *r->p++;
				if (c == '"') {
					if (r->p < r->end && *r->p == '"')
						r->p++;
					else
						break;
				} else if (c == '\0') {
					why = "the field holds a NUL byte";
					why_line = r->line;
					goto fail;
				} else {
					count_line_end(r, c);
				}
				if (++content > r->lim.max_record_bytes)
					goto too_long;
				r->text[used++] = c;
			}
			if (r->p < r->end && *r->p != ',' && !at_line_end(r)) {
				why = "text follows the closing quote of a field";
				why_line = r->line;
				goto fail;
			}
		} else {
			while (r->p < r->end && *r->p != ',' && !at_line_end(r)) {
				c = *r->p++;
				if (c == '\0') {
					why = "the field holds a NUL byte";
					why_line = r->line;
					goto fail;
				}
				if (++content > r->lim.max_record_bytes)
					goto too_long;
				r->text[used++] = c;
			}
		}
		r->text[used++] = '\0';
		if (r->p >= r->end)
			break;
		c = *r->p++;
		if (c != ',') {
			if (c == '\r' && r->p < r->end && *r->p == '\n')
				r->p++;
			r->line++;
			break;
		}
		if (n >= r->lim.max_fields) {
			snprintf(err, errlen, "line %lu: more than %zu fields in one record", rec->line,
				 r->lim.max_fields);
			return -1;
		}
		r->fields[n++] = r->text + used;
	}
	rec->n = n;
	return 1;
too_long:
	snprintf(err, errlen, "line %lu: a record longer than %zu bytes", rec->line,
		 r->lim.max_record_bytes);
	return -1;
fail:
	snprintf(err, errlen, "line %lu: %s", why_line, why);
	return -1;
}

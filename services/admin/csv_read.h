/*
 * csv_read.h - reading RFC 4180 CSV text held in memory, one record at a time,
 * for hearthctl's imports.
 *
 * Accepts what spreadsheets write: fields quoted or not, "" for a quote inside
 * a quoted field, commas, quotes and line breaks inside quoted fields, records
 * ended by CRLF, LF or a lone CR, a last record without a line end, and a UTF-8
 * byte-order mark before the first record. A quote inside an unquoted field is
 * taken as a character (as spreadsheets read it). Refused, with the line of the
 * record: text after a closing quote, a quoted field still open at the end of
 * the input, a NUL byte, a record longer than `max_record_bytes` or with more
 * than `max_fields` fields. After a refusal the rest of the input cannot be
 * trusted to split into the same records, so a caller stops there.
 *
 * Bytes are not decoded: a field is handed back exactly as written (less its
 * quoting). Memory: one buffer of max_record_bytes and one array of max_fields
 * pointers, allocated once by csv_reader_init().
 */
#ifndef HEARTH_ADMIN_CSV_READ_H
#define HEARTH_ADMIN_CSV_READ_H

#include <stddef.h>

struct csv_limits {
	size_t max_record_bytes; /* unescaped text of one record, >= 1 */
	size_t max_fields;       /* fields of one record, >= 1 */
};

struct csv_record {
	const char *const *fields; /* NUL-terminated texts, valid until the next read */
	size_t n;                  /* >= 1: an empty line is one empty field */
	unsigned long line;        /* line (from 1) on which the record starts */
};

struct csv_reader {
	const char *p, *end;
	unsigned long line;        /* line of the next character */
	struct csv_limits lim;
	char *text;                /* max_record_bytes + 1 */
	char **fields;             /* max_fields */
};

/* Read `len` bytes at `data` (borrowed; must outlive the reader). Returns 0,
 * or -1 when memory runs out or a limit is 0. */
__attribute__((warn_unused_result))
int csv_reader_init(struct csv_reader *r, const char *data, size_t len,
		    const struct csv_limits *lim);

/* The next record into *rec: 1 when one was read, 0 at the end of the input,
 * -1 when the input is malformed ("line N: why" in err, rec->line set). */
int csv_reader_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen);

/* Free the buffers; the reader may be initialised again. */
void csv_reader_release(struct csv_reader *r);

#endif

/*
 * csv.h - RFC 4180 CSV from JSON rows or SQL rows, for lists and reports with
 * Accept: text/csv.
 *
 * Columns are dotted paths into each row ("address.postcode"); a missing or null
 * value is an empty cell; arrays are joined with ';'; nested objects are written as
 * compact JSON. Fields are quoted when they contain comma, quote, CR or LF. Text
 * starting with = + - @ (spreadsheet formulas) is prefixed with a single quote so a
 * commissioner opening the register in a spreadsheet runs nothing; numbers are not.
 * Lines end with CRLF and the first line is the header row.
 */
#ifndef HEARTH_CSV_H
#define HEARTH_CSV_H

#include <stddef.h>
#include <jansson.h>
#include <libpq-fe.h>

/* Render `rows` (a JSON array of objects). Returns a malloc'd NUL-terminated
 * string (length in *len), or NULL when memory runs out or the output would pass
 * `max_bytes`. */
char *hearth_csv_render(const json_t *rows, const char *const *columns, size_t n_columns,
			size_t max_bytes, size_t *len);

/* Render the rows of `res` from column `first_column` on: the header row is
 * the columns' names, each cell its text (NULL: empty). The same quoting and
 * formula guard as above; a cell of a numeric column (integer, numeric,
 * float) is a number and is not guarded. Returns a malloc'd NUL-terminated
 * string (length in *len), or NULL when memory runs out or the output would
 * pass `max_bytes`. */
char *hearth_csv_render_result(const PGresult *res, int first_column, size_t max_bytes,
			       size_t *len);

#endif

/*
 * csv.c - RFC 4180 CSV from JSON rows or SQL rows (see csv.h).
 *
 * Each cell is rendered to text first, then guarded against spreadsheet formulas
 * and quoted as needed. All output goes through one capped hearth_buf, so a
 * report that would pass `max_bytes` stops at the cap instead of growing.
 */
#include "hearth/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"

/* Follow a dotted path through nested objects; NULL when any step is missing. */
static const json_t *lookup(const json_t *row, const char *path)
{
	const char *dot;
	const json_t *v = row;
	char key[256];
	size_t n;

	while (v && *path) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (!json_is_object(v) || n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		path += n + (dot ? 1 : 0);
	}
	return v;
}

/* Shortest text that reads back as the same double, so 72.3 stays "72.3"
 * rather than Jansson's 17-digit "72.299999999999997". */
/* The shortest text that reads back as the same double. In the range people
 * type (1e-4 to 1e15) it is fixed-point, never "1e+02": a spreadsheet or a
 * reader of the register should see 100.0, not an exponent. */
static int add_real(struct hearth_buf *b, double d)
{
	char tmp[64];
	double mag = d < 0 ? -d : d;
	int prec;

	if (mag == 0 || (mag >= 1e-4 && mag < 1e15)) {
		for (prec = 0; prec <= 17; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*f", prec, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
	} else {
		for (prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
	}
	/* Keep a real recognisable as one, as JSON renders it. */
	if (!strpbrk(tmp, ".eEn"))
		return hearth_buf_printf(b, "%s.0", tmp);
	return hearth_buf_addstr(b, tmp);
}

/* Nested values as compact JSON. 15 significant digits give back any decimal a
 * client typed with up to 15 digits exactly, without 17-digit binary noise. */
static int add_json(struct hearth_buf *b, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	int rc;

	if (!s)
		return -1;
	rc = hearth_buf_addstr(b, s);
	free(s);
	return rc;
}

/* Unquoted text of one value; null adds nothing. */
static int add_value(struct hearth_buf *b, const json_t *v, int top)
{
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return hearth_buf_add(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return hearth_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return add_real(b, json_real_value(v));
	case JSON_TRUE:
		return hearth_buf_addstr(b, "true");
	case JSON_FALSE:
		return hearth_buf_addstr(b, "false");
	case JSON_ARRAY:
		if (!top)
			return add_json(b, v);
		for (i = 0; i < json_array_size(v); i++)
			if ((i && hearth_buf_addstr(b, ";") != 0) ||
			    add_value(b, json_array_get(v, i), 0) != 0)
				return -1;
		return 0;
	case JSON_OBJECT:
		return add_json(b, v);
	default:
		return 0;
	}
}

/* Write `text` as one field: formula guard unless it is a JSON number, and
 * quotes when it holds a comma, quote, CR or LF. Tab and CR lead the guard list
 * too, as OWASP's CSV injection advice has it. */
static int add_field(struct hearth_buf *out, const char *text, size_t len, int is_number)
{
	int guard = !is_number && len > 0 && memchr("=+-@\t\r", text[0], 6);
	int quote = memchr(text, ',', len) || memchr(text, '"', len) ||
		    memchr(text, '\r', len) || memchr(text, '\n', len);

	if (quote && hearth_buf_add(out, "\"", 1) != 0)
		return -1;
	if (guard && hearth_buf_add(out, "'", 1) != 0)
		return -1;
	/* Copy runs up to and including each quote, then double that quote. */
	while (len > 0) {
		const char *q = memchr(text, '"', len);
		size_t run = q ? (size_t)(q - text) + 1 : len;

		if (hearth_buf_add(out, text, run) != 0 ||
		    (q && hearth_buf_add(out, "\"", 1) != 0))
			return -1;
		text += run;
		len -= run;
	}
	if (quote && hearth_buf_add(out, "\"", 1) != 0)
		return -1;
	return 0;
}

static int add_row(struct hearth_buf *out, struct hearth_buf *cell, const json_t *row,
		   const char *const *columns, size_t n_columns)
{
	const json_t *v;
	size_t i;

	for (i = 0; i < n_columns; i++) {
		v = json_is_object(row) ? lookup(row, columns[i]) : NULL;
		hearth_buf_reset(cell);
		if ((i && hearth_buf_add(out, ",", 1) != 0) ||
		    (v && add_value(cell, v, 1) != 0) ||
		    add_field(out, cell->data ? cell->data : "", cell->len,
			      json_is_number(v)) != 0)
			return -1;
	}
	return hearth_buf_add(out, "\r\n", 2);
}

char *hearth_csv_render(const json_t *rows, const char *const *columns, size_t n_columns,
			size_t max_bytes, size_t *len)
{
	struct hearth_buf out = HEARTH_BUF_INIT(max_bytes);
	/* A cell can never be longer than the whole output. */
	struct hearth_buf cell = HEARTH_BUF_INIT(max_bytes);
	char *result = NULL;
	size_t i;

	if (!json_is_array(rows) || (n_columns && !columns))
		goto out;
	for (i = 0; i < n_columns; i++)
		if ((i && hearth_buf_add(&out, ",", 1) != 0) ||
		    add_field(&out, columns[i], strlen(columns[i]), 0) != 0)
			goto out;
	if (hearth_buf_add(&out, "\r\n", 2) != 0)
		goto out;
	for (i = 0; i < json_array_size(rows); i++)
		if (add_row(&out, &cell, json_array_get(rows, i), columns, n_columns) != 0)
			goto out;
	result = hearth_buf_take(&out, len);
out:
	hearth_buf_release(&out);
	hearth_buf_release(&cell);
	return result;
}

/* PostgreSQL's built-in numeric types (pg_type.oid, fixed since 7.x). */
static int is_numeric_type(Oid type)
{
	switch (type) {
	case 20:   /* int8 */
	case 21:   /* int2 */
	case 23:   /* int4 */
	case 700:  /* float4 */
	case 701:  /* float8 */
	case 1700: /* numeric */
		return 1;
	default:
		return 0;
	}
}

char *hearth_csv_render_result(const PGresult *res, int first_column, size_t max_bytes,
			       size_t *len)
{
	struct hearth_buf out = HEARTH_BUF_INIT(max_bytes);
	char *result = NULL;
	int n_fields = res ? PQnfields(res) : 0;

	if (!res || first_column < 0 || first_column > n_fields)
		goto out;
	for (int c = first_column; c < n_fields; c++) {
		const char *name = PQfname(res, c);
		if ((c > first_column && hearth_buf_add(&out, ",", 1) != 0) ||
		    add_field(&out, name, strlen(name), 0) != 0)
			goto out;
	}
	if (hearth_buf_add(&out, "\r\n", 2) != 0)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		for (int c = first_column; c < n_fields; c++)
			if ((c > first_column && hearth_buf_add(&out, ",", 1) != 0) ||
			    add_field(&out, PQgetvalue(res, r, c), (size_t)PQgetlength(res, r, c),
				      is_numeric_type(PQftype(res, c))) != 0)
				goto out;
		if (hearth_buf_add(&out, "\r\n", 2) != 0)
			goto out;
	}
	result = hearth_buf_take(&out, len);
out:
	hearth_buf_release(&out);
	return result;
}

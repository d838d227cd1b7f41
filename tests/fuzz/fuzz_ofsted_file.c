/*
 * fuzz_ofsted_file.c - libFuzzer harness for the CSV reader and the Ofsted
 * provider file of `hearthctl import ofsted-providers` (services/admin).
 *
 * Arbitrary bytes are read as CSV with small limits (no record may pass them)
 * and as an Ofsted file, the header line of the published file first, so the
 * rows themselves get fuzzed. Whatever is accepted must be in Hearth's words:
 * a URN of letters and digits, a known status, places in range, real dates,
 * judgements from the vocabulary; every reason given for a bad row must be
 * printable ASCII. Nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* hearthctl's objects are not in libhearth: build its parsers in here. */
#include "../../services/admin/csv_read.c"
#include "../../services/admin/ofsted_file.c"
#include "../../services/admin/ofsted_rows.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char header[] =
	"URN,Registration status,Places,Event type,Latest full inspection date,Publication date,"
	"Overall experiences and progress of children and young people,"
	"How well children and young people are helped and protected,"
	"The effectiveness of leaders and managers\r\n";

static void check_text(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static void check_date(const char *d)
{
	if (d[0] && (strlen(d) != 10 || d[4] != '-' || d[7] != '-'))
		abort();
}

static void check_rows(const char *text, size_t len)
{
	struct ofsted_summary s = { 0 };
	struct ofsted_row *rows = NULL;
	size_t n = 0;
	char err[512];

	if (ofsted_read_rows(text, len, &rows, &n, &s, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < n; i++) {
			const struct ofsted_row *r = &rows[i];
			if (!r->urn[0] || strlen(r->urn) > OFSTED_URN_MAX || !r->status ||
			    r->places < -1 || r->places > 10000 || r->n_judgements > OFSTED_JUDGEMENTS ||
			    (!r->inspection_type && r->n_judgements))
				abort();
			for (const char *c = r->urn; *c; c++)
				if (!isalnum((unsigned char)*c))
					abort();
			check_date(r->inspected_on);
			check_date(r->published_on);
		}
		for (size_t i = 0; i < s.bad.n; i++)
			check_text(s.bad.items[i].reason);
	} else if (rows || n) {
		abort();
	}
	free(rows);
	ofsted_summary_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct csv_limits small = { 64, 8 };
	struct csv_reader r;
	struct csv_record rec;
	char err[160], *with_header;

	if (csv_reader_init(&r, (const char *)data, size, &small) == 0) {
		while (csv_reader_next(&r, &rec, err, sizeof(err)) == 1) {
			size_t total = 0;
			if (rec.n < 1 || rec.n > small.max_fields)
				abort();
			for (size_t i = 0; i < rec.n; i++)
				total += strlen(rec.fields[i]);
			if (total > small.max_record_bytes)
				abort();
		}
		csv_reader_release(&r);
	}
	check_rows((const char *)data, size);
	with_header = malloc(sizeof(header) - 1 + size);
	if (with_header) {
		memcpy(with_header, header, sizeof(header) - 1);
		if (size)
			memcpy(with_header + sizeof(header) - 1, data, size);
		check_rows(with_header, sizeof(header) - 1 + size);
		free(with_header);
	}
	return 0;
}

/*
 * ofsted_file.h - what a row of Ofsted's "children's social care providers
 * and inspections" file says, in Hearth's words (for `hearthctl import
 * ofsted-providers`).
 *
 * Columns are found by their header, never by position: Ofsted reorders and
 * adds columns between releases. Headers compare without regard to case,
 * surrounding spaces or runs of spaces, and each column answers to the names
 * it has carried in the published files (ofsted_file.c lists them). Columns
 * Hearth does not use (address, constituency, owner, ...) are ignored.
 * Required: URN, Registration status, Places, the inspection date and the
 * three headline judgements.
 *
 * Values: judgements as Ofsted's codes (1 outstanding, 2 good, 3 requires
 * improvement to be good, 4 inadequate, 5 or empty: not judged) or as its
 * words; an interim inspection's outcome ("Declined in effectiveness") in the
 * overall column; dates as DD/MM/YYYY or YYYY-MM-DD. The words produced are
 * exactly the QA service's vocabulary (services/qa/judgements.c).
 *
 * Pure: no allocation, no I/O.
 */
#ifndef HEARTH_ADMIN_OFSTED_FILE_H
#define HEARTH_ADMIN_OFSTED_FILE_H

#include <stddef.h>

enum ofsted_column {
	OFSTED_COL_URN,
	OFSTED_COL_PROVISION_TYPE,
	OFSTED_COL_PROVISION_SUBTYPE,
	OFSTED_COL_SECTOR,
	OFSTED_COL_NAME,
	OFSTED_COL_REGISTRATION_STATUS,
	OFSTED_COL_REGISTRATION_DATE,
	OFSTED_COL_PLACES,
	OFSTED_COL_LOCAL_AUTHORITY,
	OFSTED_COL_REGION,
	OFSTED_COL_INSPECTION_TYPE,
	OFSTED_COL_INSPECTION_DATE,
	OFSTED_COL_PUBLICATION_DATE,
	OFSTED_COL_OVERALL,
	OFSTED_COL_PROTECTION,
	OFSTED_COL_LEADERSHIP,
	OFSTED_COL_COUNT
};

/* Where each column is in the file: index[c] is its field, -1 when absent;
 * name[c] its header as the file spells it (spaces collapsed, printable ASCII
 * only), so a message names the column the reader sees. */
struct ofsted_columns {
	int index[OFSTED_COL_COUNT];
	char name[OFSTED_COL_COUNT][128];
};

/* The header's name for column `c` (the first of its names), for messages. */
const char *ofsted_column_name(enum ofsted_column c);

/* 1 when `cells` is a header row (one cell names the URN column), else 0.
 * Ofsted's files may carry a heading row above it ("Provider information"). */
int ofsted_is_header(const char *const *cells, size_t n);

/* Map a header row. 0, or -1 with `err` naming the first required column the
 * file lacks, or a column it names twice. */
int ofsted_columns_map(const char *const *cells, size_t n, struct ofsted_columns *cols,
		       char *err, size_t errlen);

#define OFSTED_URN_MAX 40
#define OFSTED_JUDGEMENTS 3

struct ofsted_row {
	unsigned long line;
	char urn[OFSTED_URN_MAX + 1];
	const char *status;          /* "active", "suspended" or "closed" */
	int places;                  /* 0-10000, or -1 when the file gives none */
	const char *inspection_type; /* "full", "interim", ...; NULL: no inspection */
	char inspected_on[11];       /* YYYY-MM-DD, or "" */
	char published_on[11];       /* YYYY-MM-DD, or "" */
	/* Judgement names and words (static), n_judgements of them. */
	const char *judgement_name[OFSTED_JUDGEMENTS];
	const char *judgement_word[OFSTED_JUDGEMENTS];
	int n_judgements;
};

/* 1 when every cell of the record is empty or spaces (a spreadsheet's
 * trailing ",,,," row), else 0. */
int ofsted_row_blank(const char *const *cells, size_t n);

/* Read a data row against the mapped columns. 0, or -1 with every problem of
 * the row in `why` ("Places: \"six\" is not a whole number from 0 to 10000;
 * ..."). Cells quoted in messages are cut short and any byte outside printable
 * ASCII shown as '?', so a message is always safe to print. */
int ofsted_row_parse(const struct ofsted_columns *cols, const char *const *cells, size_t n,
		     unsigned long line, struct ofsted_row *row, char *why, size_t whylen);

/* "DD/MM/YYYY", "D/M/YYYY" or "YYYY-MM-DD" (a real calendar day) into
 * out[11] as YYYY-MM-DD. 0, or -1. */
int ofsted_date_parse(const char *text, char out[11]);

#endif

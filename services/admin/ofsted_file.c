/*
 * ofsted_file.c - the columns and values of Ofsted's provider file
 * (ofsted_file.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ofsted_file.h"

/* Every name a column has carried, the preferred first: when a file has two of
 * them (a "Latest full inspection date" beside an "Inspection date"), the
 * earlier name in this list wins. */
static const char *const column_names[OFSTED_COL_COUNT][4] = {
	[OFSTED_COL_URN] = { "URN", "Unique reference number" },
	[OFSTED_COL_PROVISION_TYPE] = { "Provision type", "Provider type" },
	[OFSTED_COL_PROVISION_SUBTYPE] = { "Provider subtype", "Provision subtype",
					   "Provision sub-type" },
	[OFSTED_COL_SECTOR] = { "Sector" },
	[OFSTED_COL_NAME] = { "Setting name", "Provider name", "Name" },
	[OFSTED_COL_REGISTRATION_STATUS] = { "Registration status" },
	[OFSTED_COL_REGISTRATION_DATE] = { "Registration date" },
	[OFSTED_COL_PLACES] = { "Places", "Number of places", "Registered places" },
	[OFSTED_COL_LOCAL_AUTHORITY] = { "Local authority" },
	[OFSTED_COL_REGION] = { "Region", "Ofsted region" },
	[OFSTED_COL_INSPECTION_TYPE] = { "Event type", "Inspection type" },
	[OFSTED_COL_INSPECTION_DATE] = { "Latest full inspection date", "Inspection date",
					 "Date of inspection" },
	[OFSTED_COL_PUBLICATION_DATE] = { "Latest full inspection publication date",
					  "Publication date", "Inspection publication date" },
	[OFSTED_COL_OVERALL] = { "Overall experiences and progress of children and young people",
				 "Overall experiences and progress" },
	[OFSTED_COL_PROTECTION] = { "How well children and young people are helped and protected",
				    "Help and protection" },
	[OFSTED_COL_LEADERSHIP] = { "The effectiveness of leaders and managers",
				    "Effectiveness of leaders and managers",
				    "Leadership and management" },
};

static const enum ofsted_column required[] = {
	OFSTED_COL_URN, OFSTED_COL_REGISTRATION_STATUS, OFSTED_COL_PLACES,
	OFSTED_COL_INSPECTION_DATE, OFSTED_COL_OVERALL, OFSTED_COL_PROTECTION,
	OFSTED_COL_LEADERSHIP,
};

/* The judgement each headline column gives in a full inspection (API.md §5). */
static const char *const full_judgement[OFSTED_JUDGEMENTS] = {
	"overall_experiences_and_progress", "help_and_protection", "leadership_and_management",
};
static const enum ofsted_column judgement_column[OFSTED_JUDGEMENTS] = {
	OFSTED_COL_OVERALL, OFSTED_COL_PROTECTION, OFSTED_COL_LEADERSHIP,
};

struct word {
	const char *text;
	const char *word;
};

static const struct word grades[] = {
	{ "1", "outstanding" }, { "Outstanding", "outstanding" },
	{ "2", "good" }, { "Good", "good" },
	{ "3", "requires_improvement" }, { "Requires improvement to be good", "requires_improvement" },
	{ "Requires improvement", "requires_improvement" },
	{ "4", "inadequate" }, { "Inadequate", "inadequate" },
	{ NULL, NULL },
};
static const struct word not_judged[] = { { "", "" }, { "5", "" }, { "Not judged", "" },
					   { NULL, NULL } };
static const struct word interim_outcomes[] = {
	{ "Improved effectiveness", "improved_effectiveness" },
	{ "Sustained effectiveness", "sustained_effectiveness" },
	{ "Declined in effectiveness", "declined_in_effectiveness" },
	{ NULL, NULL },
};
static const struct word statuses[] = {
	{ "Active", "active" }, { "Suspended", "suspended" },
	/* No longer registered, however it ended. */
	{ "Closed", "closed" }, { "Resigned", "closed" }, { "Cancelled", "closed" },
	{ "Refused", "closed" }, { "Withdrawn", "closed" }, { "Inactive", "closed" },
	{ NULL, NULL },
};
/* An event type by its first word: "Full inspection", "Monitoring visit". */
static const struct word inspection_types[] = {
	{ "Full", "full" }, { "Interim", "interim" }, { "Monitoring", "monitoring" },
	{ "Assurance", "assurance" }, { "Focused", "focused" }, { "Registration", "registration" },
	{ NULL, NULL },
};

/* `cell` equals `name` ignoring case, leading and trailing white space and the
 * length of runs of white space. `first_word`: only the cell's first word
 * must equal `name`. */
static int text_is(const char *cell, const char *name, int first_word)
{
	const char *c = cell;

	while (isspace((unsigned char)*c))
		c++;
	for (const char *n = name; *n; n++) {
		if (*n == ' ') {
			if (!isspace((unsigned char)*c))
				return 0;
			while (isspace((unsigned char)*c))
				c++;
			continue;
		}
		if (tolower((unsigned char)*c) != tolower((unsigned char)*n))
			return 0;
		c++;
	}
	if (first_word && (*c == '\0' || isspace((unsigned char)*c)))
		return 1;
	while (isspace((unsigned char)*c))
		c++;
	return *c == '\0';
}

static const struct word *lookup(const struct word *table, const char *cell, int first_word)
{
	for (const struct word *w = table; w->text; w++)
		if (text_is(cell, w->text, first_word))
			return w;
	return NULL;
}

const char *ofsted_column_name(enum ofsted_column c)
{
	return c < OFSTED_COL_COUNT ? column_names[c][0] : "?";
}

int ofsted_is_header(const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 4 && column_names[OFSTED_COL_URN][k]; k++)
			if (text_is(cells[i], column_names[OFSTED_COL_URN][k], 0))
				return 1;
	return 0;
}

/* The header cell as messages name it: trimmed, runs of spaces as one,
 * anything but printable ASCII as '?'. */
static void header_name(const char *cell, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *c = cell; *c && n + 1 < cap; c++) {
		if (isspace((unsigned char)*c)) {
			if (n > 0 && out[n - 1] != ' ')
				out[n++] = ' ';
			continue;
		}
		out[n++] = (*c > 0x20 && *c < 0x7f) ? *c : '?';
	}
	if (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

int ofsted_columns_map(const char *const *cells, size_t n, struct ofsted_columns *cols,
		       char *err, size_t errlen)
{
	int rank[OFSTED_COL_COUNT];

	for (int c = 0; c < OFSTED_COL_COUNT; c++) {
		cols->index[c] = -1;
		snprintf(cols->name[c], sizeof(cols->name[c]), "%s", column_names[c][0]);
		rank[c] = 99;
	}
	for (size_t i = 0; i < n && i < 100000; i++) {
		for (int c = 0; c < OFSTED_COL_COUNT; c++) {
			for (int k = 0; k < 4 && column_names[c][k]; k++) {
				if (!text_is(cells[i], column_names[c][k], 0))
					continue;
				if (rank[c] == k) {
					snprintf(err, errlen, "the header names the column \"%s\" twice",
						 column_names[c][k]);
					return -1;
				}
				if (k < rank[c]) {
					rank[c] = k;
					cols->index[c] = (int)i;
					header_name(cells[i], cols->name[c], sizeof(cols->name[c]));
				}
			}
		}
	}
	for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++)
		if (cols->index[required[r]] < 0) {
			snprintf(err, errlen, "the file has no column \"%s\"",
				 column_names[required[r]][0]);
			return -1;
		}
	return 0;
}

static const char *cell_of(const struct ofsted_columns *cols, const char *const *cells, size_t n,
			   enum ofsted_column c)
{
	int i = cols->index[c];

	return i >= 0 && (size_t)i < n ? cells[i] : "";
}

/* A cell as a message may quote it: at most 40 bytes, printable ASCII only. */
static void shown(const char *cell, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *c = cell; *c && n + 4 < cap && n < 40; c++)
		out[n++] = (*c >= 0x20 && *c < 0x7f) ? *c : '?';
	if (cell[n] && n + 4 < cap) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

/* Add one problem to `why`, after "; " when there is one already. */
__attribute__((format(printf, 3, 4)))
static void add_why(char *why, size_t cap, const char *fmt, ...)
{
	size_t used = strlen(why);
	va_list ap;

	if (used > 0 && used + 2 < cap) {
		memcpy(why + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	if (used < cap)
		vsnprintf(why + used, cap - used, fmt, ap);
	va_end(ap);
}

static int is_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

int ofsted_row_blank(const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_blank(cells[i]))
			return 0;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Digits at *s, 1 to `max` of them, as a number; -1 when there are none. */
static int digits(const char **s, int max)
{
	int v = 0, k = 0;

	while (k < max && isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	return k ? v : -1;
}

int ofsted_date_parse(const char *text, char out[11])
{
	const char *s = text;
	int d, m, y;

	while (isspace((unsigned char)*s))
		s++;
	if (strlen(s) >= 10 && s[4] == '-') {
		y = digits(&s, 4);
		if (*s++ != '-' || (m = digits(&s, 2)) < 0 || *s++ != '-' || (d = digits(&s, 2)) < 0)
			return -1;
	} else {
		d = digits(&s, 2);
		if (d < 0 || *s++ != '/' || (m = digits(&s, 2)) < 0 || *s++ != '/')
			return -1;
		const char *year = s;
		y = digits(&s, 4);
		if (s - year != 4)
			return -1;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s || y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	/* y < 10000, m <= 12, d <= 31: exactly ten characters. */
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return 0;
}

static void parse_urn(const struct ofsted_columns *cols, const char *cell, struct ofsted_row *row,
		      char *why, size_t cap)
{
	const char *s = cell;
	size_t n = 0;
	char show[48];

	while (isspace((unsigned char)*s))
		s++;
	while (s[n] && !isspace((unsigned char)s[n]))
		n++;
	if (n == 0) {
		add_why(why, cap, "%s is empty", cols->name[OFSTED_COL_URN]);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) || n > OFSTED_URN_MAX || !is_blank(s + n)) {
			shown(cell, show, sizeof(show));
			add_why(why, cap, "%s: \"%s\" is not a URN (1-%d letters and digits)",
				cols->name[OFSTED_COL_URN], show, OFSTED_URN_MAX);
			return;
		}
	memcpy(row->urn, s, n);
	row->urn[n] = '\0';
}

static void parse_places(const struct ofsted_columns *cols, const char *cell,
			 struct ofsted_row *row, char *why, size_t cap)
{
	const char *s = cell;
	long v = 0;
	char show[48];

	row->places = -1;
	if (is_blank(cell))
		return;
	while (isspace((unsigned char)*s))
		s++;
	while (isdigit((unsigned char)*s) && v <= 10000)
		v = v * 10 + (*s++ - '0');
	if (s == cell || v > 10000 || !is_blank(s) || !isdigit((unsigned char)s[-1])) {
		shown(cell, show, sizeof(show));
		add_why(why, cap, "%s: \"%s\" is not a whole number from 0 to 10000",
			cols->name[OFSTED_COL_PLACES], show);
		return;
	}
	row->places = (int)v;
}

static void parse_judgements(const struct ofsted_columns *cols, const char *const *cells,
			     size_t n, struct ofsted_row *row, char *why, size_t cap)
{
	int interim = row->inspection_type && strcmp(row->inspection_type, "interim") == 0;
	char show[48];

	for (int j = 0; j < OFSTED_JUDGEMENTS; j++) {
		const char *cell = cell_of(cols, cells, n, judgement_column[j]);
		const char *column = cols->name[judgement_column[j]];
		const struct word *grade = lookup(grades, cell, 0);
		const struct word *outcome = lookup(interim_outcomes, cell, 0);

		if (lookup(not_judged, cell, 0))
			continue;
		shown(cell, show, sizeof(show));
		if (!row->inspection_type) {
			add_why(why, cap, "%s: a judgement without an inspection date", column);
		} else if (interim && j == 0 && outcome) {
			row->judgement_name[row->n_judgements] = "interim_outcome";
			row->judgement_word[row->n_judgements++] = outcome->word;
		} else if (interim && j == 0) {
			add_why(why, cap, "%s: \"%s\" is not the outcome of an interim inspection "
				"(improved, sustained or declined in effectiveness)", column, show);
		} else if (grade) {
			/* An interim or monitoring inspection with a grade is left to
			 * the QA vocabulary to refuse, in its own words. */
			row->judgement_name[row->n_judgements] = full_judgement[j];
			row->judgement_word[row->n_judgements++] = grade->word;
		} else {
			add_why(why, cap, "%s: \"%s\" is not a judgement (1-4, 5 not judged, or "
				"Outstanding, Good, Requires improvement to be good, Inadequate)",
				column, show);
		}
	}
}

static void parse_inspection(const struct ofsted_columns *cols, const char *const *cells,
			     size_t n, struct ofsted_row *row, char *why, size_t cap)
{
	const char *date = cell_of(cols, cells, n, OFSTED_COL_INSPECTION_DATE);
	const char *published = cell_of(cols, cells, n, OFSTED_COL_PUBLICATION_DATE);
	const char *type = cell_of(cols, cells, n, OFSTED_COL_INSPECTION_TYPE);
	const struct word *t = lookup(inspection_types, type, 1);
	char show[48];

	if (!is_blank(date)) {
		row->inspection_type = "full"; /* the file of latest full inspections */
		if (ofsted_date_parse(date, row->inspected_on) != 0) {
			shown(date, show, sizeof(show));
			add_why(why, cap, "%s: \"%s\" is not a date (DD/MM/YYYY)",
				cols->name[OFSTED_COL_INSPECTION_DATE], show);
		}
		if (!is_blank(type) && t) {
			row->inspection_type = t->word;
		} else if (!is_blank(type)) {
			shown(type, show, sizeof(show));
			add_why(why, cap, "%s: \"%s\" is not an inspection type (full, interim, "
				"monitoring, assurance, focused or registration)",
				cols->name[OFSTED_COL_INSPECTION_TYPE], show);
		}
	}
	if (row->inspection_type && !is_blank(published)) {
		if (ofsted_date_parse(published, row->published_on) != 0) {
			shown(published, show, sizeof(show));
			add_why(why, cap, "%s: \"%s\" is not a date (DD/MM/YYYY)",
				cols->name[OFSTED_COL_PUBLICATION_DATE], show);
		} else if (row->inspected_on[0] && strcmp(row->published_on, row->inspected_on) < 0) {
			add_why(why, cap, "%s: %s is before the inspection (%s)",
				cols->name[OFSTED_COL_PUBLICATION_DATE], row->published_on,
				row->inspected_on);
		}
	}
	parse_judgements(cols, cells, n, row, why, cap);
}

int ofsted_row_parse(const struct ofsted_columns *cols, const char *const *cells, size_t n,
		     unsigned long line, struct ofsted_row *row, char *why, size_t whylen)
{
	const char *status = cell_of(cols, cells, n, OFSTED_COL_REGISTRATION_STATUS);
	const struct word *s = lookup(statuses, status, 0);
	char show[48];

	memset(row, 0, sizeof(*row));
	row->line = line;
	if (whylen)
		why[0] = '\0';
	parse_urn(cols, cell_of(cols, cells, n, OFSTED_COL_URN), row, why, whylen);
	if (s) {
		row->status = s->word;
	} else if (is_blank(status)) {
		add_why(why, whylen, "%s is empty",
			cols->name[OFSTED_COL_REGISTRATION_STATUS]);
	} else {
		shown(status, show, sizeof(show));
		add_why(why, whylen, "%s: \"%s\" is not a registration status (Active, Suspended, "
			"Resigned, Cancelled, Closed, Refused)",
			cols->name[OFSTED_COL_REGISTRATION_STATUS], show);
	}
	parse_places(cols, cell_of(cols, cells, n, OFSTED_COL_PLACES), row, why, whylen);
	parse_inspection(cols, cells, n, row, why, whylen);
	return whylen && why[0] ? -1 : 0;
}

/*
 * risk_document.c - the risk documents (API.md §5) written from risk_rows()
 * (qa 014): a row per reason, plain columns, grouped by subject. Here a
 * subject's rows become
 *   {"subject_type", "subject_id", "rag", "computed_rag", "reasons",
 *    "override", "as_at"}
 * with rag and computed_rag as the rows give them (risk_rows() derives
 * both: the worst reason's, the override's when one is in force). The list answers red subjects first, then amber, then green, each
 * in the rows' order (type, id).
 *
 * Why here and not in SQL: for a whole tenant (12,000 subjects, 4.8 MB)
 * building each document in the database, aggregating its reasons and
 * sorting the documents by their RAG cost more than finding the reasons did.
 * Here it is one pass per RAG over rows libpq already holds, copying text
 * (only the free texts, a reason's detail and an override's reason, need
 * escaping; the rest are uuids, dates and vocabulary words).
 */
#include <string.h>

#include "hearth/buf.h"
#include "hearth/json_write.h"
#include "qa_service.h"

#define RISK_DOCUMENT_MAX (64u << 20)

/* Columns of the statements over risk_rows(): the day, then its columns. */
enum {
	RR_DAY, RR_TYPE, RR_ID, RR_RAG, RR_COMPUTED_RAG, RR_RULE, RR_REASON_RAG, RR_DETAIL,
	RR_SOURCE_TYPE, RR_SOURCE_ID, RR_OVERRIDE_ID, RR_OVERRIDE_RAG, RR_OVERRIDE_REASON,
	RR_OVERRIDE_EXPIRES_ON, RR_OVERRIDE_BY, RR_OVERRIDE_AT, RR_N
};

enum { RANK_RED, RANK_AMBER, RANK_GREEN };

static int rank_of(const char *rag)
{
	if (strcmp(rag, "red") == 0)
		return RANK_RED;
	return strcmp(rag, "amber") == 0 ? RANK_AMBER : RANK_GREEN;
}

static int same_subject(PGresult *res, int a, int b)
{
	return strcmp(PQgetvalue(res, a, RR_ID), PQgetvalue(res, b, RR_ID)) == 0 &&
	       strcmp(PQgetvalue(res, a, RR_TYPE), PQgetvalue(res, b, RR_TYPE)) == 0;
}

/* The row after the last of the subject whose rows start at `first`. */
static int subject_end(PGresult *res, int first)
{
	int n = PQntuples(res), row = first;

	while (row < n && same_subject(res, first, row))
		row++;
	return row;
}

/* Column `column` of `row` as a JSON string, null when NULL. */
static int add_string(struct hearth_buf *out, PGresult *res, int row, int column)
{
	return hearth_json_add_string(out, PQgetisnull(res, row, column) ?
						   NULL :
						   PQgetvalue(res, row, column));
}

static int add_reason(struct hearth_buf *out, PGresult *res, int row)
{
	int rc = hearth_buf_printf(out, "{\"rule\":\"%s\",\"rag\":\"%s\",\"detail\":",
				   PQgetvalue(res, row, RR_RULE), PQgetvalue(res, row, RR_REASON_RAG));

	rc |= add_string(out, res, row, RR_DETAIL);
	rc |= hearth_buf_addstr(out, ",\"source_type\":");
	rc |= add_string(out, res, row, RR_SOURCE_TYPE);
	rc |= hearth_buf_addstr(out, ",\"source_id\":");
	rc |= add_string(out, res, row, RR_SOURCE_ID);
	rc |= hearth_buf_addstr(out, "}");
	return rc;
}

static int add_override(struct hearth_buf *out, PGresult *res, int row)
{
	int rc;

	if (PQgetisnull(res, row, RR_OVERRIDE_ID))
		return hearth_buf_addstr(out, "null");
	rc = hearth_buf_printf(out, "{\"id\":\"%s\",\"rag\":\"%s\",\"reason\":",
			       PQgetvalue(res, row, RR_OVERRIDE_ID),
			       PQgetvalue(res, row, RR_OVERRIDE_RAG));
	rc |= add_string(out, res, row, RR_OVERRIDE_REASON);
	rc |= hearth_buf_printf(out,
				",\"expires_on\":\"%s\",\"created_by_org_id\":\"%s\","
				"\"created_at\":\"%s\"}",
				PQgetvalue(res, row, RR_OVERRIDE_EXPIRES_ON),
				PQgetvalue(res, row, RR_OVERRIDE_BY), PQgetvalue(res, row, RR_OVERRIDE_AT));
	return rc;
}

/* One subject's document, rows [first, end). */
static int add_subject(struct hearth_buf *out, PGresult *res, int first, int end)
{
	int rc = hearth_buf_printf(out,
				   "{\"subject_type\":\"%s\",\"subject_id\":\"%s\",\"rag\":\"%s\","
				   "\"computed_rag\":\"%s\",\"reasons\":[",
				   PQgetvalue(res, first, RR_TYPE), PQgetvalue(res, first, RR_ID),
				   PQgetvalue(res, first, RR_RAG), PQgetvalue(res, first, RR_COMPUTED_RAG));
	int listed = 0;

	for (int row = first; row < end; row++) {
		if (PQgetisnull(res, row, RR_RULE))
			continue;
		if (listed++)
			rc |= hearth_buf_addstr(out, ",");
		rc |= add_reason(out, res, row);
	}
	rc |= hearth_buf_addstr(out, "],\"override\":");
	rc |= add_override(out, res, first);
	rc |= hearth_buf_printf(out, ",\"as_at\":\"%s\"}", PQgetvalue(res, first, RR_DAY));
	return rc;
}

/* The rows' subjects whose rag is `rank`, each after a comma when *listed. */
static int add_subjects_ranked(struct hearth_buf *out, PGresult *res, int rank, int *listed)
{
	int n = PQntuples(res), rc = 0;

	for (int first = 0, end; first < n && rc == 0; first = end) {
		end = subject_end(res, first);
		if (rank_of(PQgetvalue(res, first, RR_RAG)) != rank)
			continue;
		if ((*listed)++)
			rc |= hearth_buf_addstr(out, ",");
		rc |= add_subject(out, res, first, end);
	}
	return rc;
}

/* Rows answered, checked: the column count, and no subject-less row unless
 * it is the only one (no subject at all). -1 with a 500 when not. */
static int rows_check(PGresult *res, struct hearth_problem *p)
{
	int n = PQntuples(res);

	if (n < 1 || PQnfields(res) != RR_N || (n > 1 && PQgetisnull(res, 0, RR_TYPE))) {
		hearth_problem_set(p, 500, "internal", "The risk could not be computed.");
		return -1;
	}
	return 0;
}

char *qa_risk_list_document(PGresult *res, struct hearth_problem *p)
{
	struct hearth_buf out = HEARTH_BUF_INIT(RISK_DOCUMENT_MAX);
	int rc = 0, listed = 0;
	char *text = NULL;

	if (!res || rows_check(res, p) != 0)
		return NULL;
	rc |= hearth_buf_printf(&out, "{\"as_at\":\"%s\",\"items\":[", PQgetvalue(res, 0, RR_DAY));
	if (!PQgetisnull(res, 0, RR_TYPE))
		for (int rank = RANK_RED; rank <= RANK_GREEN && rc == 0; rank++)
			rc |= add_subjects_ranked(&out, res, rank, &listed);
	rc |= hearth_buf_addstr(&out, "],\"next_cursor\":null}");
	if (rc == 0)
		text = hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	if (!text)
		hearth_problem_set(p, 503, "unavailable", "The risk is too large to answer.");
	return text;
}

char *qa_risk_subject_document(PGresult *res, const char *type, const char *id,
			       struct hearth_problem *p)
{
	struct hearth_buf out = HEARTH_BUF_INIT(RISK_DOCUMENT_MAX);
	int rc = 0;
	char *text = NULL;

	if (!res || rows_check(res, p) != 0)
		return NULL;
	if (PQgetisnull(res, 0, RR_TYPE))
		/* Nothing names the subject: green, nothing fired, no override. */
		rc |= hearth_buf_printf(&out,
					"{\"subject_type\":\"%s\",\"subject_id\":\"%s\",\"rag\":\"green\","
					"\"computed_rag\":\"green\",\"reasons\":[],\"override\":null,"
					"\"as_at\":\"%s\"}",
					type, id, PQgetvalue(res, 0, RR_DAY));
	else if (subject_end(res, 0) != PQntuples(res))
		rc = -1;
	else
		rc |= add_subject(&out, res, 0, PQntuples(res));
	if (rc == 0)
		text = hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	if (!text)
		hearth_problem_set(p, 500, "internal", "The risk could not be computed.");
	return text;
}

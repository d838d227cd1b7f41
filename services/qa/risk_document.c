/*
 * risk_document.c - the risk documents (API.md §5) written from the rows of
 * risk_parts() (qa 016) or its two halves (risk_parts_apart(), qa 017): a
 * row per subject (the same one perhaps twice) and a row per fact, in no
 * order. Each subject
 * becomes
 *   {"subject_type", "subject_id", "rag", "computed_rag", "reasons",
 *    "override", "as_at"}
 * with its reasons, ranks and order as risk_parts.c finds them; the list
 * answers red subjects first, then amber, then green, each by (type, id).
 * The same answer risk_rows() (qa 016) gives row by row; the API tests
 * compare the two.
 *
 * Why here and not in SQL: for a whole tenant (12,000 subjects, 19,600
 * reasons, 4.5 MB) joining the facts to their subjects, ranking and
 * ordering them in the database cost about as much as finding them. Here
 * they are row numbers into the result libpq already holds. Only the free
 * texts (a reason's detail, an override's reason) need escaping; the rest
 * are uuids, dates and vocabulary words.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/json_write.h"
#include "qa_service.h"
#include "risk_parts.h"

#define RISK_DOCUMENT_MAX (64u << 20)

/* Columns of the statements over risk_parts(): the day, then its columns. */
enum {
	RP_DAY, RP_TYPE, RP_ID, RP_PROVIDER, RP_SCOPE, RP_SETTING, RP_RULE, RP_RAG, RP_DETAIL,
	RP_SOURCE_TYPE, RP_SOURCE_ID, RP_OVERRIDE_ID, RP_OVERRIDE_RAG, RP_OVERRIDE_REASON,
	RP_OVERRIDE_EXPIRES_ON, RP_OVERRIDE_BY, RP_OVERRIDE_AT, RP_N
};

/* The value, NULL when SQL NULL (libpq answers "" for both; only an empty
 * value needs asking which). */
static const char *value(PGresult *res, int row, int column)
{
	const char *v = PQgetvalue(res, row, column);

	return *v == '\0' && PQgetisnull(res, row, column) ? NULL : v;
}

/* Column `column` of `row` as a JSON string, null when NULL. */
static int add_string(struct hearth_buf *out, PGresult *res, int row, int column)
{
	return hearth_json_add_string(out, value(res, row, column));
}

/* Words and ids, which need no escaping, between literal pieces: appends
 * rather than a printf a piece (20,000 reasons a whole tenant). */
static int add_plain(struct hearth_buf *out, const char *before, const char *word)
{
	return hearth_buf_addstr(out, before) | hearth_buf_addstr(out, word);
}

static int add_reason(struct hearth_buf *out, PGresult *res, int row)
{
	int rc = add_plain(out, "{\"rule\":\"", PQgetvalue(res, row, RP_RULE));

	rc |= add_plain(out, "\",\"rag\":\"", PQgetvalue(res, row, RP_RAG));
	rc |= hearth_buf_addstr(out, "\",\"detail\":");
	rc |= add_string(out, res, row, RP_DETAIL);
	rc |= hearth_buf_addstr(out, ",\"source_type\":");
	rc |= add_string(out, res, row, RP_SOURCE_TYPE);
	rc |= hearth_buf_addstr(out, ",\"source_id\":");
	rc |= add_string(out, res, row, RP_SOURCE_ID);
	rc |= hearth_buf_addstr(out, "}");
	return rc;
}

/* The override on subject row `row` (-1: none). */
static int add_override(struct hearth_buf *out, PGresult *res, int row)
{
	int rc;

	if (row < 0)
		return hearth_buf_addstr(out, "null");
	rc = hearth_buf_printf(out, "{\"id\":\"%s\",\"rag\":\"%s\",\"reason\":",
			       PQgetvalue(res, row, RP_OVERRIDE_ID),
			       PQgetvalue(res, row, RP_OVERRIDE_RAG));
	rc |= add_string(out, res, row, RP_OVERRIDE_REASON);
	rc |= hearth_buf_printf(out,
				",\"expires_on\":\"%s\",\"created_by_org_id\":\"%s\","
				"\"created_at\":\"%s\"}",
				PQgetvalue(res, row, RP_OVERRIDE_EXPIRES_ON),
				PQgetvalue(res, row, RP_OVERRIDE_BY), PQgetvalue(res, row, RP_OVERRIDE_AT));
	return rc;
}

/* Subject k's document. */
static int add_subject(struct hearth_buf *out, PGresult *res, const struct risk_index *index, int k,
		       const char *day)
{
	const struct risk_subject *s = &index->subjects[k];
	const int *reasons;
	int n = risk_index_reasons(index, k, &reasons);
	int rc = add_plain(out, "{\"subject_type\":\"", PQgetvalue(res, s->row, RP_TYPE));

	rc |= add_plain(out, "\",\"subject_id\":\"", PQgetvalue(res, s->row, RP_ID));
	rc |= add_plain(out, "\",\"rag\":\"", risk_rank_name(s->rank));
	rc |= add_plain(out, "\",\"computed_rag\":\"", risk_rank_name(s->computed));
	rc |= hearth_buf_addstr(out, "\",\"reasons\":[");
	for (int i = 0; i < n; i++) {
		if (i)
			rc |= hearth_buf_addstr(out, ",");
		rc |= add_reason(out, res, reasons[i]);
	}
	rc |= hearth_buf_addstr(out, "],\"override\":");
	rc |= add_override(out, res, s->override_row);
	rc |= add_plain(out, ",\"as_at\":\"", day);
	rc |= hearth_buf_addstr(out, "\"}");
	return rc;
}

/* The rows of res as parts, indexed: 0, or -1 with `p` set (a 500: the
 * rows are not what risk_parts() answers, or memory ran out). *parts is
 * the caller's to free, with the index released. */
static int parts_read(PGresult *res, struct risk_part **parts, struct risk_index *index,
		      struct hearth_problem *p)
{
	int n = res ? PQntuples(res) : 0;

	*parts = NULL;
	memset(index, 0, sizeof(*index));
	if (!res || n < 1 || PQnfields(res) != RP_N)
		goto fail;
	*parts = calloc((size_t)n, sizeof(**parts));
	if (!*parts)
		goto fail;
	for (int row = 0; row < n; row++)
		(*parts)[row] = (struct risk_part){
			.subject_type = value(res, row, RP_TYPE),
			.subject_id = value(res, row, RP_ID),
			.provider_id = value(res, row, RP_PROVIDER),
			.scope = value(res, row, RP_SCOPE),
			.setting_id = value(res, row, RP_SETTING),
			.rule = value(res, row, RP_RULE),
			.rag = value(res, row, RP_RAG),
			.detail = value(res, row, RP_DETAIL),
			.source_id = value(res, row, RP_SOURCE_ID),
			.override_id = value(res, row, RP_OVERRIDE_ID),
			.override_rag = value(res, row, RP_OVERRIDE_RAG),
		};
	if (risk_index_build(index, *parts, n) != 0)
		goto fail;
	return 0;
fail:
	free(*parts);
	*parts = NULL;
	if (!p->status)
		hearth_problem_set(p, 500, "internal", "The risk could not be computed.");
	return -1;
}

char *qa_risk_list_document(PGresult *res, struct hearth_problem *p)
{
	struct hearth_buf out = HEARTH_BUF_INIT(RISK_DOCUMENT_MAX);
	struct risk_part *parts = NULL;
	struct risk_index index;
	const char *day;
	char *text = NULL;
	int rc, listed = 0;

	if (parts_read(res, &parts, &index, p) != 0)
		return NULL;
	day = PQgetvalue(res, 0, RP_DAY);
	rc = hearth_buf_printf(&out, "{\"as_at\":\"%s\",\"items\":[", day);
	for (int rank = RISK_RED; rank <= RISK_GREEN && rc == 0; rank++)
		for (int k = 0; k < index.n_subjects && rc == 0; k++) {
			if ((int)index.subjects[k].rank != rank)
				continue;
			if (listed++)
				rc |= hearth_buf_addstr(&out, ",");
			rc |= add_subject(&out, res, &index, k, day);
		}
	rc |= hearth_buf_addstr(&out, "],\"next_cursor\":null}");
	if (rc == 0)
		text = hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	risk_index_release(&index);
	free(parts);
	if (!text)
		hearth_problem_set(p, 503, "unavailable", "The risk is too large to answer.");
	return text;
}

char *qa_risk_subject_document(PGresult *res, const char *type, const char *id,
			       struct hearth_problem *p)
{
	struct hearth_buf out = HEARTH_BUF_INIT(RISK_DOCUMENT_MAX);
	struct risk_part *parts = NULL;
	struct risk_index index;
	const char *day;
	char *text = NULL;
	int rc = 0;

	if (parts_read(res, &parts, &index, p) != 0)
		return NULL;
	day = PQgetvalue(res, 0, RP_DAY);
	if (index.n_subjects == 0)
		/* Nothing names the subject: green, nothing fired, no override. */
		rc = hearth_buf_printf(&out,
				       "{\"subject_type\":\"%s\",\"subject_id\":\"%s\",\"rag\":\"green\","
				       "\"computed_rag\":\"green\",\"reasons\":[],\"override\":null,"
				       "\"as_at\":\"%s\"}",
				       type, id, day);
	else if (index.n_subjects != 1)
		rc = -1; /* risk_parts() was asked for this one subject */
	else
		rc = add_subject(&out, res, &index, 0, day);
	if (rc == 0)
		text = hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	risk_index_release(&index);
	free(parts);
	if (!text)
		hearth_problem_set(p, 500, "internal", "The risk could not be computed.");
	return text;
}

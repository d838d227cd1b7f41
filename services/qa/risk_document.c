/*
 * risk_document.c - the risk documents (API.md §5) written from the rows of
 * risk_parts() (qa 016) or of its two halves (qa 017), in one result
 * (risk_parts_apart()) or in two read on two connections that share a
 * snapshot (risk.c): a row per subject (the same one perhaps twice) and a
 * row per fact, in no order. Each subject becomes
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
#include <limits.h>
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
static const char *value(const PGresult *res, int row, int column)
{
	const char *v = PQgetvalue(res, row, column);

	return *v == '\0' && PQgetisnull(res, row, column) ? NULL : v;
}

/* Words and ids, which need no escaping, between literal pieces: appends
 * rather than a printf a piece (20,000 reasons a whole tenant). */
static int add_plain(struct hearth_buf *out, const char *before, const char *word)
{
	return hearth_buf_addstr(out, before) | hearth_buf_addstr(out, word ? word : "");
}

static int add_reason(struct hearth_buf *out, const struct risk_part *part)
{
	int rc = add_plain(out, "{\"rule\":\"", part->rule);

	rc |= add_plain(out, "\",\"rag\":\"", part->rag);
	rc |= hearth_buf_addstr(out, "\",\"detail\":");
	rc |= hearth_json_add_string(out, part->detail);
	rc |= hearth_buf_addstr(out, ",\"source_type\":");
	rc |= hearth_json_add_string(out, part->source_type);
	rc |= hearth_buf_addstr(out, ",\"source_id\":");
	rc |= hearth_json_add_string(out, part->source_id);
	rc |= hearth_buf_addstr(out, "}");
	return rc;
}

/* The override a subject row carries (NULL: none). */
static int add_override(struct hearth_buf *out, const struct risk_part *part)
{
	int rc;

	if (!part)
		return hearth_buf_addstr(out, "null");
	rc = add_plain(out, "{\"id\":\"", part->override_id);
	rc |= add_plain(out, "\",\"rag\":\"", part->override_rag);
	rc |= hearth_buf_addstr(out, "\",\"reason\":");
	rc |= hearth_json_add_string(out, part->override_reason);
	rc |= add_plain(out, ",\"expires_on\":\"", part->override_expires_on);
	rc |= add_plain(out, "\",\"created_by_org_id\":\"", part->override_by);
	rc |= add_plain(out, "\",\"created_at\":\"", part->override_at);
	rc |= hearth_buf_addstr(out, "\"}");
	return rc;
}

/* Subject k's document. */
static int add_subject(struct hearth_buf *out, const struct risk_index *index, int k,
		       const char *day)
{
	const struct risk_subject *s = &index->subjects[k];
	const struct risk_part *row = &index->parts[s->row];
	const int *reasons;
	int n = risk_index_reasons(index, k, &reasons);
	int rc = add_plain(out, "{\"subject_type\":\"", row->subject_type);

	rc |= add_plain(out, "\",\"subject_id\":\"", row->subject_id);
	rc |= add_plain(out, "\",\"rag\":\"", risk_rank_name(s->rank));
	rc |= add_plain(out, "\",\"computed_rag\":\"", risk_rank_name(s->computed));
	rc |= hearth_buf_addstr(out, "\",\"reasons\":[");
	for (int i = 0; i < n; i++) {
		if (i)
			rc |= hearth_buf_addstr(out, ",");
		rc |= add_reason(out, &index->parts[reasons[i]]);
	}
	rc |= hearth_buf_addstr(out, "],\"override\":");
	rc |= add_override(out, s->override_row < 0 ? NULL : &index->parts[s->override_row]);
	rc |= add_plain(out, ",\"as_at\":\"", day);
	rc |= hearth_buf_addstr(out, "\"}");
	return rc;
}

/* The rows of results[0, n_results), one after the other, as parts,
 * indexed: 0, or -1 with `p` set (a 500: the rows are not what the risk
 * statements answer, or memory ran out). *parts is the caller's to free,
 * with the index released; it points into the results. */
static int parts_read(PGresult *const *results, int n_results, struct risk_part **parts,
		      struct risk_index *index, struct hearth_problem *p)
{
	int n = 0, at = 0;

	*parts = NULL;
	memset(index, 0, sizeof(*index));
	for (int r = 0; r < n_results; r++) {
		if (!results[r] || PQnfields(results[r]) != RP_N || PQntuples(results[r]) > INT_MAX - n)
			goto fail;
		n += PQntuples(results[r]);
	}
	*parts = calloc(n ? (size_t)n : 1, sizeof(**parts));
	if (!*parts)
		goto fail;
	for (int r = 0; r < n_results; r++) {
		const PGresult *res = results[r];

		for (int row = 0; row < PQntuples(res); row++)
			(*parts)[at++] = (struct risk_part){
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
				.source_type = value(res, row, RP_SOURCE_TYPE),
				.override_reason = value(res, row, RP_OVERRIDE_REASON),
				.override_expires_on = value(res, row, RP_OVERRIDE_EXPIRES_ON),
				.override_by = value(res, row, RP_OVERRIDE_BY),
				.override_at = value(res, row, RP_OVERRIDE_AT),
			};
	}
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

char *qa_risk_list_document(PGresult *const *results, int n_results, const char *day,
			    struct hearth_problem *p)
{
	struct hearth_buf out = HEARTH_BUF_INIT(RISK_DOCUMENT_MAX);
	struct risk_part *parts = NULL;
	struct risk_index index;
	char *text = NULL;
	int rc, listed = 0;

	if (parts_read(results, n_results, &parts, &index, p) != 0)
		return NULL;
	rc = add_plain(&out, "{\"as_at\":\"", day);
	rc |= hearth_buf_addstr(&out, "\",\"items\":[");
	for (int rank = RISK_RED; rank <= RISK_GREEN && rc == 0; rank++)
		for (int k = 0; k < index.n_subjects && rc == 0; k++) {
			if ((int)index.subjects[k].rank != rank)
				continue;
			if (listed++)
				rc |= hearth_buf_addstr(&out, ",");
			rc |= add_subject(&out, &index, k, day);
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

	/* risk_get answers at least one row, for the day. */
	if (!res || PQntuples(res) < 1) {
		if (!p->status)
			hearth_problem_set(p, 500, "internal", "The risk could not be computed.");
		return NULL;
	}
	if (parts_read(&res, 1, &parts, &index, p) != 0)
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
		rc = add_subject(&out, &index, 0, day);
	if (rc == 0)
		text = hearth_buf_take(&out, NULL);
	hearth_buf_release(&out);
	risk_index_release(&index);
	free(parts);
	if (!text)
		hearth_problem_set(p, 500, "internal", "The risk could not be computed.");
	return text;
}

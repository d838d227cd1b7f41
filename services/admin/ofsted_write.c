/*
 * ofsted_write.c - one row of the Ofsted file written as the services write it
 * (ofsted_import.h): the setting as hearth_providers, the inspection as
 * hearth_qa, in one transaction under hearth.begin_request().
 *
 * The session belongs to the admin role; each part of the row runs with
 * SET LOCAL ROLE and the owning service's search_path, so row-level security,
 * privileges and the audit policy (service = current_user) bind it exactly as
 * they bind that service. Documents, versions and the risk band come from the
 * schemas' own functions (setting_doc, bump_version, inspection_doc,
 * inspection_risk_band); the judgements are checked against the QA service's
 * vocabulary (services/qa/judgements.c); audit rows and events are queued by
 * libhearth's own writers, with the paths, resources and payloads of the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hearth/audit.h"
#include "hearth/outbox.h"
#include "../qa/judgements.h"
#include "ofsted_import.h"

static const char as_providers_sql[] =
	"SELECT set_config('role', 'hearth_providers', true), "
	"       set_config('search_path', 'providers, hearth, public', true)";
static const char as_qa_sql[] =
	"SELECT set_config('role', 'hearth_qa', true), "
	"       set_config('search_path', 'qa, hearth, public', true)";

static const char settings_sql[] =
	"SELECT s.urn, s.id FROM settings s WHERE s.regulator = 'ofsted' AND s.urn IS NOT NULL";
static const char lock_sql[] =
	"SELECT setting_doc(s), s.setting_type, s.status, s.registered_places "
	"FROM settings s WHERE s.id = $1 AND s.regulator = 'ofsted' FOR UPDATE";
static const char update_sql[] =
	"UPDATE settings SET status = $2, registered_places = coalesce($3::integer, registered_places) "
	"WHERE id = $1 RETURNING setting_doc(settings)";
static const char existing_sql[] =
	"SELECT i.id, i.judgements = $4::jsonb, i.risk_band FROM inspections i "
	"WHERE i.setting_id = $1 AND i.inspection_type = $2 AND i.inspected_on = $3::date";
static const char insert_sql[] =
	"INSERT INTO inspections (tenant_id, setting_id, provider_id, regulator, inspection_type, "
	"                         inspected_on, published_on, judgements, source) "
	"SELECT hearth.current_tenant(), $1::uuid, s.provider_id, 'ofsted', $2, $3::date, "
	"       $4::date, $5::jsonb, 'regulator_feed' "
	"FROM providers_api.setting_profile(hearth.current_tenant(), $1::uuid) s "
	"RETURNING inspection_doc(inspections), id, risk_band";

/* The providers service's status events (services/providers/settings.c). */
static const char *status_event(const char *status)
{
	if (strcmp(status, "suspended") == 0)
		return "providers.setting.suspended";
	if (strcmp(status, "closed") == 0)
		return "providers.setting.closed";
	return "providers.setting.reactivated";
}

static int cmp_ref(const void *a, const void *b)
{
	return strcmp(((const struct ofsted_setting_ref *)a)->urn,
		      ((const struct ofsted_setting_ref *)b)->urn);
}

int ofsted_tenant_settings(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
			   struct ofsted_setting_ref **refs_out, size_t *n_out,
			   struct hearth_problem *p)
{
	struct hearth_tx *tx = NULL;
	struct ofsted_setting_ref *refs = NULL;
	PGresult *res = NULL;
	int rc = -1, n;

	*refs_out = NULL;
	*n_out = 0;
	if (hearth_tx_begin(pool, actor, HEARTH_TX_READ_ONLY, &tx, p) != 0)
		return -1;
	if (hearth_tx_queue_sql(tx, as_providers_sql, 0, NULL, p) != 0 ||
	    !(res = hearth_tx_query_sql(tx, settings_sql, 0, NULL, p)) || hearth_tx_commit(tx, p) != 0)
		goto out;
	n = PQntuples(res);
	refs = calloc(n ? (size_t)n : 1, sizeof(*refs));
	if (!refs) {
		hearth_problem_out_of_memory(p);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		snprintf(refs[i].urn, sizeof(refs[i].urn), "%s", PQgetvalue(res, i, 0));
		snprintf(refs[i].id, sizeof(refs[i].id), "%s", PQgetvalue(res, i, 1));
	}
	/* Sorted here, byte by byte, so lookups never depend on a collation. */
	qsort(refs, (size_t)n, sizeof(*refs), cmp_ref);
	*refs_out = refs;
	*n_out = (size_t)n;
	refs = NULL;
	rc = 0;
out:
	free(refs);
	PQclear(res);
	hearth_tx_end(tx);
	return rc;
}

/* What one row did, kept until its commit succeeds. */
struct row_outcome {
	int changed, has_inspection, recorded, differs;
	struct ofsted_setting_change change;
	struct ofsted_inspection_note note;
};

/* A problem in one line: its field errors when it has some, else its detail. */
static void reason_of(const struct hearth_problem *p, char *out, size_t cap)
{
	size_t used = 0;

	if (p->n_errors == 0) {
		snprintf(out, cap, "the database refused the row: %s", p->detail);
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; i < p->n_errors && used < cap; i++) {
		int n = snprintf(out + used, cap - used, "%s%s %s", i ? "; " : "",
				 p->errors[i].field, p->errors[i].message);
		used += n > 0 ? (size_t)n : 0;
	}
}

static json_t *judgements_of(const struct ofsted_row *row)
{
	json_t *j = json_object();

	for (int i = 0; j && i < row->n_judgements; i++)
		if (json_object_set_new(j, row->judgement_name[i],
					json_string(row->judgement_word[i])) != 0) {
			json_decref(j);
			return NULL;
		}
	return j;
}

static int write_setting(struct hearth_tx *tx, const struct ofsted_row *row, const char *id,
			 PGresult *locked, struct row_outcome *o, struct hearth_problem *p)
{
	const char *old_status = PQgetvalue(locked, 0, 2);
	int old_places = PQgetisnull(locked, 0, 3) ? -1 : atoi(PQgetvalue(locked, 0, 3));
	char places[16], path[96];
	const char *params[3] = { id, row->status, NULL };
	json_t *doc = NULL;
	PGresult *res = NULL;
	int rc = -1;

	if (strcmp(old_status, row->status) == 0 && (row->places < 0 || row->places == old_places))
		return 0;
	if (row->places >= 0) {
		snprintf(places, sizeof(places), "%d", row->places);
		params[2] = places;
	}
	res = hearth_tx_query_sql(tx, update_sql, 3, params, p);
	if (!res || PQntuples(res) != 1 ||
	    !(doc = json_loads(PQgetvalue(res, 0, 0), 0, NULL))) {
		if (res && !p->status)
			hearth_problem_set(p, 500, "internal", "The setting could not be read back.");
		goto out;
	}
	snprintf(path, sizeof(path), "/v1/settings/%s", id);
	struct hearth_audit_entry audit = { "PATCH", path, "setting", id, 200 };
	if (hearth_audit_queue(tx, &audit, p) != 0 ||
	    hearth_outbox_queue(tx, "providers.setting.updated", "setting", id, doc, p) != 0 ||
	    (strcmp(old_status, row->status) != 0 &&
	     hearth_outbox_queue(tx, status_event(row->status), "setting", id, doc, p) != 0))
		goto out;
	o->changed = 1;
	o->change.status = row->status;
	o->change.places = json_is_integer(json_object_get(doc, "registered_places"))
				   ? (int)json_integer_value(json_object_get(doc, "registered_places"))
				   : -1;
	rc = 0;
out:
	json_decref(doc);
	PQclear(res);
	return rc;
}

/* The inspection, unless the setting already has one of that type that day.
 * -1 with p; a vocabulary refusal is a 400 problem naming the judgement. */
static int write_inspection(struct hearth_tx *tx, const struct ofsted_row *row, const char *id,
			    const char *setting_type, struct row_outcome *o,
			    struct hearth_problem *p)
{
	json_t *judgements = judgements_of(row), *doc = NULL;
	char *judgements_text = NULL;
	PGresult *res = NULL;
	int rc = -1;

	if (!judgements || !(judgements_text = json_dumps(judgements, JSON_COMPACT))) {
		hearth_problem_out_of_memory(p);
		goto out;
	}
	if (qa_judgements_check(judgements, qa_vocabulary_for("ofsted", setting_type,
							      row->inspection_type),
				"ofsted", setting_type, row->inspection_type, p) != 0) {
		goto out;
	}
	o->has_inspection = 1;
	const char *look[4] = { id, row->inspection_type, row->inspected_on, judgements_text };
	if (hearth_tx_queue_sql(tx, as_qa_sql, 0, NULL, p) != 0 ||
	    !(res = hearth_tx_query_sql(tx, existing_sql, 4, look, p)))
		goto out;
	if (PQntuples(res) == 1) {
		snprintf(o->note.inspection_id, sizeof(o->note.inspection_id), "%s",
			 PQgetvalue(res, 0, 0));
		snprintf(o->note.risk_band, sizeof(o->note.risk_band), "%s", PQgetvalue(res, 0, 2));
		o->differs = strcmp(PQgetvalue(res, 0, 1), "t") != 0;
		rc = 0;
		goto out;
	}
	PQclear(res);
	const char *ins[5] = { id, row->inspection_type, row->inspected_on,
			       row->published_on[0] ? row->published_on : NULL, judgements_text };
	res = hearth_tx_query_sql(tx, insert_sql, 5, ins, p);
	if (!res || PQntuples(res) != 1 || !(doc = json_loads(PQgetvalue(res, 0, 0), 0, NULL))) {
		if (res && !p->status)
			hearth_problem_set(p, 409, "conflict", "The setting is no longer there.");
		goto out;
	}
	snprintf(o->note.inspection_id, sizeof(o->note.inspection_id), "%s", PQgetvalue(res, 0, 1));
	snprintf(o->note.risk_band, sizeof(o->note.risk_band), "%s", PQgetvalue(res, 0, 2));
	struct hearth_audit_entry audit = { "POST", "/v1/inspections", "inspection",
					    o->note.inspection_id, 201 };
	if (hearth_audit_queue(tx, &audit, p) != 0 ||
	    hearth_outbox_queue(tx, "qa.inspection.recorded", "inspection", o->note.inspection_id,
				doc, p) != 0)
		goto out;
	o->recorded = 1;
	rc = 0;
out:
	json_decref(judgements);
	json_decref(doc);
	free(judgements_text);
	PQclear(res);
	return rc;
}

/* Add what a committed (or, dry, rolled back) row did to the summary. */
static int account(struct ofsted_summary *s, const struct row_outcome *o, int dry_run)
{
	struct ofsted_setting_change *c;
	struct ofsted_inspection_note *note;

	s->settings_matched++;
	if (o->changed) {
		if (!(c = OFSTED_PUSH(s->updated)))
			return -1;
		*c = o->change;
	} else {
		s->settings_unchanged++;
	}
	if (!o->has_inspection)
		return 0;
	if (o->recorded) {
		if (!(note = OFSTED_PUSH(s->recorded)))
			return -1;
		*note = o->note;
		if (dry_run)
			note->inspection_id[0] = '\0'; /* rolled back: it names nothing */
		return 0;
	}
	s->inspections_already_recorded++;
	if (o->differs) {
		if (!(note = OFSTED_PUSH(s->differing)))
			return -1;
		*note = o->note;
	}
	return 0;
}

static void outcome_init(struct row_outcome *o, const struct ofsted_row *row, const char *id)
{
	memset(o, 0, sizeof(*o));
	o->change.line = o->note.line = row->line;
	snprintf(o->change.urn, sizeof(o->change.urn), "%s", row->urn);
	snprintf(o->note.urn, sizeof(o->note.urn), "%s", row->urn);
	snprintf(o->change.setting_id, sizeof(o->change.setting_id), "%s", id);
	snprintf(o->note.setting_id, sizeof(o->note.setting_id), "%s", id);
	o->note.inspection_type = row->inspection_type;
	snprintf(o->note.inspected_on, sizeof(o->note.inspected_on), "%s", row->inspected_on);
}

int ofsted_write_row(struct hearth_db_pool *pool, const struct hearth_db_actor *actor,
		     const struct ofsted_row *row, const char *setting_id, int dry_run,
		     struct ofsted_summary *s, struct hearth_problem *p)
{
	struct hearth_tx *tx = NULL;
	struct row_outcome o;
	PGresult *locked = NULL;
	char reason[OFSTED_REASON_MAX];
	const char *params[1] = { setting_id };
	int rc = -1;

	outcome_init(&o, row, setting_id);
	hearth_problem_clear(p);
	if (hearth_tx_begin(pool, actor, HEARTH_TX_READ_WRITE, &tx, p) != 0)
		return -1;
	if (hearth_tx_queue_sql(tx, as_providers_sql, 0, NULL, p) != 0 ||
	    !(locked = hearth_tx_query_sql(tx, lock_sql, 1, params, p)))
		goto refused;
	if (PQntuples(locked) != 1) {
		/* Closed to Ofsted or given another URN since the import began. */
		hearth_problem_set(p, 409, "conflict", "The setting no longer has this URN.");
		goto refused;
	}
	if (write_setting(tx, row, setting_id, locked, &o, p) != 0 ||
	    (row->inspection_type &&
	     write_inspection(tx, row, setting_id, PQgetvalue(locked, 0, 1), &o, p) != 0))
		goto refused;
	if (!dry_run && hearth_tx_commit(tx, p) != 0)
		goto refused;
	rc = account(s, &o, dry_run);
	if (rc != 0)
		hearth_problem_out_of_memory(p);
	goto out;
refused:
	/* An unreachable database, a role the admin cannot take, an organisation
	 * no longer active: the next row would fare no better. */
	if (p->status >= 500 || p->status == 403)
		goto out;
	reason_of(p, reason, sizeof(reason));
	rc = ofsted_summary_bad(s, row->line, row->urn, reason);
	if (rc != 0)
		hearth_problem_out_of_memory(p);
out:
	PQclear(locked);
	hearth_tx_end(tx); /* rolls back whatever was not committed */
	return rc;
}

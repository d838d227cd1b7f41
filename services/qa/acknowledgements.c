/*
 * acknowledgements.c - the councils' acknowledgements of a placement stop:
 * one per organisation (a second is 409), by councils and the consortium team
 * only (a provider organisation gets 403), of a stop in force only (409), and
 * the list of every council that must acknowledge and who has.
 */
#include <string.h>

#include "qa_service.h"

static const struct hearth_field_spec acknowledgement_fields[] = {
	{ .name = "note", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, .max_len = 2000 },
	{ .name = NULL },
};

static void explain_acknowledgement(struct hearth_request *req, struct hearth_tx *tx,
			 const json_t *doc, struct hearth_problem *p)
{
	(void)req;
	(void)doc;
	if (strcmp(p->constraint, "placement_stop_acknowledgements_once") == 0) {
		hearth_problem_set(p, 409, "conflict",
				   "Your organisation has already acknowledged this placement stop.");
	} else if (strcmp(p->constraint, "placement_stop_acknowledgements_by_council") == 0) {
		hearth_problem_clear(p);
		hearth_problem_set(p, 403, "forbidden",
				   "Only councils and the consortium team acknowledge placement stops.");
	} else if (strcmp(p->constraint, "placement_stop_acknowledgements_in_force") == 0) {
		hearth_problem_clear(p);
		hearth_problem_set(p, 409, "conflict",
				   "The placement stop has been lifted; there is nothing to acknowledge.");
	} else if (strcmp(p->constraint, "placement_stop_acknowledgements_stop_fkey") == 0) {
		hearth_problem_clear(p);
		hearth_problem_set(p, 404, "not-found", "No placement_stop with this id.");
	}
}

static const char *const acknowledgement_path_params[] = { "id", NULL };

const struct hearth_resource acknowledgement_resource = {
	.name = "placement_stop_acknowledgement",
	.collection_path = "/v1/placement-stops/{id}/acknowledgements",
	.id_param = "org_id",
	.doc_id_field = "org_id",
	.path_params = acknowledgement_path_params,
	.fields = acknowledgement_fields,
	.stmt_insert = "acknowledgement_insert",
	.stmt_get = "acknowledgement_get",
	.explain = explain_acknowledgement,
};

void acknowledgements_handle_list(struct hearth_request *req)
{
	const char *id = hearth_uuid_param(req, "id");
	const char *params[1] = { id };
	struct hearth_problem p;
	PGresult *res;

	if (!id)
		return;
	hearth_problem_clear(&p);
	if (req->n_query > 0) {
		hearth_problem_field(&p, req->query[0].name, "is not a parameter of this list");
		hearth_respond_problem(req, &p);
		return;
	}
	res = hearth_db_read_statement(req->db, &req->actor, "acknowledgement_list", 1, params, &p);
	if (res && (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)))
		hearth_problem_set(&p, 404, "not-found", "No placement_stop with this id.");
	if (p.status)
		hearth_respond_problem(req, &p);
	else
		hearth_respond_json_text(req, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
}

/* The stop id of the path is checked before the generic handlers use it: a
 * malformed id names nothing (404), like an absent one. */
void acknowledgements_handle_create(struct hearth_request *req)
{
	if (hearth_uuid_param(req, "id"))
		hearth_resource_create(req, &acknowledgement_resource);
}

void acknowledgements_handle_get(struct hearth_request *req)
{
	if (hearth_uuid_param(req, "id"))
		hearth_resource_get(req, &acknowledgement_resource);
}

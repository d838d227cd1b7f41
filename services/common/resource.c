/*
 * resource.c - create, read and merge-patch update of one resource, with
 * idempotency, If-Match, audit and outbox events done the same way everywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/audit.h"
#include "hearth/etag.h"
#include "hearth/idempotency.h"
#include "hearth/log.h"
#include "hearth/merge_patch.h"
#include "hearth/outbox.h"
#include "hearth/resource.h"
#include "hearth/util.h"

#define MAX_SQL_PARAMS 8

const char *hearth_uuid_param(struct hearth_request *req, const char *name)
{
	const char *v = hearth_path_param(req, name);

	if (!v || !hearth_is_uuid(v)) {
		hearth_respond_error(req, 404, "not-found", "No resource lives at this path.");
		return NULL;
	}
	return v;
}

void hearth_respond_doc_version(struct hearth_request *req, int status, const char *doc_text,
				const char *version)
{
	char *end = NULL;
	long long v = version ? strtoll(version, &end, 10) : -1;

	if (version && end && *end == '\0' && v >= 0)
		hearth_set_etag(req, v);
	hearth_respond_json_text(req, status, doc_text);
}

/* A document already parsed for other work (events): its version from there. */
static void respond_parsed_doc(struct hearth_request *req, int status, const char *doc_text,
			       const json_t *doc)
{
	const json_t *version = json_object_get(doc, "version");

	if (json_is_integer(version))
		hearth_set_etag(req, (long long)json_integer_value(version));
	hearth_respond_json_text(req, status, doc_text);
}

void hearth_respond_doc(struct hearth_request *req, int status, const char *doc_text)
{
	json_t *doc = json_loads(doc_text, 0, NULL);
	json_t *version = doc ? json_object_get(doc, "version") : NULL;

	if (json_is_integer(version))
		hearth_set_etag(req, (long long)json_integer_value(version));
	json_decref(doc);
	hearth_respond_json_text(req, status, doc_text);
}

int hearth_problem_from_constraint(struct hearth_problem *p,
				   const struct hearth_constraint_field *table)
{
	for (const struct hearth_constraint_field *c = table; c && c->constraint; c++)
		if (strcmp(p->constraint, c->constraint) == 0) {
			hearth_problem_clear(p);
			hearth_problem_field(p, c->field, "%s", c->message);
			return 1;
		}
	return 0;
}

/* A failed write's problem, in the resource's own words where it has them. */
static void explain_failure(struct hearth_request *req, const struct hearth_resource *r,
			    struct hearth_tx *tx, const json_t *doc, struct hearth_problem *p)
{
	if (!hearth_problem_from_constraint(p, r->constraint_fields) && r->explain)
		r->explain(req, tx, doc, p);
}

/* Parameters: `first` values, then the resource's extra path params. */
static int sql_params(struct hearth_request *req, const struct hearth_resource *r,
		      const char **params, const char *const *first, int n_first)
{
	int n = 0;

	for (; n < n_first; n++)
		params[n] = first[n];
	for (const char *const *pp = r->path_params; pp && *pp && n < MAX_SQL_PARAMS; pp++)
		params[n++] = hearth_path_param(req, *pp);
	return n;
}

/* "/v1/frameworks/{id}/members" with the request's params, plus "/" + id. */
static void location_of(struct hearth_request *req, const struct hearth_resource *r,
			const char *id, char *out, size_t len)
{
	size_t used = 0;
	const char *t = r->collection_path;

	while (*t && used + 1 < len) {
		if (*t == '{') {
			const char *close = strchr(t, '}');
			char name[64];
			if (!close)
				break;
			snprintf(name, sizeof(name), "%.*s", (int)(close - t - 1), t + 1);
			const char *v = hearth_path_param(req, name);
			int n = snprintf(out + used, len - used, "%s", v ? v : "");
			used += n > 0 ? (size_t)n : 0;
			t = close + 1;
		} else {
			out[used++] = *t++;
		}
	}
	out[used < len ? used : len - 1] = '\0';
	if (used < len)
		snprintf(out + used, len - used, "/%s", id);
}

static const char *doc_id(const json_t *doc, const struct hearth_resource *r)
{
	return json_string_value(json_object_get(doc, r->doc_id_field ? r->doc_id_field : "id"));
}

static int emit(struct hearth_tx *tx, const struct hearth_resource *r, const char *verb,
		const char *id, const json_t *doc, struct hearth_problem *p)
{
	char type[128];

	if (!r->event_prefix)
		return 0;
	snprintf(type, sizeof(type), "%s.%s", r->event_prefix, verb);
	return hearth_outbox_queue(tx, type, r->name, id, doc, p);
}

int hearth_resource_idempotency(struct hearth_request *req, struct hearth_tx *tx, const char *key,
				struct hearth_problem *p)
{
	struct hearth_idem_replay replay = { 0, NULL, NULL };
	int rc = -1;

	if (!key)
		return 0;
	if (hearth_idem_key_check(key, p) != 0)
		return -1;
	switch (hearth_idem_claim(tx, key, req->method, req->path, req->body, req->body_len, &replay, p)) {
	case HEARTH_IDEM_NEW:
		rc = 0;
		break;
	case HEARTH_IDEM_REPLAY:
		if (replay.location)
			hearth_set_header(req, "Location", replay.location);
		hearth_set_header(req, "Idempotent-Replayed", "true");
		hearth_respond_doc(req, replay.status, replay.body);
		rc = 1;
		break;
	case HEARTH_IDEM_MISMATCH:
	case HEARTH_IDEM_ERROR:
		break;
	}
	hearth_idem_replay_release(&replay);
	return rc;
}

void hearth_resource_create(struct hearth_request *req, const struct hearth_resource *r)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	const char *key = hearth_header(req, "Idempotency-Key");
	const char *params[MAX_SQL_PARAMS];
	char *body_text = NULL, location[512];
	json_t *created = NULL;
	PGresult *res = NULL;
	int n, claimed;

	hearth_problem_clear(&p);
	hearth_idem_key_check(key, &p);
	if (p.status || hearth_json_validate(req->json, r->fields, HEARTH_VALIDATE_CREATE, &p) != 0 ||
	    (r->check && r->check(req->json, req, &p) != 0))
		goto fail;
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	claimed = hearth_resource_idempotency(req, tx, key, &p);
	if (claimed == 1)
		goto out;
	if (claimed < 0)
		goto fail;
	body_text = json_dumps(req->json, JSON_COMPACT);
	const char *first[1] = { body_text };
	n = sql_params(req, r, params, first, 1);
	res = hearth_tx_query_named(tx, r->stmt_insert, n, params, &p);
	if (!res || PQntuples(res) != 1) {
		if (res && !p.status)
			hearth_problem_set(&p, 404, "not-found", "The parent resource does not exist.");
		explain_failure(req, r, tx, req->json, &p);
		goto fail;
	}
	created = json_loads(PQgetvalue(res, 0, HEARTH_DOC_COL), 0, NULL);
	if (!created || !doc_id(created, r)) {
		hearth_problem_set(&p, 500, "internal", "The created record could not be read back.");
		goto fail;
	}
	location_of(req, r, doc_id(created, r), location, sizeof(location));
	struct hearth_audit_entry audit = { req->method, req->path, r->name, doc_id(created, r), 201 };
	if (hearth_audit_queue(tx, &audit, &p) != 0 ||
	    emit(tx, r, r->create_verb ? r->create_verb : "created", doc_id(created, r), created, &p) != 0 ||
	    (key && hearth_idem_store(tx, key, 201, location, PQgetvalue(res, 0, 0), &p) != 0) ||
	    hearth_tx_commit(tx, &p) != 0)
		goto fail;
	hearth_set_header(req, "Location", location);
	respond_parsed_doc(req, 201, PQgetvalue(res, 0, HEARTH_DOC_COL), created);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	PQclear(res);
	json_decref(created);
	free(body_text);
}

void hearth_resource_get(struct hearth_request *req, const struct hearth_resource *r)
{
	struct hearth_problem p;
	const char *params[MAX_SQL_PARAMS];
	const char *id = hearth_uuid_param(req, r->id_param ? r->id_param : "id");
	PGresult *res = NULL;
	int n;

	if (!id)
		return;
	hearth_problem_clear(&p);
	const char *first[1] = { id };
	n = sql_params(req, r, params, first, 1);
	if (r->audit_reads) {
		const struct hearth_audited_read how = { .resource = r->name, .subject = id };
		res = hearth_audited_read(req, &how, r->stmt_get, n, params, &p);
	} else {
		res = hearth_db_read_statement_named(req->db, &req->actor, r->stmt_get, n, params, &p);
	}
	if (!res)
		goto fail;
	if (PQntuples(res) != 1) {
		hearth_problem_set(&p, 404, "not-found", "No %s with this id.", r->name);
		goto fail;
	}
	if (PQnfields(res) <= HEARTH_GET_COL_VERSION) {
		hearth_log(HEARTH_LOG_ERROR, "statement \"%s\" returns no version column",
			   r->stmt_get);
		hearth_problem_set(&p, 500, "internal", "Internal error.");
		goto fail;
	}
	/* The version is its own column: the document goes out unparsed. */
	hearth_respond_doc_version(req, 200, PQgetvalue(res, 0, HEARTH_GET_COL_DOC),
				   PQgetisnull(res, 0, HEARTH_GET_COL_VERSION)
					   ? NULL
					   : PQgetvalue(res, 0, HEARTH_GET_COL_VERSION));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(res);
}

/* The writable part of a stored document: only keys of `fields`, nulls left
 * out (null and absent mean the same to a merge patch). */
static json_t *writable_projection(const json_t *doc, const struct hearth_field_spec *fields)
{
	json_t *out = json_object();

	for (const struct hearth_field_spec *f = fields; out && f->name; f++) {
		json_t *v = json_object_get(doc, f->name);
		if (v && !json_is_null(v) && !(f->flags & HJ_READONLY)) {
			json_t *copy = json_deep_copy(v);
			if (json_is_object(copy)) {
				const char *k;
				json_t *item;
				void *tmp;
				json_object_foreach_safe(copy, tmp, k, item)
					if (json_is_null(item))
						json_object_del(copy, k);
			}
			json_object_set_new(out, f->name, copy);
		}
	}
	return out;
}

int hearth_check_if_match(struct hearth_request *req, const char *what, long long current,
			  struct hearth_problem *p)
{
	long long tags[8];
	size_t n = 0;
	enum hearth_if_match kind =
		hearth_if_match_parse(hearth_header(req, "If-Match"), tags, 8, &n);

	if (kind == HEARTH_IF_MATCH_INVALID) {
		hearth_problem_field(p, "If-Match", "must be an entity tag such as \"3\"");
		return -1;
	}
	if (current < 0 && kind != HEARTH_IF_MATCH_ABSENT) {
		hearth_problem_set(p, 412, "precondition-failed",
				   "There is no %s here yet, so If-Match cannot match.", what);
		return -1;
	}
	if (current >= 0 && !hearth_if_match_ok(kind, tags, n, current)) {
		hearth_problem_set(p, 412, "precondition-failed",
				   "The %s has changed (current version %lld); fetch it and try again.",
				   what, current);
		return -1;
	}
	return 0;
}

static const char *status_verb(const struct hearth_resource *r, const json_t *before,
			       const json_t *after)
{
	const char *old = json_string_value(json_object_get(before, "status"));
	const char *now = json_string_value(json_object_get(after, "status"));

	if (!now || (old && strcmp(old, now) == 0))
		return NULL;
	for (const struct hearth_status_verb *v = r->status_verbs; v && v->status; v++)
		if (strcmp(v->status, now) == 0)
			return v->verb;
	return NULL;
}

void hearth_resource_patch(struct hearth_request *req, const struct hearth_resource *r)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	const char *params[MAX_SQL_PARAMS];
	const char *id = hearth_uuid_param(req, r->id_param ? r->id_param : "id");
	json_t *current = NULL, *writable = NULL, *merged = NULL, *updated = NULL;
	char *merged_text = NULL;
	PGresult *locked = NULL, *res = NULL;
	const char *verb;
	int n;

	if (!id)
		return;
	hearth_problem_clear(&p);
	if (hearth_json_validate(req->json, r->fields, HEARTH_VALIDATE_PATCH, &p) != 0)
		goto fail;
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	const char *first_lock[1] = { id };
	n = sql_params(req, r, params, first_lock, 1);
	locked = hearth_tx_query_named(tx, r->stmt_lock, n, params, &p);
	if (!locked)
		goto fail;
	if (PQntuples(locked) != 1) {
		hearth_problem_set(&p, 404, "not-found", "No %s with this id.", r->name);
		goto fail;
	}
	current = json_loads(PQgetvalue(locked, 0, HEARTH_DOC_COL), 0, NULL);
	if (!current) {
		hearth_problem_set(&p, 500, "internal", "The stored record could not be read.");
		goto fail;
	}
	if (hearth_check_if_match(req, r->name,
				  (long long)json_integer_value(json_object_get(current, "version")),
			       &p) != 0)
		goto fail;
	writable = writable_projection(current, r->fields);
	merged = writable ? hearth_merge_patch(writable, req->json) : NULL;
	if (!merged) {
		hearth_problem_out_of_memory(&p);
		goto fail;
	}
	if (hearth_json_validate(merged, r->fields, HEARTH_VALIDATE_CREATE, &p) != 0 ||
	    (r->check && r->check(merged, req, &p) != 0))
		goto fail;
	merged_text = json_dumps(merged, JSON_COMPACT);
	const char *first_update[2] = { id, merged_text };
	n = sql_params(req, r, params, first_update, 2);
	res = hearth_tx_query_named(tx, r->stmt_update, n, params, &p);
	if (!res || PQntuples(res) != 1) {
		if (res && !p.status)
			hearth_problem_set(&p, 404, "not-found", "No %s with this id.", r->name);
		explain_failure(req, r, tx, merged, &p);
		goto fail;
	}
	updated = json_loads(PQgetvalue(res, 0, HEARTH_DOC_COL), 0, NULL);
	struct hearth_audit_entry audit = { req->method, req->path, r->name, id, 200 };
	if (hearth_audit_queue(tx, &audit, &p) != 0)
		goto fail;
	if (!json_equal(json_object_get(updated, "version"), json_object_get(current, "version"))) {
		verb = status_verb(r, current, updated);
		if (emit(tx, r, "updated", id, updated, &p) != 0 ||
		    (verb && emit(tx, r, verb, id, updated, &p) != 0))
			goto fail;
	}
	if (hearth_tx_commit(tx, &p) != 0)
		goto fail;
	respond_parsed_doc(req, 200, PQgetvalue(res, 0, HEARTH_DOC_COL), updated);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	PQclear(locked);
	PQclear(res);
	json_decref(current);
	json_decref(writable);
	json_decref(merged);
	json_decref(updated);
	free(merged_text);
}

void hearth_handle_create(struct hearth_request *req)
{
	hearth_resource_create(req, req->route_data);
}

void hearth_handle_get(struct hearth_request *req)
{
	hearth_resource_get(req, req->route_data);
}

void hearth_handle_patch(struct hearth_request *req)
{
	hearth_resource_patch(req, req->route_data);
}

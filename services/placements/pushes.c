/*
 * pushes.c - council pushes (API.md §4): PUT and GET
 * /v1/placements/by-ref/{external_ref}, and POST /v1/placements/batch.
 *
 * A push payload is a placement plus its child {local_ref, birth_month,
 * gender, legal_status}; the child is found or created by local_ref and the
 * placement by external_ref, both in the caller's organisation. Payloads are
 * validated here, with the same fields and rules as the placement and child
 * resources; the database function upsert_placements() (migrations 003, 010)
 * stores a PUT's item in a subtransaction of its own, and
 * upsert_placements_set() (015) a batch chunk in a few set-based statements,
 * falling back to the first, item by item, for a chunk with an item in error
 * or whose outcome could depend on the order of its items. Both answer per
 * item created / updated / unchanged / error, alike. A push that changes nothing writes
 * nothing: no version moves. Domain events come from the tables' triggers.
 *
 * Outcome: "created" when the placement is new; "updated" when the placement
 * or its child changed; "unchanged" otherwise.
 *
 * A batch answers 200 with one result per item in request order, even when
 * items failed; a failed item carries its own problem, with fields named
 * "items[<index>].<field>". Valid items go to the database in chunks of
 * PUSH_CHUNK per statement, all in the request's one transaction; before it,
 * the tables' statistics are refreshed while they are young, in a
 * transaction of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/audit.h"
#include "hearth/idempotency.h"
#include "hearth/log.h"
#include "hearth/util.h"
#include "placements_service.h"

/* Items per upsert_placements_set() call: large enough that round trips and
 * the per-statement work do not matter, small enough that one call stays far
 * below the statement timeout and that a chunk falling back to item by item
 * (one item in error) costs little. */
#define PUSH_CHUNK 500
#define PUSH_REF_MAX_CHARS 64
/* The answer of a batch: a result per item, a failed one with its problem
 * (a few hundred bytes each at most). */
#define PUSH_RESULTS_MAX_BYTES ((size_t)PUSH_BATCH_MAX_ITEMS * 4096 + 64)
/* A push names its child by a `child` object instead of child_id. */
#define PUSH_PLACEMENT_FIELDS \
	{ .name = "child", .type = HJ_OBJECT, .flags = HJ_REQUIRED, .fields = child_fields }, \
	PLACEMENT_READONLY("child_id", HJ_UUID), \
	PLACEMENT_FIELDS_COMMON

/* PUT: the reference is the path's; the body may repeat it. */
static const struct hearth_field_spec put_fields[] = {
	{ .name = "external_ref", .type = HJ_STRING, .min_len = 1, .max_len = PUSH_REF_MAX_CHARS },
	PUSH_PLACEMENT_FIELDS,
	{ .name = NULL },
};

static const struct hearth_field_spec batch_item_fields[] = {
	{ .name = "external_ref", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1,
	  .max_len = PUSH_REF_MAX_CHARS },
	PUSH_PLACEMENT_FIELDS,
	{ .name = NULL },
};

/* The placement and child rules, as for the resources; the child's birth
 * month is named child.birth_month, its age at the start start_date. */
static int check_push(const json_t *doc, struct hearth_problem *p)
{
	const json_t *child = json_object_get(doc, "child");
	int rc = placement_check_rules(doc, p);

	if (child_check_birth_month(child, "child.birth_month", p) != 0)
		rc = -1;
	else if (placement_check_child_age(child, doc, "start_date", p) != 0)
		rc = -1;
	return rc;
}

/* 1-64 characters of UTF-8 without control characters. */
static int ref_valid(const char *ref)
{
	size_t chars = 0;

	if (!ref)
		return 0;
	for (const unsigned char *s = (const unsigned char *)ref; *s; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return 0;
		if ((*s & 0xc0) != 0x80)
			chars++;
	}
	return chars >= 1 && chars <= PUSH_REF_MAX_CHARS;
}

/* Turn an item's SQLSTATE and constraint into its problem, naming the field;
 * a child's field is the push's child.<field>. A new placement refused by a
 * placement stop names the stop, asked on `tx` (the item's subtransaction
 * rolled back alone, the push's transaction stands). */
static void explain_item(struct hearth_tx *tx, const json_t *item, const char *sqlstate,
			 const char *constraint, struct hearth_problem *p)
{
	if (strcmp(constraint, PLACEMENT_STOP_CONSTRAINT) == 0) {
		placement_explain_stop(tx, item, p);
		return;
	}
	hearth_problem_clear(p);
	hearth_db_problem_from_sqlstate(sqlstate, constraint, p);
	placement_explain_constraint(p);
	for (size_t e = 0; e < p->n_errors; e++) {
		if (strcmp(p->errors[e].field, "birth_month") == 0)
			snprintf(p->errors[e].field, sizeof(p->errors[e].field), "child.birth_month");
	}
}

/* ---- PUT and GET by reference ------------------------------------------------ */

/* If-Match against the stored placement (locked until commit). A tag on a
 * reference that names nothing yet cannot match: 412. */
static int check_if_match(struct hearth_request *req, struct hearth_tx *tx, const char *ref,
			  struct hearth_problem *p)
{
	const char *params[1] = { ref };
	PGresult *res;
	int rc = -1;

	if (!hearth_header(req, "If-Match"))
		return 0;
	res = hearth_tx_query(tx, "push_lock", 1, params, p);
	if (res)
		rc = hearth_check_if_match(req, "placement",
					   PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10)
							       : -1,
					   p);
	PQclear(res);
	return rc;
}

void pushes_handle_put(struct hearth_request *req)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	const char *ref = hearth_path_param(req, "external_ref");
	const char *body_ref = hearth_json_text(req->json, "external_ref");
	json_t *item = NULL, *items = NULL;
	char *items_text = NULL, location[128];
	PGresult *res = NULL, *answer = NULL;
	int created;

	hearth_problem_clear(&p);
	if (!ref_valid(ref))
		hearth_problem_field(&p, "external_ref",
				     "must be 1 to 64 characters without control characters");
	else if (body_ref && strcmp(body_ref, ref) != 0)
		hearth_problem_field(&p, "external_ref", "must equal the reference in the path");
	if (p.status || hearth_json_validate(req->json, put_fields, HEARTH_VALIDATE_CREATE, &p) != 0 ||
	    check_push(req->json, &p) != 0)
		goto fail;
	item = json_copy(req->json);
	items = json_array();
	if (!item || !items || json_object_set_new(item, "external_ref", json_string(ref)) != 0 ||
	    json_array_append(items, item) != 0 || !(items_text = json_dumps(items, JSON_COMPACT))) {
		hearth_problem_out_of_memory(&p);
		goto fail;
	}
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0 ||
	    check_if_match(req, tx, ref, &p) != 0)
		goto fail;
	const char *params[5] = { items_text, req->actor.tenant_id, req->actor.org_id, req->method,
				  req->path };
	res = hearth_tx_query(tx, "push_upsert", 5, params, &p);
	if (!res)
		goto fail;
	if (PQntuples(res) != 1) {
		hearth_problem_set(&p, 500, "internal", "The push was not stored.");
		goto fail;
	}
	if (strcmp(PQgetvalue(res, 0, PUSH_UPSERT_OUTCOME), "error") == 0) {
		explain_item(tx, req->json, PQgetvalue(res, 0, PUSH_UPSERT_SQLSTATE),
			     PQgetvalue(res, 0, PUSH_UPSERT_CONSTRAINT), &p);
		goto fail;
	}
	const char *answer_params[2] = { PQgetvalue(res, 0, PUSH_UPSERT_ID),
					 PQgetvalue(res, 0, PUSH_UPSERT_OUTCOME) };
	answer = hearth_tx_query(tx, "push_answer", 2, answer_params, &p);
	if (!answer || PQntuples(answer) != 1) {
		if (answer)
			hearth_problem_set(&p, 500, "internal", "The stored push could not be read back.");
		goto fail;
	}
	if (hearth_tx_commit(tx, &p) != 0)
		goto fail;
	created = strcmp(PQgetvalue(res, 0, PUSH_UPSERT_OUTCOME), "created") == 0;
	if (created) {
		snprintf(location, sizeof(location), "/v1/placements/%s",
			 PQgetvalue(res, 0, PUSH_UPSERT_ID));
		hearth_set_header(req, "Location", location);
	}
	hearth_set_etag(req, strtoll(PQgetvalue(answer, 0, PUSH_ANSWER_VERSION), NULL, 10));
	hearth_respond_json_text(req, created ? 201 : 200, PQgetvalue(answer, 0, PUSH_ANSWER_DOC));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	PQclear(res);
	PQclear(answer);
	json_decref(item);
	json_decref(items);
	free(items_text);
}

void pushes_handle_get(struct hearth_request *req)
{
	static const struct hearth_audited_read how = { .resource = "placement",
							.subject_column = 1 };
	struct hearth_problem p;
	const char *ref = hearth_path_param(req, "external_ref");
	const char *params[1] = { ref };
	PGresult *res = NULL;

	hearth_problem_clear(&p);
	if (!ref_valid(ref)) {
		/* A reference that cannot exist names nothing, like an absent one. */
		hearth_problem_set(&p, 404, "not-found", "No placement has this external_ref.");
		goto fail;
	}
	res = hearth_audited_read(req, &how, HEARTH_STMT_USE("push_get", 1), 1, params, &p);
	if (!res)
		goto fail;
	if (PQntuples(res) != 1) {
		hearth_problem_set(&p, 404, "not-found", "No placement has this external_ref.");
		goto fail;
	}
	hearth_respond_doc(req, 200, PQgetvalue(res, 0, 0));
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	PQclear(res);
}

/* ---- batch ------------------------------------------------------------------- */

struct push_item {
	const char *ref;                 /* borrowed from the request body, or NULL */
	struct hearth_problem *problem;  /* malloc'd when the item failed, else NULL */
	const char *outcome;             /* static text once stored */
	char id[37];
	long long version;
};

struct pushes_handle_batch {
	struct push_item *items;
	size_t n;
	size_t *chunk_index;             /* chunk position -> item index */
	const char *body;                /* the request's text, and where each item lies */
	struct push_slice *slices;       /* in it; NULL: serialise the parsed items */
	struct hearth_buf text;          /* a chunk's text, reused */
};

/* Record a failed item: its problem, with fields renamed "items[i].<field>". */
static int item_fail(struct push_item *it, size_t index, const struct hearth_problem *src)
{
	it->problem = malloc(sizeof(*it->problem));
	if (!it->problem)
		return -1;
	*it->problem = *src;
	for (size_t e = 0; e < it->problem->n_errors; e++) {
		char field[sizeof(it->problem->errors[e].field)];
		snprintf(field, sizeof(field), "items[%zu].%s", index, it->problem->errors[e].field);
		memcpy(it->problem->errors[e].field, field, sizeof(field));
	}
	if (it->problem->n_errors == 0 && it->problem->status == 400) {
		char field[32];
		snprintf(field, sizeof(field), "items[%zu]", index);
		hearth_problem_add_error(it->problem, field, "is invalid");
	}
	it->outcome = "error";
	return 0;
}

static uint32_t ref_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Validate every item; a later item repeating an earlier external_ref fails
 * (one reference, one placement: which of the two would win is not obvious). */
static int validate_items(struct pushes_handle_batch *b, const json_t *items, struct hearth_problem *p)
{
	enum { SLOTS = 32768 }; /* a power of two above twice the item limit */
	long *slots = malloc(SLOTS * sizeof(*slots));
	struct hearth_problem ip;

	if (!slots)
		return -1;
	for (size_t s = 0; s < SLOTS; s++)
		slots[s] = -1;
	for (size_t i = 0; i < b->n; i++) {
		const json_t *item = json_array_get(items, i);
		struct push_item *it = &b->items[i];

		hearth_problem_clear(&ip);
		it->ref = hearth_json_text(item, "external_ref");
		if (!json_is_object(item))
			hearth_problem_field(&ip, "", "must be an object");
		else if (hearth_json_validate(item, batch_item_fields, HEARTH_VALIDATE_CREATE, &ip) == 0 &&
			 check_push(item, &ip) == 0) {
			uint32_t s = ref_hash(it->ref) & (SLOTS - 1);
			while (slots[s] >= 0 && strcmp(b->items[slots[s]].ref, it->ref) != 0)
				s = (s + 1) & (SLOTS - 1);
			if (slots[s] >= 0)
				hearth_problem_field(&ip, "external_ref",
						     "repeats the external_ref of items[%ld]", slots[s]);
			else
				slots[s] = (long)i;
		}
		if (ip.status && item_fail(it, i, &ip) != 0) {
			free(slots);
			hearth_problem_out_of_memory(p);
			return -1;
		}
	}
	free(slots);
	return 0;
}

/* "items[3]." with an empty field means the item itself: drop the dot. */
static void tidy_item_fields(struct pushes_handle_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct hearth_problem *p = b->items[i].problem;
		for (size_t e = 0; p && e < p->n_errors; e++) {
			size_t len = strlen(p->errors[e].field);
			if (len && p->errors[e].field[len - 1] == '.')
				p->errors[e].field[len - 1] = '\0';
		}
	}
}

/* The text of the chunk of items [from, to) still pending, as a JSON array,
 * into b->text; their indexes into b->chunk_index. Returns how many, or -1
 * when out of memory. */
static long chunk_text(struct pushes_handle_batch *b, const json_t *items, size_t from, size_t to)
{
	json_t *chunk = NULL;
	char *dumped = NULL;
	size_t n = 0;
	int rc;

	hearth_buf_reset(&b->text);
	rc = hearth_buf_add(&b->text, "[", 1);
	if (!b->slices && !(chunk = json_array()))
		rc = -1;
	for (size_t i = from; rc == 0 && i < to; i++) {
		if (b->items[i].problem)
			continue;
		if (b->slices)
			rc = (n ? hearth_buf_add(&b->text, ",", 1) : 0) ||
			     hearth_buf_add(&b->text, b->body + b->slices[i].off, b->slices[i].len);
		else
			rc = json_array_append(chunk, json_array_get(items, i));
		b->chunk_index[n++] = i;
	}
	if (rc == 0 && chunk) {
		/* Not found in the text: the parsed items, serialised again. */
		hearth_buf_reset(&b->text);
		rc = (dumped = json_dumps(chunk, JSON_COMPACT)) ? hearth_buf_addstr(&b->text, dumped) : -1;
	} else if (rc == 0) {
		rc = hearth_buf_add(&b->text, "]", 1);
	}
	free(dumped);
	json_decref(chunk);
	return rc == 0 ? (long)n : -1;
}

/* Send one chunk (items [from, to) that are still pending) and record results. */
static int store_chunk(struct hearth_request *req, struct hearth_tx *tx, struct pushes_handle_batch *b,
		       const json_t *items, size_t from, size_t to, struct hearth_problem *p)
{
	PGresult *res = NULL;
	long got = chunk_text(b, items, from, to);
	size_t n;
	int rc = -1;

	if (got < 0)
		goto oom;
	n = (size_t)got;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	const char *text = b->text.data;
	const char *params[5] = { text, req->actor.tenant_id, req->actor.org_id, req->method,
				  req->path };
	res = hearth_tx_query(tx, "push_upsert_set", 5, params, p);
	if (!res)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		long ord = strtol(PQgetvalue(res, r, PUSH_UPSERT_ORD), NULL, 10);
		if (ord < 1 || (size_t)ord > n)
			continue;
		size_t i = b->chunk_index[ord - 1];
		struct push_item *it = &b->items[i];
		if (strcmp(PQgetvalue(res, r, PUSH_UPSERT_OUTCOME), "error") == 0) {
			struct hearth_problem ip;
			explain_item(tx, json_array_get(items, i), PQgetvalue(res, r, PUSH_UPSERT_SQLSTATE),
				     PQgetvalue(res, r, PUSH_UPSERT_CONSTRAINT), &ip);
			if (item_fail(it, i, &ip) != 0)
				goto oom;
			continue;
		}
		const char *o = PQgetvalue(res, r, PUSH_UPSERT_OUTCOME);
		it->outcome = strcmp(o, "created") == 0 ? "created"
			      : strcmp(o, "updated") == 0 ? "updated" : "unchanged";
		snprintf(it->id, sizeof(it->id), "%s", PQgetvalue(res, r, PUSH_UPSERT_ID));
		it->version = strtoll(PQgetvalue(res, r, PUSH_UPSERT_VERSION), NULL, 10);
	}
	rc = 0;
	goto out;
oom:
	hearth_problem_out_of_memory(p);
out:
	PQclear(res);
	return rc;
}

/* {"results": [...]} in request order, as text (for the answer and the
 * idempotency record), written as Jansson would write the same values. NULL
 * when out of memory. */
static char *results_text(const struct pushes_handle_batch *b)
{
	struct hearth_buf out = HEARTH_BUF_INIT(PUSH_RESULTS_MAX_BYTES);
	int rc = hearth_buf_addstr(&out, "{\"results\":[");

	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		const struct push_item *it = &b->items[i];
		json_t *problem;
		char *text;

		rc = hearth_buf_addstr(&out, i ? ",{\"external_ref\":" : "{\"external_ref\":");
		if (rc == 0)
			rc = it->ref ? push_json_string(&out, it->ref) : hearth_buf_addstr(&out, "null");
		if (rc != 0)
			break;
		if (!it->problem) {
			rc = hearth_buf_printf(&out, ",\"outcome\":\"%s\",\"id\":\"%s\",\"version\":%lld,"
					       "\"problem\":null}",
					       it->outcome ? it->outcome : "error", it->id, it->version);
			continue;
		}
		problem = hearth_problem_to_json(it->problem, NULL, NULL);
		text = problem ? json_dumps(problem, JSON_COMPACT) : NULL;
		rc = text ? hearth_buf_printf(&out, ",\"outcome\":\"%s\",\"id\":null,\"version\":null,"
					      "\"problem\":%s}",
					      it->outcome ? it->outcome : "error", text)
			  : -1;
		free(text);
		json_decref(problem);
	}
	if (rc == 0)
		rc = hearth_buf_addstr(&out, "]}");
	if (rc != 0) {
		hearth_buf_release(&out);
		return NULL;
	}
	return hearth_buf_take(&out, NULL);
}

const struct hearth_json_bounds push_batch_bounds = {
	.max_depth = PUSH_BATCH_MAX_DEPTH,
	.max_values = (size_t)PUSH_BATCH_MAX_ITEMS * PUSH_BATCH_VALUES_PER_ITEM + 16,
	.array_member = "items",
	.max_array_items = PUSH_BATCH_MAX_ITEMS,
};

/* Statistics for the planner while the tables are young (see migration 005),
 * in a short transaction of its own before the push's: never inside the
 * push, where ANALYZE's lock would last until it commits and stall other
 * tenants' pushes. The function skips a table another ANALYZE holds, so this
 * never waits. Statistics only help: a failure here is ignored. */
static void refresh_statistics(struct hearth_request *req)
{
	struct hearth_problem ignored;
	struct hearth_tx *tx = NULL;
	PGresult *res = NULL;

	hearth_problem_clear(&ignored);
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &ignored) == 0 &&
	    (res = hearth_tx_query(tx, "push_refresh_statistics", 0, NULL, &ignored)) != NULL &&
	    hearth_tx_commit(tx, &ignored) != 0)
		hearth_log(HEARTH_LOG_INFO, "push statistics were not refreshed: %s", ignored.detail);
	PQclear(res);
	hearth_tx_end(tx);
}

/* The body: {"items": [...]}, at most PUSH_BATCH_MAX_ITEMS. */
static const json_t *batch_items(const json_t *body, struct hearth_problem *p)
{
	const char *key;
	const json_t *v, *items = json_object_get(body, "items");

	json_object_foreach((json_t *)body, key, v)
		if (strcmp(key, "items") != 0)
			hearth_problem_field(p, key, "is not a field of a batch");
	if (!items)
		hearth_problem_field(p, "items", "is required");
	else if (!json_is_array(items))
		hearth_problem_field(p, "items", "must be an array of push payloads");
	else if (json_array_size(items) > PUSH_BATCH_MAX_ITEMS)
		hearth_problem_field(p, "items", "must hold at most %d items, not %zu",
				     PUSH_BATCH_MAX_ITEMS, json_array_size(items));
	return p->status ? NULL : items;
}

void pushes_handle_batch(struct hearth_request *req)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	struct pushes_handle_batch b = { .text = HEARTH_BUF_INIT(2 * req->body_len + 64) };
	const char *key = hearth_header(req, "Idempotency-Key");
	const json_t *items;
	char *text = NULL;
	int claimed;

	hearth_problem_clear(&p);
	hearth_idem_key_check(key, &p);
	items = batch_items(req->json, &p);
	if (!items)
		goto fail;
	b.n = json_array_size(items);
	b.items = calloc(b.n ? b.n : 1, sizeof(*b.items));
	b.chunk_index = calloc(PUSH_CHUNK, sizeof(*b.chunk_index));
	if (!b.items || !b.chunk_index) {
		hearth_problem_out_of_memory(&p);
		goto fail;
	}
	if (validate_items(&b, items, &p) != 0)
		goto fail;
	b.body = req->body;
	b.slices = calloc(b.n ? b.n : 1, sizeof(*b.slices));
	if (b.slices && (!req->body || push_slices_find(req->body, req->body_len, b.slices, b.n) != 0)) {
		hearth_log(HEARTH_LOG_INFO, "batch: items not found in the body's text; serialising them");
		free(b.slices);
		b.slices = NULL;
	}
	refresh_statistics(req);
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	claimed = hearth_resource_idempotency(req, tx, key, &p);
	if (claimed == 1)
		goto out;
	if (claimed < 0)
		goto fail;
	for (size_t from = 0; from < b.n; from += PUSH_CHUNK)
		if (store_chunk(req, tx, &b, items, from, b.n - from < PUSH_CHUNK ? b.n : from + PUSH_CHUNK,
				&p) != 0)
			goto fail;
	tidy_item_fields(&b);
	if (!(text = results_text(&b))) {
		hearth_problem_out_of_memory(&p);
		goto fail;
	}
	/* The request's own row; the items' rows come from upsert_placements_set(). */
	struct hearth_audit_entry audit = { req->method, req->path, "placement", NULL, 200 };
	if (hearth_audit_queue(tx, &audit, &p) != 0 ||
	    (key && hearth_idem_store(tx, key, 200, NULL, text, &p) != 0) ||
	    hearth_tx_commit(tx, &p) != 0)
		goto fail;
	hearth_respond_json_text(req, 200, text);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	for (size_t i = 0; i < b.n; i++)
		free(b.items[i].problem);
	free(b.items);
	free(b.chunk_index);
	free(b.slices);
	hearth_buf_release(&b.text);
	free(text);
}

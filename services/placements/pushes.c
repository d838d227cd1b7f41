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
 *
 * The route takes its body as text (HEARTH_ROUTE_JSON_TEXT): the items are
 * found in it, and each chunk's items are parsed and validated while the
 * database stores the chunk before (pipelined: on two cores the parse no
 * longer adds to the time the database takes), then freed. A body the text
 * reading does not take, or one whose item does not parse, is parsed whole
 * and answered exactly as before (the parser's 400, or the same results).
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
	char *ref;                       /* a copy of the item's external_ref, or NULL */
	struct hearth_problem *problem;  /* malloc'd when the item failed, else NULL */
	const char *outcome;             /* static text once stored */
	char id[37];
	long long version;
};

struct pushes_handle_batch {
	struct push_item *items;
	json_t **json;                   /* each item's parsed value (NULL once freed) */
	int owns_json;                   /* parsed here, item by item: decref'd here */
	size_t parsed;                   /* items [0, parsed) parsed here (and fine) */
	size_t n;
	size_t *chunk_index;             /* chunk position -> item index */
	const char *body;                /* the request's text, and where each item lies */
	struct push_slice *slices;       /* in it; NULL: serialise the parsed items */
	struct hearth_buf text;          /* a chunk's text, reused */
	long *ref_slots;                 /* open addressing over refs, for repeats */
};

/* A power of two above twice the item limit. */
#define REF_SLOTS 32768

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

/* Validate item i; a later item repeating an earlier external_ref fails (one
 * reference, one placement: which of the two would win is not obvious). Items
 * are validated in request order. Returns 0, or -1 when out of memory. */
static int validate_item(struct pushes_handle_batch *b, size_t i)
{
	const json_t *item = b->json[i];
	struct push_item *it = &b->items[i];
	const char *ref = hearth_json_text(item, "external_ref");
	struct hearth_problem ip;

	hearth_problem_clear(&ip);
	if (ref && !(it->ref = strdup(ref)))
		return -1;
	if (!json_is_object(item))
		hearth_problem_field(&ip, "", "must be an object");
	else if (hearth_json_validate(item, batch_item_fields, HEARTH_VALIDATE_CREATE, &ip) == 0 &&
		 check_push(item, &ip) == 0) {
		uint32_t s = ref_hash(it->ref) & (REF_SLOTS - 1);
		while (b->ref_slots[s] >= 0 && strcmp(b->items[b->ref_slots[s]].ref, it->ref) != 0)
			s = (s + 1) & (REF_SLOTS - 1);
		if (b->ref_slots[s] >= 0)
			hearth_problem_field(&ip, "external_ref", "repeats the external_ref of items[%ld]",
					     b->ref_slots[s]);
		else
			b->ref_slots[s] = (long)i;
	}
	return ip.status ? item_fail(it, i, &ip) : 0;
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
static long chunk_text(struct pushes_handle_batch *b, size_t from, size_t to)
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
			rc = json_array_append(chunk, b->json[i]);
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

/* Start one chunk (items [from, to) that are still pending): the database
 * stores it while the caller reads the next. *sent is how many it holds (0:
 * nothing started). Returns 0, or -1 with the problem. */
static int start_chunk(struct hearth_request *req, struct hearth_tx *tx,
		       struct pushes_handle_batch *b, size_t from, size_t to, size_t *sent,
		       struct hearth_problem *p)
{
	long got = chunk_text(b, from, to);

	*sent = 0;
	if (got < 0) {
		hearth_problem_out_of_memory(p);
		return -1;
	}
	if (got == 0)
		return 0;
	const char *params[5] = { b->text.data, req->actor.tenant_id, req->actor.org_id,
				  req->method, req->path };
	if (hearth_tx_query_start(tx, "push_upsert_set", 5, params, p) != 0)
		return -1;
	*sent = (size_t)got;
	return 0;
}

/* Collect the started chunk of n items and record each item's result. */
static int finish_chunk(struct hearth_tx *tx, struct pushes_handle_batch *b, size_t n,
			struct hearth_problem *p)
{
	PGresult *res = hearth_tx_query_wait(tx, p);
	int rc = -1;

	if (!res)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long ord = strtol(PQgetvalue(res, r, PUSH_UPSERT_ORD), NULL, 10);
		if (ord < 1 || (size_t)ord > n)
			continue;
		size_t i = b->chunk_index[ord - 1];
		struct push_item *it = &b->items[i];
		if (strcmp(PQgetvalue(res, r, PUSH_UPSERT_OUTCOME), "error") == 0) {
			struct hearth_problem ip;
			explain_item(tx, b->json[i], PQgetvalue(res, r, PUSH_UPSERT_SQLSTATE),
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

/* Items parsed here are done with once their chunk is stored. */
static void drop_json(struct pushes_handle_batch *b, size_t from, size_t to)
{
	if (!b->owns_json)
		return;
	for (size_t i = from; i < to; i++) {
		json_decref(b->json[i]);
		b->json[i] = NULL;
	}
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

/* Make the item with index i ready: parsed and validated (when read from the
 * text here). 1 when its text does not parse (then the body is not valid JSON,
 * and only the whole body's parse names where), 0 ready, -1 out of memory. */
static int ready_item(struct pushes_handle_batch *b, size_t i)
{
	if (!b->owns_json)
		return 0; /* a parsed body's items are validated before the push */
	b->json[i] = json_loadb(b->body + b->slices[i].off, b->slices[i].len,
				JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (!b->json[i])
		return 1;
	b->parsed = i + 1;
	return validate_item(b, i) == 0 ? 0 : -1;
}

/* Whether every item read from the text parses (always, for a parsed body):
 * those not parsed yet are tried, and dropped again. */
static int all_items_parse(const struct pushes_handle_batch *b)
{
	for (size_t i = b->parsed; b->owns_json && i < b->n; i++) {
		json_t *v = json_loadb(b->body + b->slices[i].off, b->slices[i].len,
				       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
		if (!v)
			return 0;
		json_decref(v);
	}
	return 1;
}

enum batch_run { BATCH_ANSWERED, BATCH_UNPARSED };

/* The batch of b->n items, each read and validated in request order, chunk
 * by chunk, while the database stores the chunk before (the two take about
 * as long; on two cores they overlap). Answers the request, except when an
 * item's text does not parse: then nothing is answered or kept (the
 * transaction is rolled back) and the caller parses the whole body. */
static enum batch_run run_batch(struct hearth_request *req, struct pushes_handle_batch *b)
{
	struct hearth_problem p;
	struct hearth_tx *tx = NULL;
	const char *key = hearth_header(req, "Idempotency-Key");
	char *text = NULL;
	size_t prev_from = 0, prev_to = 0, prev_sent = 0;
	enum batch_run ran = BATCH_ANSWERED;
	int claimed;

	hearth_problem_clear(&p);
	refresh_statistics(req);
	if (hearth_tx_begin(req->db, &req->actor, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		goto fail;
	/* A replay (answered here) is of a body that parsed: the hash is the body's. */
	claimed = hearth_resource_idempotency(req, tx, key, &p);
	if (claimed == 1)
		goto out;
	if (claimed < 0)
		goto fail;
	for (size_t from = 0; from < b->n; from += PUSH_CHUNK) {
		size_t to = b->n - from < PUSH_CHUNK ? b->n : from + PUSH_CHUNK, sent;

		for (size_t i = from; i < to; i++) {
			int rc = ready_item(b, i);
			if (rc == 1) {
				ran = BATCH_UNPARSED;
				goto out;
			}
			if (rc < 0) {
				hearth_problem_out_of_memory(&p);
				goto fail;
			}
		}
		if (prev_sent && finish_chunk(tx, b, prev_sent, &p) != 0)
			goto fail;
		drop_json(b, prev_from, prev_to);
		if (start_chunk(req, tx, b, from, to, &sent, &p) != 0)
			goto fail;
		prev_from = from, prev_to = to, prev_sent = sent;
	}
	if (prev_sent && finish_chunk(tx, b, prev_sent, &p) != 0)
		goto fail;
	drop_json(b, prev_from, prev_to);
	tidy_item_fields(b);
	if (!(text = results_text(b))) {
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
	/* A body that does not parse was answered 400 before any other check. */
	if (!all_items_parse(b)) {
		ran = BATCH_UNPARSED;
		goto out;
	}
	hearth_respond_problem(req, &p);
out:
	hearth_tx_end(tx);
	free(text);
	return ran;
}

static void batch_release(struct pushes_handle_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->items[i].problem);
		free(b->items[i].ref);
	}
	if (b->json)
		drop_json(b, 0, b->n);
	free(b->json);
	free(b->items);
	free(b->chunk_index);
	free(b->slices);
	free(b->ref_slots);
	hearth_buf_release(&b->text);
	memset(b, 0, sizeof(*b));
}

/* Room for n items; `slices` (malloc'd, where the items lie in the body's
 * text) becomes the batch's, or NULL: room for them. 0, or -1 when out of
 * memory. */
static int batch_alloc(struct pushes_handle_batch *b, size_t n, size_t body_len,
		       struct push_slice *slices)
{
	b->n = n;
	b->text = (struct hearth_buf)HEARTH_BUF_INIT(2 * body_len + 64);
	b->items = calloc(n ? n : 1, sizeof(*b->items));
	b->json = calloc(n ? n : 1, sizeof(*b->json));
	b->slices = slices ? slices : calloc(n ? n : 1, sizeof(*b->slices));
	b->chunk_index = calloc(PUSH_CHUNK, sizeof(*b->chunk_index));
	b->ref_slots = malloc(REF_SLOTS * sizeof(*b->ref_slots));
	if (!b->items || !b->json || !b->slices || !b->chunk_index || !b->ref_slots)
		return -1;
	for (size_t s = 0; s < REF_SLOTS; s++)
		b->ref_slots[s] = -1;
	return 0;
}

/* The body read item by item from its text (HEARTH_ROUTE_JSON_TEXT), when it
 * is {"items": [...]} spelled so and the Idempotency-Key is well-formed.
 * Returns 1 when answered, 0 when the whole body must be parsed instead
 * (nothing was answered or kept). */
static int batch_from_text(struct hearth_request *req)
{
	struct hearth_problem p;
	struct pushes_handle_batch b;
	struct push_slice *slices;
	long n;
	int answered = 0;

	memset(&b, 0, sizeof(b));
	hearth_problem_clear(&p);
	hearth_idem_key_check(hearth_header(req, "Idempotency-Key"), &p);
	if (p.status || !req->body)
		return 0;
	slices = malloc(PUSH_BATCH_MAX_ITEMS * sizeof(*slices));
	n = slices ? push_items_find(req->body, req->body_len, slices, PUSH_BATCH_MAX_ITEMS) : -1;
	if (n < 0) {
		free(slices);
		return 0;
	}
	/* The slices are the batch's from here, allocated or not. */
	if (batch_alloc(&b, (size_t)n, req->body_len, slices) == 0) {
		b.body = req->body;
		b.owns_json = 1;
		answered = run_batch(req, &b) == BATCH_ANSWERED;
	} else {
		hearth_problem_out_of_memory(&p);
		hearth_respond_problem(req, &p);
		answered = 1;
	}
	batch_release(&b);
	return answered;
}

/* The body parsed whole (a body that is not {"items": [...]} as the text path
 * reads it, or one of its items does not parse). */
static void batch_from_tree(struct hearth_request *req, const json_t *body)
{
	struct hearth_problem p;
	struct pushes_handle_batch b;
	const json_t *items;

	memset(&b, 0, sizeof(b));
	hearth_problem_clear(&p);
	hearth_idem_key_check(hearth_header(req, "Idempotency-Key"), &p);
	items = batch_items(body, &p);
	if (!items)
		goto fail;
	if (batch_alloc(&b, json_array_size(items), req->body_len, NULL) != 0) {
		hearth_problem_out_of_memory(&p);
		goto fail;
	}
	for (size_t i = 0; i < b.n; i++)
		b.json[i] = json_array_get(items, i);
	b.body = req->body;
	if (!req->body || push_slices_find(req->body, req->body_len, b.slices, b.n) != 0) {
		hearth_log(HEARTH_LOG_INFO, "batch: items not found in the body's text; serialising them");
		free(b.slices);
		b.slices = NULL;
	}
	/* Validated up front: the items are parsed already. */
	for (size_t i = 0; i < b.n; i++)
		if (validate_item(&b, i) != 0) {
			hearth_problem_out_of_memory(&p);
			goto fail;
		}
	run_batch(req, &b);
	goto out;
fail:
	hearth_respond_problem(req, &p);
out:
	batch_release(&b);
}

void pushes_handle_batch(struct hearth_request *req)
{
	struct hearth_problem p;
	json_t *parsed = NULL;

	if (req->json) {
		batch_from_tree(req, req->json);
		return;
	}
	if (batch_from_text(req))
		return;
	hearth_problem_clear(&p);
	if (hearth_json_parse_body(req->body, req->body_len, &parsed, &p) != 0) {
		hearth_respond_problem(req, &p);
		return;
	}
	batch_from_tree(req, parsed);
	json_decref(parsed);
}

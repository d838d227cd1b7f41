/*
 * placements_service.h - what the placements service's files share: the route table,
 * the statement tables of each repo file, and the resource descriptors.
 */
#ifndef HEARTH_PLACEMENTS_SERVICE_H
#define HEARTH_PLACEMENTS_SERVICE_H

#include "hearth/buf.h"
#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"

extern const struct hearth_route placements_routes[];
extern const struct hearth_stmt_def *const placements_statements[];

/* placement_rules.c: the vocabulary and the rules shared by the resources
 * and the council pushes. */
extern const char *const placement_types[];
extern const char *const placement_provisions[];
extern const char *const placement_sourcings[];
extern const char *const placement_end_reasons[];
extern const char *const child_genders[];
extern const char *const child_legal_statuses[];
extern const struct hearth_field_spec child_fields[];
extern const struct hearth_field_spec placement_contribution_fields[];

#define PLACEMENT_PENCE(n) { .name = n, .type = HJ_INT, .flags = HJ_NULLABLE, .min = 0, \
			     .max = 9007199254740991.0, .has_range = 1 }
#define PLACEMENT_READONLY(n, t) { .name = n, .type = t, .flags = HJ_READONLY }

/* The writable fields of a placement but for how it names its child (child_id
 * on the resource, a `child` object in a push) and external_ref, followed by
 * the read-only ones. For use inside a field-spec table initialiser. */
#define PLACEMENT_FIELDS_COMMON \
	{ .name = "provider_id", .type = HJ_UUID, .flags = HJ_NULLABLE }, \
	{ .name = "setting_id", .type = HJ_UUID, .flags = HJ_NULLABLE }, \
	{ .name = "placement_type", .type = HJ_STRING, .flags = HJ_REQUIRED, \
	  .enum_values = placement_types }, \
	{ .name = "provision", .type = HJ_STRING, .flags = HJ_REQUIRED, \
	  .enum_values = placement_provisions }, \
	{ .name = "sourcing", .type = HJ_STRING, .flags = HJ_NULLABLE, \
	  .enum_values = placement_sourcings }, \
	{ .name = "contract_id", .type = HJ_UUID, .flags = HJ_NULLABLE }, \
	{ .name = "framework_id", .type = HJ_UUID, .flags = HJ_NULLABLE }, \
	{ .name = "start_date", .type = HJ_DATE, .flags = HJ_REQUIRED }, \
	{ .name = "end_date", .type = HJ_DATE, .flags = HJ_NULLABLE }, \
	{ .name = "end_reason", .type = HJ_STRING, .flags = HJ_NULLABLE, \
	  .enum_values = placement_end_reasons }, \
	PLACEMENT_PENCE("weekly_cost_pence"), \
	{ .name = "contributions", .type = HJ_OBJECT, .flags = HJ_NULLABLE, \
	  .fields = placement_contribution_fields }, \
	{ .name = "distance_reason", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, \
	  .max_len = 500 }, \
	{ .name = "stop_override_reason", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1, \
	  .max_len = 500 }, \
	PLACEMENT_READONLY("id", HJ_UUID), \
	PLACEMENT_READONLY("org_id", HJ_UUID), \
	PLACEMENT_READONLY("distance_miles", HJ_NUMBER), \
	PLACEMENT_READONLY("is_local", HJ_BOOL), \
	PLACEMENT_READONLY("status", HJ_STRING), \
	PLACEMENT_READONLY("ipa_status", HJ_STRING), \
	PLACEMENT_READONLY("ipa_version", HJ_INT), \
	PLACEMENT_READONLY("version", HJ_INT), \
	PLACEMENT_READONLY("created_at", HJ_TIMESTAMP), \
	PLACEMENT_READONLY("updated_at", HJ_TIMESTAMP)

/* birth_month of `child` not in the future (history is fine: the age limit
 * is checked against each placement); the error names `field`. 0, or -1 with
 * the field error on p. */
int child_check_birth_month(const json_t *child, const char *field, struct hearth_problem *p);
/* The child under 26 on the placement's start_date (age from the first of its
 * birth month, as the reports count it); the error names `field`. The database
 * enforces the same rule (migration 006) where C cannot see both dates. 0, or
 * -1 with the field error on p. */
int placement_check_child_age(const json_t *child, const json_t *doc, const char *field,
			      struct hearth_problem *p);
/* end_date not before start_date, end_reason exactly with end_date, a provider
 * for external provision. 0, or -1 with every field error on p. */
int placement_check_rules(const json_t *doc, struct hearth_problem *p);
/* A new placement refused by a placement stop in force (constraint
 * placements_stop_in_force, migration 010): the 409 placement-stop-in-force
 * naming the stop, asked again of the database on `tx`, which must be usable
 * (the caller restarts a failed one). `doc` is the refused payload. If the
 * question fails the 409 stands without the stop's id. */
#define PLACEMENT_STOP_CONSTRAINT "placements_stop_in_force"
void placement_explain_stop(struct hearth_tx *tx, const json_t *doc, struct hearth_problem *p);
/* Turn a placement or child constraint violation (p->constraint) into the
 * problem naming its field. 1 when it was one of theirs, else 0 (p untouched). */
int placement_explain_constraint(struct hearth_problem *p);

/* == children, placements, ipas == */
extern const struct hearth_resource child_resource;
extern const struct hearth_resource placement_resource;
extern const struct hearth_resource ipa_resource;
extern const struct hearth_stmt_def child_stmts[];
extern const struct hearth_stmt_def placement_stmts[];
extern const struct hearth_stmt_def ipa_stmts[];

/* A placement's document in the statement that reads the row `p`: with the
 * distance joined in FROM, both parts are inlined into the statement
 * (migration 041), where placement_doc(p) would run a query of its own per
 * row. For reads; writes return placement_doc() of the one row they touch. */
#define PLACEMENT_DOC "placement_doc_of(p, g.miles, g.radius)"
#define PLACEMENT_DISTANCE \
	" LEFT JOIN LATERAL placement_distance(p.tenant_id, p.org_id, p.setting_id) AS g ON true "

/* GET /v1/placements/{id}/ipas: 404 unless the placement is one of the
 * caller's organisation's, then the generic list of its IPA versions. */
void ipas_handle_list(struct hearth_request *req);


/* == by-ref and batch pushes == */
/* pushes.c: PUT/GET /v1/placements/by-ref/{external_ref}, POST /v1/placements/batch. */
void pushes_handle_put(struct hearth_request *req);
void pushes_handle_get(struct hearth_request *req);
void pushes_handle_batch(struct hearth_request *req);
/* pushes_repo.c */
extern const struct hearth_stmt_def push_stmts[];
/* push_text.c: a batch's text, read and written without Jansson trees. */
struct push_slice {
	size_t off;  /* where an element of "items" starts in the body */
	size_t len;  /* its bytes, spaces around it excluded */
};
/* The byte ranges of the n elements of the "items" array in the body's text
 * (the body is an object with that one member, as its parsed value showed).
 * Returns 0, or -1 when the text does not read so; then `out` means nothing. */
int push_slices_find(const char *body, size_t len, struct push_slice *out, size_t n);
/* The same read of a body not parsed yet: {"items": [...]} with the name
 * spelled so, at most cap elements. Returns how many, their ranges in out, or
 * -1 when the text does not read so (then only a parse can tell what it is).
 * Each element's text is only delimited, not checked: parse it. */
long push_items_find(const char *body, size_t len, struct push_slice *out, size_t cap);
/* Append s as a JSON string, escaped as Jansson escapes it. Returns 0, or -1
 * when the buffer's cap or memory runs out (the buffer may hold part of it). */
__attribute__((warn_unused_result))
int push_json_string(struct hearth_buf *b, const char *s);
#define PUSH_BATCH_MAX_ITEMS 10000
/* What a batch body may be, checked on its text before it is parsed: the items
 * count, and depth and values enough for that many push payloads (about 30
 * values each; the validator refuses anything beyond the payload's fields). */
#define PUSH_BATCH_MAX_DEPTH 8
#define PUSH_BATCH_VALUES_PER_ITEM 64
extern const struct hearth_json_bounds push_batch_bounds;
/* placement_overlapping's one row: the other placement's id and dates. */
enum overlapping_column { OVERLAPPING_ID, OVERLAPPING_START, OVERLAPPING_END };

/* push_answer's one row: the answer to a PUT by reference and the placement's
 * version (its ETag). */
enum push_answer_column { PUSH_ANSWER_DOC, PUSH_ANSWER_VERSION };

/* push_upsert's result columns, one row per item (pushes_repo.c). */
enum push_upsert_column {
	PUSH_UPSERT_ORD,
	PUSH_UPSERT_OUTCOME,
	PUSH_UPSERT_ID,
	PUSH_UPSERT_VERSION,
	PUSH_UPSERT_SQLSTATE,
	PUSH_UPSERT_CONSTRAINT,
};

/* == reports == */
/* reports.c: GET /v1/reports/{sufficiency,spend,stability}; any role of a
 * council or a consortium (the scope is decided in SQL); 403 for others. */
void reports_handle_sufficiency(struct hearth_request *req);
void reports_handle_spend(struct hearth_request *req);
void reports_handle_stability(struct hearth_request *req);
/* reports_repo.c */
extern const struct hearth_stmt_def reports_stmts[];

#endif

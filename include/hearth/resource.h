/*
 * resource.h - the generic handlers behind most endpoints: create, read, list,
 * merge-patch update, each with the conventions of API.md §1 done once.
 *
 * A resource is described by data: its field specs, its prepared statements,
 * its filters and CSV columns, and an optional domain check. The SQL does the
 * mapping between the JSON document and the table (statements take and return
 * jsonb), so the C side never copies fields one by one and the repo files hold
 * only SQL.
 *
 * Statement contracts (all run inside the request's RLS transaction):
 *   insert:  ($1 jsonb body, $2.. path params)          -> one row: (doc jsonb)
 *   get:     ($1 id, $2.. path params)                  -> zero or one row:
 *                                                          (doc jsonb, version bigint or NULL)
 *   lock:    ($1 id, $2.. path params), FOR UPDATE       -> zero or one row: (doc jsonb)
 *   update:  ($1 id, $2 jsonb merged body, $3.. path params) -> one row: (doc jsonb)
 *   list:    ($1.. path params, then one per filter, then cursor sort key, cursor id,
 *             limit+1)                                   -> rows: (doc jsonb, sort_key text, id text)
 * Every doc has "id" and "version"; the update statement bumps version only when
 * something changed.
 *
 * Effects: every write queues an audit row and outbox events
 * ("<event_prefix>.<create_verb>" (default "created"), ".updated", and
 * ".<verb>" from status_verbs when the status changes); reads queue an audit row when `audit_reads` is set
 * (child-level records). POST honours Idempotency-Key. PATCH honours If-Match
 * (412 when stale) and locks the row, so concurrent patches serialise.
 */
#ifndef HEARTH_RESOURCE_H
#define HEARTH_RESOURCE_H

#include <stddef.h>
#include <jansson.h>
#include "hearth/http.h"
#include "hearth/json_input.h"
#include "hearth/problem.h"
#include "hearth/util.h"

enum hearth_filter_type {
	HEARTH_FILTER_TEXT,  /* any text up to 200 characters */
	HEARTH_FILTER_UUID,
	HEARTH_FILTER_ENUM,  /* one of enum_values */
	HEARTH_FILTER_INT,   /* non-negative integer */
	HEARTH_FILTER_DATE,  /* YYYY-MM-DD */
};

struct hearth_filter {
	const char *name;                  /* query parameter; NULL ends a table */
	enum hearth_filter_type type;
	const char *const *enum_values;
};

struct hearth_status_verb {
	const char *status;                /* new status value; NULL ends a table */
	const char *verb;                  /* event verb, e.g. "suspended" */
};

/* Domain rules beyond field specs (dates in order, weights summing to 100, ...).
 * `doc` is the full document to be stored (a create body, or the current writable
 * fields merged with the patch). Record field errors on p and return -1. */
typedef int (*hearth_domain_check)(const json_t *doc, struct hearth_request *req,
				   struct hearth_problem *p);

/* Refine a database problem (e.g. name the existing setting on a unique URN).
 * `tx` is the request's transaction, already failed; to read what is in the
 * way, hearth_tx_restart() it (read only) and query it: never check out
 * another connection while this one is held (a burst of conflicts would
 * starve the pool). NULL when the caller has no transaction to lend. */
typedef void (*hearth_conflict_explain)(struct hearth_request *req, struct hearth_tx *tx,
					const json_t *doc, struct hearth_problem *p);

/* Result columns by name: what each statement contract above returns where. */
enum hearth_doc_column { HEARTH_DOC_COL = 0 };            /* insert, lock, update */
enum hearth_get_column { HEARTH_GET_COL_DOC = 0, HEARTH_GET_COL_VERSION = 1 };
enum hearth_list_column {
	HEARTH_LIST_COL_DOC = 0,
	HEARTH_LIST_COL_SORT_KEY = 1,
	HEARTH_LIST_COL_ID = 2,
};

/* A database constraint that is about one field: its violation is answered as a
 * 400 naming that field. Tables end with a NULL constraint. */
struct hearth_constraint_field {
	const char *constraint;
	const char *field;
	const char *message;
};

/* When p's constraint is in `table`, make p a 400 naming the field and return
 * 1; otherwise leave p alone and return 0. */
int hearth_problem_from_constraint(struct hearth_problem *p,
				   const struct hearth_constraint_field *table);

struct hearth_resource {
	const char *name;                  /* audit resource and subject type: "provider" */
	const char *event_prefix;          /* "providers.provider"; NULL: no events */
	const char *create_verb;           /* event verb of a create; NULL: "created" */
	const char *collection_path;       /* Location prefix, with {param} of the request path */
	const char *id_param;              /* path parameter naming the object, default "id" */
	const char *doc_id_field;          /* document field that names it, default "id" */
	const char *const *path_params;    /* extra path params passed to SQL, NULL-terminated */
	const struct hearth_field_spec *fields; /* writable fields (create and patch) */
	const char *stmt_insert, *stmt_get, *stmt_lock, *stmt_update, *stmt_list;
	const struct hearth_filter *filters;
	/* Filters (NULL-terminated names) that never call for a plan of their
	 * own: they keep most rows, so a page is the walk of the list's index in
	 * its order either way. A list given none but these runs stmt_list on
	 * its generic plan, made once per connection (hearth/db.h); a selective
	 * filter (an id, a rare value) gets a plan made for its value. */
	const char *const *broad_filters;
	const char *const *csv_columns;    /* NULL-terminated dotted paths */
	const struct hearth_status_verb *status_verbs;
	hearth_domain_check check;
	/* Constraints answered as a field error (400), tried before `explain`,
	 * which is left the conflicts that need a sentence of their own. */
	const struct hearth_constraint_field *constraint_fields;
	hearth_conflict_explain explain;
	int audit_reads;
};

/* Handlers: call these from a route's handler with the resource descriptor. */
void hearth_resource_create(struct hearth_request *req, const struct hearth_resource *r);
void hearth_resource_get(struct hearth_request *req, const struct hearth_resource *r);
void hearth_resource_patch(struct hearth_request *req, const struct hearth_resource *r);
void hearth_resource_list(struct hearth_request *req, const struct hearth_resource *r);

/* The same as route handlers: the route's `data` is the struct hearth_resource. */
void hearth_handle_create(struct hearth_request *req);
void hearth_handle_get(struct hearth_request *req);
void hearth_handle_patch(struct hearth_request *req);
void hearth_handle_list(struct hearth_request *req);

/* Pieces for handlers that need more than the generic flow. */

/* Parse ?limit= (1-500, default 50). 0, or -1 with a field error on p. */
int hearth_list_limit(const struct hearth_request *req, int *limit, struct hearth_problem *p);

/* Answer a list: {"items": [...], "next_cursor": ...} or CSV with `columns`.
 * `rows` holds (doc, sort_key, id) as the list statement returns; when it has
 * limit+1 rows the last is dropped and a cursor made from the one before.
 * `scope` binds the cursor to this list. Consumes nothing. */
void hearth_respond_list(struct hearth_request *req, PGresult *rows, int limit,
			 const char *scope, const char *const *columns);

/* Build the cursor scope for this request: route + path params + filters, so
 * a cursor cannot be replayed on another list. */
void hearth_list_scope(const struct hearth_request *req, const struct hearth_filter *filters,
		       char *out, size_t len);

/* The Idempotency-Key step of a POST, for custom handlers as for the generic
 * create: the one place a key is claimed and a first answer replayed. `key` is
 * the header (NULL: nothing to do, returns 0; check it with
 * hearth_idem_key_check before any work, so its error joins the body's).
 * Returns 0 when the key is new and claimed on `tx` (store the answer with
 * hearth_idem_store before committing), 1 when the first answer was replayed
 * to the client (its status, Location if it had one, an ETag from the stored
 * body's "version" if it has one, Idempotent-Replayed: true; end the tx and
 * return), -1 with the problem filled (malformed key: 400 naming
 * Idempotency-Key; same key with another request: 422; database problems). */
HEARTH_MUST_CHECK
int hearth_resource_idempotency(struct hearth_request *req, struct hearth_tx *tx, const char *key,
				struct hearth_problem *p);

/* How an audited read records itself. */
struct hearth_audited_read {
	const char *resource;   /* audit resource: "placement", "report.spend" */
	const char *subject;    /* audit subject (the id read), or NULL */
	int subject_column;     /* subject NULL: the result column (row 0) naming the
				 * subject, when only the row knows it; 0 for none */
	/* The status the audit row records, from the result; NULL: 200 for one
	 * row whose first column is not NULL, 404 otherwise. */
	int (*status_of)(const PGresult *res);
	int generic_plan;       /* run on the statement's generic plan (hearth/db.h) */
};

/* Run one prepared statement in a read-write transaction of its own that also
 * queues the read's audit row (`how`) and commits: a read of audited records
 * is recorded whatever it found, or not done at all. Returns the result
 * (owned by the caller: PQclear) or NULL with p filled (the database's
 * problem; p->sqlstate says which). The caller answers. A literal `stmt`
 * goes through HEARTH_STMT_USE so the start-up check sees it. */
HEARTH_MUST_CHECK
PGresult *hearth_audited_read(struct hearth_request *req, const struct hearth_audited_read *how,
			      const char *stmt, int n_params, const char *const *params,
			      struct hearth_problem *p);

/* If-Match against a record's current version (-1: no record yet, which no tag
 * matches). 0 when the header is absent or matches; -1 with a 400 naming
 * If-Match when it is malformed, or a 412 naming `what` ("placement") when
 * stale. */
int hearth_check_if_match(struct hearth_request *req, const char *what, long long current,
			  struct hearth_problem *p);

/* Answer a document with ETag: "<version>" (no ETag when `version` is NULL,
 * for records that are never changed). The text is sent as it is: no parse. */
void hearth_respond_doc_version(struct hearth_request *req, int status, const char *doc_text,
				const char *version);

/* Answer one document row (doc jsonb text) with ETag from its "version", read
 * by parsing the text: for stored answers (idempotent replays) and documents
 * whose statements give no version column. */
void hearth_respond_doc(struct hearth_request *req, int status, const char *doc_text);

/* Path parameter that must be a UUID: returns it, or answers 404 and returns NULL
 * (a malformed id names nothing, exactly like an absent one). */
const char *hearth_uuid_param(struct hearth_request *req, const char *name);

#endif

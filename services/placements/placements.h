/*
 * placements.h - what the placements service's files share: the route table,
 * the statement tables of each repo file, and the resource descriptors.
 */
#ifndef HEARTH_PLACEMENTS_H
#define HEARTH_PLACEMENTS_H

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"

extern const struct hearth_route placements_routes[];
extern const struct hearth_stmt_def *const placements_statements[];

/* == children, placements, ipas == */
extern const struct hearth_resource child_resource;
extern const struct hearth_resource placement_resource;
extern const struct hearth_resource ipa_resource;
extern const struct hearth_stmt_def child_stmts[];
extern const struct hearth_stmt_def placement_stmts[];
extern const struct hearth_stmt_def ipa_stmts[];

/* GET /v1/placements/{id}/ipas: 404 unless the placement is one of the
 * caller's organisation's, then the generic list of its IPA versions. */
void placements_handle_ipa_list(struct hearth_request *req);


/* == by-ref and batch pushes == */
/* pushes.c: PUT/GET /v1/placements/by-ref/{external_ref}, POST /v1/placements/batch. */
void push_put(struct hearth_request *req);
void push_get(struct hearth_request *req);
void push_batch(struct hearth_request *req);
/* pushes_repo.c */
extern const struct hearth_stmt_def push_stmts[];
#define PUSH_BATCH_MAX_ITEMS 10000

/* == reports == */
/* reports.c: GET /v1/reports/{sufficiency,spend,stability}; any role of a
 * council or a consortium (the scope is decided in SQL); 403 for others. */
void reports_handle_sufficiency(struct hearth_request *req);
void reports_handle_spend(struct hearth_request *req);
void reports_handle_stability(struct hearth_request *req);
/* reports_repo.c */
extern const struct hearth_stmt_def reports_stmts[];

#endif

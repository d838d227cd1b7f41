/*
 * providers_service.h - what the providers service's files share: the route table, the
 * statement tables of each repo file, and the resource descriptors.
 */
#ifndef HEARTH_PROVIDERS_SERVICE_H
#define HEARTH_PROVIDERS_SERVICE_H

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"

extern const struct hearth_route providers_routes[];
extern const struct hearth_stmt_def *const providers_statements[];

/* organisations.c / organisations_repo.c */
extern const struct hearth_resource organisation_resource;
extern const struct hearth_stmt_def organisation_stmts[];

/* == providers and settings == */
/* providers.c / providers_repo.c, settings.c / settings_repo.c */
extern const struct hearth_field_spec providers_address_fields[];
extern const struct hearth_resource provider_resource;
void providers_handle_list(struct hearth_request *req);
extern const struct hearth_resource setting_resource;
extern const struct hearth_stmt_def provider_stmts[];
extern const struct hearth_stmt_def setting_stmts[];

/* == frameworks, lots, members, scores, ranking == */
/* frameworks.c / frameworks_repo.c */
extern const struct hearth_resource framework_resource;
extern const struct hearth_stmt_def framework_stmts[];
/* 0 when framework {id} of the path is visible; otherwise answers 404 (or the
 * database problem) and returns -1. */
int frameworks_require_visible(struct hearth_request *req);
/* members.c / members_repo.c: handlers wrap the generic ones (framework id
 * checked, status changes clear the previous reason). */
extern const struct hearth_resource member_resource;
extern const struct hearth_stmt_def member_stmts[];
void members_handle_create(struct hearth_request *req);
void members_handle_get(struct hearth_request *req);
void members_handle_patch(struct hearth_request *req);
void members_handle_list(struct hearth_request *req);
/* scores.c / scores_repo.c: POST creates (201) or replaces (200) the score of a
 * provider, lot and period. */
extern const struct hearth_resource score_resource;
extern const struct hearth_stmt_def score_stmts[];
/* score_upsert's result: the document, whether the row is new, whether this
 * write changed it, its id (scores_repo.c). */
enum score_upsert_column {
	SCORE_UPSERT_DOC,
	SCORE_UPSERT_INSERTED,
	SCORE_UPSERT_CHANGED,
	SCORE_UPSERT_ID,
};
/* 1 when s is a scoring period: "2026" or "2026-Q1".."2026-Q4". */
int scores_period_valid(const char *s);
void scores_handle_create(struct hearth_request *req);
void scores_handle_get(struct hearth_request *req);
void scores_handle_list(struct hearth_request *req);
/* ranking.c / ranking_repo.c */
extern const struct hearth_stmt_def ranking_stmts[];
/* ranking_get's one row: framework found, lot found, the ranking document. */
enum ranking_column { RANKING_FRAMEWORK_FOUND, RANKING_LOT_FOUND, RANKING_DOC };
void ranking_handle_get(struct hearth_request *req);

/* == contracts == */
/* contracts.c / contracts_repo.c */
extern const struct hearth_resource contract_resource;
extern const struct hearth_stmt_def contract_stmts[];

#endif

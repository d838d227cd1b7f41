/*
 * qa_service.h - what the quality-assurance service's files share: the route
 * table, the statement tables of each repo file, the resource descriptors and
 * the lookups into the registers other services publish (API.md §7).
 */
#ifndef HEARTH_QA_SERVICE_H
#define HEARTH_QA_SERVICE_H

#include <stdio.h>

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"
#include "hearth/worker.h"

extern const struct hearth_route qa_routes[];
extern const struct hearth_stmt_def *const qa_statements[];

/* Background work (workers.c): the overdue action items check. */
extern const struct hearth_worker_def qa_workers[];
/* HEARTH_QA_OVERDUE_CHECK_S [300]: read at start; -1 with the problem printed. */
int qa_settings_load(FILE *errors);

/* == subjects: the registers of other services (subjects.c / subjects_repo.c) == */
extern const struct hearth_stmt_def subject_stmts[];

/* A setting of the tenant as providers_api.setting_profile() describes it. */
struct qa_setting {
	char provider_id[40];
	char regulator[16];
	char setting_type[40];
};

/* Look up setting `setting_id` of the request's tenant. Returns 1 and fills
 * *out when it exists, 0 when the tenant has no such setting, -1 with the
 * problem filled when the database fails. */
int qa_setting_lookup(struct hearth_request *req, const char *setting_id,
		      struct qa_setting *out, struct hearth_problem *p);

/* A record about provider `provider_id` and optionally one of its settings:
 * 0 when both are the tenant's (and the setting the provider's); otherwise -1
 * with a field error naming provider_id or setting_id (or the database
 * problem). */
int qa_check_subject(struct hearth_request *req, const char *provider_id, const char *setting_id,
		     struct hearth_problem *p);

/* 1 when provider `provider_id` is the request's tenant's, 0 when not, -1
 * with the problem filled when the database fails. */
int qa_provider_lookup(struct hearth_request *req, const char *provider_id,
		       struct hearth_problem *p);

/* Who records quality work (API.md §5). */
#define QA_RECORDER_ROLES \
	(HEARTH_ROLE_QA_OFFICER | HEARTH_ROLE_COMMISSIONER | HEARTH_ROLE_TENANT_ADMIN)

/* May the request submit a return (Reg 44, Reg 45) for a setting of provider
 * `setting_provider_id`? A provider organisation only for its own provider;
 * any other organisation when the request holds a recorder role. 0 when it
 * may; -1 with a 403 (or the database problem) when not. */
int qa_check_submitter(struct hearth_request *req, const char *setting_provider_id,
		       struct hearth_problem *p);

/* Answer a report computed on each read: ?as_at= (a date, default today)
 * checked, statement `stmt` ($1 as_at) answering rows (day, doc) as
 * qa_items_document() takes them, as JSON or its items as CSV with
 * `columns`. Callers name `stmt` through HEARTH_STMT_USE. */
void qa_respond_report(struct hearth_request *req, const char *stmt, const char *const *columns);

/* Answer a page of a report computed on each read (API.md §1 lists): ?as_at=
 * (default today), ?limit= (1-500, default 50) and ?cursor= checked,
 * statement `stmt` ($1 as_at, $2 the last page's sort key, $3 its id, $4
 * limit) answering one row (the day, the page's items as a JSON array, and
 * the sort key and id of its last item when more follow, else NULL), as
 * {as_at, items, next_cursor} or the page's items as CSV with `columns`.
 * The cursor is bound to the route and as_at. */
void qa_respond_report_page(struct hearth_request *req, const char *stmt,
			    const char *const *columns);

/* The one document a computed read (risk, a scorecard, a report) answered in
 * `res`: its text, owned by `res`; NULL when the read failed (res NULL, `p`
 * already set) or answered no single row (`p` set to 500 naming `what`). */
const char *qa_computed_document(PGresult *res, const char *what, struct hearth_problem *p);

/* The whole list {"as_at", "items", "next_cursor": null} that a computed read
 * answered in `res` as rows (day, doc), one an item in order (one row with
 * doc NULL when there are none): malloc'd text, or NULL with `p` set (503
 * when too large, 500 with no row). Rows, not one aggregated value: neither
 * the database nor libpq's input buffer (which keeps its largest size for
 * the connection's life) has to hold the whole answer as one value. */
char *qa_items_document(PGresult *res, const char *what, struct hearth_problem *p);

/* 1 when `child_id` is a child of the request's own organisation, 0 when not,
 * -1 with the problem filled when the database fails. */
int qa_child_is_own(struct hearth_request *req, const char *child_id, struct hearth_problem *p);

/* == inspections == */
/* inspections.c / inspections_repo.c */
extern const char *const qa_regulators[];
extern const char *const qa_inspection_types[];
extern const char *const qa_risk_bands[];
extern const struct hearth_resource inspection_resource;
extern const struct hearth_stmt_def inspection_stmts[];

/* == placement stops and acknowledgements == */
/* placement_stops.c / placement_stops_repo.c */
extern const char *const qa_stop_statuses[];
extern const struct hearth_resource placement_stop_resource;
extern const struct hearth_stmt_def placement_stop_stmts[];
/* acknowledgements.c: POST once per organisation; GET one organisation's;
 * GET the list of every council that must acknowledge and who has. */
extern const struct hearth_resource acknowledgement_resource;
void acknowledgements_handle_create(struct hearth_request *req);
void acknowledgements_handle_get(struct hearth_request *req);
void acknowledgements_handle_list(struct hearth_request *req);

/* == concerns == */
/* concerns.c / concerns_repo.c */
extern const struct hearth_resource concern_resource;
extern const struct hearth_stmt_def concern_stmts[];

/* == QA policy == */
/* qa_policy.c / qa_policy_repo.c: GET (stored or defaults), PUT (If-Match) */
extern const struct hearth_stmt_def qa_policy_stmts[];
void qa_policy_handle_get(struct hearth_request *req);
void qa_policy_handle_put(struct hearth_request *req);

/* == visits and the due list == */
/* visits.c / visits_repo.c */
extern const struct hearth_resource visit_resource;
extern const struct hearth_stmt_def visit_stmts[];
void visits_handle_due(struct hearth_request *req);

/* == Reg 44 reports and Reg 45 reviews == */
/* returns.c / returns_repo.c */
extern const struct hearth_resource reg44_report_resource;
extern const struct hearth_resource reg45_review_resource;
extern const struct hearth_stmt_def returns_stmts[];
void reg44_reports_handle_list(struct hearth_request *req);
void reg44_reports_handle_missing(struct hearth_request *req);
void reg45_reviews_handle_missing(struct hearth_request *req);

/* == action plans == */
/* action_plans.c / action_plans_repo.c */
extern const struct hearth_resource action_plan_resource;
extern const struct hearth_stmt_def action_plan_stmts[];

/* == risk and its overrides == */
/* risk.c / risk_repo.c */
extern const struct hearth_resource risk_override_resource;
extern const struct hearth_stmt_def risk_stmts[];
void risk_handle_list(struct hearth_request *req);
void risk_handle_get(struct hearth_request *req);
/* risk_document.c: the risk documents from the rows the risk statements
 * answer, (day, risk_parts() columns): a row per subject (perhaps twice,
 * from both halves, qa 017) and per fact. The whole list, of the rows of
 * results[0, n_results) together, for `day`: {"as_at", "items" (red, then
 * amber, then green), "next_cursor": null}; or one subject's document from
 * risk_get's rows (`type` and `id` checked by the caller: the subject
 * answered when nothing names it). malloc'd text, or NULL with `p` set (503
 * when too large, 500 when a result is missing or not as expected). */
char *qa_risk_list_document(PGresult *const *results, int n_results, const char *day,
			    struct hearth_problem *p);
char *qa_risk_subject_document(PGresult *res, const char *type, const char *id,
			       struct hearth_problem *p);

/* == provider scorecards == */
/* scorecards.c / scorecards_repo.c */
extern const struct hearth_resource scorecard_resource;
extern const struct hearth_stmt_def scorecard_stmts[];
void scorecards_handle_list(struct hearth_request *req);
void scorecards_handle_get(struct hearth_request *req);

#endif

/*
 * qa_service.h - what the quality-assurance service's files share: the route
 * table, the statement tables of each repo file, the resource descriptors and
 * the lookups into the registers other services publish (API.md §7).
 */
#ifndef HEARTH_QA_SERVICE_H
#define HEARTH_QA_SERVICE_H

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"

extern const struct hearth_route qa_routes[];
extern const struct hearth_stmt_def *const qa_statements[];

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

#endif

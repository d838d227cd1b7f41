/*
 * subjects.c - what QA records are about, looked up in the registers other
 * services publish (API.md §7): a setting or provider of the request's tenant
 * (providers_api, providers 010) and a child of the request's organisation
 * (placements_api, placements 008). Each lookup is a read of its own, made
 * before the write's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "qa_service.h"

/* qa_setting_profile's one row (subjects_repo.c). */
enum profile_column { PROFILE_PROVIDER_ID, PROFILE_REGULATOR, PROFILE_SETTING_TYPE };

int qa_setting_lookup(struct hearth_request *req, const char *setting_id,
		      struct qa_setting *out, struct hearth_problem *p)
{
	const char *params[1] = { setting_id };
	PGresult *res = hearth_db_read_statement(req->db, &req->actor, "qa_setting_profile", 1, params, p);
	int rc;

	if (!res)
		return -1;
	rc = PQntuples(res) == 1;
	if (rc) {
		snprintf(out->provider_id, sizeof(out->provider_id), "%s",
			 PQgetvalue(res, 0, PROFILE_PROVIDER_ID));
		snprintf(out->regulator, sizeof(out->regulator), "%s",
			 PQgetvalue(res, 0, PROFILE_REGULATOR));
		snprintf(out->setting_type, sizeof(out->setting_type), "%s",
			 PQgetvalue(res, 0, PROFILE_SETTING_TYPE));
	}
	PQclear(res);
	return rc;
}

/* 1 when the statement answers one row with a true first column, 0 when not,
 * -1 with the problem filled when the database fails. Callers name `stmt`
 * through HEARTH_STMT_USE, so the start-up check sees it. */
static int ask(struct hearth_request *req, const char *stmt, const char *arg,
	       struct hearth_problem *p)
{
	const char *params[1] = { arg };
	PGresult *res = hearth_db_read_statement_named(req->db, &req->actor, stmt, 1, params, p);
	int rc = res ? PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0 : -1;

	PQclear(res);
	return rc;
}

int qa_check_subject(struct hearth_request *req, const char *provider_id, const char *setting_id,
		     struct hearth_problem *p)
{
	struct qa_setting setting;
	int found = ask(req, HEARTH_STMT_USE("qa_provider_exists", 1), provider_id, p);

	if (found < 0)
		return -1;
	if (found == 0) {
		hearth_problem_field(p, "provider_id", "names no provider of this tenant");
		return -1;
	}
	if (!setting_id)
		return 0;
	found = qa_setting_lookup(req, setting_id, &setting, p);
	if (found < 0)
		return -1;
	if (found == 0 || strcmp(setting.provider_id, provider_id) != 0) {
		hearth_problem_field(p, "setting_id", "names no setting of this provider");
		return -1;
	}
	return 0;
}

int qa_provider_lookup(struct hearth_request *req, const char *provider_id,
		       struct hearth_problem *p)
{
	return ask(req, HEARTH_STMT_USE("qa_provider_exists", 1), provider_id, p);
}

int qa_child_is_own(struct hearth_request *req, const char *child_id, struct hearth_problem *p)
{
	return ask(req, HEARTH_STMT_USE("qa_child_is_own", 1), child_id, p);
}

int qa_check_submitter(struct hearth_request *req, const char *setting_provider_id,
		       struct hearth_problem *p)
{
	const char *params[1] = { NULL };
	PGresult *res = hearth_db_read_statement(req->db, &req->actor, "qa_own_provider", 0, params, p);
	int rc = -1;

	if (!res)
		return -1;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		if (strcmp(PQgetvalue(res, 0, 0), setting_provider_id) == 0)
			rc = 0;
		else
			hearth_problem_set(p, 403, "forbidden",
					   "A provider submits returns for its own settings only.");
	} else if (req->principal.roles & QA_RECORDER_ROLES) {
		rc = 0;
	} else {
		hearth_problem_set(p, 403, "forbidden",
				   "Only a provider organisation submits returns as a provider.");
	}
	PQclear(res);
	return rc;
}

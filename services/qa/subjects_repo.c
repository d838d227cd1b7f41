/*
 * subjects_repo.c - the SQL of the register lookups (subjects.c): calls of the
 * functions the providers and placements services publish, never their tables.
 */
#include "qa_service.h"

const struct hearth_stmt_def subject_stmts[] = {
	{ "qa_setting_profile",
	  "SELECT s.provider_id, s.regulator, s.setting_type "
	  "FROM providers_api.setting_profile(hearth.current_tenant(), $1::uuid) s", 1 },
	{ "qa_provider_exists",
	  "SELECT true FROM providers_api.provider_profile(hearth.current_tenant(), $1::uuid)", 1 },
	{ "qa_child_is_own",
	  "SELECT placements_api.is_own_child(hearth.current_tenant(), $1::uuid)", 1 },
	{ "qa_own_provider", "SELECT placements_api.own_provider(hearth.current_tenant())", 0 },
	{ NULL, NULL, 0 },
};

/*
 * organisations_repo.c - the SQL of organisations. Row-level security limits
 * every statement to the request's tenant; the document shape is
 * organisation_doc() in the migration.
 */
#include "providers_service.h"

#define ORG_COLUMNS \
	"kind = d->>'kind', name = d->>'name', code = d->>'code', " \
	"centre_lat = (d->'centre'->>'lat')::float8, centre_lon = (d->'centre'->>'lon')::float8, " \
	"local_radius_miles = coalesce((d->>'local_radius_miles')::numeric, 20), " \
	"provider_id = (d->>'provider_id')::uuid, status = coalesce(d->>'status', 'active')"

const struct hearth_stmt_def organisation_stmts[] = {
	{ "organisation_insert",
	  "INSERT INTO organisations (tenant_id, kind, name, code, centre_lat, centre_lon, "
	  "  local_radius_miles, provider_id, status) "
	  "SELECT hearth.current_tenant(), d->>'kind', d->>'name', d->>'code', "
	  "  (d->'centre'->>'lat')::float8, (d->'centre'->>'lon')::float8, "
	  "  coalesce((d->>'local_radius_miles')::numeric, 20), (d->>'provider_id')::uuid, "
	  "  coalesce(d->>'status', 'active') "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING organisation_doc(organisations)", 1 },
	{ "organisation_get",
	  "SELECT organisation_doc(o), o.version FROM organisations o WHERE o.id = $1", 1 },
	{ "organisation_lock",
	  "SELECT organisation_doc(o) FROM organisations o WHERE o.id = $1 FOR UPDATE", 1 },
	{ "organisation_update",
	  "UPDATE organisations SET " ORG_COLUMNS " "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE organisations.id = $1 "
	  "RETURNING organisation_doc(organisations)", 2 },
	{ "organisation_list",
	  "SELECT organisation_doc(o), hearth.sort_ts(o.created_at), o.id "
	  "FROM organisations o "
	  "WHERE ($1::text IS NULL OR o.kind = $1) AND ($2::text IS NULL OR o.status = $2) "
	  "  AND ($3::text IS NULL OR (o.created_at, o.id) > (hearth.from_sort_ts($3), $4::uuid)) "
	  "ORDER BY o.created_at, o.id LIMIT $5", 5 },
	{ NULL, NULL, 0 },
};

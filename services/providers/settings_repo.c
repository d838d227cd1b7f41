/*
 * settings_repo.c - the SQL of registered settings. Row-level security limits
 * every statement to the request's tenant; the document shape is setting_doc()
 * in the migration.
 */
#include "providers_service.h"

/* The stored columns, in this order, from a validated document `d`. */
#define SETTING_COLUMNS \
	"provider_id, name, regulator, urn, setting_type, registered_places, " \
	"address_line1, address_line2, address_town, address_postcode, " \
	"location_lat, location_lon, host_authority_code, " \
	"manager_name, manager_in_post_since, manager_absent_since, status"

#define SETTING_VALUES \
	"(d->>'provider_id')::uuid, d->>'name', d->>'regulator', d->>'urn', d->>'setting_type', " \
	"(d->>'registered_places')::integer, " \
	"d->'address'->>'line1', d->'address'->>'line2', d->'address'->>'town', " \
	"uk_postcode(d->'address'->>'postcode'), " \
	"(d->'location'->>'lat')::float8, (d->'location'->>'lon')::float8, " \
	"d->>'host_authority_code', d->'registered_manager'->>'name', " \
	"(d->'registered_manager'->>'in_post_since')::date, " \
	"(d->'registered_manager'->>'absent_since')::date, coalesce(d->>'status', 'active')"

const struct hearth_stmt_def setting_stmts[] = {
	{ "setting_insert",
	  "INSERT INTO settings (tenant_id, " SETTING_COLUMNS ") "
	  "SELECT hearth.current_tenant(), " SETTING_VALUES " "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING setting_doc(settings)", 1 },
	{ "setting_get",
	  "SELECT setting_doc(s), s.version FROM settings s WHERE s.id = $1", 1 },
	{ "setting_lock",
	  "SELECT setting_doc(s) FROM settings s WHERE s.id = $1 FOR UPDATE", 1 },
	{ "setting_update",
	  "UPDATE settings SET (" SETTING_COLUMNS ") = (" SETTING_VALUES ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE settings.id = $1 "
	  "RETURNING setting_doc(settings)", 2 },
	{ "setting_list",
	  "SELECT setting_doc(s), hearth.sort_ts(s.created_at), s.id "
	  "FROM settings s "
	  "WHERE ($1::uuid IS NULL OR s.provider_id = $1) "
	  "  AND ($2::text IS NULL OR s.regulator = $2) "
	  "  AND ($3::text IS NULL OR s.urn = $3) "
	  "  AND ($4::text IS NULL OR s.setting_type = $4) "
	  "  AND ($5::text IS NULL OR s.status = $5) "
	  "  AND ($6::text IS NULL OR (s.created_at, s.id) > (hearth.from_sort_ts($6), $7::uuid)) "
	  "ORDER BY s.created_at, s.id LIMIT $8", 8 },
	/* Who holds a URN: names the existing setting in a 409 (settings.c). */
	{ "setting_by_urn",
	  "SELECT s.id FROM settings s WHERE s.regulator = $1 AND s.urn = $2", 2 },
	{ NULL, NULL, 0 },
};

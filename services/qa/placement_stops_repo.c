/*
 * placement_stops_repo.c - the SQL of placement stops and their
 * acknowledgements. Row-level security limits every statement to the
 * request's tenant; the documents are placement_stop_doc() and
 * placement_stop_acknowledgement_doc(), and who must acknowledge is
 * placement_stop_acknowledgement_list() (qa 002).
 */
#include "qa_service.h"

#define STOP_COLUMNS "reason, effective_from, lifted_on, lift_reason, status"

#define STOP_VALUES \
	"d->>'reason', (d->>'effective_from')::date, (d->>'lifted_on')::date, " \
	"d->>'lift_reason', coalesce(d->>'status', 'in_force')"

const struct hearth_stmt_def placement_stop_stmts[] = {
	{ "placement_stop_insert",
	  "INSERT INTO placement_stops (tenant_id, provider_id, setting_id, " STOP_COLUMNS ") "
	  "SELECT hearth.current_tenant(), (d->>'provider_id')::uuid, (d->>'setting_id')::uuid, "
	  STOP_VALUES " FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING placement_stop_doc(placement_stops)", 1 },
	{ "placement_stop_get",
	  "SELECT placement_stop_doc(s), s.version FROM placement_stops s WHERE s.id = $1", 1 },
	{ "placement_stop_lock",
	  "SELECT placement_stop_doc(s) FROM placement_stops s WHERE s.id = $1 FOR UPDATE", 1 },
	{ "placement_stop_update",
	  "UPDATE placement_stops SET (" STOP_COLUMNS ") = (" STOP_VALUES ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE placement_stops.id = $1 "
	  "RETURNING placement_stop_doc(placement_stops)", 2 },
	{ "placement_stop_list",
	  "SELECT placement_stop_doc(s), hearth.sort_ts(s.created_at), s.id "
	  "FROM placement_stops s "
	  "WHERE ($1::uuid IS NULL OR s.provider_id = $1) "
	  "  AND ($2::uuid IS NULL OR s.setting_id = $2) "
	  "  AND ($3::text IS NULL OR s.status = $3) "
	  "  AND ($4::text IS NULL OR (s.created_at, s.id) > (hearth.from_sort_ts($4), $5::uuid)) "
	  "ORDER BY s.created_at, s.id LIMIT $6", 6 },
	/* ($1 body, $2 stop id): the request's organisation acknowledges. */
	{ "acknowledgement_insert",
	  "INSERT INTO placement_stop_acknowledgements (tenant_id, stop_id, org_id, "
	  "                                             acknowledged_by, note) "
	  "SELECT hearth.current_tenant(), $2::uuid, hearth.current_org(), "
	  "       coalesce(nullif(current_setting('hearth.sub', true), ''), 'unknown'), d->>'note' "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING placement_stop_acknowledgement_doc(placement_stop_acknowledgements)", 2 },
	/* ($1 org id, $2 stop id) */
	{ "acknowledgement_get",
	  "SELECT placement_stop_acknowledgement_doc(a), NULL::bigint FROM placement_stop_acknowledgements a "
	  "WHERE a.org_id = $1 AND a.stop_id = $2", 2 },
	{ "acknowledgement_list",
	  "SELECT placement_stop_acknowledgement_list($1::uuid)", 1 },
	{ NULL, NULL, 0 },
};

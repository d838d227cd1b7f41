/*
 * contracts_repo.c - the SQL of contracts. Row-level security limits every
 * statement to the request's tenant; the document shape is contract_doc() in
 * the migration.
 */
#include "providers_service.h"

#define CONTRACT_COLUMNS \
	"provider_id = (d->>'provider_id')::uuid, framework_id = (d->>'framework_id')::uuid, " \
	"lot_id = (d->>'lot_id')::uuid, kind = d->>'kind', reference = d->>'reference', " \
	"title = d->>'title', start_date = (d->>'start_date')::date, " \
	"end_date = (d->>'end_date')::date, annual_value_pence = (d->>'annual_value_pence')::bigint, " \
	"places = (d->>'places')::integer, status = coalesce(d->>'status', 'draft')"

const struct hearth_stmt_def contract_stmts[] = {
	{ "contract_insert",
	  "INSERT INTO contracts (tenant_id, provider_id, framework_id, lot_id, kind, reference, "
	  "  title, start_date, end_date, annual_value_pence, places, status) "
	  "SELECT hearth.current_tenant(), (d->>'provider_id')::uuid, (d->>'framework_id')::uuid, "
	  "  (d->>'lot_id')::uuid, d->>'kind', d->>'reference', d->>'title', "
	  "  (d->>'start_date')::date, (d->>'end_date')::date, "
	  "  (d->>'annual_value_pence')::bigint, (d->>'places')::integer, "
	  "  coalesce(d->>'status', 'draft') "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING contract_doc(contracts)", 1 },
	{ "contract_get",
	  "SELECT contract_doc(c), c.version FROM contracts c WHERE c.id = $1", 1 },
	{ "contract_lock",
	  "SELECT contract_doc(c) FROM contracts c WHERE c.id = $1 FOR UPDATE", 1 },
	{ "contract_update",
	  "UPDATE contracts SET " CONTRACT_COLUMNS " "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE contracts.id = $1 "
	  "RETURNING contract_doc(contracts)", 2 },
	/* Filters: provider_id, kind, status, min_annual_value_pence (>=). */
	{ "contract_list",
	  "SELECT contract_doc(c), hearth.sort_ts(c.created_at), c.id "
	  "FROM contracts c "
	  "WHERE ($1::uuid IS NULL OR c.provider_id = $1) AND ($2::text IS NULL OR c.kind = $2) "
	  "  AND ($3::text IS NULL OR c.status = $3) "
	  "  AND ($4::bigint IS NULL OR c.annual_value_pence >= $4) "
	  "  AND ($5::text IS NULL OR (c.created_at, c.id) > (hearth.from_sort_ts($5), $6::uuid)) "
	  "ORDER BY c.created_at, c.id LIMIT $7", 7 },
	{ NULL, NULL, 0 },
};

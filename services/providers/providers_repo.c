/*
 * providers_repo.c - the SQL of the providers register. Row-level security
 * limits every statement to the request's tenant; the document shape is
 * provider_doc() in the migration.
 */
#include "providers_service.h"

/* The stored columns, in this order, from a validated document `d`. */
#define PROVIDER_COLUMNS \
	"name, legal_name, company_number, charity_number, provider_types, ownership, status, " \
	"address_line1, address_line2, address_town, address_postcode, " \
	"contact_name, contact_email, contact_phone, lead_org_id"

/* Array order is kept as the client sent it (WITH ORDINALITY), so re-sending the
 * same document compares equal and bumps no version. */
#define PROVIDER_VALUES \
	"d->>'name', d->>'legal_name', d->>'company_number', d->>'charity_number', " \
	"ARRAY(SELECT t FROM jsonb_array_elements_text(d->'provider_types') " \
	"      WITH ORDINALITY AS e(t, n) ORDER BY n), " \
	"d->>'ownership', coalesce(d->>'status', 'active'), " \
	"d->'address'->>'line1', d->'address'->>'line2', d->'address'->>'town', " \
	"uk_postcode(d->'address'->>'postcode'), " \
	"d->'contact'->>'name', d->'contact'->>'email', d->'contact'->>'phone', " \
	"(d->>'lead_org_id')::uuid"

/* The list's filters other than q ($2 status, $3 provider_type, $4
 * framework_id), the cursor ($5 sort key, $6 id) and the order, page size $7. */
#define PROVIDER_LIST_REST \
	"  AND ($2::text IS NULL OR p.status = $2) " \
	"  AND ($3::text IS NULL OR $3 = ANY (p.provider_types)) " \
	"  AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM framework_members m " \
	"    WHERE m.tenant_id = p.tenant_id AND m.provider_id = p.id " \
	"      AND m.framework_id = $4 AND m.status = 'active')) " \
	"  AND ($5::text IS NULL OR (p.created_at, p.id) > (hearth.from_sort_ts($5), $6::uuid)) " \
	"ORDER BY p.created_at, p.id LIMIT $7"

const struct hearth_stmt_def provider_stmts[] = {
	{ "provider_insert",
	  "INSERT INTO providers (tenant_id, " PROVIDER_COLUMNS ") "
	  "SELECT hearth.current_tenant(), " PROVIDER_VALUES " "
	  "FROM (SELECT $1::jsonb AS d) AS input "
	  "RETURNING provider_doc(providers)", 1 },
	{ "provider_get",
	  "SELECT provider_doc(p), p.version FROM providers p WHERE p.id = $1", 1 },
	{ "provider_lock",
	  "SELECT provider_doc(p) FROM providers p WHERE p.id = $1 FOR UPDATE", 1 },
	{ "provider_update",
	  "UPDATE providers SET (" PROVIDER_COLUMNS ") = (" PROVIDER_VALUES ") "
	  "FROM (SELECT $2::jsonb AS d) AS input WHERE providers.id = $1 "
	  "RETURNING provider_doc(providers)", 2 },
	/* Every filter; GET /v1/providers sends a list with q to provider_search.
	 * q is a plain substring: strpos() has no wildcards to escape. */
	{ "provider_list",
	  "SELECT provider_doc(p), hearth.sort_ts(p.created_at), p.id "
	  "FROM providers p "
	  "WHERE ($1::text IS NULL OR strpos(lower(p.name), lower($1)) > 0) " PROVIDER_LIST_REST, 7 },
	/* With q: a plain substring of the name, case-insensitive. The page's ids
	 * come from provider_search_page() (migration 013: the trigram index, or
	 * the keyset walk for a common q, with the same filters, cursor and
	 * order); the providers are read here under row-level security. A
	 * statement of its own, so its plan never has to cover the list without q. */
	{ "provider_search",
	  "SELECT provider_doc(p), hearth.sort_ts(p.created_at), p.id "
	  "FROM providers p "
	  "WHERE p.id IN (SELECT s.id FROM provider_search_page($1::text, $2::text, $3::text, "
	  "  $4::uuid, $5::text, $6::uuid, $7::integer) AS s) "
	  "ORDER BY p.created_at, p.id", 7 },
	{ NULL, NULL, 0 },
};

/*
 * pushes_repo.c - the SQL of council pushes by reference and in batches.
 * The upsert itself is upsert_placements() (migrations 003, 010) for one item
 * and upsert_placements_set() (015) for a batch chunk, which answers the same
 * rows in a few set-based statements and falls back to the first for a chunk
 * where it could answer differently; row-level security
 * keeps every statement to the caller's organisation, and the explicit org_id
 * predicate keeps a provider organisation (which may read placements of many
 * councils) from matching another council's reference.
 */
#include "placements_service.h"

const struct hearth_stmt_def push_stmts[] = {
	/* $1 JSON array of validated payloads (each with external_ref), $2 tenant,
	 * $3 org, $4/$5 method and path for the audit rows. */
	{ "push_upsert",
	  "SELECT item_ord, item_outcome, item_id, item_version, item_sqlstate, item_constraint "
	  "FROM upsert_placements($1::jsonb, $2::uuid, $3::uuid, $4, $5)", 5 },
	/* The same, for a batch chunk (migration 015): same columns, same rows. */
	{ "push_upsert_set",
	  "SELECT item_ord, item_outcome, item_id, item_version, item_sqlstate, item_constraint "
	  "FROM upsert_placements_set($1::jsonb, $2::uuid, $3::uuid, $4, $5)", 5 },
	/* Its own transaction, before the push's (migration 005). */
	{ "push_refresh_statistics", "SELECT refresh_push_statistics()", 0 },
	/* (doc, id): the id for the read's audit row. */
	{ "push_get",
	  "SELECT " PLACEMENT_DOC ", p.id FROM placements p" PLACEMENT_DISTANCE
	  "WHERE p.org_id = hearth.current_org() AND p.external_ref = $1", 1 },
	/* The version If-Match is checked against, locked until the push commits. */
	{ "push_lock",
	  "SELECT p.version FROM placements p "
	  "WHERE p.org_id = hearth.current_org() AND p.external_ref = $1 FOR UPDATE", 1 },
	/* The PUT answer: {outcome, placement, child}, and the version for the ETag. */
	{ "push_answer",
	  "SELECT jsonb_build_object('outcome', $2::text, 'placement', " PLACEMENT_DOC ", "
	  "  'child', child_doc(c)), p.version "
	  "FROM placements p JOIN children c ON c.tenant_id = p.tenant_id AND c.id = p.child_id"
	  PLACEMENT_DISTANCE
	  "WHERE p.id = $1::uuid", 2 },
	{ NULL, NULL, 0 },
};

/*
 * webhooks_repo.c - the SQL of subscriptions and deliveries. Row-level
 * security limits every statement to the request's own organisation; the
 * documents are subscription_doc() and delivery_doc() (alerts 010), which
 * never carry the secret: only an insert, and an update that rotates it, add it.
 */
#include "webhooks.h"

#define SUBSCRIPTION_SECRET_IF_SET(body)                                                     \
	"CASE WHEN " body " ? 'secret' THEN jsonb_build_object('secret', s.secret) "        \
	"ELSE '{}'::jsonb END"

const struct hearth_stmt_def webhook_stmts[] = {
	/* == subscriptions == */
	{ "subscription_insert",
	  "INSERT INTO subscriptions AS s (url, event_types, description, status, secret) "
	  "SELECT $1::jsonb->>'url', "
	  "       ARRAY(SELECT jsonb_array_elements_text($1::jsonb->'event_types')), "
	  "       $1::jsonb->>'description', coalesce($1::jsonb->>'status', 'active'), "
	  "       $1::jsonb->>'secret' "
	  "RETURNING subscription_doc(s) || jsonb_build_object('secret', s.secret)", 1 },
	{ "subscription_get",
	  "SELECT subscription_doc(s), s.version FROM subscriptions s WHERE s.id = $1", 1 },
	{ "subscription_lock",
	  "SELECT subscription_doc(s) FROM subscriptions s WHERE s.id = $1 FOR UPDATE", 1 },
	/* Back to active clears why it was disabled; a new secret notes when. */
	{ "subscription_update",
	  "UPDATE subscriptions s SET url = $2::jsonb->>'url', "
	  "  event_types = ARRAY(SELECT jsonb_array_elements_text($2::jsonb->'event_types')), "
	  "  description = $2::jsonb->>'description', "
	  "  status = coalesce($2::jsonb->>'status', s.status), "
	  "  disabled_reason = CASE WHEN coalesce($2::jsonb->>'status', s.status) = 'disabled' "
	  "                    THEN s.disabled_reason END, "
	  "  secret = coalesce($2::jsonb->>'secret', s.secret), "
	  "  secret_rotated_at = CASE WHEN $2::jsonb ? 'secret' THEN now() "
	  "                      ELSE s.secret_rotated_at END "
	  "WHERE s.id = $1 "
	  "RETURNING subscription_doc(s) || " SUBSCRIPTION_SECRET_IF_SET("$2::jsonb"), 2 },
	{ "subscription_list",
	  "SELECT subscription_doc(s), hearth.sort_ts(s.created_at), s.id FROM subscriptions s "
	  "WHERE ($1::text IS NULL OR s.status = $1) "
	  "  AND ($2::text IS NULL OR (s.created_at, s.id) > (hearth.from_sort_ts($2), $3::uuid)) "
	  "ORDER BY s.created_at, s.id LIMIT $4", 4 },
	/* == deliveries == */
	{ "subscription_exists", "SELECT s.status FROM subscriptions s WHERE s.id = $1", 1 },
	{ "delivery_get",
	  "SELECT delivery_doc(d), d.version FROM deliveries d "
	  "WHERE d.id = $1 AND d.subscription_id = $2", 2 },
	{ "delivery_list",
	  "SELECT delivery_doc(d), hearth.sort_ts(d.created_at), d.id FROM deliveries d "
	  "WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.status = $2) "
	  "  AND ($3::text IS NULL OR (d.created_at, d.id) > (hearth.from_sort_ts($3), $4::uuid)) "
	  "ORDER BY d.created_at, d.id LIMIT $5", 5 },
	/* A new round of the retry schedule, from now; the webhook-id stays. */
	{ "delivery_redeliver",
	  "UPDATE deliveries d SET status = 'pending', round_attempts = 0, next_attempt_at = now(), "
	  "  lease_until = NULL, failed_at = NULL "
	  "WHERE d.id = $1 AND d.subscription_id = $2 "
	  "RETURNING delivery_doc(d), d.version", 2 },
	{ NULL, NULL, 0 },
};

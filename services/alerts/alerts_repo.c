/*
 * alerts_repo.c - the SQL of alerts. Row-level security limits every
 * statement to the request's own organisation; the document is alert_doc()
 * (alerts 001).
 */
#include "alerts_service.h"

const struct hearth_stmt_def alert_stmts[] = {
	{ "alert_get", "SELECT alert_doc(a), a.version FROM alerts a WHERE a.id = $1", 1 },
	{ "alert_list",
	  "SELECT alert_doc(a), hearth.sort_ts(a.created_at), a.id "
	  "FROM alerts a "
	  "WHERE ($1::text IS NULL OR a.status = $1) "
	  "  AND ($2::text IS NULL OR a.kind = $2) "
	  "  AND ($3::text IS NULL OR a.subject_type = $3) "
	  "  AND ($4::uuid IS NULL OR a.subject_id = $4) "
	  "  AND ($5::text IS NULL OR $5::boolean = (a.status <> 'resolved' AND EXISTS ("
	  "       SELECT 1 FROM alert_deadlines d WHERE d.alert_id = a.id AND d.met_at IS NULL "
	  "         AND d.due_at < now()))) "
	  "  AND ($6::date IS NULL OR a.created_at >= ($6::date::timestamp AT TIME ZONE 'Europe/London')) "
	  "  AND ($7::text IS NULL OR (a.created_at, a.id) > (hearth.from_sort_ts($7), $8::uuid)) "
	  "ORDER BY a.created_at, a.id LIMIT $9", 9 },
	/* (outcome, doc, version): alerts 004 */
	{ "alert_acknowledge", "SELECT outcome, doc, version FROM acknowledge($1::uuid, $2)", 2 },
	{ "alert_deadline_met",
	  "SELECT outcome, doc, version FROM meet_deadline($1::uuid, $2, $3::timestamptz, $4)", 4 },
	{ "alert_resolve", "SELECT outcome, doc, version FROM resolve($1::uuid, $2)", 2 },
	{ NULL, NULL, 0 },
};

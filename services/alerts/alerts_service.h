/*
 * alerts_service.h - what the alerts service's files share: the route table,
 * the statement tables of each repo file, the resource descriptors and the
 * background workers.
 */
#ifndef HEARTH_ALERTS_SERVICE_H
#define HEARTH_ALERTS_SERVICE_H

#include <stdio.h>

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"
#include "hearth/worker.h"

extern const struct hearth_route alerts_routes[];
extern const struct hearth_stmt_def *const alerts_statements[];
extern const struct hearth_worker_def alerts_workers[];

/* == settings (settings.c): HEARTH_ALERTS_*, defaults in brackets ==
 *   CONSUMER_POLL_MS [5000]      the consumer's look at the outboxes without a NOTIFY
 *   CONSUMER_BATCH [500]         events per consumer transaction
 *   ESCALATION_CHECK_S [30]      how often the escalation clock looks
 *   ESCALATION_INTERVAL_S [3600] after a missed deadline's first raise, the next
 *   REG44_CHECK_S [3600]         how often missing Reg 44 reports are looked for */
struct alerts_settings {
	long consumer_poll_ms;
	long consumer_batch;
	long escalation_check_s;
	long escalation_interval_s;
	long reg44_check_s;
};
extern struct alerts_settings alerts_settings;
/* Read the environment; 0, or -1 with each bad setting reported on `errors`. */
int alerts_settings_load(FILE *errors);

/* == alerts: the caller's organisation's own (alerts.c / alerts_repo.c) == */
extern const struct hearth_resource alert_resource;
extern const struct hearth_stmt_def alert_stmts[];
extern const char *const alerts_kinds[];
/* alert_actions.c: acknowledge, meet a deadline, resolve (alerts 004) */
void alerts_handle_acknowledge(struct hearth_request *req);
void alerts_handle_deadline_met(struct hearth_request *req);
void alerts_handle_resolve(struct hearth_request *req);

/* == rules and the calendar (rules.c, holidays.c / rules_repo.c) == */
extern const struct hearth_stmt_def rule_stmts[];
extern const struct hearth_stmt_def holiday_stmts[];
extern const struct hearth_resource holiday_resource;
void alert_rules_handle_list(struct hearth_request *req);
void alert_rules_handle_get(struct hearth_request *req);
void alert_rules_handle_patch(struct hearth_request *req);

#endif

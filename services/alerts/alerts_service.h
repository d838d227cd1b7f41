/*
 * alerts_service.h - what the alerts service's files share: the route table,
 * the statement tables of each repo file, the resource descriptors and the
 * background workers.
 */
#ifndef HEARTH_ALERTS_SERVICE_H
#define HEARTH_ALERTS_SERVICE_H

#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"
#include "hearth/worker.h"

extern const struct hearth_route alerts_routes[];
extern const struct hearth_stmt_def *const alerts_statements[];
extern const struct hearth_worker_def alerts_workers[];

/* == alerts: the caller's organisation's own (alerts.c / alerts_repo.c) == */
extern const struct hearth_resource alert_resource;
extern const struct hearth_stmt_def alert_stmts[];

#endif

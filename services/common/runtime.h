/*
 * runtime.h - private to the runtime: the state of a running service, shared by
 * the server start-up (service.c), the request dispatcher (dispatch.c), the
 * response calls (respond.c) and the ops endpoints (ops.c).
 */
#ifndef HEARTH_RUNTIME_H
#define HEARTH_RUNTIME_H

#include <signal.h>
#include <stdatomic.h>
#include <ulfius.h>

#include "hearth/auth.h"
#include "hearth/config.h"
#include "hearth/db.h"
#include "hearth/service.h"
#include "metrics.h"

struct hearth_runtime {
	const struct hearth_service_def *def;
	struct hearth_config cfg;
	struct hearth_db_pool *pool;
	struct hearth_verifier *verifier;
	struct hearth_metrics *metrics;
	struct hearth_stmt_def *stmts; /* the service's tables flattened into one */
	struct hearth_route *routes;   /* ops routes followed by the service's */
	size_t n_routes;
	atomic_int draining;
	atomic_long in_flight;
};

/* What a handler's answer is being built into. */
struct hearth_response {
	struct _u_response *u;
	int status; /* 0 until answered */
};

/* The Ulfius callback for every request (installed as the default endpoint). */
int hearth_dispatch(const struct _u_request *u_req, struct _u_response *u_res, void *user_data);

/* Ops handlers; their route entries are prepended to every service's table. */
void hearth_ops_healthz(struct hearth_request *req);
void hearth_ops_readyz(struct hearth_request *req);
void hearth_ops_metrics(struct hearth_request *req);

/* The runtime a request belongs to (ops handlers need the pool and metrics). */
struct hearth_runtime *hearth_runtime_of(const struct hearth_request *req);

#endif

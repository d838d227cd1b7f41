/*
 * runtime_internal.h - private to the runtime: the state of a running service, shared by
 * the server start-up (service.c), the HTTP server (http_server.c), the request
 * dispatcher (dispatch.c), the response calls (respond.c) and the ops endpoints
 * (ops.c).
 */
#ifndef HEARTH_RUNTIME_INTERNAL_H
#define HEARTH_RUNTIME_INTERNAL_H

#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <ulfius.h>

#include "hearth/auth.h"
#include "hearth/config.h"
#include "hearth/db.h"
#include "hearth/service.h"
#include "hearth/worker.h"
#include "batch_slots_internal.h"
#include "metrics_internal.h"
#include "slow_lane_internal.h"

struct hearth_runtime {
	const struct hearth_service_def *def;
	struct hearth_config cfg;
	struct hearth_db_pool *pool;
	struct hearth_verifier *verifier;
	struct hearth_metrics *metrics;
	struct hearth_stmt_def *stmts; /* the service's tables flattened into one */
	struct hearth_route *routes;   /* ops routes followed by the service's */
	size_t n_routes;
	struct hearth_batch_slots *batch_slots;
	struct hearth_workers *workers;
	struct MHD_Daemon *daemon;
	struct hearth_slow_lane *slow_lane; /* http_server.c's */
	atomic_int draining;
	atomic_long in_flight;
};

/* What a handler's answer is being built into. */
struct hearth_response {
	struct _u_response *u;
	int status; /* 0 until answered */
};

/*
 * One request through the runtime, driven by the HTTP server in three steps:
 *
 *   ex = hearth_exchange_new(rt, raw_uri)       the request line arrived
 *   hearth_exchange_admit(ex, method, len)      headers known (set ex->headers
 *        first), no body read yet: route, query, body limit against the
 *        declared length, token, role, media type, batch slot. Returns 1 when
 *        answered already (the body is then never read), 0 to read the body.
 *   hearth_exchange_body(ex, data, n)           each piece of the body; stops
 *        keeping it past the route's limit (a chunked body is then 413)
 *   hearth_exchange_run(ex)                     the body is complete: parse, handler
 *
 * After an answer (ex->res.status != 0) the server sends ex->u_res and calls
 * hearth_exchange_finish (access log, metrics, slot and body released).
 * hearth_exchange_free frees everything, finishing first if that did not happen
 * (a client that went away mid-body).
 */
struct hearth_exchange {
	struct hearth_runtime *rt;
	struct _u_map headers;       /* request headers (hearth_header reads them) */
	struct _u_response u_res;    /* the answer being built */
	struct hearth_response res;
	struct hearth_request req;
	const struct hearth_route *route;
	char *url;                   /* as sent: path and query, not decoded */
	char method[16];
	char request_id[129];
	char roles_text[128];
	struct timespec t0;
	char *body;
	size_t body_len, body_cap;
	long body_limit;             /* the route's */
	int body_too_large;
	int holds_batch_slot;
	int finished;
	json_t *json_owned;          /* what req.json points to */
	/* A slow route's run on the slow lane (http_server.c): the connection is
	 * suspended while `lane_state` is HEARTH_LANE_QUEUED. */
	struct hearth_slow_job lane_job;
	struct MHD_Connection *conn;
	atomic_int lane_state;
};

enum { HEARTH_LANE_NONE, HEARTH_LANE_QUEUED, HEARTH_LANE_DONE };

struct hearth_exchange *hearth_exchange_new(struct hearth_runtime *rt, const char *raw_uri);
int hearth_exchange_admit(struct hearth_exchange *ex, const char *method, long long declared_len);
/* Returns -1 when the client keeps sending far past the limit: close the connection. */
int hearth_exchange_body(struct hearth_exchange *ex, const char *data, size_t n);
void hearth_exchange_run(struct hearth_exchange *ex);
void hearth_exchange_finish(struct hearth_exchange *ex);
/* NULL is a no-op. */
void hearth_exchange_free(struct hearth_exchange *ex);

/* The server: a libmicrohttpd daemon driving exchanges (http_server.c). */
int hearth_http_start(struct hearth_runtime *rt, const struct sockaddr_in *addr);
/* Stop accepting connections (the listening socket is closed). */
void hearth_http_quiesce(struct hearth_runtime *rt);
void hearth_http_stop(struct hearth_runtime *rt);

/* Ops handlers; their route entries are prepended to every service's table. */
void hearth_ops_healthz(struct hearth_request *req);
void hearth_ops_readyz(struct hearth_request *req);
void hearth_ops_metrics(struct hearth_request *req);

/* The runtime a request belongs to (ops handlers need the pool and metrics). */
struct hearth_runtime *hearth_runtime_of(const struct hearth_request *req);

#endif

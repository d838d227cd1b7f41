/*
 * service.h - what a Hearth service is made of, and the one call that runs it.
 *
 * A service declares a route table, a statement table and a name; the shared
 * runtime does the rest: configuration, logging, the database pool, the token
 * verifier, the HTTP server (libmicrohttpd with its own access handler, so limits
 * and the token are checked before a body is read; a few epoll worker threads,
 * slow routes on threads of their own, a connection timeout), /healthz, /readyz and /metrics, problem+json for every
 * error including unknown routes (404) and wrong methods (405 with Allow), body
 * limits (413), media types (415), X-Request-Id, the access log, and a graceful
 * drain on SIGTERM/SIGINT (readiness turns false, the listening socket closes,
 * answers carry Connection: close, in-flight requests finish up to
 * HEARTH_DRAIN_TIMEOUT_S, then the process exits 0). Background workers
 * (hearth/worker.h) start once the server listens; the drain asks them to stop
 * and joins them after the requests in flight, before the pool closes.
 */
#ifndef HEARTH_SERVICE_H
#define HEARTH_SERVICE_H

#include "hearth/http.h"
#include "hearth/db.h"
#include "hearth/worker.h"

struct hearth_service_def {
	const char *name;                   /* "providers": log field, metrics label */
	const char *search_path;            /* "providers, public" */
	const struct hearth_route *routes;  /* terminated by { NULL } */
	/* The service's prepared statements: a NULL-terminated list of tables (one
	 * per repo file), each terminated by { NULL }. */
	const struct hearth_stmt_def *const *stmt_tables;
	/* Background workers, terminated by { NULL }; NULL for none. */
	const struct hearth_worker_def *workers;
};

/* Run the service until SIGTERM/SIGINT. Returns the process exit status:
 * 0 after a clean drain, 1 when configuration or start-up fails (the reason is
 * logged, each bad setting on its own line). */
int hearth_service_main(const struct hearth_service_def *def, int argc, char **argv);

#endif

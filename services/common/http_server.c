/*
 * http_server.c - the libmicrohttpd daemon and its access handler.
 *
 * Why not Ulfius's own handler: it accumulates the whole body before any of our
 * code runs, so a 30 MB body from anyone is read and held before its route's
 * limit or its token are looked at. Here the first call (headers known, no body
 * read) runs every check that needs no body (hearth_exchange_admit); an answer
 * queued there makes libmicrohttpd skip the body and close the connection. Ulfius
 * still provides the header map and the response object the handlers fill.
 *
 * Threading: a few worker threads (HEARTH_HTTP_THREADS), each an epoll loop
 * over its share of the connections, running handlers inline. A thread per
 * connection spent most of its time in the scheduler under load (64 threads
 * queueing for 8 database connections); a handful of workers, each finding its
 * own pooled connection free (db_pool.c), do the same reads without sleeping
 * on each other. A handler blocks its worker while the database answers, so
 * routes that are slow by design (HEARTH_ROUTE_SLOW, HEARTH_ROUTE_LARGE_BODY)
 * do not run there: the connection is suspended, the slow lane's threads run
 * the handler (slow_lane.c) and resume it, and the worker sends the answer.
 * Bodies are still received by the worker, before any handler runs, a piece
 * at a time as they arrive. Connections are capped (HEARTH_MAX_CONNECTIONS)
 * and time out when idle (HEARTH_CONNECTION_TIMEOUT_S).
 *
 * Drain: while the runtime drains, every answer carries `Connection: close`, so
 * a gateway's kept-alive connections end with their next answer and it opens
 * new ones, which reach a process still listening on the port.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/util.h"
#include "runtime_internal.h"

/* The raw request target, before libmicrohttpd decodes it: routes match on it
 * and decode path parameters themselves. Becomes the request's *con_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)c;
	return hearth_exchange_new(cls, uri);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	hearth_exchange_free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result put_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	u_map_put(cls, key, value ? value : "");
	return MHD_YES;
}

/* -1 when absent (a chunked body, or none). */
static long long declared_length(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end = NULL;
	long long n;

	if (!v)
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	/* libmicrohttpd refuses a malformed length before calling us. */
	return errno || end == v || n < 0 ? -1 : n;
}

static enum MHD_Result send_answer(struct hearth_exchange *ex, struct MHD_Connection *c)
{
	struct _u_response *u = &ex->u_res;
	struct MHD_Response *r;
	enum MHD_Result rc;

	/* The body moves to libmicrohttpd as it is: no copy. */
	if (u->binary_body && u->binary_body_length > 0) {
		r = MHD_create_response_from_buffer(u->binary_body_length, u->binary_body,
						    MHD_RESPMEM_MUST_FREE);
		if (r) {
			u->binary_body = NULL;
			u->binary_body_length = 0;
		}
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!r) {
		hearth_exchange_finish(ex);
		return MHD_NO;
	}
	for (int i = 0; i < u->map_header->nb_values; i++)
		MHD_add_response_header(r, u->map_header->keys[i], u->map_header->values[i]);
	if (atomic_load(&ex->rt->draining))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	rc = MHD_queue_response(c, (unsigned)ex->res.status, r);
	MHD_destroy_response(r);
	hearth_exchange_finish(ex);
	return rc;
}

/* On a slow-lane thread: run the handler, then let the worker send the answer. */
static void run_on_lane(struct hearth_slow_job *job)
{
	struct hearth_exchange *ex = (struct hearth_exchange *)((char *)job -
		offsetof(struct hearth_exchange, lane_job));

	hearth_exchange_run(ex);
	atomic_store(&ex->lane_state, HEARTH_LANE_DONE);
	MHD_resume_connection(ex->conn);
}

/* Hand a slow route's run to the slow lane. 0 when handed (the connection is
 * suspended until it is done), -1 to run it here (the lane is stopping). */
static int hand_to_lane(struct hearth_exchange *ex, struct MHD_Connection *c)
{
	struct hearth_slow_lane *lane = ex->rt->slow_lane;

	if (!lane || !(ex->route->flags & (HEARTH_ROUTE_SLOW | HEARTH_ROUTE_LARGE_BODY)))
		return -1;
	ex->conn = c;
	ex->lane_job.run = run_on_lane;
	atomic_store(&ex->lane_state, HEARTH_LANE_QUEUED);
	MHD_suspend_connection(c);
	if (hearth_slow_lane_submit(lane, &ex->lane_job) == 0)
		return 0;
	MHD_resume_connection(c);
	atomic_store(&ex->lane_state, HEARTH_LANE_NONE);
	return -1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct hearth_exchange *ex = *con_cls;

	(void)cls;
	(void)url;
	(void)version;
	if (!ex)
		return MHD_NO; /* out of memory when the request line arrived */
	if (!ex->req.method) {
		/* First call: headers only (admit sets the method). */
		MHD_get_connection_values(c, MHD_HEADER_KIND, put_header, &ex->headers);
		if (hearth_exchange_admit(ex, method, declared_length(c)) != 0)
			return send_answer(ex, c);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return hearth_exchange_body(ex, upload_data, n) == 0 ? MHD_YES : MHD_NO;
	}
	switch (atomic_load(&ex->lane_state)) {
	case HEARTH_LANE_DONE:
		return send_answer(ex, c);
	case HEARTH_LANE_QUEUED:
		return MHD_YES; /* not called while suspended; nothing to do if it is */
	default:
		break;
	}
	if (hand_to_lane(ex, c) == 0)
		return MHD_YES;
	hearth_exchange_run(ex);
	return send_answer(ex, c);
}

int hearth_http_start(struct hearth_runtime *rt, const struct sockaddr_in *addr)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_ALLOW_SUSPEND_RESUME;

	rt->slow_lane = hearth_slow_lane_new(rt->cfg.slow_threads);
	if (!rt->slow_lane)
		return -1;
	rt->daemon = MHD_start_daemon(
		flags, ntohs(addr->sin_port), NULL, NULL, on_request, rt,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, rt,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, rt,
		MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(rt->cfg.http_threads > 0
							    ? rt->cfg.http_threads
							    : rt->cfg.db_pool_size),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)rt->cfg.connection_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)rt->cfg.max_connections,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		MHD_OPTION_END);
	if (!rt->daemon) {
		hearth_slow_lane_stop(rt->slow_lane);
		rt->slow_lane = NULL;
		return -1;
	}
	return 0;
}

void hearth_http_quiesce(struct hearth_runtime *rt)
{
	MHD_socket listener = MHD_quiesce_daemon(rt->daemon);

	if (listener != MHD_INVALID_SOCKET)
		close(listener);
}

void hearth_http_stop(struct hearth_runtime *rt)
{
	/* The lane first: its jobs finish and resume their connections while the
	 * workers still run to send the answers; then the workers stop. */
	hearth_slow_lane_stop(rt->slow_lane);
	rt->slow_lane = NULL;
	if (rt->daemon)
		MHD_stop_daemon(rt->daemon);
	rt->daemon = NULL;
}

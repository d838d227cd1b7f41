/*
 * worker.h - named background threads of a service: event consumers, clocks,
 * senders.
 *
 * A service lists its workers in its definition (hearth_service_def.workers, a
 * table ending with { NULL }). The runtime starts each in its own thread once
 * the database pool is up and the server listens, and stops them on SIGTERM:
 * it asks every worker to stop at the start of the drain, wakes it, and joins
 * it after the requests in flight are done, before the pool is closed. A
 * worker therefore never sees a closed pool, and a stop is noticed within one
 * database call (each bounded by the pool's query timeout).
 *
 * A worker's function runs until it returns or until hearth_worker_wait()
 * returns 1 (stop requested), whichever comes first; returning early is fine
 * (the thread ends, the service keeps serving) and is logged. The function
 * keeps no state the next process needs in memory: workers of two processes
 * may run at once (a rolling restart), so shared state lives in the database.
 *
 * Threads. Everything here except hearth_workers_start/stop may be called by
 * the worker's own thread; hearth_worker_wake() and hearth_worker_wake_named()
 * by any thread.
 */
#ifndef HEARTH_WORKER_H
#define HEARTH_WORKER_H

#include "hearth/util.h"

struct hearth_db_pool;
struct hearth_worker;

typedef void (*hearth_worker_fn)(struct hearth_worker *w, void *arg);

struct hearth_worker_def {
	const char *name;     /* "consumer": log field and hearth_worker_wake_named() key */
	hearth_worker_fn run;
	void *arg;            /* passed to run as it is */
};

/* What the runtime lends its workers. */
struct hearth_worker_env {
	struct hearth_db_pool *pool; /* may be NULL (unit tests) */
	const char *conninfo;        /* for a worker's own connection (LISTEN) */
};

/* Wait until woken, until `fd` (when >= 0) is readable, or `timeout_ms`
 * (negative: no timeout) has passed, whichever comes first. Returns 1 when
 * the worker must stop (return from its function soon), 0 otherwise. A wake
 * that arrived while the worker was busy is not lost: the next wait returns
 * at once. */
int hearth_worker_wait(struct hearth_worker *w, int fd, long timeout_ms);

/* 1 once the service has asked its workers to stop. */
int hearth_worker_stopping(const struct hearth_worker *w);

/* Wake a worker from its wait (any thread; a no-op after it has ended). */
void hearth_worker_wake(struct hearth_worker *w);
/* Wake the worker named `name` of the same set; 0, or -1 when there is none. */
int hearth_worker_wake_named(struct hearth_worker *w, const char *name);

const char *hearth_worker_name(const struct hearth_worker *w);
struct hearth_db_pool *hearth_worker_pool(const struct hearth_worker *w);
const char *hearth_worker_conninfo(const struct hearth_worker *w);

/* The runtime's side. */
struct hearth_workers;

/* Start one thread per entry of `defs` (NULL or empty: an empty set). Returns
 * the set, or NULL when a thread or memory could not be had (those already
 * started are stopped and joined again). `defs` and `env` strings must
 * outlive the set. */
HEARTH_MUST_CHECK
struct hearth_workers *hearth_workers_start(const struct hearth_worker_def *defs,
					    const struct hearth_worker_env *env);
/* Ask every worker to stop and wake it; returns at once. NULL is a no-op. */
void hearth_workers_request_stop(struct hearth_workers *set);
/* Request the stop (if not yet), join every thread, free the set. NULL is a
 * no-op. */
void hearth_workers_stop(struct hearth_workers *set);

#endif

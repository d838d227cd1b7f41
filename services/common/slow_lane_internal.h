/*
 * slow_lane_internal.h - private to the runtime: the threads that run slow
 * routes (reports, batches) away from the HTTP workers.
 *
 * Why: the HTTP workers are a few event-loop threads, each serving many
 * connections and blocking on the database while it runs a handler. A handler
 * that takes a second (a whole-tenant report, a 10,000-item push) would hold
 * every other connection of its worker for that second. Routes flagged
 * HEARTH_ROUTE_SLOW (and every HEARTH_ROUTE_LARGE_BODY route) are handed to
 * this lane instead: the worker suspends the connection, a lane thread runs
 * the handler, then resumes it, and the worker sends the answer.
 *
 * Jobs are intrusive (the caller embeds a struct hearth_slow_job), so handing
 * one over allocates nothing. Thread-safe.
 */
#ifndef HEARTH_SLOW_LANE_INTERNAL_H
#define HEARTH_SLOW_LANE_INTERNAL_H

struct hearth_slow_job {
	void (*run)(struct hearth_slow_job *job); /* called once, on a lane thread */
	struct hearth_slow_job *next;             /* the lane's */
};

struct hearth_slow_lane;

/* Start `threads` (>= 1) threads. NULL when a thread or memory is missing. */
struct hearth_slow_lane *hearth_slow_lane_new(int threads);

/* Queue a job; lane threads take jobs in the order they were queued. Returns
 * -1 (the job is not taken) once the lane is stopping. */
int hearth_slow_lane_submit(struct hearth_slow_lane *lane, struct hearth_slow_job *job);

/* Jobs queued or running now (for tests and metrics). */
int hearth_slow_lane_pending(struct hearth_slow_lane *lane);

/* Refuse new jobs, run every job already queued, join the threads, free.
 * NULL is a no-op. */
void hearth_slow_lane_stop(struct hearth_slow_lane *lane);

#endif

/*
 * slow_lane.c - a FIFO of jobs and the threads that run them (see
 * slow_lane_internal.h). One mutex guards the queue; it is taken only by slow
 * routes, never on the path of a fast read.
 */
#include <pthread.h>
#include <stdlib.h>

#include "hearth/log.h"
#include "slow_lane_internal.h"

struct hearth_slow_lane {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hearth_slow_job *head, *tail;
	int pending; /* queued + running */
	int stopping;
	int n_threads;
	pthread_t *threads;
};

static void *lane_main(void *arg)
{
	struct hearth_slow_lane *lane = arg;

	pthread_mutex_lock(&lane->mu);
	for (;;) {
		struct hearth_slow_job *job = lane->head;

		if (!job) {
			if (lane->stopping)
				break;
			pthread_cond_wait(&lane->cv, &lane->mu);
			continue;
		}
		lane->head = job->next;
		if (!lane->head)
			lane->tail = NULL;
		pthread_mutex_unlock(&lane->mu);
		job->next = NULL;
		job->run(job);
		pthread_mutex_lock(&lane->mu);
		lane->pending--;
	}
	pthread_mutex_unlock(&lane->mu);
	return NULL;
}

struct hearth_slow_lane *hearth_slow_lane_new(int threads)
{
	struct hearth_slow_lane *lane;

	if (threads < 1)
		return NULL;
	lane = calloc(1, sizeof(*lane));
	if (!lane)
		return NULL;
	lane->threads = calloc((size_t)threads, sizeof(*lane->threads));
	if (!lane->threads) {
		free(lane);
		return NULL;
	}
	pthread_mutex_init(&lane->mu, NULL);
	pthread_cond_init(&lane->cv, NULL);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&lane->threads[i], NULL, lane_main, lane) != 0) {
			hearth_log(HEARTH_LOG_ERROR, "slow lane: could not start thread %d", i);
			hearth_slow_lane_stop(lane);
			return NULL;
		}
		lane->n_threads++;
	}
	return lane;
}

int hearth_slow_lane_submit(struct hearth_slow_lane *lane, struct hearth_slow_job *job)
{
	int rc = -1;

	job->next = NULL;
	pthread_mutex_lock(&lane->mu);
	if (!lane->stopping) {
		if (lane->tail)
			lane->tail->next = job;
		else
			lane->head = job;
		lane->tail = job;
		lane->pending++;
		pthread_cond_signal(&lane->cv);
		rc = 0;
	}
	pthread_mutex_unlock(&lane->mu);
	return rc;
}

int hearth_slow_lane_pending(struct hearth_slow_lane *lane)
{
	int n;

	pthread_mutex_lock(&lane->mu);
	n = lane->pending;
	pthread_mutex_unlock(&lane->mu);
	return n;
}

void hearth_slow_lane_stop(struct hearth_slow_lane *lane)
{
	if (!lane)
		return;
	pthread_mutex_lock(&lane->mu);
	lane->stopping = 1;
	pthread_cond_broadcast(&lane->cv);
	pthread_mutex_unlock(&lane->mu);
	for (int i = 0; i < lane->n_threads; i++)
		pthread_join(lane->threads[i], NULL);
	pthread_cond_destroy(&lane->cv);
	pthread_mutex_destroy(&lane->mu);
	free(lane->threads);
	free(lane);
}

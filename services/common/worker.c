/*
 * worker.c - background threads of a service (hearth/worker.h).
 *
 * Each worker owns a self-pipe: a wake writes one byte (non-blocking, so a
 * full pipe means "already woken"), a wait polls the pipe, the caller's fd and
 * the timeout together, then empties the pipe. The stop flag is checked before
 * and after every wait, so a stop requested at any moment ends the next wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/worker.h"

struct hearth_worker {
	const struct hearth_worker_def *def;
	struct hearth_workers *set;
	pthread_t thread;
	int started;
	int pipe_rd, pipe_wr;
};

struct hearth_workers {
	struct hearth_worker_env env;
	struct hearth_worker *items;
	size_t n;
	atomic_int stop;
};

int hearth_worker_stopping(const struct hearth_worker *w)
{
	return atomic_load(&w->set->stop) != 0;
}

void hearth_worker_wake(struct hearth_worker *w)
{
	char byte = 1;
	ssize_t rc;

	/* EAGAIN: the pipe is full, the worker will wake anyway. */
	do
		rc = write(w->pipe_wr, &byte, 1);
	while (rc < 0 && errno == EINTR);
}

int hearth_worker_wake_named(struct hearth_worker *w, const char *name)
{
	for (size_t i = 0; i < w->set->n; i++)
		if (strcmp(w->set->items[i].def->name, name) == 0) {
			hearth_worker_wake(&w->set->items[i]);
			return 0;
		}
	return -1;
}

static void drain_pipe(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int hearth_worker_wait(struct hearth_worker *w, int fd, long timeout_ms)
{
	struct pollfd fds[2] = { { .fd = w->pipe_rd, .events = POLLIN },
				 { .fd = fd, .events = POLLIN } };
	int timeout = timeout_ms < 0 ? -1 : timeout_ms > 86400000L ? 86400000 : (int)timeout_ms;

	if (hearth_worker_stopping(w))
		return 1;
	if (poll(fds, fd >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR)
		hearth_log(HEARTH_LOG_WARN, "worker %s: poll: %s", w->def->name, strerror(errno));
	if (fds[0].revents)
		drain_pipe(w->pipe_rd);
	return hearth_worker_stopping(w);
}

const char *hearth_worker_name(const struct hearth_worker *w)
{
	return w->def->name;
}

struct hearth_db_pool *hearth_worker_pool(const struct hearth_worker *w)
{
	return w->set->env.pool;
}

const char *hearth_worker_conninfo(const struct hearth_worker *w)
{
	return w->set->env.conninfo;
}

static void *worker_main(void *arg)
{
	struct hearth_worker *w = arg;

	hearth_log(HEARTH_LOG_INFO, "worker %s: started", w->def->name);
	w->def->run(w, w->def->arg);
	if (!hearth_worker_stopping(w))
		hearth_log(HEARTH_LOG_WARN, "worker %s: ended before the service stopped",
			   w->def->name);
	else
		hearth_log(HEARTH_LOG_INFO, "worker %s: stopped", w->def->name);
	return NULL;
}

static int open_pipe(struct hearth_worker *w)
{
	int fds[2];

	if (pipe(fds) != 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (fcntl(fds[i], F_SETFL, O_NONBLOCK) != 0 || fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0) {
			close(fds[0]);
			close(fds[1]);
			return -1;
		}
	w->pipe_rd = fds[0];
	w->pipe_wr = fds[1];
	return 0;
}

struct hearth_workers *hearth_workers_start(const struct hearth_worker_def *defs,
					    const struct hearth_worker_env *env)
{
	struct hearth_workers *set = calloc(1, sizeof(*set));
	size_t n = 0;

	if (!set)
		return NULL;
	set->env = *env;
	atomic_init(&set->stop, 0);
	while (defs && defs[n].name)
		n++;
	if (n && !(set->items = calloc(n, sizeof(*set->items))))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct hearth_worker *w = &set->items[i];

		w->def = &defs[i];
		w->set = set;
		w->pipe_rd = w->pipe_wr = -1;
		set->n = i + 1;
		if (open_pipe(w) != 0 || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			hearth_log(HEARTH_LOG_ERROR, "worker %s: could not be started", defs[i].name);
			goto fail;
		}
		w->started = 1;
	}
	return set;
fail:
	hearth_workers_stop(set);
	return NULL;
}

void hearth_workers_request_stop(struct hearth_workers *set)
{
	if (!set)
		return;
	atomic_store(&set->stop, 1);
	for (size_t i = 0; i < set->n; i++)
		if (set->items[i].pipe_wr >= 0)
			hearth_worker_wake(&set->items[i]);
}

void hearth_workers_stop(struct hearth_workers *set)
{
	if (!set)
		return;
	hearth_workers_request_stop(set);
	for (size_t i = 0; i < set->n; i++) {
		struct hearth_worker *w = &set->items[i];

		if (w->started)
			pthread_join(w->thread, NULL);
		if (w->pipe_rd >= 0)
			close(w->pipe_rd);
		if (w->pipe_wr >= 0)
			close(w->pipe_wr);
	}
	free(set->items);
	free(set);
}

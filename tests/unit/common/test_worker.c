/* test_worker.c - background workers: started, woken (by name, by a file
 * descriptor, before they wait), told to stop and joined. */
#include <check.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "hearth/worker.h"

struct probe {
	sem_t woke;          /* posted after each wait that did not say stop */
	sem_t ready;         /* posted once the worker runs */
	sem_t go;            /* the test lets the worker wait */
	atomic_int stopped;  /* the worker saw the stop */
	int fd;              /* extra fd to wait on, or -1 */
	long timeout_ms;
	int waits;
};

static void probe_init(struct probe *p, int fd, long timeout_ms)
{
	sem_init(&p->woke, 0, 0);
	sem_init(&p->ready, 0, 0);
	sem_init(&p->go, 0, 0);
	atomic_init(&p->stopped, 0);
	p->fd = fd;
	p->timeout_ms = timeout_ms;
	p->waits = 0;
}

static void probe_run(struct hearth_worker *w, void *arg)
{
	struct probe *p = arg;
	char buf[16];

	ck_assert_ptr_null(hearth_worker_pool(w));
	ck_assert_str_eq(hearth_worker_conninfo(w), "dbname=none");
	sem_post(&p->ready);
	sem_wait(&p->go);
	while (hearth_worker_wait(w, p->fd, p->timeout_ms) == 0) {
		p->waits++;
		if (p->fd >= 0)
			while (read(p->fd, buf, sizeof(buf)) > 0)
				;
		sem_post(&p->woke);
	}
	ck_assert(hearth_worker_stopping(w));
	atomic_store(&p->stopped, 1);
}

static const struct hearth_worker_env env = { .pool = NULL, .conninfo = "dbname=none" };

START_TEST(a_stop_ends_waits_without_timeout)
{
	struct probe a, b;
	struct hearth_worker_def defs[] = {
		{ "alpha", probe_run, &a },
		{ "beta", probe_run, &b },
		{ NULL, NULL, NULL },
	};
	struct hearth_workers *set;

	probe_init(&a, -1, -1);
	probe_init(&b, -1, -1);
	set = hearth_workers_start(defs, &env);
	ck_assert_ptr_nonnull(set);
	sem_wait(&a.ready);
	sem_wait(&b.ready);
	sem_post(&a.go);
	sem_post(&b.go);
	/* Both wait without a timeout: only the stop ends them. */
	hearth_workers_stop(set);
	ck_assert_int_eq(atomic_load(&a.stopped), 1);
	ck_assert_int_eq(atomic_load(&b.stopped), 1);
}
END_TEST

/* A worker that wakes another by name, then ends. */
struct waker {
	sem_t done;
	int rc_known, rc_unknown;
};

static void waker_run(struct hearth_worker *w, void *arg)
{
	struct waker *k = arg;

	k->rc_known = hearth_worker_wake_named(w, "sleeper");
	k->rc_unknown = hearth_worker_wake_named(w, "nobody");
	sem_post(&k->done);
}

START_TEST(a_worker_wakes_another_by_name)
{
	struct probe s;
	struct waker k;
	struct hearth_worker_def defs[] = {
		{ "sleeper", probe_run, &s },
		{ "waker", waker_run, &k },
		{ NULL, NULL, NULL },
	};
	struct hearth_workers *set;

	probe_init(&s, -1, -1);
	sem_init(&k.done, 0, 0);
	set = hearth_workers_start(defs, &env);
	ck_assert_ptr_nonnull(set);
	sem_wait(&s.ready);
	sem_wait(&k.done);
	ck_assert_int_eq(k.rc_known, 0);
	ck_assert_int_eq(k.rc_unknown, -1);
	/* The wake came before the sleeper's first wait: it is not lost. */
	sem_post(&s.go);
	sem_wait(&s.woke);
	ck_assert_int_eq(s.waits, 1);
	hearth_workers_stop(set);
	ck_assert_int_eq(atomic_load(&s.stopped), 1);
}
END_TEST

START_TEST(woken_by_a_readable_fd)
{
	struct probe p;
	int fds[2];
	struct hearth_worker_def defs[] = { { "reader", probe_run, &p }, { NULL, NULL, NULL } };
	struct hearth_workers *set;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	probe_init(&p, fds[0], -1);
	set = hearth_workers_start(defs, &env);
	ck_assert_ptr_nonnull(set);
	sem_wait(&p.ready);
	sem_post(&p.go);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(write(fds[1], "x", 1), 1);
		sem_wait(&p.woke);
	}
	hearth_workers_stop(set);
	ck_assert_int_eq(p.waits, 3);
	ck_assert_int_eq(atomic_load(&p.stopped), 1);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(a_timeout_returns_and_a_stop_ends_the_loop)
{
	struct probe p;
	struct hearth_worker_def defs[] = { { "ticker", probe_run, &p }, { NULL, NULL, NULL } };
	struct hearth_workers *set;

	probe_init(&p, -1, 1);
	set = hearth_workers_start(defs, &env);
	ck_assert_ptr_nonnull(set);
	sem_wait(&p.ready);
	sem_post(&p.go);
	sem_wait(&p.woke);
	sem_wait(&p.woke);
	hearth_workers_stop(set);
	ck_assert_int_ge(p.waits, 2);
	ck_assert_int_eq(atomic_load(&p.stopped), 1);
}
END_TEST

static void returns_at_once(struct hearth_worker *w, void *arg)
{
	(void)w;
	atomic_store((atomic_int *)arg, 1);
}

START_TEST(an_early_return_and_an_empty_set_are_fine)
{
	atomic_int ran;
	struct hearth_worker_def defs[] = { { "once", returns_at_once, &ran },
					    { NULL, NULL, NULL } };
	struct hearth_workers *set;

	atomic_init(&ran, 0);
	set = hearth_workers_start(defs, &env);
	ck_assert_ptr_nonnull(set);
	hearth_workers_stop(set);
	ck_assert_int_eq(atomic_load(&ran), 1);
	set = hearth_workers_start(NULL, &env);
	ck_assert_ptr_nonnull(set);
	hearth_workers_stop(set);
	hearth_workers_stop(NULL);
	hearth_workers_request_stop(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, a_stop_ends_waits_without_timeout);
	tcase_add_test(tc, a_worker_wakes_another_by_name);
	tcase_add_test(tc, woken_by_a_readable_fd);
	tcase_add_test(tc, a_timeout_returns_and_a_stop_ends_the_loop);
	tcase_add_test(tc, an_early_return_and_an_empty_set_are_fine);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

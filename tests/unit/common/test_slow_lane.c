/* Unit tests for slow_lane.c: jobs run off the caller's thread, in order, side
 * by side, and stopping finishes what was queued. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>

#include "slow_lane_internal.h"

struct probe {
	struct hearth_slow_job job; /* first: the job is the probe */
	pthread_mutex_t *mu;
	pthread_cond_t *cv;
	int *order;                 /* shared counter: when this job ran */
	int ran_at;
	pthread_t ran_on;
	int *release;               /* non-NULL: wait until it is set */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void probe_run(struct hearth_slow_job *job)
{
	struct probe *p = (struct probe *)job;

	pthread_mutex_lock(p->mu);
	while (p->release && !*p->release)
		pthread_cond_wait(p->cv, p->mu);
	p->ran_at = ++*p->order;
	p->ran_on = pthread_self();
	pthread_cond_broadcast(p->cv);
	pthread_mutex_unlock(p->mu);
}

static void probe_init(struct probe *p, int *order, int *release)
{
	p->job.run = probe_run;
	p->mu = &mu;
	p->cv = &cv;
	p->order = order;
	p->ran_at = 0;
	p->release = release;
}

START_TEST(stop_runs_every_queued_job_in_order_off_the_caller)
{
	struct hearth_slow_lane *lane = hearth_slow_lane_new(1);
	struct probe p[5];
	int order = 0;

	ck_assert_ptr_nonnull(lane);
	for (int i = 0; i < 5; i++) {
		probe_init(&p[i], &order, NULL);
		ck_assert_int_eq(hearth_slow_lane_submit(lane, &p[i].job), 0);
	}
	hearth_slow_lane_stop(lane);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(p[i].ran_at, i + 1);
		ck_assert(!pthread_equal(p[i].ran_on, pthread_self()));
	}
}
END_TEST

/* A job that blocks (a long report) does not hold up the next one: the second
 * thread runs it, and only that job lets the first one finish. One thread, or
 * jobs run one after another, would never end (the test's timeout fails it). */
START_TEST(a_blocked_job_does_not_hold_up_the_next)
{
	struct hearth_slow_lane *lane = hearth_slow_lane_new(2);
	struct probe slow, fast;
	int order = 0, released = 0;

	ck_assert_ptr_nonnull(lane);
	probe_init(&slow, &order, &released);
	probe_init(&fast, &order, NULL);
	ck_assert_int_eq(hearth_slow_lane_submit(lane, &slow.job), 0);
	ck_assert_int_eq(hearth_slow_lane_submit(lane, &fast.job), 0);
	pthread_mutex_lock(&mu);
	while (fast.ran_at == 0)
		pthread_cond_wait(&cv, &mu);
	ck_assert_int_eq(slow.ran_at, 0);
	/* The blocked job is still counted (the other may not be uncounted yet). */
	ck_assert_int_ge(hearth_slow_lane_pending(lane), 1);
	released = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	hearth_slow_lane_stop(lane);
	ck_assert_int_eq(fast.ran_at, 1);
	ck_assert_int_eq(slow.ran_at, 2);
	ck_assert(!pthread_equal(fast.ran_on, slow.ran_on));
}
END_TEST

START_TEST(no_threads_is_refused_and_stop_of_null_is_a_no_op)
{
	ck_assert_ptr_null(hearth_slow_lane_new(0));
	hearth_slow_lane_stop(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("slow_lane");
	TCase *tc = tcase_create("lane");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, stop_runs_every_queued_job_in_order_off_the_caller);
	tcase_add_test(tc, a_blocked_job_does_not_hold_up_the_next);
	tcase_add_test(tc, no_threads_is_refused_and_stop_of_null_is_a_no_op);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

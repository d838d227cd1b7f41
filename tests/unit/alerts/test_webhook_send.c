/*
 * test_webhook_send.c - webhook attempts over libcurl (services/alerts/
 * webhook_send.c) against a small receiver on a thread of this test: signed
 * headers, outcomes, the response cap, and addresses refused at connect.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "webhook_send.h"
#include "webhook_sign.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* The receiver: answers `n_answers` connections, one request each, with
 * `status` and a body of `body_bytes`, and counts signatures that verify. */
struct receiver {
	int fd;
	int port;
	int status;
	size_t body_bytes;
	int n_answers;
	int verified;
	pthread_t thread;
};

static const char *header_of(const char *req, const char *name, char *out, size_t len)
{
	const char *p = req;
	size_t nlen = strlen(name);

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			const char *v = p + nlen + 1, *end;
			v += strspn(v, " ");
			end = strpbrk(v, "\r\n");
			snprintf(out, len, "%.*s", (int)(end ? end - v : (long)strlen(v)), v);
			return out;
		}
	}
	return NULL;
}

static void answer_one(struct receiver *r, int c)
{
	char req[8192], id[128], ts[32], sig[256], head[256];
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];
	size_t got = 0;
	const char *body;
	char *filler;
	int keylen = webhook_secret_key(SECRET, key, sizeof(key));

	for (;;) {
		ssize_t n = read(c, req + got, sizeof(req) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		body = strstr(req, "\r\n\r\n");
		if (body && strlen(body + 4) >= 2 && req[got - 1] == '}')
			break;
	}
	req[got] = '\0';
	body = strstr(req, "\r\n\r\n");
	if (body && header_of(req, "webhook-id", id, sizeof(id)) &&
	    header_of(req, "webhook-timestamp", ts, sizeof(ts)) &&
	    header_of(req, "webhook-signature", sig, sizeof(sig)) &&
	    webhook_verify(key, (size_t)keylen, id, strtoll(ts, NULL, 10), body + 4,
			   strlen(body + 4), sig))
		__atomic_add_fetch(&r->verified, 1, __ATOMIC_SEQ_CST);
	snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		 r->status, r->body_bytes);
	if (write(c, head, strlen(head)) < 0)
		return;
	filler = malloc(r->body_bytes + 1);
	memset(filler, 'x', r->body_bytes);
	if (r->body_bytes && write(c, filler, r->body_bytes) < 0) {
		/* the client may hang up after its cap */
	}
	free(filler);
}

static void *serve(void *arg)
{
	struct receiver *r = arg;
	int i;

	for (i = 0; i < r->n_answers; i++) {
		int c = accept(r->fd, NULL, NULL);
		if (c < 0)
			break;
		answer_one(r, c);
		close(c);
	}
	return NULL;
}

static void receiver_start(struct receiver *r, int status, size_t body_bytes, int n_answers)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	memset(r, 0, sizeof(*r));
	r->status = status;
	r->body_bytes = body_bytes;
	r->n_answers = n_answers;
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(r->fd, 16), 0);
	getsockname(r->fd, (struct sockaddr *)&sa, &len);
	r->port = ntohs(sa.sin_port);
	pthread_create(&r->thread, NULL, serve, r);
}

static void receiver_stop(struct receiver *r)
{
	pthread_join(r->thread, NULL);
	close(r->fd);
}

static void settings_for(struct webhook_settings *s, const char *allow)
{
	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(webhook_allow_parse(allow, &s->allow), 0);
	ck_assert_int_eq(webhook_schedule_parse("1", &s->schedule), 0);
	s->concurrency = 2;
	s->connect_timeout_ms = 2000;
	s->timeout_ms = 5000;
	s->poll_ms = 100;
}

static void job_for(struct webhook_job *j, const char *id, const char *url)
{
	static const char body[] = "{\"type\":\"alerts.alert.created\",\"data\":{}}";
	memset(j, 0, sizeof(*j));
	j->msg_id = id;
	j->url = url;
	j->secret = SECRET;
	j->body = body;
	j->body_len = strlen(body);
	j->timestamp = 1700000000;
}

START_TEST(signed_posts_are_delivered_on_2xx_and_not_on_500)
{
	struct webhook_settings cfg;
	struct webhook_sender *s = NULL;
	struct receiver ok, bad;
	struct webhook_job jobs[4];
	char url_ok[64], url_bad[64];
	int i;

	receiver_start(&ok, 204, 0, 3);
	receiver_start(&bad, 500, 10, 1);
	snprintf(url_ok, sizeof(url_ok), "http://127.0.0.1:%d/hook", ok.port);
	snprintf(url_bad, sizeof(url_bad), "http://127.0.0.1:%d/hook", bad.port);
	settings_for(&cfg, "127.0.0.1");
	ck_assert_int_eq(webhook_sender_new(&cfg, &s), 0);
	job_for(&jobs[0], "msg_1", url_ok);
	job_for(&jobs[1], "msg_2", url_ok);
	job_for(&jobs[2], "msg_3", url_bad);
	job_for(&jobs[3], "msg_4", url_ok);
	ck_assert_int_eq(webhook_sender_run(s, jobs, 4), 0);
	for (i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		ck_assert_int_eq(jobs[i].delivered, 1);
		ck_assert_int_eq(jobs[i].status_code, 204);
		ck_assert_str_eq(jobs[i].error, "");
	}
	ck_assert_int_eq(jobs[2].delivered, 0);
	ck_assert_int_eq(jobs[2].status_code, 500);
	webhook_sender_free(s);
	receiver_stop(&ok);
	receiver_stop(&bad);
	ck_assert_int_eq(ok.verified, 3);
	ck_assert_int_eq(bad.verified, 1);
}
END_TEST

START_TEST(a_large_answer_is_cut_off_and_still_counts)
{
	struct webhook_settings cfg;
	struct webhook_sender *s = NULL;
	struct receiver big;
	struct webhook_job job;
	char url[64];

	receiver_start(&big, 200, 1 << 20, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", big.port);
	settings_for(&cfg, "127.0.0.1");
	ck_assert_int_eq(webhook_sender_new(&cfg, &s), 0);
	job_for(&job, "msg_big", url);
	ck_assert_int_eq(webhook_sender_run(s, &job, 1), 0);
	ck_assert_int_eq(job.status_code, 200);
	ck_assert_int_eq(job.delivered, 1);
	webhook_sender_free(s);
	receiver_stop(&big);
}
END_TEST

START_TEST(private_addresses_are_refused_at_connect_unless_allowed)
{
	struct webhook_settings cfg;
	struct webhook_sender *s = NULL;
	struct webhook_job jobs[3];

	/* https to 127.0.0.1 passes the URL form but not the address rule. */
	settings_for(&cfg, "");
	ck_assert_int_eq(webhook_sender_new(&cfg, &s), 0);
	job_for(&jobs[0], "msg_a", "https://127.0.0.1:9/hook");
	job_for(&jobs[1], "msg_b", "http://127.0.0.1:9/hook");
	job_for(&jobs[2], "msg_c", "https://localhost:9/hook");
	jobs[2].secret = "whsec_short";
	ck_assert_int_eq(webhook_sender_run(s, jobs, 3), 0);
	ck_assert_int_eq(jobs[0].delivered, 0);
	ck_assert_int_eq(jobs[0].status_code, 0);
	ck_assert_str_eq(jobs[0].error, "address refused: private, loopback, link-local or reserved");
	ck_assert_str_eq(jobs[1].error,
			 "url refused: must use https; http only to a host the operator allows");
	ck_assert_str_eq(jobs[2].error, "the subscription's secret is unusable");
	webhook_sender_free(s);
}
END_TEST

START_TEST(a_closed_port_is_an_error_without_status)
{
	struct webhook_settings cfg;
	struct webhook_sender *s = NULL;
	struct receiver r;
	struct webhook_job job;
	char url[64];

	/* A port that was just free: nothing listens there any more. */
	receiver_start(&r, 200, 0, 0);
	receiver_stop(&r);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r.port);
	settings_for(&cfg, "127.0.0.1");
	ck_assert_int_eq(webhook_sender_new(&cfg, &s), 0);
	job_for(&job, "msg_down", url);
	ck_assert_int_eq(webhook_sender_run(s, &job, 1), 0);
	ck_assert_int_eq(job.delivered, 0);
	ck_assert_int_eq(job.status_code, 0);
	ck_assert_str_ne(job.error, "");
	ck_assert_int_eq(webhook_sender_run(s, NULL, 0), 0);
	webhook_sender_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webhook_send");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, signed_posts_are_delivered_on_2xx_and_not_on_500);
	tcase_add_test(tc, a_large_answer_is_cut_off_and_still_counts);
	tcase_add_test(tc, private_addresses_are_refused_at_connect_unless_allowed);
	tcase_add_test(tc, a_closed_port_is_an_error_without_status);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

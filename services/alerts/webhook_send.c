/*
 * webhook_send.c - concurrent webhook attempts over libcurl's multi interface
 * (see webhook_send.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "webhook_send.h"
#include "webhook_sign.h"
#include "webhook_url.h"

struct webhook_sender {
	const struct webhook_settings *settings;
	CURLM *multi;
};

/* What a transfer in flight needs beside its job. */
struct transfer {
	struct webhook_job *job;
	CURL *easy;
	struct curl_slist *headers;
	int allowed;               /* host on the allow list: any address */
	int refused;               /* the address was refused at connect */
	size_t received;           /* response bytes seen (kept up to the cap, then dropped) */
	struct timespec started;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void curl_start(void)
{
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

int webhook_sender_new(const struct webhook_settings *settings, struct webhook_sender **out)
{
	struct webhook_sender *s = NULL;

	*out = NULL;
	pthread_once(&curl_once, curl_start);
	if (!curl_ready)
		return -1;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	s->settings = settings;
	s->multi = curl_multi_init();
	if (s->multi == NULL) {
		free(s);
		return -1;
	}
	curl_multi_setopt(s->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)settings->concurrency);
	*out = s;
	return 0;
}

void webhook_sender_free(struct webhook_sender *s)
{
	if (s == NULL)
		return;
	curl_multi_cleanup(s->multi);
	free(s);
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000);
}

static void job_fail(struct webhook_job *job, const char *what)
{
	snprintf(job->error, sizeof(job->error), "%s", what);
}

/* Connect only to public addresses unless the host is allowed: checked on the
 * address curl resolved, so DNS cannot lead past the rule. */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct transfer *t = clientp;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (!t->allowed && !webhook_addr_is_public(&addr->addr)) {
		t->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* Count the answer's body up to the cap and drop it; past the cap stop the
 * transfer (the status line has come by then). */
static size_t drop_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb;

	(void)data;
	if (t->received + n > WEBHOOK_RESPONSE_MAX_BYTES)
		return 0;
	t->received += n;
	return n;
}

static int add_header(struct curl_slist **list, const char *name, const char *value)
{
	char line[256];
	struct curl_slist *next;

	if (snprintf(line, sizeof(line), "%s: %s", name, value) >= (int)sizeof(line))
		return -1;
	next = curl_slist_append(*list, line);
	if (next == NULL)
		return -1;
	*list = next;
	return 0;
}

/* The signed headers of the job. -1 with the job's error filled. */
static int build_headers(struct transfer *t)
{
	struct webhook_job *job = t->job;
	unsigned char key[WEBHOOK_KEY_MAX_BYTES];
	char sig[WEBHOOK_SIGNATURE_BUF], ts[24];
	int keylen, rc = -1;

	keylen = webhook_secret_key(job->secret, key, sizeof(key));
	if (keylen < 0) {
		job_fail(job, "the subscription's secret is unusable");
		goto out;
	}
	snprintf(ts, sizeof(ts), "%lld", job->timestamp);
	if (webhook_sign(key, (size_t)keylen, job->msg_id, job->timestamp, job->body,
			 job->body_len, sig, sizeof(sig)) < 0 ||
	    add_header(&t->headers, "Content-Type", "application/json") < 0 ||
	    add_header(&t->headers, "User-Agent", "hearth-webhooks/1") < 0 ||
	    add_header(&t->headers, "webhook-id", job->msg_id) < 0 ||
	    add_header(&t->headers, "webhook-timestamp", ts) < 0 ||
	    add_header(&t->headers, "webhook-signature", sig) < 0 ||
	    /* No "Expect: 100-continue" round trip for small bodies. */
	    (t->headers = curl_slist_append(t->headers, "Expect:")) == NULL) {
		job_fail(job, "out of memory while signing");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* Prepare transfer t for its job. 0, or -1 with the job's outcome filled. */
static int transfer_start(struct webhook_sender *s, struct transfer *t)
{
	const struct webhook_settings *cfg = s->settings;
	struct webhook_target target;
	const char *why = NULL;
	CURL *e;

	clock_gettime(CLOCK_MONOTONIC, &t->started);
	if (webhook_url_check(t->job->url, &cfg->allow, &target, &why) < 0) {
		snprintf(t->job->error, sizeof(t->job->error), "url refused: %s", why);
		return -1;
	}
	t->allowed = target.allowed;
	if (build_headers(t) < 0)
		return -1;
	e = t->easy = curl_easy_init();
	if (e == NULL) {
		job_fail(t->job, "out of memory");
		return -1;
	}
	curl_easy_setopt(e, CURLOPT_URL, t->job->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->job->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->job->body_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never through a proxy of the environment */
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)cfg->timeout_ms);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, drop_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	if (curl_multi_add_handle(s->multi, e) != CURLM_OK) {
		job_fail(t->job, "the sender could not start the request");
		return -1;
	}
	return 0;
}

/* Record the outcome of a finished transfer. */
static void transfer_finish(struct transfer *t, CURLcode result)
{
	struct webhook_job *job = t->job;
	long code = 0;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
	job->status_code = (int)code;
	if (t->refused) {
		job_fail(job, "address refused: private, loopback, link-local or reserved");
		job->status_code = 0;
	} else if (result == CURLE_OK || (result == CURLE_WRITE_ERROR && code > 0)) {
		/* An answer came; a body past the cap was cut off, not an error. */
		job->error[0] = '\0';
	} else {
		job_fail(job, curl_easy_strerror(result));
	}
	job->delivered = job->status_code >= 200 && job->status_code <= 299 && job->error[0] == '\0';
}

static void transfer_release(struct webhook_sender *s, struct transfer *t)
{
	if (t->easy) {
		curl_multi_remove_handle(s->multi, t->easy);
		curl_easy_cleanup(t->easy);
	}
	curl_slist_free_all(t->headers);
	t->job->duration_ms = elapsed_ms(&t->started);
	memset(t, 0, sizeof(*t));
}

int webhook_sender_run(struct webhook_sender *s, struct webhook_job *jobs, size_t n)
{
	size_t cap = (size_t)s->settings->concurrency, next = 0, i;
	struct transfer *slots = calloc(cap, sizeof(*slots));
	int running = 0, rc = 0;

	for (i = 0; i < n; i++) {
		jobs[i].delivered = 0;
		jobs[i].status_code = 0;
		jobs[i].error[0] = '\0';
		jobs[i].duration_ms = 0;
	}
	if (slots == NULL) {
		for (i = 0; i < n; i++)
			job_fail(&jobs[i], "out of memory");
		return -1;
	}
	for (;;) {
		CURLMsg *msg;
		int left;

		/* Fill free slots with the next jobs. */
		for (i = 0; i < cap && next < n; i++) {
			if (slots[i].job != NULL)
				continue;
			slots[i].job = &jobs[next++];
			if (transfer_start(s, &slots[i]) < 0)
				transfer_release(s, &slots[i]);
		}
		if (curl_multi_perform(s->multi, &running) != CURLM_OK) {
			rc = -1;
			break;
		}
		while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
			struct transfer *t = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
			transfer_finish(t, msg->data.result);
			transfer_release(s, t);
		}
		if (running == 0 && next == n) {
			int busy = 0;
			for (i = 0; i < cap; i++)
				busy |= slots[i].job != NULL;
			if (!busy)
				break;
		}
		if (curl_multi_poll(s->multi, NULL, 0, 200, NULL) != CURLM_OK) {
			rc = -1;
			break;
		}
	}
	/* Only on a failed multi handle: give what is still in flight an outcome. */
	for (i = 0; i < cap; i++) {
		if (slots[i].job != NULL) {
			job_fail(slots[i].job, "the sender failed");
			transfer_release(s, &slots[i]);
		}
	}
	free(slots);
	return rc;
}

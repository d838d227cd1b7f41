/*
 * log.c - JSON-lines logging. Each line is built in a stack buffer and written
 * with one write(2): lines from different threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/log.h"

static const char *log_service = "hearth";
static enum hearth_log_level log_min = HEARTH_LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void hearth_log_init(const char *service, const char *level)
{
	log_service = service ? service : "hearth";
	for (int i = 0; level && i < 4; i++)
		if (strcmp(level, level_names[i]) == 0)
			log_min = (enum hearth_log_level)i;
}

struct line {
	char text[2048];
	size_t len;
};

static void put_raw(struct line *l, const char *s)
{
	size_t n = strlen(s);
	if (l->len + n >= sizeof(l->text) - 2)
		n = sizeof(l->text) - 2 - l->len;
	memcpy(l->text + l->len, s, n);
	l->len += n;
}

/* Append a JSON string value with escaping; long values are cut, never overflow. */
static void put_str(struct line *l, const char *key, const char *value)
{
	char esc[8];

	if (!value)
		return;
	put_raw(l, ",\"");
	put_raw(l, key);
	put_raw(l, "\":\"");
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (l->len >= sizeof(l->text) - 16)
			break;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\'; esc[1] = (char)*p; esc[2] = '\0';
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
		} else {
			esc[0] = (char)*p; esc[1] = '\0';
		}
		put_raw(l, esc);
	}
	put_raw(l, "\"");
}

static void put_head(struct line *l, enum hearth_log_level level)
{
	struct timespec ts;
	struct tm tm;
	char stamp[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	l->len = 0;
	put_raw(l, "{\"ts\":\"");
	put_raw(l, stamp);
	put_raw(l, "\"");
	put_str(l, "level", level_names[level]);
	put_str(l, "service", log_service);
}

static void flush_line(struct line *l)
{
	put_raw(l, "}");
	l->text[l->len++] = '\n';
	ssize_t ignored = write(STDERR_FILENO, l->text, l->len);
	(void)ignored;
}

void hearth_log(enum hearth_log_level level, const char *fmt, ...)
{
	struct line l;
	char msg[1024];
	va_list ap;

	if (level < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	put_head(&l, level);
	put_str(&l, "msg", msg);
	flush_line(&l);
}

void hearth_log_request(const struct hearth_log_request *r, const char *msg)
{
	struct line l;
	char num[64];
	enum hearth_log_level level = r->status >= 500 ? HEARTH_LOG_ERROR : HEARTH_LOG_INFO;

	if (level < log_min)
		return;
	put_head(&l, level);
	put_str(&l, "msg", msg ? msg : "request");
	put_str(&l, "request_id", r->request_id);
	put_str(&l, "tenant", r->tenant);
	put_str(&l, "org", r->org);
	put_str(&l, "sub", r->sub);
	put_str(&l, "method", r->method);
	put_str(&l, "route", r->route);
	snprintf(num, sizeof(num), ",\"status\":%d,\"latency_ms\":%.3f", r->status, r->latency_ms);
	put_raw(&l, num);
	flush_line(&l);
}

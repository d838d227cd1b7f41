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

/* Append a JSON string value with escaping; long values are cut, never overflow.
 * Characters are copied one by one into the line: a request's line has a
 * dozen values, and this runs once per request. */
static void put_str(struct line *l, const char *key, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	const size_t room = sizeof(l->text) - 16;

	if (!value)
		return;
	put_raw(l, ",\"");
	put_raw(l, key);
	put_raw(l, "\":\"");
	for (const unsigned char *p = (const unsigned char *)value; *p && l->len < room; p++) {
		if (*p == '"' || *p == '\\') {
			l->text[l->len++] = '\\';
			l->text[l->len++] = (char)*p;
		} else if (*p < 0x20) {
			memcpy(l->text + l->len, "\\u00", 4);
			l->text[l->len + 4] = hex[*p >> 4];
			l->text[l->len + 5] = hex[*p & 0xf];
			l->len += 6;
		} else {
			l->text[l->len++] = (char)*p;
		}
	}
	put_raw(l, "\"");
}

/* Append `v` in decimal, zero-padded to at least `width` digits. The access
 * line is written once per request: snprintf's format parsing was a visible
 * share of a fast read's time. */
static void put_uint(struct line *l, unsigned long long v, int width)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(digits));
	while (n < width && n < (int)sizeof(digits))
		digits[n++] = '0';
	while (n > 0 && l->len < sizeof(l->text) - 2)
		l->text[l->len++] = digits[--n];
}

static void put_head(struct line *l, enum hearth_log_level level)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	l->len = 0;
	/* "2026-01-31T09:00:00.123Z" */
	put_raw(l, "{\"ts\":\"");
	put_uint(l, (unsigned long long)(tm.tm_year + 1900), 4);
	put_raw(l, "-");
	put_uint(l, (unsigned long long)(tm.tm_mon + 1), 2);
	put_raw(l, "-");
	put_uint(l, (unsigned long long)tm.tm_mday, 2);
	put_raw(l, "T");
	put_uint(l, (unsigned long long)tm.tm_hour, 2);
	put_raw(l, ":");
	put_uint(l, (unsigned long long)tm.tm_min, 2);
	put_raw(l, ":");
	put_uint(l, (unsigned long long)tm.tm_sec, 2);
	put_raw(l, ".");
	put_uint(l, (unsigned long long)(ts.tv_nsec / 1000000), 3);
	put_raw(l, "Z\"");
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
	/* latency_ms with three decimals, from whole microseconds. */
	double ms = r->latency_ms > 0 ? (r->latency_ms < 1e12 ? r->latency_ms : 1e12) : 0;
	unsigned long long us = (unsigned long long)(ms * 1000.0 + 0.5);
	put_raw(&l, ",\"status\":");
	put_uint(&l, (unsigned long long)(r->status > 0 ? r->status : 0), 1);
	put_raw(&l, ",\"latency_ms\":");
	put_uint(&l, us / 1000, 1);
	put_raw(&l, ".");
	put_uint(&l, us % 1000, 3);
	flush_line(&l);
}

/*
 * log.h - JSON-lines logging to stderr.
 *
 * One object per line: ts (RFC 3339 UTC, ms), level, service, msg, and the
 * request fields when given (request_id, tenant, method, route, status,
 * latency_ms). Lines are written with a single write(2) so threads never
 * interleave. Never fails visibly: an unwritable stderr drops the line.
 */
#ifndef HEARTH_LOG_H
#define HEARTH_LOG_H

enum hearth_log_level { HEARTH_LOG_DEBUG, HEARTH_LOG_INFO, HEARTH_LOG_WARN, HEARTH_LOG_ERROR };

/* Set the service name and minimum level ("debug", "info", "warn", "error"). */
void hearth_log_init(const char *service, const char *level);

__attribute__((format(printf, 2, 3)))
void hearth_log(enum hearth_log_level level, const char *fmt, ...);

struct hearth_log_request {
	const char *request_id;
	const char *tenant;
	const char *org;
	const char *sub;
	const char *method;
	const char *route;
	int status;
	double latency_ms;
};

/* The access line written once per request. */
void hearth_log_request(const struct hearth_log_request *r, const char *msg);

#endif

/*
 * db_wait.c - the client-side deadline of every exchange with the server.
 *
 * Why: libpq's PQgetResult() and PQexec() block until the server answers. A
 * server that stops answering without closing (a paused or hung host, a
 * dropped network) leaves them blocked for minutes: over loopback or a Unix
 * socket the kernel keeps accepting our bytes, so neither TCP keepalives nor
 * tcp_user_timeout fire, and statement_timeout is enforced by the server
 * itself. So the pool's connections run in non-blocking mode, and before
 * reading a result we flush what is queued and poll() the socket, never past
 * the deadline. A connection whose deadline passed is in an unknown state
 * (a result may still arrive): it is marked broken and the next checkout
 * resets it, which connect_timeout bounds.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "hearth/log.h"
#include "db_internal.h"

void hearth_db_deadline_in(int ms, struct timespec *out)
{
	clock_gettime(CLOCK_MONOTONIC, out);
	out->tv_sec += ms / 1000;
	out->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (out->tv_nsec >= 1000000000L) {
		out->tv_sec++;
		out->tv_nsec -= 1000000000L;
	}
}

/* Milliseconds left until the deadline, 0 once it has passed. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return 0;
	return ms > 60000 ? 60000 : (int)ms;
}

int hearth_db_wait_ready(PGconn *conn, const struct timespec *deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = PQsocket(conn), .events = POLLIN };
		int flushed, left, n;

		if (PQstatus(conn) != CONNECTION_OK || pfd.fd < 0)
			return -1;
		flushed = PQflush(conn); /* 0 all sent, 1 some left, -1 failed */
		if (flushed < 0)
			return -1;
		if (flushed == 0 && !PQisBusy(conn))
			return 0;
		left = ms_left(deadline);
		if (left == 0)
			return 1;
		/* Read while we wait to write: a server blocked on sending its
		 * results to us would never drain our output otherwise. */
		if (flushed)
			pfd.events |= POLLOUT;
		n = poll(&pfd, 1, left);
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0 && (pfd.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) &&
		    !PQconsumeInput(conn))
			return -1;
	}
}

PGresult *hearth_db_get_result(struct hearth_db_slot *slot, const struct timespec *deadline,
			       int *timed_out)
{
	PGconn *conn = hearth_db_slot_conn(slot);
	int rc = hearth_db_wait_ready(conn, deadline);

	*timed_out = 0;
	if (rc == 1) {
		hearth_log(HEARTH_LOG_WARN, "db: no answer from the server before the deadline; "
			   "the connection will be reset");
		hearth_db_slot_mark_broken(slot);
		*timed_out = 1;
		return NULL;
	}
	if (rc < 0 && PQstatus(conn) == CONNECTION_OK) {
		/* A failed flush or poll on a connection libpq still trusts: reading
		 * now could block, so give up on it. */
		hearth_db_slot_mark_broken(slot);
		return NULL;
	}
	/* Ready, or the connection is closed: then PQgetResult() reports the
	 * failure without waiting. */
	return PQgetResult(conn);
}

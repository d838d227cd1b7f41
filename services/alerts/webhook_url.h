/*
 * webhook_url.h - where webhooks may be sent (API.md §6): the URL form and the
 * addresses it may reach, so a subscription cannot point Hearth at its own
 * network (SSRF).
 *
 * Rules. A URL is absolute, at most WEBHOOK_URL_MAX bytes of printable ASCII,
 * without user name, password or fragment, with the scheme `https`, or `http`
 * only for a host on the operator's allow list (HEARTH_WEBHOOK_ALLOW_HOSTS).
 * Every address a host resolves to must be public: loopback, private,
 * carrier-grade NAT, link-local, multicast, documentation, benchmarking and
 * reserved ranges (and IPv6's unique-local, link-local, multicast, and v4
 * addresses embedded in mapped or NAT64 ones) are refused, unless the host is
 * on the allow list. The check is made when a subscription is saved and again
 * on the address each connection is opened to (see webhook_send.h), so a name
 * that later resolves elsewhere (DNS rebinding) is still refused.
 *
 * Ownership: the allow list owns its copies of the host names. Pure functions
 * apart from webhook_url_resolve_check (getaddrinfo); all thread-safe.
 */
#ifndef HEARTH_ALERTS_WEBHOOK_URL_H
#define HEARTH_ALERTS_WEBHOOK_URL_H

#include <stddef.h>
#include <sys/socket.h>

#define WEBHOOK_URL_MAX 2048
#define WEBHOOK_ALLOW_MAX 32
#define WEBHOOK_HOST_MAX 256

struct webhook_allow {
	size_t n;
	char hosts[WEBHOOK_ALLOW_MAX][WEBHOOK_HOST_MAX]; /* lower case */
};

/* Parse a comma-separated list of host names or addresses (spaces around
 * commas ignored; an IPv6 address with or without brackets; empty text is an
 * empty list). Returns 0, or -1 on an empty entry, one with characters a host
 * cannot have, or more than WEBHOOK_ALLOW_MAX. */
int webhook_allow_parse(const char *text, struct webhook_allow *out);

/* 1 when `host` (as a URL names it, IPv6 in brackets or not) is on the list. */
int webhook_host_allowed(const struct webhook_allow *allow, const char *host);

/* A URL that passed the form check. */
struct webhook_target {
	int https;
	int allowed;                  /* the host is on the allow list */
	char host[WEBHOOK_HOST_MAX];  /* as in the URL, lower case, IPv6 without brackets */
	int port;
};

/* Check `url`'s form against the rules. Returns 0 and fills *t, or -1 with
 * *why set to a sentence for the client ("must use https", ...). */
int webhook_url_check(const char *url, const struct webhook_allow *allow,
		      struct webhook_target *t, const char **why);

/* 1 when `sa` (AF_INET or AF_INET6) is a public unicast address, 0 otherwise
 * (and for any other family). */
int webhook_addr_is_public(const struct sockaddr *sa);

/* Resolve t's host and check every address (nothing to do for an allowed
 * host). Returns 0, or -1 with *why set (the host does not resolve, or one of
 * its addresses is not public). Blocks for as long as the system resolver. */
int webhook_url_resolve_check(const struct webhook_target *t, const char **why);

#endif

/*
 * webhook_url.c - the URL form and address rules of webhooks (see webhook_url.h).
 * URLs are parsed by libcurl's own URL parser, so what is checked is exactly
 * what the sender will connect to (it also normalises numeric IPv4 forms such
 * as 2130706433 or 0x7f.1 to dotted quads).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "webhook_url.h"

static int host_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '-' || c == ':' || c == '_';
}

/* Copy `n` bytes of host text, lower case, without IPv6 brackets. -1 if bad. */
static int host_copy(const char *in, size_t n, char *out)
{
	size_t i;

	if (n >= 2 && in[0] == '[' && in[n - 1] == ']') {
		in++;
		n -= 2;
	}
	if (n == 0 || n >= WEBHOOK_HOST_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (!host_char((unsigned char)in[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[n] = '\0';
	return 0;
}

int webhook_allow_parse(const char *text, struct webhook_allow *out)
{
	const char *p = text ? text : "";

	out->n = 0;
	p += strspn(p, " ");
	if (*p == '\0')
		return 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *next = p + n;

		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (out->n == WEBHOOK_ALLOW_MAX || host_copy(p, n, out->hosts[out->n]) < 0)
			return -1;
		out->n++;
		if (*next == '\0')
			return 0;
		p = next + 1;
		p += strspn(p, " ");
	}
}

int webhook_host_allowed(const struct webhook_allow *allow, const char *host)
{
	char h[WEBHOOK_HOST_MAX];
	size_t i;

	if (allow == NULL || host == NULL || host_copy(host, strlen(host), h) < 0)
		return 0;
	for (i = 0; i < allow->n; i++)
		if (strcmp(allow->hosts[i], h) == 0)
			return 1;
	return 0;
}

static int printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Part `what` of `u`, or NULL when it has none. Freed with curl_free. */
static char *url_part(CURLU *u, CURLUPart what)
{
	char *v = NULL;

	if (curl_url_get(u, what, &v, 0) != CURLUE_OK)
		return NULL;
	return v;
}

int webhook_url_check(const char *url, const struct webhook_allow *allow,
		      struct webhook_target *t, const char **why)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *pass = NULL,
	     *frag = NULL;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	*why = "must be an absolute http or https URL";
	if (url == NULL || strlen(url) > WEBHOOK_URL_MAX) {
		*why = "must be a URL of at most 2048 characters";
		goto out;
	}
	if (!printable_ascii(url)) {
		*why = "must not contain spaces, control or non-ASCII characters";
		goto out;
	}
	u = curl_url();
	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto out;
	scheme = url_part(u, CURLUPART_SCHEME);
	host = url_part(u, CURLUPART_HOST);
	port = url_part(u, CURLUPART_PORT);
	user = url_part(u, CURLUPART_USER);
	pass = url_part(u, CURLUPART_PASSWORD);
	frag = url_part(u, CURLUPART_FRAGMENT);
	if (scheme == NULL || host == NULL)
		goto out;
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		*why = "must use https (or http to a host the operator allows)";
		goto out;
	}
	if (user != NULL || pass != NULL) {
		*why = "must not carry a user name or password";
		goto out;
	}
	if (frag != NULL) {
		*why = "must not carry a fragment";
		goto out;
	}
	if (host_copy(host, strlen(host), t->host) < 0) {
		*why = "must name a valid host";
		goto out;
	}
	t->https = strcmp(scheme, "https") == 0;
	t->port = port ? (int)strtol(port, NULL, 10) : (t->https ? 443 : 80); /* digits: curl checked */
	if (t->port < 1 || t->port > 65535) {
		*why = "must name a port from 1 to 65535";
		goto out;
	}
	t->allowed = webhook_host_allowed(allow, t->host);
	if (!t->https && !t->allowed) {
		*why = "must use https; http only to a host the operator allows";
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_free(frag);
	curl_url_cleanup(u);
	return rc;
}

/* 1 when the top `bits` of `a` equal those of `net` (both host order). */
static int in4(uint32_t a, uint32_t net, int bits)
{
	uint32_t mask = bits == 0 ? 0 : 0xFFFFFFFFu << (32 - bits);
	return (a & mask) == (net & mask);
}

static int v4_is_public(uint32_t a)
{
	static const struct {
		uint32_t net;
		int bits;
	} refused[] = {
		{ 0x00000000u, 8 },  /* "this" network */
		{ 0x0A000000u, 8 },  /* 10/8 */
		{ 0x64400000u, 10 }, /* 100.64/10 carrier-grade NAT */
		{ 0x7F000000u, 8 },  /* loopback */
		{ 0xA9FE0000u, 16 }, /* link-local (and cloud metadata) */
		{ 0xAC100000u, 12 }, /* 172.16/12 */
		{ 0xC0000000u, 24 }, /* 192.0.0/24 protocol assignments */
		{ 0xC0000200u, 24 }, /* TEST-NET-1 */
		{ 0xC0A80000u, 16 }, /* 192.168/16 */
		{ 0xC6120000u, 15 }, /* 198.18/15 benchmarking */
		{ 0xC6336400u, 24 }, /* TEST-NET-2 */
		{ 0xCB007100u, 24 }, /* TEST-NET-3 */
		{ 0xE0000000u, 4 },  /* multicast */
		{ 0xF0000000u, 4 },  /* reserved and broadcast */
	};
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (in4(a, refused[i].net, refused[i].bits))
			return 0;
	return 1;
}

static uint32_t v4_at(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int v6_is_public(const unsigned char *b)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char zero[12] = { 0 };

	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return v4_is_public(v4_at(b + 12));
	if (memcmp(b, zero, 12) == 0)
		return 0; /* ::, ::1 and the old v4-compatible form */
	if ((b[0] & 0xfe) == 0xfc)
		return 0; /* fc00::/7 unique local */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return 0; /* fe80::/10 link-local */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return 0; /* fec0::/10 site-local (deprecated) */
	if (b[0] == 0xff)
		return 0; /* multicast */
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return 0; /* 2001:db8::/32 documentation */
	if (b[0] == 0x20 && b[1] == 0x02)
		return v4_is_public(v4_at(b + 2)); /* 6to4 carries a v4 address */
	return 1;
}

int webhook_addr_is_public(const struct sockaddr *sa)
{
	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		return v4_is_public(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		return v6_is_public(s6->sin6_addr.s6_addr);
	}
	return 0;
}

int webhook_url_resolve_check(const struct webhook_target *t, const char **why)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc = -1;

	if (t->allowed)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(t->host, NULL, &hints, &res) != 0 || res == NULL) {
		*why = "names a host that does not resolve";
		goto out;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (!webhook_addr_is_public(ai->ai_addr)) {
			*why = "resolves to a private, loopback, link-local or reserved address";
			goto out;
		}
	}
	rc = 0;
out:
	if (res)
		freeaddrinfo(res);
	return rc;
}

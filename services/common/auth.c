/*
 * auth.c - bearer token verification: token layout, key choice by kid,
 * algorithm pinning, signature (through libjwt), claim checks, role names.
 *
 * Behaviour choices, beyond auth.h:
 * - "Authorization" values: NULL or "" is MISSING; a scheme other than "Bearer"
 *   (compared case-insensitively) is MISSING too, as auth.h says, since no bearer
 *   credential was presented; "Bearer" not followed by exactly one space and a
 *   non-empty token is INVALID (a bearer credential that is malformed).
 * - Tokens longer than TOKEN_MAX letters are INVALID without further work.
 * - The header is decoded and parsed here (duplicate keys refused) before libjwt
 *   sees the token: `alg` must be a string equal to the chosen key's pinned
 *   algorithm, `kid` (if present) a string, `typ` (if present) "JWT" in any case,
 *   and a `crit` header is refused as no extension is understood.
 * - A key without kid (a PEM key with pem_kid NULL, or a JWK without kid) is
 *   chosen only by a token without kid; a token with a kid must name a key
 *   exactly. A token without kid is accepted only when exactly one key exists.
 * - The claims are read from the payload as decoded here (duplicates refused),
 *   and only after libjwt has checked the signature over that same text.
 * - `exp` must be a JSON integer; the token is good while now <= exp + leeway.
 *   `nbf`, if present, must be an integer; good while now + leeway >= nbf.
 *   `iat` is not checked.
 * - `sub` is required: a string of 1-255 bytes without control characters.
 * - tenant and org must be UUID strings (8-4-4-4-12 hex, any case); they are
 *   stored lower-cased in the principal.
 * - roles: absent means no roles; otherwise an array whose members are all
 *   strings; unknown names are ignored.
 * - hearth_roles_format writes "" when the buffer cannot hold every name, so a
 *   partial role name never reaches a log or a query.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <jwt.h>

#include "hearth/auth.h"
#include "hearth/b64url.h"
#include "hearth/util.h"
#include "auth_cache_internal.h"
#include "auth_keys_internal.h"

#define TOKEN_MAX 16384
#define SIG_MAX 1024 /* bytes: RSA up to 8192 bits */

struct hearth_verifier {
	struct hearth_keyset keys;
	struct hearth_auth_cache *cache;
	char *issuer;
	char *audience;
	char *claim_tenant;
	char *claim_org;
	char *claim_roles;
	char *claim_sub;
	int leeway_s;
};

static const struct {
	const char *name;
	unsigned bit;
} role_names[] = {
	{ "tenant_admin", HEARTH_ROLE_TENANT_ADMIN },
	{ "commissioner", HEARTH_ROLE_COMMISSIONER },
	{ "qa_officer", HEARTH_ROLE_QA_OFFICER },
	{ "viewer", HEARTH_ROLE_VIEWER },
	{ "provider", HEARTH_ROLE_PROVIDER },
	{ "integration", HEARTH_ROLE_INTEGRATION },
};

#define N_ROLES (HEARTH_ARRAY_SIZE(role_names))

unsigned hearth_role_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return 0;
	for (i = 0; i < N_ROLES; i++) {
		if (strcmp(name, role_names[i].name) == 0)
			return role_names[i].bit;
	}
	return 0;
}

void hearth_roles_format(unsigned mask, char *buf, size_t len)
{
	size_t i, used = 0;

	if (buf == NULL || len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < N_ROLES; i++) {
		size_t n = strlen(role_names[i].name) + (used > 0);

		if (!(mask & role_names[i].bit))
			continue;
		if (used + n >= len) {
			buf[0] = '\0';
			return;
		}
		snprintf(buf + used, len - used, "%s%s", used > 0 ? "," : "", role_names[i].name);
		used += n;
	}
}

static char *dup_or_default(const char *s, const char *def)
{
	return strdup(s != NULL && s[0] != '\0' ? s : def);
}

int hearth_verifier_new(const struct hearth_auth_config *cfg, struct hearth_verifier **out,
			char *err, size_t errlen)
{
	struct hearth_verifier *v = NULL;
	const char *kid;
	int rc = -1;

	*out = NULL;
	if (cfg == NULL || cfg->issuer == NULL || cfg->issuer[0] == '\0' ||
	    cfg->audience == NULL || cfg->audience[0] == '\0') {
		snprintf(err, errlen, "auth issuer and audience must be configured");
		goto out;
	}
	if (cfg->leeway_s < 0) {
		snprintf(err, errlen, "auth leeway must not be negative");
		goto out;
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* An empty pem_kid would only match tokens with an empty kid: treat as none. */
	kid = cfg->pem_kid != NULL && cfg->pem_kid[0] != '\0' ? cfg->pem_kid : NULL;
	if (hearth_keyset_load(cfg->keys_file, kid, &v->keys, err, errlen) != 0)
		goto out;
	v->leeway_s = cfg->leeway_s;
	v->issuer = strdup(cfg->issuer);
	v->audience = strdup(cfg->audience);
	v->claim_tenant = dup_or_default(cfg->claim_tenant, "tenant");
	v->claim_org = dup_or_default(cfg->claim_org, "org");
	v->claim_roles = dup_or_default(cfg->claim_roles, "roles");
	v->claim_sub = dup_or_default(cfg->claim_sub, "sub");
	v->cache = hearth_auth_cache_new(cfg->cache_capacity);
	if (v->issuer == NULL || v->audience == NULL || v->claim_tenant == NULL ||
	    v->claim_org == NULL || v->claim_roles == NULL || v->claim_sub == NULL ||
	    v->cache == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	*out = v;
	v = NULL;
	rc = 0;
out:
	hearth_verifier_free(v);
	return rc;
}

void hearth_verifier_free(struct hearth_verifier *v)
{
	if (v == NULL)
		return;
	hearth_keyset_release(&v->keys);
	hearth_auth_cache_free(v->cache);
	free(v->issuer);
	free(v->audience);
	free(v->claim_tenant);
	free(v->claim_org);
	free(v->claim_roles);
	free(v->claim_sub);
	free(v);
}

void hearth_verifier_cache_stats(struct hearth_verifier *v, unsigned long long *hits,
				 unsigned long long *misses)
{
	hearth_auth_cache_stats(v != NULL ? v->cache : NULL, hits, misses);
}

/* Decode one base64url segment holding a JSON object; NULL if it is anything
 * else. Duplicate keys are refused so that no two parsers can disagree. */
static json_t *segment_json(const char *seg, size_t n)
{
	size_t cap = HEARTH_B64URL_DECODED_MAX(n) + 1;
	char *buf = malloc(cap);
	json_t *obj = NULL;
	int len;

	if (buf == NULL)
		return NULL;
	len = hearth_b64url_decode(seg, n, buf, cap);
	if (len > 0)
		obj = json_loadb(buf, (size_t)len, JSON_REJECT_DUPLICATES, NULL);
	if (obj != NULL && !json_is_object(obj)) {
		json_decref(obj);
		obj = NULL;
	}
	free(buf);
	return obj;
}

/* Choose the key for this header and check the header. Returns NULL or a reason. */
static const char *check_header(const struct hearth_verifier *v, const json_t *hdr,
				const struct hearth_auth_key **key)
{
	const json_t *alg = json_object_get(hdr, "alg");
	const json_t *kid = json_object_get(hdr, "kid");
	const json_t *typ = json_object_get(hdr, "typ");

	if (!json_is_string(alg))
		return "token header has no alg";
	if (kid != NULL && !json_is_string(kid))
		return "token kid is not a string";
	if (typ != NULL && (!json_is_string(typ) || strcasecmp(json_string_value(typ), "JWT") != 0))
		return "token typ is not JWT";
	if (json_object_get(hdr, "crit") != NULL)
		return "token has a crit header";
	*key = hearth_keyset_find(&v->keys, json_string_value(kid));
	if (*key == NULL)
		return kid != NULL ? "unknown kid" : "token has no kid and several keys exist";
	if (strcmp(json_string_value(alg), jwt_alg_str((*key)->alg)) != 0)
		return "token alg is not the one pinned for its key";
	return NULL;
}

/* Signature check through libjwt with the key's PEM, then the algorithm it
 * actually used must be the pinned one. Returns NULL or a reason. */
static const char *check_signature(const char *token, const struct hearth_auth_key *key)
{
	jwt_t *jwt = NULL;
	const char *why = NULL;

	/* key_len 0 would make libjwt skip verification; keys are never empty. */
	if (key->pem_len == 0 || key->pem_len > INT_MAX)
		return "key unusable";
	if (jwt_decode(&jwt, token, (const unsigned char *)key->pem, (int)key->pem_len) != 0 ||
	    jwt == NULL)
		why = "bad signature";
	else if (jwt_get_alg(jwt) != key->alg)
		why = "token alg is not the one pinned for its key";
	jwt_free(jwt);
	return why;
}

static long long add_sat(long long a, long long b)
{
	if (b > 0 && a > LLONG_MAX - b)
		return LLONG_MAX;
	return a + b;
}

static int is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static void copy_lower(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i] != '\0'; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

static int audience_ok(const json_t *aud, const char *want)
{
	const json_t *item;
	size_t i;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), want) == 0;
	if (!json_is_array(aud))
		return 0;
	json_array_foreach(aud, i, item) {
		if (json_is_string(item) && strcmp(json_string_value(item), want) == 0)
			return 1;
	}
	return 0;
}

static int sub_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= sizeof(((struct hearth_principal *)0)->sub))
		return 0;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	}
	return 1;
}

static const char *check_time(const struct hearth_verifier *v, const json_t *claims,
			      time_t now, long long *exp, long long *nbf)
{
	const json_t *e = json_object_get(claims, "exp");
	const json_t *b = json_object_get(claims, "nbf");

	if (!json_is_integer(e))
		return "token exp missing or not an integer";
	*exp = json_integer_value(e);
	if ((long long)now > add_sat(*exp, v->leeway_s))
		return "token expired";
	*nbf = LLONG_MIN;
	if (b != NULL) {
		if (!json_is_integer(b))
			return "token nbf not an integer";
		*nbf = json_integer_value(b);
		if (add_sat((long long)now, v->leeway_s) < *nbf)
			return "token not yet valid";
	}
	return NULL;
}

/* Check the claims and fill `p`. Returns NULL or a reason. */
static const char *check_claims(const struct hearth_verifier *v, const json_t *claims,
				time_t now, struct hearth_principal *p, long long *nbf)
{
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const char *sub = json_string_value(json_object_get(claims, v->claim_sub));
	const char *tenant = json_string_value(json_object_get(claims, v->claim_tenant));
	const char *org = json_string_value(json_object_get(claims, v->claim_org));
	const json_t *roles = json_object_get(claims, v->claim_roles), *r;
	const char *why;
	long long exp;
	size_t i;

	why = check_time(v, claims, now, &exp, nbf);
	if (why != NULL)
		return why;
	if (iss == NULL || strcmp(iss, v->issuer) != 0)
		return "token iss mismatch";
	if (!audience_ok(json_object_get(claims, "aud"), v->audience))
		return "token aud mismatch";
	if (sub == NULL || !sub_ok(sub))
		return "token sub missing or malformed";
	if (tenant == NULL)
		return "token tenant claim missing";
	if (!is_uuid(tenant))
		return "token tenant claim not a UUID";
	if (org == NULL)
		return "token org claim missing";
	if (!is_uuid(org))
		return "token org claim not a UUID";
	if (roles != NULL && !json_is_array(roles))
		return "token roles claim not an array";
	p->roles = 0;
	json_array_foreach(roles, i, r) {
		if (!json_is_string(r))
			return "token roles claim holds a non-string";
		p->roles |= hearth_role_from_name(json_string_value(r));
	}
	snprintf(p->sub, sizeof(p->sub), "%s", sub);
	copy_lower(p->tenant_id, tenant, sizeof(p->tenant_id));
	copy_lower(p->org_id, org, sizeof(p->org_id));
	p->expires_at = exp;
	return NULL;
}

static int signature_text_ok(const char *sig, size_t n)
{
	unsigned char buf[SIG_MAX];

	return hearth_b64url_decode(sig, n, buf, sizeof(buf)) > 0;
}

/* Full verification of a token not found in the cache. */
static const char *verify_uncached(struct hearth_verifier *v, const char *token, size_t len,
				   time_t now, struct hearth_principal *p, long long *nbf)
{
	const struct hearth_auth_key *key = NULL;
	const char *dot1, *dot2, *why = NULL;
	json_t *hdr = NULL, *claims = NULL;

	dot1 = memchr(token, '.', len);
	dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
	if (dot1 == NULL || dot2 == NULL ||
	    memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL ||
	    dot2 + 1 == token + len) {
		why = "token is not three segments";
		goto out;
	}
	hdr = segment_json(token, (size_t)(dot1 - token));
	if (hdr == NULL) {
		why = "token header is not a JSON object";
		goto out;
	}
	why = check_header(v, hdr, &key);
	if (why != NULL)
		goto out;
	claims = segment_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (claims == NULL) {
		why = "token payload is not a JSON object";
		goto out;
	}
	/* libjwt's own decoder skips stray characters; refuse them here so that one
	 * signed token has exactly one accepted text (and one cache key). */
	if (!signature_text_ok(dot2 + 1, len - (size_t)(dot2 + 1 - token))) {
		why = "token signature is not base64url";
		goto out;
	}
	why = check_signature(token, key);
	if (why != NULL)
		goto out;
	why = check_claims(v, claims, now, p, nbf);
out:
	json_decref(hdr);
	json_decref(claims);
	return why;
}

enum hearth_auth_status hearth_verify_token(struct hearth_verifier *v, const char *token,
					    time_t now, struct hearth_principal *out,
					    const char **why)
{
	enum hearth_auth_status st = HEARTH_AUTH_INVALID;
	struct hearth_principal p;
	const char *reason = NULL;
	long long nbf = LLONG_MIN;
	size_t len;

	memset(&p, 0, sizeof(p));
	if (token == NULL || token[0] == '\0') {
		st = HEARTH_AUTH_MISSING;
		reason = "no token";
		goto out;
	}
	if (v == NULL) {
		reason = "no verifier";
		goto out;
	}
	len = strnlen(token, TOKEN_MAX + 1);
	if (len > TOKEN_MAX) {
		reason = "token too long";
		goto out;
	}
	switch (hearth_auth_cache_get(v->cache, token, now, v->leeway_s, &p)) {
	case HEARTH_CACHE_HIT:
		st = HEARTH_AUTH_OK;
		goto out;
	case HEARTH_CACHE_EXPIRED:
		reason = "token expired";
		goto out;
	case HEARTH_CACHE_EARLY:
		reason = "token not yet valid";
		goto out;
	case HEARTH_CACHE_MISS:
		break;
	}
	reason = verify_uncached(v, token, len, now, &p, &nbf);
	if (reason == NULL) {
		hearth_auth_cache_put(v->cache, token, &p, nbf, now, v->leeway_s);
		st = HEARTH_AUTH_OK;
	}
out:
	if (st == HEARTH_AUTH_OK && out != NULL)
		*out = p;
	if (why != NULL)
		*why = st == HEARTH_AUTH_OK ? NULL : reason;
	return st;
}

enum hearth_auth_status hearth_verify_bearer(struct hearth_verifier *v, const char *header,
					     time_t now, struct hearth_principal *out,
					     const char **why)
{
	const char *reason;

	if (header == NULL || header[0] == '\0') {
		reason = "no Authorization header";
		goto missing;
	}
	if (strncasecmp(header, "Bearer", 6) != 0 || (header[6] != ' ' && header[6] != '\0')) {
		reason = "Authorization scheme is not Bearer";
		goto missing;
	}
	if (header[6] != ' ' || header[7] == '\0' || header[7] == ' ') {
		if (why != NULL)
			*why = "malformed Bearer credentials";
		return HEARTH_AUTH_INVALID;
	}
	return hearth_verify_token(v, header + 7, now, out, why);
missing:
	if (why != NULL)
		*why = reason;
	return HEARTH_AUTH_MISSING;
}

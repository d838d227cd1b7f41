/*
 * auth.h - bearer token verification (the only module that touches libjwt).
 *
 * Keys come from one file: a JWKS document ({"keys":[...]}, EC P-256 and RSA public
 * keys, each with `kid` and optionally `alg`) or PEM public key(s). Each key has its
 * algorithm pinned (ES256 for P-256, RS256 for RSA, or the JWK's `alg`); a token
 * is accepted only if its header `alg` equals the pinned one, so `none`, HS256
 * keyed with the public PEM text, and any other confusion are refused before and
 * after signature verification. The key is chosen by the header `kid`; a token
 * without `kid` is accepted only when exactly one key is configured.
 *
 * Claims checked: `exp` required and in the future, `nbf` (if present) not in the
 * future, both with `leeway_s`; `iss` and `aud` (string or array) equal to the
 * configured values; tenant and org present and UUIDs; roles an array of strings
 * (unknown role names are ignored, so a token may end with no role at all;
 * the dispatcher then refuses every route). Claim names are configurable.
 *
 * Verified tokens are cached (bounded, keyed by the exact token text) until
 * their `exp`, so a repeated token costs no signature check. Thread-safe.
 */
#ifndef HEARTH_AUTH_H
#define HEARTH_AUTH_H

#include <stddef.h>
#include <time.h>

enum hearth_role {
	HEARTH_ROLE_TENANT_ADMIN = 1u << 0,
	HEARTH_ROLE_COMMISSIONER = 1u << 1,
	HEARTH_ROLE_QA_OFFICER   = 1u << 2,
	HEARTH_ROLE_VIEWER       = 1u << 3,
	HEARTH_ROLE_PROVIDER     = 1u << 4,
	HEARTH_ROLE_INTEGRATION  = 1u << 5,
};

/* Every role Hearth knows: what a route open to "any role of the tenant" names.
 * A token whose roles claim holds none of these is served nothing. */
#define HEARTH_ROLES_ANY                                                                  \
	(HEARTH_ROLE_TENANT_ADMIN | HEARTH_ROLE_COMMISSIONER | HEARTH_ROLE_QA_OFFICER |   \
	 HEARTH_ROLE_VIEWER | HEARTH_ROLE_PROVIDER | HEARTH_ROLE_INTEGRATION)

/* "tenant_admin" -> HEARTH_ROLE_TENANT_ADMIN; 0 for an unknown name. */
unsigned hearth_role_from_name(const char *name);
/* Comma-separated names of the roles in `mask` into buf (for logs and SQL). */
void hearth_roles_format(unsigned mask, char *buf, size_t len);

struct hearth_principal {
	char sub[256];
	char tenant_id[37];
	char org_id[37];
	unsigned roles;       /* mask of enum hearth_role */
	long long expires_at; /* token exp, seconds since the epoch */
};

struct hearth_auth_config {
	const char *keys_file;   /* JWKS or PEM */
	const char *pem_kid;     /* kid given to a key read from PEM (may be NULL) */
	const char *issuer;
	const char *audience;
	int leeway_s;
	const char *claim_tenant; /* default "tenant" */
	const char *claim_org;    /* default "org" */
	const char *claim_roles;  /* default "roles" */
	const char *claim_sub;    /* default "sub" */
	size_t cache_capacity;    /* verified tokens kept; 0 disables the cache */
};

struct hearth_verifier;

/* Load keys and build a verifier. Returns 0, or -1 with a one-line reason in
 * `err` (file unreadable, no usable key, unsupported key type, ...). */
int hearth_verifier_new(const struct hearth_auth_config *cfg, struct hearth_verifier **out,
			char *err, size_t errlen);
/* NULL is a no-op. */
void hearth_verifier_free(struct hearth_verifier *v);

enum hearth_auth_status {
	HEARTH_AUTH_OK = 0,
	HEARTH_AUTH_MISSING,  /* no Authorization header, or not "Bearer <token>" */
	HEARTH_AUTH_INVALID,  /* anything wrong with the token */
};

/* Verify an Authorization header value ("Bearer <jwt>"; NULL = absent) at time
 * `now`. On OK fills *out. Otherwise *why is a short static reason for logs
 * (never shown to the client beyond "invalid_token"). */
enum hearth_auth_status hearth_verify_bearer(struct hearth_verifier *v, const char *header,
					     time_t now, struct hearth_principal *out,
					     const char **why);

/* Verify a bare token; same contract. */
enum hearth_auth_status hearth_verify_token(struct hearth_verifier *v, const char *token,
					    time_t now, struct hearth_principal *out,
					    const char **why);

/* Cache statistics: hits and misses since start. */
void hearth_verifier_cache_stats(struct hearth_verifier *v, unsigned long long *hits,
				 unsigned long long *misses);

/* Development tokens (hearthctl token, tests). Signs with the private key PEM at
 * `private_key_file` (EC P-256 -> ES256, RSA -> RS256), header kid = `kid`.
 * Returns a malloc'd token or NULL with a reason in `err`. */
struct hearth_token_request {
	const char *private_key_file;
	const char *kid;
	const char *issuer;
	const char *audience;
	const char *sub;
	const char *tenant_id;
	const char *org_id;
	const char *const *roles; /* NULL-terminated */
	long long issued_at;
	long long expires_at;
};
char *hearth_token_mint(const struct hearth_token_request *req, char *err, size_t errlen);

#endif

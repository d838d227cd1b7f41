/*
 * auth_keys_internal.h - the verification keys of an auth verifier (private to auth*.c).
 *
 * Every key ends up as one SubjectPublicKeyInfo PEM text, the form libjwt 1.10.2
 * takes, with its algorithm pinned: ES256 for EC P-256, RS256 for RSA (at least
 * 2048 bits). Nothing else is loaded.
 */
#ifndef HEARTH_AUTH_KEYS_INTERNAL_H
#define HEARTH_AUTH_KEYS_INTERNAL_H

#include <stddef.h>

#include <jwt.h>

struct hearth_auth_key {
	char *kid;      /* NULL: the key has no kid */
	jwt_alg_t alg;  /* JWT_ALG_ES256 or JWT_ALG_RS256 */
	char *pem;      /* NUL-terminated public key PEM */
	size_t pem_len; /* strlen(pem), never 0 */
};

struct hearth_keyset {
	struct hearth_auth_key *keys;
	size_t n;
};

/* Load `path`: a JWKS document when its first non-blank byte is '{', otherwise
 * one PEM public key, which gets `pem_kid` (may be NULL) as its kid. JWKs with a
 * `use` other than "sig", an unsupported `kty`/`crv` or an `alg` other than
 * ES256/RS256 are skipped; a supported JWK that is malformed, a duplicated kid,
 * or no usable key at all is an error. Returns 0, or -1 with a one-line reason
 * in `err` and `ks` left empty. */
int hearth_keyset_load(const char *path, const char *pem_kid, struct hearth_keyset *ks,
		       char *err, size_t errlen);

/* Free every key; `ks` is left empty; NULL is a no-op. */
void hearth_keyset_release(struct hearth_keyset *ks);

/* The key a token header selects: with a kid, the key with exactly that kid;
 * without one, the only key when exactly one is configured. NULL otherwise. */
const struct hearth_auth_key *hearth_keyset_find(const struct hearth_keyset *ks,
						 const char *kid);

#endif

/*
 * fuzz_token.c - libFuzzer harness for bearer token verification.
 *
 * The first byte picks what the rest is: a bare token, an Authorization header
 * value, or header/payload text that the harness signs with its own key, so the
 * claim checks behind a valid signature get fuzzed too. The verifier is built
 * once from an EC P-256 key generated into a temporary directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hearth/auth.h"
#include "hearth/b64url.h"

#define NOW ((time_t)1700000000)
#define DEFAULT_HEADER "{\"alg\":\"ES256\",\"kid\":\"fz\",\"typ\":\"JWT\"}"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hearth_verifier *verifier;
static EVP_PKEY *key;

static void init(void)
{
	char dir[] = "/tmp/fuzz_token.XXXXXX", path[64], err[256];
	struct hearth_auth_config cfg = {
		.pem_kid = "fz", .issuer = "https://id.example.test", .audience = "hearth",
		.leeway_s = 30, .cache_capacity = 64,
	};
	FILE *f;

	key = EVP_EC_gen("P-256");
	if (key == NULL || mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	f = fopen(path, "w");
	if (f == NULL || PEM_write_PUBKEY(f, key) != 1)
		abort();
	fclose(f);
	cfg.keys_file = path;
	if (hearth_verifier_new(&cfg, &verifier, err, sizeof(err)) != 0) {
		fprintf(stderr, "verifier: %s\n", err);
		abort();
	}
	unlink(path);
	rmdir(dir);
}

/* "<b64(header)>.<b64(payload)>.<b64(r||s)>" signed with the harness key. */
static char *sign(const uint8_t *hdr, size_t hlen, const uint8_t *pl, size_t plen)
{
	size_t cap = HEARTH_B64URL_ENCODED_LEN(hlen) + HEARTH_B64URL_ENCODED_LEN(plen) + 100;
	unsigned char der[128], raw[64];
	size_t dlen = sizeof(der);
	const unsigned char *q = der;
	ECDSA_SIG *sig = NULL;
	EVP_MD_CTX *md = NULL;
	char *tok = malloc(cap);
	int n, m;

	if (tok == NULL)
		return NULL;
	n = hearth_b64url_encode(hdr, hlen, tok, cap);
	tok[n++] = '.';
	n += hearth_b64url_encode(pl, plen, tok + n, cap - (size_t)n);
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &dlen, (unsigned char *)tok, (size_t)n) != 1 ||
	    (sig = d2i_ECDSA_SIG(NULL, &q, (long)dlen)) == NULL)
		abort();
	BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
	BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
	tok[n++] = '.';
	m = hearth_b64url_encode(raw, sizeof(raw), tok + n, cap - (size_t)n);
	if (m < 0)
		abort();
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return tok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hearth_principal p;
	const char *why = NULL;
	const uint8_t *nl;
	char *text = NULL;

	if (verifier == NULL)
		init();
	if (size == 0)
		return 0;
	if (data[0] % 3 == 2) {
		/* Signed: "<header>\n<payload>", or only a payload under a good header. */
		nl = memchr(data + 1, '\n', size - 1);
		if (nl != NULL)
			text = sign(data + 1, (size_t)(nl - data - 1), nl + 1,
				    size - (size_t)(nl + 1 - data));
		else
			text = sign((const uint8_t *)DEFAULT_HEADER, strlen(DEFAULT_HEADER),
				    data + 1, size - 1);
		if (text != NULL)
			hearth_verify_token(verifier, text, NOW, &p, &why);
		free(text);
		return 0;
	}
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] % 3 == 0)
		hearth_verify_token(verifier, text, NOW, &p, &why);
	else
		hearth_verify_bearer(verifier, text, NOW, &p, &why);
	free(text);
	return 0;
}

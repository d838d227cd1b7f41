/*
 * test_auth_mint.c - development tokens minted by hearthctl (hearth/auth.h).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/evp.h>

#include "hearth/auth.h"
#include "hearth/b64url.h"
#include "support_auth.h"

START_TEST(a_minted_token_verifies)
{
	const char *roles[] = { "qa_officer", "provider", NULL };
	struct hearth_token_request req = {
		.private_key_file = rsa_priv, .kid = "rsa1", .issuer = ISS, .audience = AUD,
		.sub = "dev-user", .tenant_id = TENANT, .org_id = ORG, .roles = roles,
		.issued_at = NOW, .expires_at = NOW + 3600,
	};
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	struct hearth_principal p;
	char err[256] = "", *tok;

	tok = hearth_token_mint(&req, err, sizeof(err));
	ck_assert_msg(tok != NULL, "mint: %s", err);
	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.sub, "dev-user");
	ck_assert_uint_eq(p.roles, HEARTH_ROLE_QA_OFFICER | HEARTH_ROLE_PROVIDER);
	ck_assert_int_eq(p.expires_at, NOW + 3600);
	free(tok);
	/* libjwt's ES256 signatures verify too. */
	req.private_key_file = ec_priv;
	req.kid = "ec1";
	req.roles = NULL;
	tok = hearth_token_mint(&req, err, sizeof(err));
	ck_assert_msg(tok != NULL, "mint: %s", err);
	expect_ok(v, tok, NOW, &p);
	ck_assert_uint_eq(p.roles, 0);
	free(tok);
	/* The public key is not a private key. */
	req.private_key_file = ec_pub;
	ck_assert_ptr_null(hearth_token_mint(&req, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no PEM private key"));
	req.private_key_file = ec_priv;
	req.expires_at = req.issued_at;
	ck_assert_ptr_null(hearth_token_mint(&req, err, sizeof(err)));
	hearth_verifier_free(v);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, a_minted_token_verifies);
}

int main(void)
{
	return auth_run_suite("auth_mint", add_tests);
}

/*
 * test_auth_verify.c - verification of good tokens and their claims (hearth/auth.h).
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

/* ---- tests ---------------------------------------------------------------- */

START_TEST(an_es256_token_verifies_against_a_pem_key)
{
	struct hearth_verifier *v = test_verifier(ec_pub, "ec1", 0);
	struct hearth_principal p;
	char *tok = es256(good_claims());

	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.sub, "user-42");
	ck_assert_str_eq(p.tenant_id, TENANT);
	ck_assert_str_eq(p.org_id, ORG);
	ck_assert_uint_eq(p.roles, HEARTH_ROLE_COMMISSIONER | HEARTH_ROLE_VIEWER);
	ck_assert_int_eq(p.expires_at, NOW + 600);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(an_rs256_token_verifies_against_a_jwks_key)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	struct hearth_principal p;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "tenant", json_string("6F1C2D3E-4A5B-4C6D-8E7F-9A0B1C2D3E4F"));
	json_object_set_new(c, "aud", json_pack("[s,s]", "other", AUD));
	tok = token_for(rsa_key, "RS256", "rsa1", c);
	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.tenant_id, TENANT); /* lower-cased */
	ck_assert_str_eq(p.sub, "user-42");
	free(tok);
	/* The EC key of the same JWKS is usable too. */
	tok = es256(good_claims());
	expect_ok(v, tok, NOW, &p);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(only_a_bearer_authorization_header_carries_a_token)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	struct hearth_principal p;
	const char *why = NULL;
	char *tok = es256(good_claims()), hdr[2048];

	ck_assert_int_eq(hearth_verify_bearer(v, NULL, NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "", NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "Basic dXNlcjpwdw==", NOW, &p, &why),
			 HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "Bearerx", NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_bearer(v, "Bearer", NOW, &p, &why), HEARTH_AUTH_INVALID);
	ck_assert_int_eq(hearth_verify_bearer(v, "Bearer ", NOW, &p, &why), HEARTH_AUTH_INVALID);
	snprintf(hdr, sizeof(hdr), "Bearer  %s", tok);
	ck_assert_int_eq(hearth_verify_bearer(v, hdr, NOW, &p, &why), HEARTH_AUTH_INVALID);
	snprintf(hdr, sizeof(hdr), "Bearer %s ", tok);
	ck_assert_int_eq(hearth_verify_bearer(v, hdr, NOW, &p, &why), HEARTH_AUTH_INVALID);
	snprintf(hdr, sizeof(hdr), "bEaReR %s", tok);
	ck_assert_int_eq(hearth_verify_bearer(v, hdr, NOW, &p, &why), HEARTH_AUTH_OK);
	ck_assert_str_eq(p.org_id, ORG);
	ck_assert_int_eq(hearth_verify_token(v, NULL, NOW, &p, &why), HEARTH_AUTH_MISSING);
	ck_assert_int_eq(hearth_verify_token(v, "", NOW, &p, &why), HEARTH_AUTH_MISSING);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(malformed_tokens_are_refused)
{
	struct hearth_verifier *v = test_verifier(ec_pub, "ec1", 16);
	const char *bad[] = { "abc", "a.b", "a.b.c.d", "..", "a..", "!!!.e30.AA",
			      "e30.e30.", "eyJhbGciOiJFUzI1NiJ9.e30.AA==" };
	char *tok = es256(good_claims()), *cut;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_invalid(v, bad[i], NOW, NULL);
	/* Header that is JSON but not an object; header with duplicate alg. */
	free(tok);
	tok = sign_raw(ec_key, "[\"ES256\"]", "{}");
	expect_invalid(v, tok, NOW, "token header is not a JSON object");
	free(tok);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":\"ec1\",\"alg\":\"ES256\"}", "{}");
	expect_invalid(v, tok, NOW, "token header is not a JSON object");
	free(tok);
	/* A good token with its signature cut off. */
	tok = es256(good_claims());
	cut = strrchr(tok, '.');
	cut[1] = '\0';
	expect_invalid(v, tok, NOW, NULL);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(exp_is_required_and_exp_and_nbf_are_checked)
{
	json_t *c;

	c = good_claims();
	json_object_set_new(c, "exp", json_integer(NOW - 100));
	check_claim_case(c, "token expired");
	c = good_claims();
	json_object_set_new(c, "nbf", json_integer(NOW + 100));
	check_claim_case(c, "token not yet valid");
	c = good_claims();
	json_object_del(c, "exp");
	check_claim_case(c, "token exp missing or not an integer");
	c = good_claims();
	json_object_set_new(c, "exp", json_string("9999999999"));
	check_claim_case(c, "token exp missing or not an integer");
	c = good_claims();
	json_object_set_new(c, "nbf", json_real(1.5));
	check_claim_case(c, "token nbf not an integer");
}
END_TEST

START_TEST(the_leeway_applies_exactly_at_its_boundary)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	struct hearth_principal p;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "exp", json_integer(NOW));
	json_object_set_new(c, "nbf", json_integer(NOW - 100));
	tok = es256(c);
	expect_ok(v, tok, NOW + LEEWAY, &p);
	expect_invalid(v, tok, NOW + LEEWAY + 1, "token expired");
	free(tok);
	c = good_claims();
	json_object_set_new(c, "nbf", json_integer(NOW));
	tok = es256(c);
	expect_ok(v, tok, NOW - LEEWAY, &p);
	expect_invalid(v, tok, NOW - LEEWAY - 1, "token not yet valid");
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(issuer_and_audience_must_match)
{
	json_t *c;

	c = good_claims();
	json_object_set_new(c, "iss", json_string(ISS "/other"));
	check_claim_case(c, "token iss mismatch");
	c = good_claims();
	json_object_del(c, "iss");
	check_claim_case(c, "token iss mismatch");
	c = good_claims();
	json_object_set_new(c, "aud", json_string("someone-else"));
	check_claim_case(c, "token aud mismatch");
	c = good_claims();
	json_object_set_new(c, "aud", json_pack("[s,i]", "someone-else", 7));
	check_claim_case(c, "token aud mismatch");
	c = good_claims();
	json_object_set_new(c, "aud", json_array());
	check_claim_case(c, "token aud mismatch");
}
END_TEST

START_TEST(tenant_and_org_must_be_uuids_and_sub_is_kept)
{
	json_t *c;

	c = good_claims();
	json_object_del(c, "tenant");
	check_claim_case(c, "token tenant claim missing");
	c = good_claims();
	json_object_del(c, "org");
	check_claim_case(c, "token org claim missing");
	c = good_claims();
	json_object_set_new(c, "tenant", json_string("not-a-uuid"));
	check_claim_case(c, "token tenant claim not a UUID");
	c = good_claims();
	json_object_set_new(c, "tenant", json_string("6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4fa"));
	check_claim_case(c, "token tenant claim not a UUID");
	c = good_claims();
	json_object_set_new(c, "org", json_string("0a1b2c3d+4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
	check_claim_case(c, "token org claim not a UUID");
	c = good_claims();
	json_object_set_new(c, "org", json_integer(5));
	check_claim_case(c, "token org claim missing");
	c = good_claims();
	json_object_del(c, "sub");
	check_claim_case(c, "token sub missing or malformed");
	c = good_claims();
	json_object_set_new(c, "sub", json_string("evil\nline"));
	check_claim_case(c, "token sub missing or malformed");
}
END_TEST

START_TEST(a_payload_with_duplicate_claims_is_refused)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 0);
	char payload[512], *tok;

	/* A second exp would let two parsers see two different tokens. */
	snprintf(payload, sizeof(payload),
		 "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"u\",\"tenant\":\"%s\",\"org\":\"%s\","
		 "\"exp\":%lld,\"exp\":%lld}",
		 ISS, AUD, TENANT, ORG, NOW + 600, NOW - 600);
	tok = sign_raw(ec_key, "{\"alg\":\"ES256\",\"kid\":\"ec1\"}", payload);
	expect_invalid(v, tok, NOW, "token payload is not a JSON object");
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(role_names_map_to_the_mask_and_unknown_ones_are_ignored)
{
	char buf[128];
	json_t *c;

	ck_assert_uint_eq(hearth_role_from_name("tenant_admin"), HEARTH_ROLE_TENANT_ADMIN);
	ck_assert_uint_eq(hearth_role_from_name("commissioner"), HEARTH_ROLE_COMMISSIONER);
	ck_assert_uint_eq(hearth_role_from_name("qa_officer"), HEARTH_ROLE_QA_OFFICER);
	ck_assert_uint_eq(hearth_role_from_name("viewer"), HEARTH_ROLE_VIEWER);
	ck_assert_uint_eq(hearth_role_from_name("provider"), HEARTH_ROLE_PROVIDER);
	ck_assert_uint_eq(hearth_role_from_name("integration"), HEARTH_ROLE_INTEGRATION);
	ck_assert_uint_eq(hearth_role_from_name("Viewer"), 0);
	ck_assert_uint_eq(hearth_role_from_name("admin"), 0);
	ck_assert_uint_eq(hearth_role_from_name(NULL), 0);

	hearth_roles_format(0x3f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "tenant_admin,commissioner,qa_officer,viewer,provider,integration");
	hearth_roles_format(HEARTH_ROLE_VIEWER | HEARTH_ROLE_QA_OFFICER | 0x400, buf, sizeof(buf));
	ck_assert_str_eq(buf, "qa_officer,viewer");
	hearth_roles_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	hearth_roles_format(HEARTH_ROLE_VIEWER, buf, 7);
	ck_assert_str_eq(buf, "viewer");
	hearth_roles_format(HEARTH_ROLE_VIEWER, buf, 6); /* never a partial name */
	ck_assert_str_eq(buf, "");
	hearth_roles_format(HEARTH_ROLE_QA_OFFICER | HEARTH_ROLE_VIEWER, buf, 15);
	ck_assert_str_eq(buf, "");

	c = good_claims();
	json_object_set_new(c, "roles", json_string("viewer"));
	check_claim_case(c, "token roles claim not an array");
	c = good_claims();
	json_object_set_new(c, "roles", json_pack("[s,i]", "viewer", 1));
	check_claim_case(c, "token roles claim holds a non-string");
}
END_TEST

START_TEST(absent_roles_give_none_and_claim_names_are_configurable)
{
	struct hearth_auth_config cfg = {
		.keys_file = jwks, .issuer = ISS, .audience = AUD, .leeway_s = 0,
		.claim_tenant = "tid", .claim_org = "https://hearth/org",
		.claim_roles = "groups", .claim_sub = "oid",
	};
	struct hearth_verifier *v = NULL, *plain = test_verifier(jwks, NULL, 0);
	struct hearth_principal p;
	char err[128];
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:I}", "iss", ISS, "aud", AUD,
			      "oid", "client-7", "tid", TENANT, "https://hearth/org", ORG,
			      "groups", "tenant_admin", "exp", (json_int_t)NOW + 10);
	char *tok;

	ck_assert_int_eq(hearth_verifier_new(&cfg, &v, err, sizeof(err)), 0);
	tok = es256(c);
	expect_ok(v, tok, NOW, &p);
	ck_assert_str_eq(p.sub, "client-7");
	ck_assert_str_eq(p.org_id, ORG);
	ck_assert_uint_eq(p.roles, HEARTH_ROLE_TENANT_ADMIN);
	/* With the default names this token has no tenant. */
	expect_invalid(plain, tok, NOW, "token sub missing or malformed");
	free(tok);
	c = good_claims();
	json_object_del(c, "roles");
	tok = es256(c);
	expect_ok(plain, tok, NOW, &p);
	ck_assert_uint_eq(p.roles, 0);
	free(tok);
	hearth_verifier_free(v);
	hearth_verifier_free(plain);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, an_es256_token_verifies_against_a_pem_key);
	tcase_add_test(tc, an_rs256_token_verifies_against_a_jwks_key);
	tcase_add_test(tc, only_a_bearer_authorization_header_carries_a_token);
	tcase_add_test(tc, malformed_tokens_are_refused);
	tcase_add_test(tc, exp_is_required_and_exp_and_nbf_are_checked);
	tcase_add_test(tc, the_leeway_applies_exactly_at_its_boundary);
	tcase_add_test(tc, issuer_and_audience_must_match);
	tcase_add_test(tc, tenant_and_org_must_be_uuids_and_sub_is_kept);
	tcase_add_test(tc, a_payload_with_duplicate_claims_is_refused);
	tcase_add_test(tc, role_names_map_to_the_mask_and_unknown_ones_are_ignored);
	tcase_add_test(tc, absent_roles_give_none_and_claim_names_are_configurable);
}

int main(void)
{
	return auth_run_suite("auth_verify", add_tests);
}

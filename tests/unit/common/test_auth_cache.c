/*
 * test_auth_cache.c - the verified-token cache (hearth/auth.h).
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

START_TEST(a_verified_token_is_served_from_the_cache_until_it_expires)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 8);
	struct hearth_principal p1, p2;
	unsigned long long hits = 99, misses = 99;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "exp", json_integer(NOW + 100));
	tok = es256(c);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 0);
	expect_ok(v, tok, NOW, &p1);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 1);
	expect_ok(v, tok, NOW + 1, &p2);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 1);
	ck_assert_uint_eq(misses, 1);
	ck_assert_mem_eq(&p1, &p2, sizeof(p1));
	/* Still good at the leeway boundary, then rejected though cached. */
	expect_ok(v, tok, NOW + 100 + LEEWAY, &p2);
	expect_invalid(v, tok, NOW + 100 + LEEWAY + 1, "token expired");
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 3);
	ck_assert_uint_eq(misses, 1);
	/* The expired entry is gone: the next look-up misses and fails again. */
	expect_invalid(v, tok, NOW + 100 + LEEWAY + 1, "token expired");
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(misses, 2);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(a_refused_token_is_never_cached)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 8);
	unsigned long long hits, misses;
	json_t *c = good_claims();
	char *tok;

	json_object_set_new(c, "iss", json_string("https://elsewhere"));
	tok = es256(c);
	expect_invalid(v, tok, NOW, "token iss mismatch");
	expect_invalid(v, tok, NOW, "token iss mismatch");
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 2);
	free(tok);
	hearth_verifier_free(v);
}
END_TEST

START_TEST(the_cache_holds_at_most_its_capacity)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 2), *off = test_verifier(jwks, NULL, 0);
	struct hearth_principal p;
	unsigned long long hits, misses;
	char *tok[5];
	int i;

	for (i = 0; i < 5; i++) {
		json_t *c = good_claims();

		json_object_set_new(c, "exp", json_integer(NOW + 100 + i));
		tok[i] = es256(c);
		expect_ok(v, tok[i], NOW, &p);
	}
	for (i = 0; i < 5; i++)
		expect_ok(v, tok[i], NOW, &p);
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_le(hits, 2);
	ck_assert_uint_eq(hits + misses, 10);
	/* Capacity 0: every verification misses. */
	expect_ok(off, tok[0], NOW, &p);
	expect_ok(off, tok[0], NOW, &p);
	hearth_verifier_cache_stats(off, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 2);
	for (i = 0; i < 5; i++)
		free(tok[i]);
	hearth_verifier_free(v);
	hearth_verifier_free(off);
}
END_TEST

struct race {
	struct hearth_verifier *v;
	char **tok;
	int ntok;
	int failures;
};

static void *race_worker(void *arg)
{
	struct race *r = arg;
	struct hearth_principal p;
	const char *why;
	int i;

	for (i = 0; i < 200; i++) {
		if (hearth_verify_token(r->v, r->tok[i % r->ntok], (time_t)NOW, &p, &why) !=
			    HEARTH_AUTH_OK ||
		    strcmp(p.tenant_id, TENANT) != 0)
			r->failures++;
	}
	return NULL;
}

/* Threads sharing a cache smaller than their token set: constant eviction. */
START_TEST(threads_sharing_a_small_cache_stay_correct)
{
	struct hearth_verifier *v = test_verifier(jwks, NULL, 3);
	unsigned long long hits, misses;
	struct race r[4];
	pthread_t th[4];
	char *tok[6];
	int i;

	for (i = 0; i < 6; i++) {
		json_t *c = good_claims();

		json_object_set_new(c, "exp", json_integer(NOW + 1000 + i));
		tok[i] = es256(c);
	}
	for (i = 0; i < 4; i++) {
		r[i] = (struct race){ .v = v, .tok = tok, .ntok = 6 - i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, race_worker, &r[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(r[i].failures, 0);
	}
	hearth_verifier_cache_stats(v, &hits, &misses);
	ck_assert_uint_eq(hits + misses, 800);
	ck_assert_uint_gt(hits, 0);
	for (i = 0; i < 6; i++)
		free(tok[i]);
	hearth_verifier_free(v);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, a_verified_token_is_served_from_the_cache_until_it_expires);
	tcase_add_test(tc, a_refused_token_is_never_cached);
	tcase_add_test(tc, the_cache_holds_at_most_its_capacity);
	tcase_add_test(tc, threads_sharing_a_small_cache_stay_correct);
}

int main(void)
{
	return auth_run_suite("auth_cache", add_tests);
}

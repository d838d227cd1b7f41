/* Unit tests for router.c: templates, 404 vs 405 with Allow, decoding. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "router_internal.h"

static void noop(struct hearth_request *req) { (void)req; }

static const struct hearth_route routes[] = {
	{ "GET", "/v1/frameworks", noop, 0, 0, NULL, NULL },
	{ "POST", "/v1/frameworks", noop, 0, 0, NULL, NULL },
	{ "GET", "/v1/frameworks/{id}", noop, 0, 0, NULL, NULL },
	{ "PATCH", "/v1/frameworks/{id}", noop, 0, 0, NULL, NULL },
	{ "GET", "/v1/frameworks/{id}/members/{provider_id}", noop, 0, 0, NULL, NULL },
	{ "GET", "/v1/placements/by-ref/{external_ref}", noop, 0, 0, NULL, NULL },
	{ "POST", "/v1/placements/batch", noop, 0, 0, NULL, NULL },
	{ "GET", "/v1/placements/{id}", noop, 0, 0, NULL, NULL },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL },
};

#define FW "00000000-0000-4000-8000-0000000000f1"
#define PROV "00000000-0000-4000-8000-0000000000a1"

START_TEST(matches_and_decodes_params)
{
	struct hearth_request req;
	const struct hearth_route *r = NULL;
	char allow[64];

	memset(&req, 0, sizeof(req));
	ck_assert_int_eq(hearth_route_match(routes, "GET", "/v1/frameworks/" FW "/members/" PROV, &r,
					    &req, allow, sizeof(allow)), HEARTH_MATCH_OK);
	ck_assert_ptr_eq(r, &routes[4]);
	ck_assert_str_eq(hearth_path_param(&req, "id"), FW);
	ck_assert_str_eq(hearth_path_param(&req, "provider_id"), PROV);
	hearth_request_params_release(&req);
	ck_assert_int_eq(hearth_route_match(routes, "GET", "/v1/placements/by-ref/a%20b", &r, &req,
					    allow, sizeof(allow)), HEARTH_MATCH_OK);
	ck_assert_ptr_eq(r, &routes[5]);
	ck_assert_str_eq(hearth_path_param(&req, "external_ref"), "a b");
	hearth_request_params_release(&req);
}
END_TEST

START_TEST(wrong_method_lists_allowed_methods)
{
	struct hearth_request req;
	const struct hearth_route *r = NULL;
	char allow[64];

	memset(&req, 0, sizeof(req));
	ck_assert_int_eq(hearth_route_match(routes, "DELETE", "/v1/frameworks", &r, &req, allow,
					    sizeof(allow)), HEARTH_MATCH_WRONG_METHOD);
	ck_assert_str_eq(allow, "GET, POST");
	ck_assert_int_eq(hearth_route_match(routes, "PUT", "/v1/frameworks/" FW, &r, &req, allow,
					    sizeof(allow)), HEARTH_MATCH_WRONG_METHOD);
	ck_assert_str_eq(allow, "GET, PATCH");
	ck_assert_int_eq(req.n_path_params, 0);
}
END_TEST

START_TEST(unknown_paths_do_not_match)
{
	struct hearth_request req;
	const struct hearth_route *r = NULL;
	char allow[64];
	static const char *const paths[] = { "/v1/frameworksX", "/v1/frameworks/", "/v1/frameworks//members/p",
		"/v1", "", "/v1/frameworks/x/members", "/v1/frameworks/%00/members/p",
		"/v1/frameworks/%zz", NULL };

	memset(&req, 0, sizeof(req));
	for (const char *const *p = paths; *p; p++) {
		ck_assert_msg(hearth_route_match(routes, "GET", *p, &r, &req, allow, sizeof(allow)) ==
				      HEARTH_MATCH_NONE, "%s matched", *p);
		ck_assert_int_eq(req.n_path_params, 0);
	}
}
END_TEST

/* {id} and {..._id} segments match only UUIDs (percent-decoded), on every
 * route: a malformed id is a 404 before any handler, never a database cast. */
START_TEST(id_segments_match_only_uuids)
{
	struct hearth_request req;
	const struct hearth_route *r = NULL;
	char allow[64];
	static const char *const paths[] = { "/v1/frameworks/x", "/v1/frameworks/1",
		"/v1/frameworks/" FW "x", "/v1/frameworks/00000000-0000-4000-8000-0000000000f",
		"/v1/frameworks/" FW "/members/p1", "/v1/frameworks/x/members/" PROV,
		"/v1/frameworks/00000000-0000-4000-8000-00000000%2f00", "/v1/placements/by-ref", NULL };

	memset(&req, 0, sizeof(req));
	for (const char *const *p = paths; *p; p++) {
		ck_assert_msg(hearth_route_match(routes, "GET", *p, &r, &req, allow, sizeof(allow)) ==
				      HEARTH_MATCH_NONE, "%s matched", *p);
		ck_assert_int_eq(req.n_path_params, 0);
	}
	/* An escaped UUID is still one. */
	ck_assert_int_eq(hearth_route_match(routes, "GET",
					    "/v1/frameworks/00000000-0000-4000-8000-0000000000%66%31",
					    &r, &req, allow, sizeof(allow)), HEARTH_MATCH_OK);
	ck_assert_str_eq(hearth_path_param(&req, "id"), FW);
	hearth_request_params_release(&req);
	/* A word where an id would be: the path's other routes answer (405), not {id}. */
	ck_assert_int_eq(hearth_route_match(routes, "GET", "/v1/placements/batch", &r, &req, allow,
					    sizeof(allow)), HEARTH_MATCH_WRONG_METHOD);
	ck_assert_str_eq(allow, "POST");
}
END_TEST

START_TEST(query_is_decoded_and_repeats_refused)
{
	struct hearth_request req;

	memset(&req, 0, sizeof(req));
	ck_assert_int_eq(hearth_query_parse("q=care+home&status=active&empty=&flag", &req), 0);
	ck_assert_str_eq(hearth_query_param(&req, "q"), "care home");
	ck_assert_str_eq(hearth_query_param(&req, "status"), "active");
	ck_assert_str_eq(hearth_query_param(&req, "empty"), "");
	ck_assert_str_eq(hearth_query_param(&req, "flag"), "");
	ck_assert_ptr_null(hearth_query_param(&req, "missing"));
	hearth_request_params_release(&req);

	ck_assert_int_eq(hearth_query_parse("a=1&a=2", &req), -1);
	hearth_request_params_release(&req);
	ck_assert_int_eq(hearth_query_parse("a=%4", &req), -1);
	hearth_request_params_release(&req);
	ck_assert_int_eq(hearth_query_parse("=x", &req), -1);
	hearth_request_params_release(&req);
	ck_assert_int_eq(hearth_query_parse("a=%00", &req), -1);
	hearth_request_params_release(&req);
}
END_TEST

START_TEST(percent_decode_edges)
{
	char *s = hearth_percent_decode("%41%2fb", 7, 0);
	ck_assert_str_eq(s, "A/b");
	free(s);
	ck_assert_ptr_null(hearth_percent_decode("%4", 2, 0));
	ck_assert_ptr_null(hearth_percent_decode("%", 1, 0));
	s = hearth_percent_decode("a+b", 3, 0);
	ck_assert_str_eq(s, "a+b");
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, matches_and_decodes_params);
	tcase_add_test(tc, wrong_method_lists_allowed_methods);
	tcase_add_test(tc, unknown_paths_do_not_match);
	tcase_add_test(tc, id_segments_match_only_uuids);
	tcase_add_test(tc, query_is_decoded_and_repeats_refused);
	tcase_add_test(tc, percent_decode_edges);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

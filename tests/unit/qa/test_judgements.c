/*
 * test_judgements.c - which vocabulary an inspection is judged in, by
 * regulator, setting type and inspection type, and the check of judgements
 * against it (services/qa/judgements.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "judgements.h"

static const char *label(const char *regulator, const char *setting_type, const char *type)
{
	const struct qa_vocabulary *v = qa_vocabulary_for(regulator, setting_type, type);
	return v ? v->label : NULL;
}

START_TEST(each_regulator_and_setting_type_has_its_vocabulary)
{
	ck_assert_str_eq(label("ofsted", "childrens_home", "full"), "an Ofsted full inspection");
	ck_assert_str_eq(label("ofsted", "fostering_service", "full"), "an Ofsted full inspection");
	ck_assert_str_eq(label("ofsted", "residential_school", "full"), "an Ofsted full inspection");
	ck_assert_str_eq(label("ofsted", "secure_childrens_home", "full"),
			 "an Ofsted full inspection");
	ck_assert_str_eq(label("ofsted", "childrens_home", "interim"),
			 "an Ofsted interim inspection");
	ck_assert_str_eq(label("ofsted", "supported_accommodation", "full"),
			 "an Ofsted inspection of supported accommodation");
	ck_assert_str_eq(label("ciw", "childrens_home", "full"), "a CIW inspection");
	ck_assert_str_eq(label("ciw", "supported_accommodation", "focused"), "a CIW inspection");
	ck_assert_str_eq(label("cqc", "residential_school", "full"), "a CQC inspection");
}
END_TEST

START_TEST(visits_and_unknown_combinations_carry_no_judgement)
{
	ck_assert_ptr_null(qa_vocabulary_for("ofsted", "childrens_home", "monitoring"));
	ck_assert_ptr_null(qa_vocabulary_for("ofsted", "childrens_home", "assurance"));
	ck_assert_ptr_null(qa_vocabulary_for("ofsted", "supported_accommodation", "interim"));
	ck_assert_ptr_null(qa_vocabulary_for("ofsted", "other", "full"));
	ck_assert_ptr_null(qa_vocabulary_for("ciw", "childrens_home", "registration"));
	ck_assert_ptr_null(qa_vocabulary_for("cis", "childrens_home", "full"));
	ck_assert_ptr_null(qa_vocabulary_for(NULL, NULL, NULL));
}
END_TEST

static int check(const char *json, const char *regulator, const char *setting_type,
		 const char *type, struct hearth_problem *p)
{
	json_t *j = json_loads(json, 0, NULL);
	int rc;

	ck_assert_ptr_nonnull(j);
	hearth_problem_clear(p);
	rc = qa_judgements_check(j, qa_vocabulary_for(regulator, setting_type, type), regulator,
				 setting_type, type, p);
	json_decref(j);
	return rc;
}

START_TEST(members_and_words_outside_the_vocabulary_are_named)
{
	struct hearth_problem p;

	ck_assert_int_eq(check("{\"wellbeing\": \"good\", \"environment\": \"not_rated\"}", "ciw",
			       "childrens_home", "full", &p), 0);
	ck_assert_int_eq(check("{}", "ofsted", "childrens_home", "monitoring", &p), 0);

	ck_assert_int_eq(check("{\"wellbeing\": \"good\"}", "ofsted", "childrens_home", "full", &p),
			 -1);
	ck_assert_int_eq(p.status, 400);
	ck_assert_str_eq(p.errors[0].field, "judgements.wellbeing");
	ck_assert_ptr_nonnull(strstr(p.errors[0].message, "an Ofsted full inspection"));

	ck_assert_int_eq(check("{\"help_and_protection\": \"excellent\", \"safe\": 1}", "ofsted",
			       "childrens_home", "full", &p), -1);
	ck_assert_int_eq((int)p.n_errors, 2);
	ck_assert_str_eq(p.errors[0].field, "judgements.help_and_protection");
	ck_assert_str_eq(p.errors[0].message, "must be one of: outstanding, good, "
			 "requires_improvement, inadequate");
	ck_assert_str_eq(p.errors[1].field, "judgements.safe");

	ck_assert_int_eq(check("{\"outcome\": \"outcome_1\"}", "ofsted", "childrens_home",
			       "monitoring", &p), -1);
	ck_assert_str_eq(p.errors[0].field, "judgements.outcome");
	ck_assert_ptr_nonnull(strstr(p.errors[0].message, "carries no judgements"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("qa judgements");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, each_regulator_and_setting_type_has_its_vocabulary);
	tcase_add_test(tc, visits_and_unknown_combinations_carry_no_judgement);
	tcase_add_test(tc, members_and_words_outside_the_vocabulary_are_named);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

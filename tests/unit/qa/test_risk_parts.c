/*
 * test_risk_parts.c - a risk answer's subjects and their reasons from the
 * rows of risk_parts() (services/qa/risk_parts.c): which facts are whose
 * reasons, the ranks, overrides, the orders, and rows it must refuse.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk_parts.h"

#define P1 "00000000-0000-4000-8000-00000000a001"
#define P2 "00000000-0000-4000-8000-00000000a002"
#define S1 "00000000-0000-4000-8000-00000000b001"
#define S2 "00000000-0000-4000-8000-00000000b002"
#define S3 "f0000000-0000-4000-8000-00000000b003"
#define R1 "00000000-0000-4000-8000-00000000c001"
#define R2 "00000000-0000-4000-8000-00000000c002"

static struct risk_part subject(const char *type, const char *id, const char *provider)
{
	return (struct risk_part){ .subject_type = type, .subject_id = id, .provider_id = provider };
}

static struct risk_part fact(const char *scope, const char *provider, const char *setting,
			     const char *rule, const char *rag, const char *detail,
			     const char *source)
{
	return (struct risk_part){ .provider_id = provider, .scope = scope, .setting_id = setting,
				   .rule = rule, .rag = rag, .detail = detail, .source_id = source };
}

/* Subject k's reasons as "rule/detail" joined by spaces, into buf. */
static const char *reasons(struct risk_index *index, int k, char *buf, size_t len)
{
	const int *rows;
	int n = risk_index_reasons(index, k, &rows);

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		const struct risk_part *p = &index->parts[rows[i]];
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, "%s%s/%s", i ? " " : "", p->rule,
			 p->detail ? p->detail : "-");
	}
	return buf;
}

static const char *id_of(const struct risk_index *index, int k)
{
	return index->parts[index->subjects[k].row].subject_id;
}

START_TEST(subjects_come_by_type_then_id_and_a_setting_under_two_providers_is_one)
{
	struct risk_part parts[] = {
		subject("setting", S3, P1), subject("setting", S1, P1), subject("provider", P2, P2),
		subject("setting", S2, P2), subject("provider", P1, P1), subject("setting", S3, P2),
	};
	struct risk_index index;

	ck_assert_int_eq(risk_index_build(&index, parts, 6), 0);
	ck_assert_int_eq(index.n_subjects, 5);
	ck_assert_str_eq(id_of(&index, 0), P1);
	ck_assert_str_eq(id_of(&index, 1), P2);
	ck_assert_str_eq(id_of(&index, 2), S1);
	ck_assert_str_eq(id_of(&index, 3), S2);
	ck_assert_str_eq(id_of(&index, 4), S3);
	for (int k = 0; k < index.n_subjects; k++) {
		ck_assert_int_eq(index.subjects[k].computed, RISK_GREEN);
		ck_assert_int_eq(index.subjects[k].rank, RISK_GREEN);
		ck_assert_int_eq(index.subjects[k].override_row, -1);
	}
	risk_index_release(&index);
}
END_TEST

START_TEST(each_subject_has_exactly_its_reasons)
{
	struct risk_part parts[] = {
		subject("setting", S1, P1),
		subject("setting", S2, P1),
		subject("provider", P1, P1),
		subject("setting", S3, P2),
		fact("setting", P1, S1, "inspection_amber", "amber", "S1 inspected", R1),
		fact("setting_endings", P1, S1, "unplanned_endings", "amber", "S1 endings", NULL),
		fact("provider_endings", P1, NULL, "unplanned_endings", "amber", "P1 endings", NULL),
		fact("provider", P1, NULL, "placement_stop", "red", "P1 stop", R2),
		fact("provider", P1, NULL, "allegation_open", "red", "P1 allegation", R1),
		fact("setting", P1, S2, "reg44_missing", "amber", "S2 March", NULL),
		fact("setting", P2, S3, "placement_stop", "red", "S3 stop", R1),
	};
	struct risk_index index;
	char buf[512];

	ck_assert_int_eq(risk_index_build(&index, parts, 11), 0);
	ck_assert_int_eq(index.n_subjects, 4);
	/* P1: every fact of it and its settings, but not its settings' endings. */
	ck_assert_str_eq(reasons(&index, 0, buf, sizeof(buf)),
			 "allegation_open/P1 allegation placement_stop/P1 stop "
			 "inspection_amber/S1 inspected reg44_missing/S2 March "
			 "unplanned_endings/P1 endings");
	ck_assert_int_eq(index.subjects[0].computed, RISK_RED);
	/* S1: its own facts and endings, and its provider's stop. */
	ck_assert_str_eq(reasons(&index, 1, buf, sizeof(buf)),
			 "placement_stop/P1 stop inspection_amber/S1 inspected "
			 "unplanned_endings/S1 endings");
	ck_assert_int_eq(index.subjects[1].computed, RISK_RED);
	ck_assert_str_eq(reasons(&index, 2, buf, sizeof(buf)),
			 "placement_stop/P1 stop reg44_missing/S2 March");
	/* S3 at P2: its own stop; P2 is no subject here, its facts no one's. */
	ck_assert_str_eq(reasons(&index, 3, buf, sizeof(buf)), "placement_stop/S3 stop");
	risk_index_release(&index);
}
END_TEST

/* Both halves of risk_parts_apart() (qa 017) may name a subject, the same
 * row twice: one subject, its provider's stop and its own facts once, the
 * override from whichever row carries it. A setting under two providers
 * still has the stops of both. */
START_TEST(the_same_subject_row_twice_is_one_subject_with_each_reason_once)
{
	struct risk_part parts[] = {
		subject("setting", S1, P1),
		fact("provider", P1, NULL, "placement_stop", "red", "P1 stop", R2),
		fact("setting", P1, S1, "inspection_amber", "amber", "S1 inspected", R1),
		subject("provider", P1, P1),
		subject("setting", S1, P1),
		subject("provider", P1, P1),
		subject("setting", S2, P1),
		subject("setting", S2, P2),
		subject("setting", S2, P1),
		fact("provider", P2, NULL, "placement_stop", "red", "P2 stop", R1),
	};
	struct risk_index index;
	char buf[512];

	parts[5].override_id = R1;
	parts[5].override_rag = "green";
	ck_assert_int_eq(risk_index_build(&index, parts, 10), 0);
	ck_assert_int_eq(index.n_subjects, 3);
	ck_assert_str_eq(id_of(&index, 0), P1);
	ck_assert_str_eq(reasons(&index, 0, buf, sizeof(buf)),
			 "placement_stop/P1 stop inspection_amber/S1 inspected");
	ck_assert_int_eq(index.subjects[0].override_row, 5);
	ck_assert_int_eq(index.subjects[0].rank, RISK_GREEN);
	ck_assert_str_eq(reasons(&index, 1, buf, sizeof(buf)),
			 "placement_stop/P1 stop inspection_amber/S1 inspected");
	ck_assert_int_eq(index.subjects[1].override_row, -1);
	ck_assert_str_eq(reasons(&index, 2, buf, sizeof(buf)),
			 "placement_stop/P2 stop placement_stop/P1 stop");
	risk_index_release(&index);
}
END_TEST

START_TEST(reasons_red_first_then_rule_record_none_last_and_detail)
{
	struct risk_part parts[] = {
		subject("setting", S1, P1),
		fact("setting", P1, S1, "reg44_missing", "amber", "2024-04", NULL),
		fact("setting", P1, S1, "reg44_missing", "amber", "2024-03", NULL),
		fact("setting", P1, S1, "moderate_concern_open", "amber", "b", R2),
		fact("setting", P1, S1, "moderate_concern_open", "amber", "a", NULL),
		fact("setting", P1, S1, "moderate_concern_open", "amber", "c", R1),
		fact("setting", P1, S1, "significant_concern_open", "red", "d", R1),
		fact("setting", P1, S1, "allegation_open", "red", "e", R2),
	};
	struct risk_index index;
	char buf[512];

	ck_assert_int_eq(risk_index_build(&index, parts, 8), 0);
	ck_assert_str_eq(reasons(&index, 0, buf, sizeof(buf)),
			 "allegation_open/e significant_concern_open/d moderate_concern_open/c "
			 "moderate_concern_open/b moderate_concern_open/a reg44_missing/2024-03 "
			 "reg44_missing/2024-04");
	risk_index_release(&index);
}
END_TEST

START_TEST(the_worst_reason_ranks_and_an_override_decides)
{
	struct risk_part parts[] = {
		subject("setting", S1, P1),
		subject("setting", S2, P1),
		subject("provider", P1, P1),
		fact("setting", P1, S1, "inspection_amber", "amber", "x", R1),
	};
	struct risk_index index;

	parts[1].override_id = R2;
	parts[1].override_rag = "red";
	parts[2].override_id = R1;
	parts[2].override_rag = "green";
	ck_assert_int_eq(risk_index_build(&index, parts, 4), 0);
	ck_assert_int_eq(index.subjects[0].computed, RISK_AMBER); /* P1 */
	ck_assert_int_eq(index.subjects[0].rank, RISK_GREEN);
	ck_assert_int_eq(index.subjects[0].override_row, 2);
	ck_assert_int_eq(index.subjects[1].computed, RISK_AMBER); /* S1 */
	ck_assert_int_eq(index.subjects[1].rank, RISK_AMBER);
	ck_assert_int_eq(index.subjects[2].computed, RISK_GREEN); /* S2 */
	ck_assert_int_eq(index.subjects[2].rank, RISK_RED);
	ck_assert_str_eq(risk_rank_name(index.subjects[2].rank), "red");
	risk_index_release(&index);
}
END_TEST

START_TEST(an_empty_answer_has_no_subjects)
{
	struct risk_part parts[] = { { 0 } };
	struct risk_index index;

	ck_assert_int_eq(risk_index_build(&index, parts, 1), 0);
	ck_assert_int_eq(index.n_subjects, 0);
	risk_index_release(&index);
	ck_assert_int_eq(risk_index_build(&index, parts, 0), 0);
	ck_assert_int_eq(index.n_subjects, 0);
	risk_index_release(&index);
}
END_TEST

START_TEST(rows_that_are_not_parts_are_refused)
{
	struct risk_part bad[][2] = {
		{ subject("council", S1, P1), subject("setting", S2, P1) },
		{ subject("setting", "not-a-uuid", P1), subject("setting", S2, P1) },
		{ subject("setting", "00000000-0000-4000-8000-00000000B001", P1),
		  subject("setting", S2, P1) },
		{ subject("setting", S1, NULL), subject("setting", S2, P1) },
		{ subject("setting", S1 "0", P1), subject("setting", S2, P1) },
		{ fact("setting", P1, S1, NULL, "red", "x", NULL), subject("setting", S2, P1) },
		{ fact("setting", "x", S1, "allegation_open", "red", "x", NULL),
		  subject("setting", S2, P1) },
		{ { 0 }, subject("setting", S2, P1) },
	};
	struct risk_index index;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(risk_index_build(&index, bad[i], 2) == -1, "case %zu accepted", i);
		ck_assert_int_eq(index.n_subjects, 0);
		risk_index_release(&index);
	}
}
END_TEST

static Suite *risk_parts_suite(void)
{
	Suite *s = suite_create("risk_parts");
	TCase *t = tcase_create("core");

	tcase_add_test(t, subjects_come_by_type_then_id_and_a_setting_under_two_providers_is_one);
	tcase_add_test(t, each_subject_has_exactly_its_reasons);
	tcase_add_test(t, the_same_subject_row_twice_is_one_subject_with_each_reason_once);
	tcase_add_test(t, reasons_red_first_then_rule_record_none_last_and_detail);
	tcase_add_test(t, the_worst_reason_ranks_and_an_override_decides);
	tcase_add_test(t, an_empty_answer_has_no_subjects);
	tcase_add_test(t, rows_that_are_not_parts_are_refused);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(risk_parts_suite());
	int failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Unit tests for batch_slots.c: the per-tenant and per-process caps. */
#include <check.h>
#include <stdlib.h>

#include "batch_slots_internal.h"

static const char *const A = "00000000-0000-4000-8000-00000000000a";
static const char *const B = "00000000-0000-4000-8000-00000000000b";
static const char *const C = "00000000-0000-4000-8000-00000000000c";

START_TEST(tenant_cap_then_process_cap)
{
	struct hearth_batch_slots *s = hearth_batch_slots_new(2, 3);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(hearth_batch_slot_claim(s, A), HEARTH_SLOT_OK);
	ck_assert_int_eq(hearth_batch_slot_claim(s, A), HEARTH_SLOT_OK);
	ck_assert_int_eq(hearth_batch_slot_claim(s, A), HEARTH_SLOT_TENANT_BUSY);
	ck_assert_int_eq(hearth_batch_slot_claim(s, B), HEARTH_SLOT_OK);
	ck_assert_int_eq(hearth_batch_slot_claim(s, C), HEARTH_SLOT_PROCESS_BUSY);
	/* A tenant at its own cap is told so even when the process is full. */
	ck_assert_int_eq(hearth_batch_slot_claim(s, A), HEARTH_SLOT_TENANT_BUSY);
	hearth_batch_slot_release(s, A);
	ck_assert_int_eq(hearth_batch_slot_claim(s, C), HEARTH_SLOT_OK);
	ck_assert_int_eq(hearth_batch_slot_claim(s, A), HEARTH_SLOT_PROCESS_BUSY);
	hearth_batch_slot_release(s, B);
	hearth_batch_slot_release(s, C);
	hearth_batch_slot_release(s, A);
	/* Everything given back: each tenant has its full cap again. */
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(hearth_batch_slot_claim(s, C), HEARTH_SLOT_OK);
	ck_assert_int_eq(hearth_batch_slot_claim(s, B), HEARTH_SLOT_OK);
	hearth_batch_slots_free(s);
}
END_TEST

START_TEST(release_of_unknown_tenant_is_ignored)
{
	struct hearth_batch_slots *s = hearth_batch_slots_new(1, 1);

	hearth_batch_slot_release(s, A);
	ck_assert_int_eq(hearth_batch_slot_claim(s, A), HEARTH_SLOT_OK);
	ck_assert_int_eq(hearth_batch_slot_claim(s, B), HEARTH_SLOT_PROCESS_BUSY);
	hearth_batch_slot_release(s, B);
	ck_assert_int_eq(hearth_batch_slot_claim(s, B), HEARTH_SLOT_PROCESS_BUSY);
	hearth_batch_slots_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("batch_slots");
	TCase *tc = tcase_create("caps");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, tenant_cap_then_process_cap);
	tcase_add_test(tc, release_of_unknown_tenant_is_ignored);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * risk_parts.h - the subjects of a risk answer and their reasons, from the
 * rows of risk_parts() (qa 016): a row per subject and a row per fact, in
 * no order. No libpq here: the caller hands over each row's text values.
 *
 * A subject's reasons (as risk_parts() states them):
 *   setting  - its own facts and endings (scope "setting" or
 *              "setting_endings" with its id as setting_id), and the stops
 *              against its whole provider (scope "provider", rule
 *              "placement_stop", its provider as provider_id);
 *   provider - every fact with its id as provider_id, except its settings'
 *              endings (scope "setting_endings").
 * computed rank: the worst reason's (red, else amber, else green with
 * none); rank: the override's rag when the subject has one.
 * Subjects come in (type, id) order, type and ids compared as risk_rows()
 * orders them; rows naming the same subject twice (a setting recorded under
 * two providers, or the same row from both halves of risk_parts_apart(),
 * qa 017) are one subject, with the stops of each of its providers once and
 * the override of the first row carrying one.
 * Reasons come red first, then by rule, then by source_id (none last),
 * then by detail, bytewise.
 *
 * Ownership: the index points into the caller's parts, which must outlive
 * it; everything else it allocates it frees in risk_index_release().
 */
#ifndef HEARTH_QA_RISK_PARTS_H
#define HEARTH_QA_RISK_PARTS_H

#include <stddef.h>

/* One row of risk_parts(), its values as text; NULL where SQL NULL. A
 * subject row has subject_type and subject_id (and the override_ columns
 * when it carries one); a fact row has scope, provider_id, rule and rag.
 * The index reads the first eleven; the rest ride along for the document. */
struct risk_part {
	const char *subject_type, *subject_id, *provider_id;
	const char *scope, *setting_id, *rule, *rag, *detail, *source_id;
	const char *override_id, *override_rag;
	const char *source_type, *override_reason, *override_expires_on, *override_by,
		*override_at;
};

enum risk_rank { RISK_RED, RISK_AMBER, RISK_GREEN };

/* The rank's word: "red", "amber" or "green". */
const char *risk_rank_name(enum risk_rank rank);

struct risk_subject {
	int row;          /* its subject row in parts (the first naming it) */
	int override_row; /* the subject row carrying its override, or -1 */
	enum risk_rank rank, computed;
};

struct risk_index {
	const struct risk_part *parts;
	struct risk_subject *subjects; /* in (type, id) order */
	int n_subjects;
	/* private */
	struct risk_key_row *subject_keys, *by_setting, *by_provider;
	int n_subject_keys, n_by_setting, n_by_provider;
	int *group_first; /* subject k's keys: [group_first[k], group_first[k + 1]) */
	int *reasons;     /* scratch: one subject's reasons as they are gathered */
	int *reason_rows; /* every subject's reasons in order, subject after subject */
	int *reason_first; /* subject k's: [reason_first[k], reason_first[k + 1]) */
	size_t reason_cap;
};

/* Index parts[0, n) and rank every subject. 0, or -1 when out of memory or
 * a row is neither a subject nor a fact, or names an id that is not a
 * canonical uuid (the index is then empty; release it all the same). A
 * row with every column NULL (the answer when there is nothing) is skipped. */
int risk_index_build(struct risk_index *index, const struct risk_part *parts, int n)
	__attribute__((warn_unused_result));

/* The reasons of subject k (0 <= k < n_subjects), in order, as rows of
 * parts: *rows points into the index, valid until it is released. Returns
 * their count. */
int risk_index_reasons(const struct risk_index *index, int k, const int **rows);

void risk_index_release(struct risk_index *index);

#endif

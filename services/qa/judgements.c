/*
 * judgements.c - the regulators' vocabularies and the check of an inspection's
 * judgements against them (judgements.h).
 */
#include <stdio.h>
#include <string.h>

#include "judgements.h"

static const char *const ofsted_grades[] = {
	"outstanding", "good", "requires_improvement", "inadequate", NULL,
};
static const char *const ofsted_interim_outcomes[] = {
	"improved_effectiveness", "sustained_effectiveness", "declined_in_effectiveness", NULL,
};
static const char *const ofsted_sa_outcomes[] = { "outcome_1", "outcome_2", "outcome_3", NULL };
static const char *const ciw_ratings[] = {
	"excellent", "good", "requires_improvement", "requires_significant_improvement",
	"not_rated", NULL,
};
static const char *const cqc_ratings[] = {
	"outstanding", "good", "requires_improvement", "inadequate", NULL,
};

static const struct qa_judgement_field ofsted_full_fields[] = {
	{ "overall_experiences_and_progress", ofsted_grades },
	{ "help_and_protection", ofsted_grades },
	{ "leadership_and_management", ofsted_grades },
	{ NULL, NULL },
};
static const struct qa_judgement_field ofsted_interim_fields[] = {
	{ "interim_outcome", ofsted_interim_outcomes },
	{ NULL, NULL },
};
static const struct qa_judgement_field ofsted_sa_fields[] = {
	{ "outcome", ofsted_sa_outcomes },
	{ NULL, NULL },
};
static const struct qa_judgement_field ciw_fields[] = {
	{ "wellbeing", ciw_ratings },
	{ "care_and_support", ciw_ratings },
	{ "environment", ciw_ratings },
	{ "leadership_and_management", ciw_ratings },
	{ NULL, NULL },
};
static const struct qa_judgement_field cqc_fields[] = {
	{ "overall", cqc_ratings },
	{ "safe", cqc_ratings },
	{ "effective", cqc_ratings },
	{ "caring", cqc_ratings },
	{ "responsive", cqc_ratings },
	{ "well_led", cqc_ratings },
	{ NULL, NULL },
};

static const struct qa_vocabulary ofsted_full = { "an Ofsted full inspection", ofsted_full_fields };
static const struct qa_vocabulary ofsted_interim = { "an Ofsted interim inspection",
						     ofsted_interim_fields };
static const struct qa_vocabulary ofsted_sa = {
	"an Ofsted inspection of supported accommodation", ofsted_sa_fields,
};
static const struct qa_vocabulary ciw = { "a CIW inspection", ciw_fields };
static const struct qa_vocabulary cqc = { "a CQC inspection", cqc_fields };

static int is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Ofsted judges these in the three headline judgements (full) or one interim
 * outcome (interim). */
static int ofsted_graded_type(const char *setting_type)
{
	return is(setting_type, "childrens_home") || is(setting_type, "fostering_service") ||
	       is(setting_type, "residential_school") || is(setting_type, "secure_childrens_home");
}

const struct qa_vocabulary *qa_vocabulary_for(const char *regulator, const char *setting_type,
					      const char *inspection_type)
{
	/* Full and focused inspections are the judged ones; monitoring, assurance
	 * and registration visits give no judgement. */
	int judged = is(inspection_type, "full") || is(inspection_type, "focused");

	if (is(regulator, "ofsted")) {
		if (is(setting_type, "supported_accommodation"))
			return is(inspection_type, "full") ? &ofsted_sa : NULL;
		if (!ofsted_graded_type(setting_type))
			return NULL;
		if (is(inspection_type, "interim"))
			return &ofsted_interim;
		return is(inspection_type, "full") ? &ofsted_full : NULL;
	}
	if (is(regulator, "ciw"))
		return judged ? &ciw : NULL;
	if (is(regulator, "cqc"))
		return judged ? &cqc : NULL;
	return NULL;
}

static const struct qa_judgement_field *field_of(const struct qa_vocabulary *v, const char *name)
{
	for (const struct qa_judgement_field *f = v ? v->fields : NULL; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static int value_of(const struct qa_judgement_field *f, const char *value)
{
	for (const char *const *w = f->values; *w; w++)
		if (strcmp(*w, value) == 0)
			return 1;
	return 0;
}

/* "must be one of: a, b, c" into msg. */
static void allowed_values(const struct qa_judgement_field *f, char *msg, size_t len)
{
	size_t used = (size_t)snprintf(msg, len, "must be one of");

	for (const char *const *w = f->values; *w && used < len; w++) {
		int n = snprintf(msg + used, len - used, "%s%s", w == f->values ? ": " : ", ", *w);
		used += n > 0 ? (size_t)n : 0;
	}
}

int qa_judgements_check(const json_t *judgements, const struct qa_vocabulary *v,
			const char *regulator, const char *setting_type, const char *inspection_type,
			struct hearth_problem *p)
{
	const char *name;
	json_t *value;
	char field[160], msg[256];
	int rc = 0;

	json_object_foreach((json_t *)judgements, name, value) {
		const struct qa_judgement_field *f = field_of(v, name);

		snprintf(field, sizeof(field), "judgements.%s", name);
		if (!f) {
			if (v)
				hearth_problem_field(p, field, "is not a judgement of %s", v->label);
			else
				hearth_problem_field(p, field, "a %s %s inspection of a %s setting carries "
						     "no judgements", regulator ? regulator : "-",
						     inspection_type ? inspection_type : "-",
						     setting_type ? setting_type : "-");
			rc = -1;
		} else if (!json_is_string(value) || !value_of(f, json_string_value(value))) {
			allowed_values(f, msg, sizeof(msg));
			hearth_problem_field(p, field, "%s", msg);
			rc = -1;
		}
	}
	return rc;
}

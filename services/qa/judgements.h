/*
 * judgements.h - the judgement vocabularies of the regulators (API.md §5):
 * which fields an inspection's `judgements` may carry, and which words each
 * field takes, by regulator, setting type and inspection type.
 *
 * Pure functions over static tables: no allocation, no database. The risk band
 * itself is derived in the database (qa.inspection_risk_band, migration 001),
 * so a stored inspection can never disagree with it.
 */
#ifndef HEARTH_QA_JUDGEMENTS_H
#define HEARTH_QA_JUDGEMENTS_H

#include <jansson.h>
#include "hearth/problem.h"

struct qa_judgement_field {
	const char *name;               /* NULL ends a table */
	const char *const *values;      /* NULL-terminated */
};

struct qa_vocabulary {
	const char *label;              /* "an Ofsted full inspection", for messages */
	const struct qa_judgement_field *fields;
};

/* The vocabulary an inspection of this regulator, setting type and inspection
 * type is judged in, or NULL when such an inspection carries no judgement (an
 * Ofsted monitoring visit, a CIS- or unregulated setting, ...). Never fails. */
const struct qa_vocabulary *qa_vocabulary_for(const char *regulator, const char *setting_type,
					      const char *inspection_type);

/* Check `judgements` (a JSON object) against `v` (NULL: must be empty). Every
 * offending member is a field error "judgements.<name>" on p. Returns 0 when
 * valid, -1 otherwise. */
int qa_judgements_check(const json_t *judgements, const struct qa_vocabulary *v,
			const char *regulator, const char *setting_type, const char *inspection_type,
			struct hearth_problem *p);

#endif

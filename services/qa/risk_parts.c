/*
 * risk_parts.c - the subjects of a risk answer and their reasons (contract
 * in risk_parts.h).
 *
 * For a whole tenant that is 12,000 subjects and 8,400 facts. Each id is
 * read once into a 128-bit key (the uuid's bytes, so keys order as the
 * uuids and their canonical text do); the subjects are sorted by (type,
 * key), the facts twice, by setting and by provider, and a subject's
 * reasons are found by binary search. Comparing the ids' text instead
 * (bench ids share their first 30 characters) was most of the time.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "risk_parts.h"

struct risk_key {
	uint64_t hi, lo;
};

/* A row under a key: a subject's (type, id), or a fact's setting or
 * provider. */
struct risk_key_row {
	struct risk_key key;
	struct risk_key provider; /* subjects: the setting's provider */
	int type;                 /* subjects: 0 provider, 1 setting (their text order) */
	int row;
	unsigned char fact;       /* facts: FACT_* bits */
};

enum { FACT_PROVIDER_STOP = 1, FACT_SETTING_ENDINGS = 2 };

static const char *const rank_names[] = { "red", "amber", "green" };

const char *risk_rank_name(enum risk_rank rank)
{
	return rank_names[rank];
}

/* A lowercase hex digit's value, or -1 (canonical uuids are lowercase). */
static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* `digits` hex digits of text into *acc; -1 if any is not one. */
static int hex_group(const char *text, int digits, uint64_t *acc)
{
	for (int i = 0; i < digits; i++) {
		int d = hex_digit((unsigned char)text[i]);

		if (d < 0)
			return -1;
		*acc = *acc << 4 | (uint64_t)d;
	}
	return 0;
}

/* The key of a canonical (lowercase, 8-4-4-4-12) uuid text; -1 if not one. */
static int key_parse(const char *text, struct risk_key *key)
{
	uint64_t hi = 0, lo = 0;

	if (!text || strlen(text) != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
	    text[23] != '-')
		return -1;
	if (hex_group(text, 8, &hi) || hex_group(text + 9, 4, &hi) || hex_group(text + 14, 4, &hi) ||
	    hex_group(text + 19, 4, &lo) || hex_group(text + 24, 12, &lo))
		return -1;
	key->hi = hi;
	key->lo = lo;
	return 0;
}

static int key_compare(const struct risk_key *a, const struct risk_key *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

/* By (type, key), then row: a stable, total order. */
static int key_row_compare(const void *pa, const void *pb)
{
	const struct risk_key_row *a = pa, *b = pb;
	int c = (a->type > b->type) - (a->type < b->type);

	if (!c)
		c = key_compare(&a->key, &b->key);
	return c ? c : (a->row > b->row) - (a->row < b->row);
}

static int is(const char *value, const char *word)
{
	return value && strcmp(value, word) == 0;
}

/* NULLs last, as PostgreSQL sorts them ascending. */
static int text_compare(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* Reasons, as rows of `parts`, in their order. */
static int reason_compare(const void *pa, const void *pb, void *parts)
{
	const struct risk_part *a = (const struct risk_part *)parts + *(const int *)pa;
	const struct risk_part *b = (const struct risk_part *)parts + *(const int *)pb;
	int c = is(a->rag, "amber") - is(b->rag, "amber");

	if (!c)
		c = text_compare(a->rule, b->rule);
	if (!c)
		c = text_compare(a->source_id, b->source_id);
	if (!c)
		c = text_compare(a->detail, b->detail);
	return c ? c : (*(const int *)pa > *(const int *)pb) - (*(const int *)pa < *(const int *)pb);
}

/* The first of keys[0, n) not below (type, key). */
static int lower_bound(const struct risk_key_row *keys, int n, int type, const struct risk_key *key)
{
	int low = 0, high = n;

	while (low < high) {
		int mid = low + (high - low) / 2;
		int c = keys[mid].type != type ? (keys[mid].type < type ? -1 : 1) :
						 key_compare(&keys[mid].key, key);

		if (c < 0)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/* Append to index->reasons, from count on, the rows of keys[0, n) under
 * `key` whose FACT_* bits, masked by `mask`, equal `want`. Returns the new
 * count. */
static int gather(struct risk_index *index, const struct risk_key_row *keys, int n,
		  const struct risk_key *key, unsigned mask, unsigned want, int count)
{
	for (int i = lower_bound(keys, n, 0, key); i < n && key_compare(&keys[i].key, key) == 0;
	     i++)
		if ((keys[i].fact & mask) == want)
			index->reasons[count++] = keys[i].row;
	return count;
}

/* Whether a subject row before member m names m's provider: the same
 * subject row twice (both halves of risk_parts_apart() name it) is one
 * subject with its provider's stops once. Members are few. */
static int provider_seen(const struct risk_key_row *members, int m)
{
	for (int i = 0; i < m; i++)
		if (key_compare(&members[i].provider, &members[m].provider) == 0)
			return 1;
	return 0;
}

/* Subject k's reasons into the scratch index->reasons, unordered; returns
 * the count. */
static int reasons_gather(struct risk_index *index, int k)
{
	const struct risk_key_row *first = &index->subject_keys[index->group_first[k]];
	int members = index->group_first[k + 1] - index->group_first[k], count;

	if (first->type == 0)
		return gather(index, index->by_provider, index->n_by_provider, &first->key,
			      FACT_SETTING_ENDINGS, 0, 0);
	count = gather(index, index->by_setting, index->n_by_setting, &first->key, 0, 0, 0);
	for (int m = 0; m < members; m++)
		if (!provider_seen(first, m))
			count = gather(index, index->by_provider, index->n_by_provider,
				       &first[m].provider, FACT_PROVIDER_STOP, FACT_PROVIDER_STOP,
				       count);
	return count;
}

static enum risk_rank rank_of(const char *rag)
{
	if (is(rag, "red"))
		return RISK_RED;
	return is(rag, "amber") ? RISK_AMBER : RISK_GREEN;
}

/* Subject k: its rows, override, reasons (gathered into the scratch, put in
 * order and kept after those of subject k - 1) and ranks. 0, or -1 when out
 * of memory. */
static int subject_build(struct risk_index *index, int k)
{
	struct risk_subject *s = &index->subjects[k];
	int n = reasons_gather(index, k), first = index->reason_first[k];
	const int *reasons;

	if ((size_t)first + (size_t)n > index->reason_cap) {
		size_t cap = index->reason_cap * 2 > (size_t)first + (size_t)n ?
				     index->reason_cap * 2 :
				     (size_t)first + (size_t)n;
		int *grown = realloc(index->reason_rows, cap * sizeof(int));

		if (!grown)
			return -1;
		index->reason_rows = grown;
		index->reason_cap = cap;
	}
	qsort_r(index->reasons, (size_t)n, sizeof(int), reason_compare, (void *)index->parts);
	memcpy(index->reason_rows + first, index->reasons, (size_t)n * sizeof(int));
	index->reason_first[k + 1] = first + n;
	reasons = index->reason_rows + first;

	s->row = index->subject_keys[index->group_first[k]].row;
	s->override_row = -1;
	for (int m = index->group_first[k]; m < index->group_first[k + 1]; m++)
		if (index->parts[index->subject_keys[m].row].override_id) {
			s->override_row = index->subject_keys[m].row;
			break;
		}
	/* In order, the first reason is the worst. */
	s->computed = n ? rank_of(index->parts[reasons[0]].rag) : RISK_GREEN;
	s->rank = s->override_row < 0 ? s->computed :
					rank_of(index->parts[s->override_row].override_rag);
	return 0;
}

/* Sort the rows into keys: subjects by (type, id), facts by setting (those
 * of a setting's own scope) and by provider (all). 0, or -1 on a row that
 * is neither or an id that is not a uuid. */
static int keys_fill(struct risk_index *index, int n)
{
	for (int row = 0; row < n; row++) {
		const struct risk_part *p = &index->parts[row];
		struct risk_key_row *k;

		if (p->subject_type || p->subject_id) {
			k = &index->subject_keys[index->n_subject_keys++];
			k->type = is(p->subject_type, "setting");
			k->row = row;
			if ((!k->type && !is(p->subject_type, "provider")) ||
			    key_parse(p->subject_id, &k->key) != 0 ||
			    (k->type && key_parse(p->provider_id, &k->provider) != 0))
				return -1;
			continue;
		}
		if (!p->scope && !p->provider_id && !p->rule && !p->rag && n == 1)
			continue; /* nothing at all */
		if (!p->scope || !p->rule || !p->rag)
			return -1;
		k = &index->by_provider[index->n_by_provider++];
		k->type = 0;
		k->row = row;
		k->fact = (unsigned char)((is(p->scope, "provider") && is(p->rule, "placement_stop") ?
						   FACT_PROVIDER_STOP : 0) |
					  (is(p->scope, "setting_endings") ? FACT_SETTING_ENDINGS : 0));
		if (key_parse(p->provider_id, &k->key) != 0)
			return -1;
		if (p->setting_id && (is(p->scope, "setting") || is(p->scope, "setting_endings"))) {
			index->by_setting[index->n_by_setting] = *k;
			k = &index->by_setting[index->n_by_setting++];
			if (key_parse(p->setting_id, &k->key) != 0)
				return -1;
		}
	}
	qsort(index->subject_keys, (size_t)index->n_subject_keys, sizeof(struct risk_key_row),
	      key_row_compare);
	qsort(index->by_setting, (size_t)index->n_by_setting, sizeof(struct risk_key_row),
	      key_row_compare);
	qsort(index->by_provider, (size_t)index->n_by_provider, sizeof(struct risk_key_row),
	      key_row_compare);
	return 0;
}

int risk_index_build(struct risk_index *index, const struct risk_part *parts, int n)
{
	size_t rows = (size_t)(n > 0 ? n : 0) + 1;

	memset(index, 0, sizeof(*index));
	index->parts = parts;
	index->subject_keys = malloc(rows * sizeof(struct risk_key_row));
	index->by_setting = malloc(rows * sizeof(struct risk_key_row));
	index->by_provider = malloc(rows * sizeof(struct risk_key_row));
	index->group_first = malloc((rows + 1) * sizeof(int));
	index->subjects = malloc(rows * sizeof(struct risk_subject));
	index->reasons = malloc(rows * sizeof(int));
	index->reason_first = malloc((rows + 1) * sizeof(int));
	/* Grown as needed: a setting of a provider with stops may share them. */
	index->reason_cap = rows;
	index->reason_rows = malloc(rows * sizeof(int));
	if (!index->subject_keys || !index->by_setting || !index->by_provider ||
	    !index->group_first || !index->subjects || !index->reasons || !index->reason_first ||
	    !index->reason_rows ||
	    keys_fill(index, n) != 0)
		goto fail;
	for (int i = 0; i < index->n_subject_keys; i++)
		if (i == 0 || index->subject_keys[i].type != index->subject_keys[i - 1].type ||
		    key_compare(&index->subject_keys[i].key, &index->subject_keys[i - 1].key) != 0)
			index->group_first[index->n_subjects++] = i;
	index->group_first[index->n_subjects] = index->n_subject_keys;
	index->reason_first[0] = 0;
	for (int k = 0; k < index->n_subjects; k++)
		if (subject_build(index, k) != 0)
			goto fail;
	return 0;
fail:
	risk_index_release(index);
	return -1;
}

int risk_index_reasons(const struct risk_index *index, int k, const int **rows)
{
	*rows = index->reason_rows + index->reason_first[k];
	return index->reason_first[k + 1] - index->reason_first[k];
}

void risk_index_release(struct risk_index *index)
{
	free(index->subject_keys);
	free(index->by_setting);
	free(index->by_provider);
	free(index->group_first);
	free(index->subjects);
	free(index->reasons);
	free(index->reason_rows);
	free(index->reason_first);
	memset(index, 0, sizeof(*index));
}

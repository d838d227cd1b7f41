/*
 * idempotency.c - Idempotency-Key claims and replays (hearth/idempotency.h).
 *
 * The claim is an INSERT ... ON CONFLICT DO NOTHING inside the request's
 * transaction: a concurrent request with the same key blocks on the uncommitted
 * row, then finds the committed one and replays it (or inserts, if the first
 * rolled back). Rows older than 24 hours count as absent: the claim deletes an
 * expired row for its key first, in the same round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hearth/idempotency.h"
#include "hearth/log.h"

static const char expire_sql[] =
	"DELETE FROM idempotency_keys WHERE tenant_id = $1::uuid AND org_id = $2::uuid "
	"AND key = $3 AND created_at < now() - interval '24 hours'";
static const char claim_sql[] =
	"INSERT INTO idempotency_keys (tenant_id, org_id, key, method, path, request_hash) "
	"VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6) "
	"ON CONFLICT (tenant_id, org_id, key) DO NOTHING RETURNING 1";
static const char seen_sql[] =
	"SELECT method, path, request_hash, status, location, body FROM idempotency_keys "
	"WHERE tenant_id = $1::uuid AND org_id = $2::uuid AND key = $3";
enum seen_column { SEEN_METHOD, SEEN_PATH, SEEN_HASH, SEEN_STATUS, SEEN_LOCATION, SEEN_BODY };
static const char store_sql[] =
	"UPDATE idempotency_keys SET status = $4::int, location = $5, body = $6 "
	"WHERE tenant_id = $1::uuid AND org_id = $2::uuid AND key = $3";

void hearth_idem_replay_release(struct hearth_idem_replay *r)
{
	if (!r)
		return;
	free(r->location);
	free(r->body);
	r->location = NULL;
	r->body = NULL;
	r->status = 0;
}

int hearth_idem_key_valid(const char *key)
{
	size_t n = 0;

	if (!key)
		return 0;
	for (; key[n]; n++)
		if ((unsigned char)key[n] < 0x20 || (unsigned char)key[n] > 0x7e || n >= 255)
			return 0;
	return n >= 1;
}

int hearth_idem_key_check(const char *key, struct hearth_problem *p)
{
	if (!key || hearth_idem_key_valid(key))
		return 0;
	hearth_problem_field(p, "Idempotency-Key", "must be 1 to 255 printable characters");
	return -1;
}

/* SHA-256 over method, path and body, NUL-separated so that no two different
 * requests concatenate to the same bytes. 0, or -1 if OpenSSL fails. */
static int request_hash(const char *method, const char *path, const void *body, size_t body_len,
			char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;

	if (!ctx)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, method, strlen(method) + 1) != 1 ||
	    EVP_DigestUpdate(ctx, path, strlen(path) + 1) != 1 ||
	    (body_len > 0 && EVP_DigestUpdate(ctx, body, body_len) != 1) ||
	    EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32)
		goto out;
	for (unsigned int i = 0; i < md_len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[64] = '\0';
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

static enum hearth_idem_outcome compare_seen(PGresult *res, const char *method, const char *path,
					     const char *hash, struct hearth_idem_replay *replay,
					     struct hearth_problem *p)
{
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, SEEN_STATUS)) {
		/* Gone (expired and deleted meanwhile) or committed without a stored
		 * response: the caller may simply retry. */
		hearth_problem_set(p, 409, "conflict",
				   "A request with this Idempotency-Key is being processed; retry it.");
		return HEARTH_IDEM_ERROR;
	}
	if (strcmp(PQgetvalue(res, 0, SEEN_METHOD), method) != 0 || strcmp(PQgetvalue(res, 0, SEEN_PATH), path) != 0 ||
	    strcmp(PQgetvalue(res, 0, SEEN_HASH), hash) != 0) {
		hearth_problem_set(p, 422, "idempotency-key-reused",
				   "This Idempotency-Key was used for a different request.");
		hearth_problem_add_error(p, "Idempotency-Key",
					 "already used with another method, path or body");
		return HEARTH_IDEM_MISMATCH;
	}
	replay->status = (int)strtol(PQgetvalue(res, 0, SEEN_STATUS), NULL, 10);
	replay->location = PQgetisnull(res, 0, SEEN_LOCATION) ? NULL : strdup(PQgetvalue(res, 0, SEEN_LOCATION));
	replay->body = strdup(PQgetisnull(res, 0, SEEN_BODY) ? "" : PQgetvalue(res, 0, SEEN_BODY));
	if (!replay->body || (!PQgetisnull(res, 0, SEEN_LOCATION) && !replay->location)) {
		hearth_idem_replay_release(replay);
		hearth_problem_set(p, 500, "internal", "Internal error.");
		return HEARTH_IDEM_ERROR;
	}
	return HEARTH_IDEM_REPLAY;
}

enum hearth_idem_outcome hearth_idem_claim(struct hearth_tx *tx, const char *key,
					   const char *method, const char *path,
					   const void *body, size_t body_len,
					   struct hearth_idem_replay *replay,
					   struct hearth_problem *p)
{
	const struct hearth_db_actor *a = hearth_tx_actor(tx);
	enum hearth_idem_outcome outcome = HEARTH_IDEM_ERROR;
	PGresult *res = NULL;
	char hash[65];
	const char *params[6];

	memset(replay, 0, sizeof(*replay));
	if (request_hash(method, path, body, body_len, hash) != 0) {
		hearth_log(HEARTH_LOG_ERROR, "idempotency: SHA-256 failed");
		hearth_problem_set(p, 500, "internal", "Internal error.");
		goto out;
	}
	params[0] = a->tenant_id;
	params[1] = a->org_id;
	params[2] = key;
	params[3] = method;
	params[4] = path;
	params[5] = hash;
	if (hearth_tx_queue_sql(tx, expire_sql, 3, params, p) != 0)
		goto out;
	res = hearth_tx_query_sql(tx, claim_sql, 6, params, p);
	if (!res)
		goto out;
	if (PQntuples(res) == 1) {
		outcome = HEARTH_IDEM_NEW;
		goto out;
	}
	PQclear(res);
	res = hearth_tx_query_sql(tx, seen_sql, 3, params, p);
	if (!res)
		goto out;
	outcome = compare_seen(res, method, path, hash, replay, p);
out:
	PQclear(res);
	return outcome;
}

int hearth_idem_store(struct hearth_tx *tx, const char *key, int status,
		      const char *location, const char *body_json, struct hearth_problem *p)
{
	const struct hearth_db_actor *a = hearth_tx_actor(tx);
	char status_text[16];
	const char *params[6];

	snprintf(status_text, sizeof(status_text), "%d", status);
	params[0] = a->tenant_id;
	params[1] = a->org_id;
	params[2] = key;
	params[3] = status_text;
	params[4] = location;
	params[5] = body_json;
	/* Rides with the COMMIT: storing the response costs no round trip. */
	return hearth_tx_queue_sql(tx, store_sql, 6, params, p);
}

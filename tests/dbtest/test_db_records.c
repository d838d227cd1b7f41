/*
 * test_db_records.c - what a request transaction writes and sees: its row-level-security context, audit rows, outbox events and idempotency records, against a real PostgreSQL (see support_db.h; run by
 * tests/dbtest/test_db.sh).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/audit.h"
#include "hearth/db.h"
#include "hearth/idempotency.h"
#include "hearth/outbox.h"
#include "admin.h"
#include "support_db.h"

/* The request context names an organisation; only an active organisation of
 * the request's tenant opens a transaction, checked in the same round trip. */
START_TEST(context_refuses_an_organisation_that_is_absent_foreign_or_closed)
{
	static const struct hearth_db_actor strangers[] = {
		{ TENANT_A, "dddddddd-dddd-4ddd-8ddd-dddddddddddd", "u", "commissioner", "r" },
		{ TENANT_A, ORG_B, "u", "commissioner", "r" },             /* another tenant's */
		{ TENANT_A, ORG_CLOSED_A, "u", "commissioner", "r" },      /* closed */
	};
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	PGresult *r;

	for (size_t i = 0; i < sizeof(strangers) / sizeof(strangers[0]); i++) {
		hearth_problem_clear(&p);
		r = hearth_db_read_statement(pool, &strangers[i], "probe_count", 0, NULL, &p);
		ck_assert_msg(r == NULL, "actor %zu was served", i);
		ck_assert_int_eq(p.status, 403);
		ck_assert_str_eq(p.sqlstate, "28000");
	}
	/* The refusal leaves the connection usable for the next request. */
	hearth_problem_clear(&p);
	r = hearth_db_read_statement(pool, &actor_a, "probe_count", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	PQclear(r);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(context_is_set_inside_the_transaction)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx;
	PGresult *r;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_ONLY, &tx, &p), 0);
	r = hearth_tx_query_sql(tx, "SELECT current_setting('hearth.tenant_id'), "
				"current_setting('hearth.org_id'), current_setting('hearth.sub'), "
				"current_setting('hearth.roles'), current_setting('hearth.request_id'), "
				"current_user, current_setting('search_path'), "
				"current_setting('statement_timeout'), "
				"current_setting('application_name'), "
				"current_setting('transaction_read_only')", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_A);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), ORG_A);
	ck_assert_str_eq(PQgetvalue(r, 0, 2), "user-a");
	ck_assert_str_eq(PQgetvalue(r, 0, 3), "commissioner");
	ck_assert_str_eq(PQgetvalue(r, 0, 4), "req-a");
	ck_assert_str_eq(PQgetvalue(r, 0, 5), "hearth_providers");
	ck_assert_str_eq(PQgetvalue(r, 0, 6), "providers, public");
	ck_assert_str_eq(PQgetvalue(r, 0, 7), "3s");
	ck_assert_str_eq(PQgetvalue(r, 0, 8), "hearth-dbtest");
	ck_assert_str_eq(PQgetvalue(r, 0, 9), "on");
	PQclear(r);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);

	/* Same connection, next request: the settings were transaction-local. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_b, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	r = hearth_tx_query_sql(tx, "SELECT current_setting('hearth.tenant_id'), "
				"current_setting('transaction_read_only')", 0, NULL, &p);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(PQgetvalue(r, 0, 0), TENANT_B);
	ck_assert_str_eq(PQgetvalue(r, 0, 1), "off");
	PQclear(r);
	hearth_tx_end(tx); /* uncommitted: the pool rolls back */
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(audit_rows_insert_but_never_change)
{
	struct hearth_db_pool *pool = new_pool(2, 1000);
	struct hearth_audit_entry e = { "POST", "/v1/providers", "provider", NULL, 201 };
	struct hearth_problem p;
	struct hearth_tx *tx;
	PGconn *admin;
	PGresult *r;
	char *v;

	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_audit_queue(tx, &e, &p), 0);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);
	v = admin_value("SELECT service || ' ' || tenant_id || ' ' || sub || ' ' || status "
			"FROM audit.events WHERE request_id = 'req-a'");
	ck_assert_str_eq(v, "hearth_providers " TENANT_A " user-a 201");
	free(v);

	static const char *const changes[] = { "UPDATE audit.events SET status = 500",
					       "DELETE FROM audit.events",
					       "TRUNCATE audit.events" };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
		ck_assert_ptr_null(hearth_tx_query_sql(tx, changes[i], 0, NULL, &p));
		ck_assert_str_eq(p.sqlstate, "42501");
		ck_assert_int_eq(p.status, 500);
		ck_assert_int_eq(hearth_tx_commit(tx, &p), -1);
		hearth_tx_end(tx);
	}
	/* Even the owner is stopped by the triggers. */
	admin = admin_conn();
	for (size_t i = 0; i < 3; i++) {
		r = PQexec(admin, changes[i]);
		ck_assert_int_eq(PQresultStatus(r), PGRES_FATAL_ERROR);
		PQclear(r);
	}
	PQfinish(admin);
	/* A service writes the trail of the request it serves only: not another
	 * tenant's, not another organisation's, not as another service. */
	static const char *const forged[] = {
		"INSERT INTO audit.events (tenant_id, org_id, method, path, status) "
		"VALUES ('" TENANT_B "', '" ORG_B "', 'GET', '/x', 200)",
		"INSERT INTO audit.events (tenant_id, org_id, method, path, status) "
		"VALUES ('" TENANT_A "', '" ORG_CLOSED_A "', 'GET', '/x', 200)",
		"INSERT INTO audit.events (service, tenant_id, org_id, method, path, status) "
		"VALUES ('hearth_placements', '" TENANT_A "', '" ORG_A "', 'GET', '/x', 200)",
		"SELECT count(*) FROM audit.events",
	};
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
		ck_assert_msg(hearth_tx_query_sql(tx, forged[i], 0, NULL, &p) == NULL,
			      "accepted: %s", forged[i]);
		ck_assert_str_eq(p.sqlstate, "42501");
		hearth_tx_end(tx);
	}
	v = admin_value("SELECT count(*) FROM audit.events WHERE request_id = 'req-a'");
	ck_assert_str_eq(v, "1");
	free(v);
	hearth_db_pool_free(pool);
}
END_TEST

START_TEST(outbox_rows_are_tenant_scoped_and_notify_on_commit)
{
	struct hearth_db_pool *pool = new_pool(1, 1000);
	struct hearth_problem p;
	struct hearth_tx *tx;
	PGconn *listener = admin_conn();
	PGnotify *n;
	json_t *payload = json_pack("{s:i}", "version", 3);
	const char *pid = "33333333-3333-4333-8333-333333333333";

	PQclear(PQexec(listener, "LISTEN hearth_outbox"));
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_outbox_queue(tx, "providers.provider.created", "provider", pid,
					     payload, &p), 0);
	ck_assert_int_eq(hearth_outbox_queue(tx, "providers.provider.noted", "provider", NULL,
					     NULL, &p), 0);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);
	json_decref(payload);

	usleep(100 * 1000);
	ck_assert_int_eq(PQconsumeInput(listener), 1);
	n = PQnotifies(listener);
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(n->relname, "hearth_outbox");
	ck_assert_str_eq(n->extra, "providers");
	PQfreemem(n);
	PQfinish(listener);

	/* The service writes its outbox but cannot read it, not even its own
	 * tenant's rows: events carry child-level documents. */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_ONLY, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_sql(tx, "SELECT count(*) FROM outbox", 0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "42501");
	hearth_tx_end(tx);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_sql(tx, "UPDATE outbox SET type = 'x'", 0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "42501");
	hearth_tx_end(tx);
	/* The event reader role reads every tenant's events. */
	{
		PGconn *admin = admin_conn();
		PGresult *rr = PQexec(admin, "BEGIN; SET LOCAL ROLE hearth_event_reader; "
				      "SELECT type, payload->>'version', org_id FROM providers.outbox "
				      "ORDER BY seq");

		ck_assert_msg(PQresultStatus(rr) == PGRES_TUPLES_OK, "%s", PQerrorMessage(admin));
		ck_assert_int_eq(PQntuples(rr), 2);
		ck_assert_str_eq(PQgetvalue(rr, 0, 0), "providers.provider.created");
		ck_assert_str_eq(PQgetvalue(rr, 0, 1), "3");
		ck_assert_str_eq(PQgetvalue(rr, 0, 2), ORG_A);
		ck_assert_int_eq(PQgetisnull(rr, 1, 1), 1);
		PQclear(rr);
		PQfinish(admin);
	}
	/* Another tenant's event cannot be written either (policy WITH CHECK). */
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_ptr_null(hearth_tx_query_sql(tx, "INSERT INTO outbox (tenant_id, type, "
					       "subject_type) VALUES ('" TENANT_B "', 't', 's')",
					       0, NULL, &p));
	ck_assert_str_eq(p.sqlstate, "42501");
	hearth_tx_end(tx);
	hearth_db_pool_free(pool);
}
END_TEST

struct claimer {
	struct hearth_db_pool *pool;
	enum hearth_idem_outcome outcome;
	struct hearth_idem_replay replay;
};

static void *claim_concurrently(void *arg)
{
	struct claimer *c = arg;
	struct hearth_problem p;
	struct hearth_tx *tx;

	hearth_problem_clear(&p);
	c->outcome = HEARTH_IDEM_ERROR;
	if (hearth_tx_begin(c->pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p) != 0)
		return NULL;
	c->outcome = hearth_idem_claim(tx, "k-conc", "POST", "/v1/x", "{}", 2, &c->replay, &p);
	hearth_tx_end(tx);
	return NULL;
}

static enum hearth_idem_outcome claim_once(struct hearth_db_pool *pool,
					   const struct hearth_db_actor *actor, const char *key,
					   const char *body, struct hearth_idem_replay *rep,
					   struct hearth_problem *p, int store)
{
	struct hearth_tx *tx;
	enum hearth_idem_outcome o;

	ck_assert_int_eq(hearth_tx_begin(pool, actor, HEARTH_TX_READ_WRITE, &tx, p), 0);
	o = hearth_idem_claim(tx, key, "POST", "/v1/providers", body, strlen(body), rep, p);
	if (o == HEARTH_IDEM_NEW && store) {
		ck_assert_int_eq(hearth_idem_store(tx, key, 201, "/v1/providers/1",
						   "{\"id\":1}", p), 0);
		ck_assert_int_eq(hearth_tx_commit(tx, p), 0);
	}
	hearth_tx_end(tx);
	return o;
}

START_TEST(idempotency_claim_replay_mismatch)
{
	struct hearth_db_pool *pool = new_pool(2, 2000);
	struct hearth_idem_replay rep;
	struct hearth_problem p;
	struct hearth_tx *tx;
	struct claimer c = { .pool = pool };
	pthread_t th;
	PGconn *admin;

	hearth_problem_clear(&p);
	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":1}", &rep, &p, 1),
			 HEARTH_IDEM_NEW);
	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":1}", &rep, &p, 1),
			 HEARTH_IDEM_REPLAY);
	ck_assert_int_eq(rep.status, 201);
	ck_assert_str_eq(rep.location, "/v1/providers/1");
	ck_assert_str_eq(rep.body, "{\"id\":1}");
	hearth_idem_replay_release(&rep);

	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":2}", &rep, &p, 1),
			 HEARTH_IDEM_MISMATCH);
	ck_assert_int_eq(p.status, 422);
	ck_assert_str_eq(p.type, "idempotency-key-reused");
	ck_assert_uint_eq(p.n_errors, 1);
	ck_assert_str_eq(p.errors[0].field, "Idempotency-Key");
	ck_assert_ptr_null(rep.body);

	/* Keys are per tenant and organisation. */
	ck_assert_int_eq(claim_once(pool, &actor_b, "k1", "{\"a\":2}", &rep, &p, 0),
			 HEARTH_IDEM_NEW);

	/* Past 24 hours a key is free again. */
	admin = admin_conn();
	PQclear(PQexec(admin, "UPDATE providers.idempotency_keys SET created_at = now() - "
		       "interval '25 hours' WHERE key = 'k1'"));
	PQfinish(admin);
	ck_assert_int_eq(claim_once(pool, &actor_a, "k1", "{\"a\":2}", &rep, &p, 1),
			 HEARTH_IDEM_NEW);

	/* A concurrent claim waits for the first and then replays it. */
	hearth_problem_clear(&p);
	ck_assert_int_eq(hearth_tx_begin(pool, &actor_a, HEARTH_TX_READ_WRITE, &tx, &p), 0);
	ck_assert_int_eq(hearth_idem_claim(tx, "k-conc", "POST", "/v1/x", "{}", 2, &rep, &p),
			 HEARTH_IDEM_NEW);
	ck_assert_int_eq(pthread_create(&th, NULL, claim_concurrently, &c), 0);
	usleep(200 * 1000);
	ck_assert_int_eq(hearth_idem_store(tx, "k-conc", 202, NULL, "{}", &p), 0);
	ck_assert_int_eq(hearth_tx_commit(tx, &p), 0);
	hearth_tx_end(tx);
	pthread_join(th, NULL);
	ck_assert_int_eq(c.outcome, HEARTH_IDEM_REPLAY);
	ck_assert_int_eq(c.replay.status, 202);
	ck_assert_ptr_null(c.replay.location);
	hearth_idem_replay_release(&c.replay);

	ck_assert_int_eq(hearth_idem_key_valid("abc-123"), 1);
	ck_assert_int_eq(hearth_idem_key_valid(""), 0);
	ck_assert_int_eq(hearth_idem_key_valid("tab\there"), 0);
	hearth_db_pool_free(pool);
}
END_TEST


static void fresh_database(void)
{
	db_use_fresh_database("hearth_test_records", 1);
}

static Suite *suite(void)
{
	Suite *s = suite_create("db_records");
	TCase *tc = tcase_create("postgres");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, fresh_database, NULL);
	tcase_add_test(tc, context_refuses_an_organisation_that_is_absent_foreign_or_closed);
	tcase_add_test(tc, context_is_set_inside_the_transaction);
	tcase_add_test(tc, audit_rows_insert_but_never_change);
	tcase_add_test(tc, outbox_rows_are_tenant_scoped_and_notify_on_commit);
	tcase_add_test(tc, idempotency_claim_replay_mismatch);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return db_run_suite(suite(), "test_db_records");
}

/*
 * db_internal.h - what db_pool.c, db_tx.c and db_errors.c share; not a public
 * contract (services use hearth/db.h only).
 *
 * Invariant: a connection sitting idle in the pool is out of pipeline mode and
 * outside any transaction. A borrower that cannot restore that state marks the
 * connection broken, and the next checkout resets it.
 */
#ifndef HEARTH_DB_INTERNAL_H
#define HEARTH_DB_INTERNAL_H

#include "hearth/db.h"

/* Name of the prepared statement that sets the row-level-security context. */
#define HEARTH_DB_CTX_STMT "hearth_ctx"

struct hearth_db_slot;

/* Borrow a live connection, waiting up to the acquire timeout. Returns 0, or -1
 * with a 503 problem (exhausted, database unreachable) or a 500 (statements of
 * the table failed to prepare). */
int hearth_db_checkout(struct hearth_db_pool *pool, struct hearth_db_slot **out,
		       struct hearth_problem *p);

PGconn *hearth_db_slot_conn(struct hearth_db_slot *slot);

/* Ask for a reset before the connection is lent again. */
void hearth_db_slot_mark_broken(struct hearth_db_slot *slot);

/* Give the connection back; rolls back an open transaction, leaves pipeline
 * mode, and marks it broken if either fails. */
void hearth_db_release(struct hearth_db_pool *pool, struct hearth_db_slot *slot);

/* The service statement called `name`, or NULL. */
const struct hearth_stmt_def *hearth_db_find_stmt(const struct hearth_db_pool *pool,
						  const char *name);

/* Map a failed result (or, with res NULL, the connection's state) to a problem
 * and log the server's message, which never reaches the client. */
void hearth_db_problem_from_result(PGconn *conn, const PGresult *res, struct hearth_problem *p);

#endif

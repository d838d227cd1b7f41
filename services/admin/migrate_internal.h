/*
 * migrate_internal.h - what the parts of the migration runner share: the
 * command (migrate.c), the files and their ledger (migrate_apply.c), the
 * service roles and grants (migrate_roles.c) and the order of the services
 * (migrate_order.c). Not a contract beyond hearthctl; the contract is admin.h.
 */
#ifndef HEARTH_ADMIN_MIGRATE_INTERNAL_H
#define HEARTH_ADMIN_MIGRATE_INTERNAL_H

#include <stdio.h>
#include <libpq-fe.h>

/* One run of `hearthctl migrate`: its admin connection, the tree it reads and
 * how many files it has applied. */
struct migrate_run {
	PGconn *conn;
	const char *root;
	FILE *out;
	int applied;
};

/* 1 when the result is a success (command or rows). */
int migrate_result_ok(PGresult *res);

/* Run SQL text; print the server's message on failure, naming `what`. 0 or -1. */
int migrate_exec(PGconn *conn, const char *sql, const char *what);

/* Roll back whatever is open, ignoring the outcome. */
void migrate_rollback(PGconn *conn);

/* Apply the pending NNN_*.sql files of `dir` in order under `scope`, each in
 * its own transaction with its ledger row, with `search_path` and
 * hearth.service_role (`role`, or none) set for the file. A missing directory
 * is nothing to do. 0, or -1 (message printed) at the first failure or on a
 * file changed since it was applied. */
int migrate_apply_dir(struct migrate_run *r, const char *dir, const char *scope,
		      const char *search_path, const char *role);

/* Create (if needed) the login role `role` and the schema `svc`, set the role's
 * password from HEARTH_DB_PASSWORD_<SVC> when given, and grant what every
 * service role has on the shared schemas. Idempotent; one transaction. 0 or -1. */
int migrate_setup_service_role(struct migrate_run *r, const char *svc, const char *role);

#endif

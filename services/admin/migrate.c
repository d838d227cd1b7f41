/*
 * migrate.c - `hearthctl migrate` (admin.h): under one advisory lock, the
 * global migrations, then for each service in dependency order its role and
 * schema, the shared per-service migrations and the service's own.
 *
 * The pieces live beside this file: migrate_apply.c (files and the ledger),
 * migrate_roles.c (roles, schemas, shared grants), migrate_order.c (which
 * services, in which order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "admin.h"
#include "migrate_internal.h"

/* Arbitrary but fixed: every hearthctl migrate contends for the same lock. */
#define MIGRATE_LOCK_KEY "7306453729834110001"

static const char bootstrap_sql[] =
	"CREATE SCHEMA IF NOT EXISTS hearth;"
	"CREATE TABLE IF NOT EXISTS hearth.schema_migrations ("
	" scope text NOT NULL, version int NOT NULL, name text NOT NULL,"
	" checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
	" PRIMARY KEY (scope, version))";

static int migrate_service(struct migrate_run *r, const char *svc)
{
	char role[64], scope[64], dir[4096], search_path[160];

	snprintf(role, sizeof(role), "hearth_%s", svc);
	if (migrate_setup_service_role(r, svc, role) != 0)
		return -1;
	snprintf(scope, sizeof(scope), "%s:common", svc);
	snprintf(dir, sizeof(dir), "%s/services/common/migrations/service", r->root);
	/* The service schema first, so the shared files' unqualified names land in
	 * it; hearth for current_tenant(); public for extensions. */
	snprintf(search_path, sizeof(search_path), "%s, hearth, public", svc);
	if (migrate_apply_dir(r, dir, scope, search_path, role) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/services/%s/migrations", r->root, svc);
	return migrate_apply_dir(r, dir, svc, search_path, role);
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int hearthctl_migrate(const char *admin_conninfo, const char *migrations_root, FILE *out)
{
	struct migrate_run r = { .root = migrations_root, .out = out };
	char dir[4096];
	char **services = NULL;
	int n_services = 0, rc = 1;

	r.conn = PQconnectdb(admin_conninfo);
	if (!r.conn || PQstatus(r.conn) != CONNECTION_OK) {
		fprintf(stderr, "hearthctl migrate: cannot connect: %s",
			r.conn ? PQerrorMessage(r.conn) : "out of memory\n");
		goto out;
	}
	/* "already exists, skipping" notices from IF NOT EXISTS are noise here. */
	PQsetNoticeProcessor(r.conn, quiet_notices, NULL);
	if (migrate_exec(r.conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the lock") != 0 ||
	    migrate_exec(r.conn, bootstrap_sql, "creating hearth.schema_migrations") != 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/services/common/migrations/global", migrations_root);
	if (migrate_apply_dir(&r, dir, "global", "pg_catalog, public", NULL) != 0)
		goto out;
	if (hearthctl_services_in_order(migrations_root, &services, &n_services) != 0)
		goto out;
	for (int i = 0; i < n_services; i++)
		if (migrate_service(&r, services[i]) != 0)
			goto out;
	if (r.applied == 0)
		fprintf(out, "nothing to apply: the database is up to date\n");
	else
		fprintf(out, "applied %d migration%s\n", r.applied, r.applied == 1 ? "" : "s");
	rc = 0;
out:
	for (int i = 0; i < n_services; i++)
		free(services[i]);
	free(services);
	/* Closing the session releases the advisory lock. */
	PQfinish(r.conn);
	return rc;
}

/*
 * migrate_roles.c - each service's login role, schema and shared grants
 * (migrate_internal.h).
 *
 * Ownership: the schemas and everything in them belong to the admin role that
 * runs the migration, not to the service roles. A table's owner bypasses
 * row-level security (unless forced) and may ALTER or DROP it; keeping the
 * service roles as mere grantees means RLS always applies to them and a
 * compromised service cannot change its own schema or the audit trail. Table
 * privileges are granted per table by each service's migrations, never by
 * default.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "migrate_internal.h"

/* Copy `tmpl` into `dst`, replacing each "%s" with the next of a, b. Returns 0,
 * or -1 if it does not fit. (Not snprintf: the templates are data.) */
static int subst(char *dst, size_t cap, const char *tmpl, const char *a, const char *b)
{
	const char *args[2] = { a, b };
	size_t n = 0;
	int used = 0;

	for (const char *t = tmpl; *t; t++) {
		const char *piece = t;
		size_t len = 1;

		if (t[0] == '%' && t[1] == 's' && used < 2) {
			piece = args[used++];
			len = strlen(piece);
			t++;
		}
		if (n + len >= cap)
			return -1;
		memcpy(dst + n, piece, len);
		n += len;
	}
	dst[n] = '\0';
	return 0;
}

/* Run a statement built around quoted identifiers; `tmpl` takes the already
 * quoted names where it says %s. */
static int exec_ident2(PGconn *conn, const char *fmt, const char *a, const char *b)
{
	char *qa = PQescapeIdentifier(conn, a, strlen(a));
	char *qb = b ? PQescapeIdentifier(conn, b, strlen(b)) : NULL;
	char sql[1024];
	int rc = -1;

	if (qa && (!b || qb) && subst(sql, sizeof(sql), fmt, qa, qb ? qb : "") == 0)
		rc = migrate_exec(conn, sql, sql);
	PQfreemem(qa);
	PQfreemem(qb);
	return rc;
}

static int row_exists(PGconn *conn, const char *sql, const char *param)
{
	PGresult *res = PQexecParams(conn, sql, 1, NULL, &param, NULL, NULL, 0);
	int rc = migrate_result_ok(res) ? PQntuples(res) > 0 : -1;

	if (rc < 0)
		fprintf(stderr, "hearthctl migrate: %s", PQerrorMessage(conn));
	PQclear(res);
	return rc;
}

static int set_password(PGconn *conn, const char *svc, const char *role)
{
	char var[96];
	const char *pw;
	char *lit = NULL, *qrole = NULL;
	char sql[1024];
	int rc = -1;

	snprintf(var, sizeof(var), "HEARTH_DB_PASSWORD_%s", svc);
	for (char *c = var; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	pw = getenv(var);
	if (!pw || !*pw)
		return 0;
	lit = PQescapeLiteral(conn, pw, strlen(pw));
	qrole = PQescapeIdentifier(conn, role, strlen(role));
	if (!lit || !qrole || (size_t)snprintf(sql, sizeof(sql), "ALTER ROLE %s PASSWORD %s",
					       qrole, lit) >= sizeof(sql))
		goto out;
	/* Never echo the statement: it holds the password. */
	rc = migrate_exec(conn, sql, "setting the role's password");
out:
	PQfreemem(lit);
	PQfreemem(qrole);
	return rc;
}

/* Role, schema and grants of one service; idempotent, so run every time. */
int migrate_setup_service_role(struct migrate_run *r, const char *svc, const char *role)
{
	static const char *const grants[] = {
		"GRANT USAGE ON SCHEMA %s TO %s",
		/* No table privilege by default: each migration grants what its
		 * tables need (an outbox or a history is never updated). This undoes
		 * the default of earlier releases. */
		"ALTER DEFAULT PRIVILEGES IN SCHEMA %s REVOKE ALL ON TABLES FROM %s",
		"ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT USAGE, SELECT ON SEQUENCES TO %s",
		NULL
	};
	static const char *const shared[] = {
		"GRANT USAGE ON SCHEMA hearth TO %s",
		/* The tenants table has no row-level security: no service reads it. */
		"REVOKE ALL ON hearth.tenants FROM %s",
		"GRANT EXECUTE ON FUNCTION hearth.current_tenant(), hearth.current_org() TO %s",
		"GRANT EXECUTE ON FUNCTION hearth.begin_request(text, text, text, text, text) TO %s",
		"GRANT USAGE ON SCHEMA audit TO %s",
		"GRANT INSERT ON audit.events TO %s",
		"GRANT USAGE ON SEQUENCE audit.events_id_seq TO %s",
		NULL
	};
	int has;

	if (migrate_exec(r->conn, "BEGIN", "BEGIN") != 0)
		return -1;
	has = row_exists(r->conn, "SELECT 1 FROM pg_roles WHERE rolname = $1", role);
	if (has < 0 || (has == 0 && exec_ident2(r->conn, "CREATE ROLE %s LOGIN%s", role, NULL)))
		goto fail;
	if (has == 0)
		fprintf(r->out, "created role %s\n", role);
	if (set_password(r->conn, svc, role) != 0)
		goto fail;
	has = row_exists(r->conn, "SELECT 1 FROM pg_namespace WHERE nspname = $1", svc);
	if (has < 0 || (has == 0 && exec_ident2(r->conn, "CREATE SCHEMA %s%s", svc, NULL)))
		goto fail;
	if (has == 0)
		fprintf(r->out, "created schema %s\n", svc);
	for (int i = 0; grants[i]; i++)
		if (exec_ident2(r->conn, grants[i], svc, role) != 0)
			goto fail;
	for (int i = 0; shared[i]; i++)
		if (exec_ident2(r->conn, shared[i], role, NULL) != 0)
			goto fail;
	return migrate_exec(r->conn, "COMMIT", "COMMIT");
fail:
	migrate_rollback(r->conn);
	return -1;
}

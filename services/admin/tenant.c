/*
 * tenant.c - `hearthctl tenant create` (admin.h): one row in hearth.tenants.
 */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "admin.h"
#include "tenant.h"

int hearth_tenant_slug_valid(const char *slug)
{
	size_t n = 0;

	if (!slug)
		return 0;
	for (; slug[n]; n++)
		if (!((slug[n] >= 'a' && slug[n] <= 'z') || (slug[n] >= '0' && slug[n] <= '9') ||
		      slug[n] == '-'))
			return 0;
	return n >= 2 && n <= 63;
}

static void report_failure(PGresult *res, const char *slug, const char *id)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

	if (state && strcmp(state, "23505") == 0 && cons && strcmp(cons, "tenants_pkey") == 0)
		fprintf(stderr, "hearthctl tenant create: a tenant with id %s already exists\n", id);
	else if (state && strcmp(state, "23505") == 0)
		fprintf(stderr, "hearthctl tenant create: a tenant with slug \"%s\" already exists\n",
			slug);
	else if (state && strcmp(state, "22P02") == 0)
		fprintf(stderr, "hearthctl tenant create: the id must be a UUID\n");
	else
		fprintf(stderr, "hearthctl tenant create: %s", PQresultErrorMessage(res));
}

int hearthctl_tenant_create(const char *admin_conninfo, const char *name, const char *slug,
			    const char *id_or_null, FILE *out)
{
	const char *params[3] = { name, slug, id_or_null };
	PGconn *conn = NULL;
	PGresult *res = NULL;
	int rc = 1;

	if (!name || !*name) {
		fprintf(stderr, "hearthctl tenant create: a name is required\n");
		return 1;
	}
	if (!hearth_tenant_slug_valid(slug)) {
		fprintf(stderr, "hearthctl tenant create: the slug must be 2-63 characters of "
			"a-z, 0-9 and '-'\n");
		return 1;
	}
	conn = PQconnectdb(admin_conninfo);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "hearthctl tenant create: cannot connect: %s",
			conn ? PQerrorMessage(conn) : "out of memory\n");
		goto out;
	}
	res = PQexecParams(conn, "INSERT INTO hearth.tenants (id, name, slug) "
			   "VALUES (coalesce($3::uuid, gen_random_uuid()), $1, $2) RETURNING id",
			   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		report_failure(res, slug, id_or_null ? id_or_null : "");
		goto out;
	}
	fprintf(out, "%s\n", PQgetvalue(res, 0, 0));
	rc = 0;
out:
	PQclear(res);
	PQfinish(conn);
	return rc;
}

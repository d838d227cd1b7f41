/*
 * tenant.c - `hearthctl tenant create` (admin.h): a tenant and its consortium
 * team, in one transaction.
 *
 * A token must name an active organisation of its tenant, so a tenant with no
 * organisation could never be administered through the API. The command
 * therefore creates the consortium's own team organisation beside the tenant;
 * a tenant_admin token for that organisation then creates the councils.
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

static void report_failure(PGresult *res, const struct hearth_tenant_request *t)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

	if (state && strcmp(state, "23505") == 0 && cons && strcmp(cons, "tenants_pkey") == 0)
		fprintf(stderr, "hearthctl tenant create: a tenant with id %s already exists\n",
			t->id ? t->id : "");
	else if (state && strcmp(state, "23505") == 0 && cons &&
		 strcmp(cons, "organisations_pkey") == 0)
		fprintf(stderr, "hearthctl tenant create: an organisation with id %s already exists\n",
			t->org_id ? t->org_id : "");
	else if (state && strcmp(state, "23505") == 0)
		fprintf(stderr, "hearthctl tenant create: a tenant with slug \"%s\" already exists\n",
			t->slug);
	else if (state && strcmp(state, "22P02") == 0)
		fprintf(stderr, "hearthctl tenant create: --id and --org-id must be UUIDs\n");
	else if (state && strcmp(state, "23514") == 0)
		fprintf(stderr, "hearthctl tenant create: the organisation name must be 1-200 "
			"characters\n");
	else
		fprintf(stderr, "hearthctl tenant create: %s", PQresultErrorMessage(res));
}

/* The tenant row, then (with the tenant as the row-level-security context, as
 * the organisations table demands even of its owner) the team organisation. */
static const char create_sql[] =
	"WITH t AS (INSERT INTO hearth.tenants (id, name, slug) "
	"           VALUES (coalesce($3::uuid, gen_random_uuid()), $1, $2) RETURNING id) "
	"SELECT t.id, set_config('hearth.tenant_id', t.id::text, true) FROM t";
static const char team_sql[] =
	"INSERT INTO providers.organisations (id, tenant_id, kind, name) "
	"VALUES (coalesce($2::uuid, gen_random_uuid()), $1::uuid, 'consortium', $3) RETURNING id";

static int run(PGconn *conn, const char *sql, int n, const char *const *params, PGresult **res,
	       ExecStatusType want)
{
	*res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	return PQresultStatus(*res) == want ? 0 : -1;
}

int hearthctl_tenant_create(const char *admin_conninfo, const struct hearth_tenant_request *t,
			    FILE *out)
{
	char team_name[256];
	const char *tenant_params[3] = { t->name, t->slug, t->id };
	const char *team_params[3] = { NULL, t->org_id, NULL };
	PGconn *conn = NULL;
	PGresult *res = NULL, *team = NULL;
	int rc = 1;

	if (!t->name || !*t->name) {
		fprintf(stderr, "hearthctl tenant create: a name is required\n");
		return 1;
	}
	if (!hearth_tenant_slug_valid(t->slug)) {
		fprintf(stderr, "hearthctl tenant create: the slug must be 2-63 characters of "
			"a-z, 0-9 and '-'\n");
		return 1;
	}
	snprintf(team_name, sizeof(team_name), "%s", t->org_name ? t->org_name : t->name);
	team_params[2] = team_name;
	conn = PQconnectdb(admin_conninfo);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "hearthctl tenant create: cannot connect: %s",
			conn ? PQerrorMessage(conn) : "out of memory\n");
		goto out;
	}
	if (run(conn, "BEGIN", 0, NULL, &res, PGRES_COMMAND_OK) != 0) {
		report_failure(res, t);
		goto out;
	}
	PQclear(res);
	if (run(conn, create_sql, 3, tenant_params, &res, PGRES_TUPLES_OK) != 0 ||
	    PQntuples(res) != 1) {
		report_failure(res, t);
		goto out;
	}
	team_params[0] = PQgetvalue(res, 0, 0);
	if (run(conn, team_sql, 3, team_params, &team, PGRES_TUPLES_OK) != 0 ||
	    PQntuples(team) != 1) {
		report_failure(team, t);
		goto out;
	}
	PQclear(PQexec(conn, "COMMIT"));
	if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
		fprintf(stderr, "hearthctl tenant create: commit failed: %s", PQerrorMessage(conn));
		goto out;
	}
	if (t->json)
		fprintf(out, "{\"tenant_id\": \"%s\", \"organisation_id\": \"%s\"}\n",
			PQgetvalue(res, 0, 0), PQgetvalue(team, 0, 0));
	else
		fprintf(out, "tenant %s\norganisation %s (consortium team)\n", PQgetvalue(res, 0, 0),
			PQgetvalue(team, 0, 0));
	rc = 0;
out:
	PQclear(res);
	PQclear(team);
	PQfinish(conn); /* an open transaction is rolled back with the session */
	return rc;
}

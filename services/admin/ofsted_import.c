/*
 * ofsted_import.c - `hearthctl import ofsted-providers` (admin.h): read and
 * check the file, find who the import acts as, then write row by row
 * (ofsted_import.h says how).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "hearth/json_input.h"
#include "hearth/log.h"
#include "admin.h"
#include "ofsted_import.h"

#define SUB "hearthctl import ofsted-providers"

/* The whole file, at most OFSTED_FILE_MAX bytes. NULL with err. */
static char *read_bounded(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *data = NULL;
	size_t n = 0, got;

	if (!f) {
		snprintf(err, errlen, "cannot open it: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "it is not a regular file");
		goto fail;
	}
	if ((unsigned long long)st.st_size > OFSTED_FILE_MAX) {
		snprintf(err, errlen, "it is larger than %u MiB", OFSTED_FILE_MAX / (1024 * 1024));
		goto fail;
	}
	/* One byte more than fstat said, so a file still growing shows. */
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	while (n <= (size_t)st.st_size &&
	       (got = fread(data + n, 1, (size_t)st.st_size + 1 - n, f)) > 0)
		n += got;
	if (ferror(f) || n > (size_t)st.st_size) {
		snprintf(err, errlen, ferror(f) ? "cannot read it" : "it changed while being read");
		goto fail;
	}
	fclose(f);
	*len = n;
	return data;
fail:
	free(data);
	fclose(f);
	return NULL;
}

static PGresult *exec1(PGconn *conn, const char *sql, const char *a, const char *b)
{
	const char *params[2] = { a, b };

	return PQexecParams(conn, sql, b ? 2 : 1, NULL, params, NULL, NULL, 0);
}

/* The tenant exists and `org` (given, or its consortium team) is an active
 * organisation of it; org_out gets the id. 0, or -1 with a message printed. */
static int resolve_actor(const char *conninfo, const char *tenant, const char *org,
			 char org_out[37])
{
	PGconn *conn = PQconnectdb(conninfo);
	PGresult *res = NULL;
	int rc = -1;

	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "hearthctl import: cannot connect: %s", PQerrorMessage(conn));
		goto out;
	}
	PQclear(PQexec(conn, "BEGIN READ ONLY"));
	res = exec1(conn, "SELECT set_config('hearth.tenant_id', $1, true), "
			  "(SELECT count(*) FROM hearth.tenants WHERE id = $1::uuid)", tenant, NULL);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "hearthctl import: %s", PQerrorMessage(conn));
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, 1), "1") != 0) {
		fprintf(stderr, "hearthctl import: there is no tenant %s\n", tenant);
		goto out;
	}
	PQclear(res);
	if (org)
		res = exec1(conn, "SELECT o.id FROM providers.organisations o "
				  "WHERE o.tenant_id = $1::uuid AND o.id = $2::uuid AND o.status = 'active'",
			    tenant, org);
	else
		res = exec1(conn, "SELECT o.id FROM providers.organisations o "
				  "WHERE o.tenant_id = $1::uuid AND o.kind = 'consortium' "
				  "AND o.status = 'active' ORDER BY o.created_at, o.id LIMIT 1",
			    tenant, NULL);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "hearthctl import: %s", PQerrorMessage(conn));
		goto out;
	}
	if (PQntuples(res) != 1) {
		if (org)
			fprintf(stderr, "hearthctl import: %s is not an active organisation of tenant "
				"%s\n", org, tenant);
		else
			fprintf(stderr, "hearthctl import: tenant %s has no active consortium team; "
				"name the organisation to act for with --org\n", tenant);
		goto out;
	}
	snprintf(org_out, 37, "%s", PQgetvalue(res, 0, 0));
	rc = 0;
out:
	PQclear(res);
	PQfinish(conn);
	return rc;
}

static const struct ofsted_setting_ref *find_setting(const struct ofsted_setting_ref *refs,
						     size_t n, const char *urn)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(refs[mid].urn, urn);
		if (c == 0)
			return &refs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One id per run in every audit row it writes: "ofsted-import:<16 hex>". */
static void new_request_id(char out[40])
{
	unsigned char raw[8] = { 0 };

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		memset(raw, 0, sizeof(raw));
	snprintf(out, 40, "ofsted-import:%02x%02x%02x%02x%02x%02x%02x%02x", raw[0], raw[1], raw[2],
		 raw[3], raw[4], raw[5], raw[6], raw[7]);
}

/* Write every good row; 0, or -1 (printed) when the import had to stop. */
static int write_rows(const char *conninfo, const struct hearth_db_actor *actor,
		      const struct ofsted_row *rows, size_t n_rows, int dry_run,
		      struct ofsted_summary *s)
{
	const struct hearth_db_config cfg = {
		.conninfo = conninfo, .size = 1, .acquire_timeout_ms = 5000,
		.statement_timeout_ms = 30000, .connect_timeout_s = 5,
		.application_name = "hearthctl-import",
	};
	static const struct hearth_stmt_def no_stmts[] = { { NULL, NULL, 0 } };
	struct hearth_db_pool *pool = NULL;
	struct ofsted_setting_ref *refs = NULL;
	struct hearth_problem p;
	size_t n_refs = 0, i = 0;
	int rc = -1;

	hearth_problem_clear(&p);
	if (hearth_db_pool_new(&cfg, no_stmts, &pool) != 0) {
		fputs("hearthctl import: cannot set up the database connection\n", stderr);
		return -1;
	}
	if (ofsted_tenant_settings(pool, actor, &refs, &n_refs, &p) != 0) {
		fprintf(stderr, "hearthctl import: cannot read the tenant's settings: %s; nothing "
			"was imported\n", p.detail);
		goto out;
	}
	for (; i < n_rows; i++) {
		const struct ofsted_setting_ref *ref = find_setting(refs, n_refs, rows[i].urn);
		if (!ref) {
			struct ofsted_unknown *u = OFSTED_PUSH(s->unknown);
			if (!u) {
				hearth_problem_out_of_memory(&p);
				goto fail;
			}
			u->line = rows[i].line;
			snprintf(u->urn, sizeof(u->urn), "%s", rows[i].urn);
			continue;
		}
		if (ofsted_write_row(pool, actor, &rows[i], ref->id, dry_run, s, &p) != 0)
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "hearthctl import: stopped at line %lu: %s (the rows before it %s)\n",
		rows[i].line, p.detail, dry_run ? "were checked" : "are imported");
out:
	free(refs);
	hearth_db_pool_free(pool);
	return rc;
}

int hearthctl_import_ofsted(const char *admin_conninfo, const struct hearth_import_request *req,
			    FILE *out)
{
	struct ofsted_summary s = { 0 };
	struct ofsted_row *rows = NULL;
	size_t len = 0, n_rows = 0;
	char *data = NULL, err[512], org[37], request_id[40];
	int rc = 1;

	hearth_log_init("hearthctl", "warn");
	if (!hearth_is_uuid(req->tenant) || (req->org && !hearth_is_uuid(req->org))) {
		fputs("hearthctl import: --tenant and --org must be UUIDs\n", stderr);
		return 1;
	}
	data = read_bounded(req->file, &len, err, sizeof(err));
	if (!data || ofsted_read_rows(data, len, &rows, &n_rows, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "hearthctl import: %s: %s; nothing was imported\n", req->file, err);
		goto out;
	}
	if (resolve_actor(admin_conninfo, req->tenant, req->org, org) != 0)
		goto out;
	new_request_id(request_id);
	const struct hearth_db_actor actor = { req->tenant, org, SUB, "integration", request_id };
	if (write_rows(admin_conninfo, &actor, rows, n_rows, req->dry_run, &s) == 0)
		rc = s.bad.n ? 1 : 0;
	ofsted_summary_print(&s, req->tenant, req->dry_run, req->json, out);
out:
	ofsted_summary_release(&s);
	free(rows);
	free(data);
	return rc;
}

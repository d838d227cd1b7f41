/*
 * migrate.c - the migration runner behind `hearthctl migrate` (admin.h).
 *
 * Layout under the root:
 *   services/common/migrations/global/NNN_*.sql   scope "global"
 *   services/common/migrations/service/NNN_*.sql  scope "<s>:common", once per service
 *   services/<s>/migrations/NNN_*.sql             scope "<s>"
 * Each file runs in its own transaction together with its row in
 * hearth.schema_migrations (scope, version, name, sha256 checksum), so a file is
 * either applied and recorded or neither. The whole run holds a session
 * advisory lock so two runs never interleave. Files must not contain their own
 * BEGIN/COMMIT.
 *
 * Ownership: the schemas and everything in them belong to the admin role that
 * runs this, not to the service roles. A table's owner bypasses row-level
 * security (unless forced) and may ALTER or DROP it; keeping the service roles
 * as mere grantees means RLS always applies to them and a compromised service
 * cannot change its own schema or the audit trail.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "admin.h"
#include "migrate.h"

/* Arbitrary but fixed: every hearthctl migrate contends for the same lock. */
#define MIGRATE_LOCK_KEY "7306453729834110001"
#define MAX_FILES 1000
#define MAX_SQL_BYTES (8L * 1024 * 1024)

struct mfile {
	int version;
	char name[256]; /* file name without ".sql" */
};

struct run {
	PGconn *conn;
	const char *root;
	FILE *out;
	int applied;
};

static const char bootstrap_sql[] =
	"CREATE SCHEMA IF NOT EXISTS hearth;"
	"CREATE TABLE IF NOT EXISTS hearth.schema_migrations ("
	" scope text NOT NULL, version int NOT NULL, name text NOT NULL,"
	" checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
	" PRIMARY KEY (scope, version))";

int hearth_migration_version(const char *file_name)
{
	const char *p = file_name;
	long v = 0;
	size_t len = strlen(file_name);

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p - '0');
		if (v > 999999)
			return -1;
		p++;
	}
	if (*p != '_' || len < 5 || strcmp(file_name + len - 4, ".sql") != 0 ||
	    p + 1 >= file_name + len - 4)
		return -1;
	return (int)v;
}

int hearth_migration_service_name_ok(const char *name)
{
	size_t n = 0;

	if (!name || !(*name >= 'a' && *name <= 'z'))
		return 0;
	for (; name[n]; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= '0' && name[n] <= '9') ||
		      name[n] == '_'))
			return 0;
	return n <= 48;
}

static int ok(PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Run SQL text; print the server's message on failure. 0 or -1. */
static int exec(PGconn *conn, const char *sql, const char *what)
{
	PGresult *res = PQexec(conn, sql);
	int rc = ok(res) ? 0 : -1;

	if (rc != 0)
		fprintf(stderr, "hearthctl migrate: %s: %s", what, PQerrorMessage(conn));
	PQclear(res);
	return rc;
}

static void rollback(PGconn *conn)
{
	PQclear(PQexec(conn, "ROLLBACK"));
}

static int cmp_mfile(const void *a, const void *b)
{
	const struct mfile *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* The migration files of `dir`, sorted by version. A missing directory is an
 * empty list; a badly named .sql file or a duplicate version is an error. */
static int list_files(const char *dir, struct mfile **out, int *n_out)
{
	DIR *d = opendir(dir);
	struct mfile *files = NULL;
	struct dirent *e;
	int n = 0, rc = -1;

	*out = NULL;
	*n_out = 0;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	files = calloc(MAX_FILES, sizeof(*files));
	if (!files)
		goto out;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 4 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		if (n == MAX_FILES || len - 4 >= sizeof(files[n].name) ||
		    (files[n].version = hearth_migration_version(e->d_name)) < 0) {
			fprintf(stderr, "hearthctl migrate: %s/%s: name must be NNN_name.sql\n", dir,
				e->d_name);
			goto out;
		}
		snprintf(files[n].name, sizeof(files[n].name), "%.*s", (int)(len - 4), e->d_name);
		n++;
	}
	qsort(files, (size_t)n, sizeof(*files), cmp_mfile);
	for (int i = 1; i < n; i++)
		if (files[i].version == files[i - 1].version) {
			fprintf(stderr, "hearthctl migrate: %s: %s and %s share version %d\n", dir,
				files[i - 1].name, files[i].name, files[i].version);
			goto out;
		}
	*out = files;
	*n_out = n;
	files = NULL;
	rc = 0;
out:
	free(files);
	closedir(d);
	return rc;
}

/* Read a whole file (NUL-terminated, capped) and its SHA-256 in hex. */
static char *read_sql(const char *path, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	buf = malloc((size_t)MAX_SQL_BYTES + 1);
	if (buf)
		n = fread(buf, 1, (size_t)MAX_SQL_BYTES + 1, f);
	if (!buf || ferror(f) || n > (size_t)MAX_SQL_BYTES ||
	    EVP_Digest(buf, n, md, &md_len, EVP_sha256(), NULL) != 1) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	for (unsigned int i = 0; i < md_len && i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[64] = '\0';
out:
	fclose(f);
	return buf;
}

/* 1 applied with the same checksum, 0 not applied, -1 error or changed file. */
static int already_applied(struct run *r, const char *scope, const struct mfile *m,
			   const char *checksum, const char *path)
{
	char version[16];
	const char *params[2] = { scope, version };
	PGresult *res;
	int rc;

	snprintf(version, sizeof(version), "%d", m->version);
	res = PQexecParams(r->conn, "SELECT checksum FROM hearth.schema_migrations "
			   "WHERE scope = $1 AND version = $2::int", 2, NULL, params, NULL, NULL, 0);
	if (!ok(res)) {
		fprintf(stderr, "hearthctl migrate: reading the ledger: %s", PQerrorMessage(r->conn));
		rc = -1;
	} else if (PQntuples(res) == 0)
		rc = 0;
	else if (strcmp(PQgetvalue(res, 0, 0), checksum) == 0)
		rc = 1;
	else {
		fprintf(stderr, "hearthctl migrate: %s was changed after it was applied "
			"(scope %s, version %d); refusing. Add a new migration instead.\n",
			path, scope, m->version);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Apply one file and record it, in one transaction. */
static int apply_file(struct run *r, const char *scope, const struct mfile *m, const char *sql,
		      const char *checksum, const char *search_path, const char *role,
		      const char *path)
{
	char version[16];
	const char *ctx[2] = { search_path, role ? role : "" };
	const char *rec[4] = { scope, version, m->name, checksum };
	PGresult *res;
	int rc = -1;

	snprintf(version, sizeof(version), "%d", m->version);
	if (exec(r->conn, "BEGIN", "BEGIN") != 0)
		return -1;
	res = PQexecParams(r->conn, "SELECT set_config('search_path', $1, true), "
			   "set_config('hearth.service_role', $2, true)", 2, NULL, ctx, NULL, NULL, 0);
	if (!ok(res)) {
		fprintf(stderr, "hearthctl migrate: %s: %s", path, PQerrorMessage(r->conn));
		goto out;
	}
	PQclear(res);
	res = PQexec(r->conn, sql);
	if (!ok(res)) {
		fprintf(stderr, "hearthctl migrate: %s failed: %s", path, PQerrorMessage(r->conn));
		goto out;
	}
	PQclear(res);
	res = PQexecParams(r->conn, "INSERT INTO hearth.schema_migrations "
			   "(scope, version, name, checksum) VALUES ($1, $2::int, $3, $4)",
			   4, NULL, rec, NULL, NULL, 0);
	if (!ok(res)) {
		fprintf(stderr, "hearthctl migrate: recording %s: %s", path, PQerrorMessage(r->conn));
		goto out;
	}
	if (exec(r->conn, "COMMIT", path) != 0)
		goto out;
	fprintf(r->out, "applied %s %s\n", scope, m->name);
	r->applied++;
	rc = 0;
out:
	PQclear(res);
	if (rc != 0)
		rollback(r->conn);
	return rc;
}

static int apply_dir(struct run *r, const char *dir, const char *scope, const char *search_path,
		     const char *role)
{
	struct mfile *files = NULL;
	int n = 0, rc = -1;

	if (list_files(dir, &files, &n) != 0) {
		fprintf(stderr, "hearthctl migrate: cannot list %s\n", dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096], checksum[65];
		char *sql;
		int seen;

		snprintf(path, sizeof(path), "%s/%s.sql", dir, files[i].name);
		sql = read_sql(path, checksum);
		if (!sql) {
			fprintf(stderr, "hearthctl migrate: cannot read %s\n", path);
			goto out;
		}
		seen = already_applied(r, scope, &files[i], checksum, path);
		if (seen == 0)
			seen = apply_file(r, scope, &files[i], sql, checksum, search_path, role,
					  path) == 0 ? 1 : -1;
		free(sql);
		if (seen < 0)
			goto out;
	}
	rc = 0;
out:
	free(files);
	return rc;
}

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
		rc = exec(conn, sql, sql);
	PQfreemem(qa);
	PQfreemem(qb);
	return rc;
}

static int row_exists(PGconn *conn, const char *sql, const char *param)
{
	PGresult *res = PQexecParams(conn, sql, 1, NULL, &param, NULL, NULL, 0);
	int rc = ok(res) ? PQntuples(res) > 0 : -1;

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
	rc = exec(conn, sql, "setting the role's password");
out:
	PQfreemem(lit);
	PQfreemem(qrole);
	return rc;
}

/* Role, schema and grants of one service; idempotent, so run every time. */
static int setup_service(struct run *r, const char *svc, const char *role)
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

	if (exec(r->conn, "BEGIN", "BEGIN") != 0)
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
	return exec(r->conn, "COMMIT", "COMMIT");
fail:
	rollback(r->conn);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of services/<s> directories that have a migrations/ directory. */
static int list_services(const char *root, char ***out, int *n_out)
{
	char dir[4096], path[4096];
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	int n = 0, cap = 0, rc = -1;
	struct stat st;

	*out = NULL;
	*n_out = 0;
	snprintf(dir, sizeof(dir), "%s/services", root);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "hearthctl migrate: cannot open %s\n", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "common") == 0 ||
		    strcmp(e->d_name, "admin") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s/migrations", dir, e->d_name) >=
			    sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (!hearth_migration_service_name_ok(e->d_name)) {
			fprintf(stderr, "hearthctl migrate: %s: not a valid service name\n", path);
			goto out;
		}
		if (n == cap) {
			char **grown = realloc(names, (size_t)(cap = cap ? 2 * cap : 8) * sizeof(*names));

			if (!grown)
				goto out;
			names = grown;
		}
		if (!(names[n] = strdup(e->d_name)))
			goto out;
		n++;
	}
	qsort(names, (size_t)n, sizeof(*names), cmp_str);
	*out = names;
	*n_out = n;
	names = NULL;
	rc = 0;
out:
	if (names)
		for (int i = 0; i < n; i++)
			free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static int migrate_service(struct run *r, const char *svc)
{
	char role[64], scope[64], dir[4096], search_path[160];

	snprintf(role, sizeof(role), "hearth_%s", svc);
	if (setup_service(r, svc, role) != 0)
		return -1;
	snprintf(scope, sizeof(scope), "%s:common", svc);
	snprintf(dir, sizeof(dir), "%s/services/common/migrations/service", r->root);
	/* The service schema first, so the shared files' unqualified names land in
	 * it; hearth for current_tenant(); public for extensions. */
	snprintf(search_path, sizeof(search_path), "%s, hearth, public", svc);
	if (apply_dir(r, dir, scope, search_path, role) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/services/%s/migrations", r->root, svc);
	return apply_dir(r, dir, svc, search_path, role);
}

/* 1 when every service named in services/<svc>/migrations/AFTER (names
 * separated by white space) is in done[]; a service whose tables another
 * service reads or grants on lists it there. No file: no dependency. */
static int dependencies_met(const char *root, const char *svc, char **services, const int *done,
			    int n)
{
	char path[4096], name[64];
	FILE *f;
	int met = 1;

	snprintf(path, sizeof(path), "%s/services/%s/migrations/AFTER", root, svc);
	f = fopen(path, "r");
	if (!f)
		return 1;
	while (met && fscanf(f, "%63s", name) == 1) {
		int found = 0;
		for (int i = 0; i < n; i++)
			if (strcmp(services[i], name) == 0)
				found = done[i];
		met = found;
	}
	fclose(f);
	return met;
}

/* Reorder services[] so each comes after the ones it depends on, alphabetical
 * among those ready. A cycle or a missing dependency is an error (-1). */
static int order_by_dependencies(const char *root, char **services, int n)
{
	int *done = calloc((size_t)(n ? n : 1), sizeof(*done));
	char **ordered = calloc((size_t)(n ? n : 1), sizeof(*ordered));
	int placed = 0, rc = -1;

	if (!done || !ordered)
		goto out;
	while (placed < n) {
		int progressed = 0;
		for (int i = 0; i < n; i++) {
			if (done[i] || !dependencies_met(root, services[i], services, done, n))
				continue;
			ordered[placed++] = services[i];
			done[i] = 1;
			progressed = 1;
		}
		if (!progressed) {
			fprintf(stderr, "hearthctl: the migrations/AFTER files of the remaining services "
					"name a missing service or form a cycle\n");
			goto out;
		}
	}
	memcpy(services, ordered, (size_t)n * sizeof(*services));
	rc = 0;
out:
	free(done);
	free(ordered);
	return rc;
}

int hearthctl_services_in_order(const char *root, char ***out, int *n_out)
{
	if (list_services(root, out, n_out) != 0)
		return -1;
	if (order_by_dependencies(root, *out, *n_out) != 0) {
		for (int i = 0; i < *n_out; i++)
			free((*out)[i]);
		free(*out);
		*out = NULL;
		*n_out = 0;
		return -1;
	}
	return 0;
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int hearthctl_migrate(const char *admin_conninfo, const char *migrations_root, FILE *out)
{
	struct run r = { .root = migrations_root, .out = out };
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
	if (exec(r.conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the lock") != 0 ||
	    exec(r.conn, bootstrap_sql, "creating hearth.schema_migrations") != 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/services/common/migrations/global", migrations_root);
	if (apply_dir(&r, dir, "global", "pg_catalog, public", NULL) != 0)
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

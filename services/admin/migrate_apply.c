/*
 * migrate_apply.c - migration files and their ledger (migrate_internal.h).
 *
 * Layout under the root:
 *   services/common/migrations/global/NNN_*.sql   scope "global"
 *   services/common/migrations/service/NNN_*.sql  scope "<s>:common", once per service
 *   services/<s>/migrations/NNN_*.sql             scope "<s>"
 * Each file runs in its own transaction together with its row in
 * hearth.schema_migrations (scope, version, name, sha256 checksum), so a file is
 * either applied and recorded or neither. Files must not contain their own
 * BEGIN/COMMIT. An applied file whose checksum changed stops the run.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "migrate.h"
#include "migrate_internal.h"

#define MAX_FILES 1000
#define MAX_SQL_BYTES (8L * 1024 * 1024)

struct mfile {
	int version;
	char name[256]; /* file name without ".sql" */
};

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

int migrate_result_ok(PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* Run SQL text; print the server's message on failure. 0 or -1. */
int migrate_exec(PGconn *conn, const char *sql, const char *what)
{
	PGresult *res = PQexec(conn, sql);
	int rc = migrate_result_ok(res) ? 0 : -1;

	if (rc != 0)
		fprintf(stderr, "hearthctl migrate: %s: %s", what, PQerrorMessage(conn));
	PQclear(res);
	return rc;
}

void migrate_rollback(PGconn *conn)
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
static int already_applied(struct migrate_run *r, const char *scope, const struct mfile *m,
			   const char *checksum, const char *path)
{
	char version[16];
	const char *params[2] = { scope, version };
	PGresult *res;
	int rc;

	snprintf(version, sizeof(version), "%d", m->version);
	res = PQexecParams(r->conn, "SELECT checksum FROM hearth.schema_migrations "
			   "WHERE scope = $1 AND version = $2::int", 2, NULL, params, NULL, NULL, 0);
	if (!migrate_result_ok(res)) {
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
static int apply_file(struct migrate_run *r, const char *scope, const struct mfile *m, const char *sql,
		      const char *checksum, const char *search_path, const char *role,
		      const char *path)
{
	char version[16];
	const char *ctx[2] = { search_path, role ? role : "" };
	const char *rec[4] = { scope, version, m->name, checksum };
	PGresult *res;
	int rc = -1;

	snprintf(version, sizeof(version), "%d", m->version);
	if (migrate_exec(r->conn, "BEGIN", "BEGIN") != 0)
		return -1;
	res = PQexecParams(r->conn, "SELECT set_config('search_path', $1, true), "
			   "set_config('hearth.service_role', $2, true)", 2, NULL, ctx, NULL, NULL, 0);
	if (!migrate_result_ok(res)) {
		fprintf(stderr, "hearthctl migrate: %s: %s", path, PQerrorMessage(r->conn));
		goto out;
	}
	PQclear(res);
	res = PQexec(r->conn, sql);
	if (!migrate_result_ok(res)) {
		fprintf(stderr, "hearthctl migrate: %s failed: %s", path, PQerrorMessage(r->conn));
		goto out;
	}
	PQclear(res);
	res = PQexecParams(r->conn, "INSERT INTO hearth.schema_migrations "
			   "(scope, version, name, checksum) VALUES ($1, $2::int, $3, $4)",
			   4, NULL, rec, NULL, NULL, 0);
	if (!migrate_result_ok(res)) {
		fprintf(stderr, "hearthctl migrate: recording %s: %s", path, PQerrorMessage(r->conn));
		goto out;
	}
	if (migrate_exec(r->conn, "COMMIT", path) != 0)
		goto out;
	fprintf(r->out, "applied %s %s\n", scope, m->name);
	r->applied++;
	rc = 0;
out:
	PQclear(res);
	if (rc != 0)
		migrate_rollback(r->conn);
	return rc;
}

int migrate_apply_dir(struct migrate_run *r, const char *dir, const char *scope, const char *search_path,
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

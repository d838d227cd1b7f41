/*
 * seed.c - `hearthctl seed-demo`: the fictional consortium a newcomer browses.
 *
 * The data lives in SQL files next to the code that owns it
 * (services/admin/seed/ for the tenant, services/<s>/seed/ for each service),
 * with fixed ids and ON CONFLICT DO NOTHING, so a second run changes nothing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "admin.h"

#define MAX_FILES 64

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		text = malloc((size_t)size + 1);
		if (text && fread(text, 1, (size_t)size, f) == (size_t)size) {
			text[size] = '\0';
		} else {
			free(text);
			text = NULL;
		}
	}
	fclose(f);
	return text;
}

static int run_file(PGconn *db, const char *path, FILE *out)
{
	char *sql = read_file(path);
	PGresult *res;
	int rc = 1;

	if (!sql) {
		fprintf(stderr, "hearthctl: seed-demo: cannot read %s\n", path);
		return 1;
	}
	res = PQexec(db, "BEGIN");
	PQclear(res);
	res = PQexec(db, sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK) {
		PQclear(res);
		res = PQexec(db, "COMMIT");
		rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : 1;
	} else {
		fprintf(stderr, "hearthctl: seed-demo: %s: %s", path, PQerrorMessage(db));
		PQclear(res);
		res = PQexec(db, "ROLLBACK");
	}
	PQclear(res);
	free(sql);
	if (rc == 0)
		fprintf(out, "seeded %s\n", path);
	return rc;
}

/* Run every *.sql of `dir` in name order; a missing folder is not an error. */
static int run_folder(PGconn *db, const char *dir, FILE *out)
{
	char *names[MAX_FILES];
	size_t n = 0;
	int rc = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_FILES) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		if (rc == 0 && names[i]) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			rc = run_file(db, path, out);
		}
		free(names[i]);
	}
	return rc;
}

int hearthctl_seed_demo(const char *admin_conninfo, const char *root, FILE *out)
{
	char path[4096];
	PGconn *db = PQconnectdb(admin_conninfo);
	char **services = NULL;
	int n = 0, rc = 1;

	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "hearthctl: seed-demo: cannot connect: %s", PQerrorMessage(db));
		goto out;
	}
	PQclear(PQexec(db, "SET client_min_messages = warning"));
	snprintf(path, sizeof(path), "%s/services/admin/seed", root);
	if (run_folder(db, path, out) != 0)
		goto out;
	/* Same order as the migrations: a service's demo rows may refer to
	 * another's (placements name the demo providers). */
	if (hearthctl_services_in_order(root, &services, &n) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/services/%s/seed", root, services[i]);
		if (run_folder(db, path, out) != 0)
			goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < n; i++)
		free(services[i]);
	free(services);
	PQfinish(db);
	return rc;
}

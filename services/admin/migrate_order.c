/*
 * migrate_order.c - which services there are and in what order they migrate
 * (hearthctl_services_in_order in admin.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin.h"
#include "migrate.h"

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

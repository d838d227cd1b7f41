/*
 * admin.h - the hearthctl commands, one function per command, called by main.c.
 * Each prints its results on `out` and its errors on stderr, and returns the
 * process exit status (0 success, 1 failure).
 */
#ifndef HEARTH_ADMIN_H
#define HEARTH_ADMIN_H

#include <stdio.h>

/* Apply pending migrations under `migrations_root` (the directory holding
 * services/): the global ones, then for each services/<s>/migrations directory
 * the role hearth_<s>, the schema <s>, the shared per-service migrations and
 * the service's own. Prints each file applied, or that nothing was pending.
 * Refuses (1) if an applied file's checksum changed. */
int hearthctl_migrate(const char *admin_conninfo, const char *migrations_root, FILE *out);

/* Insert a tenant; prints its id on `out`. `id_or_null` chooses the id (UUID
 * text) instead of a generated one. An existing slug or id is an error (1). */
int hearthctl_tenant_create(const char *admin_conninfo, const char *name, const char *slug,
			    const char *id_or_null, FILE *out);

/* Load the demo consortium: runs services/admin/seed/NNN_*.sql, then each
 * service's services/<s>/seed/NNN_*.sql, in one transaction per file. Idempotent (fixed ids,
 * ON CONFLICT DO NOTHING). */
int hearthctl_seed_demo(const char *admin_conninfo, const char *migrations_root, FILE *out);

/* The services under `root` (those with services/<s>/migrations), each after
 * the services named in its migrations/AFTER file. 0, or -1 with a message on
 * stderr. Free each name and the array. */
int hearthctl_services_in_order(const char *root, char ***out, int *n_out);

/* `hearthctl token ...` (arguments after the command name); 0, 1, or 2 for usage. */
int hearthctl_token(int argc, char **argv);

/* Fill values[k] from "--names[k] VALUE" pairs; -1 (message printed) on an
 * unknown flag or a flag without value. `names` is NULL-terminated. */
int hearthctl_parse_flags(int argc, char **argv, const char *const *names, const char **values);

#endif

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

/* What `hearthctl tenant create` makes: the tenant and its consortium team. */
struct hearth_tenant_request {
	const char *name;     /* required */
	const char *slug;     /* required, ^[a-z0-9-]{2,63}$ */
	const char *id;       /* tenant id (UUID text), or NULL for a new one */
	const char *org_id;   /* team organisation id, or NULL for a new one */
	const char *org_name; /* team organisation name, or NULL for the tenant's name */
	int json;             /* print {"tenant_id", "organisation_id"} instead of text */
};

/* Insert a tenant and its consortium team organisation in one transaction, so a
 * tenant_admin token for the team can administer the tenant at once; prints
 * both ids on `out`. An existing slug or id is an error (1), and then nothing
 * is created. */
int hearthctl_tenant_create(const char *admin_conninfo, const struct hearth_tenant_request *t,
			    FILE *out);

/* Load the demo consortium: runs services/admin/seed/NNN_*.sql, then each
 * service's services/<s>/seed/NNN_*.sql, in one transaction per file. Idempotent (fixed ids,
 * ON CONFLICT DO NOTHING). */
int hearthctl_seed_demo(const char *admin_conninfo, const char *migrations_root, FILE *out);

/* The services under `root` (those with services/<s>/migrations), each after
 * the services named in its migrations/AFTER file. 0, or -1 with a message on
 * stderr. Free each name and the array. */
int hearthctl_services_in_order(const char *root, char ***out, int *n_out);

/* What `hearthctl import ofsted-providers` imports, and for whom. */
struct hearth_import_request {
	const char *file;    /* Ofsted's providers and inspections CSV */
	const char *tenant;  /* tenant id (UUID text) */
	const char *org;     /* organisation the import acts for, or NULL: the
			      * tenant's consortium team */
	int json;            /* print the summary as one JSON object */
	int dry_run;         /* do everything, then roll each row back */
};

/* Import Ofsted's provider file into the settings of a tenant
 * (ofsted_import.h says how). Prints the summary on `out`. Returns 0 when
 * every row was good, 1 when the file was refused (nothing written), the
 * import had to stop (rows before it written) or some rows were bad (they
 * are listed; the good ones are written). */
int hearthctl_import_ofsted(const char *admin_conninfo, const struct hearth_import_request *req,
			    FILE *out);

/* `hearthctl token ...` (arguments after the command name); 0, 1, or 2 for usage. */
int hearthctl_token(int argc, char **argv);

/* Fill values[k] from "--names[k] VALUE" pairs; -1 (message printed) on an
 * unknown flag or a flag without value. `names` is NULL-terminated. */
int hearthctl_parse_flags(int argc, char **argv, const char *const *names, const char **values);

#endif

/*
 * migrate.h - pieces of the migration runner (hearthctl_migrate in admin.h)
 * that are pure functions, shared by its files and checked by tests/unit/admin.
 */
#ifndef HEARTH_ADMIN_MIGRATE_H
#define HEARTH_ADMIN_MIGRATE_H

/* The version of a migration file named "<digits>_<name>.sql" (e.g. 1 for
 * "001_core.sql"), or -1 if the name does not have that shape. */
int hearth_migration_version(const char *file_name);

/* 1 if `name` can be a service: [a-z][a-z0-9_]{0,47}, so that "hearth_<name>"
 * is a valid role name and <name> a schema name without quoting. */
int hearth_migration_service_name_ok(const char *name);

#endif

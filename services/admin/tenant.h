/*
 * tenant.h - the slug rule behind hearthctl_tenant_create (admin.h), also
 * checked by tests/unit/admin.
 */
#ifndef HEARTH_ADMIN_TENANT_H
#define HEARTH_ADMIN_TENANT_H

/* 1 if `slug` matches ^[a-z0-9-]{2,63}$ (the same rule as hearth.tenants). */
int hearth_tenant_slug_valid(const char *slug);

#endif

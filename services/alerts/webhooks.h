/*
 * webhooks.h - what the webhook files of the alerts service share (API.md §6):
 * the subscription and delivery endpoints, their statements, the process's
 * webhook settings and the sender worker.
 *
 * Subscriptions, deliveries and their attempts are the caller's
 * organisation's own (row-level security by tenant and organisation, alerts
 * 010). Organisation administrators and commissioners manage them; every role
 * of the organisation reads them. The secret leaves the service only in the
 * answer of a create and of a rotation ({"rotate_secret": true}).
 */
#ifndef HEARTH_ALERTS_WEBHOOKS_H
#define HEARTH_ALERTS_WEBHOOKS_H

#include "hearth/config.h"
#include "hearth/db.h"
#include "hearth/http.h"
#include "hearth/resource.h"
#include "hearth/worker.h"
#include "webhook_settings.h"

/* Who manages an organisation's subscriptions. */
#define WEBHOOK_MANAGER_ROLES (HEARTH_ROLE_TENANT_ADMIN | HEARTH_ROLE_COMMISSIONER)

/* Load the process's webhook settings (webhook_settings.h) once at start.
 * Returns 0, or the number of bad settings, each named on `errors`. */
int webhooks_configure(hearth_env_lookup lookup, void *ctx, FILE *errors);
/* The settings loaded by webhooks_configure (defaults before it). */
const struct webhook_settings *webhooks_settings(void);

/* == subscriptions (subscriptions.c) == */
extern const struct hearth_resource subscription_resource;
void subscriptions_handle_create(struct hearth_request *req);
void subscriptions_handle_patch(struct hearth_request *req);

/* == deliveries (deliveries.c) == */
void deliveries_handle_list(struct hearth_request *req);
void deliveries_handle_get(struct hearth_request *req);
void deliveries_handle_redeliver(struct hearth_request *req);

/* == statements (webhooks_repo.c) == */
extern const struct hearth_stmt_def webhook_stmts[];

/* == the sender (webhook_worker.c) == */
void webhook_worker_run(struct hearth_worker *w, void *arg);

#endif

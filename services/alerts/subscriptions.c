/*
 * subscriptions.c - webhook subscriptions: fields, the URL and pattern rules,
 * the resource descriptors, and the create and patch handlers that make and
 * rotate the secret (the generic handlers do the rest: RLS transaction,
 * Idempotency-Key, If-Match, merge patch, audit, ETag, keyset lists, CSV).
 *
 * The secret is made here (webhook_secret_new, RAND_bytes) and handed to the
 * generic handlers as a field of the body only through `with_secret`, whose
 * statements return it; a client cannot send one (400 naming secret).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "webhooks.h"
#include "webhook_sign.h"
#include "webhook_url.h"

static struct webhook_settings settings;

int webhooks_configure(hearth_env_lookup lookup, void *ctx, FILE *errors)
{
	return webhook_settings_load(&settings, lookup, ctx, errors);
}

const struct webhook_settings *webhooks_settings(void)
{
	return &settings;
}

static const char *const subscription_statuses[] = { "active", "paused", "disabled", NULL };

static const struct hearth_field_spec event_type_spec = {
	.name = "event_type", .type = HJ_STRING, .min_len = 1, .max_len = 100,
};

#define SUBSCRIPTION_FIELDS                                                                  \
	{ .name = "url", .type = HJ_STRING, .flags = HJ_REQUIRED, .min_len = 1,               \
	  .max_len = WEBHOOK_URL_MAX },                                                       \
	{ .name = "event_types", .type = HJ_ARRAY, .flags = HJ_REQUIRED | HJ_UNIQUE,          \
	  .items = &event_type_spec, .min_items = 1, .max_items = 32 },                       \
	{ .name = "description", .type = HJ_STRING, .flags = HJ_NULLABLE, .min_len = 1,       \
	  .max_len = 500 },                                                                   \
	{ .name = "status", .type = HJ_STRING, .enum_values = subscription_statuses },        \
	{ .name = "org_id", .type = HJ_UUID, .flags = HJ_READONLY },                          \
	{ .name = "disabled_reason", .type = HJ_STRING, .flags = HJ_READONLY },               \
	{ .name = "secret_rotated_at", .type = HJ_TIMESTAMP, .flags = HJ_READONLY }

static const struct hearth_field_spec subscription_fields[] = {
	SUBSCRIPTION_FIELDS,
	{ .name = "secret", .type = HJ_STRING, .flags = HJ_READONLY },
	{ .name = NULL },
};

static const struct hearth_field_spec subscription_fields_with_secret[] = {
	SUBSCRIPTION_FIELDS,
	{ .name = "secret", .type = HJ_STRING, .min_len = 1, .max_len = 100 },
	{ .name = NULL },
};

/* An exact type ("alerts.alert.created") or a prefix pattern ("alerts.alert.*"):
 * lower-case words joined by dots. */
static int event_pattern_ok(const char *s)
{
	size_t word = 0;

	for (; *s; s++) {
		if (*s == '.') {
			if (word == 0)
				return 0;
			word = 0;
			if (strcmp(s + 1, "*") == 0)
				return 1;
		} else if ((*s >= 'a' && *s <= 'z') || (word > 0 && ((*s >= '0' && *s <= '9') ||
								     *s == '_'))) {
			word++;
		} else {
			return 0;
		}
	}
	return word > 0;
}

/* The URL must pass the form rules and resolve to allowed addresses (checked
 * when it is set: a patch that leaves it alone does not resolve it again);
 * every pattern must be well formed. */
static int check_subscription(const json_t *doc, struct hearth_request *req,
			      struct hearth_problem *p)
{
	const json_t *types = json_object_get(doc, "event_types");
	const char *url = hearth_json_text(doc, "url");
	int url_set = strcmp(req->method, "POST") == 0 || json_object_get(req->json, "url");
	struct webhook_target target;
	const char *why = NULL;
	size_t i;
	json_t *t;
	int rc = 0;

	if (url_set && url && (webhook_url_check(url, &settings.allow, &target, &why) < 0 ||
			       webhook_url_resolve_check(&target, &why) < 0)) {
		hearth_problem_field(p, "url", "%s", why);
		rc = -1;
	}
	json_array_foreach(types, i, t) {
		if (!event_pattern_ok(json_string_value(t))) {
			hearth_problem_field(p, "event_types",
					     "each must be an event type such as "
					     "alerts.alert.created or a pattern such as "
					     "alerts.alert.*");
			rc = -1;
			break;
		}
	}
	return rc;
}

static const struct hearth_constraint_field subscription_constraints[] = {
	{ "subscriptions_event_types_check", "event_types",
	  "each must be an event type such as alerts.alert.created or a pattern such as "
	  "alerts.alert.*" },
	{ NULL, NULL, NULL },
};

static const struct hearth_filter subscription_filters[] = {
	{ "status", HEARTH_FILTER_ENUM, subscription_statuses },
	{ NULL, 0, NULL },
};

static const char *const subscription_csv[] = {
	"id", "org_id", "url", "event_types", "description", "status", "disabled_reason",
	"secret_rotated_at", "version", "created_at", "updated_at", NULL,
};

#define SUBSCRIPTION_RESOURCE                                                                \
	.name = "subscription", .collection_path = "/v1/subscriptions",                       \
	.stmt_insert = "subscription_insert", .stmt_get = "subscription_get",                 \
	.stmt_lock = "subscription_lock", .stmt_update = "subscription_update",               \
	.stmt_list = "subscription_list", .filters = subscription_filters,                    \
	.csv_columns = subscription_csv, .check = check_subscription,                         \
	.constraint_fields = subscription_constraints

const struct hearth_resource subscription_resource = {
	SUBSCRIPTION_RESOURCE,
	.fields = subscription_fields,
};

/* The same, with the secret the handlers below put into the body. */
static const struct hearth_resource with_secret = {
	SUBSCRIPTION_RESOURCE,
	.fields = subscription_fields_with_secret,
};

/* Put a new secret into the body. -1 with the answer sent. */
static int add_new_secret(struct hearth_request *req)
{
	char secret[WEBHOOK_SECRET_BUF];
	int rc = 0;

	if (webhook_secret_new(secret, sizeof(secret)) < 0 ||
	    json_object_set_new(req->json, "secret", json_string(secret)) < 0) {
		hearth_respond_error(req, 503, "unavailable", "No secret could be made; try again.");
		rc = -1;
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

void subscriptions_handle_create(struct hearth_request *req)
{
	struct hearth_problem p;

	/* The body is validated before a secret joins it, so a client's own
	 * "secret" is refused (read-only), never overwritten in silence. */
	hearth_problem_clear(&p);
	if (hearth_json_validate(req->json, subscription_fields, HEARTH_VALIDATE_CREATE, &p) != 0) {
		hearth_respond_problem(req, &p);
		return;
	}
	if (add_new_secret(req) == 0)
		hearth_resource_create(req, &with_secret);
}

/* A merge patch of the subscription's fields, plus {"rotate_secret": true}:
 * a new secret, answered once in this response (the old one stops signing). */
void subscriptions_handle_patch(struct hearth_request *req)
{
	json_t *rotate = json_object_get(req->json, "rotate_secret");
	struct hearth_problem p;

	if (!hearth_uuid_param(req, "id"))
		return;
	hearth_problem_clear(&p);
	if (rotate && !json_is_boolean(rotate))
		hearth_problem_field(&p, "rotate_secret", "must be true or false");
	if (json_object_get(req->json, "secret"))
		hearth_problem_field(&p, "secret",
				     "is made by the service; send \"rotate_secret\": true for a "
				     "new one");
	if (p.status) {
		hearth_respond_problem(req, &p);
		return;
	}
	if (!rotate) {
		hearth_resource_patch(req, &subscription_resource);
		return;
	}
	json_object_del(req->json, "rotate_secret");
	if (!json_is_true(rotate)) {
		hearth_resource_patch(req, &subscription_resource);
		return;
	}
	if (add_new_secret(req) == 0)
		hearth_resource_patch(req, &with_secret);
}

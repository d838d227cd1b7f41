/*
 * token.c - `hearthctl token`: mint a development token for a tenant, an
 * organisation and roles. Production tokens come from the identity provider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/auth.h"
#include "admin.h"

#define MAX_ROLES 8

static const char *env_or(const char *flag, const char *env)
{
	const char *v = getenv(env);
	return flag ? flag : (v && *v ? v : NULL);
}

static int split_roles(char *list, const char **roles)
{
	size_t n = 0;
	char *save = NULL;

	for (char *r = strtok_r(list, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		if (n >= MAX_ROLES || hearth_role_from_name(r) == 0) {
			fprintf(stderr, "hearthctl: unknown role \"%s\" (roles: tenant_admin, commissioner, "
					"qa_officer, viewer, provider, integration)\n", r);
			return -1;
		}
		roles[n++] = r;
	}
	roles[n] = NULL;
	return n ? 0 : -1;
}

int hearthctl_token(int argc, char **argv)
{
	static const char *const names[] = { "--tenant", "--org", "--roles", "--sub", "--ttl",
					     "--key", "--kid", "--iss", "--aud", NULL };
	const char *v[9] = { NULL };
	const char *roles[MAX_ROLES + 1];
	char roles_buf[256], err[256] = "", *end = NULL, *token = NULL;
	long ttl = 3600;
	struct hearth_token_request req;

	if (hearthctl_parse_flags(argc, argv, names, v) != 0)
		return 2;
	if (!v[0] || !v[1] || !v[2]) {
		fputs("hearthctl: token needs --tenant, --org and --roles\n", stderr);
		return 2;
	}
	if (v[4]) {
		ttl = strtol(v[4], &end, 10);
		if (*end || ttl < 1 || ttl > 86400 * 30) {
			fputs("hearthctl: --ttl must be 1 to 2592000 seconds\n", stderr);
			return 2;
		}
	}
	snprintf(roles_buf, sizeof(roles_buf), "%s", v[2]);
	if (split_roles(roles_buf, roles) != 0)
		return 2;
	memset(&req, 0, sizeof(req));
	req.private_key_file = env_or(v[5], "HEARTH_JWT_PRIVATE_KEY_FILE");
	req.kid = env_or(v[6], "HEARTH_JWT_PEM_KID");
	req.issuer = env_or(v[7], "HEARTH_JWT_ISSUER");
	req.audience = env_or(v[8], "HEARTH_JWT_AUDIENCE");
	req.sub = v[3] ? v[3] : "dev-user";
	req.tenant_id = v[0];
	req.org_id = v[1];
	req.roles = roles;
	req.issued_at = (long long)time(NULL);
	req.expires_at = req.issued_at + ttl;
	if (!req.private_key_file || !req.issuer || !req.audience) {
		fputs("hearthctl: token needs a key, an issuer and an audience (--key/--iss/--aud or "
		      "HEARTH_JWT_PRIVATE_KEY_FILE, HEARTH_JWT_ISSUER, HEARTH_JWT_AUDIENCE)\n", stderr);
		return 2;
	}
	token = hearth_token_mint(&req, err, sizeof(err));
	if (!token) {
		fprintf(stderr, "hearthctl: token: %s\n", err);
		return 1;
	}
	puts(token);
	free(token);
	return 0;
}

/*
 * hearthctl - the admin tool: migrate, seed-demo, token, tenant create,
 * import ofsted-providers.
 *
 * Database commands connect with HEARTH_ADMIN_DATABASE_URL (a role that owns
 * the schemas, e.g. the cluster's superuser). Token minting reads the private
 * key and the issuer/audience from the environment, with flags to override.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/util.h"
#include "admin.h"

static void usage(FILE *out)
{
	fputs("usage: hearthctl <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  migrate [--dir DIR]        apply pending migrations (DIR holds services/*/migrations;\n"
	      "                             default $HEARTH_HOME, else the current directory)\n"
	      "  seed-demo [--dir DIR]      load the demo consortium (idempotent)\n"
	      "  token --tenant UUID --org UUID --roles R1,R2 [--sub S] [--ttl SECONDS]\n"
	      "        [--key FILE] [--kid KID] [--iss ISSUER] [--aud AUDIENCE]\n"
	      "                             mint a development token (printed on stdout)\n"
	      "  tenant create --name NAME --slug SLUG [--id UUID] [--org-id UUID]\n"
	      "                [--org-name NAME] [--json]\n"
	      "                             create a tenant and its consortium team\n"
	      "                             organisation; print both ids\n"
	      "  import ofsted-providers FILE.csv --tenant UUID [--org UUID] [--json] [--dry-run]\n"
	      "                             update the tenant's Ofsted settings and record new\n"
	      "                             inspections from Ofsted's providers and inspections\n"
	      "                             file; unknown URNs and bad rows are listed\n"
	      "\n"
	      "environment: HEARTH_ADMIN_DATABASE_URL (migrate, seed-demo, tenant, import);\n"
	      "  HEARTH_JWT_PRIVATE_KEY_FILE, HEARTH_JWT_PEM_KID, HEARTH_JWT_ISSUER,\n"
	      "  HEARTH_JWT_AUDIENCE (token)\n",
	      out);
}

/* Pick --name VALUE pairs out of argv; 0, or -1 on an unknown or valueless flag. */
static const char *admin_conninfo(void)
{
	const char *url = getenv("HEARTH_ADMIN_DATABASE_URL");

	if (!url || !*url)
		fputs("hearthctl: HEARTH_ADMIN_DATABASE_URL is required but not set\n", stderr);
	return url && *url ? url : NULL;
}

static const char *home_dir(const char *flag)
{
	const char *env = getenv("HEARTH_HOME");

	if (flag)
		return flag;
	return env && *env ? env : ".";
}

static int cmd_db(int argc, char **argv, int seed)
{
	static const char *const names[] = { "--dir", NULL };
	const char *values[1] = { NULL };
	const char *conninfo;

	if (hearthctl_parse_flags(argc, argv, names, values) != 0)
		return 2;
	conninfo = admin_conninfo();
	if (!conninfo)
		return 2;
	return seed ? hearthctl_seed_demo(conninfo, home_dir(values[0]), stdout)
		    : hearthctl_migrate(conninfo, home_dir(values[0]), stdout);
}

static int cmd_tenant(int argc, char **argv)
{
	static const char *const names[] = { "--name", "--slug", "--id", "--org-id", "--org-name",
					     NULL };
	const char *values[5] = { NULL, NULL, NULL, NULL, NULL };
	char *flags[32];
	int n_flags = 0;
	struct hearth_tenant_request t = { 0 };
	const char *conninfo;

	if (argc < 1 || strcmp(argv[0], "create") != 0) {
		fputs("hearthctl: tenant: the only subcommand is \"create\"\n", stderr);
		return 2;
	}
	/* --json takes no value; the rest are --name VALUE pairs. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			t.json = 1;
		else if (n_flags < (int)(HEARTH_ARRAY_SIZE(flags)))
			flags[n_flags++] = argv[i];
		else {
			fputs("hearthctl: tenant create: too many arguments\n", stderr);
			return 2;
		}
	}
	if (hearthctl_parse_flags(n_flags, flags, names, values) != 0)
		return 2;
	if (!values[0] || !values[1]) {
		fputs("hearthctl: tenant create needs --name and --slug\n", stderr);
		return 2;
	}
	conninfo = admin_conninfo();
	if (!conninfo)
		return 2;
	t.name = values[0];
	t.slug = values[1];
	t.id = values[2];
	t.org_id = values[3];
	t.org_name = values[4];
	return hearthctl_tenant_create(conninfo, &t, stdout);
}

static int cmd_import(int argc, char **argv)
{
	static const char *const names[] = { "--tenant", "--org", NULL };
	const char *values[2] = { NULL, NULL };
	char *flags[32];
	int n_flags = 0;
	struct hearth_import_request r = { 0 };
	const char *conninfo;

	if (argc < 1 || strcmp(argv[0], "ofsted-providers") != 0) {
		fputs("hearthctl: import: the only kind is \"ofsted-providers\"\n", stderr);
		return 2;
	}
	/* FILE anywhere; --json and --dry-run take no value; the rest are
	 * --name VALUE pairs. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			r.json = 1;
		} else if (strcmp(argv[i], "--dry-run") == 0) {
			r.dry_run = 1;
		} else if (argv[i][0] != '-' && !r.file) {
			r.file = argv[i];
		} else if (n_flags + 2 <= (int)(HEARTH_ARRAY_SIZE(flags))) {
			flags[n_flags++] = argv[i];
			if (argv[i][0] == '-' && i + 1 < argc)
				flags[n_flags++] = argv[++i];
		} else {
			fputs("hearthctl: import: too many arguments\n", stderr);
			return 2;
		}
	}
	if (hearthctl_parse_flags(n_flags, flags, names, values) != 0)
		return 2;
	if (!r.file || !values[0]) {
		fputs("hearthctl: import ofsted-providers needs FILE.csv and --tenant\n", stderr);
		return 2;
	}
	conninfo = admin_conninfo();
	if (!conninfo)
		return 2;
	r.tenant = values[0];
	r.org = values[1];
	return hearthctl_import_ofsted(conninfo, &r, stdout);
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "migrate") == 0)
		rc = cmd_db(argc - 2, argv + 2, 0);
	else if (strcmp(argv[1], "seed-demo") == 0)
		rc = cmd_db(argc - 2, argv + 2, 1);
	else if (strcmp(argv[1], "token") == 0)
		rc = hearthctl_token(argc - 2, argv + 2);
	else if (strcmp(argv[1], "tenant") == 0)
		rc = cmd_tenant(argc - 2, argv + 2);
	else if (strcmp(argv[1], "import") == 0)
		rc = cmd_import(argc - 2, argv + 2);
	else {
		fprintf(stderr, "hearthctl: unknown command \"%s\"\n", argv[1]);
		rc = 2;
	}
	if (rc == 2)
		usage(stderr);
	return rc;
}

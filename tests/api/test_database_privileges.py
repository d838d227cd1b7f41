"""The database's own guard, checked against the migrated schema of the test
stack: each service role holds exactly the privileges its tables need (stated
per table, none by default), no role may rewrite an outbox, a history or the
audit trail, the outbox is readable only by the event consumer role, and audit
rows are bound to the request's tenant and organisation."""
import subprocess

import pytest

from hearth_client import DEMO_COUNCIL, DEMO_COUNCIL_2, DEMO_TENANT
from records import as_role

# Every table of every service schema, and what its service role may do there.
EXPECTED = {
    "hearth_providers": {
        "providers.organisations": "SELECT,INSERT,UPDATE",
        "providers.providers": "SELECT,INSERT,UPDATE",
        "providers.settings": "SELECT,INSERT,UPDATE",
        "providers.frameworks": "SELECT,INSERT,UPDATE",
        "providers.framework_lots": "SELECT,INSERT,UPDATE,DELETE",
        "providers.framework_members": "SELECT,INSERT,UPDATE",
        "providers.framework_member_history": "SELECT,INSERT",
        "providers.framework_scores": "SELECT,INSERT,UPDATE",
        "providers.contracts": "SELECT,INSERT,UPDATE",
        "providers.outbox": "INSERT",
        "providers.idempotency_keys": "SELECT,INSERT,UPDATE,DELETE",
        "audit.events": "INSERT",
    },
    "hearth_placements": {
        "placements.children": "SELECT,INSERT,UPDATE",
        "placements.placements": "SELECT,INSERT,UPDATE",
        "placements.ipas": "SELECT,INSERT",
        # Kept by triggers as their owner (placements 030); read by reports.
        "placements.sufficiency_open": "SELECT",
        "placements.outbox": "INSERT",
        "placements.idempotency_keys": "SELECT,INSERT,UPDATE,DELETE",
        "audit.events": "INSERT",
        # Read-only views of the register it needs (API.md §7 moves these to
        # published functions).
        "providers.organisations": "SELECT",
        "providers.providers": "SELECT",
        "providers.settings": "SELECT",
    },
    # Reads the register and placements only through published functions
    # (providers_api, placements_api): no table of another schema.
    "hearth_qa": {
        "qa.inspections": "SELECT,INSERT,UPDATE",
        "qa.placement_stops": "SELECT,INSERT,UPDATE",
        "qa.placement_stop_acknowledgements": "SELECT,INSERT",
        "qa.concerns": "SELECT,INSERT,UPDATE",
        "qa.qa_policies": "SELECT,INSERT,UPDATE",
        "qa.visits": "SELECT,INSERT,UPDATE",
        "qa.reg44_reports": "SELECT,INSERT",
        "qa.reg45_reviews": "SELECT,INSERT",
        "qa.action_plans": "SELECT,INSERT,UPDATE",
        "qa.risk_overrides": "SELECT,INSERT",
        "qa.outbox": "INSERT",
        "qa.idempotency_keys": "SELECT,INSERT,UPDATE,DELETE",
        "audit.events": "INSERT",
    },
    # The event consumer: reads every outbox through hearth_event_reader.
    "hearth_alerts": {
        "alerts.alerts": "SELECT,INSERT,UPDATE",
        "alerts.alert_deadlines": "SELECT,INSERT,UPDATE",
        "alerts.alert_rules": "SELECT,INSERT,UPDATE",
        "alerts.holidays": "SELECT,INSERT",
        "alerts.consumer_positions": "SELECT,UPDATE",
        "alerts.known_tenants": "SELECT,INSERT",
        "alerts.outbox": "SELECT,INSERT",
        "alerts.idempotency_keys": "SELECT,INSERT,UPDATE,DELETE",
        # Webhooks: the delivery log is written only by alerts.webhook_record.
        "alerts.subscriptions": "SELECT,INSERT,UPDATE",
        "alerts.deliveries": "SELECT,INSERT,UPDATE",
        "alerts.delivery_attempts": "SELECT",
        "providers.outbox": "SELECT",
        "placements.outbox": "SELECT",
        "qa.outbox": "SELECT",
        "audit.events": "INSERT",
    },
}
PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]


def admin_psql(stack_env, sql):
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-v", "ON_ERROR_STOP=1",
                          "-At", "-F", "|", "-c", sql], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return [line for line in out.stdout.splitlines() if line]


def in_request(tenant, org, sql):
    return (f"BEGIN; SELECT hearth.begin_request('{tenant}', '{org}', 'attacker', 'commissioner', "
            f"'rid'); {sql}; COMMIT")


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_holds_exactly_its_per_table_privileges(stack_env, role):
    checks = ", ".join(f"has_table_privilege('{role}', c.oid, '{p}') AS {p.lower()}"
                       for p in PRIVILEGES)
    rows = admin_psql(stack_env, f"""
        SELECT n.nspname || '.' || c.relname, {checks}
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 1""")
    held = {}
    for row in rows:
        name, *flags = row.split("|")
        granted = ",".join(p for p, f in zip(PRIVILEGES, flags) if f == "t")
        if granted:
            held[name] = granted
    assert held == EXPECTED[role]


def test_no_table_privilege_is_granted_by_default(stack_env):
    rows = admin_psql(stack_env, """
        SELECT n.nspname, d.defaclacl::text FROM pg_default_acl d
        JOIN pg_namespace n ON n.oid = d.defaclnamespace
        WHERE d.defaclobjtype = 'r' AND d.defaclacl::text LIKE '%hearth_%'""")
    assert rows == []


@pytest.mark.parametrize("role, sql", [
    ("hearth_placements", "UPDATE placements.outbox SET payload = '{}'"),
    ("hearth_placements", "DELETE FROM placements.outbox"),
    ("hearth_placements", "SELECT count(*) FROM placements.outbox"),
    ("hearth_qa", "SELECT count(*) FROM qa.outbox"),
    ("hearth_qa", "UPDATE qa.outbox SET payload = '{}'"),
    ("hearth_qa", "SELECT count(*) FROM providers.settings"),
    ("hearth_qa", "SELECT count(*) FROM placements.placements"),
    ("hearth_qa", "UPDATE qa.placement_stop_acknowledgements SET note = 'rewritten'"),
    ("hearth_qa", "DELETE FROM qa.placement_stops"),
    # Written only by qa.announce_overdue_action_items(), as its owner.
    ("hearth_qa", "SELECT count(*) FROM qa.action_item_announcements"),
    ("hearth_qa", "DELETE FROM qa.action_item_announcements"),
    ("hearth_providers", "SELECT count(*) FROM providers.outbox"),
    ("hearth_providers", "UPDATE providers.framework_member_history SET reason = 'rewritten'"),
    ("hearth_placements", "UPDATE placements.ipas SET weekly_fee_pence = 1"),
    ("hearth_placements", "UPDATE placements.sufficiency_open SET placements = 0"),
    ("hearth_placements", "INSERT INTO placements.sufficiency_open SELECT * FROM "
                          "placements.sufficiency_open"),
    ("hearth_placements", "SELECT count(*) FROM audit.events"),
    ("hearth_providers", "UPDATE audit.events SET status = 200"),
    ("hearth_placements", "SELECT count(*) FROM hearth.tenants"),
    ("hearth_providers", "INSERT INTO hearth.tenants (name, slug) VALUES ('x', 'rogue-tenant')"),
])
def test_a_service_role_cannot_read_or_rewrite_what_is_not_its_to(stack_env, role, sql):
    out = as_role(stack_env, role, in_request(DEMO_TENANT, DEMO_COUNCIL, sql))
    assert out.returncode != 0
    assert "permission denied" in out.stderr


@pytest.mark.parametrize("values", [
    # another tenant
    "('11111111-1111-4111-8111-111111111111', NULL, 'GET', '/x', 200)",
    # another organisation of the same tenant
    f"('{DEMO_TENANT}', '{DEMO_COUNCIL_2}', 'GET', '/x', 200)",
])
def test_audit_rows_are_bound_to_the_request(stack_env, values):
    out = as_role(stack_env, "hearth_placements", in_request(
        DEMO_TENANT, DEMO_COUNCIL,
        f"INSERT INTO audit.events (tenant_id, org_id, method, path, status) VALUES {values}"))
    assert out.returncode != 0
    assert "row-level security" in out.stderr


def test_audit_rows_cannot_pose_as_another_service(stack_env):
    out = as_role(stack_env, "hearth_placements", in_request(
        DEMO_TENANT, DEMO_COUNCIL,
        f"INSERT INTO audit.events (service, tenant_id, org_id, method, path, status) "
        f"VALUES ('hearth_providers', '{DEMO_TENANT}', '{DEMO_COUNCIL}', 'GET', '/x', 200)"))
    assert out.returncode != 0
    assert "row-level security" in out.stderr


def test_the_request_own_audit_row_is_accepted(stack_env):
    out = as_role(stack_env, "hearth_placements", in_request(
        DEMO_TENANT, DEMO_COUNCIL,
        f"INSERT INTO audit.events (tenant_id, org_id, method, path, status, request_id) "
        f"VALUES ('{DEMO_TENANT}', '{DEMO_COUNCIL}', 'GET', '/x', 200, 'own-row-probe')"))
    assert out.returncode == 0, out.stderr
    assert admin_psql(stack_env, "SELECT service FROM audit.events "
                                 "WHERE request_id = 'own-row-probe'") == ["hearth_placements"]


def test_the_event_reader_reads_every_tenants_events_and_writes_none(stack_env):
    rows = admin_psql(stack_env, """
        BEGIN; SET LOCAL ROLE hearth_event_reader;
        SELECT count(DISTINCT tenant_id) > 0, count(*) > 0 FROM placements.outbox;
        COMMIT""")
    assert "t|t" in rows
    out = subprocess.run(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-c",
                          "BEGIN; SET LOCAL ROLE hearth_event_reader; "
                          "DELETE FROM providers.outbox; COMMIT"], capture_output=True, text=True)
    assert out.returncode != 0 and "permission denied" in out.stderr
    # It cannot log in: it is granted to the consumer's role, not used directly.
    assert admin_psql(stack_env, "SELECT rolcanlogin FROM pg_roles "
                                 "WHERE rolname = 'hearth_event_reader'") == ["f"]


# The functions one service publishes for another (API.md §7): executable by
# the role they are published for only, answering only about the request's
# own tenant.
PUBLISHED = [
    ("providers_api.setting_profile", "'{tenant}', '00000000-0000-4000-8000-0000000b0013'",
     ("hearth_qa", "hearth_alerts")),
    ("providers_api.provider_profile", "'{tenant}', '00000000-0000-4000-8000-0000000a0010'",
     ("hearth_qa", "hearth_alerts")),
    ("providers_api.organisations_of_kind", "'{tenant}', 'consortium'", "hearth_alerts"),
    ("placements_api.councils_with_child_at",
     "'{tenant}', '00000000-0000-4000-8000-0000000a0010', NULL, current_date",
     ("hearth_qa", "hearth_alerts")),
    ("placements_api.placements_started_by_child",
     "'{tenant}', '00000000-0000-4000-8000-0000000f0001', 12", "hearth_alerts"),
    ("qa_api.stop_acknowledgers", "'{tenant}', '00000000-0000-4000-8000-000000110001'",
     "hearth_alerts"),
    ("qa_api.stop_issuer", "'{tenant}', '00000000-0000-4000-8000-000000110001'",
     "hearth_alerts"),
    ("qa_api.reg44_missing", "'{tenant}', current_date", "hearth_alerts"),
    ("placements_api.settings_with_children", "'{tenant}', NULL, current_date", "hearth_qa"),
    ("placements_api.is_own_child", "'{tenant}', '00000000-0000-4000-8000-0000000e0003'",
     "hearth_qa"),
    ("placements_api.settings_with_children_by_month",
     "'{tenant}', (current_date - 365), current_date", "hearth_qa"),
    ("placements_api.own_provider", "'{tenant}'", "hearth_qa"),
    ("placements_api.settings_placed",
     "'{tenant}', NULL, NULL, current_date, (current_date - 90), current_date", "hearth_qa"),
    ("placements_api.settings_occupied",
     "'{tenant}', NULL, current_date, (current_date - 90), current_date", "hearth_qa"),
    ("placements_api.settings_occupied_masks",
     "'{tenant}', NULL, current_date, (current_date - 90), current_date", "hearth_qa"),
    ("placements_api.unplanned_endings", "'{tenant}', (current_date - 365), current_date",
     "hearth_qa"),
    ("placements_api.provider_scorecard_aggregates",
     "'{tenant}', (current_date - 365), current_date", "hearth_qa"),
    ("qa_api.stop_in_force", "'{tenant}', '00000000-0000-4000-8000-0000000a0010', "
     "'00000000-0000-4000-8000-0000000b0013', current_date", "hearth_placements"),
]


@pytest.mark.parametrize("function, args, grantee", PUBLISHED)
def test_published_functions_serve_their_grantee_for_its_own_tenant(stack_env, function, args,
                                                                     grantee):
    grantees = grantee if isinstance(grantee, tuple) else (grantee,)
    call = f"SELECT count(*) FROM {function}({args.format(tenant=DEMO_TENANT)})"
    for grantee in grantees:
        out = as_role(stack_env, grantee, in_request(DEMO_TENANT, DEMO_COUNCIL, call))
        assert out.returncode == 0, out.stderr
        # BEGIN, the organisation kind begin_request() returns, the count, COMMIT
        assert int(out.stdout.split()[2]) >= 1
    other = args.format(tenant="11111111-1111-4111-8111-111111111111")
    out = as_role(stack_env, grantee, in_request(DEMO_TENANT, DEMO_COUNCIL,
                                                 f"SELECT count(*) FROM {function}({other})"))
    assert out.returncode != 0 and "own tenant" in out.stderr
    for role in ("hearth_providers", "hearth_placements", "hearth_qa", "hearth_alerts"):
        if role in grantees:
            continue
        out = as_role(stack_env, role, in_request(DEMO_TENANT, DEMO_COUNCIL, call))
        assert out.returncode != 0 and "permission denied" in out.stderr, (role, out.stderr)


@pytest.mark.parametrize("function", [f for f, _, _ in PUBLISHED])
def test_published_functions_pin_their_search_path_and_definer(stack_env, function):
    schema, name = function.split(".")
    rows = admin_psql(stack_env, f"""
        SELECT p.prosecdef, c.setting
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        LEFT JOIN LATERAL unnest(p.proconfig) AS c(setting) ON true
        WHERE n.nspname = '{schema}' AND p.proname = '{name}'""")
    assert "t|search_path=pg_catalog, pg_temp" in rows
    # Beside it, only how the function's statements are planned (placements
    # 043): nothing that changes what they read or as whom.
    for row in rows:
        definer, setting = row.split("|", 1)
        assert definer == "t"
        assert setting.split("=")[0] in ("search_path", "plan_cache_mode"), row


def test_settings_occupied_answers_what_settings_placed_does(stack_env):
    """placements_api.settings_occupied (placements 022, its months from
    settings_occupied_masks since 040) reads the open placements one probe
    per setting; settings_placed (013) reads them all.
    Same settings, same 'a child on the day', same months, for the whole
    tenant and per provider, on month starts, month ends and mid-months
    across the demo data, 1- to 12-month windows."""
    compare = """
        WITH cases AS (
            SELECT c.provider, d.day, (d.day - make_interval(months => w.months))::date AS from_day,
                   (d.day - interval '1 month')::date AS to_day
            FROM (SELECT (date_trunc('month', current_date) - make_interval(months => m))::date
                         + o AS day
                  FROM generate_series(0, 40) AS m, unnest(ARRAY[0, 14, 27]) AS o) d
            CROSS JOIN (VALUES (1), (3), (12)) AS w(months)
            CROSS JOIN (SELECT NULL::uuid AS provider
                        UNION ALL
                        SELECT * FROM (SELECT DISTINCT provider_id FROM
                            placements_api.settings_placed('{tenant}', NULL, NULL, current_date,
                                (current_date - 365), current_date) LIMIT 3) p) c
        ), answers AS (
            SELECT c.*,
                   ARRAY(SELECT row(s.setting_id, s.provider_id, s.placements > 0, s.months)::text
                         FROM placements_api.settings_placed('{tenant}', NULL, c.provider, c.day,
                                                             c.from_day, c.to_day) s
                         ORDER BY 1) AS placed,
                   ARRAY(SELECT row(s.setting_id, s.provider_id, s.occupied, s.months)::text
                         FROM placements_api.settings_occupied('{tenant}', c.provider, c.day,
                                                               c.from_day, c.to_day) s
                         ORDER BY 1) AS occupied
            FROM cases c
        )
        SELECT count(*), count(*) FILTER (WHERE placed <> occupied),
               count(*) FILTER (WHERE cardinality(placed) > 0),
               min(day) FILTER (WHERE placed <> occupied)
        FROM answers""".format(tenant=DEMO_TENANT)
    out = as_role(stack_env, "hearth_qa", in_request(DEMO_TENANT, DEMO_COUNCIL, compare))
    assert out.returncode == 0, out.stderr
    cases, differ, answered, first = out.stdout.split()[2].split("|")
    assert differ == "0", f"{differ} of {cases} answers differ, first on {first}"
    assert int(answered) > int(cases) // 3, (answered, cases)


def test_the_overdue_announcer_runs_as_its_owner_for_the_qa_role_only(stack_env):
    """qa.announce_overdue_action_items() runs without a request (every
    tenant at once), so as its owner: pinned search_path, EXECUTE for
    hearth_qa alone (not PUBLIC, not the event reader)."""
    rows = admin_psql(stack_env, """
        SELECT p.prosecdef, array_to_string(p.proconfig, ','),
               has_function_privilege('hearth_qa', p.oid, 'EXECUTE'),
               has_function_privilege('hearth_event_reader', p.oid, 'EXECUTE'),
               has_function_privilege('hearth_placements', p.oid, 'EXECUTE')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'qa' AND p.proname = 'announce_overdue_action_items'""")
    assert rows == ["t|search_path=pg_catalog, pg_temp|t|f|f"]

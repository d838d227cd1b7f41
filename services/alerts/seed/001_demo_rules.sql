-- Demo: the demo tenant's alert rules, each its kind's default, stored as a
-- tenant's own (version 1) so PATCH /v1/alert-rules/{kind} has something to
-- change; and the demo tenant among those the periodic Reg 44 check visits.
INSERT INTO alerts.alert_rules (tenant_id, kind, doc)
SELECT '00000000-0000-4000-8000-00000000d001', d.kind, d.doc FROM alerts.rule_defaults() d
ON CONFLICT DO NOTHING;

INSERT INTO alerts.known_tenants VALUES ('00000000-0000-4000-8000-00000000d001')
ON CONFLICT DO NOTHING;

-- Demo webhook subscription: Aberhafren (c002) sends every alert of its own
-- to the small local receiver deploy/local/webhook-receiver.py (port 8199,
-- allowed over http by the local runner's HEARTH_WEBHOOK_ALLOW_HOSTS). The
-- secret is the demo's own, printed by the receiver, never a real one.
-- Re-running changes nothing.
INSERT INTO alerts.subscriptions (id, tenant_id, org_id, url, event_types, description, secret)
VALUES ('00000000-0000-4000-8000-000000140001', '00000000-0000-4000-8000-00000000d001',
        '00000000-0000-4000-8000-00000000c002', 'http://127.0.0.1:8199/hook',
        ARRAY['alerts.alert.*'], 'Demo receiver (deploy/local/webhook-receiver.py)',
        'whsec_cbEbJ17DrLxkoS9pWb/IZ7tDU3q41VuXjwLfwSbL65g=')
ON CONFLICT DO NOTHING;

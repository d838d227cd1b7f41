-- The demo tenant: a fictional regional consortium. Fixed ids so the local
-- runner and the README can mint tokens for it without looking anything up.
INSERT INTO hearth.tenants (id, name, slug)
VALUES ('00000000-0000-4000-8000-00000000d001', 'Severn Vale Children''s Consortium (demo)', 'severn-vale-demo')
ON CONFLICT DO NOTHING;

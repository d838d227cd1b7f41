-- Demo concerns: an allegation about Pen y Lodge (0000000b0013) referred to
-- the LADO and escalated to level 2 by the consortium team, a moderate
-- complaint about a fostering service, a compliment, and a concern by
-- Aberhafren (c002) naming its own child placed at Pen y Lodge (0000000e0003),
-- which only Aberhafren sees. Concerns are 000000120001..; re-running changes
-- nothing.
INSERT INTO qa.concerns (id, tenant_id, kind, provider_id, setting_id, raised_by_org_id, severity,
                         summary, child_id, lado_referral, status, escalation_level, outcome,
                         created_at, updated_at)
VALUES
    ('00000000-0000-4000-8000-000000120001', '00000000-0000-4000-8000-00000000d001', 'allegation',
     '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0013',
     '00000000-0000-4000-8000-00000000c001', 'significant',
     'Allegation of inappropriate restraint by a member of night staff.', NULL, true,
     'escalated', 2, NULL, now() - interval '20 days', now() - interval '12 days'),
    ('00000000-0000-4000-8000-000000120002', '00000000-0000-4000-8000-00000000d001', 'complaint',
     '00000000-0000-4000-8000-0000000a0017', '00000000-0000-4000-8000-0000000b0026',
     '00000000-0000-4000-8000-00000000c004', 'moderate',
     'Supervising social worker visits missed for two months.', NULL, false,
     'investigating', 0, NULL, now() - interval '35 days', now() - interval '30 days'),
    ('00000000-0000-4000-8000-000000120003', '00000000-0000-4000-8000-00000000d001', 'compliment',
     '00000000-0000-4000-8000-0000000a0001', '00000000-0000-4000-8000-0000000b0001',
     '00000000-0000-4000-8000-00000000c003', 'low',
     'Excellent support through a school move.', NULL, false,
     'closed', 0, 'Shared with the provider.', now() - interval '60 days', now() - interval '58 days'),
    ('00000000-0000-4000-8000-000000120004', '00000000-0000-4000-8000-00000000d001', 'concern',
     '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0013',
     '00000000-0000-4000-8000-00000000c002', 'moderate',
     'Young person reports feeling unsafe at night since the staffing change.',
     '00000000-0000-4000-8000-0000000e0003', false,
     'open', 0, NULL, now() - interval '10 days', now() - interval '10 days')
ON CONFLICT DO NOTHING;

-- Demo placement stops: one in force at Pen y Lodge (0000000b0013), issued by
-- the consortium team the day after its inadequate inspection was published
-- (001), where Aberhafren (c002) and Bryngwyn (c004) have children placed:
-- Aberhafren has acknowledged it, Bryngwyn has still to. And one lifted stop
-- against the whole of Oakhollow Residential (0000000a0006). Stops are
-- 000000110001..; re-running changes nothing.
INSERT INTO qa.placement_stops (id, tenant_id, provider_id, setting_id, reason, effective_from,
                                lifted_on, lift_reason, issued_by_org_id, status)
VALUES
    ('00000000-0000-4000-8000-000000110001', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0013',
     'Ofsted judged help and protection inadequate; no new placements until a monitoring visit '
     'shows improvement.', current_date - 8, NULL, NULL,
     '00000000-0000-4000-8000-00000000c001', 'in_force'),
    ('00000000-0000-4000-8000-000000110002', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000a0006', NULL,
     'Registered manager absent for four months and two notifiable events unreported.',
     current_date - 200, current_date - 100, 'New registered manager in post; action plan complete.',
     '00000000-0000-4000-8000-00000000c001', 'lifted')
ON CONFLICT DO NOTHING;

-- As the acknowledging council would (the insert trigger asks the request's
-- organisation kind); local to the seed's transaction.
SELECT set_config('hearth.org_kind', 'local_authority', true);
INSERT INTO qa.placement_stop_acknowledgements (tenant_id, stop_id, org_id, acknowledged_by,
                                                acknowledged_at, note)
VALUES
    ('00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-000000110001',
     '00000000-0000-4000-8000-00000000c002', 'demo-commissioner', now() - interval '7 days',
     'Commissioning officer visited our child the same day; safe to stay, reviewed weekly.')
ON CONFLICT DO NOTHING;

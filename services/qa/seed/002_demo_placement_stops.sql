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
-- organisation kind); local to the seed's transaction. Only while the stop
-- is in force and not yet acknowledged: the trigger refuses an
-- acknowledgement of a lifted stop before ON CONFLICT is looked at, and
-- someone trying the demo may have lifted it since the last run.
SELECT set_config('hearth.org_kind', 'local_authority', true);
INSERT INTO qa.placement_stop_acknowledgements (tenant_id, stop_id, org_id, acknowledged_by,
                                                acknowledged_at, note)
SELECT v.tenant_id, v.stop_id, v.org_id, v.acknowledged_by, v.acknowledged_at, v.note
FROM (VALUES
    ('00000000-0000-4000-8000-00000000d001'::uuid, '00000000-0000-4000-8000-000000110001'::uuid,
     '00000000-0000-4000-8000-00000000c002'::uuid, 'demo-commissioner',
     now() - interval '7 days',
     'Commissioning officer visited our child the same day; safe to stay, reviewed weekly.'))
    AS v (tenant_id, stop_id, org_id, acknowledged_by, acknowledged_at, note)
JOIN qa.placement_stops s ON s.tenant_id = v.tenant_id AND s.id = v.stop_id
WHERE s.status = 'in_force'
  AND NOT EXISTS (SELECT 1 FROM qa.placement_stop_acknowledgements a
                  WHERE a.tenant_id = v.tenant_id AND a.stop_id = v.stop_id
                    AND a.org_id = v.org_id)
ON CONFLICT DO NOTHING;

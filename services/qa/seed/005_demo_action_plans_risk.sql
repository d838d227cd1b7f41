-- Demo action plans and a risk override. Pen y Lodge (0000000b0013) has the
-- plan answering its inadequate inspection (000000100002): one item done with
-- its evidence, one overdue, one not yet due. Copper Beech Lodge (0000000b0001)
-- is held at amber by the consortium team on soft intelligence for 60 days,
-- though nothing in the rules fires for it. Plans are 000000130001..,
-- overrides 000000140001..; re-running changes nothing.
INSERT INTO qa.action_plans (id, tenant_id, provider_id, setting_id, source, source_id, items,
                             status, created_by_org_id, created_at, updated_at)
VALUES
    ('00000000-0000-4000-8000-000000130001', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0013',
     'inspection', '00000000-0000-4000-8000-000000100002',
     jsonb_build_array(
         jsonb_build_object('action', 'Suspend the night member of staff named in the allegation',
                            'owner', 'Responsible individual', 'due_on', current_date - 25,
                            'status', 'done',
                            'evidence', 'Suspended pending the LADO strategy meeting; letter on file.'),
         jsonb_build_object('action', 'Restore two waking night staff on every shift',
                            'owner', 'Registered manager', 'due_on', current_date - 5,
                            'status', 'open'),
         jsonb_build_object('action', 'Retrain all staff in positive behaviour support and restraint',
                            'owner', 'Training lead', 'due_on', current_date + 40,
                            'status', 'open')),
     'open', '00000000-0000-4000-8000-00000000c001', now() - interval '28 days',
     now() - interval '20 days')
ON CONFLICT DO NOTHING;

INSERT INTO qa.risk_overrides (id, tenant_id, subject_type, subject_id, rag, reason, expires_on,
                               created_by_org_id, created_at, updated_at)
VALUES
    ('00000000-0000-4000-8000-000000140001', '00000000-0000-4000-8000-00000000d001', 'setting',
     '00000000-0000-4000-8000-0000000b0001', 'amber',
     'Police report three missing episodes in a month; held at amber until the next visit.',
     current_date + 60, '00000000-0000-4000-8000-00000000c001', now() - interval '2 days',
     now() - interval '2 days')
ON CONFLICT DO NOTHING;

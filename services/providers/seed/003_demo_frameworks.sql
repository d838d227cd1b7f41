-- Demo frameworks: a regional fostering framework ranked 50% quality / 50%
-- commercial, and a residential framework ranked 60/40 with tiers of 5 and 10,
-- their lots, members drawn from the demo providers (one suspended, one active
-- member without a score, so the ranking shows both exclusions) and the
-- members' 2026 scores. Fictional names; fixed ids; safe to run again.

INSERT INTO providers.frameworks
    (id, tenant_id, name, vehicle, lead_org_id, start_date, end_date, quality_pct,
     commercial_pct, tier_sizes, lots, status)
VALUES
    ('00000000-0000-4000-8000-0000000f0001', '00000000-0000-4000-8000-00000000d001',
     'Severn Vale Fostering Framework (demo)', 'framework',
     '00000000-0000-4000-8000-00000000c001', '2024-04-01', '2028-03-31', 50, 50, NULL,
     '[{"id": "00000000-0000-4000-8000-0000000f1001", "code": "F1", "title": "Standard fostering", "service_type": "fostering"},
       {"id": "00000000-0000-4000-8000-0000000f1002", "code": "F2", "title": "Complex needs and parent and child fostering", "service_type": "fostering"}]',
     'active'),
    ('00000000-0000-4000-8000-0000000f0002', '00000000-0000-4000-8000-00000000d001',
     'Severn Vale Residential Framework (demo)', 'flexible_framework',
     '00000000-0000-4000-8000-00000000c002', '2025-04-01', '2029-03-31', 60, 40, ARRAY[5, 10],
     '[{"id": "00000000-0000-4000-8000-0000000f2001", "code": "R1", "title": "Residential children''s homes", "service_type": "residential"},
       {"id": "00000000-0000-4000-8000-0000000f2002", "code": "R2", "title": "Residential care with education", "service_type": "residential_school"}]',
     'active')
ON CONFLICT DO NOTHING;

-- The lot rows are the frameworks' own lists, so the two never disagree.
INSERT INTO providers.framework_lots
    (id, tenant_id, framework_id, code, title, service_type, position)
SELECT (l.value->>'id')::uuid, f.tenant_id, f.id, l.value->>'code', l.value->>'title',
       l.value->>'service_type', (l.ordinality - 1)::int
FROM providers.frameworks f, jsonb_array_elements(f.lots) WITH ORDINALITY AS l
WHERE f.id IN ('00000000-0000-4000-8000-0000000f0001', '00000000-0000-4000-8000-0000000f0002')
ON CONFLICT DO NOTHING;

-- (framework, lot, provider number, status, reason, quality, commercial);
-- null scores: no 2026 score yet.
CREATE TEMPORARY TABLE demo_members (fw text, lot text, provider_no text, status text,
                                     reason text, quality numeric, commercial numeric)
    ON COMMIT DROP;
INSERT INTO demo_members VALUES
    ('0001', '1001', '02', 'active', NULL, 82.0, 70.0),
    ('0001', '1001', '04', 'active', NULL, 74.5, 81.0),
    ('0001', '1001', '08', 'active', NULL, 88.0, 64.5),
    ('0001', '1001', '12', 'active', NULL, 69.0, 77.0),
    ('0001', '1001', '17', 'suspended', 'Placement stop after an inadequate inspection judgement', 71.0, 73.5),
    ('0001', '1001', '25', 'active', NULL, 77.5, 72.0),
    ('0001', '1001', '30', 'active', NULL, NULL, NULL),
    ('0001', '1002', '16', 'active', NULL, 80.0, 66.0),
    ('0001', '1002', '34', 'active', NULL, 73.0, 79.5),
    ('0001', '1002', '36', 'active', NULL, 85.5, 61.0),
    ('0002', '2001', '01', 'active', NULL, 78.0, 74.0),
    ('0002', '2001', '03', 'active', NULL, 72.5, 80.0),
    ('0002', '2001', '07', 'active', NULL, 86.0, 63.0),
    ('0002', '2001', '10', 'active', NULL, 91.0, 58.5),
    ('0002', '2001', '11', 'active', NULL, 67.0, 84.0),
    ('0002', '2001', '14', 'active', NULL, 75.0, 75.0),
    ('0002', '2001', '18', 'active', NULL, 70.0, 69.5),
    ('0002', '2001', '24', 'active', NULL, 83.5, 71.0),
    ('0002', '2001', '26', 'active', NULL, 64.0, 88.0),
    ('0002', '2001', '32', 'active', NULL, 79.0, 66.5),
    ('0002', '2002', '13', 'active', NULL, 81.0, 70.0),
    ('0002', '2002', '29', 'active', NULL, 76.5, 77.0);

INSERT INTO providers.framework_members
    (tenant_id, framework_id, provider_id, lot_id, status, joined_on, reason)
SELECT '00000000-0000-4000-8000-00000000d001',
       ('00000000-0000-4000-8000-0000000f' || d.fw)::uuid,
       ('00000000-0000-4000-8000-0000000a00' || d.provider_no)::uuid,
       ('00000000-0000-4000-8000-0000000f' || d.lot)::uuid,
       d.status, f.start_date, d.reason
FROM demo_members d
JOIN providers.frameworks f ON f.id = ('00000000-0000-4000-8000-0000000f' || d.fw)::uuid
ON CONFLICT DO NOTHING;

-- History: every member joined active; the suspended one was then suspended.
INSERT INTO providers.framework_member_history
    (tenant_id, framework_id, provider_id, from_status, to_status, reason, at, sub)
SELECT m.tenant_id, m.framework_id, m.provider_id, s.from_status, s.to_status, s.reason,
       s.at, 'seed-demo'
FROM providers.framework_members m
CROSS JOIN LATERAL (VALUES (NULL, 'active', NULL, m.joined_on::timestamptz),
                           ('active', m.status, m.reason, '2026-02-02 10:00+00'::timestamptz))
    AS s (from_status, to_status, reason, at)
WHERE m.tenant_id = '00000000-0000-4000-8000-00000000d001'
  AND m.framework_id IN ('00000000-0000-4000-8000-0000000f0001',
                         '00000000-0000-4000-8000-0000000f0002')
  AND (s.from_status IS NULL OR m.status <> 'active')
  AND NOT EXISTS (SELECT 1 FROM providers.framework_member_history h
                  WHERE h.tenant_id = m.tenant_id AND h.framework_id = m.framework_id
                    AND h.provider_id = m.provider_id)
ORDER BY m.provider_id, s.at;

INSERT INTO providers.framework_scores
    (id, tenant_id, framework_id, provider_id, lot_id, period, quality_score,
     commercial_score, inputs)
SELECT ('00000000-0000-4000-8000-00000f' || d.fw || d.provider_no)::uuid,
       '00000000-0000-4000-8000-00000000d001',
       ('00000000-0000-4000-8000-0000000f' || d.fw)::uuid,
       ('00000000-0000-4000-8000-0000000a00' || d.provider_no)::uuid,
       ('00000000-0000-4000-8000-0000000f' || d.lot)::uuid,
       '2026', d.quality, d.commercial,
       jsonb_build_object('method', 'annual tender evaluation (demo)',
                          'quality_reassessed_pct', 40)
FROM demo_members d
WHERE d.quality IS NOT NULL
ON CONFLICT DO NOTHING;

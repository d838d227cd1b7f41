-- Demo contracts of the Severn Vale consortium: block contracts buying places,
-- framework call-offs, spot purchases, DPS call-offs and two others, in every
-- status, so that the register (?min_annual_value_pence=500000 as CSV) has
-- something to show above and below, and exactly at, £5,000 a year.
-- Contract ids are 00000ec000NN. Values are integer pence per year; all names
-- and references are invented.
--
-- Framework call-offs name the demo frameworks and lots of 003_demo_frameworks
-- (ids 0000000f0001/2, lots 0000000f1001.., with the provider a member of that
-- lot); DPS call-offs name none (the DPS is run outside this tenant).
-- A contract whose provider is not seeded is skipped, and a lot that is not
-- seeded leaves framework and lot null (the joins), so this file never fails on
-- its own; ON CONFLICT keeps it idempotent.
INSERT INTO providers.contracts
    (id, tenant_id, provider_id, framework_id, lot_id, kind, reference, title,
     start_date, end_date, annual_value_pence, places, status)
SELECT v.id::uuid, p.tenant_id, p.id, l.framework_id, l.id, v.kind, v.reference,
       v.title, v.start_date::date, v.end_date::date, v.annual_value_pence, v.places, v.status
FROM (VALUES
    ('00000000-0000-4000-8000-00000ec00001', '0001', NULL, NULL, 'block', 'SV-BLK-2025-001',
     'Residential block, 4 beds (Aberhafren)', '2025-04-01', '2028-03-31', 104000000, 4, 'active'),
    ('00000000-0000-4000-8000-00000ec00002', '0007', NULL, NULL, 'block', 'SV-BLK-2025-002',
     'Solo and dual-bed block, Taf Valley', '2025-06-01', '2027-05-31', 62400000, 2, 'active'),
    ('00000000-0000-4000-8000-00000ec00003', '0018', NULL, NULL, 'block', 'SV-BLK-2026-003',
     'Step-down block, 3 beds (Glanfor)', '2026-04-01', '2029-03-31', 78000000, 3, 'draft'),
    ('00000000-0000-4000-8000-00000ec00004', '0006', NULL, NULL, 'block', 'SV-BLK-2024-004',
     'Emergency beds block, 2 beds', '2024-04-01', '2027-03-31', 55000000, 2, 'terminated'),
    ('00000000-0000-4000-8000-00000ec00005', '0005', NULL, NULL, 'block', 'SV-BLK-2025-005',
     '16+ supported accommodation block, 6 units', '2025-09-01', '2027-08-31', 42000000, 6, 'active'),
    ('00000000-0000-4000-8000-00000ec00006', '0026', NULL, NULL, 'block', 'SV-BLK-2026-006',
     'Sibling group block, 2 beds (Bryngwyn)', '2026-07-01', '2028-06-30', 58000000, 2, 'draft'),
    ('00000000-0000-4000-8000-00000ec00007', '0002',
     '00000000-0000-4000-8000-0000000f0001', '00000000-0000-4000-8000-0000000f1001',
     'framework_call_off', 'SV-FCO-2025-007',
     'Long-term foster placement', '2025-05-12', NULL, 5200000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00008', '0016',
     '00000000-0000-4000-8000-0000000f0001', '00000000-0000-4000-8000-0000000f1002',
     'framework_call_off', 'SV-FCO-2025-008',
     'Parent and child foster placement, 12 weeks', '2025-10-06', '2025-12-29', 4940000, NULL, 'expired'),
    ('00000000-0000-4000-8000-00000ec00009', '0010',
     '00000000-0000-4000-8000-0000000f0002', '00000000-0000-4000-8000-0000000f2001',
     'framework_call_off', 'SV-FCO-2025-009',
     'Therapeutic residential placement, solo', '2025-04-14', NULL, 31200000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00010', '0024',
     '00000000-0000-4000-8000-0000000f0002', '00000000-0000-4000-8000-0000000f2001',
     'framework_call_off', 'SV-FCO-2025-010',
     'Residential placement, single occupancy', '2025-05-06', '2026-02-27', 28600000, NULL, 'expired'),
    ('00000000-0000-4000-8000-00000ec00011', '0008',
     '00000000-0000-4000-8000-0000000f0001', '00000000-0000-4000-8000-0000000f1001',
     'framework_call_off', 'SV-FCO-2026-011',
     'Short-term foster placement', '2026-01-19', NULL, 4680000, NULL, 'draft'),
    ('00000000-0000-4000-8000-00000ec00012', '0011', NULL, NULL, 'spot', 'SV-SPT-2025-012',
     'Spot placement, solo home with 2:1 staffing', '2025-11-03', NULL, 36400000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00013', '0022', NULL, NULL, 'spot', 'SV-SPT-2026-013',
     'Secure welfare placement, 12 weeks', '2026-02-02', '2026-04-27', 41600000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00014', '0014', NULL, NULL, 'spot', 'SV-SPT-2024-014',
     'Spot placement, residential', '2024-06-10', '2025-06-09', 29900000, NULL, 'expired'),
    ('00000000-0000-4000-8000-00000ec00015', '0019', NULL, NULL, 'spot', 'SV-SPT-2025-015',
     'Supported lodgings, care leaver', '2025-08-18', NULL, 1950000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00016', '0015', NULL, NULL, 'spot', 'SV-SPT-2026-016',
     'Short break, 3 nights', '2026-03-06', '2026-03-09', 480000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00017', '0012', NULL, NULL, 'spot', 'SV-SPT-2025-017',
     'Emergency foster placement, 5 weeks', '2025-12-01', '2026-01-05', 500000, NULL, 'expired'),
    ('00000000-0000-4000-8000-00000ec00018', '0023', NULL, NULL, 'dps_call_off', 'SV-DPS-2025-018',
     '16+ supported accommodation, floating support', '2025-07-14', NULL, 2340000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00019', '0028', NULL, NULL, 'dps_call_off', 'SV-DPS-2026-019',
     '16+ supported accommodation, shared house', '2026-01-05', NULL, 2080000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00020', '0026', NULL, NULL, 'dps_call_off', 'SV-DPS-2026-020',
     'Supported accommodation, staffed flat', '2026-05-01', NULL, 1820000, NULL, 'draft'),
    ('00000000-0000-4000-8000-00000ec00021', '0013', NULL, NULL, 'other', 'SV-OTH-2025-021',
     'Education and care package, jointly funded with health', '2025-09-01', '2026-07-31', 18500000, NULL, 'active'),
    ('00000000-0000-4000-8000-00000ec00022', '0027', NULL, NULL, 'other', 'SV-OTH-2024-022',
     'Outreach support hours', '2024-10-01', '2025-09-30', 350000, NULL, 'terminated')
) AS v (id, provider_no, framework_id, lot_id, kind, reference, title, start_date, end_date,
        annual_value_pence, places, status)
JOIN providers.providers p
    ON p.tenant_id = '00000000-0000-4000-8000-00000000d001'
   AND p.id = ('00000000-0000-4000-8000-0000000a' || v.provider_no)::uuid
LEFT JOIN providers.framework_lots l
    ON l.tenant_id = p.tenant_id AND l.framework_id = v.framework_id::uuid
   AND l.id = v.lot_id::uuid
ON CONFLICT DO NOTHING;

-- Demo children and placements of the three demo councils: pseudonymous
-- children (no names, a birth month only), their placement histories at the
-- demo providers' settings (local and distant), in-house fostering, ended
-- placements with their reasons, a child with four placements in the last
-- year, IPAs for most external placements and one placement whose cost rose
-- after its IPA (ipa_status reissue_required). Dates are relative to the day
-- of seeding so the demo always looks current. Children are 0000000e0001..,
-- placements 0000000f0001.., IPAs 0000000f5001..; re-running changes nothing.

INSERT INTO placements.children (id, tenant_id, org_id, local_ref, birth_month, gender, legal_status)
VALUES
    ('00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10001', (date_trunc('month', current_date) - interval '207 months')::date, 'male', 'interim_care_order'),
    ('00000000-0000-4000-8000-0000000e0002', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10002', (date_trunc('month', current_date) - interval '64 months')::date, 'male', 'full_care_order'),
    ('00000000-0000-4000-8000-0000000e0003', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10003', (date_trunc('month', current_date) - interval '221 months')::date, 'male', 'other'),
    ('00000000-0000-4000-8000-0000000e0004', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10004', (date_trunc('month', current_date) - interval '197 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0005', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10005', (date_trunc('month', current_date) - interval '141 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0006', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10006', (date_trunc('month', current_date) - interval '65 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0007', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10007', (date_trunc('month', current_date) - interval '104 months')::date, 'female', 'placement_order'),
    ('00000000-0000-4000-8000-0000000e0008', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10008', (date_trunc('month', current_date) - interval '158 months')::date, 'male', 'placement_order'),
    ('00000000-0000-4000-8000-0000000e0009', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10009', (date_trunc('month', current_date) - interval '180 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0010', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10010', (date_trunc('month', current_date) - interval '216 months')::date, 'male', 'placement_order'),
    ('00000000-0000-4000-8000-0000000e0011', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10011', (date_trunc('month', current_date) - interval '168 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0012', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10012', (date_trunc('month', current_date) - interval '36 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0013', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10013', (date_trunc('month', current_date) - interval '205 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0014', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10014', (date_trunc('month', current_date) - interval '98 months')::date, 'male', 'full_care_order'),
    ('00000000-0000-4000-8000-0000000e0015', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', 'ABH-10015', (date_trunc('month', current_date) - interval '119 months')::date, 'female', 'remand'),
    ('00000000-0000-4000-8000-0000000e0016', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10001', (date_trunc('month', current_date) - interval '192 months')::date, 'male', 'interim_care_order'),
    ('00000000-0000-4000-8000-0000000e0017', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10002', (date_trunc('month', current_date) - interval '132 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0018', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10003', (date_trunc('month', current_date) - interval '224 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0019', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10004', (date_trunc('month', current_date) - interval '106 months')::date, 'female', 'full_care_order'),
    ('00000000-0000-4000-8000-0000000e0020', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10005', (date_trunc('month', current_date) - interval '25 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0021', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10006', (date_trunc('month', current_date) - interval '108 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0022', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10007', (date_trunc('month', current_date) - interval '86 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0023', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10008', (date_trunc('month', current_date) - interval '62 months')::date, 'male', 'placement_order'),
    ('00000000-0000-4000-8000-0000000e0024', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10009', (date_trunc('month', current_date) - interval '15 months')::date, 'male', 's20'),
    ('00000000-0000-4000-8000-0000000e0025', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10010', (date_trunc('month', current_date) - interval '218 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0026', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10011', (date_trunc('month', current_date) - interval '212 months')::date, 'male', 'full_care_order'),
    ('00000000-0000-4000-8000-0000000e0027', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10012', (date_trunc('month', current_date) - interval '16 months')::date, 'female', 'remand'),
    ('00000000-0000-4000-8000-0000000e0028', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', 'GLN-10013', (date_trunc('month', current_date) - interval '158 months')::date, 'male', 'remand'),
    ('00000000-0000-4000-8000-0000000e0029', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10001', (date_trunc('month', current_date) - interval '21 months')::date, 'female', 'full_care_order'),
    ('00000000-0000-4000-8000-0000000e0030', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10002', (date_trunc('month', current_date) - interval '114 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0031', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10003', (date_trunc('month', current_date) - interval '218 months')::date, 'male', 'other'),
    ('00000000-0000-4000-8000-0000000e0032', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10004', (date_trunc('month', current_date) - interval '43 months')::date, 'male', 'remand'),
    ('00000000-0000-4000-8000-0000000e0033', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10005', (date_trunc('month', current_date) - interval '183 months')::date, 'male', 'placement_order'),
    ('00000000-0000-4000-8000-0000000e0034', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10006', (date_trunc('month', current_date) - interval '192 months')::date, 'female', 's20'),
    ('00000000-0000-4000-8000-0000000e0035', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10007', (date_trunc('month', current_date) - interval '194 months')::date, 'male', 'full_care_order'),
    ('00000000-0000-4000-8000-0000000e0036', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10008', (date_trunc('month', current_date) - interval '171 months')::date, 'female', 'placement_order'),
    ('00000000-0000-4000-8000-0000000e0037', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10009', (date_trunc('month', current_date) - interval '16 months')::date, 'female', 'interim_care_order'),
    ('00000000-0000-4000-8000-0000000e0038', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10010', (date_trunc('month', current_date) - interval '205 months')::date, 'female', 'interim_care_order'),
    ('00000000-0000-4000-8000-0000000e0039', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10011', (date_trunc('month', current_date) - interval '160 months')::date, 'female', 'interim_care_order'),
    ('00000000-0000-4000-8000-0000000e0040', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', 'BRY-10012', (date_trunc('month', current_date) - interval '120 months')::date, 'female', 's20')
ON CONFLICT DO NOTHING;

INSERT INTO placements.placements (id, tenant_id, org_id, child_id, external_ref, provider_id, setting_id,
    placement_type, provision, sourcing, start_date, end_date, end_reason, weekly_cost_pence,
    social_care_pence, education_pence, health_pence, distance_reason)
VALUES
    ('00000000-0000-4000-8000-0000000f0001', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0001', 'ABH-P-0001', '00000000-0000-4000-8000-0000000a0015', '00000000-0000-4000-8000-0000000b0021',
     'supported_accommodation', 'external', 'spot', current_date - 350, current_date - 270, 'breakdown_provider', 158100, 158100, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0002', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0001', 'ABH-P-0002', '00000000-0000-4000-8000-0000000a0005', '00000000-0000-4000-8000-0000000b0005',
     'supported_accommodation', 'external', 'framework', current_date - 269, current_date - 180, 'breakdown_child', 146000, 146000, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0003', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0001', 'ABH-P-0003', '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0013',
     'residential', 'external', 'spot', current_date - 179, current_date - 60, 'breakdown_council', 535400, 495400, 40000, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0004', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0001', 'ABH-P-0004', '00000000-0000-4000-8000-0000000a0005', '00000000-0000-4000-8000-0000000b0006',
     'supported_accommodation', 'external', 'spot', current_date - 59, NULL, NULL, 308400, 308400, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0005', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0002', 'ABH-P-0005', '00000000-0000-4000-8000-0000000a0035', '00000000-0000-4000-8000-0000000b0053',
     'residential', 'external', 'block', current_date - 729, current_date - 539, 'returned_home', 687000, 647000, 40000, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0006', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0002', 'ABH-P-0006', '00000000-0000-4000-8000-0000000a0020', '00000000-0000-4000-8000-0000000b0031',
     'residential', 'internal', 'in_house', current_date - 538, NULL, NULL, 622500, 622500, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0007', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0003', 'ABH-P-0007', '00000000-0000-4000-8000-0000000a0016', '00000000-0000-4000-8000-0000000b0024',
     'fostering', 'external', 'block', current_date - 914, current_date - 678, 'breakdown_child', 117200, 117200, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0008', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0003', 'ABH-P-0008', '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0013',
     'residential', 'external', 'spot', current_date - 677, NULL, NULL, 471700, 456700, NULL, 15000, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0009', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0004', 'ABH-P-0009', '00000000-0000-4000-8000-0000000a0017', '00000000-0000-4000-8000-0000000b0026',
     'fostering', 'external', 'framework', current_date - 1030, current_date - 145, 'planned', 100700, 100700, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0010', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0005', 'ABH-P-0010', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 370, NULL, NULL, 41000, 41000, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0011', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0006', 'ABH-P-0011', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 811, current_date - 462, 'returned_home', 42800, 42800, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0012', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0006', 'ABH-P-0012', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 461, NULL, NULL, 43400, 43400, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0013', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0007', 'ABH-P-0013', '00000000-0000-4000-8000-0000000a0030', '00000000-0000-4000-8000-0000000b0046',
     'fostering', 'external', 'spot', current_date - 1010, current_date - 273, 'breakdown_provider', 114900, 114900, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0014', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0007', 'ABH-P-0014', '00000000-0000-4000-8000-0000000a0011', '00000000-0000-4000-8000-0000000b0016',
     'residential', 'external', 'framework', current_date - 272, NULL, NULL, 472300, 447300, 25000, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0015', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0008', 'ABH-P-0015', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 651, current_date - 482, 'breakdown_provider', 42300, 42300, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0016', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0008', 'ABH-P-0016', '00000000-0000-4000-8000-0000000a0026', '00000000-0000-4000-8000-0000000b0040',
     'residential', 'external', 'spot', current_date - 481, NULL, NULL, 670200, 670200, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0017', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0009', 'ABH-P-0017', '00000000-0000-4000-8000-0000000a0007', '00000000-0000-4000-8000-0000000b0010',
     'residential', 'external', 'spot', current_date - 327, NULL, NULL, 655100, 640100, NULL, 15000, NULL),
    ('00000000-0000-4000-8000-0000000f0018', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0010', 'ABH-P-0018', '00000000-0000-4000-8000-0000000a0005', '00000000-0000-4000-8000-0000000b0006',
     'supported_accommodation', 'external', 'framework', current_date - 728, current_date - 251, 'independence', 202000, 202000, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0019', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0011', 'ABH-P-0019', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 301, NULL, NULL, 50900, 50900, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0020', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0012', 'ABH-P-0020', '00000000-0000-4000-8000-0000000a0017', '00000000-0000-4000-8000-0000000b0026',
     'fostering', 'external', 'framework', current_date - 188, NULL, NULL, 120400, 120400, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0021', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0013', 'ABH-P-0021', '00000000-0000-4000-8000-0000000a0035', '00000000-0000-4000-8000-0000000b0053',
     'residential', 'external', 'framework', current_date - 788, NULL, NULL, 679600, 664600, NULL, 15000, NULL),
    ('00000000-0000-4000-8000-0000000f0022', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0014', 'ABH-P-0022', '00000000-0000-4000-8000-0000000a0035', '00000000-0000-4000-8000-0000000b0053',
     'residential', 'external', 'block', current_date - 1114, current_date - 119, 'planned', 718500, 678500, 40000, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0023', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000e0015', 'ABH-P-0023', '00000000-0000-4000-8000-0000000a0002', '00000000-0000-4000-8000-0000000b0002',
     'fostering', 'external', 'block', current_date - 833, NULL, NULL, 91000, 91000, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0024', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0016', 'GLN-P-0024', '00000000-0000-4000-8000-0000000a0018', '00000000-0000-4000-8000-0000000b0027',
     'residential', 'external', 'spot', current_date - 744, current_date - 667, 'breakdown_child', 621700, 581700, 40000, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0025', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0016', 'GLN-P-0025', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 666, NULL, NULL, 37500, 37500, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0026', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0017', 'GLN-P-0026', '00000000-0000-4000-8000-0000000a0021', '00000000-0000-4000-8000-0000000b0033',
     'fostering', 'internal', 'in_house', current_date - 448, current_date - 152, 'breakdown_child', 36400, 36400, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0027', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0017', 'GLN-P-0027', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 151, NULL, NULL, 45800, 45800, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0028', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0018', 'GLN-P-0028', '00000000-0000-4000-8000-0000000a0028', '00000000-0000-4000-8000-0000000b0043',
     'supported_accommodation', 'external', 'framework', current_date - 694, current_date - 414, 'independence', 202600, 202600, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0029', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0018', 'GLN-P-0029', '00000000-0000-4000-8000-0000000a0032', '00000000-0000-4000-8000-0000000b0048',
     'residential', 'external', 'framework', current_date - 413, NULL, NULL, 680000, 680000, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0030', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0019', 'GLN-P-0030', '00000000-0000-4000-8000-0000000a0013', '00000000-0000-4000-8000-0000000b0018',
     'residential_school', 'external', 'spot', current_date - 615, NULL, NULL, 444700, 444700, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0031', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0020', 'GLN-P-0031', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 784, current_date - 599, 'planned', 36100, 36100, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0032', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0020', 'GLN-P-0032', '00000000-0000-4000-8000-0000000a0002', '00000000-0000-4000-8000-0000000b0002',
     'fostering', 'external', 'framework', current_date - 598, NULL, NULL, 104900, 104900, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0033', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0021', 'GLN-P-0033', '00000000-0000-4000-8000-0000000a0001', '00000000-0000-4000-8000-0000000b0001',
     'residential', 'external', 'spot', current_date - 404, NULL, NULL, 564800, 564800, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0034', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0022', 'GLN-P-0034', '00000000-0000-4000-8000-0000000a0007', '00000000-0000-4000-8000-0000000b0010',
     'residential', 'external', 'block', current_date - 415, current_date - 220, 'independence', 432000, 407000, 25000, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0035', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0022', 'GLN-P-0035', '00000000-0000-4000-8000-0000000a0002', '00000000-0000-4000-8000-0000000b0002',
     'fostering', 'external', 'block', current_date - 219, NULL, NULL, 123700, 123700, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0036', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0023', 'GLN-P-0036', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 659, current_date - 371, 'breakdown_council', 44600, 44600, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0037', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0023', 'GLN-P-0037', '00000000-0000-4000-8000-0000000a0013', '00000000-0000-4000-8000-0000000b0018',
     'residential_school', 'external', 'spot', current_date - 370, NULL, NULL, 387200, 387200, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0038', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0024', 'GLN-P-0038', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 56, NULL, NULL, 53400, 53400, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0039', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0025', 'GLN-P-0039', '00000000-0000-4000-8000-0000000a0028', '00000000-0000-4000-8000-0000000b0043',
     'supported_accommodation', 'external', 'spot', current_date - 643, current_date - 212, 'breakdown_child', 301900, 301900, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0040', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0025', 'GLN-P-0040', '00000000-0000-4000-8000-0000000a0028', '00000000-0000-4000-8000-0000000b0043',
     'supported_accommodation', 'external', 'framework', current_date - 211, NULL, NULL, 251300, 251300, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0041', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0026', 'GLN-P-0041', '00000000-0000-4000-8000-0000000a0013', '00000000-0000-4000-8000-0000000b0018',
     'residential_school', 'external', 'block', current_date - 804, NULL, NULL, 428900, 403900, 25000, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0042', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0027', 'GLN-P-0042', '00000000-0000-4000-8000-0000000a0016', '00000000-0000-4000-8000-0000000b0024',
     'fostering', 'external', 'block', current_date - 424, current_date - 125, 'returned_home', 129500, 129500, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0043', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0027', 'GLN-P-0043', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 124, NULL, NULL, 53900, 53900, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0044', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000e0028', 'GLN-P-0044', '00000000-0000-4000-8000-0000000a0032', '00000000-0000-4000-8000-0000000b0049',
     'residential', 'external', 'spot', current_date - 626, NULL, NULL, 534000, 519000, NULL, 15000, NULL),
    ('00000000-0000-4000-8000-0000000f0045', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0029', 'BRY-P-0045', '00000000-0000-4000-8000-0000000a0003', '00000000-0000-4000-8000-0000000b0003',
     'residential', 'external', 'framework', current_date - 753, NULL, NULL, 691600, 691600, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0046', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0030', 'BRY-P-0046', '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0013',
     'residential', 'external', 'framework', current_date - 231, NULL, NULL, 544900, 529900, NULL, 15000, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0047', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0031', 'BRY-P-0047', '00000000-0000-4000-8000-0000000a0028', '00000000-0000-4000-8000-0000000b0043',
     'supported_accommodation', 'external', 'framework', current_date - 488, NULL, NULL, 167100, 167100, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0048', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0032', 'BRY-P-0048', '00000000-0000-4000-8000-0000000a0036', '00000000-0000-4000-8000-0000000b0056',
     'fostering', 'external', 'spot', current_date - 675, current_date - 239, 'returned_home', 118800, 118800, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0049', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0033', 'BRY-P-0049', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 789, current_date - 77, 'independence', 50800, 50800, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0050', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0034', 'BRY-P-0050', NULL, NULL,
     'fostering', 'internal', 'in_house', current_date - 658, current_date - 74, 'independence', 41200, 41200, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0051', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0035', 'BRY-P-0051', '00000000-0000-4000-8000-0000000a0036', '00000000-0000-4000-8000-0000000b0056',
     'fostering', 'external', 'framework', current_date - 365, NULL, NULL, 94400, 94400, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0052', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0036', 'BRY-P-0052', '00000000-0000-4000-8000-0000000a0003', '00000000-0000-4000-8000-0000000b0003',
     'residential', 'external', 'framework', current_date - 785, NULL, NULL, 482600, 482600, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0053', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0037', 'BRY-P-0053', '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0014',
     'residential_school', 'external', 'spot', current_date - 738, NULL, NULL, 334200, 294200, 40000, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0054', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0038', 'BRY-P-0054', '00000000-0000-4000-8000-0000000a0010', '00000000-0000-4000-8000-0000000b0014',
     'residential_school', 'external', 'block', current_date - 1089, current_date - 634, 'planned', 435300, 435300, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0055', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0038', 'BRY-P-0055', '00000000-0000-4000-8000-0000000a0017', '00000000-0000-4000-8000-0000000b0026',
     'fostering', 'external', 'spot', current_date - 633, NULL, NULL, 126300, 126300, NULL, NULL, 'Specialist provision not available within the council''s area.'),
    ('00000000-0000-4000-8000-0000000f0056', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0039', 'BRY-P-0056', '00000000-0000-4000-8000-0000000a0036', '00000000-0000-4000-8000-0000000b0056',
     'fostering', 'external', 'spot', current_date - 790, NULL, NULL, 118000, 118000, NULL, NULL, NULL),
    ('00000000-0000-4000-8000-0000000f0057', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000e0040', 'BRY-P-0057', '00000000-0000-4000-8000-0000000a0018', '00000000-0000-4000-8000-0000000b0028',
     'residential', 'external', 'framework', current_date - 341, NULL, NULL, 452400, 412400, 40000, NULL, NULL)
ON CONFLICT DO NOTHING;

-- IPA versions in order; the trigger records each on its placement.
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5001', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0002', 1, current_date - 272, current_date - 272, 146000,
    jsonb_build_array(jsonb_build_object('description', 'Ready to hold a tenancy', 'measure', 'Pathway plan milestones met', 'target_date', current_date - 272 + 180)),
    current_date - 272 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5002', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0003', 1, current_date - 182, current_date - 182, 530400,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 182 + 90)),
    current_date - 182 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5003', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0003', 2, current_date - 89, current_date - 89, 535400,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 89 + 90)),
    current_date - 89 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5004', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0005', 1, current_date - 732, current_date - 732, 682000,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 732 + 90)),
    current_date - 732 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5005', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0005', 2, current_date - 639, current_date - 639, 687000,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 639 + 90)),
    current_date - 639 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5006', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0007', 1, current_date - 917, current_date - 917, 117200,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 917 + 180)),
    current_date - 917 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5007', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0008', 1, current_date - 680, current_date - 680, 471700,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 680 + 90)),
    current_date - 680 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5008', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0009', 1, current_date - 1033, current_date - 1033, 100700,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 1033 + 180)),
    current_date - 1033 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5009', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0013', 1, current_date - 1013, current_date - 1013, 114900,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 1013 + 180)),
    current_date - 1013 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5010', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0014', 1, current_date - 275, current_date - 275, 472300,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 275 + 90)),
    current_date - 275 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5011', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0016', 1, current_date - 484, current_date - 484, 670200,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 484 + 90)),
    current_date - 484 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5012', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0017', 1, current_date - 330, current_date - 330, 655100,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 330 + 90)),
    current_date - 330 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5013', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0018', 1, current_date - 731, current_date - 731, 202000,
    jsonb_build_array(jsonb_build_object('description', 'Ready to hold a tenancy', 'measure', 'Pathway plan milestones met', 'target_date', current_date - 731 + 180)),
    current_date - 731 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5014', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0020', 1, current_date - 191, current_date - 191, 120400,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 191 + 180)),
    current_date - 191 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5015', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0021', 1, current_date - 791, current_date - 791, 674600,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 791 + 90)),
    current_date - 791 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5016', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0021', 2, current_date - 698, current_date - 698, 679600,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 698 + 90)),
    current_date - 698 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5017', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0022', 1, current_date - 1117, current_date - 1117, 713500,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 1117 + 90)),
    current_date - 1117 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5018', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0022', 2, current_date - 1024, current_date - 1024, 718500,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 1024 + 90)),
    current_date - 1024 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5019', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-0000000f0023', 1, current_date - 836, current_date - 836, 91000,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 836 + 180)),
    current_date - 836 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5020', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0024', 1, current_date - 747, current_date - 747, 621700,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 747 + 90)),
    current_date - 747 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5021', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0029', 1, current_date - 416, current_date - 416, 680000,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 416 + 90)),
    current_date - 416 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5022', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0032', 1, current_date - 601, current_date - 601, 99900,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 601 + 180)),
    current_date - 601 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5023', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0032', 2, current_date - 508, current_date - 508, 104900,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 508 + 180)),
    current_date - 508 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5024', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0033', 1, current_date - 407, current_date - 407, 564800,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 407 + 90)),
    current_date - 407 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5025', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0034', 1, current_date - 418, current_date - 418, 427000,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 418 + 90)),
    current_date - 418 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5026', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0034', 2, current_date - 325, current_date - 325, 432000,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 325 + 90)),
    current_date - 325 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5027', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0035', 1, current_date - 222, current_date - 222, 118700,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 222 + 180)),
    current_date - 222 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5028', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0035', 2, current_date - 129, current_date - 129, 123700,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 129 + 180)),
    current_date - 129 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5029', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0037', 1, current_date - 373, current_date - 373, 382200,
    jsonb_build_array(jsonb_build_object('description', 'Progress against the EHCP targets', 'measure', 'Annual review', 'target_date', current_date - 373 + 365)),
    current_date - 373 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5030', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0037', 2, current_date - 280, current_date - 280, 387200,
    jsonb_build_array(jsonb_build_object('description', 'Progress against the EHCP targets', 'measure', 'Annual review', 'target_date', current_date - 280 + 365)),
    current_date - 280 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5031', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0039', 1, current_date - 646, current_date - 646, 301900,
    jsonb_build_array(jsonb_build_object('description', 'Ready to hold a tenancy', 'measure', 'Pathway plan milestones met', 'target_date', current_date - 646 + 180)),
    current_date - 646 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5032', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0040', 1, current_date - 214, current_date - 214, 251300,
    jsonb_build_array(jsonb_build_object('description', 'Ready to hold a tenancy', 'measure', 'Pathway plan milestones met', 'target_date', current_date - 214 + 180)),
    current_date - 214 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5033', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0042', 1, current_date - 427, current_date - 427, 129500,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 427 + 180)),
    current_date - 427 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5034', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-0000000f0044', 1, current_date - 629, current_date - 629, 534000,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 629 + 90)),
    current_date - 629 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5035', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0045', 1, current_date - 756, current_date - 756, 691600,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 756 + 90)),
    current_date - 756 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5036', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0046', 1, current_date - 234, current_date - 234, 544900,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 234 + 90)),
    current_date - 234 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5037', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0047', 1, current_date - 491, current_date - 491, 167100,
    jsonb_build_array(jsonb_build_object('description', 'Ready to hold a tenancy', 'measure', 'Pathway plan milestones met', 'target_date', current_date - 491 + 180)),
    current_date - 491 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5038', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0048', 1, current_date - 678, current_date - 678, 118800,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 678 + 180)),
    current_date - 678 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5039', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0051', 1, current_date - 368, current_date - 368, 94400,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 368 + 180)),
    current_date - 368 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5040', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0052', 1, current_date - 788, current_date - 788, 482600,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 788 + 90)),
    current_date - 788 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5041', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0053', 1, current_date - 741, current_date - 741, 334200,
    jsonb_build_array(jsonb_build_object('description', 'Progress against the EHCP targets', 'measure', 'Annual review', 'target_date', current_date - 741 + 365)),
    current_date - 741 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5042', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0054', 1, current_date - 1092, current_date - 1092, 435300,
    jsonb_build_array(jsonb_build_object('description', 'Progress against the EHCP targets', 'measure', 'Annual review', 'target_date', current_date - 1092 + 365)),
    current_date - 1092 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5043', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0056', 1, current_date - 793, current_date - 793, 118000,
    jsonb_build_array(jsonb_build_object('description', 'Settled in school with attendance above 90%', 'measure', 'School attendance', 'target_date', current_date - 793 + 180)),
    current_date - 793 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5044', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0057', 1, current_date - 344, current_date - 344, 447400,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 344 + 90)),
    current_date - 344 + 180)
ON CONFLICT DO NOTHING;
INSERT INTO placements.ipas (id, tenant_id, org_id, placement_id, version_no, issued_on, effective_from,
    weekly_fee_pence, outcomes, review_due)
VALUES ('00000000-0000-4000-8000-0000000f5045', '00000000-0000-4000-8000-00000000d001', '00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-0000000f0057', 2, current_date - 251, current_date - 251, 452400,
    jsonb_build_array(jsonb_build_object('description', 'Reduce missing-from-home episodes', 'measure', 'Episodes per month', 'target_date', current_date - 251 + 90)),
    current_date - 251 + 180)
ON CONFLICT DO NOTHING;

-- The weekly cost rose after the IPA was agreed: the IPA must be reissued.
UPDATE placements.placements SET weekly_cost_pence = 496700, social_care_pence = 496700 - coalesce(education_pence, 0) - coalesce(health_pence, 0)
WHERE id = '00000000-0000-4000-8000-0000000f0008' AND weekly_cost_pence <> 496700;

-- Demo organisations: the consortium's own team and three fictional councils
-- with their centres (used for the 20-mile "local" test of placements).
INSERT INTO providers.organisations
    (id, tenant_id, kind, name, code, centre_lat, centre_lon, local_radius_miles)
VALUES
    ('00000000-0000-4000-8000-00000000c001', '00000000-0000-4000-8000-00000000d001',
     'consortium', 'Severn Vale Commissioning Team', 'SVCT', NULL, NULL, 20),
    ('00000000-0000-4000-8000-00000000c002', '00000000-0000-4000-8000-00000000d001',
     'local_authority', 'Aberhafren County Council', 'W06900001', 51.4816, -3.1791, 20),
    ('00000000-0000-4000-8000-00000000c003', '00000000-0000-4000-8000-00000000d001',
     'local_authority', 'Glanfor City Council', 'W06900002', 51.6214, -3.9436, 20),
    ('00000000-0000-4000-8000-00000000c004', '00000000-0000-4000-8000-00000000d001',
     'local_authority', 'Bryngwyn Borough Council', 'W06900003', 51.5842, -2.9977, 15)
ON CONFLICT DO NOTHING;

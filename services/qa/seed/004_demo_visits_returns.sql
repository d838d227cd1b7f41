-- Demo visits, Reg 44 reports and a Reg 45 review.
--
-- Visits (000000130001..): Pen y Lodge (0000000b0013), where Aberhafren
-- (c002) and Bryngwyn (c004) have children, was last visited five months ago
-- and rated red, so with the red interval of three months it is overdue;
-- a follow-up visit is scheduled. Copper Beech Lodge (0000000b0001) had a
-- green visit two months ago (not due for ten more), and a cancelled one.
--
-- Reg 44 reports: one for every children's home with a child placed by a
-- demo council in each of the last twelve months, as the independent
-- visitors would send them, except Pen y Lodge three months ago: the month
-- /v1/reg44-reports/missing shows, with the councils concerned. Which homes
-- had a child placed in which month comes from the functions the placements
-- and providers services publish, asked as the consortium team would.
-- Reg 45 (000000150001): Pen y Lodge's last half-year review.
-- Dates are relative to the day of seeding; re-running changes nothing.

INSERT INTO qa.visits (id, tenant_id, setting_id, provider_id, org_id, kind, notice,
                       scheduled_for, visited_on, visited_by, findings, rag, status,
                       created_at, updated_at)
VALUES
    ('00000000-0000-4000-8000-000000130001', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000b0013', '00000000-0000-4000-8000-0000000a0010',
     '00000000-0000-4000-8000-00000000c002', 'planned', 'announced',
     current_date - 155, current_date - 152, 'Aberhafren placement monitoring officer',
     'Night staffing below the statement of purpose; two missing-from-care episodes not '
     'reported to the placing council.', 'red', 'completed',
     now() - interval '155 days', now() - interval '152 days'),
    ('00000000-0000-4000-8000-000000130002', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000b0013', '00000000-0000-4000-8000-0000000a0010',
     '00000000-0000-4000-8000-00000000c001', 'responsive', 'unannounced',
     current_date + 14, NULL, NULL, NULL, NULL, 'scheduled',
     now() - interval '3 days', now() - interval '3 days'),
    ('00000000-0000-4000-8000-000000130003', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000b0001', '00000000-0000-4000-8000-0000000a0001',
     '00000000-0000-4000-8000-00000000c003', 'planned', 'announced',
     current_date - 61, current_date - 61, 'Glanfor quality assurance officer',
     'Warm, settled home; young people speak well of key workers.', 'green', 'completed',
     now() - interval '70 days', now() - interval '61 days'),
    ('00000000-0000-4000-8000-000000130004', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000b0001', '00000000-0000-4000-8000-0000000a0001',
     '00000000-0000-4000-8000-00000000c003', 'planned', 'announced',
     current_date - 120, NULL, NULL, NULL, NULL, 'cancelled',
     now() - interval '130 days', now() - interval '121 days')
ON CONFLICT DO NOTHING;

-- Asked as the consortium team: the published functions answer only about
-- the request's own tenant. Local to the seed's transaction.
SELECT set_config('hearth.tenant_id', '00000000-0000-4000-8000-00000000d001', true),
       set_config('hearth.org_id', '00000000-0000-4000-8000-00000000c001', true);

INSERT INTO qa.reg44_reports (tenant_id, setting_id, provider_id, month, visited_on,
                              visitor_name, received_on, children_safeguarded,
                              wellbeing_promoted, registered_manager_in_post, recommendations,
                              summary, submitted_by_org_id)
SELECT m.tenant_id, m.setting_id, m.provider_id, m.month, m.month + 11,
       'Independent visitor', least(current_date, (m.month + interval '1 month')::date + 4),
       'yes', 'yes', true,
       CASE WHEN m.setting_id = '00000000-0000-4000-8000-0000000b0013'
            THEN '[{"text": "Review night staffing against the statement of purpose.", '
                 '"status": "open"}]'::jsonb
            ELSE '[]'::jsonb END,
       'Spoke with young people and staff; records sampled.', '00000000-0000-4000-8000-00000000c001'
FROM (
    SELECT DISTINCT hearth.current_tenant() AS tenant_id, c.setting_id, c.provider_id, c.month
    FROM placements_api.settings_with_children_by_month(
             hearth.current_tenant(),
             (date_trunc('month', current_date) - interval '12 months')::date,
             (date_trunc('month', current_date) - interval '1 month')::date) c
) m
CROSS JOIN LATERAL providers_api.setting_profile(m.tenant_id, m.setting_id) s
WHERE s.setting_type = 'childrens_home'
  -- the month the independent visitor's report never came
  AND NOT (m.setting_id = '00000000-0000-4000-8000-0000000b0013'
           AND m.month = (date_trunc('month', current_date) - interval '3 months')::date)
  -- a report is not received before its visit
  AND least(current_date, (m.month + interval '1 month')::date + 4) >= m.month + 11
ON CONFLICT DO NOTHING;

INSERT INTO qa.reg45_reviews (id, tenant_id, setting_id, provider_id, period_from, period_to,
                              received_on, summary, submitted_by_org_id)
VALUES
    ('00000000-0000-4000-8000-000000150001', '00000000-0000-4000-8000-00000000d001',
     '00000000-0000-4000-8000-0000000b0013', '00000000-0000-4000-8000-0000000a0010',
     (date_trunc('month', current_date) - interval '8 months')::date,
     (date_trunc('month', current_date) - interval '2 months')::date - 1,
     (date_trunc('month', current_date) - interval '2 months')::date + 20,
     'Quality of care review: staffing recovery plan under way; safeguarding training refreshed.',
     '00000000-0000-4000-8000-00000000c001')
ON CONFLICT DO NOTHING;

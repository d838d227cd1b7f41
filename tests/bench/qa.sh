# Sourced by tests/bench/placements.sh after its placements are loaded: the
# quality-assurance figures over the same tenant.
#
#   qa_load     inspections, visits, Reg 44 reports, concerns, action plans and
#               overrides across the tenant's settings, as a service would have
#               recorded them;
#   qa_measure  (a) the placement-stop check: 10,000-item first pushes with no
#               stop in force, with 100 stops in force elsewhere at the same
#               providers and others, and with the check switched off (QA
#               answering "no stop" without looking), two rounds, alternating;
#               (b) GET /v1/risk (the whole tenant, then settings only),
#               /v1/visits/due, /v1/reg44-reports/missing (its first page, and
#               a page of 500) and /v1/scorecards
#               (every provider, 12 months) with one client
#               for $duration s each: p50 and p99; risk again with 8 clients;
#               (c) EXPLAIN (ANALYZE, BUFFERS) of risk and of each part it asks
#               the placements service, as hearth_qa in a request's context;
#               (d) hearth-qa's VmRSS idle, under load, settled, and VmHWM;
#   qa_report   the figures, each beside its goal.
#
# Uses placements.sh's variables (tenant, prefixes, n_settings, tokens) and
# helpers (make_batch, push, run_wrk, check_failed, admin_psql).

qa_as_at=2024-06-30

# The uuid of bench row n under prefix p, in SQL.
qa_id() { printf "('%s' || lpad(to_hex(%s), 12, '0'))::uuid" "$1" "$2"; }

qa_load() {
	local s p o
	s=$(qa_id "$setting_prefix" s)
	p=$(qa_id "$provider_prefix" "(s - 1) / 5 + 1")
	o=$(qa_id "$org_prefix" "s % $n_councils + 1")
	echo "bench: loading QA records for $n_settings settings"
	admin_psql <<SQL
-- Two inspections per setting: the earlier one amber for every fifth, the
-- latest red for every seventeenth, amber for every sixth, good otherwise.
INSERT INTO qa.inspections (tenant_id, setting_id, provider_id, regulator, inspection_type,
    inspected_on, published_on, judgements, created_at)
SELECT '$tenant', $s, $p, 'ciw', 'full', d.day, d.day + 30,
       jsonb_build_object('wellbeing', d.band, 'care_and_support', 'good',
                          'environment', 'good', 'leadership_and_management', 'good'),
       d.day::timestamptz
FROM generate_series(1, $n_settings) AS s
CROSS JOIN generate_series(0, 1) AS k
CROSS JOIN LATERAL (SELECT
    CASE k WHEN 0 THEN date '2021-01-01' + s % 365 ELSE date '2022-06-01' + s % 700 END AS day,
    CASE WHEN k = 0 AND s % 5 = 0 THEN 'requires_improvement'
         WHEN k = 1 AND s % 17 = 0 THEN 'requires_significant_improvement'
         WHEN k = 1 AND s % 6 = 0 THEN 'requires_improvement'
         ELSE 'good' END AS band) AS d;
-- Completed visits at two settings in three (a second, older one at half of
-- them), and one scheduled visit at every tenth.
INSERT INTO qa.visits (tenant_id, setting_id, provider_id, org_id, kind, notice, scheduled_for,
    visited_on, visited_by, rag, status, created_at)
SELECT '$tenant', $s, $p, $o, 'planned', 'announced', NULL, d.day, 'Bench Officer',
       (ARRAY['red', 'amber', 'green', 'green'])[1 + (s + k) % 4], 'completed', d.day::timestamptz
FROM generate_series(1, $n_settings) AS s
CROSS JOIN generate_series(0, 1) AS k
CROSS JOIN LATERAL (SELECT CASE k WHEN 0 THEN date '2023-01-01' + (s * 13) % 540
                                  ELSE date '2022-01-01' + s % 300 END AS day) AS d
WHERE s % 3 <> 0 AND (k = 0 OR s % 2 = 0);
INSERT INTO qa.visits (tenant_id, setting_id, provider_id, org_id, kind, notice, scheduled_for,
    status)
SELECT '$tenant', $s, $p, $o, 'planned', 'unannounced', date '2024-08-01' + s % 60, 'scheduled'
FROM generate_series(1, $n_settings) AS s WHERE s % 10 = 0;
-- Reg 44 reports for the children's homes, June 2023 to May 2024, one month
-- in eleven missing; the latest says no registered manager at one home in 23.
INSERT INTO qa.reg44_reports (tenant_id, setting_id, provider_id, month, visited_on,
    visitor_name, received_on, registered_manager_in_post, submitted_by_org_id, created_at)
SELECT '$tenant', $s, $p, m.month, m.month + 9, 'Bench Visitor',
       (m.month + interval '1 month')::date + 4,
       NOT (s % 23 = 0 AND m.month = date '2024-05-01'), $o, m.month::timestamptz
FROM generate_series(1, $n_settings) AS s
CROSS JOIN LATERAL (SELECT (date '2023-06-01' + make_interval(months => j))::date AS month, j
                    FROM generate_series(0, 11) AS j) AS m
WHERE s % 5 <> 0 AND (s + m.j) % 11 <> 0;
-- Concerns of every kind and severity at settings (one in ten against a whole
-- provider), a quarter closed.
INSERT INTO qa.concerns (tenant_id, kind, provider_id, setting_id, raised_by_org_id, severity,
    summary, lado_referral, status, escalation_level, outcome)
SELECT '$tenant',
       (ARRAY['concern', 'complaint', 'compliment', 'allegation', 'notifiable_event',
              'whistleblowing'])[1 + c % 6],
       $(qa_id "$provider_prefix" "(x.s - 1) / 5 + 1"),
       CASE WHEN c % 10 <> 0 THEN $(qa_id "$setting_prefix" x.s) END,
       $(qa_id "$org_prefix" "c % $n_councils + 1"),
       (ARRAY['low', 'moderate', 'significant'])[1 + c % 3], 'Bench concern', c % 6 = 3,
       CASE WHEN c % 4 = 0 THEN 'closed' ELSE 'open' END, 0,
       CASE WHEN c % 4 = 0 THEN 'Resolved' END
FROM generate_series(1, $n_settings / 3) AS c
CROSS JOIN LATERAL (SELECT (c * 7) % $n_settings + 1 AS s) AS x;
-- Action plans, two in three open, with items due through 2024.
INSERT INTO qa.action_plans (tenant_id, provider_id, setting_id, source, items, status,
    created_by_org_id)
SELECT '$tenant', $(qa_id "$provider_prefix" "(x.s - 1) / 5 + 1"), $(qa_id "$setting_prefix" x.s),
       'other',
       jsonb_build_array(
           jsonb_build_object('action', 'Review staffing', 'owner', 'RM',
                              'due_on', date '2024-01-01' + c % 300,
                              'status', CASE WHEN c % 2 = 0 THEN 'open' ELSE 'done' END,
                              'evidence', CASE WHEN c % 2 = 1 THEN 'Rota seen' END),
           jsonb_build_object('action', 'Update policies', 'owner', 'RI',
                              'due_on', date '2024-09-01', 'status', 'open')),
       CASE WHEN c % 3 = 0 THEN 'closed' ELSE 'open' END,
       $(qa_id "$org_prefix" "c % $n_councils + 1")
FROM generate_series(1, $n_settings / 6) AS c
CROSS JOIN LATERAL (SELECT (c * 11) % $n_settings + 1 AS s) AS x;
-- Overrides on one setting in two hundred, current on $qa_as_at.
INSERT INTO qa.risk_overrides (tenant_id, subject_type, subject_id, rag, reason, expires_on,
    created_by_org_id, created_at)
SELECT '$tenant', 'setting', $s, 'amber', 'Bench override', date '2025-01-01', $o,
       timestamptz '2024-01-15'
FROM generate_series(200, $n_settings, 200) AS s;
ANALYZE qa.inspections, qa.visits, qa.reg44_reports, qa.concerns, qa.action_plans,
        qa.risk_overrides, qa.placement_stops;
SQL
}

# ---- (a) the placement-stop check -----------------------------------------------------
# 100 stops in force from 2015 on: 50 on the odd-numbered settings 1..99 (their
# providers are the batch's, its items are at even-numbered settings) and 50 on
# settings of providers the batch never names.
qa_stops_issue() {
	admin_psql <<SQL
INSERT INTO qa.placement_stops (tenant_id, provider_id, setting_id, reason, effective_from,
    issued_by_org_id)
SELECT '$tenant', $(qa_id "$provider_prefix" "(s - 1) / 5 + 1"), $(qa_id "$setting_prefix" s),
       'Bench stop', date '2015-01-01', '$consortium'
FROM (SELECT 2 * n - 1 AS s FROM generate_series(1, 50) AS n
      UNION ALL
      SELECT 1000 + 10 * n FROM generate_series(1, 50) AS n) AS x;
ANALYZE qa.placement_stops;
SQL
}
qa_stops_lift() {
	admin_psql -c "UPDATE qa.placement_stops SET status = 'lifted', lifted_on = effective_from,
	                   lift_reason = 'Bench lift' WHERE status = 'in_force'"
}
# Off: qa_api.stop_in_force() answers NULL without looking. A batch asks it
# from the set-based push (placements 020), single writes from the row
# trigger; both still make the call. On: its own definition again.
qa_stop_fn=
qa_stop_check_switch() { # enable|disable
	if [ "$1" = disable ]; then
		qa_stop_fn=$(admin_psql -c "SELECT pg_get_functiondef(
		    'qa_api.stop_in_force(uuid, uuid, uuid, date)'::regprocedure)")
		admin_psql -c "CREATE OR REPLACE FUNCTION qa_api.stop_in_force(p_tenant uuid,
		    p_provider uuid, p_setting uuid, p_day date) RETURNS uuid
		    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
		    AS 'SELECT NULL::uuid'"
	else
		admin_psql -c "$qa_stop_fn"
	fi
}

declare -A qa_push
qa_push_round() { # <round>
	local r=$1
	make_batch "$HEARTH_RUN_DIR/batch-n$r.json" "N$r"
	make_batch "$HEARTH_RUN_DIR/batch-s$r.json" "S$r"
	make_batch "$HEARTH_RUN_DIR/batch-o$r.json" "O$r"
	echo "bench: first push, no stop in force (round $r)"
	qa_push[none$r]=$(push "none$r" created "$HEARTH_RUN_DIR/batch-n$r.json")
	qa_stops_issue
	echo "bench: first push, 100 stops in force elsewhere (round $r)"
	qa_push[stops$r]=$(push "stops$r" created "$HEARTH_RUN_DIR/batch-s$r.json")
	qa_stops_lift
	qa_stop_check_switch disable
	echo "bench: first push, stop check off (round $r)"
	qa_push[off$r]=$(push "off$r" created "$HEARTH_RUN_DIR/batch-o$r.json")
	qa_stop_check_switch enable
}

# ---- (b)-(d) reads, plans, memory ------------------------------------------------------
qa_pid() { head -n1 "$HEARTH_RUN_DIR/pids/qa.pid"; }
qa_status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$(qa_pid)/status"; }

# qa_explain <label> <SQL>: EXPLAIN (ANALYZE, BUFFERS) of one statement as
# hearth_qa, in the consortium team's request context; prints the plan's
# nodes (costs dropped) down to depth 3 and its execution time.
qa_explain() {
	local label=$1 sql=$2
	echo "  $label"
	"$pgbin/psql" -d "$(hearth_service_url qa)" -XAtq -v ON_ERROR_STOP=1 <<SQL |
SET search_path = qa, hearth, public;
BEGIN READ ONLY;
SELECT hearth.begin_request('$tenant', '$consortium', 'bench', 'viewer', 'bench') \\g /dev/null
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $sql;
COMMIT;
SQL
		awk '/Execution Time|Planning Time/ { sub(/^ */, ""); print "      " $0; next }
		     /->/ { match($0, /^ */); if (RLENGTH > 14) next }
		     /^ *(->|[A-Z])/ && !/Buffers|Planning|I\/O|Filter|Cond|Key|Sort Method|Rows Removed|Output|Heap Fetches|Batches|Memory|Worker|Hits/ {
		         sub(/ \(actual time=[0-9.]*\.\./, " (");
		         sub(/ loops=1\)/, ")");
		         print "      " $0 }'
}

qa_explain_all() {
	local t="'$tenant'" d="date '$qa_as_at'"
	local m3="(date_trunc('month', $d) - interval '3 months')::date"
	local m1="(date_trunc('month', $d) - interval '1 month')::date"
	local m12="(date_trunc('month', $d) - interval '12 months')::date"
	{
		echo "EXPLAIN (ANALYZE, BUFFERS) as hearth_qa, consortium context, as_at $qa_as_at:"
		qa_explain "risk, whole tenant: what GET /v1/risk reads when its pool has one connection free, risk_parts_apart(...) (both halves at once, in parallel workers)" \
			"SELECT count(*), count(r.rule) FROM risk_parts_apart($d, NULL, NULL, NULL) r"
		qa_explain "risk half, on the first connection: risk_parts_placed(...) (the placements' months, the Reg 44 months unreported)" \
			"SELECT count(*) FROM risk_parts_placed($d, NULL, NULL, NULL)"
		qa_explain "risk half, on the second, same snapshot: risk_parts_records(...) (every other rule, QA's own records)" \
			"SELECT count(*) FROM risk_parts_records($d, NULL, NULL, NULL)"
		qa_explain "risk, one after the other: risk_parts(...) (each subject once; the single subject's risk)" \
			"SELECT count(*), count(r.rule) FROM risk_parts($d, NULL, NULL, NULL) r"
		qa_explain "risk part: risk_facts(as_at, NULL)" \
			"SELECT count(*) FROM risk_facts($d, NULL)"
		qa_explain "risk part: placements_api.settings_occupied_masks (the day, 3 months)" \
			"SELECT count(*) FROM placements_api.settings_occupied_masks($t, NULL, $d, $m3, $m1)"
		qa_explain "the scorecards' risk: risk_rows(...) (the same joined in SQL, a row per reason)" \
			"SELECT count(*), count(r.rule) FROM risk_rows($d, NULL, NULL, NULL) r"
		qa_explain "the same from placements_api.settings_placed (every open placement read)" \
			"SELECT count(*) FROM placements_api.settings_placed($t, NULL, NULL, $d, $m3, $m1)"
		qa_explain "risk part: placements_api.unplanned_endings (12 months)" \
			"SELECT count(*) FROM placements_api.unplanned_endings($t, ($d - interval '12 months')::date + 1, $d)"
		qa_explain "reg44 missing: reg44_missing(as_at)" \
			"SELECT count(*) FROM reg44_missing($d)"
		qa_explain "reg44 missing: its first page, reg44_missing_page(as_at, NULL, NULL, 51)" \
			"SELECT count(*) FROM reg44_missing_page($d, NULL, NULL, 51)"
		qa_explain "reg44 part: placements_api.settings_occupied (12 months)" \
			"SELECT count(*) FROM placements_api.settings_occupied($t, NULL, $d, $m12, $m1)"
		qa_explain "visits due: visits_due(as_at)" \
			"SELECT count(*) FROM visits_due($d)"
	} >"$HEARTH_RUN_DIR/qa-explain.txt" 2>&1
}

qa_measure() {
	local url="$gateway/v1" q="as_at=$qa_as_at" sampler r
	qa_rss_idle=$(qa_status_kb VmRSS)
	for r in 1 2; do
		qa_push_round "$r"
	done
	run_wrk qa_risk "/v1/risk?$q" 0 "$consortium_token" 1
	run_wrk qa_risk_settings "/v1/risk?subject_type=setting&$q" 0 "$consortium_token" 1
	run_wrk qa_due "/v1/visits/due?$q" 0 "$consortium_token" 1
	run_wrk qa_missing "/v1/reg44-reports/missing?$q" 0 "$consortium_token" 1
	run_wrk qa_missing_500 "/v1/reg44-reports/missing?$q&limit=500" 0 "$consortium_token" 1
	run_wrk qa_scorecards "/v1/scorecards?period_from=2023-07-01&period_to=2024-06-30&limit=500" 0 \
		"$consortium_token" 1
	# Memory under load: sampled half-way through risk with 8 clients.
	(sleep $((duration / 2)); qa_status_kb VmRSS >"$HEARTH_RUN_DIR/qa_rss_load") &
	sampler=$!
	run_wrk qa_risk_8 "/v1/risk?$q" 0 "$consortium_token" 8
	wait "$sampler" || true
	qa_rss_load=$(cat "$HEARTH_RUN_DIR/qa_rss_load" 2>/dev/null || echo "?")
	sleep 2
	qa_rss_settled=$(qa_status_kb VmRSS)
	qa_hwm=$(qa_status_kb VmHWM)
	qa_threads=$(qa_status_kb Threads)
	qa_bytes=$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $consortium_token" \
		"$url/risk?$q")
	qa_missing_bytes=$(curl -s -o /dev/null -w '%{size_download}' \
		-H "Authorization: Bearer $consortium_token" "$url/reg44-reports/missing?$q")
	qa_explain_all
}

qa_report() {
	local mean_none mean_stops mean_off
	mean_none=$(awk -v a="${qa_push[none1]}" -v b="${qa_push[none2]}" 'BEGIN { printf "%.3f", (a + b) / 2 }')
	mean_stops=$(awk -v a="${qa_push[stops1]}" -v b="${qa_push[stops2]}" 'BEGIN { printf "%.3f", (a + b) / 2 }')
	mean_off=$(awk -v a="${qa_push[off1]}" -v b="${qa_push[off2]}" 'BEGIN { printf "%.3f", (a + b) / 2 }')
	pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%+.1f%%", (a / b - 1) * 100; else print "?" }'; }
	echo
	echo "Quality assurance over the same tenant ($n_settings settings), as_at $qa_as_at"
	printf '%-52s %s\n' "first push 10,000 items, no stop in force" \
		"${qa_push[none1]} s, ${qa_push[none2]} s (mean $mean_none s)"
	printf '%-52s %s\n' "first push 10,000 items, 100 stops in force" \
		"${qa_push[stops1]} s, ${qa_push[stops2]} s (mean $mean_stops s)"
	printf '%-52s %s\n' "first push 10,000 items, stop check off" \
		"${qa_push[off1]} s, ${qa_push[off2]} s (mean $mean_off s)"
	printf '%-52s %s\n' "  100 stops against none" "$(pct "$mean_stops" "$mean_none") (goal: at most +10%)"
	printf '%-52s %s\n' "  100 stops against no check at all" "$(pct "$mean_stops" "$mean_off")"
	printf '%-52s %s\n' "GET /v1/risk, whole tenant, 1 client, p50 / p99" \
		"${p50[qa_risk]} ms / ${p99[qa_risk]} ms (goal: p99 under 300 ms; ${qa_bytes} bytes)"
	printf '%-52s %s\n' "GET /v1/risk?subject_type=setting, p50 / p99" \
		"${p50[qa_risk_settings]} ms / ${p99[qa_risk_settings]} ms (goal: p99 under 300 ms)"
	printf '%-52s %s\n' "GET /v1/risk, whole tenant, 8 clients" \
		"${rps[qa_risk_8]} requests/s, p50 ${p50[qa_risk_8]} ms, p99 ${p99[qa_risk_8]} ms"
	printf '%-52s %s\n' "GET /v1/visits/due, whole tenant, p50 / p99" \
		"${p50[qa_due]} ms / ${p99[qa_due]} ms (goal: p99 under 300 ms)"
	printf '%-52s %s\n' "GET /v1/reg44-reports/missing, first page (50), p50 / p99" \
		"${p50[qa_missing]} ms / ${p99[qa_missing]} ms (goal: p99 under 300 ms; ${qa_missing_bytes} bytes)"
	printf '%-52s %s\n' "GET /v1/reg44-reports/missing?limit=500, p50 / p99" \
		"${p50[qa_missing_500]} ms / ${p99[qa_missing_500]} ms"
	printf '%-52s %s\n' "GET /v1/scorecards, every provider, 12 months, p50 / p99" \
		"${p50[qa_scorecards]} ms / ${p99[qa_scorecards]} ms"
	printf '%-52s %s\n' "hearth-qa VmRSS idle" "${qa_rss_idle} kB (goal: under 20480 kB)"
	printf '%-52s %s\n' "hearth-qa VmRSS under load (risk, 8 clients)" "${qa_rss_load} kB"
	printf '%-52s %s\n' "hearth-qa VmRSS settled / VmHWM / threads" \
		"${qa_rss_settled} kB / ${qa_hwm} kB / ${qa_threads}"
	echo
	cat "$HEARTH_RUN_DIR/qa-explain.txt"
	check_failed qa_risk qa_risk_settings qa_due qa_missing qa_missing_500 qa_risk_8
}

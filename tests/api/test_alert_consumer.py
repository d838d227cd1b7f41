"""The event consumer as a process: exactly once through kill -9 during a burst
across tenants, late commits never skipped, catch-up on start, and the
escalation clock across a restart. The stack's own hearth-alerts is replaced
for this module by processes the tests start and kill on the same port."""
import os
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from alerts_support import alerts_of, new_tenant_with_home, record_inadequate, red_event_sql, \
    wait_for
from hearth_client import ROOT
from records import as_role, psql

BIN = os.path.join(os.environ.get("HEARTH_BIN_DIR", str(ROOT / "build/bin")), "hearth-alerts")


class AlertsProcess:
    def __init__(self, stack_env):
        self.stack_env = stack_env
        self.run = stack_env["HEARTH_RUN_DIR"]
        self.port = stack_env["HEARTH_PORT_ALERTS"]
        self.proc = None

    def env(self, **extra):
        with open(os.path.join(self.run, "secrets", "cursor_secret")) as f:
            secret = f.read().strip()
        return {**os.environ, "HEARTH_PORT": self.port, "HEARTH_LISTEN_ADDR": "127.0.0.1",
                "HEARTH_DATABASE_URL": f"host={self.stack_env['HEARTH_PG_SOCKET_DIR']} "
                                       f"port={self.stack_env['HEARTH_PG_PORT']} "
                                       "dbname=hearth user=hearth_alerts",
                "HEARTH_JWT_KEYS_FILE": self.stack_env["HEARTH_JWT_KEYS_FILE"],
                "HEARTH_JWT_ISSUER": self.stack_env["HEARTH_JWT_ISSUER"],
                "HEARTH_JWT_AUDIENCE": self.stack_env["HEARTH_JWT_AUDIENCE"],
                "HEARTH_CURSOR_SECRET": secret, "HEARTH_DRAIN_TIMEOUT_S": "2", **extra}

    def start(self, **extra):
        log = open(os.path.join(self.run, "logs", "alerts.log"), "a")
        self.proc = subprocess.Popen([BIN], env=self.env(**extra), stdout=log, stderr=log,
                                     start_new_session=True)
        with open(os.path.join(self.run, "pids", "alerts.pid"), "w") as f:
            f.write(f"{self.proc.pid}\n")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/readyz", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            assert self.proc.poll() is None, "hearth-alerts exited at start"
            time.sleep(0.05)
        raise AssertionError("hearth-alerts did not become ready")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            assert self.proc.wait(timeout=15) == 0


@pytest.fixture(scope="module")
def alerts_proc(stack_env):
    pidfile = os.path.join(stack_env["HEARTH_RUN_DIR"], "pids", "alerts.pid")
    with open(pidfile) as f:
        pid = int(f.read().split()[0])
    os.kill(pid, signal.SIGTERM)
    for _ in range(300):
        try:
            os.kill(pid, 0)
            time.sleep(0.05)
        except ProcessLookupError:
            break
    ctl = AlertsProcess(stack_env)
    yield ctl
    ctl.stop()
    ctl.start()  # the stack's own again, stopped with the stack


def burst_counts(stack_env, tenants):
    ids = ",".join(f"'{t['tenant']}'" for t in tenants)
    return psql(stack_env, f"SELECT count(*), count(DISTINCT (org_id, kind, source_event_id)), "
                           f"count(DISTINCT source_event_id) FROM alerts.alerts "
                           f"WHERE tenant_id IN ({ids})")


def test_kill_9_during_a_burst_across_tenants_loses_and_repeats_nothing(api, stack_env,
                                                                       alerts_proc):
    tenants = [new_tenant_with_home(api) for _ in range(10)]
    alerts_proc.start()
    n_tx, per_tx = 100, 10

    def burst():
        for i in range(n_tx):
            sql = "; ".join(red_event_sql(tenants[(i + j) % 10]) for j in range(per_tx))
            psql(stack_env, f"BEGIN; {sql}; COMMIT")

    # One transaction inserted early and committed only after the restart.
    late = subprocess.Popen(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-q"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    late.stdin.write(f"BEGIN; {red_event_sql(tenants[0])}; \\echo inserted\n")
    late.stdin.flush()
    assert late.stdout.readline().strip() == "inserted"

    writer = threading.Thread(target=burst)
    writer.start()
    try:
        # The late transaction holds the horizon: nothing of the burst is handled yet.
        time.sleep(0.5)
        assert burst_counts(stack_env, tenants) == "0|0|0"
        late.stdin.write("COMMIT;\n")
        late.stdin.close()
        assert late.wait(timeout=10) == 0
        deadline = time.monotonic() + 30
        while int(burst_counts(stack_env, tenants).split("|")[0]) < 100:
            assert time.monotonic() < deadline, "the consumer made no progress"
            time.sleep(0.02)
        alerts_proc.kill9()
        time.sleep(0.3)
        alerts_proc.start()
    finally:
        writer.join()
    # Every event: its council and its tenant's team, once each.
    expected = (n_tx * per_tx + 1) * 2
    deadline = time.monotonic() + 60
    while int(burst_counts(stack_env, tenants).split("|")[0]) < expected and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    assert burst_counts(stack_env, tenants) == f"{expected}|{expected}|{n_tx * per_tx + 1}"
    created = psql(stack_env, "SELECT count(*) FROM alerts.outbox o JOIN alerts.alerts a "
                              "ON a.id = o.subject_id WHERE o.type = 'alerts.alert.created' "
                              f"AND a.tenant_id IN ({','.join(repr(t['tenant']) for t in tenants)})")
    assert int(created) == expected
    for t in tenants:
        assert len(alerts_of(api, t["councils"][0], tenant=t["tenant"])) >= 100


def test_a_late_commit_with_a_lower_seq_is_not_skipped(api, stack_env, alerts_proc):
    t = new_tenant_with_home(api)
    alerts_proc.start()
    try:
        early = subprocess.Popen(["psql", stack_env["HEARTH_ADMIN_DATABASE_URL"], "-At", "-q"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        early.stdin.write(f"BEGIN; {red_event_sql(t)} RETURNING seq; \n")
        early.stdin.flush()
        early_seq = int(early.stdout.readline())
        later = record_inadequate(api, t["home"], org=t["councils"][0], tenant=t["tenant"])
        later_seq = int(psql(stack_env, "SELECT seq FROM qa.outbox WHERE type = "
                                        f"'qa.inspection.recorded' AND subject_id = '{later['id']}'"))
        assert later_seq > early_seq
        # Whoever consumes now cannot pass the open transaction.
        step = as_role(stack_env, "hearth_alerts", "SELECT alerts.consume('qa', 1000)")
        assert step.returncode == 0, step.stderr
        assert alerts_of(api, t["councils"][0], tenant=t["tenant"]) == []
        early.stdin.write("COMMIT;\n")
        early.stdin.close()
        assert early.wait(timeout=10) == 0
        got = wait_for(lambda: alerts_of(api, t["councils"][0], tenant=t["tenant"]), 2)
        assert len(got) == 2 and len({a["source_event_id"] for a in got}) == 2
    finally:
        alerts_proc.stop()


def test_events_committed_while_down_are_caught_up_on_start(api, stack_env, alerts_proc):
    t = new_tenant_with_home(api)
    alerts_proc.stop()
    for _ in range(20):
        psql(stack_env, red_event_sql(t))
    alerts_proc.start(HEARTH_ALERTS_CONSUMER_POLL_MS="3600000")
    try:
        got = wait_for(lambda: alerts_of(api, t["councils"][0], tenant=t["tenant"]), 20)
        assert len(got) == 20
    finally:
        alerts_proc.stop()


def test_escalation_runs_across_a_restart_and_stops_when_acknowledged(api, stack_env,
                                                                      alerts_proc):
    t = new_tenant_with_home(api, councils=2)
    fast = {"HEARTH_ALERTS_ESCALATION_CHECK_S": "1", "HEARTH_ALERTS_ESCALATION_INTERVAL_S": "1"}
    # Two processes at once: the clock still raises each level once.
    alerts_proc.start(**fast)
    resp = api.patch("/v1/alert-rules/inadequate_judgement",
                     {"deadlines": {"visit": {"clock": "hours", "amount": 0}, "decision": None}},
                     **t["admin"])
    assert resp.status_code == 200, resp.text
    env = alerts_proc.env(**fast)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        env["HEARTH_PORT"] = str(s.getsockname()[1])
    other = subprocess.Popen([BIN], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        record_inadequate(api, t["home"], org=t["councils"][0], tenant=t["tenant"])
        acked_org, open_org = t["councils"]
        first = wait_for(lambda: alerts_of(api, acked_org, tenant=t["tenant"]), 1)
        assert len(first) == 1
        ack = api.post(f"/v1/alerts/{first[0]['id']}/acknowledge", {}, org=acked_org,
                       tenant=t["tenant"])
        assert ack.status_code == 200, ack.text
        level_at_ack = ack.json()["escalation_level"]

        def level():
            items = alerts_of(api, open_org, tenant=t["tenant"])
            return items[0]["escalation_level"] if items else -1

        deadline = time.monotonic() + 20
        while level() < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert level() >= 1
        alerts_proc.kill9()
        alerts_proc.start(**fast)
        deadline = time.monotonic() + 20
        while level() < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert level() == 3
        alert_id = alerts_of(api, open_org, tenant=t["tenant"])[0]["id"]
        escalated = psql(stack_env, "SELECT count(*) FROM alerts.outbox WHERE type = "
                                    f"'alerts.alert.escalated' AND subject_id = '{alert_id}'")
        assert escalated == "3"
        acked = api.get(f"/v1/alerts/{first[0]['id']}", org=acked_org, tenant=t["tenant"]).json()
        assert acked["escalation_level"] == level_at_ack and acked["status"] == "acknowledged"
    finally:
        other.send_signal(signal.SIGTERM)
        other.wait(timeout=15)
        alerts_proc.stop()

#!/usr/bin/env python3
"""Webhook throughput and latency (run by tests/bench/webhooks.sh): a local
receiver that verifies every signature, a subscription of the demo
consortium team to it, then
  1. a burst of N alert events committed in one transaction: deliveries/s
     from the commit to the last arrival, and the latency p50/p99 of each;
  2. M events committed one at a time: latency from each commit to arrival.
Prints figures; fails only when a delivery is missing or a signature wrong."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time

ADMIN_URL = os.environ["HEARTH_ADMIN_DATABASE_URL"]
TENANT = "00000000-0000-4000-8000-00000000d001"
ORG = "00000000-0000-4000-8000-00000000c001"
SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode()
KEY = base64.b64decode(SECRET[6:])
arrivals, bad, lock = {}, [], threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.time()
        msg = f"{self.headers['webhook-id']}.{self.headers['webhook-timestamp']}.".encode() + body
        sig = "v1," + base64.b64encode(hmac.new(KEY, msg, hashlib.sha256).digest()).decode()
        event = json.loads(body)
        with lock:
            if sig != self.headers["webhook-signature"]:
                bad.append(self.headers["webhook-id"])
            arrivals[self.headers["webhook-id"]] = (now, event["data"]["bench_at"],
                                                   event["data"]["run"])
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def psql(sql):
    return subprocess.run(["psql", ADMIN_URL, "-XAtq", "-v", "ON_ERROR_STOP=1"], input=sql,
                          check=True, capture_output=True, text=True).stdout


def event_sql(run, count):
    return ("INSERT INTO alerts.outbox (tenant_id, org_id, type, subject_type, subject_id, payload) "
            f"SELECT '{TENANT}', '{ORG}', 'alerts.alert.created', 'alert', gen_random_uuid(), "
            f"jsonb_build_object('run', '{run}', 'bench_at', extract(epoch FROM clock_timestamp())) "
            f"FROM generate_series(1, {count});\n")


def wait(run, count, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with lock:
            got = [a for a in arrivals.values() if a[2] == run]
        if len(got) >= count:
            return got
        time.sleep(0.01)
    sys.exit(f"bench: {len(got)} of {count} deliveries of run {run} arrived")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    burst, single = int(sys.argv[1]), int(sys.argv[2])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    psql("INSERT INTO alerts.subscriptions (tenant_id, org_id, url, event_types, secret) "
         f"VALUES ('{TENANT}', '{ORG}', '{url}', ARRAY['alerts.alert.*'], '{SECRET}');")

    psql(event_sql("burst", burst))
    committed = time.time()
    got = wait("burst", burst, 300)
    last = max(a[0] for a in got)
    latencies = [(a[0] - a[1]) * 1000 for a in got]
    print(f"webhooks, burst of {burst}: {burst / (last - committed):.0f} deliveries/s, "
          f"latency p50 {pct(latencies, 50):.0f} ms, p99 {pct(latencies, 99):.0f} ms")

    script = "".join(event_sql("single", 1) + "SELECT pg_sleep(0.02);\n" for _ in range(single))
    psql(script)
    got = wait("single", single, 120)
    latencies = [(a[0] - a[1]) * 1000 for a in got]
    print(f"webhooks, {single} events one at a time: commit to arrival p50 "
          f"{pct(latencies, 50):.1f} ms, p99 {pct(latencies, 99):.1f} ms")
    if bad:
        sys.exit(f"bench: {len(bad)} deliveries had a bad signature")


if __name__ == "__main__":
    main()

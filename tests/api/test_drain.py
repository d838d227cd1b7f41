"""Drain on SIGTERM: answers close their connections so a gateway's kept-alive
connections move to another process, and a rolling restart (a second process
on the same port, then SIGTERM to the first) under a bounded load of GETs
through the gateway answers no 5xx."""
import concurrent.futures
import json
import os
import signal
import subprocess
import threading
import time

import requests

from hearth_client import ROOT
from test_body_limits import read_response, send_head
from test_service_process import free_port, service_env


def start_providers(stack_env, port, binary, log):
    env = service_env(stack_env, port)
    env["HEARTH_DRAIN_TIMEOUT_S"] = "10"
    return subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)


def wait_listening(proc, log_path, deadline_s=10):
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        assert proc.poll() is None, open(log_path).read()
        with open(log_path) as f:
            if any("listening on" in line for line in f):
                return
        time.sleep(0.05)
    raise AssertionError("the service did not start: " + open(log_path).read())


def test_answers_while_draining_close_the_connection(api, stack_env, tmp_path):
    port = free_port()
    log_path = tmp_path / "drain.log"
    with open(log_path, "w") as log:
        proc = start_providers(stack_env, port, str(ROOT / "build/bin/hearth-providers"), log)
    try:
        wait_listening(proc, log_path)
        keepalive = send_head(port, "GET", "/healthz", {})
        first = read_response(keepalive)
        assert first.status_code == 200 and "close" not in first.headers.get("Connection", "")
        # A request in flight (admitted, waiting for its body) keeps the drain going.
        held = send_head(port, "POST", "/v1/organisations", {
            "Authorization": f"Bearer {api.token(roles='tenant_admin')}",
            "Content-Type": "application/json", "Content-Length": "2", "Expect": "100-continue"})
        assert read_response(held).status_code == 100
        proc.send_signal(signal.SIGTERM)
        deadline = time.time() + 10
        while True:
            keepalive.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            resp = read_response(keepalive)
            # Until the signal is seen: 200 and kept alive. Then, once draining,
            # the answer closes (a readiness check just before may still say 200).
            if "close" in resp.headers.get("Connection", "") or time.time() > deadline:
                break
            assert resp.status_code == 200
            time.sleep(0.02)
        assert resp.headers["Connection"].lower() == "close"
        assert resp.status_code in (200, 503)
        assert keepalive.recv(1) == b""  # closed after that answer
        held.sendall(b"{}")
        last = read_response(held)
        assert last.status_code == 400 and last.headers["Connection"].lower() == "close"
        assert proc.wait(timeout=15) == 0
        logs = [json.loads(l) for l in open(log_path) if l.startswith("{")]
        assert any("drained" in l["msg"] for l in logs), logs
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def load_through_gateway(api, stop, counts, lock):
    """GETs through the gateway until `stop` is set, at most 4000 per worker."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {api.token(roles='viewer', sub='drain-load')}"}
    for _ in range(4000):
        if stop.is_set():
            break
        resp = session.get(api.base + "/v1/organisations?limit=1", headers=headers, timeout=30)
        with lock:
            counts[resp.status_code] = counts.get(resp.status_code, 0) + 1


def test_rolling_restart_under_load_answers_no_5xx(api, stack_env):
    """The stack's own providers process is replaced, the way a rolling
    restart replaces it: the new one takes over the stack's pid file."""
    run = stack_env["HEARTH_RUN_DIR"]
    port = int(stack_env["HEARTH_PORT_PROVIDERS"])
    pidfile = os.path.join(run, "pids", "providers.pid")
    old_pid = int(open(pidfile).read().split()[0])
    binary = os.readlink(f"/proc/{old_pid}/exe")
    log_path = os.path.join(run, "logs", "providers.log")
    stop, lock, counts = threading.Event(), threading.Lock(), {}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        workers = [pool.submit(load_through_gateway, api, stop, counts, lock) for _ in range(8)]
        time.sleep(0.5)  # load running against the old process
        with open(log_path, "a") as log:
            mark = os.path.getsize(log_path)
            new = start_providers(stack_env, port, binary, log)
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(log_path) as f:
                f.seek(mark)
                if "listening on" in f.read():
                    break
            time.sleep(0.05)
        with open(pidfile, "w") as f:
            f.write(f"{new.pid}\n")
        os.kill(old_pid, signal.SIGTERM)
        deadline = time.time() + 20
        while os.path.exists(f"/proc/{old_pid}") and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # load running against the new process only
        stop.set()
        for w in workers:
            w.result()
    assert not os.path.exists(f"/proc/{old_pid}"), "the old process did not exit"
    assert new.poll() is None
    served = sum(counts.values())
    assert served > 100, counts
    assert counts.get(200, 0) == served, counts  # no 502 or any other non-200

"""A Hearth service run by a test as its own process, with the test stack's
settings (database, token keys, cursor secret) and whatever the test adds:
to kill -9 it, restart it, or run a second one beside the stack's."""
import os
import signal
import subprocess
import time

import requests

from hearth_client import ROOT


class ServiceProcess:
    def __init__(self, stack_env, name, port=None, pidfile=True):
        """`port` defaults to the stack's own port of the service (the test
        stops the stack's process first); `pidfile` records the process where
        the stack's stop finds it."""
        self.stack_env = stack_env
        self.name = name
        self.run = stack_env["HEARTH_RUN_DIR"]
        self.port = str(port or stack_env[f"HEARTH_PORT_{name.upper()}"])
        self.pidfile = pidfile
        self.bin = os.path.join(os.environ.get("HEARTH_BIN_DIR", str(ROOT / "build/bin")),
                                f"hearth-{name}")
        self.proc = None

    def env(self, **extra):
        with open(os.path.join(self.run, "secrets", "cursor_secret")) as f:
            secret = f.read().strip()
        return {**os.environ, "HEARTH_PORT": self.port, "HEARTH_LISTEN_ADDR": "127.0.0.1",
                "HEARTH_DATABASE_URL": f"host={self.stack_env['HEARTH_PG_SOCKET_DIR']} "
                                       f"port={self.stack_env['HEARTH_PG_PORT']} "
                                       f"dbname=hearth user=hearth_{self.name}",
                "HEARTH_JWT_KEYS_FILE": self.stack_env["HEARTH_JWT_KEYS_FILE"],
                "HEARTH_JWT_ISSUER": self.stack_env["HEARTH_JWT_ISSUER"],
                "HEARTH_JWT_AUDIENCE": self.stack_env["HEARTH_JWT_AUDIENCE"],
                "HEARTH_CURSOR_SECRET": secret, "HEARTH_DRAIN_TIMEOUT_S": "2", **extra}

    def start(self, **extra):
        """Start it (stopping first the one this object started, if it still
        runs: a second start would otherwise leave it running unseen, its
        pidfile taken by the new one)."""
        self.stop()
        log = open(os.path.join(self.run, "logs", f"{self.name}.log"), "a")
        self.proc = subprocess.Popen([self.bin], env=self.env(**extra), stdout=log, stderr=log,
                                     start_new_session=True)
        if self.pidfile:
            with open(os.path.join(self.run, "pids", f"{self.name}.pid"), "w") as f:
                f.write(f"{self.proc.pid}\n")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/readyz", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            assert self.proc.poll() is None, f"hearth-{self.name} exited at start"
            time.sleep(0.05)
        raise AssertionError(f"hearth-{self.name} did not become ready")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            assert self.proc.wait(timeout=15) == 0

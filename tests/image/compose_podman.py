"""docker-compose.yml's Hearth services, run by podman on the host network.

The compose file is read as docker-compose itself resolves it (`docker-compose
config`: variables, defaults and anchors applied), and each service becomes a
`podman run` with that service's command, environment, volumes, read-only root
filesystem, tmpfs, stop signal and grace period. depends_on is honoured in
order: a one-shot job (restart "no", like migrate) must exit 0, a service
others wait for must pass its own healthcheck command.

The host network replaces the compose network, so what names the network is
mapped, and only that: every port a service listens on (its services.txt port,
the gateway's 8080) becomes a free port on 127.0.0.1, in the environment and in
its healthcheck command; the gateway reaches each service at 127.0.0.1:<port>
(HEARTH_UPSTREAM_<SVC>); the database is HEARTH_DB_HOST/HEARTH_DB_PORT, the
compose file's own settings for an external PostgreSQL. The compose file's
postgres service is not run: the caller provides the database.
"""
import pathlib
import re
import socket
import subprocess
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICES_FILE = ROOT / "deploy" / "services.txt"
GATEWAY_PORT = 8080
EXTERNAL = {"postgres"}


def listed_services():
    """[(name, port)] from deploy/services.txt, the one list of services."""
    out = []
    for line in SERVICES_FILE.read_text().splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            out.append((words[0], int(words[1])))
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seconds(text, default):
    """A compose duration ("5s", "1m30s", "300ms") in seconds."""
    if text is None:
        return default
    total = 0.0
    for number, unit in re.findall(r"([0-9.]+)(ms|us|h|m|s)", str(text)):
        total += float(number) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6}[unit]
    return total


def compose_config(env):
    out = subprocess.run(["docker-compose", "-f", str(COMPOSE_FILE), "config"], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"docker-compose config failed: {out.stderr}")
    return yaml.safe_load(out.stdout)["services"]


class Stack:
    def __init__(self, env, run_id, run_dir):
        self.run_id = run_id
        self.run_dir = pathlib.Path(run_dir)
        self.log_dir = self.run_dir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.names_file = self.run_dir / "containers"
        self.ports = {name: free_port() for name, _ in listed_services()}
        self.compose_ports = dict(listed_services())
        self.gateway_port = free_port()
        self.config = compose_config(env)
        self.running = []  # compose service names with a detached container

    # ---- translation -----------------------------------------------------

    def container(self, name, suffix=""):
        return f"hearth-it-{self.run_id}-{name}{suffix}"

    def port_map(self, name):
        """{port in the compose file: port on the host} for this service."""
        if name == "gateway":
            return {GATEWAY_PORT: self.gateway_port}
        if name in self.ports:
            return {self.compose_ports[name]: self.ports[name]}
        return {}

    def environment(self, name):
        env = {k: ("" if v is None else str(v))
               for k, v in (self.config[name].get("environment") or {}).items()}
        if name in self.ports:
            env.update(HEARTH_PORT=str(self.ports[name]), HEARTH_LISTEN_ADDR="127.0.0.1")
        if name == "gateway":
            env["HEARTH_GATEWAY_LISTEN"] = f"127.0.0.1:{self.gateway_port}"
            env["HEARTH_GATEWAY_TLS_LISTEN"] = f"127.0.0.1:{free_port()}"
            for svc, port in self.ports.items():
                env[f"HEARTH_UPSTREAM_{svc.upper()}"] = f"127.0.0.1:{port}"
        return env

    def run_args(self, name, container, command=None):
        spec = self.config[name]
        args = ["--name", container, "--network", "host",
                "--label", f"org.hearth.image-test={self.run_id}"]
        for key, value in self.environment(name).items():
            args += ["--env", f"{key}={value}"]
        for vol in spec.get("volumes") or []:
            if isinstance(vol, dict):
                vol = f"{vol['source']}:{vol['target']}" + (":ro" if vol.get("read_only") else "")
            args += ["--volume", vol]
        if spec.get("read_only"):
            # As Docker does it: nothing writable but the declared tmpfs.
            args += ["--read-only", "--read-only-tmpfs=false"]
        tmpfs = spec.get("tmpfs") or []
        for path in [tmpfs] if isinstance(tmpfs, str) else tmpfs:
            args += ["--tmpfs", path]
        if spec.get("user"):
            args += ["--user", str(spec["user"])]
        if spec.get("stop_signal"):
            args += ["--stop-signal", spec["stop_signal"]]
        args += ["--stop-timeout", str(int(seconds(spec.get("stop_grace_period"), 10)))]
        return args + [spec["image"]] + list(command or spec.get("command") or [])

    def healthcheck(self, name):
        """The service's healthcheck as an exec argv, or None."""
        check = self.config[name].get("healthcheck")
        if not check or check.get("disable"):
            return None
        test = check["test"]
        if isinstance(test, str):
            argv = ["sh", "-c", test]
        elif test[0] == "CMD":
            argv = list(test[1:])
        elif test[0] == "CMD-SHELL":
            argv = ["sh", "-c", test[1]]
        else:
            return None
        ports = self.port_map(name)

        def remap(match):
            port = int(match[2])
            return f"{match[1]}:{ports.get(port, port)}"

        return [re.sub(r"(127\.0\.0\.1|localhost):(\d+)", remap, a) for a in argv]

    # ---- podman ----------------------------------------------------------

    def _record(self, container):
        with self.names_file.open("a") as f:
            f.write(container + "\n")

    def run_once(self, name, command=None, suffix="-run"):
        """`docker-compose run --rm <name> [command]`: the CompletedProcess."""
        container = self.container(name, f"{suffix}-{time.monotonic_ns() % 10**9}")
        self._record(container)
        return subprocess.run(["podman", "run", "--rm", *self.run_args(name, container, command)],
                              capture_output=True, text=True, timeout=300)

    def start(self, name):
        container = self.container(name)
        self._record(container)
        out = subprocess.run(["podman", "run", "--detach", *self.run_args(name, container)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"podman run {name} failed: {out.stderr}")
        self.running.append(name)

    def state(self, name):
        out = subprocess.run(["podman", "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}",
                              self.container(name)], capture_output=True, text=True)
        status, _, code = out.stdout.strip().partition(" ")
        return status, int(code or 0)

    def run_healthcheck(self, name):
        check = self.config[name]["healthcheck"]
        try:
            return subprocess.run(["podman", "exec", self.container(name), *self.healthcheck(name)],
                                  capture_output=True, text=True,
                                  timeout=seconds(check.get("timeout"), 30) + 5)
        except subprocess.TimeoutExpired as exc:
            return subprocess.CompletedProcess(exc.cmd, 124, "", "healthcheck timed out")

    def wait_healthy(self, name):
        """Poll the healthcheck as often as we like, within the time compose
        would give it (start period + retries x (interval + timeout))."""
        check = self.config[name]["healthcheck"]
        budget = seconds(check.get("start_period"), 0) + int(check.get("retries", 3)) * (
            seconds(check.get("interval"), 30) + seconds(check.get("timeout"), 30))
        deadline = time.monotonic() + budget
        while True:
            status, code = self.state(name)
            if status != "running":
                raise RuntimeError(f"{name} is {status} (exit code {code}) before it was healthy; "
                                   f"see {self.log_dir / (name + '.log')}")
            result = self.run_healthcheck(name)
            if result.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not healthy after {budget:.0f} s: {result.stderr}")
            time.sleep(0.3)

    def hearth_services(self):
        """The compose services of the Hearth image, in depends_on order."""
        image = {n for n, s in self.config.items() if n not in EXTERNAL}
        order, seen = [], set()

        def visit(n):
            if n in seen or n not in image:
                return
            seen.add(n)
            for dep in sorted(self.config[n].get("depends_on") or {}):
                visit(dep)
            order.append(n)

        for n in sorted(image):
            visit(n)
        return order

    def up(self):
        for name in self.hearth_services():
            spec = self.config[name]
            for dep, cond in (spec.get("depends_on") or {}).items():
                condition = cond.get("condition") if isinstance(cond, dict) else None
                if dep in self.running and condition == "service_healthy":
                    self.wait_healthy(dep)
            if str(spec.get("restart", "no")) == "no":
                result = self.run_once(name, suffix="")
                (self.log_dir / f"{name}.log").write_text(result.stdout + result.stderr)
                if result.returncode != 0:
                    raise RuntimeError(f"{name} exited {result.returncode}:\n{result.stderr}")
            else:
                self.start(name)
        for name in self.running:
            if self.config[name].get("healthcheck"):
                self.wait_healthy(name)

    def save_logs(self):
        for name in self.running:
            out = subprocess.run(["podman", "logs", self.container(name)], capture_output=True,
                                 text=True)
            (self.log_dir / f"{name}.log").write_text(out.stdout + out.stderr)

    def stop(self, name):
        """`docker-compose stop <name>`: its stop signal, then its grace period."""
        return subprocess.run(["podman", "stop", self.container(name)], capture_output=True,
                              text=True, timeout=120)

    def down(self):
        self.save_logs()
        for name in reversed(self.running):
            subprocess.run(["podman", "rm", "--force", "--time", "2", self.container(name)],
                           capture_output=True)
        self.running = []

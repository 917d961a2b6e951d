"""Fixtures that run the real robustmqd binary for end-to-end tests.

`robustmq` gives each test a fresh daemon on free loopback ports with its own
data directory. `daemon_factory` starts more daemons, or daemons with extra
config, env or flags. Every daemon a test starts is killed when the test ends,
and its log (stdout and stderr) is attached to the report of a failing test.

MQTT: `mqtt_broker` is the broker the generic MQTT tests talk to: robustmqd, or
with ROBUSTMQ_MQTT_PEER=mosquitto a fresh /usr/sbin/mosquitto, so the tests
themselves can be checked against a reference implementation. Tests marked
`robustmqd_only` are skipped in such a peer run (ROBUSTMQ_MQTT_PEER_ALL=1 runs
them anyway); `mqtt_ws` marks the MQTT over WebSocket tests.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import amqp_support
from mqtt_support import PEER_ENV, Clients, Mosquitto, MqttBroker, peer
from support import daemon_env

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TARGET_DIR = Path("/root/.cache/robustmq-target")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
LOG_TAIL_CHARS = 30_000

_LIVE: list["Daemon"] = []


def binary_candidates() -> list[Path]:
    """Where to look for robustmqd, in order of preference."""
    out = []
    if os.environ.get("ROBUSTMQD"):
        out.append(Path(os.environ["ROBUSTMQD"]))
    if os.environ.get("CARGO_TARGET_DIR"):
        out.append(Path(os.environ["CARGO_TARGET_DIR"]) / "debug" / "robustmqd")
    out.append(REPO_ROOT / "target" / "debug" / "robustmqd")
    out.append(DEFAULT_TARGET_DIR / "debug" / "robustmqd")
    return out


def find_binary() -> Path:
    cands = binary_candidates()
    if os.environ.get("ROBUSTMQD"):
        # An explicit path is authoritative: never fall back silently.
        cands = cands[:1]
    for c in cands:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    raise FileNotFoundError(
        "robustmqd binary not found; looked at: " + ", ".join(str(c) for c in cands)
    )


def free_ports(n: int) -> list[int]:
    """Return n distinct free TCP ports on 127.0.0.1 (held open together)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _die_with_parent() -> None:
    """preexec hook: the daemon gets SIGKILL if the pytest process dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    """GET http://127.0.0.1:port/path; returns (status, body). Raises OSError if unreachable."""
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


class DaemonStartError(RuntimeError):
    pass


class Daemon:
    """One robustmqd process (and its restarts) bound to fixed ports and data dir."""

    def __init__(self, binary: Path, workdir: Path, name: str = "robustmqd",
                 env: dict | None = None, args: list[str] | None = None,
                 config_text: str | None = None, data_dir: Path | None = None,
                 nofile: int | None = None):
        self.binary = binary
        # The daemon's open-file limit (soft and hard), so it cannot raise it.
        self.nofile = nofile
        self.name = name
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir or (workdir / f"{name}-data")
        (self.kafka_port, self.http_port, self.admin_port, self.mqtt_port,
         self.ws_port, self.amqp_port) = free_ports(6)
        self.log_path = workdir / f"{name}.log"
        self.extra_env = dict(env or {})
        self.extra_args = list(args or [])
        self.config_path = None
        if config_text is not None:
            self.config_path = workdir / f"{name}.toml"
            self.config_path.write_text(config_text)
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    # --- addresses ---------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def http_addr(self) -> str:
        return f"127.0.0.1:{self.http_port}"

    @property
    def admin_addr(self) -> str:
        return f"127.0.0.1:{self.admin_port}"

    @property
    def mqtt_addr(self) -> str:
        return f"127.0.0.1:{self.mqtt_port}"

    @property
    def ws_addr(self) -> str:
        return f"127.0.0.1:{self.ws_port}"

    @property
    def amqp_addr(self) -> str:
        return f"127.0.0.1:{self.amqp_port}"

    def command(self) -> list[str]:
        cmd = [str(self.binary), "--data-dir", str(self.data_dir),
               "--kafka-listen", self.bootstrap, "--http-listen", self.http_addr,
               "--admin-listen", self.admin_addr, "--mqtt-listen", self.mqtt_addr,
               "--mqtt-ws-listen", self.ws_addr, "--amqp-listen", self.amqp_addr]
        if self.config_path is not None:
            cmd += ["--config", str(self.config_path)]
        return cmd + self.extra_args

    # --- lifecycle -----------------------------------------------------------
    def _preexec(self) -> None:
        _die_with_parent()
        if self.nofile is not None:
            import resource
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, self.nofile))

    def spawn(self) -> subprocess.Popen:
        """Start the process without waiting for readiness."""
        assert self.proc is None or self.proc.poll() is not None, "daemon already running"
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== start #{self.starts}: {' '.join(self.command())} =====\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=daemon_env(self.extra_env), preexec_fn=self._preexec, cwd=self.workdir,
            )
        _LIVE.append(self)
        return self.proc

    def start(self, timeout: float = START_TIMEOUT_S) -> "Daemon":
        """Start and wait until GET /readyz answers 200."""
        proc = self.spawn()
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            rc = proc.poll()
            if rc is not None:
                raise DaemonStartError(
                    f"{self.name} exited with code {rc} before becoming ready\n{self.log_tail()}")
            try:
                status, body = http_get(self.http_port, "/readyz", timeout=1.0)
                if status == 200:
                    return self
                last = f"HTTP {status}: {body[:200]}"
            except OSError as e:
                last = repr(e)
            time.sleep(0.05)
        self.kill9()
        raise DaemonStartError(
            f"{self.name} not ready within {timeout}s (last /readyz: {last})\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def terminate(self, timeout: float = STOP_TIMEOUT_S, expect_rc: int | None = 0) -> int:
        """SIGTERM and wait. Fails if it does not exit in time or exits with an unexpected code."""
        assert self.proc is not None, "daemon was never started"
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
                raise AssertionError(f"{self.name} did not exit within {timeout}s of SIGTERM")
        rc = self.proc.returncode
        if expect_rc is not None:
            assert rc == expect_rc, f"{self.name} exited with {rc} after SIGTERM, expected {expect_rc}"
        return rc

    def kill9(self) -> None:
        """SIGKILL the process (simulates a crash) and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)

    def restart(self) -> "Daemon":
        """Graceful restart on the same ports and data dir."""
        self.terminate()
        return self.start()

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.kill9()
        if self in _LIVE:
            _LIVE.remove(self)

    # --- observability ------------------------------------------------------
    def http_get(self, path: str, timeout: float = 5.0) -> tuple[int, str]:
        return http_get(self.http_port, path, timeout)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def last_run_output(self) -> str:
        """What the process printed since its most recent start (without our marker line)."""
        text = self.log_text()
        marker = f"===== start #{self.starts}:"
        idx = text.rfind(marker)
        if idx < 0:
            return text
        nl = text.find("\n", idx)
        return "" if nl < 0 else text[nl + 1:]

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        text = self.log_text()
        if len(text) > chars:
            text = "...[truncated]...\n" + text[-chars:]
        return f"--- {self.name} log ({self.log_path}) ---\n{text}"


@atexit.register
def _kill_leftovers() -> None:
    for d in list(_LIVE):
        d.kill9()


@pytest.fixture(scope="session")
def robustmqd_binary() -> Path:
    """The daemon under test. A missing binary is a failure, not a skip."""
    try:
        return find_binary()
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture
def daemon_factory(robustmqd_binary, tmp_path, request):
    """Make daemons: factory(name=..., env=..., args=..., config_text=..., data_dir=..., start=True)."""
    made: list[Daemon] = []
    request.node._robustmq_daemons = made

    def make(name: str = "robustmqd", start: bool = True, **kw) -> Daemon:
        d = Daemon(robustmqd_binary, tmp_path, name=name, **kw)
        made.append(d)
        if start:
            d.start()
        return d

    yield make
    for d in made:
        d.cleanup()


@pytest.fixture
def robustmq(daemon_factory) -> Daemon:
    """A running daemon with default config on fresh ports and a fresh data dir."""
    return daemon_factory()


# --------------------------------------------------------------------------
# MQTT
# --------------------------------------------------------------------------

def pytest_configure(config):
    config.addinivalue_line(
        "markers", "robustmqd_only: needs robustmqd itself (persistence, Kafka view, CLI users, "
        "its reason codes); skipped when ROBUSTMQ_MQTT_PEER names a reference broker")
    config.addinivalue_line("markers", "mqtt_ws: MQTT over WebSocket (robustmqd --mqtt-ws-listen)")


def pytest_collection_modifyitems(config, items):
    # ROBUSTMQ_MQTT_PEER_ALL=1 (ROBUSTMQ_AMQP_PEER_ALL=1) runs the robustmqd-only tests against
    # the peer as well, to see how the peer differs (those that need robustmqd's daemon or CLI
    # fail there).
    peers = [(env, name) for env, name, run_all in (
        (PEER_ENV, peer(), "ROBUSTMQ_MQTT_PEER_ALL"),
        (amqp_support.PEER_ENV, amqp_support.peer(), "ROBUSTMQ_AMQP_PEER_ALL"),
    ) if name and os.environ.get(run_all) != "1"]
    if not peers:
        return
    why = ", ".join(f"{env}={name}" for env, name in peers)
    skip = pytest.mark.skip(reason=f"robustmqd-only test; {why}")
    for item in items:
        if item.get_closest_marker("robustmqd_only") is not None:
            item.add_marker(skip)


@pytest.fixture
def mqtt_broker(request, tmp_path) -> MqttBroker:
    """The MQTT broker under test: a fresh robustmqd, or the reference peer named by
    ROBUSTMQ_MQTT_PEER (only `mosquitto` is known)."""
    kind = peer()
    if kind is None:
        d = request.getfixturevalue("daemon_factory")()
        yield MqttBroker.of_daemon(d)
        return
    if kind != "mosquitto":
        pytest.fail(f"unknown {PEER_ENV}={kind!r} (known: mosquitto)", pytrace=False)
    port, = free_ports(1)
    m = Mosquitto(tmp_path, port)
    request.node._robustmq_peers = [m]
    try:
        m.start()
        yield MqttBroker("mosquitto", "127.0.0.1", port, None, None)
    finally:
        m.cleanup()


@pytest.fixture
def mqtt(mqtt_broker):
    """Makes paho clients for `mqtt_broker` (mqtt.connect(version, ...)); closes them at the end."""
    clients = Clients(mqtt_broker)
    yield clients
    clients.close_all()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for d in getattr(item, "_robustmq_daemons", []):
            rep.sections.append((f"robustmqd log: {d.name} ({rep.when})", d.log_tail()))
        for m in getattr(item, "_robustmq_peers", []):
            rep.sections.append((f"peer log: {m.name} ({rep.when})", m.log_tail()))


# --------------------------------------------------------------------------
# AMQP 0-9-1
# --------------------------------------------------------------------------
# `amqp_broker` is a fresh robustmqd, or with ROBUSTMQ_AMQP_PEER=rabbitmq one private
# rabbitmq-server shared by the whole session (the tests use unique names), so the generic
# AMQP tests can be checked against RabbitMQ. Tests marked `robustmqd_only` are skipped in
# such a run as well (ROBUSTMQ_AMQP_PEER_ALL=1 runs them anyway).


@pytest.fixture(scope="session")
def _rabbitmq_session(tmp_path_factory):
    """The session's RabbitMQ (started when an AMQP test first needs it)."""
    port, epmd_port, dist_port = free_ports(3)
    r = amqp_support.RabbitMQ(tmp_path_factory.mktemp("rabbitmq"), port, epmd_port, dist_port)
    atexit.register(r.cleanup)
    try:
        r.start()
        yield r
    finally:
        r.cleanup()


@pytest.fixture
def amqp_broker(request) -> amqp_support.AmqpBroker:
    """The AMQP broker under test: a fresh robustmqd, or the reference peer named by
    ROBUSTMQ_AMQP_PEER (only `rabbitmq` is known)."""
    kind = amqp_support.peer()
    if kind is None:
        return amqp_support.AmqpBroker.of_daemon(request.getfixturevalue("daemon_factory")())
    if kind != "rabbitmq":
        pytest.fail(f"unknown {amqp_support.PEER_ENV}={kind!r} (known: rabbitmq)", pytrace=False)
    r = request.getfixturevalue("_rabbitmq_session")
    request.node._robustmq_peers = [r]
    assert r.alive(), f"rabbitmq is not running:\n{r.log_tail()}"
    return amqp_support.AmqpBroker("rabbitmq", "127.0.0.1", r.port, peer=r)


@pytest.fixture
def amqp(amqp_broker):
    """Opens pika connections to `amqp_broker` (amqp.connect(), amqp.channel(),
    amqp.publisher()); closes them at the end."""
    conns = amqp_support.Connections(amqp_broker)
    yield conns
    conns.close_all()

"""`robustmq top` against a live daemon, driven through a real terminal (tmux): it must show a
topic that is being produced to with a non-zero message rate, react to keys and resizes, and
give the terminal back (main screen, cursor shown, cooked mode) when it quits."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from support import create_topic, producer, unique

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed (scripts/deps --test installs it)")

DEFAULT_CLI = Path("/root/.cache/robustmq-target/debug/robustmq")
WIDTH, HEIGHT = 160, 45
SCREEN_TIMEOUT_S = 20.0
EXIT_MARK = "TOP-EXITED"


def cli_binary() -> Path:
    """The CLI under test. A missing binary is a failure, not a skip."""
    path = Path(os.environ.get("ROBUSTMQ_CLI", str(DEFAULT_CLI)))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"robustmq CLI binary not found at {path} (set ROBUSTMQ_CLI)", pytrace=False)
    return path


class Pane:
    """One detached tmux session on a private server socket, running a shell command."""

    def __init__(self, command: str, width: int = WIDTH, height: int = HEIGHT):
        self.socket = f"robustmq-top-{uuid.uuid4().hex[:8]}"
        self.target = "top"
        self.tmux(
            "new-session", "-d", "-s", self.target, "-x", str(width), "-y", str(height), command,
            config=True)
        # Keep the pane (and what it shows) after the command ends.
        self.tmux("set-option", "-t", self.target, "remain-on-exit", "on")

    def tmux(self, *args: str, config: bool = False) -> str:
        cmd = [TMUX, "-L", self.socket]
        if config:
            cmd += ["-f", "/dev/null"]
        out = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=10)
        if out.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {out.stderr.strip()}")
        return out.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def info(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.target, fmt).strip()

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.target, *keys)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.target, "-x", str(width), "-y", str(height))

    def wait_for(self, predicate, what: str, timeout: float = SCREEN_TIMEOUT_S):
        """Poll the captured screen until predicate(screen) is truthy; fail with the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.screen()
            value = predicate(screen)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; the screen shows:\n{screen}")
            time.sleep(0.2)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def topic_rate(screen: str, topic: str) -> str | None:
    """The msgs/s in column of the topic's row, when it is not zero."""
    for line in screen.splitlines():
        m = re.search(re.escape(topic) + r"\s+(\d+)\s+(\S+/s)\s", line)
        if m and m.group(2) != "0/s":
            return m.group(2)
    return None


class SteadyProducer(threading.Thread):
    """Produces about 400 small records a second until stopped."""

    def __init__(self, bootstrap: str, topic: str):
        super().__init__(daemon=True)
        self.bootstrap, self.topic = bootstrap, topic
        self.stopped = threading.Event()
        self.delivered = 0
        self.errors: list[str] = []

    def on_delivery(self, err, _msg):
        if err is None:
            self.delivered += 1
        else:
            self.errors.append(str(err))

    def run(self) -> None:
        p = producer(self.bootstrap)
        i = 0
        while not self.stopped.is_set():
            for _ in range(20):
                p.produce(self.topic, key=str(i).encode(), value=b"v" * 100,
                          on_delivery=self.on_delivery)
                i += 1
            p.poll(0)
            time.sleep(0.05)
        p.flush(10)

    def stop(self) -> None:
        self.stopped.set()
        self.join(15)


def test_top_shows_live_rates_and_restores_the_terminal(robustmq):
    cli = cli_binary()
    topic = unique("top")
    create_topic(robustmq.bootstrap, topic, partitions=3)
    prod = SteadyProducer(robustmq.bootstrap, topic)
    prod.start()
    # The shell prints a marker first (it must be back on screen after top quits), then the
    # exit code and the terminal modes once top has returned.
    command = (
        "printf 'before-top\\n'; "
        f"'{cli}' top --server {robustmq.admin_addr} --interval-ms 500; "
        f"echo \"{EXIT_MARK} rc=$?\"; "
        "echo \"tty: $(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo"
        " | tr '\\n' ' ')\"; "
        "exec sleep 120"
    )
    pane = Pane(command)
    try:
        rate = pane.wait_for(lambda s: topic_rate(s, topic),
                             f"topic {topic} with a non-zero msgs/s in")
        assert prod.delivered > 0 and not prod.errors, prod.errors[:3]
        screen = pane.screen()
        assert "robustmq top" in screen, screen
        assert re.search(r"node \d+", screen), f"no node in the header:\n{screen}"
        assert re.search(r"up \d+", screen), f"no uptime in the header:\n{screen}"
        assert "● live" in screen, screen
        assert pane.info("#{alternate_on}") == "1", "top should draw on the alternate screen"
        conns = re.search(r"Connections (\d+)", screen)
        assert conns and int(conns.group(1)) >= 1, \
            f"the producer's connection is missing:\n{screen}"
        print(f"{topic}: {rate}")

        # Groups tab, then back.
        pane.keys("2")
        pane.wait_for(lambda s: re.search(r"Group\s.*State\s.*Members\s.*Lag", s), "the Groups tab")
        pane.keys("1")
        pane.wait_for(lambda s: topic in s, "the Topics tab again")

        # Pause: the screen says so; resume.
        pane.keys("p")
        pane.wait_for(lambda s: "PAUSED" in s, "PAUSED")
        pane.keys("p")
        pane.wait_for(lambda s: "PAUSED" not in s, "PAUSED to go away")

        # Filter on a name that matches nothing, then clear it.
        pane.keys("/")
        pane.keys("-l", "no-such-topic")
        pane.keys("Enter")
        pane.wait_for(lambda s: "no topics match 'no-such-topic'" in s, "the filter to apply")
        assert topic not in pane.screen().split("filter: no-such-topic")[-1]
        pane.keys("/")
        pane.keys("Escape")
        pane.wait_for(lambda s: topic_rate(s, topic), "the topic back after Esc cleared the filter")

        # Help overlay; any key closes it.
        pane.keys("?")
        pane.wait_for(lambda s: "pause / resume updates" in s, "the help overlay")
        pane.keys("x")
        pane.wait_for(lambda s: "pause / resume updates" not in s, "the help to close")

        # A tiny terminal gets a message instead of a panic, and a resize back redraws.
        pane.resize(40, 10)
        pane.wait_for(lambda s: "terminal too small" in s, "the too-small message")
        pane.resize(WIDTH, HEIGHT)
        pane.wait_for(lambda s: topic_rate(s, topic), "the table after growing again")

        pane.keys("q")
        done = pane.wait_for(lambda s: re.search(EXIT_MARK + r" rc=(\d+)", s), "top to exit")
        assert done.group(1) == "0", f"robustmq top exited with {done.group(1)}:\n{pane.screen()}"
        screen = pane.wait_for(lambda s: "tty:" in s and s, "the terminal modes")
        assert "before-top" in screen, f"the main screen was not restored:\n{screen}"
        assert "terminal too small" not in screen and "● live" not in screen, screen
        assert pane.info("#{alternate_on}") == "0", "still on the alternate screen"
        assert pane.info("#{cursor_flag}") == "1", "the cursor is still hidden"
        modes = re.search(r"tty: (.*)", screen).group(1).split()
        assert "icanon" in modes and "echo" in modes, f"raw mode left on: {modes}"
    finally:
        prod.stop()
        pane.close()


def test_top_reports_an_unreachable_daemon_and_keeps_running(robustmq):
    """Stream errors are shown in the status line and retried; top does not exit."""
    cli = cli_binary()
    command = (f"'{cli}' top --server {robustmq.admin_addr} --interval-ms 200; "
               f"echo \"{EXIT_MARK} rc=$?\"; exec sleep 120")
    pane = Pane(command, width=120, height=30)
    try:
        pane.wait_for(lambda s: "● live" in s, "the first snapshot")
        robustmq.terminate()
        pane.wait_for(lambda s: re.search(r"disconnected: .*retrying", s),
                      "the disconnected status")
        assert EXIT_MARK not in pane.screen()
        robustmq.start()
        pane.wait_for(lambda s: "● live" in s, "the reconnection")
        pane.keys("q")
        done = pane.wait_for(lambda s: re.search(EXIT_MARK + r" rc=(\d+)", s), "top to exit")
        assert done.group(1) == "0", pane.screen()
    finally:
        pane.close()

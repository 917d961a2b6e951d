"""kcat (Debian's build, on Debian's librdkafka 2.0) against robustmqd: a second,
older librdkafka talking to the daemon through a command-line tool."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from support import CODECS, create_topic, unique

KCAT_TIMEOUT_S = 60


def kcat(robustmq, *args: str, stdin: bytes | None = None) -> str:
    exe = shutil.which("kcat") or shutil.which("kafkacat")
    assert exe, "kcat is not installed (scripts/test installs the Debian package 'kcat')"
    cmd = [exe, "-b", robustmq.bootstrap, "-X", "socket.timeout.ms=10000",
           "-X", "topic.metadata.refresh.interval.ms=1000", *args]
    r = subprocess.run(cmd, input=stdin, capture_output=True, timeout=KCAT_TIMEOUT_S)
    assert r.returncode == 0, (f"{' '.join(cmd)} exited {r.returncode}\n"
                               f"stdout: {r.stdout.decode(errors='replace')}\n"
                               f"stderr: {r.stderr.decode(errors='replace')}")
    return r.stdout.decode()


@pytest.mark.parametrize("codec", CODECS)
def test_kcat_keyed_produce_then_consume(robustmq, codec):
    """kcat -P -K: splits key and value at the first ':'; kcat -C -e reads back every
    record with its key, value, header and offset, then exits at end of partition.
    The topic does not exist beforehand, so this also covers auto-creation."""
    topic = unique(f"kcat-{codec}")
    lines = [(f"key-{i}", f"value-{i}:with:colons-" + "z" * (i * 13)) for i in range(25)]
    payload = "".join(f"{k}:{v}\n" for k, v in lines).encode()
    kcat(robustmq, "-P", "-t", topic, "-p", "0", "-K", ":", "-z", codec,
         "-H", "trace=abc", stdin=payload)
    out = kcat(robustmq, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e",
               "-f", "%o\t%k\t%s\t%h\n")
    got = [line.split("\t") for line in out.splitlines() if line]
    assert got == [[str(i), k, v, "trace=abc"] for i, (k, v) in enumerate(lines)], out


def test_kcat_metadata_lists_topic_and_broker(robustmq):
    """kcat -L shows the topic with its partition count and a broker advertised
    at the address the client connected to."""
    topic = unique("kcat-md")
    create_topic(robustmq.bootstrap, topic, partitions=3)
    out = kcat(robustmq, "-L")
    assert f'topic "{topic}" with 3 partitions:' in out, out
    for p in range(3):
        assert f"partition {p}, leader" in out, out
    assert f"at {robustmq.bootstrap}" in out, f"broker not advertised at {robustmq.bootstrap}:\n{out}"
    only = kcat(robustmq, "-L", "-t", topic)
    assert f'topic "{topic}" with 3 partitions:' in only, only
    assert "1 topics:" in only, only

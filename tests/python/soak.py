"""The soak behind `scripts/soak`: mixed Kafka and MQTT load against one robustmqd, stopped
abruptly again and again (kill -9, or a simulated power loss through the storage
fault-injection seam), restarted each time; at the end every record acknowledged with
acks=all and every MQTT QoS 1 message PUBACKed must be readable where it was acknowledged.

Not a pytest module (it runs for minutes): `scripts/soak --help`.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

from conftest import Daemon, find_binary
from mqtt_support import AckedPublisher
from support import DeliveryLog, create_topic, producer, read_partition

PARTITIONS = 3
FAULTS = {"ROBUSTMQD_FAULT_INJECTION": "1"}


def one_cycle(d: Daemon, cycle: int, seconds: float, topic: str, prefix: str,
              kafka_acked: list, mqtt_acked: list, stop: str) -> dict:
    d.extra_env = dict(FAULTS) if stop == "power" else {}
    d.start()
    dl = DeliveryLog()
    p = producer(d.bootstrap, acks="all", linger_ms=2, enable_idempotence=False,
                 message_timeout_ms=5000, retries=0)
    m = AckedPublisher(d.mqtt_port, f"soak-{cycle}")
    i = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            p.produce(topic, value=b"c%03d-%07d" % (cycle, i), partition=i % PARTITIONS, on_delivery=dl)
        except BufferError:
            p.poll(0.02)
            continue
        m.publish(f"{prefix}/{i % 7}", b"m%03d-%07d" % (cycle, i))
        i += 1
        p.poll(0)
        if i % 100 == 0:
            time.sleep(0.002)
    if stop == "power":
        d.proc.send_signal(signal.SIGUSR1)
        d.proc.wait(30)
    else:
        d.kill9()
    p.flush(5)
    kafka_acked.extend(dl.ok)
    mqtt_acked.extend(m.stop())
    return {"cycle": cycle, "stop": stop, "sent": i, "kafka_acked": len(dl.ok)}


def verify(d: Daemon, topic: str, prefix: str, kafka_acked: list, mqtt_acked: list) -> dict:
    d.extra_env = {}
    d.start()
    at = {}
    for part in range(PARTITIONS):
        for msg in read_partition(d.bootstrap, topic, partition=part, timeout=120):
            at[(part, msg.offset())] = msg.value()
    lost_kafka = [(p, o, v) for p, o, v in kafka_acked if at.get((p, o)) != v]
    stored = {msg.value() for msg in read_partition(d.bootstrap, "mqtt", timeout=120)
              if (msg.key() or b"").startswith(prefix.encode())}
    lost_mqtt = [v for v in mqtt_acked if v not in stored]
    d.terminate()
    return {"kafka_acked": len(kafka_acked), "kafka_lost": len(lost_kafka),
            "mqtt_acked": len(mqtt_acked), "mqtt_lost": len(lost_mqtt),
            "examples": [repr(x) for x in (lost_kafka[:3] + lost_mqtt[:3])]}


def main() -> int:
    ap = argparse.ArgumentParser(prog="scripts/soak", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cycles", type=int, default=50, help="stops and restarts (default 50)")
    ap.add_argument("--seconds", type=float, default=3.0, help="load per cycle (default 3)")
    ap.add_argument("--mode", choices=["kill9", "power", "mixed"], default="mixed",
                    help="how each cycle ends: kill -9, simulated power loss, or alternating")
    ap.add_argument("--workdir", type=Path, default=None, help="keep data and logs here")
    args = ap.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="robustmq-soak-"))
    d = Daemon(find_binary(), workdir, name="soak")
    topic, prefix = "soak", "soak/mqtt"
    kafka_acked: list = []
    mqtt_acked: list = []
    started = time.monotonic()
    try:
        d.start()
        create_topic(d.bootstrap, topic, partitions=PARTITIONS)
        d.terminate()
        for cycle in range(args.cycles):
            stop = args.mode if args.mode != "mixed" else ("power" if cycle % 2 else "kill9")
            row = one_cycle(d, cycle, args.seconds, topic, prefix, kafka_acked, mqtt_acked, stop)
            print(json.dumps(row), flush=True)
        result = verify(d, topic, prefix, kafka_acked, mqtt_acked)
    finally:
        d.cleanup()
    result.update(cycles=args.cycles, mode=args.mode, seconds=round(time.monotonic() - started),
                  workdir=str(workdir))
    print(json.dumps(result), flush=True)
    return 0 if result["kafka_lost"] == 0 and result["mqtt_lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

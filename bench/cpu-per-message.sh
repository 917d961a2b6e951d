#!/usr/bin/env bash
# Broker CPU per delivered message at a fixed publish rate: the cost of a message with the
# scheduler taken out (robustmqd pinned to CPU 0, robustmq-bench to CPU 1), for comparing two
# builds where a saturating run only shows which mode it landed in (see docs/benchmarks.md).
#
# usage: bench/cpu-per-message.sh [--repeats N] [--rate MSGS] [--bench PATH] ROBUSTMQD...
#   extra robustmq-bench arguments: BENCH_ARGS (default: MQTT QoS 0 fan-out, 1 pub -> 8 subs)
set -euo pipefail
REPEATS=2
RATE=100000
BENCH="${ROBUSTMQ_BENCH:-${CARGO_TARGET_DIR:-/root/.cache/robustmq-target}/release/robustmq-bench}"
BENCH_ARGS="${BENCH_ARGS:-mqtt pubsub --qos 0 --size 100 --publishers 1 --subscribers 8}"
while (($#)); do
    case "$1" in
        --repeats) REPEATS="$2"; shift 2 ;;
        --rate) RATE="$2"; shift 2 ;;
        --bench) BENCH="$2"; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) break ;;
    esac
done
(($#)) || { echo "usage: $0 [--repeats N] [--rate MSGS] ROBUSTMQD..." >&2; exit 2; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for r in $(seq 1 "$REPEATS"); do
    for bin in "$@"; do
        d=$(mktemp -d)
        taskset -c 0 "$bin" --data-dir "$d/data" --kafka-listen 127.0.0.1:29092 \
            --mqtt-listen 127.0.0.1:21883 --mqtt-ws-listen off --http-listen 127.0.0.1:29081 \
            --admin-listen 127.0.0.1:29082 --log-level warn >"$d/log" 2>&1 &
        pid=$!
        for _ in $(seq 1 100); do curl -sf http://127.0.0.1:29081/readyz >/dev/null && break; sleep 0.1; done
        t0=$(cpu_ticks "$pid")
        # shellcheck disable=SC2086
        taskset -c 1 "$BENCH" $BENCH_ARGS --duration 10 --warmup 0 --drain 2 --rate "$RATE" \
            --target 127.0.0.1:21883 --no-progress --json "$d/r.json" >"$d/out" 2>&1
        t1=$(cpu_ticks "$pid")
        hz=$(getconf CLK_TCK)
        python3 - "$d/r.json" "$bin" "$((t1 - t0))" "$hz" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); c = j["counts"]; cpu = int(sys.argv[3]) / int(sys.argv[4])
per_m = cpu / (c["received"] / 1e6) if c["received"] else float("nan")
print(f"{sys.argv[2]}: sent {c['sent']} received {c['received']} p50 {j['latency_us']['p50']} us "
      f"broker cpu {cpu:.2f} s = {per_m:.3f} s per million delivered")
PY
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rm -rf "$d"
    done
done

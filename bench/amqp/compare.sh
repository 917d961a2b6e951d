#!/usr/bin/env bash
# AMQP 0-9-1 side by side: robustmqd and RabbitMQ (Debian's rabbitmq-server) in the same run,
# driven by the same load generator (robustmq-bench amqp). Durable queue, persistent messages,
# publisher confirms with a window of 100, prefetch 100, as issue 14 asks.
#
#   bench/amqp/compare.sh [OUT_DIR]
#
# Needs release builds of robustmqd and robustmq-bench in $CARGO_TARGET_DIR/release
# (cargo build --release -p robustmqd -p robustmq-bench) and `apt-get install rabbitmq-server`.
# Each broker runs alone (the other is stopped) on a fresh data directory. JSON reports and a
# summary go to OUT_DIR (default /tmp/amqp-compare).
set -euo pipefail

TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/robustmq-target}"
BIN="${BIN:-$TARGET_DIR/release}"
OUT="${1:-/tmp/amqp-compare}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
RATE="${RATE:-5000}"
PORT=35672
rm -rf "$OUT" && mkdir -p "$OUT"

bench() { "$BIN/robustmq-bench" amqp "$@" --target "127.0.0.1:$PORT" --no-progress; }

# The fixed-rate latency run goes first, on a fresh broker: after the saturating runs the page
# cache holds gigabytes of dirty queue data whose write-back stalls every fsync for a while.
runs() {
    local who=$1
    bench pubsub --topic lat --publishers 1 --consumers 1 --confirm-window 100 --persistent \
        --prefetch 100 --size 100 --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
        --json "$OUT/$who-latency.json" > "$OUT/$who-latency.txt"
    for size in 100 1024; do
        bench pubsub --topic "tp-$size" --publishers 2 --consumers 2 --confirm-window 100 \
            --persistent --prefetch 100 --size "$size" --duration "$DURATION" --warmup "$WARMUP" \
            --json "$OUT/$who-pubsub-$size.json" > "$OUT/$who-pubsub-$size.txt"
    done
}

wait_port() {
    for _ in $(seq 1 300); do
        (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listening on $PORT" >&2
    return 1
}

# --- robustmqd -------------------------------------------------------------
dir=$(mktemp -d)
"$BIN/robustmqd" --data-dir "$dir/data" --amqp-listen "127.0.0.1:$PORT" --kafka-listen off \
    --mqtt-listen off --mqtt-ws-listen off --http-listen off --admin-listen off \
    > "$OUT/robustmqd.log" 2>&1 &
rpid=$!
wait_port
runs robustmqd
kill "$rpid" 2>/dev/null || true; wait "$rpid" || true
rm -rf "$dir"

# --- RabbitMQ --------------------------------------------------------------
rdir=$(mktemp -d)
printf 'listeners.tcp.1 = 127.0.0.1:%s\nloopback_users = none\n' "$PORT" > "$rdir/rabbit.conf"
echo '[].' > "$rdir/enabled_plugins"
export HOME="$rdir" RABBITMQ_CONFIG_FILE="$rdir/rabbit" RABBITMQ_MNESIA_BASE="$rdir/mnesia" \
    RABBITMQ_LOG_BASE="$rdir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$rdir/enabled_plugins" \
    RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_DIST_PORT=35673 ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_EPMD_PORT=35674
/usr/lib/rabbitmq/bin/rabbitmq-server > "$OUT/rabbitmq.log" 2>&1 &
wait_port
runs rabbitmq
/usr/lib/rabbitmq/bin/rabbitmqctl -n rabbit@localhost stop > /dev/null 2>&1 || true
pkill -f "epmd -port 35674" 2>/dev/null || pkill -x epmd 2>/dev/null || true
rm -rf "$rdir"

# --- summary -----------------------------------------------------------------
python3 - "$OUT" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
def load(n):
    return json.loads((out / n).read_text())
rows = []
for run in ["latency", "pubsub-100", "pubsub-1024"]:
    r, q = load(f"robustmqd-{run}.json"), load(f"rabbitmq-{run}.json")
    def e2e(x, p):
        v = x.get("latency_us", {}).get(p)
        return None if v is None else round(v)
    rows.append((run, r["msgs_per_sec"], q["msgs_per_sec"], e2e(r, "p50"), e2e(q, "p50"),
                 e2e(r, "p99"), e2e(q, "p99")))
print("| run | robustmqd msg/s | RabbitMQ msg/s | ratio | e2e p50 µs (r / R) | e2e p99 µs (r / R) |")
print("| --- | --- | --- | --- | --- | --- |")
for run, a, b, p50a, p50b, p99a, p99b in rows:
    print(f"| {run} | {a:,.0f} | {b:,.0f} | {a / b:.2f}x | {p50a} / {p50b} | {p99a} / {p99b} |")
PY

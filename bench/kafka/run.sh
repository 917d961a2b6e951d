#!/usr/bin/env bash
# Kafka benchmark: robustmqd vs tansu (memory engine), driven by librdkafka's
# rdkafka_performance. See bench/kafka/README.md.
#
# usage: bench/kafka/run.sh [--robustmqd PATH] [--count N] [--count-100 N]
#                           [--repeats R] [--lat-rate MSGS_PER_S] [--lat-count N]
#                           [--timeout SECS] [--only tansu|robustmqd] [--no-pin]
#
# Everything listens on and talks to 127.0.0.1 only. Every process this script
# starts is stopped on exit (trap), and robustmqd's data dirs are removed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"
export BENCH_DIR="${BENCH_DIR:-/root/.cache/robustmq-bench}"

ROBUSTMQD="${ROBUSTMQD:-/root/.cache/robustmq-target/release/robustmqd}"
ROBUSTMQD_ARGS="${ROBUSTMQD_ARGS:-}" # extra flags, word-split
COUNT=300000                         # messages per 1 KiB throughput run
COUNT_100=""                         # messages per 100 B run (default 5 x COUNT)
REPEATS=3
LAT_RATE=1000  # msgs/s for the fixed-rate latency runs
LAT_COUNT=3000 # messages per latency run (0: skip the latency scenarios)
TIMEOUT=120    # seconds per client run before it is interrupted (= failed)
ONLY=""
PIN=1 # broker on CPU 0, client on CPU 1 (taskset); --no-pin: let the OS schedule

while (($#)); do
    case "$1" in
        --robustmqd) ROBUSTMQD="$2"; shift 2 ;;
        --count) COUNT="$2"; shift 2 ;;
        --count-100) COUNT_100="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --lat-rate) LAT_RATE="$2"; shift 2 ;;
        --lat-count) LAT_COUNT="$2"; shift 2 ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --pin) PIN=1; shift ;;
        --no-pin) PIN=0; shift ;;
        -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
COUNT_100="${COUNT_100:-$((COUNT * 5))}"
count_for() { if (($1 < 1024)); then echo "$COUNT_100"; else echo "$COUNT"; fi; }

log() { echo "[bench] $*" >&2; }

BROKER_CPU=() CLIENT_CPU=()
if ((PIN)); then
    if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
        BROKER_CPU=(taskset -c 0) CLIENT_CPU=(taskset -c 1)
    else
        log "fewer than 2 CPUs or no taskset: not pinning"
        PIN=0
    fi
fi

# --- tools ---------------------------------------------------------------------
PERF="$BENCH_DIR/rdkafka_performance"
TANSU="$BENCH_DIR/tansu"
[[ -x "$PERF" && -f "$BENCH_DIR/pylib/confluent_kafka/__init__.py" ]] ||
    "$HERE/build-rdkafka-performance.sh"
[[ -x "$TANSU" ]] || "$HERE/get-tansu.sh"
export PYTHONPATH="$BENCH_DIR/pylib${PYTHONPATH:+:$PYTHONPATH}"
# A wheel-linked binary finds its librdkafka through RUNPATH; ask the binary
# (its usage text) which librdkafka it actually loads.
LIB_DESC="$(cut -d' ' -f1 "$PERF.lib" 2>/dev/null || true) librdkafka $(
    { "$PERF" 2>&1 || true; } | sed -n 's/^librdkafka version \([^ ]*\).*/\1/p')"

BROKERS=()
if [[ -z "$ONLY" || "$ONLY" == tansu ]]; then BROKERS+=(tansu); fi
if [[ -z "$ONLY" || "$ONLY" == robustmqd ]]; then
    if [[ -x "$ROBUSTMQD" ]]; then
        BROKERS+=(robustmqd)
    else
        log "robustmqd binary not found at $ROBUSTMQD: skipping robustmqd" \
            "(build it with cargo build --release, or pass --robustmqd PATH)"
    fi
fi
((${#BROKERS[@]})) || { log "no broker to benchmark"; exit 1; }

RUN_DIR="$BENCH_DIR/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR/out" "$RUN_DIR/logs"
RUNS="$RUN_DIR/runs.tsv"
printf 'rep\tbroker\tscenario\tkind\tcount\tsize\texit\tout\tlat\n' >"$RUNS"
# robustmqd's data dirs live here: on the same disk as BENCH_DIR, not a tmpfs,
# so its fsyncs cost what they cost on this machine.
TMP_ROOT="$(mktemp -d "$BENCH_DIR/tmp.XXXXXX")"

# --- process bookkeeping ------------------------------------------------------
declare -A BROKER_PID=() BROKER_ADDR=()
CLIENT_PID=""

stop_brokers() {
    local b
    for b in "${!BROKER_PID[@]}"; do
        stop_pid "${BROKER_PID[$b]}"
        unset "BROKER_PID[$b]"
    done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [[ -n "$CLIENT_PID" ]] && stop_pid "$CLIENT_PID"
    stop_brokers
    rm -rf "$TMP_ROOT"
    exit "$rc"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

start_broker() { # start_broker NAME REP
    local b="$1" rep="$2" port pid logf="$RUN_DIR/logs/$1-rep$2.log"
    port="$(free_port)"
    case "$b" in
        tansu)
            "${BROKER_CPU[@]}" "$TANSU" broker --listener-url "tcp://127.0.0.1:$port" \
                --advertised-listener-url "tcp://127.0.0.1:$port" \
                --storage-engine memory://tansu/ >"$logf" 2>&1 &
            ;;
        robustmqd)
            local http data
            http="$(free_port)"
            data="$TMP_ROOT/robustmqd-data-rep$rep"
            rm -rf "$data" && mkdir -p "$data"
            # shellcheck disable=SC2086
            "${BROKER_CPU[@]}" "$ROBUSTMQD" --data-dir "$data" --kafka-listen "127.0.0.1:$port" \
                --http-listen "127.0.0.1:$http" --mqtt-listen off --mqtt-ws-listen off $ROBUSTMQD_ARGS >"$logf" 2>&1 &
            ;;
    esac
    pid=$!
    BROKER_PID[$b]=$pid
    BROKER_ADDR[$b]="127.0.0.1:$port"
    if ! wait_port "$pid" "$port"; then
        log "$b did not come up on 127.0.0.1:$port; last log lines:"
        tail -n 20 "$logf" >&2 || true
        exit 1
    fi
    log "rep $rep: $b up on 127.0.0.1:$port (pid $pid)"
}

create_topic() { # create_topic BROKER TOPIC
    python3 "$HERE/create_topic.py" "${BROKER_ADDR[$1]}" "$2" 1 >>"$RUN_DIR/logs/topics.log" 2>&1 || {
        log "could not create topic $2 on $1"
        tail -n 3 "$RUN_DIR/logs/topics.log" >&2
        return 1
    }
}

client() { # client OUTFILE ARGS...: rdkafka_performance under a timeout
    local out="$1" rc=0
    shift
    # SIGINT makes rdkafka_performance stop and print what it has so far.
    timeout -s INT -k 10 "$TIMEOUT" "${CLIENT_CPU[@]}" "$PERF" "$@" >"$out" 2>&1 &
    CLIENT_PID=$!
    wait "$CLIENT_PID" || rc=$?
    CLIENT_PID=""
    return "$rc"
}

record() { # record REP BROKER SCENARIO KIND COUNT SIZE EXIT OUT [LAT]
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "${9:--}" >>"$RUNS"
}

# Common producer settings. rdkafka_performance defaults linger.ms to 1000,
# so it is always set explicitly. -p 0: one partition, same on both brokers.
produce() { # produce REP BROKER SCENARIO SIZE ACKS
    local rep="$1" b="$2" sc="$3" size="$4" acks="$5" rc=0 n
    local topic="bench-$sc-r$rep" out="$RUN_DIR/out/$b-$sc-r$rep.txt"
    n="$(count_for "$size")"
    create_topic "$b" "$topic" || { record "$rep" "$b" "$sc" produce "$n" "$size" 99 "$out"; return 0; }
    client "$out" -P -t "$topic" -p 0 -b "${BROKER_ADDR[$b]}" -s "$size" -a "$acks" \
        -c "$n" -X linger.ms=5 -X batch.size=1000000 -u || rc=$?
    record "$rep" "$b" "$sc" produce "$n" "$size" "$rc" "$out"
}

consume() { # consume REP BROKER SCENARIO SIZE FROM_SCENARIO
    local rep="$1" b="$2" sc="$3" size="$4" from="$5" rc=0 n
    local topic="bench-$from-r$rep" out="$RUN_DIR/out/$b-$sc-r$rep.txt"
    n="$(count_for "$size")"
    client "$out" -C -t "$topic" -p 0 -b "${BROKER_ADDR[$b]}" -o beginning \
        -c "$n" -u || rc=$?
    record "$rep" "$b" "$sc" consume "$n" "$size" "$rc" "$out"
}

latency() { # latency REP BROKER SCENARIO SIZE ACKS
    local rep="$1" b="$2" sc="$3" size="$4" acks="$5" rc=0
    local topic="bench-$sc-r$rep" out="$RUN_DIR/out/$b-$sc-r$rep.txt"
    local lat="$RUN_DIR/out/$b-$sc-r$rep.lat"
    create_topic "$b" "$topic" || { record "$rep" "$b" "$sc" latency "$LAT_COUNT" "$size" 99 "$out" "$lat"; return 0; }
    # -l: per-message produce->delivery-report latency, -A: dump it (us).
    client "$out" -P -t "$topic" -p 0 -b "${BROKER_ADDR[$b]}" -s "$size" -a "$acks" \
        -c "$LAT_COUNT" -r "$LAT_RATE" -X linger.ms=0 -l -A "$lat" -u || rc=$?
    record "$rep" "$b" "$sc" latency "$LAT_COUNT" "$size" "$rc" "$out" "$lat"
}

smoke() { # smoke BROKER REP: can rdkafka_performance produce and read back 10 msgs?
    local b="$1" rep="$2" topic="bench-smoke-r$2" out="$RUN_DIR/out/$1-smoke-r$2.txt"
    create_topic "$b" "$topic" || return 1
    timeout -s INT -k 5 30 "$PERF" -P -t "$topic" -p 0 -b "${BROKER_ADDR[$b]}" -s 100 -a -1 \
        -c 10 -X linger.ms=0 -X message.timeout.ms=10000 -u >"$out" 2>&1 &&
        timeout -s INT -k 5 30 "$PERF" -C -t "$topic" -p 0 -b "${BROKER_ADDR[$b]}" \
            -o beginning -c 10 -u >>"$out" 2>&1
}

# Scenario table: id  kind  size  acks|source-scenario
SCENARIOS=(
    "p100-a1   produce 100  1"
    "p100-aall produce 100  -1"
    "c100      consume 100  p100-aall"
    "p1k-a1    produce 1024 1"
    "p1k-aall  produce 1024 -1"
    "c1k       consume 1024 p1k-aall"
    "lat1k-a1   latency 1024 1"
    "lat1k-aall latency 1024 -1"
)

log "rdkafka_performance: $LIB_DESC; $("$TANSU" --version)"
log "brokers: ${BROKERS[*]}; count=$COUNT (1 KiB) / $COUNT_100 (100 B) pin=$PIN repeats=$REPEATS lat=${LAT_COUNT}@${LAT_RATE}/s; output: $RUN_DIR"
LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$LOAD_START" 'BEGIN { exit !(l > 0.5) }'; then
    log "WARNING: 1-min load average is $LOAD_START before starting: something else" \
        "is using the CPUs (a cargo build?); numbers will be low and noisy"
fi
T0=$SECONDS
for ((rep = 1; rep <= REPEATS; rep++)); do
    # Fresh brokers (and a fresh robustmqd data dir) per repeat keeps memory
    # and disk bounded; the broker order alternates between repeats.
    order=("${BROKERS[@]}")
    if ((rep % 2 == 0 && ${#BROKERS[@]} == 2)); then order=("${BROKERS[1]}" "${BROKERS[0]}"); fi
    declare -A SMOKE_OK=()
    for b in "${order[@]}"; do
        start_broker "$b" "$rep"
        if smoke "$b" "$rep"; then
            SMOKE_OK[$b]=1
        else
            SMOKE_OK[$b]=0
            log "rep $rep: $b FAILED the smoke test (produce+consume 10 msgs);" \
                "its scenarios are recorded as failed. Output tail:"
            { grep -E 'ERROR|FAIL|rror' "$RUN_DIR/out/$b-smoke-r$rep.txt" | grep -v CONFWARN |
                tail -n 3 || tail -n 3 "$RUN_DIR/out/$b-smoke-r$rep.txt"; } >&2
        fi
    done
    for line in "${SCENARIOS[@]}"; do
        read -r sc kind size arg <<<"$line"
        [[ "$kind" == latency && "$LAT_COUNT" -eq 0 ]] && continue
        for b in "${order[@]}"; do
            if ((!SMOKE_OK[$b])); then
                n="$(count_for "$size")"
                [[ "$kind" == latency ]] && n="$LAT_COUNT"
                record "$rep" "$b" "$sc" "$kind" "$n" "$size" 98 "$RUN_DIR/out/$b-smoke-r$rep.txt"
                continue
            fi
            case "$kind" in
                produce) produce "$rep" "$b" "$sc" "$size" "$arg" ;;
                consume) consume "$rep" "$b" "$sc" "$size" "$arg" ;;
                latency) latency "$rep" "$b" "$sc" "$size" "$arg" ;;
            esac
            log "rep $rep: $b $sc done (exit $(tail -n1 "$RUNS" | cut -f7), $((SECONDS - T0)) s elapsed)"
        done
    done
    stop_brokers
    rm -rf "$TMP_ROOT"/robustmqd-data-rep"$rep"
done

python3 "$HERE/summarize.py" "$RUNS" --lib "$LIB_DESC" \
    --tansu "$("$TANSU" --version)" --count "$COUNT_100 x 100 B, $COUNT x 1 KiB" \
    --repeats "$REPEATS" --pin "$PIN" --load "$LOAD_START" \
    --robustmqd "$([[ " ${BROKERS[*]} " == *" robustmqd "* ]] &&
        echo "$ROBUSTMQD (modified $(date -r "$ROBUSTMQD" '+%Y-%m-%d %H:%M'))")" \
    --lat "$LAT_COUNT@$LAT_RATE" | tee "$RUN_DIR/summary.md"
log "raw outputs and summary in $RUN_DIR (total $((SECONDS - T0)) s)"

#!/usr/bin/env bash
# Side-by-side benchmark: robustmqd and peer brokers, driven by the same load
# generator (robustmq-bench), in the same run, on 127.0.0.1. Prints a markdown
# table per protocol with medians and ratios vs a baseline peer
# (Kafka: tansu, MQTT: mosquitto). See bench/README.md.
#
# usage: bench/compare.sh [--robustmqd PATH] [--bench PATH] [--repeats N]
#            [--only kafka|mqtt] [--scenario GLOB] [--duration SECS] [--warmup SECS]
#            [--pin] [--out FILE] [--write-docs [--force]] [--rumqttd PATH]
#            [--install-rumqttd] [--scenarios DIR]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
REPO="$(cd "$HERE/.." && pwd)"
export BENCH_DIR="${BENCH_DIR:-/root/.cache/robustmq-bench}"
TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/robustmq-target}"

ROBUSTMQD="${ROBUSTMQD:-$TARGET_DIR/release/robustmqd}"
ROBUSTMQD_ARGS="${ROBUSTMQD_ARGS:-}" # extra robustmqd flags, word-split
BENCH="${ROBUSTMQ_BENCH:-$TARGET_DIR/release/robustmq-bench}"
RUMQTTD="${RUMQTTD:-}"
SCEN_DIR="$HERE/scenarios"
REPEATS=3
ONLY=""
SCEN_GLOB="*"
DURATION="" # override every scenario's --duration
WARMUP=""   # override every scenario's --warmup
PIN=0
OUT=""
WRITE_DOCS=0
FORCE=0
INSTALL_RUMQTTD=0

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
    case "$1" in
        --robustmqd) ROBUSTMQD="$2"; shift 2 ;;
        --bench) BENCH="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --scenario) SCEN_GLOB="$2"; shift 2 ;;
        --scenarios) SCEN_DIR="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --pin) PIN=1; shift ;;
        --no-pin) PIN=0; shift ;;
        --out) OUT="$2"; shift 2 ;;
        --write-docs) WRITE_DOCS=1; shift ;;
        --force) FORCE=1; shift ;;
        --rumqttd) RUMQTTD="$2"; shift 2 ;;
        --install-rumqttd) INSTALL_RUMQTTD=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$ONLY" in "" | kafka | mqtt) ;; *) echo "--only takes kafka or mqtt" >&2; exit 2 ;; esac
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || { echo "--repeats must be a positive integer" >&2; exit 2; }
for v in "$DURATION" "$WARMUP"; do
    [[ -z "$v" || "$v" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "bad --duration/--warmup: $v" >&2; exit 2; }
done

log() { echo "[compare] $*" >&2; }
die() { log "$*"; exit 1; }

[[ -x "$BENCH" ]] || die "robustmq-bench not found at $BENCH (cargo build --release -p robustmq-bench, or pass --bench PATH)"
command -v python3 >/dev/null || die "python3 is needed for the JSON and the report"
is_debug() { [[ "$1" == */debug/* ]]; }
if ((WRITE_DOCS)) && ((!FORCE)); then
    for b in "$BENCH" "$ROBUSTMQD"; do
        is_debug "$b" && die "--write-docs with a debug build ($b): debug numbers are meaningless; use release binaries (or --force)"
    done
fi

# 10,000-connection scenarios need file descriptors on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

BENCH_CPU=() BROKER_CPU=()
if ((PIN)); then
    if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
        BROKER_CPU=(taskset -c 0) BENCH_CPU=(taskset -c 1)
    else
        log "fewer than 2 CPUs or no taskset: not pinning"
        PIN=0
    fi
fi

RUN_DIR="$BENCH_DIR/compare-runs/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR/json" "$RUN_DIR/logs"
TMP_ROOT="$(mktemp -d "$BENCH_DIR/compare-tmp.XXXXXX")"
RESULTS="$RUN_DIR/results.tsv"
printf 'protocol\tscenario\tbroker\trep\texit\tjson\tlog\n' >"$RESULTS"
: >"$RUN_DIR/skipped.txt"

# --- process bookkeeping --------------------------------------------------------
STARTED=() # every pid this script started (brokers, bench runs)
BROKER_PID=""

cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${STARTED[@]}"; do stop_pid "$pid"; done
    rm -rf "$TMP_ROOT"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# --- peers ------------------------------------------------------------------------
TANSU="$BENCH_DIR/tansu"
MOSQUITTO="$(command -v mosquitto || true)"
[[ -n "$MOSQUITTO" ]] || { [[ -x /usr/sbin/mosquitto ]] && MOSQUITTO=/usr/sbin/mosquitto; } || true
[[ -n "$RUMQTTD" ]] || RUMQTTD="$(command -v rumqttd || true)"

skip() { # skip PROTOCOL MESSAGE
    log "$2"
    printf '%s\t%s\n' "$1" "$2" >>"$RUN_DIR/skipped.txt"
}

KAFKA_BROKERS=() MQTT_BROKERS=()
declare -A DESC=()
mtime() { date -u -r "$1" '+%Y-%m-%d %H:%M UTC'; }

if [[ -z "$ONLY" || "$ONLY" == kafka ]]; then
    if [[ ! -x "$TANSU" ]]; then
        log "tansu not at $TANSU: fetching it with bench/kafka/get-tansu.sh"
        "$HERE/kafka/get-tansu.sh" || log "get-tansu.sh failed"
    fi
    if [[ -x "$TANSU" ]]; then
        KAFKA_BROKERS+=(tansu)
        DESC[tansu]="$("$TANSU" --version 2>/dev/null | head -n1) ($TANSU, memory engine)"
    else
        skip kafka "tansu: not installed (bench/kafka/get-tansu.sh), skipped"
    fi
    if [[ -x "$ROBUSTMQD" ]]; then
        KAFKA_BROKERS+=(robustmqd)
    else
        skip kafka "robustmqd: no binary at $ROBUSTMQD (cargo build --release -p robustmqd, or --robustmqd PATH), skipped"
    fi
fi

if [[ -z "$ONLY" || "$ONLY" == mqtt ]]; then
    if [[ -n "$MOSQUITTO" ]]; then
        MQTT_BROKERS+=(mosquitto)
        DESC[mosquitto]="$("$MOSQUITTO" -h 2>/dev/null | head -n1 || true) ($MOSQUITTO)"
    else
        skip mqtt "mosquitto: not installed (apt-get install mosquitto), skipped"
    fi
    if [[ -z "$RUMQTTD" ]] && ((INSTALL_RUMQTTD)); then
        # Opt-in only: compiles for several minutes on all cores.
        log "installing rumqttd with cargo install (takes minutes)"
        cargo install --locked rumqttd --version '^0.20' >&2
        RUMQTTD="$(command -v rumqttd || echo "$HOME/.cargo/bin/rumqttd")"
        [[ -x "$RUMQTTD" ]] || RUMQTTD=""
    fi
    if [[ -n "$RUMQTTD" && -x "$RUMQTTD" ]]; then
        MQTT_BROKERS+=(rumqttd)
        DESC[rumqttd]="rumqttd $("$RUMQTTD" --version 2>/dev/null | awk '{print $NF}' || true) ($RUMQTTD)"
    else
        skip mqtt "rumqttd: not on PATH (cargo install rumqttd, or --install-rumqttd / --rumqttd PATH), skipped"
    fi
    if [[ -x "$ROBUSTMQD" ]] && "$ROBUSTMQD" --help 2>/dev/null | grep -q -- '--mqtt-listen'; then
        MQTT_BROKERS+=(robustmqd)
    elif [[ -x "$ROBUSTMQD" ]]; then
        skip mqtt "robustmqd: no MQTT listener yet, skipped"
    else
        skip mqtt "robustmqd: no binary at $ROBUSTMQD, skipped"
    fi
fi
if [[ -x "$ROBUSTMQD" ]]; then
    DESC[robustmqd]="$("$ROBUSTMQD" --version 2>/dev/null | head -n1 || echo robustmqd) ($ROBUSTMQD, modified $(mtime "$ROBUSTMQD"), default settings)"
fi
ROBUSTMQD_HELP="$("$ROBUSTMQD" --help 2>/dev/null || true)"

# --- brokers ----------------------------------------------------------------------
# start_broker NAME PROTOCOL TAG: sets BROKER_PID and BROKER_PORT, or returns 1.
start_broker() {
    local b="$1" proto="$2" tag="$3" port logf dir
    port="$(free_port)"
    logf="$RUN_DIR/logs/$tag.broker.log"
    dir="$TMP_ROOT/$tag"
    mkdir -p "$dir"
    case "$b" in
        tansu)
            # env -u: tansu reads these from the environment; keep it on loopback.
            env -u OTEL_EXPORTER_OTLP_ENDPOINT -u STORAGE_ENGINE -u LISTENER_URL \
                -u ADVERTISED_LISTENER_URL -u SCHEMA_REGISTRY \
                "${BROKER_CPU[@]}" "$TANSU" broker --listener-url "tcp://127.0.0.1:$port" \
                --advertised-listener-url "tcp://127.0.0.1:$port" \
                --storage-engine memory://tansu/ >"$logf" 2>&1 &
            ;;
        robustmqd)
            local extra=(--data-dir "$dir/data" --http-listen off --mqtt-ws-listen off)
            grep -q -- '--admin-listen' <<<"$ROBUSTMQD_HELP" && extra+=(--admin-listen off)
            if [[ "$proto" == kafka ]]; then
                extra+=(--kafka-listen "127.0.0.1:$port" --mqtt-listen off)
            else
                extra+=(--mqtt-listen "127.0.0.1:$port" --kafka-listen "127.0.0.1:$(free_port)")
            fi
            # shellcheck disable=SC2086
            "${BROKER_CPU[@]}" "$ROBUSTMQD" "${extra[@]}" $ROBUSTMQD_ARGS >"$logf" 2>&1 &
            ;;
        mosquitto)
            cat >"$dir/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
max_queued_messages 0
persistence false
EOF
            "${BROKER_CPU[@]}" "$MOSQUITTO" -c "$dir/mosquitto.conf" >"$logf" 2>&1 &
            ;;
        rumqttd)
            # Every listener in the generated config goes to 127.0.0.1: the
            # v4.1 (MQTT 3.1.1) server on PORT, the rest (v5, ws, console,
            # prometheus) on other free ports.
            "$RUMQTTD" generate-config >"$dir/rumqttd.gen.toml"
            python3 - "$dir/rumqttd.gen.toml" "$dir/rumqttd.toml" "$port" <<'PY'
import re, socket, sys
src, dst, port = sys.argv[1], sys.argv[2], sys.argv[3]
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
out, section, main = [], "", False
for line in open(src):
    m = re.match(r"\s*\[([^\]]+)\]", line)
    if m:
        section = m.group(1).strip()
    m = re.match(r'(\s*listen\s*=\s*)"[^"]*"', line)
    if m:
        p = port if section == "v4.1" else free()
        main |= section == "v4.1"
        line = f'{m.group(1)}"127.0.0.1:{p}"\n'
    out.append(line)
if not main:
    sys.exit("no [v4.1] listen line in the generated rumqttd config")
open(dst, "w").writelines(out)
PY
            "${BROKER_CPU[@]}" "$RUMQTTD" -c "$dir/rumqttd.toml" -q >"$logf" 2>&1 &
            ;;
    esac
    BROKER_PID=$!
    BROKER_PORT=$port
    STARTED+=("$BROKER_PID")
    if ! wait_port "$BROKER_PID" "$port"; then
        log "$b did not come up on 127.0.0.1:$port; last log lines:"
        tail -n 15 "$logf" >&2 || true
        stop_broker
        return 1
    fi
}

stop_broker() {
    [[ -n "$BROKER_PID" ]] || return 0
    stop_pid "$BROKER_PID"
    local keep=() p
    for p in "${STARTED[@]}"; do [[ "$p" == "$BROKER_PID" ]] || keep+=("$p"); done
    STARTED=("${keep[@]}")
    BROKER_PID=""
}

# run_bench OUT_LOG TIMEOUT ARGS...: one robustmq-bench run, killable by the trap
run_bench() {
    local logf="$1" limit="$2" pid rc=0 p keep=()
    shift 2
    timeout -s INT -k 10 "$limit" "${BENCH_CPU[@]}" "$BENCH" "$@" --no-progress >"$logf" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    wait "$pid" || rc=$?
    for p in "${STARTED[@]}"; do [[ "$p" == "$pid" ]] || keep+=("$p"); done
    STARTED=("${keep[@]}")
    return "$rc"
}

# --- scenarios ----------------------------------------------------------------------
# A scenario file holds `key = value` lines: name, protocol (kafka|mqtt), args
# (robustmq-bench arguments, split on whitespace, {pid} = broker pid) and
# optionally prepare (an unmeasured robustmq-bench run against the same fresh
# broker first) and brokers (only these brokers run it).
declare -A SC_NAME=() SC_PROTO=() SC_ARGS=() SC_PREP=() SC_ONLY=()
SC_IDS=()
override() { # override WORDS...: apply --duration/--warmup overrides, print words
    local out=() w next="" seen_d=0 seen_w=0
    for w in "$@"; do
        if [[ -n "$next" ]]; then
            if [[ "$next" == d && -n "$DURATION" ]]; then w="$DURATION"; fi
            if [[ "$next" == w && -n "$WARMUP" ]]; then w="$WARMUP"; fi
            next=""
        elif [[ "$w" == --duration ]]; then next=d seen_d=1
        elif [[ "$w" == --warmup ]]; then next=w seen_w=1
        fi
        out+=("$w")
    done
    if [[ -n "$DURATION" ]] && ((!seen_d)); then out+=(--duration "$DURATION"); fi
    if [[ -n "$WARMUP" ]] && ((!seen_w)) && [[ "${out[1]:-}" != conn ]]; then out+=(--warmup "$WARMUP"); fi
    echo "${out[*]}"
}
shopt -s nullglob
for f in "$SCEN_DIR"/*.conf; do
    id="$(basename "$f" .conf)"
    # shellcheck disable=SC2254
    case "$id" in $SCEN_GLOB) ;; *) continue ;; esac
    name="" proto="" args="" prep="" only=""
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%%[[:space:]]#*}" # a comment after a value
        [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
        [[ "$line" =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] ||
            die "$f: cannot parse: $line"
        case "${BASH_REMATCH[1]}" in
            name) name="${BASH_REMATCH[2]}" ;;
            protocol) proto="${BASH_REMATCH[2]}" ;;
            args) args="${BASH_REMATCH[2]}" ;;
            prepare) prep="${BASH_REMATCH[2]}" ;;
            brokers) only="${BASH_REMATCH[2]}" ;;
            *) die "$f: unknown key ${BASH_REMATCH[1]}" ;;
        esac
    done <"$f"
    [[ "$proto" == kafka || "$proto" == mqtt ]] || die "$f: protocol must be kafka or mqtt"
    [[ "${args%% *}" == "$proto" ]] || die "$f: args must start with '$proto' (the robustmq-bench subcommand)"
    [[ -z "$prep" || "${prep%% *}" == "$proto" ]] || die "$f: prepare must start with '$proto'"
    [[ "$args" != *--target* && "$args" != *--json* ]] || die "$f: --target and --json are set by compare.sh"
    [[ -z "$ONLY" || "$ONLY" == "$proto" ]] || continue
    # shellcheck disable=SC2086
    SC_ARGS[$id]="$(override $args)"
    # shellcheck disable=SC2086
    [[ -z "$prep" ]] || prep="$(override $prep)"
    SC_NAME[$id]="${name:-$id}" SC_PROTO[$id]="$proto" SC_PREP[$id]="$prep" SC_ONLY[$id]="$only"
    SC_IDS+=("$id")
done
((${#SC_IDS[@]})) || die "no scenario in $SCEN_DIR matches (--only '$ONLY', --scenario '$SCEN_GLOB')"

seconds_of() { # seconds_of FLAG WORDS...: the value after FLAG, or empty
    local flag="$1" w next=0
    shift
    for w in "$@"; do
        ((next)) && { echo "$w"; return; }
        [[ "$w" == "$flag" ]] && next=1
    done
}
time_limit() { # a generous cap for one run: duration + warmup + drain + slack
    local d w
    d="$(seconds_of --duration "$@")"
    w="$(seconds_of --warmup "$@")"
    python3 -c "import sys; print(int(float(sys.argv[1] or 10) * 2 + float(sys.argv[2] or 0) + 60))" "$d" "$w"
}

{
    for id in "${SC_IDS[@]}"; do
        printf '%s\t%s\t%s\t%s\t%s\n' "${SC_PROTO[$id]}" "$id" "${SC_NAME[$id]}" "${SC_ARGS[$id]}" "${SC_PREP[$id]}"
    done
} >"$RUN_DIR/scenarios.tsv"
{
    for b in "${!DESC[@]}"; do printf '%s\t%s\n' "$b" "${DESC[$b]}"; done
    printf 'brokers.kafka\t%s\n' "${KAFKA_BROKERS[*]}"
    printf 'brokers.mqtt\t%s\n' "${MQTT_BROKERS[*]}"
} >"$RUN_DIR/brokers.tsv"

LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$LOAD_START" 'BEGIN { exit !(l > 0.5) }'; then
    log "WARNING: 1-min load average is $LOAD_START before starting: something else is" \
        "using the CPUs; numbers will be low and noisy"
fi
for b in "$BENCH" "$ROBUSTMQD"; do
    is_debug "$b" && log "WARNING: $b is a debug build: the numbers are meaningless"
done
log "kafka: ${KAFKA_BROKERS[*]:-none}; mqtt: ${MQTT_BROKERS[*]:-none};" \
    "${#SC_IDS[@]} scenarios x $REPEATS repeats; pin=$PIN; raw output in $RUN_DIR"

# --- the runs ------------------------------------------------------------------------
# Every run gets a freshly started broker (tansu's memory engine keeps every
# byte until restarted; robustmqd gets an empty data dir; `mqtt conn` needs a
# quiet broker for its RSS figure). Brokers take turns within a scenario and
# the broker that goes first rotates between repeats.
T0=$SECONDS
for id in "${SC_IDS[@]}"; do
    proto="${SC_PROTO[$id]}"
    if [[ "$proto" == kafka ]]; then brokers=("${KAFKA_BROKERS[@]}"); else brokers=("${MQTT_BROKERS[@]}"); fi
    ((${#brokers[@]})) || { log "$id: no $proto broker to run"; continue; }
    for ((rep = 1; rep <= REPEATS; rep++)); do
        n=${#brokers[@]}
        for ((k = 0; k < n; k++)); do
            b="${brokers[$(((k + rep - 1) % n))]}"
            if [[ -n "${SC_ONLY[$id]}" && " ${SC_ONLY[$id]} " != *" $b "* ]]; then continue; fi
            tag="$id.$b.r$rep"
            json="$RUN_DIR/json/$tag.json"
            blog="$RUN_DIR/logs/$tag.bench.log"
            rc=0
            if ! start_broker "$b" "$proto" "$tag"; then
                rc=96
            else
                if [[ -n "${SC_PREP[$id]}" ]]; then
                    read -ra words <<<"${SC_PREP[$id]//\{pid\}/$BROKER_PID}"
                    run_bench "$RUN_DIR/logs/$tag.prepare.log" "$(time_limit "${words[@]}")" \
                        "${words[@]}" --target "127.0.0.1:$BROKER_PORT" || rc=97
                fi
                if ((rc == 0)); then
                    read -ra words <<<"${SC_ARGS[$id]//\{pid\}/$BROKER_PID}"
                    run_bench "$blog" "$(time_limit "${words[@]}")" \
                        "${words[@]}" --target "127.0.0.1:$BROKER_PORT" --json "$json" || rc=$?
                fi
                stop_broker
            fi
            rm -rf "${TMP_ROOT:?}/$tag"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$proto" "$id" "$b" "$rep" "$rc" "$json" "$blog" >>"$RESULTS"
            summary="$(python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("no JSON report"); sys.exit()
c = d.get("connections")
if c:
    print("%d/%d connected, %.0f conn/s" % (c["connected"], c["requested"], c["connects_per_sec"] or 0))
else:
    print("%.0f msgs/s, errors %d" % (d["msgs_per_sec"], d["counts"]["errors"]))
' "$json" 2>/dev/null || true)"
            log "$id rep $rep $b: exit $rc, $summary ($((SECONDS - T0)) s elapsed)"
            if ((rc != 0)); then
                tail -n 3 "$blog" 2>/dev/null | sed 's/^/    /' >&2 || true
            fi
        done
    done
done

# --- report --------------------------------------------------------------------------
COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then
    COMMIT="$COMMIT (with uncommitted changes)"
fi
{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'commit\t%s\n' "$COMMIT"
    printf 'nproc\t%s\n' "$(nproc)"
    printf 'model\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
    printf 'kernel\t%s\n' "$(uname -sr)"
    printf 'bench\t%s\n' "$("$BENCH" --version 2>/dev/null | head -n1) ($BENCH, modified $(mtime "$BENCH"))"
    printf 'debug\t%s\n' "$( (is_debug "$BENCH" || { [[ -x "$ROBUSTMQD" ]] && is_debug "$ROBUSTMQD"; }) && echo 1 || echo 0)"
    printf 'repeats\t%s\n' "$REPEATS"
    printf 'pin\t%s\n' "$PIN"
    printf 'duration\t%s\n' "$DURATION"
    printf 'warmup\t%s\n' "$WARMUP"
    printf 'load_start\t%s\n' "$LOAD_START"
    printf 'load_end\t%s\n' "$(cut -d' ' -f1 /proc/loadavg)"
    printf 'elapsed\t%s\n' "$((SECONDS - T0))"
} >"$RUN_DIR/meta.tsv"

REPORT_ARGS=("$RUN_DIR")
((WRITE_DOCS)) && REPORT_ARGS+=(--write-docs "$REPO/docs/benchmarks.md")
python3 "$HERE/compare_report.py" "${REPORT_ARGS[@]}" >"$RUN_DIR/summary.md"
if [[ -n "$OUT" ]]; then
    cp "$RUN_DIR/summary.md" "$OUT"
    log "report written to $OUT"
else
    cat "$RUN_DIR/summary.md"
fi
((WRITE_DOCS)) && log "replaced the compare section of docs/benchmarks.md"
log "raw JSON, logs and summary in $RUN_DIR ($((SECONDS - T0)) s)"

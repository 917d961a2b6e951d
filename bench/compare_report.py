#!/usr/bin/env python3
"""Turn a bench/compare.sh run directory into markdown tables.

usage: compare_report.py RUN_DIR [--write-docs docs/benchmarks.md]

Reads RUN_DIR/{meta,brokers,scenarios,results}.tsv, skipped.txt and the
robustmq-bench --json reports; prints the markdown on stdout. With
--write-docs it also replaces the section between <!-- compare:begin --> and
<!-- compare:end --> in that file (appending the section if the markers are
missing).
"""

import json
import os
import statistics
import sys

BASELINE = {"kafka": "tansu", "mqtt": "mosquitto"}
TITLE = {"kafka": "Kafka", "mqtt": "MQTT"}
BEGIN, END = "<!-- compare:begin -->", "<!-- compare:end -->"


def read_tsv(path, header=False):
    rows = []
    with open(path) as f:
        for i, line in enumerate(f):
            if header and i == 0:
                continue
            line = line.rstrip("\n")
            if line:
                rows.append(line.split("\t"))
    return rows


def load_run(json_path):
    """One run's figures, or None if it produced no usable report."""
    try:
        with open(json_path) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return None
    conn = d.get("connections")
    lat, kind = d.get("latency_us") or {}, "e2e"
    if conn:
        kind = "connect"
    elif not lat.get("count"):
        lat, kind = d.get("ack_latency_us") or {}, "ack"
    r = {
        "interrupted": d.get("interrupted", False),
        "errors": (d.get("counts") or {}).get("errors", 0),
        "p50": lat.get("p50"),
        "p99": lat.get("p99"),
        "lat_kind": kind if lat.get("count") else None,
        "first_error": d.get("first_error"),
    }
    if conn:
        r["rate"] = conn.get("connects_per_sec") or 0.0
        r["connected"] = conn.get("connected", 0)
        r["requested"] = conn.get("requested", 0)
        r["rss_per_conn"] = conn.get("rss_per_conn_bytes")
    else:
        r["rate"] = d.get("msgs_per_sec") or 0.0
        c = d.get("counts") or {}
        r["sent"], r["received"] = c.get("sent", 0), c.get("received", 0)
    return r


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_int(v):
    return "–" if v is None else f"{v:,.0f}"


def fmt_lat(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def fmt_bytes(v):
    if v is None:
        return "–"
    return f"{v / 1024:.1f} KiB" if v >= 1024 else f"{v:.0f} B"


def fmt_ratio(x):
    return f"{x:.2f}×" if x >= 0.1 else f"{x:.3f}×"


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    run_dir = args[0]
    docs = args[args.index("--write-docs") + 1] if "--write-docs" in args else None

    meta = dict(read_tsv(os.path.join(run_dir, "meta.tsv")))
    brokers = dict(read_tsv(os.path.join(run_dir, "brokers.tsv")))
    scenarios = read_tsv(os.path.join(run_dir, "scenarios.tsv"))
    results = read_tsv(os.path.join(run_dir, "results.tsv"), header=True)
    skipped = read_tsv(os.path.join(run_dir, "skipped.txt"))

    runs = {}  # (scenario, broker) -> list of (exit, report)
    for proto, sc, b, rep, rc, js, _log in results:
        runs.setdefault((sc, b), []).append((int(rc), load_run(js) if rc == "0" else None))

    out = []
    debug = meta.get("debug") == "1"
    out.append(
        f"Date: {meta['date']}. Commit: {meta['commit']}. Machine: {meta['nproc']} cores, "
        f"{meta['model']}, {meta['kernel']}. Load average (1 min): {meta['load_start']} before, "
        f"{meta['load_end']} after."
    )
    if debug:
        out.append("")
        out.append("**DEBUG BUILD: these numbers are meaningless (smoke test only).**")
    out.append("")
    used = ["load generator: " + meta["bench"]]
    for proto in ("kafka", "mqtt"):
        for b in brokers.get(f"brokers.{proto}", "").split():
            line = f"{b}: {brokers.get(b, b)}"
            if line not in used:
                used.append(line)
    out.append("Binaries: " + "; ".join(used) + ".")
    out.append("")
    dur = f", every --duration overridden to {meta['duration']} s" if meta.get("duration") else ""
    wu = f", every --warmup overridden to {meta['warmup']} s" if meta.get("warmup") else ""
    pin = "broker pinned to CPU 0, load generator to CPU 1" if meta["pin"] == "1" else "no CPU pinning"
    out.append(
        f"Medians of {meta['repeats']} repeat(s){dur}{wu}; {pin}; every run on a freshly started "
        f"broker on 127.0.0.1. Run time {meta['elapsed']} s."
    )

    for proto in ("kafka", "mqtt"):
        scs = [s for s in scenarios if s[0] == proto]
        if not scs:
            continue
        order = brokers.get(f"brokers.{proto}", "").split()
        base = BASELINE[proto]
        out.append("")
        out.append(f"### {TITLE[proto]} (ratio: msgs/s ÷ {base}'s; above 1 = faster than {base})")
        out.append("")
        for _p, msg in (s for s in skipped if s[0] == proto):
            out.append(f"- {msg}")
        if any(s[0] == proto for s in skipped):
            out.append("")
        if not order:
            out.append("No broker ran.")
            continue
        out.append(f"| scenario | broker | msgs/s (median) | p50 µs | p99 µs | vs {base} | notes |")
        out.append("|---|---|---:|---:|---:|---:|---|")
        for _p, sc, name, _args, _prep in scs:
            meds = {}
            rows = []
            for b in order:
                rs = runs.get((sc, b), [])
                if not rs:
                    continue
                ok = [r for rc, r in rs if r is not None and not r["interrupted"]]
                notes = []
                if len(ok) < len(rs):
                    codes = sorted({rc for rc, r in rs if r is None or r["interrupted"]})
                    notes.append(f"{len(ok)}/{len(rs)} runs ok (exit {', '.join(map(str, codes))})")
                if not ok:
                    rows.append((b, None, None, None, notes))
                    continue
                rate = med([r["rate"] for r in ok])
                meds[b] = rate
                kinds = {r["lat_kind"] for r in ok if r["lat_kind"]}
                if kinds:
                    notes.append("latency: " + "/".join(sorted(kinds)))
                errs = sum(r["errors"] for r in ok)
                if errs:
                    first = next((r["first_error"] for r in ok if r["first_error"]), "")
                    notes.append(f"{errs} errors" + (f" ({first[:80]})" if first else ""))
                if "connected" in ok[0]:
                    notes.insert(0, "conn/s; %s/%s connected; RSS/conn %s" % (
                        fmt_int(med([r["connected"] for r in ok])),
                        fmt_int(med([r["requested"] for r in ok])),
                        fmt_bytes(med([r["rss_per_conn"] for r in ok]))))
                rows.append((b, rate, med([r["p50"] for r in ok]), med([r["p99"] for r in ok]), notes))
            # At a fixed --rate every broker should keep up, so the latency
            # is what differs: add its ratio too.
            paced = any(w.startswith("--rate") and v not in ("0", "0.0")
                        for w, v in zip(_args.split(), _args.split()[1:] + [""]))
            base_row = next((r for r in rows if r[0] == base), None)
            for b, rate, p50, p99, notes in rows:
                ratio = "–"
                if rate is not None and meds.get(base):
                    ratio = fmt_ratio(rate / meds[base])
                if paced and b != base and base_row and p50 and p99 and base_row[2] and base_row[3]:
                    notes.append(f"latency vs {base}: p50 {fmt_ratio(p50 / base_row[2])}, p99 {fmt_ratio(p99 / base_row[3])}")
                out.append(
                    f"| {name} | {b} | {fmt_int(rate)} | {fmt_lat(p50)} | {fmt_lat(p99)} | {ratio} | "
                    f"{'; '.join(notes)} |"
                )

    out.append("")
    out.append("Scenarios (robustmq-bench arguments; compare.sh adds `--target 127.0.0.1:PORT --json FILE`):")
    out.append("")
    for proto, sc, name, args, prep in scenarios:
        line = f"- {name} (`{sc}`): `robustmq-bench {args}`"
        if prep:
            line += f", after an unmeasured `robustmq-bench {prep}`"
        out.append(line)
    out.append("")
    out.append("Notes:")
    out.append("")
    out.append(
        "- msgs/s: what robustmq-bench counts for the mode (produce: acknowledged; consume, e2e, "
        "pubsub: received, over all subscribers); `mqtt conn` rows show connects/s instead. "
        "Latency: end-to-end (payload timestamp to arrival) where measured, else ack latency "
        "(produce -> delivery report), or connect latency for `conn`; medians of per-run percentiles."
    )
    if any(s[0] == "kafka" for s in scenarios):
        out.append(
            "- Kafka: tansu runs its memory storage engine (nothing written to disk); robustmqd runs "
            "its defaults (`fsync = \"always\"`, data dir on disk), so acks=all waits for an fsync on "
            "robustmqd only."
        )
    if any(s[0] == "mqtt" for s in scenarios):
        out.append(
            "- MQTT: mosquitto was tuned for these runs: `set_tcp_nodelay true` (its default keeps "
            "Nagle on towards subscribers) and `max_queued_messages 0` (its default of 1000 drops "
            "QoS 1 messages for a slow subscriber), plus `listener PORT 127.0.0.1`, "
            "`allow_anonymous true`, `persistence false`. rumqttd uses its generated config with "
            "every listener moved to 127.0.0.1."
        )
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)

    if docs:
        section = f"{BEGIN}\n{text}{END}"
        with open(docs) as f:
            doc = f.read()
        if BEGIN in doc and END in doc and doc.index(BEGIN) < doc.index(END):
            a, b = doc.index(BEGIN), doc.index(END) + len(END)
            doc = doc[:a] + section + doc[b:]
        else:
            doc = doc.rstrip("\n") + (
                "\n\n## Side by side with robustmq-bench (bench/compare.sh)\n\n"
                "**Command**: `bench/compare.sh --write-docs` (see [bench/README.md](../bench/README.md)).\n\n"
                + section + "\n"
            )
        with open(docs, "w") as f:
            f.write(doc)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turn bench/kafka/run.sh raw outputs into markdown tables (stdout).

usage: summarize.py RUN_DIR/runs.tsv [--lib ...] [--tansu ...] [--count TEXT]
                    [--repeats R] [--lat COUNT@RATE] [--pin 0|1]

runs.tsv columns: rep broker scenario kind count size exit out lat
Each `out` is rdkafka_performance -u output; its last table row is the final
summary. `lat` (latency runs) holds one produce->delivery latency per line, us.
"""
import argparse
import csv
import os
import platform
import statistics
import sys

BROKERS = ["tansu", "robustmqd"]
LABELS = {
    "p100-a1": "produce 100 B, acks=1",
    "p100-aall": "produce 100 B, acks=all",
    "c100": "consume 100 B",
    "p1k-a1": "produce 1 KiB, acks=1",
    "p1k-aall": "produce 1 KiB, acks=all",
    "c1k": "consume 1 KiB",
    "lat1k-a1": "1 KiB, acks=1",
    "lat1k-aall": "1 KiB, acks=all",
}
PRODUCER_COLS = ["elapsed", "msgs", "bytes", "rtt", "dr", "dr_m/s", "dr_MB/s",
                 "dr_err", "tx_err", "outq", "offset"]
CONSUMER_COLS = ["elapsed", "msgs", "bytes", "rtt", "m/s", "MB/s", "rx_err",
                 "offset"]


def last_row(path):
    """Last numeric '| a | b | ...' row of an rdkafka_performance -u output."""
    row = None
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if not line.startswith("|"):
                    continue
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                try:
                    row = [float(c) for c in cells]
                except ValueError:
                    continue  # header
    except OSError:
        pass
    return row


def pct(sorted_vals, q):
    """Nearest-rank percentile."""
    if not sorted_vals:
        return None
    k = max(0, min(len(sorted_vals) - 1, int(round(q * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def parse(r):
    """-> dict(ok, why, msgs_s, mb_s, p50, p99, max) for one run."""
    res = {"ok": False, "why": ""}
    if r["exit"] == "98":
        res["why"] = "not run: broker failed the smoke test (%s)" % r["out"]
        return res
    if r["exit"] == "99":
        res["why"] = "not run: topic creation failed"
        return res
    count = int(r["count"])
    row = last_row(r["out"])
    if row is None:
        res["why"] = "no output (exit %s)" % r["exit"]
        return res
    if r["kind"] in ("produce", "latency"):
        d = dict(zip(PRODUCER_COLS, row))
        res["msgs_s"], res["mb_s"] = d["dr_m/s"], d["dr_MB/s"]
        bad = []
        if r["exit"] != "0":
            bad.append("exit %s" % r["exit"])
        if int(d["dr"]) != count:
            bad.append("%d/%d delivered" % (d["dr"], count))
        if d["dr_err"]:
            bad.append("%d delivery errors" % d["dr_err"])
    else:
        d = dict(zip(CONSUMER_COLS, row))
        res["msgs_s"], res["mb_s"] = d["m/s"], d["MB/s"]
        bad = []
        if r["exit"] != "0":
            bad.append("exit %s" % r["exit"])
        if int(d["msgs"]) != count:
            bad.append("%d/%d consumed" % (d["msgs"], count))
        if d["rx_err"]:
            bad.append("%d consume errors" % d["rx_err"])
    if r["kind"] == "latency":
        vals = []
        try:
            with open(r["lat"]) as f:
                vals = sorted(int(x) / 1000.0 for x in f if x.strip())
        except (OSError, ValueError):
            pass
        if len(vals) < count:
            bad.append("%d/%d latency samples" % (len(vals), count))
        if vals:
            res["p50"], res["p99"], res["max"] = pct(vals, 0.50), pct(vals, 0.99), vals[-1]
    res["ok"] = not bad
    res["why"] = ", ".join(bad)
    return res


def fmt_int(v):
    return "—" if v is None else "{:,.0f}".format(v)


def fmt_f(v, nd=2):
    return "—" if v is None else "{:,.{nd}f}".format(v, nd=nd)


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return "{:.2f}×".format(a / b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs")
    ap.add_argument("--lib", default="")
    ap.add_argument("--tansu", default="")
    ap.add_argument("--count", default="")
    ap.add_argument("--repeats", default="")
    ap.add_argument("--lat", default="")
    ap.add_argument("--pin", default="0")
    ap.add_argument("--robustmqd", default="", help="binary path/date, for the header")
    ap.add_argument("--load", default="", help="1-min load average before the run")
    a = ap.parse_args()

    with open(a.runs) as f:
        runs = list(csv.DictReader(f, delimiter="\t"))
    for r in runs:
        r.update(parse(r))

    present = [b for b in BROKERS if any(r["broker"] == b for r in runs)]
    scenarios = [s for s in LABELS if any(r["scenario"] == s for r in runs)]

    def agg(b, sc, key):
        """(median over ok repeats, n_ok, n_total)"""
        rs = [r for r in runs if r["broker"] == b and r["scenario"] == sc]
        vals = [r[key] for r in rs if r["ok"] and r.get(key) is not None]
        return (statistics.median(vals) if vals else None), len(vals), len(rs)

    def cell(b, sc, key, fmt):
        v, n, tot = agg(b, sc, key)
        if b not in present:
            return "—"
        if tot and not n:
            return "FAIL"
        s = fmt(v)
        return s if n == tot else "%s (%d/%d ok)" % (s, n, tot)

    out = []
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    out.append("Client: rdkafka_performance (%s). Brokers: %s; %s. Machine: %d cores, %s, %s."
               % (a.lib or "librdkafka ?", ", ".join(present) or "none", a.tansu,
                  os.cpu_count() or 0, cpu or platform.machine(), platform.platform()))
    if a.robustmqd:
        out.append("robustmqd: %s, default settings." % a.robustmqd)
    if a.load:
        end = ""
        try:
            with open("/proc/loadavg") as f:
                end = f.read().split()[0]
        except OSError:
            pass
        out.append("1-min load average: %s before the run, %s after it (the benchmark's own "
                   "load included; a high value before means the machine was busy)."
                   % (a.load, end or "?"))
    out.append("Throughput runs: %s messages, linger.ms=5, batch.size=1000000, "
               "1 partition. Latency runs: %s messages at a nominal %s msgs/s, linger.ms=0. "
               "%s. Medians of %s repeats; MB/s = 10^6 bytes/s."
               % (a.count, a.lat.split("@")[0], a.lat.split("@")[-1],
                  "Broker pinned to CPU 0, client to CPU 1" if a.pin == "1"
                  else "Broker and client unpinned", a.repeats))
    out.append("")
    out.append("### Throughput (median)")
    out.append("")
    out.append("| scenario | tansu msgs/s | tansu MB/s | robustmqd msgs/s | robustmqd MB/s "
               "| robustmqd/tansu |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for sc in scenarios:
        if sc.startswith("lat"):
            continue
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            LABELS[sc],
            cell("tansu", sc, "msgs_s", fmt_int), cell("tansu", sc, "mb_s", fmt_f),
            cell("robustmqd", sc, "msgs_s", fmt_int), cell("robustmqd", sc, "mb_s", fmt_f),
            fmt_ratio(agg("robustmqd", sc, "msgs_s")[0], agg("tansu", sc, "msgs_s")[0])))
    lat_sc = [s for s in scenarios if s.startswith("lat")]
    if lat_sc:
        out.append("")
        out.append("### Produce latency at a fixed rate, ms (produce call -> delivery report; median of per-run percentiles)")
        out.append("")
        out.append("| scenario | tansu p50 | tansu p99 | tansu max | robustmqd p50 | robustmqd p99 "
                   "| robustmqd max | robustmqd/tansu p50 | robustmqd/tansu p99 |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for sc in lat_sc:
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                LABELS[sc],
                cell("tansu", sc, "p50", fmt_f), cell("tansu", sc, "p99", fmt_f),
                cell("tansu", sc, "max", fmt_f),
                cell("robustmqd", sc, "p50", fmt_f), cell("robustmqd", sc, "p99", fmt_f),
                cell("robustmqd", sc, "max", fmt_f),
                fmt_ratio(agg("robustmqd", sc, "p50")[0], agg("tansu", sc, "p50")[0]),
                fmt_ratio(agg("robustmqd", sc, "p99")[0], agg("tansu", sc, "p99")[0])))

    out.append("")
    out.append("<details><summary>Per-repeat values</summary>")
    out.append("")
    out.append("| rep | broker | scenario | msgs/s | MB/s | p50 ms | p99 ms | max ms | status |")
    out.append("|---:|---|---|---:|---:|---:|---:|---:|---|")
    for r in runs:
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["rep"], r["broker"], r["scenario"], fmt_int(r.get("msgs_s")),
            fmt_f(r.get("mb_s")), fmt_f(r.get("p50")), fmt_f(r.get("p99")),
            fmt_f(r.get("max")), "ok" if r["ok"] else "FAILED: " + r["why"]))
    out.append("")
    out.append("</details>")
    print("\n".join(out))
    failed = [r for r in runs if not r["ok"]]
    if failed:
        print("\n%d run(s) failed; see the per-repeat table and %s"
              % (len(failed), os.path.dirname(os.path.abspath(a.runs))), file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Joins the JMH results and the C reference into one Markdown table.

    report.py --c c.txt [--c c-after.txt] --jmh jmh.json [--jmh jmh-2sf.json] [--skip ROW=REASON ...] [--quick] --out report.md

Values are medians: of the JMH iterations, and of the C rounds (averaged over the C runs before
and after JMH). Rows pair one JMH benchmark with the C loop making the same system calls (and, where the JDK can
do it, the JDK benchmark). A full run marks each row against its target; a quick run only prints
the numbers. Exits 1 if a row lacks a result (something failed to run) unless it was skipped.
"""
import argparse
import json
import math
import sys

# (row, API benchmark, params, C name, JDK benchmark or None, target)
# target: None (informational), ("ns", max API/C ratio, zero B/op?, not slower than JDK?),
#         ("mbs", min API/C ratio)
ROWS = [
    ("setsockopt TCP_KEEPIDLE, TCP", "OptionBenchmark.apiSetKeepIdle", {"protocol": "TCP"},
     "option.set.keepidle.tcp", "OptionBenchmark.jdkSetKeepIdle", ("ns", 1.05, True, True)),
    ("setsockopt TCP_KEEPIDLE, MPTCP", "OptionBenchmark.apiSetKeepIdle", {"protocol": "MPTCP"},
     "option.set.keepidle.mptcp", "OptionBenchmark.jdkSetKeepIdle", ("ns", 1.05, True, True)),
    ("getsockopt TCP_KEEPIDLE, TCP", "OptionBenchmark.apiGetKeepIdle", {"protocol": "TCP"},
     "option.get.keepidle.tcp", "OptionBenchmark.jdkGetKeepIdle", ("ns", 1.05, True, True)),
    ("getsockopt TCP_KEEPIDLE, MPTCP", "OptionBenchmark.apiGetKeepIdle", {"protocol": "MPTCP"},
     "option.get.keepidle.mptcp", "OptionBenchmark.jdkGetKeepIdle", ("ns", 1.05, True, True)),
    ("setKeepalive (4 setsockopt), TCP", "KeepaliveBenchmark.apiSetKeepalive", {"protocol": "TCP"},
     "keepalive.set.tcp", "KeepaliveBenchmark.jdkSetKeepalive", ("ns", 1.05, True, True)),
    ("setKeepalive (4 setsockopt), MPTCP", "KeepaliveBenchmark.apiSetKeepalive", {"protocol": "MPTCP"},
     "keepalive.set.mptcp", "KeepaliveBenchmark.jdkSetKeepalive", ("ns", 1.05, True, True)),
    # keepalive() returns a new immutable Keepalive (and two Durations): it cannot be 0 B/op.
    ("keepalive() (4 getsockopt), TCP", "KeepaliveBenchmark.apiGetKeepalive", {"protocol": "TCP"},
     "keepalive.get.tcp", "KeepaliveBenchmark.jdkGetKeepalive", ("ns", 1.05, False, True)),
    ("keepalive() (4 getsockopt), MPTCP", "KeepaliveBenchmark.apiGetKeepalive", {"protocol": "MPTCP"},
     "keepalive.get.mptcp", "KeepaliveBenchmark.jdkGetKeepalive", ("ns", 1.05, False, True)),
    ("MPTCP_INFO (96 B) into a view", "InfoBenchmark.mptcpInfo", {},
     "info.mptcp_info", None, ("ns", 1.05, True, False)),
    ("MPTCP_INFO + 3 fields", "InfoBenchmark.mptcpInfoThreeFields", {},
     "info.mptcp_info.3fields", None, ("ns", 1.05, True, False)),
    ("TCP_INFO into a view", "InfoBenchmark.tcpInfo", {},
     "info.tcp_info", None, ("ns", 1.05, True, False)),
    ("TCP_INFO + 3 fields", "InfoBenchmark.tcpInfoThreeFields", {},
     "info.tcp_info.3fields", None, ("ns", 1.05, True, False)),
    ("MPTCP_FULL_INFO, 1 subflow", "InfoBenchmark.fullInfo1Subflow", {},
     "info.mptcp_full_info.1sf", None, ("ns", 1.05, True, False)),
    ("MPTCP_FULL_INFO, 2 subflows", "TwoSubflowBenchmark.fullInfo2Subflows", {},
     "info.mptcp_full_info.2sf", None, ("ns", 1.05, True, False)),
    ("ping-pong 64 B, MPTCP", "PingPongBenchmark.api", {"protocol": "MPTCP"},
     "pingpong64.mptcp", "PingPongBenchmark.jdk", ("ns", 1.05, False, False)),
    ("ping-pong 64 B, TCP", "PingPongBenchmark.api", {"protocol": "TCP"},
     "pingpong64.tcp", "PingPongBenchmark.jdk", None),
    ("bulk MPTCP, MemorySegment (MB/s)", "BulkBenchmark.write", {"buffer": "SEGMENT"},
     "bulk.mptcp", None, ("mbs", 0.95)),
    ("bulk MPTCP, direct ByteBuffer (MB/s)", "BulkBenchmark.write", {"buffer": "DIRECT"},
     "bulk.mptcp", None, None),
    ("bulk MPTCP, heap ByteBuffer (MB/s)", "BulkBenchmark.write", {"buffer": "HEAP"},
     "bulk.mptcp", None, None),
    ("connect + accept + close, MPTCP", "ConnectBenchmark.connectAcceptClose", {"protocol": "MPTCP"},
     "connect.mptcp", None, None),
    ("connect + accept + close, TCP", "ConnectBenchmark.connectAcceptClose", {"protocol": "TCP"},
     "connect.tcp", None, None),
]
# The library's own work, with no C twin: (row, benchmark, params, unit divisor param)
OWN = [
    (f"dead-peer watchdog pass, {n} sockets, {t.lower()}", "WatchdogPassBenchmark.pass",
     {"sockets": str(n), "traffic": t}, n)
    for n in (1000, 10000) for t in ("IDLE", "ACTIVE")
]
# The bare FFM downcall (errno captured) making the same call: API - FFM is the library's own cost.
FFM = {"OptionBenchmark.apiSetKeepIdle": "FfmFloorBenchmark.ffmSetKeepIdle",
       "OptionBenchmark.apiGetKeepIdle": "FfmFloorBenchmark.ffmGetKeepIdle"}
CHUNK = 64 * 1024  # BulkBenchmark.CHUNK: one operation writes this many bytes
ZERO_BOP = 1.0     # below this, gc.alloc.rate.norm is JMH's own attribution noise: "0 B/op"


def load_c(paths):
    """{name: (value, unit)}; a name measured in several files (runs before and after JMH) gets the mean."""
    seen = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                name, value, unit = line.split()
                seen.setdefault(name, ([], unit))[0].append(float(value))
    return {name: (sum(v) / len(v), unit) for name, (v, unit) in seen.items()}


def load_jmh(paths):
    results = {}
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                name = ".".join(r["benchmark"].split(".")[-2:])  # Class.method, whatever the package
                key = (name, tuple(sorted(r.get("params", {}).items())))
                pm = r["primaryMetric"]
                alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
                # The median iteration, as the C side reports its median round: on a shared,
                # noisy machine one disturbed iteration moves the mean far more than the median.
                median = pm.get("scorePercentiles", {}).get("50.0", pm["score"])
                results[key] = (median, None, pm["scoreUnit"], alloc)
    return results


def find(results, bench, params):
    for (name, p), v in results.items():
        if name == bench and all(dict(p).get(k) == val for k, val in params.items()):
            return v
    return None


def fmt(x, err=None):
    if x is None:
        return "–"
    s = f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"
    if err is not None and isinstance(err, (int, float)) and math.isfinite(err) and err > 0:
        s += f" ± {err:,.0f}" if err >= 10 else f" ± {err:.1f}"
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--c", action="append", required=True)
    ap.add_argument("--jmh", action="append", default=[])
    ap.add_argument("--skip", action="append", default=[], help="C-name=reason: row not run, say why")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--machine", help="machine.txt, printed above the table")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    c = load_c(a.c)
    jmh = load_jmh(a.jmh)
    skipped = dict(s.split("=", 1) for s in a.skip)
    missing = []

    head = ["benchmark", "API", "C", "API/C", "JDK", "FFM floor", "API B/op"]
    if not a.quick:
        head += ["target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    notes = []
    for label, bench, params, cname, jdkbench, target in ROWS:
        if cname in skipped:
            notes.append(f"- {label}: not run: {skipped[cname]}")
            continue
        api = find(jmh, bench, params)
        jdk = find(jmh, jdkbench, params) if jdkbench else None
        ffm = find(jmh, FFM[bench], params) if bench in FFM else None
        cv = c.get(cname)
        if api is None or cv is None or (jdkbench and jdk is None):
            missing.append(label)
            continue
        score, err, unit, alloc = api
        mbs = unit == "ops/s"
        if mbs:  # throughput of 64 KiB writes -> MB/s
            score, err = score * CHUNK / 1e6, (err * CHUNK / 1e6 if isinstance(err, (int, float)) else None)
        cval = cv[0]
        ratio = score / cval if cval else float("nan")
        unit_s = " MB/s" if mbs else " ns"
        row = [label, fmt(score, err) + unit_s, fmt(cval) + unit_s, f"{ratio:.2f}",
               fmt(jdk[0], jdk[1]) + " ns" if jdk else "–",
               fmt(ffm[0]) + " ns" if ffm else "–",
               "–" if alloc is None else ("0" if alloc < ZERO_BOP else f"{alloc:.0f}")]
        if not a.quick:
            if target is None:
                row += ["–", "(info)"]
            elif target[0] == "mbs":
                ok = ratio >= target[1]
                row += [f"≥ {target[1]:.2f}× C", "yes" if ok else "**no**"]
            else:
                _, max_ratio, zero, vs_jdk = target
                t = [f"≤ {max_ratio:.2f}× C"]
                why = []
                if ratio > max_ratio:
                    why.append(f"{ratio:.2f}× C")
                if zero:
                    t.append("0 B/op")
                    if alloc is not None and alloc >= ZERO_BOP:
                        why.append(f"{alloc:.0f} B/op")
                if vs_jdk and jdk:
                    t.append("≤ JDK")
                    if score > jdk[0]:
                        why.append("slower than JDK")
                row += [", ".join(t), "yes" if not why else "**no** (" + ", ".join(why) + ")"]
        lines.append("| " + " | ".join(row) + " |")

    own = []
    for label, bench, params, count in OWN:
        r = find(jmh, bench, params)
        if r is None:
            continue  # the watchdog group did not run (e.g. an older jar)
        score, err, unit, alloc = r
        per = score * 1000 / count if unit == "us/op" else float("nan")
        own.append(f"| {label} | {fmt(score, err)} µs | {per:.0f} ns | "
                   + ("–" if alloc is None else ("0" if alloc < ZERO_BOP else f"{alloc:.0f}")) + " |")
    text = "\n".join(lines) + "\n"
    if own:
        text += ("\nThe library's own work (no C twin):\n\n| benchmark | per pass | per socket | B/op |\n"
                 "|---|---|---|---|\n" + "\n".join(own) + "\n")
    if a.machine:
        with open(a.machine) as f:
            text = "".join("    " + l for l in f) + "\n" + text
    if notes:
        text += "\n" + "\n".join(notes) + "\n"
    if a.quick:
        text += "\n(quick run: short iterations, numbers are indicative only and not judged)\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text, end="")
    if missing:
        print("report: no result for: " + "; ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

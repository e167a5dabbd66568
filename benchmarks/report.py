#!/usr/bin/env python3
"""Joins the JMH results, their C twins and the system-call counts into one Markdown report.

    report.py --jmh jmh.json [--jmh ...] --pairs pairs.txt [--strace ROW:SIDE:OPS:FILE ...]
              [--watchdog FILE] [--skip ROW=REASON ...] [--quick] [--only CLASS|...] [--machine machine.txt]
              --out report.md

Every measured JMH iteration has a C twin measured right before it (CReference.java writes one
line per iteration to pairs.txt, in the order JMH runs them; JMH's rawData lists the iterations in
the same order). A row's ratio is the median of its per-pair ratios, shown with their min-max, so a
reader sees when noise decides a row. Comparisons between two Java benchmarks (API vs FFM floor,
API vs JDK) pair iteration i of each, each first divided by its own C twin.

The last column marks each target of issue 13: met (the whole min-max range meets it), not met
(the whole range misses it) or undecidable (the range crosses it). Nothing here fails a run for
a missed target; it exits 1 only if a row lacks a result (something failed to run) and was not
skipped.

--strace ROW:SIDE:OPS:FILE: an `strace -c` summary covering OPS operations of ROW (pingpong,
connect) on SIDE (api, c). Two files for the same ROW and SIDE are subtracted (the larger run
minus the smaller, divided by the difference in OPS): that cancels a program's start-up calls.
"""
import argparse
import json
import statistics
import sys

# Targets: ("c", "<=" or ">=", bound)  API/C per pair
#          ("floor", bound)            API/FFM floor, C-normalised, per pair
#          ("jdk",)                    API/JDK <= 1, C-normalised, per pair
#          ("zero",)                   0 B/op
#          ("syscalls", ROW, extra)    system calls per op <= C's + extra (strace)
OPTION = [("floor", 1.10), ("jdk",), ("zero",)]
INFO = [("floor", 1.10), ("zero",)]
# (row, API benchmark, params, JDK benchmark, FFM-floor benchmark, targets)
ROWS = [
    ("setsockopt TCP_KEEPIDLE, TCP", "OptionBenchmark.apiSetKeepIdle", {"protocol": "TCP"},
     "OptionBenchmark.jdkSetKeepIdle", "FfmFloorBenchmark.ffmSetKeepIdle", OPTION),
    ("setsockopt TCP_KEEPIDLE, MPTCP", "OptionBenchmark.apiSetKeepIdle", {"protocol": "MPTCP"},
     "OptionBenchmark.jdkSetKeepIdle", "FfmFloorBenchmark.ffmSetKeepIdle", OPTION),
    ("getsockopt TCP_KEEPIDLE, TCP", "OptionBenchmark.apiGetKeepIdle", {"protocol": "TCP"},
     "OptionBenchmark.jdkGetKeepIdle", "FfmFloorBenchmark.ffmGetKeepIdle", OPTION),
    ("getsockopt TCP_KEEPIDLE, MPTCP", "OptionBenchmark.apiGetKeepIdle", {"protocol": "MPTCP"},
     "OptionBenchmark.jdkGetKeepIdle", "FfmFloorBenchmark.ffmGetKeepIdle", OPTION),
    ("setKeepalive (4 setsockopt), TCP", "KeepaliveBenchmark.apiSetKeepalive", {"protocol": "TCP"},
     "KeepaliveBenchmark.jdkSetKeepalive", "FfmFloorBenchmark.ffmSetKeepalive", OPTION),
    ("setKeepalive (4 setsockopt), MPTCP", "KeepaliveBenchmark.apiSetKeepalive", {"protocol": "MPTCP"},
     "KeepaliveBenchmark.jdkSetKeepalive", "FfmFloorBenchmark.ffmSetKeepalive", OPTION),
    # keepalive() returns a new immutable Keepalive: it cannot be 0 B/op.
    ("keepalive() (4 getsockopt), TCP", "KeepaliveBenchmark.apiGetKeepalive", {"protocol": "TCP"},
     "KeepaliveBenchmark.jdkGetKeepalive", "FfmFloorBenchmark.ffmGetKeepalive", OPTION[:2]),
    ("keepalive() (4 getsockopt), MPTCP", "KeepaliveBenchmark.apiGetKeepalive", {"protocol": "MPTCP"},
     "KeepaliveBenchmark.jdkGetKeepalive", "FfmFloorBenchmark.ffmGetKeepalive", OPTION[:2]),
    ("MPTCP_INFO (96 B) into a view", "InfoBenchmark.mptcpInfo", {}, None, "InfoFloorBenchmark.ffmMptcpInfo", INFO),
    ("MPTCP_INFO + 3 fields", "InfoBenchmark.mptcpInfoThreeFields", {}, None, "InfoFloorBenchmark.ffmMptcpInfo", INFO),
    ("TCP_INFO into a view", "InfoBenchmark.tcpInfo", {}, None, "InfoFloorBenchmark.ffmTcpInfo", INFO),
    ("TCP_INFO + 3 fields", "InfoBenchmark.tcpInfoThreeFields", {}, None, "InfoFloorBenchmark.ffmTcpInfo", INFO),
    ("MPTCP_FULL_INFO, 1 subflow", "InfoBenchmark.fullInfo1Subflow", {}, None, "InfoFloorBenchmark.ffmFullInfo", INFO),
    ("MPTCP_FULL_INFO, 2 subflows", "TwoSubflowBenchmark.fullInfo2Subflows", {}, None, None, [("zero",)]),
    ("ping-pong 64 B, MPTCP", "PingPongBenchmark.api", {"protocol": "MPTCP"}, "PingPongBenchmark.jdk", None,
     [("c", "<=", 1.05), ("syscalls", "pingpong", 0)]),
    ("ping-pong 64 B, TCP", "PingPongBenchmark.api", {"protocol": "TCP"}, "PingPongBenchmark.jdk", None,
     [("c", "<=", 1.05)]),
    ("bulk MPTCP, MemorySegment", "BulkBenchmark.write", {"buffer": "SEGMENT"}, None, None,
     [("c", ">=", 0.95), ("zero",)]),
    ("bulk MPTCP, direct ByteBuffer", "BulkBenchmark.write", {"buffer": "DIRECT"}, None, None, [("c", ">=", 0.95)]),
    ("bulk MPTCP, heap ByteBuffer", "BulkBenchmark.write", {"buffer": "HEAP"}, None, None, [("c", ">=", 0.90)]),
    ("connect + accept + close, MPTCP", "ConnectBenchmark.connectAcceptClose", {"protocol": "MPTCP"}, None, None,
     [("c", "<=", 1.15), ("syscalls", "connect", 1)]),
    ("connect + accept + close, TCP", "ConnectBenchmark.connectAcceptClose", {"protocol": "TCP"}, None, None,
     [("c", "<=", 1.15)]),
]
# The downcall's own cost: each against a C loop of getppid(2).
TRANSITION = [
    ("FFM downcall", "TransitionBenchmark.ffmGetppid"),
    ("FFM downcall capturing errno (as the library's handles)", "TransitionBenchmark.ffmGetppidErrno"),
    ("FFM downcall, Linker.Option.critical (no thread-state transition)", "TransitionBenchmark.ffmGetppidCritical"),
]
SYSCALL_ROWS = {"pingpong": ("ping-pong", "round trip", "MPTCP, 64 B, both ends"),
                "connect": ("connect + accept + close", "connection", "MPTCP, client and accepted socket")}
CHUNK = 64 * 1024  # BulkBenchmark.CHUNK: one operation writes this many bytes
ZERO_BOP = 1.0     # below this, gc.alloc.rate.norm is JMH's own attribution noise: "0 B/op"


class Bench:
    """One JMH benchmark with its measured iterations (in run order) and their C twins."""

    def __init__(self, values, unit, alloc, twins):
        self.unit, self.alloc = unit, alloc
        self.mbs = unit == "ops/s"
        scale = CHUNK / 1e6 if self.mbs else 1.0  # throughput of 64 KiB writes -> MB/s
        self.values = [v * scale for v in values]
        self.twins = twins  # [(C value, C unit)], one per measured iteration
        self.ratios = [v / c for v, (c, _) in zip(self.values, twins)] if len(twins) == len(values) else []

    @property
    def median(self):
        return statistics.median(self.values)

    @property
    def c_median(self):
        return statistics.median(c for c, _ in self.twins) if self.twins else None


def load_pairs(path):
    """{(Class.method, params): [(value, unit)]}, in the order the iterations ran."""
    pairs = {}
    if path:
        with open(path) as f:
            for line in f:
                if line.strip():
                    bench, params, _name, value, unit = line.split()
                    key = (bench, tuple(sorted(tuple(p.split("=", 1)) for p in params.split(","))) if params != "-" else ())
                    pairs.setdefault(key, []).append((float(value), unit))
    return pairs


def allocation(norm):
    """B/op: the median of the measured iterations' gc.alloc.rate.norm. An allocation per operation
    shows in every iteration; a one-off (a class initialised, a lambda spun, the trial's teardown,
    which JMH runs and -prof gc counts inside the last iteration) in one, where at ~15,000 ops per
    iteration (bulk) 100 KB would read as 7 B/op in JMH's mean."""
    if not norm:
        return None
    raw = [v for fork in norm.get("rawData", []) for v in fork]
    return statistics.median(raw) if raw else norm.get("score")


def load_jmh(paths, pairs):
    results = {}
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                name = ".".join(r["benchmark"].split(".")[-2:])  # Class.method, whatever the package
                key = (name, tuple(sorted((k, v) for k, v in r.get("params", {}).items())))
                pm = r["primaryMetric"]
                values = [v for fork in pm.get("rawData", [[pm["score"]]]) for v in fork]
                alloc = allocation(r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm"))
                results[key] = Bench(values, pm["scoreUnit"], alloc, pairs.get(key, []))
    return results


def find(results, bench, params):
    if bench is None:
        return None
    for (name, p), v in results.items():
        if name == bench and all(dict(p).get(k) == val for k, val in params.items()):
            return v
    return None


def spread(values):
    """(median, min, max) or None."""
    return (statistics.median(values), min(values), max(values)) if values else None


def relative(a, b):
    """Per-pair (a_i/C_i) / (b_i/C'_i): two Java benchmarks compared through their own C twins."""
    n = min(len(a.ratios), len(b.ratios))
    return spread([a.ratios[i] / b.ratios[i] for i in range(n)])


def fmt(x):
    if x is None:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def fmt_spread(s):
    return "–" if s is None else f"{s[0]:.2f} ({s[1]:.2f}–{s[2]:.2f})"


def judge(s, op, bound):
    """met / not met / undecidable for a (median, min, max) against `op bound`."""
    _, lo, hi = s
    if op == "<=":
        return "met" if hi <= bound else ("not met" if lo > bound else "undecidable")
    return "met" if lo >= bound else ("not met" if hi < bound else "undecidable")


def parse_strace(path):
    """{syscall: calls} and the total, from an `strace -c` summary."""
    calls, total = {}, 0
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5 or not parts[0].replace(".", "").isdigit():
                continue
            if parts[-1] == "total":
                total = int(parts[3])
            else:
                calls[parts[-1]] = int(parts[3])
    return calls, total


def syscalls_per_op(entries):
    """{syscall: calls per op} from one summary (calls/ops) or two (difference of the two runs)."""
    entries = sorted(entries)
    if len(entries) == 1:
        ops, path = entries[0]
        calls, _ = parse_strace(path)
        return {k: v / ops for k, v in calls.items()}
    (ops1, p1), (ops2, p2) = entries[0], entries[-1]
    c1, _ = parse_strace(p1)
    c2, _ = parse_strace(p2)
    per = {k: (c2.get(k, 0) - c1.get(k, 0)) / (ops2 - ops1) for k in set(c1) | set(c2)}
    return {k: v for k, v in per.items() if round(v, 2) != 0}


def breakdown(per):
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(per.items(), key=lambda kv: -kv[1]) if v >= 0.005)


CPU_FLAT = 1.5  # "CPU per message flat from 100 to 10,000 connections": at most this factor apart


def cpu_growth(rounds0, rounds1, k):
    """CPU per message (column k) at the largest count over the smallest, per round: (median, min, max)."""
    return spread([b[k] / a[k] for a, b in zip(rounds0, rounds1) if a[k] > 0])


def virtual_threads(path):
    """Issue 13 item 6: the library's poller against the JDK's, per connection count.

    Each connection count is measured in rounds, the two stacks in alternating order; round k's two
    lines are a pair. Shown: each stack's median over the rounds, and the per-pair ratio library/JDK
    (median, min–max) that each verdict is taken from, as for the JMH rows. CPU per message is shown
    for the saturated throughput phase and for the paced phase (a fixed rate at every count, so every
    message needs a wake-up); the flatness verdict is taken on the paced one, per round."""
    runs = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 7 or parts[0] not in ("mptcpj", "jdk"):
                continue
            note = " ".join(parts[7:])
            runs.setdefault(int(parts[1]), {}).setdefault(parts[0], []).append([float(x) for x in parts[2:7]] + [note])
    rows, lib_cpu = [], []
    for n, r in sorted(runs.items()):
        lib, jdk = r.get("mptcpj", []), r.get("jdk", [])
        pairs = list(zip(lib, jdk))
        if not pairs:
            continue
        med = lambda rounds, k: statistics.median(x[k] for x in rounds)
        ratio = lambda k: spread([a[k] / b[k] for a, b in pairs])
        cells, verdicts = [], []
        for k, what, op, unit in ((0, "median", "<=", " µs"), (1, "p99", "<=", " µs"), (2, "throughput", ">=", "")):
            s_ = ratio(k)
            cells.append(f"{fmt(med(lib, k))} / {fmt(med(jdk, k))}{unit}, {s_[0]:.2f}× ({s_[1]:.2f}–{s_[2]:.2f})")
            verdicts.append((judge(s_, op, 1.0), what))
        cells.append(f"{med(lib, 3):.2f} / {med(jdk, 3):.2f} µs")
        cells.append(f"{med(lib, 4):.2f} / {med(jdk, 4):.2f} µs")
        stalled = sum(1 for x in lib if x[5])
        if stalled:
            verdicts.append(("not met", f"stalled in {stalled} of {len(lib)} rounds"))
        kinds = [v for v, _ in verdicts]
        verdict = "not met" if "not met" in kinds else ("undecidable" if "undecidable" in kinds else "met")
        why = ", ".join(f"{w}: {v}" for v, w in verdicts if v != "met")
        shown = {"met": "met", "not met": "**not met**", "undecidable": "*undecidable*"}[verdict]
        rows.append(f"| {n:,} | {len(pairs)} | " + " | ".join(cells) + f" | {shown}" + (f" ({why})" if why else "") + " |")
        lib_cpu.append((n, med(lib, 3), med(jdk, 3), lib, jdk))
    if not rows:
        return ""
    (n0, c0, j0, lib0, jdk0), (n1, c1, j1, lib1, jdk1) = lib_cpu[0], lib_cpu[-1]
    flat = c1 <= CPU_FLAT * c0
    paced, paced_jdk = cpu_growth(lib0, lib1, 4), cpu_growth(jdk0, jdk1, 4)
    paced_verdict = {"met": "met", "not met": "**not met**", "undecidable": "*undecidable*"}[judge(paced, "<=", CPU_FLAT)]
    return ("\nVirtual threads at scale (VirtualThreadWakeupBenchmark; library / JDK, each the median over the "
            "rounds, the stacks alternating first and second; then library/JDK per round: median (min–max); "
            "target: wake-up median and p99 ≤ the JDK's, throughput ≥ the JDK's; CPU per message of the receiving JVM "
            "at the saturating rate of the throughput phase, and paced at a fixed rate, the same at every count):\n\n"
            "| connections | rounds | wake-up median | wake-up p99 | messages/s | CPU per message, saturated | "
            "CPU per message, paced | verdict |\n"
            "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
            f"CPU per message at a fixed rate (paced), library: {statistics.median(x[4] for x in lib0):.2f} µs at "
            f"{n0:,} connections, {statistics.median(x[4] for x in lib1):.2f} µs at {n1:,}, per round "
            f"{fmt_spread(paced)}× (flat, i.e. ≤ {CPU_FLAT}×: {paced_verdict}); the JDK: "
            f"{statistics.median(x[4] for x in jdk0):.2f} µs, {statistics.median(x[4] for x in jdk1):.2f} µs, "
            f"{fmt_spread(paced_jdk)}×\n"
            f"CPU per message at the saturating rate, library: {c0:.2f} µs at {n0:,} connections, {c1:.2f} µs at {n1:,} "
            f"({c1 / c0:.2f}×; ≤ {CPU_FLAT}×: {'yes' if flat else 'no'}, not the verdict: at this rate the readers of few "
            f"connections read a share of the messages without parking, of many nearly none); the JDK: {j0:.2f} µs, {j1:.2f} µs ({j1 / j0:.2f}×)\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh", action="append", default=[])
    ap.add_argument("--pairs")
    ap.add_argument("--strace", action="append", default=[], help="ROW:SIDE:OPS:FILE")
    ap.add_argument("--watchdog", help="file holding the watchdog program's 'watchdog: ...' line")
    ap.add_argument("--vthreads", help="VirtualThreadWakeupBenchmark's output: stack connections median_us p99_us msgs_per_s cpu_us_per_msg, one line per round")
    ap.add_argument("--skip", action="append", default=[], help="ROW=reason: row not run, say why")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", help="CLASS[|CLASS...] (run.sh --only): only the rows of these *Benchmark classes")
    ap.add_argument("--machine", help="machine.txt, printed above the table")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    jmh = load_jmh(a.jmh, load_pairs(a.pairs))
    skipped = dict(s.split("=", 1) for s in a.skip)
    missing = []

    strace = {}
    for spec in a.strace:
        row, side, ops, path = spec.split(":", 3)
        strace.setdefault((row, side), []).append((int(ops), path))
    syscalls = {key: syscalls_per_op(v) for key, v in strace.items()}
    first = []
    for row, (label, per, what) in SYSCALL_ROWS.items():
        api, c = syscalls.get((row, "api")), syscalls.get((row, "c"))
        if api is None or c is None:
            first.append(f"{label}: not counted (strace did not run: {skipped.get('strace', 'see the log')})")
            continue
        first.append(f"{label}: {sum(api.values()):.2f} system calls per {per} "
                     f"(C: {sum(c.values()):.2f}; {what}; API: {breakdown(api)}; C: {breakdown(c)})")
    watchdog = None
    if a.watchdog:
        with open(a.watchdog) as f:
            watchdog = next((l.strip() for l in f if l.startswith("watchdog: ")), None)
    first.insert(1, watchdog or "watchdog: not measured (no program)")

    head = ["benchmark", "API", "C", "API/C", "FFM floor", "API/floor", "JDK", "API/JDK", "API B/op",
            "target", "verdict" + (" (quick: indicative)" if a.quick else "")]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    notes = []
    only = set(a.only.split("|")) if a.only else None
    for label, bench, params, jdkbench, floorbench, targets in ROWS:
        if only is not None and bench.split(".")[0].removesuffix("Benchmark") not in only:
            continue
        if label in skipped:
            notes.append(f"- {label}: not run: {skipped[label]}")
            continue
        api = find(jmh, bench, params)
        jdk = find(jmh, jdkbench, params)
        floor = find(jmh, floorbench, params)
        if api is None or not api.ratios or (jdkbench and (jdk is None or not jdk.ratios)):
            missing.append(label)
            continue
        unit = " MB/s" if api.mbs else " ns"
        vs_c = spread(api.ratios)
        vs_floor = relative(api, floor) if floor and floor.ratios else None
        vs_jdk = relative(api, jdk) if jdk else None
        alloc = api.alloc
        row = [label, fmt(api.median) + unit, fmt(api.c_median) + unit, fmt_spread(vs_c),
               fmt(floor.median) + unit if floor else "–", fmt_spread(vs_floor),
               fmt(jdk.median) + unit if jdk else "–", fmt_spread(vs_jdk),
               "–" if alloc is None else ("0" if alloc < ZERO_BOP else f"{alloc:.0f}")]
        wants, verdicts = [], []
        for t in targets:
            if t[0] == "c":
                wants.append(f"{'≤' if t[1] == '<=' else '≥'} {t[2]:.2f}× C")
                verdicts.append((judge(vs_c, t[1], t[2]), f"{vs_c[0]:.2f}× C"))
            elif t[0] == "floor":
                wants.append(f"≤ {t[1]:.2f}× FFM floor")
                if vs_floor is None:
                    verdicts.append(("undecidable", "no FFM floor measured"))
                else:
                    verdicts.append((judge(vs_floor, "<=", t[1]), f"{vs_floor[0]:.2f}× floor"))
            elif t[0] == "jdk":
                wants.append("≤ JDK")
                verdicts.append((judge(vs_jdk, "<=", 1.0), f"{vs_jdk[0]:.2f}× JDK"))
            elif t[0] == "zero":
                wants.append("0 B/op")
                if alloc is None:
                    verdicts.append(("undecidable", "no -prof gc"))
                else:
                    verdicts.append(("met" if alloc < ZERO_BOP else "not met", f"{alloc:.0f} B/op"))
            elif t[0] == "syscalls":
                wants.append(f"≤ C's system calls + {t[2]}" if t[2] else "C's system calls")
                api_n, c_n = syscalls.get((t[1], "api")), syscalls.get((t[1], "c"))
                if api_n is None or c_n is None:
                    verdicts.append(("undecidable", "system calls not counted"))
                else:
                    n, cn = sum(api_n.values()), sum(c_n.values())
                    verdicts.append(("met" if n <= cn + t[2] + 0.05 else "not met", f"{n:.1f} vs {cn:.1f} calls"))
        kinds = [v for v, _ in verdicts]
        verdict = "not met" if "not met" in kinds else ("undecidable" if "undecidable" in kinds else "met")
        why = ", ".join(f"{w}: {v}" for v, w in verdicts if v != "met")
        shown = {"met": "met", "not met": "**not met**", "undecidable": "*undecidable*"}[verdict]
        row += [", ".join(wants), shown + (f" ({why})" if why else "")]
        lines.append("| " + " | ".join(row) + " |")

    transition = []
    for label, bench in TRANSITION:
        b = find(jmh, bench, {})
        if b is None or not b.ratios:
            continue
        diff = spread([v - c for v, (c, _) in zip(b.values, b.twins)])
        transition.append(f"| {label} | {fmt(b.median)} ns | {fmt(b.c_median)} ns | "
                          f"{diff[0]:.0f} ns ({diff[1]:.0f} to {diff[2]:.0f}) |")

    vthreads = virtual_threads(a.vthreads) if a.vthreads else ""

    text = "" if only else "\n".join(first) + "\n\n"
    if a.machine:
        with open(a.machine) as f:
            text += "".join("    " + l for l in f) + "\n"
    text += "\n".join(lines) + "\n"
    if transition:
        text += ("\nThe cost of the downcall itself, on getppid(2) (C: a loop of getppid()):\n\n"
                 "| call | FFM | C | FFM − C per pair: median (min to max) |\n|---|---|---|---|\n"
                 + "\n".join(transition) + "\n")
    text += vthreads
    if notes:
        text += "\n" + "\n".join(notes) + "\n"
    text += ("\nRatios: median of the per-pair ratios (min–max); each JMH iteration is paired with a C run "
             "made right before it. API/floor and API/JDK pair iteration i of both, each divided by its own C twin.\n")
    if a.quick:
        text += "(quick run: few, short pairs; numbers and verdicts are indicative only, nothing is judged)\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text, end="")
    if missing:
        print("report: no result for: " + "; ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

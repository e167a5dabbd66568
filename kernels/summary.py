#!/usr/bin/env python3
"""Prints the matrix table from the results kernels/conformance left in target/kernels/<name>/.

    kernels/summary.py RESULTS_DIR NAME...

One row per kernel: `kernel | tests | failures | skipped | lab textbook/expected`. Failures count
JUnit failures and errors; a run that produced no report (the VM did not come up, the JVM died twice)
counts as a failure and says why. Exit status 1 if any kernel failed.
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def junit_counts(directory):
    """(tests, failures + errors, skipped) summed over the JUnit XML reports, or None if there are none."""
    reports = glob.glob(os.path.join(directory, "reports", "*.xml"))
    if not reports:
        return None
    tests = failures = skipped = 0
    for report in reports:
        root = ET.parse(report).getroot()
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for s in suites:
            tests += int(s.get("tests", 0))
            failures += int(s.get("failures", 0)) + int(s.get("errors", 0))
            skipped += int(s.get("skipped", 0))
    return tests, failures, skipped


def lab_counts(directory):
    """'textbook/expected' over the lab rows expected on the textbook schedule, '-' if the lab did not run."""
    path = os.path.join(directory, "lab.json")
    if not os.path.exists(path):
        return "-"
    rows = [json.loads(line) for line in open(path) if line.strip()]
    expected = [r for r in rows if r["protocol"] != "mptcp" or r["watchdog"]]
    textbook = [r for r in expected if r["verdict"] == "textbook"]
    return f"{len(textbook)}/{len(expected)}"


def main():
    results, names = sys.argv[1], sys.argv[2:]
    rows, failed = [], False
    for name in names:
        d = os.path.join(results, name)
        release = read(os.path.join(d, "release"), name)
        counts = junit_counts(d)
        status = read(os.path.join(d, "status"), "?")
        note = read(os.path.join(d, "retried"))
        suite = read(os.path.join(d, "suite-seconds"))
        if counts is None:
            tests, fails, skipped = "-", f"no report (exit status {status})", "-"
            failed = True
        else:
            tests, fails, skipped = counts
            failed |= fails > 0 or status != "0"
            if fails == 0 and status != "0":  # e.g. the JVM died after the reports were written
                fails = f"0 (exit status {status})"
        label = release if name == "host" else f"{release} (VM)"
        if name.endswith("+mptcp-off"):
            label = f"{release} (VM, net.mptcp.enabled=0)"
        extra = "; ".join(x for x in (f"suite {suite} s" if suite else "", note) if x)
        rows.append((label, str(tests), str(fails), str(skipped), lab_counts(d), extra))
    header = ("kernel", "tests", "failures", "skipped", "lab textbook/expected", "notes")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

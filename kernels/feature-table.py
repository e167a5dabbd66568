#!/usr/bin/env python3
"""Writes the README's requirements table (feature by kernel) from a kernel-matrix run's results.

    kernels/feature-table.py [--readme README.md] RESULTS_DIR NAME...   (e.g. target/kernels host 6.1 6.12)

Every cell comes from what that kernel's run recorded: the JUnit reports (did the test pass?),
facts.txt (sizes, errnos, delays the tests measured, see org.mptcpj.testing.KernelFacts) and lab.json
(the keepalive lab). Nothing is written by hand; a cell whose test did not run says so.
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summary import read  # noqa: E402  (kernels/summary.py: one reader of result files)


class Run:
    def __init__(self, directory):
        self.release = read(os.path.join(directory, "release"), "?")
        self.outcomes = {}  # "Class#method" -> "pass" | "fail" | "skip"
        for report in glob.glob(os.path.join(directory, "reports", "*.xml")):
            for case in ET.parse(report).getroot().iter("testcase"):
                name = case.get("classname", "").rsplit(".", 1)[-1] + "#" + case.get("name", "").split("(")[0]
                if case.find("failure") is not None or case.find("error") is not None:
                    self.outcomes[name] = "fail"
                elif case.find("skipped") is not None:
                    self.outcomes[name] = "skip"
                else:
                    self.outcomes.setdefault(name, "pass")
        self.facts = {}
        for line in read(os.path.join(directory, "facts.txt")).splitlines():
            key, _, value = line.partition("=")
            self.facts[key] = value  # the last value recorded wins (both ends report the same)
        lab = os.path.join(directory, "lab.json")
        self.lab = [json.loads(l) for l in open(lab) if l.strip()] if os.path.exists(lab) else None

    def test(self, name):
        """'pass', 'fail', 'skip' or None: a method name, or a class name for all its methods."""
        if "#" in name:
            return self.outcomes.get(name)
        results = [v for k, v in self.outcomes.items() if k.startswith(name + "#")]
        if not results:
            return None
        return "fail" if "fail" in results else "skip" if "skip" in results else "pass"


def sockets(r):
    t = r.test("KernelConformanceTest#policyFollowsNetMptcpEnabled")
    return {"pass": "yes", "fail": "FAILED"}.get(t, "not run")


def mptcp_info(r):
    n = r.facts.get("mptcp_info_bytes")
    if n is None:
        return "not run"
    if r.test("MptcpInfoTest") != "pass":
        return f"FAILED ({n} B)"
    missing = {48: "no byte counters (6.5), subflows_total (6.10), last-activity times (6.12): absent, not zero",
               80: "no subflows_total (6.10), last-activity times (6.12)",
               88: "no last-activity times (6.12)"}.get(int(n))
    return f"yes, {n} B" if missing is None else f"degraded: {n} B, {missing}"


def tcp_info(r):
    n = r.facts.get("tcp_info_bytes")
    if n is None:
        return "not run"
    ok = r.test("TcpInfoTest") == "pass"
    return f"yes, {n} B" + ("" if ok else " (FAILED)") if int(n) >= 280 else \
        f"yes, {n} B (newer fields absent)" + ("" if ok else " (FAILED)")


def subflow_views(r):
    t = r.test("SubflowsTest#subflowTcpInfos"), r.test("SubflowsTest#subflowAddresses")
    return "yes" if t == ("pass", "pass") else "FAILED" if "fail" in t else "not run"


def full_info(r):
    f = r.facts.get("full_info")
    if f is None:
        return "not run"
    if f == "yes":
        return "yes"
    return "no: fullInfo() throws EOPNOTSUPP naming Linux 6.5; read the three views instead"


def keepalive_before_connect(r):
    t = r.test("KernelConformanceTest#keepaliveSetBeforeConnectIsArmedOnTheSubflowOnce")
    fixed = {"true": "the kernel has 648de37416b3", "false": "the library's re-apply arms it"}.get(
        r.facts.get("keepalive_fix_648de37416b3"), "?")
    return {"pass": f"yes ({fixed}; re-applying is harmless)", "fail": "FAILED"}.get(t, "not run")


def watchdog(r):
    t = r.test("KernelConformanceTest#watchdogReportsTheCutWithinTextbookPlusOneSecond")
    late = r.facts.get("watchdog_detected_after_textbook_s")
    if t == "pass":
        return f"yes, ETIMEDOUT {late} s after idle + count x interval"
    if t == "fail":
        if r.facts.get("watchdog_on") == "false":
            return "no: the watchdog switches itself off (no MPTCP_FULL_INFO); MPTCP learns of a dead peer only after close_timeout"
        return "FAILED" + (f" (detected {late} s after textbook)" if late else "")
    return "not run"


def agent(r):
    t = r.test("AcceptedKeepaliveIT")
    heard = sorted(int(v) for k, v in r.facts.items() if k.startswith("agent_heard_ms."))
    span = sorted({f"{heard[0] / 1000:.1f}", f"{heard[-1] / 1000:.1f}"}) if heard else []
    when = f", end of stream {'-'.join(span)} s after the cut (idle + count x interval: 3 s)" if heard else ""
    return {"pass": "yes" + when, "fail": "FAILED" + when}.get(t, "not run")


def lab(r):
    if r.lab is None:
        return "not run"
    def count(pred):
        rows = [x for x in r.lab if pred(x)]
        return f"{sum(x['verdict'] == 'textbook' for x in rows)}/{len(rows)}"
    return (f"TCP {count(lambda x: x['protocol'] == 'tcp')}, "
            f"MPTCP+watchdog {count(lambda x: x['protocol'] == 'mptcp' and x['watchdog'])}, "
            f"fallback {count(lambda x: x['protocol'] == 'mptcp-fallback')} textbook")


def path_manager(r):
    t = r.test("MptcpPathManagerTest")
    errno = r.facts.get("pm_duplicate_errno")
    if t is None:
        return "not run"
    return ("yes" if t == "pass" else "FAILED") + (f" (duplicate endpoint: {errno})" if errno else "")


def laminar(r):
    f = r.facts.get("laminar")
    return {None: "not run", "accepted": "yes"}.get(f, f"no: {f}" if f else "not run")


def user_timeout(r):
    t = r.test("OptionsTest")
    return {"pass": "no: the kernel refuses it on MPTCP sockets (ENOPROTOOPT); yes on TCP", "fail": "FAILED"}.get(t, "not run")


ROWS = [
    ("MPTCP sockets, REQUIRED / PREFERRED policy", sockets),
    ("`mptcpInfo()` (`MPTCP_INFO`)", mptcp_info),
    ("`tcpInfo()` (`TCP_INFO`)", tcp_info),
    ("`subflowTcpInfos()`, `subflowAddresses()`", subflow_views),
    ("`fullInfo()` (`MPTCP_FULL_INFO`)", full_info),
    ("keepalive set before `connect()` reaches the subflow (seed 000)", keepalive_before_connect),
    ("dead-peer watchdog: cut path gives `ETIMEDOUT` on schedule", watchdog),
    ("agent: keepalive an unchanged NIO server sets on accepted channels gets the watchdog", agent),
    ("keepalive lab (scale 0.1): rows on the textbook schedule", lab),
    ("path manager = `ip mptcp` (endpoints, limits, flags)", path_manager),
    ("'laminar' endpoint flag", laminar),
    ("`TCP_USER_TIMEOUT` on MPTCP sockets", user_timeout),
]


def table(results, names):
    runs = [Run(os.path.join(results, n)) for n in names]
    head = ["feature"] + [".".join(r.release.split(".")[:2]) + f" (`{r.release}`" + (", host)" if n == "host" else ")")
                          for n, r in zip(names, runs)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for title, cell in ROWS:
        lines.append("| " + " | ".join([title] + [cell(r) for r in runs]) + " |")
    return "\n".join(lines) + "\n"


def main():
    """With --readme FILE, replaces the lines between FILE's feature-table markers instead of printing."""
    args = sys.argv[1:]
    readme = None
    if args[:1] == ["--readme"]:
        readme, args = args[1], args[2:]
    text = table(args[0], args[1:])
    if readme is None:
        sys.stdout.write(text)
        return
    lines = open(readme).read().split("\n")
    begin = next(i for i, l in enumerate(lines) if l.startswith("<!-- feature-table:begin"))
    end = next(i for i, l in enumerate(lines) if l.startswith("<!-- feature-table:end"))
    lines[begin + 1:end] = text.rstrip("\n").split("\n")
    with open(readme, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()

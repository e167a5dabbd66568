#!/usr/bin/env bash
# Latency and throughput of the API against the C floor and the JDK, in one run.
#
#   benchmarks/run.sh           full run (about 12 minutes on 2 cores)
#   benchmarks/run.sh --quick   short run (under 3 minutes): checks that everything runs; numbers
#                               are printed but not judged
#
# Builds the benchmarks (../build mvn ... install -pl benchmarks -am), compiles and runs the C
# reference (c/reference.c, gcc -O2), runs the JMH jar with -prof gc, and writes
# target/report/: report.md (also printed), jmh-<group>.json (raw JMH results), c.txt (+ c-after.txt),
# machine.txt, and the logs. See BENCHMARKS.md.
# As root, everything runs in private network namespaces (loopback only, removed at exit), so
# MPTCP endpoints or limits configured on the machine do not change the numbers; the
# two-subflow row needs that (an MPTCP 'subflow' endpoint on 127.0.0.2) and is skipped without it.
# Exits non-zero only if something fails to build or run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

out="$here/target/report"
log() { echo "run.sh: $*" >&2; }
start=$(date +%s)

# ---- build -----------------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
log "building (mvn install -pl benchmarks -am, tests skipped and not compiled)"
if ! "$root/build" mvn -B -q -ntp -DskipTests install -Dmaven.test.skip=true -pl benchmarks -am >"$out/build.log" 2>&1; then
  cat "$out/build.log" >&2
  log "build failed"
  exit 1
fi
# The JDK ../build chose (JAVA_HOME, /usr/lib/jvm/*, java on PATH: the first >= 22).
java_home=$("$root/build" mvn -B -v 2>/dev/null | sed -n 's/^Java version: .*runtime: //p' | head -n 1)
java="$java_home/bin/java"
[[ -x "$java" ]] || { log "cannot find the JDK that ../build uses (got '$java_home')"; exit 1; }
jar="$here/target/mptcpj-benchmarks.jar"

command -v gcc >/dev/null || { log "gcc is not installed"; exit 1; }
command -v python3 >/dev/null || { log "python3 is not installed"; exit 1; }
gcc -O2 -Wall -pthread -o "$here/target/reference" "$here/c/reference.c"

# ---- network namespaces ----------------------------------------------------------------------
main_ns="" two_ns=""
cleanup() {
  local ns
  for ns in $main_ns $two_ns; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
run_main=() run_two=() skip=()
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null && ip netns add "mptcpj-bench-$$" 2>/dev/null; then
  main_ns="mptcpj-bench-$$"
  ip -n "$main_ns" link set lo up
  run_main=(ip netns exec "$main_ns")
  if ip netns add "mptcpj-bench2-$$" 2>/dev/null; then
    two_ns="mptcpj-bench2-$$"
    if ip -n "$two_ns" link set lo up && ip -n "$two_ns" mptcp limits set subflows 2 add_addr_accepted 0 \
        && ip -n "$two_ns" mptcp endpoint add 127.0.0.2 dev lo subflow; then
      run_two=(ip netns exec "$two_ns")
    else
      skip+=(--skip "info.mptcp_full_info.2sf=could not configure an MPTCP 'subflow' endpoint in a namespace")
    fi
  else
    skip+=(--skip "info.mptcp_full_info.2sf=could not create a second network namespace")
  fi
else
  log "running in the current network namespace (a private one needs root and iproute2)"
  skip+=(--skip "info.mptcp_full_info.2sf=needs a private network namespace with an MPTCP 'subflow' endpoint (root)")
fi

# ---- machine ---------------------------------------------------------------------------------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "mode: $([[ $quick == 1 ]] && echo quick || echo full)"
  echo "cpus: $(nproc)"
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "kernel: $(uname -r)"
  echo "jdk: $("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p') ($java_home)"
  echo "gcc: $(gcc -dumpfullversion)"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt" >&2

# ---- C reference and JMH, group by group ----------------------------------------------------
# Each group of JMH benchmarks runs right after (and, in a full run, right before) the C loops it
# is compared with, so that the load of a shared machine weighs on both sides alike.
if [[ $quick == 1 ]]; then
  cflags=(--quick)
  jmh_opts=(-f 1 -wi 1 -w 200ms -i 2 -r 300ms)
else
  cflags=()
  jmh_opts=(-f 2 -wi 3 -w 1s -i 5 -r 1s)
fi
jmh_common=(-foe true -prof gc -rf json)
log "JMH ${jmh_opts[*]}"
cfiles=(--c "$out/c.txt")
jmh_files=()
: >"$out/c.txt"
[[ $quick == 1 ]] || { : >"$out/c-after.txt"; cfiles+=(--c "$out/c-after.txt"); }
# group (C names "<group>.*")   JMH benchmark classes   namespace
groups=(
  "option OptionBenchmark|FfmFloorBenchmark main"
  "keepalive KeepaliveBenchmark main"
  "info InfoBenchmark main"
  "2sf TwoSubflowBenchmark two"
  "pingpong64 PingPongBenchmark main"
  "bulk BulkBenchmark main"
  "connect ConnectBenchmark main"
)
# Groups measuring the library's own work, with no C twin.
own_groups=" "
for g in "${groups[@]}"; do
  read -r group class where <<<"$g"
  if [[ $where == two ]]; then
    [[ ${#run_two[@]} -gt 0 ]] || continue
    runner=("${run_two[@]}") cargs=(--two-subflows)
  else
    runner=("${run_main[@]}") cargs=(--only "$group")
  fi
  own=0
  [[ $own_groups == *" $group "* ]] && own=1
  if [[ $own == 1 ]]; then
    log "$group: JMH $class (no C twin)"
  else
    log "$group: C reference, then JMH $class"
    "${runner[@]}" "$here/target/reference" "${cflags[@]}" "${cargs[@]}" | grep -v '^#' | tee -a "$out/c.txt" >&2
  fi
  "${runner[@]}" "$java" -jar "$jar" "\\.($class)\\." "${jmh_opts[@]}" "${jmh_common[@]}" -rff "$out/jmh-$group.json" \
      >"$out/jmh-$group.log" 2>&1 || { tail -n 60 "$out/jmh-$group.log" >&2; log "JMH $class failed (log: $out/jmh-$group.log)"; exit 1; }
  grep -E "^($class)\\.[a-zA-Z0-9]+ " "$out/jmh-$group.log" | sed 's/^/  /' >&2 || true
  jmh_files+=(--jmh "$out/jmh-$group.json")
  if [[ $quick == 0 && $own == 0 ]]; then
    "${runner[@]}" "$here/target/reference" "${cargs[@]}" | grep -v '^#' | tee -a "$out/c-after.txt" >&2
  fi
done

# ---- the dead-peer watchdog at rest (own work, no C twin): CPU share of its thread ------------
log "watchdog: CPU of its thread with idle watched MPTCP connections (WatchdogCpuShare)"
qarg=()
[[ $quick == 1 ]] && qarg=(--quick)
# In the first namespace: it raises net.core.netdev_max_backlog (global, absent in other namespaces) for its probe bursts.
"$java" --enable-native-access=ALL-UNNAMED -cp "$jar" org.mptcpj.benchmarks.WatchdogCpuShare \
    "${qarg[@]}" >"$out/watchdog.txt" || { log "WatchdogCpuShare failed"; exit 1; }
cat "$out/watchdog.txt" >&2
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

# ---- report ----------------------------------------------------------------------------------
qflag=()
[[ $quick == 1 ]] && qflag=(--quick)
python3 "$here/report.py" "${cfiles[@]}" "${jmh_files[@]}" "${skip[@]}" "${qflag[@]}" --machine "$out/machine.txt" --out "$out/report.md"
log "report: $out/report.md ($(( $(date +%s) - start )) s)"

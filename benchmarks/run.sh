#!/usr/bin/env bash
# Latency and throughput of the API against the C floor and the JDK, in one run.
#
#   benchmarks/run.sh           full run (6 C/Java pairs per row: 2 forks x 3 iterations; bulk 12)
#   benchmarks/run.sh --quick   short run (under 2 minutes): checks that everything runs; numbers
#                               and verdicts are printed but never fail the run
#   benchmarks/run.sh [--quick] --only Bulk   only these JMH classes (Bulk|PingPong: the stems of
#                               *Benchmark), their rows alone; no strace counts, no programs
#
# Builds the benchmarks (../build mvn ... install -pl benchmarks -am), compiles c/reference.c
# (gcc -O2), then:
#  1. counts system calls per ping-pong round trip and per connection with strace -c, for the API
#     (SyscallCount, strace attached to its working threads only) and for C;
#  2. runs the watchdog's CPU program (org.mptcpj.benchmarks.WatchdogCpu*) and the virtual-threads
#     benchmark (VirtualThreadWakeupBenchmark) if the jar has them;
#  3. runs the JMH benchmarks with -prof gc; each measured JMH iteration runs its C twin right
#     before it (CReference.java), so C and Java alternate;
#     the single-threaded ones with the benchmark thread and its C twin on the last CPU, the JVM's
#     other threads on the others (MPTCPJ_BENCH_PIN=0: not pinned);
#  4. writes target/report/: report.md (also printed), jmh-*.json, pairs.txt (the C twins),
#     strace-*.txt, machine.txt, and the logs. See BENCHMARKS.md.
# As root, everything runs in network namespaces with random names that this script creates and
# removes (also on Ctrl-C): "main" (loopback and one end of a veth pair), "sink" (the other end,
# where a C sink receives the bulk rows of C and Java alike) and "2sf" (an MPTCP 'subflow'
# endpoint on 127.0.0.2, for the two-subflow row). Without root it runs in the current namespace,
# bulk over loopback, and skips the two-subflow row.
# Exits non-zero only if something fails to build or run; it never judges timings.
set -euo pipefail

log() { echo "run.sh: $*" >&2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
quick=0 only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) [[ $# -ge 2 && $2 =~ ^[A-Za-z0-9|]+$ ]] || { log "--only wants CLASS[|CLASS...], e.g. Bulk"; exit 2; }
      only=$2; shift ;;
    *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift
done

out="$here/target/report"
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
reference="$here/target/reference"

command -v gcc >/dev/null || { log "gcc is not installed"; exit 1; }
command -v python3 >/dev/null || { log "python3 is not installed"; exit 1; }
gcc -O2 -Wall -pthread -o "$reference" "$here/c/reference.c"

# ---- network namespaces ----------------------------------------------------------------------
id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
main_ns="" sink_ns="" two_ns="" sink_pid=""
cleanup() {
  local ns
  [[ -z $sink_pid ]] || kill "$sink_pid" 2>/dev/null || true
  for ns in $main_ns $sink_ns $two_ns; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
run_main=() run_two=() skip=() bulk_peer=""
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null && ip netns add "mptcpj-bench-$id" 2>/dev/null; then
  main_ns="mptcpj-bench-$id"
  ip -n "$main_ns" link set lo up
  run_main=(ip netns exec "$main_ns")
  # Bulk crosses a veth pair to a C sink in a second namespace, the same far end for C and Java
  # writers, away from the writers' loopback.
  ip netns add "mptcpj-bench-sink-$id"
  sink_ns="mptcpj-bench-sink-$id"
  ip link add veth0 netns "$main_ns" type veth peer name veth1 netns "$sink_ns"
  ip -n "$main_ns" addr add 10.213.0.1/24 dev veth0
  ip -n "$sink_ns" addr add 10.213.0.2/24 dev veth1
  # MTU 65000, near loopback's 65536: the pair is there to avoid loopback's stalls, not to add the
  # per-packet work of 1500-byte frames at the receiver, which would drown the writer's own cost.
  ip -n "$main_ns" link set veth0 mtu 65000
  ip -n "$sink_ns" link set veth1 mtu 65000
  ip -n "$main_ns" link set veth0 up
  ip -n "$sink_ns" link set veth1 up
  ip -n "$sink_ns" link set lo up
  # The sink runs SCHED_FIFO so that no other task preempts it while it holds its socket's lock in
  # recv(): data arriving then is deferred, and on 6.18 the DATA_ACK for it is not sent once the sink
  # has read it, so the writer stalls until its MPTCP retransmit timer fires (~200 ms; BENCHMARKS.md).
  sink_prio=()
  if command -v chrt >/dev/null && chrt -f 10 true 2>/dev/null; then
    sink_prio=(chrt -f 10)
  else
    log "cannot run the bulk sink SCHED_FIFO (chrt -f): expect ~200 ms MPTCP-level stalls in the bulk rows"
  fi
  ip netns exec "$sink_ns" "${sink_prio[@]}" "$reference" --sink 5201 >"$out/sink.log" 2>&1 &
  sink_pid=$!
  for _ in $(seq 100); do grep -q listening "$out/sink.log" && break; sleep 0.05; done
  grep -q listening "$out/sink.log" || { cat "$out/sink.log" >&2; log "the C sink did not start"; exit 1; }
  bulk_peer=10.213.0.2:5201
  if ip netns add "mptcpj-bench-2sf-$id" 2>/dev/null; then
    two_ns="mptcpj-bench-2sf-$id"
    if ip -n "$two_ns" link set lo up && ip -n "$two_ns" mptcp limits set subflows 2 add_addr_accepted 0 \
        && ip -n "$two_ns" mptcp endpoint add 127.0.0.2 dev lo subflow; then
      run_two=(ip netns exec "$two_ns")
    else
      skip+=(--skip "MPTCP_FULL_INFO, 2 subflows=could not configure an MPTCP 'subflow' endpoint in a namespace")
    fi
  else
    skip+=(--skip "MPTCP_FULL_INFO, 2 subflows=could not create a second network namespace")
  fi
else
  log "running in the current network namespace (namespaces need root and iproute2); bulk over loopback"
  skip+=(--skip "MPTCP_FULL_INFO, 2 subflows=needs a private network namespace with an MPTCP 'subflow' endpoint (root)")
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
  echo "bulk: $([[ -n $bulk_peer ]] && echo "over a veth pair to a C sink at $bulk_peer" || echo "over loopback")"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt" >&2

# ---- system calls per operation (strace -c) --------------------------------------------------
report_args=()
if [[ $quick == 1 ]]; then ops=2000; else ops=20000; fi
# The API: strace attached to SyscallCount's working threads for OPS operations only.
strace_api() { # ROW
  local row=$1 word tids done_word t sp jpid from_java to_java
  local -a attach=()
  coproc SC { "${run_main[@]}" "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" \
      org.mptcpj.benchmarks.SyscallCount "$row" MPTCP "$ops" 2>"$out/strace-$row-api.log"; }
  jpid=$SC_PID from_java=${SC[0]} to_java=${SC[1]}
  read -r -t 120 word tids <&"$from_java" && [[ $word == tids ]] \
    || { cat "$out/strace-$row-api.log" >&2; log "SyscallCount $row did not start"; exit 1; }
  for t in $tids; do attach+=(-p "$t"); done
  strace -c -o "$out/strace-$row-api.txt" "${attach[@]}" 2>>"$out/strace-$row-api.log" &
  sp=$!
  until read -r -t 1 done_word <&"$from_java"; do
    if ! kill -0 "$jpid" 2>/dev/null; then
      cat "$out/strace-$row-api.log" >&2; log "SyscallCount $row failed"; exit 1
    fi
    if ! kill -0 "$sp" 2>/dev/null; then # strace could not attach (no ptrace here): say so, do not fail
      kill "$jpid" 2>/dev/null || true
      wait "$jpid" 2>/dev/null || true
      log "strace could not attach to SyscallCount $row: system calls not counted (log: $out/strace-$row-api.log)"
      skip+=(--skip "strace=strace could not attach, see strace-$row-api.log")
      return 0
    fi
  done
  [[ $done_word == done ]] || { cat "$out/strace-$row-api.log" >&2; log "SyscallCount $row failed"; exit 1; }
  kill -INT "$sp"
  wait "$sp" || true
  eval "exec $to_java>&-"
  wait "$jpid" || { cat "$out/strace-$row-api.log" >&2; log "SyscallCount $row failed"; exit 1; }
  report_args+=(--strace "$row:api:$ops:$out/strace-$row-api.txt")
}
# C: the whole program under strace -f, twice (OPS and 2 x OPS per round, one warm-up round and one
# measured round each): the difference cancels its start-up and the echo thread's creation.
strace_c() { # ROW C-NAME
  local row=$1 name=$2 n
  for n in "$ops" $((2 * ops)); do
    "${run_main[@]}" strace -f -c -o "$out/strace-$row-c-$n.txt" "$reference" --name "$name" --rounds 1 --count "$n" \
        >>"$out/strace-$row-c.log" 2>&1 || { cat "$out/strace-$row-c.log" >&2; log "strace of C $name failed"; exit 1; }
    report_args+=(--strace "$row:c:$((2 * n)):$out/strace-$row-c-$n.txt")
  done
}
if [[ -n $only ]]; then
  log "--only $only: no system-call counts, no watchdog or virtual-thread programs"
  skip+=(--skip "strace=not run with --only")
elif command -v strace >/dev/null; then
  log "counting system calls (strace -c): ping-pong and connection setup, MPTCP, $ops operations (at $(( $(date +%s) - start )) s)"
  strace_api pingpong
  strace_c pingpong pingpong64.mptcp
  strace_api connect
  strace_c connect connect.mptcp
else
  log "strace is not installed: system calls not counted"
  skip+=(--skip "strace=strace is not installed")
fi

if [[ -z $only ]]; then # (--only: no programs)
# ---- programs of the watchdog and the poller, if the jar has them ----------------------------
# Both run in the host's network namespace, over its loopback: they raise net.core.netdev_max_backlog
# (global, and visible only in the initial namespace) for their bursts of loopback packets.
qarg=()
[[ $quick == 1 ]] && qarg=(--quick)
# The watchdog's CPU share at rest: prints one line, "watchdog: N % of one core".
watchdog_class=$("$java_home/bin/jar" tf "$jar" | sed -n 's|^\(org/mptcpj/benchmarks/WatchdogCpu[A-Za-z0-9]*\)\.class$|\1|p' | tr / .)
watchdog_class=${watchdog_class%%$'\n'*}
if [[ -n $watchdog_class ]]; then
  log "watchdog: $watchdog_class (at $(( $(date +%s) - start )) s)"
  "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" "$watchdog_class" "${qarg[@]}" \
      >"$out/watchdog.txt" 2>"$out/watchdog.log" || { tail -n 40 "$out/watchdog.log" >&2; log "$watchdog_class failed"; exit 1; }
  grep -q '^watchdog: ' "$out/watchdog.txt" || { log "$watchdog_class printed no 'watchdog: ' line"; exit 1; }
  report_args+=(--watchdog "$out/watchdog.txt")
fi
# Virtual threads at scale: the library's poller against the JDK's, one line per round, stack and count
# (full: 5 rounds, the stacks alternating first and second; quick: 1).
if "$java_home/bin/jar" tf "$jar" | grep -q '^org/mptcpj/benchmarks/VirtualThreadWakeupBenchmark\.class$'; then
  if [[ $quick == 1 ]]; then vt_args=(100,1000 300 3000 1); else vt_args=(100,1000,10000 2000 50000 5); fi
  log "virtual threads at scale: ${vt_args[*]} (at $(( $(date +%s) - start )) s)"
  "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" org.mptcpj.benchmarks.VirtualThreadWakeupBenchmark "${vt_args[@]}" \
      >"$out/vthreads.txt" 2>"$out/vthreads.log" || { tail -n 40 "$out/vthreads.log" >&2; log "VirtualThreadWakeupBenchmark failed"; exit 1; }
  report_args+=(--vthreads "$out/vthreads.txt")
fi
fi # --only

# ---- JMH, each measured iteration after its C twin -------------------------------------------
if [[ $quick == 1 ]]; then
  # -f 0: the benchmarks run in JMH's own JVM; a JVM per benchmark would cost most of the 2 minutes.
  jmh_opts=(-f 0 -wi 1 -w 100ms -i 2 -r 200ms)
  ref_args="--quick"
else
  jmh_opts=(-f 2 -wi 3 -w 1s -i 3 -r 1s)
  ref_args=""
fi
[[ -z $bulk_peer ]] || ref_args+=" --peer $bulk_peer"
export MPTCPJ_BENCH_REFERENCE="$reference" MPTCPJ_BENCH_REFERENCE_ARGS="$ref_args" MPTCPJ_BENCH_PAIRS="$out/pairs.txt"
[[ -z $bulk_peer ]] || export MPTCPJ_BENCH_BULK_PEER="$bulk_peer"
: >"$out/pairs.txt"
log "JMH ${jmh_opts[*]} -prof gc; each measured iteration after its C twin"
jmh_files=()
# The writers' MPTCP-level retransmissions so far (/proc/net/netstat of the main namespace): on this
# link each one is a stall of the MPTCP retransmit timer, C's and Java's alike.
mptcp_retrans() {
  "${run_main[@]}" awk '/^MPTcpExt:/ { if (!n) { for (i = 2; i <= NF; i++) if ($i == "MPTCPRetrans") c = i; n = 1 } else print $c }' /proc/net/netstat
}
# What the benchmarks' @Fork annotations give their forks, for -f 0.
jvm_args=(--enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED)
# name, benchmark classes, namespace[, measured iterations per fork in a full run instead of 3]
# Bulk gets 6 (12 pairs per row): a 200 ms MPTCP stall of the kernel's (BENCHMARKS.md) moves a
# 1 s pair by up to 20 %, on either side; and JMH runs the trial's setup and teardown, which
# allocate, inside the first and last iteration of a fork, which the median B/op then outvotes.
runs=(
  "single Transition|Option|FfmFloor|Keepalive|Info|InfoFloor main"
  "main PingPong|Connect main"
  "bulk Bulk main 6"
  "2sf TwoSubflow two"
)
# The single-threaded rows: the benchmark thread and its C twin share the last CPU, the JVM's other
# threads (JIT, GC, JMH's own) get the others (CReference pins the benchmark thread, which spawns the
# twin; the JVM starts under taskset). Unpinned, the scheduler moved either between the CPUs and next
# to the JVM's other threads. MPTCPJ_BENCH_PIN=0 turns it off (to compare).
pin_cpu=() pin_env=() pin_jvm=() pin_jmh=()
ncpu=$(nproc)
if [[ ${MPTCPJ_BENCH_PIN:-1} == 0 ]]; then
  log "MPTCPJ_BENCH_PIN=0: single-threaded rows not pinned"
elif [[ $ncpu -lt 2 ]]; then
  log "one CPU: single-threaded rows not pinned"
elif ! command -v taskset >/dev/null || ! taskset -c 0 true 2>/dev/null; then
  log "taskset missing or not allowed: single-threaded rows not pinned (their pairs are noisier)"
else
  pin_cpu=(taskset -c "0-$((ncpu - 2))") pin_env=(MPTCPJ_BENCH_CPU=$((ncpu - 1)))
  # The JVM sizes itself (GC, compiler threads) by the CPUs it may use: let it see them all, as unpinned.
  pin_jvm=(-XX:ActiveProcessorCount="$ncpu") pin_jmh=(-jvmArgsPrepend -XX:ActiveProcessorCount="$ncpu")
fi
for r in "${runs[@]}"; do
  read -r name classes where iterations <<<"$r"
  opts=("${jmh_opts[@]}")
  [[ $quick == 1 || -z $iterations ]] || opts=(-f 2 -wi 3 -w 1s -i "$iterations" -r 1s)
  if [[ -n $only ]]; then # the classes of this run that --only names
    classes=$(tr '|' '\n' <<<"$classes" | grep -xF -f <(tr '|' '\n' <<<"$only") | paste -sd '|' || true)
    [[ -n $classes ]] || continue
  fi
  if [[ $where == two ]]; then
    [[ ${#run_two[@]} -gt 0 ]] || continue
    runner=("${run_two[@]}")
  else
    runner=("${run_main[@]}")
  fi
  log "$name: ${classes//|/, } (at $(( $(date +%s) - start )) s)"
  [[ $name != bulk || -z $main_ns ]] || rtx_before=$(mptcp_retrans)
  # -Djmh.ignoreLock: JMH's lock file in /tmp only stops a second run on the same machine (another
  # worktree's, in other namespaces) from starting; that load is a shared machine's noise, which the
  # C/Java pairs are there to absorb.
  pin=() jvm_pin=() jmh_pin=()
  [[ $name != single || ${#pin_cpu[@]} == 0 ]] || pin=(env "${pin_env[@]}" "${pin_cpu[@]}") jvm_pin=("${pin_jvm[@]}") jmh_pin=("${pin_jmh[@]}")
  "${runner[@]}" "${pin[@]}" "$java" -Djmh.ignoreLock=true "${jvm_args[@]}" "${jvm_pin[@]}" -jar "$jar" "\\.(${classes//|/Benchmark|}Benchmark)\\." "${opts[@]}" "${jmh_pin[@]}" \
      -foe true -prof gc -rf json -rff "$out/jmh-$name.json" >"$out/jmh-$name.log" 2>&1 \
    || { tail -n 60 "$out/jmh-$name.log" >&2; log "JMH failed (log: $out/jmh-$name.log)"; exit 1; }
  jmh_files+=(--jmh "$out/jmh-$name.json")
  [[ $name != bulk || -z $main_ns ]] \
    || echo "bulk: $(( $(mptcp_retrans) - rtx_before )) MPTCP-level retransmissions (MPTcpExtMPTCPRetrans, the writers' namespace; each a ~200 ms stall)" >>"$out/machine.txt"
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

# ---- report ----------------------------------------------------------------------------------
qflag=()
[[ $quick == 1 ]] && qflag=(--quick)
[[ -z $only ]] || qflag+=(--only "$only")
python3 "$here/report.py" "${jmh_files[@]}" --pairs "$out/pairs.txt" "${report_args[@]}" "${skip[@]}" "${qflag[@]}" \
    --machine "$out/machine.txt" --out "$out/report.md"
log "report: $out/report.md ($(( $(date +%s) - start )) s)"

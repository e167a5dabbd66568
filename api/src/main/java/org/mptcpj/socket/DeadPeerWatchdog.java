package org.mptcpj.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.internal.sys.Sys;

/**
 * Finds MPTCP connections whose peer is dead, for the sockets that asked for it.
 *
 * <p>Why: on an MPTCP connection keepalive kills each dead subflow on schedule, but the MPTCP
 * socket itself stays established, with no error, until {@code net.mptcp.close_timeout}
 * (60 s by default) and then reports {@code ENOTCONN} (measured on Linux 6.18, see
 * {@code shared/kernel-facts.md}). A plain TCP socket would have reported {@code ETIMEDOUT} after
 * idle + count × interval. This watchdog restores that: a connection that has had no established
 * subflow for longer than its grace period is declared dead, and its blocked and later reads and
 * writes fail with {@code ETIMEDOUT}. A subflow that comes back within the grace period (a new
 * path) cancels it. The subflows' states come from the best {@link SubflowSource.Kernel} the
 * kernel offers, chosen once per JVM.
 *
 * <p>Schedule (what makes an idle connection cost nothing at rest): keepalive cannot kill an idle
 * subflow before its last received ACK + idle + count × interval, and it sends its first probe at
 * last ACK + idle. So an idle connection is looked at ({@code getsockopt}, a few µs) once per
 * keepalive idle time: at its newest subflow's last ACK ({@code tcpi_last_ack_recv}) + idle +
 * {@link #PERIOD}, by which time an answered probe has refreshed the ACK and the next look moves
 * on by another idle time (the kernel may send the probe up to 1/8 of idle late: its timer wheel
 * rounds long timers up; until then it is looked at every idle/16). Every {@link #PERIOD} (today's
 * rate) are looked at: a connection whose probes go unanswered (from the first unanswered probe
 * until it is declared dead), one without an established subflow (during its grace period), one
 * with data in flight, one that moved data since the last pass (which costs a bit test, not a
 * system call), and one whose source cannot tell the ACK times or whose keepalive idle time is
 * unknown. A write on an idle connection brings it back to that rate at once ({@link #promote}), so
 * a path cut while data is queued (the subflow then dies by retransmission timeout or
 * {@code TCP_USER_TIMEOUT}, not by keepalive) is detected as before. What the schedule can miss: a
 * subflow of an idle connection killed by a reset that no probe or write of ours provoked (a
 * middlebox's RST, the peer's path manager closing it), until the next look, at most keepalive idle
 * + {@link #PERIOD} later; a reset answering a probe is seen at the look after that probe.
 *
 * <p>Concurrency: nothing a socket does waits for a pass. {@link #watch} queues the socket (a
 * lock-free queue the pass drains), {@link #unwatch} clears a volatile flag the pass reads (the
 * pass drops the socket when it next meets it); the pass works on structures only its thread
 * touches, so no lock is held across its system calls. A pass that fails is logged and the
 * watchdog goes on; a socket whose look fails is logged and looked at again a second later.
 */
final class DeadPeerWatchdog {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    /** Time between passes over the connections that need a look every pass; the latest a dead peer is reported after its grace period. */
    static final Duration PERIOD = Duration.ofMillis(100);
    private static final long PERIOD_NANOS = PERIOD.toNanos();
    /** Scheduled looks this close to due are taken in the same wake-up, so the thread wakes at most every half period. */
    private static final long SLACK_NANOS = PERIOD_NANOS / 2;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    static final int UNWATCHED = 0;
    static final int NEAR = 1;
    static final int SCHEDULED = 2;

    private static final DeadPeerWatchdog INSTANCE = new DeadPeerWatchdog();

    /** Sockets to (re)consider: newly watched, or written to while scheduled. Drained by the pass. */
    private final ConcurrentLinkedQueue<StreamSocket> arrivals = new ConcurrentLinkedQueue<>();
    private volatile Thread thread;
    private volatile SubflowSource source;
    private volatile String unavailable;

    // Owned by the watchdog thread.
    private StreamSocket[] near = new StreamSocket[64];
    private int nearSize;
    private final PriorityQueue<Due> scheduled = new PriorityQueue<>();
    private final SubflowSource.Reading reading = new SubflowSource.Reading();
    private final MemorySegment option = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);
    private final MemorySegment optionLength = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);

    /** A scheduled look; stale when the socket was moved or rescheduled since ({@code s.watchDue != at}). */
    private record Due(long at, StreamSocket s) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            return Long.compare(at, o.at);
        }
    }

    static DeadPeerWatchdog get() {
        return INSTANCE;
    }

    /**
     * Starts watching {@code s}; does nothing when the kernel offers no source of subflow states
     * (then {@link StreamSocket#isPeerDeadDetection()} stays false). Never waits for a pass.
     */
    void watch(StreamSocket s) {
        if (s.watched || source() == null) {
            return;
        }
        s.watched = true;
        arrivals.offer(s);
        Thread t = thread;
        if (t == null) {
            t = start();
        }
        LockSupport.unpark(t);
    }

    /** Stops watching {@code s}: a flag the pass reads; never waits for a pass. */
    void unwatch(StreamSocket s) {
        s.watched = false;
    }

    /**
     * Called when {@code s} wrote data or changed its keepalive settings: a socket the schedule put
     * aside is looked at in the next pass and every pass while it has data in flight.
     */
    void promote(StreamSocket s) {
        if (s.watchAside) {
            s.watchAside = false;
            arrivals.offer(s);
            LockSupport.unpark(thread);
        }
    }

    /**
     * Called when {@code s}'s keepalive idle time changed: its schedule follows the new value, also
     * when a look under way read the old one. The flag closes the gap between that look's read of
     * the idle time and {@link #place} setting {@code watchAside}, where {@link #promote} alone finds
     * the socket not yet aside and does nothing: then place() sees the flag and promotes it itself.
     * (Without it a look that read 7,200 s just before the program set 1 s scheduled the next look
     * two hours out: the dead peer went unreported, seen under emulation on Linux 6.1.)
     */
    void idleChanged(StreamSocket s) {
        // A socket not watched yet is first looked at after watch() set the flag, so after this
        // change: it reads the new idle time. The check spares a setsockopt on an unwatched socket
        // the volatile write's fence.
        if (s.watched) {
            s.watchIdleChanged = true;
            promote(s);
        }
    }

    /** {@return why the kernel offers the watchdog nothing, or null} (probing once if not yet done) */
    String unavailable() {
        source();
        return unavailable;
    }

    private synchronized Thread start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon(true).name("mptcpj-dead-peer-watchdog").start(this::run);
        }
        return thread;
    }

    /** The source of subflow states, probed once (the first time a socket asks to be watched). */
    SubflowSource source() {
        SubflowSource s = source;
        return s != null || unavailable != null ? s : probe();
    }

    private synchronized SubflowSource probe() {
        if (source == null && unavailable == null) {
            SubflowSource.Kernel k = SubflowSource.Kernel.probe();
            if (k == null) {
                unavailable = "the kernel offers none of MPTCP_FULL_INFO (Linux 6.5), MPTCP_TCPINFO and MPTCP_INFO"
                        + " (Linux 5.16) on an MPTCP socket: the dead-peer watchdog is off, and MPTCP connections learn"
                        + " of a dead peer only after net.mptcp.close_timeout, as ENOTCONN";
                NativeSocket.LOG.warn("dead-peer watchdog unavailable: {}", unavailable);
            } else {
                NativeSocket.LOG.info("dead-peer watchdog: subflow states from {}", k.description);
                source = k;
            }
        }
        return source;
    }

    /** Replaces the source of subflow states (tests: each kernel source on this kernel, or one that fails). */
    void useSource(SubflowSource s) {
        source = s;
    }

    private void run() {
        for (;;) {
            long now = System.nanoTime();
            long next;
            try {
                next = pass(now);
            } catch (RuntimeException | Error e) {
                // A pass that fails must not end the watchdog: every later connection would go unwatched.
                NativeSocket.LOG.error("dead-peer watchdog: a pass failed; going on", e);
                next = now + PERIOD_NANOS;
            }
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    /** One pass: new arrivals, the near set, then the scheduled looks now due. {@return when the next pass is due} */
    private long pass(long now) {
        for (StreamSocket s; (s = arrivals.poll()) != null; ) {
            if (s.watched && s.watchTier != NEAR) {
                s.watchIdleNanos = keepaliveIdleNanos(s);
                addNear(s);
            }
        }
        for (int i = 0; i < nearSize; ) {
            StreamSocket s = near[i];
            long due = s.watched ? visit(s, now) : -1;
            if (due == 0) {
                i++;
                continue;
            }
            near[i] = near[--nearSize]; // leaves the near set: unwatched, dead or scheduled
            near[nearSize] = null;
            place(s, due);
        }
        for (Due d; (d = scheduled.peek()) != null && d.at - now <= SLACK_NANOS; ) {
            scheduled.poll();
            StreamSocket s = d.s;
            if (s.watchTier != SCHEDULED || s.watchDue != d.at) {
                continue; // stale: moved to the near set or rescheduled since
            }
            long due = s.watched ? visit(s, now) : -1;
            if (due == 0) {
                addNear(s);
            } else {
                place(s, due);
            }
        }
        Due first = scheduled.peek();
        long next = nearSize > 0 ? now + PERIOD_NANOS : now + TimeUnit.HOURS.toNanos(1);
        return first == null ? next : Math.min(next, first.at);
    }

    private void addNear(StreamSocket s) {
        s.watchTier = NEAR;
        s.watchAside = false;
        if (nearSize == near.length) {
            near = Arrays.copyOf(near, nearSize * 2);
        }
        near[nearSize++] = s;
    }

    /**
     * Puts a socket that left the near set where {@code due} says: -1 nowhere, else scheduled at {@code due}.
     * Package-private, as {@link #visit}, for {@code WatchdogScheduleTest}, which takes the thread's part.
     */
    void place(StreamSocket s, long due) {
        if (due < 0) {
            s.watchTier = UNWATCHED;
            s.watchAside = false;
            return;
        }
        s.watchTier = SCHEDULED;
        s.watchDue = due;
        scheduled.add(new Due(due, s));
        s.watchAside = true; // from now on a write or a new idle time brings it back (promote)
        if (s.activity != 0 || s.watchIdleChanged) {
            promote(s); // it wrote, or its idle time changed, while we looked
        }
    }

    /**
     * Looks at one socket. {@return 0: look again next pass; -1: stop watching it (closed, fell back
     * to TCP, declared dead); else the time of its next look}
     */
    long visit(StreamSocket s, long now) {
        if (s.activity != 0) {
            s.activity = 0; // moved data since the last pass: alive, and too busy to schedule
            s.noSubflowSince = 0;
            return 0;
        }
        int r;
        try {
            r = look(s);
        } catch (RuntimeException | Error e) {
            NativeSocket.LOG.error("dead-peer watchdog: looking at {} failed; trying again in a second", s, e);
            return now + RETRY_NANOS;
        }
        if (r < 0) { // closed, or fell back to TCP: plain keepalive reports a dead peer there
            s.watched = false;
            if (s.isOpen()) {
                NativeSocket.LOG.info("{}: the connection fell back to TCP; the dead-peer watchdog stops watching it "
                        + "(kernel keepalive reports ETIMEDOUT on TCP)", s);
            }
            return -1;
        }
        SubflowSource.Reading look = reading;
        if (look.established == 0) {
            if (s.noSubflowSince == 0) {
                s.noSubflowSince = now;
            } else if (now - s.noSubflowSince >= s.deadPeerGraceNanos) {
                s.watched = false;
                s.declarePeerDead(TimeUnit.NANOSECONDS.toMillis(now - s.noSubflowSince));
                return -1;
            }
            return 0;
        }
        s.noSubflowSince = 0;
        s.watchIdleChanged = false; // before reading the idle time: a change after this read is seen by place()
        Duration set = s.keepaliveSettings.idle(); // the application may have changed it since it arrived
        long idle = set != null ? set.toNanos() : s.watchIdleNanos;
        if (look.outstanding || look.lastAckMillis < 0 || idle <= 0) {
            return 0;
        }
        long sinceAck = TimeUnit.MILLISECONDS.toNanos(look.lastAckMillis);
        if (sinceAck < idle) {
            return now + (idle - sinceAck) + PERIOD_NANOS; // after the first probe, and its answer
        }
        if (!look.probing) {
            // Idle time over but no probe sent yet: the kernel's timer wheel fires a timer of `idle`
            // up to 1/8 of it late (timer wheel levels, kernel/time/timer.c). Nothing can die before
            // that probe + count x interval, so looking again in idle/16 is early enough.
            return now + Math.max(PERIOD_NANOS, idle / 16);
        }
        return 0; // probes unanswered: keepalive may kill the subflow any time now
    }

    /** {@return 0 with {@link #reading} filled, or -1 when the connection's subflows cannot be known} */
    private int look(StreamSocket s) {
        if (!s.fd.tryAcquire()) {
            return -1;
        }
        try {
            int r = source.read(s.fd.number(), reading); // non-null: watch() admits no socket without one
            if (r == -Linux.EOPNOTSUPP()) {
                return -1;
            }
            if (r < 0) {
                throw new IllegalStateException(Sys.error("getsockopt(fd " + s.fd.number() + ") of the dead-peer watchdog",
                        r).getMessage());
            }
            return 0;
        } finally {
            s.fd.release();
        }
    }

    /**
     * {@return the socket's keepalive idle time in nanoseconds}: as the application set it, else the
     * kernel's ({@code getsockopt(TCP_KEEPIDLE)}, the namespace's {@code tcp_keepalive_time}), else 0
     * (unknown: the socket is then looked at every pass).
     */
    private long keepaliveIdleNanos(StreamSocket s) {
        Duration set = s.keepaliveSettings.idle();
        if (set != null) {
            return set.toNanos();
        }
        if (!s.fd.tryAcquire()) {
            return 0;
        }
        try {
            optionLength.set(ValueLayout.JAVA_INT, 0, 4);
            int r = SYS.getsockopt(s.fd.number(), Linux.SOL_TCP(), Linux.TCP_KEEPIDLE(), option, optionLength);
            return r < 0 ? 0 : TimeUnit.SECONDS.toNanos(option.get(ValueLayout.JAVA_INT, 0));
        } finally {
            s.fd.release();
        }
    }
}

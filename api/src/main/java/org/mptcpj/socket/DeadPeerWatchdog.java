package org.mptcpj.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_full_info;
import org.mptcpj.bindings.linux.tcp_info;
import org.mptcpj.internal.sys.Sys;

/**
 * Finds MPTCP connections whose peer is dead, for the sockets that asked for it.
 *
 * <p>Why: on an MPTCP connection keepalive kills each dead subflow on schedule, but the MPTCP
 * socket itself stays established, with no error, until {@code net.mptcp.close_timeout}
 * (60 s by default) and then reports {@code ENOTCONN} (measured on Linux 6.18, see
 * {@code shared/kernel-facts.md}). A plain TCP socket would have reported {@code ETIMEDOUT} after
 * idle + count × interval. This watchdog restores that: a connection that has had no subflow for
 * longer than its grace period is declared dead, and its blocked and later reads and writes fail
 * with {@code ETIMEDOUT}. A subflow that comes back within the grace period (a new path) cancels it.
 *
 * <p>Shape (the 1-bit clock scan of a userspace stack's stale-connection finder): one daemon
 * thread wakes every {@link #PERIOD} and walks an array of watched sockets. Reads and writes that
 * move data set the socket's one-bit activity mark; the pass clears it and moves on, so a busy
 * connection costs one field store per I/O and one load per pass. Only a socket without activity
 * since the last pass costs a system call: {@code getsockopt(MPTCP_FULL_INFO)} asking for just the
 * first 8 bytes of each subflow's {@code tcp_info}, enough for {@code tcpi_state}. Established
 * subflows are what count: the kernel keeps the first subflow in its list, closed, after
 * keepalive killed it (measured on 6.18; {@code num_subflows} stays 1), so the raw count would
 * never reach zero. One pass allocates nothing; its cost is linear in the number of watched sockets.
 */
final class DeadPeerWatchdog {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    /** Time between passes; a dead peer is reported at most this much after its grace period. */
    static final Duration PERIOD = Duration.ofMillis(100);

    private static final DeadPeerWatchdog INSTANCE = new DeadPeerWatchdog();

    private StreamSocket[] watched = new StreamSocket[64];
    private int size;
    private Thread thread;
    /** Subflows one request can describe; MPTCP allows at most 8 extra subflows (MPTCP_PM_ADDR_MAX) plus the first. */
    private static final int MAX_SUBFLOWS = 16;
    /** Bytes of each subflow's tcp_info we ask for: tcpi_state is the first byte. */
    private static final int TCP_INFO_PREFIX = 8;

    // Used only by the pass, under the lock.
    private final MemorySegment request = Arena.ofAuto().allocate(mptcp_full_info.layout().byteSize(), 8);
    private final MemorySegment states = Arena.ofAuto().allocate((long) MAX_SUBFLOWS * TCP_INFO_PREFIX, 8);
    private final MemorySegment length = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);

    static DeadPeerWatchdog get() {
        return INSTANCE;
    }

    synchronized void watch(StreamSocket s) {
        if (s.watchIndex >= 0) {
            return;
        }
        if (size == watched.length) {
            watched = java.util.Arrays.copyOf(watched, size * 2);
        }
        s.watchIndex = size;
        watched[size++] = s;
        if (thread == null) {
            thread = Thread.ofPlatform().daemon(true).name("mptcpj-dead-peer-watchdog").start(this::run);
        }
    }

    synchronized void unwatch(StreamSocket s) {
        int i = s.watchIndex;
        if (i < 0) {
            return;
        }
        StreamSocket last = watched[--size];
        watched[i] = last;
        last.watchIndex = i;
        watched[size] = null;
        s.watchIndex = -1;
    }

    synchronized int watchedCount() {
        return size;
    }

    private void run() {
        long period = PERIOD.toNanos();
        for (;;) {
            pass(System.nanoTime());
            java.util.concurrent.locks.LockSupport.parkNanos(period);
        }
    }

    /** One scan over every watched socket; public to the package for the cost measurement. */
    synchronized void pass(long now) {
        for (int i = 0; i < size; i++) {
            StreamSocket s = watched[i];
            if (s.activity != 0) {
                s.activity = 0;
                s.noSubflowSince = 0;
                continue;
            }
            int subflows = subflowCount(s);
            if (subflows != 0) {
                s.noSubflowSince = 0;
                if (subflows < 0) { // closed, or fell back to TCP: plain keepalive reports a dead peer there
                    unwatch(s);
                    i--;
                }
                continue;
            }
            if (s.noSubflowSince == 0) {
                s.noSubflowSince = now;
            } else if (now - s.noSubflowSince >= s.deadPeerGraceNanos) {
                unwatch(s);
                i--;
                s.declarePeerDead(TimeUnit.NANOSECONDS.toMillis(now - s.noSubflowSince));
            }
        }
    }

    /**
     * {@return the connection's established subflows, or -1 if they cannot be known (closed socket,
     * fallback to TCP)}; more than {@link #MAX_SUBFLOWS} subflows count as alive.
     */
    private int subflowCount(StreamSocket s) {
        if (!s.fd.tryAcquire()) {
            return -1;
        }
        try {
            request.fill((byte) 0);
            mptcp_full_info.size_tcpinfo_user(request, TCP_INFO_PREFIX);
            mptcp_full_info.size_arrays_user(request, MAX_SUBFLOWS);
            mptcp_full_info.tcp_info(request, states.address());
            length.set(ValueLayout.JAVA_INT, 0, (int) request.byteSize());
            int r = SYS.getsockopt(s.fd.number(), Linux.SOL_MPTCP(), Linux.MPTCP_FULL_INFO(), request, length);
            if (r < 0) {
                return -1;
            }
            int n = mptcp_full_info.num_subflows(request);
            if (n > MAX_SUBFLOWS) {
                return n;
            }
            int stride = mptcp_full_info.size_tcpinfo_user(request); // what the kernel used
            int established = 0;
            for (int i = 0; i < n; i++) {
                long at = (long) i * stride + tcp_info.tcpi_state$offset();
                if (states.get(ValueLayout.JAVA_BYTE, at) == Linux.TCP_ESTABLISHED()) {
                    established++;
                }
            }
            return established;
        } finally {
            s.fd.release();
        }
    }
}

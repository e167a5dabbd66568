package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Options;
import org.mptcpj.testing.Require;

/**
 * Neither {@code close()} nor a {@code SO_KEEPALIVE} change waits for a watchdog pass (issue 10
 * item 7): with 10,000 watched idle MPTCP sockets (5,000 connections, both ends watched), closing
 * another socket and switching keepalive on a TCP socket take under 1 ms at the 99th percentile
 * while passes run (before, both took the watchdog's monitor, held for a whole pass). The source of
 * subflow states hides the ACK times, so that every pass looks at every watched socket.
 */
class WatchdogCloseLatencyTest {
    private static final int CONNECTIONS = 5_000;
    private static final int MEASURED = 1_000;
    private static final long BOUND = 1_000_000; // ns
    private static final Keepalive KEEPALIVE = Keepalive.of(Duration.ofSeconds(600), Duration.ofSeconds(60), 5);

    @Test
    void closeAndKeepaliveChangesDoNotWaitForAPass() throws Exception {
        requireDescriptors(2L * (CONNECTIONS + MEASURED) + MEASURED + 1000);
        List<NativeSocket> open = new ArrayList<>();
        DeadPeerWatchdog wd = DeadPeerWatchdog.get();
        SubflowSource kernel = wd.source();
        // The heaviest passes: no connection may be put aside by the schedule (no ACK time known), so
        // every pass makes one getsockopt per watched socket, as every pass did before.
        wd.useSource((fd, into) -> {
            int r = kernel.read(fd, into);
            into.lastAckMillis = -1;
            return r;
        });
        try {
            ServerStreamSocket listener = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            open.add(listener);
            listener.setKeepalive(KEEPALIVE);
            List<StreamSocket> toClose = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS + MEASURED; i++) {
                StreamSocket c = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
                open.add(c);
                c.setKeepalive(KEEPALIVE);
                c.connect(listener.localAddress(), Duration.ofSeconds(10));
                StreamSocket a = listener.accept();
                open.add(a);
                assertTrue(c.isPeerDeadDetection() && a.isPeerDeadDetection(), "not watched: " + c);
                if (i >= CONNECTIONS) {
                    toClose.add(c);
                }
            }
            List<StreamSocket> tcp = new ArrayList<>();
            for (int i = 0; i < MEASURED; i++) {
                StreamSocket t = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET);
                open.add(t);
                tcp.add(t);
            }
            System.gc(); // a collection during the measurement would be counted against close()
            Thread.sleep(500); // passes look at every watched socket now

            long[] keepalive = new long[MEASURED];
            long[] closeTcp = new long[MEASURED];
            long[] closeWatched = new long[MEASURED];
            for (int i = 0; i < MEASURED; i++) {
                StreamSocket t = tcp.get(i);
                pause(); // each measurement at a random point of the watchdog's work
                long t0 = System.nanoTime();
                t.setOption(Options.SO_KEEPALIVE, true);
                keepalive[i] = System.nanoTime() - t0;
                pause();
                t0 = System.nanoTime();
                t.close();
                closeTcp[i] = System.nanoTime() - t0;
                StreamSocket c = toClose.get(i);
                pause();
                t0 = System.nanoTime();
                c.close();
                closeWatched[i] = System.nanoTime() - t0;
            }
            String summary = summary("setOption(SO_KEEPALIVE) on a TCP socket", keepalive)
                    + summary("close() of a TCP socket", closeTcp)
                    + summary("close() of a watched MPTCP socket (not asserted)", closeWatched);
            System.err.print(summary);
            // Asserted: the calls that took the watchdog's monitor before. Not asserted: close(2) of an
            // MPTCP socket, whose kernel side alone has a tail of milliseconds on a loaded host, with or
            // without the watchdog (p99 4.6 ms measured for unwatched MPTCP sockets at load 14).
            assertTrue(p99(keepalive) < BOUND && p99(closeTcp) < BOUND, "p99 over " + BOUND / 1000 + " us:\n" + summary);
        } finally {
            wd.useSource(kernel);
            open.forEach(NativeSocket::close);
        }
    }

    private static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.ThreadLocalRandom.current().nextLong(3_000_000));
    }

    private static long p99(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    private static String summary(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("%s: median %d us, p99 %d us, max %d us%n", what, sorted[sorted.length / 2] / 1000,
                p99(nanos) / 1000, sorted[sorted.length - 1] / 1000);
    }

    /** Skips (fails in CI) when this JVM's RLIMIT_NOFILE (which the JVM raises to the hard limit) is below {@code needed}. */
    static void requireDescriptors(long needed) throws IOException {
        String limits = Files.readString(Path.of("/proc/self/limits"));
        long soft = limits.lines().filter(l -> l.startsWith("Max open files")).map(l -> l.split("\\s+")[3])
                .mapToLong(v -> v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v)).findFirst().orElse(0);
        Require.that(soft >= needed, "needs " + needed + " descriptors, RLIMIT_NOFILE is " + soft);
    }
}

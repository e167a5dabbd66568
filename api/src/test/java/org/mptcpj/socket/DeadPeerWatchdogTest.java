package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.option.Keepalive;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.Require;
import org.mptcpj.testkit.NamespaceLab;

/**
 * Keepalive on a real MPTCP connection across namespaces whose path is cut (100% loss): with the
 * watchdog both ends learn of the dead peer on the textbook schedule; without it the kernel says
 * nothing for far longer (until net.mptcp.close_timeout).
 */
class DeadPeerWatchdogTest {
    private static final Keepalive KEEPALIVE = Keepalive.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
    /** Keepalive timers run on jiffies: one may fire a tick early. */
    private static final long TIMER_MARGIN_MILLIS = 50;
    private NamespaceLab lab;

    @BeforeEach
    void lab() throws IOException {
        Require.that(Require.isRoot(), "network namespaces need root");
        lab = NamespaceLab.create("mptcpj-wd", 1, true);
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private SocketPair connect(boolean watchdog) throws Exception {
        ServerStreamSocket l = NetworkNamespace.call(lab.server(), () -> {
            ServerStreamSocket s = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            s.setKeepalive(KEEPALIVE); // inherited by the accepted socket, re-applied after accept
            return s.bind(new InetSocketAddress(lab.serverAddress(0), 0), 4);
        });
        StreamSocket c = NetworkNamespace.call(lab.client(), () -> {
            StreamSocket s = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            s.setKeepalive(KEEPALIVE); // before connect
            return s;
        });
        c.connect(l.localAddress(), Duration.ofSeconds(5));
        StreamSocket a = l.accept();
        if (!watchdog) {
            c.setDeadPeerWatchdog(null);
            a.setDeadPeerWatchdog(null);
        }
        assertTrue(c.isMultipath() && a.isMultipath());
        assertEquals(watchdog, c.isPeerDeadDetection());
        assertEquals(watchdog, a.isPeerDeadDetection());
        return new SocketPair(l, c, a);
    }

    private static CompletableFuture<Long> blockedRead(StreamSocket s, long cutNanos[]) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                s.read(new byte[16], 0, 16);
                throw new AssertionError("read returned instead of failing");
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private static Throwable failure(CompletableFuture<?> f, long seconds) throws Exception {
        try {
            f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("no failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * Through each source of subflow states this kernel offers (the older kernels' sources are
     * tested here too, chosen by hand), both ends report ETIMEDOUT no earlier than keepalive can kill
     * the subflow (last exchange + idle + count x interval, less a timer margin) and no later than
     * 1 s after it.
     */
    @ParameterizedTest
    @EnumSource(SubflowSource.Kernel.class)
    void watchdogReportsDeadPeerOnTheTextbookSchedule(SubflowSource.Kernel source) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(source.offered(), () -> source
                + " is not offered by this kernel (MPTCP_FULL_INFO: Linux 6.5; the others: 5.16)");
        DeadPeerWatchdog wd = DeadPeerWatchdog.get();
        SubflowSource chosen = wd.source();
        wd.useSource(source);
        try (SocketPair conn = connect(true)) {
            // Keepalive is armed on the subflow of both ends: set before connect on the client, on the
            // listener for the accepted side (ss -tino lists the TCP subflows with their timers).
            for (String ns : java.util.List.of(lab.client(), lab.server())) {
                String ss = Commands.run("ip", "netns", "exec", ns, "ss", "-tino", "state", "established");
                assertTrue(ss.contains("timer:(keepalive"), ns + ":\n" + ss);
            }
            // The last exchange: a byte each way. No subflow can die by keepalive before an ACK of it + deadline.
            long exchanged = System.nanoTime();
            conn.client().write(new byte[1], 0, 1);
            assertEquals(1, conn.accepted().read(new byte[1], 0, 1));
            conn.accepted().write(new byte[1], 0, 1);
            assertEquals(1, conn.client().read(new byte[1], 0, 1));
            CompletableFuture<Long> client = blockedRead(conn.client(), null);
            CompletableFuture<Long> server = blockedRead(conn.accepted(), null);
            lab.lossOn(0);
            long deadline = KEEPALIVE.deadline().toMillis();
            for (CompletableFuture<Long> side : java.util.List.of(client, server)) {
                Throwable t = failure(side, 30);
                long detected = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchanged);
                ErrnoException e = assertInstanceOf(ErrnoException.class, t);
                assertEquals("ETIMEDOUT", e.errnoName(), e.getMessage());
                System.err.printf("%s: ETIMEDOUT %d ms after the last exchange (keepalive deadline %d ms)%n", source,
                        detected, deadline);
                assertTrue(detected >= deadline - TIMER_MARGIN_MILLIS, source + ": detected after " + detected
                        + " ms, before keepalive could have killed the subflow (" + deadline + " ms)");
                assertTrue(detected <= deadline + 1000, source + ": detected after " + detected + " ms, expected by "
                        + (deadline + 1000));
            }
            // Later I/O fails the same way.
            ErrnoException again = org.junit.jupiter.api.Assertions.assertThrows(ErrnoException.class,
                    () -> conn.client().write(new byte[1], 0, 1));
            assertEquals("ETIMEDOUT", again.errnoName());
        } finally {
            wd.useSource(chosen);
        }
    }

    @Test
    void withoutWatchdogTheKernelStaysSilentFarLonger() throws Exception {
        try (SocketPair conn = connect(false)) {
            conn.client().setReadTimeout(Duration.ofSeconds(6));
            CompletableFuture<Long> client = blockedRead(conn.client(), null);
            lab.lossOn(0);
            // Keepalive closes the only subflow after about 3 s, but the MPTCP socket stays established.
            Throwable t = failure(client, 30);
            assertInstanceOf(SocketTimeoutException.class, t, "the kernel reported the dead peer itself: " + t);
        }
    }
}

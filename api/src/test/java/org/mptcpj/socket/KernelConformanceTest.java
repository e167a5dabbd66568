package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.MptcpUnavailableException;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Options;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.KernelFacts;
import org.mptcpj.testing.KernelFeatures.Feature;
import org.mptcpj.testing.KernelFeatures;
import org.mptcpj.testing.Require;
import org.mptcpj.testkit.NamespaceLab;

/**
 * The socket-level behaviours whose outcome depends on the kernel, each asserted against what
 * {@link KernelFeatures} says the running kernel has (run on 6.1, 6.12 and the host by
 * {@code kernels/conformance}).
 */
@Tag("kernel")
class KernelConformanceTest {
    private static final KernelFeatures KERNEL = KernelFeatures.current();

    /**
     * fullInfo() is MPTCP_FULL_INFO where the kernel has it (6.5), and an error naming 6.5 before;
     * what it and the subflow-address view say is what {@code ss} says.
     */
    @Test
    void fullInfoWhereTheKernelHasItAndAClearErrorBefore() throws Exception {
        Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            MptcpInfo info = p.client().mptcpInfo(new MptcpInfo());
            String ss = Commands.ss("mptcp", p.client().localAddress(), p.client().remoteAddress(), "-Mtin");
            assertEquals(info.token(), Long.parseUnsignedLong(Commands.field(ss, "token:"), 16), ss);
            // The subflow the address view names is a TCP socket ss lists as an MPTCP subflow.
            SubflowAddresses addresses = p.client().subflowAddresses(new SubflowAddresses());
            String sub = Commands.ss("tcp", addresses.local(0), addresses.remote(0), "-Mtin");
            assertTrue(sub.contains("tcp-ulp-mptcp"), sub);
            if (KERNEL.has(Feature.MPTCP_FULL_INFO)) {
                MptcpFullInfo full = p.client().fullInfo(new MptcpFullInfo());
                assertEquals(info.token(), full.mptcpInfo().token());
                assertEquals(addresses.remote(0), full.remoteAddress(0));
                assertEquals(p.client().localAddress(), full.localAddress(0));
                assertEquals(KERNEL.mptcpInfoSize(), full.mptcpInfo().returnedLength());
                KernelFacts.record("full_info", "yes");
            } else {
                ErrnoException e = assertThrows(ErrnoException.class, () -> p.client().fullInfo(new MptcpFullInfo()));
                assertEquals("EOPNOTSUPP", e.errnoName());
                assertTrue(e.getMessage().contains("needs Linux 6.5"), e.getMessage());
                KernelFacts.record("full_info", "EOPNOTSUPP");
                // What the message points to instead works here: the views MPTCP_FULL_INFO combines.
                SubflowAddresses a = p.client().subflowAddresses(new SubflowAddresses());
                assertEquals(p.client().localAddress(), a.local(0));
            }
            // A fallen-back connection is EOPNOTSUPP on every kernel, without the 6.5 hint.
        }
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.DISABLED, StandardProtocolFamily.INET)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> p.client().fullInfo(new MptcpFullInfo()));
            assertEquals("EOPNOTSUPP", e.errnoName());
            assertFalse(e.getMessage().contains("6.5"), e.getMessage());
        }
    }

    /**
     * The policy against this namespace's {@code net.mptcp.enabled} (the kernel matrix also boots a
     * kernel with {@code sysctl.net.mptcp.enabled=0} on its command line, where the first branch runs).
     */
    @Test
    void policyFollowsNetMptcpEnabled() throws Exception {
        boolean enabled = !Files.readString(Path.of("/proc/sys/net/mptcp/enabled")).strip().equals("0");
        if (enabled) {
            try (StreamSocket s = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
                assertTrue(s.isMptcp());
                assertTrue(s.mptcpRefusal().isEmpty());
            }
            return;
        }
        MptcpUnavailableException e = assertThrows(MptcpUnavailableException.class,
                () -> StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET));
        assertTrue(e.getMessage().contains("net.mptcp.enabled=0"), e.getMessage());
        try (SocketPair p = SocketPair.open(MptcpPolicy.PREFERRED, MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)) {
            assertFalse(p.client().isMptcp());
            assertFalse(p.client().isMultipath());
            assertTrue(p.client().mptcpRefusal().orElseThrow().contains("net.mptcp.enabled=0"),
                    p.client().mptcpRefusal().orElseThrow());
            p.client().write(new byte[] {42}, 0, 1);
            byte[] b = new byte[1];
            assertEquals(1, p.accepted().read(b, 0, 1), "the TCP connection carries data");
        }
    }

    /**
     * Seed 000: keepalive set before connect() reaches the first subflow. Kernels with upstream
     * 648de37416b3 arm it themselves (every kernel of the matrix: Debian's 6.1 since 6.1.153); the
     * library re-applies it after connect for those without. Either way the subflow has exactly the
     * values set, one keepalive timer, and the re-apply changed nothing.
     */
    @Test
    void keepaliveSetBeforeConnectIsArmedOnTheSubflowOnce() throws Exception {
        Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
        Keepalive k = Keepalive.of(Duration.ofSeconds(7), Duration.ofSeconds(2), 3);
        try (ServerStreamSocket l = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0), 1);
             StreamSocket c = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            c.setKeepalive(k);
            c.connect(l.localAddress(), Duration.ofSeconds(5));
            try (StreamSocket a = l.accept()) {
                KernelFacts.record("keepalive_fix_648de37416b3", KERNEL.hasKeepaliveBeforeConnectFix());
                assertTrue(c.isMultipath());
                assertEquals(k, c.keepalive());
                // -t lists the TCP subflows (not the MPTCP socket); the timer is on the socket's first line.
                String sub = Commands.run("ss", "-tnoH", "src", hostPort(c.localAddress()), "dst", hostPort(c.remoteAddress()));
                assertEquals(1, sub.split("timer:\\(keepalive,", -1).length - 1, sub);
                // The timer counts down from the idle time set (7 s), not the system default (2 h).
                String timer = sub.substring(sub.indexOf("timer:(keepalive,") + "timer:(keepalive,".length());
                double seconds = parseSsTime(timer.substring(0, timer.indexOf(',')));
                assertTrue(seconds > 0 && seconds <= 7.0, sub);
            }
        }
    }

    /**
     * Keepalive changed on a connection whose keepalive is on and that has been idle longer than the
     * new idle time: Linux re-arms the keepalive timer when {@code TCP_KEEPIDLE} changes
     * ({@code tcp_sock_set_keepidle_locked()}), so a probe goes out at once and the timer then waits
     * the interval in force at that moment; a new {@code TCP_KEEPINTVL} is read only at the next
     * probe. A caller that sets the idle time first and the interval a moment later leaves the next
     * probe 75 s away (the default interval): an unchanged server that set {@code SO_KEEPALIVE},
     * then idle 1 s, interval 1 s, count 2 a second after its connection's last packet learned of a
     * dead peer after about 77 s, not 3 s (seen under the kernel matrix's emulation, where that
     * moment passes between two calls). The first half shows the kernel's behaviour, with a pause
     * where a slow caller has one; the second that {@code setKeepalive} sets the interval first.
     */
    @ParameterizedTest
    @EnumSource(value = MptcpPolicy.class, names = {"REQUIRED", "DISABLED"})
    void anIdleTimeSetBeforeTheIntervalProbesOnTheOldInterval(MptcpPolicy policy) throws Exception {
        Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
        Duration second = Duration.ofSeconds(1);
        double oneByOne = nextProbeSeconds(policy, c -> {
            c.setOption(Options.TCP_KEEPIDLE, second);
            Thread.sleep(100); // the probe goes out, timed by the interval in force: 75 s
            c.setOption(Options.TCP_KEEPINTVL, second);
        });
        assertTrue(oneByOne > 30, "idle time, pause, interval: the next probe is " + oneByOne + " s away");
        double together = nextProbeSeconds(policy, c -> c.setKeepalive(Keepalive.of(second, second, 9)));
        assertTrue(together <= 1.0, "setKeepalive: the next probe is " + together + " s away, not within the new 1 s interval");
    }

    private interface KeepaliveChange {
        void apply(StreamSocket client) throws Exception;
    }

    /** {@return when the client's next keepalive probe is due (ss), after {@code change} on a connection idle for 1.5 s with keepalive on} */
    private static double nextProbeSeconds(MptcpPolicy policy, KeepaliveChange change) throws Exception {
        try (SocketPair p = SocketPair.open(policy, policy, StandardProtocolFamily.INET)) {
            StreamSocket c = p.client();
            c.setOption(Options.SO_KEEPALIVE, true); // the defaults: idle 2 h, interval 75 s
            Thread.sleep(1500); // idle for longer than the new idle time
            change.apply(c);
            // -t lists TCP sockets and MPTCP's TCP subflows; the timer is on the socket's first line.
            String sub = Commands.run("ss", "-tnoH", "src", hostPort(c.localAddress()), "dst", hostPort(c.remoteAddress()));
            String timer = sub.substring(sub.indexOf("timer:(keepalive,") + "timer:(keepalive,".length());
            return parseSsTime(timer.substring(0, timer.indexOf(',')));
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** ss prints timers as "6.9sec", "900ms" or "1min2sec". */
    private static double parseSsTime(String t) {
        double total = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+)(min|sec|ms)").matcher(t);
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "min" -> v * 60;
                case "sec" -> v;
                default -> v / 1000;
            };
        }
        return total;
    }

    /**
     * The dead-peer watchdog on the kernel's terms: cut the only path of an MPTCP connection with
     * keepalive 1 s / 1 s x 2, and both ends see ETIMEDOUT within idle + count x interval + 1 s, and
     * not before the last probe went unanswered. Kernels before 6.5 lack MPTCP_FULL_INFO; the watchdog
     * must still work there with what they offer (issue 10, item 5).
     */
    @Test
    void watchdogReportsTheCutWithinTextbookPlusOneSecond() throws Exception {
        Require.that(Require.isRoot(), "network namespaces need root");
        Keepalive k = Keepalive.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
        try (NamespaceLab lab = NamespaceLab.create("mptcpj-kc", 1, true)) {
            ServerStreamSocket l = NetworkNamespace.call(lab.server(), () -> {
                ServerStreamSocket s = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
                s.setKeepalive(k);
                return s.bind(new InetSocketAddress(lab.serverAddress(0), 0), 1);
            });
            StreamSocket c = NetworkNamespace.call(lab.client(),
                    () -> StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET));
            c.setKeepalive(k);
            c.connect(l.localAddress(), Duration.ofSeconds(5));
            try (SocketPair p = new SocketPair(l, c, l.accept())) {
                assertTrue(p.client().isMultipath() && p.accepted().isMultipath());
                KernelFacts.record("watchdog_on", p.client().isPeerDeadDetection());
                assertTrue(p.client().isPeerDeadDetection(), "the watchdog is on by default with keepalive");
                p.client().write(new byte[] {1}, 0, 1);
                assertEquals(1, p.accepted().read(new byte[1], 0, 1));
                p.accepted().write(new byte[] {2}, 0, 1);
                assertEquals(1, p.client().read(new byte[1], 0, 1));
                CompletableFuture<Void> client = blockedRead(p.client());
                CompletableFuture<Void> server = blockedRead(p.accepted());
                lab.lossOn(0);
                // The keepalive timer counts from the subflow's last received packet (data or ACK), as
                // the kernel saw it: on an emulated CPU that is not when the Java read returned.
                long[] last = {lastReceived(p.client()), lastReceived(p.accepted())};
                double expected = k.deadline().toMillis() / 1000.0;
                for (int i = 0; i < 2; i++) {
                    Throwable t = failure(i == 0 ? client : server, (long) expected + 15);
                    double detected = (System.nanoTime() - last[i]) / 1e9;
                    KernelFacts.record("watchdog_detected_after_textbook_s", String.format(java.util.Locale.ROOT, "%.2f", detected - expected));
                    ErrnoException e = assertInstanceOf(ErrnoException.class, t, String.valueOf(t));
                    assertEquals("ETIMEDOUT", e.errnoName(), e.getMessage());
                    assertTrue(detected >= expected - 0.5 && detected <= expected + 1.0,
                            String.format("detected after %.2f s, expected %.1f s (+1 s) on %s", detected, expected, KERNEL));
                }
            }
        }
    }

    /** {@return System.nanoTime() of the last packet the socket's (first) subflow received} */
    private static long lastReceived(StreamSocket s) throws IOException {
        long now = System.nanoTime();
        TcpInfo t = s.tcpInfo(new TcpInfo());
        return now - TimeUnit.MILLISECONDS.toNanos(Math.min(t.lastDataRecvMillis(), t.lastAckRecvMillis()));
    }

    private static CompletableFuture<Void> blockedRead(StreamSocket s) {
        return CompletableFuture.runAsync(() -> {
            try {
                s.read(new byte[16], 0, 16);
                throw new AssertionError("read returned instead of failing");
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private static Throwable failure(CompletableFuture<?> f, long seconds) throws Exception {
        try {
            f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("no failure");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("nothing reported within " + seconds + " s on " + KERNEL);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}

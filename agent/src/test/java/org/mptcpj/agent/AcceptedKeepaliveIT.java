package org.mptcpj.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testing.KernelFacts;
import org.mptcpj.testing.Require;
import org.mptcpj.testkit.NamespaceLab;

/**
 * An unchanged NIO server ({@link KeepaliveNioServer}) in a child JVM started with the agent and
 * nothing else: its listener is MPTCP, and keepalive it sets on accepted channels gets the dead-peer
 * watchdog. With the only path cut, the server's read ends within idle + count x interval + 1 s of
 * the cut (1 + 2 x 1 + 1 = 4 s), where kernel keepalive alone kills the subflow but leaves the MPTCP
 * connection, and the server, in the dark for net.mptcp.close_timeout (60 s): the control without the
 * agent shows that. The server's close releases the watchdog's descriptor first: FIN at once, no leak;
 * a TCP connection gets no descriptor of the watchdog.
 */
@Tag("kernel") // also run by kernels/conformance on each kernel of the matrix
class AcceptedKeepaliveIT {
    /**
     * idle + count x interval + 1 s; one second more in a kernel-matrix guest ({@code -Dmptcpj.kernel.vm},
     * kernels/conformance), where QEMU's emulation makes the guest's timers and both JVMs late: there
     * the server heard 2.7-4.1 s after the cut (two guests at once), on the host 2.8-3.5 s.
     */
    private static final long BOUND_MILLIS = 1000 + 2 * 1000 + 1000 + (Boolean.getBoolean("mptcpj.kernel.vm") ? 1000 : 0);

    @Test
    void keepaliveSetWithSetOptionGetsTheWatchdog() throws Exception {
        assertHeardInTime("agent, setOption", "option", ServerJvm.agent(), "option");
    }

    @Test
    void keepaliveSetOnTheAdaptorSocketGetsTheWatchdog() throws Exception {
        assertHeardInTime("agent, socket().setKeepAlive", "adaptor", ServerJvm.agent(), "adaptor");
    }

    @Test
    void withTheLibraryOnTheModulePathToo() throws Exception { // the agent exports sun.nio.ch to org.mptcpj
        assertHeardInTime("agent, org.mptcpj on the module path", "modules", ServerJvm.agentWithLibraryModules(), "option");
    }

    private static void assertHeardInTime(String label, String fact, List<String> jvmOptions, String mode) throws Exception {
        long millis = cutAndWait(jvmOptions, mode, BOUND_MILLIS + 5000);
        System.out.println("[" + label + "] the server heard of the dead peer " + millis + " ms after the cut");
        KernelFacts.record("agent_heard_ms." + fact, millis); // for the README's table (kernels/feature-table.py)
        assertTrue(millis >= 1000 && millis <= BOUND_MILLIS, millis + " ms after the cut, bound " + BOUND_MILLIS);
    }

    @Test
    void withoutTheAgentTheServerDoesNotHearInTime() throws Exception {
        long millis = cutAndWait(ServerJvm.providerOnly(), "option", BOUND_MILLIS + 2000);
        System.out.println("[provider only] the server heard of the dead peer " + (millis < 0 ? "not at all" : millis + " ms")
                + " within " + (BOUND_MILLIS + 2000) + " ms of the cut");
        assertEquals(-1, millis, "without the agent, nothing reports the dead MPTCP peer before net.mptcp.close_timeout");
    }

    /**
     * Cuts the only path of an MPTCP connection to the server (keepalive 1 s, 1 s, 2 probes, set as
     * {@code mode} says); {@return ms from the cut until the server heard the peer was gone, -1 if not within {@code waitMillis}}
     */
    private static long cutAndWait(List<String> jvmOptions, String mode, long waitMillis) throws Exception {
        Require.that(Require.isRoot(), "network namespaces need root");
        try (NamespaceLab lab = NamespaceLab.create("mptcpj-ag", 1, true)) {
            if (mode.equals("adaptor")) { // socket().setKeepAlive(true) gets the namespace's defaults
                lab.sysctl(lab.server(), "net.ipv4.tcp_keepalive_time", "1");
                lab.sysctl(lab.server(), "net.ipv4.tcp_keepalive_intvl", "1");
                lab.sysctl(lab.server(), "net.ipv4.tcp_keepalive_probes", "2");
            } // else SO_KEEPALIVE comes first, with the defaults' 7200 s idle: the watchdog must follow TCP_KEEPIDLE
            try (ServerJvm server = ServerJvm.start(lab.server(), jvmOptions, mode);
                 StreamSocket client = connect(lab, server, MptcpPolicy.REQUIRED)) {
                assertTrue(client.isMultipath(), "the server's listener is MPTCP");
                assertNotNull(server.await("accepted", 10_000), "the server accepted:\n" + server.output());
                lab.lossOn(0);
                // The path is cut for sure once the blackhole routes are in: two `ip` processes,
                // 0.1-0.3 s each under the kernel matrix's emulation, during which probes still pass.
                long cut = System.nanoTime();
                ServerJvm.Line gone = server.await("peer gone", waitMillis);
                if (gone == null) { // what the kernel says of the server's subflows, for whoever reads a failure
                    System.out.println("[server's namespace, " + waitMillis + " ms after the cut]\n"
                            + NamespaceLab.run("ip", "netns", "exec", lab.server(), "ss", "-tinoM"));
                    return -1;
                }
                // When the server's read returned, by its clock: both JVMs read CLOCK_MONOTONIC, and
                // the time the line takes through the pipe to this JVM is not the server's.
                long heard = Long.parseLong(gone.text().substring(gone.text().lastIndexOf(" at ") + 4).trim());
                return TimeUnit.NANOSECONDS.toMillis(heard - cut);
            }
        }
    }

    @Test
    void closeSendsTheFinAtOnceAndLeaksNoDescriptor() throws Exception {
        assertFinAtOnceAndNoLeak(ServerJvm.agent(), "hooked as it loaded");
    }

    @Test
    void aChannelClassLoadedBeforeTheAgentIsRetransformed() throws Exception {
        assertFinAtOnceAndNoLeak(ServerJvm.agentAfterTheChannelClassLoaded(), "retransformed");
    }

    /** 35 connections to the blocking server: each is accepted with keepalive and closed by the server. */
    private static void assertFinAtOnceAndNoLeak(List<String> jvmOptions, String hooked) throws Exception {
        Require.that(Require.isRoot(), "network namespaces need root");
        try (NamespaceLab lab = NamespaceLab.create("mptcpj-ag", 1, false);
             ServerJvm server = ServerJvm.start(lab.server(), jvmOptions, "option", "blocking")) {
            assertTrue(server.output().contains("SocketChannelImpl " + hooked), server.output());
            for (int i = 0; i < 3; i++) { // warm-up: the watchdog's thread, classes, the poller
                byeCycle(lab, server, -1);
            }
            long before = server.openSockets();
            byeCycle(lab, server, before + 2); // the accepted channel and the watchdog's duplicate
            byeCycle(lab, server, MptcpPolicy.DISABLED, before + 1); // TCP: kernel keepalive suffices, no duplicate
            for (int i = 0; i < 30; i++) {
                byeCycle(lab, server, -1);
            }
            long after = server.openSockets();
            System.out.println("[agent, " + hooked + "] server sockets: " + before + " before, " + after + " after 32 connections");
            assertEquals(before, after, "socket descriptors leaked by 32 accept + keepalive + close cycles");
        }
    }

    /**
     * One connection: the server accepts it (keepalive on), the client says bye, the server closes
     * and the client ({@code REQUIRED}: MPTCP, {@code DISABLED}: TCP) must read end of stream (the
     * FIN) within 2 s. {@code expectedOpen} >= 0: the server's socket descriptor count while the connection is open.
     */
    private static void byeCycle(NamespaceLab lab, ServerJvm server, long expectedOpen) throws Exception {
        byeCycle(lab, server, MptcpPolicy.REQUIRED, expectedOpen);
    }

    private static void byeCycle(NamespaceLab lab, ServerJvm server, MptcpPolicy policy, long expectedOpen) throws Exception {
        try (StreamSocket client = connect(lab, server, policy)) {
            assertNotNull(server.await("accepted", 10_000), "the server accepted:\n" + server.output());
            if (expectedOpen >= 0) {
                assertEquals(expectedOpen, server.openSockets(), "the server's socket descriptors with one connection open");
            }
            client.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
            client.setReadTimeout(Duration.ofSeconds(2));
            long start = System.nanoTime();
            int r = client.read(ByteBuffer.allocate(16));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(-1, r, "end of stream after the server's close");
            assertTrue(millis < 1000, "the FIN came " + millis + " ms after bye");
            assertNotNull(server.await("closed", 5000), "the server closed:\n" + server.output());
        }
    }

    private static StreamSocket connect(NamespaceLab lab, ServerJvm server, MptcpPolicy policy) throws Exception {
        StreamSocket s = NetworkNamespace.call(lab.client(), () -> StreamSocket.open(policy, StandardProtocolFamily.INET));
        try {
            return s.connect(new InetSocketAddress(lab.serverAddress(0), server.port()), Duration.ofSeconds(5));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}

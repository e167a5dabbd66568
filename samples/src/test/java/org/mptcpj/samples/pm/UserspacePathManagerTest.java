package org.mptcpj.samples.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.pm.Endpoint;
import org.mptcpj.pm.EndpointFlag;
import org.mptcpj.pm.Limits;
import org.mptcpj.pm.MptcpPathManager;
import org.mptcpj.samples.pm.UserspacePathManager.Decision;
import org.mptcpj.samples.pm.UserspacePathManager.Kind;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testkit.NamespaceLab;

/**
 * The sample userspace path manager in a two-path lab (client {@code net.mptcp.pm_type=1}, server
 * with the in-kernel PM): the subflows it opens are read back from the client connection with
 * {@code MPTCP_SUBFLOW_ADDRS}. A: the server accepts joins to its initial address and port, so one
 * subflow goes from the client's second address to it. B: the server sets the 'C' flag
 * ({@code allow_join_initial_addr_port=0}) and announces its second address: nothing is opened to the
 * initial address and port, one subflow goes to the announced address.
 */
class UserspacePathManagerTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    @BeforeEach
    void needRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, so this cannot be skipped: the userspace path manager test needs root");
            }
            assumeTrue(false, "the userspace path manager test needs root (network namespaces)");
        }
    }

    /** The subflows of {@code client} as (local, remote) pairs. */
    private static List<List<InetSocketAddress>> subflows(StreamSocket client, SubflowAddresses view) throws Exception {
        client.subflowAddresses(view);
        List<List<InetSocketAddress>> l = new ArrayList<>();
        for (int i = 0; i < view.count(); i++) {
            l.add(List.of(view.local(i), view.remote(i)));
        }
        return l;
    }

    private static List<List<InetSocketAddress>> awaitSubflows(StreamSocket client, String what,
            Predicate<List<List<InetSocketAddress>>> p, Object context) throws Exception {
        SubflowAddresses view = new SubflowAddresses();
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (true) {
            List<List<InetSocketAddress>> s = subflows(client, view);
            if (p.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 10 s; subflows " + s + "\n" + context);
            }
            Thread.sleep(50);
        }
    }

    /**
     * @param initialLocal the client's path-0 address, the connection's initial local address
     * @param extraLocal   the client's path-1 address, the one the sample is given
     * @param secondRemote the server's path-1 address, announced in case B
     */
    private record Run(List<List<InetSocketAddress>> subflows, List<Decision> decisions, InetSocketAddress initialRemote,
                       InetAddress initialLocal, InetAddress extraLocal, InetAddress secondRemote, String log) {
    }

    /**
     * Builds the lab, starts the sample on the client with the client's path-1 address, connects
     * to the server's path-0 address and waits until {@code done} holds for the client's subflows.
     */
    private static Run run(boolean denyJoinInitial, Predicate<List<List<InetSocketAddress>>> done, String what)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (NamespaceLab lab = NamespaceLab.create("upm", 2, false);
             MptcpPathManager clientPm = MptcpPathManager.open(lab.client());
             MptcpPathManager serverPm = MptcpPathManager.open(lab.server())) {
            // the sample's cross-path subflow (client path 1 -> server path 0) comes back asymmetrically
            for (String ns : List.of(lab.client(), lab.server())) {
                lab.sysctl(ns, "net.ipv4.conf.all.rp_filter", "0");
                lab.sysctl(ns, "net.ipv4.conf.default.rp_filter", "0");
            }
            for (int i = 0; i < 2; i++) {
                lab.sysctl(lab.client(), "net.ipv4.conf." + lab.clientInterface(i) + ".rp_filter", "0");
                lab.sysctl(lab.server(), "net.ipv4.conf." + lab.serverInterface(i) + ".rp_filter", "0");
            }
            lab.sysctl(lab.client(), "net.mptcp.pm_type", "1");
            lab.sysctl(lab.server(), "net.mptcp.pm_type", "0");
            clientPm.setLimits(new Limits(4, 4));
            serverPm.setLimits(new Limits(4, 4));
            if (denyJoinInitial) {
                lab.sysctl(lab.server(), "net.mptcp.allow_join_initial_addr_port", "0");
                serverPm.addEndpoint(Endpoint.of(lab.serverAddress(1), EndpointFlag.SIGNAL));
            }
            try (UserspacePathManager upm = UserspacePathManager.start(lab.client(), List.of(lab.clientAddress(1)), log);
                 ServerStreamSocket listener = NetworkNamespace.call(lab.server(), () ->
                         ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                                 .bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), 8));
                 StreamSocket client = NetworkNamespace.call(lab.client(),
                         () -> StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET))) {
                listener.setAcceptTimeout(Duration.ofSeconds(5));
                InetSocketAddress initial = new InetSocketAddress(lab.serverAddress(0), listener.localAddress().getPort());
                client.connect(initial, Duration.ofSeconds(5));
                try (StreamSocket server = listener.accept()) {
                    // data both ways: both ends fully established, the client's ESTABLISHED event sent
                    byte[] b = new byte[1];
                    client.write(new byte[] {1}, 0, 1);
                    assertEquals(1, server.read(b, 0, 1));
                    server.write(new byte[] {2}, 0, 1);
                    assertEquals(1, client.read(b, 0, 1));
                    assertTrue(client.isMultipath(), "the connection fell back to TCP");
                    List<List<InetSocketAddress>> s = awaitSubflows(client, what, done, bytes);
                    // give a wrong extra subflow (to the initial address) the time to show up too
                    Thread.sleep(300);
                    s = subflows(client, new SubflowAddresses());
                    assertEquals(0, upm.subscription().droppedEvents());
                    String text = bytes.toString(StandardCharsets.UTF_8);
                    System.out.print(text);
                    return new Run(s, upm.decisions(), initial, lab.clientAddress(0), lab.clientAddress(1),
                            lab.serverAddress(1), text);
                }
            }
        }
    }

    @Test
    void extraSubflowToTheInitialAddress() throws Exception {
        Run r = run(false, s -> s.size() >= 2, "second subflow");
        String context = r.subflows() + "\n" + r.log();
        assertEquals(2, r.subflows().size(), context);
        // the initial subflow, and the sample's one from the client's path-1 address to the server's initial address and port
        assertEquals(r.initialLocal(), r.subflows().get(0).get(0).getAddress(), context);
        assertEquals(r.initialRemote(), r.subflows().get(0).get(1), context);
        List<InetSocketAddress> extra = r.subflows().get(1);
        assertEquals(r.extraLocal(), extra.get(0).getAddress(), context);
        assertEquals(r.initialRemote(), extra.get(1), context);
        assertEquals(List.of(Kind.SUBFLOW_REQUESTED), r.decisions().stream().map(Decision::kind).toList(), context);
        assertEquals(r.initialRemote(), r.decisions().get(0).remote(), context);
    }

    @Test
    void denyJoinId0SendsTheSubflowToTheAnnouncedAddress() throws Exception {
        Run r = run(true, s -> s.stream().anyMatch(f -> !f.get(1).getAddress().equals(s.get(0).get(1).getAddress())),
                "subflow to the announced address");
        String context = r.subflows() + "\n" + r.log();
        InetSocketAddress announced = new InetSocketAddress(r.secondRemote(), r.initialRemote().getPort());
        // exactly one subflow to the initial address and port: the initial subflow itself
        List<List<InetSocketAddress>> toInitial = r.subflows().stream().filter(f -> f.get(1).equals(r.initialRemote())).toList();
        assertEquals(1, toInitial.size(), context);
        assertEquals(r.initialLocal(), toInitial.get(0).get(0).getAddress(), context);
        // and one to the announced address, from the configured local address
        List<List<InetSocketAddress>> toAnnounced = r.subflows().stream().filter(f -> f.get(1).equals(announced)).toList();
        assertEquals(1, toAnnounced.size(), context);
        assertEquals(r.extraLocal(), toAnnounced.get(0).get(0).getAddress(), context);
        assertEquals(2, r.subflows().size(), context);
        // the sample saw the 'C' flag and never asked for the initial address and port
        assertEquals(List.of(Kind.SKIPPED_DENY_JOIN_ID0, Kind.SUBFLOW_REQUESTED),
                r.decisions().stream().map(Decision::kind).toList(), context);
        assertEquals(r.initialRemote(), r.decisions().get(0).remote(), context);
        assertEquals(announced, r.decisions().get(1).remote(), context);
        assertTrue(r.log().contains("the peer set the 'C' flag"), context);
    }
}

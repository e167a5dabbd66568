package org.mptcpj.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mptcpj.multipath.MultipathLab.awaitCount;
import static org.mptcpj.multipath.MultipathLab.pair;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.multipath.MultipathLab.Conn;
import org.mptcpj.multipath.MultipathLab.Subflow;
import org.mptcpj.pm.Endpoint;
import org.mptcpj.pm.EndpointFlag;
import org.mptcpj.pm.Limits;
import org.mptcpj.pm.MptcpEvent;
import org.mptcpj.pm.MptcpEventSubscription;
import org.mptcpj.pm.MptcpEventType;
import org.mptcpj.testing.Require;

/**
 * Which address pairs the in-kernel path manager of Linux 6.18 picks, read back from the kernel
 * with {@code MPTCP_FULL_INFO}: 'laminar' endpoints (seed 002) and the peer's 'C' flag,
 * deny-join-id0 (seed 003). Endpoints and limits are set through {@code MptcpPathManager}.
 */
class PathSelectionTest {
    private static final Duration SETTLE = Duration.ofSeconds(5);

    @BeforeEach
    void root() {
        Require.that(Require.isRoot(), "network namespaces need root");
    }

    /**
     * Makes the client's routing table pick its first address as the source towards every other
     * path's subnet (the packets still leave through that path's link): without an endpoint saying
     * otherwise, a subflow to an announced address S(x) then starts from C(a), which makes the
     * laminar endpoints' choice of C(x) visible.
     */
    private static void routeFromFirstAddress(MultipathLab m) throws Exception {
        for (int i = 1; i < m.lab.paths(); i++) {
            m.lab.exec(m.lab.client(), "ip", "route", "replace", "10.20" + i + ".1.0/24", "dev",
                    m.lab.clientInterface(i), "src", m.c(0).getHostAddress());
        }
    }

    /** Adds a laminar endpoint, or says why not and returns null. */
    private static Endpoint laminar(MultipathLab m, int path) throws Exception {
        try {
            return m.clientPm.addEndpoint(Endpoint.of(m.c(path), EndpointFlag.LAMINAR));
        } catch (ErrnoException e) {
            System.out.println("[laminar] the kernel rejects the LAMINAR endpoint flag: " + e.getMessage());
            return null;
        }
    }

    @Test
    void laminarEndpointPairsTheSecondAddresses() throws Exception {
        try (MultipathLab m = MultipathLab.create("mptcpj-lam2", 2)) {
            // Both ends accept and create one extra subflow per extra path.
            assertEquals(new Limits(2, 2), m.clientPm.limits());
            assertEquals(new Limits(2, 2), m.serverPm.limits());
            routeFromFirstAddress(m);
            m.serverPm.addEndpoint(Endpoint.of(m.s(1), EndpointFlag.SIGNAL));

            // Without a client endpoint the routing's choice, C(a), is used towards S(b).
            try (Conn conn = m.connect()) {
                List<String> pairs = awaitCount(conn.client(), 2, SETTLE);
                System.out.println("[laminar] no client endpoint: " + pairs);
                assertEquals(List.of(pair(m.c(0), m.s(0)), pair(m.c(0), m.s(1))), pairs);
            }

            if (laminar(m, 1) == null) {
                subflowEndpointInstead(m);
                return;
            }
            try (Conn conn = m.connect()) {
                List<String> pairs = awaitCount(conn.client(), 2, SETTLE);
                System.out.println("[laminar] laminar C(b): " + pairs);
                assertEquals(List.of(pair(m.c(0), m.s(0)), pair(m.c(1), m.s(1))), pairs);
                MptcpInfo info = conn.client().mptcpInfo(new MptcpInfo());
                assertEquals(1, info.endpLaminarMax().orElseThrow(), info.toString());
                // No third subflow shows up later: C(b) was not used towards S(a).
                Thread.sleep(200);
                assertEquals(pairs, MultipathLab.establishedPairs(conn.client()));
            }
        }
    }

    /** Without LAMINAR: a 'subflow' endpoint for C(b) joins S(a) from C(b) at once. */
    private static void subflowEndpointInstead(MultipathLab m) throws Exception {
        m.clientPm.addEndpoint(Endpoint.of(m.c(1), EndpointFlag.SUBFLOW));
        try (Conn conn = m.connect()) {
            List<String> pairs = MultipathLab.awaitPairs(conn.client(),
                    p -> p.contains(pair(m.c(1), m.s(0))) && p.size() == 3, SETTLE);
            System.out.println("[laminar] fallback, subflow endpoint C(b): " + pairs);
            assertTrue(pairs.contains(pair(m.c(1), m.s(0))), pairs.toString());
        }
    }

    @Test
    void laminarEndpointsAreUsedOnceEach() throws Exception {
        try (MultipathLab m = MultipathLab.create("mptcpj-lam3", 3)) {
            routeFromFirstAddress(m);
            m.serverPm.addEndpoint(Endpoint.of(m.s(1), EndpointFlag.SIGNAL));
            m.serverPm.addEndpoint(Endpoint.of(m.s(2), EndpointFlag.SIGNAL));
            if (laminar(m, 1) == null) {
                subflowEndpointInstead(m);
                return;
            }
            laminar(m, 2);
            try (Conn conn = m.connect()) {
                List<String> pairs = awaitCount(conn.client(), 3, SETTLE);
                System.out.println("[laminar] laminar C(b), C(c): " + pairs);
                assertEquals(List.of(pair(m.c(0), m.s(0)), pair(m.c(1), m.s(1)), pair(m.c(2), m.s(2))), pairs);
                Thread.sleep(200);
                assertEquals(pairs, MultipathLab.establishedPairs(conn.client()));
            }
        }
    }

    @Test
    void cFlagKeepsSubflowsAwayFromTheInitialAddressAndPort() throws Exception {
        try (MultipathLab m = MultipathLab.create("mptcpj-cflag", 2)) {
            m.serverPm.addEndpoint(Endpoint.of(m.s(1), EndpointFlag.SIGNAL));
            m.clientPm.addEndpoint(Endpoint.of(m.c(1), EndpointFlag.SUBFLOW));
            BlockingQueue<MptcpEvent> events = new LinkedBlockingQueue<>();
            try (MptcpEventSubscription sub = m.clientPm.subscribe(events::add)) {
                // Control: the server allows joins to its initial address, and C(b) joins S(a).
                try (Conn conn = m.connect()) {
                    long token = conn.client().mptcpInfo(new MptcpInfo()).token();
                    List<String> pairs = MultipathLab.awaitPairs(conn.client(),
                            p -> p.contains(pair(m.c(1), m.s(0))) && p.contains(pair(m.c(1), m.s(1))), SETTLE);
                    System.out.println("[C flag] allow_join_initial_addr_port=1: " + pairs);
                    assertTrue(pairs.contains(pair(m.c(1), m.s(0))), pairs.toString());
                    MptcpEvent est = awaitEvent(events, MptcpEventType.ESTABLISHED, token);
                    System.out.println("[C flag]   " + est);
                    assertFalse(est.denyJoinId0(), est.toString());
                }
                events.clear();

                m.lab.sysctl(m.lab.server(), "net.mptcp.allow_join_initial_addr_port", "0");
                try (Conn conn = m.connect()) {
                    long token = conn.client().mptcpInfo(new MptcpInfo()).token();
                    InetSocketAddress initial = conn.serverAddress();
                    InetSocketAddress clientInitial = conn.client().localAddress();
                    // The announced S(b) is still joined (from C(b), the routing's choice).
                    List<String> pairs = awaitCount(conn.client(), 2, SETTLE);
                    Thread.sleep(300); // a join to S(a), if the kernel made one, would show by now
                    List<Subflow> subflows = MultipathLab.subflows(conn.client());
                    System.out.println("[C flag] allow_join_initial_addr_port=0: " + subflows);
                    assertEquals(List.of(pair(m.c(0), m.s(0)), pair(m.c(1), m.s(1))), pairs);
                    for (Subflow s : subflows) {
                        if (s.remote().equals(initial)) {
                            assertEquals(clientInitial, s.local(), "only the initial subflow may use "
                                    + initial + ": " + subflows);
                        }
                    }
                    MptcpEvent created = awaitEvent(events, MptcpEventType.CREATED, token);
                    MptcpEvent est = awaitEvent(events, MptcpEventType.ESTABLISHED, token);
                    System.out.println("[C flag]   " + created);
                    System.out.println("[C flag]   " + est);
                    assertTrue(created.denyJoinId0(), created.toString());
                    assertTrue(est.denyJoinId0(), est.toString());
                    assertFalse(est.serverSide(), est.toString());
                }
                assertEquals(0, sub.droppedEvents());
            }
        }
    }

    private static MptcpEvent awaitEvent(BlockingQueue<MptcpEvent> events, MptcpEventType type, long token)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<MptcpEvent> seen = new java.util.ArrayList<>();
        for (;;) {
            for (MptcpEvent e : events) {
                if (e.type() == type && e.token() == token) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                seen.addAll(events);
                assertNotNull(null, "no " + type + " event for token " + Long.toHexString(token) + "; saw " + seen);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}

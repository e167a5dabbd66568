package org.mptcpj.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.internal.access.SharedSecrets;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.testing.Loopback;
import org.mptcpj.testing.NetNs;

/**
 * Events of a real MPTCP loopback connection made inside the test's own namespace, with sockets
 * created there by the same setns-thread mechanism the path manager uses ({@code NetworkNamespace}).
 */
class MptcpEventsTest {
    @RegisterExtension
    static final PathManagerFixture NS = new PathManagerFixture();

    /** The MPTCP connection token of {@code fd}, as events carry it. */
    static long token(GuardedFd fd) throws IOException {
        return SharedSecrets.infoViews().read(new MptcpInfo(), fd).token();
    }

    static MptcpEvent await(List<MptcpEvent> events, String what, Predicate<MptcpEvent> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (MptcpEvent e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + what + " event within 5 s; got " + events);
    }

    @Test
    void connectionLifecycleEvents() throws Exception {
        List<MptcpEvent> events = new CopyOnWriteArrayList<>();
        try (MptcpEventSubscription sub = NS.pm.subscribe(events::add)) {
            long clientToken;
            long serverToken;
            int clientPort;
            int serverPort;
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            try (Loopback c = Loopback.open(NS.ns, true)) {
                c.pingPong();
                clientToken = token(c.client);
                serverToken = token(c.server);
                clientPort = Loopback.localAddress(c.client).getPort();
                serverPort = Loopback.localAddress(c.listener).getPort();

                MptcpEvent listener = await(events, "LISTENER_CREATED",
                        e -> e.type() == MptcpEventType.LISTENER_CREATED && e.localPort() == serverPort);
                assertEquals(loopback, listener.localAddress());
                assertEquals(Linux.AF_INET(), listener.family());

                MptcpEvent created = await(events, "client CREATED",
                        e -> e.type() == MptcpEventType.CREATED && e.token() == clientToken);
                assertEquals(Linux.AF_INET(), created.family());
                assertEquals(loopback, created.localAddress());
                assertEquals(loopback, created.remoteAddress());
                assertEquals(clientPort, created.localPort());
                assertEquals(serverPort, created.remotePort());
                assertFalse(created.serverSide());
                assertFalse(created.denyJoinId0());

                MptcpEvent established = await(events, "client ESTABLISHED",
                        e -> e.type() == MptcpEventType.ESTABLISHED && e.token() == clientToken);
                assertEquals(clientPort, established.localPort());
                assertEquals(serverPort, established.remotePort());

                MptcpEvent serverEst = await(events, "server ESTABLISHED",
                        e -> e.type() == MptcpEventType.ESTABLISHED && e.token() == serverToken);
                assertTrue(serverEst.serverSide(), serverEst.toString());
                assertEquals(serverPort, serverEst.localPort());
                assertEquals(clientPort, serverEst.remotePort());
                assertEquals(loopback, serverEst.remoteAddress());
            }
            await(events, "client CLOSED", e -> e.type() == MptcpEventType.CLOSED && e.token() == clientToken);
            await(events, "server CLOSED", e -> e.type() == MptcpEventType.CLOSED && e.token() == serverToken);
            await(events, "LISTENER_CLOSED",
                    e -> e.type() == MptcpEventType.LISTENER_CLOSED && e.localPort() == serverPort);
            assertEquals(0, sub.droppedEvents());
            assertEquals(0, sub.overruns());
            assertEquals(0, sub.malformedEvents());
        }
    }

    @Test
    void slowListenerDropsAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        List<MptcpEvent> delivered = new CopyOnWriteArrayList<>();
        try (MptcpEventSubscription sub = NS.pm.subscribe(e -> {
            delivered.add(e);
            first.countDown();
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }, 1)) {
            try (Loopback c = Loopback.open(NS.ns, true)) {
                c.pingPong();
            }
            assertTrue(first.await(5, TimeUnit.SECONDS));
            // listener blocked on the first event, queue of 1 full: the rest (>= 5 events) must be counted
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sub.droppedEvents() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(sub.droppedEvents() > 0, "drops: " + sub.droppedEvents());
            release.countDown();
            // every decoded event is either delivered or counted as dropped, none vanishes
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sub.receivedEvents() != delivered.size() + sub.droppedEvents() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(sub.receivedEvents(), delivered.size() + sub.droppedEvents(), "each event delivered or counted");
        }
    }

    @Test
    void receiveBufferOverrunIsReportedAsEnobufs() throws Exception {
        try (GenlSocket s = GenlSocket.open(NS.ns.name()); Arena arena = Arena.ofConfined()) {
            GenlSocket.Family f = s.resolve("mptcp_pm");
            s.setInt(Linux.SOL_SOCKET(), Linux.SO_RCVBUF(), 0, "SO_RCVBUF", false); // the kernel's minimum
            s.joinGroup(f.groups().get("mptcp_pm_events"), "mptcp_pm_events");
            for (int i = 0; i < 10; i++) { // ~8 events each, nobody reading
                try (Loopback c = Loopback.open(NS.ns, true)) {
                    c.pingPong();
                }
            }
            MemorySegment pfd = arena.allocate(org.mptcpj.bindings.linux.pollfd.layout());
            List<MptcpEvent> events = new java.util.ArrayList<>();
            boolean overrun = false;
            for (int i = 0; i < 1000; i++) {
                long n = s.pollMulticast(pfd, 100, (type, cmd, msg, from, to) -> events.add(MptcpEvent.parse(cmd, msg, from, to)));
                if (n == -Linux.ENOBUFS()) {
                    overrun = true;
                } else if (n == 0) {
                    break;
                }
            }
            assertTrue(overrun, "ENOBUFS expected after 10 unread connections; read " + events.size() + " events");
            assertTrue(events.size() < 80, "some events were lost: " + events.size());
        }
    }

    @Test
    void subscriptionInOtherNamespaceSeesNothing() throws Exception {
        List<MptcpEvent> events = new CopyOnWriteArrayList<>();
        List<MptcpEvent> own = new CopyOnWriteArrayList<>();
        try (NetNs other = NetNs.create("pm"); MptcpPathManager pm2 = MptcpPathManager.open(other.name());
             MptcpEventSubscription sub = pm2.subscribe(events::add);
             MptcpEventSubscription control = NS.pm.subscribe(own::add)) {
            long token;
            try (Loopback c = Loopback.open(NS.ns, true)) {
                c.pingPong();
                token = token(c.client);
            }
            // The connection did make events, in its own namespace ...
            await(own, "CLOSED", e -> e.type() == MptcpEventType.CLOSED && e.token() == token);
            Thread.sleep(200);
            // ... and none of them reached the other namespace's subscription.
            assertEquals(List.of(), events);
            assertEquals(0, sub.receivedEvents(), sub.toString());
            assertTrue(control.receivedEvents() >= own.size() && own.size() >= 2, control.toString());
            assertTrue(sub.toString().contains(other.name()), sub.toString());
        }
    }
}

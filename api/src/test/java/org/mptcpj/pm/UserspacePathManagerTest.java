package org.mptcpj.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mptcpj.error.Errno;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.testing.Loopback;

/**
 * The userspace path manager ({@code net.mptcp.pm_type=1} in the test's namespace): announce,
 * remove, subflow create / priority / destroy on a real loopback connection, each checked through
 * the event the kernel sends for it.
 */
class UserspacePathManagerTest {
    @RegisterExtension
    static final PathManagerFixture NS = new PathManagerFixture("net.mptcp.pm_type=1");

    @Test
    void announceSubflowPriorityDestroyRemove() throws Exception {
        List<MptcpEvent> events = new CopyOnWriteArrayList<>();
        InetAddress extra = InetAddress.getByName("127.0.0.3");
        try (MptcpEventSubscription sub = NS.pm.subscribe(events::add);
             Loopback c = Loopback.open(NS.ns, true)) {
            c.pingPong();
            long client = MptcpEventsTest.token(c.client);
            long server = MptcpEventsTest.token(c.server);
            InetSocketAddress listen = Loopback.localAddress(c.listener);
            MptcpEventsTest.await(events, "client ESTABLISHED",
                    e -> e.type() == MptcpEventType.ESTABLISHED && e.token() == client);

            // ADD_ADDR from the client: the server side sees ANNOUNCED
            NS.pm.announce(client, new Endpoint(5, InetAddress.getByName("127.0.0.2"), 0, 0, EnumSet.noneOf(EndpointFlag.class)));
            MptcpEvent announced = MptcpEventsTest.await(events, "ANNOUNCED",
                    e -> e.type() == MptcpEventType.ANNOUNCED && e.token() == server);
            assertEquals(5, announced.remoteId());
            assertEquals(InetAddress.getByName("127.0.0.2"), announced.remoteAddress());

            // MP_JOIN from another local address
            NS.pm.createSubflow(client, new Endpoint(0, extra, 0, 0, EnumSet.noneOf(EndpointFlag.class)), listen);
            MptcpEvent sub1 = MptcpEventsTest.await(events, "SUB_ESTABLISHED",
                    e -> e.type() == MptcpEventType.SUB_ESTABLISHED && e.token() == client);
            assertEquals(extra, sub1.localAddress());
            assertEquals(listen.getPort(), sub1.remotePort());
            InetSocketAddress local = new InetSocketAddress(extra, sub1.localPort());

            // MP_PRIO: the peer reports the new priority
            NS.pm.setSubflowBackup(client, local, listen, true);
            MptcpEvent prio = MptcpEventsTest.await(events, "SUB_PRIORITY",
                    e -> e.type() == MptcpEventType.SUB_PRIORITY && e.backup() == 1);
            assertTrue(prio.token() == server || prio.token() == client, prio.toString());

            NS.pm.destroySubflow(client, local, listen);
            MptcpEventsTest.await(events, "SUB_CLOSED",
                    e -> e.type() == MptcpEventType.SUB_CLOSED && e.token() == client && e.localPort() == local.getPort());

            // RM_ADDR: the server side sees REMOVED
            NS.pm.remove(client, 5);
            MptcpEvent removed = MptcpEventsTest.await(events, "REMOVED",
                    e -> e.type() == MptcpEventType.REMOVED && e.token() == server);
            assertEquals(5, removed.remoteId());
            assertEquals(0, sub.droppedEvents());
        }
    }

    @Test
    void unknownTokenIsRefusedWithTheKernelsReason() throws Exception {
        NetlinkErrorException e = assertThrows(NetlinkErrorException.class, () -> NS.pm.announce(0x12345678L,
                new Endpoint(1, InetAddress.getByName("127.0.0.2"), 0, 0, EnumSet.noneOf(EndpointFlag.class))));
        assertTrue(e.is(Errno.EINVAL) || e.is(Errno.ENOENT), e.getMessage());
        assertTrue(e.kernelMessage() != null && !e.kernelMessage().isEmpty(), e.getMessage());
        assertThrows(ErrnoException.class, () -> NS.pm.remove(0x12345678L, 1));
        assertThrows(IllegalArgumentException.class, () -> NS.pm.createSubflow(1,
                Endpoint.of(InetAddress.getByName("127.0.0.2")), new InetSocketAddress("::1", 80)));
        assertThrows(IllegalArgumentException.class, () -> NS.pm.createSubflow(1,
                Endpoint.of(InetAddress.getByName("127.0.0.2")), new InetSocketAddress("127.0.0.1", 0)));
    }
}

package org.mptcpj.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.testing.KernelFeatures;
import org.mptcpj.testing.Loopback;

/** MPTCP_TCPINFO, MPTCP_SUBFLOW_ADDRS and MPTCP_FULL_INFO on a one-subflow loopback connection. */
@Tag("kernel")
class SubflowsTest {
    private static final KernelFeatures KERNEL = KernelFeatures.current();
    private static final int N = 50_000;
    private static final int TCP_ESTABLISHED = 1;

    @Test
    void subflowTcpInfos() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            Loopback.transfer(lo.client, lo.server, N);
            SubflowTcpInfos infos = new SubflowTcpInfos().read(lo.client);
            assertEquals(1, infos.count());
            assertEquals(1, infos.numSubflows());
            assertEquals(2, infos.capacity());
            // The kernel clamps the element size to its own struct and says how large that is.
            assertEquals(KERNEL.tcpInfoSize(), infos.elementLength());
            assertEquals(KERNEL.tcpInfoSize(), infos.kernelElementSize());
            TcpInfo t = infos.get(0);
            assertEquals(TCP_ESTABLISHED, t.state());
            assertEquals(KERNEL.tcpInfoSize(), t.returnedLength());
            assertTrue(t.bytesSent() >= N, t.toString());
            assertThrows(IndexOutOfBoundsException.class, () -> infos.get(1));
            int n = 0;
            for (TcpInfo each : infos) {
                assertSame(t, each, "one flyweight");
                n++;
            }
            assertEquals(1, n);
            assertThrows(IllegalStateException.class, () -> t.read(lo.client));

            SubflowTcpInfos server = new SubflowTcpInfos().read(lo.server);
            assertEquals(1, server.count());
            assertTrue(server.get(0).bytesReceived() >= N);
        }
    }

    @Test
    void subflowTcpInfosGrowFromZero() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            SubflowTcpInfos infos = new SubflowTcpInfos(0);
            assertEquals(0, infos.capacity());
            infos.read(lo.client);
            assertEquals(1, infos.capacity(), "grown to the kernel's num_subflows");
            assertEquals(1, infos.count());
            assertEquals(TCP_ESTABLISHED, infos.get(0).state());
            infos.read(lo.client); // warm: no further growth
            assertEquals(1, infos.capacity());
            assertThrows(IllegalArgumentException.class, () -> new SubflowTcpInfos(-1));
        }
    }

    @Test
    void subflowAddresses() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            for (GuardedFd fd : new GuardedFd[] {lo.client, lo.server}) {
                SubflowAddresses a = new SubflowAddresses(0).read(fd);
                assertEquals(1, a.capacity());
                assertEquals(1, a.count());
                assertEquals(1, a.numSubflows());
                assertEquals(Loopback.localAddress(fd), a.local(0));
                assertEquals(Loopback.peerAddress(fd), a.remote(0));
                assertThrows(IndexOutOfBoundsException.class, () -> a.local(1));
                assertTrue(a.toString().contains(a.local(0) + " -> " + a.remote(0)), a.toString());
            }
            assertEquals(256, SubflowAddresses.ELEMENT_SIZE);
        }
    }

    @Test
    void fullInfo() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            Loopback.transfer(lo.client, lo.server, N);
            if (!KERNEL.has(KernelFeatures.Feature.MPTCP_FULL_INFO)) {
                assertEquals("EOPNOTSUPP", assertThrows(ErrnoException.class,
                        () -> new MptcpFullInfo().read(lo.client)).errnoName(), "no MPTCP_FULL_INFO before 6.5");
                return;
            }
            for (GuardedFd fd : new GuardedFd[] {lo.client, lo.server}) {
                MptcpFullInfo full = new MptcpFullInfo(0);
                MptcpInfo embedded = full.mptcpInfo();
                assertEquals(0, embedded.returnedLength());
                full.read(fd);
                assertEquals(1, full.capacity(), "grown from 0 to the kernel's num_subflows");
                assertEquals(1, full.numSubflows());
                assertEquals(1, full.count());
                assertSame(embedded, full.mptcpInfo(), "the same view, re-pointed after growth");
                assertEquals(KERNEL.mptcpInfoSize(), embedded.returnedLength());
                MptcpInfo alone = new MptcpInfo().read(fd);
                assertEquals(alone.token(), embedded.token());
                assertEquals(alone.subflows(), embedded.subflows());
                assertEquals(alone.bytesReceived(), embedded.bytesReceived());
                assertThrows(IllegalStateException.class, () -> embedded.read(fd));

                assertEquals(KERNEL.tcpInfoSize(), full.tcpInfoLength());
                assertEquals(KERNEL.tcpInfoSize(), full.kernelTcpInfoSize());
                assertEquals(264, full.subflowInfoLength());
                assertEquals(264, full.kernelSubflowInfoSize());
                assertEquals(Loopback.localAddress(fd), full.localAddress(0));
                assertEquals(Loopback.peerAddress(fd), full.remoteAddress(0));
                // The kernel numbers a connection's subflows from 1 in creation order (msk->subflow_id,
                // upstream commit 3fb5e3ae9d0b "mptcp: add subflow unique id", Linux 6.5): the initial
                // subflow is 1 on both ends. A read of another field or offset would not give 1 on both.
                assertEquals(1, full.subflowId(0), full.toString());
                TcpInfo t = full.tcpInfo(0);
                assertEquals(TCP_ESTABLISHED, t.state());
                assertEquals(new SubflowTcpInfos().read(fd).get(0).sndMss(), t.sndMss());
                assertThrows(IndexOutOfBoundsException.class, () -> full.tcpInfo(1));
                assertTrue(full.toString().contains("subflow id:"), full.toString());

                full.read(fd); // warm, same capacity
                assertEquals(1, full.capacity());
                assertSame(t, full.tcpInfo(0));
            }
            MptcpFullInfo c = new MptcpFullInfo().read(lo.client);
            MptcpFullInfo s = new MptcpFullInfo().read(lo.server);
            assertEquals(2, c.capacity());
            assertTrue(c.mptcpInfo().bytesSent().orElseThrow() >= N);
            assertEquals(N, s.mptcpInfo().bytesReceived().orElseThrow());
            InetSocketAddress cl = c.localAddress(0);
            assertEquals(cl, s.remoteAddress(0));
            assertNotEquals(c.mptcpInfo().token(), s.mptcpInfo().token());
        }
    }
}

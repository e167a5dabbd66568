package org.mptcpj.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.Loopback;
import org.mptcpj.testing.NetNs;

/**
 * Two subflows, so that the arrays must grow past a capacity of 1: in a private network namespace
 * the in-kernel path manager gets a 'subflow' endpoint 127.0.0.2 and opens a second subflow from it
 * to the server at 127.0.0.1.
 */
class MultiSubflowTest {
    @Test
    void arraysGrowToTheKernelsSubflowCount() throws Exception {
        try (NetNs ns = NetNs.create("info")) {
            ns.exec("ip", "mptcp", "limits", "set", "subflow", "2", "add_addr_accepted", "2");
            ns.exec("ip", "mptcp", "endpoint", "add", "127.0.0.2", "dev", "lo", "subflow");
            ns.call(() -> {
                try (Loopback lo = Loopback.open(true)) {
                    Loopback.transfer(lo.client, lo.server, 10_000);
                    MptcpInfo info = new MptcpInfo();
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (info.read(lo.client).subflows() < 1 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    // mptcpi_subflows counts the additional subflow only; subflows_total both.
                    assertEquals(1, info.subflows(), info.toString());
                    assertEquals(2, info.subflowsTotal().orElseThrow());

                    SubflowTcpInfos tcp = new SubflowTcpInfos(1).read(lo.client);
                    assertEquals(2, tcp.capacity());
                    assertEquals(2, tcp.count());
                    assertEquals(2, tcp.numSubflows());
                    for (TcpInfo t : tcp) {
                        assertEquals(1, t.state(), t.toString());
                    }

                    SubflowAddresses addrs = new SubflowAddresses(1).read(lo.client);
                    assertEquals(2, addrs.capacity());
                    assertEquals(2, addrs.count());
                    InetSocketAddress server = Loopback.localAddress(lo.server);
                    Set<InetAddress> locals = new HashSet<>();
                    for (int i = 0; i < addrs.count(); i++) {
                        locals.add(addrs.local(i).getAddress());
                        assertEquals(server, addrs.remote(i));
                    }
                    assertEquals(Set.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2")),
                            locals);

                    MptcpFullInfo full = new MptcpFullInfo(1).read(lo.client);
                    assertEquals(2, full.capacity());
                    assertEquals(2, full.count());
                    assertEquals(2, full.numSubflows());
                    // Subflow ids count from 1 in creation order: the initial subflow (from 127.0.0.1) is 1,
                    // the one the 'subflow' endpoint added (from 127.0.0.2) is 2.
                    for (int i = 0; i < full.count(); i++) {
                        boolean initial = full.localAddress(i).getAddress().equals(InetAddress.getByName("127.0.0.1"));
                        assertEquals(initial ? 1 : 2, full.subflowId(i), full.toString());
                    }
                    assertEquals(1, full.mptcpInfo().subflows());
                    for (int i = 0; i < full.count(); i++) {
                        assertEquals(server, full.remoteAddress(i));
                        assertTrue(locals.contains(full.localAddress(i).getAddress()));
                        assertEquals(1, full.tcpInfo(i).state());
                    }

                    SubflowAddresses serverSide = new SubflowAddresses(0).read(lo.server);
                    assertEquals(2, serverSide.count());
                }
                return null;
            });
        }
    }
}

package org.mptcpj.samples.status;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testing.Http;

/** The status page lists an MPTCP client as multipath with its subflow, and a TCP client as TCP. */
class StatusServerTest {
    @Test
    void statusPageListsLiveConnections() throws Exception {
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), MptcpPolicy.REQUIRED);
             StreamSocket tcp = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET);
             StreamSocket mptcp = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            tcp.connect(server.address(), Duration.ofSeconds(5));
            mptcp.connect(server.address(), Duration.ofSeconds(5));
            String p = Http.get(mptcp, "/status");
            System.out.println(p);
            InetSocketAddress m = mptcp.localAddress();
            InetSocketAddress t = tcp.localAddress();
            assertTrue(p.startsWith("HTTP/1.1 200"), p);
            assertTrue(p.contains(m + "  multipath yes, 1 subflow(s)\n  subflow " + server.address() + " -> " + m), p);
            // A TCP client on an MPTCP listener: the kernel hands accept() a plain TCP socket (SO_PROTOCOL 6).
            assertTrue(p.contains(t + "  multipath no (TCP)"), p);
        }
    }
}

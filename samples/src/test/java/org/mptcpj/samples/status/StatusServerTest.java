package org.mptcpj.samples.status;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.StreamSocket;

/** The status page lists an MPTCP client as multipath with its subflow, and a TCP client as TCP. */
class StatusServerTest {
    @Test
    void statusPageListsLiveConnections() throws Exception {
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), MptcpPolicy.REQUIRED);
             StreamSocket tcp = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET);
             StreamSocket mptcp = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            tcp.connect(server.address(), Duration.ofSeconds(5));
            mptcp.connect(server.address(), Duration.ofSeconds(5));
            byte[] request = "GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            mptcp.write(request, 0, request.length);
            mptcp.setReadTimeout(Duration.ofSeconds(5));
            StringBuilder page = new StringBuilder();
            byte[] buf = new byte[4096];
            for (int n; (n = mptcp.read(buf, 0, buf.length)) > 0; ) {
                page.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            String p = page.toString();
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

package org.mptcpj.samples;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.mptcpj.option.Keepalive;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;

/**
 * Opens an MPTCP connection over loopback to an embedded server, sets keepalive, and prints
 * what the kernel says about the connection: the keepalive values read back, whether the
 * connection is really multipath, and MPTCP_INFO / TCP_INFO / subflow addresses.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerStreamSocket server = ServerStreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)
                     .bind(new InetSocketAddress(loopback, 0), 1);
             StreamSocket client = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)) {
            client.setKeepalive(Keepalive.of(Duration.ofSeconds(10), Duration.ofSeconds(5), 3));
            client.connect(server.localAddress(), Duration.ofSeconds(5));
            try (StreamSocket accepted = server.accept()) {
                byte[] hello = "hello over MPTCP\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                client.write(hello, 0, hello.length);
                byte[] buf = new byte[64];
                int n = accepted.read(buf, 0, buf.length);

                System.out.printf("connection   %s -> %s%n", client.localAddress(), client.remoteAddress());
                System.out.printf("socket       %s%s%n", client.isMptcp() ? "MPTCP" : "TCP",
                        client.mptcpRefusal().map(r -> " (MPTCP refused: " + r + ")").orElse(""));
                System.out.printf("multipath    %s%n", client.isMultipath());
                System.out.printf("keepalive    %s%n", client.keepalive());
                System.out.printf("echoed       %d bytes%n", n);
                ConnectionReport.print(client, System.out);
            }
        }
    }
}

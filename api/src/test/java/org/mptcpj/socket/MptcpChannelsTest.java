package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.Commands;

/** JDK channels over MPTCP sockets, driven by a Selector; the kernel confirms the protocol. */
class MptcpChannelsTest {
    @Test
    void selectorDrivesMptcpChannels() throws Exception {
        try (Selector selector = Selector.open();
             ServerSocketChannel server = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
             SocketChannel client = MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false).register(selector, SelectionKey.OP_ACCEPT);
            client.connect(server.getLocalAddress());
            int port = ((InetSocketAddress) client.getLocalAddress()).getPort();
            // ss -M lists MPTCP sockets only: our client's port must be there.
            String mptcpSockets = Commands.run("ss", "-Mtn", "state", "established");
            assertTrue(mptcpSockets.contains(":" + port), "ss -M does not show port " + port + ":\n" + mptcpSockets);

            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            String received = null;
            long deadline = System.currentTimeMillis() + 5000;
            while (received == null && System.currentTimeMillis() < deadline) {
                selector.select(500);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isAcceptable()) {
                        SocketChannel accepted = server.accept();
                        accepted.configureBlocking(false).register(selector, SelectionKey.OP_READ);
                    } else if (key.isReadable()) {
                        ByteBuffer buf = ByteBuffer.allocate(16);
                        ((SocketChannel) key.channel()).read(buf);
                        received = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
                        key.channel().close();
                    }
                }
                selector.selectedKeys().clear();
            }
            assertEquals("ping", received);
        }
    }
}

package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.NetNs;

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
            assertMptcp(client, true);
            assertMptcp(server, true);

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

    /** The protocol checks fail for the JDK's own (TCP) channels, so they can fail at all. */
    @Test
    void protocolChecksFailForPlainJdkChannels() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
             SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            client.connect(server.getLocalAddress());
            try (SocketChannel accepted = server.accept()) {
                assertMptcp(client, false);
                assertMptcp(server, false);
                assertMptcp(accepted, false);
            }
        }
    }

    /**
     * Two independent witnesses: SO_PROTOCOL of the channel's descriptor (IPPROTO_MPTCP = 262, or
     * IPPROTO_TCP = 6) and {@code ss -M}, which without {@code -t} lists MPTCP sockets only.
     */
    private static void assertMptcp(NetworkChannel channel, boolean expected) throws Exception {
        int protocol = soProtocol(channel);
        assertEquals(expected ? Linux.IPPROTO_MPTCP() : Linux.IPPROTO_TCP(), protocol, "SO_PROTOCOL of " + channel);
        int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        // Both ends for a connection: another connection to another peer may share the local port.
        String mptcpSockets = channel instanceof SocketChannel c
                ? Commands.run("ss", "-Mna", "sport", "= :" + port, "and", "dport", "= :" + ((InetSocketAddress) c.getRemoteAddress()).getPort())
                : Commands.run("ss", "-Mnl", "sport", "= :" + port);
        assertEquals(expected, mptcpSockets.contains(":" + port + " "),
                "ss -M " + (expected ? "does not show" : "shows") + " port " + port + ":\n" + mptcpSockets);
    }

    /** getsockopt(SO_PROTOCOL) on the channel's descriptor (the tests run with --add-exports sun.nio.ch). */
    private static int soProtocol(NetworkChannel channel) throws Exception {
        int fd = (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
        int r = NativeSocket.intOption(fd, Linux.SOL_SOCKET(), Linux.SO_PROTOCOL());
        if (r < 0) {
            throw Sys.error("getsockopt(fd " + fd + ", SO_PROTOCOL)", r);
        }
        return r;
    }

    /**
     * Every option the JDK reports on a fresh channel has the same value on an MPTCP one, where
     * the kernel can read it on MPTCP at all (Linux 6.18 answers EOPNOTSUPP for TCP_QUICKACK on an
     * MPTCP socket: net/mptcp/sockopt.c knows no such getsockopt).
     */
    @Test
    void defaultsAreTheJdks() throws Exception {
        for (ProtocolFamily family : new ProtocolFamily[] {StandardProtocolFamily.INET, StandardProtocolFamily.INET6}) {
            try (ServerSocketChannel jdk = ServerSocketChannel.open(family);
                 ServerSocketChannel mptcp = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, family)) {
                assertSameDefaults(options(jdk), options(mptcp), "server channel, " + family);
            }
            try (SocketChannel jdk = SocketChannel.open(family);
                 SocketChannel mptcp = MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, family)) {
                assertSameDefaults(options(jdk), options(mptcp), "socket channel, " + family);
            }
        }
    }

    private static void assertSameDefaults(Map<String, Object> jdk, Map<String, Object> mptcp, String what) {
        mptcp.entrySet().removeIf(e -> e.getValue().equals("SocketException"));
        jdk.keySet().retainAll(mptcp.keySet());
        assertTrue(jdk.containsKey("SO_REUSEADDR"), what + ": SO_REUSEADDR unreadable: " + mptcp);
        assertEquals(jdk, mptcp, what);
    }

    private static Map<String, Object> options(NetworkChannel channel) throws IOException {
        Map<String, Object> values = new TreeMap<>();
        for (SocketOption<?> o : channel.supportedOptions()) {
            try {
                values.put(o.name(), channel.getOption(o));
            } catch (UnsupportedOperationException | IOException e) {
                values.put(o.name(), e.getClass().getSimpleName());
            }
        }
        return values;
    }

    /**
     * A server restarted at once on its port while a connection of the old one is in TIME_WAIT
     * binds, as a stock ServerSocketChannel does (the JDK sets SO_REUSEADDR on server sockets).
     */
    @Test
    void restartedServerRebindsWhileTimeWait() throws Exception {
        InetSocketAddress address;
        try (ServerSocketChannel server = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            address = (InetSocketAddress) server.getLocalAddress();
            try (SocketChannel client = MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
                client.connect(address);
                SocketChannel accepted = server.accept();
                accepted.close(); // the server closes first: its end goes to TIME_WAIT
                assertEquals(-1, client.read(ByteBuffer.allocate(1)));
            }
        }
        String timeWait = Commands.run("ss", "-tan", "state", "time-wait", "sport", "= :" + address.getPort());
        assertTrue(timeWait.contains(":" + address.getPort()), "no TIME_WAIT on port " + address.getPort()
                + ", the test would prove nothing:\n" + timeWait);
        try (ServerSocketChannel restarted = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            restarted.bind(address); // EADDRINUSE without SO_REUSEADDR
            assertEquals(address, restarted.getLocalAddress());
        }
    }

    /**
     * An INET6 server accepts IPv4 clients even where {@code net.ipv6.bindv6only=1}: the JDK clears
     * IPV6_V6ONLY on its INET6 sockets, and so must these channels.
     */
    @Test
    void inet6ServerAcceptsIpv4ClientWhereBindv6only() throws Exception {
        try (NetNs ns = NetNs.create("v6only")) {
            ns.exec("sysctl", "-q", "-w", "net.ipv6.bindv6only=1");
            String accepted = ns.call(() -> {
                try (ServerSocketChannel server = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET6)) {
                    server.bind(new InetSocketAddress(InetAddress.getByName("::"), 0));
                    int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                    try (SocketChannel client = MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
                        client.connect(new InetSocketAddress("127.0.0.1", port)); // ECONNREFUSED on a v6-only socket
                        try (SocketChannel a = server.accept()) {
                            return ((InetSocketAddress) a.getRemoteAddress()).getAddress().getHostAddress();
                        }
                    }
                }
            });
            assertEquals("127.0.0.1", accepted);
        }
    }
}

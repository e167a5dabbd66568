package org.mptcpj.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;

/** A connection made through the API: the listener, the client and the server's accepted socket. */
record SocketPair(ServerStreamSocket listener, StreamSocket client, StreamSocket accepted) implements AutoCloseable {
    private static final Duration CONNECT = Duration.ofSeconds(5);

    /** A loopback connection ({@code 127.0.0.1} or {@code ::1}), each side under its own policy. */
    static SocketPair open(MptcpPolicy clientPolicy, MptcpPolicy serverPolicy, StandardProtocolFamily family)
            throws IOException {
        InetAddress loopback = InetAddress.getByName(family == StandardProtocolFamily.INET ? "127.0.0.1" : "::1");
        ServerStreamSocket l = ServerStreamSocket.open(serverPolicy, family).bind(new InetSocketAddress(loopback, 0), 8);
        StreamSocket c = StreamSocket.open(clientPolicy, family).connect(l.localAddress(), CONNECT);
        return new SocketPair(l, c, l.accept());
    }

    @Override
    public void close() {
        client.close();
        accepted.close();
        listener.close();
    }
}

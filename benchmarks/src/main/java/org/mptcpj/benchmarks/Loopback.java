package org.mptcpj.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.mptcpj.option.Options;
import org.mptcpj.socket.MptcpChannels;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;

/** Connected loopback pairs for the benchmarks, TCP_NODELAY on both ends (as the C reference). */
final class Loopback {
    static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private Loopback() {
    }

    /** {@return REQUIRED for "MPTCP", DISABLED for "TCP"} */
    static MptcpPolicy policy(String protocol) {
        return switch (protocol) {
            case "MPTCP" -> MptcpPolicy.REQUIRED;
            case "TCP" -> MptcpPolicy.DISABLED;
            default -> throw new IllegalArgumentException("protocol " + protocol);
        };
    }

    /**
     * Two connected API sockets and their listener, which stays open: an MPTCP peer's additional
     * subflows (MP_JOIN) arrive through it.
     */
    record ApiPair(StreamSocket client, StreamSocket server, ServerStreamSocket listener) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
            listener.close();
        }
    }

    static ApiPair apiPair(MptcpPolicy policy) throws IOException {
        ServerStreamSocket listener = ServerStreamSocket.open(policy, StandardProtocolFamily.INET);
        StreamSocket client = null;
        try {
            listener.bind(ANY_PORT, 16);
            client = StreamSocket.open(policy, StandardProtocolFamily.INET);
            client.connect(listener.localAddress(), CONNECT_TIMEOUT);
            StreamSocket server = listener.accept();
            try {
                client.setOption(Options.TCP_NODELAY, true);
                server.setOption(Options.TCP_NODELAY, true);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            return new ApiPair(client, server, listener);
        } catch (IOException | RuntimeException e) {
            if (client != null) {
                client.close();
            }
            listener.close();
            throw e;
        }
    }

    /** Two connected blocking JDK channels; over an MPTCP socket through {@link MptcpChannels} if asked. */
    record JdkPair(SocketChannel client, SocketChannel server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                client.close();
            } finally {
                server.close();
            }
        }
    }

    static JdkPair jdkPair(MptcpPolicy policy) throws IOException {
        try (ServerSocketChannel listener = policy == MptcpPolicy.DISABLED
                ? ServerSocketChannel.open(StandardProtocolFamily.INET)
                : MptcpChannels.openServerSocketChannel(policy, StandardProtocolFamily.INET)) {
            listener.bind(ANY_PORT, 16);
            SocketChannel client = policy == MptcpPolicy.DISABLED
                    ? SocketChannel.open(StandardProtocolFamily.INET)
                    : MptcpChannels.openSocketChannel(policy, StandardProtocolFamily.INET);
            try {
                client.connect(listener.getLocalAddress());
                SocketChannel server = listener.accept();
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                return new JdkPair(client, server);
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        }
    }

    /** Starts a daemon thread running {@code body}; failures are kept for {@link Peer#join()}. */
    static Peer start(String name, IoRunnable body) {
        Peer p = new Peer(name, body);
        p.thread.start();
        return p;
    }

    @FunctionalInterface
    interface IoRunnable {
        void run() throws IOException;
    }

    /** A helper thread (echo peer, sink) whose failure fails the trial. */
    static final class Peer {
        final Thread thread;
        volatile Throwable failure;
        volatile boolean stopping;

        Peer(String name, IoRunnable body) {
            thread = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    if (!stopping) {
                        failure = t;
                    }
                }
            }, name);
            thread.setDaemon(true);
        }

        /** Waits for the thread (after its socket was closed) and rethrows what it died of. */
        void join() {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " did not stop within 10 s");
            }
            if (failure != null) {
                throw new IllegalStateException(thread.getName() + " failed", failure);
            }
        }
    }
}

package org.mptcpj.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import jdk.net.ExtendedSocketOptions;

/**
 * An unchanged NIO server, knowing nothing of mptcpj: one selector thread accepts on 0.0.0.0,
 * switches keepalive on for each accepted channel and reads. Prints {@code port N} once it listens,
 * {@code accepted ...} after keepalive is set, {@code peer gone ... at NANOS} when a read says the
 * peer is gone (end of stream or an error; NANOS: its {@link System#nanoTime()} then), and closes a
 * channel that sent {@code bye}.
 *
 * <p>With a second argument {@code blocking}: blocking channels, one virtual thread per connection.
 *
 * <p>Argument {@code option}: keepalive through {@code setOption}: {@code SO_KEEPALIVE}, then
 * {@code TCP_KEEPINTERVAL} 1 s, {@code TCP_KEEPCOUNT} 2, {@code TCP_KEEPIDLE} 1 s. Argument
 * {@code adaptor}: {@code channel.socket().setKeepAlive(true)} only (as Tomcat does; the times are the
 * namespace's sysctls).
 */
public final class KeepaliveNioServer {
    private KeepaliveNioServer() {
    }

    public static void main(String[] args) throws IOException {
        boolean adaptor = args[0].equals("adaptor");
        boolean blocking = args.length > 1 && args[1].equals("blocking");
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("0.0.0.0", 0));
            System.out.println("listening on port " + ((InetSocketAddress) listener.getLocalAddress()).getPort());
            if (blocking) {
                for (;;) {
                    SocketChannel ch = accepted(listener.accept(), adaptor);
                    Thread.startVirtualThread(() -> {
                        ByteBuffer buf = ByteBuffer.allocate(256);
                        while (!served(ch, buf)) {
                            // reads until the peer is gone or says bye
                        }
                    });
                }
            }
            selectorLoop(listener, adaptor);
        }
    }

    private static void selectorLoop(ServerSocketChannel listener, boolean adaptor) throws IOException {
        try (Selector selector = Selector.open()) {
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buf = ByteBuffer.allocate(256);
            for (;;) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isAcceptable()) {
                        SocketChannel ch = listener.accept();
                        if (ch != null) {
                            accepted(ch, adaptor).configureBlocking(false);
                            ch.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        served((SocketChannel) key.channel(), buf);
                    }
                }
                selector.selectedKeys().clear();
            }
        }
    }

    private static SocketChannel accepted(SocketChannel ch, boolean adaptor) throws IOException {
        if (adaptor) {
            ch.socket().setKeepAlive(true);
        } else {
            // The idle time last: set first, on a connection already idle for longer (a second can pass
            // here under emulation), it sends a probe at once timed by the old interval, 75 s
            // (KernelConformanceTest#anIdleTimeSetBeforeTheIntervalProbesOnTheOldInterval).
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            ch.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
            ch.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 2);
            ch.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 1);
        }
        System.out.println("accepted " + ch.getRemoteAddress());
        return ch;
    }

    /** Reads once; {@return whether the channel was closed: the peer is gone or said bye} */
    private static boolean served(SocketChannel ch, ByteBuffer buf) {
        buf.clear();
        String gone = null;
        try {
            if (ch.read(buf) < 0) {
                gone = "end of stream";
            }
        } catch (IOException e) {
            gone = e.toString();
        }
        long heard = System.nanoTime(); // CLOCK_MONOTONIC: the test compares it with its own clock
        boolean bye = gone == null && new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).contains("bye");
        if (gone != null || bye) {
            try {
                ch.close();
            } catch (IOException e) {
                System.out.println("close failed: " + e);
            }
            System.out.println(bye ? "closed" : "peer gone: " + gone + " at " + heard);
            return true;
        }
        return false;
    }
}

package org.mptcpj.socket;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.mptcpj.internal.sys.Sys;

/**
 * Real JDK NIO channels whose socket is MPTCP, so that {@link java.nio.channels.Selector},
 * blocking I/O on virtual threads and libraries built on NIO work unchanged (the JDK cannot
 * create MPTCP sockets itself before JDK 26).
 *
 * <p>How: the JDK opens its channel and socket as usual; this class creates an MPTCP socket of
 * the same family and {@code dup2(2)}s it onto the channel's descriptor number, so the channel
 * now drives the MPTCP socket. Reading that number needs the JDK-internal
 * {@code sun.nio.ch.SelChImpl.getFDVal()}, so the JVM must run with
 * {@value #REQUIRED_FLAG} (or {@code =org.mptcpj} on the module path); without it the factory
 * methods throw an {@link UnsupportedOperationException} naming that flag.
 */
public final class MptcpChannels {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    /** The JVM flag these channels need. */
    public static final String REQUIRED_FLAG = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";

    private MptcpChannels() {
    }

    /**
     * Opens an unconnected {@link SocketChannel} over an MPTCP socket (or TCP, per {@code policy}).
     *
     * @throws org.mptcpj.error.MptcpUnavailableException if MPTCP is required and refused
     * @throws UnsupportedOperationException if the JVM lacks {@value #REQUIRED_FLAG}
     */
    public static SocketChannel openSocketChannel(MptcpPolicy policy, ProtocolFamily family) throws IOException {
        return replaceSocket(SocketChannel.open(java.util.Objects.requireNonNull(family, "family")), policy, family);
    }

    /**
     * Opens an unbound {@link ServerSocketChannel} over an MPTCP socket (or TCP, per {@code policy}).
     *
     * @throws org.mptcpj.error.MptcpUnavailableException if MPTCP is required and refused
     * @throws UnsupportedOperationException if the JVM lacks {@value #REQUIRED_FLAG}
     */
    public static ServerSocketChannel openServerSocketChannel(MptcpPolicy policy, ProtocolFamily family)
            throws IOException {
        return replaceSocket(ServerSocketChannel.open(java.util.Objects.requireNonNull(family, "family")), policy, family);
    }

    private static <C extends NetworkChannel> C replaceSocket(C channel, MptcpPolicy policy, ProtocolFamily family)
            throws IOException {
        try {
            int target = descriptorOf(channel);
            // Blocking, like the socket the JDK created: the channel manages O_NONBLOCK itself.
            NativeSocket.Created created = NativeSocket.create(policy, family, 0);
            try {
                int s = created.fd().acquire("dup2");
                try {
                    int r = SYS.dup2(s, target);
                    if (r < 0) {
                        throw Sys.error("dup2(" + s + ", " + target + ")", r);
                    }
                } finally {
                    created.fd().release();
                }
            } finally {
                created.fd().close(); // the channel's descriptor keeps the MPTCP socket alive
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static int descriptorOf(NetworkChannel channel) {
        try {
            Method getFdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            return (int) getFdVal.invoke(channel);
        } catch (IllegalAccessException e) {
            throw new UnsupportedOperationException("MPTCP NIO channels need the JVM flag " + REQUIRED_FLAG, e);
        } catch (ClassNotFoundException | NoSuchMethodException | InvocationTargetException e) {
            throw new UnsupportedOperationException("this JDK's NIO channels have no SelChImpl.getFDVal(): "
                    + "MPTCP NIO channels are not available on it", e);
        }
    }
}

package org.mptcpj.socket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.internal.sys.ThreadScratch;

/**
 * Real JDK NIO channels whose socket is MPTCP, so that {@link java.nio.channels.Selector},
 * blocking I/O on virtual threads and libraries built on NIO work unchanged (the JDK cannot
 * create MPTCP sockets itself before JDK 26).
 *
 * <p>How: the JDK opens its channel and socket as usual; this class creates an MPTCP socket of
 * the same family and {@code dup2(2)}s it onto the channel's descriptor number, so the channel
 * now drives the MPTCP socket. Before that, the options the JDK set on its socket are copied onto
 * the new one ({@code getsockopt(2)}/{@code setsockopt(2)}): {@code SO_REUSEADDR}, which the JDK
 * sets on server sockets, and {@code IPV6_V6ONLY}, which it clears on INET6 sockets (see
 * {@code Java_sun_nio_ch_Net_socket0} in the JDK's Net.c), so the channels behave as the JDK's
 * own: a restarted server rebinds a port with connections in TIME_WAIT, and an INET6 server
 * accepts IPv4 clients even where {@code net.ipv6.bindv6only=1}. Reading that number needs the JDK-internal
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
        return replaceSocket(jdkProvider().openSocketChannel(java.util.Objects.requireNonNull(family, "family")), policy);
    }

    /**
     * Opens an unbound {@link ServerSocketChannel} over an MPTCP socket (or TCP, per {@code policy}).
     *
     * @throws org.mptcpj.error.MptcpUnavailableException if MPTCP is required and refused
     * @throws UnsupportedOperationException if the JVM lacks {@value #REQUIRED_FLAG}
     */
    public static ServerSocketChannel openServerSocketChannel(MptcpPolicy policy, ProtocolFamily family)
            throws IOException {
        return replaceSocket(jdkProvider().openServerSocketChannel(java.util.Objects.requireNonNull(family, "family")), policy);
    }

    /** Puts an MPTCP socket (per {@code policy}) under a fresh JDK channel; closes the channel on failure. */
    static <C extends NetworkChannel> C replaceSocket(C channel, MptcpPolicy policy) throws IOException {
        try {
            replaceSocket(descriptorOf(channel), policy);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Puts an MPTCP socket behind descriptor {@code fd}, a fresh unbound TCP stream socket its owner
     * just created (a JDK channel's, or a Netty epoll channel's): {@code socket(2)} with
     * {@code IPPROTO_MPTCP} of the same family and blocking mode ({@code fcntl(F_GETFL)}), the
     * owner's {@code SO_REUSEADDR} and {@code IPV6_V6ONLY} copied, then {@code dup2(2)} onto
     * {@code fd}. The owner keeps its descriptor number and drives the MPTCP socket from then on.
     * With {@link MptcpPolicy#PREFERRED} and MPTCP refused, or {@link MptcpPolicy#DISABLED},
     * {@code fd} keeps its TCP socket.
     *
     * @return whether {@code fd} is now MPTCP
     * @throws org.mptcpj.error.MptcpUnavailableException if MPTCP is required and refused
     * @throws IllegalArgumentException if {@code fd} is not an INET or INET6 TCP stream socket
     * @throws ErrnoException if a system call fails ({@code EBADF}, {@code EMFILE}, ...)
     */
    public static boolean replaceSocket(int fd, MptcpPolicy policy) throws IOException {
        java.util.Objects.requireNonNull(policy, "policy");
        int domain = NativeSocket.intOption(fd, Linux.SOL_SOCKET(), Linux.SO_DOMAIN());
        if (domain < 0) {
            throw Sys.error("getsockopt(fd " + fd + ", SO_DOMAIN)", domain);
        }
        int protocol = NativeSocket.intOption(fd, Linux.SOL_SOCKET(), Linux.SO_PROTOCOL());
        ProtocolFamily family = domain == Linux.AF_INET() ? StandardProtocolFamily.INET
                : domain == Linux.AF_INET6() ? StandardProtocolFamily.INET6 : null;
        if (family == null || protocol != Linux.IPPROTO_TCP()) {
            throw new IllegalArgumentException("fd " + fd + " is not an INET or INET6 TCP socket (family " + domain
                    + ", protocol " + protocol + ")");
        }
        if (policy == MptcpPolicy.DISABLED) {
            return false;
        }
        int flags = SYS.fcntl(fd, Linux.F_GETFL(), 0);
        if (flags < 0) {
            throw Sys.error("fcntl(fd " + fd + ", F_GETFL)", flags);
        }
        NativeSocket.Created created = NativeSocket.create(policy, family,
                (flags & Linux.O_NONBLOCK()) != 0 ? Linux.SOCK_NONBLOCK() : 0);
        try {
            if (!created.mptcp()) {
                return false; // PREFERRED and refused (logged): the owner's TCP socket stays
            }
            int s = created.fd().acquire("dup2");
            try {
                copyOption(fd, s, Linux.SOL_SOCKET(), Linux.SO_REUSEADDR(), "SO_REUSEADDR");
                if (domain == Linux.AF_INET6()) {
                    copyOption(fd, s, Linux.IPPROTO_IPV6(), Linux.IPV6_V6ONLY(), "IPV6_V6ONLY");
                }
                int r = SYS.dup2(s, fd);
                if (r < 0) {
                    throw Sys.error("dup2(" + s + ", " + fd + ")", r);
                }
            } finally {
                created.fd().release();
            }
            return true;
        } finally {
            created.fd().close(); // fd keeps the MPTCP socket alive
        }
    }

    /** Copies an int option the JDK may have set from its socket {@code from} to ours, {@code to}. */
    private static void copyOption(int from, int to, int level, int name, String optionName) throws ErrnoException {
        int v = NativeSocket.intOption(from, level, name);
        if (v < 0) {
            throw Sys.error("getsockopt(fd " + from + ", " + optionName + ")", v);
        }
        int r;
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment value = sc.buffer();
            value.set(ValueLayout.JAVA_INT, 0, v);
            r = SYS.setsockopt(sc, to, level, name, value, Integer.BYTES);
        } finally {
            sc.release();
        }
        if (r < 0) {
            throw Sys.error("setsockopt(fd " + to + ", " + optionName + ")", r);
        }
    }

    /**
     * {@return the error naming the flag this JVM lacks}: {@link #REQUIRED_FLAG} on the class path,
     * {@code =org.mptcpj} in place of {@code =ALL-UNNAMED} where the library is a named module
     * (the module path), for the export must name the module that reads {@code sun.nio.ch}.
     */
    private static UnsupportedOperationException flagMissing(IllegalAccessException e) {
        Module library = MptcpChannels.class.getModule();
        String flag = library.isNamed() ? REQUIRED_FLAG.replace("ALL-UNNAMED", library.getName()) : REQUIRED_FLAG;
        return new UnsupportedOperationException("MPTCP NIO channels need the JVM flag " + flag, e);
    }

    /**
     * {@return the JDK's own SelectorProvider} ({@code sun.nio.ch.DefaultSelectorProvider.get()}), which
     * differs from {@link SelectorProvider#provider()} when {@link MptcpSelectorProvider} is installed.
     */
    static SelectorProvider jdkProvider() {
        try {
            return (SelectorProvider) Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get").invoke(null);
        } catch (IllegalAccessException e) {
            throw flagMissing(e);
        } catch (ClassNotFoundException | NoSuchMethodException | InvocationTargetException e) {
            throw new UnsupportedOperationException("this JDK has no sun.nio.ch.DefaultSelectorProvider.get(): "
                    + "MPTCP NIO channels are not available on it", e);
        }
    }

    /**
     * {@return the descriptor number of a JDK channel} ({@code sun.nio.ch.SelChImpl.getFDVal()})
     *
     * @throws IllegalArgumentException for a channel of another SelectorProvider
     */
    static int descriptorOf(NetworkChannel channel) {
        try {
            Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
            if (!selChImpl.isInstance(channel)) {
                String provider = channel instanceof java.nio.channels.spi.AbstractSelectableChannel c
                        ? String.valueOf(c.provider()) : "none";
                throw new IllegalArgumentException(channel.getClass().getName() + " (SelectorProvider " + provider
                        + ") is not one of the JDK's own socket channels: its descriptor cannot be read");
            }
            Method getFdVal = selChImpl.getMethod("getFDVal");
            return (int) getFdVal.invoke(channel);
        } catch (IllegalAccessException e) {
            throw flagMissing(e);
        } catch (ClassNotFoundException | NoSuchMethodException | InvocationTargetException e) {
            throw new UnsupportedOperationException("this JDK's NIO channels have no SelChImpl.getFDVal(): "
                    + "MPTCP NIO channels are not available on it", e);
        }
    }
}

package org.mptcpj.socket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.SubflowTcpInfos;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.internal.sys.ThreadScratch;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Options;

/**
 * The library attached to a stream socket it did not create: a JDK {@link java.nio.channels.SocketChannel}
 * or {@link java.nio.channels.ServerSocketChannel} (also one that {@code mptcpize} or
 * {@link MptcpChannels} made MPTCP), a Netty channel (module {@code mptcpj-netty}), or a raw descriptor
 * number. Through it: typed options, keepalive with the dead-peer watchdog, {@link #isMptcp()},
 * {@link #isMultipath()} and every info view, as on a {@link StreamSocket}. Reading and writing
 * stay with the owner.
 *
 * <p><b>Lifetime.</b> The attachment never owns, closes or acts on the owner's descriptor number:
 * when attaching it takes its own duplicate ({@code fcntl(F_DUPFD_CLOEXEC)}) and checks the owner
 * is still open <em>after</em> the duplicate exists (an owner's open flag never comes back, so the
 * duplicate is of the owner's socket, not of a socket that took a reused number). From then on every
 * call goes to the duplicate, which always names the same socket, whatever the owner does with its
 * number; each call first asks whether the owner is still open and, if not, releases the duplicate
 * and throws {@link SocketClosedException}. The price of the duplicate: while it exists the kernel
 * socket outlives the owner's {@code close()} (no FIN, a listener keeps its port). So it is
 * released as soon as the owner's close is seen: before the owner's own {@code close(2)} where
 * the framework has a hook (the Netty module intercepts {@code close()} in the pipeline; the agent,
 * module {@code mptcpj-agent}, hooks the JDK channel's close and attaches with
 * {@link #attach(int, BooleanSupplier, String)}), within
 * 50 ms for JDK channels (a daemon thread checks {@code isOpen()}), and at {@link #close()} always.
 * A FIN held back even briefly can let the peer close first and keep the TIME_WAIT (measured with
 * Netty: accepting slowed from 0.2 to 2-20 ms per connection until the duplicate was released
 * before Netty's close). A raw descriptor attached without an owner test lives until
 * {@link #close()}: close the attachment before or with the descriptor. The alternative, no
 * duplicate and every call made under the owner's close lock, would need {@code --add-opens} into
 * the JDK and cannot be done for Netty.
 *
 * <p><b>Keepalive.</b> Keepalive the owner switched on before attaching is read from the kernel
 * and re-applied on an MPTCP connection, as are settings made through {@link #setKeepalive}
 * before the connection existed ({@link #established()}), so the dead-peer watchdog of
 * {@link StreamSocket#setDeadPeerWatchdog} covers these connections too. When it gives up on one
 * it shuts the socket down ({@code shutdown(SHUT_RDWR)}: the owner reads end of stream) or, if
 * {@link #onPeerDead} was given a handler, calls it instead.
 */
public final class AttachedSocket implements AutoCloseable {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    private final StreamSocket socket; // over our duplicate; for a listener only its option and info calls are used
    private final String owner;
    private final BooleanSupplier ownerOpen;
    private final boolean listening;

    private AttachedSocket(StreamSocket socket, String owner, BooleanSupplier ownerOpen, boolean listening) {
        this.socket = socket;
        this.owner = owner;
        this.ownerOpen = ownerOpen;
        this.listening = listening;
    }

    /**
     * Attaches to a JDK socket channel, connected, unconnected or listening. Reading its descriptor
     * needs the JVM flag {@value MptcpChannels#REQUIRED_FLAG}.
     *
     * @throws SocketClosedException if the channel is closed
     * @throws IllegalArgumentException for a channel of another {@link java.nio.channels.spi.SelectorProvider}
     *         (naming its class and provider) or one that is not a TCP or MPTCP stream socket
     * @throws UnsupportedOperationException if the JVM lacks {@value MptcpChannels#REQUIRED_FLAG}
     * @throws ErrnoException if {@code fcntl(F_DUPFD_CLOEXEC)} fails ({@code EMFILE})
     */
    public static AttachedSocket attach(NetworkChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        if (!channel.isOpen()) {
            throw new SocketClosedException("attach to " + channel);
        }
        int fd = MptcpChannels.descriptorOf(channel);
        AttachedSocket a = attach(fd, channel::isOpen, String.valueOf(channel));
        OwnerCloseWatch.watch(a);
        return a;
    }

    /**
     * Attaches to a raw descriptor number whose owner says with {@code ownerOpen} whether it is
     * still open (a framework's channel). {@code ownerOpen} must turn false before the owner's
     * {@code close(2)}, and never back to true.
     *
     * @param fd        the owner's descriptor: valid and the owner's when this is called
     * @param ownerOpen the owner's open state, asked before every call
     * @param owner     how messages name the owner
     * @throws SocketClosedException if {@code ownerOpen} is already false, also just after the duplicate was taken
     * @throws IllegalArgumentException if {@code fd} is not open ({@code EBADF}), not a socket
     *         ({@code ENOTSOCK}, naming what it is), or not a TCP or MPTCP stream socket (a UDP socket, say)
     */
    public static AttachedSocket attach(int fd, BooleanSupplier ownerOpen, String owner) throws IOException {
        Objects.requireNonNull(ownerOpen, "ownerOpen");
        Objects.requireNonNull(owner, "owner");
        int dup = SYS.fcntl(fd, Linux.F_DUPFD_CLOEXEC(), 0);
        if (dup == -Linux.EBADF()) {
            throw new IllegalArgumentException("cannot attach to fd " + fd + " (" + owner + "): it is not open (fcntl: EBADF)");
        }
        if (dup < 0) {
            throw Sys.error("fcntl(fd " + fd + ", F_DUPFD_CLOEXEC)", dup);
        }
        try {
            if (!ownerOpen.getAsBoolean()) {
                throw new SocketClosedException("attach to " + owner);
            }
            return over(dup, fd, owner, ownerOpen);
        } catch (IOException | RuntimeException e) {
            SYS.close(dup);
            throw e;
        }
    }

    /**
     * Attaches to a raw descriptor number. Its owner must not close it before {@link #close()}
     * without knowing that the socket lives on (no FIN) until then.
     *
     * @see #attach(int, BooleanSupplier, String)
     */
    public static AttachedSocket attach(int fd) throws IOException {
        return attach(fd, () -> true, "fd " + fd);
    }

    private static AttachedSocket over(int dup, int fd, String owner, BooleanSupplier ownerOpen) throws IOException {
        String what = "fd " + fd + " (" + owner + ")";
        int type = NativeSocket.intOption(dup, Linux.SOL_SOCKET(), Linux.SO_TYPE());
        if (type == -Linux.ENOTSOCK()) {
            throw new IllegalArgumentException("cannot attach to " + what + ": it is not a socket but "
                    + describe(dup) + " (getsockopt(SO_TYPE): ENOTSOCK)");
        }
        if (type < 0) {
            throw Sys.error("getsockopt(" + what + ", SO_TYPE)", type);
        }
        int domain = checked(NativeSocket.intOption(dup, Linux.SOL_SOCKET(), Linux.SO_DOMAIN()), what, "SO_DOMAIN");
        int protocol = checked(NativeSocket.intOption(dup, Linux.SOL_SOCKET(), Linux.SO_PROTOCOL()), what, "SO_PROTOCOL");
        boolean inet = domain == Linux.AF_INET() || domain == Linux.AF_INET6();
        boolean stream = type == Linux.SOCK_STREAM()
                && (protocol == Linux.IPPROTO_TCP() || protocol == Linux.IPPROTO_MPTCP());
        if (!inet || !stream) {
            throw new IllegalArgumentException("cannot attach to " + what + ": it is a "
                    + (type == Linux.SOCK_DGRAM() ? "SOCK_DGRAM (datagram, e.g. UDP)" : "type " + type)
                    + " socket of family " + domain + " and protocol " + protocol
                    + "; only TCP and MPTCP stream sockets (AF_INET, AF_INET6) can be attached");
        }
        boolean listening = checked(NativeSocket.intOption(dup, Linux.SOL_SOCKET(), Linux.SO_ACCEPTCONN()),
                what, "SO_ACCEPTCONN") != 0;
        StreamSocket socket = StreamSocket.overDuplicate(SYS.guardDuplicate(dup), domain,
                protocol == Linux.IPPROTO_MPTCP());
        AttachedSocket a = new AttachedSocket(socket, owner, ownerOpen, listening);
        Keepalive ownersKeepalive = socket.getOption(Options.SO_KEEPALIVE) ? socket.keepalive() : null;
        if (!listening && isConnected(dup)) {
            socket.established(socket.keepaliveSettings);
        }
        if (ownersKeepalive != null) {
            socket.setKeepalive(ownersKeepalive); // records it: re-applied on connect, watchdog on
        }
        return a;
    }

    private static int checked(int value, String what, String optionName) throws ErrnoException {
        if (value < 0) {
            throw Sys.error("getsockopt(" + what + ", " + optionName + ")", value);
        }
        return value;
    }

    private static boolean isConnected(int fd) throws ErrnoException {
        int r;
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment buf = sc.buffer();
            MemorySegment len = sc.length();
            len.set(ValueLayout.JAVA_INT, 0, (int) buf.byteSize());
            r = SYS.getpeername(sc, fd, buf, len);
        } finally {
            sc.release();
        }
        if (r == -Linux.ENOTCONN()) {
            return false;
        }
        if (r < 0) {
            throw Sys.error("getpeername(fd " + fd + ")", r);
        }
        return true;
    }

    /** What a descriptor is, from /proc/self/fd (a path, "anon_inode:[eventfd]", "pipe:[...]"). */
    private static String describe(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "something else";
        }
    }

    private void checkOwner(String operation) throws SocketClosedException {
        if (!ownerOpen.getAsBoolean()) {
            close();
            throw new SocketClosedException(operation + " on " + owner + " (closed by its owner)");
        }
    }

    /** {@return whether the owner's socket is still open and {@link #close()} was not called} */
    public boolean isOpen() {
        return socket.isOpen() && ownerOpen.getAsBoolean();
    }

    boolean ownerClosed() {
        return !ownerOpen.getAsBoolean();
    }

    /** {@return whether the socket listens ({@code SO_ACCEPTCONN})} */
    public boolean isListening() {
        return listening;
    }

    /**
     * {@return whether the socket is MPTCP: {@code getsockopt(SO_PROTOCOL)} said {@code IPPROTO_MPTCP}}
     * (true also for sockets that {@code mptcpize} or {@link MptcpChannels} made MPTCP).
     */
    public boolean isMptcp() {
        return socket.knownProtocol() == NativeSocket.PROTOCOL_MPTCP; // over() read SO_PROTOCOL
    }

    /** As {@link StreamSocket#isMultipath()}. */
    public boolean isMultipath() throws IOException {
        checkOwner("isMultipath");
        return socket.isMultipath();
    }

    /** As {@link NativeSocket#setOption}. */
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        checkOwner("setsockopt");
        socket.setOption(option, value);
    }

    /** As {@link NativeSocket#getOption}. */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        checkOwner("getsockopt");
        return socket.getOption(option);
    }

    /**
     * As {@link NativeSocket#setKeepalive}; on a connected MPTCP socket it also starts the dead-peer
     * watchdog, on a listener or unconnected socket the settings are applied again by
     * {@link #established()} or {@link #acceptedFrom}.
     */
    public void setKeepalive(Keepalive keepalive) throws IOException {
        checkOwner("setKeepalive");
        socket.setKeepalive(keepalive);
    }

    /** As {@link NativeSocket#keepalive()}. */
    public Keepalive keepalive() throws IOException {
        checkOwner("keepalive");
        return socket.keepalive();
    }

    /**
     * The owner's socket is now connected (its {@code connect} or {@code accept} completed): on
     * MPTCP, applies the keepalive settings made through this attachment again (kernels before
     * upstream 648de37416b3 did not pass them to the first subflow) and starts the dead-peer
     * watchdog if keepalive is on. Attaching to a connected socket does this itself.
     */
    public void established() throws IOException {
        checkOwner("established");
        socket.established(socket.keepaliveSettings);
    }

    /**
     * As {@link #established()} for a connection the owner accepted on {@code listener}: applies
     * the keepalive settings made through the listener's attachment (and inherited by the
     * accepted socket on fixed kernels only).
     */
    public void acceptedFrom(AttachedSocket listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        checkOwner("established");
        socket.established(listener.socket.keepaliveSettings);
    }

    /** As {@link StreamSocket#setDeadPeerWatchdog}. */
    public void setDeadPeerWatchdog(Duration grace) throws IOException {
        checkOwner("setDeadPeerWatchdog");
        socket.setDeadPeerWatchdog(grace);
    }

    /** As {@link StreamSocket#isPeerDeadDetection()}. */
    public boolean isPeerDeadDetection() {
        return socket.isPeerDeadDetection();
    }

    /**
     * Sets what happens when the dead-peer watchdog gives up on this connection: {@code handler}
     * gets the {@code ETIMEDOUT} exception (on the watchdog's thread: hand it off at once) and must
     * close the owner's socket. Without a handler the watchdog shuts the socket down
     * ({@code shutdown(SHUT_RDWR)}), which the owner reads as end of stream; {@code null} restores
     * that default.
     */
    public void onPeerDead(Consumer<ErrnoException> handler) {
        socket.peerDeadHandler = handler;
    }

    /** {@return the local address ({@code getsockname(2)})} */
    public InetSocketAddress localAddress() throws IOException {
        checkOwner("getsockname");
        return socket.localAddress();
    }

    /** {@return the peer's address ({@code getpeername(2)}; {@code ENOTCONN} if unconnected)} */
    public InetSocketAddress remoteAddress() throws IOException {
        checkOwner("getpeername");
        return socket.remoteAddress();
    }

    /** As {@link StreamSocket#mptcpInfo}. */
    public MptcpInfo mptcpInfo(MptcpInfo view) throws IOException {
        checkOwner("MPTCP_INFO");
        return socket.mptcpInfo(view);
    }

    /** As {@link StreamSocket#tcpInfo}. */
    public TcpInfo tcpInfo(TcpInfo view) throws IOException {
        checkOwner("TCP_INFO");
        return socket.tcpInfo(view);
    }

    /** As {@link StreamSocket#subflowTcpInfos}. */
    public SubflowTcpInfos subflowTcpInfos(SubflowTcpInfos view) throws IOException {
        checkOwner("MPTCP_TCPINFO");
        return socket.subflowTcpInfos(view);
    }

    /** As {@link StreamSocket#subflowAddresses}. */
    public SubflowAddresses subflowAddresses(SubflowAddresses view) throws IOException {
        checkOwner("MPTCP_SUBFLOW_ADDRS");
        return socket.subflowAddresses(view);
    }

    /** As {@link StreamSocket#fullInfo}. */
    public MptcpFullInfo fullInfo(MptcpFullInfo view) throws IOException {
        checkOwner("MPTCP_FULL_INFO");
        return socket.fullInfo(view);
    }

    /**
     * Releases the attachment's duplicate descriptor and stops its watchdog. The owner's socket is
     * not touched: it stays open, or, if the owner closed it already, is released by the kernel now.
     */
    @Override
    public void close() {
        OwnerCloseWatch.unwatch(this);
        socket.close();
    }

    @Override
    public String toString() {
        return "AttachedSocket[" + (isMptcp() ? "MPTCP" : "TCP") + (listening ? " listening" : "")
                + " to " + owner + ", duplicate " + socket.fd + "]";
    }
}

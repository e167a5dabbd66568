package org.mptcpj.socket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.Sys;

/**
 * A listening MPTCP or TCP socket. An MPTCP listener accepts MPTCP clients as multipath
 * connections and plain TCP clients as fallen-back ones ({@link StreamSocket#isMultipath()}
 * tells them apart). Socket options set on the listener, keepalive included, are inherited by the
 * accepted sockets.
 *
 * <p>{@link Thread#interrupt()} of a thread blocked in {@link #accept()} (platform or virtual)
 * closes the listener, and {@code accept()} throws a
 * {@link org.mptcpj.error.SocketClosedByInterruptException} with the interrupt status still set, as
 * the JDK's {@code ServerSocketChannel} does; an {@code accept()} begun interrupted does so at once.
 */
public final class ServerStreamSocket extends NativeSocket {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    private volatile long acceptTimeoutNanos = -1;

    private ServerStreamSocket(GuardedFd fd, int family, int protocol, String refusal) {
        super(fd, family, protocol, refusal);
    }

    /**
     * Opens an unbound listening socket.
     *
     * @throws org.mptcpj.error.MptcpUnavailableException if MPTCP is required and the kernel refuses it
     */
    public static ServerStreamSocket open(MptcpPolicy policy, ProtocolFamily family) throws ErrnoException {
        Created c = create(policy, family);
        return new ServerStreamSocket(c.fd(), c.family(), c.protocol(), c.refusal());
    }

    /**
     * Binds ({@code bind(2)}) and listens ({@code listen(2)}).
     *
     * @param local   address and port; port 0 picks a free one ({@link #localAddress()} tells which)
     * @param backlog pending-connection queue length
     * @throws ErrnoException e.g. {@code EADDRINUSE}
     */
    public ServerStreamSocket bind(InetSocketAddress local, int backlog) throws IOException {
        bindTo(local);
        int s = fd.acquire("listen");
        try {
            int r = SYS.listen(s, backlog);
            if (r < 0) {
                throw Sys.error("listen(fd " + s + ", " + backlog + ")", r);
            }
        } finally {
            fd.release();
        }
        return this;
    }

    /**
     * Sets how long {@link #accept()} may block before it throws {@link SocketTimeoutException}. As
     * for the JDK's sockets, {@link Duration#ZERO} (the default) means no limit.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws SocketClosedException if the socket is closed
     */
    public void setAcceptTimeout(Duration timeout) throws SocketClosedException {
        long nanos = timeoutNanos(timeout);
        if (fd.isClosed()) {
            throw new SocketClosedException("setAcceptTimeout");
        }
        acceptTimeoutNanos = nanos;
    }

    /**
     * Accepts a connection with {@code accept4(2)}, blocking until one arrives: one {@code accept4(2)}
     * if a connection is waiting, otherwise {@code accept4(2)} ({@code EAGAIN}), a wait for readiness
     * ({@code poll(2)}; a virtual thread parks) and {@code accept4(2)} again. The accepted socket is
     * close-on-exec and blocking (see {@link StreamSocket}). From an MPTCP listener it is an MPTCP
     * socket if the client asked for MPTCP, a TCP socket if not; the kernel is asked which
     * ({@code getsockopt(SO_PROTOCOL)}) only when something needs to know, see
     * {@link StreamSocket#isMptcp()}: accepting, using and closing a connection makes the system calls
     * a C server makes. Keepalive settings made on an MPTCP listener are applied again to each
     * accepted MPTCP socket (kernels before Linux 6.17 did not pass them on): that asks the protocol
     * and makes up to four {@code setsockopt(2)} calls.
     *
     * @throws SocketClosedException if the listener is closed, also while waiting
     * @throws SocketTimeoutException if the accept timeout passes
     * @throws ErrnoException from {@code accept4(2)}, e.g. {@code EMFILE}, {@code ENFILE}; or if the
     *         wait fails: {@code poll(2)} ({@code EINVAL} when {@code RLIMIT_NOFILE} is 0, {@code ENOMEM}) or, on a virtual thread, {@code epoll_ctl(2)}/{@code epoll_wait(2)}
     * @throws org.mptcpj.error.SocketClosedByInterruptException if the thread is interrupted (the
     *         listener is then closed)
     */
    public StreamSocket accept() throws IOException {
        failIfInterrupted("accept");
        long timeout = acceptTimeoutNanos;
        long deadline = System.nanoTime() + timeout;
        int s = fd.acquire("accept");
        try {
            for (;;) {
                // The accepted socket is blocking (no SOCK_NONBLOCK): platform threads block inside
                // recv/send as C does; virtual threads pass MSG_DONTWAIT (see StreamSocket).
                int r = SYS.accept4(s, MemorySegment.NULL, MemorySegment.NULL, Linux.SOCK_CLOEXEC());
                if (r >= 0) {
                    // From an MPTCP listener the socket may be TCP: asked on first need (isMptcp()).
                    int protocol = knownProtocol() == PROTOCOL_MPTCP ? PROTOCOL_UNKNOWN : PROTOCOL_TCP;
                    return StreamSocket.accepted(SYS.guard(r), family, protocol, keepaliveSettings);
                }
                if (fd.isClosed()) {
                    throw new SocketClosedException("accept");
                }
                if (r != -Linux.EAGAIN()) {
                    throw Sys.error("accept4(fd " + s + ")", r);
                }
                long left = timeout < 0 ? -1 : deadline - System.nanoTime();
                if (timeout >= 0 && left <= 0) {
                    throw new SocketTimeoutException("accept(fd " + s + ") timed out");
                }
                awaitInterruptibly(s, Linux.POLLIN(), left, "accept");
                if (fd.isClosed()) {
                    throw new SocketClosedException("accept");
                }
            }
        } finally {
            fd.release();
        }
    }
}

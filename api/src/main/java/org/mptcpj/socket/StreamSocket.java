package org.mptcpj.socket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_info;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.SubflowTcpInfos;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.internal.access.InfoViewAccess;
import org.mptcpj.internal.access.SharedSecrets;
import org.mptcpj.internal.jfr.JfrEvents;
import org.mptcpj.internal.jfr.SocketReadEvent;
import org.mptcpj.internal.jfr.SocketWriteEvent;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.SockAddrs;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.internal.sys.ThreadScratch;

/**
 * A connected (or connecting) MPTCP or TCP stream socket.
 *
 * <p>Data moves between the kernel and a {@link MemorySegment} or a direct {@link ByteBuffer}
 * with no copy; heap arrays, heap segments and heap buffers are copied once through a 64 KiB
 * native bounce buffer, as the JDK does (a heap read returns at most 64 KiB). Reads and writes
 * block until done, the read timeout passes, or the socket is closed: a platform thread without
 * read timeout inside {@code recv(2)}/{@code send(2)}, as blocking C does; otherwise in
 * {@code poll(2)} or, on a virtual thread, parked. One thread may read while another writes.
 *
 * <p><b>Native memory.</b> Each call uses small native scratch (errno, option values, addresses:
 * 304 bytes) and, for heap memory, the bounce buffer. A platform thread keeps its own until it
 * ends (up to about 64.4 KiB). A virtual thread leases them from a pool shared by all virtual
 * threads, for one system call at a time, never while it waits: the pool keeps about two per
 * processor (256 KiB on two processors), so native memory does not grow with the number of
 * virtual threads, blocked or not.
 *
 * <p><b>Virtual threads:</b> a platform thread waits in {@code poll(2)}; a virtual thread parks
 * while the library's poller thread watches its descriptor with {@code epoll(7)}, so blocked reads,
 * writes, accepts and connects do not hold carrier threads. A failure of the wait itself
 * ({@code poll(2)}, {@code epoll_ctl(2)}, the poller's {@code epoll_wait(2)}) is thrown as an
 * {@link ErrnoException}, never as a timeout. {@link MptcpChannels} offers the JDK's own channels over
 * MPTCP sockets for code that wants NIO.
 *
 * <p><b>Interrupts</b> work as with the JDK's channels, on platform and virtual threads alike:
 * {@link Thread#interrupt()} of a thread blocked in {@link #read(MemorySegment) read},
 * {@link #write(MemorySegment) write} or {@link #connect connect} closes the socket, and the call
 * throws a {@link org.mptcpj.error.SocketClosedByInterruptException} with the thread's interrupt
 * status still set; other threads blocked on the socket get a
 * {@link org.mptcpj.error.SocketClosedException}. A call begun with the interrupt status set closes
 * the socket and throws at once, even if it would not have had to wait.
 */
public final class StreamSocket extends NativeSocket {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    /** The info views' reads, which are not public API (they take the descriptor). */
    private static final InfoViewAccess INFO_VIEWS = SharedSecrets.infoViews();

    /** Grace period of the dead-peer watchdog when keepalive turns it on by default. */
    public static final Duration DEFAULT_DEAD_PEER_GRACE = Duration.ofMillis(500);

    private volatile long readTimeoutNanos = -1;
    private volatile boolean connected;
    /**
     * Whether the descriptor's {@code O_NONBLOCK} is clear: accepted sockets from birth, connecting
     * ones from their first read or write without timeout on a platform thread (see {@link #blocksInKernel}).
     */
    private volatile boolean blockingDescriptor;

    // Dead-peer watchdog state (see DeadPeerWatchdog). activity is the 1-bit mark: set by I/O that
    // moved data, cleared by the watchdog's pass; a plain field, a stale read only delays a pass.
    int activity;
    long noSubflowSince;
    volatile boolean watched;
    /** Set while the watchdog's schedule holds the socket aside: a write then brings it back (promote). */
    volatile boolean watchAside;
    /** Set when keepalive idle changed, cleared by the watchdog's look: a schedule made from the old value is redone. */
    volatile boolean watchIdleChanged;
    int watchTier; // the rest: the watchdog thread's alone
    long watchDue;
    long watchIdleNanos;
    volatile long deadPeerGraceNanos = DEFAULT_DEAD_PEER_GRACE.toNanos();
    private volatile boolean watchdogChosen;
    private volatile String deadPeer;
    // The last buffer read into and written from, with its segment (see BufferSegment). Plain
    // fields: a racy read sees a whole record (final fields), at worst an older one, i.e. a miss.
    private BufferSegment lastReadInto;
    private BufferSegment lastWrittenFrom;
    /** Set on sockets attached to someone else's descriptor (see AttachedSocket#onPeerDead). */
    volatile java.util.function.Consumer<ErrnoException> peerDeadHandler;

    private StreamSocket(GuardedFd fd, int family, int protocol, String refusal) {
        super(fd, family, protocol, refusal);
    }

    /**
     * Opens an unconnected stream socket.
     *
     * @param policy MPTCP required, preferred or disabled
     * @param family {@link java.net.StandardProtocolFamily#INET} or {@code INET6}
     * @throws org.mptcpj.error.MptcpUnavailableException if MPTCP is required and the kernel refuses it
     * @throws ErrnoException if {@code socket(2)} fails otherwise ({@code EMFILE}, ...)
     */
    public static StreamSocket open(MptcpPolicy policy, ProtocolFamily family) throws ErrnoException {
        Created c = create(policy, family);
        return new StreamSocket(c.fd(), c.family(), c.protocol(), c.refusal());
    }

    /**
     * An accepted connection: it inherits the listener's options, keepalive included. {@code protocol}
     * is {@link #PROTOCOL_UNKNOWN} from an MPTCP listener (see {@link #isMptcp()}).
     */
    static StreamSocket accepted(GuardedFd fd, int family, int protocol, KeepaliveSettings listenerKeepalive)
            throws IOException {
        StreamSocket s = new StreamSocket(fd, family, protocol, null);
        s.blockingDescriptor = true; // ServerStreamSocket.accept() passes no SOCK_NONBLOCK to accept4(2)
        try {
            s.established(listenerKeepalive);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** A socket over a duplicate of a descriptor the library did not create (see {@link AttachedSocket}). */
    static StreamSocket overDuplicate(GuardedFd fd, int family, boolean mptcp) {
        return new StreamSocket(fd, family, mptcp ? PROTOCOL_MPTCP : PROTOCOL_TCP, null);
    }

    /** Binds the local end before connecting ({@code bind(2)}). */
    public StreamSocket bind(InetSocketAddress local) throws IOException {
        bindTo(local);
        return this;
    }

    /**
     * Connects with {@code connect(2)}, waiting at most {@code timeout} for the handshake;
     * {@link Duration#ZERO} means no limit, as for the JDK's {@code Socket.connect(address, 0)}
     * (the kernel then gives up after its SYN retries, {@code ETIMEDOUT}).
     *
     * <p>System calls: the socket is non-blocking until connected, so {@code connect(2)} answers
     * {@code EINPROGRESS} and the thread waits for the handshake in {@code poll(2)} (a virtual thread
     * parks), one call more than a blocking C {@code connect}; {@code getsockopt(SO_ERROR)} only when
     * the handshake failed, for its errno.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative (the socket stays open)
     * @throws SocketTimeoutException if the timeout passes (the socket is then closed, as the JDK does)
     * @throws org.mptcpj.error.SocketClosedByInterruptException if the thread is interrupted (the
     *         socket is then closed, see the class documentation)
     * @throws ErrnoException with the handshake's errno from {@code SO_ERROR}, e.g. {@code ECONNREFUSED};
     *         or if the wait for the handshake fails: {@code poll(2)} ({@code EINVAL} when {@code RLIMIT_NOFILE} is 0, {@code ENOMEM}) or, on a virtual thread, {@code epoll_ctl(2)}/{@code epoll_wait(2)}
     */
    public StreamSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        Objects.requireNonNull(remote, "remote");
        long timeoutNanos = timeoutNanos(timeout);
        failIfInterrupted("connect");
        long deadline = System.nanoTime() + timeoutNanos;
        int s = fd.acquire("connect");
        boolean timedOut = false;
        try {
            int r = connectOnce(s, remote);
            // Not a blocking connect(2) as C makes: on Linux 6.1 mptcp_stream_connect() holds the MPTCP
            // socket's lock while the subflow's blocking connect waits for the handshake, so close()'s
            // shutdown(2) would wait for it too (up to the SYN retries) instead of waking this thread.
            if (r == -Linux.EINPROGRESS()) {
                int ev;
                for (;;) {
                    long left = timeoutNanos < 0 ? -1 : deadline - System.nanoTime();
                    if (timeoutNanos >= 0 && left <= 0) {
                        timedOut = true;
                        throw new SocketTimeoutException("connect(fd " + s + ", " + remote + ") timed out after " + timeout);
                    }
                    ev = awaitInterruptibly(s, Linux.POLLOUT(), left, "connect");
                    checkOpen("connect");
                    if (ev > 0) {
                        break;
                    }
                }
                // Writable without POLLERR/POLLHUP: the handshake completed (connect(2): "EINPROGRESS"),
                // so only a failure needs SO_ERROR for its errno; one system call fewer per connection.
                r = (ev & (Linux.POLLERR() | Linux.POLLHUP())) == 0 ? 0 : -soError(s);
            }
            if (r < 0) {
                throw Sys.error("connect(fd " + s + ", " + remote + ")", r);
            }
        } finally {
            fd.release();
            if (timedOut) {
                close();
            }
        }
        established(keepaliveSettings);
        return this;
    }

    /**
     * The connection exists: on MPTCP, apply the keepalive settings again (see
     * {@link KeepaliveSettings}: kernels before 648de37416b3 did not pass them to the first subflow)
     * and start the dead-peer watchdog if keepalive is on.
     */
    void established(KeepaliveSettings settings) throws IOException {
        connected = true;
        JfrEvents.connectionEstablished(this);
        if (!settings.isEmpty() && isMptcp()) { // asks an accepted socket's protocol only if it matters
            settings.applyTo(this);
            JfrEvents.keepaliveReapplied(this);
        }
        updateWatchdog();
    }

    @Override
    void optionApplied(org.mptcpj.option.NativeOption<?> option, Object value) throws IOException {
        if (option == org.mptcpj.option.Options.SO_KEEPALIVE) {
            updateWatchdog();
        } else if (option == org.mptcpj.option.Options.TCP_KEEPIDLE) {
            DeadPeerWatchdog.get().idleChanged(this); // its schedule follows keepalive idle
        }
    }

    /**
     * Sets the dead-peer watchdog of this MPTCP connection (see {@link #isPeerDeadDetection()}).
     * By default it is on, with {@link #DEFAULT_DEAD_PEER_GRACE}, whenever keepalive is enabled on
     * an MPTCP socket: the application asked to learn of a dead peer, and on MPTCP the kernel alone
     * reports it only after {@code net.mptcp.close_timeout} (60 s), as {@code ENOTCONN}.
     *
     * <p>When the connection has had no subflow for longer than {@code grace}, blocked and later
     * reads and writes fail with an {@link org.mptcpj.error.ErrnoException} for {@code ETIMEDOUT},
     * as a TCP socket's would after keepalive expired. A subflow that comes back within the grace
     * period (a new path) cancels it. No effect on TCP sockets or connections that fell back to TCP,
     * where keepalive reports {@code ETIMEDOUT} itself.
     *
     * <p>An idle connection is looked at ({@code getsockopt}) once per keepalive idle time, at its
     * newest subflow's last received ACK + idle + 100 ms, and every 100 ms while its probes go
     * unanswered, it has no established subflow, data in flight, or it moves data. So a subflow that
     * keepalive kills, or that dies with data queued (retransmission or user timeout), is reported
     * within the grace period + 100 ms; a reset of an idle connection's subflow that none of its
     * probes or writes provoked (a middlebox's, the peer's path manager's) waits for the next look,
     * up to keepalive idle + 100 ms.
     *
     * @param grace how long a connection may have no subflow; {@code null} turns the watchdog off
     * @throws IllegalArgumentException if {@code grace} is zero or negative
     * @throws SocketClosedException if the socket is closed
     * @throws ErrnoException if the protocol of a socket an MPTCP listener accepted cannot be read
     *         ({@code getsockopt(SO_PROTOCOL)}, see {@link #isMptcp()})
     */
    public void setDeadPeerWatchdog(Duration grace) throws IOException {
        if (grace != null && (grace.isNegative() || grace.isZero())) {
            throw new IllegalArgumentException("dead-peer grace " + grace + " must be positive");
        }
        checkOpen("setDeadPeerWatchdog");
        watchdogChosen = true;
        deadPeerGraceNanos = grace == null ? -1 : grace.toNanos();
        updateWatchdog();
    }

    /**
     * {@return whether the dead-peer watchdog is watching this connection now}
     *
     * <p>What it detects depends on the kernel; the source is chosen once per JVM, logged at INFO:
     * <ul>
     * <li>Linux 6.5+ ({@code MPTCP_FULL_INFO}) and 5.16+ ({@code MPTCP_TCPINFO}): the state of every
     *     subflow, so a connection is reported dead when none of its subflows is established.</li>
     * <li>A kernel with {@code MPTCP_INFO} but without {@code MPTCP_TCPINFO} (mainline added both in
     *     5.16, so only a backport has this): the first subflow's state ({@code TCP_INFO} on the MPTCP
     *     socket) and the path manager's count of the others ({@code mptcpi_subflows}), so the death
     *     of the first subflow is reported when the path manager counts no other; an added subflow
     *     counts as alive as long as the path manager counts it.</li>
     * <li>Before 5.16 (e.g. 5.15) none of these exist: the watchdog says so once at WARN, this method
     *     returns false for every connection, and {@link #peerDeadDetectionUnavailable()} says why.</li>
     * </ul>
     * Also false on TCP sockets, connections that fell back to TCP (keepalive reports {@code ETIMEDOUT}
     * there itself), after the watchdog declared the peer dead, and after {@link #close()}.
     */
    public boolean isPeerDeadDetection() {
        return watched;
    }

    /**
     * {@return why this kernel cannot support the dead-peer watchdog, or empty when it can} (it has
     * none of {@code MPTCP_FULL_INFO}, {@code MPTCP_TCPINFO} and {@code MPTCP_INFO}: Linux before 5.16).
     * The first call may probe the kernel with one unconnected MPTCP socket.
     */
    public static java.util.Optional<String> peerDeadDetectionUnavailable() {
        return java.util.Optional.ofNullable(DeadPeerWatchdog.get().unavailable());
    }

    private void updateWatchdog() throws IOException {
        // isMptcp() last: an accepted socket's protocol is asked only when the watchdog could watch it.
        boolean on = connected && isOpen() && deadPeer == null && deadPeerGraceNanos > 0
                && (watchdogChosen || keepaliveSettings.enabled()) && isMptcp();
        if (on) {
            DeadPeerWatchdog.get().watch(this);
        } else {
            DeadPeerWatchdog.get().unwatch(this);
        }
    }

    /** Called by the watchdog: fail this connection's I/O with ETIMEDOUT, waking blocked calls. */
    void declarePeerDead(long withoutSubflowMillis) {
        deadPeer = "dead peer: the MPTCP connection has had no subflow for " + withoutSubflowMillis
                + " ms (dead-peer watchdog; keepalive closed its subflows)";
        LOG.info("{}: {}", this, deadPeer);
        JfrEvents.deadPeer(this, deadPeerGraceNanos, withoutSubflowMillis);
        java.util.function.Consumer<ErrnoException> handler = peerDeadHandler;
        if (handler != null) { // the owner of the descriptor closes it, and tells its users why
            int etimedout = Linux.ETIMEDOUT();
            handler.accept(new ErrnoException("dead-peer watchdog", etimedout, Sys.strerror(etimedout), deadPeer));
            return;
        }
        if (fd.tryAcquire()) {
            try {
                SYS.shutdown(fd.number(), Linux.SHUT_RDWR()); // wakes threads in poll
            } finally {
                fd.release();
            }
        }
    }

    private void checkPeerAlive(String operation, int s) throws ErrnoException {
        String dead = deadPeer;
        if (dead != null) {
            int etimedout = Linux.ETIMEDOUT();
            throw new ErrnoException(operation + "(fd " + s + ")", etimedout, Sys.strerror(etimedout), dead);
        }
    }

    @Override
    public void close() {
        DeadPeerWatchdog.get().unwatch(this);
        lastReadInto = null; // the socket no longer keeps the program's buffers alive
        lastWrittenFrom = null;
        super.close();
    }

    /** {@code connect(2)} to {@code remote}, its address in scratch held for this call only (a wait follows). */
    private int connectOnce(int s, InetSocketAddress remote) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment buf = sc.buffer();
            int len = SockAddrs.write(remote, family, buf);
            return SYS.connect(sc, s, buf, len);
        } finally {
            sc.release();
        }
    }

    /** {@return the pending error of the socket ({@code SO_ERROR}), 0 if none} */
    private static int soError(int s) throws ErrnoException {
        int r = intOption(s, Linux.SOL_SOCKET(), Linux.SO_ERROR());
        if (r < 0) {
            throw Sys.error("getsockopt(fd " + s + ", SO_ERROR)", r);
        }
        return r;
    }

    private void checkOpen(String operation) throws SocketClosedException {
        if (fd.isClosed()) {
            throw new SocketClosedException(operation);
        }
    }

    /**
     * Sets how long a read may block before it throws {@link SocketTimeoutException} (the socket
     * stays usable). As for the JDK's sockets, {@link Duration#ZERO} (the default) means no limit.
     *
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws SocketClosedException if the socket is closed
     */
    public void setReadTimeout(Duration timeout) throws SocketClosedException {
        long nanos = timeoutNanos(timeout);
        checkOpen("setReadTimeout");
        readTimeoutNanos = nanos;
    }

    /**
     * Reads with {@code recv(2)} into {@code dst}, blocking until at least one byte arrives. Native
     * memory is read into directly; a heap segment through one copy from the 64 KiB bounce buffer
     * (so at most 64 KiB per call), which the calling thread holds only during the system call.
     * Without a read timeout, a platform thread blocks inside {@code recv(2)} (one system call, as
     * in C); a virtual thread, or any thread with a timeout, calls {@code recv(MSG_DONTWAIT)} and
     * waits for readiness ({@code epoll(7)} or {@code poll(2)}) when nothing is there.
     *
     * <p>A read that takes longer than its threshold (20 ms by default) is recorded as the JFR event
     * {@code org.mptcpj.SocketRead}, the equivalent of {@code jdk.SocketRead}.
     *
     * @return the number of bytes read (at most {@code dst.byteSize()}), or -1 at end of stream
     * @throws IllegalArgumentException if {@code dst} is {@linkplain MemorySegment#isReadOnly() read-only}
     *         (checked before any system call: nothing is consumed from the socket)
     * @throws SocketTimeoutException if the read timeout passes first
     * @throws org.mptcpj.error.SocketClosedByInterruptException if the thread is interrupted (the
     *         socket is then closed, see the class documentation)
     * @throws ErrnoException e.g. {@code ECONNRESET}, {@code ETIMEDOUT} (keepalive or user timeout expired);
     *         {@code fcntl(2)} failing to make the descriptor blocking; or if a wait for data fails: {@code poll(2)} ({@code EINVAL} when {@code RLIMIT_NOFILE} is 0, {@code ENOMEM}) or, on a virtual thread, {@code epoll_ctl(2)}/{@code epoll_wait(2)}
     */
    public int read(MemorySegment dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        requireWritable(dst.isReadOnly(), "segment");
        return read(dst, 0, dst.byteSize());
    }

    /** Reads into {@code dst[offset, offset + length)}, as {@link #read(MemorySegment)} into all of it. */
    private int read(MemorySegment dst, long offset, long length) throws IOException {
        SocketReadEvent event; // JFR org.mptcpj.SocketRead, as jdk.SocketRead; nothing without a recording
        if (!JfrEvents.ON || !(event = new SocketReadEvent()).isEnabled()) {
            return readNative(dst, offset, length);
        }
        event.begin();
        int n = readNative(dst, offset, length);
        event.offer(this, n, readTimeoutNanos);
        return n;
    }

    /**
     * Refuses a read-only destination, as the JDK's channels do: FFM does not stop the kernel from
     * writing a read-only native segment, and a heap one would fail only after the bytes were
     * consumed from the socket.
     */
    private static void requireWritable(boolean readOnly, String what) {
        if (readOnly) {
            throw new IllegalArgumentException("cannot read into a read-only " + what);
        }
    }

    /** Reads into native or heap memory (see {@link #recvOnce}), waiting for readiness as needed. */
    private int readNative(MemorySegment dst, long offset, long length) throws IOException {
        failIfInterrupted("read");
        if (length == 0) {
            checkOpen("read"); // no system call, but a closed socket still says it is closed
            return 0;
        }
        long timeout = readTimeoutNanos;
        long deadline = System.nanoTime() + timeout;
        int s = fd.acquire("read");
        try {
            boolean inKernel = timeout < 0 && blocksInKernel(s);
            for (;;) {
                checkPeerAlive("read", s);
                long r = recvOnce(s, dst, offset, length, inKernel);
                if (r > 0) {
                    activity = 1;
                    return (int) r;
                }
                if (r == 0) {
                    checkOpen("read"); // close() shuts the socket down, which reads as end of stream
                    checkPeerAlive("read", s); // and so does the watchdog
                    return -1;
                }
                if (r != -Linux.EAGAIN()) {
                    checkOpen("read");
                    checkPeerAlive("read", s);
                    throw Sys.error("recv(fd " + s + ")", r);
                }
                awaitReady(s, Linux.POLLIN(), timeout, deadline, "read");
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Writes all of {@code src} (native directly, heap through one copy) with {@code send(2)} ({@code MSG_NOSIGNAL}: a closed peer gives
     * {@code EPIPE}, never {@code SIGPIPE}), blocking while the send buffer is full: a platform
     * thread inside {@code send(2)}, a virtual thread parked ({@code MSG_DONTWAIT}, then
     * {@code epoll(7)}). A write that takes longer than its threshold (20 ms by default) is recorded
     * as the JFR event {@code org.mptcpj.SocketWrite}.
     *
     * @throws ErrnoException e.g. {@code EPIPE}, {@code ECONNRESET}; {@code fcntl(2)} failing to make
     *         the descriptor blocking; or if a wait for buffer space fails: {@code poll(2)} ({@code EINVAL} when {@code RLIMIT_NOFILE} is 0, {@code ENOMEM}) or, on a virtual thread, {@code epoll_ctl(2)}/{@code epoll_wait(2)}
     * @throws org.mptcpj.error.SocketClosedByInterruptException if the thread is interrupted (the
     *         socket is then closed, see the class documentation)
     */
    public void write(MemorySegment src) throws IOException {
        Objects.requireNonNull(src, "src");
        write(src, 0, src.byteSize());
    }

    /** Writes {@code src[offset, offset + length)}, as {@link #write(MemorySegment)} all of it. */
    private void write(MemorySegment src, long offset, long length) throws IOException {
        if (length == 0) {
            checkOpen("write"); // nothing to send, but a closed socket still says it is closed
            return;
        }
        SocketWriteEvent event; // JFR org.mptcpj.SocketWrite, as jdk.SocketWrite; nothing without a recording
        if (!JfrEvents.ON || !(event = new SocketWriteEvent()).isEnabled()) {
            writeNative(src, offset, offset + length);
            return;
        }
        event.begin();
        writeNative(src, offset, offset + length);
        event.offer(this, length);
    }

    /**
     * One read: inside {@code recv(2)} when {@code inKernel} (see {@link #blocksInKernel}),
     * interruptible as a wait is; otherwise {@code recv(MSG_DONTWAIT)}.
     *
     * @return the bytes received, 0 at end of stream, or {@code -errno}
     */
    private long recvOnce(int s, MemorySegment dst, long offset, long length, boolean inKernel) throws IOException {
        if (!inKernel) {
            return recv(s, dst, offset, length, Linux.MSG_DONTWAIT());
        }
        Interruption i = interruption();
        i.enter();
        try {
            return recv(s, dst, offset, length, 0);
        } finally {
            i.exit("read");
        }
    }

    /** One write of {@code src[offset, end)}, as {@link #recvOnce} reads. {@return the bytes sent, or {@code -errno}} */
    private long sendOnce(int s, MemorySegment src, long offset, long end, boolean inKernel) throws IOException {
        if (!inKernel) {
            return send(s, src, offset, end, Linux.MSG_NOSIGNAL() | Linux.MSG_DONTWAIT());
        }
        Interruption i = interruption();
        i.enter();
        try {
            return send(s, src, offset, end, Linux.MSG_NOSIGNAL());
        } finally {
            i.exit("write");
        }
    }

    /**
     * One {@code recv(2)} into {@code dst[offset, offset + length)}: into native memory directly; into heap memory through the scratch bounce
     * buffer, at most {@value ThreadScratch#BOUNCE_SIZE} bytes, copied out before the scratch is
     * released. The scratch is held for this system call only, never across a readiness wait, so a
     * virtual thread parked in a read holds no native memory (only platform threads, which keep
     * their own scratch, block inside the call).
     *
     * @return the bytes received, 0 at end of stream, or {@code -errno}
     */
    private static long recv(int s, MemorySegment dst, long offset, long length, int flags) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            if (dst.isNative()) {
                return SYS.recv(sc, s, dst, offset, length, flags);
            }
            MemorySegment bounce = sc.bounce();
            long r = SYS.recv(sc, s, bounce, 0, Math.min(length, bounce.byteSize()), flags);
            if (r > 0) {
                MemorySegment.copy(bounce, 0, dst, offset, r);
            }
            return r;
        } finally {
            sc.release();
        }
    }

    /**
     * One {@code send(2)} of {@code src[offset, end)}: native memory directly; heap memory
     * copied into the scratch bounce buffer first, at most {@value ThreadScratch#BOUNCE_SIZE} bytes,
     * the scratch held for this system call only.
     *
     * @return the bytes sent, or {@code -errno}
     */
    private static long send(int s, MemorySegment src, long offset, long end, int flags) {
        long n = end - offset;
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            if (src.isNative()) {
                return SYS.send(sc, s, src, offset, n, flags);
            }
            MemorySegment bounce = sc.bounce();
            n = Math.min(n, bounce.byteSize());
            MemorySegment.copy(src, offset, bounce, 0, n);
            return SYS.send(sc, s, bounce, 0, n, flags);
        } finally {
            sc.release();
        }
    }

    /** Writes {@code src[start, end)}, native or heap memory (see {@link #sendOnce}), waiting for room as needed. */
    private void writeNative(MemorySegment src, long start, long end) throws IOException {
        failIfInterrupted("write");
        int s = fd.acquire("write");
        try {
            long done = start;
            boolean inKernel = blocksInKernel(s);
            while (done < end) {
                checkPeerAlive("write", s);
                long r = sendOnce(s, src, done, end, inKernel);
                if (r >= 0) {
                    done += r;
                    activity = 1;
                    if (watchAside) {
                        DeadPeerWatchdog.get().promote(this); // data in flight: looked at every pass again
                    }
                } else if (r == -Linux.EAGAIN()) {
                    awaitReady(s, Linux.POLLOUT(), -1, 0, "write");
                } else {
                    checkOpen("write");
                    checkPeerAlive("write", s);
                    throw Sys.error("send(fd " + s + ")", r);
                }
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Whether this call may block inside {@code recv(2)}/{@code send(2)}, as blocking C does (one
     * system call per read or write, issue 13 item 1): only on a platform thread (a virtual thread
     * would pin its carrier in the kernel, so it uses {@code MSG_DONTWAIT} and parks), only without
     * timeout (a timeout needs {@code poll(2)}), and only once connected (connect(2) needs the
     * descriptor non-blocking). The first such call clears {@code O_NONBLOCK}, one
     * {@code fcntl(2)} per socket; {@code MSG_DONTWAIT} keeps every other call non-blocking.
     * {@link #close()}'s {@code shutdown(2)} and an interrupt ({@link Interruption}) still wake the
     * thread in the kernel.
     */
    private boolean blocksInKernel(int s) throws ErrnoException {
        if (Thread.currentThread().isVirtual() || !connected) {
            return false;
        }
        if (!blockingDescriptor) {
            int r = SYS.fcntl(s, Linux.F_SETFL(), 0); // clears O_NONBLOCK, the only status flag the library sets
            if (r < 0) {
                throw Sys.error("fcntl(fd " + s + ", F_SETFL, 0)", r);
            }
            blockingDescriptor = true;
        }
        return true;
    }

    private void awaitReady(int s, int events, long timeout, long deadline, String op) throws IOException {
        long left = timeout < 0 ? -1 : deadline - System.nanoTime();
        if (timeout >= 0 && left <= 0) {
            throw new SocketTimeoutException(op + "(fd " + s + ") timed out");
        }
        int ev = awaitInterruptibly(s, events, left, op);
        checkOpen(op);
        if (ev == 0 && timeout >= 0) {
            throw new SocketTimeoutException(op + "(fd " + s + ") timed out");
        }
    }

    /**
     * Reads into a buffer from its position, as {@link #read(MemorySegment)}: a direct buffer
     * directly, a heap buffer through one native copy. The socket keeps the segment over the last
     * buffer it read into, so reading into the same buffer again allocates nothing (except, for a
     * direct buffer whose position is not 0, the 40-byte slice passed to the kernel, unless the JIT
     * removes it); it lets go of the buffer when given another one or when closed.
     *
     * @return bytes read, or -1 at end of stream
     * @throws IllegalArgumentException if {@code dst} is {@linkplain ByteBuffer#isReadOnly() read-only}
     *         (checked before any system call: nothing is consumed from the socket)
     */
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        requireWritable(dst.isReadOnly(), "buffer");
        int n = read(segmentOver(dst, true), dst.position(), dst.remaining());
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    /**
     * Writes all remaining bytes of a buffer, as {@link #write(MemorySegment)} (a heap buffer
     * through one native copy). The socket keeps the segment over the last buffer it wrote from,
     * as {@link #read(ByteBuffer)} does.
     */
    public void write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        write(segmentOver(src, false), src.position(), src.remaining());
        src.position(src.limit());
    }

    /**
     * Reads into {@code b[off..off+len)} through one native copy; reading into the same array
     * again allocates nothing, as {@link #read(ByteBuffer)}. {@return bytes read, or -1 at end of stream}
     *
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are not a range of {@code b}
     */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        return read(segmentOver(b, true), off, len);
    }

    /**
     * Writes all of {@code b[off..off+len)} through one native copy; writing from the same array
     * again allocates nothing, as {@link #write(ByteBuffer)}.
     *
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are not a range of {@code b}
     */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "b").length);
        write(segmentOver(b, false), off, len);
    }

    /**
     * The segment over a program's buffer (see {@link BufferSegment}), kept as the last one read
     * into or written from. The field is stored only when the buffer changes, so a reader and a
     * writer thread do not both write to this object on every call.
     */
    private MemorySegment segmentOver(Object buffer, boolean reading) {
        BufferSegment last = reading ? lastReadInto : lastWrittenFrom;
        BufferSegment b = BufferSegment.over(last, buffer);
        if (b != last) {
            if (reading) {
                lastReadInto = b;
            } else {
                lastWrittenFrom = b;
            }
        }
        return b.whole();
    }

    /** Half-closes the reading side ({@code shutdown(SHUT_RD)}). */
    public void shutdownInput() throws IOException {
        shutdown(Linux.SHUT_RD(), "SHUT_RD");
    }

    /** Half-closes the writing side ({@code shutdown(SHUT_WR)}): the peer reads end of stream. */
    public void shutdownOutput() throws IOException {
        shutdown(Linux.SHUT_WR(), "SHUT_WR");
    }

    private void shutdown(int how, String name) throws IOException {
        int s = fd.acquire("shutdown");
        try {
            int r = SYS.shutdown(s, how);
            if (r < 0) {
                throw Sys.error("shutdown(fd " + s + ", " + name + ")", r);
            }
        } finally {
            fd.release();
        }
    }

    /** {@return the peer's address, from {@code getpeername(2)}} */
    public InetSocketAddress remoteAddress() throws IOException {
        return address(false);
    }

    /**
     * Answers whether this connection really is multipath: the socket is MPTCP and
     * {@code getsockopt(MPTCP_INFO)} succeeds without {@code MPTCP_INFO_FLAG_FALLBACK}. On a
     * connection that fell back to TCP (peer without MPTCP, a middlebox stripping the option) the
     * kernel answers {@code EOPNOTSUPP} or sets the fallback flag.
     */
    public boolean isMultipath() throws IOException {
        if (!isMptcp()) {
            return false;
        }
        // Only the flags are needed: the kernel copies min(len, sizeof) bytes.
        int need = (int) (mptcp_info.mptcpi_flags$offset() + 4);
        int s = fd.acquire("isMultipath");
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment info = sc.buffer();
            MemorySegment len = sc.length();
            len.set(ValueLayout.JAVA_INT, 0, need);
            int r = SYS.getsockopt(sc, s, Linux.SOL_MPTCP(), Linux.MPTCP_INFO(), info, len);
            if (r == -Linux.EOPNOTSUPP()) {
                return false;
            }
            if (r < 0) {
                throw Sys.error("getsockopt(fd " + s + ", MPTCP_INFO)", r);
            }
            return len.get(ValueLayout.JAVA_INT, 0) >= need
                    && (mptcp_info.mptcpi_flags(info) & Linux.MPTCP_INFO_FLAG_FALLBACK()) == 0;
        } finally {
            sc.release();
            fd.release();
        }
    }

    /**
     * Reads {@code MPTCP_INFO} ({@code getsockopt(SOL_MPTCP, MPTCP_INFO)}) into a reusable view:
     * no copy, no allocation once warm.
     *
     * @throws ErrnoException {@code EOPNOTSUPP} on a TCP socket or a connection that fell back to TCP
     */
    public MptcpInfo mptcpInfo(MptcpInfo view) throws IOException {
        Objects.requireNonNull(view, "view");
        return INFO_VIEWS.read(view, fd);
    }

    /**
     * Reads {@code TCP_INFO} ({@code getsockopt(SOL_TCP, TCP_INFO)}) into a reusable view. On an MPTCP
     * socket the kernel answers for the first subflow; use {@link #subflowTcpInfos} for all of them.
     */
    public TcpInfo tcpInfo(TcpInfo view) throws IOException {
        Objects.requireNonNull(view, "view");
        return INFO_VIEWS.read(view, fd);
    }

    /**
     * Reads every subflow's {@code tcp_info} ({@code getsockopt(SOL_MPTCP, MPTCP_TCPINFO)}), growing
     * the view when the connection has more subflows than it holds.
     *
     * @throws ErrnoException {@code EOPNOTSUPP} on a TCP socket or a fallen-back connection
     */
    public SubflowTcpInfos subflowTcpInfos(SubflowTcpInfos view) throws IOException {
        Objects.requireNonNull(view, "view");
        return INFO_VIEWS.read(view, fd);
    }

    /**
     * Reads every subflow's local and remote address ({@code getsockopt(SOL_MPTCP, MPTCP_SUBFLOW_ADDRS)}).
     *
     * @throws ErrnoException {@code EOPNOTSUPP} on a TCP socket or a fallen-back connection
     */
    public SubflowAddresses subflowAddresses(SubflowAddresses view) throws IOException {
        Objects.requireNonNull(view, "view");
        return INFO_VIEWS.read(view, fd);
    }

    /**
     * Reads {@code MPTCP_FULL_INFO} (Linux 6.5+): {@code mptcp_info} plus each subflow's id,
     * addresses and {@code tcp_info} in one call, one consistent snapshot.
     *
     * <p>Kernels before 6.5 (upstream commit 492432074e4f, "mptcp: introduce MPTCP_FULL_INFO
     * getsockopt") do not have it. This method does not stitch an answer together from
     * {@link #mptcpInfo}, {@link #subflowTcpInfos} and {@link #subflowAddresses} there: three calls
     * are not one snapshot (a subflow may come or go between them), and a view that looks atomic but
     * is not would mislead. It throws instead, naming the first kernel with the call; read the three
     * views yourself where a non-atomic picture is good enough.
     *
     * @throws ErrnoException {@code EOPNOTSUPP} on a TCP socket or a fallen-back connection; also
     *         {@code EOPNOTSUPP} on an MPTCP connection under a kernel before 6.5, with a message saying
     *         that {@code MPTCP_FULL_INFO} needs Linux 6.5
     */
    public MptcpFullInfo fullInfo(MptcpFullInfo view) throws IOException {
        Objects.requireNonNull(view, "view");
        try {
            return INFO_VIEWS.read(view, fd);
        } catch (ErrnoException e) {
            if (e.errno() != Linux.EOPNOTSUPP() || !hasMptcpInfo()) {
                throw e;
            }
            // MPTCP_INFO answers, so the connection is MPTCP: the kernel lacks MPTCP_FULL_INFO.
            throw new ErrnoException(e.operation(), e.errno(), "Operation not supported",
                    "MPTCP_FULL_INFO needs Linux 6.5 or later (this kernel has MPTCP_INFO, MPTCP_TCPINFO and "
                            + "MPTCP_SUBFLOW_ADDRS: read mptcpInfo(), subflowTcpInfos(), subflowAddresses())");
        }
    }

    private boolean hasMptcpInfo() {
        try {
            INFO_VIEWS.read(new MptcpInfo(), fd);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

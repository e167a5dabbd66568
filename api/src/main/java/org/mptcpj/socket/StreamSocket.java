package org.mptcpj.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_info;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.SubflowTcpInfos;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.Readiness;
import org.mptcpj.internal.sys.SockAddrs;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.internal.sys.ThreadScratch;

/**
 * A connected (or connecting) MPTCP or TCP stream socket.
 *
 * <p>Data moves between the kernel and a {@link MemorySegment} or a direct {@link ByteBuffer}
 * with no copy; heap arrays and buffers are copied once through a per-thread native buffer, as
 * the JDK does. Reads and writes block (in {@code poll(2)}) until done, the read timeout passes,
 * or the socket is closed. One thread may read while another writes.
 *
 * <p><b>Virtual threads:</b> a platform thread waits in {@code poll(2)}; a virtual thread parks
 * while the library's poller thread watches its descriptor, so blocked reads, writes, accepts and
 * connects do not hold carrier threads. {@link MptcpChannels} offers the JDK's own channels over
 * MPTCP sockets for code that wants NIO.
 */
public final class StreamSocket extends NativeSocket {
    private static final int HEAP_CHUNK = 64 * 1024;
    private static final ThreadLocal<MemorySegment> BOUNCE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(HEAP_CHUNK, 16));

    /** Grace period of the dead-peer watchdog when keepalive turns it on by default. */
    public static final Duration DEFAULT_DEAD_PEER_GRACE = Duration.ofMillis(500);

    private volatile long readTimeoutNanos = -1;
    private volatile boolean connected;

    // Dead-peer watchdog state (see DeadPeerWatchdog). activity is the 1-bit mark: set by I/O that
    // moved data, cleared by the watchdog's pass; a plain field, a stale read only delays a pass.
    int activity;
    long noSubflowSince;
    int watchIndex = -1;
    volatile long deadPeerGraceNanos = DEFAULT_DEAD_PEER_GRACE.toNanos();
    private volatile boolean watchdogChosen;
    private volatile String deadPeer;

    private StreamSocket(GuardedFd fd, int family, boolean mptcp, String refusal) {
        super(fd, family, mptcp, refusal);
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
        return new StreamSocket(c.fd(), c.family(), c.mptcp(), c.refusal());
    }

    /** An accepted connection: it inherits the listener's options, keepalive included. */
    static StreamSocket accepted(GuardedFd fd, int family, boolean mptcp, KeepaliveSettings listenerKeepalive)
            throws IOException {
        StreamSocket s = new StreamSocket(fd, family, mptcp, null);
        try {
            s.established(listenerKeepalive);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Binds the local end before connecting ({@code bind(2)}). */
    public StreamSocket bind(InetSocketAddress local) throws IOException {
        bindTo(local);
        return this;
    }

    /**
     * Connects with {@code connect(2)}, waiting at most {@code timeout} for the handshake.
     *
     * @throws SocketTimeoutException if the timeout passes (the socket is then closed, as the JDK does)
     * @throws ErrnoException with the handshake's errno from {@code SO_ERROR}, e.g. {@code ECONNREFUSED}
     */
    public StreamSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        MemorySegment buf = ThreadScratch.buffer();
        int len = SockAddrs.write(remote, family, buf);
        long deadline = System.nanoTime() + timeout.toNanos();
        int s = fd.acquire("connect");
        boolean timedOut = false;
        try {
            int r = Sys.connect(s, buf, len);
            if (r == -Linux.EINPROGRESS()) {
                for (;;) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        timedOut = true;
                        throw new SocketTimeoutException("connect(fd " + s + ", " + remote + ") timed out after " + timeout);
                    }
                    int ev = Readiness.await(s, Linux.POLLOUT(), left);
                    checkOpen("connect");
                    if (ev > 0) {
                        break;
                    }
                }
                r = -soError(s);
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
        if (isMptcp() && !settings.isEmpty()) {
            settings.applyTo(this);
        }
        updateWatchdog();
    }

    @Override
    void optionApplied(org.mptcpj.option.NativeOption<?> option, Object value) {
        if (option == org.mptcpj.option.Options.SO_KEEPALIVE) {
            updateWatchdog();
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
     * @param grace how long a connection may have no subflow; {@code null} turns the watchdog off
     */
    public void setDeadPeerWatchdog(Duration grace) {
        if (grace != null && (grace.isNegative() || grace.isZero())) {
            throw new IllegalArgumentException("dead-peer grace " + grace + " must be positive");
        }
        watchdogChosen = true;
        deadPeerGraceNanos = grace == null ? -1 : grace.toNanos();
        updateWatchdog();
    }

    /** {@return whether the dead-peer watchdog is watching this connection now} */
    public boolean isPeerDeadDetection() {
        return watchIndex >= 0;
    }

    private void updateWatchdog() {
        boolean on = connected && isMptcp() && isOpen() && deadPeer == null && deadPeerGraceNanos > 0
                && (watchdogChosen || keepaliveSettings.enabled());
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
        if (fd.tryAcquire()) {
            try {
                Sys.shutdown(fd.number(), Linux.SHUT_RDWR()); // wakes threads in poll
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
        super.close();
    }

    /** {@return the pending error of the socket ({@code SO_ERROR}), 0 if none} */
    private static int soError(int s) throws ErrnoException {
        MemorySegment v = ThreadScratch.buffer();
        MemorySegment len = ThreadScratch.length();
        len.set(ValueLayout.JAVA_INT, 0, 4);
        int r = Sys.getsockopt(s, Linux.SOL_SOCKET(), Linux.SO_ERROR(), v, len);
        if (r < 0) {
            throw Sys.error("getsockopt(fd " + s + ", SO_ERROR)", r);
        }
        return v.get(ValueLayout.JAVA_INT, 0);
    }

    private void checkOpen(String operation) throws IOException {
        if (fd.isClosed()) {
            throw new org.mptcpj.error.SocketClosedException(operation);
        }
    }

    /** Sets how long a read may block; {@code null} or zero means without limit. */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = timeout == null || timeout.isZero() ? -1 : timeout.toNanos();
    }

    /**
     * Reads with {@code recv(2)} into {@code dst}, blocking until at least one byte arrives. Native
     * memory is read into directly; a heap segment through one copy.
     *
     * @return the number of bytes read (at most {@code dst.byteSize()}), or -1 at end of stream
     * @throws SocketTimeoutException if the read timeout passes first
     * @throws ErrnoException e.g. {@code ECONNRESET}, {@code ETIMEDOUT} (keepalive or user timeout expired)
     */
    public int read(MemorySegment dst) throws IOException {
        if (dst.isNative()) {
            return readNative(dst);
        }
        // Heap memory cannot be handed to the kernel: one copy through this thread's native buffer.
        MemorySegment bounce = BOUNCE.get();
        int n = readNative(bounce.asSlice(0, Math.min(dst.byteSize(), HEAP_CHUNK)));
        if (n > 0) {
            MemorySegment.copy(bounce, 0, dst, 0, n);
        }
        return n;
    }

    private int readNative(MemorySegment dst) throws IOException {
        if (dst.byteSize() == 0) {
            return 0;
        }
        long timeout = readTimeoutNanos;
        long deadline = System.nanoTime() + timeout;
        int s = fd.acquire("read");
        try {
            for (;;) {
                checkPeerAlive("read", s);
                long r = Sys.recv(s, dst, dst.byteSize(), 0);
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
     * {@code EPIPE}, never {@code SIGPIPE}), blocking while the send buffer is full.
     *
     * @throws ErrnoException e.g. {@code EPIPE}, {@code ECONNRESET}
     */
    public void write(MemorySegment src) throws IOException {
        if (src.isNative()) {
            writeNative(src);
            return;
        }
        MemorySegment bounce = BOUNCE.get();
        for (long done = 0; done < src.byteSize(); done += HEAP_CHUNK) {
            long n = Math.min(src.byteSize() - done, HEAP_CHUNK);
            MemorySegment.copy(src, done, bounce, 0, n);
            writeNative(bounce.asSlice(0, n));
        }
    }

    private void writeNative(MemorySegment src) throws IOException {
        int s = fd.acquire("write");
        try {
            long done = 0;
            long size = src.byteSize();
            while (done < size) {
                checkPeerAlive("write", s);
                long r = Sys.send(s, src.asSlice(done), size - done, Linux.MSG_NOSIGNAL());
                if (r >= 0) {
                    done += r;
                    activity = 1;
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

    private void awaitReady(int s, int events, long timeout, long deadline, String op) throws IOException {
        long left = timeout < 0 ? -1 : deadline - System.nanoTime();
        if (timeout >= 0 && left <= 0) {
            throw new SocketTimeoutException(op + "(fd " + s + ") timed out");
        }
        int ev = Readiness.await(s, events, left);
        checkOpen(op);
        if (ev < 0) {
            throw Sys.error("poll(fd " + s + ")", ev);
        }
        if (ev == 0 && timeout >= 0) {
            throw new SocketTimeoutException(op + "(fd " + s + ") timed out");
        }
    }

    /**
     * Reads into a buffer from its position: a direct buffer directly, a heap buffer through one
     * native copy.
     *
     * @return bytes read, or -1 at end of stream
     */
    public int read(ByteBuffer dst) throws IOException {
        int n = read(MemorySegment.ofBuffer(dst)); // the segment covers position..limit
        if (n > 0) {
            dst.position(dst.position() + n);
        }
        return n;
    }

    /** Writes all remaining bytes of a buffer (a heap buffer through one native copy). */
    public void write(ByteBuffer src) throws IOException {
        write(MemorySegment.ofBuffer(src));
        src.position(src.limit());
    }

    /** Reads into {@code b[off..off+len)}; {@return bytes read, or -1 at end of stream} */
    public int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /** Writes all of {@code b[off..off+len)}. */
    public void write(byte[] b, int off, int len) throws IOException {
        write(ByteBuffer.wrap(b, off, len));
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
            int r = Sys.shutdown(s, how);
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
        MemorySegment info = ThreadScratch.buffer();
        MemorySegment len = ThreadScratch.length();
        // Only the flags are needed: the kernel copies min(len, sizeof) bytes.
        int need = (int) (mptcp_info.mptcpi_flags$offset() + 4);
        len.set(ValueLayout.JAVA_INT, 0, need);
        int s = fd.acquire("isMultipath");
        try {
            int r = Sys.getsockopt(s, Linux.SOL_MPTCP(), Linux.MPTCP_INFO(), info, len);
            if (r == -Linux.EOPNOTSUPP()) {
                return false;
            }
            if (r < 0) {
                throw Sys.error("getsockopt(fd " + s + ", MPTCP_INFO)", r);
            }
            return len.get(ValueLayout.JAVA_INT, 0) >= need
                    && (mptcp_info.mptcpi_flags(info) & Linux.MPTCP_INFO_FLAG_FALLBACK()) == 0;
        } finally {
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
        return view.read(fd);
    }

    /**
     * Reads {@code TCP_INFO} ({@code getsockopt(SOL_TCP, TCP_INFO)}) into a reusable view. On an MPTCP
     * socket the kernel answers for the first subflow; use {@link #subflowTcpInfos} for all of them.
     */
    public TcpInfo tcpInfo(TcpInfo view) throws IOException {
        return view.read(fd);
    }

    /**
     * Reads every subflow's {@code tcp_info} ({@code getsockopt(SOL_MPTCP, MPTCP_TCPINFO)}), growing
     * the view when the connection has more subflows than it holds.
     *
     * @throws ErrnoException {@code EOPNOTSUPP} on a TCP socket or a fallen-back connection
     */
    public SubflowTcpInfos subflowTcpInfos(SubflowTcpInfos view) throws IOException {
        return view.read(fd);
    }

    /**
     * Reads every subflow's local and remote address ({@code getsockopt(SOL_MPTCP, MPTCP_SUBFLOW_ADDRS)}).
     *
     * @throws ErrnoException {@code EOPNOTSUPP} on a TCP socket or a fallen-back connection
     */
    public SubflowAddresses subflowAddresses(SubflowAddresses view) throws IOException {
        return view.read(fd);
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
        try {
            return view.read(fd);
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
            new MptcpInfo().read(fd);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

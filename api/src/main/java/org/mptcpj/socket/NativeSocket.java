package org.mptcpj.socket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Cleaner;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.MptcpUnavailableException;
import org.mptcpj.error.SocketClosedByInterruptException;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.Readiness;
import org.mptcpj.internal.sys.SockAddrs;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.internal.sys.ThreadScratch;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.NativeOption;
import org.mptcpj.option.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every socket of this library has: a guarded descriptor, a protocol (MPTCP or TCP), typed
 * options, a local address and {@link #close()}.
 *
 * <p>Descriptors are close-on-exec. Listening and connecting sockets are non-blocking
 * ({@code SOCK_NONBLOCK}) and wait for readiness in {@code poll(2)} (a virtual thread: parked,
 * see {@link StreamSocket}); connected sockets block in {@code recv(2)}/{@code send(2)} on platform
 * threads without timeout, as C does. Closing a socket while other threads use it wakes them promptly with a
 * {@link org.mptcpj.error.SocketClosedException}, and the descriptor number is released only when
 * none of them can still reach it. A socket that becomes unreachable without being closed is
 * closed by a {@link Cleaner}, with a warning in the log.
 *
 * <p>Option values, lengths and addresses pass through small per-call native scratch, never
 * allocated per call: a platform thread's own, or, on a virtual thread, one leased from a shared
 * pool for the duration of the system call (see {@link StreamSocket}, "Native memory").
 */
public abstract sealed class NativeSocket implements AutoCloseable permits StreamSocket, ServerStreamSocket {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    static final Logger LOG = LoggerFactory.getLogger("org.mptcpj.socket");
    private static final Cleaner CLEANER = Cleaner.create();

    final GuardedFd fd;
    final int family;
    /**
     * The keepalive options set on this socket, to re-apply on MPTCP connections (see
     * KeepaliveSettings): {@link KeepaliveSettings#NONE} until the first of them is set, so that a
     * socket without keepalive allocates none.
     */
    volatile KeepaliveSettings keepaliveSettings = KeepaliveSettings.NONE;
    /**
     * {@link #PROTOCOL_TCP}, {@link #PROTOCOL_MPTCP}, or {@link #PROTOCOL_UNKNOWN} until the first
     * question about a socket an MPTCP listener accepted (see {@link #isMptcp()}). A plain field: it
     * changes at most once, from unknown to the kernel's answer, which never changes ({@code SO_PROTOCOL}
     * is fixed when the socket is made); threads racing to ask store the same value, and a thread that
     * still sees "unknown" only asks again.
     */
    private int protocol;
    private final String mptcpRefusal;
    private final Cleaner.Cleanable cleanable;
    /**
     * Made on the first blocking call; a plain field, since two threads racing to make it each get
     * a working one (both close this socket, and closing twice is harmless).
     */
    private Interruption interruption;

    /** Values of {@link #protocol}. */
    static final int PROTOCOL_UNKNOWN = 0;
    static final int PROTOCOL_TCP = 1;
    static final int PROTOCOL_MPTCP = 2;

    NativeSocket(GuardedFd fd, int family, int protocol, String mptcpRefusal) {
        this.fd = fd;
        this.family = family;
        this.protocol = protocol;
        this.mptcpRefusal = mptcpRefusal;
        this.cleanable = CLEANER.register(this, new LeakGuard(fd, getClass().getSimpleName()));
    }

    /** Closes a socket that was dropped without close(); holds only the descriptor, never the socket. */
    private record LeakGuard(GuardedFd fd, String kind) implements Runnable {
        @Override
        public void run() {
            if (fd.close()) {
                LOG.warn("{} on fd {} was not closed before it became unreachable; closed it now", kind, fd.number());
            }
        }
    }

    /** Creates the descriptor for {@code policy}: {@code socket(family, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, proto)}. */
    static Created create(MptcpPolicy policy, ProtocolFamily protocolFamily) throws ErrnoException {
        return create(policy, protocolFamily, Linux.SOCK_NONBLOCK());
    }

    /** As {@link #create(MptcpPolicy, ProtocolFamily)}, with {@code extraType} (SOCK_NONBLOCK or 0) in the type. */
    static Created create(MptcpPolicy policy, ProtocolFamily protocolFamily, int extraType) throws ErrnoException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(protocolFamily, "family");
        int family = familyOf(protocolFamily);
        int type = Linux.SOCK_STREAM() | extraType | Linux.SOCK_CLOEXEC();
        if (policy != MptcpPolicy.DISABLED) {
            int r = SYS.socket(family, type, Linux.IPPROTO_MPTCP());
            if (r >= 0) {
                return new Created(SYS.guard(r), family, true, null);
            }
            String op = "socket(" + protocolFamily + ", SOCK_STREAM, IPPROTO_MPTCP)";
            if (!meansNoMptcp(-r)) {
                // EMFILE, ENFILE, ENOBUFS, an LSM's EACCES...: TCP would fail too, or the refusal is policy.
                throw Sys.error(op, r);
            }
            String reason = refusalReason(-r);
            if (policy == MptcpPolicy.REQUIRED) {
                throw new MptcpUnavailableException(op, -r, Sys.strerror(-r), reason);
            }
            String refusal = reason + " (" + Sys.error(op, r).getMessage() + ")";
            if (LOGGED_FALLBACKS.add(-r)) {
                LOG.info("MPTCP preferred but unavailable, using TCP (logged once per cause): {}", refusal);
            }
            int tcp = SYS.socket(family, type, Linux.IPPROTO_TCP());
            if (tcp < 0) {
                throw Sys.error("socket(" + protocolFamily + ", SOCK_STREAM, IPPROTO_TCP)", tcp);
            }
            return new Created(SYS.guard(tcp), family, false, refusal);
        }
        int tcp = SYS.socket(family, type, Linux.IPPROTO_TCP());
        if (tcp < 0) {
            throw Sys.error("socket(" + protocolFamily + ", SOCK_STREAM, IPPROTO_TCP)", tcp);
        }
        return new Created(SYS.guard(tcp), family, false, null);
    }

    /** The errnos of {@code socket(IPPROTO_MPTCP)} whose fallback to TCP was logged already. */
    private static final Set<Integer> LOGGED_FALLBACKS = ConcurrentHashMap.newKeySet();

    /**
     * Whether an errno of {@code socket(IPPROTO_MPTCP)} means "no MPTCP here": {@code ENOPROTOOPT}
     * (net.mptcp.enabled=0, mptcp_init_sock()), {@code EPROTONOSUPPORT} or {@code EINVAL} (no
     * CONFIG_MPTCP, kernel before 5.6), {@code EAFNOSUPPORT} (INET6 without CONFIG_MPTCP_IPV6).
     */
    static boolean meansNoMptcp(int errno) {
        return errno == Linux.ENOPROTOOPT() || errno == Linux.EPROTONOSUPPORT() || errno == Linux.EINVAL()
                || errno == Linux.EAFNOSUPPORT();
    }

    private static String refusalReason(int errno) {
        if (errno == Linux.ENOPROTOOPT()) {
            return "MPTCP is disabled: sysctl net.mptcp.enabled=0";
        }
        if (errno == Linux.EPROTONOSUPPORT() || errno == Linux.EINVAL()) {
            return "the kernel has no MPTCP (Linux >= 5.6 with CONFIG_MPTCP required)";
        }
        if (errno == Linux.EAFNOSUPPORT()) {
            return "the kernel has no MPTCP for this address family (CONFIG_MPTCP_IPV6)";
        }
        throw new AssertionError("not a 'no MPTCP' errno: " + errno);
    }

    record Created(GuardedFd fd, int family, boolean mptcp, String refusal) {
        /** {@return {@link #PROTOCOL_MPTCP} or {@link #PROTOCOL_TCP}} */
        int protocol() {
            return mptcp ? PROTOCOL_MPTCP : PROTOCOL_TCP;
        }
    }

    static int familyOf(ProtocolFamily f) {
        if (f == StandardProtocolFamily.INET) {
            return Linux.AF_INET();
        }
        if (f == StandardProtocolFamily.INET6) {
            return Linux.AF_INET6();
        }
        throw new IllegalArgumentException("unsupported protocol family " + f + " (INET or INET6)");
    }

    /**
     * {@return {@code getsockopt(fd, level, name)} of an {@code int} option, or the negative errno}
     * (for descriptors the caller holds: a guard's number, a fresh accept, an attachment's duplicate)
     */
    static int intOption(int fd, int level, int name) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment value = sc.buffer();
            MemorySegment len = sc.length();
            len.set(ValueLayout.JAVA_INT, 0, Integer.BYTES);
            int r = SYS.getsockopt(sc, fd, level, name, value, len);
            return r < 0 ? r : value.get(ValueLayout.JAVA_INT, 0);
        } finally {
            sc.release();
        }
    }

    /**
     * {@return whether the socket is an MPTCP socket} A connection on it may still have fallen back
     * to TCP: ask {@link StreamSocket#isMultipath()}.
     *
     * <p>A socket this library opened knows it without a system call ({@code socket(2)} was asked for
     * {@code IPPROTO_MPTCP} and gave it, or not). So does one a TCP listener accepted. A socket an
     * MPTCP listener accepted may be either: the listener hands a client that did not ask for MPTCP
     * a plain TCP socket (net/mptcp/protocol.c, mptcp_accept()). Its first question, here or from
     * anything that depends on the answer (re-applying the listener's keepalive settings, the
     * dead-peer watchdog, {@link StreamSocket#isMultipath()}, a JFR event), asks the kernel once with
     * {@code getsockopt(SOL_SOCKET, SO_PROTOCOL)}, and the answer is kept; a connection that is only
     * accepted, used and closed never asks.
     *
     * @throws SocketClosedException if the socket was closed before anything asked (only an accepted
     *         socket of an MPTCP listener, whose answer was never needed, can be in that state)
     * @throws ErrnoException if {@code getsockopt(SO_PROTOCOL)} fails (Linux answers it for every
     *         socket; a security module or a cgroup BPF program can refuse it, e.g. {@code EPERM})
     */
    public boolean isMptcp() throws IOException {
        int p = protocol;
        if (p == PROTOCOL_UNKNOWN) {
            int s = fd.acquire("isMptcp");
            try {
                p = askProtocol(s);
            } finally {
                fd.release();
            }
        }
        return p == PROTOCOL_MPTCP;
    }

    /** {@return what is known of the protocol without a system call: PROTOCOL_TCP, PROTOCOL_MPTCP or PROTOCOL_UNKNOWN} */
    final int knownProtocol() {
        return protocol;
    }

    /**
     * Asks the kernel what the held descriptor {@code s} is ({@code getsockopt(SO_PROTOCOL)}) and
     * remembers it. {@return PROTOCOL_MPTCP or PROTOCOL_TCP}
     */
    private int askProtocol(int s) throws ErrnoException {
        int r = intOption(s, Linux.SOL_SOCKET(), Linux.SO_PROTOCOL());
        if (r < 0) {
            throw Sys.error("getsockopt(fd " + s + ", SO_PROTOCOL)", r);
        }
        int p = r == Linux.IPPROTO_MPTCP() ? PROTOCOL_MPTCP : PROTOCOL_TCP;
        protocol = p;
        return p;
    }

    /** {@return why MPTCP was preferred but not used (the kernel's refusal), or empty} */
    public Optional<String> mptcpRefusal() {
        return Optional.ofNullable(mptcpRefusal);
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return !fd.isClosed();
    }

    /**
     * Sets a typed option with {@code setsockopt(2)}; the value is checked against the option's
     * bounds first. Allocates nothing.
     *
     * @throws IllegalArgumentException for an out-of-range value (naming the option, value and bound)
     *         or an option that is not a {@link NativeOption}
     * @throws ErrnoException e.g. {@code ENOPROTOOPT} or {@code EOPNOTSUPP} if the kernel refuses the option
     */
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(value, "value");
        NativeOption<T> o = nativeOption(option);
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            int s = fd.acquire("setsockopt", o.name());
            try {
                set(sc, s, o, value);
            } finally {
                fd.release();
            }
        } finally {
            sc.release();
        }
    }

    /**
     * {@code setsockopt(2)} on the held descriptor {@code s} with the caller's scratch, then what
     * follows a set: a keepalive setting remembered, the subclass told (which may acquire the
     * descriptor and a scratch again while the caller holds them; neither is exclusive).
     */
    private <T> void set(ThreadScratch sc, int s, NativeOption<T> o, T value) throws IOException {
        MemorySegment buf = sc.buffer();
        int len = o.encode(value, buf);
        int r = SYS.setsockopt(sc, s, o.level(), o.optName(), buf, len);
        if (r < 0) {
            throw optionError("setsockopt(fd " + s + ", " + o.name() + ")", s, o, r);
        }
        if (KeepaliveSettings.covers(o)) {
            recordedKeepalive().record(o, value);
        }
        optionApplied(o, value);
    }

    private KeepaliveSettings recordedKeepalive() {
        KeepaliveSettings k = keepaliveSettings;
        if (k == KeepaliveSettings.NONE) {
            synchronized (this) { // once per socket, and only one that sets keepalive
                k = keepaliveSettings;
                if (k == KeepaliveSettings.NONE) {
                    keepaliveSettings = k = new KeepaliveSettings();
                }
            }
        }
        return k;
    }

    /** Hook for subclasses: an option was set successfully. */
    void optionApplied(NativeOption<?> option, Object value) throws IOException {
    }

    /**
     * Reads a typed option with {@code getsockopt(2)}. Allocates nothing once warm for flags,
     * small counts and keepalive durations.
     *
     * @throws ErrnoException if the kernel refuses the option
     */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        NativeOption<T> o = nativeOption(option);
        int s = fd.acquire("getsockopt", o.name());
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return get(sc, s, o);
        } finally {
            sc.release();
            fd.release();
        }
    }

    /** {@code getsockopt(2)} on the held descriptor {@code s} with the caller's scratch. */
    private <T> T get(ThreadScratch sc, int s, NativeOption<T> o) throws ErrnoException {
        MemorySegment buf = sc.buffer();
        MemorySegment len = sc.length();
        len.set(ValueLayout.JAVA_INT, 0, o.capacity());
        int r = SYS.getsockopt(sc, s, o.level(), o.optName(), buf, len);
        if (r < 0) {
            throw optionError("getsockopt(fd " + s + ", " + o.name() + ")", s, o, r);
        }
        return o.decode(buf, len.get(ValueLayout.JAVA_INT, 0));
    }

    /**
     * The kernel's refusal of an option, explained when it comes from MPTCP: net/mptcp/sockopt.c
     * accepts only the options it knows how to apply to every subflow, and answers
     * {@code ENOPROTOOPT} or {@code EOPNOTSUPP} for the rest (on kernels before 5.17 that
     * included the {@code TCP_KEEP*} knobs). {@code s} is the descriptor the failed call held.
     */
    private ErrnoException optionError(String operation, int s, NativeOption<?> option, int negErrno) {
        int errno = -negErrno;
        if ((errno != Linux.ENOPROTOOPT() && errno != Linux.EOPNOTSUPP()) || !mptcpForHint(s)) {
            return Sys.error(operation, negErrno);
        }
        String hint = "this kernel does not support " + option.name() + " on MPTCP sockets";
        if (option.name().startsWith("TCP_KEEP")) {
            hint += "; set the system-wide defaults instead (sysctl net.ipv4.tcp_keepalive_time, "
                    + "net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes), which subflows inherit";
        }
        return new ErrnoException(operation, errno, Sys.strerror(errno), hint);
    }

    /** Whether the held descriptor {@code s} is MPTCP, for an error's hint: false if even that cannot be asked. */
    private boolean mptcpForHint(int s) {
        int p = protocol;
        if (p == PROTOCOL_UNKNOWN) {
            try {
                p = askProtocol(s);
            } catch (ErrnoException e) {
                return false; // the option's own errno is what the caller reports
            }
        }
        return p == PROTOCOL_MPTCP;
    }

    private static final Duration LONGEST_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    /**
     * The JDK's rule for timeouts ({@link java.net.Socket#setSoTimeout}): {@link Duration#ZERO}
     * means no limit ({@return -1 then, else the timeout in nanoseconds, capped at
     * Long.MAX_VALUE}); a negative timeout is an {@link IllegalArgumentException}.
     */
    static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " is negative (zero means no limit)");
        }
        if (timeout.isZero()) {
            return -1;
        }
        return timeout.compareTo(LONGEST_NANOS) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    private static <T> NativeOption<T> nativeOption(SocketOption<T> option) {
        Objects.requireNonNull(option, "option");
        if (option instanceof NativeOption<T> n) {
            return n;
        }
        throw new IllegalArgumentException(option + " is not an option of this library; use org.mptcpj.option.Options");
    }

    /**
     * Applies keepalive as one unit, four {@code setsockopt(2)} calls: (when enabled)
     * {@code TCP_KEEPINTVL}, {@code TCP_KEEPCNT}, {@code TCP_KEEPIDLE}, then {@code SO_KEEPALIVE}.
     * The idle time comes after the interval: on a connection idle for longer than the new idle
     * time, Linux sends a probe as soon as {@code TCP_KEEPIDLE} changes
     * ({@code tcp_sock_set_keepidle_locked()} re-arms the timer) and times the next one by the
     * interval in force then, while a new {@code TCP_KEEPINTVL} re-arms nothing. On an MPTCP
     * socket the kernel propagates them to every subflow (for settings made before {@code connect()},
     * only since upstream commit 648de37416b3, Linux 6.17 and stable backports). The four calls
     * hold the descriptor and the thread's scratch once. If the kernel refuses one, those before it
     * stay set (and are remembered for re-applying after {@code connect()}), those after it are not made.
     *
     * @throws IllegalArgumentException if a value is outside what {@code setsockopt(2)} accepts
     *         ({@link Keepalive#requireSettable()}), before any call
     * @throws ErrnoException if the kernel refuses one of them (older kernels answer
     *         {@code EOPNOTSUPP} for {@code TCP_KEEP*} on MPTCP sockets)
     */
    public void setKeepalive(Keepalive keepalive) throws IOException {
        Objects.requireNonNull(keepalive, "keepalive").requireSettable(); // all checked before the first call
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            int s = fd.acquire("setsockopt", "SO_KEEPALIVE");
            try {
                if (keepalive.enabled()) {
                    // The idle time last: setting it re-arms the timer and may send a probe at once, timed by
                    // the interval in force then; a new interval is read only at the next probe.
                    set(sc, s, Options.TCP_KEEPINTVL, keepalive.interval());
                    set(sc, s, Options.TCP_KEEPCNT, keepalive.count());
                    set(sc, s, Options.TCP_KEEPIDLE, keepalive.idle());
                }
                set(sc, s, Options.SO_KEEPALIVE, keepalive.enabled());
            } finally {
                fd.release();
            }
        } finally {
            sc.release();
        }
    }

    /**
     * {@return the keepalive settings the kernel holds for this socket (four getsockopt calls)}
     * Never fails on a value the kernel holds: a socket that did not set the knobs reports the
     * system defaults ({@code net.ipv4.tcp_keepalive_time/intvl/probes}, per network namespace),
     * which may exceed what {@link #setKeepalive} accepts.
     */
    public Keepalive keepalive() throws IOException {
        int s = fd.acquire("getsockopt", "SO_KEEPALIVE");
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return new Keepalive(get(sc, s, Options.SO_KEEPALIVE), get(sc, s, Options.TCP_KEEPIDLE),
                    get(sc, s, Options.TCP_KEEPINTVL), get(sc, s, Options.TCP_KEEPCNT));
        } finally {
            sc.release();
            fd.release();
        }
    }

    /** {@return the local address, from {@code getsockname(2)}} */
    public InetSocketAddress localAddress() throws IOException {
        return address(true);
    }

    InetSocketAddress address(boolean local) throws IOException {
        int s = fd.acquire(local ? "getsockname" : "getpeername");
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment buf = sc.buffer();
            MemorySegment len = sc.length();
            len.set(ValueLayout.JAVA_INT, 0, SockAddrs.STORAGE_SIZE);
            int r = local ? SYS.getsockname(sc, s, buf, len) : SYS.getpeername(sc, s, buf, len);
            if (r < 0) {
                throw Sys.error((local ? "getsockname" : "getpeername") + "(fd " + s + ")", r);
            }
            return SockAddrs.read(buf);
        } finally {
            sc.release();
            fd.release();
        }
    }

    /** {@return this socket's interrupt hook for a blocking wait (see {@link Interruption})} */
    final Interruption interruption() {
        Interruption i = interruption;
        if (i == null) {
            interruption = i = new Interruption(this);
        }
        return i;
    }

    /**
     * A blocking call begun with the interrupt status set closes the socket and throws, as the
     * JDK's channels do, even if it would not have had to wait.
     */
    final void failIfInterrupted(String operation) throws SocketClosedByInterruptException {
        if (Thread.currentThread().isInterrupted()) {
            Interruption i = interruption();
            i.enter();
            i.exit(operation);
        }
    }

    /**
     * Waits for readiness ({@link Readiness#await}) as a blocking call: an interrupt meanwhile
     * closes the socket and throws.
     *
     * @return the ready events, or 0 when the timeout passed
     * @throws ErrnoException if the wait itself failed ({@code poll(2)} or the poller's
     *         {@code epoll}), never disguised as a timeout
     */
    final int awaitInterruptibly(int s, int events, long timeoutNanos, String operation)
            throws IOException {
        Interruption i = interruption();
        i.enter();
        int ev;
        try {
            ev = Readiness.await(s, events, timeoutNanos);
        } finally {
            i.exit(operation);
        }
        if (ev < 0) {
            throw Readiness.error(s, ev);
        }
        return ev;
    }

    /** Binds with {@code bind(2)}. */
    void bindTo(InetSocketAddress address) throws IOException {
        Objects.requireNonNull(address, "local");
        int s = fd.acquire("bind");
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment buf = sc.buffer();
            int len = SockAddrs.write(address, family, buf);
            int r = SYS.bind(sc, s, buf, len);
            if (r < 0) {
                throw Sys.error("bind(fd " + s + ", " + address + ")", r);
            }
        } finally {
            sc.release();
            fd.release();
        }
    }

    /**
     * Closes the socket. Threads blocked on it wake with a {@link org.mptcpj.error.SocketClosedException};
     * the descriptor is released once the last of them has left. Closing twice is harmless.
     */
    @Override
    public void close() {
        fd.close();
        cleanable.clean(); // unregisters; the leak guard finds the descriptor closed and says nothing
    }

    @Override
    public String toString() {
        String where;
        try {
            where = isOpen() ? String.valueOf(localAddress()) : "closed";
        } catch (IOException e) {
            where = e.getMessage();
        }
        String protocolName;
        try {
            protocolName = isMptcp() ? "MPTCP" : "TCP";
        } catch (IOException e) { // an MPTCP listener's accepted socket, closed before anything asked
            protocolName = "TCP or MPTCP";
        }
        return getClass().getSimpleName() + "[" + protocolName + " " + fd + " " + where + "]";
    }
}

package org.mptcpj.pm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.nlmsgerr;
import org.mptcpj.bindings.linux.nlmsghdr;
import org.mptcpj.bindings.linux.pollfd;
import org.mptcpj.bindings.linux.sockaddr_nl;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.MptcpUnavailableException;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.netns.NetworkNamespace;

/**
 * A generic-netlink socket ({@code AF_NETLINK}, {@code SOCK_RAW|SOCK_CLOEXEC}, {@code NETLINK_GENERIC})
 * bound to a kernel-assigned port id, with {@code NETLINK_EXT_ACK} and {@code NETLINK_CAP_ACK} set.
 *
 * <p>Requests are serialised by a lock: each gets a fresh sequence number, is sent to the kernel
 * (port id 0), and its replies are read until the acknowledgement ({@code NLM_F_ACK} answered by an
 * {@code NLMSG_ERROR} with error 0), an error, or the {@code NLMSG_DONE} that ends a dump. Messages of
 * other sequence numbers (left from an earlier, failed request) are skipped.
 */
final class GenlSocket implements AutoCloseable {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    static final int RX_SIZE = 64 * 1024;
    private static final int TX_SIZE = 8 * 1024;
    private static final int HDR = NlMessageBuilder.NLMSG_HDRLEN;
    private static final int GENL_HDR = NlMessageBuilder.GENL_HDRLEN;
    private static final int DUMP_ATTEMPTS = 3;

    /** Writes a request's attributes. */
    @FunctionalInterface
    interface Writer {
        void write(NlMessageBuilder b);
    }

    /** Reads one reply message: {@code cmd} of its generic header, attributes in {@code [from, to)} of {@code msg}. */
    @FunctionalInterface
    interface Reader<T> {
        T read(int cmd, MemorySegment msg, long from, long to);
    }

    /** A resolved generic-netlink family. */
    record Family(String name, int id, int version, Map<String, Integer> groups) {
    }

    private final GuardedFd fd;
    private final int portId;
    private final Arena arena = Arena.ofShared();
    private final ReentrantLock lock = new ReentrantLock();
    private final MemorySegment tx;
    private final MemorySegment kernel;
    private MemorySegment rx;
    private int seq;

    private GenlSocket(int fd) throws IOException {
        this.fd = SYS.guard(fd);
        try {
            int one = 1;
            setInt(Linux.SOL_NETLINK(), Linux.NETLINK_EXT_ACK(), one, "NETLINK_EXT_ACK", true);
            setInt(Linux.SOL_NETLINK(), Linux.NETLINK_CAP_ACK(), one, "NETLINK_CAP_ACK", true);
            MemorySegment sa = arena.allocate(sockaddr_nl.layout());
            sockaddr_nl.nl_family(sa, (short) Linux.AF_NETLINK());
            int r = SYS.bind(fd, sa, (int) sockaddr_nl.sizeof());
            if (r < 0) {
                throw Sys.error("bind(netlink fd " + fd + ")", r);
            }
            MemorySegment len = arena.allocate(4);
            len.set(NlAttrs.U32, 0, (int) sockaddr_nl.sizeof());
            r = SYS.getsockname(fd, sa, len);
            if (r < 0) {
                throw Sys.error("getsockname(netlink fd " + fd + ")", r);
            }
            portId = sockaddr_nl.nl_pid(sa);
            kernel = arena.allocate(sockaddr_nl.layout());
            sockaddr_nl.nl_family(kernel, (short) Linux.AF_NETLINK());
            tx = arena.allocate(TX_SIZE, 8);
            rx = arena.allocate(RX_SIZE, 8);
            seq = (int) (System.nanoTime() & 0x3fffffff) | 1;
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * Opens a socket in the current thread's network namespace, or in {@code /run/netns/NAME} when
     * {@code netns} is not {@code null}.
     */
    static GenlSocket open(String netns) throws IOException {
        int fd = inNetns(netns, () -> {
            int s = SYS.socket(Linux.AF_NETLINK(), Linux.SOCK_RAW() | Linux.SOCK_CLOEXEC(), Linux.NETLINK_GENERIC());
            if (s < 0) {
                throw Sys.error("socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC)", s);
            }
            return s;
        });
        return new GenlSocket(fd);
    }

    /** Work that fails with an {@link IOException}, typically an {@link ErrnoException}. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} on the calling thread when {@code netns} is {@code null}, else inside
     * {@code /run/netns/NAME} ({@link NetworkNamespace#call}), and rethrows what it threw as it was.
     *
     * @throws IllegalArgumentException if {@code netns} is not a plain file name
     * @throws ErrnoException           {@code ENOENT} if there is no such namespace, {@code EPERM}
     *                                  without {@code CAP_SYS_ADMIN} to enter it
     * @throws InterruptedIOException   if the calling thread was interrupted before entering it
     */
    static <T> T inNetns(String netns, IoAction<T> action) throws IOException {
        if (netns == null) {
            return action.run();
        }
        try {
            return NetworkNamespace.call(netns, action::run);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException("action in network namespace " + netns + " failed", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted before entering network namespace " + netns);
        }
    }

    void setInt(int level, int name, int value, String what, boolean optional) throws IOException {
        int f = fd.acquire("setsockopt(" + what + ")");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(4);
            v.set(NlAttrs.U32, 0, value);
            int r = SYS.setsockopt(f, level, name, v, 4);
            if (r < 0 && !(optional && r == -Linux.ENOPROTOOPT())) {
                throw Sys.error("setsockopt(netlink fd " + f + ", " + what + ", " + value + ")", r);
            }
        } finally {
            fd.release();
        }
    }

    /** Joins a multicast group ({@code NETLINK_ADD_MEMBERSHIP} on {@code SOL_NETLINK}). */
    void joinGroup(int group, String name) throws IOException {
        setInt(Linux.SOL_NETLINK(), Linux.NETLINK_ADD_MEMBERSHIP(), group, "NETLINK_ADD_MEMBERSHIP " + name, false);
    }

    int portId() {
        return portId;
    }

    /**
     * Resolves a family by name with {@code CTRL_CMD_GETFAMILY}, with its multicast groups.
     *
     * @throws MptcpUnavailableException if the kernel has no such family ({@code ENOENT})
     */
    Family resolve(String name) throws IOException {
        List<Family> r;
        try {
            r = transact("CTRL_CMD_GETFAMILY(" + name + ")", Linux.GENL_ID_CTRL(), Linux.CTRL_CMD_GETFAMILY(), 2, false,
                    b -> b.string(Linux.CTRL_ATTR_FAMILY_NAME(), name),
                    (cmd, msg, from, to) -> parseFamily(msg, from, to), null);
        } catch (NetlinkErrorException e) {
            if (e.errno() == Linux.ENOENT()) {
                throw new MptcpUnavailableException(e.operation(), e.errno(), Sys.strerror(e.errno()),
                        "the kernel has no generic netlink family '" + name
                                + "' (built without CONFIG_MPTCP, or too old for the MPTCP path manager)");
            }
            throw e;
        }
        if (r.isEmpty()) {
            throw new NetlinkProtocolException("CTRL_CMD_GETFAMILY(" + name + "): no reply before the acknowledgement");
        }
        return r.get(0);
    }

    static Family parseFamily(MemorySegment msg, long from, long to) {
        NlAttrs a = NlAttrs.parse(msg, from, to, Linux.CTRL_ATTR_MCAST_GROUPS(), "CTRL_CMD_NEWFAMILY");
        String name = a.string(Linux.CTRL_ATTR_FAMILY_NAME(), "CTRL_ATTR_FAMILY_NAME");
        int id = a.u16(Linux.CTRL_ATTR_FAMILY_ID(), "CTRL_ATTR_FAMILY_ID", -1);
        if (id <= 0) {
            throw new NetlinkProtocolException("CTRL_CMD_NEWFAMILY for " + name + " without CTRL_ATTR_FAMILY_ID");
        }
        int version = (int) a.u32(Linux.CTRL_ATTR_VERSION(), "CTRL_ATTR_VERSION", 0);
        Map<String, Integer> groups = new HashMap<>();
        MemorySegment grps = a.payload(Linux.CTRL_ATTR_MCAST_GROUPS());
        if (grps != null) {
            NlAttrs.forEach(grps, 0, grps.byteSize(), "CTRL_ATTR_MCAST_GROUPS", (index, grp) -> {
                NlAttrs g = NlAttrs.parse(grp, Linux.CTRL_ATTR_MCAST_GRP_ID(), "CTRL_ATTR_MCAST_GROUPS/" + index);
                String gname = g.string(Linux.CTRL_ATTR_MCAST_GRP_NAME(), "CTRL_ATTR_MCAST_GRP_NAME");
                long gid = g.u32(Linux.CTRL_ATTR_MCAST_GRP_ID(), "CTRL_ATTR_MCAST_GRP_ID", -1);
                if (gname != null && gid > 0) {
                    groups.put(gname, (int) gid);
                }
            });
        }
        return new Family(name, id, version, Map.copyOf(groups));
    }

    /**
     * Sends one request and reads its replies.
     *
     * @param op     names the request in exceptions
     * @param dump   {@code NLM_F_DUMP} (replies until {@code NLMSG_DONE}) instead of {@code NLM_F_ACK};
     *               a dump the kernel marks {@code NLM_F_DUMP_INTR} (changed meanwhile) is repeated
     * @param reader parses each reply message of the family, or {@code null} if none is expected
     * @param hint   extra text for an error, by errno ({@code null} for none)
     * @return what {@code reader} returned for each reply message, in order
     * @throws NetlinkErrorException      if the kernel answered with an error
     * @throws NetlinkProtocolException   if a reply is malformed (after the request's replies were drained)
     */
    <T> List<T> transact(String op, int family, int cmd, int version, boolean dump, Writer writer,
                         Reader<T> reader, IntFunction<String> hint) throws IOException {
        lock.lock();
        try {
            int f = fd.acquire(op);
            try {
                for (int attempt = 1; ; attempt++) {
                    int mySeq = ++seq;
                    int flags = Linux.NLM_F_REQUEST() | (dump ? Linux.NLM_F_DUMP() : Linux.NLM_F_ACK());
                    NlMessageBuilder b = new NlMessageBuilder(tx).begin(family, flags, mySeq, cmd, version);
                    if (writer != null) {
                        writer.write(b);
                    }
                    int len = b.finish();
                    long r = SYS.sendto(f, tx, len, 0, kernel, (int) sockaddr_nl.sizeof());
                    if (r < 0) {
                        throw Sys.error(op + ": sendto(netlink fd " + f + ")", r);
                    }
                    boolean[] interrupted = new boolean[1];
                    List<T> out = receiveReplies(f, op, family, mySeq, reader, hint, interrupted);
                    if (!interrupted[0]) {
                        return out;
                    }
                    // NLM_F_DUMP_INTR: the table changed during the dump, which may be inconsistent
                    if (attempt == DUMP_ATTEMPTS) {
                        throw new NetlinkProtocolException(op + ": dump interrupted by concurrent changes "
                                + DUMP_ATTEMPTS + " times (NLM_F_DUMP_INTR)");
                    }
                }
            } finally {
                fd.release();
            }
        } finally {
            lock.unlock();
        }
    }

    private <T> List<T> receiveReplies(int f, String op, int family, int mySeq, Reader<T> reader,
                                       IntFunction<String> hint, boolean[] interrupted) throws IOException {
        List<T> out = new ArrayList<>();
        RuntimeException deferred = null;
        while (true) {
            long n = receive(f, 0, op);
            long off = 0;
            while (off < n) {
                if (n - off < HDR) {
                    throw new NetlinkProtocolException(op + ": truncated netlink header (" + (n - off) + " bytes)");
                }
                long len = Integer.toUnsignedLong(rx.get(NlAttrs.U32, off + nlmsghdr.nlmsg_len$offset()));
                if (len < HDR || len > n - off) {
                    throw new NetlinkProtocolException(op + ": netlink message length " + len + " (valid: "
                            + HDR + ".." + (n - off) + ")");
                }
                int type = Short.toUnsignedInt(rx.get(NlAttrs.U16, off + nlmsghdr.nlmsg_type$offset()));
                int flags = Short.toUnsignedInt(rx.get(NlAttrs.U16, off + nlmsghdr.nlmsg_flags$offset()));
                int s = rx.get(NlAttrs.U32, off + nlmsghdr.nlmsg_seq$offset());
                if (s == mySeq) {
                    if ((flags & Linux.NLM_F_DUMP_INTR()) != 0) {
                        interrupted[0] = true;
                    }
                    if (type == Linux.NLMSG_ERROR() || type == Linux.NLMSG_DONE()) {
                        int errno = errorOf(rx, off, len, op);
                        if (errno != 0) {
                            String msg = type == Linux.NLMSG_ERROR() ? extAck(rx, off, len, flags, op)
                                    : doneExtAck(rx, off, len, op);
                            throw new NetlinkErrorException(op, errno, Sys.strerror(errno), msg,
                                    hint == null ? null : hint.apply(errno));
                        }
                        if (deferred != null) {
                            throw deferred;
                        }
                        return out;
                    }
                    if (type == family && reader != null && deferred == null) {
                        if (len < HDR + GENL_HDR) {
                            deferred = new NetlinkProtocolException(op + ": reply of " + len
                                    + " bytes has no generic netlink header");
                        } else {
                            try {
                                int cmd = Byte.toUnsignedInt(rx.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + HDR));
                                out.add(reader.read(cmd, rx, off + HDR + GENL_HDR, off + len));
                            } catch (RuntimeException e) {
                                deferred = e; // drain the rest of this request's replies first
                            }
                        }
                    }
                }
                off += NlAttrs.align(len);
            }
        }
    }

    /** The positive errno of an NLMSG_ERROR or NLMSG_DONE message (0: success). */
    static int errorOf(MemorySegment buf, long off, long len, String op) {
        if (len < HDR + 4) {
            int type = Short.toUnsignedInt(buf.get(NlAttrs.U16, off + nlmsghdr.nlmsg_type$offset()));
            if (type == Linux.NLMSG_DONE()) {
                return 0; // some old dumps end with an empty DONE
            }
            throw new NetlinkProtocolException(op + ": NLMSG_ERROR of " + len + " bytes has no error code");
        }
        int e = buf.get(NlAttrs.U32, off + HDR + nlmsgerr.error$offset());
        return e < 0 ? -e : 0;
    }

    /** The NLMSGERR_ATTR_MSG of an NLMSG_ERROR, or {@code null}. */
    static String extAck(MemorySegment buf, long off, long len, int flags, String op) {
        if ((flags & Linux.NLM_F_ACK_TLVS()) == 0) {
            return null;
        }
        long tlv;
        if ((flags & Linux.NLM_F_CAPPED()) != 0) {
            tlv = off + HDR + nlmsgerr.sizeof();
        } else {
            if (len < HDR + 4 + HDR) {
                throw new NetlinkProtocolException(op + ": NLMSG_ERROR without the echoed request header");
            }
            long inner = Integer.toUnsignedLong(buf.get(NlAttrs.U32, off + HDR + nlmsgerr.msg$offset()));
            tlv = off + HDR + nlmsgerr.msg$offset() + NlAttrs.align(inner);
        }
        if (tlv > off + len) {
            throw new NetlinkProtocolException(op + ": NLMSG_ERROR extended ack starts past the message end");
        }
        NlAttrs a = NlAttrs.parse(buf, tlv, off + len, Linux.NLMSGERR_ATTR_OFFS(), op + ": extended ack");
        return a.string(Linux.NLMSGERR_ATTR_MSG(), "NLMSGERR_ATTR_MSG");
    }

    /** The NLMSGERR_ATTR_MSG after the error code of an NLMSG_DONE, or {@code null}. */
    static String doneExtAck(MemorySegment buf, long off, long len, String op) {
        long tlv = off + HDR + 4;
        if (tlv >= off + len) {
            return null;
        }
        NlAttrs a = NlAttrs.parse(buf, tlv, off + len, Linux.NLMSGERR_ATTR_OFFS(), op + ": extended ack");
        return a.string(Linux.NLMSGERR_ATTR_MSG(), "NLMSGERR_ATTR_MSG");
    }

    /**
     * Receives one datagram into the receive buffer, growing it first if the datagram is larger.
     *
     * @return the datagram length, or {@code -errno} for {@code EAGAIN}/{@code ENOBUFS} when {@code flags}
     *         contains {@code MSG_DONTWAIT}
     */
    private long receive(int f, int flags, String op) throws IOException {
        while (true) {
            long peek = SYS.recvfrom(f, rx, 0, flags | Linux.MSG_PEEK() | Linux.MSG_TRUNC(),
                    MemorySegment.NULL, MemorySegment.NULL);
            if (peek < 0) {
                if ((flags & Linux.MSG_DONTWAIT()) != 0
                        && (peek == -Linux.EAGAIN() || peek == -Linux.ENOBUFS())) {
                    return peek;
                }
                throw Sys.error(op + ": recv(netlink fd " + f + ")", peek);
            }
            if (peek > rx.byteSize()) {
                rx = arena.allocate(Math.max(peek, rx.byteSize() * 2), 8);
            }
            long n = SYS.recvfrom(f, rx, rx.byteSize(), flags, MemorySegment.NULL, MemorySegment.NULL);
            if (n < 0) {
                if ((flags & Linux.MSG_DONTWAIT()) != 0
                        && (n == -Linux.EAGAIN() || n == -Linux.ENOBUFS())) {
                    return n;
                }
                throw Sys.error(op + ": recv(netlink fd " + f + ")", n);
            }
            if (n == 0) {
                continue; // an empty datagram carries nothing; the peek above consumed nothing either
            }
            return n;
        }
    }

    /** Receives multicast messages; see {@link #pollMulticast}. */
    @FunctionalInterface
    interface MulticastSink {
        void message(int type, int cmd, MemorySegment msg, long from, long to);
    }

    /**
     * Waits up to {@code timeoutMillis} for a datagram and delivers each of its messages to
     * {@code sink}. Only for a socket that sends no requests (multicast only); single-threaded.
     *
     * @return the number of bytes received, 0 on timeout, or {@code -ENOBUFS} if the kernel
     *         dropped messages because the receive buffer was full
     */
    long pollMulticast(MemorySegment pfd, int timeoutMillis, MulticastSink sink) throws IOException {
        int f = fd.acquire("receive events");
        try {
            pollfd.fd(pfd, f);
            pollfd.events(pfd, (short) Linux.POLLIN());
            pollfd.revents(pfd, (short) 0);
            int p = SYS.poll(pfd, 1, timeoutMillis);
            if (p < 0) {
                throw Sys.error("poll(netlink fd " + f + ")", p);
            }
            if (p == 0) {
                return 0;
            }
            long n = receive(f, Linux.MSG_DONTWAIT(), "receive events");
            if (n == -Linux.EAGAIN()) {
                return 0;
            }
            if (n < 0) {
                return n;
            }
            deliver(rx, n, sink);
            return n;
        } finally {
            fd.release();
        }
    }

    /** Walks the messages of a datagram of {@code n} bytes; exposed for the parser's tests. */
    static void deliver(MemorySegment buf, long n, MulticastSink sink) {
        long off = 0;
        while (off < n) {
            if (n - off < HDR) {
                throw new NetlinkProtocolException("event datagram: truncated netlink header (" + (n - off) + " bytes)");
            }
            long len = Integer.toUnsignedLong(buf.get(NlAttrs.U32, off + nlmsghdr.nlmsg_len$offset()));
            if (len < HDR || len > n - off) {
                throw new NetlinkProtocolException("event datagram: netlink message length " + len + " (valid: "
                        + HDR + ".." + (n - off) + ")");
            }
            int type = Short.toUnsignedInt(buf.get(NlAttrs.U16, off + nlmsghdr.nlmsg_type$offset()));
            if (type >= 0x10 && len >= HDR + GENL_HDR) { // below 0x10: NOOP, ERROR, DONE, OVERRUN
                int cmd = Byte.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + HDR));
                sink.message(type, cmd, buf, off + HDR + GENL_HDR, off + len);
            }
            off += NlAttrs.align(len);
        }
    }

    /** {@return whether {@link #close()} was called} */
    boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (fd.close()) {
                arena.close();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "generic netlink socket " + fd + ", port id " + portId;
    }
}

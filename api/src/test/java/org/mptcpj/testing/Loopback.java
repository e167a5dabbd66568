package org.mptcpj.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.SockAddrs;
import org.mptcpj.internal.sys.Sys;

/**
 * A connected pair of blocking IPv4 loopback sockets made with the native layer directly: a listener,
 * the connecting client and the accepted server side. Each side may be MPTCP or plain TCP; the
 * sockets are created in the caller's network namespace or in a {@link NetNs}.
 */
public final class Loopback implements AutoCloseable {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    public final GuardedFd listener;
    public final GuardedFd client;
    public final GuardedFd server;

    private Loopback(GuardedFd listener, GuardedFd client, GuardedFd server) {
        this.listener = listener;
        this.client = client;
        this.server = server;
    }

    /** Both sides MPTCP ({@code mptcp}) or both plain TCP, on 127.0.0.1. */
    public static Loopback open(boolean mptcp) throws IOException {
        return open(mptcp, mptcp);
    }

    public static Loopback open(boolean mptcpClient, boolean mptcpServer) throws IOException {
        return open(mptcpClient, mptcpServer, "127.0.0.1");
    }

    public static Loopback open(boolean mptcpClient, boolean mptcpServer, String ip) throws IOException {
        return open(null, mptcpClient, mptcpServer, ip);
    }

    /** Both sides MPTCP ({@code mptcp}) or both plain TCP, on 127.0.0.1 inside {@code ns}. */
    public static Loopback open(NetNs ns, boolean mptcp) throws IOException {
        return open(ns, mptcp, mptcp, "127.0.0.1");
    }

    /** A pair on {@code ip}, its sockets created inside {@code ns}, or in the caller's namespace when it is null. */
    public static Loopback open(NetNs ns, boolean mptcpClient, boolean mptcpServer, String ip) throws IOException {
        GuardedFd l = null;
        GuardedFd c = null;
        try (Arena arena = Arena.ofConfined()) {
            l = socket(ns, mptcpServer);
            MemorySegment addr = arena.allocate(SockAddrs.STORAGE_SIZE, 8);
            int len = SockAddrs.write(new InetSocketAddress(InetAddress.getByName(ip), 0), Linux.AF_INET(), addr);
            check(SYS.bind(l.number(), addr, len), "bind");
            check(SYS.listen(l.number(), 8), "listen");
            InetSocketAddress bound = localAddress(l);
            c = socket(ns, mptcpClient);
            len = SockAddrs.write(bound, Linux.AF_INET(), addr);
            check(SYS.connect(c.number(), addr, len), "connect");
            int s = SYS.accept4(l.number(), MemorySegment.NULL, MemorySegment.NULL, Linux.SOCK_CLOEXEC());
            check(s, "accept4");
            return new Loopback(l, c, SYS.guard(s));
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                c.close();
            }
            if (l != null) {
                l.close();
            }
            throw e;
        }
    }

    private static GuardedFd socket(NetNs ns, boolean mptcp) throws IOException {
        if (ns == null) {
            return socket(mptcp);
        }
        try {
            return ns.call(() -> socket(mptcp));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("socket() in " + ns.name(), e);
        }
    }

    private static GuardedFd socket(boolean mptcp) throws IOException {
        int fd = SYS.socket(Linux.AF_INET(), Linux.SOCK_STREAM() | Linux.SOCK_CLOEXEC(),
                mptcp ? Linux.IPPROTO_MPTCP() : 0);
        if (mptcp && (fd == -Linux.EPROTONOSUPPORT() || fd == -Linux.ENOPROTOOPT() || fd == -Linux.EINVAL())) {
            Require.that(false, "MPTCP sockets are not available (kernel or net.mptcp.enabled=0)");
        }
        check(fd, "socket");
        return SYS.guard(fd);
    }

    private static void check(long r, String op) throws IOException {
        if (r < 0) {
            throw Sys.error(op, r);
        }
    }

    public static InetSocketAddress localAddress(GuardedFd fd) throws IOException {
        return name(fd, true);
    }

    public static InetSocketAddress peerAddress(GuardedFd fd) throws IOException {
        return name(fd, false);
    }

    private static InetSocketAddress name(GuardedFd fd, boolean local) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddrs.STORAGE_SIZE, 8);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SockAddrs.STORAGE_SIZE);
            int r = local ? SYS.getsockname(fd.number(), addr, len) : SYS.getpeername(fd.number(), addr, len);
            check(r, local ? "getsockname" : "getpeername");
            return SockAddrs.read(addr);
        }
    }

    /** Writes {@code n} bytes to {@code from} and reads them all from {@code to}. */
    public static void transfer(GuardedFd from, GuardedFd to, int n) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(65536);
            buf.fill((byte) 'x');
            int sent = 0;
            int received = 0;
            // Interleave so that neither side's buffers fill up.
            while (received < n) {
                if (sent < n) {
                    long w = SYS.write(from.number(), buf, Math.min(buf.byteSize(), n - sent));
                    check(w, "write");
                    sent += (int) w;
                }
                long r = SYS.read(to.number(), buf, Math.min(buf.byteSize(), n - received));
                check(r, "read");
                if (r == 0) {
                    throw new IOException("EOF after " + received + " bytes");
                }
                received += (int) r;
            }
        }
    }

    /** One byte each way, so that both sides become fully established. */
    public void pingPong() throws IOException {
        transfer(client, server, 1);
        transfer(server, client, 1);
    }

    @Override
    public void close() {
        server.close();
        client.close();
        listener.close();
    }
}

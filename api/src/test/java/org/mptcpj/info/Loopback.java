package org.mptcpj.info;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.SockAddrs;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.testing.Require;

/**
 * A connected pair of blocking IPv4 loopback sockets made with the native layer directly: a listener,
 * the connecting client and the accepted server side. Each side may be MPTCP or plain TCP.
 */
final class Loopback implements AutoCloseable {
    final GuardedFd listener;
    final GuardedFd client;
    final GuardedFd server;

    private Loopback(GuardedFd listener, GuardedFd client, GuardedFd server) {
        this.listener = listener;
        this.client = client;
        this.server = server;
    }

    /** Both sides MPTCP ({@code mptcp}) or both plain TCP. */
    static Loopback open(boolean mptcp) throws IOException {
        return open(mptcp, mptcp);
    }

    static Loopback open(boolean mptcpClient, boolean mptcpServer) throws IOException {
        return open(mptcpClient, mptcpServer, "127.0.0.1");
    }

    static Loopback open(boolean mptcpClient, boolean mptcpServer, String ip) throws IOException {
        GuardedFd l = null;
        GuardedFd c = null;
        try (Arena arena = Arena.ofConfined()) {
            l = socket(mptcpServer);
            MemorySegment addr = arena.allocate(SockAddrs.STORAGE_SIZE, 8);
            int len = SockAddrs.write(new InetSocketAddress(InetAddress.getByName(ip), 0), Linux.AF_INET(), addr);
            check(Sys.bind(l.number(), addr, len), "bind");
            check(Sys.listen(l.number(), 8), "listen");
            InetSocketAddress bound = localAddress(l);
            c = socket(mptcpClient);
            len = SockAddrs.write(bound, Linux.AF_INET(), addr);
            check(Sys.connect(c.number(), addr, len), "connect");
            int s = Sys.accept4(l.number(), MemorySegment.NULL, MemorySegment.NULL, Linux.SOCK_CLOEXEC());
            check(s, "accept4");
            return new Loopback(l, c, new GuardedFd(s));
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

    private static GuardedFd socket(boolean mptcp) throws IOException {
        int fd = Sys.socket(Linux.AF_INET(), Linux.SOCK_STREAM() | Linux.SOCK_CLOEXEC(),
                mptcp ? Linux.IPPROTO_MPTCP() : 0);
        if (mptcp && (fd == -Linux.EPROTONOSUPPORT() || fd == -Linux.ENOPROTOOPT() || fd == -Linux.EINVAL())) {
            Require.that(false, "MPTCP sockets are not available (kernel or net.mptcp.enabled=0)");
        }
        check(fd, "socket");
        return new GuardedFd(fd);
    }

    private static void check(long r, String op) throws IOException {
        if (r < 0) {
            throw Sys.error(op, r);
        }
    }

    static InetSocketAddress localAddress(GuardedFd fd) throws IOException {
        return name(fd, true);
    }

    static InetSocketAddress peerAddress(GuardedFd fd) throws IOException {
        return name(fd, false);
    }

    private static InetSocketAddress name(GuardedFd fd, boolean local) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddrs.STORAGE_SIZE, 8);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SockAddrs.STORAGE_SIZE);
            int r = local ? Sys.getsockname(fd.number(), addr, len) : Sys.getpeername(fd.number(), addr, len);
            check(r, local ? "getsockname" : "getpeername");
            return SockAddrs.read(addr);
        }
    }

    /** Writes {@code n} bytes to {@code from} and reads them all from {@code to}. */
    static void transfer(GuardedFd from, GuardedFd to, int n) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(65536);
            buf.fill((byte) 'x');
            int sent = 0;
            int received = 0;
            // Interleave so that neither side's buffers fill up.
            while (received < n) {
                if (sent < n) {
                    long w = Sys.write(from.number(), buf, Math.min(buf.byteSize(), n - sent));
                    check(w, "write");
                    sent += (int) w;
                }
                long r = Sys.read(to.number(), buf, Math.min(buf.byteSize(), n - received));
                check(r, "read");
                if (r == 0) {
                    throw new IOException("EOF after " + received + " bytes");
                }
                received += (int) r;
            }
        }
    }

    @Override
    public void close() {
        server.close();
        client.close();
        listener.close();
    }

    // ---- ss ----

    static boolean ssAvailable() {
        try {
            Process p = new ProcessBuilder("ss", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs {@code ss} with {@code options} and returns the detail text of the socket
     * {@code local -> peer} whose Netid is {@code netid} ({@code "tcp"} or {@code "mptcp"}; the Netid
     * column exists when more than one kind is listed, so pass both {@code -t} and {@code -M}).
     */
    static String ss(String netid, InetSocketAddress local, InetSocketAddress peer, String... options)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ss");
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
        String l = hostPort(local);
        String r = hostPort(peer);
        String[] lines = out.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty() || Character.isWhitespace(lines[i].charAt(0))) {
                continue;
            }
            List<String> cols = List.of(lines[i].trim().split("\\s+"));
            int at = cols.indexOf(l);
            if (cols.get(0).equals(netid) && at >= 0 && at + 1 < cols.size() && cols.get(at + 1).equals(r)) {
                StringBuilder detail = new StringBuilder();
                for (int j = i + 1; j < lines.length && !lines[j].isEmpty()
                        && Character.isWhitespace(lines[j].charAt(0)); j++) {
                    detail.append(' ').append(lines[j].trim());
                }
                return detail.toString().trim();
            }
        }
        throw new AssertionError("no " + netid + " socket " + l + " -> " + r + " in:\n" + out);
    }

    /** The value after {@code key} (e.g. {@code "token:"}) in ss detail text, up to the next blank. */
    static String field(String detail, String key) {
        for (String token : detail.split("\\s+")) {
            if (token.startsWith(key)) {
                return token.substring(key.length());
            }
        }
        return null;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}

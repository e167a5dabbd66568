package org.mptcpj.multipath;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.option.Keepalive;
import org.mptcpj.pm.Limits;
import org.mptcpj.pm.MptcpPathManager;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testkit.NamespaceLab;

/**
 * A direct {@link NamespaceLab} (client and server joined by {@code paths} veth pairs, path
 * {@code i} on {@code 10.20<i>.1.0/24}, client {@code .1}, server {@code .2}) with the path
 * manager of both namespaces open and their limits raised, so that a test only adds the endpoints
 * it is about. {@link #close()} closes the path managers and deletes the namespaces (endpoints,
 * limits, sysctls and qdiscs go with them).
 */
public final class MultipathLab implements AutoCloseable {
    /** TCP_ESTABLISHED, as {@code tcp_info.tcpi_state} reports it. */
    static final int ESTABLISHED = 1;

    public final NamespaceLab lab;
    public final MptcpPathManager clientPm;
    public final MptcpPathManager serverPm;

    private MultipathLab(NamespaceLab lab, MptcpPathManager clientPm, MptcpPathManager serverPm) {
        this.lab = lab;
        this.clientPm = clientPm;
        this.serverPm = serverPm;
    }

    /** Builds the lab and sets the limits (extra subflows, ADD_ADDR accepted) on both sides to {@code paths}. */
    public static MultipathLab create(String prefix, int paths) throws IOException {
        NamespaceLab lab = NamespaceLab.create(prefix, paths, false);
        MptcpPathManager c = null;
        MptcpPathManager s = null;
        try {
            c = MptcpPathManager.open(lab.client());
            s = MptcpPathManager.open(lab.server());
            Limits limits = new Limits(paths, paths);
            c.setLimits(limits);
            s.setLimits(limits);
            return new MultipathLab(lab, c, s);
        } catch (IOException | RuntimeException | Error e) {
            if (c != null) {
                c.close();
            }
            if (s != null) {
                s.close();
            }
            lab.close();
            throw e;
        }
    }

    public InetAddress c(int path) {
        return lab.clientAddress(path);
    }

    public InetAddress s(int path) {
        return lab.serverAddress(path);
    }

    /** A listener (on every server address), a connected client and the accepted socket. */
    record Conn(ServerStreamSocket listener, StreamSocket client, StreamSocket server) implements AutoCloseable {
        InetSocketAddress serverAddress() throws IOException {
            return client.remoteAddress();
        }

        @Override
        public void close() {
            client.close();
            server.close();
            listener.close();
        }
    }

    /** Connects the client's first address to the server's first address over MPTCP. */
    Conn connect() throws Exception {
        return connect(null);
    }

    /**
     * {@link #connect()}, with {@code serverKeepalive} (if not null) set on the listener, so on the
     * accepted socket's subflows.
     */
    Conn connect(Keepalive serverKeepalive) throws Exception {
        ServerStreamSocket l = NetworkNamespace.call(lab.server(), () -> {
            ServerStreamSocket s = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            if (serverKeepalive != null) {
                s.setKeepalive(serverKeepalive);
            }
            // Any address: MP_JOINs to the announced addresses arrive at the same port.
            return s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), 8);
        });
        StreamSocket c = null;
        try {
            l.setAcceptTimeout(Duration.ofSeconds(10));
            c = NetworkNamespace.call(lab.client(),
                    () -> StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET));
            c.connect(new InetSocketAddress(s(0), l.localAddress().getPort()), Duration.ofSeconds(5));
            StreamSocket a = l.accept();
            if (!c.isMultipath() || !a.isMultipath()) {
                throw new AssertionError("the connection fell back to TCP");
            }
            return new Conn(l, c, a);
        } catch (Exception | Error e) {
            if (c != null) {
                c.close();
            }
            l.close();
            throw e;
        }
    }

    /** One subflow as {@code MPTCP_FULL_INFO} shows it. */
    record Subflow(long id, InetSocketAddress local, InetSocketAddress remote, int state, long rttMicros,
                   long bytesSent, long bytesReceived) {
        boolean established() {
            return state == ESTABLISHED;
        }

        /** {@code local-ip -> remote-ip} */
        String pair() {
            return local.getAddress().getHostAddress() + " -> " + remote.getAddress().getHostAddress();
        }

        @Override
        public String toString() {
            return "id " + id + " " + local + " -> " + remote + " state " + state;
        }
    }

    /** {@return the subflows of {@code s} now} */
    static List<Subflow> subflows(StreamSocket s) throws IOException {
        MptcpFullInfo f = s.fullInfo(new MptcpFullInfo());
        List<Subflow> list = new ArrayList<>();
        for (int i = 0; i < f.count(); i++) {
            var t = f.tcpInfo(i);
            list.add(new Subflow(f.subflowId(i), f.localAddress(i), f.remoteAddress(i), t.state(), t.rttMicros(),
                    t.bytesSent(), t.bytesReceived()));
        }
        return list;
    }

    /** {@return the {@code local -> remote} address pairs of the established subflows, sorted} */
    static List<String> establishedPairs(StreamSocket s) throws IOException {
        return subflows(s).stream().filter(Subflow::established).map(Subflow::pair).sorted().toList();
    }

    /**
     * Polls the established subflows' pairs every 10 ms until {@code done} accepts them or
     * {@code timeout} passes; {@return the last pairs seen}.
     */
    static List<String> awaitPairs(StreamSocket s, Predicate<List<String>> done, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            List<String> pairs = establishedPairs(s);
            if (done.test(pairs) || System.nanoTime() - deadline >= 0) {
                return pairs;
            }
            Thread.sleep(10);
        }
    }

    /** {@link #awaitPairs} until there are {@code n} established subflows. */
    static List<String> awaitCount(StreamSocket s, int n, Duration timeout) throws IOException, InterruptedException {
        return awaitPairs(s, p -> p.size() == n, timeout);
    }

    public static String pair(InetAddress local, InetAddress remote) {
        return local.getHostAddress() + " -> " + remote.getHostAddress();
    }

    @Override
    public void close() {
        clientPm.close();
        serverPm.close();
        lab.close();
    }
}

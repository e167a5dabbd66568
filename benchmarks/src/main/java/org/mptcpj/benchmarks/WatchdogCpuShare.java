package org.mptcpj.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mptcpj.option.Keepalive;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;

/**
 * What the dead-peer watchdog costs at rest: the CPU time of its thread (ThreadMXBean) over a
 * window, as a share of one core, with N idle watched MPTCP connections (keepalive idle 30 s,
 * interval 5 s, count 3; full run: 10,000 connections, 60 s). Prints exactly one line to stdout,
 * {@code watchdog: N % of one core}; the parameters go to stderr.
 *
 * <p>The watched ends are this JVM's client sockets; the accepted ends live in a child JVM (this
 * class with {@code --peer}), so 10,000 connections fit a 20,000-descriptor limit. The window
 * opens after every connection has had its first look (at connect), and at 60 s spans about two
 * keepalive idle periods, i.e. two scheduled looks per connection.
 *
 * <p>{@code --quick}: 2,000 connections, keepalive 3 s / 1 s / 3, a 6 s window; it checks that the
 * measurement runs, the number is not the target's.
 */
public final class WatchdogCpuShare {
    private static final String THREAD = "mptcpj-dead-peer-watchdog";

    private WatchdogCpuShare() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--peer")) {
            peer();
            return;
        }
        boolean quick = args.length > 0 && args[0].equals("--quick");
        int connections = quick ? 2_000 : 10_000;
        Keepalive keepalive = quick ? Keepalive.of(Duration.ofSeconds(3), Duration.ofSeconds(1), 3)
                : Keepalive.of(Duration.ofSeconds(30), Duration.ofSeconds(5), 3);
        Duration window = quick ? Duration.ofSeconds(6) : Duration.ofSeconds(60);

        Process peer = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                WatchdogCpuShare.class.getName(), "--peer")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<StreamSocket> open = new ArrayList<>(connections);
        try (NetdevBacklog backlog = NetdevBacklog.atLeast(2L * connections)) {
            BufferedReader fromPeer = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
            String port = fromPeer.readLine();
            if (port == null) {
                throw new IllegalStateException("the peer JVM did not start (exit " + peer.waitFor() + ")");
            }
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
            for (int i = 0; i < connections; i++) {
                StreamSocket c = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
                open.add(c);
                c.setKeepalive(keepalive);
                c.connect(server, Duration.ofSeconds(10));
                if (!c.isPeerDeadDetection()) {
                    throw new IllegalStateException("connection " + i + " is not watched: " + c
                            + StreamSocket.peerDeadDetectionUnavailable().map(r -> " (" + r + ")").orElse(""));
                }
            }
            Thread.sleep(2_000); // the first look at each connection (on arrival) is over
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long id = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(THREAD))
                    .mapToLong(Thread::threadId).findFirst().orElseThrow(() -> new IllegalStateException("no " + THREAD));
            long cpu0 = mx.getThreadCpuTime(id);
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            long cpu = mx.getThreadCpuTime(id) - cpu0;
            long wall = System.nanoTime() - t0;
            System.err.printf("watchdog thread: %.1f ms CPU in %.1f s with %d idle watched MPTCP connections,"
                    + " keepalive %s%n", cpu / 1e6, wall / 1e9, connections, keepalive);
            long lost = open.stream().filter(c -> !c.isPeerDeadDetection()).count();
            if (lost > 0) {
                System.err.printf("%d connections were declared dead: their keepalive probes were lost, so the"
                        + " number includes their last looks%n", lost);
            }
            System.out.printf("watchdog: %.2f %% of one core%n", 100.0 * cpu / wall);
        } finally {
            open.forEach(StreamSocket::close);
            peer.destroy();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The accepting end: prints its port, holds every accepted connection until stdin closes. */
    private static void peer() throws IOException {
        ServerStreamSocket listener = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        List<StreamSocket> accepted = new ArrayList<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                for (;;) {
                    accepted.add(listener.accept());
                }
            } catch (IOException e) {
                System.err.println("peer: " + e);
            }
        });
        System.out.println(listener.localAddress().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent goes away
        }
    }
}

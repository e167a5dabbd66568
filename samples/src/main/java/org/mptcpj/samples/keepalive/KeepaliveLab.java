package org.mptcpj.samples.keepalive;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.info.SubflowTcpInfos;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.samples.keepalive.LabScenario.Protocol;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testkit.NamespaceLab;

/**
 * The lab: a client and a server namespace joined through a router namespace (so a cut leaves
 * both endpoints' own links up). Every scenario's connection is set up, one byte goes each way
 * (the last activity), the path is cut, and each side waits in a blocking read until the error.
 */
final class KeepaliveLab {
    private final TesterOptions options;
    private final PrintStream out;
    private final PrintStream progress;

    KeepaliveLab(TesterOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.progress = options.json() ? err : out;
    }

    /** One side of a connection under test. */
    private static final class Side {
        final LabScenario scenario;
        final String name;
        final StreamSocket socket;
        final InetSocketAddress local;
        final InetSocketAddress remote;
        volatile long lastActivity;
        volatile int maxProbes;
        volatile boolean done;

        Side(LabScenario scenario, String name, StreamSocket socket) throws IOException {
            this.scenario = scenario;
            this.name = name;
            this.socket = socket;
            this.local = socket.localAddress(); // a dead TCP socket no longer has a peer name
            this.remote = socket.remoteAddress();
        }
    }

    List<LabScenario> scenarios() {
        List<LabScenario> list = new ArrayList<>();
        for (KeepaliveParams base : KeepaliveParams.SEED_001) {
            KeepaliveParams p = base.scaled(options.scale());
            for (boolean after : new boolean[] {false, true}) {
                list.add(new LabScenario(Protocol.TCP, after, false, p));
                list.add(new LabScenario(Protocol.MPTCP, after, true, p));
                list.add(new LabScenario(Protocol.MPTCP, after, false, p));
                list.add(new LabScenario(Protocol.FALLBACK, after, false, p));
            }
        }
        return list;
    }

    int run() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            progress.println("keepalive-tester --lab needs root (network namespaces)");
            return 2;
        }
        List<LabResult> results = measure();
        report(results);
        return results.stream().allMatch(LabResult::acceptable) ? 0 : 1;
    }

    /** Builds the lab, runs every scenario at once, cuts the path and returns what each side saw. */
    List<LabResult> measure() throws Exception {
        List<LabScenario> scenarios = scenarios();
        List<LabResult> results;
        try (NamespaceLab lab = NamespaceLab.create("mptcpj-ka", 1, true);
             WireWitness wire = new WireWitness()) {
            boolean witness = WireWitness.available();
            if (witness) {
                wire.capture(lab.client(), lab.clientInterface(0));
                wire.capture(lab.server(), lab.serverInterface(0));
            }
            progress.printf("lab: %s <-> %s <-> %s, %d connections, cut: %s, tcpdump: %s%n", lab.client(), lab.router(),
                    lab.server(), scenarios.size(), options.cut(), witness ? "yes" : "not installed");
            List<Side> sides = new ArrayList<>();
            List<AutoCloseable> resources = new ArrayList<>();
            try {
                for (LabScenario s : scenarios) {
                    connect(lab, s, sides, resources);
                }
                results = cutAndMeasure(lab, sides, witness ? wire : null);
            } finally {
                for (AutoCloseable r : resources) {
                    r.close();
                }
            }
        }
        return results;
    }

    private void connect(NamespaceLab lab, LabScenario s, List<Side> sides, List<AutoCloseable> resources)
            throws Exception {
        MptcpPolicy serverPolicy = s.protocol() == Protocol.MPTCP ? MptcpPolicy.REQUIRED : MptcpPolicy.DISABLED;
        MptcpPolicy clientPolicy = s.protocol() == Protocol.TCP ? MptcpPolicy.DISABLED : MptcpPolicy.REQUIRED;
        ServerStreamSocket listener = NetworkNamespace.call(lab.server(),
                () -> ServerStreamSocket.open(serverPolicy, StandardProtocolFamily.INET)
                        .bind(new InetSocketAddress(lab.serverAddress(0), 0), 1));
        resources.add(listener);
        StreamSocket client = NetworkNamespace.call(lab.client(),
                () -> StreamSocket.open(clientPolicy, StandardProtocolFamily.INET));
        resources.add(client);
        if (!s.watchdog()) {
            client.setDeadPeerWatchdog(null);
        }
        if (!s.afterConnect()) {
            client.setKeepalive(s.params().keepalive());
            listener.setKeepalive(s.params().keepalive()); // inherited by the accepted socket
        }
        client.connect(listener.localAddress(), Duration.ofSeconds(5));
        StreamSocket accepted = listener.accept();
        resources.add(accepted);
        if (!s.watchdog()) {
            accepted.setDeadPeerWatchdog(null);
        }
        if (s.afterConnect()) {
            client.setKeepalive(s.params().keepalive());
            accepted.setKeepalive(s.params().keepalive());
        }
        for (StreamSocket sock : List.of(client, accepted)) {
            if (!sock.keepalive().equals(s.params().keepalive())) {
                throw new IllegalStateException(s + ": keepalive read back as " + sock.keepalive());
            }
        }
        sides.add(new Side(s, "client", client));
        sides.add(new Side(s, "server", accepted));
    }

    private List<LabResult> cutAndMeasure(NamespaceLab lab, List<Side> sides, WireWitness wire) throws Exception {
        // The last activity: one byte each way on every connection, then the cut.
        byte[] one = new byte[1];
        for (int i = 0; i < sides.size(); i += 2) {
            Side c = sides.get(i);
            Side a = sides.get(i + 1);
            c.socket.write(one, 0, 1);
            a.socket.read(one, 0, 1);
            a.socket.write(one, 0, 1);
            c.socket.read(one, 0, 1);
        }
        long activity = System.nanoTime();
        for (Side s : sides) {
            s.lastActivity = activity;
        }
        if (wire != null) {
            wire.startCounting();
        }
        if (options.cut().equals("loss")) {
            lab.lossOn(0);
        } else {
            lab.linkDown(0);
        }
        double limit = waitLimitSeconds(sides.stream().map(s -> s.scenario).toList());
        progress.printf(Locale.ROOT, "path cut; waiting up to %.0f s for %d sides%n", limit, sides.size());

        Thread sampler = Thread.ofPlatform().daemon(true).name("probe-sampler").start(() -> sampleProbes(sides));
        AtomicInteger finished = new AtomicInteger();
        List<CompletableFuture<LabResult>> futures = new ArrayList<>();
        for (Side s : sides) {
            futures.add(CompletableFuture.supplyAsync(() -> await(s, limit, wire, finished, sides.size()),
                    r -> Thread.ofPlatform().daemon(true).start(r)));
        }
        List<LabResult> results = new ArrayList<>();
        for (CompletableFuture<LabResult> f : futures) {
            results.add(f.get());
        }
        sampler.interrupt();
        return results;
    }

    private LabResult await(Side s, double limitSeconds, WireWitness wire, AtomicInteger finished, int total) {
        Double detected = null;
        String errno = null;
        try {
            s.socket.setReadTimeout(Duration.ofMillis((long) (limitSeconds * 1000)));
            s.socket.read(new byte[1], 0, 1);
            detected = (System.nanoTime() - s.lastActivity) / 1e9;
            errno = "EOF";
        } catch (java.net.SocketTimeoutException e) {
            // not detected within the limit
        } catch (ErrnoException e) {
            detected = (System.nanoTime() - s.lastActivity) / 1e9;
            errno = e.errnoName();
        } catch (IOException e) {
            detected = (System.nanoTime() - s.lastActivity) / 1e9;
            errno = e.getClass().getSimpleName();
        }
        s.done = true;
        Integer onWire = wire == null ? null : wire.probes(s.local, s.remote);
        double expected = s.scenario.params().expectedSeconds();
        LabResult r = new LabResult(s.scenario, s.name, detected, errno, s.maxProbes, onWire,
                LabResult.verdict(expected, detected, errno));
        progress.printf(Locale.ROOT, "[%2d/%d] %-58s %s%n", finished.incrementAndGet(), total, s.scenario.name(s.name),
                detected == null ? "nothing within the wait limit" : String.format(Locale.ROOT, "%s after %.2f s (expected %.1f s): %s",
                        errno, detected, expected, r.verdict()));
        return r;
    }

    /** Reads tcpi_probes of every live side every 100 ms and keeps the largest value seen. */
    private static void sampleProbes(List<Side> sides) {
        TcpInfo tcp = new TcpInfo();
        SubflowTcpInfos subflows = new SubflowTcpInfos();
        while (!Thread.currentThread().isInterrupted()) {
            for (Side s : sides) {
                if (s.done) {
                    continue;
                }
                try {
                    int probes;
                    if (s.socket.isMultipath()) {
                        probes = 0;
                        for (TcpInfo t : s.socket.subflowTcpInfos(subflows)) {
                            probes = Math.max(probes, t.probes());
                        }
                    } else {
                        probes = s.socket.tcpInfo(tcp).probes();
                    }
                    s.maxProbes = Math.max(s.maxProbes, probes);
                } catch (IOException e) {
                    // the connection is gone; keep what was seen
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {@return how long each side waits for its error after the cut: the longest expected time + the margin} */
    double waitLimitSeconds(List<LabScenario> scenarios) {
        return scenarios.stream().mapToDouble(s -> s.params().expectedSeconds()).max().orElse(0)
                + options.waitMarginSeconds();
    }

    private void report(List<LabResult> results) throws IOException {
        if (options.json()) {
            results.forEach(r -> out.println(r.json()));
        } else {
            out.println();
            out.println(LabResult.HEADER);
            results.forEach(r -> out.println(r.row()));
            out.println();
            out.println("kp: tcpi_probes (kernel), wire: keepalive probes seen by tcpdump; textbook: ETIMEDOUT within "
                    + "[expected - " + LabResult.EARLY_TOLERANCE + " s, expected + " + LabResult.LATE_TOLERANCE + " s] "
                    + "of the last activity; never: nothing reported within the wait limit (the longest expected time + "
                    + options.waitMarginSeconds() + " s; MPTCP without the watchdog reports ENOTCONN only after "
                    + "net.mptcp.close_timeout, 60 s by default)");
        }
        if (options.chart() != null) {
            LabChart.of(results, waitLimitSeconds(results.stream().map(LabResult::scenario).toList()))
                    .write(options.chart());
            progress.println("chart: " + options.chart());
        }
        long bad = results.stream().filter(r -> !r.acceptable()).count();
        boolean same = beforeEqualsAfter(results);
        progress.printf("%d scenarios, %d expected textbook, %d missed; before-connect equal to after-connect: %s%n",
                results.size(), results.stream().filter(r -> r.scenario().expectTextbook()).count(), bad, same ? "yes" : "no");
    }

    private static boolean beforeEqualsAfter(List<LabResult> results) {
        for (LabResult before : results) {
            if (before.scenario().afterConnect()) {
                continue;
            }
            for (LabResult after : results) {
                LabScenario a = after.scenario();
                LabScenario b = before.scenario();
                if (a.afterConnect() && a.protocol() == b.protocol() && a.watchdog() == b.watchdog()
                        && a.params().equals(b.params()) && after.side().equals(before.side())
                        && (!after.verdict().equals(before.verdict()) || !java.util.Objects.equals(after.errno(), before.errno()))) {
                    return false;
                }
            }
        }
        return true;
    }
}

package org.mptcpj.samples.multipath;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.option.Keepalive;
import org.mptcpj.pm.Endpoint;
import org.mptcpj.pm.EndpointFlag;
import org.mptcpj.pm.Limits;
import org.mptcpj.pm.MptcpEvent;
import org.mptcpj.pm.MptcpEventSubscription;
import org.mptcpj.pm.MptcpPathManager;
import org.mptcpj.samples.chart.SvgChart;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testkit.NamespaceLab;

/**
 * Watch MPTCP work: a client and a server namespace joined by two veth paths (each shaped with
 * tbf), the server announcing its second address, a stream from client to server, and once a
 * second each subflow's addresses, state, rtt and bytes, read from {@code MPTCP_FULL_INFO}. Path
 * 1 is cut mid-stream (link down, or 100% loss), later restored and S(b) announced again; the
 * path manager's events are printed as they come. At the end the SHA-256 of what was sent and
 * what was received are compared. Needs root; the namespaces are removed on exit, Ctrl-C included.
 * With {@code --chart FILE} it also draws what it printed as an SVG chart: each subflow's throughput
 * (and the total received) per second, the cut, restore and re-announcement as vertical markers,
 * the path manager's events as labelled ticks.
 *
 * <pre>
 * java -cp 'samples/target/mptcpj-samples.jar:samples/target/lib/*' --enable-native-access=ALL-UNNAMED \
 *     org.mptcpj.samples.multipath.MultipathWatch [--rate 100mbit] [--cut link|loss]
 *     [--cut-at 4] [--restore-at 10] [--duration 15] [--chart watch.svg]
 * </pre>
 */
public final class MultipathWatch {
    private final PrintStream out;
    private String rate = "100mbit";
    private boolean linkCut = true;
    private int cutAt = 4;
    private int restoreAt = 10;
    private int duration = 15;
    private Path chartFile;
    /** What was printed, to draw ({@code --chart}); series by subflow (id and addresses). */
    private final SvgChart chart = new SvgChart("MultipathWatch: throughput per subflow",
            SvgChart.Axis.upTo("seconds since the connection", 0), SvgChart.Axis.upTo("Mbit/s", 0));
    private final Map<String, SvgChart.Series> subflowSeries = new HashMap<>();

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private volatile boolean stop;
    private volatile String sentSha;
    private volatile String receivedSha;
    private volatile Throwable failure;

    /** A watch printing to {@code out}, configured by {@code args} (see the class comment). */
    public MultipathWatch(PrintStream out, String... args) {
        this.out = out;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--rate" -> rate = v;
                case "--cut" -> linkCut = !"loss".equals(v);
                case "--cut-at" -> cutAt = Integer.parseInt(v);
                case "--restore-at" -> restoreAt = Integer.parseInt(v);
                case "--duration" -> duration = Integer.parseInt(v);
                case "--chart" -> chartFile = Path.of(v);
                default -> throw new IllegalArgumentException("unknown argument " + a + "; usage: " + USAGE);
            }
            if (v == null) {
                throw new IllegalArgumentException(a + " needs a value; usage: " + USAGE);
            }
            i++;
        }
    }

    private static final String USAGE =
            "MultipathWatch [--rate 100mbit] [--cut link|loss] [--cut-at S] [--restore-at S] [--duration S] [--chart FILE.svg]";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println("usage: " + USAGE);
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            System.err.println("MultipathWatch builds network namespaces: run it as root");
            System.exit(2);
        }
        System.exit(new MultipathWatch(System.out, args).run() ? 0 : 1);
    }

    /**
     * Builds the lab, runs the stream and the cut, prints what happens and removes the lab.
     *
     * @return whether every byte arrived in order
     */
    @SuppressWarnings("try") // the event subscription prints from its own thread
    public boolean run() throws Exception {
        try (NamespaceLab lab = NamespaceLab.create("mpw", 2, false);
             MptcpPathManager clientPm = MptcpPathManager.open(lab.client());
             MptcpPathManager serverPm = MptcpPathManager.open(lab.server())) {
            for (int i = 0; i < 2; i++) {
                lab.shape(i, rate);
            }
            clientPm.setLimits(new Limits(2, 2));
            serverPm.setLimits(new Limits(2, 2));
            Endpoint announced = serverPm.addEndpoint(Endpoint.of(lab.serverAddress(1), EndpointFlag.SIGNAL));
            // A dead subflow goes away in seconds, not after the defaults' quarter of an hour: the
            // sender's retransmissions give up sooner, the receiver's keepalive notices silence.
            lab.sysctl(lab.client(), "net.ipv4.tcp_retries2", "3");
            out.printf("lab: client %s, server %s; path 0 %s <-> %s, path 1 %s <-> %s, each shaped to %s%n",
                    lab.client(), lab.server(), ip(lab.clientAddress(0)), ip(lab.serverAddress(0)),
                    ip(lab.clientAddress(1)), ip(lab.serverAddress(1)), rate);
            out.println("server endpoints: " + serverPm.endpoints() + "; limits " + serverPm.limits());

            long t0 = System.nanoTime();
            try (MptcpEventSubscription events = clientPm.subscribe(e -> event(e, t0));
                 ServerStreamSocket listener = NetworkNamespace.call(lab.server(), () -> {
                     ServerStreamSocket s = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
                     s.setKeepalive(Keepalive.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 1));
                     return s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), 8);
                 });
                 StreamSocket client = NetworkNamespace.call(lab.client(),
                         () -> StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET))) {
                listener.setAcceptTimeout(Duration.ofSeconds(10));
                client.connect(new InetSocketAddress(lab.serverAddress(0), listener.localAddress().getPort()),
                        Duration.ofSeconds(5));
                try (StreamSocket server = listener.accept()) {
                    out.printf("connected %s -> %s, multipath %b%n", client.localAddress(), client.remoteAddress(),
                            client.isMultipath());
                    Thread writer = Thread.ofPlatform().name("writer").start(() -> write(client));
                    Thread reader = Thread.ofPlatform().name("reader").start(() -> read(server));
                    watch(lab, serverPm, announced, client, server, t0);
                    stop = true;
                    if (chartFile != null) {
                        synchronized (chart) { // events printed before this line are the chart's ticks
                            chart.write(chartFile);
                            out.println("chart: " + chartFile);
                        }
                    }
                    writer.join(10_000);
                    reader.join(30_000);
                    if (failure != null) {
                        out.println("transfer failed: " + failure);
                        return false;
                    }
                    if (writer.isAlive() || reader.isAlive()) {
                        out.println("transfer did not finish");
                        return false;
                    }
                    boolean intact = sent.get() == received.get() && sentSha.equals(receivedSha);
                    out.printf("sent     %,d bytes  sha256 %s%nreceived %,d bytes  sha256 %s%n%s%n", sent.get(),
                            sentSha, received.get(), receivedSha, intact ? "every byte arrived, in order"
                                    : "THE STREAMS DIFFER");
                    return intact;
                }
            }
        }
    }

    private void watch(NamespaceLab lab, MptcpPathManager serverPm, Endpoint announced, StreamSocket client,
                       StreamSocket server, long t0) throws Exception {
        MptcpFullInfo info = new MptcpFullInfo();
        MptcpInfo serverInfo = new MptcpInfo();
        Map<Long, Long> lastAcked = new HashMap<>();
        long lastReceived = 0;
        for (int second = 1; second <= duration; second++) {
            long due = t0 + second * 1_000_000_000L;
            while (System.nanoTime() < due) {
                Thread.sleep(Math.max(1, (due - System.nanoTime()) / 1_000_000));
            }
            client.fullInfo(info);
            long rcv = received.get();
            String now = seconds(t0);
            String total = mbit(rcv - lastReceived);
            out.printf(Locale.ROOT, "%6ss  received %,d bytes (%s Mbit/s); client %d subflow(s), server %d%n",
                    now, rcv, total, info.count(),
                    server.mptcpInfo(serverInfo).subflowsTotal().orElse(serverInfo.subflows() + 1));
            plot("received (all subflows)", now, total);
            lastReceived = rcv;
            for (int i = 0; i < info.count(); i++) {
                TcpInfo t = info.tcpInfo(i);
                long id = info.subflowId(i);
                long acked = t.bytesAcked();
                long delta = acked - lastAcked.getOrDefault(id, 0L);
                lastAcked.put(id, acked);
                String subflow = "sf " + id + "  " + info.localAddress(i) + " -> " + info.remoteAddress(i);
                String rate = mbit(delta);
                out.printf(Locale.ROOT, "         %s  %-11s rtt %6.2f ms  sent %,13d  acked %,13d"
                                + "  (%s Mbit/s)  retrans %d%n", subflow,
                        t.stateName(), t.rttMicros() / 1000.0, t.bytesSent(), acked, rate,
                        t.totalRetrans());
                plot(subflow, now, rate);
            }
            if (second == cutAt) {
                mark(t0, "cutting path 1 (" + (linkCut ? "link down" : "100% loss") + ")");
                if (linkCut) {
                    lab.linkDown(1);
                } else {
                    lab.lossOn(1);
                }
            }
            if (second == restoreAt) {
                mark(t0, "path 1 back");
                if (linkCut) {
                    lab.linkUp(1);
                } else {
                    lab.lossOff(1);
                }
            }
            if (second == restoreAt + 1 && client.fullInfo(info).count() < 2) {
                // The in-kernel path manager does not rejoin a dead subflow; announcing again does.
                mark(t0, "server announces " + ip(lab.serverAddress(1)) + " again");
                serverPm.deleteEndpoint(announced.id());
                serverPm.addEndpoint(Endpoint.of(lab.serverAddress(1), EndpointFlag.SIGNAL));
            }
        }
    }

    /** {@return the time since {@code t0} as printed: seconds with two decimals} */
    private static String seconds(long t0) {
        return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9);
    }

    /** {@return a rate as printed: bytes in one second as Mbit/s with one decimal} */
    private static String mbit(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes * 8 / 1e6);
    }

    /** Adds a printed value to the chart: {@code series} at {@code time} s, {@code value} Mbit/s. */
    private void plot(String series, String time, String value) {
        subflowSeries.computeIfAbsent(series, name -> chart.series(name, SvgChart.Style.LINE, null))
                .add(Double.parseDouble(time), Double.parseDouble(value), time, value, null);
    }

    /** Prints {@code >>> what} and marks it on the chart. */
    private void mark(long t0, String what) {
        String now = seconds(t0);
        out.printf("%6ss  >>> %s%n", now, what);
        chart.marker(Double.parseDouble(now), what);
    }

    /** Prints a path-manager event and ticks it on the chart (called by the subscription's thread). */
    private void event(MptcpEvent e, long t0) {
        String now = seconds(t0);
        synchronized (chart) {
            out.printf("%6ss  event  %s%n", now, describe(e));
            chart.tick(Double.parseDouble(now), e.type() + (e.localAddress() != null ? " " + ip(e.localAddress()) : ""));
        }
    }

    private void write(StreamSocket s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            SplittableRandom random = new SplittableRandom(42);
            byte[] chunk = new byte[64 * 1024];
            while (!stop) {
                random.nextBytes(chunk);
                md.update(chunk);
                s.write(chunk, 0, chunk.length);
                sent.addAndGet(chunk.length);
            }
            sentSha = HexFormat.of().formatHex(md.digest());
            s.shutdownOutput();
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void read(StreamSocket s) {
        try (Arena arena = Arena.ofConfined()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            MemorySegment buf = arena.allocate(256 * 1024);
            s.setReadTimeout(Duration.ofSeconds(30));
            for (int n; (n = s.read(buf)) > 0; ) {
                md.update(buf.asSlice(0, n).asByteBuffer());
                received.addAndGet(n);
            }
            receivedSha = HexFormat.of().formatHex(md.digest());
        } catch (Throwable e) {
            failure = e;
        }
    }

    private static String describe(MptcpEvent e) {
        StringBuilder b = new StringBuilder(e.type().toString());
        if (e.localAddress() != null) {
            b.append(' ').append(ip(e.localAddress())).append(e.localPort() >= 0 ? ":" + e.localPort() : "");
        }
        if (e.remoteAddress() != null) {
            b.append(e.localAddress() != null ? " -> " : " ").append(ip(e.remoteAddress()))
                    .append(e.remotePort() >= 0 ? ":" + e.remotePort() : "");
        }
        if (e.remoteId() >= 0) {
            b.append(" remote id ").append(e.remoteId());
        }
        if (e.error() > 0) {
            b.append(" error ").append(e.error());
        }
        return b.toString();
    }

    private static String ip(InetAddress a) {
        return a.getHostAddress();
    }
}

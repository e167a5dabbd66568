package org.mptcpj.samples.keepalive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts keepalive probes on the wire with tcpdump, an independent witness of what the kernel
 * says in {@code tcpi_probes}. Captures outgoing TCP on one interface per namespace; after the cut
 * an idle connection sends nothing but keepalive probes, which are pure ACKs
 * ({@code Flags [.]}, length 0 or 1), so those are counted per 4-tuple. Absent tcpdump, counts are
 * {@code null}.
 */
final class WireWitness implements AutoCloseable {
    private final List<Process> captures = new ArrayList<>();
    private final Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
    private volatile double countFromEpochSeconds = Double.MAX_VALUE;

    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":")) {
            if (new java.io.File(dir, "tcpdump").canExecute()) {
                return true;
            }
        }
        return new java.io.File("/usr/sbin/tcpdump").canExecute() || new java.io.File("/usr/bin/tcpdump").canExecute();
    }

    /** Starts a capture of outgoing TCP on {@code device} inside namespace {@code ns}. */
    void capture(String ns, String device) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-i", device, "-Q", "out", "-nn", "-tt",
                "-l", "tcp").start();
        captures.add(p);
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = err.readLine()) != null && !line.contains("listening on")) {
            // tcpdump says "listening on ..." once the capture runs
        }
        Thread.ofPlatform().daemon(true).name("tcpdump-" + device).start(() -> read(p));
    }

    private void read(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                // 1732222222.123456 IP 10.200.1.1.45700 > 10.200.2.1.36487: Flags [.], ack 1, win 502, ..., length 0
                String[] f = line.split(" ");
                if (f.length < 6 || !line.contains("Flags [.]") || !(line.endsWith("length 0") || line.endsWith("length 1"))) {
                    continue;
                }
                if (Double.parseDouble(f[0]) < countFromEpochSeconds) {
                    continue;
                }
                probes.computeIfAbsent(f[2] + " > " + f[4].replace(":", ""), k -> new AtomicInteger()).incrementAndGet();
            }
        } catch (IOException | NumberFormatException e) {
            // capture ended
        }
    }

    /** Counts only packets sent from now on. */
    void startCounting() {
        countFromEpochSeconds = System.currentTimeMillis() / 1000.0;
    }

    /** {@return the probes seen from {@code from} to {@code to}} */
    int probes(InetSocketAddress from, InetSocketAddress to) {
        AtomicInteger n = probes.get(key(from) + " > " + key(to));
        return n == null ? 0 : n.get();
    }

    private static String key(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + "." + a.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : captures) {
            p.destroy();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}

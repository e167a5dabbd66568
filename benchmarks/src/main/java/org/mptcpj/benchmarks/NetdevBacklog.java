package org.mptcpj.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Raises {@code net.core.netdev_max_backlog} for one benchmark run and puts it back afterwards.
 * Why: a loopback burst beyond the per-CPU input backlog (1000 by default) is dropped
 * (softnet_stat's second column), and a dropped segment waits for TCP's retransmission timer, so
 * thousands of connections sending at once (keepalive probes fired by one timer-wheel bucket, or
 * messages to random connections) would measure the drops instead of the code. The sysctl is global
 * (it exists only in the initial network namespace), so the old value is restored on close, unless
 * someone else changed it in the meantime.
 */
final class NetdevBacklog implements AutoCloseable {
    private static final Path SYSCTL = Path.of("/proc/sys/net/core/netdev_max_backlog");

    private final String old;
    private final String raised;

    private NetdevBacklog(String old, String raised) {
        this.old = old;
        this.raised = raised;
    }

    /** Raises the backlog to {@code needed} when it is lower and writable (root); says on stderr what it did. */
    static NetdevBacklog atLeast(long needed) {
        try {
            String old = read();
            if (Long.parseLong(old) >= needed) {
                return new NetdevBacklog(null, null);
            }
            Files.writeString(SYSCTL, Long.toString(needed));
            System.err.printf("net.core.netdev_max_backlog %s -> %d for the run%n", old, needed);
            return new NetdevBacklog(old, Long.toString(needed));
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot raise net.core.netdev_max_backlog (" + e + "): loopback may drop bursts");
            return new NetdevBacklog(null, null);
        }
    }

    /** Reads the sysctl to its end: {@code Files.readString} trusts procfs's file size and returns one byte. */
    private static String read() throws IOException {
        try (InputStream in = Files.newInputStream(SYSCTL)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    @Override
    public void close() throws IOException {
        if (old != null && read().equals(raised)) {
            Files.writeString(SYSCTL, old);
        }
    }
}

package org.mptcpj.samples.keepalive;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.option.Options;
import org.mptcpj.samples.ConnectionReport;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;

/**
 * Seed 001's test program, in Java: connect, set keepalive (before or after connect), read every
 * value back and print it, then wait and report when and how the connection ended. Without a
 * target it connects to an embedded loopback server that closes its side after a few seconds, so
 * the run is short and shows real values; against a real peer, pull the plug and watch.
 */
final class PeerMode {
    /** How long the embedded loopback server keeps the connection open. */
    private static final Duration EMBEDDED_LIFETIME = Duration.ofSeconds(3);

    private final TesterOptions options;
    private final PrintStream out;

    PeerMode(TesterOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    int run() throws Exception {
        if (options.target() != null) {
            return connectAndWatch(options.target());
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerStreamSocket server = ServerStreamSocket.open(options.policy(), StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(loopback, 0), 1)) {
            Thread peer = Thread.ofPlatform().daemon(true).name("embedded-peer").start(() -> {
                try (StreamSocket accepted = server.accept()) {
                    Thread.sleep(EMBEDDED_LIFETIME.toMillis());
                } catch (IOException | InterruptedException e) {
                    out.println("embedded peer: " + e.getMessage());
                }
            });
            out.printf("no target given: using an embedded loopback server at %s that closes after %d s%n",
                    server.localAddress(), EMBEDDED_LIFETIME.toSeconds());
            int status = connectAndWatch(server.localAddress());
            peer.join();
            return status;
        }
    }

    private int connectAndWatch(InetSocketAddress target) throws Exception {
        StandardProtocolFamily family = target.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (StreamSocket s = StreamSocket.open(options.policy(), family)) {
            out.printf("connecting to %s over %s, keepalive set %s connect%n", target,
                    s.isMptcp() ? "MPTCP" : "TCP", options.afterConnect() ? "after" : "before");
            s.mptcpRefusal().ifPresent(r -> out.println("MPTCP refused: " + r));
            if (!options.watchdog()) {
                s.setDeadPeerWatchdog(null);
            }
            if (!options.afterConnect()) {
                configure(s);
            }
            s.connect(target, Duration.ofSeconds(10));
            if (options.afterConnect()) {
                configure(s);
            }
            printSettings(s);
            ConnectionReport.print(s, out);
            out.println("waiting for the connection to end (Ctrl-C to stop) ...");
            long start = System.nanoTime();
            String how;
            try {
                byte[] buf = new byte[4096];
                while (s.read(buf, 0, buf.length) >= 0) {
                    start = System.nanoTime(); // measure from the last activity
                }
                how = "end of stream (the peer closed)";
            } catch (ErrnoException e) {
                how = e.errnoName() + ": " + e.getMessage();
            }
            out.printf("connection ended %.2f s after the last activity: %s%n", (System.nanoTime() - start) / 1e9, how);
            return 0;
        }
    }

    private void configure(StreamSocket s) throws IOException {
        s.setKeepalive(options.params().keepalive());
        if (options.userTimeout() != null) {
            try {
                s.setOption(Options.TCP_USER_TIMEOUT, options.userTimeout());
            } catch (ErrnoException e) {
                out.println("TCP_USER_TIMEOUT not set: " + e.getMessage());
            }
        }
    }

    private void printSettings(StreamSocket s) throws IOException {
        out.printf("keepalive enabled:   %s%n", s.getOption(Options.SO_KEEPALIVE));
        out.printf("keepalive idle:      %d s%n", s.getOption(Options.TCP_KEEPIDLE).toSeconds());
        out.printf("keepalive count:     %d%n", s.getOption(Options.TCP_KEEPCNT));
        out.printf("keepalive interval:  %d s%n", s.getOption(Options.TCP_KEEPINTVL).toSeconds());
        try {
            out.printf("user timeout:        %d ms%n", s.getOption(Options.TCP_USER_TIMEOUT).toMillis());
        } catch (ErrnoException e) {
            out.printf("user timeout:        unavailable (%s)%n", e.errnoName());
        }
        out.printf("multipath:           %s%n", s.isMultipath());
        out.printf("dead-peer watchdog:  %s%n", s.isPeerDeadDetection() ? "on" : "off");
        out.printf("expected detection:  %.0f s after the last activity (idle + count x interval)%n",
                options.params().expectedSeconds());
    }
}

package org.mptcpj.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mptcpj.option.Keepalive;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One pass of the dead-peer watchdog over N watched MPTCP sockets (half clients, half accepted),
 * either all idle (each costs a getsockopt(MPTCP_FULL_INFO)) or all active since the last pass
 * (each costs a bit test). In the library's package because the pass is package-private; on the
 * class path that is allowed. No C twin: this is the library's own work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class WatchdogPassBenchmark {
    @Param({"1000", "10000"})
    public int sockets;

    @Param({"IDLE", "ACTIVE"})
    public String traffic;

    private final List<NativeSocket> open = new ArrayList<>();
    private final List<StreamSocket> watched = new ArrayList<>();

    @Setup(Level.Trial)
    public void connect() throws IOException {
        Keepalive keepalive = Keepalive.of(Duration.ofSeconds(3600), Duration.ofSeconds(60), 5);
        ServerStreamSocket listener = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        open.add(listener);
        listener.setKeepalive(keepalive);
        for (int i = 0; i < sockets / 2; i++) {
            StreamSocket c = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            open.add(c);
            c.setKeepalive(keepalive); // keepalive on an MPTCP socket: the watchdog watches it
            c.connect(listener.localAddress(), Duration.ofSeconds(10));
            StreamSocket a = listener.accept();
            open.add(a);
            watched.add(c);
            watched.add(a);
        }
        if (DeadPeerWatchdog.get().watchedCount() < sockets) {
            throw new IllegalStateException("only " + DeadPeerWatchdog.get().watchedCount() + " sockets watched");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        open.forEach(NativeSocket::close);
    }

    @Benchmark
    public void pass() {
        if ("ACTIVE".equals(traffic)) {
            for (int i = 0; i < watched.size(); i++) {
                watched.get(i).activity = 1; // as a read or write that moved data would
            }
        }
        DeadPeerWatchdog.get().pass(System.nanoTime());
    }
}

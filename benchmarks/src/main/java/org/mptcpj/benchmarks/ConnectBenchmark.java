package org.mptcpj.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.concurrent.TimeUnit;
import org.mptcpj.option.Linger;
import org.mptcpj.option.Options;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;
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
 * Connection setup over loopback on one thread: open, connect, accept, close both ends. The client
 * closes with SO_LINGER {on, 0 s} (a reset), as the C reference does, so that tens of thousands of
 * connections leave no TIME_WAIT sockets behind. C reference: {@code connect.{mptcp,tcp}}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class ConnectBenchmark {
    @Param({"MPTCP", "TCP"})
    public String protocol;

    private final Linger reset = Linger.seconds(0);
    private MptcpPolicy policy;
    private ServerStreamSocket listener;
    private InetSocketAddress address;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        policy = Loopback.policy(protocol);
        listener = ServerStreamSocket.open(policy, StandardProtocolFamily.INET);
        listener.bind(Loopback.ANY_PORT, 128);
        address = listener.localAddress();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        listener.close();
    }

    @CReference.Twin("connect.{protocol}")
    @Benchmark
    public void connectAcceptClose(CReference twin) throws IOException {
        connectAcceptClose(policy, listener, address, reset);
    }

    /** One connection: open, connect, accept, close both ends (the client with a reset). */
    static void connectAcceptClose(MptcpPolicy policy, ServerStreamSocket listener, InetSocketAddress address,
            Linger reset) throws IOException {
        StreamSocket client = StreamSocket.open(policy, StandardProtocolFamily.INET);
        StreamSocket accepted = null;
        try {
            client.setOption(Options.SO_LINGER, reset);
            client.connect(address, Loopback.CONNECT_TIMEOUT);
            accepted = listener.accept();
        } finally {
            client.close(); // the reset reaches the accepted socket first, as in the C loop
            if (accepted != null) {
                accepted.close();
            }
        }
    }
}

package org.mptcpj.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.StreamSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * MPTCP_FULL_INFO on a connection with two subflows. Needs an MPTCP endpoint of the 'subflow' kind:
 * {@code run.sh} runs it on its own in a network namespace set up with
 * {@code ip mptcp limits set subflows 2} and {@code ip mptcp endpoint add 127.0.0.2 dev lo subflow}
 * (the main run excludes it). C reference: {@code info.mptcp_full_info.2sf}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class TwoSubflowBenchmark {
    private Loopback.ApiPair pair;
    private StreamSocket socket;
    private final MptcpFullInfo fullInfo = new MptcpFullInfo(2);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pair = Loopback.apiPair(MptcpPolicy.REQUIRED);
        socket = pair.client();
        // The path manager adds the second subflow once the connection is fully established,
        // which takes a first exchange of data.
        MemorySegment b = Arena.ofAuto().allocate(1);
        pair.client().write(b);
        PingPongBenchmark.readFully(pair.server(), b, 1);
        pair.server().write(b);
        PingPongBenchmark.readFully(pair.client(), b, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int subflows;
        while ((subflows = socket.fullInfo(fullInfo).numSubflows()) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (subflows != 2) {
            pair.close();
            throw new IllegalStateException("MPTCP_FULL_INFO reports " + subflows + " subflows, expected 2: "
                    + "this benchmark needs an MPTCP 'subflow' endpoint (see run.sh)");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pair.close();
    }

    @CReference.Twin("info.mptcp_full_info.2sf")
    @Benchmark
    public MptcpFullInfo fullInfo2Subflows(CReference twin) throws IOException {
        return socket.fullInfo(fullInfo);
    }
}

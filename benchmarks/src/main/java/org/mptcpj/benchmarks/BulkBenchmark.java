package org.mptcpj.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.mptcpj.option.Options;
import org.mptcpj.socket.MptcpPolicy;
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
 * Bulk transfer over MPTCP: one operation writes a 64 KiB chunk from a {@link MemorySegment}, a
 * direct or a heap {@link ByteBuffer}. MB/s = ops/s x 65536 / 10^6. C reference: {@code bulk.mptcp}.
 *
 * <p>With {@code MPTCPJ_BENCH_BULK_PEER=IPV4:PORT} (set by {@code run.sh}) the chunks go over a veth
 * pair to a C sink ({@code reference --sink}) in another network namespace, the far end the C
 * reference writes to as well, so only the writer differs ({@code run.sh} runs that sink
 * {@code SCHED_FIFO}: a sink preempted inside {@code recv()} makes the kernel's ~200 ms MPTCP-level
 * stalls, BENCHMARKS.md). Without it, over loopback to a sink thread that
 * reads into a native segment and discards.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class BulkBenchmark {
    public static final int CHUNK = 64 * 1024;

    @Param({"SEGMENT", "DIRECT", "HEAP"})
    public String buffer;

    private static final String PEER = System.getenv("MPTCPJ_BENCH_BULK_PEER");

    private StreamSocket client;
    private Loopback.ApiPair pair; // without a peer: loopback, and a sink thread
    private Loopback.Peer sink;
    private MemorySegment segment;
    private ByteBuffer byteBuffer;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        segment = Arena.ofAuto().allocate(CHUNK, 64);
        segment.fill((byte) 'x');
        byteBuffer = switch (buffer) {
            case "SEGMENT" -> null;
            case "DIRECT" -> ByteBuffer.allocateDirect(CHUNK);
            case "HEAP" -> ByteBuffer.allocate(CHUNK);
            default -> throw new IllegalArgumentException("buffer " + buffer);
        };
        // The JVM's first close() starts the dead-peer watchdog (about 100 KB allocated): paid here,
        // not in tearDown, which JMH runs inside the last measured iteration, whose B/op
        // (-prof gc: every thread's allocation in the iteration) it would count.
        StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET).close();
        if (PEER != null) {
            client = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            int colon = PEER.lastIndexOf(':');
            client.connect(new InetSocketAddress(PEER.substring(0, colon), Integer.parseInt(PEER.substring(colon + 1))),
                    Loopback.CONNECT_TIMEOUT);
            client.setOption(Options.TCP_NODELAY, true);
            return;
        }
        pair = Loopback.apiPair(MptcpPolicy.REQUIRED);
        client = pair.client();
        StreamSocket server = pair.server();
        sink = Loopback.start("sink", () -> {
            MemorySegment b = Arena.ofAuto().allocate(CHUNK, 64);
            while (server.read(b) >= 0) {
                // discard
            }
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pair == null) {
            client.close();
            return;
        }
        sink.stopping = true;
        client.close(); // the sink reads the rest, then end of stream
        sink.join();
        pair.close();
    }

    @CReference.Twin("bulk.mptcp")
    @Benchmark
    public void write(CReference twin) throws IOException {
        StreamSocket c = client;
        ByteBuffer b = byteBuffer;
        if (b == null) {
            c.write(segment);
        } else {
            b.clear();
            c.write(b);
        }
    }
}

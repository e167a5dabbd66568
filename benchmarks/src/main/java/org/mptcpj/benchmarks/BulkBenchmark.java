package org.mptcpj.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
 * Bulk transfer over an MPTCP loopback connection: one operation writes a 64 KiB chunk from a
 * {@link MemorySegment}, a direct or a heap {@link ByteBuffer}; a sink thread reads into a native
 * segment and discards. MB/s = ops/s x 65536 / 10^6. C reference: {@code bulk.mptcp}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class BulkBenchmark {
    public static final int CHUNK = 64 * 1024;

    @Param({"SEGMENT", "DIRECT", "HEAP"})
    public String buffer;

    private Loopback.ApiPair pair;
    private Loopback.Peer sink;
    private MemorySegment segment;
    private ByteBuffer byteBuffer;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        pair = Loopback.apiPair(MptcpPolicy.REQUIRED);
        segment = Arena.ofAuto().allocate(CHUNK, 64);
        segment.fill((byte) 'x');
        byteBuffer = switch (buffer) {
            case "SEGMENT" -> null;
            case "DIRECT" -> ByteBuffer.allocateDirect(CHUNK);
            case "HEAP" -> ByteBuffer.allocate(CHUNK);
            default -> throw new IllegalArgumentException("buffer " + buffer);
        };
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
        sink.stopping = true;
        pair.client().close(); // the sink reads the rest, then end of stream
        sink.join();
        pair.close();
    }

    @Benchmark
    public void write() throws IOException {
        StreamSocket c = pair.client();
        ByteBuffer b = byteBuffer;
        if (b == null) {
            c.write(segment);
        } else {
            b.clear();
            c.write(b);
        }
    }
}

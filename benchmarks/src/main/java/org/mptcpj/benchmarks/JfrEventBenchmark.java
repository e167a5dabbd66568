package org.mptcpj.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
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
 * What the JFR events ({@code org.mptcpj.SocketRead}/{@code SocketWrite}) cost on the data path: one
 * thread writes 64 bytes on one end of a loopback connection and reads them on the other (one write
 * and one read through the event hooks per operation, no thread hand-off, so little noise), each row
 * in its own JVM:
 * <ul>
 *   <li>{@code compiledOut}: {@code -Dmptcpj.jfr=false}, the event code folded away: the path without events;</li>
 *   <li>{@code noRecording}: events compiled in, no recording running (every application without JFR);</li>
 *   <li>{@code recording}: {@code -XX:StartFlightRecording} with the default settings: the events are
 *       on with their 20 ms threshold, so each read and write takes two timestamps and records nothing;</li>
 *   <li>{@code recordingEveryCall}: threshold 0: every read and write is recorded, with its stack trace.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/mptcpj-benchmarks.jar JfrEventBenchmark -p protocol=MPTCP}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JfrEventBenchmark {
    static final int SIZE = 64;
    private static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

    @State(Scope.Thread)
    public static class Pair {
        @Param({"MPTCP", "TCP"})
        public String protocol;

        Loopback.ApiPair pair;
        MemorySegment buf;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            pair = Loopback.apiPair(Loopback.policy(protocol));
            buf = Arena.ofAuto().allocate(SIZE, 8);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pair.close();
        }
    }

    /** The measured operation: write 64 bytes on the client, read them on the server. */
    static int writeThenRead(Pair s) throws IOException {
        s.pair.client().write(s.buf);
        if (!PingPongBenchmark.readFully(s.pair.server(), s.buf)) {
            throw new EOFException();
        }
        return SIZE;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {NATIVE, "-Dmptcpj.jfr=false"})
    public int compiledOut(Pair s) throws IOException {
        return writeThenRead(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = NATIVE)
    public int noRecording(Pair s) throws IOException {
        return writeThenRead(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {NATIVE, "-XX:StartFlightRecording"})
    public int recording(Pair s) throws IOException {
        return writeThenRead(s);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {NATIVE,
        "-XX:StartFlightRecording:+org.mptcpj.SocketRead#threshold=0ms,+org.mptcpj.SocketWrite#threshold=0ms"})
    public int recordingEveryCall(Pair s) throws IOException {
        return writeThenRead(s);
    }
}

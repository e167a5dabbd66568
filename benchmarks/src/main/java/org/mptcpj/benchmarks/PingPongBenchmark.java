package org.mptcpj.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
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
 * Round trip of a 64-byte message over loopback: the benchmark thread sends 64 bytes and waits for
 * them to come back from an echo thread. Both ends use the same stack: the API (MemorySegment) or
 * plain JDK NIO (blocking {@link SocketChannel}, direct buffers; for MPTCP over an MPTCP socket via
 * {@link org.mptcpj.socket.MptcpChannels}). C reference: {@code pingpong64.{mptcp,tcp}}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class PingPongBenchmark {
    static final int SIZE = 64;

    @State(Scope.Thread)
    public static class Api {
        @Param({"MPTCP", "TCP"})
        public String protocol;

        Loopback.ApiPair pair;
        Loopback.Peer echo;
        MemorySegment buf;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            pair = Loopback.apiPair(Loopback.policy(protocol));
            buf = Arena.ofAuto().allocate(SIZE, 8);
            buf.fill((byte) 'x');
            StreamSocket server = pair.server();
            echo = Loopback.start("echo", () -> echo(server));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            echo.stopping = true;
            pair.client().close(); // the echo thread reads end of stream and returns
            echo.join();
            pair.close();
        }
    }

    /** The echo peer: sends back each 64-byte message until end of stream. */
    static void echo(StreamSocket server) throws IOException {
        MemorySegment b = Arena.ofAuto().allocate(SIZE, 8);
        while (readFully(server, b)) {
            server.write(b);
        }
    }

    /** One round trip: 64 bytes out of {@code buf}, the echo back into it. */
    static void roundTrip(StreamSocket c, MemorySegment buf) throws IOException {
        c.write(buf);
        if (!readFully(c, buf)) {
            throw new EOFException();
        }
    }

    /** {@return false at end of stream before the first byte} */
    static boolean readFully(StreamSocket s, MemorySegment b) throws IOException {
        return readFully(s, b, SIZE);
    }

    /** Reads {@code size} bytes into {@code b}; {@return false at end of stream before the first byte} */
    static boolean readFully(StreamSocket s, MemorySegment b, int size) throws IOException {
        int got = s.read(b);
        if (got < 0) {
            return false;
        }
        while (got < size) { // rare: loopback delivers the 64 bytes at once
            int n = s.read(b.asSlice(got));
            if (n < 0) {
                throw new EOFException("end of stream inside a message");
            }
            got += n;
        }
        return true;
    }

    @State(Scope.Thread)
    public static class Jdk {
        @Param({"MPTCP", "TCP"})
        public String protocol;

        Loopback.JdkPair pair;
        Loopback.Peer echo;
        ByteBuffer buf;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            pair = Loopback.jdkPair(Loopback.policy(protocol));
            buf = ByteBuffer.allocateDirect(SIZE);
            SocketChannel server = pair.server();
            echo = Loopback.start("echo", () -> {
                ByteBuffer b = ByteBuffer.allocateDirect(SIZE);
                while (readFully(server, b)) {
                    b.flip();
                    while (b.hasRemaining()) {
                        server.write(b);
                    }
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            echo.stopping = true;
            pair.client().close();
            echo.join();
            pair.server().close();
        }
    }

    static boolean readFully(SocketChannel s, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            if (s.read(b) < 0) {
                if (b.position() == 0) {
                    return false;
                }
                throw new EOFException("end of stream inside a message");
            }
        }
        return true;
    }

    @CReference.Twin("pingpong64.{protocol}")
    @Benchmark
    public MemorySegment api(Api s, CReference twin) throws IOException {
        roundTrip(s.pair.client(), s.buf);
        return s.buf;
    }

    @CReference.Twin("pingpong64.{protocol}")
    @Benchmark
    public ByteBuffer jdk(Jdk s, CReference twin) throws IOException {
        SocketChannel c = s.pair.client();
        ByteBuffer b = s.buf;
        b.clear();
        while (b.hasRemaining()) {
            c.write(b);
        }
        if (!readFully(c, b)) {
            throw new EOFException();
        }
        return b;
    }
}

package org.mptcpj.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
 * The floor of any FFM binding: setsockopt/getsockopt of TCP_KEEPIDLE through a bare downcall
 * handle that captures errno (as the library's handles do), on a socket made with a bare
 * {@code socket(2)} downcall, with every argument prepared in advance. API minus this is the
 * library's own cost; this minus C is the cost of the FFM downcall itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class FfmFloorBenchmark {
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_MPTCP = 262;
    private static final int TCP_KEEPIDLE = 4;
    private static final int TCP_KEEPINTVL = 5;
    private static final int TCP_KEEPCNT = 6;
    private static final int SOL_SOCKET = 1;
    private static final int SO_KEEPALIVE = 9;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle SOCKET = LINKER.downcallHandle(
            LINKER.defaultLookup().find("socket").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("setsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO);
    /** getsockopt(2), capturing errno: also InfoFloorBenchmark's. */
    static final MethodHandle GETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), ERRNO);

    @Param({"MPTCP", "TCP"})
    public String protocol;

    private int fd = -1;
    private MemorySegment state;
    private MemorySegment value;
    private MemorySegment length;
    private MemorySegment keepalive; // idle, interval, count, on: StreamSocket.setKeepalive's four values

    @Setup(Level.Trial)
    public void open() throws Throwable {
        fd = (int) SOCKET.invokeExact(AF_INET, SOCK_STREAM, "MPTCP".equals(protocol) ? IPPROTO_MPTCP : IPPROTO_TCP);
        if (fd < 0) {
            throw new IllegalStateException("socket() failed for " + protocol);
        }
        Arena arena = Arena.ofAuto();
        state = arena.allocate(Linker.Option.captureStateLayout());
        value = arena.allocate(ValueLayout.JAVA_INT);
        length = arena.allocate(ValueLayout.JAVA_INT);
        value.set(ValueLayout.JAVA_INT, 0, 600);
        keepalive = arena.allocate(ValueLayout.JAVA_INT, 4);
        keepalive.setAtIndex(ValueLayout.JAVA_INT, 0, 600);
        keepalive.setAtIndex(ValueLayout.JAVA_INT, 1, 30);
        keepalive.setAtIndex(ValueLayout.JAVA_INT, 2, 5);
        keepalive.setAtIndex(ValueLayout.JAVA_INT, 3, 1);
    }

    @TearDown(Level.Trial)
    public void close() throws Throwable {
        int r = (int) CLOSE.invokeExact(fd);
    }

    @CReference.Twin("option.set.keepidle.{protocol}")
    @Benchmark
    public int ffmSetKeepIdle(CReference twin) throws Throwable {
        int r = (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_TCP, TCP_KEEPIDLE, value, 4);
        if (r < 0) {
            throw new IllegalStateException("setsockopt failed");
        }
        return r;
    }

    @CReference.Twin("option.get.keepidle.{protocol}")
    @Benchmark
    public int ffmGetKeepIdle(CReference twin) throws Throwable {
        return getInt(IPPROTO_TCP, TCP_KEEPIDLE);
    }

    /** The floor of {@code setKeepalive}: its four setsockopt calls, in its order. */
    @CReference.Twin("keepalive.set.{protocol}")
    @Benchmark
    public int ffmSetKeepalive(CReference twin) throws Throwable {
        int r = (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_TCP, TCP_KEEPIDLE, keepalive, 4)
                | (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_TCP, TCP_KEEPINTVL, keepalive.asSlice(4), 4)
                | (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_TCP, TCP_KEEPCNT, keepalive.asSlice(8), 4)
                | (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_KEEPALIVE, keepalive.asSlice(12), 4);
        if (r < 0) {
            throw new IllegalStateException("setsockopt failed");
        }
        return r;
    }

    /** The floor of {@code keepalive()}: its four getsockopt calls (without building a {@code Keepalive}). */
    @CReference.Twin("keepalive.get.{protocol}")
    @Benchmark
    public int ffmGetKeepalive(CReference twin) throws Throwable {
        return getInt(SOL_SOCKET, SO_KEEPALIVE) + getInt(IPPROTO_TCP, TCP_KEEPIDLE)
                + getInt(IPPROTO_TCP, TCP_KEEPINTVL) + getInt(IPPROTO_TCP, TCP_KEEPCNT);
    }

    private int getInt(int level, int name) throws Throwable {
        length.set(ValueLayout.JAVA_INT, 0, 4);
        int r = (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        if (r < 0) {
            throw new IllegalStateException("getsockopt failed");
        }
        return value.get(ValueLayout.JAVA_INT, 0);
    }
}

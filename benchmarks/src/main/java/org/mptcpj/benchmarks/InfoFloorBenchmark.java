package org.mptcpj.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.mptcpj.socket.MptcpPolicy;
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
 * The floor of the info reads: MPTCP_INFO, TCP_INFO and MPTCP_FULL_INFO (one subflow) through a
 * bare getsockopt downcall handle capturing errno, with the same buffers and lengths as the C twin
 * ({@code info.*}), on connected loopback pairs (JDK channels; their descriptors read through
 * {@code sun.nio.ch.SelChImpl.getFDVal}, which the forks' {@code --add-exports} opens).
 * InfoBenchmark's rows divided by these are the library's own cost of an info read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class InfoFloorBenchmark {
    private static final int SOL_MPTCP = 284;
    private static final int MPTCP_INFO = 1;
    private static final int MPTCP_FULL_INFO = 4;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    private static final int MPTCP_INFO_SIZE = 96;  // struct mptcp_info on Linux >= 6.8, as reference.c
    private static final int TCP_INFO_CAP = 512;    // as reference.c: the kernel copies its own size
    private static final int FULL_HEADER = 40;      // struct mptcp_full_info up to its mptcp_info
    private static final int SUBFLOW_INFO_SIZE = 264; // struct mptcp_subflow_info: id, two sockaddr_storage
    private static final MethodHandle GETSOCKOPT = FfmFloorBenchmark.GETSOCKOPT;

    private Loopback.JdkPair mptcp;
    private Loopback.JdkPair tcp;
    private int mptcpFd;
    private int tcpFd;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
    private final MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
    private final MemorySegment info = arena.allocate(TCP_INFO_CAP, 8);
    private final MemorySegment full = arena.allocate(FULL_HEADER + MPTCP_INFO_SIZE, 8);
    private final MemorySegment subflows = arena.allocate(SUBFLOW_INFO_SIZE, 8);
    private final MemorySegment tcpInfos = arena.allocate(TCP_INFO_CAP, 8);

    @Setup(Level.Trial)
    public void setUp() throws IOException, ReflectiveOperationException {
        mptcp = Loopback.jdkPair(MptcpPolicy.REQUIRED);
        tcp = Loopback.jdkPair(MptcpPolicy.DISABLED);
        mptcpFd = fd(mptcp.client());
        tcpFd = fd(tcp.client());
    }

    private static int fd(SocketChannel channel) throws ReflectiveOperationException {
        return (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mptcp.close();
        tcp.close();
    }

    @CReference.Twin("info.mptcp_info")
    @Benchmark
    public int ffmMptcpInfo(CReference twin) throws Throwable {
        return get(mptcpFd, SOL_MPTCP, MPTCP_INFO, info, MPTCP_INFO_SIZE);
    }

    @CReference.Twin("info.tcp_info")
    @Benchmark
    public int ffmTcpInfo(CReference twin) throws Throwable {
        return get(tcpFd, IPPROTO_TCP, TCP_INFO, info, TCP_INFO_CAP);
    }

    /** As reference.c's op_full_info: clear the header, say what the arrays hold, one getsockopt. */
    @CReference.Twin("info.mptcp_full_info.1sf")
    @Benchmark
    public int ffmFullInfo(CReference twin) throws Throwable {
        full.asSlice(0, FULL_HEADER).fill((byte) 0);
        full.set(ValueLayout.JAVA_INT, 4, TCP_INFO_CAP);       // size_tcpinfo_user
        full.set(ValueLayout.JAVA_INT, 12, SUBFLOW_INFO_SIZE); // size_sfinfo_user
        full.set(ValueLayout.JAVA_INT, 20, 1);                 // size_arrays_user
        full.set(ValueLayout.ADDRESS, 24, subflows);           // subflow_info
        full.set(ValueLayout.ADDRESS, 32, tcpInfos);           // tcp_info
        return get(mptcpFd, SOL_MPTCP, MPTCP_FULL_INFO, full, FULL_HEADER + MPTCP_INFO_SIZE);
    }

    private int get(int fd, int level, int name, MemorySegment buffer, int size) throws Throwable {
        length.set(ValueLayout.JAVA_INT, 0, size);
        int r = (int) GETSOCKOPT.invokeExact(state, fd, level, name, buffer, length);
        if (r < 0) {
            throw new IllegalStateException("getsockopt(" + level + ", " + name + ") failed");
        }
        return length.get(ValueLayout.JAVA_INT, 0);
    }
}

package org.mptcpj.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.mptcpj.bindings.linux.mptcp_full_info;
import org.mptcpj.bindings.linux.mptcp_subflow_info;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.TcpInfo;
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
 * Connection statistics read into a reused view on a connected loopback pair: MPTCP_INFO (96 bytes
 * on Linux 6.18), TCP_INFO, MPTCP_FULL_INFO with one subflow; alone and followed by reading three
 * fields. C reference: {@code info.*}.
 *
 * <p>The {@code ffm*} rows are the FFM floor of the same calls on the same descriptors: a bare
 * errno-capturing {@code getsockopt} downcall with every argument prepared in advance (the
 * descriptor number is taken from the socket once, by reflection, in the setup). API minus floor is
 * the library's own cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class InfoBenchmark {
    private Loopback.ApiPair mptcp;
    private Loopback.ApiPair tcp;
    private StreamSocket mptcpSocket;
    private StreamSocket tcpSocket;
    private final MptcpInfo mptcpInfo = new MptcpInfo();
    private final TcpInfo tcpInfo = new TcpInfo();
    private final MptcpFullInfo fullInfo = new MptcpFullInfo(1);

    private static final int SOL_TCP = 6;
    private static final int TCP_INFO = 11;
    private static final int SOL_MPTCP = 284;
    private static final int MPTCP_INFO = 1;
    private static final int MPTCP_FULL_INFO = 4;
    private static final int FULL_INFO_HEADER = (int) mptcp_full_info.mptcp_info$offset();
    private static final int FULL_INFO_SIZE = (int) mptcp_full_info.sizeof();
    private static final int SFINFO_SIZE = (int) mptcp_subflow_info.sizeof();
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
            Linker.Option.captureCallState("errno"));
    private int mptcpFd;
    private int tcpFd;
    private MemorySegment state;
    private MemorySegment length;
    private MemorySegment floorBuffer;
    private MemorySegment floorFull;
    private MemorySegment floorSubflows;
    private MemorySegment floorTcpInfos;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        mptcp = Loopback.apiPair(MptcpPolicy.REQUIRED);
        tcp = Loopback.apiPair(MptcpPolicy.DISABLED);
        mptcpSocket = mptcp.client();
        tcpSocket = tcp.client();
        int subflows = mptcpSocket.fullInfo(fullInfo).numSubflows();
        if (subflows != 1) {
            throw new IllegalStateException("MPTCP_FULL_INFO reports " + subflows + " subflows, expected 1");
        }
        mptcpFd = descriptor(mptcpSocket);
        tcpFd = descriptor(tcpSocket);
        Arena arena = Arena.ofAuto();
        state = arena.allocate(Linker.Option.captureStateLayout());
        length = arena.allocate(ValueLayout.JAVA_INT);
        floorBuffer = arena.allocate(TcpInfo.SIZE, 8);
        floorFull = arena.allocate(FULL_INFO_SIZE, 8);
        floorSubflows = arena.allocate(SFINFO_SIZE, 8);
        floorTcpInfos = arena.allocate(TcpInfo.SIZE, 8);
    }

    /** The descriptor number of an API socket (NativeSocket.fd, a GuardedFd), for the floor rows only. */
    private static int descriptor(StreamSocket socket) {
        try {
            Field f = socket.getClass().getSuperclass().getDeclaredField("fd");
            f.setAccessible(true);
            Object guarded = f.get(socket);
            return (int) guarded.getClass().getMethod("number").invoke(guarded);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot find the descriptor of " + socket, e);
        }
    }

    private int floorGetsockopt(int fd, int level, int name, MemorySegment value, int capacity) throws Throwable {
        length.set(ValueLayout.JAVA_INT, 0, capacity);
        int r = (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        if (r < 0) {
            throw new IllegalStateException("getsockopt failed");
        }
        return length.get(ValueLayout.JAVA_INT, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        mptcp.close();
        tcp.close();
    }

    @CReference.Twin("info.mptcp_info")
    @Benchmark
    public MptcpInfo mptcpInfo(CReference twin) throws IOException {
        return mptcpSocket.mptcpInfo(mptcpInfo);
    }

    @CReference.Twin("info.mptcp_info.3fields")
    @Benchmark
    public long mptcpInfoThreeFields(CReference twin) throws IOException {
        MptcpInfo i = mptcpSocket.mptcpInfo(mptcpInfo);
        return i.subflows() + i.token() + i.sndUna();
    }

    @CReference.Twin("info.tcp_info")
    @Benchmark
    public TcpInfo tcpInfo(CReference twin) throws IOException {
        return tcpSocket.tcpInfo(tcpInfo);
    }

    @CReference.Twin("info.tcp_info.3fields")
    @Benchmark
    public long tcpInfoThreeFields(CReference twin) throws IOException {
        TcpInfo i = tcpSocket.tcpInfo(tcpInfo);
        return i.rttMicros() + i.sndCwnd() + i.totalRetrans();
    }

    @CReference.Twin("info.mptcp_full_info.1sf")
    @Benchmark
    public MptcpFullInfo fullInfo1Subflow(CReference twin) throws IOException {
        return mptcpSocket.fullInfo(fullInfo);
    }

    @Benchmark
    public int ffmMptcpInfo() throws Throwable {
        return floorGetsockopt(mptcpFd, SOL_MPTCP, MPTCP_INFO, floorBuffer, MptcpInfo.SIZE);
    }

    @Benchmark
    public int ffmTcpInfo() throws Throwable {
        return floorGetsockopt(tcpFd, SOL_TCP, TCP_INFO, floorBuffer, TcpInfo.SIZE);
    }

    /** As the C loop: zero the header, set the user sizes and array pointers, one getsockopt. */
    @Benchmark
    public int ffmFullInfo1Subflow() throws Throwable {
        MemorySegment h = floorFull;
        h.asSlice(0, FULL_INFO_HEADER).fill((byte) 0);
        mptcp_full_info.size_tcpinfo_user(h, TcpInfo.SIZE);
        mptcp_full_info.size_sfinfo_user(h, SFINFO_SIZE);
        mptcp_full_info.size_arrays_user(h, 1);
        mptcp_full_info.subflow_info(h, floorSubflows.address());
        mptcp_full_info.tcp_info(h, floorTcpInfos.address());
        floorGetsockopt(mptcpFd, SOL_MPTCP, MPTCP_FULL_INFO, h, FULL_INFO_SIZE);
        return mptcp_full_info.num_subflows(h);
    }
}

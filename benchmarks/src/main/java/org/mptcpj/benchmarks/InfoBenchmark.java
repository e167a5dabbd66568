package org.mptcpj.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
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
}

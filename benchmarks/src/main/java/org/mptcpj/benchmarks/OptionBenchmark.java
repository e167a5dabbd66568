package org.mptcpj.benchmarks;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.mptcpj.option.Options;
import org.mptcpj.socket.MptcpChannels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One setsockopt/getsockopt of TCP_KEEPIDLE on an unconnected socket, through the API and through
 * the JDK ({@code jdk.net.ExtendedSocketOptions} on a {@link SocketChannel}). For MPTCP the JDK
 * channel drives an MPTCP socket ({@link MptcpChannels}), so both columns make the same system call.
 * C reference: {@code option.{set,get}.keepidle.{tcp,mptcp}}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class OptionBenchmark extends UnconnectedSockets {
    private final Duration idle = Duration.ofSeconds(600);
    private final Integer idleSeconds = 600;

    @CReference.Twin("option.set.keepidle.{protocol}")
    @Benchmark
    public void apiSetKeepIdle(CReference twin) throws IOException {
        socket.setOption(Options.TCP_KEEPIDLE, idle);
    }

    @CReference.Twin("option.get.keepidle.{protocol}")
    @Benchmark
    public Duration apiGetKeepIdle(CReference twin) throws IOException {
        return socket.getOption(Options.TCP_KEEPIDLE);
    }

    @CReference.Twin("option.set.keepidle.{protocol}")
    @Benchmark
    public void jdkSetKeepIdle(CReference twin) throws IOException {
        jdk.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, idleSeconds);
    }

    @CReference.Twin("option.get.keepidle.{protocol}")
    @Benchmark
    public Integer jdkGetKeepIdle(CReference twin) throws IOException {
        return jdk.getOption(ExtendedSocketOptions.TCP_KEEPIDLE);
    }
}

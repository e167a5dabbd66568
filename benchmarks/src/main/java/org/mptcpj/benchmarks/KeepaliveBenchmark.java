package org.mptcpj.benchmarks;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.mptcpj.option.Keepalive;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A whole keepalive setting applied ({@code setKeepalive}: four setsockopt calls) and read back
 * ({@code keepalive()}: four getsockopt calls), through the API and through the JDK's four options.
 * C reference: {@code keepalive.{set,get}.{tcp,mptcp}}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"})
public class KeepaliveBenchmark extends UnconnectedSockets {
    private final Keepalive keepalive = Keepalive.of(Duration.ofSeconds(600), Duration.ofSeconds(30), 5);
    private final Integer idle = 600;
    private final Integer interval = 30;
    private final Integer count = 5;

    @CReference.Twin("keepalive.set.{protocol}")
    @Benchmark
    public void apiSetKeepalive(CReference twin) throws IOException {
        socket.setKeepalive(keepalive);
    }

    @CReference.Twin("keepalive.get.{protocol}")
    @Benchmark
    public Keepalive apiGetKeepalive(CReference twin) throws IOException {
        return socket.keepalive();
    }

    @CReference.Twin("keepalive.set.{protocol}")
    @Benchmark
    public void jdkSetKeepalive(CReference twin) throws IOException {
        jdk.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, idle);
        jdk.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, interval);
        jdk.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, count);
        jdk.setOption(StandardSocketOptions.SO_KEEPALIVE, Boolean.TRUE);
    }

    @CReference.Twin("keepalive.get.{protocol}")
    @Benchmark
    public void jdkGetKeepalive(CReference twin, Blackhole bh) throws IOException {
        bh.consume(jdk.getOption(StandardSocketOptions.SO_KEEPALIVE));
        bh.consume(jdk.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
        bh.consume(jdk.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
        bh.consume(jdk.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
    }
}

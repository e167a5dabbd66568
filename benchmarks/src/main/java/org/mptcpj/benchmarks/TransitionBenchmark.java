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
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What an FFM downcall itself costs, apart from the system call it makes: {@code getppid(2)} (the
 * cheapest system call, no arguments, cannot fail) through a plain downcall handle, one that
 * captures errno (as every handle of the library does), and one marked
 * {@link Linker.Option#critical critical} (no thread-state transition; allowed here because
 * getppid never blocks). The C twin is a loop of {@code getppid()}: FFM minus C is the
 * transition, critical minus C what remains of the downcall without it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class TransitionBenchmark {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemorySegment GETPPID = LINKER.defaultLookup().find("getppid").orElseThrow();
    private static final FunctionDescriptor INT = FunctionDescriptor.of(ValueLayout.JAVA_INT);
    private static final MethodHandle PLAIN = LINKER.downcallHandle(GETPPID, INT);
    private static final MethodHandle ERRNO = LINKER.downcallHandle(GETPPID, INT, Linker.Option.captureCallState("errno"));
    private static final MethodHandle CRITICAL = LINKER.downcallHandle(GETPPID, INT, Linker.Option.critical(false));

    private final MemorySegment state = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());

    @CReference.Twin("transition.getppid")
    @Benchmark
    public int ffmGetppid(CReference twin) throws Throwable {
        return (int) PLAIN.invokeExact();
    }

    @CReference.Twin("transition.getppid")
    @Benchmark
    public int ffmGetppidErrno(CReference twin) throws Throwable {
        return (int) ERRNO.invokeExact(state);
    }

    @CReference.Twin("transition.getppid")
    @Benchmark
    public int ffmGetppidCritical(CReference twin) throws Throwable {
        return (int) CRITICAL.invokeExact();
    }
}

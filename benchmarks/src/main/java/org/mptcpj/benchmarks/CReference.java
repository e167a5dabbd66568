package org.mptcpj.benchmarks;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The C twin of a benchmark, measured right before each of its measured iterations, so that C and
 * Java alternate (C, Java, C, Java, ...) and every Java iteration is compared with a C measurement
 * taken moments before on the same machine: a per-pair ratio that the load of a shared machine
 * moves far less than a ratio of two runs minutes apart.
 *
 * <p>A benchmark method takes this state as an argument and names its twin with {@link Twin}.
 * One twin process ({@code reference --serve}) serves a whole trial: it is told the twin's name
 * before each measured iteration and answers with one measurement (one warm-up round and one
 * measured round). {@code run.sh} sets the environment: {@code MPTCPJ_BENCH_REFERENCE} (the compiled
 * {@code c/reference.c}), {@code MPTCPJ_BENCH_REFERENCE_ARGS} (extra arguments, e.g.
 * {@code --quick --peer 10.0.0.2:5201}) and {@code MPTCPJ_BENCH_PAIRS} (the file each C result is
 * appended to, one line per measured iteration:
 * {@code Class.method params name value unit}) and, for the single-threaded benchmarks,
 * {@code MPTCPJ_BENCH_CPU} (the CPU that the benchmark thread and its twin share). Without
 * them (a benchmark run by hand) nothing happens.
 */
@State(Scope.Thread)
public class CReference {
    /** The C measurement ({@code reference --name}); {@code {param}} stands for a parameter's value in lower case. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Twin {
        String value();
    }

    private static final String BINARY = System.getenv("MPTCPJ_BENCH_REFERENCE");
    private static final String ARGS = System.getenv("MPTCPJ_BENCH_REFERENCE_ARGS");
    private static final String PAIRS = System.getenv("MPTCPJ_BENCH_PAIRS");
    private static final String CPU = System.getenv("MPTCPJ_BENCH_CPU");

    private String twin;
    private String key;
    private Process process; // reference --serve, one per trial
    private OutputStream pairs; // MPTCPJ_BENCH_PAIRS, open for the trial
    private byte[] request; // the twin's name and a newline
    private byte[] keyPrefix; // the pairs file's "key " before each result
    private final byte[] answer = new byte[4096];

    /**
     * Starts the twin's process ({@code reference --serve}) once per trial. JMH's {@code -prof gc}
     * counts every thread's allocation during an iteration, its setup included: a process spawned
     * for every measured iteration (as before) allocated about 35 KB in this JVM each time, 400 KB
     * the first time, 3-50 B/op on the bulk rows. Talking to one process allocates nothing.
     */
    @Setup(Level.Trial)
    public void startTwin(BenchmarkParams benchmark) throws IOException {
        if (BINARY == null || PAIRS == null) {
            return;
        }
        resolve(benchmark);
        if (CPU != null && !CPU.isBlank()) {
            pinThisThread(Integer.parseInt(CPU.trim()));
        }
        List<String> command = new ArrayList<>(List.of(BINARY, "--serve", "--rounds", "1"));
        if (ARGS != null && !ARGS.isBlank()) {
            command.addAll(Arrays.asList(ARGS.trim().split("\\s+")));
        }
        request = (twin + "\n").getBytes(StandardCharsets.US_ASCII);
        keyPrefix = (key + " ").getBytes(StandardCharsets.UTF_8);
        pairs = new FileOutputStream(PAIRS, true);
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // A first exchange that measures nothing (an empty name), so that the first measured
        // iteration does not pay for the first use of the pipes.
        exchange(new byte[] {'\n'});
    }

    /**
     * Runs the C twin once before a measured iteration and appends its result line to the pairs
     * file; allocates nothing (no strings, no lambdas: their first use would show in this
     * iteration's B/op).
     */
    @Setup(Level.Iteration)
    public void measureTwin(IterationParams iteration) throws IOException {
        if (process == null || iteration.getType() != IterationType.MEASUREMENT) {
            return;
        }
        int n = exchange(request);
        int line = n - 2; // the result line with its newline
        if (line <= request.length || !Arrays.equals(answer, 0, request.length - 1, request, 0, request.length - 1)
                || answer[request.length - 1] != ' ') {
            throw new IllegalStateException("C twin " + twin + " measured nothing: " + new String(answer, 0, n, StandardCharsets.UTF_8));
        }
        pairs.write(keyPrefix);
        pairs.write(answer, 0, line);
    }

    /**
     * Pins the calling thread, the benchmark's (JMH runs a thread-scoped state's setup on it), to
     * one CPU with {@code sched_setaffinity(2)}; the twin's process, spawned from this thread
     * afterwards, inherits the mask. run.sh starts the JVM on the other CPUs, so that Java and C run
     * on the same CPU and the JVM's other threads (JIT, GC, JMH's) stay off it.
     */
    private static void pinThisThread(int cpu) {
        Linker linker = Linker.nativeLinker();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(128); // cpu_set_t: 1,024 CPUs
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int r = (int) linker.downcallHandle(linker.defaultLookup().find("sched_setaffinity").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS))
                    .invokeExact(0, mask.byteSize(), mask);
            if (r != 0) {
                throw new IllegalStateException("sched_setaffinity(CPU " + cpu + ") failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends one request line to the twin and reads its answer into {@link #answer}:
     * {@code "<name> <value> <unit>\n.\n"}, or {@code ".\n"} if the name measured nothing
     * (reference.c's serve()). {@return the answer's length}
     */
    private int exchange(byte[] line) throws IOException {
        OutputStream to = process.getOutputStream();
        to.write(line);
        to.flush();
        InputStream from = process.getInputStream();
        int n = 0;
        while (!endsWithDotLine(n)) {
            int r = from.read(answer, n, answer.length - n);
            if (r < 0 || n + r == answer.length) {
                throw new IllegalStateException("C twin " + twin + " failed: " + new String(answer, 0, n, StandardCharsets.UTF_8));
            }
            n += r;
        }
        return n;
    }

    /** Whether the first {@code n} bytes of the answer end with the line ".". */
    private boolean endsWithDotLine(int n) {
        return n >= 2 && answer[n - 1] == '\n' && answer[n - 2] == '.' && (n == 2 || answer[n - 3] == '\n');
    }

    /** Ends the twin's process (end of its input) and closes the pairs file. */
    @TearDown(Level.Trial)
    public void stopTwin() throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        process.getOutputStream().close();
        int exit = process.waitFor();
        pairs.close();
        process = null;
        if (exit != 0) {
            throw new IllegalStateException("C twin " + twin + " exited " + exit);
        }
    }

    /** Finds the benchmark method's {@link Twin} and fills in its parameters. */
    private void resolve(BenchmarkParams benchmark) {
        String full = benchmark.getBenchmark();
        int dot = full.lastIndexOf('.');
        String className = full.substring(0, dot);
        String methodName = full.substring(dot + 1);
        Twin t;
        try {
            t = Arrays.stream(Class.forName(className).getMethods())
                    .filter(m -> m.getName().equals(methodName) && m.isAnnotationPresent(Twin.class))
                    .map((Method m) -> m.getAnnotation(Twin.class))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(full + " takes a CReference but has no @Twin"));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        String name = t.value();
        List<String> params = new ArrayList<>();
        for (String k : new TreeSet<>(benchmark.getParamsKeys())) {
            String v = benchmark.getParam(k);
            name = name.replace("{" + k + "}", v.toLowerCase(Locale.ROOT));
            params.add(k + "=" + v);
        }
        twin = name;
        key = full.substring(className.lastIndexOf('.') + 1) + " " + (params.isEmpty() ? "-" : String.join(",", params));
    }
}

package org.mptcpj.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
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
 * {@code run.sh} sets the environment: {@code MPTCPJ_BENCH_REFERENCE} (the compiled
 * {@code c/reference.c}), {@code MPTCPJ_BENCH_REFERENCE_ARGS} (extra arguments, e.g.
 * {@code --quick --peer 10.0.0.2:5201}) and {@code MPTCPJ_BENCH_PAIRS} (the file each C result is
 * appended to, one line per measured iteration: {@code Class.method params name value unit}). Without
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

    private String twin;
    private String key;

    @Setup(Level.Iteration)
    public void measureTwin(BenchmarkParams benchmark, IterationParams iteration) throws IOException, InterruptedException {
        if (BINARY == null || PAIRS == null || iteration.getType() != IterationType.MEASUREMENT) {
            return;
        }
        if (twin == null) {
            resolve(benchmark);
        }
        List<String> command = new ArrayList<>(List.of(BINARY, "--name", twin, "--rounds", "1"));
        if (ARGS != null && !ARGS.isBlank()) {
            command.addAll(Arrays.asList(ARGS.trim().split("\\s+")));
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int exit = p.waitFor();
        String result = out.lines().filter(l -> l.startsWith(twin + " ")).findFirst().orElse(null);
        if (exit != 0 || result == null) {
            throw new IllegalStateException("C twin " + String.join(" ", command) + " exited " + exit + ": " + out);
        }
        Files.writeString(Path.of(PAIRS), key + " " + result + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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

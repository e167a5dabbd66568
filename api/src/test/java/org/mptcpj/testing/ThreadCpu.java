package org.mptcpj.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads whose kernel name ({@code /proc/self/task/N/comm}: the Java
 * thread name cut to 15 bytes) starts with one of given prefixes, so that a test can tell whether
 * the threads it watches spun, without counting the JIT compiler or the GC.
 */
public final class ThreadCpu {
    /** Virtual-thread carriers, the library's own threads. */
    public static final String[] CARRIERS_AND_LIBRARY = {"ForkJoinPool", "mptcpj-"};

    private ThreadCpu() {
    }

    /** {@return user + system CPU nanoseconds of the matching threads (10 ms resolution)} */
    public static long nanos(String... prefixes) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.mapToLong(task -> {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    if (Stream.of(prefixes).noneMatch(comm::startsWith)) {
                        return 0;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3
                    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime, stime
                } catch (IOException e) {
                    return 0; // the thread ended meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

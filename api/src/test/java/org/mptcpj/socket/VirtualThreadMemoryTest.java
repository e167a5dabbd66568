package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Native memory does not grow with the number of virtual threads doing heap I/O (issue 10 item 3).
 * 10,000 virtual threads over 400 loopback connections (800 descriptors, under a default limit of
 * 1024) each block in a heap read, then do one heap write and stay alive; the child JVM
 * ({@link VirtualThreadMemoryProbe}) reports Native Memory Tracking's "Other" category, where
 * {@code Arena} allocations are counted. A per-thread 64 KiB bounce buffer would add 625 MiB; the
 * bound is {@value #BOUND_KIB} KiB over the baseline at every phase, and after the threads are gone.
 */
class VirtualThreadMemoryTest {
    private static final int THREADS = 10_000;
    private static final int CONNECTIONS = 400;
    /** 8 MiB: the pooled scratch and bounce buffers (a few per carrier), nothing per virtual thread. */
    private static final long BOUND_KIB = 8 * 1024;

    @Test
    void tenThousandVirtualThreadsDoingHeapIoStayWithinABound() throws Exception {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:NativeMemoryTracking=summary", "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:MaxDirectMemorySize=2g",
                "-cp", System.getProperty("java.class.path"),
                VirtualThreadMemoryProbe.class.getName(), String.valueOf(THREADS), String.valueOf(CONNECTIONS));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child still running");
        } finally {
            p.destroyForcibly();
        }
        System.out.print(out);
        assertEquals(0, p.exitValue(), "child failed:\n" + out);
        Map<String, Long> kib = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3 && f[0].equals("NMT")) {
                kib.put(f[1], Long.parseLong(f[2].trim()));
            }
        }
        long baseline = kib.get("baseline");
        for (String phase : List.of("blocked-in-read", "after-io-threads-alive", "threads-gone")) {
            Long v = kib.get(phase);
            assertTrue(v != null, phase + " missing in:\n" + out);
            assertTrue(v - baseline <= BOUND_KIB, "native memory (NMT Other) " + phase + ": " + (v - baseline)
                    + " KiB over the baseline of " + baseline + " KiB, bound " + BOUND_KIB + " KiB, for "
                    + THREADS + " virtual threads");
        }
    }
}

package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A write from a {@link MemorySegment} allocates nothing on the Java heap once warm (issue 13
 * target 2, "0 B/op"): no slice per call, no JFR event object left by the JIT, no capturing lambda,
 * no scratch. Counted with {@code ThreadMXBean.getThreadAllocatedBytes} of the writing thread over
 * rounds of writes; it must reach a round below the bound before the rounds run out (the JIT needs
 * some thousands of calls first, more on a loaded machine). A behaviour check, not a timing one.
 */
class WriteAllocationTest {
    private static final int CHUNK = 16 * 1024;
    private static final int WRITES_PER_ROUND = 5_000;
    private static final int ROUNDS = 40;
    /** Bytes per write allowed in a warm round: a per-call object (a 40-byte slice, a 24-byte event) exceeds it. */
    private static final double BOUND = 1.0;

    /**
     * {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes(long)} on the platform's bean,
     * bound: looked up at run time, since the tests compile inside module org.mptcpj, which does
     * not read java.management (on the class path at run time everything is readable).
     */
    private static MethodHandle allocatedBytes() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
        return MethodHandles.publicLookup().findVirtual(type, "getThreadAllocatedBytes",
                MethodType.methodType(long.class, long.class)).bindTo(bean);
    }

    @Test
    void segmentWritesAllocateNothingOnceWarm() throws Throwable {
        MethodHandle allocated = allocatedBytes();
        long me = Thread.currentThread().threadId();
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
             Arena arena = Arena.ofConfined()) {
            StreamSocket server = p.accepted();
            Thread drain = Thread.ofPlatform().name("drain").start(() -> {
                MemorySegment b = Arena.ofAuto().allocate(64 * 1024);
                try {
                    while (server.read(b) >= 0) {
                        // discard
                    }
                } catch (Exception e) {
                    // the test closes the pair
                }
            });
            MemorySegment chunk = arena.allocate(CHUNK);
            chunk.fill((byte) 'x');
            List<String> rounds = new ArrayList<>();
            double perWrite = Double.MAX_VALUE;
            for (int r = 0; r < ROUNDS && perWrite >= BOUND; r++) {
                long before = (long) allocated.invokeExact(me);
                for (int i = 0; i < WRITES_PER_ROUND; i++) {
                    p.client().write(chunk);
                }
                perWrite = (double) ((long) allocated.invokeExact(me) - before) / WRITES_PER_ROUND;
                rounds.add(String.format("%.1f", perWrite));
            }
            System.err.println("bytes allocated per 16 KiB segment write, by round of " + WRITES_PER_ROUND + ": " + rounds);
            assertTrue(perWrite < BOUND, "no round of " + WRITES_PER_ROUND + " writes below " + BOUND
                    + " B per write: " + rounds);
            p.client().close();
            drain.join(10_000);
        }
    }
}

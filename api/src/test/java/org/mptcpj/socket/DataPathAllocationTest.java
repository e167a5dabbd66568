package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads and writes allocate nothing on the Java heap once warm (issue 13 target 2, "0 B/op"): no
 * slice per call, no segment per {@link ByteBuffer}, no JFR event object left by the JIT, no
 * capturing lambda, no scratch. Counted with {@code ThreadMXBean.getThreadAllocatedBytes} of the
 * calling thread over rounds of calls; it must reach a round below the bound before the rounds run
 * out (the JIT needs some thousands of calls first, more on a loaded machine). A behaviour check,
 * not a timing one.
 */
class DataPathAllocationTest {
    private static final int CHUNK = 16 * 1024;
    private static final int CALLS_PER_ROUND = 5_000;
    private static final int ROUNDS = 40;
    /** Bytes per call allowed in a warm round: a per-call object (a 40-byte slice, a 24-byte event) exceeds it. */
    private static final double BOUND = 1.0;

    /** One data-path call on a connected pair, the same buffer every time. */
    @FunctionalInterface
    private interface Call {
        void run(SocketPair p) throws Exception;
    }

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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate(CHUNK).fill((byte) 'x');
            assertWritesAllocateNothing("16 KiB segment write", p -> p.client().write(chunk));
        }
    }

    @Test
    void directBufferWritesAllocateNothingOnceWarm() throws Throwable {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        assertWritesAllocateNothing("16 KiB direct ByteBuffer write", p -> p.client().write(chunk.clear()));
    }

    @Test
    void heapBufferWritesAllocateNothingOnceWarm() throws Throwable {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        assertWritesAllocateNothing("16 KiB heap ByteBuffer write", p -> p.client().write(chunk.clear()));
    }

    @Test
    void readOnlyHeapBufferWritesAllocateNothingOnceWarm() throws Throwable {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).asReadOnlyBuffer();
        assertWritesAllocateNothing("16 KiB read-only heap ByteBuffer write", p -> p.client().write(chunk.clear()));
    }

    @Test
    void byteArrayWritesAllocateNothingOnceWarm() throws Throwable {
        byte[] chunk = new byte[CHUNK];
        assertWritesAllocateNothing("16 KiB byte[] write", p -> p.client().write(chunk, 0, CHUNK));
    }

    /**
     * Reads into a direct buffer from its start. A read into its middle passes the kernel a slice
     * of the buffer's segment, which escape analysis removes or not depending on the JIT's inlining
     * (40 B per read in some runs of the whole suite): not asserted, said in the README.
     */
    @Test
    void directBufferReadsAllocateNothingOnceWarm() throws Throwable {
        ByteBuffer into = ByteBuffer.allocateDirect(CHUNK);
        assertReadsAllocateNothing("direct ByteBuffer read", p -> {
            if (p.client().read(into.clear()) < 0) {
                throw new AssertionError("end of stream");
            }
        });
    }

    @Test
    void heapBufferReadsAllocateNothingOnceWarm() throws Throwable {
        ByteBuffer into = ByteBuffer.allocate(2 * CHUNK);
        assertReadsAllocateNothing("heap ByteBuffer read", p -> readFully(p, into));
    }

    @Test
    void byteArrayReadsAllocateNothingOnceWarm() throws Throwable {
        byte[] into = new byte[CHUNK];
        assertReadsAllocateNothing("byte[] read", p -> {
            for (int done = 0; done < CHUNK; ) {
                int n = p.client().read(into, done, CHUNK - done);
                if (n < 0) {
                    throw new AssertionError("end of stream");
                }
                done += n;
            }
        });
    }

    /**
     * Reads one chunk into {@code into} from position {@code CHUNK / 2} on: reads that continue a
     * partly filled buffer, the usual way of reading a message of known length.
     */
    private static void readFully(SocketPair p, ByteBuffer into) throws Exception {
        into.limit(CHUNK / 2 + CHUNK).position(CHUNK / 2);
        while (into.hasRemaining()) {
            if (p.client().read(into) < 0) {
                throw new AssertionError("end of stream");
            }
        }
    }

    /** Measures {@code call} on the client of an MPTCP pair whose accepted end drains everything. */
    private static void assertWritesAllocateNothing(String what, Call call) throws Throwable {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
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
            assertAllocatesNothing(what, p, call);
            p.client().close();
            drain.join(10_000);
        }
    }

    /** Measures {@code call} (reading {@link #CHUNK} bytes) on the client while the accepted end sends chunks. */
    private static void assertReadsAllocateNothing(String what, Call call) throws Throwable {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            StreamSocket server = p.accepted();
            Thread source = Thread.ofPlatform().name("source").start(() -> {
                MemorySegment b = Arena.ofAuto().allocate(CHUNK);
                try {
                    for (;;) {
                        server.write(b);
                    }
                } catch (Exception e) {
                    // the test closes the pair
                }
            });
            assertAllocatesNothing(what, p, call);
            p.close();
            source.join(10_000);
            assertEquals(false, source.isAlive(), "the source thread ended when the pair closed");
        }
    }

    private static void assertAllocatesNothing(String what, SocketPair p, Call call) throws Throwable {
        MethodHandle allocated = allocatedBytes();
        long me = Thread.currentThread().threadId();
        List<String> rounds = new ArrayList<>();
        double perCall = Double.MAX_VALUE;
        for (int r = 0; r < ROUNDS && perCall >= BOUND; r++) {
            long before = (long) allocated.invokeExact(me);
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                call.run(p);
            }
            perCall = (double) ((long) allocated.invokeExact(me) - before) / CALLS_PER_ROUND;
            rounds.add(String.format("%.1f", perCall));
        }
        System.err.println("bytes allocated per " + what + ", by round of " + CALLS_PER_ROUND + ": " + rounds);
        assertTrue(perCall < BOUND, "no round of " + CALLS_PER_ROUND + " calls (" + what + ") below " + BOUND
                + " B per call: " + rounds);
    }
}

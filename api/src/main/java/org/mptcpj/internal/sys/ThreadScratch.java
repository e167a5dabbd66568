package org.mptcpj.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Native scratch memory for one call into the native layer, so that system calls allocate nothing
 * once warm: the errno capture area every downcall writes, a small buffer for option values,
 * lengths and addresses, and (made on first use) a {@value #BOUNCE_SIZE}-byte bounce buffer that
 * heap memory is copied through.
 *
 * <p>Take one with {@link #acquire()} and give it back with {@link #release()} in a {@code finally},
 * without parking in between (no readiness wait, no lock): the slices are valid only until then.
 *
 * <ul>
 *   <li>A <b>platform thread</b> always gets its own scratch, kept in a thread-local until the thread
 *       ends ({@code release} does nothing); at most about 64.4 KiB per platform thread that did heap
 *       I/O, 304 bytes for the others.</li>
 *   <li>A <b>virtual thread</b> leases one from a pool shared by all virtual threads. A virtual thread
 *       does not unmount inside a downcall, but it may at any park between calls, so a scratch is held
 *       only across the system calls of one step, never across a wait: a virtual thread blocked in
 *       {@code read} holds none. The pool keeps at most {@link #POOLED} scratches (each 304 bytes plus
 *       the bounce buffer once one of its users did heap I/O), made on demand; should more be
 *       leased at once (more carriers than expected), the extra ones live in a confined arena freed at
 *       {@code release}. Native memory therefore does not grow with the number of virtual threads.</li>
 * </ul>
 */
public final class ThreadScratch {
    /** Bytes of the general-purpose buffer: enough for a sockaddr_storage (128) plus a socklen_t. */
    static final int BUFFER_SIZE = 256;
    /** Bytes of the bounce buffer heap reads and writes go through, one system call at a time. */
    public static final int BOUNCE_SIZE = 64 * 1024;
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();

    /** Whose a scratch is, which decides what {@link #release()} does. */
    private enum Kind {
        /** A platform thread's own, freed by the GC after the thread ends: release does nothing. */
        PLATFORM,
        /** One of the pool's, in the global arena: release puts it back. */
        POOLED,
        /** An extra one for a virtual thread when the pool is exhausted: release frees it. */
        TEMPORARY
    }

    private static final ThreadLocal<ThreadScratch> PLATFORM = ThreadLocal.withInitial(() -> new ThreadScratch(Arena.ofAuto(), Kind.PLATFORM));

    /** Scratches the virtual-thread pool keeps: two per processor (carriers, nested calls), rounded up to a power of two. */
    static final int POOLED = Integer.highestOneBit(Math.max(2, Runtime.getRuntime().availableProcessors()) * 4 - 1);
    private static final AtomicReferenceArray<ThreadScratch> FREE = new AtomicReferenceArray<>(POOLED);
    private static final AtomicInteger MADE = new AtomicInteger();

    private final Arena arena;
    private final Kind kind;
    final MemorySegment callState;
    final MemorySegment length;
    final MemorySegment buffer;
    final MemorySegment pollfd;
    private MemorySegment bounce;

    private ThreadScratch(Arena arena, Kind kind) {
        this.arena = arena;
        this.kind = kind;
        // [call state, 16-aligned][socklen_t][pollfd][buffer], every slice 16-aligned.
        long stateSize = (CAPTURE.byteSize() + 15) & ~15L;
        MemorySegment all = arena.allocate(stateSize + 16 + 16 + BUFFER_SIZE, 16);
        callState = all.asSlice(0, CAPTURE.byteSize());
        length = all.asSlice(stateSize, 4);
        pollfd = all.asSlice(stateSize + 16, 8);
        buffer = all.asSlice(stateSize + 32, BUFFER_SIZE);
    }

    /**
     * {@return scratch for the calling thread's next system calls} Pair with {@link #release()} in a
     * {@code finally}, and do not park in between.
     */
    public static ThreadScratch acquire() {
        return Thread.currentThread().isVirtual() ? lease() : PLATFORM.get();
    }

    /** The calling platform thread's own scratch (for a platform thread's poll(2) wait). */
    static ThreadScratch get() {
        return PLATFORM.get();
    }

    private static ThreadScratch lease() {
        int start = (int) Thread.currentThread().threadId();
        for (int i = 0; i < POOLED; i++) {
            int k = (start + i) & (POOLED - 1);
            ThreadScratch s = FREE.getAcquire(k);
            if (s != null && FREE.compareAndSet(k, s, null)) {
                return s;
            }
        }
        if (MADE.getAndIncrement() < POOLED) {
            return new ThreadScratch(Arena.global(), Kind.POOLED); // at most POOLED of these, ever
        }
        MADE.getAndDecrement();
        return new ThreadScratch(Arena.ofConfined(), Kind.TEMPORARY); // confined to this virtual thread, closed at release
    }

    /** Ends the use begun with {@link #acquire()}: a virtual thread's lease goes back to the pool or is freed. */
    public void release() {
        if (kind == Kind.POOLED) {
            int start = (int) Thread.currentThread().threadId();
            for (int i = 0; ; i++) { // a free slot exists: at most POOLED pooled scratches exist
                int k = (start + i) & (POOLED - 1);
                if (FREE.getAcquire(k) == null && FREE.compareAndSet(k, null, this)) {
                    return;
                }
            }
        }
        if (kind == Kind.TEMPORARY) {
            arena.close();
        }
    }

    /** {@return the general-purpose buffer ({@value #BUFFER_SIZE} bytes)} */
    public MemorySegment buffer() {
        return buffer;
    }

    /** {@return the 4-byte slot for a {@code socklen_t} in/out length} */
    public MemorySegment length() {
        return length;
    }

    /** {@return the {@value #BOUNCE_SIZE}-byte bounce buffer for heap memory, allocated on first use} */
    public MemorySegment bounce() {
        MemorySegment b = bounce;
        if (b == null) {
            b = arena.allocate(BOUNCE_SIZE, 16);
            bounce = b;
        }
        return b;
    }
}

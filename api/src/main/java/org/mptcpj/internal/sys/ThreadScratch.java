package org.mptcpj.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Native memory owned by the calling thread, so that system calls allocate nothing once warm:
 * the errno capture area that every downcall writes, and a small buffer for option values,
 * lengths and addresses. A slice is valid only until the thread's next call into this layer
 * that uses the same slice.
 */
public final class ThreadScratch {
    /** Bytes of the general-purpose buffer: enough for a sockaddr_storage (128) plus a socklen_t. */
    static final int BUFFER_SIZE = 256;
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();

    private static final ThreadLocal<ThreadScratch> CURRENT = ThreadLocal.withInitial(ThreadScratch::new);

    final MemorySegment callState;
    final MemorySegment length;
    final MemorySegment buffer;
    final MemorySegment pollfd;

    private ThreadScratch() {
        // [call state, 16-aligned][socklen_t][pollfd][buffer], every slice 16-aligned.
        long stateSize = (CAPTURE.byteSize() + 15) & ~15L;
        // Arena.ofAuto: freed by the GC once the thread (platform or virtual) is gone.
        MemorySegment all = Arena.ofAuto().allocate(stateSize + 16 + 16 + BUFFER_SIZE, 16);
        callState = all.asSlice(0, CAPTURE.byteSize());
        length = all.asSlice(stateSize, 4);
        pollfd = all.asSlice(stateSize + 16, 8);
        buffer = all.asSlice(stateSize + 32, BUFFER_SIZE);
    }

    static ThreadScratch get() {
        return CURRENT.get();
    }

    /** {@return this thread's general-purpose buffer ({@value #BUFFER_SIZE} bytes)} */
    public static MemorySegment buffer() {
        return get().buffer;
    }

    /** {@return this thread's 4-byte slot for a {@code socklen_t} in/out length} */
    public static MemorySegment length() {
        return get().length;
    }
}

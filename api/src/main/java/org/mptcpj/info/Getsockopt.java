package org.mptcpj.info;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.internal.sys.ThreadScratch;

/** The one getsockopt(2) call shared by the views of this package. */
final class Getsockopt {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    private Getsockopt() {
    }

    /**
     * Calls {@code getsockopt(fd, level, name, buf, &len)} with {@code len = capacity}, holding the
     * descriptor for the duration of the call.
     *
     * @param operation constant text for the closed-descriptor exception, e.g. {@code "getsockopt(MPTCP_INFO)"}
     * @param optName   the option's name in the error message, e.g. {@code "MPTCP_INFO"}
     * @return the length the kernel wrote back
     * @throws org.mptcpj.error.ErrnoException if the call fails
     * @throws org.mptcpj.error.SocketClosedException if {@code fd} is closed
     */
    static int get(GuardedFd fd, int level, int name, String operation, String optName,
                   MemorySegment buf, int capacity) throws IOException {
        int n = fd.acquire(operation);
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment len = sc.length();
            len.set(ValueLayout.JAVA_INT, 0, capacity);
            int r = SYS.getsockopt(sc, n, level, name, buf, len);
            if (r < 0) {
                throw Sys.error("getsockopt(fd " + n + ", " + optName + ")", r);
            }
            return len.get(ValueLayout.JAVA_INT, 0);
        } finally {
            sc.release();
            fd.release();
        }
    }

    /**
     * Rejects what a view cannot {@code wrap}: a segment the generated (aligned) accessors cannot
     * read, or a returned length outside it.
     *
     * @throws IllegalArgumentException if {@code returnedLength} is negative or exceeds the segment,
     *                                  or the segment is not 8-byte aligned
     */
    static void checkWrappable(MemorySegment segment, int returnedLength) {
        try {
            // asSlice with an alignment checks the address and, for a heap segment, the array's element size.
            segment.asSlice(0, 0, 8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("segment must be 8-byte aligned: " + segment, e);
        }
        if (returnedLength < 0 || returnedLength > segment.byteSize()) {
            throw new IllegalArgumentException("returned length " + returnedLength + " outside 0.." + segment.byteSize());
        }
    }

    /**
     * {@return a read-only heap copy of a view's present bytes} {@code size} bytes long, holding the
     * first {@code min(returned, size)} bytes of {@code segment}. A {@code long[]} backs it, so it is
     * 8-byte aligned, which the generated aligned accessors accept.
     */
    static MemorySegment heapCopy(MemorySegment segment, int returned, int size) {
        MemorySegment copy = MemorySegment.ofArray(new long[(size + 7) / 8]);
        MemorySegment.copy(segment, 0, copy, 0, Math.min(returned, size));
        return copy.asReadOnly();
    }

    /** {@code micros} as milliseconds the way {@code ss} prints them ({@code 33 -> "0.033"}, {@code 204000 -> "204"}). */
    static String millis(long micros) {
        return java.math.BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString();
    }
}

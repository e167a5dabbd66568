package org.mptcpj.socket;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A program's buffer ({@link ByteBuffer} or {@code byte[]}) and the segment over all of it, kept by
 * a socket for the last buffer it read into or wrote from: {@link MemorySegment#ofBuffer} makes
 * two objects per call (72 B), and {@link MemorySegment#ofArray} one that escape analysis does not
 * remove on this path, so a program that reuses one buffer, as programs do, would allocate on
 * every read and write. The segment is made once per buffer; a call then reads or writes a window
 * of it (a {@code ByteBuffer}'s position to its limit). The segment keeps what the buffer keeps
 * alive (its memory, an arena's scope), so a shared arena cannot be closed under a system call.
 *
 * @param buffer the {@code ByteBuffer} or {@code byte[]}, compared by identity
 * @param whole  the segment over it, from index 0 to its capacity or length
 */
record BufferSegment(Object buffer, MemorySegment whole) {

    /** {@return {@code last} if it is {@code buffer}'s, else a new one for {@code buffer}, a ByteBuffer or byte[]} */
    static BufferSegment over(BufferSegment last, Object buffer) {
        if (last != null && last.buffer == buffer) {
            return last;
        }
        return new BufferSegment(buffer, buffer instanceof ByteBuffer b
                ? MemorySegment.ofBuffer(b.duplicate().clear())
                : MemorySegment.ofArray((byte[]) buffer));
    }
}

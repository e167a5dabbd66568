package org.mptcpj.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct epoll_event} ({@code epoll_ctl(2)}), laid out by hand: the one struct of the
 * library that jextract does not generate. On x86_64 {@code <sys/epoll.h>} declares it
 * {@code __attribute__((packed))} (EPOLL_PACKED: the 32-bit i386 layout, kept for compat), so its
 * 64-bit {@code data} sits at offset 4 and the struct is 12 bytes with alignment 1, which jextract
 * cannot express. Elsewhere it is naturally aligned (16 bytes, {@code data} at 8). The layout test
 * ({@code org.mptcpj.layout.LayoutTest}) compares this layout with gcc's, like every generated one.
 */
public final class EpollEvent {
    private static final boolean PACKED = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };

    /** The layout of this platform's {@code struct epoll_event}. */
    public static final StructLayout LAYOUT = PACKED
            ? MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT_UNALIGNED.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"))
            : MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"));

    static final long SIZE = LAYOUT.byteSize();
    private static final long EVENTS = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    private static final long DATA = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    private EpollEvent() {
    }

    /** Writes element {@code i} of an array of events. */
    static void set(MemorySegment array, long i, int events, long data) {
        array.set(ValueLayout.JAVA_INT_UNALIGNED, i * SIZE + EVENTS, events);
        array.set(ValueLayout.JAVA_LONG_UNALIGNED, i * SIZE + DATA, data);
    }

    /** {@return the {@code data} of element {@code i}} */
    static long data(MemorySegment array, long i) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, i * SIZE + DATA);
    }
}

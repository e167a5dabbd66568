package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A read into a read-only destination is refused before any system call, as the JDK's channels
 * refuse a read-only buffer: the kernel would write a native read-only segment anyway (FFM does not
 * enforce read-only across a downcall), and a read-only heap destination would lose the bytes,
 * consumed from the socket before the copy fails. The peer's bytes must still be there afterwards.
 */
class ReadOnlyDestinationTest {
    private static final byte[] PAYLOAD = {10, 20, 30, 40, 50, 60, 70, 80};

    /** Every read entry point with a read-only destination, and how it reaches the socket. */
    enum Destination {
        NATIVE_SEGMENT(arena -> {
            MemorySegment s = arena.allocate(PAYLOAD.length);
            return new Target(s, socket -> socket.read(s.asReadOnly()));
        }),
        HEAP_SEGMENT(arena -> {
            MemorySegment s = MemorySegment.ofArray(new byte[PAYLOAD.length]);
            return new Target(s, socket -> socket.read(s.asReadOnly()));
        }),
        DIRECT_BUFFER(arena -> {
            ByteBuffer b = ByteBuffer.allocateDirect(PAYLOAD.length);
            return new Target(MemorySegment.ofBuffer(b), socket -> socket.read(b.asReadOnlyBuffer()));
        }),
        HEAP_BUFFER(arena -> {
            ByteBuffer b = ByteBuffer.allocate(PAYLOAD.length);
            return new Target(MemorySegment.ofBuffer(b), socket -> socket.read(b.asReadOnlyBuffer()));
        });

        final Function<Arena, Target> make;

        Destination(Function<Arena, Target> make) {
            this.make = make;
        }
    }

    /** The memory behind the read-only view, and the read through that view. */
    record Target(MemorySegment memory, ReadCall read) {
    }

    @FunctionalInterface
    interface ReadCall {
        int read(StreamSocket socket) throws Exception;
    }

    @ParameterizedTest
    @EnumSource(Destination.class)
    void readOnlyDestinationIsRefusedAndConsumesNothing(Destination destination) throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
             Arena arena = Arena.ofConfined()) {
            p.accepted().setReadTimeout(Duration.ofSeconds(2)); // the check below must not hang on lost bytes
            p.client().write(PAYLOAD, 0, PAYLOAD.length);
            Target t = destination.make.apply(arena);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.read().read(p.accepted()),
                    "a read into a read-only " + destination + " must be refused");
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertEquals(-1, t.memory().mismatch(MemorySegment.ofArray(new byte[PAYLOAD.length])),
                    "the memory behind the read-only view was written: " + t.memory());

            byte[] got = new byte[PAYLOAD.length];
            int n = 0;
            while (n < got.length) {
                int r = p.accepted().read(got, n, got.length - n);
                assertTrue(r > 0, "the peer's bytes were consumed by the refused read (read returned " + r + ")");
                n += r;
            }
            assertArrayEquals(PAYLOAD, got);
        }
    }

    @Test
    void emptyReadOnlyDestinationIsRefusedToo() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.DISABLED, MptcpPolicy.DISABLED, StandardProtocolFamily.INET)) {
            MemorySegment empty = MemorySegment.ofArray(new byte[0]).asReadOnly();
            assertThrows(IllegalArgumentException.class, () -> p.accepted().read(empty));
            assertThrows(IllegalArgumentException.class, () -> p.accepted().read(ByteBuffer.allocate(0).asReadOnlyBuffer()));
        }
    }
}

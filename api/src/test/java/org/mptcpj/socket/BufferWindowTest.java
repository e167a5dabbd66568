package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Reads and writes of {@link ByteBuffer}s and arrays move exactly the window from position to
 * limit (offset and length), also when one socket switches between buffers, whose segments it
 * keeps (see {@code BufferSegment}); and a buffer whose arena is closed is refused without a
 * system call on freed memory.
 */
class BufferWindowTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Buffers of every kind, each with content outside its window that must not be sent. */
    private static final List<IntFunction<ByteBuffer>> KINDS = List.of(
            ByteBuffer::allocate,
            ByteBuffer::allocateDirect,
            n -> ByteBuffer.allocateDirect(n + 100).slice(50, n),
            n -> ByteBuffer.allocate(n + 100).slice(50, n),
            n -> Arena.ofAuto().allocate(n).asByteBuffer());

    @Test
    void buffersOfEveryKindMoveTheirWindowOnly() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            p.accepted().setReadTimeout(TIMEOUT);
            p.client().setReadTimeout(TIMEOUT);
            Random random = new Random(7);
            for (int round = 0; round < 3; round++) { // the same buffers again: the kept segments
                for (IntFunction<ByteBuffer> outKind : KINDS) {
                    for (IntFunction<ByteBuffer> inKind : KINDS) {
                        ByteBuffer out = outKind.apply(1000);
                        byte[] all = new byte[1000];
                        random.nextBytes(all);
                        out.put(all).limit(900).position(123 + round);
                        ByteBuffer written = round == 1 ? out.asReadOnlyBuffer() : out;
                        p.client().write(written);
                        assertEquals(900, written.position(), "write leaves the position at the limit");

                        ByteBuffer in = inKind.apply(2000);
                        in.position(17).limit(17 + 900 - (123 + round));
                        while (in.hasRemaining()) {
                            p.accepted().read(in);
                        }
                        byte[] got = new byte[in.position() - 17];
                        in.get(17, got);
                        byte[] expected = java.util.Arrays.copyOfRange(all, 123 + round, 900);
                        assertArrayEquals(expected, got, "window of " + out + " into " + in);
                    }
                }
            }
        }
    }

    @Test
    void arraysMoveTheirRangeOnly() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            p.accepted().setReadTimeout(TIMEOUT);
            byte[] out = new byte[300];
            new Random(3).nextBytes(out);
            byte[] in = new byte[300];
            for (int off = 0; off < 100; off += 37) { // one array each side, at several offsets
                p.client().write(out, off, 200);
                for (int done = 0; done < 200; ) {
                    done += p.accepted().read(in, 100 - off + done, 200 - done);
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(out, off, off + 200),
                        java.util.Arrays.copyOfRange(in, 100 - off, 300 - off));
            }
            assertThrows(IndexOutOfBoundsException.class, () -> p.client().write(out, 250, 51));
            assertThrows(IndexOutOfBoundsException.class, () -> p.accepted().read(in, -1, 1));
        }
    }

    @Test
    void aBufferWhoseArenaIsClosedIsRefusedAndTheSocketStillWorks() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            p.accepted().setReadTimeout(TIMEOUT);
            Arena arena = Arena.ofShared();
            ByteBuffer buffer = arena.allocate(64).asByteBuffer();
            p.client().write(buffer); // the socket now keeps this buffer's segment
            arena.close();
            assertThrows(IllegalStateException.class, () -> p.client().write(buffer.clear()));
            assertThrows(IllegalStateException.class, () -> p.accepted().read(buffer.clear()));

            p.client().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer in = ByteBuffer.allocate(64 + 3);
            while (in.position() < 64 + 3) {
                p.accepted().read(in);
            }
            assertEquals(3, in.get(64 + 2), "the bytes written before and after the refusal arrive");
        }
    }
}

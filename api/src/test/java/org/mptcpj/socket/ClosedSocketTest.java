package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.mptcpj.error.SocketClosedException;

/** A closed socket says it is closed: even for calls that need no system call. */
class ClosedSocketTest {
    @Test
    void zeroLengthIoAndSettersOnAClosedSocketThrowSocketClosedException() throws Exception {
        StreamSocket s = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET);
        ServerStreamSocket server = ServerStreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET);
        s.close();
        server.close();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment empty = arena.allocate(0);
            assertClosed(() -> s.read(empty), "read");
            assertClosed(() -> s.read(MemorySegment.ofArray(new byte[0])), "read");
            assertClosed(() -> s.read(new byte[4], 0, 0), "read");
            assertClosed(() -> s.read(ByteBuffer.allocateDirect(0)), "read");
            assertClosed(() -> s.write(MemorySegment.ofArray(new byte[0])), "write");
            assertClosed(() -> s.write(empty), "write");
            assertClosed(() -> s.write(new byte[4], 0, 0), "write");
        }
        assertClosed(() -> s.setReadTimeout(Duration.ofSeconds(1)), "setReadTimeout");
        assertClosed(() -> s.setDeadPeerWatchdog(Duration.ofSeconds(1)), "setDeadPeerWatchdog");
        assertClosed(() -> s.setDeadPeerWatchdog(null), "setDeadPeerWatchdog");
        assertClosed(() -> server.setAcceptTimeout(Duration.ofSeconds(1)), "setAcceptTimeout");
    }

    private static void assertClosed(Executable call, String operation) {
        SocketClosedException e = assertThrows(SocketClosedException.class, call, operation);
        assertTrue(e.getMessage().startsWith(operation), e.getMessage());
    }
}

package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.Require;

/** Real loopback connections through the API: echo over every protocol, family and data path, and fallback. */
class StreamSocketTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"REQUIRED, INET", "REQUIRED, INET6", "DISABLED, INET", "DISABLED, INET6"})
    void echoThroughEveryDataPath(MptcpPolicy policy, StandardProtocolFamily family) throws Exception {
        try (SocketPair p = SocketPair.open(policy, policy, family); Arena arena = Arena.ofShared()) {
            p.accepted().setReadTimeout(Duration.ofSeconds(10)); // a failed writer must not hang the test
            assertEquals(policy == MptcpPolicy.REQUIRED, p.client().isMultipath());
            assertEquals(policy == MptcpPolicy.REQUIRED, p.accepted().isMultipath());
            assertEquals(p.client().localAddress(), p.accepted().remoteAddress());
            byte[] payload = new byte[200_000];
            new Random(42).nextBytes(payload);

            // MemorySegment out, heap array back.
            MemorySegment out = arena.allocate(payload.length);
            MemorySegment.copy(payload, 0, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, payload.length);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    p.client().write(out);
                    p.client().write(ByteBuffer.wrap(payload));                       // heap buffer
                    ByteBuffer direct = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
                    p.client().write(direct);                                           // direct buffer
                    p.client().write(MemorySegment.ofArray(payload));                   // heap segment
                    p.client().shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] got = new byte[payload.length * 4];
            int total = 0;
            ByteBuffer directIn = ByteBuffer.allocateDirect(8192);
            MemorySegment segIn = arena.allocate(8192);
            for (int round = 0; ; round++) {
                int n;
                switch (round % 4) {
                    case 0 -> {
                        n = p.accepted().read(segIn);
                        if (n > 0) {
                            MemorySegment.copy(segIn, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, got, total, n);
                        }
                    }
                    case 1 -> n = p.accepted().read(got, total, Math.min(8192, got.length - total));
                    case 2 -> n = p.accepted().read(MemorySegment.ofArray(got).asSlice(total, Math.min(8192, got.length - total)));
                    default -> {
                        directIn.clear();
                        n = p.accepted().read(directIn);
                        if (n > 0) {
                            directIn.flip().get(got, total, n);
                        }
                    }
                }
                if (n < 0 || writer.isCompletedExceptionally()) {
                    break;
                }
                total += n;
            }
            writer.get(10, TimeUnit.SECONDS);
            assertEquals(got.length, total);
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(payload, java.util.Arrays.copyOfRange(got, i * payload.length, (i + 1) * payload.length));
            }
        }
    }

    @Test
    void mptcpClientToTcpServerFallsBack() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.DISABLED, StandardProtocolFamily.INET)) {
            assertTrue(p.client().isMptcp());
            assertFalse(p.client().isMultipath(), "an MPTCP client talking to a TCP server has fallen back");
            assertFalse(p.accepted().isMptcp());
            assertFalse(p.accepted().isMultipath());
        }
    }

    /**
     * A plain TCP client (the JDK's own channel) at an MPTCP listener: the kernel's accept hands out
     * the TCP subflow itself, no MPTCP socket over it (net/mptcp/protocol.c, mptcp_accept() when the
     * SYN carried no MP_CAPABLE), so the accepted socket is TCP. Witnesses that an MPTCP client's
     * connection to the same listener passes and this one fails: SO_PROTOCOL, and {@code ss -M}, which
     * lists MPTCP sockets only.
     */
    @Test
    @Tag("kernel")
    void tcpClientAtAnMptcpListenerIsAcceptedAsTcp() throws Exception {
        Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
        try (ServerStreamSocket l = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                     .bind(new InetSocketAddress("127.0.0.1", 0), 8);
             SocketChannel tcp = SocketChannel.open(l.localAddress());
             StreamSocket fromTcp = l.accept();
             StreamSocket mptcp = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                     .connect(l.localAddress(), CONNECT);
             StreamSocket fromMptcp = l.accept()) {
            assertTrue(l.isMptcp());
            assertEquals(tcp.getLocalAddress(), fromTcp.remoteAddress());
            assertWitnessedMptcp(fromMptcp, true);
            assertTrue(fromMptcp.isMptcp(), "accepted from an MPTCP client");
            assertTrue(fromMptcp.isMultipath());
            assertWitnessedMptcp(fromTcp, false);
            assertFalse(fromTcp.isMptcp(), "accepted from a TCP client: the kernel gave a TCP socket");
            assertFalse(fromTcp.isMultipath());
        }
    }

    /**
     * An MPTCP listener's accepted socket learns whether it is MPTCP on the first question
     * ({@code isMptcp()}, one getsockopt), and keeps the answer: asked before {@code close()}, it is
     * still known after. Never asked, a closed socket says it is closed instead of answering (its
     * descriptor number may belong to another socket by then).
     */
    @Test
    @Tag("kernel")
    void acceptedSocketClosedBeforeAnyoneAskedItsProtocolSaysItIsClosed() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
             SocketChannel tcp = SocketChannel.open(p.listener().localAddress())) {
            StreamSocket fromTcp = p.listener().accept();
            assertFalse(fromTcp.isMptcp());
            fromTcp.close();
            assertFalse(fromTcp.isMptcp(), "asked before close(): the answer is kept");
            p.accepted().close(); // never asked
            SocketClosedException e = assertThrows(SocketClosedException.class, p.accepted()::isMptcp);
            assertTrue(e.getMessage().startsWith("isMptcp"), e.getMessage());
            assertTrue(p.accepted().toString().contains("TCP or MPTCP"), p.accepted().toString());
        }
    }

    /** SO_PROTOCOL of the accepted socket's descriptor, and whether {@code ss -M} lists its connection. */
    private static void assertWitnessedMptcp(StreamSocket accepted, boolean mptcp) throws IOException {
        int fd = accepted.fd.number();
        assertEquals(mptcp ? Linux.IPPROTO_MPTCP() : Linux.IPPROTO_TCP(),
                NativeSocket.intOption(fd, Linux.SOL_SOCKET(), Linux.SO_PROTOCOL()), "SO_PROTOCOL of fd " + fd);
        int local = accepted.localAddress().getPort();
        int remote = accepted.remoteAddress().getPort();
        String listed = Commands.run("ss", "-MnaH", "sport", "= :" + local, "and", "dport", "= :" + remote);
        assertEquals(mptcp, !listed.isBlank(),
                "ss -M " + (mptcp ? "does not list" : "lists") + " the connection :" + local + " <- :" + remote + ":\n" + listed);
    }

    @Test
    void connectionRefusedNamesTheErrno() throws Exception {
        InetSocketAddress unused;
        try (ServerStreamSocket l = ServerStreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0), 1)) {
            unused = l.localAddress();
        }
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> s.connect(unused, CONNECT));
            assertEquals("ECONNREFUSED", e.errnoName());
            assertTrue(e.getMessage().contains("connect(") && e.getMessage().contains("ECONNREFUSED (111)"), e.getMessage());
        }
    }

    @Test
    void readTimeoutAndClosedSocket() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            p.accepted().setReadTimeout(Duration.ofMillis(100));
            assertThrows(java.net.SocketTimeoutException.class, () -> p.accepted().read(new byte[10], 0, 10));
            p.client().close();
            p.client().close(); // harmless
            assertFalse(p.client().isOpen());
            var e = assertThrows(org.mptcpj.error.SocketClosedException.class, () -> p.client().write(new byte[1], 0, 1));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertEquals(-1, p.accepted().read(new byte[10], 0, 10), "the peer sees end of stream");
        }
    }

    @Test
    void preferredUsesMptcpWhereTheKernelAllowsIt() throws Exception {
        // Refusal paths run for real in a namespace with net.mptcp.enabled=0: MptcpDisabledTest.
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)) {
            assertTrue(s.isMptcp());
            assertTrue(s.mptcpRefusal().isEmpty());
        }
    }
}

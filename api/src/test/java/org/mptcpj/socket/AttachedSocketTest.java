package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Options;

/** The library attached to sockets it did not create: JDK channels and raw descriptors. */
class AttachedSocketTest {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    // The JDK's own options, an independent witness (jdk.net is not readable by the test module at compile time).
    private static final SocketOption<Integer> TCP_KEEPIDLE = jdkOption("TCP_KEEPIDLE");
    private static final SocketOption<Integer> TCP_KEEPCOUNT = jdkOption("TCP_KEEPCOUNT");

    @SuppressWarnings("unchecked")
    private static SocketOption<Integer> jdkOption(String name) {
        try {
            return (SocketOption<Integer>) Class.forName("jdk.net.ExtendedSocketOptions").getField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A connected pair of JDK channels (plain TCP, or MPTCP through MptcpChannels) and the listener. */
    private record Pair(ServerSocketChannel listener, SocketChannel client, SocketChannel accepted) implements AutoCloseable {
        static Pair open(boolean mptcp) throws IOException {
            ServerSocketChannel l = mptcp ? MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                    : ServerSocketChannel.open(StandardProtocolFamily.INET);
            l.bind(LOOPBACK);
            SocketChannel c = mptcp ? MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                    : SocketChannel.open(StandardProtocolFamily.INET);
            c.connect(l.getLocalAddress());
            return new Pair(l, c, l.accept());
        }

        @Override
        public void close() throws IOException {
            accepted.close();
            client.close();
            listener.close();
        }
    }

    @Test
    void mptcpAndTcpChannelsAreToldApart() throws Exception {
        for (boolean mptcp : new boolean[] {true, false}) {
            try (Pair p = Pair.open(mptcp);
                 AttachedSocket l = AttachedSocket.attach(p.listener());
                 AttachedSocket a = AttachedSocket.attach(p.accepted())) {
                assertEquals(mptcp, l.isMptcp());
                assertEquals(mptcp, a.isMptcp());
                assertTrue(l.isListening());
                assertFalse(a.isListening());
                assertEquals(mptcp, a.isMultipath());
                assertEquals(p.accepted().getRemoteAddress(), a.remoteAddress());
                TcpInfo tcp = a.tcpInfo(new TcpInfo());
                assertEquals(1, tcp.state(), "TCP_ESTABLISHED");
                if (mptcp) {
                    a.mptcpInfo(new MptcpInfo()); // EOPNOTSUPP on TCP, see below
                    SubflowAddresses addrs = a.subflowAddresses(new SubflowAddresses());
                    assertEquals(p.accepted().getLocalAddress(), addrs.local(0));
                } else {
                    assertThrows(org.mptcpj.error.ErrnoException.class, () -> a.mptcpInfo(new MptcpInfo()));
                }
            }
        }
    }

    /** Options set through the attachment are the channel's: the JDK reads them back. */
    @Test
    void optionsReachTheOwnersSocket() throws Exception {
        try (Pair p = Pair.open(true); AttachedSocket a = AttachedSocket.attach(p.client())) {
            a.setKeepalive(Keepalive.of(Duration.ofSeconds(17), Duration.ofSeconds(3), 4));
            assertEquals(Boolean.TRUE, p.client().getOption(java.net.StandardSocketOptions.SO_KEEPALIVE));
            assertEquals(17, p.client().getOption(TCP_KEEPIDLE));
            assertEquals(4, p.client().getOption(TCP_KEEPCOUNT));
            assertTrue(a.isPeerDeadDetection(), "keepalive on an MPTCP connection starts the watchdog");
            p.client().setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(a.getOption(Options.TCP_NODELAY));
        }
    }

    /** Keepalive the owner switched on before attaching is found, re-applied and watched. */
    @Test
    void ownersKeepaliveGetsTheWatchdog() throws Exception {
        try (Pair p = Pair.open(true)) {
            p.accepted().setOption(java.net.StandardSocketOptions.SO_KEEPALIVE, true);
            p.accepted().setOption(TCP_KEEPIDLE, 11);
            try (AttachedSocket a = AttachedSocket.attach(p.accepted());
                 AttachedSocket c = AttachedSocket.attach(p.client())) {
                assertTrue(a.isPeerDeadDetection());
                assertEquals(Duration.ofSeconds(11), a.keepalive().idle());
                assertFalse(c.isPeerDeadDetection(), "the client had no keepalive");
            }
        }
    }

    /** The owner closes: calls fail as closed, the peer gets its FIN although the attachment is held. */
    @Test
    void ownersCloseEndsTheAttachmentAndTheConnection() throws Exception {
        try (Pair p = Pair.open(true)) {
            AttachedSocket a = AttachedSocket.attach(p.accepted());
            p.accepted().close();
            p.client().configureBlocking(true);
            p.client().socket().setSoTimeout(0);
            CompletableFuture<Integer> eof = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.client().read(ByteBuffer.allocate(1));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // OwnerCloseWatch releases the duplicate within its period; 2 s allows for a loaded machine.
            assertEquals(-1, eof.get(2, TimeUnit.SECONDS), "the peer never read end of stream");
            SocketClosedException e = assertThrows(SocketClosedException.class, () -> a.getOption(Options.TCP_NODELAY));
            assertTrue(e.getMessage().contains("closed by its owner"), e.getMessage());
            assertFalse(a.isOpen());
        }
    }

    /** A listener the owner closes gives its port back, attachment or not. */
    @Test
    void closedListenerFreesItsPort() throws Exception {
        ServerSocketChannel l = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
        l.bind(LOOPBACK);
        InetSocketAddress address = (InetSocketAddress) l.getLocalAddress();
        AttachedSocket a = AttachedSocket.attach(l);
        l.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (;;) {
            try (ServerSocketChannel again = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                again.bind(address);
                break;
            } catch (java.net.BindException inUse) {
                assertTrue(System.nanoTime() < deadline, "port " + address + " still held 2 s after the owner's close");
                Thread.sleep(10);
            }
        }
        assertFalse(a.isOpen());
    }

    /**
     * Threads use attachments while the owner closes its channel and new sockets, marked with a
     * distinct TCP_KEEPIDLE through the JDK, take the freed numbers. No call through an attachment
     * may reach a new owner: the marks must survive. Both kinds: a JDK channel, and a raw number
     * whose owner test says nothing (the duplicate alone protects it).
     */
    @Test
    void closeVersusUseNeverTouchesAnotherSocket() throws Exception {
        int mark = 4242;
        List<SocketChannel> bystanders = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            SocketChannel victim = SocketChannel.open(StandardProtocolFamily.INET);
            AttachedSocket a = round % 2 == 0 ? AttachedSocket.attach(victim)
                    : AttachedSocket.attach(MptcpChannels.descriptorOf(victim));
            List<CompletableFuture<Void>> users = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                users.add(CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            a.setOption(Options.TCP_KEEPIDLE, Duration.ofSeconds(7));
                            a.getOption(Options.TCP_KEEPIDLE);
                        }
                    } catch (SocketClosedException expected) {
                        // the owner closed it: the only acceptable failure
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            victim.close();
            SocketChannel bystander = SocketChannel.open(StandardProtocolFamily.INET);
            bystander.setOption(TCP_KEEPIDLE, mark);
            bystanders.add(bystander);
            for (CompletableFuture<Void> u : users) {
                u.get(10, TimeUnit.SECONDS);
            }
            a.close();
        }
        for (SocketChannel b : bystanders) {
            assertEquals(mark, b.getOption(TCP_KEEPIDLE), "an attachment reached " + b);
            b.close();
        }
    }

    @Test
    void attachingAndClosingLeaksNothing() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.INET)) {
            long before = openDescriptors();
            for (int i = 0; i < 2000; i++) {
                AttachedSocket.attach(ch).close();
            }
            assertEquals(before, openDescriptors());
            assertTrue(ch.isOpen(), "closing an attachment closed the owner's channel");
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void badInputIsNamed() throws Exception {
        SocketChannel closed = SocketChannel.open(StandardProtocolFamily.INET);
        closed.close();
        SocketClosedException c = assertThrows(SocketClosedException.class, () -> AttachedSocket.attach(closed));
        assertTrue(c.getMessage().contains("closed"), c.getMessage());

        Path file = Files.createTempFile("mptcpj-attach", ".txt");
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = SYS.open(arena.allocateFrom(file.toString()), Linux.O_RDONLY() | Linux.O_CLOEXEC());
        }
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttachedSocket.attach(fd));
            assertTrue(e.getMessage().contains("not a socket") && e.getMessage().contains(file.toString())
                    && e.getMessage().contains("ENOTSOCK"), e.getMessage());
        } finally {
            SYS.close(fd);
            Files.delete(file);
        }

        try (DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttachedSocket.attach(udp));
            assertTrue(e.getMessage().contains("SOCK_DGRAM"), e.getMessage());
        }

        try (ForeignChannel foreign = new ForeignChannel()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttachedSocket.attach(foreign));
            assertTrue(e.getMessage().contains(ForeignChannel.class.getName()) && e.getMessage().contains("ForeignProvider"),
                    e.getMessage());
        }

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttachedSocket.attach(1 << 20));
        assertTrue(e.getMessage().contains("EBADF"), e.getMessage());
    }

}

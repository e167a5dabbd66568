package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.option.Keepalive;
import org.mptcpj.testing.Require;
import org.mptcpj.testkit.NamespaceLab;

/**
 * The dead-peer watchdog on a JDK channel the library only attached to: keepalive set through the
 * attachment, the only path cut, and the owner's blocked read ends (end of stream: the watchdog
 * shuts the socket down, there being no handler) within idle + count x interval + 1 s, where the
 * MPTCP socket alone would say nothing until net.mptcp.close_timeout (60 s).
 */
class AttachedWatchdogTest {
    private static final Keepalive KEEPALIVE = Keepalive.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);

    @Test
    void cutPathEndsTheOwnersBlockedRead() throws Exception {
        Require.that(Require.isRoot(), "network namespaces need root");
        try (NamespaceLab lab = NamespaceLab.create("mptcpj-aw", 1, true)) {
            ServerSocketChannel listener = NetworkNamespace.call(lab.server(), () -> {
                ServerSocketChannel l = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
                return l.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            });
            SocketChannel client = NetworkNamespace.call(lab.client(),
                    () -> MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET));
            client.connect(new InetSocketAddress(lab.serverAddress(0), ((InetSocketAddress) listener.getLocalAddress()).getPort()));
            try (listener; client; SocketChannel accepted = listener.accept();
                 AttachedSocket a = AttachedSocket.attach(client)) {
                a.setKeepalive(KEEPALIVE);
                assertTrue(a.isMultipath());
                assertTrue(a.isPeerDeadDetection(), "keepalive on a connected MPTCP socket starts the watchdog");
                CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.read(ByteBuffer.allocate(16));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                long cut = System.nanoTime();
                lab.lossOn(0);
                int r = read.get(20, TimeUnit.SECONDS);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
                long bound = KEEPALIVE.idle().plus(KEEPALIVE.interval().multipliedBy(KEEPALIVE.count())).toMillis() + 1000;
                System.out.println("[attached watchdog] the owner's read returned " + r + " " + millis + " ms after the cut");
                assertEquals(-1, r);
                assertTrue(millis <= bound && millis >= KEEPALIVE.idle().toMillis(), millis + " ms, bound " + bound);
                assertTrue(!a.isPeerDeadDetection(), "the watchdog let go of the dead connection");
            }
        }
    }
}

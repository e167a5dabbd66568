package org.mptcpj.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mptcpj.error.Errno;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.option.Keepalive;
import org.mptcpj.socket.AttachedSocket;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.testing.Require;
import org.mptcpj.testkit.NamespaceLab;

/**
 * Keepalive on a Netty channel over MPTCP whose only path is cut: the pipeline hears
 * exceptionCaught(ETIMEDOUT) and the channel closes within idle + count x interval + 1 s, as
 * Netty's epoll transport reports a TCP keepalive timeout. Without the library the MPTCP socket
 * would say nothing until net.mptcp.close_timeout (60 s).
 */
class NettyWatchdogTest {
    private static final Keepalive KEEPALIVE = Keepalive.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);

    @ParameterizedTest
    @EnumSource(Transport.class)
    void cutPathGivesEtimedoutInThePipeline(Transport transport) throws Exception {
        Require.that(Require.isRoot(), "network namespaces need root");
        EventLoopGroup group = transport.group(2);
        try (NamespaceLab lab = NamespaceLab.create("mptcpj-nwd", 1, true)) {
            Channel server = NetworkNamespace.call(lab.server(), () -> transport.server(group, MptcpPolicy.REQUIRED,
                    new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), ch -> ch.pipeline().addLast(Echo.Server.INSTANCE)));
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            Echo.Client handler = new Echo.Client();
            Channel client = NetworkNamespace.call(lab.client(), () -> transport.client(group, MptcpPolicy.REQUIRED,
                    new InetSocketAddress(lab.serverAddress(0), port), ch -> {
                        AttachedSocket a = MptcpNettyTest.attach(ch);
                        try {
                            a.setKeepalive(KEEPALIVE); // before connect: applied again once connected
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        ch.pipeline().addLast(handler);
                    }));
            try {
                AttachedSocket c = MptcpNetty.attached(client).orElseThrow();
                byte[] ping = {1, 2, 3};
                client.writeAndFlush(Unpooled.wrappedBuffer(ping)).sync();
                assertArrayEquals(ping, handler.received.poll(5, TimeUnit.SECONDS));
                // channelActive (which follows the connect future) has run by the time the echo came back.
                assertTrue(c.isMultipath());
                assertTrue(c.isPeerDeadDetection(), "keepalive on an MPTCP channel starts the watchdog");
                assertEquals(KEEPALIVE, c.keepalive());

                long cut = System.nanoTime();
                lab.lossOn(0);
                Throwable failure = handler.failures.poll(20, TimeUnit.SECONDS);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
                assertNotNull(failure, "no exceptionCaught within 20 s of the cut");
                ErrnoException e = assertInstanceOf(ErrnoException.class, failure);
                assertTrue(e.is(Errno.ETIMEDOUT), e.toString());
                long bound = KEEPALIVE.idle().plus(KEEPALIVE.interval().multipliedBy(KEEPALIVE.count())).toMillis() + 1000;
                System.out.println("[netty " + transport + " watchdog] ETIMEDOUT in the pipeline " + millis
                        + " ms after the cut (bound " + bound + " ms): " + e.getMessage());
                assertTrue(millis <= bound, "ETIMEDOUT after " + millis + " ms, bound " + bound);
                assertTrue(millis >= KEEPALIVE.idle().toMillis(), "ETIMEDOUT after " + millis
                        + " ms: before keepalive could even start probing");
                assertTrue(client.closeFuture().await(2, TimeUnit.SECONDS), "the channel was not closed");
            } finally {
                client.close().sync();
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}

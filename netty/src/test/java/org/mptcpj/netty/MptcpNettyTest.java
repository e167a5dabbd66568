package org.mptcpj.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.socket.AttachedSocket;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.testing.Commands;

/** Netty servers and clients over MPTCP on the epoll and NIO transports, the policy per channel. */
class MptcpNettyTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @ParameterizedTest
    @EnumSource(Transport.class)
    void echoOverMptcpAndTcpByPolicy(Transport transport) throws Exception {
        EventLoopGroup group = transport.group(2);
        try {
            for (MptcpPolicy policy : new MptcpPolicy[] {MptcpPolicy.REQUIRED, MptcpPolicy.DISABLED}) {
                boolean mptcp = policy != MptcpPolicy.DISABLED;
                CompletableFuture<AttachedSocket> accepted = new CompletableFuture<>();
                Channel server = transport.server(group, policy, LOOPBACK, ch -> {
                    accepted.complete(attach(ch));
                    ch.pipeline().addLast(Echo.Server.INSTANCE);
                });
                Echo.Client handler = new Echo.Client();
                Channel client = transport.client(group, policy, (InetSocketAddress) server.localAddress(), ch -> {
                    attach(ch);
                    ch.pipeline().addLast(handler);
                });
                try {
                    byte[] ping = ("ping over " + policy).getBytes(StandardCharsets.US_ASCII);
                    client.writeAndFlush(Unpooled.wrappedBuffer(ping)).sync();
                    assertArrayEquals(ping, handler.received.poll(5, TimeUnit.SECONDS));

                    AttachedSocket c = MptcpNetty.attached(client).orElseThrow();
                    AttachedSocket a = accepted.get(5, TimeUnit.SECONDS);
                    assertEquals(mptcp, MptcpNetty.attach(server).isMptcp(), "listener");
                    assertEquals(mptcp, c.isMptcp(), "client SO_PROTOCOL");
                    assertEquals(mptcp, c.isMultipath());
                    assertEquals(mptcp, a.isMultipath());
                    // ss -M (without -t) lists MPTCP sockets only: an independent witness. Both ends
                    // in the filter: another connection may use the same local port.
                    InetSocketAddress local = (InetSocketAddress) client.localAddress();
                    InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
                    String ss = Commands.run("ss", "-Mna", "sport", "= :" + local.getPort(), "and", "dport", "= :" + remote.getPort());
                    assertEquals(mptcp, ss.contains(":" + local.getPort() + " "), "ss -M for " + local + ":\n" + ss);
                    assertEquals(1, c.tcpInfo(new TcpInfo()).state(), "TCP_INFO says ESTABLISHED");
                    if (mptcp) {
                        assertEquals(false, a.mptcpInfo(new MptcpInfo()).isFallback());
                    }
                } finally {
                    client.close().sync();
                    server.close().sync();
                }
                assertTrue(!MptcpNetty.attached(client).orElseThrow().isOpen(), "closing the channel releases the attachment");
                assertThrows(org.mptcpj.error.SocketClosedException.class,
                        () -> MptcpNetty.attached(client).orElseThrow().tcpInfo(new TcpInfo()));
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    static AttachedSocket attach(Channel ch) {
        try {
            return MptcpNetty.attach(ch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

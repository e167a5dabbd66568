package org.mptcpj.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.mptcpj.socket.MptcpPolicy;

/** A Netty transport for the tests: its event loops and its MPTCP (or plain) channels. */
enum Transport {
    EPOLL, NIO;

    EventLoopGroup group(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * {@return a bound server with {@code child} in each accepted channel's pipeline}; the policy
     * {@code null} means Netty's own channel, untouched by this library.
     */
    Channel server(EventLoopGroup group, MptcpPolicy policy, InetSocketAddress local, Consumer<Channel> child)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).childHandler(initializer(child));
        if (policy == null) {
            b.channel(this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
        } else {
            b.channelFactory(() -> this == EPOLL ? MptcpNettyChannels.epollServer(policy, SocketProtocolFamily.INET)
                    : MptcpNettyChannels.nioServer(policy, SocketProtocolFamily.INET));
        }
        return b.bind(local).sync().channel();
    }

    /** {@return a client connected to {@code remote} with {@code init} run on its pipeline} */
    Channel client(EventLoopGroup group, MptcpPolicy policy, InetSocketAddress remote, Consumer<Channel> init)
            throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group).handler(initializer(init));
        if (policy == null) {
            b.channel(this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class);
        } else {
            b.channelFactory(() -> this == EPOLL ? MptcpNettyChannels.epollSocket(policy, SocketProtocolFamily.INET)
                    : MptcpNettyChannels.nioSocket(policy, SocketProtocolFamily.INET));
        }
        return b.connect(remote).sync().channel();
    }

    private static ChannelHandler initializer(Consumer<Channel> init) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                init.accept(ch);
            }
        };
    }
}

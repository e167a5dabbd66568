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
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.mptcpj.socket.MptcpPolicy;

/** A Netty transport for the tests: its event loops and its MPTCP (or plain) channels. */
enum Transport {
    EPOLL, IO_URING, NIO;

    EventLoopGroup group(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        });
    }

    /**
     * {@return a bound server with {@code child} in each accepted channel's pipeline}; the policy
     * {@code null} means Netty's own channel, untouched by this library.
     */
    Channel server(EventLoopGroup group, MptcpPolicy policy, InetSocketAddress local, Consumer<Channel> child)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).childHandler(initializer(child));
        if (policy == null) {
            b.channel(switch (this) {
                case EPOLL -> EpollServerSocketChannel.class;
                case IO_URING -> IoUringServerSocketChannel.class;
                case NIO -> NioServerSocketChannel.class;
            });
        } else {
            b.channelFactory(() -> switch (this) {
                case EPOLL -> MptcpNettyChannels.epollServer(policy, SocketProtocolFamily.INET);
                case IO_URING -> MptcpNettyChannels.ioUringServer(policy);
                case NIO -> MptcpNettyChannels.nioServer(policy, SocketProtocolFamily.INET);
            });
        }
        return b.bind(local).sync().channel();
    }

    /** {@return a client connected to {@code remote} with {@code init} run on its pipeline} */
    Channel client(EventLoopGroup group, MptcpPolicy policy, InetSocketAddress remote, Consumer<Channel> init)
            throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group).handler(initializer(init));
        if (policy == null) {
            b.channel(switch (this) {
                case EPOLL -> EpollSocketChannel.class;
                case IO_URING -> IoUringSocketChannel.class;
                case NIO -> NioSocketChannel.class;
            });
        } else {
            b.channelFactory(() -> switch (this) {
                case EPOLL -> MptcpNettyChannels.epollSocket(policy, SocketProtocolFamily.INET);
                case IO_URING -> MptcpNettyChannels.ioUringSocket(policy);
                case NIO -> MptcpNettyChannels.nioSocket(policy, SocketProtocolFamily.INET);
            });
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

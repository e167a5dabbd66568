package org.mptcpj.netty;

import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.IOException;
import org.mptcpj.socket.MptcpChannels;
import org.mptcpj.socket.MptcpPolicy;

/**
 * Netty channels over MPTCP sockets, one policy per channel, for {@code Bootstrap.channelFactory}
 * and {@code ServerBootstrap.channelFactory}:
 * <pre>{@code
 * new ServerBootstrap().group(group)
 *     .channelFactory(() -> MptcpNettyChannels.epollServer(MptcpPolicy.PREFERRED, SocketProtocolFamily.INET6))
 * }</pre>
 *
 * <p><b>epoll:</b> Netty creates its channel and TCP socket as usual; the socket behind its
 * descriptor is then replaced by an MPTCP one ({@link MptcpChannels#replaceSocket(int, MptcpPolicy)}:
 * {@code socket(2)} with {@code IPPROTO_MPTCP}, the options Netty set copied, {@code dup2(2)}).
 * Netty's {@code new EpollSocketChannel(int fd)} is no way for a client: it takes a socket with
 * {@code SO_ERROR} 0 for a connected one and would report an unconnected socket active. Accepted
 * channels are MPTCP when their listener is. <b>io_uring:</b> the same replacement under Netty's
 * io_uring channels (their constructors take no family: Netty's choice, INET6 where available).
 * <b>NIO:</b> Netty's NIO channels over
 * {@link MptcpChannels}' JDK channels (the JVM needs {@value MptcpChannels#REQUIRED_FLAG}).
 *
 * <p>Each factory throws Netty's {@link ChannelException} (which the bootstrap reports through
 * the bind or connect future) when the policy is {@link MptcpPolicy#REQUIRED} and the kernel
 * refuses MPTCP ({@link org.mptcpj.error.MptcpUnavailableException} as its cause).
 */
public final class MptcpNettyChannels {
    private MptcpNettyChannels() {
    }

    /** {@return an epoll listening channel over an MPTCP socket (or TCP per {@code policy})} */
    public static EpollServerSocketChannel epollServer(MptcpPolicy policy, SocketProtocolFamily family) {
        return overMptcp(new EpollServerSocketChannel(family), policy);
    }

    /** {@return an epoll client channel over an MPTCP socket (or TCP per {@code policy})} */
    public static EpollSocketChannel epollSocket(MptcpPolicy policy, SocketProtocolFamily family) {
        return overMptcp(new EpollSocketChannel(family), policy);
    }

    /**
     * {@return an io_uring listening channel over an MPTCP socket (or TCP per {@code policy})}, of
     * the family Netty chooses (INET6, dual-stack, where the machine has IPv6).
     */
    public static IoUringServerSocketChannel ioUringServer(MptcpPolicy policy) {
        return overMptcp(new IoUringServerSocketChannel(), policy);
    }

    /** {@return an io_uring client channel over an MPTCP socket (or TCP per {@code policy})}, family as Netty chooses */
    public static IoUringSocketChannel ioUringSocket(MptcpPolicy policy) {
        return overMptcp(new IoUringSocketChannel(), policy);
    }

    /** {@return a NIO listening channel over an MPTCP socket (or TCP per {@code policy})} */
    public static NioServerSocketChannel nioServer(MptcpPolicy policy, SocketProtocolFamily family) {
        try {
            return new NioServerSocketChannel(MptcpChannels.openServerSocketChannel(policy, family.toJdkFamily()));
        } catch (IOException e) {
            throw new ChannelException("cannot open an MPTCP server channel (" + policy + ")", e);
        }
    }

    /** {@return a NIO client channel over an MPTCP socket (or TCP per {@code policy})} */
    public static NioSocketChannel nioSocket(MptcpPolicy policy, SocketProtocolFamily family) {
        try {
            return new NioSocketChannel(MptcpChannels.openSocketChannel(policy, family.toJdkFamily()));
        } catch (IOException e) {
            throw new ChannelException("cannot open an MPTCP channel (" + policy + ")", e);
        }
    }

    private static <C extends UnixChannel> C overMptcp(C channel, MptcpPolicy policy) {
        try {
            MptcpChannels.replaceSocket(channel.fd().intValue(), policy);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.unsafe().closeForcibly();
            throw new ChannelException("cannot put an MPTCP socket under " + channel + " (" + policy + ")", e);
        }
    }
}

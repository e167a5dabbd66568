package org.mptcpj.netty;

import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mptcpj.socket.MptcpChannels;
import org.mptcpj.socket.MptcpPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * io_uring channels (their constructors take no family: Netty's choice, INET6 where available);
 * their reads need {@value #IO_URING_MULTISHOT_POLL_PROPERTY}{@code =false}, see
 * {@link #ioUringReadsDrain()}.
 * <b>NIO:</b> Netty's NIO channels over
 * {@link MptcpChannels}' JDK channels (the JVM needs {@value MptcpChannels#REQUIRED_FLAG}).
 *
 * <p>Each factory throws Netty's {@link ChannelException} (which the bootstrap reports through
 * the bind or connect future) when the policy is {@link MptcpPolicy#REQUIRED} and the kernel
 * refuses MPTCP ({@link org.mptcpj.error.MptcpUnavailableException} as its cause).
 */
public final class MptcpNettyChannels {
    /** Netty's system property for multishot {@code IORING_OP_POLL_ADD}, read once when its {@code IoUring} loads. */
    public static final String IO_URING_MULTISHOT_POLL_PROPERTY = "io.netty.iouring.pollAddMultishotEnabled";

    private static final Logger LOG = LoggerFactory.getLogger(MptcpNettyChannels.class);
    private static final AtomicBoolean IO_URING_WARNED = new AtomicBoolean();

    private MptcpNettyChannels() {
    }

    /**
     * {@return whether Netty's io_uring channels read an MPTCP socket until it is empty}: false while
     * Netty waits for input with a multishot {@code IORING_OP_POLL_ADD} ({@code IORING_POLL_ADD_MULTI},
     * edge-triggered), Netty's default where the kernel has it (5.13+).
     *
     * <p>Why: Netty (4.2) reads one buffer per {@code IORING_OP_RECV} and reads again only while the
     * completion carries {@code IORING_CQE_F_SOCK_NONEMPTY}; io_uring sets that flag from
     * {@code msg_inq}, which {@code tcp_recvmsg} fills and {@code mptcp_recvmsg} does not (read in
     * Linux 6.18). So on MPTCP every read ends the read loop and Netty waits for the next POLLIN edge;
     * when one wakeup brought more than a buffer and no more data comes, the rest stays in the socket,
     * readable ({@code poll(2)} says {@code POLLIN}) and never read. A one-shot poll (this property
     * {@code false}) checks readiness each time it is armed and so drains the socket, one poll and
     * one read per buffer. Set it before Netty's io_uring classes load:
     * {@code -D}{@value #IO_URING_MULTISHOT_POLL_PROPERTY}{@code =false}. The factories below log a
     * warning once when it is not set. A channel that reads through a buffer ring (a group with
     * {@code IoUringIoHandlerConfig.setBufferRingConfig} and the channel option
     * {@code IoUringChannelOption.IO_URING_BUFFER_GROUP_ID}) is not affected either: Netty then
     * submits {@code IORING_OP_RECV} without waiting for POLLIN first.
     */
    public static boolean ioUringReadsDrain() {
        return !IoUring.isPollAddMultishotEnabled();
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
        return overMptcp(warnIfIoUringStalls(new IoUringServerSocketChannel(), policy), policy);
    }

    /** {@return an io_uring client channel over an MPTCP socket (or TCP per {@code policy})}, family as Netty chooses */
    public static IoUringSocketChannel ioUringSocket(MptcpPolicy policy) {
        return overMptcp(warnIfIoUringStalls(new IoUringSocketChannel(), policy), policy);
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

    private static <C extends UnixChannel> C warnIfIoUringStalls(C channel, MptcpPolicy policy) {
        if (policy != MptcpPolicy.DISABLED && !ioUringReadsDrain() && !IO_URING_WARNED.getAndSet(true)) {
            LOG.warn("Netty's io_uring transport waits for input with a multishot poll: on MPTCP sockets its reads"
                    + " can stop with data left in the socket unless they use a buffer ring; run the JVM with -D{}=false",
                    IO_URING_MULTISHOT_POLL_PROPERTY);
        }
        return channel;
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

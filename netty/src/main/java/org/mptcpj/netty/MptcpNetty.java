package org.mptcpj.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.NetworkChannel;
import java.util.Optional;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.socket.AttachedSocket;

/**
 * The library attached to a Netty channel ({@link AttachedSocket}): typed options, keepalive that
 * works on MPTCP, {@code isMultipath()} and the info views ({@code MptcpInfo}, {@code TcpInfo},
 * subflows) of any epoll or NIO socket channel, MPTCP or TCP. Call {@link #attach} in a
 * {@code ChannelInitializer} (child channels of a server, or client channels):
 * <pre>{@code
 * protected void initChannel(SocketChannel ch) throws IOException {
 *     MptcpNetty.attach(ch);      // later: MptcpNetty.attached(ch).get().mptcpInfo(view)
 *     ch.pipeline().addLast(new MyHandler());
 * }
 * }</pre>
 *
 * <p>What attaching adds to the channel: the attachment is released when the channel closes
 * ({@code closeFuture()}), so it never outlives the channel's socket. Keepalive set on the channel
 * (Netty's {@code SO_KEEPALIVE}, {@code TCP_KEEPIDLE} ... options, or the attachment's
 * {@code setKeepalive}) is applied again once the connection exists (kernels before 6.17 dropped it
 * on MPTCP's first subflow) and starts the dead-peer watchdog on MPTCP connections. When the watchdog
 * gives up on a connection, the pipeline gets an {@code exceptionCaught} with an
 * {@link ErrnoException} for {@code ETIMEDOUT}, and the channel is closed, as Netty's epoll
 * transport reports a TCP keepalive timeout.
 */
public final class MptcpNetty {
    private static final AttributeKey<AttachedSocket> ATTACHED = AttributeKey.valueOf(MptcpNetty.class, "attached");

    private MptcpNetty() {
    }

    /**
     * Attaches the library to {@code channel} (once: later calls return the same attachment).
     *
     * @throws IllegalArgumentException for a channel of another transport (not epoll, not NIO)
     * @throws org.mptcpj.error.SocketClosedException if the channel is closed
     * @throws IOException if a system call fails
     */
    public static AttachedSocket attach(Channel channel) throws IOException {
        AttachedSocket existing = channel.attr(ATTACHED).get();
        if (existing != null) {
            return existing;
        }
        AttachedSocket a = switch (channel) {
            case UnixChannel u -> {
                FileDescriptor fd = u.fd();
                yield AttachedSocket.attach(fd.intValue(), fd::isOpen, String.valueOf(channel));
            }
            case AbstractNioChannel n -> AttachedSocket.attach((NetworkChannel) javaChannel(n));
            default -> throw new IllegalArgumentException("cannot attach to " + channel.getClass().getName()
                    + ": only epoll and NIO channels expose their socket");
        };
        if (!channel.attr(ATTACHED).compareAndSet(null, a)) {
            a.close();
            return channel.attr(ATTACHED).get();
        }
        // Release the duplicate before Netty's close(2), so the FIN leaves when Netty closes, as
        // without the library (released after it, the peer may close first and get the TIME_WAIT);
        // closeFuture covers closes that bypass the pipeline (Netty's own after an I/O error).
        channel.pipeline().addFirst(new ReleaseOnClose(a));
        channel.closeFuture().addListener(f -> a.close());
        a.onPeerDead(e -> channel.eventLoop().execute(() -> {
            channel.pipeline().fireExceptionCaught(e);
            channel.close();
        }));
        if (!(channel instanceof ServerChannel)) {
            AttachedSocket listener = channel.parent() == null ? null : channel.parent().attr(ATTACHED).get();
            if (channel.isActive()) {
                if (listener != null) {
                    a.acceptedFrom(listener);
                }
            } else {
                channel.pipeline().addFirst(new Established(a));
            }
        }
        return a;
    }

    /** {@return the attachment of {@code channel}, if {@link #attach} was called} */
    public static Optional<AttachedSocket> attached(Channel channel) {
        return Optional.ofNullable(channel.attr(ATTACHED).get());
    }

    /** Netty keeps the JDK channel of its NIO channels protected; read it as the subclass would. */
    private static Object javaChannel(AbstractNioChannel channel) {
        try {
            Method m = AbstractNioChannel.class.getDeclaredMethod("javaChannel");
            m.setAccessible(true);
            return m.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the JDK channel of " + channel, e);
        }
    }

    /** Releases the attachment's duplicate when the channel is closed through its pipeline. */
    private static final class ReleaseOnClose extends io.netty.channel.ChannelOutboundHandlerAdapter {
        private final AttachedSocket attachment;

        ReleaseOnClose(AttachedSocket attachment) {
            this.attachment = attachment;
        }

        @Override
        public void close(ChannelHandlerContext ctx, io.netty.channel.ChannelPromise promise) throws Exception {
            attachment.close();
            ctx.close(promise);
        }
    }

    /** Tells the attachment when a client channel's connection exists, then leaves the pipeline. */
    private static final class Established extends ChannelInboundHandlerAdapter {
        private final AttachedSocket attachment;

        Established(AttachedSocket attachment) {
            this.attachment = attachment;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.pipeline().remove(this);
            try {
                attachment.established();
            } catch (IOException e) { // keepalive not re-applied: the application hears it, the channel stays
                ctx.fireExceptionCaught(e);
            }
            ctx.fireChannelActive();
        }
    }
}

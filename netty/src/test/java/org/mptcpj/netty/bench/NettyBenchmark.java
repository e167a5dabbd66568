package org.mptcpj.netty.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.mptcpj.netty.MptcpNetty;
import org.mptcpj.netty.MptcpNettyChannels;
import org.mptcpj.socket.AttachedSocket;
import org.mptcpj.socket.MptcpChannels;
import org.mptcpj.socket.MptcpPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the library costs a Netty (epoll) server, in one run:
 * <ul>
 *   <li>{@code accept}: a client connects over MPTCP, the server accepts, runs its initializer
 *       (with or without {@link MptcpNetty#attach}) and sends one byte, the client reads it and
 *       closes. The difference between {@code attach=true} and {@code false} is the cost of attaching
 *       per accepted connection.</li>
 *   <li>{@code echo}: 64-byte request/response round trip on one connection, Netty's own TCP
 *       channels against MPTCP channels from the library (attached, keepalive off).</li>
 *   <li>{@code nioAccept}: the same question for a plain NIO server on one thread: an MPTCP client
 *       connects, the {@code MptcpChannels} listener accepts (with or without
 *       {@link AttachedSocket#attach(java.nio.channels.NetworkChannel)} and its release), both close,
 *       the client with a reset so that no TIME_WAIT piles up.</li>
 * </ul>
 * Run: {@code ./build mvn -pl netty -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt}, then
 * {@code java --enable-native-access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED
 * -cp netty/target/test-classes:netty/target/classes:$(cat netty/cp.txt) org.openjdk.jmh.Main NettyBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NettyBenchmark {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    /** One server whose accepted channels say hello with one byte, attached or not. */
    @State(Scope.Benchmark)
    public static class AcceptState {
        @Param({"false", "true"})
        public boolean attach;
        EventLoopGroup group;
        Channel server;
        final ByteBuffer one = ByteBuffer.allocateDirect(1);

        @Setup(Level.Trial)
        public void setup() throws Exception {
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            server = new ServerBootstrap().group(group)
                    .channelFactory(() -> MptcpNettyChannels.epollServer(MptcpPolicy.REQUIRED, SocketProtocolFamily.INET))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) throws Exception {
                            if (attach) {
                                MptcpNetty.attach(ch);
                            }
                            ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).addListener(f -> ch.close());
                        }
                    }).bind(LOOPBACK).sync().channel();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            server.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Benchmark
    public int accept(AcceptState s) throws Exception {
        try (SocketChannel c = MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            c.connect(s.server.localAddress());
            s.one.clear();
            return c.read(s.one);
        }
    }

    /** A connected MPTCP pair of JDK channels, for the cost of attaching alone. */
    @State(Scope.Benchmark)
    public static class PairState {
        java.nio.channels.ServerSocketChannel listener;
        SocketChannel client;
        SocketChannel accepted;
        int fd;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            listener = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            listener.bind(LOOPBACK);
            client = MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            client.connect(listener.getLocalAddress());
            accepted = listener.accept();
            fd = (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(accepted);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            accepted.close();
            client.close();
            listener.close();
        }
    }

    /** Attach to a connected MPTCP socket and release it: dup, five getsockopt, getpeername, close. */
    @Benchmark
    public boolean attachAndClose(PairState s) throws Exception {
        AttachedSocket a = AttachedSocket.attach(s.fd, s.accepted::isOpen, "bench");
        boolean mptcp = a.isMptcp();
        a.close();
        return mptcp;
    }

    /** An NIO listener over MPTCP whose accepted channels are attached to, or not. */
    @State(Scope.Benchmark)
    public static class NioAcceptState {
        @Param({"false", "true"})
        public boolean attach;
        java.nio.channels.ServerSocketChannel listener;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            listener = MptcpChannels.openServerSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            listener.bind(LOOPBACK, 64);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            listener.close();
        }
    }

    @Benchmark
    public boolean nioAccept(NioAcceptState s) throws Exception {
        try (SocketChannel c = MptcpChannels.openSocketChannel(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            c.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            c.connect(s.listener.getLocalAddress());
            try (SocketChannel accepted = s.listener.accept()) {
                if (!s.attach) {
                    return accepted.isConnected();
                }
                try (AttachedSocket a = AttachedSocket.attach(accepted)) {
                    return a.isMptcp();
                }
            }
        }
    }

    /** A connected Netty client and echo server, over TCP (Netty's own) or MPTCP (the library). */
    @State(Scope.Benchmark)
    public static class EchoState {
        @Param({"TCP", "MPTCP"})
        public String protocol;
        EventLoopGroup group;
        Channel server;
        Channel client;
        final SynchronousQueue<Integer> replies = new SynchronousQueue<>();
        final ByteBuf request = Unpooled.unreleasableBuffer(Unpooled.directBuffer(64).writeZero(64));

        @Setup(Level.Trial)
        public void setup() throws Exception {
            boolean mptcp = protocol.equals("MPTCP");
            group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
            ServerBootstrap sb = new ServerBootstrap().group(group).childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) throws Exception {
                    if (mptcp) {
                        MptcpNetty.attach(ch);
                    }
                    ch.pipeline().addLast(new EchoHandler());
                }
            });
            Bootstrap cb = new Bootstrap().group(group).handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) throws Exception {
                    if (mptcp) {
                        MptcpNetty.attach(ch);
                    }
                    ch.pipeline().addLast(new ReplyCounter(replies));
                }
            });
            if (mptcp) {
                sb.channelFactory(() -> MptcpNettyChannels.epollServer(MptcpPolicy.REQUIRED, SocketProtocolFamily.INET));
                cb.channelFactory(() -> MptcpNettyChannels.epollSocket(MptcpPolicy.REQUIRED, SocketProtocolFamily.INET));
            } else {
                sb.channel(EpollServerSocketChannel.class);
                cb.channel(EpollSocketChannel.class);
            }
            server = sb.bind(LOOPBACK).sync().channel();
            client = cb.connect(server.localAddress()).sync().channel();
            if (mptcp && !MptcpNetty.attached(client).orElseThrow().isMultipath()) {
                throw new IllegalStateException("the MPTCP run is not multipath");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            client.close().sync();
            server.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Benchmark
    public int echo(EchoState s) throws Exception {
        s.client.writeAndFlush(s.request.retainedDuplicate());
        int got = 0;
        while (got < 64) {
            got += s.replies.take();
        }
        return got;
    }

    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    static final class ReplyCounter extends ChannelInboundHandlerAdapter {
        private final SynchronousQueue<Integer> replies;

        ReplyCounter(SynchronousQueue<Integer> replies) {
            this.replies = replies;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws InterruptedException {
            ByteBuf b = (ByteBuf) msg;
            int n = b.readableBytes();
            b.release();
            replies.put(n);
        }
    }
}

package org.mptcpj.samples.status;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.SubflowTcpInfos;
import org.mptcpj.netty.MptcpNetty;
import org.mptcpj.netty.MptcpNettyChannels;
import org.mptcpj.socket.AttachedSocket;
import org.mptcpj.socket.MptcpPolicy;

/**
 * A small HTTP server on Netty (epoll) over MPTCP whose page {@code /status} lists its live
 * connections: peer, multipath yes/no, and each subflow's addresses and smoothed RTT, read through
 * the library from the channels ({@link MptcpNetty#attached}).
 *
 * <p>Usage: {@code StatusServer [host:port]} (default {@code 0.0.0.0:8080}); policy PREFERRED.
 */
public final class StatusServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel listener;

    public StatusServer(InetSocketAddress address, MptcpPolicy policy) throws InterruptedException {
        listener = new ServerBootstrap().group(group)
                .channelFactory(() -> MptcpNettyChannels.epollServer(policy, SocketProtocolFamily.INET))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws IOException {
                        MptcpNetty.attach(ch);
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Page());
                    }
                }).bind(address).sync().channel();
    }

    /** {@return the address the server listens on} */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** {@return the status page: one block per live connection} */
    public String status() {
        StringBuilder out = new StringBuilder();
        SubflowAddresses addresses = new SubflowAddresses();
        SubflowTcpInfos tcpInfos = new SubflowTcpInfos();
        out.append(connections.size()).append(" connection(s)\n");
        for (Channel ch : connections) {
            out.append(ch.remoteAddress());
            try {
                AttachedSocket s = MptcpNetty.attached(ch).orElseThrow();
                boolean multipath = s.isMultipath();
                out.append(multipath ? "  multipath yes" : "  multipath no (" + (s.isMptcp() ? "fell back to TCP" : "TCP") + ")");
                if (multipath) {
                    s.subflowAddresses(addresses);
                    s.subflowTcpInfos(tcpInfos);
                    out.append(", ").append(addresses.count()).append(" subflow(s)");
                    for (int i = 0; i < addresses.count(); i++) {
                        out.append("\n  subflow ").append(addresses.local(i)).append(" -> ").append(addresses.remote(i));
                        if (i < tcpInfos.count()) {
                            out.append("  rtt ").append(tcpInfos.get(i).rttMicros()).append(" us");
                        }
                    }
                }
            } catch (IOException e) {
                out.append("  (").append(e.getMessage()).append(')');
            }
            out.append('\n');
        }
        return out.toString();
    }

    private final class Page extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean found = request.uri().equals("/status");
            byte[] body = (found ? status() : "try /status\n").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                    found ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            HttpUtil.setContentLength(response, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            ChannelFuture written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        listener.close().sync();
        connections.close().sync();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    public static void main(String[] args) throws Exception {
        String where = args.length > 0 ? args[0] : "0.0.0.0:8080";
        int colon = where.lastIndexOf(':');
        try (StatusServer server = new StatusServer(new InetSocketAddress(where.substring(0, colon),
                Integer.parseInt(where.substring(colon + 1))), MptcpPolicy.PREFERRED)) {
            System.err.println("status page on http://" + server.address() + "/status");
            server.listener.closeFuture().sync();
        }
    }
}

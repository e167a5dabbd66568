package org.mptcpj.socket;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;
import java.util.Objects;

/**
 * Makes an unchanged program's NIO sockets MPTCP with JVM options only:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
 *      -Djava.nio.channels.spi.SelectorProvider=org.mptcpj.socket.MptcpSelectorProvider \
 *      [-Dmptcpj.policy=PREFERRED] [-Dmptcpj.scope=listeners] -cp mptcpj-api.jar:... the.Server
 * </pre>
 * Every {@link ServerSocketChannel} (and with {@code mptcpj.scope=all} every {@link SocketChannel})
 * that the program opens through {@link SelectorProvider#provider()} — {@code ServerSocketChannel.open()},
 * Jetty, Tomcat's NIO connector, {@code com.sun.net.httpserver} — is the JDK's own channel with an
 * MPTCP socket put under its descriptor ({@link MptcpChannels#replaceSocket(int, MptcpPolicy)}); accepted
 * connections are MPTCP when the client is. Everything else (selectors, pipes, datagrams) is the JDK's
 * default provider's, so the JDK's selectors accept these channels.
 *
 * <p>System properties: {@code mptcpj.policy} = {@code PREFERRED} (default: TCP where the kernel
 * refuses MPTCP, logged once per socket), {@code REQUIRED} or {@code DISABLED};
 * {@code mptcpj.scope} = {@code listeners} (default, as Go 1.24 enables MPTCP on listeners only) or
 * {@code all}. {@code java.net.Socket}/{@code ServerSocket} (the NIO-free socket implementation) are
 * not affected.
 *
 * <p>Keepalive that the program sets on accepted channels gets the dead-peer watchdog only with the
 * Java agent ({@code -javaagent:mptcpj-agent.jar}, module {@code mptcpj-agent}, JDK 24+), which also
 * names this provider and exports {@code sun.nio.ch}, so it replaces the options above: accepted
 * channels come from the JDK's {@code ServerSocketChannelImpl.accept()} and never pass through a
 * provider, so the agent hooks the JDK's socket channel instead. Without it, a program that can be
 * changed attaches to them with {@link AttachedSocket}.
 */
public final class MptcpSelectorProvider extends SelectorProvider {
    private final SelectorProvider jdk;
    private final MptcpPolicy policy;
    private final boolean clientsToo;

    /** Called by {@link SelectorProvider#provider()} when the system property names this class. */
    public MptcpSelectorProvider() {
        this.jdk = MptcpChannels.jdkProvider();
        this.policy = MptcpPolicy.valueOf(System.getProperty("mptcpj.policy", "PREFERRED").toUpperCase(Locale.ROOT));
        String scope = System.getProperty("mptcpj.scope", "listeners");
        if (!scope.equals("listeners") && !scope.equals("all")) {
            throw new IllegalArgumentException("mptcpj.scope=" + scope + ": listeners or all");
        }
        this.clientsToo = scope.equals("all");
        NativeSocket.LOG.info("NIO sockets of this JVM: MPTCP {} for {}", policy, clientsToo ? "all sockets" : "listeners");
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return mptcp(jdk.openServerSocketChannel());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "family");
        ServerSocketChannel ch = jdk.openServerSocketChannel(family);
        return family == StandardProtocolFamily.UNIX ? ch : mptcp(ch);
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        SocketChannel ch = jdk.openSocketChannel();
        return clientsToo ? mptcp(ch) : ch;
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "family");
        SocketChannel ch = jdk.openSocketChannel(family);
        return clientsToo && family != StandardProtocolFamily.UNIX ? mptcp(ch) : ch;
    }

    private <C extends java.nio.channels.NetworkChannel> C mptcp(C channel) throws IOException {
        return MptcpChannels.replaceSocket(channel, policy);
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return jdk.openDatagramChannel();
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "family");
        return jdk.openDatagramChannel(family);
    }

    @Override
    public Pipe openPipe() throws IOException {
        return jdk.openPipe();
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return jdk.openSelector();
    }
}

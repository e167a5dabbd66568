package org.mptcpj.benchmarks;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import org.mptcpj.socket.MptcpChannels;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.StreamSocket;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state the option benchmarks share: one unconnected API socket and one JDK channel of the
 * same protocol (for MPTCP, a channel from {@link MptcpChannels}, so both make the same system call
 * on the same kind of socket).
 */
@State(Scope.Thread)
public abstract class UnconnectedSockets {
    @Param({"MPTCP", "TCP"})
    public String protocol;

    protected StreamSocket socket;
    protected SocketChannel jdk;

    @Setup(Level.Trial)
    public void open() throws IOException {
        MptcpPolicy policy = Loopback.policy(protocol);
        socket = StreamSocket.open(policy, StandardProtocolFamily.INET);
        jdk = policy == MptcpPolicy.DISABLED
                ? SocketChannel.open(StandardProtocolFamily.INET)
                : MptcpChannels.openSocketChannel(policy, StandardProtocolFamily.INET);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        socket.close();
        jdk.close();
    }
}

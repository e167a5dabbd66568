package org.mptcpj.socket;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Run by {@link AttachedToMptcpizeTest} in a child JVM, under {@code mptcpize run} or not: plain
 * JDK channels, attached to; prints what the library sees.
 */
public final class MptcpizeProbe {
    private MptcpizeProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel accepted = listener.accept();
                 AttachedSocket l = AttachedSocket.attach(listener);
                 AttachedSocket a = AttachedSocket.attach(accepted)) {
                System.out.println("listener mptcp " + l.isMptcp() + ", accepted multipath " + a.isMultipath());
            }
        }
    }
}

package org.mptcpj.internal.jfr;

import java.net.InetSocketAddress;
import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import org.mptcpj.socket.StreamSocket;

/** The fields every per-connection event has: the peer, as {@code jdk.SocketRead} names them, and the protocol. */
@Category({"mptcpj", "Socket"})
abstract class PeerEvent extends Event {
    @Label("Remote Host")
    String host;

    @Label("Remote Address")
    String address;

    @Label("Remote Port")
    int port;

    @Label("MPTCP Socket")
    boolean mptcp;

    /** Fills the peer fields of {@code s} ({@code getpeername(2)}: only when the event is committed). */
    final void peer(StreamSocket s) {
        InetSocketAddress remote = JfrEvents.peer(s);
        if (remote != null) {
            host = remote.getHostString();
            address = JfrEvents.ip(remote);
            port = remote.getPort();
        }
        mptcp = JfrEvents.mptcp(s);
    }
}

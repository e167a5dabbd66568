package org.mptcpj.internal.jfr;

import java.io.IOException;
import java.net.InetSocketAddress;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.socket.StreamSocket;

/**
 * A connection exists: {@code connect} succeeded or {@code accept} returned it. Says whether it is
 * multipath ({@link StreamSocket#isMultipath()}) and, if not, why: the kernel refused an MPTCP socket
 * (policy {@code PREFERRED}), the policy asked for TCP, or the peer (or a middlebox) did not
 * negotiate MPTCP, so the connection fell back to TCP.
 */
@Name("org.mptcpj.ConnectionEstablished")
@Label("Connection Established")
@Description("An mptcpj connection was connected or accepted; multipath or fallen back to TCP")
final class ConnectionEstablishedEvent extends PeerEvent {
    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Multipath")
    boolean multipath;

    @Label("MPTCP Token")
    @Description("The connection's local token (as ss and the path-manager events show it), 0 if not MPTCP")
    long token;

    @Label("Fallback")
    @Description("Why the connection is not multipath; null if it is")
    String fallback;

    void fill(StreamSocket s) {
        peer(s);
        InetSocketAddress local = JfrEvents.local(s);
        localAddress = JfrEvents.ip(local);
        localPort = local == null ? 0 : local.getPort();
        try {
            multipath = s.isMultipath();
            if (multipath) {
                token = s.mptcpInfo(new MptcpInfo()).token();
            }
        } catch (IOException e) {
            fallback = "MPTCP_INFO failed: " + e.getMessage();
            return;
        }
        if (!mptcp) { // peer(s) filled it
            fallback = s.mptcpRefusal().map(r -> "the kernel refused MPTCP: " + r)
                    .orElse("TCP socket (MptcpPolicy.DISABLED, or accepted from a client that did not ask for MPTCP)");
        } else if (!multipath) {
            fallback = "the peer did not negotiate MPTCP (no MP_CAPABLE answer, or a middlebox removed it): fell back to TCP";
        }
    }
}

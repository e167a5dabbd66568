package org.mptcpj.internal.jfr;

import java.net.InetAddress;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import org.mptcpj.error.Errno;
import org.mptcpj.pm.MptcpEvent;

/** The fields of a path-manager event ({@link MptcpEvent}) that every event made from one has; -1 or null when absent. */
@Category({"mptcpj", "Path Manager"})
abstract class MptcpEventFields extends Event {
    @Label("Subscription")
    @Description("The network namespace of the subscription that received it (or its netlink port)")
    String subscription;

    @Label("MPTCP Token")
    long token;

    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Remote Port")
    int remotePort;

    @Label("Local Address Id")
    int localId;

    @Label("Remote Address Id")
    int remoteId;

    @Label("Backup")
    int backup;

    @Label("Error")
    @Description("The subflow's socket error (MPTCP_ATTR_ERROR), e.g. ETIMEDOUT; null if none")
    String error;

    void fill(String from, MptcpEvent e) {
        subscription = from;
        token = e.token();
        localAddress = ip(e.localAddress());
        localPort = e.localPort();
        remoteAddress = ip(e.remoteAddress());
        remotePort = e.remotePort();
        localId = e.localId();
        remoteId = e.remoteId();
        backup = e.backup();
        error = e.error() > 0 ? Errno.nameOf(e.error()) : null;
    }

    private static String ip(InetAddress a) {
        return a == null ? null : a.getHostAddress();
    }
}

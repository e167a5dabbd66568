package org.mptcpj.internal.jfr;

import java.io.IOException;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;
import org.mptcpj.option.Keepalive;
import org.mptcpj.socket.StreamSocket;

/**
 * Keepalive settings made before {@code connect} (or on the listener) were set again on the new
 * MPTCP connection, because kernels without upstream commit 648de37416b3 do not pass them to the
 * first subflow. The values are read back from the kernel afterwards (four {@code getsockopt}
 * calls, made only while this event is recorded).
 */
@Name("org.mptcpj.KeepaliveReapplied")
@Label("Keepalive Re-applied")
@Description("Keepalive options set before connect were applied again to the connected MPTCP socket")
final class KeepaliveReappliedEvent extends PeerEvent {
    @Label("Keepalive Enabled")
    boolean enabled;

    @Label("Idle")
    @Timespan(Timespan.SECONDS)
    long idle;

    @Label("Interval")
    @Timespan(Timespan.SECONDS)
    long interval;

    @Label("Count")
    int count;

    void fill(StreamSocket s) {
        peer(s);
        try {
            Keepalive k = s.keepalive();
            enabled = k.enabled();
            idle = k.idle().toSeconds();
            interval = k.interval().toSeconds();
            count = k.count();
        } catch (IOException e) {
            // closed meanwhile: the event still says it happened
        }
    }
}

package org.mptcpj.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import org.mptcpj.socket.StreamSocket;

/**
 * The dead-peer watchdog declared a connection's peer dead: it had no established subflow for
 * longer than its grace period, so its reads and writes now fail with {@code ETIMEDOUT}.
 */
@StackTrace(false) // recorded by the watchdog thread: its stack says nothing
@Name("org.mptcpj.DeadPeer")
@Label("Dead Peer Declared")
@Description("The mptcpj dead-peer watchdog failed an MPTCP connection that had no established subflow for its grace period")
final class DeadPeerEvent extends PeerEvent {
    @Label("Grace")
    @Timespan(Timespan.NANOSECONDS)
    long grace;

    @Label("Without Subflow")
    @Description("How long the connection had no established subflow when the watchdog saw it")
    @Timespan(Timespan.MILLISECONDS)
    long withoutSubflow;

    void fill(StreamSocket s, long graceNanos, long withoutSubflowMillis) {
        peer(s);
        grace = graceNanos;
        withoutSubflow = withoutSubflowMillis;
    }
}

package org.mptcpj.internal.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import org.mptcpj.socket.StreamSocket;

/**
 * A write to a {@link StreamSocket} that took longer than the threshold (20 ms by default, as
 * {@code jdk.SocketWrite}): a write blocks until every byte is in the send buffer, so this shows
 * back-pressure. Recorded when the write completes, not when it throws (as the JDK's).
 */
@Name("org.mptcpj.SocketWrite")
@Label("Socket Write (mptcpj)")
@Description("Writing data to an mptcpj MPTCP or TCP socket")
@Threshold("20 ms")
@StackTrace
public final class SocketWriteEvent extends PeerEvent {
    @Label("Bytes Written")
    @DataAmount
    long bytesWritten;

    /** Ends the event and commits it if it passed the threshold. */
    public void offer(StreamSocket s, long n) {
        end();
        if (shouldCommit()) {
            peer(s);
            bytesWritten = n;
            commit();
        }
    }
}

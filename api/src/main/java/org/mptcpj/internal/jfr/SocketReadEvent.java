package org.mptcpj.internal.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;
import org.mptcpj.socket.StreamSocket;

/**
 * A read of a {@link StreamSocket} that took longer than the threshold (20 ms by default, as
 * {@code jdk.SocketRead}); recorded when the read returns data or end of stream, not when it throws
 * (as the JDK's).
 */
@Name("org.mptcpj.SocketRead")
@Label("Socket Read (mptcpj)")
@Description("Reading data from an mptcpj MPTCP or TCP socket")
@Threshold("20 ms")
@StackTrace
public final class SocketReadEvent extends PeerEvent {
    @Label("Timeout Value")
    @Timespan(Timespan.MILLISECONDS)
    long timeout;

    @Label("Number of Bytes Read")
    @DataAmount
    long bytesRead;

    @Label("End of Stream")
    boolean endOfStream;

    /** Ends the event and commits it if it passed the threshold; {@code n} is what read returned. */
    public void offer(StreamSocket s, int n, long timeoutNanos) {
        end();
        if (shouldCommit()) {
            peer(s);
            timeout = timeoutNanos < 0 ? 0 : timeoutNanos / 1_000_000;
            bytesRead = Math.max(n, 0);
            endOfStream = n < 0;
            commit();
        }
    }
}

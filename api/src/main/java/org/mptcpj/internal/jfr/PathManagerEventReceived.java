package org.mptcpj.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import org.mptcpj.pm.MptcpEvent;

/**
 * An event of the kernel's {@code mptcp_pm_events} group, as an open
 * {@link org.mptcpj.pm.MptcpEventSubscription} received it (recorded by its reader thread, before
 * the listener sees it; also when the listener's queue is full and the event is dropped).
 */
@StackTrace(false) // recorded by the subscription's reader thread: its stack says nothing
@Name("org.mptcpj.PathManagerEvent")
@Label("Path Manager Event")
@Description("An MPTCP path-manager event (mptcp_pm_events netlink group) received by an mptcpj subscription")
final class PathManagerEventReceived extends MptcpEventFields {
    @Label("Type")
    String type;

    @Label("Raw Type")
    int rawType;

    @Label("Reset Reason")
    long resetReason;

    @Label("Server Side")
    boolean serverSide;

    @Label("Deny Join Id0")
    @Description("The peer set the 'C' flag: no subflow to its initial address and port")
    boolean denyJoinId0;

    @Override
    void fill(String from, MptcpEvent e) {
        super.fill(from, e);
        type = e.type().name();
        rawType = e.rawType();
        resetReason = e.resetReason();
        serverSide = e.serverSide();
        denyJoinId0 = e.denyJoinId0();
    }
}

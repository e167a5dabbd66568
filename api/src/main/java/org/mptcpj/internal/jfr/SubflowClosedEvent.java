package org.mptcpj.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A subflow was closed, derived from the kernel's path-manager event {@code MPTCP_EVENT_SUB_CLOSED}
 * (with the subflow's socket error, e.g. {@code ETIMEDOUT} after keepalive or retransmissions gave
 * up): recorded only while an {@link org.mptcpj.pm.MptcpEventSubscription} is open in the
 * connection's namespace. The watchdog's own view (no established subflow) is
 * {@code org.mptcpj.DeadPeer}.
 */
@StackTrace(false) // recorded by the subscription's reader thread: its stack says nothing
@Name("org.mptcpj.SubflowClosed")
@Label("Subflow Closed")
@Description("An MPTCP subflow was closed (from the path manager's SUB_CLOSED event), with its error")
final class SubflowClosedEvent extends MptcpEventFields {
}

package org.mptcpj.internal.jfr;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A subflow was established, derived from the kernel's path-manager event
 * {@code MPTCP_EVENT_SUB_ESTABLISHED}: recorded only while an
 * {@link org.mptcpj.pm.MptcpEventSubscription} is open in the connection's namespace, and for
 * every connection of that namespace (match {@code token} with {@code org.mptcpj.ConnectionEstablished}).
 * The first subflow of a connection is reported by {@code MPTCP_EVENT_ESTABLISHED} instead (a
 * {@code org.mptcpj.PathManagerEvent}).
 */
@StackTrace(false) // recorded by the subscription's reader thread: its stack says nothing
@Name("org.mptcpj.SubflowEstablished")
@Label("Subflow Established")
@Description("An additional MPTCP subflow was established (from the path manager's SUB_ESTABLISHED event)")
final class SubflowEstablishedEvent extends MptcpEventFields {
}

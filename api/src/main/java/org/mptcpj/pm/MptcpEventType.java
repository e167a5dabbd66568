package org.mptcpj.pm;

import org.mptcpj.bindings.linux.Linux;

/** The events of the {@code mptcp_pm_events} multicast group ({@code enum mptcp_event_type}). */
public enum MptcpEventType {
    /** A connection was created (client: SYN sent; server: connection accepted) ({@code MPTCP_EVENT_CREATED}). */
    CREATED(Linux.MPTCP_EVENT_CREATED()),
    /** A connection is fully established: further subflows may be created ({@code MPTCP_EVENT_ESTABLISHED}). */
    ESTABLISHED(Linux.MPTCP_EVENT_ESTABLISHED()),
    /** A connection was closed ({@code MPTCP_EVENT_CLOSED}). */
    CLOSED(Linux.MPTCP_EVENT_CLOSED()),
    /** The peer announced an address with ADD_ADDR ({@code MPTCP_EVENT_ANNOUNCED}). */
    ANNOUNCED(Linux.MPTCP_EVENT_ANNOUNCED()),
    /** The peer withdrew an address with RM_ADDR ({@code MPTCP_EVENT_REMOVED}). */
    REMOVED(Linux.MPTCP_EVENT_REMOVED()),
    /** A subflow was established ({@code MPTCP_EVENT_SUB_ESTABLISHED}). */
    SUB_ESTABLISHED(Linux.MPTCP_EVENT_SUB_ESTABLISHED()),
    /** A subflow was closed ({@code MPTCP_EVENT_SUB_CLOSED}). */
    SUB_CLOSED(Linux.MPTCP_EVENT_SUB_CLOSED()),
    /** A subflow's backup priority changed ({@code MPTCP_EVENT_SUB_PRIORITY}). */
    SUB_PRIORITY(Linux.MPTCP_EVENT_SUB_PRIORITY()),
    /** An MPTCP listener was created (Linux 6.5) ({@code MPTCP_EVENT_LISTENER_CREATED}). */
    LISTENER_CREATED(Linux.MPTCP_EVENT_LISTENER_CREATED()),
    /** An MPTCP listener was closed (Linux 6.5) ({@code MPTCP_EVENT_LISTENER_CLOSED}). */
    LISTENER_CLOSED(Linux.MPTCP_EVENT_LISTENER_CLOSED()),
    /** An event type this library does not know (see {@link MptcpEvent#rawType()}). */
    UNKNOWN(-1);

    private final int value;

    MptcpEventType(int value) {
        this.value = value;
    }

    /** {@return the kernel's value (the generic netlink command of the event), or -1 for UNKNOWN} */
    public int value() {
        return value;
    }

    /** {@return the type of {@code value}, or {@link #UNKNOWN}} */
    public static MptcpEventType of(int value) {
        for (MptcpEventType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        return UNKNOWN;
    }
}

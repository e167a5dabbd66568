package org.mptcpj.pm;

/**
 * Limits of the in-kernel path manager of a network namespace, as {@code ip mptcp limits} shows them.
 *
 * @param subflows         the most additional subflows per connection ({@code MPTCP_PM_ATTR_SUBFLOWS})
 * @param addAddrAccepted  the most ADD_ADDR announcements accepted per connection
 *                         ({@code MPTCP_PM_ATTR_RCV_ADD_ADDRS}, {@code add_addr_accepted})
 */
public record Limits(int subflows, int addAddrAccepted) {
    /** The kernel's bound on both limits ({@code MPTCP_PM_ADDR_MAX} in net/mptcp/protocol.h). */
    public static final int MAX = 8;

    /**
     * Validates the limits.
     *
     * @throws IllegalArgumentException if a limit is outside {@code 0..}{@value #MAX}, naming it and the bound
     */
    public Limits {
        check("subflows", subflows);
        check("addAddrAccepted", addAddrAccepted);
    }

    private static void check(String name, int value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException(name + " limit " + value + " out of range 0.." + MAX
                    + " (MPTCP_PM_ADDR_MAX)");
        }
    }
}

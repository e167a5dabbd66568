package org.mptcpj.pm;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.mptcpj.bindings.linux.Linux;

/**
 * Flags of an in-kernel path-manager endpoint ({@code MPTCP_PM_ADDR_ATTR_FLAGS}), with the bit values
 * of {@code <linux/mptcp.h>}. The names are those {@code ip mptcp endpoint} uses.
 */
public enum EndpointFlag {
    /** {@code signal}: announce this address to peers with ADD_ADDR ({@code MPTCP_PM_ADDR_FLAG_SIGNAL}). */
    SIGNAL(Linux.MPTCP_PM_ADDR_FLAG_SIGNAL(), true),
    /** {@code subflow}: create subflows from this address to the peer ({@code MPTCP_PM_ADDR_FLAG_SUBFLOW}). */
    SUBFLOW(Linux.MPTCP_PM_ADDR_FLAG_SUBFLOW(), true),
    /** {@code backup}: subflows of this endpoint are backup paths ({@code MPTCP_PM_ADDR_FLAG_BACKUP}). */
    BACKUP(Linux.MPTCP_PM_ADDR_FLAG_BACKUP(), true),
    /** {@code fullmesh}: one subflow to each address the peer announced ({@code MPTCP_PM_ADDR_FLAG_FULLMESH}). */
    FULLMESH(Linux.MPTCP_PM_ADDR_FLAG_FULLMESH(), true),
    /**
     * {@code implicit}: the kernel created this endpoint itself for an address in use by a subflow
     * ({@code MPTCP_PM_ADDR_FLAG_IMPLICIT}, Linux 5.18). Read-only: rejected when adding or setting.
     */
    IMPLICIT(Linux.MPTCP_PM_ADDR_FLAG_IMPLICIT(), false),
    /**
     * {@code laminar}: use this local address, once, for subflows towards addresses the peer announced
     * ({@code MPTCP_PM_ADDR_FLAG_LAMINAR}, Linux 6.18). Older kernels reject it or ignore it.
     */
    LAMINAR(Linux.MPTCP_PM_ADDR_FLAG_LAMINAR(), true);

    private final int bit;
    private final boolean settable;

    EndpointFlag(int bit, boolean settable) {
        this.bit = bit;
        this.settable = settable;
    }

    /** {@return the flag's bit in {@code MPTCP_PM_ADDR_ATTR_FLAGS}} */
    public int bit() {
        return bit;
    }

    /** {@return whether user space may set this flag (all but {@link #IMPLICIT})} */
    public boolean isSettable() {
        return settable;
    }

    /** {@return the lower-case name {@code ip mptcp} prints} */
    public String ipName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@return the flags of {@code bits}; unknown bits are ignored} */
    public static EnumSet<EndpointFlag> fromBits(int bits) {
        EnumSet<EndpointFlag> s = EnumSet.noneOf(EndpointFlag.class);
        for (EndpointFlag f : values()) {
            if ((bits & f.bit) != 0) {
                s.add(f);
            }
        }
        return s;
    }

    /** {@return the bits of {@code flags}} */
    public static int toBits(Set<EndpointFlag> flags) {
        Objects.requireNonNull(flags, "flags");
        int bits = 0;
        for (EndpointFlag f : flags) {
            bits |= f.bit;
        }
        return bits;
    }
}

package org.mptcpj.pm;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An endpoint of the in-kernel path manager: a local address the kernel may announce or create
 * subflows from, as {@code ip mptcp endpoint} shows it.
 *
 * @param id      the endpoint id, {@code 0..255}; {@code 0} when adding lets the kernel pick one
 * @param address the local IPv4 or IPv6 address
 * @param port    the port announced with a {@link EndpointFlag#SIGNAL signal} endpoint (the kernel then
 *                also listens on it), {@code 0} for none; {@code 0..65535}
 * @param ifIndex the interface to bind subflows to, {@code 0} for none (see
 *                {@link MptcpPathManager#interfaceIndex(String)})
 * @param flags   the flags; copied, the record's set is unmodifiable
 */
public record Endpoint(int id, InetAddress address, int port, int ifIndex, Set<EndpointFlag> flags) {
    /** The largest endpoint id (ids are a u8, {@code MPTCP_PM_ADDR_ATTR_ID}). */
    public static final int MAX_ID = 255;

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if a value is out of its range (naming the value and the range)
     * @throws NullPointerException     for a null address or flag set
     */
    public Endpoint {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException("endpoint id " + id + " out of range 0.." + MAX_ID);
        }
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(flags, "flags");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("endpoint port " + port + " out of range 0..65535");
        }
        if (ifIndex < 0) {
            throw new IllegalArgumentException("interface index " + ifIndex + " is negative");
        }
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(EndpointFlag.class) : EnumSet.copyOf(flags));
    }

    /** {@return an endpoint for {@code address} with a kernel-assigned id, no port, no interface} */
    public static Endpoint of(InetAddress address, EndpointFlag... flags) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(flags, "flags");
        EnumSet<EndpointFlag> s = EnumSet.noneOf(EndpointFlag.class);
        Collections.addAll(s, flags);
        return new Endpoint(0, address, 0, 0, s);
    }

    /** {@return a copy with {@code id}} */
    public Endpoint withId(int id) {
        return new Endpoint(id, address, port, ifIndex, flags);
    }

    /** {@return a copy with {@code port}} */
    public Endpoint withPort(int port) {
        return new Endpoint(id, address, port, ifIndex, flags);
    }

    /** {@return a copy bound to interface {@code ifIndex}} */
    public Endpoint withIfIndex(int ifIndex) {
        return new Endpoint(id, address, port, ifIndex, flags);
    }

    /** {@return a copy with {@code flags}} */
    public Endpoint withFlags(Set<EndpointFlag> flags) {
        return new Endpoint(id, address, port, ifIndex, flags);
    }

    /** {@return whether the address is IPv4} */
    public boolean isIPv4() {
        return address instanceof Inet4Address;
    }

    /** {@return the endpoint as {@code ip mptcp endpoint show} prints it, e.g. {@code 10.0.0.2 port 1234 id 1 signal backup}} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(address.getHostAddress());
        if (port != 0) {
            sb.append(" port ").append(port);
        }
        sb.append(" id ").append(id);
        for (EndpointFlag f : flags) {
            sb.append(' ').append(f.ipName());
        }
        if (ifIndex != 0) {
            sb.append(" ifindex ").append(ifIndex);
        }
        return sb.toString();
    }
}

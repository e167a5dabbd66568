package org.mptcpj.pm;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.Objects;
import org.mptcpj.bindings.linux.Linux;

/**
 * One event of the {@code mptcp_pm_events} multicast group, decoded. Which attributes the kernel
 * sends depends on the type; an absent number is {@code -1}, an absent address {@code null}.
 *
 * @param type          the event type
 * @param rawType       the kernel's event number (the generic netlink command)
 * @param token         the connection's local token ({@code MPTCP_ATTR_TOKEN}, u32), -1 if absent
 * @param family        {@code AF_INET} or {@code AF_INET6} ({@code MPTCP_ATTR_FAMILY}), -1 if absent
 * @param localAddress  {@code MPTCP_ATTR_SADDR4}/{@code SADDR6}
 * @param remoteAddress {@code MPTCP_ATTR_DADDR4}/{@code DADDR6}
 * @param localPort     {@code MPTCP_ATTR_SPORT} (sent in network byte order, decoded here)
 * @param remotePort    {@code MPTCP_ATTR_DPORT} (network byte order, decoded)
 * @param localId       {@code MPTCP_ATTR_LOC_ID}
 * @param remoteId      {@code MPTCP_ATTR_REM_ID}
 * @param backup        {@code MPTCP_ATTR_BACKUP}: 1 if the subflow is a backup, -1 if absent
 * @param error         {@code MPTCP_ATTR_ERROR}: the subflow's socket error, -1 if absent
 * @param ifIndex       {@code MPTCP_ATTR_IF_IDX}
 * @param timeout       {@code MPTCP_ATTR_TIMEOUT}, -1 if absent
 * @param resetReason   {@code MPTCP_ATTR_RESET_REASON}, -1 if absent
 * @param resetFlags    {@code MPTCP_ATTR_RESET_FLAGS}, -1 if absent
 * @param rawFlags      {@code MPTCP_ATTR_FLAGS} (u16), 0 if absent
 * @param denyJoinId0   the peer set the 'C' flag: no subflow may be created towards its initial
 *                      address and port ({@code MPTCP_PM_EV_FLAG_DENY_JOIN_ID0})
 * @param serverSide    the connection was accepted, not initiated, here
 *                      ({@code MPTCP_PM_EV_FLAG_SERVER_SIDE}, or the older {@code MPTCP_ATTR_SERVER_SIDE})
 */
public record MptcpEvent(MptcpEventType type, int rawType, long token, int family,
                         InetAddress localAddress, InetAddress remoteAddress, int localPort, int remotePort,
                         int localId, int remoteId, int backup, int error, int ifIndex, long timeout,
                         long resetReason, long resetFlags, int rawFlags, boolean denyJoinId0,
                         boolean serverSide) {

    private static final int MAX_ATTR = Linux.MPTCP_ATTR_SERVER_SIDE();

    /** @throws NullPointerException for a null type ({@link MptcpEventType#UNKNOWN} stands for unknown ones) */
    public MptcpEvent {
        Objects.requireNonNull(type, "type");
    }

    /**
     * Decodes the attributes of one event message.
     *
     * @throws NetlinkProtocolException if an attribute is malformed
     */
    static MptcpEvent parse(int cmd, MemorySegment msg, long from, long to) {
        MptcpEventType type = MptcpEventType.of(cmd);
        NlAttrs a = NlAttrs.parse(msg, from, to, MAX_ATTR, "MPTCP event " + type);
        InetAddress saddr = a.has(Linux.MPTCP_ATTR_SADDR4())
                ? a.address(Linux.MPTCP_ATTR_SADDR4(), 4, "MPTCP_ATTR_SADDR4")
                : a.address(Linux.MPTCP_ATTR_SADDR6(), 16, "MPTCP_ATTR_SADDR6");
        InetAddress daddr = a.has(Linux.MPTCP_ATTR_DADDR4())
                ? a.address(Linux.MPTCP_ATTR_DADDR4(), 4, "MPTCP_ATTR_DADDR4")
                : a.address(Linux.MPTCP_ATTR_DADDR6(), 16, "MPTCP_ATTR_DADDR6");
        int flags = a.u16(Linux.MPTCP_ATTR_FLAGS(), "MPTCP_ATTR_FLAGS", 0);
        boolean serverSide = (flags & Linux.MPTCP_PM_EV_FLAG_SERVER_SIDE()) != 0
                || a.u8(Linux.MPTCP_ATTR_SERVER_SIDE(), "MPTCP_ATTR_SERVER_SIDE", 0) != 0;
        return new MptcpEvent(type, cmd,
                a.u32(Linux.MPTCP_ATTR_TOKEN(), "MPTCP_ATTR_TOKEN", -1),
                a.u16(Linux.MPTCP_ATTR_FAMILY(), "MPTCP_ATTR_FAMILY", -1),
                saddr, daddr,
                a.be16(Linux.MPTCP_ATTR_SPORT(), "MPTCP_ATTR_SPORT", -1),
                a.be16(Linux.MPTCP_ATTR_DPORT(), "MPTCP_ATTR_DPORT", -1),
                a.u8(Linux.MPTCP_ATTR_LOC_ID(), "MPTCP_ATTR_LOC_ID", -1),
                a.u8(Linux.MPTCP_ATTR_REM_ID(), "MPTCP_ATTR_REM_ID", -1),
                a.u8(Linux.MPTCP_ATTR_BACKUP(), "MPTCP_ATTR_BACKUP", -1),
                a.u8(Linux.MPTCP_ATTR_ERROR(), "MPTCP_ATTR_ERROR", -1),
                a.s32(Linux.MPTCP_ATTR_IF_IDX(), "MPTCP_ATTR_IF_IDX", -1),
                a.u32(Linux.MPTCP_ATTR_TIMEOUT(), "MPTCP_ATTR_TIMEOUT", -1),
                a.u32(Linux.MPTCP_ATTR_RESET_REASON(), "MPTCP_ATTR_RESET_REASON", -1),
                a.u32(Linux.MPTCP_ATTR_RESET_FLAGS(), "MPTCP_ATTR_RESET_FLAGS", -1),
                flags,
                (flags & Linux.MPTCP_PM_EV_FLAG_DENY_JOIN_ID0()) != 0,
                serverSide);
    }
}

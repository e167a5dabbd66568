package org.mptcpj.pm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.nlattr;

/**
 * The attributes of one netlink attribute stream ({@code struct nlattr} TLVs, each padded to 4 bytes),
 * parsed in place: each known type maps to a slice of the received native memory, valid as long as
 * that memory is (so until the next receive on the socket). Unknown types are skipped; a later
 * attribute of a type wins over an earlier one, as in the kernel's {@code nla_parse()}.
 *
 * <p>Every length is checked against its container before anything is read, so malformed input ends
 * in a {@link NetlinkProtocolException}, never in an out-of-bounds read or an endless loop (each step
 * advances by at least 4 bytes).
 */
final class NlAttrs {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final int HDRLEN = (int) nlattr.sizeof();
    private static final int TYPE_MASK = Linux.NLA_TYPE_MASK();
    private static final long LEN_OFF = nlattr.nla_len$offset();
    private static final long TYPE_OFF = nlattr.nla_type$offset();

    /** Receives each attribute of a stream, in order. */
    @FunctionalInterface
    interface Visitor {
        /**
         * @param type    the type without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits
         * @param payload the payload, without header and padding
         */
        void visit(int type, MemorySegment payload);
    }

    private final String what;
    private final MemorySegment[] byType;

    private NlAttrs(String what, MemorySegment[] byType) {
        this.what = what;
        this.byType = byType;
    }

    /** {@code len} rounded up to a multiple of 4 ({@code NLA_ALIGN}/{@code NLMSG_ALIGN}). */
    static long align(long len) {
        return (len + 3) & ~3L;
    }

    /**
     * Walks the attributes in {@code [from, to)} of {@code seg}.
     *
     * @throws NetlinkProtocolException on a length below the header size, beyond the container, or a
     *                                  truncated header at the end
     */
    static void forEach(MemorySegment seg, long from, long to, String what, Visitor visitor) {
        if (from < 0 || to > seg.byteSize() || from > to) {
            throw new NetlinkProtocolException(what + ": attribute range [" + from + ", " + to
                    + ") outside a " + seg.byteSize() + "-byte message");
        }
        long off = from;
        while (off < to) {
            long left = to - off;
            if (left < HDRLEN) {
                throw new NetlinkProtocolException(what + ": truncated attribute header at offset "
                        + (off - from) + " (" + left + " bytes left, " + HDRLEN + " needed)");
            }
            int len = Short.toUnsignedInt(seg.get(U16, off + LEN_OFF));
            int type = Short.toUnsignedInt(seg.get(U16, off + TYPE_OFF)) & TYPE_MASK;
            if (len < HDRLEN || len > left) {
                throw new NetlinkProtocolException(what + ": attribute type " + type + " at offset "
                        + (off - from) + " has length " + len + " (valid: " + HDRLEN + ".." + left + ")");
            }
            visitor.visit(type, seg.asSlice(off + HDRLEN, len - HDRLEN));
            off += align(len); // >= 4; the padding of the last attribute may be missing
        }
    }

    /** Parses the attributes in {@code [from, to)}, keeping the types {@code 1..maxType}. */
    static NlAttrs parse(MemorySegment seg, long from, long to, int maxType, String what) {
        MemorySegment[] byType = new MemorySegment[maxType + 1];
        forEach(seg, from, to, what, (type, payload) -> {
            if (type > 0 && type <= maxType) {
                byType[type] = payload;
            }
        });
        return new NlAttrs(what, byType);
    }

    /** Parses a whole payload (a nested attribute's) as an attribute stream. */
    static NlAttrs parse(MemorySegment payload, int maxType, String what) {
        return parse(payload, 0, payload.byteSize(), maxType, what);
    }

    boolean has(int type) {
        return type < byType.length && byType[type] != null;
    }

    /** {@return the payload of {@code type}, or {@code null} if absent} */
    MemorySegment payload(int type) {
        return type < byType.length ? byType[type] : null;
    }

    private MemorySegment need(int type, int size, String name) {
        MemorySegment p = payload(type);
        if (p != null && p.byteSize() < size) {
            throw new NetlinkProtocolException(what + ": attribute " + name + " (type " + type + ") has "
                    + p.byteSize() + " payload bytes, " + size + " needed");
        }
        return p;
    }

    int u8(int type, String name, int absent) {
        MemorySegment p = need(type, 1, name);
        return p == null ? absent : Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, 0));
    }

    int u16(int type, String name, int absent) {
        MemorySegment p = need(type, 2, name);
        return p == null ? absent : Short.toUnsignedInt(p.get(U16, 0));
    }

    /** A 16-bit value in network byte order (ports of MPTCP events). */
    int be16(int type, String name, int absent) {
        MemorySegment p = need(type, 2, name);
        return p == null ? absent : Short.toUnsignedInt(p.get(BE16, 0));
    }

    long u32(int type, String name, long absent) {
        MemorySegment p = need(type, 4, name);
        return p == null ? absent : Integer.toUnsignedLong(p.get(U32, 0));
    }

    int s32(int type, String name, int absent) {
        MemorySegment p = need(type, 4, name);
        return p == null ? absent : p.get(U32, 0);
    }

    /** A NUL-terminated string (the terminator may be missing: the payload's end ends it). */
    String string(int type, String name) {
        MemorySegment p = payload(type);
        if (p == null) {
            return null;
        }
        byte[] bytes = p.toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** An IPv4 ({@code size} 4) or IPv6 ({@code size} 16) address in network order; IPv6 stays IPv6 even when v4-mapped. */
    InetAddress address(int type, int size, String name) {
        MemorySegment p = need(type, size, name);
        if (p == null) {
            return null;
        }
        byte[] a = p.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE);
        try {
            return size == 4 ? InetAddress.getByAddress(a) : Inet6Address.getByAddress(null, a, (NetworkInterface) null);
        } catch (UnknownHostException e) {
            throw new AssertionError("address of fixed length rejected", e);
        }
    }

    /** A nested attribute's contents, or {@code null} if absent. */
    NlAttrs nested(int type, int maxType, String name) {
        MemorySegment p = payload(type);
        return p == null ? null : parse(p, maxType, what + "/" + name);
    }
}

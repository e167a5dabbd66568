package org.mptcpj.pm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.genlmsghdr;
import org.mptcpj.bindings.linux.nlattr;
import org.mptcpj.bindings.linux.nlmsghdr;

/**
 * Writes one generic-netlink request straight into native memory: {@code struct nlmsghdr},
 * {@code struct genlmsghdr}, then attributes, each padded with zeros to 4 bytes; nested attributes
 * carry {@code NLA_F_NESTED} (the kernel's strict validation requires it).
 */
final class NlMessageBuilder {
    static final int NLMSG_HDRLEN = (int) nlmsghdr.sizeof();
    static final int GENL_HDRLEN = (int) genlmsghdr.sizeof();

    private final MemorySegment buf;
    private int pos;

    NlMessageBuilder(MemorySegment buf) {
        this.buf = buf;
    }

    /** Starts a message: netlink header (length filled by {@link #finish()}) and generic-netlink header. */
    NlMessageBuilder begin(int type, int flags, int seq, int cmd, int version) {
        buf.asSlice(0, NLMSG_HDRLEN + GENL_HDRLEN).fill((byte) 0);
        buf.set(NlAttrs.U16, nlmsghdr.nlmsg_type$offset(), (short) type);
        buf.set(NlAttrs.U16, nlmsghdr.nlmsg_flags$offset(), (short) flags);
        buf.set(NlAttrs.U32, nlmsghdr.nlmsg_seq$offset(), seq);
        buf.set(NlAttrs.U32, nlmsghdr.nlmsg_pid$offset(), 0);
        buf.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN + genlmsghdr.cmd$offset(), (byte) cmd);
        buf.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN + genlmsghdr.version$offset(), (byte) version);
        pos = NLMSG_HDRLEN + GENL_HDRLEN;
        return this;
    }

    private long attr(int type, int payloadLen) {
        int total = (int) NlAttrs.align(NlAttrs.HDRLEN + payloadLen);
        if (pos + total > buf.byteSize() || NlAttrs.HDRLEN + payloadLen > 0xffff) {
            throw new IllegalArgumentException("netlink request exceeds " + buf.byteSize() + " bytes");
        }
        long at = pos;
        buf.asSlice(at, total).fill((byte) 0);
        buf.set(NlAttrs.U16, at + nlattr.nla_len$offset(), (short) (NlAttrs.HDRLEN + payloadLen));
        buf.set(NlAttrs.U16, at + nlattr.nla_type$offset(), (short) type);
        pos += total;
        return at + NlAttrs.HDRLEN;
    }

    NlMessageBuilder u8(int type, int value) {
        buf.set(ValueLayout.JAVA_BYTE, attr(type, 1), (byte) value);
        return this;
    }

    NlMessageBuilder u16(int type, int value) {
        buf.set(NlAttrs.U16, attr(type, 2), (short) value);
        return this;
    }

    NlMessageBuilder u32(int type, int value) {
        buf.set(NlAttrs.U32, attr(type, 4), value);
        return this;
    }

    NlMessageBuilder bytes(int type, byte[] value) {
        MemorySegment.copy(value, 0, buf, ValueLayout.JAVA_BYTE, attr(type, value.length), value.length);
        return this;
    }

    /** A NUL-terminated string attribute. */
    NlMessageBuilder string(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        long at = attr(type, s.length + 1); // the terminator is already zero
        MemorySegment.copy(s, 0, buf, ValueLayout.JAVA_BYTE, at, s.length);
        return this;
    }

    /** An address attribute: {@code v4Type} with 4 bytes or {@code v6Type} with 16, network order. */
    NlMessageBuilder address(int v4Type, int v6Type, InetAddress address) {
        return bytes(address instanceof Inet4Address ? v4Type : v6Type, address.getAddress());
    }

    /** Opens a nested attribute; {@return the token to pass to {@link #endNested(int)}} */
    int beginNested(int type) {
        attr(type | Linux.NLA_F_NESTED(), 0);
        return pos - NlAttrs.HDRLEN;
    }

    NlMessageBuilder endNested(int start) {
        buf.set(NlAttrs.U16, start + nlattr.nla_len$offset(), (short) (pos - start));
        return this;
    }

    /** Writes the total length; {@return the number of bytes to send} */
    int finish() {
        buf.set(NlAttrs.U32, nlmsghdr.nlmsg_len$offset(), pos);
        return pos;
    }
}

package org.mptcpj.pm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;

/**
 * The netlink message builder and parser without a kernel: exact round trips, then truncated,
 * mutated and random input, which must end in a {@link NetlinkProtocolException} or a result,
 * never another exception, an out-of-bounds read or a hang.
 */
class NetlinkParserTest {
    private static final int FAMILY = 0x1d;
    private static final int HDRS = NlMessageBuilder.NLMSG_HDRLEN + NlMessageBuilder.GENL_HDRLEN;

    private static int be16(int port) {
        return Short.toUnsignedInt(Short.reverseBytes((short) port));
    }

    /** An MPTCP_EVENT_CREATED message as the kernel sends it (IPv4, both flags). */
    static byte[] eventMessage() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024, 8);
            NlMessageBuilder b = new NlMessageBuilder(buf).begin(FAMILY, 0, 0, Linux.MPTCP_EVENT_CREATED(), 1);
            b.u32(Linux.MPTCP_ATTR_TOKEN(), 0xdeadbeef)
                    .u16(Linux.MPTCP_ATTR_FAMILY(), Linux.AF_INET())
                    .bytes(Linux.MPTCP_ATTR_SADDR4(), InetAddress.getByName("10.0.0.1").getAddress())
                    .bytes(Linux.MPTCP_ATTR_DADDR4(), InetAddress.getByName("10.0.0.2").getAddress())
                    .u16(Linux.MPTCP_ATTR_SPORT(), be16(40000))
                    .u16(Linux.MPTCP_ATTR_DPORT(), be16(443))
                    .u8(Linux.MPTCP_ATTR_LOC_ID(), 0)
                    .u8(Linux.MPTCP_ATTR_REM_ID(), 3)
                    .u32(Linux.MPTCP_ATTR_IF_IDX(), 7)
                    .u16(Linux.MPTCP_ATTR_FLAGS(), (int) (Linux.MPTCP_PM_EV_FLAG_DENY_JOIN_ID0()
                            | Linux.MPTCP_PM_EV_FLAG_SERVER_SIDE()))
                    .u16(60, 0x1234); // unknown attribute: skipped
            int len = b.finish();
            return buf.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** A GET_ADDR reply for an IPv6 endpoint. */
    static byte[] endpointMessage() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024, 8);
            NlMessageBuilder b = new NlMessageBuilder(buf).begin(FAMILY, 0, 1, Linux.MPTCP_PM_CMD_GET_ADDR(), 1);
            MptcpPathManager.writeAddr(b, Linux.MPTCP_PM_ATTR_ADDR(), 42, InetAddress.getByName("2001:db8::1"), 8080, 3,
                    EndpointFlag.toBits(EnumSet.of(EndpointFlag.SIGNAL, EndpointFlag.BACKUP, EndpointFlag.LAMINAR)));
            return buf.asSlice(0, b.finish()).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** A CTRL_CMD_NEWFAMILY reply with two multicast groups. */
    static byte[] familyMessage() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024, 8);
            NlMessageBuilder b = new NlMessageBuilder(buf).begin(Linux.GENL_ID_CTRL(), 0, 1, Linux.CTRL_CMD_NEWFAMILY(), 2);
            b.string(Linux.CTRL_ATTR_FAMILY_NAME(), "mptcp_pm").u16(Linux.CTRL_ATTR_FAMILY_ID(), FAMILY)
                    .u32(Linux.CTRL_ATTR_VERSION(), 1);
            int groups = b.beginNested(Linux.CTRL_ATTR_MCAST_GROUPS());
            int g1 = b.beginNested(1);
            b.string(Linux.CTRL_ATTR_MCAST_GRP_NAME(), "mptcp_pm_cmds").u32(Linux.CTRL_ATTR_MCAST_GRP_ID(), 11);
            b.endNested(g1);
            int g2 = b.beginNested(2);
            b.string(Linux.CTRL_ATTR_MCAST_GRP_NAME(), "mptcp_pm_events").u32(Linux.CTRL_ATTR_MCAST_GRP_ID(), 12);
            b.endNested(g2);
            b.endNested(groups);
            return buf.asSlice(0, b.finish()).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Every parser of the package, applied to the attributes in [HDRS, to) of {@code msg}. */
    static void parseAll(MemorySegment msg, long to) {
        try {
            MptcpEvent.parse(Linux.MPTCP_EVENT_CREATED(), msg, HDRS, to);
        } catch (NetlinkProtocolException expected) {
            // documented
        }
        try {
            MptcpPathManager.readEndpointMessage(0, msg, HDRS, to);
        } catch (NetlinkProtocolException expected) {
            // documented
        }
        try {
            GenlSocket.parseFamily(msg, HDRS, to);
        } catch (NetlinkProtocolException expected) {
            // documented
        }
        try {
            GenlSocket.deliver(msg, to, (type, cmd, m, from, end) -> {
                try {
                    MptcpEvent.parse(cmd, m, from, end);
                } catch (NetlinkProtocolException expected) {
                    // documented
                }
            });
        } catch (NetlinkProtocolException expected) {
            // documented
        }
        try {
            if (to >= 16) {
                int errno = GenlSocket.errorOf(msg, 0, to, "fuzz");
                assertTrue(errno >= 0);
                GenlSocket.extAck(msg, 0, to, Linux.NLM_F_ACK_TLVS(), "fuzz");
                GenlSocket.extAck(msg, 0, to, Linux.NLM_F_ACK_TLVS() | Linux.NLM_F_CAPPED(), "fuzz");
                GenlSocket.doneExtAck(msg, 0, to, "fuzz");
            }
        } catch (NetlinkProtocolException expected) {
            // documented
        }
    }

    @Test
    void eventRoundTrip() throws Exception {
        byte[] bytes = eventMessage();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            List<MptcpEvent> got = new ArrayList<>();
            GenlSocket.deliver(m, m.byteSize(), (type, cmd, msg, from, to) -> {
                assertEquals(FAMILY, type);
                got.add(MptcpEvent.parse(cmd, msg, from, to));
            });
            assertEquals(1, got.size());
            MptcpEvent e = got.get(0);
            assertEquals(MptcpEventType.CREATED, e.type());
            assertEquals(0xdeadbeefL, e.token());
            assertEquals(Linux.AF_INET(), e.family());
            assertEquals(InetAddress.getByName("10.0.0.1"), e.localAddress());
            assertEquals(InetAddress.getByName("10.0.0.2"), e.remoteAddress());
            assertEquals(40000, e.localPort(), "be16 decoded");
            assertEquals(443, e.remotePort());
            assertEquals(0, e.localId());
            assertEquals(3, e.remoteId());
            assertEquals(7, e.ifIndex());
            assertEquals(-1, e.backup());
            assertEquals(-1, e.error());
            assertTrue(e.denyJoinId0());
            assertTrue(e.serverSide());
        }
    }

    @Test
    void olderServerSideAttributeIsHonoured() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256, 8);
            NlMessageBuilder b = new NlMessageBuilder(buf).begin(FAMILY, 0, 0, Linux.MPTCP_EVENT_ESTABLISHED(), 1);
            b.u32(Linux.MPTCP_ATTR_TOKEN(), 5).u8(Linux.MPTCP_ATTR_SERVER_SIDE(), 1);
            MptcpEvent e = MptcpEvent.parse(Linux.MPTCP_EVENT_ESTABLISHED(), buf, HDRS, b.finish());
            assertTrue(e.serverSide());
            assertEquals(false, e.denyJoinId0());
            assertEquals(MptcpEvent.class, e.getClass());
            assertEquals(MptcpEventType.UNKNOWN, MptcpEvent.parse(99, buf, HDRS, HDRS).type());
        }
    }

    @Test
    void endpointRoundTrip() throws Exception {
        byte[] bytes = endpointMessage();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            assertEquals(0, bytes.length % 4, "padded to 4 bytes");
            assertEquals(bytes.length, m.get(NlAttrs.U32, 0));
            // the nested attribute carries NLA_F_NESTED
            int type = Short.toUnsignedInt(m.get(NlAttrs.U16, HDRS + 2));
            assertEquals(Linux.MPTCP_PM_ATTR_ADDR() | Linux.NLA_F_NESTED(), type);
            Endpoint e = MptcpPathManager.readEndpointMessage(0, m, HDRS, m.byteSize());
            assertEquals(new Endpoint(42, InetAddress.getByName("2001:db8::1"), 8080, 3,
                    EnumSet.of(EndpointFlag.SIGNAL, EndpointFlag.BACKUP, EndpointFlag.LAMINAR)), e);
        }
    }

    @Test
    void familyRoundTrip() {
        byte[] bytes = familyMessage();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            GenlSocket.Family f = GenlSocket.parseFamily(m, HDRS, m.byteSize());
            assertEquals("mptcp_pm", f.name());
            assertEquals(FAMILY, f.id());
            assertEquals(1, f.version());
            assertEquals(Map.of("mptcp_pm_cmds", 11, "mptcp_pm_events", 12), f.groups());
        }
    }

    @Test
    void extendedAckIsRead() {
        try (Arena arena = Arena.ofConfined()) {
            // NLMSG_ERROR, capped: nlmsghdr | error | echoed nlmsghdr | NLMSGERR_ATTR_MSG
            MemorySegment m = arena.allocate(128, 8);
            NlMessageBuilder b = new NlMessageBuilder(m).begin(Linux.NLMSG_ERROR(), 0, 1, 0, 0);
            // overwrite the genl header position with the error code, then the echoed header
            m.set(NlAttrs.U32, 16, -Linux.EINVAL());
            m.asSlice(20, 16).fill((byte) 0);
            m.set(NlAttrs.U32, 20, 16);
            MemorySegment tail = m.asSlice(36);
            NlMessageBuilder t = new NlMessageBuilder(tail);
            // write the TLV by hand: nla_len, nla_type, "limit too big\0" padded
            byte[] text = "limit too big\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            tail.set(NlAttrs.U16, 0, (short) (4 + text.length));
            tail.set(NlAttrs.U16, 2, (short) Linux.NLMSGERR_ATTR_MSG());
            MemorySegment.copy(text, 0, tail, ValueLayout.JAVA_BYTE, 4, text.length);
            long len = 36 + NlAttrs.align(4 + text.length);
            m.set(NlAttrs.U32, 0, (int) len);
            assertEquals(Linux.EINVAL(), GenlSocket.errorOf(m, 0, len, "t"));
            assertEquals("limit too big", GenlSocket.extAck(m, 0, len,
                    Linux.NLM_F_CAPPED() | Linux.NLM_F_ACK_TLVS(), "t"));
            assertEquals("limit too big", GenlSocket.extAck(m, 0, len, Linux.NLM_F_ACK_TLVS(), "t"),
                    "uncapped: skips the echoed request by its length");
            assertNull(GenlSocket.extAck(m, 0, len, 0, "t"));
            assertTrue(b != null && t != null);
        }
    }

    @Test
    void malformedLengthsRaiseTheDocumentedException() throws Exception {
        byte[] bytes = eventMessage();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            // first attribute claims more bytes than the message has
            m.set(NlAttrs.U16, HDRS, (short) 0x7fff);
            NetlinkProtocolException e = assertThrows(NetlinkProtocolException.class,
                    () -> MptcpEvent.parse(1, m, HDRS, m.byteSize()));
            assertTrue(e.getMessage().contains("length 32767"), e.getMessage());
            // length below the header: would loop forever if accepted
            m.set(NlAttrs.U16, HDRS, (short) 2);
            assertThrows(NetlinkProtocolException.class, () -> MptcpEvent.parse(1, m, HDRS, m.byteSize()));
            // a u32 attribute with a 1-byte payload
            m.set(NlAttrs.U16, HDRS, (short) 5);
            e = assertThrows(NetlinkProtocolException.class, () -> MptcpEvent.parse(1, m, HDRS, m.byteSize()));
            assertTrue(e.getMessage().contains("MPTCP_ATTR_TOKEN"), e.getMessage());
            // truncated netlink header in a datagram
            assertThrows(NetlinkProtocolException.class, () -> GenlSocket.deliver(m, 10, (t, c, x, f, to) -> { }));
            assertThrows(IllegalStateException.class, () -> NlAttrs.parse(m, 0, m.byteSize() + 1, 5, "x"));
        }
    }

    @Test
    void fuzzTruncatedMutatedAndRandomInput() {
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            List<byte[]> seeds = List.of(eventMessage(), endpointMessage(), familyMessage());
            Random random = new Random(0x6d707463);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(4096, 8);
                for (byte[] seed : seeds) {
                    MemorySegment m = buf.asSlice(0, seed.length);
                    MemorySegment.copy(seed, 0, m, ValueLayout.JAVA_BYTE, 0, seed.length);
                    for (int to = HDRS; to <= seed.length; to++) { // every truncation
                        parseAll(m, to);
                    }
                }
                for (int round = 0; round < 20_000; round++) {
                    byte[] seed = seeds.get(random.nextInt(seeds.size()));
                    byte[] bytes = seed.clone();
                    int flips = 1 + random.nextInt(6);
                    for (int i = 0; i < flips; i++) {
                        int at = HDRS + random.nextInt(bytes.length - HDRS);
                        bytes[at] = random.nextInt(4) == 0 ? 0 : (byte) random.nextInt(256);
                    }
                    int len = HDRS + random.nextInt(bytes.length - HDRS + 1);
                    MemorySegment m = buf.asSlice(0, len);
                    MemorySegment.copy(bytes, 0, m, ValueLayout.JAVA_BYTE, 0, len);
                    parseAll(m, len);
                }
                for (int round = 0; round < 20_000; round++) {
                    int len = random.nextInt(200);
                    byte[] bytes = new byte[len];
                    random.nextBytes(bytes);
                    if (len >= 4 && random.nextBoolean()) { // plausible small lengths reach deeper
                        bytes[0] = (byte) random.nextInt(len + 8);
                        bytes[1] = 0;
                    }
                    MemorySegment m = buf.asSlice(0, Math.max(len, HDRS));
                    m.fill((byte) 0);
                    MemorySegment.copy(bytes, 0, m, ValueLayout.JAVA_BYTE, 0, len);
                    try {
                        NlAttrs.forEach(m, 0, len, "random", (type, payload) -> { });
                    } catch (NetlinkProtocolException expected) {
                        // documented
                    }
                    parseAll(m, Math.max(len, HDRS));
                }
            }
        });
    }

    @Test
    void builderAlignsAndTerminates() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64, 8);
            NlMessageBuilder b = new NlMessageBuilder(buf).begin(FAMILY, 0, 0, 1, 1);
            b.u8(1, 0xab).string(2, "abc");
            int len = b.finish();
            assertEquals(HDRS + 8 + 8, len);
            assertArrayEquals(new byte[] {5, 0, 1, 0, (byte) 0xab, 0, 0, 0, 8, 0, 2, 0, 'a', 'b', 'c', 0},
                    buf.asSlice(HDRS, 16).toArray(ValueLayout.JAVA_BYTE));
            NlMessageBuilder big = new NlMessageBuilder(buf).begin(FAMILY, 0, 0, 1, 1);
            assertThrows(IllegalArgumentException.class, () -> big.bytes(1, new byte[100]));
        }
    }
}

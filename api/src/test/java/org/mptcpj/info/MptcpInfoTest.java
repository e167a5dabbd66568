package org.mptcpj.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.KernelFeatures.Feature;
import org.mptcpj.testing.KernelFeatures;
import org.mptcpj.testing.Loopback;
import org.mptcpj.testing.Require;

@Tag("kernel")
class MptcpInfoTest {
    private static final int N = 100_000;
    private static final KernelFeatures KERNEL = KernelFeatures.current();

    /** Whether the running kernel's MPTCP_INFO covers {@code f}, from the kernel table (not the library's). */
    private static boolean expectedPresent(MptcpInfo.Field f) {
        return switch (f) {
            case RETRANSMITS, BYTES_RETRANS, BYTES_SENT, BYTES_RECEIVED, BYTES_ACKED -> KERNEL.has(Feature.MPTCP_INFO_COUNTERS);
            case SUBFLOWS_TOTAL -> KERNEL.has(Feature.MPTCP_INFO_SUBFLOWS_TOTAL);
            // The laminar/fullmesh bytes (6.18) came out of the padding 6.12 added with the last-time fields.
            case ENDP_LAMINAR_MAX, ENDP_FULLMESH_MAX, LAST_DATA_SENT, LAST_DATA_RECV, LAST_ACK_RECV ->
                    KERNEL.has(Feature.MPTCP_INFO_LAST_TIMES);
            default -> KERNEL.has(Feature.MPTCP_INFO);
        };
    }

    /**
     * Reads until {@code bytes_acked} reaches {@code n} (before 6.5, which lacks it: until everything
     * written is acknowledged at the data level): acks trail the reader on loopback only by microseconds.
     */
    private static MptcpInfo readAcked(MptcpInfo info, GuardedFd fd, long n) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((info.read(fd).bytesAcked().orElse(n) < n || info.writeSeq() != info.sndUna())
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return info;
    }

    @Test
    void liveConnectionBothSides() throws Exception {
        Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
        try (Loopback lo = Loopback.open(true)) {
            for (GuardedFd fd : new GuardedFd[] {lo.client, lo.server}) {
                MptcpInfo info = new MptcpInfo().read(fd);
                assertEquals(96, MptcpInfo.SIZE);
                assertEquals(KERNEL.mptcpInfoSize(), info.returnedLength(), KERNEL.toString());
                for (MptcpInfo.Field f : MptcpInfo.Field.values()) {
                    assertEquals(expectedPresent(f), info.has(f), f.cName() + " on " + KERNEL);
                }
                // Measured on Linux 6.18: mptcpi_subflows counts only the additional (MP_JOIN) subflows,
                // so a connection over its initial subflow alone reports 0, while mptcpi_subflows_total
                // (6.10) counts the initial one too. MPTCP_TCPINFO lists that one subflow.
                assertEquals(0, info.subflows());
                if (KERNEL.has(Feature.MPTCP_INFO_SUBFLOWS_TOTAL)) {
                    assertEquals(1, info.subflowsTotal().orElseThrow());
                } else {
                    assertTrue(info.subflowsTotal().isEmpty(), "absent, not zero, before 6.10");
                }
                assertEquals(1, new SubflowTcpInfos().read(fd).numSubflows());
                assertFalse(info.isFallback());
                assertNotEquals(0L, info.token());
                // ss reads the token through its own netlink path (inet_diag): a sign-extended or
                // misplaced read differs from it.
                String ss = Commands.ss("mptcp", Loopback.localAddress(fd), Loopback.peerAddress(fd), "-Mtin");
                assertEquals(Long.parseUnsignedLong(Commands.field(ss, "token:"), 16), info.token(), ss);
                assertTrue(info.toString().startsWith("subflows:0 add_addr_signal:0"), info.toString());
                assertTrue(info.toString().contains(" token:" + Long.toHexString(info.token())), info.toString());
            }
            // The two ends have distinct tokens; after the handshake the client has the server's key.
            MptcpInfo c = new MptcpInfo().read(lo.client);
            MptcpInfo s = new MptcpInfo().read(lo.server);
            assertNotEquals(c.token(), s.token());
            assertTrue(c.remoteKeyReceived(), c.toString());
        }
    }

    @Test
    void tokenAndSequenceNumbersMatchSs() throws Exception {
        Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
        try (Loopback lo = Loopback.open(true)) {
            Loopback.transfer(lo.client, lo.server, N);
            InetSocketAddress cl = Loopback.localAddress(lo.client);
            InetSocketAddress sv = Loopback.localAddress(lo.server);
            MptcpInfo info = readAcked(new MptcpInfo(), lo.client, N);
            String ss = Commands.ss("mptcp", cl, sv, "-Mtin");
            assertEquals(info.token(), Long.parseUnsignedLong(Commands.field(ss, "token:"), 16), ss);
            // Idle and fully acknowledged: the data-level sequence numbers are stable.
            assertEquals(info.writeSeq(), Long.parseUnsignedLong(Commands.field(ss, "write_seq:"), 16), ss);
            assertEquals(info.sndUna(), Long.parseUnsignedLong(Commands.field(ss, "snd_una:"), 16), ss);
            assertEquals(info.rcvNxt(), Long.parseUnsignedLong(Commands.field(ss, "rcv_nxt:"), 16), ss);
            assertEquals(info.writeSeq(), info.sndUna());

            MptcpInfo server = new MptcpInfo().read(lo.server);
            String ssServer = Commands.ss("mptcp", sv, cl, "-Mtin");
            assertEquals(server.token(), Long.parseUnsignedLong(Commands.field(ssServer, "token:"), 16), ssServer);
            // What one end sent, the other received.
            assertEquals(info.writeSeq(), server.rcvNxt());
        }
    }

    @Test
    void byteCountersAfterTransfer() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            Loopback.transfer(lo.client, lo.server, N);
            MptcpInfo c = readAcked(new MptcpInfo(), lo.client, N);
            MptcpInfo s = new MptcpInfo().read(lo.server);
            if (!KERNEL.has(Feature.MPTCP_INFO_COUNTERS)) { // before 6.5: absent, not zero
                assertTrue(c.bytesSent().isEmpty() && c.bytesAcked().isEmpty() && s.bytesReceived().isEmpty(), c.toString());
                assertFalse(c.toString().contains("bytes_sent"), c.toString());
                return;
            }
            assertTrue(c.bytesSent().orElseThrow() >= N, c.toString());
            assertEquals(N, c.bytesAcked().orElseThrow(), c.toString());
            assertEquals(N, s.bytesReceived().orElseThrow(), s.toString());
            assertTrue(c.toString().contains(" bytes_sent:" + c.bytesSent().orElseThrow()), c.toString());

            // The one subflow carried every byte the connection sent, new (MPTCP bytes_sent) and
            // reinjected (MPTCP bytes_retrans, non-zero on loopback now and then: seen 14488, 32608),
            // plus its own TCP retransmissions. ss prints the subflow's counters (iproute2 6.1 has no
            // MPTCP byte counters), so: subflow bytes_sent - bytes_retrans = MPTCP bytes_sent + bytes_retrans.
            Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
            InetSocketAddress cl = Loopback.localAddress(lo.client);
            InetSocketAddress sv = Loopback.localAddress(lo.server);
            String ss = Commands.ss("mptcp", cl, sv, "-Mtin");
            String mptcpBytes = Commands.field(ss, "bytes_sent:");
            if (mptcpBytes != null) { // newer ss
                assertEquals(c.bytesSent().orElseThrow(), Long.parseLong(mptcpBytes), ss);
            }
            String sub = Commands.ss("tcp", cl, sv, "-Mtin");
            MptcpInfo again = new MptcpInfo().read(lo.client);
            assertEquals(c.bytesSent(), again.bytesSent(), "the connection is idle: " + c + " vs " + again);
            assertEquals(c.bytesRetrans(), again.bytesRetrans(), "the connection is idle: " + c + " vs " + again);
            long subflowNew = Long.parseLong(Commands.field(sub, "bytes_sent:"))
                    - Long.parseLong(Objects.requireNonNullElse(Commands.field(sub, "bytes_retrans:"), "0"));
            assertEquals(subflowNew, c.bytesSent().orElseThrow() + c.bytesRetrans().orElseThrow(), sub + " vs " + c);
        }
    }

    @Test
    void shortReturnedLengthHidesLaterFields() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            Loopback.transfer(lo.client, lo.server, 1000);
            MptcpInfo full = new MptcpInfo().read(lo.client);
            // The same bytes in a segment of our own, read with the package's getsockopt helper.
            MemorySegment copy = Arena.ofAuto().allocate(MptcpInfo.SIZE, 8);
            assertEquals(KERNEL.mptcpInfoSize(), Getsockopt.get(lo.client, Linux.SOL_MPTCP(), Linux.MPTCP_INFO(),
                    "getsockopt(MPTCP_INFO)", "MPTCP_INFO", copy, MptcpInfo.SIZE));
            assertEquals(full.token(), MptcpInfo.wrap(copy, MptcpInfo.SIZE).token());

            // What a Linux 5.16 .. 6.4 kernel returns: 48 bytes, up to mptcpi_csum_enabled (43) and then
            // tail padding, where mptcpi_retransmits (44..48) now lies: it must not count as present.
            MptcpInfo old = MptcpInfo.wrap(copy, 48);
            assertEquals(48, old.returnedLength());
            assertTrue(old.has(MptcpInfo.Field.CSUM_ENABLED));
            assertFalse(old.has(MptcpInfo.Field.RETRANSMITS));
            assertFalse(old.has(MptcpInfo.Field.BYTES_SENT));
            assertTrue(old.retransmits().isEmpty());
            assertTrue(old.bytesSent().isEmpty());
            assertTrue(old.bytesReceived().isEmpty());
            assertTrue(old.bytesAcked().isEmpty());
            assertTrue(old.bytesRetrans().isEmpty());
            assertTrue(old.subflowsTotal().isEmpty());
            assertTrue(old.endpLaminarMax().isEmpty());
            assertTrue(old.endpFullmeshMax().isEmpty());
            assertTrue(old.lastDataSentMillis().isEmpty());
            assertTrue(old.lastDataRecvMillis().isEmpty());
            assertTrue(old.lastAckRecvMillis().isEmpty());
            assertEquals(full.token(), old.token());
            assertEquals(full.writeSeq(), old.writeSeq());
            assertEquals(full.subflowsMax(), old.subflowsMax());
            assertFalse(old.toString().contains("bytes_sent"), old.toString());
            assertTrue(old.toString().contains("token:"), old.toString());
            assertThrows(IllegalStateException.class, () -> old.read(lo.client));

            if (!KERNEL.has(Feature.MPTCP_INFO_SUBFLOWS_TOTAL)) {
                return; // the longer layouts below need a kernel that filled them
            }
            // 6.5 .. 6.9: 80 bytes, up to mptcpi_bytes_acked.
            MptcpInfo v65 = MptcpInfo.wrap(copy, 80);
            assertEquals(full.bytesSent(), v65.bytesSent());
            assertEquals(full.retransmits(), v65.retransmits());
            assertTrue(v65.subflowsTotal().isEmpty());

            // 6.10, 6.11: 88 bytes; mptcpi_last_data_sent (84..88) lies in their tail padding.
            MptcpInfo v610 = MptcpInfo.wrap(copy, 88);
            assertEquals(1, v610.subflowsTotal().orElseThrow());
            assertFalse(v610.has(MptcpInfo.Field.LAST_DATA_SENT));
            assertTrue(v610.lastDataSentMillis().isEmpty());
            assertTrue(v610.endpLaminarMax().isEmpty());

            // Shorter than the first struct: the primitive getters refuse, the optional ones are empty.
            MptcpInfo tiny = MptcpInfo.wrap(copy, 8);
            assertEquals(0, tiny.subflows());
            assertFalse(tiny.has(MptcpInfo.Field.TOKEN));
            assertThrows(IllegalStateException.class, tiny::token);
            assertThrows(IllegalStateException.class, tiny::isFallback);

            assertThrows(IllegalArgumentException.class, () -> MptcpInfo.wrap(copy, 97));
            assertThrows(IllegalArgumentException.class, () -> MptcpInfo.wrap(copy.asSlice(4), 8));
        }
    }

    @Test
    void notReadYet() {
        MptcpInfo info = new MptcpInfo();
        assertEquals(0, info.returnedLength());
        assertThrows(IllegalStateException.class, info::subflows);
        assertTrue(info.bytesSent().isEmpty());
        assertEquals("mptcp_info: not read", info.toString());
    }

    @Test
    void snapshotIsAnImmutableCopy() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            MptcpInfo live = new MptcpInfo().read(lo.client);
            MptcpInfo snap = live.snapshot();
            long sent = snap.writeSeq();
            assertEquals(live.token(), snap.token());
            assertEquals(live.toString(), snap.toString());
            assertThrows(IllegalStateException.class, () -> snap.read(lo.client));
            Loopback.transfer(lo.client, lo.server, 5000);
            live.read(lo.client);
            assertEquals(sent + 5000, live.writeSeq());
            assertEquals(sent, snap.writeSeq(), "the snapshot does not follow the view");
        }
    }

    @Test
    void plainTcpSocketGivesEopnotsupp() throws Exception {
        try (Loopback lo = Loopback.open(false)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> new MptcpInfo().read(lo.client));
            assertEquals("EOPNOTSUPP", e.errnoName());
            assertTrue(e.getMessage().startsWith("getsockopt(fd " + lo.client.number() + ", MPTCP_INFO)"), e.getMessage());
            assertEquals("EOPNOTSUPP", assertThrows(ErrnoException.class,
                    () -> new SubflowTcpInfos().read(lo.client)).errnoName());
            assertEquals("EOPNOTSUPP", assertThrows(ErrnoException.class,
                    () -> new SubflowAddresses().read(lo.client)).errnoName());
            assertEquals("EOPNOTSUPP", assertThrows(ErrnoException.class,
                    () -> new MptcpFullInfo().read(lo.client)).errnoName());
        }
    }

    @Test
    void fallenBackConnectionGivesEopnotsupp() throws Exception {
        // MPTCP client, plain TCP server: the connection falls back to TCP.
        try (Loopback lo = Loopback.open(true, false)) {
            MptcpInfo info = new MptcpInfo();
            ErrnoException e = assertThrows(ErrnoException.class, () -> info.read(lo.client));
            assertEquals("EOPNOTSUPP", e.errnoName());
            assertEquals(0, info.returnedLength(), "nothing present after a failed read");
        }
    }

    @Test
    void closedDescriptor() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            lo.client.close();
            assertThrows(SocketClosedException.class, () -> new MptcpInfo().read(lo.client));
        }
    }

    @Test
    void fieldTable() {
        assertEquals("mptcpi_bytes_sent", MptcpInfo.Field.BYTES_SENT.cName());
        assertEquals(8, MptcpInfo.Field.BYTES_SENT.end() - MptcpInfo.Field.BYTES_SENT.offset());
        assertEquals(96, MptcpInfo.Field.LAST_ACK_RECV.end());
        assertEquals(43, MptcpInfo.Field.CSUM_ENABLED.end());
        assertEquals(48, MptcpInfo.Field.RETRANSMITS.end());
        assertEquals(80, MptcpInfo.Field.RETRANSMITS.minLength());
        assertEquals(88, MptcpInfo.Field.LAST_DATA_SENT.end());
        assertEquals(96, MptcpInfo.Field.LAST_DATA_SENT.minLength());
        assertEquals(88, MptcpInfo.Field.SUBFLOWS_TOTAL.minLength());
        assertEquals(1, MptcpInfo.Field.SUBFLOWS.minLength());
        assertNotNull(MptcpInfo.Field.valueOf("ENDP_LAMINAR_MAX").since());
    }
}

package org.mptcpj.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.testing.Commands;
import org.mptcpj.testing.KernelFeatures;
import org.mptcpj.testing.Loopback;
import org.mptcpj.testing.Require;

@Tag("kernel")
class TcpInfoTest {
    private static final KernelFeatures KERNEL = KernelFeatures.current();
    private static final int N = 100_000;
    private static final int TCP_ESTABLISHED = 1;

    private static TcpInfo readAcked(TcpInfo info, GuardedFd fd, long n) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (info.read(fd).bytesAcked() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return info;
    }

    @Test
    void plainTcpMatchesSs() throws Exception {
        Require.that(Commands.works("ss", "-V"), "ss (iproute2) is not installed");
        try (Loopback lo = Loopback.open(false)) {
            Loopback.transfer(lo.client, lo.server, N);
            InetSocketAddress cl = Loopback.localAddress(lo.client);
            InetSocketAddress sv = Loopback.localAddress(lo.server);
            TcpInfo info = readAcked(new TcpInfo(), lo.client, N + 1);
            String ss = Commands.ss("tcp", cl, sv, "-Mtin");
            TcpInfo after = new TcpInfo().read(lo.client); // bracket the ss run

            assertEquals(280, TcpInfo.SIZE);
            assertEquals(KERNEL.tcpInfoSize(), info.returnedLength(), KERNEL.toString());
            for (TcpInfo.Field f : TcpInfo.Field.values()) {
                assertEquals(f.end() <= KERNEL.tcpInfoSize(), info.has(f), f.cName() + " on " + KERNEL);
            }
            assertEquals(TCP_ESTABLISHED, info.state());
            assertEquals("ESTAB", info.stateName());

            assertEquals(info.sndMss(), Long.parseLong(Commands.field(ss, "mss:")), ss);
            assertEquals(info.advMss(), Long.parseLong(Commands.field(ss, "advmss:")), ss);
            assertEquals(info.rcvMss(), Long.parseLong(Commands.field(ss, "rcvmss:")), ss);
            assertEquals(info.pmtu(), Long.parseLong(Commands.field(ss, "pmtu:")), ss);
            assertEquals(info.sndCwnd(), Long.parseLong(Commands.field(ss, "cwnd:")), ss);
            // The C bitfields, read from the byte after tcpi_options.
            assertTrue((info.options() & Linux.TCPI_OPT_WSCALE()) != 0);
            assertEquals(info.sndWscale() + "," + info.rcvWscale(), Commands.field(ss, "wscale:"), ss);
            assertEquals(N, info.bytesSent(), info.toString());
            assertEquals(Long.parseLong(Commands.field(ss, "bytes_sent:")), info.bytesSent(), ss);
            assertEquals(Long.parseLong(Commands.field(ss, "bytes_acked:")), info.bytesAcked(), ss);
            assertEquals(N + 1, info.bytesAcked(), "the SYN's sequence number is acknowledged too");
            // rtt: ss prints milliseconds; the connection is idle, so the estimate barely moves.
            String[] rtt = Commands.field(ss, "rtt:").split("/");
            double ssRttMicros = Double.parseDouble(rtt[0]) * 1000;
            assertEquals(ssRttMicros, info.rttMicros(), Math.max(1000, ssRttMicros), ss + " vs " + info);
            assertEquals(info.rttMicros(), after.rttMicros(), 1000);
            assertEquals(Double.parseDouble(Commands.field(ss, "rto:")) * 1000, info.rtoMicros(), 1000, ss);
            assertTrue(info.minRttMicros() > 0 && info.minRttMicros() <= info.rttMicros() + info.rttVarMicros() * 4);

            TcpInfo srv = new TcpInfo().read(lo.server);
            assertEquals(N, srv.bytesReceived());
            assertEquals(0, srv.bytesSent());
            assertEquals(info.sndWscale(), srv.rcvWscale(), "each side's send scale is the other's receive scale");
            assertEquals(info.rcvWscale(), srv.sndWscale());

            String text = info.toString();
            assertTrue(text.startsWith("ESTAB "), text);
            assertTrue(text.contains(" mss:" + info.sndMss() + " "), text);
            assertTrue(text.contains(" bytes_sent:" + N + " "), text);
            assertTrue(text.contains(" wscale:" + Commands.field(ss, "wscale:")), text);
            assertTrue(text.contains(" rtt:"), text);
        }
    }

    @Test
    void tcpInfoOnMptcpSocketDescribesTheFirstSubflow() throws Exception {
        try (Loopback lo = Loopback.open(true)) {
            Loopback.transfer(lo.client, lo.server, N);
            TcpInfo info = readAcked(new TcpInfo(), lo.client, N + 1);
            TcpInfo sub = new SubflowTcpInfos().read(lo.client).get(0);
            assertEquals(KERNEL.tcpInfoSize(), info.returnedLength());
            assertEquals(sub.sndMss(), info.sndMss());
            assertEquals(sub.bytesSent(), info.bytesSent());
            assertTrue(info.bytesSent() >= N);
        }
    }

    @Test
    void shortReturnedLengthHidesLaterFields() throws Exception {
        try (Loopback lo = Loopback.open(false)) {
            TcpInfo full = new TcpInfo().read(lo.client);
            MemorySegment copy = Arena.ofAuto().allocate(TcpInfo.SIZE, 8);
            assertEquals(KERNEL.tcpInfoSize(), Getsockopt.get(lo.client, Linux.SOL_TCP(), Linux.TCP_INFO(),
                    "getsockopt(TCP_INFO)", "TCP_INFO", copy, TcpInfo.SIZE));

            // Linux 6.1: the struct ends at tcpi_snd_wnd.
            int v61 = (int) TcpInfo.Field.SND_WND.end();
            assertEquals(232, v61);
            TcpInfo old = TcpInfo.wrap(copy, v61);
            assertEquals(full.sndMss(), old.sndMss());
            assertEquals(full.sndWnd(), old.sndWnd());
            assertFalse(old.has(TcpInfo.Field.RCV_WND));
            assertTrue(old.rcvWnd().isEmpty());
            assertTrue(old.rehash().isEmpty());
            assertTrue(old.totalRto().isEmpty());
            assertTrue(old.totalRtoRecoveries().isEmpty());
            assertTrue(old.totalRtoTimeMillis().isEmpty());
            assertTrue(old.receivedCe().isEmpty());
            assertTrue(old.accecnOptSeen().isEmpty());
            assertThrows(IllegalStateException.class, () -> old.read(lo.client));

            TcpInfo whole = TcpInfo.wrap(copy, TcpInfo.SIZE);
            assertTrue(whole.rcvWnd().isPresent());
            assertEquals(0, whole.totalRto().orElseThrow());
            assertTrue(whole.accecnFailMode().isPresent());

            // The first 8 bytes only: the u8 fields and the bitfields are there, the rest is not.
            TcpInfo tiny = TcpInfo.wrap(copy, 8);
            assertEquals(TCP_ESTABLISHED, tiny.state());
            assertEquals(full.sndWscale(), tiny.sndWscale());
            assertEquals(full.rcvWscale(), tiny.rcvWscale());
            assertThrows(IllegalStateException.class, tiny::rtoMicros);
            assertEquals("tcp_info: 8 bytes", tiny.toString());
        }
    }

    @Test
    void bitfieldNibbles() {
        // A synthetic struct: snd_wscale 7 (low nibble) and rcv_wscale 14 (high nibble), app_limited,
        // fastopen_client_fail 2.
        MemorySegment seg = MemorySegment.ofArray(new long[(TcpInfo.SIZE + 7) / 8]);
        seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 6, (byte) 0xe7);
        seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 7, (byte) 0b101);
        seg.set(java.lang.foreign.ValueLayout.JAVA_INT, TcpInfo.Field.RTO.offset(), 0xfffffff0);
        TcpInfo t = TcpInfo.wrap(seg, TcpInfo.SIZE);
        assertEquals(7, t.sndWscale());
        assertEquals(14, t.rcvWscale());
        assertTrue(t.deliveryRateAppLimited());
        assertEquals(2, t.fastopenClientFail());
        assertEquals(0xfffffff0L, t.rtoMicros(), "u32 without sign extension");
    }

    @Test
    void snapshotIsAnImmutableCopy() throws Exception {
        try (Loopback lo = Loopback.open(false)) {
            TcpInfo live = new TcpInfo().read(lo.client);
            TcpInfo snap = live.snapshot();
            assertEquals(live.bytesSent(), snap.bytesSent());
            assertThrows(IllegalStateException.class, () -> snap.read(lo.client));
            Loopback.transfer(lo.client, lo.server, 1000);
            assertEquals(1000, live.read(lo.client).bytesSent());
            assertEquals(0, snap.bytesSent());
        }
    }

    @Test
    void notReadYet() {
        TcpInfo info = new TcpInfo();
        assertEquals(0, info.returnedLength());
        assertThrows(IllegalStateException.class, info::state);
        assertThrows(IllegalStateException.class, info::sndWscale);
        assertTrue(info.rehash().isEmpty());
        assertEquals("tcp_info: not read", info.toString());
    }
}

package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.linger;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Linger;
import org.mptcpj.option.NativeOption;
import org.mptcpj.option.Options;

/** Every typed option's round trip through the kernel, and every bound rejected before the call. */
@Tag("kernel")
class OptionsTest {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    @ParameterizedTest
    @EnumSource(value = MptcpPolicy.class, names = {"REQUIRED", "DISABLED"})
    void everyOptionRoundTrips(MptcpPolicy policy) throws Exception {
        try (StreamSocket s = StreamSocket.open(policy, StandardProtocolFamily.INET6)) {
            roundTrip(s, Options.SO_KEEPALIVE, true);
            roundTrip(s, Options.SO_KEEPALIVE, false);
            roundTrip(s, Options.TCP_KEEPIDLE, Duration.ofSeconds(1));
            roundTrip(s, Options.TCP_KEEPIDLE, Duration.ofSeconds(32767));
            roundTrip(s, Options.TCP_KEEPINTVL, Duration.ofSeconds(1));
            roundTrip(s, Options.TCP_KEEPINTVL, Duration.ofSeconds(32767));
            roundTrip(s, Options.TCP_KEEPCNT, 1);
            roundTrip(s, Options.TCP_KEEPCNT, 127);
            userTimeout(s);
            roundTrip(s, Options.TCP_NODELAY, true);
            roundTrip(s, Options.SO_REUSEADDR, true);
            roundTrip(s, Options.SO_REUSEPORT, true);
            roundTrip(s, Options.SO_LINGER, Linger.seconds(7));
            roundTrip(s, Options.SO_LINGER, Linger.OFF);
            roundTrip(s, Options.TCP_CONGESTION, "reno");
            // The kernel doubles buffer sizes for its bookkeeping (socket(7)).
            s.setOption(Options.SO_RCVBUF, 65536);
            assertEquals(131072, s.getOption(Options.SO_RCVBUF));
            s.setOption(Options.SO_SNDBUF, 65536);
            assertEquals(131072, s.getOption(Options.SO_SNDBUF));
        }
    }

    /**
     * TCP_USER_TIMEOUT round-trips on TCP. MPTCP sockets on Linux 6.18 refuse it (net/mptcp/sockopt.c
     * has no case for it): the error must then say so, naming the option and ENOPROTOOPT.
     */
    private static void userTimeout(StreamSocket s) throws Exception {
        try {
            roundTrip(s, Options.TCP_USER_TIMEOUT, Duration.ZERO);
            roundTrip(s, Options.TCP_USER_TIMEOUT, Duration.ofMillis(Integer.MAX_VALUE));
        } catch (org.mptcpj.error.ErrnoException e) {
            assertTrue(s.isMptcp(), "a TCP socket must accept TCP_USER_TIMEOUT: " + e.getMessage());
            assertEquals("ENOPROTOOPT", e.errnoName());
            assertTrue(e.getMessage().contains("does not support TCP_USER_TIMEOUT on MPTCP sockets"), e.getMessage());
        }
    }

    private static <T> void roundTrip(StreamSocket s, NativeOption<T> option, T value) throws Exception {
        s.setOption(option, value);
        assertEquals(value, s.getOption(option), option.name());
    }

    @Test
    void keepaliveAppliesAndReadsBackAsOneUnit() throws Exception {
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            Keepalive k = Keepalive.of(Duration.ofSeconds(10), Duration.ofSeconds(5), 3);
            s.setKeepalive(k);
            assertEquals(k, s.keepalive());
            assertEquals(Duration.ofSeconds(25), k.deadline());
        }
    }

    @Test
    void boundsAreRejectedBeforeTheCallNamingOptionValueAndBound() throws Exception {
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            s.setOption(Options.TCP_KEEPIDLE, Duration.ofSeconds(99));
            assertRejected(() -> s.setOption(Options.TCP_KEEPIDLE, Duration.ZERO), "TCP_KEEPIDLE", "0", "1..32767");
            assertRejected(() -> s.setOption(Options.TCP_KEEPIDLE, Duration.ofSeconds(32768)), "TCP_KEEPIDLE", "32768", "1..32767");
            assertRejected(() -> s.setOption(Options.TCP_KEEPIDLE, Duration.ofMillis(1500)), "TCP_KEEPIDLE", "PT1.5S", "seconds");
            assertRejected(() -> s.setOption(Options.TCP_KEEPINTVL, Duration.ofSeconds(40000)), "TCP_KEEPINTVL", "40000", "1..32767");
            assertRejected(() -> s.setOption(Options.TCP_KEEPCNT, 0), "TCP_KEEPCNT", "0", "1..127");
            assertRejected(() -> s.setOption(Options.TCP_KEEPCNT, 128), "TCP_KEEPCNT", "128", "1..127");
            assertRejected(() -> s.setOption(Options.TCP_USER_TIMEOUT, Duration.ofMillis(-1)), "TCP_USER_TIMEOUT", "PT-0.001S", "non-negative");
            assertRejected(() -> s.setOption(Options.TCP_USER_TIMEOUT, Duration.ofMillis(1L << 31)), "TCP_USER_TIMEOUT", "2147483648", "0..2147483647");
            assertRejected(() -> s.setOption(Options.TCP_USER_TIMEOUT, Duration.ofNanos(1_500_000)), "TCP_USER_TIMEOUT", "PT0.0015S", "milliseconds");
            assertRejected(() -> s.setOption(Options.TCP_CONGESTION, "a-name-longer-than-15"), "TCP_CONGESTION", "a-name-longer-than-15", "1..15");
            assertRejected(() -> Keepalive.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 200), "TCP_KEEPCNT", "200", "1..127");
            // Nothing was lost: the last accepted value is still in force.
            assertEquals(Duration.ofSeconds(99), s.getOption(Options.TCP_KEEPIDLE));
        }
    }

    private static void assertRejected(org.junit.jupiter.api.function.Executable call, String... mustMention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String m : mustMention) {
            assertTrue(e.getMessage().contains(m), "'" + e.getMessage() + "' should mention " + m);
        }
    }

    @Test
    void nonAsciiCongestionNamesAreRejectedNotMangled() throws Exception {
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)) {
            s.setOption(Options.TCP_CONGESTION, "reno");
            // "ren\u00f6" would reach the kernel as "ren?" and fail with ENOENT naming a name nobody wrote.
            assertRejected(() -> s.setOption(Options.TCP_CONGESTION, "ren\u00f6"), "TCP_CONGESTION", "ren\u00f6", "ASCII");
            assertRejected(() -> s.setOption(Options.TCP_CONGESTION, "re\0no"), "TCP_CONGESTION", "ASCII");
            assertEquals("reno", s.getOption(Options.TCP_CONGESTION));
        }
    }

    @Test
    void lingerSetByOtherCodeReadsBackAndIsRejectedOnlyWhenSet() throws Exception {
        // Another program (C, or a descriptor handed over) may set l_linger above what this library
        // lets one set (MAX_SECONDS, the cap of 32-bit kernels); reading it must not fail.
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET);
                Arena arena = Arena.ofConfined()) {
            MemorySegment l = arena.allocate(linger.layout());
            linger.l_onoff(l, 1);
            linger.l_linger(l, 3_000_000);
            assertEquals(0, SYS.setsockopt(s.fd.number(), Linux.SOL_SOCKET(), Linux.SO_LINGER(), l, (int) l.byteSize()));
            Linger read = s.getOption(Options.SO_LINGER);
            assertEquals(new Linger(true, Duration.ofSeconds(3_000_000)), read);
            assertRejected(() -> s.setOption(Options.SO_LINGER, read), "SO_LINGER", "3000000", "0.." + Linger.MAX_SECONDS);
            assertRejected(() -> Linger.seconds(3_000_000), "SO_LINGER", "3000000", "0.." + Linger.MAX_SECONDS);
            assertEquals(read, s.getOption(Options.SO_LINGER), "nothing was set");
        }
    }

    @Test
    void kernelRefusalIsATypedErrno() throws Exception {
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)) {
            var e = assertThrows(org.mptcpj.error.ErrnoException.class,
                    () -> s.setOption(Options.TCP_CONGESTION, "no-such-cc"));
            assertEquals("ENOENT", e.errnoName());
            assertTrue(e.getMessage().startsWith("setsockopt(fd "), e.getMessage());
            assertTrue(e.getMessage().contains("TCP_CONGESTION"), e.getMessage());
        }
    }
}

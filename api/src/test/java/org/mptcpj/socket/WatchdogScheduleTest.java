package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Options;

/**
 * The dead-peer watchdog's schedule against a program that changes keepalive idle while the
 * watchdog looks at the socket. The test takes the watchdog thread's part on an instance of its own
 * (no thread), so the interleaving that lost the change is played in order, not hoped for: the look
 * reads the old idle time, the program sets a new one, then the look places the socket.
 */
class WatchdogScheduleTest {
    @Test
    void anIdleTimeSetDuringALookReschedulesTheSocket() throws Exception {
        DeadPeerWatchdog wd = new DeadPeerWatchdog();
        wd.useSource(DeadPeerWatchdog.get().source());
        try (SocketPair conn = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            StreamSocket s = conn.accepted();
            s.setDeadPeerWatchdog(null); // the JVM's watchdog leaves it to this test's instance
            s.setKeepalive(Keepalive.of(Duration.ofHours(2), Duration.ofSeconds(5), 3)); // SO_KEEPALIVE first, as the JDK's defaults have it
            s.watched = true; // which watches it, as watch() would mark it
            long now = System.nanoTime();
            long due = wd.visit(s, now); // the look read 2 h ...
            assertTrue(due - now > TimeUnit.HOURS.toNanos(1), "an idle connection with keepalive idle 2 h is looked at "
                    + "in about 2 h, not in " + TimeUnit.NANOSECONDS.toMillis(due - now) + " ms");
            s.setOption(Options.TCP_KEEPIDLE, Duration.ofSeconds(1)); // ... the program sets 1 s ...
            wd.place(s, due); // ... and the look places the socket by the 2 h it read
            assertFalse(s.watchAside, "the socket stays aside for 2 h: the new keepalive idle time (1 s) was lost, "
                    + "a dead peer would go unreported");
            long later = System.nanoTime();
            long next = wd.visit(s, later);
            assertTrue(next - later <= TimeUnit.SECONDS.toNanos(1) + DeadPeerWatchdog.PERIOD.toNanos(),
                    "the look after the change follows keepalive idle 1 s: next look in "
                            + TimeUnit.NANOSECONDS.toMillis(next - later) + " ms");
        }
    }
}
